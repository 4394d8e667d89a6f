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
from het.vocabulary import ACTION_STATUSES, EDIT_ORIGINS, LOGIC_STAGES, POLARITIES

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
    # Fields set when an item is added and never changed after (a logic-model item's stage is in its id).
    insert_only: tuple[str, ...] = ()
    # A field kept in a table of its own (a logic-model item's links to later items), not by the queries.
    links_field: str | None = None

    def written(self, values: dict, *, new: bool) -> dict:
        """The fields the insert (new) or update query takes."""
        skip = {self.links_field} | (set() if new else set(self.insert_only))
        return {column: value for column, value in values.items() if column not in skip}


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
        ("stage", "Stage", "stage"),
        ("text", "Item", "required text"),
        ("owner", "Owner", "text"),
        ("indicator_id", "Measured by indicator", "indicator"),
        ("kpi_id", "Measured by KPI", "kpi"),
        ("leads_to", "Leads to", "links"),
        ("updated_on", "Updated on", "date"),
    ),
    "update_logic_item",
    "insert_logic_item",
    insert_only=("stage",),
    links_field="leads_to",
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


def parse_links(text: str | None) -> tuple[list[tuple[str, int]], list[str]]:
    """A 'Leads to' cell ('outputs 1, outcomes 2'): the (stage, number) it names, in stage order, and the
    parts it could not read."""
    found, bad = set(), []
    for part in (text or "").replace(";", ",").split(","):
        words = part.split()
        if not words:
            continue
        if len(words) == 2 and words[0].lower() in LOGIC_STAGES and words[1].isdigit():
            found.add((words[0].lower(), int(words[1])))
        else:
            bad.append(part.strip())
    return sorted(found, key=lambda ref: (LOGIC_STAGES.index(ref[0]), ref[1])), bad


def links_text(text: str | None) -> str | None:
    """A 'Leads to' cell written the one way het keeps it (stage order, comma-separated); unreadable
    parts are kept as written, for check_edits to name."""
    refs, bad = parse_links(text)
    return ", ".join([f"{stage} {seq}" for stage, seq in refs] + bad) or None


def _compared(value, kind_: str) -> str | None:
    text = as_text(value)
    return links_text(text) if kind_ == "links" else text


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
            for column, _, kind_ in table.fields:
                value = _compared(row.get(column), kind_)
                # a new item's required fields are always checked, even when left empty
                if value is not None or kind_ == "required text" or column in table.insert_only:
                    rows.append((key, workstream_id, column, None, value, position))
            continue
        for column, _, kind_ in table.fields:
            old, new = _compared(before.at[key, column], kind_), _compared(row.get(column), kind_)
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
    known: dict[str, set[str]] | None = None,
) -> Problems:
    """Every edit that cannot be kept, as an error naming where (the page or the workbook), row and column.

    after: the rows as they would be after the edits (to check that a KPI target has a unit), numbered
    in messages by after_rows (their spreadsheet rows) when given, else 1, 2, ...
    known: the ids an item may be measured by ("indicator": the catalogue's, "kpi": the workstream's KPIs);
    without it, those are not checked.
    """
    table = TABLES[kind]
    shown = {column: name for column, name, _ in table.fields}
    types = {column: kind_ for column, _, kind_ in table.fields}
    problems = Problems()
    new_stages = {
        c.row: as_text(c.new_value) for c in changes.itertuples() if c.field == "stage" and c.item_id is None
    }
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
        elif kind_ == "stage" and change.previous_value is not None:
            message = "an item's stage cannot change: add a new item at the other stage instead"
        elif kind_ == "stage" and value not in LOGIC_STAGES:
            message = f"'{value or ''}' is not a stage: use one of {', '.join(LOGIC_STAGES)}"
        elif kind_ in ("indicator", "kpi") and value is not None and known and value not in known[kind_]:
            what = (
                "an indicator in the catalogue" if kind_ == "indicator" else "one of this workstream's KPIs"
            )
            message = f"'{value}' is not {what}: use its id (the Indicator page and the KPI table show them)"
        elif kind_ == "links" and value is not None:
            here = str(change.item_id).rsplit(":", 2)[1] if change.item_id else new_stages.get(change.row)
            message = _links_problem(value, here, after)
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


