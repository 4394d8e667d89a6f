"""The workstream workbook round trip: export, import unchanged -> no changes; one cell edited -> exactly that
change previewed and committed; a bad workbook -> messages with sheet, row and column, and the store
unchanged."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from het.ingest.problems import ExtractRejected
from het.ingest.workbook import INSTRUCTIONS, SHEETS, read_workbook, write_workbook
from het.loads import commit_workbook, workstream_items
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
    return read_workbook(content, file_name="esw.xlsx", workstream_id=WS, current=workstream_items(store, WS))


def test_the_workbook_has_instructions_and_one_sheet_per_table(store):
    wb = load_workbook(io.BytesIO(exported(store)))
    assert wb.sheetnames == [INSTRUCTIONS, *SHEETS.values()]
    assert [c.value for c in wb["Actions"][1]][:3] == ["Action id", "Action", "Owner"]
    assert wb["Actions"].max_row == 1 + len(workstream_items(store, WS)["action"])


def test_an_unchanged_workbook_imports_as_no_changes(store):
    preview = preview_of(store, exported(store))
    assert not preview.problems.errors, [str(p) for p in preview.problems.errors]
    assert preview.n_changes == 0
    version = store.data_version()
    assert (
        commit_workbook(store, preview, workstream_id=WS, by="lead1").message()
        == "No changes: nothing was saved."
    )
    assert store.data_version() == version


def test_one_edited_cell_is_exactly_one_change_previewed_and_committed(store):
    content = edited_workbook(exported(store), "Actions", "E2", "at risk")  # column E: Status, row 2
    preview = preview_of(store, content)
    table = preview.table()
    assert table[["Sheet", "Row", "Field", "From", "To"]].values.tolist() == [
        ["Actions", 2, "Status", "not yet recorded", "at risk"]
    ]
    result = commit_workbook(store, preview, workstream_id=WS, by="lead1")
    assert (result.n_fields, result.n_items) == (1, 1)
    history = store.query("workstream_edit_history", workstream_id=WS)
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
        commit_workbook(store, preview, workstream_id=WS, by="lead1")
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
