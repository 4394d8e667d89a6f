"""Chart builders and the palette: specs inline exactly the frame's rows, colour never stands alone.

Rendering tests use vl-convert offline (TOOLCHAIN.md section 5) and read the rendered SVG's
aria-labels and the PNG's pixels, so they check what a reader would see, not just the spec.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import re

import altair as alt
import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc
from PIL import Image
from shapely.geometry import shape

from het import charts, palette
from het.derived.gaps import NARROWING, NO_CHANGE, WIDENING
from het.stats.benchmark import LABEL_ORDER
from het.stats.trend import CANNOT_BE_CALCULATED, MARKER_ORDER

PERIODS = [("2016 - 18", 20160000), ("2017 - 19", 20170000), ("2018 - 20", 20180000), ("2019 - 21", 20190000)]


# --- small frames ---------------------------------------------------------------------------------


def trend_frame() -> pd.DataFrame:
    rows = []
    for i, (label, sortable) in enumerate(PERIODS):
        for series, base in (("Luton", 77.0), ("England", 79.4), ("East of England", 80.1), ("Slough", 78.5)):
            value = base + 0.1 * i
            rows.append(
                {
                    "period_label": label,
                    "period_sort": sortable,
                    "area_name": series,
                    "series": series,
                    "value": value,
                    "lower_ci95": value - 0.5,
                    "upper_ci95": value + 0.5,
                    "comparison": "worse" if series == "Luton" else "not compared",
                }
            )
    frame = pd.DataFrame(rows)
    frame.loc[3, ["lower_ci95", "upper_ci95"]] = np.nan  # a comparator without an interval
    # Shuffled, so that the x order can only come from period_sort.
    return frame.sample(frac=1, random_state=3).reset_index(drop=True)


def multiples_frame() -> pd.DataFrame:
    rows = []
    for name, unit, decimals, base in (
        ("Life expectancy", "years", 1, 78.0),
        ("Child poverty", "%", 1, 31.0),
    ):
        for i, (label, sortable) in enumerate(PERIODS):
            for series, shift in (("Luton", 1.0), ("England", 0.0)):
                value = base + shift + 0.2 * i
                rows.append(
                    {
                        "short_name": name,
                        "unit": unit,
                        "decimals": decimals,
                        "period_label": label,
                        "period_sort": sortable,
                        "series": series,
                        "value": value,
                        "lower_ci95": value - 0.4,
                        "upper_ci95": value + 0.4,
                    }
                )
    return pd.DataFrame(rows)


def group_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "category": ["Asian", "Black", "Mixed", "White", "Other"],
            "category_rank": [2, 4, 5, 1, 3],
            "value": [61.2, 55.0, 70.4, 66.1, np.nan],
            "lower_ci95": [59.0, 51.1, 64.0, 64.9, np.nan],
            "upper_ci95": [63.3, 58.8, 76.1, 67.3, np.nan],
            "comparison": ["similar", "much worse", "better", "better", "not compared"],
        }
    )


def deprivation_frame() -> pd.DataFrame:
    # Ranks out of order on purpose: positions must come from category_rank.
    return pd.DataFrame(
        {
            "category": ["Q3", "Q1 most deprived", "Q2", "Q5 least deprived", "Q4"],
            "category_rank": [3, 1, 2, 5, 4],
            "value": [78.2, 74.1, 76.0, 81.9, 79.5],
            "lower_ci95": [77.4, 73.3, 75.2, 81.1, 78.7],
            "upper_ci95": [79.0, 74.9, 76.8, 82.7, 80.3],
            "comparison": ["similar", "much worse", "worse", "better", "similar"],
        }
    )


def gap_frame() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "period_label": [label for label, _ in PERIODS],
            "period_sort": [sortable for _, sortable in PERIODS],
            "sii": [9.1, 8.6, 8.0, 7.2],
        }
    )
    frame["sii_lower95"] = frame["sii"] - 1.1
    frame["sii_upper95"] = frame["sii"] + 1.1
    return frame.iloc[::-1].reset_index(drop=True)


RUG_AREAS = ["Luton", "England", "East of England", "Slough", "Biscot", "Dallow"]


def rug_frame() -> pd.DataFrame:
    rows = []
    for j, label in enumerate(["Life expectancy (male)", "Child poverty", "Smoking in pregnancy"]):
        for k, area in enumerate(reversed(RUG_AREAS)):
            comparison = LABEL_ORDER[(j * len(RUG_AREAS) + k) % len(LABEL_ORDER)]
            rows.append(
                {
                    "indicator_id": f"ind_{j}",
                    "indicator_label": label,
                    "area_label": area,
                    "period_label": "2021 - 23",
                    "comparison": comparison,
                    "cell_text": f"{60 + j * 5 + k:.1f} {palette.COMPARISON_SYMBOLS[comparison]}",
                }
            )
    return pd.DataFrame(rows)


def hex_frame() -> pd.DataFrame:
    # A real corner of the WD23 layout (data/hex_layout.csv), every comparison label once.
    return pd.DataFrame(
        {
            "area_code": [f"E0501474{i}" for i in range(8)],
            "ward_name": [
                "Sundon Park",
                "Leagrave",
                "Northwell",
                "Bramingham",
                "Lewsey",
                "Poets",
                "Saints",
                "High Town",
            ],
            "q": [1, 0, 1, 2, -1, -1, 1, 2],
            "r": [0, 1, 1, 1, 2, 3, 2, 2],
            "value": [77.1, 78.4, 76.0, 81.2, 79.9, 74.3, 80.5, np.nan],
            "comparison": list(LABEL_ORDER),
        }
    )


def build_all() -> dict[str, tuple[alt.TopLevelMixin, pd.DataFrame]]:
    trend, multiples, groups = trend_frame(), multiples_frame(), group_frame()
    deprivation, gaps, rug, hexes = deprivation_frame(), gap_frame(), rug_frame(), hex_frame()
    return {
        "trend": (charts.trend_chart(trend, unit="years", decimals=1, region="East of England"), trend),
        "small_multiples": (charts.small_multiples(multiples, columns=2), multiples),
        "group_bar": (
            charts.group_bar_chart(
                groups,
                category_field="category",
                unit="%",
                decimals=1,
                reference_value=64.0,
                reference_label="Luton",
            ),
            groups,
        ),
        "deprivation": (
            charts.deprivation_chart(deprivation, unit="years", decimals=1, sii_line=(73.9, 82.3)),
            deprivation,
        ),
        "gap": (charts.gap_over_time_chart(gaps, unit="years", decimals=1, verdict="gap narrowing"), gaps),
        "tartan": (charts.tartan_rug(rug, area_order=RUG_AREAS), rug),
        "hex": (charts.hex_map(hexes, value_field="value", label_field="ward_name"), hexes),
    }


# --- helpers ------------------------------------------------------------------------------------


def as_rows(frame: pd.DataFrame) -> list[dict]:
    """The frame as JSON would hold it: missing values as None, numpy scalars as Python."""
    out = []
    for row in frame.to_dict("records"):
        out.append({k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()})
    return out


def find(node, predicate):
    """Every dict in a spec for which predicate(dict) is true."""
    hits = []
    if isinstance(node, dict):
        if predicate(node):
            hits.append(node)
        for value in node.values():
            hits.extend(find(value, predicate))
    elif isinstance(node, list):
        for item in node:
            hits.extend(find(item, predicate))
    return hits


def aria_labels(chart, role: str) -> list[dict[str, str]]:
    """The rendered SVG's marks of one kind (bar, rect, symbol, text...) as {field: shown value}."""
    svg = vlc.vegalite_to_svg(chart.to_json())
    labels = re.findall(rf'aria-label="([^"]*)"[^>]*aria-roledescription="{role}"', svg)
    return [dict(part.split(": ", 1) for part in label.split("; ")) for label in labels]