def _links_problem(value: str, here: str | None, after: pd.DataFrame | None) -> str | None:
    """Why a 'Leads to' cell cannot be kept: a part het cannot read, an item the workstream does not have
    (after the edits), or a link that does not go to a later stage."""
    refs, bad = parse_links(value)
    if bad:
        return f"'{bad[0]}' does not name an item: write a stage and a number, e.g. 'outputs 1, outcomes 2'"
    if after is None:
        return None
    items = {}
    for item_id in after["item_id"].dropna():
        _, stage, seq = str(item_id).rsplit(":", 2)
        items[(stage, int(seq))] = True
    for stage, seq in refs:
        if (stage, seq) not in items:
            return (
                f"there is no item '{stage} {seq}' in this logic model (save a new item before linking to it)"
            )
        if here in LOGIC_STAGES and LOGIC_STAGES.index(stage) <= LOGIC_STAGES.index(here):
            return f"'{stage} {seq}' is not at a later stage than {here}: links go from inputs towards impact"
    return None


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
    extract_id: int | None = None,
) -> int:
    """Write the edited rows that changed and one history row per field changed; returns the change id.

    Inside the caller's transaction (het.loads): the values and their history commit together. extract_id:
    the workbook (an extract) the edits came from, if any.
    """
    table = TABLES[kind]
    change_id = next_change_id(cur)
    new_ids: dict[int, str] = {}
    workstream_id = str(changes["workstream_id"].iloc[0])
    for position in sorted(set(changes["row"])):
        row = edited.iloc[position - 1]
        values = {column: as_text(row.get(column)) for column, _, _ in table.fields}
        key = as_text(row.get(table.key))
        if key is None:  # a new item: its id from the workstream and the change (or its stage's next number)
            key = _new_key(cur, table, workstream_id, values, change_id=change_id, position=position)
            new_ids[position] = key
        write_item(cur, table, key, values, workstream_id=workstream_id, new=position in new_ids)
    history = changes.assign(
        item_id=[new_ids.get(r, i) for r, i in zip(changes["row"], changes["item_id"], strict=True)]
    )
    record_history(
        cur,
        kind,
        history.drop(columns="row"),
        change_id=change_id,
        by=by,
        origin=origin,
        reverts=reverts,
        extract_id=extract_id,
    )
    return change_id


def next_change_id(cur: duckdb.DuckDBPyConnection) -> int:
    return int(cur.execute(read_query("next_workstream_change")).fetchall()[0][0])  # fetchall: no open result


def record_history(
    cur: duckdb.DuckDBPyConnection,
    kind: str,
    changes: pd.DataFrame,
    *,
    change_id: int,
    by: str,
    origin: str,
    reverts: int | None = None,
    extract_id: int | None = None,
) -> None:
    """Append one change's history rows (changes: item_id, workstream_id, field, previous_value, new_value).

    Used by commit_edits, and on its own where a file wrote the values (a KPI file, a withdrawal)."""
    if origin not in EDIT_ORIGINS:
        raise ValueError(f"edit origin must be one of {', '.join(EDIT_ORIGINS)}, not {origin!r}")
    history = changes[["item_id", "workstream_id", "field", "previous_value", "new_value"]].assign(
        change_id=change_id,
        item_kind=kind,
        edited_by=by,
        edited_at=now_utc(),
        origin=origin,
        reverts=reverts,
        extract_id=extract_id,
    )
    cur.register("new_edits", history)
    try:
        cur.execute(read_query("insert_workstream_edits"))
    finally:
        cur.unregister("new_edits")


def _new_key(
    cur, table: EditableTable, workstream_id: str, values: dict, *, change_id: int, position: int
) -> str:
    if table.kind == LOGIC_ITEM:
        stage = values["stage"]
        seq = cur.execute(
            read_query("next_logic_seq"), {"workstream_id": workstream_id, "stage": stage}
        ).fetchone()[0]
        return f"{workstream_id}:{stage}:{seq}"
    return f"{workstream_id}_{change_id}_{position}"


