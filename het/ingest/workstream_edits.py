"""Edits to a workstream's actions, KPI targets and logic-model items: what changed, whether it is valid,
and its commit with a history row for every field changed (who, when, the previous value).

Nothing here is overwritten without a record: commit_edits writes the new values and, in the same
transaction, one workstream_edits row per field; a revert is an edit of its own. het.loads calls these
(the one write path); the Workstream page and the workbook import both come through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from het.ingest.problems import Problems
from het.store import now_utc, read_query
from het.vocabulary import ACTION_STATUSES, EDIT_ORIGINS, POLARITIES

ACTION, KPI, LOGIC_ITEM = "action", "kpi", "logic model item"
KINDS = (ACTION, KPI, LOGIC_ITEM)


@dataclass(frozen=True)
class EditableTable:
    """One kind of workstream item: its key, the fields people edit (shown name, column, type)."""

    kind: str
    key: str
    fields: tuple[tuple[str, str, str], ...]  # (column, shown name, type: text / status / date / number)
    update_query: str
    insert_query: str | None = None


ACTIONS = EditableTable(
    ACTION,
    "action_id",
    (
        ("title", "Action", "required text"),
        ("lead", "Owner", "text"),
        ("partner", "Partner organisation", "text"),
        ("status", "Status", "status"),
        ("due", "Due", "date"),
        ("latest_update", "Latest update", "text"),
        ("updated_on", "Updated on", "date"),
    ),
    "update_action",
    "insert_action",
)
KPIS = EditableTable(
    KPI,
    "kpi_id",
    (
        ("owner", "Owner", "text"),
        ("unit", "Unit", "text"),
        ("polarity", "Polarity", "polarity"),
        ("target", "Target", "number"),
        ("target_period", "Target year", "year"),
        ("updated_on", "Updated on", "date"),
    ),
    "update_kpi",
)
LOGIC_ITEMS = EditableTable(
    LOGIC_ITEM,
    "item_id",
    (
        ("text", "Item", "required text"),
        ("owner", "Owner", "text"),
        ("indicator_id", "Measured by indicator", "text"),
        ("kpi_id", "Measured by KPI", "text"),
        ("updated_on", "Updated on", "date"),
    ),
    "update_logic_item",
)
TABLES = {t.kind: t for t in (ACTIONS, KPIS, LOGIC_ITEMS)}


def as_text(value) -> str | None:
    """A value as the history keeps it: text, '' never (None for empty), dates as YYYY-MM-DD."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else str(value)
    text = str(value).strip()
    return text or None


def diff_edits(kind: str, current: pd.DataFrame, edited: pd.DataFrame, *, workstream_id: str) -> pd.DataFrame:
    """The field changes from `current` to `edited` (both keyed on the table's key, the edited columns).

    Rows in `edited` with no key are new items (actions only). Columns: item_id, workstream_id, field,
    previous_value, new_value, row (the edited table's row number, 1-based, for messages).
    """
    table = TABLES[kind]
    before = current.set_index(table.key)
    rows = []
    for position, (_, row) in enumerate(edited.iterrows(), start=1):
        key = as_text(row.get(table.key))
        if key is None or key not in before.index:
            if table.insert_query is None:
                raise ValueError(f"{kind} row {position}: new {kind}s cannot be added here")
            key = key or None
            for column, _, _ in table.fields:
                value = as_text(row.get(column))
                if value is not None:
                    rows.append((key, workstream_id, column, None, value, position))
            continue
        for column, _, _ in table.fields:
            old, new = as_text(before.at[key, column]), as_text(row.get(column))
            if old != new:
                rows.append((key, workstream_id, column, old, new, position))
    # object columns: a missing value stays None (pandas would make a text column's None into NaN)
    frame = pd.DataFrame(
        rows,
        columns=["item_id", "workstream_id", "field", "previous_value", "new_value", "row"],
        dtype=object,
    )
    return frame.astype({"row": int})


