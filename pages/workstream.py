"""One workstream: its logic model, actions register, KPIs against their targets, Prize projects and the
gaps of the indicators it serves, with the history of every change. Leads and analysts edit it here."""

from datetime import date

import streamlit as st

from het.ui import workstream_panels as panels
from het.ui.leads import gap_table
from het.ui.reads_leads import gap_tracker_rows
from het.ui.reads_workstreams import workstream_reads
from het.ui.state import url_choice
from het.views import scorecard

reads = workstream_reads()
names = dict(zip(reads.workstreams["workstream_id"], reads.workstreams["name"], strict=True))
header = st.container()
workstream = url_choice("workstream", list(names), label="Workstream", format_func=names.get)
row = reads.workstreams.set_index("workstream_id").loc[workstream]
header.title(f"What is {row['name']} doing, and is it working?")
header.caption(str(row["description"]))
with header:
    panels.status_strip(workstream, today=date.today())
principles = set(int(p) for p in (row["principles"] if row["principles"] is not None else []))

panels.logic_model_card(reads, workstream, str(row["name"]))
panels.actions_card(reads, workstream, str(row["name"]))
panels.kpis_card(reads, workstream)
panels.projects_card(reads, principles)
st.header("The inequalities it targets")
tracker = gap_tracker_rows()
mine = scorecard.filter_rows(tracker, principles=principles)
if mine.empty:
    st.caption("No gaps are calculated yet for the indicators of its principles.")
else:
    gap_table(mine, columns=scorecard.TRACKER_COLUMNS, key=f"ws_gaps_{workstream}")
panels.history_card(workstream)
panels.offline_card(workstream, str(row["name"]))
