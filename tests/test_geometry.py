"""het.geometry: store rows to shapes, edge-keeping simplification, coverage defects, outline, label points and
flattened map features; by hand on squares first, then on the real ward boundaries of the geography pack."""

from __future__ import annotations

import json
import tomllib

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import topojson
from shapely import affinity
from shapely.geometry import Polygon, box

from het.geometry import (
    BRITISH_NATIONAL_GRID,
    CoverageDefects,
    WardGeometry,
    coverage_defects,
    label_points,
    map_features,
    metric_crs,
    outline,
    outline_feature,
    shapes_from_rows,
    simplify_keeping_edges,
    vertex_count,
    ward_geometry,
)
from het.reference.geography import read_geography_pack

# A corner of a British National Grid square near the middle of England, so hand-made shapes are in metres.
EAST, NORTH = 508_000.0, 221_000.0
# Rounding to 5 decimal places moves a vertex by at most 0.56 m north-south and 0.35 m east-west; a repair
# after rounding can open or close at most about one such grid cell (1.1 m x 0.7 m), so 1 m² is the most
# any gap or overlap may grow by simplifying. On the real wards both stay exactly 0.
SLIVER_M2 = 1.0


def rows_from_metres(polygons: dict[str, shapely.Geometry]) -> pd.DataFrame:
    """Store rows (area_code, geojson) of shapes drawn in metres on the British National Grid."""
    lonlat = gpd.GeoSeries(list(polygons.values()), crs=BRITISH_NATIONAL_GRID).to_crs(4326).to_numpy()
    oriented = shapely.orient_polygons(lonlat, exterior_cw=True)
    return pd.DataFrame({"area_code": list(polygons), "geojson": shapely.to_geojson(oriented)})


def in_metres(shapes: gpd.GeoDataFrame) -> np.ndarray:
    return shapes.geometry.to_crs(BRITISH_NATIONAL_GRID).to_numpy()


def exteriors_and_interiors(geometry: shapely.Geometry) -> tuple[list, list]:
    polygons = shapely.get_parts(geometry)
    return [p.exterior for p in polygons], [ring for p in polygons for ring in p.interiors]


def zigzag(y_from: float, y_to: float) -> np.ndarray:
    """A line up x = 1000 from y_from to y_to, its inner vertices every 10 m stepping 2 m left and right."""
    y = np.linspace(y_from, y_to, 41)
    x = 1000 + 2.0 * (-1) ** np.arange(41)
    x[0] = x[-1] = 1000
    return np.column_stack([x, y])


def two_squares_with_a_wiggly_shared_edge() -> pd.DataFrame:
    """Two 1 km squares side by side, A west of B. Their shared edge, drawn once and used by both as in a
    real ward file, zigzags 2 m either side of x = 1000 (for simplifying away) except for a 200 m square
    bump into B between y = 400 and 600 (to keep): 84 vertices."""
    bump = [(1200.0, 400.0), (1200.0, 600.0)]
    edge = np.vstack([zigzag(0, 400), bump, zigzag(600, 1000)]) + [EAST, NORTH]
    left = Polygon([(EAST, NORTH), *edge, (EAST, NORTH + 1000)])
    right = Polygon([*edge, (EAST + 2000, NORTH + 1000), (EAST + 2000, NORTH)])
    return rows_from_metres({"A": left, "B": right})


# --- by hand: reading rows --------------------------------------------------------------------------


def test_rows_become_wgs84_shapes_in_row_order():
    rows = two_squares_with_a_wiggly_shared_edge().assign(source="drawn by hand")
    shapes = shapes_from_rows(rows)
    assert shapes.crs == "EPSG:4326"
    assert list(shapes.columns) == ["area_code", "geometry"]
    assert shapes["area_code"].tolist() == ["A", "B"]
    areas = shapely.area(in_metres(shapes))
    assert areas.sum() == pytest.approx(2_000_000, rel=1e-6)
    # A takes the 40,000 m² bump; each zigzag's first and last 10 m step cut 10 m² from A: 4 x 10 m².
    assert areas[0] == pytest.approx(1_039_960, abs=1)


