"""The Workstreams pages' parts: the overview table, a workstream's logic model, actions register (editable
by leads and analysts), KPIs against their targets, Prize projects, the gaps it targets, and its history."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from het.charts.kpi import kpi_chart
from het.charts.logic_model import logic_model_chart
from het.format import md_text, plural
from het.ingest.problems import ExtractRejected
from het.ingest.workbook import read_workbook, write_workbook
from het.loads import commit_workbook, revert_workstream_change, save_workstream_edits, workstream_items
from het.stats.kpi import SYMBOLS
from het.ui.auth import editor_or_explain
from het.ui.card import About, cached_chart, chart_card, empty_state, show_chart
from het.ui.data import get_store
from het.ui.reads_workstreams import WorkstreamReads, edit_history, workstream_overview
from het.ui.tables import show_table
from het.views import workstreams as view
from het.vocabulary import ACTION_STATUSES, FILE_ORIGINS, LOGIC_STAGES, NOT_YET_RECORDED, POLARITIES

INDICATOR_PAGE = "pages/indicator.py"


def status_strip(workstream_id: str, *, today: date) -> None:
    """The workstream's status at a glance, as the overview counts it: actions by status, KPIs by verdict,
    the last update and the items with none for STALE_DAYS."""
    table = workstream_overview(today=today, stale_days=view.STALE_DAYS).set_index("workstream_id")
    row = table.loc[workstream_id]
    cells = [
        ("Actions", row["Actions"]),
        ("KPIs", row["KPIs"]),
        ("Last update", str(row["Last update"]) if row["Last update"] is not None else NOT_YET_RECORDED),
        (f"No update for {view.STALE_DAYS} days", plural(int(row["Stale items"]), "open item")),
    ]
    for column, (label, value) in zip(st.columns([3, 2, 1, 1]), cells, strict=True):
        column.markdown(f"**{label}**  \n{value}")


def logic_model_card(reads: WorkstreamReads, workstream_id: str, name: str) -> None:
    items = reads.logic_items[reads.logic_items["workstream_id"] == workstream_id]
    links = reads.logic_links[reads.logic_links["workstream_id"] == workstream_id]
    kpis = reads.kpis[reads.kpis["workstream_id"] == workstream_id]
    frame, edges = view.logic_model_frames(items, links, kpis)
    # drawn at a fixed width that fits a 1280-pixel screen: its text is wrapped for that width
    chart = cached_chart(logic_model_chart, frame, edges, selection=True, width=780)
    event = chart_card(
        chart,
        frame.rename(columns={"stage": "Stage", "text": "Item", "measured_by": "Measured by"})[
            ["Stage", "Item", "Measured by"]
        ],
        key=f"logic_model_{workstream_id}",
        title=f"{name}: logic model (theory of change)",
        caption="Inputs → activities → outputs → outcomes → impact. Items measured by an indicator say so; "
        "click one to open its indicator. Stages the town's material does not describe say 'not yet recorded'.",
        about=About(
            source="The workstream's logic model as recorded (the town's public material, and edits in het)",
            period="as last updated",
            method="Items and the links between them, as the workstream records them",
        ),
        selection="logic_pick",
        width="content",
    )
    user = editor_or_explain("the logic model")
    if user is not None and len(items):
        _logic_editor(items, workstream_id, user)
    picked = (event or {}).get("selection", {}).get("logic_pick") or []
    if picked and isinstance(picked[0], dict):
        item = frame[frame["item_id"] == picked[0].get("item_id")]
        if len(item) and item["indicator_id"].iloc[0]:
            st.switch_page(INDICATOR_PAGE, query_params={"indicator": item["indicator_id"].iloc[0]})


def actions_card(reads: WorkstreamReads, workstream_id: str, name: str) -> None:
    """The actions register; leads and analysts edit it in place (every change kept, with who and when)."""
    actions = reads.actions[reads.actions["workstream_id"] == workstream_id].reset_index(drop=True)
    st.markdown(f"**Actions register** ({len(actions)} actions)")
    user = editor_or_explain("the actions")
    if user is None:
        if actions.empty:
            empty_state("No actions are recorded for this workstream yet.")
        else:
            show_table(view.action_register(actions), hide_index=True, width="stretch", key="actions_view")
        return
    editable = actions[
        ["action_id", "title", "lead", "partner", "status", "due", "latest_update", "updated_on"]
    ]
    editable = editable.assign(
        due=pd.to_datetime(editable["due"], errors="coerce").dt.date,
        updated_on=pd.to_datetime(editable["updated_on"], errors="coerce").dt.date,
    )
    edited = st.data_editor(
        editable,
        key=f"actions_editor_{workstream_id}",
        hide_index=True,
        width="stretch",
        num_rows="dynamic",
        disabled=["action_id"],
        column_config={
            "action_id": None,
            "title": st.column_config.TextColumn("Action", required=True, width="large"),
            "lead": st.column_config.TextColumn("Owner"),
            "partner": st.column_config.TextColumn("Partner organisation"),
            "status": st.column_config.SelectboxColumn(
                "Status", options=list(ACTION_STATUSES), required=True
            ),
            "due": st.column_config.DateColumn("Due", format="YYYY-MM-DD"),
            "latest_update": st.column_config.TextColumn("Latest update", width="large"),
            "updated_on": st.column_config.DateColumn("Updated on", format="YYYY-MM-DD"),
        },
    )
    if st.button(
        "Save the actions", key=f"save_actions_{workstream_id}", type="primary", icon=":material/save:"
    ):
        _save("action", edited, workstream_id=workstream_id, user=user)
    if not actions.empty:
        _update_form(actions, editable, workstream_id, user)
    if "workstream_saved" in st.session_state:
        st.success(st.session_state.pop("workstream_saved"), icon=":material/check:")


def _save(kind: str, edited: pd.DataFrame, *, workstream_id: str, user) -> None:
    """Keep edited rows through het.loads (with their history); say why nothing was saved, or rerun."""
    try:
        result = save_workstream_edits(get_store(), kind, edited, workstream_id=workstream_id, by=user.name)
    except ExtractRejected as exc:
        st.error(
            "Nothing was saved:\n\n" + "\n".join(f"- {md_text(p, limit=500)}" for p in exc.problems),
            icon=":material/error:",
        )
    else:
        st.session_state["workstream_saved"] = result.message()
        st.rerun()


def _update_form(actions: pd.DataFrame, editable: pd.DataFrame, workstream_id: str, user) -> None:
    """Record one action's update with ordinary form fields (keyboard friendly, no grid)."""
    titles = dict(zip(actions["action_id"], actions["title"], strict=True))
    with st.form(f"action_update_{workstream_id}", clear_on_submit=False, border=True):
        st.markdown("**Record an update on one action**")
        action = st.selectbox("Action", list(titles), format_func=titles.get, key="update_action")
        row = editable[editable["action_id"] == action].iloc[0]
        status_col, date_col = st.columns(2)
        status = status_col.selectbox(
            "Status",
            list(ACTION_STATUSES),
            index=list(ACTION_STATUSES).index(row["status"])
            if row["status"] in ACTION_STATUSES
            else len(ACTION_STATUSES) - 1,
            key="update_status",
        )
        on = date_col.date_input("Updated on", value=date.today(), key="update_on", format="YYYY-MM-DD")
        current = row["latest_update"] if isinstance(row["latest_update"], str) else ""
        note = st.text_input("Latest update", value=current, key="update_note")
        if st.form_submit_button("Save this update", icon=":material/save:"):
            edited = editable.astype({"status": object, "latest_update": object, "updated_on": object})
            mask = edited["action_id"] == action
            edited.loc[mask, ["status", "latest_update", "updated_on"]] = [status, note, on]
            _save("action", edited, workstream_id=workstream_id, user=user)


