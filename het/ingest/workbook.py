"""A workstream's offline workbook: one sheet per table it keeps (actions, KPIs, logic model) with
instructions, written for download and read back through the extracts' reader (het.ingest.files), checked
by the same rules as edits in the app (het.ingest.workstream_edits) and previewed before het.loads commits it.

An unchanged workbook reads back as no changes; every problem names the file, sheet, row and column.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from het.ingest.files import read_table
from het.ingest.problems import Problems
from het.ingest.workstream_edits import KINDS, TABLES, as_text, check_edits, diff_edits
from het.vocabulary import ACTION_STATUSES, POLARITIES

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
    wb = Workbook()
    guide = wb.active
    guide.title = INSTRUCTIONS
    lines = [
        f"{workstream}: the workstream's actions, KPIs and logic model, to keep up to date offline.",
        "Edit the cells of the other sheets, save the file as .xlsx, and load it on the Workstream page:",
        "het shows every change before it keeps any, and records who made it, when, and the previous value.",
        "Do not change the id columns or the headers. Leave an action's id empty to add a new action.",
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
                        "Item": changes["item_id"].fillna("(new action)"),
                        "Field": changes["field"].map(shown),
                        "From": changes["previous_value"].fillna("(empty)"),
                        "To": changes["new_value"].fillna("(empty)"),
                    }
                )
            )
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def read_workbook(
    content: bytes, *, file_name: str, workstream_id: str, current: dict[str, pd.DataFrame]
) -> WorkbookPreview:
    """Read a workstream workbook back and preview its changes against `current` (kind -> the items now).

    Nothing is written: het.loads.commit_workbook keeps a preview with no errors.
    """
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
        if kind != "action":  # only actions may be added; a KPI or logic-model row must name its id
            unknown = ~edited[TABLES[kind].key].isin(set(current[kind][TABLES[kind].key]))
            for position in unknown[unknown].index:
                preview.problems.error(
                    file_name,
                    f"'{edited.at[position, TABLES[kind].key] or ''}' is not one of this workstream's "
                    f"{kind}s: new {kind}s cannot be added by workbook",
                    sheet=sheet,
                    row=int(raw.rows[position]),
                    column=KEY_NAMES[kind],
                )
            edited = edited[~unknown].reset_index(drop=True)
            rows = raw.rows[~unknown.to_numpy()]
        else:
            rows = raw.rows
        changes = diff_edits(kind, current[kind], edited, workstream_id=workstream_id)
        changes["sheet_row"] = [int(rows[p - 1]) for p in changes["row"]]
        checked = check_edits(
            kind,
            changes.assign(row=changes["sheet_row"]),
            where=file_name,
            sheet=sheet,
            after=edited,
            after_rows=rows,
        )
        preview.problems.items.extend(checked.items)
        if len(changes):
            preview.edited[kind], preview.changes[kind] = edited, changes
    return preview
