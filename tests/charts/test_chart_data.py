"""het.charts.data: every chart inlines exactly its frame's rows, as one dataset, and chart_data reads them back."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import pytest
from chart_frames import as_rows, build_all, find

from het.charts.data import chart_data


@pytest.mark.parametrize("name", ["trend", "small_multiples", "group_bar", "deprivation", "gap", "tartan"])
def test_chart_inlines_exactly_the_frame_rows(name):
    chart, frame = build_all()[name]
    rows = chart_data(chart)
    assert len(rows) == len(frame)
    assert rows == as_rows(frame)


def test_hex_map_inlines_the_frame_rows_as_features():
    chart, frame = build_all()["hex"]
    rows = chart_data(chart)
    extra = {"type", "geometry", "hex_x", "hex_y", "hex_label"}
    assert all(set(row) == set(frame.columns) | extra for row in rows)
    assert [{k: v for k, v in row.items() if k not in extra} for row in rows] == as_rows(frame)


def test_every_chart_inlines_its_data_and_never_a_url():
    for name, (chart, _) in build_all().items():
        spec = chart.to_dict()
        assert not find(spec, lambda d: "url" in d), name
        assert len(spec.get("datasets", {})) <= 1, name
        assert chart_data(spec), name


def test_chart_data_reads_top_level_datasets_and_inline_layer_values():
    rows = [{"a": 1, "b": "x"}, {"a": 2, "b": None}]
    named = {"data": {"name": "d1"}, "mark": "point", "datasets": {"d1": rows}}
    layered = {"layer": [{"mark": "point", "data": {"values": rows}}, {"mark": "rule"}]}
    assert chart_data(named) == rows
    assert chart_data(layered) == rows
    # The same rows under two references are one dataset.
    both = {"datasets": {"d1": rows}, "layer": [{"data": {"name": "d1"}}, {"data": {"values": rows}}]}
    assert chart_data(both) == rows
    # An Altair chart works too, and a copy comes back.
    chart = alt.Chart(pd.DataFrame(rows)).mark_point().encode(x="a:Q")
    got = chart_data(chart)
    got[0]["a"] = 99
    assert chart_data(chart) == rows


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
        chart_data(spec)
