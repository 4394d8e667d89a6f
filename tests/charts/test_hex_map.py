"""het.charts.maps: the ward hex map, its pointy-top axial geometry and its ward abbreviations."""

from __future__ import annotations

import itertools
import math
import re

import pytest
import vl_convert as vlc
from chart_frames import build_all, find, hex_frame, png_colours, with_columns
from shapely.geometry import shape

from het.charts import palette
from het.charts.data import chart_data
from het.charts.maps import abbreviate_ward, hex_centre, hex_map, hex_polygon


def test_hex_geometry_pointy_top_axial_layout():
    assert hex_centre(0, 0) == (0, 0)
    assert hex_centre(1, 0) == (1, 0)
    x, y = hex_centre(0, 1)
    assert (x, y) == pytest.approx((0.5, -math.sqrt(3) / 2))
    ring = hex_polygon(0, 0)
    assert len(ring) == 7 and ring[0] == ring[-1]
    assert ring[0] == pytest.approx([0.0, 1 / math.sqrt(3)])  # pointy top
    # Neighbours (q+1, r) and (q, r+1) share an edge: two vertices in common.
    for q, r in ((1, 0), (0, 1), (1, -1), (-1, 1)):
        shared = {tuple(v) for v in ring[:-1]} & {tuple(v) for v in hex_polygon(q, r)[:-1]}
        assert len(shared) == 2, (q, r)


def test_hex_features_are_flat_clockwise_polygons():
    chart, frame = build_all()["hex"]
    features = chart_data(chart)
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


def test_abbreviate_ward():
    assert abbreviate_ward("High Town") == "HT"
    assert abbreviate_ward("Biscot") == "Biscot"
    assert abbreviate_ward("Wigmore") == "Wigmore"
    assert abbreviate_ward("Northwell") == "Nort."


ERRORS = [
    (
        lambda: hex_map(with_columns(hex_frame(), q=1, r=0), value_field="value", label_field="ward_name"),
        "hex_map: two wards share the hex cell q=1, r=0",
    ),
    (
        lambda: hex_map(
            with_columns(hex_frame(), geometry="x"), value_field="value", label_field="ward_name"
        ),
        "hex map frame may not have column(s) geometry",
    ),
]


@pytest.mark.parametrize(("build", "message"), ERRORS, ids=[m[:40] for _, m in ERRORS])
def test_hex_map_fail_loudly_with_a_domain_message(build, message):
    with pytest.raises((ValueError, TypeError), match=re.escape(message)):
        build()
