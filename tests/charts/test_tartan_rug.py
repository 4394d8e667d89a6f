"""het.charts.rug: the tartan rug, a text label on every comparison-coloured cell."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import vl_convert as vlc
from chart_frames import RUG_AREAS, aria_labels, build_all, find, png_colours, rug_frame

from het.charts import palette
from het.charts.rug import tartan_rug
from het.stats.benchmark import LABEL_ORDER


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


def test_tartan_rug_renders_to_png_with_every_cell_colour():
    chart, frame = build_all()["tartan"]
    png = vlc.vegalite_to_png(chart.to_json(), scale=2)
    with open("/tmp/het_tartan_test.png", "wb") as out:
        out.write(png)
    colours, _ = png_colours(png)
    assert {palette.COMPARISON_COLOURS[c] for c in frame["comparison"]} <= colours


ERRORS = [
    (
        lambda: tartan_rug(rug_frame(), area_order=RUG_AREAS[:-1]),
        "tartan_rug: area_order is missing Dallow",
    ),
    (
        lambda: tartan_rug(rug_frame(), indicator_order=["Child poverty"]),
        "tartan_rug: indicator_order is missing Life expectancy (male), Smoking in pregnancy",
    ),
    (
        lambda: tartan_rug(pd.concat([rug_frame(), rug_frame().iloc[:1]])),
        "tartan_rug: indicator 'Life expectancy (male)' has more than one cell for 'Dallow'",
    ),
]


@pytest.mark.parametrize(("build", "message"), ERRORS, ids=[m[:40] for _, m in ERRORS])
def test_tartan_rug_fail_loudly_with_a_domain_message(build, message):
    with pytest.raises((ValueError, TypeError), match=re.escape(message)):
        build()
