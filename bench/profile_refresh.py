"""Profile the gap refresh that follows a load of bench_ingest's ~700,000-row Luton and England export.

Run from the repository root: python bench/profile_refresh.py [--rows N] [--file CSV] [--top 25]

Generates the file (bench/bench_ingest.py's generator; or reads --file), prepares a store with
`python -m het init --no-demo` in a temporary folder, reads, checks and commits the file in this process
without refreshing, then runs the refresh under cProfile and prints the top lines by cumulative time and
by own time (tottime). The refresh profiled is het.derived.refresh.refresh(store, Touched.of(observations)):
what het.loads computes inside the load's transaction, here in a transaction of its own.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GENERATE = (
    "import sys; from pathlib import Path; sys.path.insert(0, 'bench'); from bench_ingest import generate; "
    "generate(Path(sys.argv[1]), int(sys.argv[2]))"
)


def find_refresh(parsed):
    """The refresh het.loads runs after this load, as a function of the store, and a line saying which."""
    from het.derived.refresh import Touched, refresh

    touched = Touched.of(parsed.observations)
    return (
        (lambda store: refresh(store, touched)),
        f"het.derived.refresh.refresh(store, Touched.of(observations)) ({len(touched.keys):,} keys)",
    )


def commit_without_refresh(store, parsed):
    from het.ingest.commit import commit_extract

    return commit_extract(store, parsed, loaded_by="bench", source_kind="cli")


def print_top(profile: cProfile.Profile, sort: str, top: int) -> None:
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text)
    stats.strip_dirs().sort_stats(sort).print_stats(top)
    lines = text.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    print(f"\ntop {top} by {sort}:")
    print("\n".join(line for line in lines[start:] if line.strip()))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=700_000)
    parser.add_argument("--file", type=Path, default=None, help="a Fingertips CSV to load instead")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="het-profile-refresh-") as tmp:
        folder = Path(tmp)
        path = args.file
        if path is None:  # generated in a child process, so that its memory is not counted here
            path = folder / "fingertips_luton_england.csv"
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", GENERATE, str(path), str(args.rows)], cwd=ROOT, check=True)
            size = path.stat().st_size / 2**20
            print(f"generated {args.rows:,} rows, {size:.1f} MB, in {time.perf_counter() - started:.1f} s")
        store_path = folder / "het.duckdb"
        subprocess.run(
            [sys.executable, "-m", "het", "init", "--no-demo"],
            env=dict(os.environ, HET_DB=str(store_path)),
            cwd=ROOT,
            check=True,
            capture_output=True,
        )

        from het.ingest import read_extract
        from het.store import Store

        with Store(store_path) as store:
            started = time.perf_counter()
            content = path.read_bytes()
            parsed = read_extract(
                content,
                file_name=path.name,
                indicators=store.query("indicator_catalogue"),
                areas=store.query("area_list"),
                max_bytes=len(content),
            )
            del content
            if parsed.problems.errors:
                raise SystemExit(f"the file was refused: {[str(p) for p in parsed.problems.errors[:3]]}")
            read = time.perf_counter() - started
            result = commit_without_refresh(store, parsed)
            committed = time.perf_counter() - started - read
            print(
                f"read and checked {parsed.rows_read:,} rows in {read:.1f} s; committed {result.rows_loaded:,} "
                f"in {committed:.1f} s (peak memory so far {peak_mb():,.0f} MB)"
            )
            refresh, what = find_refresh(parsed)
            del parsed
            print(f"profiling {what}")
            profile = cProfile.Profile()
            started = time.perf_counter()
            profile.enable()
            outcome = refresh(store)
            profile.disable()
            took = time.perf_counter() - started
            error = outcome if isinstance(outcome, str) else getattr(outcome, "error", None)
            print(
                f"refresh: {took:.1f} s under the profiler (peak memory now {peak_mb():,.0f} MB)"
                f"{'; FAILED: ' + error if error else ''}"
            )
            print_top(profile, "cumulative", args.top)
            print_top(profile, "tottime", args.top)


if __name__ == "__main__":
    main()
