"""Time every page's AppTest run, cold and warm, on the demo store and on a national-scale store.

Run from the repository root: python bench/bench_pages.py
The national-scale store has 7,000 wards across 300 authorities, 30 indicators and 13 periods, with
deprivation-quintile and ethnic-group breakdowns for every authority (about 4 million observations),
loaded through het.loads like any extract (commit, then the gap refresh); page timings read the
precomputed results.
Targets, warm: under 1 s per page on the demo store, under 2 s at national scale. Cold includes the
page's one cached read; warm is the same page run again, as when a user changes nothing.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from het.ingest.parsed import OBSERVATION_COLUMNS, ParsedExtract  # noqa: E402
from het.ingest.problems import Problems  # noqa: E402
from het.loads import load_extract, prepare_store, reload_reference  # noqa: E402
from het.periods import period_label  # noqa: E402
from het.store import Store  # noqa: E402
from het.ui.nav import PAGES  # noqa: E402

AUTHORITIES, WARDS, INDICATORS, PERIODS = 300, 7_000, 30, 13
ETHNIC_GROUPS = ["Asian", "Black", "Mixed", "White", "Other"]


def national_store(path: Path) -> tuple[Store, float]:
    """Build the national-scale store; returns it and the build time."""
    started = time.perf_counter()
    store = Store(path)
    reload_reference(store)
    rng = np.random.default_rng(7)
    cur = store.cursor()
    indicators = store.query("indicator_catalogue")
    indicators = indicators[indicators["value_type"].isin(["proportion", "rate"])].head(INDICATORS)
    authorities = [f"N{9000000 + i:08d}" for i in range(AUTHORITIES)]
    ward_parent = rng.integers(0, AUTHORITIES, WARDS)
    wards = pd.DataFrame(
        {
            "area_code": [f"W{9000000 + i:08d}" for i in range(WARDS)],
            "area_name": [f"Ward {i}" for i in range(WARDS)],
            "area_type": "ward",
            "vintage": "NAT",
            "parent_code": [authorities[p] for p in ward_parent],
            "is_comparator": False,
        }
    )
    las = pd.DataFrame(
        {
            "area_code": authorities,
            "area_name": [f"Authority {i}" for i in range(AUTHORITIES)],
            "area_type": "local authority",
            "vintage": None,
            "parent_code": "E12000006",
            "is_comparator": False,
        }
    )
    scores = rng.uniform(5, 60, WARDS)
    deprivation = wards[["area_code", "parent_code"]].assign(
        imd_score=scores, population=rng.uniform(5e3, 2e4, WARDS)
    )
    deprivation["imd_rank_local"] = (
        deprivation.groupby("parent_code")["imd_score"].rank(ascending=False, method="first").astype(int)
    )
    deprivation["local_quintile"] = 1 + (deprivation["imd_rank_local"] - 1) * 5 // deprivation.groupby(
        "parent_code"
    )["imd_rank_local"].transform("max")
    deprivation = (
        deprivation.rename(columns={"area_code": "ward_code"})
        .drop(columns="parent_code")
        .assign(ward_set="NAT", population_source="generated", derivation="generated for the benchmark")
    )
    with store.transaction() as tx:
        tx.append("areas", pd.concat([las, wards], ignore_index=True), by_name=True)
        tx.append("ward_deprivation", deprivation, by_name=True)
    del cur

    rows = []
    deprivation_by_code = dict(zip(deprivation["ward_code"], deprivation["imd_score"], strict=True))
    for ind in indicators.itertuples(index=False):
        base = rng.uniform(10, 40)
        for start in range(2013, 2013 + PERIODS):
            label = period_label(start, ind.periodicity)
            rows.append(
                _block(
                    ind,
                    start,
                    label,
                    wards["area_code"],
                    wards["area_code"].map(deprivation_by_code),
                    base,
                    "total",
                    "",
                    None,
                    rng,
                )
            )
            rows.append(
                _block(
                    ind,
                    start,
                    label,
                    pd.Series(authorities),
                    pd.Series(np.full(AUTHORITIES, 30.0)),
                    base,
                    "total",
                    "",
                    None,
                    rng,
                )
            )
            for k in range(1, 6):
                rows.append(
                    _block(
                        ind,
                        start,
                        label,
                        pd.Series(authorities),
                        pd.Series(np.full(AUTHORITIES, 70 - 12 * k)),
                        base,
                        "deprivation_local_quintile",
                        f"Q{k}",
                        k,
                        rng,
                    )
                )
            for group in ETHNIC_GROUPS:
                rows.append(
                    _block(
                        ind,
                        start,
                        label,
                        pd.Series(authorities),
                        pd.Series(rng.uniform(10, 50, AUTHORITIES)),
                        base,
                        "ethnicity",
                        group,
                        None,
                        rng,
                    )
                )
    observations = pd.concat(rows, ignore_index=True)
    observations["source_row"] = np.arange(len(observations)) + 2
    parsed = ParsedExtract(
        "national_generated.csv",
        "het_tidy",
        b"generated for bench_pages",
        observations[OBSERVATION_COLUMNS],
        Problems(),
        len(observations),
    )
    result = load_extract(store, parsed, loaded_by="bench", source_kind="cli")
    if result.derived_error:
        raise SystemExit(f"national refresh failed: {result.derived_error}")
    return store, time.perf_counter() - started


def _block(ind, start, label, codes, deprivation, base, breakdown, category, rank, rng) -> pd.DataFrame:
    n = len(codes)
    value = np.clip(base * (0.6 + deprivation.to_numpy() / 50) + rng.normal(0, 1, n), 0.5, 95)
    half = rng.uniform(0.5, 3, n)
    return pd.DataFrame(
        {
            "indicator_id": ind.indicator_id,
            "area_code": codes.to_numpy(),
            "period_label": label,
            "period_sort": start * 10_000,
            "sex": ind.sexes.split(";")[0],
            "age": ind.age,
            "breakdown": breakdown,
            "category": category,
            "category_rank": pd.array([rank] * n, dtype="Int64"),
            "value": value,
            "lower_ci95": value - half,
            "upper_ci95": value + half,
            "lower_ci998": value - 1.6 * half,
            "upper_ci998": value + 1.6 * half,
            "count": np.nan,
            "denominator": np.nan,
            "value_note": None,
            "extra": None,
        }
    )


def time_pages(store_path: Path) -> dict[str, tuple[float, float]]:
    """Cold and warm AppTest run time of every page against the store at store_path."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["HET_DB"] = str(store_path)
    os.environ["HET_USERS_FILE"] = str(store_path.parent / "no-accounts.json")
    with Store(store_path) as store:  # open the pages on an indicator that has data in this store
        indicator, principle = (
            store.cursor()
            .execute(
                "SELECT indicator_id, any_value(principle_id) FROM current_observations JOIN indicators USING "
                "(indicator_id) WHERE breakdown = 'deprivation_local_quintile' GROUP BY indicator_id "
                "ORDER BY count(*) DESC, indicator_id LIMIT 1"
            )
            .fetchone()
        )
    timings = {}
    for spec in PAGES:
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.query_params["indicator"] = indicator
        at.query_params["principle"] = str(principle)
        at.query_params["breakdown"] = "deprivation"
        at.run()  # opens the store once
        st.cache_data.clear()
        started = time.perf_counter()
        at.switch_page(spec.path).run()
        cold = time.perf_counter() - started
        if at.exception:
            raise SystemExit(f"{spec.path} failed: {at.exception[0].value}")
        started = time.perf_counter()
        at.run()
        warm = time.perf_counter() - started
        timings[spec.title] = (cold, warm)
    print(f"pages opened on indicator {indicator} (principle {principle}), deprivation view")
    return timings


