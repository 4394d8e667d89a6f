"""A workstream's offline workbook: one sheet per table it keeps (actions, KPIs, logic model) with
instructions, written for download and read back through the extracts' reader (het.ingest.files), checked
by the same rules as edits in the app (het.ingest.workstream_edits) and previewed before het.loads commits it.

An unchanged workbook reads back as no changes; every problem names the file, sheet, row and column.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from het.ingest import workstream_edits as edits
from het.ingest.files import read_table
from het.ingest.problems import ExtractRejected, Problems
from het.ingest.stored_files import keep_original, record_extract_event, sha256_of
from het.ingest.workstream_edits import KINDS, TABLES, as_text, check_edits, diff_edits
from het.store import now_utc, read_query
from het.vocabulary import ACTION_STATUSES, LOGIC_STAGES, POLARITIES

FORMAT = "workbook"  # extracts.format of a loaded workbook

SHEETS = {"action": "Actions", "kpi": "KPIs", "logic model item": "Logic model"}
KEY_NAMES = {"action": "Action id", "kpi": "KPI id", "logic model item": "Item id"}
INSTRUCTIONS = "Instructions"


def _headers(kind: str) -> list[tuple[str, str]]:
    """(column, header) for a sheet: the item's id first, then the fields people edit."""
    table = TABLES[kind]
    return [(table.key, KEY_NAMES[kind]), *((column, name) for column, name, _ in table.fields)]


def write_workbook(workstream: str, tables: dict[str, pd.DataFrame]) -> bytes:
    """The workbook of one workstream's items (tables: kind -> rows as het.ingest.workstream_edits reads
    them), with an Instructions sheet first."""
    # Imported here: openpyxl costs about 0.1 s to import, and most processes (a CSV load) never write one.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    guide = wb.active
    guide.title = INSTRUCTIONS
    lines = [
        f"{workstream}: the workstream's actions, KPIs and logic model, to keep up to date offline.",
        "Edit the cells of the other sheets, save the file as .xlsx, and load it on the Workstream page:",
        "het shows every change before it keeps any, and records who made it, when, and the previous value.",
        "Do not change the id columns or the headers. Leave an id empty to add a new action or logic-model item.",
        f"A logic-model item's stage is one of: {', '.join(LOGIC_STAGES)}; it cannot change once the item exists.",
        "'Leads to' lists the later items an item leads to, by stage and number (the end of its Item id), "
        "for example: outputs 1, outcomes 2.",
        f"Status must be one of: {', '.join(ACTION_STATUSES)}.",
        f"Polarity must be one of: {', '.join(POLARITIES)}. A KPI's target needs a unit and a target year.",
        "Dates are written YYYY-MM-DD (for example 2026-03-31).",
        "KPI baselines and latest values come from the loaded data and are not in this workbook.",
    ]
    for line in lines:
        guide.append([line])
    guide["A1"].font = Font(bold=True)
    guide.column_dimensions["A"].width = 110
    for kind in KINDS:
        ws = wb.create_sheet(SHEETS[kind])
        headers = _headers(kind)
        ws.append([name for _, name in headers])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in tables.get(kind, pd.DataFrame()).itertuples(index=False):
            values = row._asdict()
            ws.append([as_text(values.get(column)) for column, _ in headers])
            for cell in ws[ws.max_row]:
                # openpyxl writes text that starts with "=" as a formula: it is text someone typed, so it is
                # written as text and Excel shows it, never runs it (the cell reads back unchanged).
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        for index, (_, name) in enumerate(headers, start=1):
            ws.column_dimensions[ws.cell(1, index).column_letter].width = max(14, min(60, len(name) + 4))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class WorkbookPreview:
    """What a workbook would change: per kind, the edited rows and the field changes; and its problems."""

    file_name: str
    edited: dict[str, pd.DataFrame] = field(default_factory=dict)
    changes: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)
    rows_read: int = 0

    @property
    def n_changes(self) -> int:
        return sum(len(c) for c in self.changes.values())

    def table(self) -> pd.DataFrame:
        """Every change, for people: sheet, row, item, field, from, to."""
        parts = []
        for kind, changes in self.changes.items():
            shown = {column: name for column, name, _ in TABLES[kind].fields}
            parts.append(
                pd.DataFrame(
                    {
                        "Sheet": SHEETS[kind],
                        "Row": changes["sheet_row"],
                        "Item": changes["item_id"].fillna(f"(new {kind})"),
                        "Field": changes["field"].map(shown),
                        "From": changes["previous_value"].fillna("(empty)"),
                        "To": changes["new_value"].fillna("(empty)"),
                    }
                )
            )
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def read_workbook(
    content: bytes,
    *,
    file_name: str,
    workstream_id: str,
    current: dict[str, pd.DataFrame],
    indicators: set[str] | None = None,
) -> WorkbookPreview:
    """Read a workstream workbook back and preview its changes against `current` (kind -> the items now).

    Nothing is written: het.loads.commit_workbook keeps a preview with no errors. indicators: the
    catalogue's ids, to check what a logic-model item is measured by (its KPI must be one in `current`).
    """
    known = (
        None if indicators is None else {"indicator": set(indicators), "kpi": set(current["kpi"]["kpi_id"])}
    )
    preview = WorkbookPreview(file_name)
    for kind in KINDS:
        sheet = SHEETS[kind]
        sheet_problems = Problems()
        raw = read_table(content, file_name=file_name, problems=sheet_problems, sheet=sheet)
        preview.problems.items.extend(sheet_problems.items)
        if raw is None:
            continue
        headers = _headers(kind)
        missing = [name for _, name in headers if name not in raw.columns]
        if missing:
            for name in missing:
                preview.problems.error(
                    file_name,
                    "this column is missing: keep the headers as exported",
                    sheet=sheet,
                    column=name,
                )
            continue
        edited = pd.DataFrame({column: raw.frame[name].astype(object) for column, name in headers})
        edited = edited.map(lambda v: None if v is None or (isinstance(v, str) and not v.strip()) else v)
        preview.rows_read += len(edited)
        # A row names one of the workstream's items, or (actions and logic-model items) has no id: a new item.
        # KPIs come from KPI files, so a KPI row must name one.
        keys = edited[TABLES[kind].key]
        unknown = ~keys.isin(set(current[kind][TABLES[kind].key]))
        if TABLES[kind].insert_query is not None:
            unknown &= keys.notna()
        for position in unknown[unknown].index:
            preview.problems.error(
                file_name,
                f"'{keys.at[position] or ''}' is not one of this workstream's {kind}s"
                + (
                    f": new {kind}s cannot be added by workbook"
                    if TABLES[kind].insert_query is None
                    else f": leave the id empty to add a new {kind}"
                ),
                sheet=sheet,
                row=int(raw.rows[position]),
                column=KEY_NAMES[kind],
            )
        edited = edited[~unknown].reset_index(drop=True)
        rows = raw.rows[~unknown.to_numpy()]
        changes = diff_edits(kind, current[kind], edited, workstream_id=workstream_id)
        changes["sheet_row"] = [int(rows[p - 1]) for p in changes["row"]]
        checked = check_edits(
            kind,
            changes.assign(row=changes["sheet_row"]),
            where=file_name,
            sheet=sheet,
            after=edited,
            after_rows=rows,
            known=known,
        )
        preview.problems.items.extend(checked.items)
        if len(changes):
            preview.edited[kind], preview.changes[kind] = edited, changes
    return preview


