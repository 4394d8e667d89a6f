"""Time the ward-map geometry (het.geometry) on the real WD23 wards and on 7,000 generated wards.

Run from the repository root: python bench/bench_maps_geometry.py
For each ward set it prints: ward_geometry once, cold (read the rows, simplify with topojson, outline,
label points, coverage defects: what the app caches per ward set and data version), at the default
tolerance and, for the generated wards, also at a national-map tolerance; map_features warm
(the per-click join of a frame of values to the cached shapes, best of several runs); the json.dumps size
and time of those features. Ratios are against a baseline measured in the same run: the same features
made from the unsimplified boundaries. Targets: simplified features for 7,000 wards under 5 MB, and
map_features warm well under 2 s. The geography pack is read from HET_GEOGRAPHY_DIR or ../shared/data.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import Voronoi

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from het.geometry import (  # noqa: E402
    BRITISH_NATIONAL_GRID,
    DEFAULT_TOLERANCE_M,
    map_features,
    shapes_from_rows,
    vertex_count,
    ward_geometry,
)
from het.reference.loader import geography_dir_from_env  # noqa: E402

RUNS = 5
GENERATED_WARDS = 7_000
# ONS's super-generalised level, for a map of all 7,000 wards: drawn at about 1 km a pixel, it is invisible.
NATIONAL_TOLERANCE_M = 200.0
# Roughly England's extent on the British National Grid (metres): 525 km east-west, 647 km north-south.
ENGLAND_BBOX = (130_000.0, 10_000.0, 655_000.0, 657_000.0)


def generated_wards(
    n: int,
    *,
    seed: int,
    bbox: tuple[float, float, float, float] = ENGLAND_BBOX,
    spacing_m: float = 80.0,
    prefix: str = "G",
) -> pd.DataFrame:
    """n ward boundaries tiling a box, as store rows (area_code, geojson): WGS84, exteriors clockwise.

    The Voronoi cells of n seeded random points, bounded by the box exactly (each point is mirrored across
    the four sides), with every edge divided every ``spacing_m`` metres once and shared by both its cells,
    then all vertices moved by one smooth wiggle (sinusoids from 8 km down to 250 m, Lipschitz below 0.9,
    so shapes stay valid and neighbours keep their shared edges). At 7,000 wards in ENGLAND_BBOX that is
    about 350 vertices a ward, most of them the fine detail simplification removes.
    """
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = bbox
    points = np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])
    px, py = points[:, 0], points[:, 1]
    mirrors = [
        np.column_stack([2 * x0 - px, py]),
        np.column_stack([2 * x1 - px, py]),
        np.column_stack([px, 2 * y0 - py]),
        np.column_stack([px, 2 * y1 - py]),
    ]
    voronoi = Voronoi(np.vstack([points, *mirrors]))
    corners = voronoi.vertices
    edges: dict[tuple[int, int], np.ndarray] = {}

    def edge(a: int, b: int) -> np.ndarray:
        key = (min(a, b), max(a, b))
        if key not in edges:
            start, end = corners[key[0]], corners[key[1]]
            pieces = max(1, int(np.ceil(np.hypot(*(end - start)) / spacing_m)))
            edges[key] = start + np.linspace(0.0, 1.0, pieces + 1)[:, None] * (end - start)
        line = edges[key]
        return line if key == (a, b) else line[::-1]

    rings = []
    for i in range(n):
        region = voronoi.regions[voronoi.point_region[i]]
        ring = np.vstack([edge(region[k], region[(k + 1) % len(region)])[:-1] for k in range(len(region))])
        rings.append(np.vstack([ring, ring[:1]]))
    sizes = np.array([len(ring) for ring in rings])
    xy = _wiggle(np.vstack(rings), rng)
    cells = shapely.polygons(shapely.linearrings(xy, indices=np.repeat(np.arange(n), sizes)))
    import geopandas as gpd  # only when boundaries are generated

    lonlat = gpd.GeoSeries(cells, crs=BRITISH_NATIONAL_GRID).to_crs(4326).to_numpy()
    oriented = shapely.orient_polygons(lonlat, exterior_cw=True)
    width = len(str(n - 1))
    return pd.DataFrame(
        {"area_code": [f"{prefix}{i:0{width}d}" for i in range(n)], "geojson": shapely.to_geojson(oriented)}
    )


def _wiggle(xy: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """xy moved by a sum of sinusoids; the sum's gradient stays below 0.9, so no two points can swap."""
    waves = []
    wavelength = 8_000.0
    while wavelength >= 250.0:
        for _ in range(2):
            angle = rng.uniform(0, 2 * np.pi)
            waves.append((wavelength, np.cos(angle), np.sin(angle), rng.uniform(0, 2 * np.pi, 2)))
        wavelength /= 2
    scale = 0.9 / (2 * np.pi * len(waves))  # amplitude per metre of wavelength
    out = xy.copy()
    for wavelength, cos, sin, phase in waves:
        along = 2 * np.pi / wavelength * (xy[:, 0] * cos + xy[:, 1] * sin)
        out[:, 0] += scale * wavelength * np.sin(along + phase[0])
        out[:, 1] += scale * wavelength * np.sin(along + phase[1])
    return out


