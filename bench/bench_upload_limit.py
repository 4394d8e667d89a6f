"""Files as large as the upload limit, loaded end to end: each must be read (or refused) in under 1 GB and 60 s.

Run from the repository root: python bench/bench_upload_limit.py [--limit-mb 200]

What it measures, every figure from this run (nothing is asserted; the targets are printed as met or not):
1. three files generated to just under the upload limit (HET_MAX_UPLOAD_MB, default 200 MB):
   - an OHID Fingertips export of Luton and England with deprivation deciles (bench_ingest's generator);
   - the same observations in het's tidy template, repeated with other age labels until the file is full;
   - that tidy file with one more column, a distinct note on every row (an unmodelled column het keeps with
     each observation as JSON: the case where no text repeats);
2. for each, a fresh process `python -m het load FILE` (read, checks, commit and the gap refresh) into a
   fresh copy of a store prepared once by `python -m het init --no-demo`: its wall time from process start
   to exit and its peak resident memory (ru_maxrss), against the targets of 60 s and 1 GB, and the peak of
   an idle het process (`het status` on the empty store) for scale.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ingest import checked, fresh_copy, generate, het  # noqa: E402

TARGET_MB, TARGET_S = 1024, 60.0
FINGERTIPS_BYTES_PER_ROW = 359  # bench_ingest's export: 700,000 rows in 251 MB


def tidy_frame(fingertips: Path, store: Path) -> pd.DataFrame:
    """The observations het reads from the Fingertips file, in the tidy template's columns."""
    from het.ingest.read import read_extract
    from het.store import Store

    with Store(store) as s:
        indicators, areas = s.query("indicator_catalogue"), s.query("area_list")
    parsed = read_extract(
        fingertips.read_bytes(),
        file_name=fingertips.name,
        indicators=indicators,
        areas=areas,
        max_bytes=2**31,
    )
    o = parsed.observations
    text = {c: o[c].astype(str) for c in ["indicator_id", "area_code", "sex", "age", "breakdown"]}
    return pd.DataFrame(
        {
            **text,
            "period": o["period_label"].astype(str),
            "category": o["category"].astype(object).fillna("").astype(str),
            "category_rank": o["category_rank"],
            **{c: o[c] for c in ["value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998"]},
            "count": o["count"],
            "denominator": o["denominator"],
        }
    )


def fill(frame: pd.DataFrame, path: Path, limit_bytes: int, *, note: bool) -> int:
    """Write frame, repeated with other age labels, to just under limit_bytes; returns the rows written."""
    one = len(frame.to_csv(index=False).encode())
    copies = []
    rows = 0
    while True:
        part = frame.assign(age=frame["age"] + (f" (set {len(copies)})" if copies else ""))
        copies.append(part)
        rows += len(part)
        if one * len(copies) * (1.25 if note else 1.0) > limit_bytes:
            break
    table = pd.concat(copies, ignore_index=True)
    if note:
        table["local_note"] = [f"JSNA table row {i}, checked by the analyst" for i in range(len(table))]
    while True:  # trim to fit: a few per cent at a time
        written = table.to_csv(index=False).encode()
        if len(written) <= limit_bytes:
            path.write_bytes(written)
            return len(table)
        table = table.iloc[: int(len(table) * limit_bytes / len(written) * 0.995)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-mb", type=float, default=float(os.environ.get("HET_MAX_UPLOAD_MB") or 200))
    args = parser.parse_args()
    limit = int(args.limit_mb * 2**20)
    env = dict(os.environ) | {"HET_MAX_UPLOAD_MB": f"{args.limit_mb:g}"}

    with tempfile.TemporaryDirectory(prefix="het-bench-limit-") as tmp:
        folder = Path(tmp)
        base, store = folder / "base.duckdb", folder / "het.duckdb"
        checked(het(["init", "--no-demo"], base, folder, env), "het init --no-demo")
        started = time.perf_counter()
        fingertips = folder / "fingertips.csv"
        rows = int(limit / FINGERTIPS_BYTES_PER_ROW)
        generate(fingertips, rows)
        while fingertips.stat().st_size > limit:
            rows = int(rows * 0.99)
            generate(fingertips, rows)
        files = {"Fingertips export": (fingertips, rows)}
        frame = tidy_frame(fingertips, base)
        for name, note in (("tidy template", False), ("tidy, a distinct note per row", True)):
            path = folder / f"{name.split(',')[0].replace(' ', '_')}{'_notes' if note else ''}.csv"
            files[name] = (path, fill(frame, path, limit, note=note))
        del frame
        print(
            f"generated {len(files)} files of at most {args.limit_mb:g} MB in {time.perf_counter() - started:.0f} s"
        )
        fresh_copy(base, store)
        idle = checked(het(["status"], store, folder, env), "het status")
        print(f"an idle het process (het status on the empty store) peaks at {idle.peak_mb:.0f} MB\n")
        results = []
        for name, (path, n) in files.items():
            fresh_copy(base, store)
            run = checked(het(["load", str(path), "--by", "bench"], store, folder, env), f"het load ({name})")
            size = path.stat().st_size / 2**20
            ok = run.peak_mb < TARGET_MB and run.wall < TARGET_S
            results.append(ok)
            print(
                f"{name:32} {size:6.1f} MB, {n:>9,} rows: {run.wall:5.1f} s, peak {run.peak_mb:5.0f} MB "
                f"({run.peak_mb / size:.1f}x the file) -> {'met' if ok else 'NOT met'}"
            )
        print(
            f"\ntarget: every file up to the limit read in under {TARGET_MB / 1024:g} GB and {TARGET_S:.0f} s: "
            f"{'met' if all(results) else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