def commit_workbook_changes(
    cur: duckdb.DuckDBPyConnection,
    preview: WorkbookPreview,
    content: bytes,
    *,
    loaded_by: str,
    source_kind: str,
    note: str | None = None,
) -> tuple[int, int]:
    """Register a previewed workbook as an extract (its original kept) and commit its changes, one change
    per sheet, inside the caller's transaction (het.loads). Returns (extract id, the last change id)."""
    if preview.problems.errors:
        raise ExtractRejected(preview.problems.errors)
    items = {(kind, r) for kind, changes in preview.changes.items() for r in changes["row"]}
    added = {
        (kind, r)
        for kind, changes in preview.changes.items()
        for r, item in zip(changes["row"], changes["item_id"], strict=True)
        if item is None
    }
    digest = keep_original(cur, content, digest=sha256_of(content))
    extract_id = cur.execute(
        read_query("insert_extract"),
        {
            "file_name": preview.file_name,
            "sha256": digest,
            "format": FORMAT,
            "source_kind": source_kind,
            "loaded_by": loaded_by,
            "loaded_at": now_utc(),
            "rows_read": preview.rows_read,
            "rows_loaded": len(items),
            "rows_rejected": 0,
            "rows_new": len(added),
            "rows_revised": len(items - added),
            "rows_unchanged": preview.rows_read - len(items),
            "note": note,
        },
    ).fetchone()[0]
    change_id = None
    for kind, changes in preview.changes.items():
        change_id = edits.commit_edits(
            cur,
            kind,
            preview.edited[kind],
            changes.drop(columns="sheet_row"),
            by=loaded_by,
            origin="workbook",
            extract_id=extract_id,
        )
    record_extract_event(cur, extract_id, "load", loaded_by, note)
    return int(extract_id), int(change_id)


def withdraw_workbook(
    cur: duckdb.DuckDBPyConnection, extract_id: int, *, by_user: str, note: str | None = None
) -> tuple[int, list[str]]:
    """Withdraw a loaded workbook inside the caller's transaction: every field it changed that still holds
    its value goes back to the value before it, as a change of its own (origin 'withdrawal'). Returns the
    number of fields set back, and in words what stays (changed since, or items it added)."""
    changed = cur.execute(
        read_query("set_extract_status"),
        {"extract_id": extract_id, "old_status": "active", "new_status": "withdrawn"},
    ).fetchall()
    if not changed:
        raise ValueError(f"extract {extract_id} is not an active extract (see `python -m het extracts list`)")
    made = cur.execute(read_query("extract_workstream_edits"), {"extract_id": extract_id}).df()
    plans, kept = edits.withdrawn_rows(cur, made) if len(made) else ({}, [])
    n_fields = 0
    for kind, (edited, changes) in plans.items():
        if changes.empty:
            continue
        edits.commit_edits(cur, kind, edited, changes, by=by_user, origin="withdrawal", extract_id=extract_id)
        n_fields += len(changes)
    # what stays as it was is said in the withdrawal's own record (the extract's history)
    record_extract_event(
        cur, extract_id, "withdraw", by_user, "; ".join([*([note] if note else []), *kept]) or None
    )
    return n_fields, kept