def kpis_card(reads: WorkstreamReads, workstream_id: str) -> None:
    kpis = reads.kpis[reads.kpis["workstream_id"] == workstream_id].reset_index(drop=True)
    st.markdown(f"**KPIs** ({len(kpis)})")
    if kpis.empty:
        empty_state(
            f"No KPIs are recorded for this workstream ({NOT_YET_RECORDED}). The town's next step is to "
            "complete them; an analyst can load them as a KPI extract."
        )
        return
    shown = pd.DataFrame(
        {
            "KPI": kpis["name"],
            "Verdict": [f"{SYMBOLS.get(v, '')} {v}" for v in kpis["verdict"]],
            "Baseline": [
                view.kpi_value_text(r.baseline, r.unit, r.decimals, r.baseline_period)
                for r in kpis.itertuples()
            ],
            "Latest": [
                view.kpi_value_text(r.latest, r.unit, r.decimals, r.latest_period) for r in kpis.itertuples()
            ],
            "Target": [
                view.kpi_value_text(r.target, r.unit, r.decimals, r.target_period) for r in kpis.itertuples()
            ],
            "Why": kpis["reason"],
            "Values from": kpis["values_from"],
            "Owner": kpis["owner"].fillna(NOT_YET_RECORDED),
        }
    )
    show_table(shown, hide_index=True, width="stretch", key=f"kpis_{workstream_id}")
    columns = st.columns(min(3, len(kpis)))
    for i, kpi in enumerate(kpis.itertuples()):
        with columns[i % len(columns)]:
            _kpi_small_chart(reads, kpi)
    user = editor_or_explain("KPI targets")
    if user is not None:
        _kpi_editor(kpis, workstream_id, user)


