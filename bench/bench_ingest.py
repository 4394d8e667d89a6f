"""Load a generated 1,000,000-row Fingertips-layout CSV through het's full load path.

Run from the repository root: python bench/bench_ingest.py [--rows N] [--repeats K]
Prints rows per second, peak memory against the file size (target: under 3 times), and the ratio of the
load time to DuckDB's own read_csv of the same file in the same run (the parse floor; target: at most 2).
Each measurement runs in a fresh child process, so their peak memories do not mix. The floor and the load
are measured K times, alternating (default 5), each load into a fresh copy of the same store; the ratio
compares the fastest of each (a shared 2-core machine's noise only ever adds time), and every run is printed.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = [
    "Indicator ID",
    "Indicator Name",
    "Parent Code",
    "Parent Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Lower CI 99.8 limit",
    "Upper CI 99.8 limit",
    "Count",
    "Denominator",
    "Value note",
    "Recent Trend",
    "Compared to England value or percentiles",
    "Compared to Region value or percentiles",
    "Time period Sortable",
    "New data",
    "Compared to goal",
]


def generate(path: Path, rows: int) -> None:
    """Fingertips-layout rows for catalogue indicators with Fingertips IDs and areas het knows."""
    from het.catalogue import read_catalogue
    from het.geography import read_embedded_geography

    catalogue = read_catalogue()
    indicators = catalogue["indicators"].dropna(subset=["fingertips_id"])
    indicators = indicators[indicators["value_type"] == "proportion"]
    areas = list(catalogue["areas"][["area_code", "area_name", "area_type"]].itertuples(index=False))
    wards = read_embedded_geography(ROOT / "data").areas
    wards = list(
        wards[wards["vintage"] == "WD13"][["area_code", "area_name", "area_type"]].itertuples(index=False)
    )
    ages = [f"{a}-{a + 4} yrs" for a in range(0, 400, 5)]
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        while written < rows:
            for ind in indicators.itertuples(index=False):
                for year in range(2013, 2023):  # wards on WD13: periods ending before May 2023
                    for area in areas + wards:
                        for sex in ("Persons", "Male", "Female"):
                            for age in ages:
                                # Values as varied as real ones (nearly every row distinct), so the
                                # numeric columns cost what they would in a real export.
                                value = 2 + (written * 7919 % 999_983) / 10_400
                                writer.writerow(
                                    [
                                        int(ind.fingertips_id),
                                        f"{ind.name}\n(generated)",
                                        "E92000001",
                                        "England",
                                        area.area_code,
                                        area.area_name,
                                        "Ward" if area.area_type == "ward" else "County & UA",
                                        sex,
                                        age,
                                        "",
                                        "",
                                        str(year),
                                        f"{value:.4f}",
                                        f"{value - 1:.4f}",
                                        f"{value + 1:.4f}",
                                        f"{value - 1.5:.4f}",
                                        f"{value + 1.5:.4f}",
                                        "1,349",
                                        "10000",
                                        "",
                                        "",
                                        "Similar",
                                        "Similar",
                                        f"{year}0000",
                                        "",
                                        "",
                                    ]
                                )
                                written += 1
                                if written >= rows:
                                    return


def child(kind: str, path: str, store: str, refresh: str = "refresh") -> None:
    """One measurement in this process: 'duckdb' parses the file; 'het' loads it the way an upload does."""
    import duckdb

    if kind == "het":  # imports are not part of either timing
        from het.gaps import refresh_after_commit
        from het.ingest import read_extract
        from het.ingest.commit import commit_extract
        from het.store import Store
    started = time.perf_counter()
    result = {}
    if kind == "duckdb":
        con = duckdb.connect()
        con.execute("CREATE TABLE parsed AS SELECT * FROM read_csv($p, all_varchar = true)", {"p": path})
        result["rows"] = con.execute("SELECT count(*) FROM parsed").fetchone()[0]
        result["load"] = time.perf_counter() - started
    else:
        with Store(store) as s:
            content = Path(path).read_bytes()
            parsed = read_extract(
                content,
                file_name=Path(path).name,
                indicators=s.query("indicator_catalogue"),
                areas=s.query("area_list"),
                max_bytes=len(content),
            )
            del content
            if parsed.problems.errors:
                raise SystemExit(f"bench file rejected: {parsed.problems.errors[:3]}")
            result["read"] = time.perf_counter() - started
            loaded = commit_extract(s, parsed, loaded_by="bench", source_kind="cli", refresh=False)
            result["rows"] = loaded.rows_loaded
            result["load"] = time.perf_counter() - started
            result["load_peak_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            del parsed
            if refresh == "refresh":
                before_refresh = time.perf_counter()
                result["refresh_error"] = refresh_after_commit(s)
                result["refresh"] = time.perf_counter() - before_refresh
    result["peak_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result))


def measure(kind: str, path: Path, store: Path, refresh: bool = False) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path), str(store), "refresh" if refresh else "none"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline_kb() -> int:
    """Peak memory of a child that only imports het's load path: what a load adds is measured above it."""
    code = (
        "import resource, het.ingest, het.ingest.commit, het.gaps, duckdb; "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    return int(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout.strip()
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", nargs=4)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    from het.reference import load_reference
    from het.store import Store

    with tempfile.TemporaryDirectory() as folder:
        path, store = Path(folder) / "fingertips_1m.csv", Path(folder) / "het.duckdb"
        started = time.perf_counter()
        generate(path, args.rows)
        size_mb = path.stat().st_size / 2**20
        print(
            f"generated {args.rows:,} Fingertips-layout rows, {size_mb:.0f} MB, in {time.perf_counter() - started:.1f} s"
        )
        pristine = Path(folder) / "reference.duckdb"
        with Store(pristine) as s:
            load_reference(s)  # catalogue and embedded geography, as on a fresh install
        floors, loads = [], []
        for repeat in range(args.repeats):
            floors.append(measure("duckdb", path, store))
            store.with_name(store.name + ".wal").unlink(missing_ok=True)
            shutil.copyfile(pristine, store)
            last = repeat == args.repeats - 1
            loads.append(measure("het", path, store, refresh=last))  # the last also refreshes the gaps
        base = baseline_kb()
        floor = min(floors, key=lambda r: r["load"])
        load = min(loads, key=lambda r: r["load"])
        ratio = load["load"] / floor["load"]
        load_mb = max((r["load_peak_kb"] - base) / 1024 for r in loads)
        print("runs (s), alternating:")
        print("  DuckDB read_csv: " + ", ".join(f"{r['load']:.2f}" for r in floors))
        print("  het load:        " + ", ".join(f"{r['load']:.2f}" for r in loads))
        print(f"DuckDB read_csv of the file (floor, fastest): {floor['load']:6.2f} s")
        print(
            f"het load (fastest): read and check {load['read']:.2f} s + commit {load['load'] - load['read']:.2f} s "
            f"= {load['load']:.2f} s, {load['rows']:,} rows, {load['rows'] / load['load']:,.0f} rows/s"
        )
        print(
            f"ratio of het load to DuckDB read_csv:        {ratio:6.2f}  (target <= 2: {'met' if ratio <= 2 else 'NOT met'})"
        )
        print(
            f"peak memory of the load above an idle het process (highest run): {load_mb:,.0f} MB = "
            f"{load_mb / size_mb:.2f}x the file (target < 3x: {'met' if load_mb < 3 * size_mb else 'NOT met'})"
        )
        last = loads[-1]
        print(
            f"then the gap refresh over the store: {last['refresh']:.1f} s "
            f"(peak {(last['peak_kb'] - base) / 1024:,.0f} MB above idle)"
            f"{'; FAILED: ' + last['refresh_error'] if last['refresh_error'] else ''}"
        )


if __name__ == "__main__":
    main()
