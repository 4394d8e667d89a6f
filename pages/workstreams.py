"""Workstreams: are the workstreams delivering? Every workstream's chair, principles, actions by status,
KPIs against their targets and its last update, with stale items flagged."""

from datetime import date

import streamlit as st

from het.ui.reads_workstreams import workstream_overview
from het.ui.tables import show_table
from het.views import workstreams as view
from het.views.workstreams import STALE_DAYS

st.title("Are the workstreams delivering?")
st.caption(
    "Partners deliver the Marmot work through workstreams, each chaired by a partner organisation. Where "
    "the town's material gives nothing, the page says 'not yet recorded'. Click a row to open the workstream."
)
stale_days = st.columns([1, 3])[0].number_input(
    "Flag items with no update for this many days", min_value=7, max_value=730, value=STALE_DAYS, step=7
)
table = workstream_overview(today=date.today(), stale_days=int(stale_days))
event = show_table(
    table[view.OVERVIEW_COLUMNS],
    hide_index=True,
    width="stretch",
    key="workstreams_overview",
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        "Stale items": st.column_config.NumberColumn(
            "Stale items", help=f"Open actions and KPIs with no update for {int(stale_days)} days or more"
        )
    },
)
picked = event["selection"]["rows"] if event else []
if picked:
    st.switch_page(
        "pages/workstream.py", query_params={"workstream": table["workstream_id"].iloc[int(picked[0])]}
    )
for row in table.itertuples():
    st.page_link(
        "pages/workstream.py",
        label=f"{row.Workstream}: logic model, actions and KPIs",
        icon=":material/account_tree:",
        query_params={"workstream": row.workstream_id},
    )