@pytest.mark.parametrize(
    ("geojson", "message"),
    [
        ("not json", r"area B: its boundary GeoJSON cannot be read \(.*parse error"),
        ('{"type": "Polygon", "coordinates": []}', "area B: its boundary GeoJSON is empty"),
        (None, "area B has no boundary GeoJSON"),
        ("  ", "area B has no boundary GeoJSON"),
        ('{"type": "Point", "coordinates": [-0.4, 51.9]}', "area B: its boundary is a Point, not a polygon"),
        (
            '{"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}',
            r"area B: its boundary is not a valid polygon \(Self-intersection",
        ),
    ],
)
def test_a_bad_boundary_is_refused_naming_its_area(geojson, message):
    rows = two_squares_with_a_wiggly_shared_edge()
    rows.loc[1, "geojson"] = geojson
    with pytest.raises(ValueError, match=message):
        shapes_from_rows(rows)


def test_rows_without_the_columns_or_with_a_repeated_code_are_refused():
    rows = two_squares_with_a_wiggly_shared_edge()
    with pytest.raises(ValueError, match="boundary rows need columns area_code and geojson; missing geojson"):
        shapes_from_rows(rows.drop(columns="geojson"))
    with pytest.raises(ValueError, match="area A has more than one boundary row"):
        shapes_from_rows(rows.assign(area_code="A"))
    with pytest.raises(ValueError, match="a boundary row has no area code"):
        shapes_from_rows(rows.assign(area_code=[None, "B"]))


# --- by hand: simplifying ---------------------------------------------------------------------------


def test_a_shared_edge_stays_shared_after_simplification():
    shapes = shapes_from_rows(two_squares_with_a_wiggly_shared_edge())
    simplified = simplify_keeping_edges(shapes, tolerance_m=10)
    left, right = simplified.geometry
    shared = set(map(tuple, shapely.get_coordinates(left).tolist())) & set(
        map(tuple, shapely.get_coordinates(right).tolist())
    )
    # The 2 m zigzags are gone; the edge's two ends and the bump's four corners are left, in both squares.
    assert len(shared) == 6
    # Each ring: 84 edge vertices, 2 corners and the closing point before; 6, 2 and 1 after.
    assert vertex_count(shapes) == 2 * 87 and vertex_count(simplified) == 2 * 9
    assert shapely.touches(left, right)
    assert shapely.area(shapely.intersection(left, right)) == 0
    union = shapely.union_all(simplified.geometry.to_numpy())
    assert union.geom_type == "Polygon" and not union.interiors
    assert coverage_defects(simplified, reference=shapes) == CoverageDefects(0.0, 0.0, 0, 0.0, 0.0, 0)
    # Rounding to 5 places moves the corners by under a metre: under 0.1% of the area.
    assert shapely.area(in_metres(simplified)).sum() == pytest.approx(2_000_000, rel=1e-3)


def test_simplified_shapes_are_rounded_valid_and_clockwise():
    simplified = simplify_keeping_edges(shapes_from_rows(two_squares_with_a_wiggly_shared_edge()))
    assert simplified.crs == "EPSG:4326"
    coordinates = shapely.get_coordinates(simplified.geometry.to_numpy())
    assert np.array_equal(coordinates, coordinates.round(5))
    assert simplified.geometry.is_valid.all()
    for geometry in simplified.geometry:
        exteriors, _ = exteriors_and_interiors(geometry)
        assert not any(shapely.is_ccw(exteriors))


