"""The workstream workbook round trip: export, import unchanged -> no changes; one cell edited -> exactly that
change previewed and committed; a bad workbook -> messages with sheet, row and column, and the store
unchanged; a loaded workbook is an extract (its file kept), withdrawn by setting its fields back; logic-model
items and their links are added and checked through the same sheets."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from het.demo import DEMO_LOADED_BY
from het.ingest.problems import ExtractRejected
from het.ingest.stored_files import original_file
from het.ingest.workbook import INSTRUCTIONS, SHEETS, read_workbook, write_workbook
from het.loads import commit_workbook, save_workstream_edits, withdraw_extract, workstream_items
from het.store import Store

WS = "employment_skills_work"


@pytest.fixture
def store(demo_store_path, tmp_path):
    copy = tmp_path / "het.duckdb"
    copy.write_bytes(demo_store_path.read_bytes())
    with Store(copy) as opened:
        yield opened


def exported(store) -> bytes:
    return write_workbook("Employment, Skills and Work", workstream_items(store, WS))


def edited_workbook(content: bytes, sheet: str, cell: str, value) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    wb[sheet][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def preview_of(store, content: bytes):
    return read_workbook(
        content,
        file_name="esw.xlsx",
        workstream_id=WS,
        current=workstream_items(store, WS),
        indicators=set(store.query("indicator_catalogue")["indicator_id"]),
    )


def test_the_workbook_has_instructions_and_one_sheet_per_table(store):
    wb = load_workbook(io.BytesIO(exported(store)))
    assert wb.sheetnames == [INSTRUCTIONS, *SHEETS.values()]
    assert [c.value for c in wb["Actions"][1]][:3] == ["Action id", "Action", "Owner"]
    assert wb["Actions"].max_row == 1 + len(workstream_items(store, WS)["action"])


def test_an_unchanged_workbook_imports_as_no_changes(store):
    content = exported(store)
    preview = preview_of(store, content)
    assert not preview.problems.errors, [str(p) for p in preview.problems.errors]
    assert preview.n_changes == 0
    version = store.data_version()
    assert (
        commit_workbook(store, preview, content=content, workstream_id=WS, by="lead1").message()
        == "No changes: nothing was saved."
    )
    assert store.data_version() == version


def test_one_edited_cell_is_exactly_one_change_previewed_and_committed(store):
    content = edited_workbook(exported(store), "Actions", "E2", "at risk")  # column E: Status, row 2
    preview = preview_of(store, content)
    table = preview.table()
    was = workstream_items(store, WS)["action"]["status"].iloc[0]
    assert was != "at risk"
    assert table[["Sheet", "Row", "Field", "From", "To"]].values.tolist() == [
        ["Actions", 2, "Status", was, "at risk"]
    ]
    result = commit_workbook(store, preview, content=content, workstream_id=WS, by="lead1")
    assert (result.n_fields, result.n_items) == (1, 1)
    history = mine(store)
    assert history[["field", "new_value", "origin", "edited_by"]].values.tolist() == [
        ["status", "at risk", "workbook", "lead1"]
    ]
    assert preview_of(store, content).n_changes == 0  # the same workbook again: nothing more to change


def test_a_bad_workbook_names_sheet_row_and_column_and_changes_nothing(store):
    content = edited_workbook(exported(store), "Actions", "E3", "done")
    content = edited_workbook(content, "Actions", "F4", "next week")  # column F: Due
    version, before = store.data_version(), workstream_items(store, WS)["action"]
    preview = preview_of(store, content)
    messages = [str(p) for p in preview.problems.errors]
    assert "esw.xlsx, sheet 'Actions', row 3, column 'Status': 'done' is not a status" in messages[0]
    assert any("sheet 'Actions', row 4, column 'Due': 'next week' is not a date" in m for m in messages)
    with pytest.raises(ExtractRejected):
        commit_workbook(store, preview, content=content, workstream_id=WS, by="lead1")
    assert store.data_version() == version
    assert workstream_items(store, WS)["action"].equals(before)


def test_a_workbook_without_its_sheets_or_headers_says_so(store):
    wb = load_workbook(io.BytesIO(exported(store)))
    wb["Actions"]["B1"] = "Title"  # a renamed header
    del wb["KPIs"]
    out = io.BytesIO()
    wb.save(out)
    messages = " ".join(str(p) for p in preview_of(store, out.getvalue()).problems.errors)
    assert "sheet 'Actions', column 'Action': this column is missing" in messages
    assert "KPIs" in messages  # the missing sheet is named


def mine(store):
    """The edit history of WS without the demonstration workbook's own edits."""
    rows = store.query("workstream_edit_history", workstream_id=WS)
    return rows[rows["edited_by"] != DEMO_LOADED_BY].reset_index(drop=True)


def cell_of(content: bytes, sheet: str, header: str, row: int) -> str:
    """The spreadsheet cell (e.g. 'E2') of a header's column at a row."""
    ws = load_workbook(io.BytesIO(content))[sheet]
    column = next(c.column_letter for c in ws[1] if c.value == header)
    return f"{column}{row}"


