"""No chart knows which authority it draws: drawn for Bedford, every chart family filters, colours and words
by the name it is given, and 'Luton' appears nowhere in its spec."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import vl_convert as vlc
from chart_frames import REGION, aria_labels, build_all, find, trend_frame

from het.charts import palette
from het.charts.trend import trend_chart

OTHER = "Bedford"
FAMILIES = list(build_all())
# The families that single the authority out; the gap chart, rug and hex map draw it like any other area.
NAMING = ("trend", "small_multiples", "group_bar", "deprivation", "tartan")


def spec_text(chart, *, with_data: bool = True) -> str:
    spec = chart.to_dict()
    if not with_data:
        spec = {key: value for key, value in spec.items() if key != "datasets"}
    return json.dumps(spec, ensure_ascii=False)


def filters(chart) -> list[str]:
    return [d["filter"] for d in find(chart.to_dict(), lambda d: isinstance(d.get("filter"), str))]


def scale_of(chart, field: str, kind: type) -> dict:
    """The first scale on field whose range holds values of kind (str for colours, list for dashes)."""
    scales = [d["scale"] for d in find(chart.to_dict(), lambda d: d.get("field") == field and "scale" in d)]
    scale = next(s for s in scales if isinstance(s["range"][0], kind))
    return dict(zip(scale["domain"], scale["range"], strict=True))


@pytest.mark.parametrize("family", FAMILIES)
def test_a_chart_drawn_for_another_authority_never_says_luton(family):
    chart, _ = build_all(OTHER)[family]
    assert "Luton" not in spec_text(chart)
    # The same chart drawn for Luton does name it, so the check above can fail.
    luton_chart, _ = build_all("Luton")[family]
    assert ("Luton" in spec_text(luton_chart, with_data=False)) == (family in NAMING)
    assert (OTHER in spec_text(chart, with_data=False)) == (family in NAMING)


def test_trend_filters_and_colours_the_series_named_as_the_authority():
    chart, _ = build_all(OTHER)["trend"]
    assert sum(f == f'datum.series === "{OTHER}"' for f in filters(chart)) == 3  # band, line, points
    assert scale_of(chart, "series_group", str)[OTHER] == palette.AUTHORITY_COLOUR
    assert scale_of(chart, "series_group", list)[OTHER] == [1, 0]
    legends = find(chart.to_dict(), lambda d: d.get("field") == "comparison" and "legend" in d)
    assert legends[0]["legend"]["title"] == f"{OTHER} compared with England"
    # What a reader sees: the shaded band is Bedford's interval, and Bedford's line is its own group.
    svg = vlc.vegalite_to_svg(chart.to_json())
    bands = re.findall(r'aria-label="([^"]*)"[^>]*aria-roledescription="area mark"', svg)
    assert bands == ["Period: 2016 - 18; years: 76.5; upper_ci95: 77.5"]
    lines = re.findall(
        r'aria-label="[^"]*series_group: ([^";]*)[^"]*"[^>]*aria-roledescription="line mark"', svg
    )
    assert sorted(lines) == sorted([OTHER, "England", REGION, "Comparator areas"])


def test_trend_draws_luton_as_a_comparator_when_the_authority_is_bedford():
    luton = trend_frame("Luton")
    luton = luton[luton["series"] == "Luton"].assign(comparison="not compared")
    frame = pd.concat([trend_frame(OTHER), luton], ignore_index=True)
    for authority, comparator in ((OTHER, "Luton"), ("Luton", OTHER)):
        chart = trend_chart(frame, authority=authority, unit="years", decimals=1, region=REGION)
        colours = scale_of(chart, "series_group", str)
        assert colours == {
            authority: palette.AUTHORITY_COLOUR,
            "England": palette.ENGLAND_COLOUR,
            REGION: palette.REGION_COLOUR,
            "Comparator areas": palette.COMPARATOR_COLOUR,
        }
        svg = vlc.vegalite_to_svg(chart.to_json())
        drawn = re.findall(r'aria-label="([^"]*)"[^>]*aria-roledescription="line mark"', svg)
        assert any(f"series: {comparator}" in label and "Comparator areas" in label for label in drawn)


def test_small_multiples_draw_only_the_named_authority_and_england():
    chart, _ = build_all(OTHER)["small_multiples"]
    assert f'datum.series === "{OTHER}"' in filters(chart)
    assert f'datum.series === "{OTHER}" || datum.series === "England"' in filters(chart)
    assert scale_of(chart, "series", str) == {
        OTHER: palette.AUTHORITY_COLOUR,
        "England": palette.ENGLAND_COLOUR,
    }
    assert {p["Area"] for p in aria_labels(chart, "point")} == {OTHER, "England"}


def test_group_and_deprivation_charts_compare_with_the_named_authority():
    bars, _ = build_all(OTHER)["group_bar"]
    black = next(b for b in aria_labels(bars, "bar") if b["Group"] == "Black")
    assert black[f"Compared with {OTHER}"] == "▼▼ much worse"
    assert f"{OTHER}: 64.0%" in spec_text(bars, with_data=False)
    deprivation, _ = build_all(OTHER)["deprivation"]
    q1 = next(b for b in aria_labels(deprivation, "bar") if b["Group"] == "Q1 most deprived")
    assert q1[f"Compared with {OTHER}"] == "▼▼ much worse"
    line = scale_of(deprivation, "line_name", str)
    assert line == {"fitted line (slope index of inequality)": palette.AUTHORITY_COLOUR}
