"""The incremental refresh equals a full refresh exactly, after random sequences of loads and withdrawals."""

from __future__ import annotations

import io
import shutil
import time

import numpy as np
import pandas as pd
import pytest

from het.demo import demo_extract
from het.derived.gaps import DERIVED_TABLES
from het.derived.refresh import (
    Touched,
    plan_first_load,
    refresh,
    refresh_in_transaction,
    reporting,
    running,
    running_state,
)
from het.ingest import read_extract
from het.loads import load_extract, prepare_store, refresh_statistics, withdraw_extract
from het.store import Store
from tests.conftest import shared_geography_dir

TIDY_COLUMNS = [
    "indicator_id",
    "area_code",
    "period",
    "period_sort",
    "sex",
    "age",
    "breakdown",
    "category",
    "category_rank",
    "value",
    "lower_ci95",
    "upper_ci95",
    "count",
    "denominator",
]


@pytest.fixture
def store(demo_store_path, tmp_path):
    path = tmp_path / "het.duckdb"
    shutil.copy(demo_store_path, path)
    with Store(path) as opened:
        yield opened


@pytest.fixture
def empty_store(tmp_path):
    """A store with its reference data and no extract (`python -m het init --no-demo`)."""
    with Store(tmp_path / "empty.duckdb") as opened:
        prepare_store(opened, geography_dir=shared_geography_dir(), demo=False)
        yield opened


def planned_from_rows(store: Store, observations: pd.DataFrame) -> bool:
    """Whether a load of these rows would have its statistics planned from the rows themselves."""
    cur = store.cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        return plan_first_load(cur, observations) is not None
    finally:
        cur.execute("ROLLBACK")
        cur.close()