def test_arcs_that_cross_once_simplified_get_their_detail_back():
    """B pokes a 120 m spike up into A, a 100 m strip whose border with C rises to 140 m above the spike.
    Simplified at 50 m the 40 m rise goes and the spike (kept: 120 m) pierces A into C; so A's and C's
    arcs, and B's, are put back as they were."""
    spike = [(0, 0), (490, 0), (500, 120), (510, 0), (1000, 0)]
    rise = [(0, 100), (400, 100), (400, 140), (600, 140), (600, 100), (1000, 100)]
    polygons = {
        "A": Polygon([*spike[::-1], *rise]),
        "B": Polygon([*spike, (1000, -1000), (0, -1000)]),
        "C": Polygon([*rise, (1000, 1000), (0, 1000)]),
    }
    shapes = shapes_from_rows(
        rows_from_metres({k: affinity.translate(p, EAST, NORTH) for k, p in polygons.items()})
    )
    metric = shapes.to_crs(BRITISH_NATIONAL_GRID)
    plain = topojson.Topology(metric, prequantize=False, toposimplify=50).to_gdf()
    assert plain.set_index("area_code").geometry.is_valid.to_dict() == {"A": False, "B": True, "C": True}
    simplified = simplify_keeping_edges(shapes, tolerance_m=50)
    assert simplified.geometry.is_valid.all()
    assert coverage_defects(simplified, reference=shapes) == CoverageDefects(0.0, 0.0, 0, 0.0, 0.0, 0)
    assert vertex_count(simplified) == vertex_count(shapes)  # the rise is back in A and C
    a, _, c = in_metres(simplified)
    for corner in ((400, 140), (600, 140)):
        point = shapely.Point(EAST + corner[0], NORTH + corner[1])
        assert a.distance(point) < 1 and c.distance(point) < 1, corner


def test_rounding_that_would_fold_a_ring_is_repaired():
    # Two 100 m squares joined by a neck 10 m long and 0.2 m wide: rounded to 5 places (1.1 m north-south)
    # its two sides fall on one line and the ring folds; make_valid drops the neck.
    neck = [
        (100, 0),
        (100, 49.9),
        (110, 49.9),
        (110, 0),
        (210, 0),
        (210, 100),
        (110, 100),
        (110, 50.1),
        (100, 50.1),
    ]
    dumbbell = affinity.translate(Polygon([(0, 0), *neck, (100, 100), (0, 100)]), EAST, NORTH)
    assert dumbbell.is_valid
    shapes = shapes_from_rows(rows_from_metres({"N": dumbbell}))
    naive = shapely.transform(shapes.geometry.to_numpy(), lambda xy: np.round(xy, 5))
    assert not shapely.is_valid(naive).any()
    repaired = simplify_keeping_edges(shapes, tolerance_m=0).geometry.iloc[0]
    assert repaired.is_valid and repaired.geom_type == "MultiPolygon" and len(repaired.geoms) == 2
    area = gpd.GeoSeries([repaired], crs=4326).to_crs(BRITISH_NATIONAL_GRID).area.iloc[0]
    assert area == pytest.approx(20_000, rel=1e-2)


def test_a_negative_tolerance_is_refused():
    shapes = shapes_from_rows(two_squares_with_a_wiggly_shared_edge())
    with pytest.raises(ValueError, match="tolerance must be zero or more metres; got -1"):
        simplify_keeping_edges(shapes, tolerance_m=-1)


def test_shapes_in_great_britain_are_measured_on_the_national_grid_elsewhere_in_utm():
    in_britain = shapes_from_rows(two_squares_with_a_wiggly_shared_edge())
    assert metric_crs(in_britain).to_epsg() == 27700
    new_york = gpd.GeoDataFrame({"area_code": ["X"]}, geometry=[box(-74.0, 40.7, -73.9, 40.8)], crs=4326)
    assert metric_crs(new_york).to_epsg() == 32618  # UTM zone 18N


# --- by hand: coverage defects ----------------------------------------------------------------------


def ring_of_eight_with_an_overlap() -> dict[str, shapely.Geometry]:
    """A 3 x 3 grid of 100 m cells without its centre (a 10,000 m² gap), and one more 100 m cell over the
    top-right corner of the grid, clear of the gap: 20 x 30 m = 600 m² shared with that corner cell alone."""
    cells = {
        f"C{i}{j}": box(EAST + 100 * i, NORTH + 100 * j, EAST + 100 * (i + 1), NORTH + 100 * (j + 1))
        for i in range(3)
        for j in range(3)
        if (i, j) != (1, 1)
    }
    cells["OVER"] = box(EAST + 280, NORTH + 270, EAST + 380, NORTH + 370)  # overlaps C22 by 20 x 30 m
    return cells


def test_coverage_defects_measure_a_deliberate_gap_and_overlap():
    shapes = shapes_from_rows(rows_from_metres(ring_of_eight_with_an_overlap()))
    defects = coverage_defects(shapes)
    assert defects.n_gaps == 1 and defects.max_gap_m2 == pytest.approx(10_000, rel=1e-6)
    assert defects.total_gap_m2 == pytest.approx(10_000, rel=1e-6)
    assert defects.n_overlaps == 1 and defects.max_overlap_m2 == pytest.approx(600, rel=1e-6)
    assert defects.total_overlap_m2 == pytest.approx(600, rel=1e-6)


