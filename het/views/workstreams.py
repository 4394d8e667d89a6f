"""What the Workstreams pages show: each workstream's status at a glance, its KPIs judged against their
targets, its logic model, and who owns what. Frames in, frames out; no Streamlit.

KPI values come from the data where a KPI is linked to a catalogue indicator (its baseline at the
baseline period, its latest value), so they are never typed by hand; the workstream sets the target and
target year. The on-track rule is het.stats.kpi (docs/methods.md, "Workstream KPIs: on track or not").
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from het.format import format_value
from het.periods import period_year
from het.stats.kpi import NO_DATA, NO_TARGET, OFF_TRACK, ON_TRACK, TARGET_MET, kpi_verdicts
from het.vocabulary import ACTION_STATUSES, NOT_YET_RECORDED

STALE_DAYS = 90
# The overview's columns, status first, so they show at a glance on a narrow screen.
OVERVIEW_COLUMNS = [
    "Workstream",
    "Actions",
    "KPIs",
    "Last update",
    "Stale items",
    "Chair",
    "Status",
    "Principles",
    "Luton 2040 priority",
]
KPI_GROUPS = {  # how the overview counts KPI verdicts
    TARGET_MET: "on track",
    ON_TRACK: "on track",
    OFF_TRACK: "off track",
    NO_TARGET: "no target",
    NO_DATA: "no data",
}
KPI_GROUP_ORDER = ("on track", "off track", "no target", "no data", "not judged")
NO_OWNER, STALE, PAST_DUE = "no owner", "no update for {days} days or more", "past due"


def _count_text(values: pd.Series, order) -> str:
    counts = values.value_counts()
    parts = [f"{int(counts[v])} {v}" for v in order if v in counts]
    return " · ".join(parts) if parts else "none recorded"


def kpi_table(kpis: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """Each KPI with its baseline and latest value (from its linked indicator's series where it has one),
    its target and the verdict, expected value and reason (het.stats.kpi.kpi_verdicts).

    series: the authority's whole-area values of the linked indicators (indicator_id, period_label,
    period_sort, value, decimals); a KPI takes its indicator's value at its baseline period (or the first)
    and the latest value.
    """
    rows = []
    for kpi in kpis.itertuples(index=False):
        row = kpi._asdict()
        row["values_from"] = "as recorded for the KPI"
        row["decimals"] = 1
        mine = (
            series[series["indicator_id"] == kpi.indicator_id]
            if isinstance(kpi.indicator_id, str)
            else series.iloc[:0]
        )
        mine = mine[mine["value"].notna()].sort_values("period_sort")
        if len(mine):
            base = mine[mine["period_label"] == kpi.baseline_period]
            base = base.iloc[0] if len(base) else mine.iloc[0]
            last = mine.iloc[-1]
            row.update(
                baseline=float(base["value"]),
                baseline_period=str(base["period_label"]),
                latest=float(last["value"]),
                latest_period=str(last["period_label"]),
                values_from=f"the loaded data for {kpi.indicator_name}",
                decimals=int(last["decimals"]),
            )
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*kpis.columns, "values_from", "decimals"])
    frame = frame.assign(
        baseline_time=[period_year(p) for p in frame["baseline_period"]],
        latest_time=[period_year(p) for p in frame["latest_period"]],
        target_time=[period_year(p) for p in frame["target_period"]],
        unit=frame["unit"].fillna(""),
    )
    if frame.empty:
        return frame.assign(verdict=[], expected=[], ahead_by=[], reason=[])
    return kpi_verdicts(frame)


def kpi_value_text(value, unit, decimals, period) -> str:
    """A KPI value as the KPI tables show it: '44.6 (2025/26)', with the decimals kpi_table gives it (the
    indicator's where the value is from the data); an en dash for no value."""
    if value is None or pd.isna(value):
        return "–"
    text = format_value(float(value), unit=str(unit or ""), decimals=int(decimals))
    return f"{text} ({period})" if isinstance(period, str) and period else text


def kpi_group(verdict: str) -> str:
    return KPI_GROUPS.get(verdict, "not judged")


def _last_update(*dates) -> pd.Timestamp | None:
    found = [pd.Timestamp(d) for part in dates for d in part if d is not None and not pd.isna(d)]
    return max(found) if found else None


def overview_table(
    workstreams: pd.DataFrame,
    actions: pd.DataFrame,
    kpis: pd.DataFrame,
    logic_items: pd.DataFrame,
    principles: pd.DataFrame,
    *,
    today: date,
    stale_days: int = STALE_DAYS,
) -> pd.DataFrame:
    """One row per workstream: chair, principles and Luton 2040 priority, actions by status, KPIs by
    verdict, the last update and how many items have had none for `stale_days`."""
    labels = dict(zip(principles["principle_id"], principles["short_label"], strict=True))
    rows = []
    for ws in workstreams.itertuples(index=False):
        mine_actions = actions[actions["workstream_id"] == ws.workstream_id]
        mine_kpis = kpis[kpis["workstream_id"] == ws.workstream_id]
        mine_items = logic_items[logic_items["workstream_id"] == ws.workstream_id]
        updated = _last_update(
            mine_actions["updated_on"], mine_kpis["updated_on"], mine_items["updated_on"], [ws.last_edited_at]
        )
        stale = stale_items(mine_actions, mine_kpis, today=today, stale_days=stale_days)
        principle_ids = list(ws.principles) if ws.principles is not None and len(ws.principles) else []
        rows.append(
            {
                "workstream_id": ws.workstream_id,
                "Workstream": ws.name,
                "Chair": ws.chair_organisation
                if isinstance(ws.chair_organisation, str)
                else NOT_YET_RECORDED,
                "Status": ws.status,
                "Principles": "; ".join(f"{p}. {labels.get(p, '')}" for p in principle_ids)
                or NOT_YET_RECORDED,
                "Luton 2040 priority": ws.luton2040_priority
                if isinstance(ws.luton2040_priority, str)
                else NOT_YET_RECORDED,
                "Actions": _count_text(mine_actions["status"], ACTION_STATUSES),
                "KPIs": _count_text(mine_kpis["verdict"].map(kpi_group), KPI_GROUP_ORDER)
                if "verdict" in mine_kpis
                else "none recorded",
                "Last update": updated.date() if updated is not None else None,
                "Stale items": stale,
            }
        )
    return pd.DataFrame(rows)


def stale_items(
    actions: pd.DataFrame, kpis: pd.DataFrame, *, today: date, stale_days: int = STALE_DAYS
) -> int:
    """How many open actions and KPIs have had no update for stale_days or more (or none ever)."""
    cutoff = pd.Timestamp(today) - pd.Timedelta(days=stale_days)
    open_actions = actions[actions["status"] != "complete"]
    dated = pd.concat([open_actions["updated_on"], kpis["updated_on"]], ignore_index=True)
    dated = pd.to_datetime(dated, errors="coerce")
    return int((dated.isna() | (dated <= cutoff)).sum())


def accountability_table(
    actions: pd.DataFrame,
    kpis: pd.DataFrame,
    logic_items: pd.DataFrame,
    workstreams: pd.DataFrame,
    *,
    today: date,
    stale_days: int = STALE_DAYS,
) -> pd.DataFrame:
    """Every action, KPI and logic-model item with its owner, partner, due date, status, last update and
    what needs attention: no owner, no update for stale_days or more, past due."""
    names = dict(zip(workstreams["workstream_id"], workstreams["name"], strict=True))
    cutoff = pd.Timestamp(today) - pd.Timedelta(days=stale_days)
    stale_text = STALE.format(days=stale_days)
    rows = []

    def flags(owner, updated, due=None, done=False) -> list[str]:
        out = []
        if owner is None or (not isinstance(owner, str) and pd.isna(owner)) or not str(owner).strip():
            out.append(NO_OWNER)
        when = pd.to_datetime(updated, errors="coerce")
        if not done and (pd.isna(when) or when <= cutoff):
            out.append(stale_text)
        due_on = pd.to_datetime(due, errors="coerce") if isinstance(due, str) else pd.NaT
        if not done and not pd.isna(due_on) and due_on < pd.Timestamp(today):
            out.append(PAST_DUE)
        return out

    for a in actions.itertuples(index=False):
        done = a.status == "complete"
        rows.append(
            (
                "action",
                a.workstream_id,
                a.title,
                a.lead,
                a.partner,
                a.due,
                a.status,
                a.updated_on,
                flags(a.lead, a.updated_on, a.due, done),
                a.action_id,
            )
        )
    for k in kpis.itertuples(index=False):
        rows.append(
            (
                "KPI",
                k.workstream_id,
                k.name,
                k.owner,
                None,
                k.target_period,
                getattr(k, "verdict", None),
                k.updated_on,
                flags(k.owner, k.updated_on),
                k.kpi_id,
            )
        )
    for item in logic_items.itertuples(index=False):
        rows.append(
            (
                f"logic model: {item.stage}",
                item.workstream_id,
                item.text,
                item.owner,
                None,
                None,
                None,
                item.updated_on,
                flags(item.owner, item.updated_on),
                item.item_id,
            )
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "kind",
            "workstream_id",
            "item",
            "owner",
            "partner",
            "due",
            "status",
            "updated_on",
            "flags",
            "item_id",
        ],
    )
    frame.insert(1, "workstream", frame["workstream_id"].map(names))
    frame["needs attention"] = ["; ".join(f) if f else "" for f in frame["flags"]]
    return frame.drop(columns="flags")