def png_colours(png: bytes) -> tuple[set[str], float]:
    """The exact colours in a rendered PNG and the share of white pixels."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = np.asarray(image).reshape(-1, 3)
    colours = {"#{:02X}{:02X}{:02X}".format(*p) for p in np.unique(pixels, axis=0)}
    white = float(np.mean(np.all(pixels == 255, axis=1)))
    return colours, white


# --- chart_data: the Table tab holds exactly the chart's data -------------------------------------


@pytest.mark.parametrize("name", ["trend", "small_multiples", "group_bar", "deprivation", "gap", "tartan"])
def test_chart_inlines_exactly_the_frame_rows(name):
    chart, frame = build_all()[name]
    assert chart_rows_equal(charts.chart_data(chart), frame)


def chart_rows_equal(rows: list[dict], frame: pd.DataFrame) -> bool:
    assert len(rows) == len(frame)
    assert rows == as_rows(frame)
    return True


def test_hex_map_inlines_the_frame_rows_as_features():
    chart, frame = build_all()["hex"]
    rows = charts.chart_data(chart)
    extra = {"type", "geometry", "hex_x", "hex_y", "hex_label"}
    assert all(set(row) == set(frame.columns) | extra for row in rows)
    assert [{k: v for k, v in row.items() if k not in extra} for row in rows] == as_rows(frame)


def test_every_chart_inlines_its_data_and_never_a_url():
    for name, (chart, _) in build_all().items():
        spec = chart.to_dict()
        assert not find(spec, lambda d: "url" in d), name
        assert len(spec.get("datasets", {})) <= 1, name
        assert charts.chart_data(spec), name


def test_chart_data_reads_top_level_datasets_and_inline_layer_values():
    rows = [{"a": 1, "b": "x"}, {"a": 2, "b": None}]
    named = {"data": {"name": "d1"}, "mark": "point", "datasets": {"d1": rows}}
    layered = {"layer": [{"mark": "point", "data": {"values": rows}}, {"mark": "rule"}]}
    assert charts.chart_data(named) == rows
    assert charts.chart_data(layered) == rows
    # The same rows under two references are one dataset.
    both = {"datasets": {"d1": rows}, "layer": [{"data": {"name": "d1"}}, {"data": {"values": rows}}]}
    assert charts.chart_data(both) == rows
    # An Altair chart works too, and a copy comes back.
    chart = alt.Chart(pd.DataFrame(rows)).mark_point().encode(x="a:Q")
    got = charts.chart_data(chart)
    got[0]["a"] = 99
    assert charts.chart_data(chart) == rows


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"mark": "point"}, "chart has no inline data"),
        ({"data": {"url": "https://example.org/x.csv"}, "mark": "point"}, "reads data from a URL"),
        ({"data": {"name": "gone"}, "mark": "point", "datasets": {}}, "refers to dataset 'gone'"),
        (
            {"layer": [{"data": {"values": [{"a": 1}]}}, {"data": {"values": [{"a": 2}]}}]},
            "chart has 2 datasets",
        ),
    ],
)
def test_chart_data_refuses_specs_without_exactly_one_inline_dataset(spec, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        charts.chart_data(spec)


# --- 1. trend ------------------------------------------------------------------------------------


def test_trend_orders_periods_by_period_sort_not_by_row_order():
    chart, _ = build_all()["trend"]
    svg = vlc.vegalite_to_svg(chart.to_json())
    positions = [svg.index(f">{label}<") for label, _ in PERIODS]
    assert positions == sorted(positions)
    sorts = find(chart.to_dict(), lambda d: d.get("field") == "period_label" and "sort" in d)
    assert sorts and all(
        d["sort"] == {"field": "period_sort", "op": "min", "order": "ascending"} for d in sorts
    )


def test_trend_draws_luton_band_england_dashed_and_formatted_tooltips():
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


def test_trend_colours_come_from_the_palette():
    chart, _ = build_all()["trend"]
    scale = next(
        d["scale"] for d in find(chart.to_dict(), lambda d: d.get("field") == "series_group" and "scale" in d)
    )
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        "Luton": palette.SERIES_COLOURS["Luton"],
        "England": palette.SERIES_COLOURS["England"],
        "East of England": palette.SERIES_COLOURS["region"],
        "Comparator areas": palette.SERIES_COLOURS["comparator"],
    }


# --- 2. small multiples --------------------------------------------------------------------------


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


# --- 3. group bars -------------------------------------------------------------------------------


def test_group_bars_carry_comparison_colour_symbol_and_reference_rule():
    chart, frame = build_all()["group_bar"]
    spec = chart.to_dict()
    bars = aria_labels(chart, "bar")
    assert [b["Group"] for b in bars] == [
        "Asian",
        "Black",
        "Mixed",
        "White",
    ]  # the missing value draws no bar
    black = next(b for b in bars if b["Group"] == "Black")
    assert black["Compared with Luton"] == "▼▼ much worse" and black["Value"] == "55.0%"
    texts = find(spec, lambda d: isinstance(d.get("mark"), dict) and d["mark"].get("type") == "text")
    assert any(t["encoding"].get("text", {}).get("field") == "bar_text" for t in texts)
    reference = [d for d in find(spec, lambda d: d.get("datum") == 64.0)]
    assert reference, "the reference rule sits at the Luton value"
    assert any(t["encoding"].get("text", {}).get("value") == "Luton: 64.0%" for t in texts)
    fill = next(d for d in find(spec, lambda d: d.get("field") == "comparison" and "scale" in d))
    assert fill["scale"] == palette.comparison_scale(set(frame["comparison"])).to_dict()


def y_label_order(chart, categories) -> list[str]:
    """The category labels of a rendered chart's y axis, top to bottom."""
    svg = vlc.vegalite_to_svg(chart.to_json())
    labels = re.findall(r'<text[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*>([^<]*)</text>', svg)
    return [text for _, _, text in sorted(labels, key=lambda t: float(t[1])) if text in set(categories)]


