"""First start, reference reloads and the command line."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from het.cli import main
from het.loads import prepare_store, reload_reference, withdraw_extract
from het.store import ROOT, Store


@pytest.fixture
def embedded_store(tmp_path, monkeypatch):
    """A fresh store on the embedded geography (no pack), as a clone without shared data starts."""
    monkeypatch.delenv("HET_GEOGRAPHY_DIR", raising=False)
    with Store(tmp_path / "het.duckdb") as store:
        yield store


def count(store, table):
    return store.cursor().execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 (test-only)


def test_first_start_without_pack_uses_embedded_geography_and_builds_demo(embedded_store):
    done = prepare_store(embedded_store)
    assert done[0].startswith("loaded reference data (embedded ward summary")
    assert done[1].startswith("loaded the demonstration extract")
    assert count(embedded_store, "ward_deprivation") == 39
    assert count(embedded_store, "hex_layout") == 39
    assert count(embedded_store, "area_geometries") == 0  # boundaries only come with a pack
    assert count(embedded_store, "observations") > 10_000


def test_second_start_does_nothing_and_withdrawn_demo_stays_withdrawn(embedded_store):
    prepare_store(embedded_store)
    version = embedded_store.data_version()
    assert prepare_store(embedded_store) == []
    assert embedded_store.data_version() == version
    demo_id = int(embedded_store.query("extract_register")["extract_id"].iloc[0])
    withdraw_extract(embedded_store, demo_id, by_user="analyst")
    assert prepare_store(embedded_store) == []  # the analyst's withdrawal is respected
    assert count(embedded_store, "current_observations") == 0


def test_reference_reload_keeps_local_indicators(embedded_store):
    prepare_store(embedded_store, demo=False)
    embedded_store.cursor().execute(
        """INSERT INTO indicators (indicator_id, fingertips_id, name, short_name, principle_id, unit, value_type,
           multiplier, polarity, decimals, periodicity, sexes, age, headline, definition, source, jsna_topic,
           luton2040_priority, origin) VALUES ('local_x', NULL, 'Local measure', 'Local', 3, '%', 'proportion', 100,
           'high is good', 1, 'calendar', 'Persons', 'All ages', false, 'def', 'Luton BC', 'Living well',
           'Inclusive economy', 'local')"""
    )
    catalogue_size = count(embedded_store, "indicators")
    reload_reference(embedded_store)
    assert count(embedded_store, "indicators") == catalogue_size
    assert (
        embedded_store.cursor()
        .execute("SELECT name FROM indicators WHERE indicator_id = 'local_x'")
        .fetchone()
    )


def test_pack_and_embedded_geography_give_the_same_ward_deprivation(tmp_path, geography_dir, monkeypatch):
    monkeypatch.delenv("HET_GEOGRAPHY_DIR", raising=False)
    tables = {}
    for name, pack in [("embedded", None), ("pack", geography_dir)]:
        with Store(tmp_path / f"{name}.duckdb") as store:
            reload_reference(store, geography_dir=pack)
            tables[name] = (
                store.cursor()
                .execute(
                    "SELECT ward_code, round(imd_score, 3), local_quintile, round(population) FROM ward_deprivation "
                    "ORDER BY ward_code"
                )
                .fetchall()
            )
    assert tables["embedded"] == tables["pack"]


def test_geography_dir_is_remembered_for_the_next_start(tmp_path, geography_dir, monkeypatch):
    monkeypatch.delenv("HET_GEOGRAPHY_DIR", raising=False)
    path = tmp_path / "het.duckdb"
    assert main(["--db", str(path), "geography", "load", str(geography_dir)]) == 0
    with Store(path) as store:
        assert prepare_store(store, demo=False) == []  # no reload back to the embedded summary
        assert count(store, "area_geometries") > 0


def test_cli_status_prints_tables_counts_version_and_extracts(demo_store_path, capsys, tmp_path):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(demo_store_path.read_bytes())
    with Store(copy) as store:
        version = store.data_version()
    assert main(["--db", str(copy), "status"]) == 0
    out = capsys.readouterr().out
    assert f"data version: {version}" in out
    assert "observations" in out and "current_observations" in out
    assert "het-demo-extract.csv" in out and "active" in out


def test_cli_help_lists_commands():
    result = subprocess.run([sys.executable, "-m", "het", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0
    for command in ["init", "demo", "geography", "status", "extracts"]:
        assert command in result.stdout


def test_cli_refuses_clearly_when_the_store_is_held(tmp_path):
    path = tmp_path / "held.duckdb"
    Store(path).close()
    holder = duckdb.connect(str(path))  # stands in for the running app
    try:
        result = subprocess.run(
            [sys.executable, "-m", "het", "--db", str(path), "status"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    finally:
        holder.close()
    assert result.returncode == 3
    assert "is in use by another process (is the het app running?)" in result.stderr


def test_cli_reports_a_missing_pack(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "x.duckdb"), "geography", "load", str(tmp_path)]) == 1
    assert f"no geography.toml in {tmp_path}" in capsys.readouterr().err
