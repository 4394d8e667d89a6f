"""Benchmark: SII with simulated limits for 1,000 areas of 10 deciles, 10,000 repetitions each.

Prints the time (best of 3), its ratio to the time taken just to draw 1,000 x 10 x 10,000 = 1e8 standard normals
with the same generator (the floor a naive simulation cannot beat), and peak memory.
Run from the repository root: python bench/bench_sii.py
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from het.stats.sii import CHUNK_ELEMENTS, sii  # noqa: E402

AREAS = 1_000
DECILES = 10
REPETITIONS = 10_000
SEED = 0


def demo_frame(areas: int = AREAS, groups: int = DECILES, seed: int = 1) -> pd.DataFrame:
    """Rates per 100,000 falling with deprivation rank, unequal populations, Byar-like 95% intervals."""
    rng = np.random.default_rng(seed)
    area = np.repeat(np.arange(areas), groups)
    decile = np.tile(np.arange(1, groups + 1), areas)
    population = rng.integers(2_000, 20_000, size=areas * groups).astype(float)
    rate = 900 - 40 * decile + rng.normal(0, 30, size=areas * groups)
    count = rate * population / 100_000
    half_width = 1.96 * np.sqrt(count) / population * 100_000
    return pd.DataFrame(
        {
            "area": area,
            "quantile": decile,
            "population": population,
            "value": rate,
            "lower_ci95": rate - half_width,
            "upper_ci95": rate + half_width,
        }
    )


# Each timing is the best of this many runs, so a busy machine inflates the figures less.
RUNS = 3


def time_normal_floor(total: int, seed: int = SEED) -> float:
    """Seconds to draw `total` standard normals with default_rng, in 8e6 blocks into one buffer."""
    best = np.inf
    for _ in range(RUNS):
        rng = np.random.default_rng(seed)
        buffer = np.empty(CHUNK_ELEMENTS)
        start = time.perf_counter()
        for first in range(0, total, CHUNK_ELEMENTS):
            n = min(CHUNK_ELEMENTS, total - first)
            rng.standard_normal(out=buffer[:n])
        best = min(best, time.perf_counter() - start)
    return best


def time_sii(frame: pd.DataFrame, **options) -> tuple[float, pd.DataFrame]:
    best = np.inf
    for _ in range(RUNS):
        start = time.perf_counter()
        result = sii(frame, by="area", repetitions=REPETITIONS, seed=SEED, **options)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    frame = demo_frame()
    total_normals = AREAS * DECILES * REPETITIONS
    sii(frame.head(5 * DECILES), by="area", repetitions=100)  # warm up imports and BLAS
    floor = time_normal_floor(total_normals)
    print(f"{AREAS} areas x {DECILES} deciles x {REPETITIONS} repetitions")
    print(f"floor: drawing {total_normals:.0e} standard normals (default_rng): {floor:.3f} s")
    cases = {
        "value_type=0 (other)": {"value_type": 0},
        "value_type=1 (rate, log-scale draws)": {"value_type": 1},
        "value_type=1, transform=True": {"value_type": 1, "transform": True},
        "value_type=0, confidence=(0.95, 0.998)": {"value_type": 0, "confidence": (0.95, 0.998)},
    }
    for label, options in cases.items():
        seconds, result = time_sii(frame, **options)
        assert result["reason"].isna().all() and result["sii_lower95"].notna().all()
        tracemalloc.start()
        sii(frame, by="area", repetitions=REPETITIONS, seed=SEED, **options)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{label}: {seconds:.3f} s, ratio to floor {seconds / floor:.2f}, peak traced {peak / 2**20:.0f} MB"
        )
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(f"process peak resident memory: {max_rss:.0f} MB")
    print(
        "note: every area uses the same seeded block of 10 x 10,000 standard normals (so an area's "
        "result does not depend on the others); the floor is what drawing independent normals for "
        "every area would cost before any fitting."
    )


if __name__ == "__main__":
    main()