def test_a_gap_the_reference_already_has_is_not_counted_but_a_new_part_of_it_is():
    cells = ring_of_eight_with_an_overlap()
    shapes = shapes_from_rows(rows_from_metres(cells))
    assert coverage_defects(shapes, reference=shapes).n_gaps == 0
    # A reference whose hole is smaller (a 40 x 100 m strip of it filled): only the rest is new.
    filled = dict(cells, FILL=box(EAST + 100, NORTH + 100, EAST + 140, NORTH + 200))
    reference = shapes_from_rows(rows_from_metres(filled))
    defects = coverage_defects(shapes, reference=reference)
    assert defects.n_gaps == 1 and defects.max_gap_m2 == pytest.approx(4_000, rel=1e-6)


def test_shapes_that_only_touch_have_no_defects():
    shapes = shapes_from_rows(two_squares_with_a_wiggly_shared_edge())
    assert coverage_defects(shapes) == CoverageDefects(0.0, 0.0, 0, 0.0, 0.0, 0)


# --- by hand: outline, label points, features ------------------------------------------------------


def test_outline_is_the_union_and_clockwise():
    shapes = shapes_from_rows(two_squares_with_a_wiggly_shared_edge())
    union = outline(shapes)
    assert union.geom_type == "Polygon"
    assert not shapely.is_ccw(union.exterior)
    area = gpd.GeoSeries([union], crs=4326).to_crs(BRITISH_NATIONAL_GRID).area.iloc[0]
    assert area == pytest.approx(2_000_000, rel=1e-6)
    feature = outline_feature(shapes)
    assert feature["type"] == "Feature" and set(feature) == {"type", "geometry"}
    assert feature["geometry"]["type"] == "Polygon"
    assert outline_feature(union) == feature


def test_label_point_lies_inside_a_shape_whose_centroid_does_not():
    # A C shape open to the east: its centroid falls in the mouth, outside the shape.
    c_shape = Polygon(
        [(0, 0), (900, 0), (900, 200), (200, 200), (200, 800), (900, 800), (900, 1000), (0, 1000)]
    )
    c_shape = affinity.translate(c_shape, EAST, NORTH)
    shapes = shapes_from_rows(rows_from_metres({"C": c_shape}))
    assert not shapes.geometry.iloc[0].contains(shapes.geometry.iloc[0].centroid)
    labels = label_points(shapes)
    assert list(labels.columns) == ["area_code", "lon", "lat"] and labels["area_code"].tolist() == ["C"]
    point = shapely.Point(labels.loc[0, "lon"], labels.loc[0, "lat"])
    assert shapes.geometry.iloc[0].contains(point)


def test_map_features_are_flat_json_safe_and_in_row_order():
    shapes = shapes_from_rows(two_squares_with_a_wiggly_shared_edge())
    frame = pd.DataFrame(
        {
            "area_code": ["B", "A"],
            "value": [np.float64(1.5), np.nan],
            "count": np.array([3, 4], dtype=np.int64),
            "maybe": pd.array([pd.NA, 2], dtype="Int64"),
            "flag": np.array([True, False]),
            "ratio": [np.inf, 0.25],
            "when": pd.to_datetime(["2024-04-01", None]),
            "label": ["worse", None],
        }
    )
    features = map_features(shapes, frame)
    assert [f["area_code"] for f in features] == ["B", "A"]
    first, second = features
    assert set(first) == {"type", "geometry", *frame.columns} and "properties" not in first
    assert first["type"] == "Feature" and first["geometry"]["type"] == "Polygon"
    assert first["geometry"] == json.loads(shapely.to_geojson(shapes.geometry.iloc[1]))
    assert first["value"] == 1.5 and second["value"] is None
    assert first["count"] == 3 and type(first["count"]) is int
    assert first["maybe"] is None and second["maybe"] == 2 and type(second["maybe"]) is int
    assert first["flag"] is True and second["flag"] is False
    assert first["ratio"] is None and second["ratio"] == 0.25
    assert first["when"] == "2024-04-01T00:00:00" and second["when"] is None
    assert first["label"] == "worse" and second["label"] is None
    json.dumps(features, allow_nan=False)  # strict JSON: no NaN or Infinity left


