"""Workstream edits through het.loads: kept with who, when and the previous value; bad edits change nothing;
a revert is a change of its own; edits outlive a reload of the reference data; a KPI file that overwrites
what a workstream set, and the withdrawal of a KPI file, are in the history too."""

from __future__ import annotations

import pandas as pd
import pytest

from het.demo import DEMO_LOADED_BY
from het.ingest.kpis import read_kpis
from het.ingest.problems import ExtractRejected
from het.loads import (
    load_extract,
    reload_reference,
    revert_workstream_change,
    save_workstream_edits,
    withdraw_extract,
)
from het.store import Store

WS = "employment_skills_work"


@pytest.fixture
def store(demo_store_path, tmp_path):
    copy = tmp_path / "het.duckdb"
    copy.write_bytes(demo_store_path.read_bytes())
    with Store(copy) as opened:
        yield opened


def actions(store) -> pd.DataFrame:
    return store.query("workstream_actions", workstream_id=WS)


def history(store) -> pd.DataFrame:
    """The edits made by the test (the demonstration workbook's own edits left out)."""
    rows = store.query("workstream_edit_history", workstream_id=WS)
    return rows[rows["edited_by"] != DEMO_LOADED_BY].reset_index(drop=True)


def test_an_edit_is_kept_with_who_when_and_the_previous_value(store):
    edited = actions(store)
    first, was = edited["action_id"].iloc[0], edited["status"].iloc[0]
    edited.loc[0, ["status", "lead", "due"]] = ["at risk", "A. Person", "2029-03-31"]
    result = save_workstream_edits(store, "action", edited, workstream_id=WS, by="lead1")
    assert (result.n_fields, result.n_items) == (3, 1)
    now = actions(store).set_index("action_id").loc[first]
    assert (now["status"], now["lead"], now["due"]) == ("at risk", "A. Person", "2029-03-31")
    rows = history(store).set_index("field")
    assert rows.loc["status", "previous_value"] == was != "at risk"
    assert rows.loc["status", "new_value"] == "at risk"
    assert set(rows["edited_by"]) == {"lead1"} and set(rows["origin"]) == {"app"}
    assert rows["edited_at"].notna().all() and set(rows["item_id"]) == {first}
    # saving the same rows again changes nothing and records nothing
    assert (
        save_workstream_edits(store, "action", actions(store), workstream_id=WS, by="lead1").change_id is None
    )
    assert len(history(store)) == 3


def test_bad_edits_name_row_and_column_and_change_nothing(store):
    before_version, before = store.data_version(), actions(store)
    edited = before.copy()
    edited.loc[1, "status"] = "done"
    edited.loc[2, "due"] = "next week"
    edited.loc[3, "title"] = ""
    with pytest.raises(ExtractRejected) as caught:
        save_workstream_edits(store, "action", edited, workstream_id=WS, by="lead1")
    messages = [str(p) for p in caught.value.problems]
    assert any("row 2, column 'Status'" in m and "'done' is not a status" in m for m in messages)
    assert any("row 3, column 'Due'" in m and "'next week' is not a date" in m for m in messages)
    assert any("row 4, column 'Action'" in m and "cannot be empty" in m for m in messages)
    assert store.data_version() == before_version
    pd.testing.assert_frame_equal(actions(store), before)
    assert history(store).empty


def test_a_revert_sets_the_fields_back_as_a_change_of_its_own(store):
    edited = actions(store)
    was = edited["status"].iloc[0]
    edited.loc[0, "status"] = "off track"
    change = save_workstream_edits(store, "action", edited, workstream_id=WS, by="lead1").change_id
    undone = revert_workstream_change(store, change, by="analyst1")
    assert actions(store)["status"].iloc[0] == was
    rows = history(store)
    revert = rows[rows["change_id"] == undone.change_id].iloc[0]
    assert (revert["origin"], revert["reverts"], revert["edited_by"]) == ("revert", change, "analyst1")
    assert (revert["previous_value"], revert["new_value"]) == ("off track", was)
    assert rows.loc[rows["change_id"] == change, "reverted_by_change"].iloc[0] == undone.change_id
    with pytest.raises(
        ValueError, match=f"change {change} was already reverted by change {undone.change_id}"
    ):
        revert_workstream_change(store, change, by="analyst1")
    with pytest.raises(ValueError, match="there is no change 999"):
        revert_workstream_change(store, 999, by="analyst1")


def test_a_new_action_is_added_and_recorded(store):
    edited = pd.concat(
        [
            actions(store),
            pd.DataFrame([{"title": "Run a jobs fair", "status": "not started", "lead": "B. Person"}]),
        ],
        ignore_index=True,
    )
    result = save_workstream_edits(store, "action", edited, workstream_id=WS, by="lead1")
    now = actions(store)
    added = now[now["title"] == "Run a jobs fair"].iloc[0]
    assert added["status"] == "not started" and added["source"] == "edited in het"
    assert set(history(store)["item_id"]) == {added["action_id"]}
    with pytest.raises(ValueError, match="added an action: it cannot be undone by a revert"):
        revert_workstream_change(store, result.change_id, by="lead1")


