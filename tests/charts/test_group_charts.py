"""het.charts.groups: groups within the authority against a reference, and the deprivation gradient."""

from __future__ import annotations

import re

import pytest
from chart_frames import (
    aria_labels,
    as_rows,
    build_all,
    deprivation_frame,
    find,
    group_frame,
    with_columns,
    y_label_order,
)

from het.charts import palette
from het.charts.data import chart_data
from het.charts.groups import deprivation_chart, group_bar_chart


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


def test_group_bars_sort_by_value_by_a_rank_column_or_by_a_given_order():
    frame = group_frame()
    kwargs = {"category_field": "category", "unit": "%", "decimals": 1, "reference_value": 64.0}
    by_value = group_bar_chart(frame, reference_label="Luton", **kwargs)
    names = frame["category"]
    assert y_label_order(by_value, names)[:4] == ["Mixed", "White", "Asian", "Black"]
    by_rank = group_bar_chart(frame, reference_label="Luton", sort="category_rank", **kwargs)
    assert y_label_order(by_rank, names) == ["White", "Asian", "Other", "Black", "Mixed"]
    given = ["Other", "Black", "Asian", "White", "Mixed"]
    by_list = group_bar_chart(frame, reference_label="Luton", sort=given, **kwargs)
    assert y_label_order(by_list, names) == given


def test_group_dots_when_not_from_zero():
    frame = group_frame()
    chart = group_bar_chart(
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
    chart = deprivation_chart(frame, authority="Luton", unit="%", decimals=0)
    spec = chart.to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "rule", "text"]  # bars, intervals, value labels; no SII line
    assert chart_data(chart) == as_rows(frame)


ERRORS = [
    (
        lambda: group_bar_chart(
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
        lambda: group_bar_chart(
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
        lambda: group_bar_chart(
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
        lambda: group_bar_chart(
            with_columns(group_frame(), category="Asian"),
            category_field="category",
            unit="%",
            decimals=1,
            reference_value=1.0,
            reference_label="Luton",
        ),
        "group_bar_chart: category 'Asian' appears more than once",
    ),
    (
        lambda: group_bar_chart(
            with_columns(group_frame(), comparison=[None, "better", "better", "better", "better"]),
            category_field="category",
            unit="%",
            decimals=1,
            reference_value=1.0,
            reference_label="Luton",
        ),
        "group_bar_chart: comparison is missing in row 1; use 'not compared'",
    ),
    (
        lambda: deprivation_chart(
            with_columns(deprivation_frame(), category_rank=[1, 2, 3, 4, 4]),
            authority="Luton",
            unit="%",
            decimals=1,
        ),
        "deprivation_chart needs category_rank 1..5 once each",
    ),
    (
        lambda: deprivation_chart(
            deprivation_frame(), authority="Luton", unit="%", decimals=1, sii_line=(1.0, float("inf"))
        ),
        "deprivation_chart: sii_line needs two finite values",
    ),
    (
        lambda: deprivation_chart(deprivation_frame(), authority=" ", unit="%", decimals=1),
        "deprivation_chart needs authority, the authority's series name (its area name); got ' '",
    ),
]


@pytest.mark.parametrize(("build", "message"), ERRORS, ids=[m[:40] for _, m in ERRORS])
def test_group_builders_fail_loudly_with_a_domain_message(build, message):
    with pytest.raises((ValueError, TypeError), match=re.escape(message)):
        build()
