"""het.charts.trend: an indicator's trend against England, the region and comparators; small multiples."""

from __future__ import annotations

import re

import pytest
import vl_convert as vlc
from chart_frames import (
    PERIODS,
    aria_labels,
    build_all,
    find,
    multiples_frame,
    png_colours,
    trend_frame,
    with_columns,
)

from het.charts import palette
from het.charts.trend import small_multiples, trend_chart


def test_trend_orders_periods_by_period_sort_not_by_row_order():
    chart, _ = build_all()["trend"]
    svg = vlc.vegalite_to_svg(chart.to_json())
    positions = [svg.index(f">{label}<") for label, _ in PERIODS]
    assert positions == sorted(positions)
    sorts = find(chart.to_dict(), lambda d: d.get("field") == "period_label" and "sort" in d)
    assert sorts and all(
        d["sort"] == {"field": "period_sort", "op": "min", "order": "ascending"} for d in sorts
    )


def test_trend_draws_the_authority_band_england_dashed_and_formatted_tooltips():
    chart, _ = build_all()["trend"]
    spec = chart.to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks[0] == "area" and "line" in marks and "point" in marks
    dash = find(
        spec, lambda d: d.get("field") == "series_group" and "scale" in d and d.get("type") == "nominal"
    )
    dash_scale = next(
        d["scale"] for d in dash if d["scale"]["range"] and isinstance(d["scale"]["range"][0], list)
    )
    assert dict(zip(dash_scale["domain"], dash_scale["range"], strict=True))["England"] == [6, 4]
    points = aria_labels(chart, "point")
    luton_2019 = next(p for p in points if p.get("Area") == "Luton" and p.get("Period") == "2019 - 21")
    assert luton_2019["Value"] == "77.3 years"
    assert luton_2019["95% interval"] == "76.8 to 77.8"
    assert luton_2019["Compared with England"] == "▼ worse"
    missing = next(p for p in points if p.get("Area") == "Slough" and p.get("Period") == "2016 - 18")
    assert missing["95% interval"] == "–"


def test_trend_colours_come_from_the_palette_by_role():
    chart, _ = build_all()["trend"]
    scale = next(
        d["scale"] for d in find(chart.to_dict(), lambda d: d.get("field") == "series_group" and "scale" in d)
    )
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        "Luton": palette.AUTHORITY_COLOUR,
        "England": palette.ENGLAND_COLOUR,
        "East of England": palette.REGION_COLOUR,
        "Comparator areas": palette.COMPARATOR_COLOUR,
    }


def test_trend_renders_to_png_with_the_authority_points_filled_by_comparison():
    chart, frame = build_all()["trend"]
    png = vlc.vegalite_to_png(chart.to_json(), scale=2)
    with open("/tmp/het_trend_test.png", "wb") as out:
        out.write(png)
    colours, _ = png_colours(png)
    drawn = frame[frame["series"] == "Luton"]  # only the authority's points are filled
    assert {palette.COMPARISON_COLOURS[c] for c in drawn["comparison"]} <= colours


def test_small_multiples_one_panel_per_indicator_with_its_own_y_scale_and_unit():
    chart, frame = build_all()["small_multiples"]
    spec = chart.to_dict()
    assert spec["columns"] == 2
    assert [panel["title"]["text"] for panel in spec["concat"]] == ["Life expectancy", "Child poverty"]
    assert spec["resolve"]["scale"]["y"] == "independent"
    titles = [
        {d.get("title") for d in find(panel, lambda d: d.get("field") == "value")} for panel in spec["concat"]
    ]
    assert titles == [{"years"}, {"%"}]
    values = {p["Value"] for p in aria_labels(chart, "point")}
    assert "32.0%" in values and "79.0 years" in values


def test_small_multiples_colour_the_authority_and_england_by_role():
    chart, _ = build_all()["small_multiples"]
    scales = [
        d["scale"] for d in find(chart.to_dict(), lambda d: d.get("field") == "series" and "scale" in d)
    ]
    colours = next(s for s in scales if isinstance(s["range"][0], str))
    dashes = next(s for s in scales if isinstance(s["range"][0], list))
    assert dict(zip(colours["domain"], colours["range"], strict=True)) == {
        "Luton": palette.AUTHORITY_COLOUR,
        "England": palette.ENGLAND_COLOUR,
    }
    assert dict(zip(dashes["domain"], dashes["range"], strict=True)) == {"Luton": [1, 0], "England": [6, 4]}


ERRORS = [
    (
        lambda: trend_chart(
            trend_frame().drop(columns="period_sort"), authority="Luton", unit="%", decimals=1
        ),
        "trend_chart needs column(s) period_sort",
    ),
    (
        lambda: trend_chart(trend_frame().iloc[0:0], authority="Luton", unit="%", decimals=1),
        "trend_chart needs at least one row",
    ),
    (
        lambda: trend_chart(
            with_columns(trend_frame(), comparison="poor"), authority="Luton", unit="%", decimals=1
        ),
        "trend_chart: unknown comparison label(s) 'poor'",
    ),
    (
        lambda: trend_chart(trend_frame().to_dict("records"), authority="Luton", unit="%", decimals=1),
        "trend_chart needs a pandas DataFrame; got list",
    ),
    (
        lambda: trend_chart(trend_frame(), authority="", unit="%", decimals=1),
        "trend_chart needs authority, the authority's series name (its area name); got ''",
    ),
    (
        lambda: trend_chart(trend_frame(), authority="England", unit="%", decimals=1),
        "trend_chart: authority cannot be 'England'; England is the benchmark",
    ),
    (
        lambda: small_multiples(multiples_frame(), authority="Luton", columns=0),
        "small_multiples needs at least 1 column",
    ),
    (
        lambda: small_multiples(with_columns(multiples_frame(), unit=["%", "years"] * 8), authority="Luton"),
        "small_multiples: indicator 'Life expectancy' has several units",
    ),
    (
        lambda: small_multiples(multiples_frame(), authority=None),
        "small_multiples needs authority, the authority's series name (its area name); got None",
    ),
]


@pytest.mark.parametrize(("build", "message"), ERRORS, ids=[m[:40] for _, m in ERRORS])
def test_trend_builders_fail_loudly_with_a_domain_message(build, message):
    with pytest.raises((ValueError, TypeError), match=re.escape(message)):
        build()