def test_a_kpi_target_needs_a_unit_and_a_year(store):
    with store.transaction() as cur:  # a KPI as a KPI extract would leave it
        cur.execute(
            "INSERT INTO kpis (kpi_id, workstream_id, name, unit, polarity, baseline, latest, source) "
            "VALUES ('k1', $ws, 'Residents in good work', '%', 'high is good', 60, 62, 'test')",
            {"ws": WS},
        )
    ws = WS
    edited = store.query("workstream_kpis", workstream_id=ws)
    edited.loc[0, ["target", "unit", "target_period"]] = [12.5, None, "20x0"]
    with pytest.raises(ExtractRejected) as caught:
        save_workstream_edits(store, "kpi", edited, workstream_id=ws, by="lead1")
    messages = " ".join(str(p) for p in caught.value.problems)
    assert "a target needs a unit" in messages and "'20x0' is not a year" in messages
    edited.loc[0, ["unit", "target_period"]] = ["%", "2030"]
    result = save_workstream_edits(store, "kpi", edited, workstream_id=ws, by="lead1")
    now = store.query("workstream_kpis", workstream_id=ws).iloc[0]
    assert (now["target"], now["target_period"], result.n_fields) == (12.5, "2030", 2)


def test_edits_outlive_a_reload_of_the_reference_data(store, geography_dir):
    edited = actions(store)
    first = edited["action_id"].iloc[0]
    edited.loc[0, "status"] = "complete"
    edited = pd.concat(
        [edited, pd.DataFrame([{"title": "Added in het", "status": "on track"}])], ignore_index=True
    )
    save_workstream_edits(store, "action", edited, workstream_id=WS, by="lead1")
    reload_reference(store, geography_dir=geography_dir)
    now = actions(store)
    assert now.set_index("action_id").loc[first, "status"] == "complete"
    assert (now["title"] == "Added in het").sum() == 1


def kpi_file(rows: list[dict]) -> bytes:
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8")


def test_a_kpi_file_that_overwrites_a_target_and_its_withdrawal_are_in_the_history(store):
    kpis = store.query("workstream_kpis", workstream_id=WS)
    assert len(kpis), "the demo store has demonstration KPIs for this workstream"
    kpi = kpis.iloc[0]
    demo_target = float(kpi["target"])
    edited = kpis.copy()
    edited.loc[0, "target"] = 99.0
    save_workstream_edits(store, "kpi", edited, workstream_id=WS, by="lead1")

    content = kpi_file(
        [
            {
                "measure": kpi["name"],
                "workstream": WS,
                "indicator_id": kpi["indicator_id"],
                "unit": kpi["unit"],
                "polarity": kpi["polarity"],
                "baseline": kpi["baseline"],
                "latest": kpi["latest"],
                "period": kpi["latest_period"],
                "target": 50.0,
                "target_period": "2030",
                "owner": "KPI file owner",
            }
        ]
    )
    parsed = read_kpis(
        content,
        file_name="kpis_2027.csv",
        workstreams=store.query("workstream_names"),
        indicators=store.query("indicator_catalogue"),
    )
    assert not parsed.problems.errors, [str(p) for p in parsed.problems.errors]
    loaded = load_extract(store, parsed, loaded_by="analyst1", source_kind="upload")
    rows = history(store)
    by_file = rows[(rows["origin"] == "kpi file") & (rows["item_id"] == kpi["kpi_id"])].set_index("field")
    assert by_file.at["target", "previous_value"] == "99" and by_file.at["target", "new_value"] == "50"
    assert by_file.at["target", "file_name"] == "kpis_2027.csv"
    assert by_file.at["target", "extract_id"] == loaded.extract_id

    # withdrawn: the KPI goes back to the newest other active file's row (the demonstration KPI file)
    withdraw_extract(store, loaded.extract_id, by_user="analyst1")
    now = store.query("workstream_kpis", workstream_id=WS).set_index("kpi_id").loc[kpi["kpi_id"]]
    assert now["target"] == demo_target and now["owner"] == kpi["owner"]
    rows = history(store)
    back = rows[(rows["origin"] == "withdrawal") & (rows["item_id"] == kpi["kpi_id"])].set_index("field")
    assert (
        back.at["target", "previous_value"] == "50" and float(back.at["target", "new_value"]) == demo_target
    )
    assert not store.meta("derived_error")
    assert store.meta("derived_version") == store.meta("observations_version")  # no statistics lag


def test_withdrawing_the_demo_removes_its_kpis_and_says_so_in_the_history(store):
    register = store.query("extract_register")
    demo_kpis = int(register.loc[register["format"] == "kpi", "extract_id"].iloc[0])
    before = store.query("workstream_kpis", workstream_id=None)
    assert len(before)
    withdraw_extract(store, demo_kpis, by_user="analyst1")
    assert store.query("workstream_kpis", workstream_id=None).empty
    rows = history(store)
    removed = rows[(rows["origin"] == "withdrawal") & (rows["field"] == "target")]
    assert set(removed["item_id"]) == set(before.loc[before["workstream_id"] == WS, "kpi_id"])
    assert removed["new_value"].isna().all()