def test_a_loaded_workbook_is_an_extract_whose_withdrawal_sets_its_fields_back(store):
    content = exported(store)
    was = workstream_items(store, WS)["action"]["status"].iloc[0]
    content = edited_workbook(content, "Actions", cell_of(content, "Actions", "Status", 2), "at risk")
    content = edited_workbook(content, "Actions", cell_of(content, "Actions", "Owner", 3), "A named lead")
    result = commit_workbook(store, preview_of(store, content), content=content, workstream_id=WS, by="lead1")
    register = store.query("extract_register").set_index("extract_id")
    assert register.at[result.extract_id, "format"] == "workbook"
    assert register.at[result.extract_id, "status"] == "active"
    assert original_file(store, result.extract_id) == ("esw.xlsx", content)  # the very bytes, kept
    history = mine(store)
    assert set(history["extract_id"]) == {result.extract_id} and set(history["file_name"]) == {"esw.xlsx"}

    # someone changes the owner afterwards: withdrawing the workbook sets the status back, keeps that owner
    actions = workstream_items(store, WS)["action"]
    changed = actions.assign(lead=actions["lead"].where(actions["lead"] != "A named lead", "Someone else"))
    save_workstream_edits(
        store, "action", changed[["action_id", *TABLE_FIELDS]], workstream_id=WS, by="lead2"
    )
    withdraw_extract(store, result.extract_id, by_user="analyst1")
    after = workstream_items(store, WS)["action"]
    assert after["status"].iloc[0] == was  # back to the value before the workbook
    assert "Someone else" in set(after["lead"])  # changed since: stays, and the withdrawal says so
    assert (
        store.query("extract_register").set_index("extract_id").at[result.extract_id, "status"] == "withdrawn"
    )
    history = mine(store)
    back = history[history["origin"] == "withdrawal"]
    assert back[["field", "previous_value", "new_value"]].values.tolist() == [["status", "at risk", was]]
    note = store.query("extract_register").set_index("extract_id").at[result.extract_id, "withdrawal_note"]
    assert "Owner was changed since, so it stays 'Someone else'" in note


TABLE_FIELDS = ["title", "lead", "partner", "status", "due", "latest_update", "updated_on"]


def test_logic_model_items_and_links_are_added_and_checked_by_workbook(store):
    content = exported(store)
    ws = load_workbook(io.BytesIO(content))["Logic model"]
    headers = [c.value for c in ws[1]]
    rows = ws.max_row
    content = edited_workbook(content, "Logic model", f"A{rows + 1}", None)
    new_row = rows + 1
    for header, value in {"Stage": "outputs", "Item": "Demonstration output", "Owner": "A lead"}.items():
        content = edited_workbook(
            content, "Logic model", cell_of(content, "Logic model", header, new_row), value
        )
    # the first activity now leads straight to the outcome (a later stage, if not the next)
    activity_row = next(
        r for r in range(2, rows + 1) if ws.cell(r, headers.index("Stage") + 1).value == "activities"
    )
    leads = cell_of(content, "Logic model", "Leads to", activity_row)
    content = edited_workbook(content, "Logic model", leads, "outcomes 1")  # the demo's: outputs 1
    preview = preview_of(store, content)
    assert not preview.problems.errors, [str(p) for p in preview.problems.errors]
    commit_workbook(store, preview, content=content, workstream_id=WS, by="lead1")
    items = workstream_items(store, WS)["logic model item"].set_index("item_id")
    assert items.at[f"{WS}:outputs:2", "text"] == "Demonstration output"
    assert items.at[f"{WS}:activities:1", "leads_to"] == "outcomes 1"
    links = store.query("workstream_logic_links", workstream_id=WS)
    from_activity = links.loc[links["from_item"] == f"{WS}:activities:1", "to_item"]
    assert from_activity.tolist() == [f"{WS}:outcomes:1"]

    # a link to an item that does not exist, one backwards, and a changed stage: each named, nothing kept
    bad = edited_workbook(exported(store), "Logic model", leads, "outputs 9")
    impact_row = next(
        r for r in range(2, rows + 1) if ws.cell(r, headers.index("Stage") + 1).value == "impact"
    )
    bad = edited_workbook(bad, "Logic model", cell_of(bad, "Logic model", "Leads to", impact_row), "inputs 1")
    bad = edited_workbook(bad, "Logic model", cell_of(bad, "Logic model", "Stage", 2), "impact")
    messages = " ".join(str(p) for p in preview_of(store, bad).problems.errors)
    assert f"row {activity_row}, column 'Leads to': there is no item 'outputs 9'" in messages
    assert f"row {impact_row}, column 'Leads to': 'inputs 1' is not at a later stage than impact" in messages
    assert "row 2, column 'Stage': an item's stage cannot change" in messages

    # what measures an item must exist: an indicator of the catalogue, a KPI of this workstream
    bad = edited_workbook(
        exported(store), "Logic model", cell_of(bad, "Logic model", "Measured by indicator", 2), "no_such"
    )
    bad = edited_workbook(
        bad, "Logic model", cell_of(bad, "Logic model", "Measured by KPI", 3), "no_such_kpi"
    )
    messages = " ".join(str(p) for p in preview_of(store, bad).problems.errors)
    assert "row 2, column 'Measured by indicator': 'no_such' is not an indicator in the catalogue" in messages
    assert "row 3, column 'Measured by KPI': 'no_such_kpi' is not one of this workstream's KPIs" in messages


def test_text_that_looks_like_a_formula_is_written_as_text_and_reads_back_unchanged(store):
    """An update someone typed as "=HYPERLINK(...)" must reach the downloaded workbook as text, not a live
    formula (openpyxl would write it as one), and the workbook loaded back changes nothing."""
    typed = '=HYPERLINK("http://127.0.0.1:9/x","click")'
    actions = workstream_items(store, WS)["action"]
    edited = actions.assign(latest_update=[typed] + actions["latest_update"].iloc[1:].tolist())
    save_workstream_edits(store, "action", edited, workstream_id=WS, by="lead1")
    content = exported(store)
    cells = [cell for row in load_workbook(io.BytesIO(content))["Actions"].iter_rows() for cell in row]
    written = [cell for cell in cells if cell.value == typed]
    assert len(written) == 1 and written[0].data_type == "s"
    assert not [cell for cell in cells if cell.data_type == "f"]  # no formula anywhere
    assert preview_of(store, content).n_changes == 0