def derived_tables(cur) -> dict[str, pd.DataFrame]:
    """Every derived table without its version stamp, in a fixed row order."""
    out = {}
    for name in DERIVED_TABLES:
        frame = cur.execute(f"SELECT * EXCLUDE (data_version) FROM {name}").df()  # noqa: S608 - fixed names
        out[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return out


def full_refresh_tables(store: Store) -> dict[str, pd.DataFrame]:
    """What a full refresh would store now, computed in a transaction that is then rolled back."""
    cur = store.cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        refresh_in_transaction(cur, Touched.everything())
        return derived_tables(cur)
    finally:
        cur.execute("ROLLBACK")
        cur.close()


def assert_same(incremental: dict, full: dict, step: str) -> None:
    for name in DERIVED_TABLES:
        pd.testing.assert_frame_equal(
            incremental[name], full[name], check_exact=True, obj=f"{name} after {step}"
        )


def revision(store: Store, rng: np.random.Generator, *, n_slices: int) -> bytes:
    """A het tidy file revising (and sometimes dropping or adding periods of) random slices of the store."""
    current = store.cursor().execute("SELECT * FROM current_observations").df()
    slices = current[["indicator_id", "sex", "age"]].drop_duplicates()
    picked = slices.sample(n=min(n_slices, len(slices)), random_state=int(rng.integers(1 << 31)))
    rows = current.merge(picked, on=["indicator_id", "sex", "age"])
    areas = rows["area_code"].unique()
    # Some areas of the slices only (England, an authority, some wards, sometimes a whole ward set).
    keep = rng.choice(areas, size=max(1, int(len(areas) * rng.uniform(0.1, 0.7))), replace=False)
    rows = rows[rows["area_code"].isin(keep)].copy()
    rows = rows.sample(frac=rng.uniform(0.3, 1.0), random_state=int(rng.integers(1 << 31)))
    factor = rng.uniform(0.9, 1.1, size=len(rows))
    for column in ("value", "lower_ci95", "upper_ci95"):
        rows[column] = rows[column] * factor
    proportion = rows["indicator_id"].isin(
        store.query("indicator_catalogue").query("value_type == 'proportion'")["indicator_id"]
    )
    cap = rows["indicator_id"].map(store.query("indicator_catalogue").set_index("indicator_id")["multiplier"])
    for column in ("value", "lower_ci95", "upper_ci95"):
        rows.loc[proportion, column] = rows.loc[proportion, column].clip(upper=cap[proportion] * 0.999)
    rows = rows.assign(period=rows["period_label"], category=rows["category"].fillna(""))
    buffer = io.StringIO()
    rows[TIDY_COLUMNS].to_csv(buffer, index=False, float_format="%.9g")
    return buffer.getvalue().encode()


def load(store: Store, content: bytes, name: str) -> None:
    parsed = read_extract(
        content,
        file_name=name,
        indicators=store.query("indicator_catalogue"),
        areas=store.query("area_list"),
        format="het_tidy",
    )
    assert not parsed.problems.errors, parsed.problems.errors[:3]
    result = load_extract(store, parsed, loaded_by="test", source_kind="cli")
    assert result.derived_error is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_refresh_equals_a_full_refresh_over_random_loads_and_withdrawals(store, seed):
    rng = np.random.default_rng(seed)
    assert_same(derived_tables(store.cursor()), full_refresh_tables(store), "the demo load")
    for step in range(6):
        active = store.query("extract_register").query("status == 'active'")
        if step > 0 and len(active) > 1 and rng.uniform() < 0.4:
            extract_id = int(rng.choice(active["extract_id"].to_numpy()))
            withdraw_extract(store, extract_id, by_user="test")
            what = f"withdrawing extract {extract_id}"
        else:
            load(store, revision(store, rng, n_slices=int(rng.integers(1, 4))), f"rev{seed}_{step}.csv")
            what = f"load {step}"
        assert_same(derived_tables(store.cursor()), full_refresh_tables(store), what)


@pytest.mark.parametrize("order", ["an indicator at a time", "mixed"])
def test_a_first_load_is_computed_from_its_rows_and_equals_a_full_refresh(empty_store, order):
    """The first rows of their indicators have their statistics computed from the rows while they are
    written: the same statistics a full refresh computes from the store, whether each indicator's rows
    come together (each batch a slice of the rows) or mixed up (taken row by row). Later loads of the
    same indicators are refreshed from the store, and stay equal to a full refresh too."""
    store = empty_store
    parsed = demo_extract(store)
    rows = parsed.observations
    if order == "mixed":
        rows = rows.sample(frac=1, random_state=3)
    else:
        rows = rows.sort_values("indicator_id", kind="stable")
    parsed.observations = rows.reset_index(drop=True)
    runs = (parsed.observations["indicator_id"] != parsed.observations["indicator_id"].shift()).sum()
    assert runs > 1000 if order == "mixed" else runs == parsed.observations["indicator_id"].nunique()
    assert planned_from_rows(store, parsed.observations)
    result = load_extract(store, parsed, loaded_by="test", source_kind="cli")
    assert result.derived_error is None and result.rows_loaded > 1000
    assert len(store.cursor().execute("SELECT * FROM gap_results").df()) > 0
    assert_same(derived_tables(store.cursor()), full_refresh_tables(store), "the first load")
    assert store.meta("derived_version") == store.meta("observations_version")

    rng = np.random.default_rng(7)
    content = revision(store, rng, n_slices=2)
    again = read_extract(
        content,
        file_name="rev.csv",
        indicators=store.query("indicator_catalogue"),
        areas=store.query("area_list"),
        format="het_tidy",
    )
    assert not planned_from_rows(store, again.observations)  # the store holds these indicators now
    load(store, content, "rev.csv")
    assert_same(derived_tables(store.cursor()), full_refresh_tables(store), "a revision after it")
    first = int(store.query("extract_register").query("file_name == @parsed.file_name")["extract_id"].iloc[0])
    withdraw_extract(store, first, by_user="test")
    assert_same(derived_tables(store.cursor()), full_refresh_tables(store), "withdrawing the first load")


@pytest.mark.parametrize("fails_after", [0, 12])
def test_a_first_load_whose_statistics_fail_still_commits_its_rows(empty_store, monkeypatch, fails_after):
    """A failure computing a first load's statistics beside the write is reported, and the rows stay;
    the statistics of the batches computed before it, written meanwhile, go again (a full refresh,
    the next, computes them all)."""
    import het.derived.refresh

    real, calls = het.derived.refresh.compute_derived, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) > fails_after:
            time.sleep(0.3)  # the earlier batches' results are written meanwhile
            raise RuntimeError("simulated failure in the statistics")
        return real(*args, **kwargs)

    monkeypatch.setattr(het.derived.refresh, "compute_derived", failing)
    monkeypatch.setattr(het.derived.refresh, "BATCH_KEYS", 1)  # an indicator per batch: many batches
    store = empty_store
    parsed = demo_extract(store)
    assert planned_from_rows(store, parsed.observations)
    rows = len(parsed.observations)
    result = load_extract(store, parsed, loaded_by="test", source_kind="cli")
    assert len(calls) == fails_after + 1
    assert result.derived_error == "RuntimeError: simulated failure in the statistics"
    assert store.meta("derived_error") == result.derived_error
    assert store.cursor().execute("SELECT count(*) FROM observations").fetchall()[0][0] == rows
    for name in DERIVED_TABLES:
        assert store.cursor().execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] == 0, name
    monkeypatch.undo()
    refresh_statistics(store)  # the next refresh is a full one, and mends it
    assert store.meta("derived_error") == ""
    assert_same(derived_tables(store.cursor()), full_refresh_tables(store), "the mended refresh")


