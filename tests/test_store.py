"""The store: ordered, idempotent migrations; the current-values view; the data version; withdrawal."""

import subprocess
import sys
from datetime import date

import duckdb
import pandas as pd
import pytest

from het.ingest import read_extract
from het.ingest.problems import ExtractRejected
from het.loads import load_extract, withdraw_extract
from het.store import Store, schema_files

INDICATORS = pd.DataFrame({"indicator_id": ["smoking"], "periodicity": ["calendar"]})
AREAS = pd.DataFrame(
    {
        "area_code": ["E06000032", "E92000001", "E05002193", "E05014735"],
        "area_type": ["local authority", "country", "ward", "ward"],
        "vintage": [None, None, "WD13", "WD23"],
        "in_force_from": [None, None, None, date(2023, 5, 4)],
        "in_force_until": [None, None, date(2023, 5, 4), None],
    }
)
HEADER = "indicator_id,area_code,period,sex,age,breakdown,category,value,lower_ci95,upper_ci95\n"


def tidy(rows: str, name: str = "a.csv"):
    return read_extract(
        format="het_tidy",
        content=(HEADER + rows).encode(),
        file_name=name,
        indicators=INDICATORS,
        areas=AREAS,
    )


def load(store, rows, name="a.csv"):
    return load_extract(store, tidy(rows, name), loaded_by="test", source_kind="cli")


def current(store) -> pd.DataFrame:
    cur = store.cursor()
    return cur.execute(
        "SELECT area_code, period_label, value, extract_id FROM current_observations ORDER BY area_code, period_sort"
    ).df()


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "het.duckdb") as s:
        yield s


def test_migrations_apply_in_order_once(tmp_path):
    path = tmp_path / "het.duckdb"
    with Store(path) as store:
        applied = store.cursor().execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
        assert [v for (v,) in applied] == [n for n, _, _ in schema_files()]
        assert store.migrate() == []  # idempotent: nothing left to apply
    with Store(path) as store:  # reopening applies nothing twice
        count = store.cursor().execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
        assert count == len(schema_files())


def test_schema_has_the_issue_tables(store):
    names = set(store.table_counts()["table_name"])
    for table in [
        "principles",
        "indicators",
        "areas",
        "ward_deprivation",
        "populations",
        "extracts",
        "observations",
        "current_observations",
        "workstreams",
        "logic_model_items",
        "kpis",
        "actions",
        "prize_projects",
    ]:
        assert table in names


def test_data_version_changes_with_each_commit_and_not_on_rollback(store):
    start = store.data_version()
    load(store, "smoking,E06000032,2019,Persons,18+ yrs,total,,15.1,13.0,17.2\n")
    after_load = store.data_version()
    assert after_load == start + 1  # the load and its gap refresh commit together, as one version
    with pytest.raises(RuntimeError), store.transaction() as cur:
        cur.execute("INSERT INTO meta VALUES ('x', 'y')")
        raise RuntimeError("boom")
    assert store.data_version() == after_load
    assert store.meta("x") is None


def test_data_version_read_once_is_still_current_after_any_store_on_the_file_commits(tmp_path):
    # The version is remembered between reads (pages ask for it many times a view): a commit through
    # another Store object on the same file, in this process, must still show at once.
    path = tmp_path / "het.duckdb"
    first = Store(path)
    second = Store(path)
    before = first.data_version()
    assert second.data_version() == before
    with second.transaction():
        pass
    assert first.data_version() == before + 1
    assert second.data_version() == before + 1
    with first.transaction(bump_version=False) as cur:
        cur.execute("UPDATE meta SET value = '41' WHERE key = 'data_version'")
    assert second.data_version() == 41  # read from the file again, not remembered from before
    first.close()
    second.close()
    reopened = Store(path)
    assert reopened.data_version() == 41
    reopened.close()


def test_newest_active_extract_wins_and_withdrawal_restores(store):
    a = load(
        store,
        "smoking,E06000032,2019,Persons,18+ yrs,total,,15.1,13.0,17.2\n"
        "smoking,E06000032,2020,Persons,18+ yrs,total,,14.0,12.0,16.0\n",
        "a.csv",
    )
    b = load(
        store,
        "smoking,E06000032,2020,Persons,18+ yrs,total,,13.5,11.5,15.5\n"
        "smoking,E06000032,2021,Persons,18+ yrs,total,,13.0,11.0,15.0\n",
        "b.csv",
    )
    assert (b.rows_new, b.rows_revised, b.rows_unchanged) == (1, 1, 0)
    now = current(store)
    assert now["value"].tolist() == [15.1, 13.5, 13.0]
    assert now["extract_id"].tolist() == [a.extract_id, b.extract_id, b.extract_id]

    withdraw_extract(store, b.extract_id, by_user="analyst")
    assert current(store)["value"].tolist() == [15.1, 14.0]
    total = store.cursor().execute("SELECT count(*) FROM observations").fetchone()[0]
    assert total == 4  # nothing deleted
    events = store.query("extract_register").set_index("extract_id")
    assert events.loc[b.extract_id, "status"] == "withdrawn"
    assert events.loc[b.extract_id, "withdrawn_by"] == "analyst"
    with pytest.raises(ValueError, match="not an active extract"):
        withdraw_extract(store, b.extract_id, by_user="analyst")