def test_group_bars_sort_by_value_by_a_rank_column_or_by_a_given_order():
    frame = group_frame()
    kwargs = {"category_field": "category", "unit": "%", "decimals": 1, "reference_value": 64.0}
    by_value = charts.group_bar_chart(frame, reference_label="Luton", **kwargs)
    names = frame["category"]
    assert y_label_order(by_value, names)[:4] == ["Mixed", "White", "Asian", "Black"]
    by_rank = charts.group_bar_chart(frame, reference_label="Luton", sort="category_rank", **kwargs)
    assert y_label_order(by_rank, names) == ["White", "Asian", "Other", "Black", "Mixed"]
    given = ["Other", "Black", "Asian", "White", "Mixed"]
    by_list = charts.group_bar_chart(frame, reference_label="Luton", sort=given, **kwargs)
    assert y_label_order(by_list, names) == given


def test_group_dots_when_not_from_zero():
    frame = group_frame()
    chart = charts.group_bar_chart(
        frame,
        category_field="category",
        unit="%",
        decimals=1,
        reference_value=64.0,
        reference_label="Luton",
        from_zero=False,
    )
    spec = chart.to_dict()
    assert not find(spec, lambda d: d.get("type") == "bar")
    assert find(spec, lambda d: d.get("field") == "value" and d.get("scale") == {"zero": False})