def write_item(
    cur: duckdb.DuckDBPyConnection,
    table: EditableTable,
    key: str,
    values: dict,
    *,
    workstream_id: str,
    new: bool,
) -> None:
    """Write one item's fields (values as text, as the history keeps them): insert a new item or update one,
    and for a logic-model item replace its links."""
    typed = {c: _typed(values.get(c), k) for c, _, k in table.fields}
    params = {**table.written(typed, new=new), table.key: key}
    if new:
        params["workstream_id"] = workstream_id
    cur.execute(read_query(table.insert_query if new else table.update_query), params)
    if table.links_field is not None:
        cur.execute(read_query("delete_logic_links_from"), {"item_id": key})
        refs, _ = parse_links(values.get(table.links_field))
        for stage, seq in refs:
            cur.execute(read_query("insert_logic_link"), {"item_id": key, "to_stage": stage, "to_seq": seq})


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
    required = {(t.kind, c) for t in TABLES.values() for c, _, k in t.fields if k == "required text"}
    added = [
        r.item_kind
        for r in change.itertuples()
        if (r.item_kind, r.field) in required and (r.previous_value is None or pd.isna(r.previous_value))
    ]
    if added:
        raise ValueError(
            f"change {int(change['change_id'].iloc[0])} added an {added[0]}: it cannot be undone by a revert; "
            "mark it complete or edit it instead"
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
            if found.empty and table.insert_query is None:
                continue  # the item left the reference data: its history stays, nothing to put back
            values = (
                {column: None for column, _, _ in table.fields}
                if found.empty
                else {column: as_text(found.iloc[0][column]) for column, _, _ in table.fields}
            )
            for f in fields.itertuples():
                values[f.field] = f.new_value
            if found.empty and table.kind == LOGIC_ITEM:
                values["stage"] = str(item_id).rsplit(":", 2)[1]
            write_item(
                cur,
                table,
                str(item_id),
                values,
                workstream_id=str(fields["workstream_id"].iloc[0]),
                new=found.empty,
            )
            done += 1
    return done


def withdrawn_rows(
    cur: duckdb.DuckDBPyConnection, made: pd.DataFrame
) -> tuple[dict[str, tuple[pd.DataFrame, pd.DataFrame]], list[str]]:
    """For the edits a withdrawn workbook made (queries/extract_workstream_edits.sql): per kind, the rows with
    each field set back to its value before the workbook, where the field still holds the workbook's value,
    and the field changes that does; and, in words, what stays (a field changed since, an item it added)."""
    required = {(t.kind, c) for t in TABLES.values() for c, _, k in t.fields if k == "required text"}
    out, kept = {}, []
    for kind, rows in made.groupby("item_kind"):
        table = TABLES[kind]
        types = {column: kind_ for column, _, kind_ in table.fields}
        shown = {column: name for column, name, _ in table.fields}
        workstream_id = str(rows["workstream_id"].iloc[0])
        current = current_items(cur, kind, workstream_id=workstream_id)
        added = {
            r.item_id for r in rows.itertuples() if (kind, r.field) in required and pd.isna(r.previous_value)
        }
        kept += [f"the {kind} {item} it added stays (edit it, or mark it complete)" for item in sorted(added)]
        edited = current[current[table.key].isin(set(rows["item_id"]) - added)].reset_index(drop=True)
        for r in rows[~rows["item_id"].isin(added)].itertuples():
            mask = edited[table.key] == r.item_id
            if not mask.any():
                kept.append(f"the {kind} {r.item_id} no longer exists")
                continue
            now = _compared(edited.loc[mask, r.field].iloc[0], types[r.field])
            if now != _compared(r.new_value, types[r.field]):
                kept.append(
                    f"{kind} {r.item_id}: {shown[r.field]} was changed since, so it stays '{now or ''}'"
                )
                continue
            edited[r.field] = edited[r.field].astype(object)
            edited.loc[mask, r.field] = r.previous_value
        out[kind] = (edited, diff_edits(kind, current, edited, workstream_id=workstream_id))
    return out, kept


def field_changes(kind: str, before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The field changes of the items in `before` from their values there to those in `after` (an item
    missing from `after` was removed: each field it had goes to empty). For writes made by a file (a KPI
    file, a withdrawal), to keep in the history like an edit. Columns as diff_edits', without row."""
    table = TABLES[kind]
    now = after.set_index(table.key)
    rows = []
    for item in before.itertuples(index=False):
        key = getattr(item, table.key)
        for column, _, kind_ in table.fields:
            old = _compared(getattr(item, column), kind_)
            new = _compared(now.at[key, column], kind_) if key in now.index else None
            if old != new:
                rows.append((key, item.workstream_id, column, old, new))
    return pd.DataFrame(
        rows, columns=["item_id", "workstream_id", "field", "previous_value", "new_value"], dtype=object
    )
