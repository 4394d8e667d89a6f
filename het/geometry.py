"""Ward and LSOA boundaries made ready to draw: read from the store's rows, simplified, checked, flattened.

The store holds each boundary as a WGS84 GeoJSON string with clockwise exteriors (d3-geo, which Vega uses,
reads an anticlockwise exterior as "everything but this shape"). Everything here takes and returns EPSG:4326
and keeps that orientation; lengths and areas are measured in a metric CRS (see ``metric_crs``). Altair
wants flattened features, ``{"type": "Feature", "geometry": {...}, **fields}``, so that selections and
encodings name plain fields.
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import topojson
from pyproj import CRS

WGS84 = "EPSG:4326"
BRITISH_NATIONAL_GRID = "EPSG:27700"
# 5 decimal places of a degree: 1.1 m north-south, 0.7 m east-west at 52°N, below a pixel at any ward scale.
COORDINATE_DECIMALS = 5
# See simplify_keeping_edges for why 50 m.
DEFAULT_TOLERANCE_M = 50.0
# The width in pixels a ward map is drawn at, at most (a wide screen at twice the pixel density): a
# simplification within half of one such pixel is invisible, so a larger area may be simplified more.
DRAWN_PIXELS = 1600
_POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)
_RESERVED_FIELDS = ("type", "geometry")


@dataclass(frozen=True)
class CoverageDefects:
    """Gaps between a set of shapes and overlaps among them, in square metres."""

    max_gap_m2: float
    total_gap_m2: float
    n_gaps: int  # gap polygons of positive area
    max_overlap_m2: float
    total_overlap_m2: float
    n_overlaps: int  # pairs of shapes whose interiors meet with positive area


@dataclass(frozen=True)
class WardGeometry:
    """One ward set ready to draw: simplified shapes, outline, label points, and what simplifying cost."""

    shapes: gpd.GeoDataFrame  # area_code, geometry: simplified, EPSG:4326, exteriors clockwise
    outline: shapely.Geometry  # the union of the shapes: the authority's outline
    outline_feature: dict  # the outline as one flattened GeoJSON feature
    labels: pd.DataFrame  # area_code, lon, lat: a point inside each shape
    defects: CoverageDefects  # of the simplified shapes, against the unsimplified ones
    tolerance_m: float
    vertices_before: int
    vertices_after: int


# --- reading ----------------------------------------------------------------------------------------


def shapes_from_rows(rows: pd.DataFrame) -> gpd.GeoDataFrame:
    """The boundaries in store rows (area_code, geojson) as a GeoDataFrame in EPSG:4326, in row order.

    Each boundary must be a readable, non-empty, valid polygon or multipolygon, and each code appear once;
    the error names the first area that is not.
    """
    missing = [column for column in ("area_code", "geojson") if column not in rows.columns]
    if missing:
        raise ValueError(f"boundary rows need columns area_code and geojson; missing {', '.join(missing)}")
    codes = rows["area_code"].to_numpy(dtype=object)
    for code in codes:
        if pd.isna(code) or not str(code).strip():
            raise ValueError("a boundary row has no area code")
    codes = codes.astype(str)
    repeated = pd.Series(codes).duplicated()
    if repeated.any():
        raise ValueError(f"area {codes[repeated.to_numpy()][0]} has more than one boundary row")
    texts = rows["geojson"].to_numpy(dtype=object)
    blank = np.array([not isinstance(text, str | bytes) or not text.strip() for text in texts], dtype=bool)
    if blank.any():
        raise ValueError(f"area {codes[blank][0]} has no boundary GeoJSON")
    geoms = shapely.from_geojson(texts, on_invalid="ignore")
    unread = shapely.is_missing(geoms)
    if unread.any():
        code, text = codes[unread][0], texts[unread][0]
        try:
            shapely.from_geojson(text)
        except shapely.errors.GEOSException as error:
            raise ValueError(f"area {code}: its boundary GeoJSON cannot be read ({error})") from None
        raise ValueError(f"area {code}: its boundary GeoJSON cannot be read")
    empty = shapely.is_empty(geoms)
    if empty.any():
        raise ValueError(f"area {codes[empty][0]}: its boundary GeoJSON is empty")
    not_polygonal = ~np.isin(shapely.get_type_id(geoms), _POLYGONAL)
    if not_polygonal.any():
        first = np.flatnonzero(not_polygonal)[0]
        raise ValueError(f"area {codes[first]}: its boundary is a {geoms[first].geom_type}, not a polygon")
    _check_valid(geoms, codes)
    return gpd.GeoDataFrame({"area_code": codes}, geometry=geoms, crs=WGS84)


def metric_crs(shapes: gpd.GeoDataFrame) -> CRS:
    """The CRS het measures and simplifies in: British National Grid inside its area of use, else UTM.

    British National Grid (EPSG:27700) is the grid ONS and OS publish GB boundaries on, so tolerances mean
    what they mean in ONS's own generalised files, and one grid covers every GB authority: a UTM zone
    boundary (0°E, between zones 30 and 31) runs through England. Its scale is within 0.2% of true
    anywhere in GB. Elsewhere, the UTM zone of the shapes' centre (``estimate_utm_crs``).
    """
    west, south, east, north = _in_wgs84(shapes).total_bounds
    grid = CRS.from_user_input(BRITISH_NATIONAL_GRID)
    use = grid.area_of_use
    if use.west <= west and east <= use.east and use.south <= south and north <= use.north:
        return grid
    return shapes.estimate_utm_crs()


def vertex_count(shapes: gpd.GeoDataFrame) -> int:
    """How many coordinates the shapes hold (rings' closing points included): the size of their payload."""
    return int(shapely.get_num_coordinates(shapes.geometry.to_numpy()).sum())


# --- simplifying ------------------------------------------------------------------------------------


def simplify_keeping_edges(
    shapes: gpd.GeoDataFrame,
    *,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    decimals: int = COORDINATE_DECIMALS,
) -> gpd.GeoDataFrame:
    """Simplify a set of neighbouring shapes so that each edge they share is simplified once, in one way.

    Method: the ``topojson`` package cuts the shapes into arcs at the points where neighbours meet and
    simplifies each arc once by Douglas-Peucker at ``tolerance_m`` metres (in ``metric_crs``), keeping at
    least a triangle of every ring; neighbours rebuild from the same arcs, so a shared edge cannot open a
    sliver. Arcs simplified apart can still cross where they run closer than the tolerance (narrow LSOAs
    do), so every shape that comes out invalid, newly overlapping a neighbour or bordering a new gap gets
    its arcs back unsimplified, until none does. The result is put back in EPSG:4326, rounded to
    ``decimals`` places (5: about a metre) to keep the browser payload small, repaired with ``make_valid``
    where rounding folded a ring, and oriented clockwise. The default 50 m sits between ONS's 20 m
    generalised boundaries (what packs usually hold: simplifying those below 20 m removes nothing) and its
    200 m super-generalised ones; on a 560-pixel map of a 10 km authority it moves a boundary by at most
    3 pixels.
    """
    if not tolerance_m >= 0:
        raise ValueError(f"the simplification tolerance must be zero or more metres; got {tolerance_m!r}")
    shapes = _in_wgs84(shapes)
    codes = shapes["area_code"].to_numpy(dtype=object).astype(str)
    crs = metric_crs(shapes)
    before = shapes.geometry.to_crs(crs).to_numpy()
    _check_valid(before, codes)
    # Coordinates stay as they are (no prequantize): the store's neighbours already share exact vertices.
    topology = topojson.Topology(
        gpd.GeoDataFrame({"area_code": codes}, geometry=before, crs=crs), prequantize=False
    )
    simplified = topology.toposimplify(float(tolerance_m)) if tolerance_m > 0 else topology
    arcs_of = _arcs_by_code(topology, codes)
    unsimplified: set[int] = set()
    while True:
        geoms = _geometries_by_code(simplified, codes)
        revert = set().union(*(arcs_of[i] for i in np.flatnonzero(_defective(geoms, before)))) - unsimplified
        if not revert:
            break
        for arc in revert:
            simplified.output["arcs"][arc] = topology.output["arcs"][arc]
        unsimplified |= revert
    back = gpd.GeoSeries(geoms, crs=crs).to_crs(WGS84).to_numpy()
    geoms = _rounded_valid(back, codes, decimals=decimals, why=f"simplified at {tolerance_m:g} m")
    return gpd.GeoDataFrame({"area_code": codes}, geometry=geoms, crs=WGS84)


def _arcs_by_code(topology: topojson.Topology, codes: np.ndarray) -> list[set[int]]:
    """The indices of the arcs each shape is built from, in the order of ``codes``."""

    def indices(nested) -> set[int]:
        if isinstance(nested, int):
            return {nested if nested >= 0 else ~nested}  # TopoJSON writes arc i reversed as ~i
        return set().union(*(indices(part) for part in nested))

    features = topology.output["objects"]["data"]["geometries"]
    by_code = {str(f["properties"]["area_code"]): indices(f.get("arcs", [])) for f in features}
    return [by_code.get(code, set()) for code in codes]


def _geometries_by_code(topology: topojson.Topology, codes: np.ndarray) -> np.ndarray:
    rebuilt = topology.to_gdf()
    by_code = pd.Series(rebuilt.geometry.to_numpy(), index=rebuilt["area_code"].astype(str))
    lost = [code for code in codes if code not in by_code.index]
    if lost:
        raise ValueError(f"area {lost[0]}: its boundary was lost in simplification")
    return by_code.loc[codes].to_numpy()


def _defective(geoms: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Which shapes simplification broke: invalid, overlapping a neighbour more than before, or on a new gap."""
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        return bad  # the gap and overlap tests need valid shapes: mend these first
    left, right, areas = _overlapping_pairs(geoms)
    grown = areas > shapely.area(shapely.intersection(before[left], before[right]))
    bad[left[grown]] = bad[right[grown]] = True
    gaps = _new_gaps(geoms, before)
    if len(gaps):
        bad[shapely.STRtree(geoms).query(gaps, predicate="intersects")[1]] = True
    return bad


def _rounded_valid(geoms: np.ndarray, codes: np.ndarray, *, decimals: int, why: str) -> np.ndarray:
    """Coordinates rounded (shared vertices round alike, so shared edges stay shared), valid, clockwise."""
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    rounded = shapely.remove_repeated_points(rounded)
    invalid = ~shapely.is_valid(rounded)
    if invalid.any():
        rounded[invalid] = shapely.make_valid(rounded[invalid], method="structure", keep_collapsed=False)
    broken = (
        ~np.isin(shapely.get_type_id(rounded), _POLYGONAL)
        | shapely.is_empty(rounded)
        | ~shapely.is_valid(rounded)
    )
    if broken.any():
        first = np.flatnonzero(broken)[0]
        raise ValueError(
            f"area {codes[first]}: {why} and rounded to {decimals} decimal places, its boundary is no "
            f"longer a polygon; use a smaller tolerance"
        )
    return shapely.orient_polygons(rounded, exterior_cw=True)


# --- checking ---------------------------------------------------------------------------------------


def coverage_defects(
    shapes: gpd.GeoDataFrame, *, reference: gpd.GeoDataFrame | None = None
) -> CoverageDefects:
    """The gaps between the shapes and the overlaps among them, in square metres of ``metric_crs``.

    A gap is a hole in the union of the shapes; with ``reference`` (e.g. the shapes before simplifying),
    only the part of a hole that is not a hole in the reference's union, so that only new gaps count. An
    overlap is the area shared by the interiors of two shapes, pair by pair (shapes that only touch along
    an edge share no area and are not measured). The shapes must be valid.
    """
    crs = metric_crs(shapes)
    geoms = shapes.geometry.to_crs(crs).to_numpy()
    _check_valid(geoms, shapes["area_code"].to_numpy(dtype=object).astype(str))
    reference_geoms = None if reference is None else reference.geometry.to_crs(crs).to_numpy()
    gap_areas = shapely.area(_new_gaps(geoms, reference_geoms))
    gap_areas = gap_areas[gap_areas > 0]
    overlap_areas = _overlapping_pairs(geoms)[2]
    overlap_areas = overlap_areas[overlap_areas > 0]
    return CoverageDefects(
        max_gap_m2=float(gap_areas.max(initial=0.0)),
        total_gap_m2=float(gap_areas.sum()),
        n_gaps=len(gap_areas),
        max_overlap_m2=float(overlap_areas.max(initial=0.0)),
        total_overlap_m2=float(overlap_areas.sum()),
        n_overlaps=len(overlap_areas),
    )


def _check_valid(geoms: np.ndarray, codes: np.ndarray) -> None:
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        first = np.flatnonzero(invalid)[0]
        raise ValueError(
            f"area {codes[first]}: its boundary is not a valid polygon ({shapely.is_valid_reason(geoms[first])})"
        )


def _new_gaps(geoms: np.ndarray, reference: np.ndarray | None) -> np.ndarray:
    """The holes in the union of the shapes, less the holes in the reference's union if one is given."""
    gaps = _holes(shapely.union_all(geoms))
    if len(gaps) and reference is not None:
        reference_holes = _holes(shapely.union_all(reference))
        if len(reference_holes):
            new = shapely.difference(shapely.union_all(gaps), shapely.union_all(reference_holes))
            gaps = shapely.get_parts(new)
    return gaps


def _holes(geom: shapely.Geometry) -> np.ndarray:
    """The interior rings of a (multi)polygon, as polygons."""
    parts = shapely.get_parts(geom)
    counts = shapely.get_num_interior_rings(parts)
    if not counts.sum():
        return np.empty(0, dtype=object)
    ring_index = np.concatenate([np.arange(n) for n in counts])
    return shapely.polygons(shapely.get_interior_ring(np.repeat(parts, counts), ring_index))


def _overlapping_pairs(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each pair (left, right) of shapes whose interiors meet, and the area they share."""
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pair = left < right
    left, right = left[pair], right[pair]
    meeting = ~shapely.touches(geoms[left], geoms[right])
    left, right = left[meeting], right[meeting]
    return left, right, shapely.area(shapely.intersection(geoms[left], geoms[right]))


# --- what the map draws -----------------------------------------------------------------------------


def outline(shapes: gpd.GeoDataFrame) -> shapely.Geometry:
    """The union of the shapes (for wards, the authority's outline) in EPSG:4326, exteriors clockwise."""
    union = shapely.union_all(_in_wgs84(shapes).geometry.to_numpy())
    return shapely.orient_polygons(union, exterior_cw=True)


def label_points(shapes: gpd.GeoDataFrame, *, decimals: int = COORDINATE_DECIMALS) -> pd.DataFrame:
    """area_code, lon, lat of a point inside each shape, for ward labels and comparison symbols.

    Method: ``representative_point`` (GEOS point-on-surface: the middle of the widest horizontal run through
    the shape) in ``metric_crs``, so that the run is measured in metres, not in degrees that are narrower
    east-west. Rounded like the shapes; a point that rounding or reprojection puts outside its shape is
    taken again in EPSG:4326, unrounded, so every point lies inside.
    """
    shapes = _in_wgs84(shapes)
    geoms = shapes.geometry.to_numpy()
    crs = metric_crs(shapes)
    inside = gpd.GeoSeries(shapely.point_on_surface(shapes.geometry.to_crs(crs).to_numpy()), crs=crs)
    xy = np.round(shapely.get_coordinates(inside.to_crs(WGS84).to_numpy()), decimals)
    outside = ~shapely.contains_xy(geoms, xy[:, 0], xy[:, 1])
    if outside.any():
        xy[outside] = shapely.get_coordinates(shapely.point_on_surface(geoms[outside]))
    return pd.DataFrame(
        {
            "area_code": shapes["area_code"].to_numpy(dtype=object).astype(str),
            "lon": xy[:, 0],
            "lat": xy[:, 1],
        }
    )


def map_features(shapes: gpd.GeoDataFrame, frame: pd.DataFrame, *, key: str = "area_code") -> list[dict]:
    """The frame's rows as flattened GeoJSON features, each with its shape: what Altair's mark_geoshape reads.

    One feature per row, in row order, ``{"type": "Feature", "geometry": ..., **row}``; the row's column
    ``key`` is matched to the shapes' area_code, and shapes without a row are left out. Values are made
    JSON-safe: NumPy scalars become Python ones, NaN, infinities and NA become None, dates and timestamps
    ISO text.
    """
    reserved = [name for name in _RESERVED_FIELDS if name in frame.columns]
    if reserved:
        raise ValueError(
            f"map features: the frame has a column named {' and '.join(map(repr, reserved))}, which GeoJSON "
            f"features keep for themselves; rename it"
        )
    if key not in frame.columns:
        raise ValueError(f"map features: the frame has no column {key!r} to join the shapes on")
    codes = pd.Index(shapes["area_code"].to_numpy(dtype=object).astype(str))
    if not codes.is_unique:
        raise ValueError(f"map features: the shapes repeat area code {codes[codes.duplicated()][0]}")
    keys = frame[key].to_numpy(dtype=object)
    position = codes.get_indexer([str(k) if not _is_missing(k) else None for k in keys])
    unmatched = position < 0
    if unmatched.any():
        missing = list(dict.fromkeys(_missing_text(k) for k in keys[unmatched]))
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise ValueError(f"map features: no shape for {len(missing)} {key} value(s) in the frame: {shown}")
    geometries = _geojson_dicts(shapes.geometry.to_numpy()[position])
    names = list(frame.columns)
    columns = [_json_values(frame.iloc[:, i], names[i]) for i in range(len(names))]
    rows = zip(*columns, strict=True)
    return [
        {"type": "Feature", "geometry": geometry, **dict(zip(names, values, strict=True))}
        for geometry, values in zip(geometries, rows, strict=True)
    ]


def outline_feature(shapes: gpd.GeoDataFrame | shapely.Geometry) -> dict:
    """The outline as one flattened GeoJSON feature, from the shapes or from an outline already made."""
    geom = shapes if isinstance(shapes, shapely.Geometry) else outline(shapes)
    return {"type": "Feature", "geometry": json.loads(shapely.to_geojson(geom))}


def drawn_tolerance(shapes: gpd.GeoDataFrame) -> float:
    """The simplification tolerance for a map of these shapes: DEFAULT_TOLERANCE_M, or half a pixel of the
    map drawn DRAWN_PIXELS wide when that is coarser (a region or all of England's wards)."""
    minx, miny, maxx, maxy = shapes.to_crs(metric_crs(shapes)).total_bounds
    return max(DEFAULT_TOLERANCE_M, max(maxx - minx, maxy - miny) / DRAWN_PIXELS / 2)


def ward_geometry(rows: pd.DataFrame, *, tolerance_m: float | None = None) -> WardGeometry:
    """Everything a ward map needs from one ward set's store rows, built once to be cached per data version.

    tolerance_m: the simplification tolerance; None for drawn_tolerance (50 m for an authority's wards).
    """
    shapes = shapes_from_rows(rows)
    if tolerance_m is None:
        tolerance_m = drawn_tolerance(shapes)
    simplified = simplify_keeping_edges(shapes, tolerance_m=tolerance_m)
    union = outline(simplified)
    return WardGeometry(
        shapes=simplified,
        outline=union,
        outline_feature=outline_feature(union),
        labels=label_points(simplified),
        defects=coverage_defects(simplified, reference=shapes),
        tolerance_m=float(tolerance_m),
        vertices_before=vertex_count(shapes),
        vertices_after=vertex_count(simplified),
    )


# --- helpers ----------------------------------------------------------------------------------------


def _in_wgs84(shapes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if "area_code" not in shapes.columns:
        raise ValueError("shapes need an area_code column")
    if shapes.crs is None:
        raise ValueError("shapes have no CRS; het's boundaries are EPSG:4326 (lon, lat)")
    return shapes if shapes.crs == WGS84 else shapes.to_crs(WGS84)


def _geojson_dicts(geoms: np.ndarray) -> list[dict]:
    """GeoJSON geometries of (multi)polygons, as GEOS would write them, built from one coordinate array."""
    # Python lists cut from one array's tolist(): no per-shape JSON text to write and parse again.
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    xy = shapely.get_coordinates(rings).tolist()
    ends = np.cumsum(shapely.get_num_coordinates(rings)).tolist()
    polygons: list[list] = [[] for _ in range(len(parts))]
    for part, start, end in zip(ring_of.tolist(), [0, *ends[:-1]], ends, strict=True):
        polygons[part].append(xy[start:end])
    nested: list[list] = [[] for _ in range(len(geoms))]
    for geom, polygon in zip(part_of.tolist(), polygons, strict=True):
        nested[geom].append(polygon)
    multi = (shapely.get_type_id(geoms) == shapely.GeometryType.MULTIPOLYGON).tolist()
    return [
        {"type": "MultiPolygon", "coordinates": polygons}
        if is_multi
        else {"type": "Polygon", "coordinates": polygons[0]}
        for is_multi, polygons in zip(multi, nested, strict=True)
    ]


def _is_missing(value) -> bool:
    return (
        value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))
    )


def _missing_text(value) -> str:
    return "a blank" if _is_missing(value) else str(value)


def _json_values(column: pd.Series, name: Hashable) -> list:
    """A column's values as JSON-safe Python values (see map_features)."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype) and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return column.to_numpy().tolist()
    if pd.api.types.is_integer_dtype(dtype) and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return column.to_numpy().tolist()
    if pd.api.types.is_float_dtype(dtype) and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        values = column.to_numpy()
        out = values.tolist()
        for i in np.flatnonzero(~np.isfinite(values)):
            out[i] = None
        return out
    return [_json_value(value, name) for value in column.to_numpy(dtype=object)]


def _json_value(value, name: Hashable):
    if _is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
        if _is_missing(value):
            return None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return pd.Timedelta(value).isoformat()
    raise ValueError(
        f"map features: column {name!r} holds a value of type {type(value).__name__}, which JSON cannot carry"
    )
