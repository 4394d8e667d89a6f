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


def stored(store: Store, sql: str, indicator: str) -> dict:
    return {tuple(r[:-1]): r[-1] for r in store.cursor().execute(sql, {"i": indicator}).fetchall()}


TRENDS = (
    "SELECT sex, age, marker FROM trend_results WHERE indicator_id = $i AND area_code = 'E06000032' "
    "AND breakdown = 'total'"
)
VERDICTS = (
    "SELECT sex, age, dimension, breakdown, verdict FROM gap_trends WHERE indicator_id = $i "
    "AND area_code = 'E06000032'"
)


def test_trends_and_gap_verdicts_that_changed_are_the_gap_engines_then_and_now(store):
    """A revision of the latest five years (a steep rise overall, the most deprived falling behind the least)
    changes the authority's trend and its deprivation gap verdict: the page lists exactly the stored results
    that changed, before and after the load."""
    indicator = "attainment8"
    periods = [
        r[0]
        for r in store.cursor()
        .execute(
            "SELECT DISTINCT period_label, period_sort FROM current_observations WHERE indicator_id = $i "
            "AND area_code = 'E06000032' AND breakdown = 'total' ORDER BY period_sort DESC LIMIT 5",
            {"i": indicator},
        )
        .fetchall()
    ][::-1]
    trends_then, verdicts_then = stored(store, TRENDS, indicator), stored(store, VERDICTS, indicator)
    since = moment(store)
    lines = [
        "indicator_id,area_code,period,sex,age,breakdown,category,category_rank,value,lower_ci95,upper_ci95"
    ]
    for step, period in enumerate(periods):
        total = 40.0 + 3.0 * step
        lines.append(
            f"{indicator},E06000032,{period},Persons,15-16 yrs,total,,,{total},{total - 0.3},{total + 0.3}"
        )
        for rank, label in enumerate(
            ["Q1 (most deprived)", "Q2", "Q3", "Q4", "Q5 (least deprived)"], start=1
        ):
            value = 40.0 + (rank - 3) * (2.0 + 4.0 * step)  # the groups draw apart year by year
            lines.append(
                f"{indicator},E06000032,{period},Persons,15-16 yrs,deprivation_local_quintile,{label},{rank},"
                f"{value},{value - 0.5},{value + 0.5}"
            )
    parsed = read_extract(
        "\n".join(lines).encode() + b"\n",
        file_name="steep.csv",
        indicators=store.query("indicator_catalogue"),
        areas=store.query("area_list"),
        format="het_tidy",
    )
    assert not parsed.problems.errors, [str(p) for p in parsed.problems.errors]
    load_extract(store, parsed, loaded_by="test", source_kind="cli")
    trends_now, verdicts_now = stored(store, TRENDS, indicator), stored(store, VERDICTS, indicator)
    changed_trends = {
        k: (trends_then[k], v) for k, v in trends_now.items() if k in trends_then and trends_then[k] != v
    }
    changed_verdicts = {
        k: (verdicts_then[k], v)
        for k, v in verdicts_now.items()
        if k in verdicts_then and verdicts_then[k] != v
    }
    assert changed_trends and changed_verdicts  # the revision did change them

    changes = what_changed(store, since)
    name = store.query("indicator_catalogue").set_index("indicator_id").loc[indicator, "name"]
    assert set(changes.trends["Indicator"]) == {name} == set(changes.gaps["Indicator"])  # nothing else moved
    listed = changes.trends[changes.trends["Indicator"] == name]
    assert {(r.Sex, r.Age): (r.Then, r.Now) for r in listed.itertuples()} == changed_trends
    gaps = changes.gaps[changes.gaps["Indicator"] == name]
    assert len(gaps) == len(changed_verdicts)
    assert sorted(zip(gaps["Then"], gaps["Now"], strict=True)) == sorted(changed_verdicts.values())
    assert any(g.startswith("by deprivation quintile") for g in gaps["Gap"])
    assert "changed trend" in changes.summary() and "changed gap verdict" in changes.summary()
    assert what_changed(store, moment(store)).empty  # and after the load, nothing
