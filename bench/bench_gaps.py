"""Time the full gap refresh (benchmarks, trends, gaps, gaps over time) on the demo store.

Run from the repository root: python bench/bench_gaps.py
Prints the refresh time (target: under 10 s on the 2-core machine) and its ratio to a baseline measured
in the same run: reading the same inputs from DuckDB into pandas, the floor of any refresh.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from het.derived.gaps import compute_derived  # noqa: E402
from het.derived.refresh import Touched, inputs_for_keys, refresh_in_transaction  # noqa: E402
from het.loads import prepare_store  # noqa: E402
from het.reference.loader import geography_dir_from_env  # noqa: E402
from het.store import Store, read_query  # noqa: E402

RUNS = 3


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        store = Store(Path(folder) / "het.duckdb")
        prepare_store(store, geography_dir=geography_dir_from_env())
        build = time.perf_counter() - started
        cur = store.cursor()
        keys = cur.execute(read_query("all_observation_keys")).df()
        inputs = inputs_for_keys(cur, keys)
        pack = cur.execute(read_query("deprivation_group_populations")).df()
        print(
            f"demo store: {len(inputs):,} current observations (built in {build:.1f} s, including one refresh)"
        )

        read = best_of(RUNS, lambda: inputs_for_keys(cur, keys))
        compute = best_of(RUNS, lambda: compute_derived(inputs, group_populations=pack))

        def full_refresh():
            with store.transaction() as tx:
                refresh_in_transaction(tx, Touched.everything())

        refresh = best_of(RUNS, full_refresh)
        results = compute_derived(inputs, group_populations=pack)
        print(f"baseline, read the inputs from DuckDB:     {read:6.2f} s")
        print(f"compute (exact SII limits where linear):   {compute:6.2f} s  ratio {compute / read:5.1f}")
        print(
            f"full refresh (read, compute, write):       {refresh:6.2f} s  ratio {refresh / read:5.1f}  "
            f"target < 10 s: {'met' if refresh < 10 else 'NOT met'}"
        )
        for name in ["benchmark_results", "trend_results", "gap_results", "gap_trends"]:
            print(f"  {name:<18} {len(getattr(results, name)):>7,} rows")
        store.close()


if __name__ == "__main__":
    main()
