"""The Workstreams pages under AppTest: the overview, a workstream's logic model, actions and KPIs, an edit
by a signed-in lead (and its history and undoing), the refusal for a viewer and a signed-out user, and the
accountability page."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from het.auth import add_user
from het.store import ROOT

APP = str(ROOT / "app.py")
ESW = "employment_skills_work"


def open_page(path: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page(path)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def can_edit(at: AppTest) -> bool:
    """The actions editor's Save button is there (AppTest shows a data editor as a dataframe)."""
    return any(b.key == f"save_actions_{ESW}" for b in at.button)


def sign_in(at: AppTest, name: str) -> AppTest:
    at.sidebar.text_input(key="sign_in_name").input(name)
    at.sidebar.text_input(key="sign_in_password").input("a-long-password")
    at.sidebar.button[0].click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def lead_accounts(accounts):
    add_user("lena", "a-long-password", role="lead", path=accounts)
    return accounts


def test_the_overview_shows_every_workstream_at_a_glance(app_env, demo_store):
    at = open_page("pages/workstreams.py")
    assert at.title[0].value == "Are the workstreams delivering?"
    table = at.dataframe[0].value.set_index("Workstream")
    n = demo_store.cursor().execute("SELECT count(*) FROM workstreams").fetchone()[0]
    assert len(table) == n
    # the demonstration workbook gives the town's five actions a status each
    assert table.loc["Employment, Skills and Work", "Actions"] == (
        "1 not started · 1 on track · 1 at risk · 1 off track · 1 complete"
    )
    assert table.loc["Employment, Skills and Work", "Chair"] == "not yet recorded"
    kpis = table.loc["Employment, Skills and Work", "KPIs"]
    assert kpis != "none recorded" and ("on track" in kpis or "off track" in kpis)


def test_a_workstream_page_shows_its_logic_model_kpis_and_read_only_actions_when_signed_out(
    store_copy, lead_accounts
):
    at = open_page("pages/workstream.py", workstream=ESW)
    assert at.title[0].value == "What is Employment, Skills and Work doing, and is it working?"
    assert any("logic_pick" in c.proto.spec for c in at.get("vega_lite_chart"))  # the clickable logic model
    items = next(df.value for df in at.dataframe if "Measured by" in df.value.columns)  # its card's table
    assert items["Item"].str.contains("Good Business Charter").any()
    assert set(items["Stage"]) == {"inputs", "activities", "outputs", "outcomes", "impact"}
    assert not can_edit(at)  # no edit controls for a signed-out user
    assert any("Sign in as a workstream lead" in c.value for c in at.caption)
    kpis = next(df.value for df in at.dataframe if "Verdict" in df.value.columns)
    assert len(kpis) >= 1 and kpis["Values from"].str.startswith("the loaded data for").all()


def test_a_viewer_sees_no_edit_controls(store_copy, lead_accounts):
    at = sign_in(open_page("pages/workstream.py", workstream=ESW), "victor")
    assert not can_edit(at)
    assert any("victor can view this workstream but not edit it" in c.value for c in at.caption)