# --- 4. deprivation ------------------------------------------------------------------------------


def test_deprivation_bars_sit_at_rank_midpoints_with_the_sii_line():
    chart, _ = build_all()["deprivation"]
    intervals = aria_labels(chart, "rule mark")
    midpoints = {float(r["x_mid"]): float(r["lower_ci95"]) for r in intervals if "x_mid" in r}
    assert midpoints == {0.1: 73.3, 0.3: 75.2, 0.5: 77.4, 0.7: 78.7, 0.9: 81.1}
    spec = chart.to_dict()
    line = next(layer for layer in spec["layer"] if "datum" in layer["encoding"]["x"])
    enc = line["encoding"]
    assert (enc["x"]["datum"], enc["x2"]["datum"], enc["y"]["datum"], enc["y2"]["datum"]) == (
        0.0,
        1.0,
        73.9,
        82.3,
    )
    x_title = find(spec, lambda d: d.get("field") == "x_start")[0]["title"]
    assert "most deprived (0)" in x_title and "least deprived (1)" in x_title
    bars = aria_labels(chart, "bar")
    assert {b["Group"]: b["Compared with Luton"] for b in bars}["Q1 most deprived"] == "▼▼ much worse"


def test_deprivation_without_sii_line_or_comparison():
    frame = deprivation_frame().drop(columns="comparison")
    chart = charts.deprivation_chart(frame, unit="%", decimals=0)
    spec = chart.to_dict()
    assert len(spec["layer"]) == 2
    assert charts.chart_data(chart) == as_rows(frame)