def test_a_load_touches_only_its_slices(store):
    """A revision of one indicator's Luton total leaves every other indicator's rows as they were."""
    before = derived_tables(store.cursor())
    version_before = int(store.meta("derived_version"))
    current = (
        store.cursor()
        .execute(
            "SELECT * FROM current_observations WHERE indicator_id = 'smoking_adults' AND area_code = 'E06000032' "
            "AND breakdown = 'total'"
        )
        .df()
    )
    rows = current.assign(value=current["value"] + 0.5, period=current["period_label"], category="")
    buffer = io.StringIO()
    rows[TIDY_COLUMNS].to_csv(buffer, index=False)
    load(store, buffer.getvalue().encode(), "smoking.csv")
    stamps = (
        store.cursor()
        .execute("SELECT indicator_id, area_code, max(data_version) FROM benchmark_results GROUP BY ALL")
        .df()
    )
    touched = stamps[stamps["max(data_version)"] > version_before]
    assert set(touched["indicator_id"]) == {"smoking_adults"}
    # Luton and its wards (benchmarked against Luton) were recomputed; England and the comparators were not.
    assert "E06000032" in set(touched["area_code"]) and "E92000001" not in set(touched["area_code"])
    after = derived_tables(store.cursor())
    others = {name: frame[frame["indicator_id"] != "smoking_adults"] for name, frame in before.items()}
    for name in DERIVED_TABLES:
        kept = after[name][after[name]["indicator_id"] != "smoking_adults"].reset_index(drop=True)
        pd.testing.assert_frame_equal(kept, others[name].reset_index(drop=True), check_exact=True)


def test_a_failed_refresh_is_recorded_and_the_next_one_is_full(store, monkeypatch):
    import het.derived.refresh as refresh_module

    real = refresh_module.compute_derived

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    threads = "SELECT current_setting('threads')"
    before = store.cursor().execute(threads).fetchone()[0]
    monkeypatch.setattr(refresh_module, "compute_derived", broken)
    outcome = refresh(store, Touched.everything())
    assert outcome.error == "RuntimeError: simulated failure"
    assert store.meta("derived_error") == outcome.error
    # The refresh reads on one DuckDB thread while it computes: the setting is put back even after a failure.
    assert store.cursor().execute(threads).fetchone()[0] == before
    monkeypatch.setattr(refresh_module, "compute_derived", real)
    rng = np.random.default_rng(7)
    load(store, revision(store, rng, n_slices=1), "after_failure.csv")
    assert store.meta("derived_error") == ""
    assert_same(derived_tables(store.cursor()), full_refresh_tables(store), "the load after a failure")


def test_readers_never_see_new_values_beside_old_gaps(store):
    """The load and its statistics commit together: while the refresh runs, another reader still sees the
    old values with the old gaps (and a notice that statistics are being updated); afterwards, both new."""
    reader = store.cursor()
    count_new = "SELECT count(*) FROM current_observations WHERE period_label = '2031'"
    seen = []

    def look(done, total, _indicators):
        values = reader.execute(count_new).fetchall()[0][0]
        derived = reader.execute("SELECT value FROM meta WHERE key = 'derived_version'").fetchall()[0][0]
        observed = reader.execute("SELECT value FROM meta WHERE key = 'observations_version'").fetchall()[0][
            0
        ]
        seen.append((values, derived == observed, running_state(store) is not None))

    parsed = read_extract(
        b"indicator_id,area_code,period,sex,age,breakdown,category,value,lower_ci95,upper_ci95\n"
        b"smoking_adults,E06000032,2031,Persons,18+ yrs,total,,12.0,10.5,13.5\n",
        file_name="future.csv",
        indicators=store.query("indicator_catalogue"),
        areas=store.query("area_list"),
        format="het_tidy",
    )
    load_extract(store, parsed, loaded_by="test", source_kind="cli", progress=look)
    assert seen and all(s == (0, True, True) for s in seen), seen
    assert reader.execute(count_new).fetchall()[0][0] == 1
    assert store.meta("derived_version") == store.meta("observations_version")
    assert running_state(store) is None


def test_progress_is_recorded_at_every_batch_and_cleared_when_the_refresh_ends(store):
    """How far a refresh is lives in the process's memory: each batch updates it, the page that started
    the refresh hears each one, and nothing is left once the refresh ends."""
    heard = []
    with running(store):
        report = reporting(store, lambda done, total, label: heard.append(done))
        for done in range(1, 6):
            report(done, 5, f"indicator {done}")
            recorded = running_state(store)
            assert (recorded["done"], recorded["total"], recorded["indicators"]) == (
                done,
                5,
                f"indicator {done}",
            )
    assert heard == [1, 2, 3, 4, 5]
    assert running_state(store) is None