def test_a_lead_edits_an_action_sees_it_in_the_history_and_can_undo_it(store_copy, lead_accounts):
    at = sign_in(open_page("pages/workstream.py", workstream=ESW), "lena")
    assert can_edit(at), "a lead sees the actions editor"
    key = f"actions_editor_{ESW}"
    at.session_state[key] = {
        "edited_rows": {"0": {"status": "at risk"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key=f"save_actions_{ESW}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("Saved change") for s in at.success)
    history = next(df.value for df in at.dataframe if "Undone by change" in df.value.columns)
    row = history.iloc[0]
    assert (row["Who"], row["Field"], row["From"], row["To"], row["How"]) == (
        "lena",
        "status",
        "on track",  # as the demonstration workbook left it
        "at risk",
        "edited in het",
    )
    at.button(key="ws_revert").click().run()
    assert not at.exception, [e.value for e in at.exception]
    history = next(df.value for df in at.dataframe if "Undone by change" in df.value.columns)
    assert history.iloc[0]["How"] == "undo" and history.iloc[0]["To"] == "on track"


def test_a_bad_edit_says_where_and_saves_nothing(store_copy, lead_accounts):
    at = sign_in(open_page("pages/workstream.py", workstream=ESW), "lena")
    key = f"actions_editor_{ESW}"
    at.session_state[key] = {"edited_rows": {"1": {"title": ""}}, "added_rows": [], "deleted_rows": []}
    at.button(key=f"save_actions_{ESW}").click().run()
    assert any("Nothing was saved" in e.value and "row 2, column 'Action'" in e.value for e in at.error)
    history = next(df.value for df in at.dataframe if "Undone by change" in df.value.columns)
    assert "lena" not in set(history["Who"])  # only the demonstration workbook's changes


def test_accountability_lists_every_item_with_its_owner_and_what_needs_attention(app_env, demo_store):
    at = open_page("pages/accountability.py")
    assert at.title[0].value == "Who owns what?"
    table = at.dataframe[0].value
    cur = demo_store.cursor()
    expected = sum(
        cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("actions", "kpis", "logic_model_items")
    )  # noqa: S608
    assert len(table) == expected
    actions = table[table["Kind"] == "action"].set_index("Status")
    # the demonstration workbook names an owner for each (the town's material names none)
    assert not actions["Needs attention"].str.contains("no owner").any()
    assert actions["Owner"].str.startswith("Demonstration owner").all()
    assert "no update for 90 days" in actions.at["off track", "Needs attention"]  # updated 2025-11-28
    assert actions.at["complete", "Needs attention"] == ""  # a complete action needs nothing
    at.toggle(key="acc_attention").set_value(True).run()
    assert len(at.dataframe[0].value) <= expected


def test_the_workbook_downloads_for_everyone_and_loads_back_only_for_editors(store_copy, lead_accounts):
    at = open_page("pages/workstream.py", workstream=ESW)
    assert any(b.key == f"workbook_download_{ESW}" for b in at.get("download_button"))
    assert not at.get("file_uploader")
    assert any("to edit the workstream from a workbook" in c.value for c in at.caption)
    at = sign_in(at, "lena")
    assert at.get("file_uploader")


def test_a_lead_keeps_a_logic_model_item_current(store_copy, lead_accounts):
    at = sign_in(open_page("pages/workstream.py", workstream=ESW), "lena")
    key = f"logic_editor_{ESW}"
    at.session_state[key] = {
        "edited_rows": {"0": {"owner": "Public health team"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key=f"save_logic_{ESW}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    history = next(df.value for df in at.dataframe if "Undone by change" in df.value.columns)
    row = history.iloc[0]
    assert (row["Who"], row["Field"], row["From"], row["To"]) == (
        "lena",
        "owner",
        "Demonstration owner",
        "Public health team",
    )
    assert row["Item"].startswith("logic model item employment_skills_work:")
    from het.ui.data import get_store  # the app's own connection (same process)

    items = get_store().query("workstream_logic_items", workstream_id=ESW)
    assert (items["owner"] == "Public health team").sum() == 1


def test_a_lead_adds_a_logic_model_item_and_links_an_item_to_it(store_copy, lead_accounts):
    at = sign_in(open_page("pages/workstream.py", workstream=ESW), "lena")
    key = f"logic_editor_{ESW}"
    at.session_state[key] = {
        "edited_rows": {},
        "added_rows": [{"stage": "outputs", "text": "Employers signed up to the charter", "owner": "lena"}],
        "deleted_rows": [],
    }
    at.button(key=f"save_logic_{ESW}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("Saved change") for s in at.success)
    from het.ui.data import get_store  # the app's own connection (same process)

    items = get_store().query("workstream_logic_items", workstream_id=ESW).set_index("ref")
    assert items.at["outputs 2", "text"] == "Employers signed up to the charter"
    # the first activity (row 0 in stage order) now also leads to the new output; the diagram draws it
    first = items.index.get_loc("activities 1")
    at.session_state[key] = {
        "edited_rows": {str(first): {"leads_to": "outputs 1, outputs 2"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key=f"save_logic_{ESW}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    links = get_store().query("workstream_logic_links", workstream_id=ESW)
    assert f"{ESW}:outputs:2" in set(links.loc[links["from_item"] == f"{ESW}:activities:1", "to_item"])
    chart = next(c for c in at.get("vega_lite_chart") if "logic_pick" in c.proto.spec)
    drawn = pa.ipc.open_stream(chart.proto.data.data).read_all().to_pandas()  # the diagram's own rows
    assert "Employers signed up to the charter" in set(drawn["text"])
    arrows = drawn[drawn["from_item"].notna()]
    assert ((arrows["from_item"] == f"{ESW}:activities:1") & (arrows["to_item"] == f"{ESW}:outputs:2")).any()

    # a link backwards is refused with its row and column, and nothing changes
    at.session_state[key] = {
        "edited_rows": {str(first): {"leads_to": "inputs 1"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key=f"save_logic_{ESW}").click().run()
    assert any("column 'Leads to'" in e.value and "not at a later stage" in e.value for e in at.error)


def test_a_workstream_page_says_its_status_at_a_glance_under_its_title(store_copy, lead_accounts):
    at = open_page("pages/workstream.py", workstream=ESW)
    text = " ".join(m.value for m in at.markdown)
    assert "**Actions**" in text and "1 on track · 1 at risk" in text  # as the overview counts them
    assert re.search(r"\*\*Last update\*\*  \n\d{4}-\d{2}-\d{2}", text)  # a date, as on the overview
    assert re.search(r"\*\*No update for 90 days\*\*  \n\d+ open item", text)