# --- 5. gap over time ----------------------------------------------------------------------------


def test_gap_over_time_shows_verdict_with_symbol_and_intervals():
    chart, _ = build_all()["gap"]
    spec = chart.to_dict()
    assert "Trend in the gap: ▲ gap narrowing" in spec["title"]["subtitle"]
    points = aria_labels(chart, "point")
    assert [p["Period"] for p in points] == ["2019 - 21", "2018 - 20", "2017 - 19", "2016 - 18"]
    assert points[0]["Slope index of inequality"] == "7.2 years"
    assert points[0]["95% interval"] == "6.1 to 8.3"


# --- 6. tartan rug -------------------------------------------------------------------------------


def test_tartan_rug_has_text_on_every_cell_and_the_rug_pick_selection():
    chart, frame = build_all()["tartan"]
    spec = chart.to_dict()
    marks = {layer["mark"]["type"]: layer for layer in spec["layer"]}
    assert set(marks) == {"rect", "text"}
    assert marks["text"]["encoding"]["text"]["field"] == "cell_text"
    params = find(spec, lambda d: d.get("name") == "rug_pick")
    assert len(params) == 1
    assert params[0]["select"] == {
        "type": "point",
        "fields": ["indicator_id"],
        "on": "click",
        "clear": "dblclick",
    }
    text_scale = marks["text"]["encoding"]["fill"]["scale"]
    assert dict(zip(text_scale["domain"], text_scale["range"], strict=True)) == {
        label: palette.text_colour_for(palette.COMPARISON_COLOURS[label]) for label in LABEL_ORDER
    }
    texts = aria_labels(chart, "text mark")
    assert len(texts) == len(frame)


def test_tartan_rug_orders_areas_as_given():
    chart, _ = build_all()["tartan"]
    x = find(chart.to_dict(), lambda d: d.get("field") == "area_label" and "sort" in d)
    assert all(d["sort"] == RUG_AREAS for d in x)
    svg = vlc.vegalite_to_svg(chart.to_json())
    axis = svg[svg.index('aria-label="X-axis') :]
    shown = [a for a in re.findall(r">([^<>]+)</text>", axis) if a in RUG_AREAS]
    assert shown == RUG_AREAS


# --- 7. hex map ----------------------------------------------------------------------------------


def test_hex_geometry_pointy_top_axial_layout():
    assert charts.hex_centre(0, 0) == (0, 0)
    assert charts.hex_centre(1, 0) == (1, 0)
    x, y = charts.hex_centre(0, 1)
    assert (x, y) == pytest.approx((0.5, -math.sqrt(3) / 2))
    ring = charts.hex_polygon(0, 0)
    assert len(ring) == 7 and ring[0] == ring[-1]
    assert ring[0] == pytest.approx([0.0, 1 / math.sqrt(3)])  # pointy top
    # Neighbours (q+1, r) and (q, r+1) share an edge: two vertices in common.
    for q, r in ((1, 0), (0, 1), (1, -1), (-1, 1)):
        shared = {tuple(v) for v in ring[:-1]} & {tuple(v) for v in charts.hex_polygon(q, r)[:-1]}
        assert len(shared) == 2, (q, r)