def main() -> None:
    global AUTHORITIES, WARDS
    if "--small" in sys.argv:  # a quick check of the bench itself
        AUTHORITIES, WARDS = 20, 460
    with tempfile.TemporaryDirectory() as folder:
        demo_path = Path(folder) / "demo.duckdb"
        started = time.perf_counter()
        with Store(demo_path) as store:
            prepare_store(store)
        print(f"demo store built in {time.perf_counter() - started:.1f} s")
        national_path = Path(folder) / "national.duckdb"
        store, build = national_store(national_path)
        count = store.cursor().execute("SELECT count(*) FROM observations").fetchone()[0]
        store.close()
        print(
            f"national store: {count:,} observations, {WARDS:,} wards in {AUTHORITIES} authorities, "
            f"built in {build:.0f} s"
        )
        demo = time_pages(demo_path)
        national = time_pages(national_path)
    print(f"\n{'page':<20} {'demo cold':>10} {'demo warm':>10} {'national cold':>14} {'national warm':>14}")
    for title in demo:
        dc, dw = demo[title]
        nc, nw = national[title]
        print(f"{title:<20} {dc:9.2f}s {dw:9.2f}s {nc:13.2f}s {nw:13.2f}s")
    worst_demo = max(w for _, w in demo.values())
    worst_national = max(w for _, w in national.values())
    print(
        f"\nwarm targets: demo < 1 s ({'met' if worst_demo < 1 else 'NOT met'}, worst {worst_demo:.2f} s); "
        f"national < 2 s ({'met' if worst_national < 2 else 'NOT met'}, worst {worst_national:.2f} s)"
    )


if __name__ == "__main__":
    main()
