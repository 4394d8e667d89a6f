"""What changed since the last meeting, derived from the register: a load that revises a value and changes
its comparison with England is listed exactly; a later moment lists nothing; a withdrawal is a change too."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta

import pytest

from het.format import format_value
from het.ingest import read_extract
from het.loads import load_extract, withdraw_extract
from het.store import Store
from het.views.changes import what_changed
from tests.local_values import TIDY_HEADER

INDICATOR = "infant_mortality"


@pytest.fixture
def store(demo_store, tmp_path):
    demo_store.cursor().execute("CHECKPOINT")
    shutil.copyfile(demo_store.path, tmp_path / "het.duckdb")
    with Store(tmp_path / "het.duckdb") as copy:
        yield copy


def latest_luton(store: Store) -> dict:
    row = (
        store.cursor()
        .execute(
            "SELECT period_label, sex, age, value, lower_ci95, upper_ci95 FROM current_observations "
            "WHERE indicator_id = $i AND area_code = 'E06000032' AND breakdown = 'total' "
            "ORDER BY period_sort DESC LIMIT 1",
            {"i": INDICATOR},
        )
        .fetchone()
    )
    return dict(zip(["period", "sex", "age", "value", "lower", "upper"], row, strict=True))


def england_value(store: Store, period: str) -> float:
    return (
        store.cursor()
        .execute(
            "SELECT value FROM current_observations WHERE indicator_id = $i AND area_code = 'E92000001' "
            "AND breakdown = 'total' AND period_label = $p",
            {"i": INDICATOR, "p": period},
        )
        .fetchone()[0]
    )


def load_revision(store: Store, luton: dict, *, value: float, lower: float, upper: float) -> int:
    line = f"{INDICATOR},E06000032,{luton['period']},{luton['sex']},{luton['age']},total,,{value},{lower},{upper}\n"
    parsed = read_extract(
        (TIDY_HEADER + line).encode(),
        file_name="revision.csv",
        indicators=store.query("indicator_catalogue"),
        areas=store.query("area_list"),
        format="het_tidy",
    )
    assert not parsed.problems.errors, [str(p) for p in parsed.problems.errors]
    return load_extract(store, parsed, loaded_by="test", source_kind="cli").extract_id


def moment(store: Store) -> datetime:
    """The register's latest time, plus a little: 'now' as the register counts it."""
    latest = (
        store.cursor()
        .execute(
            "SELECT greatest((SELECT max(loaded_at) FROM extracts), "
            "coalesce((SELECT max(happened_at) FROM extract_events), TIMESTAMP '2000-01-01'))"
        )
        .fetchone()[0]
    )
    return latest + timedelta(milliseconds=1)


def test_a_revision_that_changes_a_comparison_is_listed_exactly(store):
    luton = latest_luton(store)
    england = england_value(store, luton["period"])
    before = what_changed(store, moment(store))
    assert before.empty and before.summary().startswith("Nothing has changed since")
    since = moment(store)
    # A revised value whose interval holds England's value: the comparison becomes 'similar'.
    revised = {
        "value": round(england + 0.1, 1),
        "lower": round(england - 1.0, 1),
        "upper": round(england + 1.2, 1),
    }
    extract = load_revision(store, luton, **revised)
    changes = what_changed(store, since)
    assert changes.new_data.empty and changes.withdrawn.empty
    meta = store.query("indicator_catalogue").set_index("indicator_id").loc[INDICATOR]
    unit, decimals = str(meta["unit"]), int(meta["decimals"])
    assert changes.revised.to_dict("records") == [
        {
            "Indicator": meta["name"],
            "Area": "Luton",
            "Period": luton["period"],
            "Sex": luton["sex"],
            "Age": luton["age"],
            "Group": "whole area",
            "Old value": format_value(luton["value"], unit=unit, decimals=decimals),
            "New value": format_value(revised["value"], unit=unit, decimals=decimals),
            "Extracts": changes.revised["Extracts"].iloc[0],
        }
    ]
    assert changes.revised["Extracts"].iloc[0].endswith(f"→ #{extract}")
    (row,) = changes.comparisons.to_dict("records")
    assert row["Indicator"] == meta["name"] and row["Now"] == f"similar ({luton['period']})"
    assert row["Then"] != row["Now"] and row["Then"].endswith(f"({luton['period']})")
    assert "1 revised value" in changes.summary() and "1 changed comparison" in changes.summary()
    # After the load, nothing has changed.
    assert what_changed(store, moment(store)).empty

    # Withdrawing the revision is a change too: the original value is back.
    after_load = moment(store)
    withdraw_extract(store, extract, by_user="test", note="wrong file")
    back = what_changed(store, after_load)
    (undone,) = back.revised.to_dict("records")
    assert undone["Old value"] == format_value(revised["value"], unit=unit, decimals=decimals)
    assert undone["New value"] == format_value(luton["value"], unit=unit, decimals=decimals)
    # Against the moment before the revision, the store is as it was.
    assert what_changed(store, since).revised.empty


def test_a_new_period_is_new_data(store):
    luton = latest_luton(store)
    since = moment(store)
    start = int(luton["period"][:4]) + 1
    later = {**luton, "period": f"{start} - {(start + 2) % 100:02d}"}
    load_revision(store, later, value=5.0, lower=4.0, upper=6.0)
    changes = what_changed(store, since)
    assert changes.revised.empty
    (row,) = changes.new_data.to_dict("records")
    assert row["New values"] == "1" and row["Periods"] == later["period"]