def test_map_features_write_geometry_as_geos_does():
    holed = box(EAST, NORTH, EAST + 300, NORTH + 300).difference(
        box(EAST + 100, NORTH + 100, EAST + 200, NORTH + 200)
    )
    islands = shapely.MultiPolygon([box(EAST + 400, NORTH, EAST + 500, NORTH + 100), holed])
    shapes = shapes_from_rows(rows_from_metres({"HOLED": holed, "ISLANDS": islands}))
    features = map_features(shapes, pd.DataFrame({"area_code": ["ISLANDS", "HOLED"]}))
    for feature, geometry in zip(features, shapes.geometry.iloc[::-1], strict=True):
        assert feature["geometry"] == json.loads(shapely.to_geojson(geometry))
    assert features[0]["geometry"]["type"] == "MultiPolygon" and features[1]["geometry"]["type"] == "Polygon"
    assert [len(p) for p in features[0]["geometry"]["coordinates"]] == [1, 2]  # the holed part keeps its hole


def test_map_features_join_on_another_key_and_may_repeat_a_shape():
    shapes = shapes_from_rows(two_squares_with_a_wiggly_shared_edge())
    frame = pd.DataFrame({"ward_code": ["A", "A"], "period": ["2022", "2023"]})
    features = map_features(shapes, frame, key="ward_code")
    assert [(f["ward_code"], f["period"]) for f in features] == [("A", "2022"), ("A", "2023")]
    assert features[0]["geometry"] == features[1]["geometry"]


def test_map_features_name_the_codes_without_a_shape():
    shapes = shapes_from_rows(two_squares_with_a_wiggly_shared_edge())
    frame = pd.DataFrame({"area_code": ["A", "E05999999", None], "value": [1.0, 2.0, 3.0]})
    with pytest.raises(
        ValueError, match=r"no shape for 2 area_code value\(s\) in the frame: E05999999, a blank"
    ):
        map_features(shapes, frame)


@pytest.mark.parametrize("column", ["type", "geometry"])
def test_map_features_refuse_a_column_geojson_keeps_for_itself(column):
    shapes = shapes_from_rows(two_squares_with_a_wiggly_shared_edge())
    frame = pd.DataFrame({"area_code": ["A"], column: ["x"]})
    with pytest.raises(
        ValueError, match=f"the frame has a column named '{column}', which GeoJSON features keep"
    ):
        map_features(shapes, frame)


def test_map_features_need_the_key_column():
    shapes = shapes_from_rows(two_squares_with_a_wiggly_shared_edge())
    with pytest.raises(ValueError, match="the frame has no column 'ward_code' to join the shapes on"):
        map_features(shapes, pd.DataFrame({"area_code": ["A"]}), key="ward_code")


