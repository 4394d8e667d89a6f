"""Accountability: who owns what? Every action, KPI and logic-model item with its owner, and the items with
no owner, no recent update or past their due date, filtered by workstream, partner and principle."""

from datetime import date

import streamlit as st

from het.ui.reads_workstreams import workstream_reads
from het.ui.tables import csv_download, show_table
from het.views import workstreams as view

reads = workstream_reads()
st.title("Who owns what?")
st.caption(
    "Clear governance and accountability was the town's evaluation's first recommendation. Every item with "
    "its owner; filter to the items that need attention."
)
table = view.accountability_table(
    reads.actions, reads.kpis, reads.logic_items, reads.workstreams, today=date.today()
)
ws_col, partner_col, principle_col, attention_col = st.columns([3, 3, 3, 2])
names = dict(zip(reads.workstreams["workstream_id"], reads.workstreams["name"], strict=True))
picked_ws = ws_col.multiselect("Workstream", list(names), format_func=names.get, key="acc_ws")
partners = sorted(p for p in table["partner"].dropna().unique() if str(p).strip())
picked_partner = partner_col.multiselect("Partner organisation", partners, key="acc_partner")
labels = dict(zip(reads.principles["principle_id"], reads.principles["short_label"], strict=True))
picked_principle = principle_col.multiselect(
    "Principle", list(labels), format_func=lambda p: f"{p}. {labels[p]}", key="acc_principle"
)
attention = attention_col.toggle("Needs attention only", key="acc_attention")
shown = table
if picked_ws:
    shown = shown[shown["workstream_id"].isin(picked_ws)]
if picked_partner:
    shown = shown[shown["partner"].isin(picked_partner)]
if picked_principle:
    serving = {
        ws
        for ws, ps in zip(reads.workstreams["workstream_id"], reads.workstreams["principles"], strict=True)
        if ps is not None and set(int(p) for p in ps) & set(picked_principle)
    }
    shown = shown[shown["workstream_id"].isin(serving)]
if attention:
    shown = shown[shown["needs attention"] != ""]
counts = {
    "No owner": int(table["needs attention"].str.contains(view.NO_OWNER).sum()),
    "No recent update": int(table["needs attention"].str.contains("no update").sum()),
    "Past due": int(table["needs attention"].str.contains(view.PAST_DUE).sum()),
}
for column, (label, n) in zip(st.columns(len(counts)), counts.items(), strict=True):
    column.metric(label, n, border=True)
display = shown.drop(columns=["workstream_id", "item_id"]).rename(
    columns={
        "kind": "Kind",
        "workstream": "Workstream",
        "item": "Item",
        "owner": "Owner",
        "partner": "Partner",
        "due": "Due",
        "status": "Status",
        "updated_on": "Updated on",
        "needs attention": "Needs attention",
    }
)
# text cells with nothing recorded read as a dash, not "None" (an owner's absence is said in words)
blank = {c: "–" for c in ("Partner", "Due", "Status") if c in display.columns}
show_table(
    display.astype({c: object for c in blank}).fillna({"Owner": "no owner", **blank}),
    hide_index=True,
    width="stretch",
    key="accountability",
)
csv_download(
    f"Download this table ({len(display)} rows, CSV)",
    display,
    file_name="accountability.csv",
    key="accountability_download",
)