def _kpi_small_chart(reads: WorkstreamReads, kpi) -> None:
    series = (
        reads.kpi_series[reads.kpi_series["indicator_id"] == kpi.indicator_id]
        if isinstance(kpi.indicator_id, str)
        else reads.kpi_series.iloc[:0]
    )
    if len(series):
        points = series.assign(time=series["period_sort"] // 10_000)[["period_label", "time", "value"]]
    else:
        points = pd.DataFrame(
            [
                {"period_label": kpi.baseline_period, "time": kpi.baseline_time, "value": kpi.baseline},
                {"period_label": kpi.latest_period, "time": kpi.latest_time, "value": kpi.latest},
            ]
        ).dropna()
    if points.empty:
        st.caption(f"{md_text(kpi.name)}: no values yet.")
        return
    baseline = (
        (kpi.baseline_time, kpi.baseline) if pd.notna(kpi.baseline) and pd.notna(kpi.baseline_time) else None
    )
    target = (kpi.target_time, kpi.target) if pd.notna(kpi.target) and pd.notna(kpi.target_time) else None
    chart = cached_chart(
        kpi_chart,
        points.astype({"time": float}),
        baseline=baseline,
        target=target,
        unit=str(kpi.unit or ""),
        decimals=int(kpi.decimals),
        name=str(kpi.name),
        verdict=str(kpi.verdict),
    )
    show_chart(
        chart,
        key=f"kpi_chart_{kpi.kpi_id}",
        width=None,
        alt=f"Chart of the KPI {kpi.name}: its values against the line from baseline to target ({kpi.verdict}).",
    )


def _kpi_editor(kpis: pd.DataFrame, workstream_id: str, user) -> None:
    with st.expander("Set targets and owners"):
        editable = kpis[
            ["kpi_id", "name", "owner", "unit", "polarity", "target", "target_period", "updated_on"]
        ]
        editable = editable.assign(updated_on=pd.to_datetime(editable["updated_on"], errors="coerce").dt.date)
        edited = st.data_editor(
            editable,
            key=f"kpi_editor_{workstream_id}",
            hide_index=True,
            width="stretch",
            disabled=["kpi_id", "name"],
            column_config={
                "kpi_id": None,
                "name": st.column_config.TextColumn("KPI"),
                "owner": st.column_config.TextColumn("Owner"),
                "unit": st.column_config.TextColumn("Unit"),
                "polarity": st.column_config.SelectboxColumn("Polarity", options=list(POLARITIES)),
                "target": st.column_config.NumberColumn("Target"),
                "target_period": st.column_config.TextColumn("Target year"),
                "updated_on": st.column_config.DateColumn("Updated on", format="YYYY-MM-DD"),
            },
        )
        if st.button("Save the KPI targets", key=f"save_kpis_{workstream_id}", icon=":material/save:"):
            _save("kpi", edited, workstream_id=workstream_id, user=user)


def projects_card(reads: WorkstreamReads, principles: set[int]) -> None:
    projects = reads.projects[reads.projects["principle_id"].isin(principles)]
    st.markdown("**Health Equity Town Prize projects** on its principles")
    if projects.empty:
        st.caption("No Health Equity Town Prize project on these principles is recorded in het yet.")
        return
    show_table(projects.drop(columns=["project_id"]), hide_index=True, width="stretch", key="ws_projects")


def history_card(workstream_id: str) -> None:
    """Every change to this workstream's items, and (for leads and analysts) the undoing of one."""
    history = edit_history(workstream_id)
    n = history["change_id"].nunique()
    with st.expander(f"History of changes ({n} change{'' if n == 1 else 's'})"):
        if history.empty:
            st.caption("No edits yet: everything shown is as first recorded.")
            return
        show_table(view.history_table(history), hide_index=True, width="stretch", key="ws_history")
        user = editor_or_explain("the history")
        if user is None:
            return
        # a file's own changes (a KPI file, a withdrawal) are undone by withdrawing or loading a file
        undoable = history["reverted_by_change"].isna() & history["reverts"].isna()
        undoable &= ~history["origin"].isin(FILE_ORIGINS)
        open_changes = sorted(set(history.loc[undoable, "change_id"]), reverse=True)
        if not open_changes:
            return
        change = st.selectbox(  # keyed by the newest change, so a new change is the one offered first
            "Undo a change",
            open_changes,
            key=f"ws_revert_pick_{open_changes[0]}",
            format_func=lambda c: f"Change {c}",
        )
        if st.button("Undo this change", key="ws_revert", icon=":material/undo:"):
            try:
                result = revert_workstream_change(get_store(), int(change), by=user.name)
            except ValueError as exc:
                st.error(str(exc))
            else:
                st.session_state["workstream_saved"] = f"Undid change {change}: " + result.message()
                st.rerun()


def offline_card(workstream_id: str, name: str) -> None:
    """Work offline: the workstream's workbook to download, and a workbook to load back (previewed first)."""
    with st.expander("Work offline: download the workbook, or load it back"):
        store = get_store()
        st.download_button(
            "Download this workstream's workbook (.xlsx)",
            lambda: write_workbook(name, workstream_items(store, workstream_id)),
            file_name=f"{workstream_id}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"workbook_download_{workstream_id}",
            on_click="ignore",
            icon=":material/download:",
        )
        user = editor_or_explain("the workstream from a workbook")
        if user is None:
            return
        upload = st.file_uploader(
            "Load an edited workbook", type=["xlsx"], key=f"workbook_upload_{workstream_id}"
        )
        if upload is None:
            return
        preview = read_workbook(
            upload.getvalue(),
            file_name=upload.name,
            workstream_id=workstream_id,
            current=workstream_items(store, workstream_id),
            indicators=set(store.query("indicator_catalogue")["indicator_id"]),
        )
        if preview.problems.errors:
            st.error(
                f"{md_text(upload.name)} cannot be loaded; nothing was changed:\n\n"
                + "\n".join(f"- {md_text(p, limit=500)}" for p in preview.problems.errors[:20]),
                icon=":material/error:",
            )
            return
        if not preview.n_changes:
            st.info(f"{md_text(upload.name)}: no changes.", icon=":material/info:")
            return
        st.markdown(
            f"**{plural(preview.n_changes, 'change')} in {md_text(upload.name)}**, to check before keeping them:"
        )
        show_table(preview.table(), hide_index=True, width="stretch", key="workbook_preview")
        if st.button("Keep these changes", key=f"workbook_commit_{workstream_id}", type="primary"):
            result = commit_workbook(
                store, preview, content=upload.getvalue(), workstream_id=workstream_id, by=user.name
            )
            st.session_state["workstream_saved"] = result.message()
            st.rerun()


def _logic_editor(items: pd.DataFrame, workstream_id: str, user) -> None:
    """Leads and analysts keep the logic model current: each item's text, owner, what measures it and the
    later items it leads to; a new row (with its stage) adds an item."""
    with st.expander("Edit the logic model: items and links"):
        st.caption(
            "Each item is named by its stage and number (e.g. 'outputs 1'). 'Leads to' lists the later items "
            "an item leads to, e.g. 'outputs 1, outcomes 2'; the diagram draws an arrow for each. Add a row to "
            "add an item (save it before linking to it)."
        )
        editable = items[
            ["item_id", "ref", "stage", "text", "owner", "indicator_id", "kpi_id", "leads_to", "updated_on"]
        ].copy()
        editable["updated_on"] = pd.to_datetime(editable["updated_on"], errors="coerce").dt.date
        edited = st.data_editor(
            editable,
            key=f"logic_editor_{workstream_id}",
            hide_index=True,
            width="stretch",
            num_rows="dynamic",
            disabled=["item_id", "ref"],
            column_config={
                "item_id": None,
                "ref": st.column_config.TextColumn("Item", help="Its stage and number, as links name it"),
                "stage": st.column_config.SelectboxColumn("Stage", options=list(LOGIC_STAGES), required=True),
                "text": st.column_config.TextColumn("What it is", required=True, width="large"),
                "owner": st.column_config.TextColumn("Owner"),
                "indicator_id": st.column_config.TextColumn("Measured by indicator (its id)"),
                "kpi_id": st.column_config.TextColumn("Measured by KPI (its id)"),
                "leads_to": st.column_config.TextColumn("Leads to", width="medium"),
                "updated_on": st.column_config.DateColumn("Updated on", format="YYYY-MM-DD"),
            },
        )
        if st.button("Save the logic model", key=f"save_logic_{workstream_id}", icon=":material/save:"):
            _save("logic model item", edited, workstream_id=workstream_id, user=user)