def test_the_engine_inputs_come_sorted_as_the_engine_needs(store):
    """queries/gap_inputs.sql sorts in DuckDB what pandas would sort: text by code point, missing last."""
    from het.derived.refresh import INPUT_ORDER, _inputs
    from het.store import read_query

    cur = store.cursor()
    targets = cur.execute(read_query("all_observation_keys")).df()
    inputs = _inputs(cur, targets)
    assert len(inputs) > 1000
    resorted = inputs.sort_values(INPUT_ORDER, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(inputs, resorted)


def test_the_engine_inputs_are_the_current_observations_after_revisions_and_withdrawals(store):
    """gap_inputs skips the newest-extract-wins ranking for indicators held by one extract; where extracts
    overlap, it still takes each row from the newest active one, as current_observations does."""
    from het.derived.refresh import _inputs
    from het.store import read_query

    rng = np.random.default_rng(11)
    for step in range(3):
        load(store, revision(store, rng, n_slices=2), f"layer{step}.csv")
    first = int(store.query("extract_register").query("status == 'active'")["extract_id"].max())
    withdraw_extract(store, first, by_user="test")
    cur = store.cursor()
    layered = cur.execute(
        "SELECT indicator_id FROM observations JOIN extracts USING (extract_id) WHERE status = 'active' "
        "GROUP BY indicator_id HAVING count(DISTINCT extract_id) > 1"
    ).fetchall()
    assert layered, "the revisions should leave some indicator in more than one active extract"
    targets = cur.execute(read_query("all_observation_keys")).df()
    key = ["indicator_id", "area_code", "period_sort", "sex", "age", "breakdown", "category"]
    got = _inputs(cur, targets)[[*key, "value"]].astype({c: object for c in key if c != "period_sort"})
    want = cur.execute(
        "SELECT indicator_id, area_code, period_sort, sex, age, breakdown, category, value FROM current_observations"
    ).df()
    order = lambda f: f.sort_values(key).reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(order(got), order(want), check_dtype=False)


def test_the_engine_inputs_carry_their_indicator_and_area_columns_as_joins_in_duckdb_would(store):
    """The refresh adds each row's indicator and area columns from two small lookups read once, not by
    joining them onto every row: the result must be what an inner join on the indicator and left joins
    on the area and the ward's deprivation give, including a row of an indicator the catalogue lacks (left
    out), an area het does not know (its columns missing) and a ward that is only in ward_deprivation."""
    from het.derived.refresh import inputs_for_keys
    from het.store import read_query

    cur = store.cursor()
    row = cur.execute("SELECT * FROM observations LIMIT 1").df()
    ward = cur.execute("SELECT * FROM ward_deprivation LIMIT 1").df()
    cur.execute("DELETE FROM areas WHERE area_code = $code", {"code": str(ward["ward_code"].iloc[0])})
    strays = pd.concat(
        [
            row.assign(indicator_id="not_in_the_catalogue", period_sort=19000000),
            row.assign(area_code="E99999999", period_sort=19000000),
            row.assign(area_code=str(ward["ward_code"].iloc[0]), period_sort=19000000),
        ],
        ignore_index=True,
    )
    cur.register("strays", strays)
    cur.execute("INSERT INTO observations SELECT * FROM strays")
    keys = cur.execute(read_query("all_observation_keys")).df()
    got = inputs_for_keys(cur, keys)
    want = cur.execute(
        "SELECT o.indicator_id, o.area_code, o.period_sort, o.period_label, o.sex, o.age, o.breakdown, "
        "o.category, o.category_rank, o.value, o.lower_ci95, o.upper_ci95, o.lower_ci998, o.upper_ci998, "
        "o.count, o.denominator, i.polarity, i.value_type, i.multiplier, i.periodicity, i.sii_transform, "
        "a.area_type, a.vintage, a.parent_code, a.area_name, d.imd_rank_local, d.population AS ward_population, "
        "d.population_source AS ward_population_source "
        "FROM current_observations AS o JOIN indicators AS i USING (indicator_id) "
        "LEFT JOIN areas AS a USING (area_code) LEFT JOIN ward_deprivation AS d ON d.ward_code = o.area_code"
    ).df()
    assert list(got.columns) == list(want.columns)
    assert "not_in_the_catalogue" not in set(got["indicator_id"].astype(object))
    unknown = got[got["area_code"].astype(object) == "E99999999"]
    assert len(unknown) == 1 and unknown["area_type"].isna().all()
    only_ranked = got[got["area_code"].astype(object) == str(ward["ward_code"].iloc[0])]
    assert only_ranked["area_type"].isna().all() and only_ranked["imd_rank_local"].notna().all()
    key = ["indicator_id", "area_code", "sex", "age", "breakdown", "category", "period_sort"]

    def order(frame: pd.DataFrame) -> pd.DataFrame:
        text = {c: object for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)}
        return frame.astype(text).sort_values(key).reset_index(drop=True)

    pd.testing.assert_frame_equal(order(got), order(want), check_dtype=False)