def test_map_features_and_coverage_defects_refuse_shapes_they_cannot_trust():
    shapes = shapes_from_rows(two_squares_with_a_wiggly_shared_edge())
    repeated = pd.concat([shapes, shapes.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="map features: the shapes repeat area code A"):
        map_features(repeated, pd.DataFrame({"area_code": ["A"]}))
    bow_tie = shapes.copy()
    bow_tie.loc[1, "geometry"] = Polygon([(-0.4, 51.9), (-0.39, 51.91), (-0.39, 51.9), (-0.4, 51.91)])
    with pytest.raises(ValueError, match=r"area B: its boundary is not a valid polygon \(Self-intersection"):
        coverage_defects(bow_tie)


def test_map_features_refuse_a_value_json_cannot_carry():
    shapes = shapes_from_rows(two_squares_with_a_wiggly_shared_edge())
    frame = pd.DataFrame({"area_code": ["A"], "odd": [object()]})
    with pytest.raises(
        ValueError, match="column 'odd' holds a value of type object, which JSON cannot carry"
    ):
        map_features(shapes, frame)


def test_ward_geometry_builds_everything_once():
    built = ward_geometry(two_squares_with_a_wiggly_shared_edge(), tolerance_m=10)
    assert isinstance(built, WardGeometry)
    assert built.shapes["area_code"].tolist() == ["A", "B"]
    assert built.labels["area_code"].tolist() == ["A", "B"]
    assert built.outline.equals(outline(built.shapes))
    assert built.outline_feature == outline_feature(built.outline)
    assert built.defects == CoverageDefects(0.0, 0.0, 0, 0.0, 0.0, 0)
    assert (built.tolerance_m, built.vertices_before, built.vertices_after) == (10.0, 174, 18)


# --- the real ward boundaries -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack(geography_dir):
    return read_geography_pack(geography_dir)


@pytest.fixture(scope="module")
def ward_sets(pack) -> dict[str, tuple[gpd.GeoDataFrame, WardGeometry]]:
    """Each ward set's unsimplified shapes and its WardGeometry at the default tolerance."""
    wards = pack.areas[pack.areas["area_type"] == "ward"]
    out = {}
    for vintage, group in wards.groupby("vintage"):
        rows = pack.area_geometries[pack.area_geometries["area_code"].isin(group["area_code"])]
        rows = rows.reset_index(drop=True)
        out[vintage] = (shapes_from_rows(rows), ward_geometry(rows))
    return out


def test_every_ward_has_one_shape_and_every_shape_a_ward(pack, ward_sets):
    wards = pack.areas[pack.areas["area_type"] == "ward"]
    assert wards.groupby("vintage").size().to_dict() == {"WD13": 19, "WD23": 20}
    for vintage, (shapes, built) in ward_sets.items():
        codes = set(wards.loc[wards["vintage"] == vintage, "area_code"])
        assert set(shapes["area_code"]) == codes == set(built.shapes["area_code"]), vintage
        assert len(built.shapes) == len(codes) == len(built.labels), vintage


def test_simplifying_the_real_wards_opens_no_gap_or_overlap(ward_sets):
    """Against the unsimplified wards' own defects (none: the pack's wards tile exactly), within 1 m²."""
    for vintage, (shapes, built) in ward_sets.items():
        before = coverage_defects(shapes)
        after = coverage_defects(built.shapes)
        assert built.defects.max_gap_m2 <= SLIVER_M2, vintage  # new gaps only
        assert after.max_gap_m2 <= before.max_gap_m2 + SLIVER_M2, vintage
        assert after.max_overlap_m2 <= before.max_overlap_m2 + SLIVER_M2, vintage
        assert built.defects.max_overlap_m2 == after.max_overlap_m2, vintage


def test_outline_is_within_1_percent_of_the_wards_and_of_the_pack_outline(pack, geography_dir, ward_sets):
    manifest = tomllib.loads((geography_dir / "geography.toml").read_text(encoding="utf-8"))
    outline_file = gpd.read_file(geography_dir / manifest["outline"]["file"]).to_crs(BRITISH_NATIONAL_GRID)
    for vintage, (shapes, built) in ward_sets.items():
        wards = shapely.union_all(in_metres(shapes))
        drawn = gpd.GeoSeries([built.outline], crs=4326).to_crs(BRITISH_NATIONAL_GRID).iloc[0]
        assert drawn.area == pytest.approx(wards.area, rel=0.01), vintage
        # Not just the same area: the outline departs from the wards' union by under 1% of it.
        assert drawn.symmetric_difference(wards).area < 0.01 * wards.area, vintage
        # The pack's outline was made from the WD23 wards; the WD13 wards cover the same authority.
        assert drawn.area == pytest.approx(outline_file.area.sum(), rel=0.01), vintage


def test_real_wards_are_wgs84_valid_and_clockwise_before_and_after(ward_sets):
    for vintage, (shapes, built) in ward_sets.items():
        for label, frame in (("unsimplified", shapes), ("simplified", built.shapes)):
            assert frame.crs == "EPSG:4326", (vintage, label)
            west, south, east, north = frame.total_bounds
            assert -1 < west < east < 1 and 51 < south < north < 52, (vintage, label)
            assert frame.geometry.is_valid.all(), (vintage, label)
            for code, geometry in zip(frame["area_code"], frame.geometry, strict=True):
                exteriors, interiors = exteriors_and_interiors(geometry)
                assert not any(shapely.is_ccw(exteriors)), (vintage, label, code)
                assert all(shapely.is_ccw(interiors)), (vintage, label, code)
        exteriors, _ = exteriors_and_interiors(built.outline)
        assert not any(shapely.is_ccw(exteriors)), vintage


def test_simplifying_the_real_wards_drops_at_least_30_percent_of_their_vertices(ward_sets):
    """The pack's wards are ONS's 20 m generalised boundaries; at 50 m, WD13 602 -> 402 (33% fewer) and
    WD23 697 -> 393 (44% fewer)."""
    counts = {v: (built.vertices_before, built.vertices_after) for v, (_, built) in ward_sets.items()}
    assert counts == {"WD13": (602, 402), "WD23": (697, 393)}
    for vintage, (before, after) in counts.items():
        assert after <= 0.7 * before, vintage


def test_label_points_lie_inside_the_real_wards(ward_sets):
    for vintage, (_, built) in ward_sets.items():
        labels = built.labels.set_index("area_code").loc[built.shapes["area_code"]]
        inside = shapely.contains_xy(built.shapes.geometry.to_numpy(), labels["lon"], labels["lat"])
        assert inside.all(), vintage


def test_map_features_of_the_real_wards(pack, ward_sets):
    _, built = ward_sets["WD23"]
    wards = pack.areas[pack.areas["vintage"] == "WD23"][["area_code", "area_name"]].reset_index(drop=True)
    frame = wards.assign(value=np.linspace(10, 29, len(wards)), population=np.int64(11_000))
    frame.loc[3, "value"] = np.nan
    features = map_features(built.shapes, frame)
    assert len(features) == 20
    for feature, row in zip(features, frame.itertuples(index=False), strict=True):
        assert set(feature) == {"type", "geometry", "area_code", "area_name", "value", "population"}
        assert feature["area_code"] == row.area_code and feature["area_name"] == row.area_name
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        assert type(feature["population"]) is int
    assert features[3]["value"] is None and features[4]["value"] == pytest.approx(14)
    text = json.dumps(features, allow_nan=False)
    assert len(text) < 20_000  # 20 wards at 50 m: a few hundred bytes each
    unknown = frame.copy()
    unknown.loc[0, "area_code"] = "E05002193"  # a WD13 ward, which has no WD23 shape
    with pytest.raises(ValueError, match=r"no shape for 1 area_code value\(s\) in the frame: E05002193$"):
        map_features(built.shapes, unknown)


def test_simplifying_the_real_lsoas_opens_no_gap_or_overlap(pack):
    """LSOAs are narrower than wards: at 50 m some of their arcs cross once simplified, and are put back."""
    lsoas = pack.areas.loc[pack.areas["vintage"] == "LSOA21", "area_code"]
    rows = pack.area_geometries[pack.area_geometries["area_code"].isin(lsoas)].reset_index(drop=True)
    shapes = shapes_from_rows(rows)
    simplified = simplify_keeping_edges(shapes)
    assert len(simplified) == 125 and simplified.geometry.is_valid.all()
    defects = coverage_defects(simplified, reference=shapes)
    assert defects.max_gap_m2 <= SLIVER_M2 and defects.max_overlap_m2 <= SLIVER_M2
    assert vertex_count(simplified) <= 0.5 * vertex_count(shapes)


def test_drawn_tolerance_is_50_m_for_a_town_and_half_a_pixel_for_a_country():
    from het.geometry import DEFAULT_TOLERANCE_M, DRAWN_PIXELS, drawn_tolerance

    def square(side_m: float) -> gpd.GeoDataFrame:
        box = shapely.box(100_000, 100_000, 100_000 + side_m, 100_000 + side_m)
        return gpd.GeoDataFrame({"area_code": ["A"]}, geometry=[box], crs="EPSG:27700").to_crs("EPSG:4326")

    assert (
        drawn_tolerance(square(12_000)) == DEFAULT_TOLERANCE_M
    )  # a town: 12 km / 3,200 half-pixels = 3.75 m
    assert drawn_tolerance(square(500_000)) == pytest.approx(500_000 / DRAWN_PIXELS / 2, rel=0.01)  # 156 m