def test_hex_features_are_flat_clockwise_polygons():
    chart, frame = build_all()["hex"]
    features = charts.chart_data(chart)
    assert len(features) == len(frame)
    for feature in features:
        assert feature["type"] == "Feature" and "properties" not in feature
        geometry = feature["geometry"]
        assert geometry["type"] == "Polygon" and len(geometry["coordinates"]) == 1
        ring = geometry["coordinates"][0]
        signed_area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2
        assert signed_area < 0  # clockwise, north up
        polygon = shape(geometry)
        assert polygon.is_valid and not polygon.exterior.is_ccw
        assert polygon.area == pytest.approx(math.sqrt(3) / 2)  # a hexagon one unit across the flats
        assert polygon.centroid.coords[0] == pytest.approx((feature["hex_x"], feature["hex_y"]))
    labels = {f["ward_name"]: f["hex_label"] for f in features}
    assert labels["Sundon Park"] == "SP\n▲▲"
    assert labels["Bramingham"] == "Bram.\n▼"
    assert labels["Saints"] == "Saints\n▽"
    spec = chart.to_dict()
    assert spec["projection"] == {"type": "identity", "reflectY": True}
    assert find(spec, lambda d: d.get("name") == "ward_pick")[0]["select"]["fields"] == ["area_code"]


def test_hex_map_renders_offline_to_png_with_every_comparison_colour():
    chart, frame = build_all()["hex"]
    png = vlc.vegalite_to_png(chart.to_json(), scale=2)
    with open("/tmp/het_hex_test.png", "wb") as out:
        out.write(png)
    colours, white = png_colours(png)
    assert set(palette.COMPARISON_COLOURS.values()) <= colours
    # The plot is not flooded with one colour (what a wrongly wound ring does under a spherical
    # projection, TOOLCHAIN.md pitfall A; the flat identity projection is checked the same way).
    assert white > 0.3


@pytest.mark.parametrize("name", ["tartan", "trend"])
def test_tartan_rug_and_trend_render_to_png(name):
    chart, frame = build_all()[name]
    png = vlc.vegalite_to_png(chart.to_json(), scale=2)
    with open(f"/tmp/het_{name}_test.png", "wb") as out:
        out.write(png)
    colours, _ = png_colours(png)
    drawn = frame if name == "tartan" else frame[frame["series"] == "Luton"]  # only Luton's points are filled
    assert {palette.COMPARISON_COLOURS[c] for c in drawn["comparison"]} <= colours


def test_abbreviate_ward():
    assert charts.abbreviate_ward("High Town") == "HT"
    assert charts.abbreviate_ward("Biscot") == "Biscot"
    assert charts.abbreviate_ward("Wigmore") == "Wigmore"
    assert charts.abbreviate_ward("Northwell") == "Nort."


# --- error messages ------------------------------------------------------------------------------


def _with(frame: pd.DataFrame, **changes) -> pd.DataFrame:
    out = frame.copy()
    for column, value in changes.items():
        out[column] = value
    return out