def logic_model_frames(
    items: pd.DataFrame, links: pd.DataFrame, kpis: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The items and links for the logic-model diagram: each item with what measures it, in words."""
    kpi_names = dict(zip(kpis["kpi_id"], kpis["name"], strict=True))
    measured = []
    for item in items.itertuples(index=False):
        parts = []
        if isinstance(item.indicator_id, str) and item.indicator_id:
            parts.append(
                str(item.indicator_name) if isinstance(item.indicator_name, str) else item.indicator_id
            )
        if isinstance(item.kpi_id, str) and item.kpi_id:
            parts.append(f"KPI: {kpi_names.get(item.kpi_id, item.kpi_id)}")
        measured.append("; ".join(parts))
    out = items.assign(measured_by=measured, indicator_id=items["indicator_id"].fillna(""))
    return out[["item_id", "stage", "seq", "text", "measured_by", "indicator_id"]], links[
        ["from_item", "to_item"]
    ]


def action_register(actions: pd.DataFrame) -> pd.DataFrame:
    """The actions as people read them (the editable columns, named)."""
    return actions.rename(
        columns={
            "title": "Action",
            "lead": "Owner",
            "partner": "Partner organisation",
            "status": "Status",
            "due": "Due",
            "latest_update": "Latest update",
            "updated_on": "Updated on",
        }
    )[["Action", "Owner", "Partner organisation", "Status", "Due", "Latest update", "Updated on"]]


HOW = {
    "app": "edited in het",
    "workbook": "workbook",
    "revert": "undo",
    "demo": "demonstration",
    "kpi file": "KPI file",
    "withdrawal": "withdrawal of",
}


def _how(origin: str, file_name) -> str:
    """Where a change came from, in words, naming the file for the changes a file made."""
    how = HOW.get(origin, origin)
    return f"{how} {file_name}" if isinstance(file_name, str) and file_name else how


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    """The edit history as people read it: change, when, who, what, from and to, and whether it was undone."""
    return pd.DataFrame(
        {
            "Change": history["change_id"],
            "When": history["edited_at"],
            "Who": history["edited_by"],
            "Item": history["item_kind"] + " " + history["item_id"],
            "Field": history["field"],
            "From": history["previous_value"].fillna("(empty)"),
            "To": history["new_value"].fillna("(empty)"),
            "How": [
                _how(origin, name)
                for origin, name in zip(history["origin"], history["file_name"], strict=True)
            ],
            "Undone by change": history["reverted_by_change"],
        }
    )
