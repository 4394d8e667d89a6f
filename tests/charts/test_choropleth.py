"""het.charts.choropleth: ward maps, small multiples and the LSOA layer, on two hand-made square wards."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import vl_convert

from het.charts import palette
from het.charts.choropleth import (
    BY_COMPARISON,
    BY_VALUE,
    lsoa_map,
    small_multiples,
    ward_map,
    with_fill_colours,
)
from het.charts.common import InlineChart


def square(x0: float, y0: float, size: float = 0.01) -> dict:
    # clockwise exterior (north up), as het stores boundaries
    ring = [[x0, y0], [x0, y0 + size], [x0 + size, y0 + size], [x0 + size, y0], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def features(**extra) -> list[dict]:
    base = [
        {"area_code": "W1", "ward": "Alpha", "comparison": "worse", "class_label": "1.0 to 2.0"},
        {"area_code": "W2", "ward": "Beta", "comparison": "better", "class_label": "2.0 to 3.0"},
    ]
    return [
        {
            "type": "Feature",
            "geometry": square(-0.42 + 0.01 * i, 51.88),
            **row,
            "value_text": "1.5%",
            "interval_text": "1.0 to 2.0",
            "population": 1000.0,
            **extra,
        }
        for i, row in enumerate(base)
    ]


LABELS = pd.DataFrame({"area_code": ["W1", "W2"], "lon": [-0.415, -0.405], "lat": [51.885, 51.885]})
CLASSES = ["1.0 to 2.0", "2.0 to 3.0"]


def layer_data(spec: dict) -> list[list[dict]]:
    return [layer["data"]["values"] for layer in spec["layer"]]


def test_ward_map_inlines_its_features_outline_first_and_draws():
    outline = {"type": "Feature", "geometry": square(-0.42, 51.88, 0.02)}
    chart = ward_map(
        with_fill_colours(features(), CLASSES),
        colour=BY_VALUE,
        authority="Elsewhere",
        labels=LABELS,
        outline=outline,
        class_labels=CLASSES,
        show_names=True,
    )
    assert isinstance(chart, InlineChart)
    spec = chart.to_dict()
    outline_rows, ward_rows, label_rows = layer_data(spec)
    assert outline_rows == [outline]  # under the wards, so it never catches their clicks
    assert [f["area_code"] for f in ward_rows] == ["W1", "W2"]
    assert [r["label"] for r in label_rows] == ["Alpha", "Beta"]
    assert spec["layer"][1]["encoding"]["fill"]["scale"]["range"] == palette.sequential_colours(2)
    assert '"name": "ward_pick"' in json.dumps(spec)  # a click selects a ward
    assert "Luton" not in chart.to_json()
    svg = vl_convert.vegalite_to_svg(chart.to_json())
    assert svg.count("<path") >= 3


def test_by_comparison_every_ward_carries_its_symbol_and_contrasting_text():
    chart = ward_map(features(), colour=BY_COMPARISON, authority="Elsewhere", labels=LABELS)
    label_rows = layer_data(chart.to_dict())[-1]
    assert [r["label"] for r in label_rows] == [
        palette.COMPARISON_SYMBOLS["worse"],
        palette.COMPARISON_SYMBOLS["better"],
    ]
    assert label_rows[1]["text_colour"] == palette.text_colour_for(palette.COMPARISON_COLOURS["better"])


def test_ward_map_refuses_unknown_colour_modes_and_labels():
    with pytest.raises(ValueError, match="colour must be one of value, comparison"):
        ward_map(features(), colour="rainbow", authority="Elsewhere")
    with pytest.raises(ValueError, match="unknown comparison label"):
        ward_map(features(comparison="fine"), colour=BY_COMPARISON, authority="Elsewhere")
    with pytest.raises(ValueError, match="no ward features"):
        ward_map([], colour=BY_VALUE, authority="Elsewhere")


def test_small_multiples_draw_one_map_per_period_on_shared_classes():
    rows = features(period_label="2023") + features(period_label="2024")
    chart = small_multiples(rows, class_labels=CLASSES, unit_title="Value (%)", periods=["2023", "2024"])
    spec = chart.to_dict()
    assert [c["title"]["text"] for c in spec["concat"]] == ["2023", "2024"]
    assert all(len(c["data"]["values"]) == 2 for c in spec["concat"])
    assert vl_convert.vegalite_to_svg(chart.to_json()).count("<path") >= 4


def test_lsoa_map_darkest_is_most_deprived():
    lsoas = [
        {
            "type": "Feature",
            "geometry": square(-0.42, 51.88),
            "area_name": "L1",
            "imd_score": 40.0,
            "national_decile": 1,
            "ward": "Alpha",
        },
        {
            "type": "Feature",
            "geometry": square(-0.41, 51.88),
            "area_name": "L2",
            "imd_score": 5.0,
            "national_decile": 10,
            "ward": "Beta",
        },
    ]
    chart = lsoa_map(lsoas, field="national_decile", n_groups=10, legend_title="National decile")
    scale = chart.to_dict()["layer"][0]["encoding"]["fill"]["scale"]
    assert scale["domain"] == list(range(1, 11))
    assert scale["range"][0] == palette.SEQUENTIAL[-1] and scale["range"][-1] == palette.SEQUENTIAL[0]


def test_sequential_colours_spread_along_the_ramp():
    assert palette.sequential_colours(2) == [palette.SEQUENTIAL[0], palette.SEQUENTIAL[-1]]
    assert len(set(palette.sequential_colours(5))) == 5
    with pytest.raises(ValueError, match="1 to 10 classes, not 11"):
        palette.sequential_colours(11)


def test_inline_chart_says_when_a_dataset_is_never_used():
    import altair as alt

    chart = InlineChart(alt.Chart(alt.NamedData(name="a")).mark_point(), {"a": [{"x": 1}], "b": []})
    with pytest.raises(ValueError, match="no dataset named b"):
        chart.to_dict()


def test_the_ward_chosen_from_the_list_is_outlined():
    chart = ward_map(features(), colour=BY_COMPARISON, authority="Elsewhere", highlight="W2")
    stroke = chart.to_dict()["layer"][0]["encoding"]["stroke"]
    assert {"test": 'datum.area_code === "W2"', "value": palette.INK} in stroke["condition"]


def test_share_bars_keep_every_decile_in_order_and_sort_groups_by_share():
    from het.charts.shares import share_bars

    deciles = pd.DataFrame({"national_decile": [1, 3], "population": [750.0, 250.0], "share": [0.75, 0.25]})
    spec = share_bars(
        deciles,
        group="national_decile",
        group_title="Decile",
        share_title="Share",
        colour="#000000",
        order=range(1, 11),
    ).to_dict()
    assert spec["encoding"]["x"]["scale"]["domain"] == list(range(1, 11))
    groups = pd.DataFrame({"category": ["A", "B"], "population": [1.0, 3.0], "share": [0.25, 0.75]})
    spec = share_bars(
        groups, group="category", group_title="Group", share_title="Share", colour="#000000", horizontal=True
    ).to_dict()
    assert spec["encoding"]["y"]["sort"] == "-x" and spec["encoding"]["x"]["field"] == "share"