ERRORS = [
    (
        lambda: charts.trend_chart(trend_frame().drop(columns="period_sort"), unit="%", decimals=1),
        "trend_chart needs column(s) period_sort",
    ),
    (
        lambda: charts.trend_chart(trend_frame().iloc[0:0], unit="%", decimals=1),
        "trend_chart needs at least one row",
    ),
    (
        lambda: charts.trend_chart(_with(trend_frame(), comparison="poor"), unit="%", decimals=1),
        "trend_chart: unknown comparison label(s) 'poor'",
    ),
    (
        lambda: charts.trend_chart(trend_frame().to_dict("records"), unit="%", decimals=1),
        "trend_chart needs a pandas DataFrame; got list",
    ),
    (lambda: charts.small_multiples(multiples_frame(), columns=0), "small_multiples needs at least 1 column"),
    (
        lambda: charts.small_multiples(_with(multiples_frame(), unit=["%", "years"] * 8)),
        "small_multiples: indicator 'Life expectancy' has several units",
    ),
    (
        lambda: charts.group_bar_chart(
            group_frame(),
            category_field="category",
            unit="%",
            decimals=1,
            reference_value=float("nan"),
            reference_label="Luton",
        ),
        "group_bar_chart needs a finite reference_value",
    ),
    (
        lambda: charts.group_bar_chart(
            group_frame(),
            category_field="category",
            unit="%",
            decimals=1,
            reference_value=1.0,
            reference_label="Luton",
            sort="size",
        ),
        "group_bar_chart: sort must be 'value', a column or a list of categories; got 'size'",
    ),
    (
        lambda: charts.group_bar_chart(
            group_frame(),
            category_field="category",
            unit="%",
            decimals=1,
            reference_value=1.0,
            reference_label="Luton",
            sort=["Asian"],
        ),
        "group_bar_chart: sort order is missing Black, Mixed, Other, White",
    ),
    (
        lambda: charts.group_bar_chart(
            _with(group_frame(), category="Asian"),
            category_field="category",
            unit="%",
            decimals=1,
            reference_value=1.0,
            reference_label="Luton",
        ),
        "group_bar_chart: category 'Asian' appears more than once",
    ),
    (
        lambda: charts.group_bar_chart(
            _with(group_frame(), comparison=[None, "better", "better", "better", "better"]),
            category_field="category",
            unit="%",
            decimals=1,
            reference_value=1.0,
            reference_label="Luton",
        ),
        "group_bar_chart: comparison is missing in row 1; use 'not compared'",
    ),
    (
        lambda: charts.deprivation_chart(
            _with(deprivation_frame(), category_rank=[1, 2, 3, 4, 4]), unit="%", decimals=1
        ),
        "deprivation_chart needs category_rank 1..5 once each",
    ),
    (
        lambda: charts.deprivation_chart(
            deprivation_frame(), unit="%", decimals=1, sii_line=(1.0, float("inf"))
        ),
        "deprivation_chart: sii_line needs two finite values",
    ),
    (
        lambda: charts.gap_over_time_chart(gap_frame(), unit="years", decimals=1, verdict="better"),
        "unknown gap verdict 'better'",
    ),
    (
        lambda: charts.tartan_rug(rug_frame(), area_order=RUG_AREAS[:-1]),
        "tartan_rug: area_order is missing Dallow",
    ),
    (
        lambda: charts.tartan_rug(rug_frame(), indicator_order=["Child poverty"]),
        "tartan_rug: indicator_order is missing Life expectancy (male), Smoking in pregnancy",
    ),
    (
        lambda: charts.tartan_rug(pd.concat([rug_frame(), rug_frame().iloc[:1]])),
        "tartan_rug: indicator 'Life expectancy (male)' has more than one cell for 'Dallow'",
    ),
    (
        lambda: charts.hex_map(_with(hex_frame(), q=1, r=0), value_field="value", label_field="ward_name"),
        "hex_map: two wards share the hex cell q=1, r=0",
    ),
    (
        lambda: charts.hex_map(
            _with(hex_frame(), geometry="x"), value_field="value", label_field="ward_name"
        ),
        "hex map frame may not have column(s) geometry",
    ),
]


@pytest.mark.parametrize(("build", "message"), ERRORS, ids=[m[:40] for _, m in ERRORS])
def test_builders_fail_loudly_with_a_domain_message(build, message):
    with pytest.raises((ValueError, TypeError), match=re.escape(message)):
        build()


# --- palette -------------------------------------------------------------------------------------


def test_every_comparison_label_has_a_colour_and_a_distinct_symbol():
    assert tuple(palette.COMPARISON_COLOURS) == LABEL_ORDER
    assert tuple(palette.COMPARISON_SYMBOLS) == LABEL_ORDER
    assert len(set(palette.COMPARISON_COLOURS.values())) == len(LABEL_ORDER)
    assert len(set(palette.COMPARISON_SYMBOLS.values())) == len(LABEL_ORDER)
    assert palette.comparison_text("worse") == "▼ worse"


def test_comparison_scale_in_label_order():
    scale = palette.comparison_scale().to_dict()
    assert scale["domain"] == list(LABEL_ORDER)
    assert scale["range"] == [palette.COMPARISON_COLOURS[label] for label in LABEL_ORDER]
    subset = palette.comparison_scale({"worse", "better"}).to_dict()
    assert subset == {"domain": ["better", "worse"], "range": ["#0072B2", "#E69F00"]}
    with pytest.raises(ValueError, match="unknown comparison label"):
        palette.comparison_scale(["green"])


