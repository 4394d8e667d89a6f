"""Load a generated ~700,000-row Luton and England Fingertips export end to end, as `python -m het load` does.

Run from the repository root: python bench/bench_ingest.py [--rows N] [--runs K] [--keep DIR]

What it measures, every figure from this run (nothing is asserted; the targets are printed as met or not):
1. the file: a seeded OHID Fingertips CSV (the 26-column header of older exports) of Luton (E06000032) and
   England (E92000001) only, for several catalogue indicators of different value types, every period,
   sex and age band with the whole-area value and ten deprivation deciles per area (England: national
   County & UA deciles; Luton: LSOA deciles within the area), values varying like a real export;
2. the floor: a fresh Python process that reads the file with DuckDB's read_csv into a table of a fresh
   DuckDB file, timed from process start to exit;
3. the het load: a fresh process `python -m het load FILE` (read, checks, preview, commit and the gap
   refresh after it) into a fresh copy of a store prepared once by `python -m het init --no-demo`, timed
   from process start to exit (het's modules compiled to bytecode first, as an installed package has
   them: see compile_het). The floor and the load alternate K times (default 3); every run is
   printed and the fastest of each are compared (a shared 2-core machine's noise only ever adds time):
   target end-to-end ratio <= 3;
4. a revision: a 1,000-row file revising one indicator's values (same keys), loaded end to end into the
   store holding the big file (a fresh copy of it each run): target under 2 s; `python -m het status`
   on the same store is printed as the process-start baseline;
5. the peak memory (ru_maxrss, reported by a small wrapper process around each child) of the het load
   process against the file's size: target under 3 times, counting the whole process; the floor's peak,
   an idle het process's and the load's peak above it are printed for scale.

The file is larger than het's default 200 MB upload limit, so the children get HET_MAX_UPLOAD_MB to fit it.
bench/profile_refresh.py profiles the gap refresh after loading the same file.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20240601
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
# Catalogue indicators by Fingertips ID, a mix of value types and periodicities:
# (Fingertips ID, England's value in the latest period).
INDICATORS = [
    (90366, 80.9),  # life expectancy at birth (life expectancy, rolling 3 calendar)
    (92196, 3.9),  # infant mortality (rate per 1,000, rolling 3 calendar)
    (90631, 67.2),  # school readiness (proportion, academic)
    (93701, 15.6),  # children in absolute low income families (proportion, financial)
    (93378, 46.2),  # Attainment 8 (mean, academic)
    (91126, 3.7),  # unemployment (proportion, calendar)
    (93721, 142.0),  # under-75 preventable mortality (rate per 100,000, calendar)
    (11201, 45.0),  # violence admissions (rate per 100,000, rolling 3 financial)
]
# (code, name, Area Type, parent code, parent name, Category Type of its deciles, typical denominator)
AREAS = [
    (
        "E92000001",
        "England",
        "England",
        "",
        "",
        "County & UA deprivation deciles in England (IMD2019, 4/23 geography)",
        600_000,
    ),
    (
        "E06000032",
        "Luton",
        "Counties & UAs (from Apr 2023)",
        "E12000006",
        "East of England region",
        "LSOA11 deprivation deciles within area (IMD trend)",
        2_500,
    ),
]
DECILES = [  # Fingertips' wording, most deprived first
    "Most deprived decile (IMD2019)",
    "Second most deprived decile (IMD2019)",
    "Third more deprived decile (IMD2019)",
    "Fourth more deprived decile (IMD2019)",
    "Fifth more deprived decile (IMD2019)",
    "Fifth less deprived decile (IMD2019)",
    "Fourth less deprived decile (IMD2019)",
    "Third less deprived decile (IMD2019)",
    "Second least deprived decile (IMD2019)",
    "Least deprived decile (IMD2019)",
]
SEXES = ["Persons", "Male", "Female"]
PERIOD_ENDS = range(2000, 2025)  # 25 periods, the last ending in 2024
# Age bands as Fingertips writes them; as many as the row count needs are used, in this order.
AGES = (
    ["All ages", "<1 yr", "0-4 yrs"]
    + [f"{a}-{a + 4} yrs" for a in range(5, 90, 5)]
    + ["90+ yrs", "0-15 yrs", "16-64 yrs", "18-64 yrs", "65+ yrs", "75+ yrs", "85+ yrs", "<75 yrs"]
    + [f"{a}+ yrs" for a in (16, 18, 25, 35, 45, 50, 55, 60, 70, 80)]
    + [f"{a}-{a + 9} yrs" for a in range(0, 90, 10)]
    + [f"{a} yrs" for a in range(2, 12)]
)
GROUPS = 1 + len(DECILES)  # per area: the whole-area row and ten deciles
REVISION_ROWS = 1_000


@dataclass(frozen=True)
class Layout:
    """Rows in the order indicator, age, sex, area, category, period; the first `rows` of them are written."""

    ages: list[str]
    rows: int

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(INDICATORS), len(self.ages), len(SEXES), len(AREAS), GROUPS, len(PERIOD_ENDS))


def layout(rows: int) -> Layout:
    per_age = len(INDICATORS) * len(SEXES) * len(AREAS) * GROUPS * len(PERIOD_ENDS)
    wanted = max(1, math.ceil(rows / per_age))
    ages = AGES[:wanted] + [f"{a}-{a + 1} yrs" for a in range(100, 100 + 2 * (wanted - len(AGES)), 2)]
    return Layout(ages, rows)


@dataclass(frozen=True)
class Indicator:
    """What the generator needs of a catalogue indicator (read from data/indicators.csv)."""

    fingertips_id: int
    name: str
    value_type: str
    multiplier: float
    polarity: str
    periodicity: str


def _indicator_rows() -> list[Indicator]:
    """Per INDICATORS entry, its catalogue row (the IDs must be in data/indicators.csv)."""
    with (ROOT / "data" / "indicators.csv").open(encoding="utf-8", newline="") as handle:
        by_id = {
            int(row["fingertips_id"]): Indicator(
                int(row["fingertips_id"]),
                row["name"],
                row["value_type"],
                float(row["multiplier"] or 1),
                row["polarity"],
                row["periodicity"],
            )
            for row in csv.DictReader(handle)
            if row["fingertips_id"].strip()
        }
    missing = [f for f, _ in INDICATORS if f not in by_id]
    if missing:
        raise SystemExit(f"Fingertips IDs not in data/indicators.csv: {missing}")
    return [by_id[f] for f, _ in INDICATORS]


def period_start(end: int, periodicity: str) -> int:
    """The first year of the period ending in `end` (rolling three-year periods pool three years)."""
    return end - 2 if periodicity.startswith("rolling 3") else end


def period_label(start: int, periodicity: str) -> str:
    """As Fingertips writes it: 2019, 2019/20, 2017 - 19, 2017/18 - 19/20."""
    rolling = periodicity.startswith("rolling 3")
    last = start + 2 if rolling else start
    if periodicity.endswith("calendar"):
        return f"{start} - {last % 100:02d}" if rolling else str(start)
    first = f"{start}/{(start + 1) % 100:02d}"
    return f"{first} - {last % 100:02d}/{(last + 1) % 100:02d}" if rolling else first


def build_table(lay: Layout, positions: np.ndarray, seed: int):
    """The Fingertips rows at `positions` of the layout as an Arrow table; values depend on the seed."""
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    n = len(positions)
    ind, age, sex, area, group, per = np.unravel_index(positions, lay.shape)
    catalogue = _indicator_rows()
    base = np.array([v for _, v in INDICATORS])[ind]
    kinds = [row.value_type for row in catalogue]
    proportion = np.array([k == "proportion" for k in kinds])[ind]
    per_unit = np.array(
        [
            float(row.multiplier) if k in ("rate", "proportion") else 0
            for row, k in zip(catalogue, kinds, strict=True)
        ]
    )[ind]
    high_is_good = np.array([row.polarity == "high is good" for row in catalogue])[ind]
    # A shape like a real export's: steady age, sex and area effects, a trend over the periods, a
    # deprivation gradient (worse in the more deprived deciles), and noise so nearly every value is distinct.
    age_effect = np.random.default_rng(SEED).uniform(0.9, 1.1, (len(INDICATORS), len(lay.ages)))[ind, age]
    sex_effect = np.array([1.0, 0.98, 1.02])[sex]
    area_effect = np.where(area == 0, 1.0, np.where(high_is_good, 0.97, 1.05))  # Luton a little worse
    trend = 1 + 0.004 * (per - len(PERIOD_ENDS) + 1)
    rank = group.astype(float)  # 0 = whole area, 1..10 = most .. least deprived
    towards_least = np.where(group == 0, 0.0, (rank - 5.5) / 4.5)
    gradient = 1 + 0.06 * np.where(high_is_good, towards_least, -towards_least)
    value = base * age_effect * sex_effect * area_effect * trend * gradient * rng.uniform(0.98, 1.02, n)
    value = np.where(proportion, np.clip(value, 0.5, 97.0), value).round(10)  # 12 to 15 digits, as Fingertips
    # Limits: England's (large denominators) narrow, Luton's and the deciles' wider; 99.8% wider than 95%.
    denominator = np.round(
        np.array([a[6] for a in AREAS])[area] * rng.uniform(0.5, 1.5, n) * np.where(group == 0, GROUPS - 1, 1)
    )
    width = value * rng.uniform(0.5, 1.5, n) * np.where(area == 0, 0.01, 0.06) * np.where(group == 0, 0.5, 1)
    top = np.where(proportion, 100.0, np.inf)
    lower95, upper95 = np.maximum(value - width, 0).round(10), np.minimum(value + width, top).round(10)
    lower998 = np.maximum(value - 1.6 * width, 0).round(10)
    upper998 = np.minimum(value + 1.6 * width, top).round(10)
    counted = per_unit > 0  # rates and proportions have counts; life expectancy and means do not
    count = np.round(value * denominator / np.where(counted, per_unit, 1))
    count = np.minimum(count, denominator)

    starts = [[period_start(end, row.periodicity) for end in PERIOD_ENDS] for row in catalogue]
    periods = [
        [period_label(y, row.periodicity) for y in ys] for row, ys in zip(catalogue, starts, strict=True)
    ]
    starts = np.array(starts)

    def pick(values, index):
        return pa.DictionaryArray.from_arrays(pa.array(index.astype(np.int32)), pa.array(values)).cast(
            pa.string()
        )

    label_index = ind * len(PERIOD_ENDS) + per
    compared = np.array(["Similar", "Better", "Worse"])[rng.integers(0, 3, n)]
    columns = {
        "Indicator ID": pa.array(np.array([f for f, _ in INDICATORS])[ind]),
        "Indicator Name": pick([f"{row.name}\n" for row in catalogue], ind),
        "Parent Code": pick([a[3] for a in AREAS], area),
        "Parent Name": pick([a[4] for a in AREAS], area),
        "Area Code": pick([a[0] for a in AREAS], area),
        "Area Name": pick([a[1] for a in AREAS], area),
        "Area Type": pick([a[2] for a in AREAS], area),
        "Sex": pick(SEXES, sex),
        "Age": pick(lay.ages, age),
        "Category Type": pick([""] + [a[5] for a in AREAS], np.where(group == 0, 0, area + 1)),
        "Category": pick([""] + DECILES, group),
        "Time period": pick([p for ps in periods for p in ps], label_index),
        "Value": pa.array(value),
        "Lower CI 95.0 limit": pa.array(lower95),
        "Upper CI 95.0 limit": pa.array(upper95),
        "Lower CI 99.8 limit": pa.array(lower998),
        "Upper CI 99.8 limit": pa.array(upper998),
        "Count": pa.array(count.astype(np.int64), mask=~counted),
        "Denominator": pa.array(denominator.astype(np.int64), mask=~counted),
        "Value note": pick(  # England's deciles are aggregated from its areas
            ["", "Aggregated from all known lower geography values"], ((group > 0) & (area == 0)).astype(int)
        ),
        "Recent Trend": pick(
            ["", "No significant change", "Increasing and getting worse", "Decreasing and getting better"],
            np.where((group == 0) & (per == len(PERIOD_ENDS) - 1), rng.integers(1, 4, n), 0),
        ),
        "Compared to England value or percentiles": pa.array(np.where(area == 0, "Not compared", compared)),
        "Compared to Region value or percentiles": pa.array(np.where(area == 0, "Not compared", compared)),
        "Time period Sortable": pa.array((starts.ravel()[label_index] * 10000).astype(np.int64)),
        "New data": pick(["", "New data"], (per == len(PERIOD_ENDS) - 1).astype(int)),
        "Compared to goal": pa.array(np.full(n, ""), pa.string()),
    }
    assert list(columns) == HEADER
    return pa.table(columns)


def write_csv(table, path: Path) -> None:
    """As Fingertips writes it: quotes only where a field needs them, numbers in shortest form."""
    import duckdb
    import pyarrow as pa
    import pyarrow.compute as pc

    empty_is_null = [  # an empty field unquoted, as Fingertips writes it ('' would be written "")
        pc.if_else(pc.equal(c, ""), pa.scalar(None, pa.string()), c) if pa.types.is_string(c.type) else c
        for c in table.columns
    ]
    table = pa.table(empty_is_null, names=table.column_names)
    con = duckdb.connect()
    con.register("generated", table)
    con.execute(f"COPY generated TO '{path}' (HEADER, DELIMITER ',')")
    con.close()


def generate(path: Path, rows: int) -> Layout:
    """The big export: the first `rows` rows of the layout."""
    lay = layout(rows)
    write_csv(build_table(lay, np.arange(rows), SEED), path)
    return lay


def generate_revision(path: Path, lay: Layout, indicator: int = 0) -> None:
    """REVISION_ROWS rows of one indicator with the big file's keys and new values (another seed)."""
    block = int(np.prod(lay.shape[1:]))
    positions = indicator * block + np.arange(min(REVISION_ROWS, block, lay.rows - indicator * block))
    write_csv(build_table(lay, positions, SEED + 1), path)


