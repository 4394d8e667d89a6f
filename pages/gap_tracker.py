"""Gap tracker: every gap by deprivation, ward and ethnic group, its latest size and whether it is narrowing."""

import streamlit as st

from het.ui.briefing import briefing_controls
from het.ui.card import empty_state
from het.ui.leads import apply_filters, gap_filters, gap_table, verdict_counts
from het.ui.reads_leads import gap_tracker_reads, gap_tracker_rows
from het.views import scorecard

data = gap_tracker_reads()
area = data.authority_name
st.title(f"Are {area}'s health gaps narrowing?")
st.caption(
    "Every gap at its latest period: the slope index of inequality (SII, with its 95% interval) across "
    f"{area}'s deprivation quintiles and across its wards, and the range between the best and worst ethnic "
    "group (ethnic groups have no order, so no SII). The trend applies the recent-trend rule to the SII "
    "series. Click a row to open the indicator."
)
filters = gap_filters(data.latest, data.workstreams)
principle_names = {
    int(p): scorecard.principle_heading(p, label)
    for p, label in data.latest.drop_duplicates("principle_id")[["principle_id", "principle_short_label"]]
    .sort_values("principle_id")
    .itertuples(index=False)
}
briefing_controls(principle_names, chosen=list(principle_names), key="brief_gaps")
tracker = gap_tracker_rows()
shown = apply_filters(tracker, filters, data.workstreams)
if filters.attention:
    latest = apply_filters(data.latest, filters, data.workstreams)
    shown = scorecard.needs_attention(shown, latest, authority_name=area)
    columns = scorecard.ATTENTION_COLUMNS
    st.markdown(
        f"**Needs attention:** indicators where {area} is worse than England **and** getting worse, "
        "then every gap that is widening."
    )
else:
    columns = scorecard.TRACKER_COLUMNS
    verdict_counts(shown)
if tracker.empty:
    empty_state(
        f"No gaps have been calculated for {area} yet: they need values by deprivation quintile, ward or "
        "ethnic group. Load an extract with those breakdowns."
    )
elif shown.empty:
    empty_state("Nothing matches these filters" + (" and needs attention." if filters.attention else "."))
else:
    gap_table(shown, columns=columns, key=filters.key())