def test_trend_and_verdict_labels_match_the_engine():
    assert set(palette.TREND_SYMBOLS) == set(MARKER_ORDER)
    assert palette.VERDICT_ORDER == (NARROWING, WIDENING, NO_CHANGE, CANNOT_BE_CALCULATED)
    assert set(palette.VERDICT_COLOURS) == set(palette.VERDICT_SYMBOLS) == set(palette.VERDICT_ORDER)
    assert palette.trend_text("getting worse") == "↓ getting worse"
    assert palette.verdict_text("gap widening") == "▼ gap widening"
    with pytest.raises(ValueError, match="unknown trend marker 'better'"):
        palette.trend_text("better")


def test_relative_luminance_and_contrast_hand_checked():
    assert palette.relative_luminance("#FFFFFF") == pytest.approx(1.0)
    assert palette.relative_luminance("#000") == pytest.approx(0.0)
    # #0072B2: G 114/255 -> 0.1683, B 178/255 -> 0.4452; 0.7152 * 0.1683 + 0.0722 * 0.4452 = 0.1526.
    assert palette.relative_luminance("#0072B2") == pytest.approx(0.1526, abs=5e-4)
    assert palette.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert palette.contrast_ratio("#0072B2", "#FFFFFF") == pytest.approx(1.05 / 0.2026, abs=0.01)
    with pytest.raises(ValueError, match="not a hex colour"):
        palette.relative_luminance("blue")


def test_text_colour_for_picks_the_higher_contrast():
    assert palette.text_colour_for("#FFFFFF") == palette.BLACK
    assert palette.text_colour_for("#000000") == palette.WHITE
    assert palette.text_colour_for("#0072B2") == palette.WHITE  # 5.19 against 4.06 with black
    assert palette.text_colour_for("#E69F00") == palette.BLACK
    # Near the crossover (luminance 0.179): #777777 is 0.184, so black (4.69) beats white (4.48).
    assert palette.text_colour_for("#777777") == palette.BLACK


@pytest.mark.parametrize(
    "fill",
    sorted(
        {
            *palette.COMPARISON_COLOURS.values(),
            *palette.VERDICT_COLOURS.values(),
            *palette.SERIES_COLOURS.values(),
        }
    ),
)
def test_recommended_text_meets_wcag_aa_on_every_fill(fill):
    assert palette.contrast_ratio(fill, palette.text_colour_for(fill)) >= 4.5


# Machado, Oliveira & Fernandes (2009) full-severity simulation matrices, applied in linear RGB.
CVD = {
    "normal": np.eye(3),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]
    ),
}


def _lab(colour: str, matrix: np.ndarray) -> np.ndarray:
    srgb = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    rgb = np.clip(matrix @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ rgb
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", list(CVD))
def test_comparison_colours_stay_apart_under_colour_blindness(vision):
    """Every pair of comparison fills differs by CIE76 delta E >= 12 under simulated colour blindness."""
    labs = {label: _lab(colour, CVD[vision]) for label, colour in palette.COMPARISON_COLOURS.items()}
    closest = min(
        (float(np.linalg.norm(labs[a] - labs[b])), a, b) for a, b in itertools.combinations(labs, 2)
    )
    assert closest[0] >= 12, closest
    # Better and worse, the distinction that matters most, stay far apart.
    assert np.linalg.norm(labs["better"] - labs["worse"]) >= 40


def test_a_red_green_palette_would_fail_the_colour_blindness_check():
    red, green = _lab("#D62728", CVD["deuteranopia"]), _lab("#2CA02C", CVD["deuteranopia"])
    assert np.linalg.norm(red - green) < 12


def test_charts_use_only_palette_colours():
    allowed = {
        *palette.COMPARISON_COLOURS.values(),
        *palette.SERIES_COLOURS.values(),
        *palette.VERDICT_COLOURS.values(),
        palette.INK,
        palette.PAPER,
        palette.MUTED,
        palette.BLACK,
        palette.WHITE,
    }
    colour_pattern = re.compile(r"#[0-9A-Fa-f]{6}\b")
    for name, (chart, _) in build_all().items():
        text = json.dumps({k: v for k, v in chart.to_dict().items() if k != "datasets"})
        used = set(colour_pattern.findall(text))
        assert used <= allowed, (name, used - allowed)
