"""Charts that do not rely on colour: a trend point's comparison is its shape too, and every deprivation
group's value (and comparison symbol) is written on the chart, checked on the rendered SVG."""

from __future__ import annotations

import re

import vl_convert as vlc
from chart_frames import build_all, deprivation_frame, find

from het.charts import palette
from het.charts.groups import deprivation_chart


def test_trend_points_say_their_comparison_by_shape_as_well_as_fill():
    chart, frame = build_all()["trend"]
    spec = chart.to_dict()
    shapes = find(spec, lambda d: d.get("field") == "comparison" and "scale" in d and "range" in d["scale"])
    shape_scales = [
        d["scale"]
        for d in shapes
        if all(isinstance(r, str) and not r.startswith("#") for r in d["scale"]["range"])
    ]
    assert shape_scales, "the authority's points have a shape encoding by comparison"
    scale = shape_scales[0]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        label: palette.COMPARISON_SHAPES[label] for label in scale["domain"]
    }
    # Better and worse differ in shape, not only in colour (when both are present).
    assert palette.COMPARISON_SHAPES["better"] != palette.COMPARISON_SHAPES["worse"]
    drawn = set(frame.loc[frame["series"] == "Luton", "comparison"])
    assert set(scale["domain"]) == drawn  # the legend lists exactly the comparisons drawn


def test_deprivation_groups_carry_their_value_labels():
    frame = deprivation_frame()
    chart = deprivation_chart(frame, authority="Luton", unit="years", decimals=1, sii_line=(73.9, 82.3))
    svg = vlc.vegalite_to_svg(chart.to_json())
    texts = re.findall(r"<text[^>]*>([^<]+)</text>", svg)
    for row in frame.itertuples():
        label = f"{row.value:.1f}"
        if "comparison" in frame.columns:
            label += f" {palette.COMPARISON_SYMBOLS[row.comparison]}"
        assert label in texts, (label, texts)