def check_edits(
    kind: str,
    changes: pd.DataFrame,
    *,
    where: str,
    sheet: str | None = None,
    after: pd.DataFrame | None = None,
    after_rows=None,
) -> Problems:
    """Every edit that cannot be kept, as an error naming where (the page or the workbook), row and column.

    after: the rows as they would be after the edits (to check that a KPI target has a unit), numbered
    in messages by after_rows (their spreadsheet rows) when given, else 1, 2, ...
    """
    table = TABLES[kind]
    shown = {column: name for column, name, _ in table.fields}
    types = {column: kind_ for column, _, kind_ in table.fields}
    problems = Problems()
    for change in changes.itertuples():
        value, column = as_text(change.new_value), change.field
        kind_ = types[column]
        cell = {"row": int(change.row), "column": shown[column], "sheet": sheet}
        message = None
        if kind_ == "required text" and value is None:
            message = f"{shown[column]} cannot be empty"
        elif kind_ == "status" and value not in ACTION_STATUSES:
            message = f"'{value or ''}' is not a status: use one of {', '.join(ACTION_STATUSES)}"
        elif kind_ == "polarity" and value is not None and value not in POLARITIES:
            message = f"'{value}' is not a polarity: use one of {', '.join(POLARITIES)}"
        elif kind_ == "date" and value is not None and not _is_date(value):
            message = f"'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31"
        elif kind_ == "number" and value is not None and not _is_number(value):
            message = f"'{value}' is not a number"
        elif kind_ == "year" and value is not None and not (value.isdigit() and 2000 <= int(value) <= 2100):
            message = f"'{value}' is not a year: write the target year, e.g. 2030"
        if message:
            problems.error(where, message, **cell)
    if kind == KPI and after is not None:
        for position, row in enumerate(after.itertuples(), start=1):
            if as_text(row.target) is not None and as_text(row.unit) is None:
                problems.error(
                    where,
                    "a target needs a unit (%, per 1,000, ...)",
                    row=position,
                    column="Unit",
                    sheet=sheet,
                )
    return problems


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def commit_edits(
    cur: duckdb.DuckDBPyConnection,
    kind: str,
    edited: pd.DataFrame,
    changes: pd.DataFrame,
    *,
    by: str,
    origin: str,
    reverts: int | None = None,
) -> int:
    """Write the edited rows that changed and one history row per field changed; returns the change id.

    Inside the caller's transaction (het.loads): the values and their history commit together.
    """
    if origin not in EDIT_ORIGINS:
        raise ValueError(f"edit origin must be one of {', '.join(EDIT_ORIGINS)}, not {origin!r}")
    table = TABLES[kind]
    change_id = cur.execute(read_query("next_workstream_change")).fetchone()[0]
    at = now_utc()
    new_ids: dict[int, str] = {}
    for position in sorted(set(changes["row"])):
        row = edited.iloc[position - 1]
        values = {column: _typed(as_text(row.get(column)), kind_) for column, _, kind_ in table.fields}
        key = as_text(row.get(table.key))
        if key is None:  # a new action: its id from the workstream and the change
            key = f"{changes['workstream_id'].iloc[0]}_{change_id}_{position}"
            new_ids[position] = key
            cur.execute(
                read_query(table.insert_query),
                {**values, table.key: key, "workstream_id": changes["workstream_id"].iloc[0]},
            )
        else:
            cur.execute(read_query(table.update_query), {**values, table.key: key})
    history = changes.assign(
        item_id=[new_ids.get(r, i) for r, i in zip(changes["row"], changes["item_id"], strict=True)],
        change_id=change_id,
        item_kind=kind,
        edited_by=by,
        edited_at=at,
        origin=origin,
        reverts=reverts,
    ).drop(columns="row")
    cur.register("new_edits", history)
    try:
        cur.execute(read_query("insert_workstream_edits"))
    finally:
        cur.unregister("new_edits")
    return int(change_id)


def _typed(value: str | None, kind_: str):
    if value is None:
        return None
    if kind_ == "date":
        return date.fromisoformat(value)
    if kind_ == "number":
        return float(value.replace(",", ""))
    return value


CURRENT_QUERIES = {ACTION: "workstream_actions", KPI: "workstream_kpis", LOGIC_ITEM: "workstream_logic_items"}


def current_items(cur: duckdb.DuckDBPyConnection, kind: str, *, workstream_id: str | None) -> pd.DataFrame:
    """The items of one kind as they stand (one workstream's, or every one's for None)."""
    return cur.execute(read_query(CURRENT_QUERIES[kind]), {"workstream_id": workstream_id}).df()


def reverted_rows(
    cur: duckdb.DuckDBPyConnection, change: pd.DataFrame
) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """For a change to revert: per kind, (the rows with their fields set back, the field changes that does).

    Raises ValueError for a change that added an item (its removal is not an edit: set its status instead).
    """
    if change["previous_value"].isna().all() and set(change["field"]) >= {"title"}:
        raise ValueError(
            f"change {int(change['change_id'].iloc[0])} added an action: it cannot be undone by a revert; "
            "mark the action complete or edit it instead"
        )
    out = {}
    for kind, rows in change.groupby("item_kind"):
        table = TABLES[kind]
        current = current_items(cur, kind, workstream_id=str(rows["workstream_id"].iloc[0]))
        edited = current[current[table.key].isin(set(rows["item_id"]))].reset_index(drop=True)
        for r in rows.itertuples():
            mask = edited[table.key] == r.item_id
            if not mask.any():
                raise ValueError(f"change {r.change_id}: the {kind} {r.item_id} no longer exists")
            edited[r.field] = edited[r.field].astype(object)
            edited.loc[mask, r.field] = r.previous_value
        changes = diff_edits(kind, current, edited, workstream_id=str(rows["workstream_id"].iloc[0]))
        out[kind] = (edited, changes)
    return out


def replay_edits(cur: duckdb.DuckDBPyConnection) -> int:
    """After the reference tables are reloaded, put back every item's latest edited values (no new history:
    the edits are already recorded). Returns the number of items brought back up to date."""
    latest = cur.execute(read_query("latest_workstream_edits")).df()
    done = 0
    for kind, rows in latest.groupby("item_kind"):
        table = TABLES[kind]
        current = current_items(cur, kind, workstream_id=None)
        for item_id, fields in rows.groupby("item_id"):
            found = current[current[table.key] == item_id]
            if found.empty:
                if table.insert_query is None:
                    continue  # the item left the reference data: its history stays, nothing to put back
                values = {column: None for column, _, _ in table.fields}
                query, workstream = table.insert_query, str(fields["workstream_id"].iloc[0])
            else:
                values = {column: as_text(found.iloc[0][column]) for column, _, _ in table.fields}
                query, workstream = table.update_query, None
            for f in fields.itertuples():
                values[f.field] = f.new_value
            typed = {c: _typed(values[c], k) for c, _, k in table.fields}
            params = {**typed, table.key: item_id}
            if workstream is not None:
                params["workstream_id"] = workstream
            cur.execute(read_query(query), params)
            done += 1
    return done