# -- measuring child processes ------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    wall: float
    peak_mb: float
    stdout: str
    stderr: str
    returncode: int


# Runs one command and reports its wall time and peak memory. A small process of its own, because a child's
# ru_maxrss starts from its parent's resident size at fork (Linux keeps the high-water mark across exec):
# forked from this bench, which holds the generated tables, every child would seem to peak at its size.
WRAPPER = """
import json, resource, subprocess, sys, time
with open(sys.argv[1], "wb") as out, open(sys.argv[2], "wb") as err:
    started = time.perf_counter()
    code = subprocess.run(sys.argv[3:], stdout=out, stderr=err).returncode
    wall = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "returncode": code, "peak_kb": peak}))
"""


def run(args: list[str], env: dict[str, str], folder: Path) -> Run:
    """One child process, timed from its start to its exit, with its peak resident memory (ru_maxrss)."""
    out_path, err_path = folder / "child.out", folder / "child.err"
    wrapped = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(out_path), str(err_path), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    measured = json.loads(wrapped.stdout)
    return Run(
        measured["wall"],
        measured["peak_kb"] / 1024,  # kilobytes on Linux
        out_path.read_text(errors="replace"),
        err_path.read_text(errors="replace"),
        measured["returncode"],
    )


def checked(result: Run, what: str) -> Run:
    if result.returncode != 0:
        raise SystemExit(
            f"{what} failed (exit {result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


FLOOR = (
    "import sys, duckdb\n"
    "con = duckdb.connect(sys.argv[2])\n"
    "con.execute('SET enable_progress_bar = false')\n"
    "con.execute('CREATE TABLE fingertips AS SELECT * FROM read_csv($p)', {'p': sys.argv[1]})\n"
    "print(con.execute('SELECT count(*) FROM fingertips').fetchone()[0])\n"
    "con.close()\n"
)


def floor(path: Path, folder: Path) -> Run:
    db = folder / "floor.duckdb"
    db.unlink(missing_ok=True)
    result = checked(
        run([sys.executable, "-c", FLOOR, str(path), str(db)], dict(os.environ), folder), "floor"
    )
    db.unlink(missing_ok=True)
    return result


def het(command: list[str], store: Path, folder: Path, env: dict[str, str]) -> Run:
    return run([sys.executable, "-m", "het", *command], env | {"HET_DB": str(store)}, folder)


def fresh_copy(source: Path, target: Path) -> None:
    for suffix in ("", ".wal"):
        Path(str(target) + suffix).unlink(missing_ok=True)
        if Path(str(source) + suffix).exists():
            shutil.copyfile(str(source) + suffix, str(target) + suffix)


def derived_error(store: Path) -> str:
    """meta 'derived_error' of a store: set when the gap refresh after a load failed."""
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    try:
        found = con.execute("SELECT value FROM meta WHERE key = 'derived_error'").fetchone()
    finally:
        con.close()
    return (found[0] if found else "") or ""


def report_summary(output: str) -> str:
    """The load report's counts line and its warnings, indented."""
    lines = output.splitlines()
    counts = next((line for line in lines if line.startswith("rows read")), "(no counts line)")
    warnings, inside = [], False
    for line in lines:
        if line.endswith(":") and not line.startswith("  "):
            inside = line.startswith("warnings") or line.startswith("errors")
            if inside:
                warnings.append(line)
            continue
        if inside and line.startswith("  - "):
            warnings.append(line)
    return "\n".join(["  " + counts, *("  " + w for w in warnings)])


def fastest(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.wall)


def walls(runs: list[Run]) -> str:
    return ", ".join(f"{r.wall:.2f}" for r in runs)


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def compile_het(env: dict) -> None:
    """Compile het's modules to bytecode (__pycache__, ignored by git), as installing a package or any
    earlier run leaves them, so each child does not compile them from source again: an environment that
    sets PYTHONDONTWRITEBYTECODE (as some containers do) would otherwise charge every het process for it,
    ~0.1 s here, while the floor's DuckDB is an installed, compiled package."""
    quiet = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "het")],
        env=quiet,
        capture_output=True,
        text=True,
    )
    said = "compiled" if done.returncode == 0 else f"NOT compiled ({done.stderr.strip()[:200]})"
    print(f"het's modules {said} to bytecode first, as an installed package has them")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=700_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="also copy the generated files here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="het-bench-ingest-") as tmp:
        folder = Path(tmp)
        path, revision = folder / "fingertips_luton_england.csv", folder / "fingertips_revision.csv"
        started = time.perf_counter()
        lay = generate(path, args.rows)
        generate_revision(revision, lay)
        size_mb = path.stat().st_size / 2**20
        print(
            f"generated {args.rows:,} Fingertips rows ({len(INDICATORS)} indicators x {len(lay.ages)} ages x "
            f"{len(SEXES)} sexes x {len(AREAS)} areas x (1 + {len(DECILES)} deciles) x {len(PERIOD_ENDS)} "
            f"periods, cut at --rows), {size_mb:.1f} MB, and a {REVISION_ROWS:,}-row revision, "
            f"in {time.perf_counter() - started:.1f} s"
        )
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, args.keep)
            shutil.copy(revision, args.keep)

        env = dict(os.environ)
        limit_mb = float(env.get("HET_MAX_UPLOAD_MB") or 200)
        if size_mb > limit_mb:
            env["HET_MAX_UPLOAD_MB"] = str(math.ceil(size_mb) + 1)
            print(
                f"(the file is over the {limit_mb:g} MB upload limit: HET_MAX_UPLOAD_MB={env['HET_MAX_UPLOAD_MB']})"
            )
        compile_het(env)
        base, store = folder / "base.duckdb", folder / "het.duckdb"
        checked(het(["init", "--no-demo"], base, folder, env), "het init --no-demo")

        floors, loads, errors = [], [], []
        for _ in range(args.runs):
            floors.append(floor(path, folder))
            counted = (floors[-1].stdout.split() or ["nothing"])[-1]
            if counted != str(args.rows):
                raise SystemExit(f"DuckDB read {counted} rows, not {args.rows:,}")
            fresh_copy(base, store)
            loads.append(checked(het(["load", str(path), "--by", "bench"], store, folder, env), "het load"))
            errors.append(derived_error(store))
        loaded = folder / "loaded.duckdb"
        fresh_copy(store, loaded)  # the last load's store: the base of the revision runs

        revisions, statuses = [], []
        for _ in range(args.runs):
            fresh_copy(loaded, store)
            statuses.append(checked(het(["status"], store, folder, env), "het status"))
            revisions.append(
                checked(het(["load", str(revision), "--by", "bench"], store, folder, env), "het load")
            )
            errors.append(derived_error(store))

        print(f"\nhet load report (last run):\n{report_summary(loads[-1].stdout)}")
        print(f"revision load report (last run):\n{report_summary(revisions[-1].stdout)}")
        error = next((e for e in errors if e), "")
        if error:
            print(f"the gap refresh after a load FAILED: {error}")

        floor_best, load_best = fastest(floors), fastest(loads)
        ratio = load_best.wall / floor_best.wall
        print("\nruns (wall s, process start to exit), alternating:")
        print(f"  DuckDB read_csv into a fresh file:  {walls(floors)}")
        print(f"  python -m het load (big file):      {walls(loads)}")
        print(f"  python -m het status (loaded store): {walls(statuses)}")
        print(f"  python -m het load (revision):      {walls(revisions)}")
        print(f"\nfloor, DuckDB read_csv (fastest):    {floor_best.wall:6.2f} s")
        print(
            f"het load end to end (fastest):       {load_best.wall:6.2f} s, "
            f"{args.rows / load_best.wall:,.0f} rows/s"
        )
        print(f"end-to-end ratio {ratio:.2f} (target <= 3: {met(ratio <= 3)})")
        revision_best, status_best = fastest(revisions), fastest(statuses)
        print(
            f"one-indicator revision of {REVISION_ROWS:,} rows, end to end (fastest): {revision_best.wall:.2f} s "
            f"(target < 2 s: {met(revision_best.wall < 2)}; peak {revision_best.peak_mb:,.0f} MB); "
            f"process-start baseline, python -m het status on that store: {status_best.wall:.2f} s"
        )
        load_peak = max(r.peak_mb for r in loads)
        floor_peak = max(r.peak_mb for r in floors)
        status_peak = max(r.peak_mb for r in statuses)
        print(
            f"peak memory {load_peak / size_mb:.2f}x the file size (target < 3x: {met(load_peak < 3 * size_mb)}): "
            f"het load peak {load_peak:,.0f} MB (highest run; runs {', '.join(f'{r.peak_mb:.0f}' for r in loads)}) "
            f"for a {size_mb:.0f} MB file; DuckDB floor peak {floor_peak:,.0f} MB "
            f"({floor_peak / size_mb:.2f}x); an idle het process (status) {status_peak:,.0f} MB, so the load "
            f"itself adds {(load_peak - status_peak) / size_mb:.2f}x the file size above it"
        )
        targets = {
            "end-to-end ratio <= 3": ratio <= 3,
            "revision < 2 s": revision_best.wall < 2,
            "peak memory < 3x the file": load_peak < 3 * size_mb,
            "gap refresh succeeded": not error,
        }
        print("targets: " + "; ".join(f"{name}: {met(ok)}" for name, ok in targets.items()))


if __name__ == "__main__":
    main()