def value_frame(codes: pd.Series, seed: int = 1) -> pd.DataFrame:
    """A frame like the ward map's: a value, its texts, a comparison, a population and a class per ward."""
    rng = np.random.default_rng(seed)
    value = rng.normal(60, 10, len(codes)).round(1)
    value[:: max(1, len(codes) // 20)] = np.nan  # a few wards with no value
    return pd.DataFrame(
        {
            "area_code": codes.to_numpy(),
            "ward": [f"Ward {i}" for i in range(len(codes))],
            "value": value,
            "value_text": [f"{v:.1f}%" if v == v else "no value" for v in value],
            "interval_text": "55.0% to 65.0%",
            "comparison": rng.choice(["better", "similar", "worse"], len(codes)),
            "population": rng.integers(3_000, 15_000, len(codes)),
            "class_label": rng.choice(["under 50%", "50% to 60%", "60% to 70%", "70% and over"], len(codes)),
        }
    )


def best_of(runs: int, work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def measure(
    label: str, rows: pd.DataFrame, *, tolerance_m: float = DEFAULT_TOLERANCE_M
) -> tuple[float, float]:
    """Print the figures for one ward set; returns the simplified payload (MB) and map_features time (s)."""
    frame = value_frame(rows["area_code"])
    started = time.perf_counter()
    geometry = ward_geometry(rows, tolerance_m=tolerance_m)
    cold = time.perf_counter() - started
    base_shapes = shapes_from_rows(rows)
    base_features_time, base_features = best_of(RUNS, lambda: map_features(base_shapes, frame))
    base_dump_time, base_text = best_of(RUNS, lambda: json.dumps(base_features))
    features_time, features = best_of(RUNS, lambda: map_features(geometry.shapes, frame))
    dump_time, text = best_of(RUNS, lambda: json.dumps(features))
    base_mb, mb = len(base_text) / 1e6, len(text) / 1e6
    before, after = vertex_count(base_shapes), geometry.vertices_after
    defects = geometry.defects
    print(
        f"{label} at {tolerance_m:g} m: {len(rows):,} wards, {before:,} vertices -> {after:,} "
        f"({1 - after / before:.0%} fewer)"
    )
    print(f"  ward_geometry, cold (cached by the app):        {cold:7.2f} s")
    print(
        f"  baseline, unsimplified: map_features {base_features_time:6.3f} s, "
        f"json.dumps {base_dump_time:6.3f} s, {base_mb:7.2f} MB"
    )
    print(
        f"  simplified:             map_features {features_time:6.3f} s, "
        f"json.dumps {dump_time:6.3f} s, {mb:7.2f} MB"
    )
    print(
        f"  ratios to baseline:     map_features {features_time / base_features_time:6.2f}, "
        f"json.dumps {dump_time / base_dump_time:6.2f}, size {mb / base_mb:5.2f}"
    )
    print(
        f"  largest new gap {defects.max_gap_m2:.2f} m² ({defects.n_gaps}), "
        f"largest overlap {defects.max_overlap_m2:.2f} m² ({defects.n_overlaps}), "
        f"at {geometry.tolerance_m:g} m tolerance"
    )
    return mb, features_time


def main() -> None:
    pack_dir = geography_dir_from_env() or ROOT.parent / "shared" / "data"
    if not (pack_dir / "geography.toml").is_file():
        print(f"real wards: skipped (no geography pack at {pack_dir}: set HET_GEOGRAPHY_DIR)")
    else:
        from het.reference.geography import read_geography_pack

        pack = read_geography_pack(pack_dir)
        rows, areas = pack.area_geometries, pack.areas
        wd23 = areas.loc[(areas["area_type"] == "ward") & (areas["vintage"] == "WD23"), "area_code"]
        measure("real WD23 wards", rows[rows["area_code"].isin(wd23)].reset_index(drop=True))
    started = time.perf_counter()
    generated = generated_wards(GENERATED_WARDS, seed=0)
    print(f"generated {GENERATED_WARDS:,} wards in {time.perf_counter() - started:.1f} s")
    for tolerance_m in (DEFAULT_TOLERANCE_M, NATIONAL_TOLERANCE_M):
        mb, features_time = measure(
            f"{GENERATED_WARDS:,} generated wards", generated, tolerance_m=tolerance_m
        )
        print(
            f"  targets: payload < 5 MB {'met' if mb < 5 else 'NOT met'}; "
            f"map_features warm < 2 s {'met' if features_time < 2 else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
