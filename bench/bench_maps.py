"""Time the Ward map page warm, and the size of its chart data, for the authority's wards and for 7,000 wards.

Run from the repository root: python bench/bench_maps.py [--runs K]

What it measures, every figure from this run (nothing is asserted; the targets are printed as met or not):
1. the authority: a store prepared as the app prepares it on first start, with the geography pack
   (HET_GEOGRAPHY_DIR or ../shared/data), and the Ward map page run in AppTest: once cold (the first run
   also simplifies the boundaries, cached per ward set and data version), then K warm runs (what a click
   or a changed control costs on the server: reads from the cache, joins values to cached shapes, builds
   every chart of the page); the map's chart data is the JSON of its spec as sent to the browser.
   Target: under 1 s warm. Baseline in the same run: the Overview page warm, the app's busiest Leads page.
2. 7,000 generated ward polygons (bench/bench_maps_geometry.generated_wards, a seeded tiling of an
   England-sized box): het.geometry.ward_geometry once (cold: what the app caches), then K warm builds of the
   map as the page builds it (value classes, map_features, the choropleth, its JSON). Target: under 2 s
   warm and under 5 MB of chart data. Baseline in the same run: the same chart built from the unsimplified
   boundaries (its size, and its build time).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_maps_geometry import generated_wards  # noqa: E402

from het.charts.choropleth import BY_VALUE, ward_map, with_fill_colours  # noqa: E402
from het.geometry import map_features, shapes_from_rows, ward_geometry  # noqa: E402
from het.stats.classes import QUANTILES, classify  # noqa: E402

GENERATED_WARDS = 7_000


def best_of(runs: int, work) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def geography_dir() -> Path | None:
    candidate = Path(os.environ.get("HET_GEOGRAPHY_DIR") or ROOT.parent / "shared" / "data")
    return candidate if (candidate / "geography.toml").is_file() else None


def authority_page(runs: int) -> None:
    from streamlit.testing.v1 import AppTest

    from het.loads import prepare_store
    from het.store import Store

    pack = geography_dir()
    if pack is None:
        print("authority: no geography pack (set HET_GEOGRAPHY_DIR): skipped")
        return
    path = Path(tempfile.mkdtemp()) / "het.duckdb"
    with Store(path) as store:
        prepare_store(store, geography_dir=pack)
    os.environ["HET_DB"] = str(path)
    os.environ["HET_GEOGRAPHY_DIR"] = str(pack)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    start = time.perf_counter()
    at.run()
    overview_cold = time.perf_counter() - start
    overview_warm, _ = best_of(runs, at.run)
    at.switch_page("pages/ward_map.py")
    at.query_params["indicator"] = "infant_mortality"
    start = time.perf_counter()
    at.run()
    map_cold = time.perf_counter() - start
    assert not at.exception, [e.value for e in at.exception]
    map_warm, _ = best_of(runs, at.run)
    charts = at.get("vega_lite_chart")
    sizes = [len(c.proto.spec.encode()) + sum(len(d.data.data) for d in c.proto.datasets) for c in charts]
    print(f"authority ({len(charts)} charts on the page):")
    print(f"  Overview page: cold {overview_cold:.2f} s (first start), warm {overview_warm:.3f} s")
    print(
        f"  Ward map page: cold {map_cold:.2f} s, warm {map_warm:.3f} s ({map_warm / overview_warm:.2f}x the Overview)"
    )
    print(f"  chart data: the map {sizes[0] / 1e3:.1f} kB; the whole page {sum(sizes) / 1e3:.1f} kB")
    print(f"  target: warm under 1 s: {'met' if map_warm < 1 else 'NOT met'}")


def _map_json(shapes, frame: pd.DataFrame) -> str:
    classes = classify(frame["value"].to_numpy(dtype=float), scheme=QUANTILES, k=5, decimals=1)
    frame = frame.assign(class_label=list(classes.value_labels))
    features = with_fill_colours(map_features(shapes, frame), list(classes.labels))
    chart = ward_map(
        features, colour=BY_VALUE, authority="Region", class_labels=list(classes.labels), select=True
    )
    return chart.to_json()


def generated_map(runs: int) -> None:
    rows = generated_wards(GENERATED_WARDS, seed=20241201)
    rng = np.random.default_rng(7)
    value = rng.normal(50, 10, len(rows))
    frame = pd.DataFrame(
        {
            "area_code": rows["area_code"],
            "ward": [f"Ward {i}" for i in range(len(rows))],
            "value": value,
            "value_text": [f"{v:.1f}%" for v in value],
            "interval_text": [f"{v - 2:.1f} to {v + 2:.1f}" for v in value],
            "comparison": rng.choice(["better", "similar", "worse"], len(rows)),
            "population": rng.integers(3_000, 20_000, len(rows)).astype(float),
        }
    )
    start = time.perf_counter()
    geometry = ward_geometry(rows)
    cold = time.perf_counter() - start
    warm, spec = best_of(runs, lambda: _map_json(geometry.shapes, frame))
    raw = shapes_from_rows(rows)
    raw_time, raw_spec = best_of(1, lambda: _map_json(raw, frame))
    size, raw_size = len(spec.encode()), len(raw_spec.encode())
    print(
        f"{GENERATED_WARDS:,} generated wards ({geometry.vertices_before:,} vertices, {geometry.vertices_after:,} after simplifying at {geometry.tolerance_m:.0f} m):"
    )
    print(f"  ward_geometry, cold (cached by the app per ward set and data version): {cold:.1f} s")
    print(
        f"  the map built warm (classes, features, chart, JSON): {warm:.2f} s; from the unsimplified boundaries {raw_time:.2f} s ({warm / raw_time:.2f}x)"
    )
    print(f"  chart data {size / 1e6:.2f} MB; unsimplified {raw_size / 1e6:.1f} MB ({size / raw_size:.3f}x)")
    print(
        f"  targets: warm under 2 s: {'met' if warm < 2 else 'NOT met'}; under 5 MB: {'met' if size < 5e6 else 'NOT met'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    authority_page(args.runs)
    generated_map(args.runs)


if __name__ == "__main__":
    main()