def test_current_observations_of_some_indicators_agrees_with_the_view(store):
    """The macro the extract comparisons use ranks only the named indicators' rows, by the view's rule."""
    indicators = pd.DataFrame({"indicator_id": ["smoking", "obesity"], "periodicity": ["calendar"] * 2})

    def extract(rows, name):
        content = (HEADER + rows).encode()
        parsed = read_extract(
            format="het_tidy", content=content, file_name=name, indicators=indicators, areas=AREAS
        )
        return load_extract(store, parsed, loaded_by="test", source_kind="cli")

    extract(
        "smoking,E06000032,2019,Persons,18+ yrs,total,,15.1,13.0,17.2\n"
        "obesity,E06000032,2019,Persons,18+ yrs,total,,25.0,23.0,27.0\n",
        "a.csv",
    )
    b = extract(
        "smoking,E06000032,2019,Persons,18+ yrs,total,,14.0,12.0,16.0\n"
        "obesity,E06000032,2020,Persons,18+ yrs,total,,24.0,22.0,26.0\n",
        "b.csv",
    )
    extract("smoking,E06000032,2020,Persons,18+ yrs,total,,13.0,11.0,15.0\n", "c.csv")
    withdraw_extract(store, b.extract_id, by_user="analyst")
    cur = store.cursor()
    order = "ORDER BY indicator_id, area_code, period_sort"
    for wanted in (["smoking"], ["obesity"], ["smoking", "obesity"], ["other"]):
        view = cur.execute(
            f"SELECT * FROM current_observations WHERE list_contains($ids, indicator_id) {order}",
            {"ids": wanted},
        ).df()
        macro = cur.execute(f"SELECT * FROM current_observations_of($ids) {order}", {"ids": wanted}).df()
        pd.testing.assert_frame_equal(macro, view)
    smoking = cur.execute(f"SELECT value FROM current_observations_of(['smoking']) {order}").fetchall()
    assert smoking == [(15.1,), (13.0,)]  # b withdrawn: a's 2019 value is current again


def test_same_file_twice_is_not_double_counted(store):
    rows = "smoking,E06000032,2019,Persons,18+ yrs,total,,15.1,13.0,17.2\n"
    first = load(store, rows)
    again = load(store, rows, "renamed.csv")
    assert again.already_loaded and again.extract_id == first.extract_id
    assert store.cursor().execute("SELECT count(*) FROM observations").fetchone()[0] == 1


def test_rejected_extract_leaves_store_exactly_as_it_was(store):
    load(store, "smoking,E06000032,2019,Persons,18+ yrs,total,,15.1,13.0,17.2\n")
    before = store.content_checksum()
    bad = tidy("smoking,E06000032,2020,Persons,18+ yrs,total,,abc,13.0,17.2\n", "bad.csv")
    with pytest.raises(ExtractRejected, match=r"bad.csv, row 2, column 'value': 'abc' is not a number"):
        load_extract(store, bad, loaded_by="test", source_kind="cli")
    assert store.content_checksum() == before


def test_ward_set_must_match_period(store):
    parsed = tidy("smoking,E05002193,2024,Persons,18+ yrs,total,,15.1,13.0,17.2\n", "wards.csv")
    messages = [str(p) for p in parsed.problems.errors]
    assert messages == [
        "wards.csv, row 2, column 'area_code': ward E05002193 belongs to ward set WD13, but period '2024' "
        "falls under WD23 (the authority's wards changed on 4 May 2023)"
    ]
    ok = tidy("smoking,E05014735,2024,Persons,18+ yrs,total,,15.1,13.0,17.2\n")
    assert not ok.problems.errors


def test_second_process_writer_is_refused_clearly(tmp_path):
    path = tmp_path / "held.duckdb"
    Store(path).close()
    holder = duckdb.connect(str(path))  # stands in for the running app in another process
    try:
        code = f"from het.store import Store\nStore({str(path)!r})"
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=".")
        assert result.returncode != 0
        assert "is in use by another process" in result.stderr
    finally:
        holder.close()
