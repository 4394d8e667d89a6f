"""The Principle page's parts: the indicators' trends, the gap summary with links, and the workstreams and KPIs."""

from __future__ import annotations

import streamlit as st

from het.charts.trend import small_multiples
from het.ui.card import About, cached_chart, chart_card, empty_state
from het.ui.reads_indicator import PrinciplePageData, principle_gap_summary
from het.ui.tables import show_table
from het.views import indicator as view
from het.views import principle as principle_view

INDICATOR_PAGE = "pages/indicator.py"
LINKS_PER_ROW = 3


# More panels than a person reads at once in a meeting: the rest are a click away on the Indicator page.
MAX_PANELS = 24


def trends_card(data: PrinciplePageData) -> None:
    frame = principle_view.principle_multiples_frame(data.series, authority_code=data.authority_code)
    if frame.empty:
        empty_state("No values are loaded yet for this principle's indicators at the ages shown.")
        return
    panels = list(dict.fromkeys(frame["panel"]))
    if len(panels) > MAX_PANELS:
        frame = frame[frame["panel"].isin(panels[:MAX_PANELS])].reset_index(drop=True)
        st.caption(
            f"Showing the first {MAX_PANELS} of {len(panels)} panels; open an indicator (below) for the rest."
        )
    sources = sorted(set(data.indicators["source"]))
    chart_card(
        cached_chart(
            small_multiples,
            frame,
            authority=data.authority_name,
            name_field="panel",
            columns=3,
            panel_width=230,
        ),
        frame,
        key="principle_trends",
        title=f"{data.authority_name} and England over time, one panel per indicator",
        caption=f"{data.authority_name} (solid, with its 95% confidence interval shaded) and England (dashed). "
        "Each panel has its own scale and unit.",
        about=About(
            source="; ".join(sources),
            period=f"{frame['period_label'].iloc[0]} onwards, every period loaded",
            method="Values as published, with their 95% confidence intervals.",
            extracts=view.extract_names(data.extracts),
        ),
    )


def gap_section(data: PrinciplePageData) -> None:
    table = principle_gap_summary(data)
    if table.empty:
        empty_state("No gap summary: none of this principle's indicators has a value loaded yet.")
    else:
        # A static table wraps its text, so every column stays readable on a meeting-room screen.
        st.table(table.drop(columns="indicator_id"), hide_index=True)
        st.caption(
            f"Latest period for each indicator. vs England: England's value against {data.authority_name}'s "
            "95% interval. Recent trend: the Fingertips rule on the last five points. Deprivation gap: the slope "
            "index of inequality across local deprivation quintiles, positive when the more deprived are worse "
            "off (pp = percentage points), and whether it is narrowing or widening. Worst ward / ethnic group: "
            f"the worst of those significantly worse than {data.authority_name} as a whole (how many of all "
            "the groups are significantly worse). A period in [brackets] is the latest with that breakdown."
        )
    st.markdown("**Open an indicator in depth**")
    ids = data.indicators["indicator_id"].tolist()
    names = dict(zip(data.indicators["indicator_id"], data.indicators["name"], strict=True))
    for start in range(0, len(ids), LINKS_PER_ROW):
        for column, indicator_id in zip(
            st.columns(LINKS_PER_ROW), ids[start : start + LINKS_PER_ROW], strict=False
        ):
            with column:
                st.page_link(
                    INDICATOR_PAGE,
                    label=names[indicator_id],
                    icon=":material/query_stats:",
                    query_params={"indicator": indicator_id},
                )


NO_KPIS = (
    "No KPIs loaded yet for {name}. The workstream KPIs are not public: analysts load them from a KPI file "
    "(measure, baseline, latest, target, period, owner) on the Load an extract page."
)


def workstream_section(data: PrinciplePageData) -> None:
    if data.workstreams.empty:
        empty_state("No workstream is linked to this principle yet (data/workstream_principles.csv).")
        return
    show_table(
        principle_view.workstream_table(data.workstreams, data.kpis, data.actions),
        hide_index=True,
        width="stretch",
        key="principle_workstreams",
    )
    for row in data.workstreams.itertuples(index=False):
        kpis = data.kpis[data.kpis["workstream_id"] == row.workstream_id]
        actions = data.actions[data.actions["workstream_id"] == row.workstream_id]
        with st.container(border=True):
            st.markdown(f"**{row.name}** · {row.status}")
            st.caption(row.description)
            if kpis.empty:
                empty_state(NO_KPIS.format(name=row.name))
            else:
                show_table(
                    principle_view.kpi_table(kpis),
                    hide_index=True,
                    width="stretch",
                    key=f"kpis_{row.workstream_id}",
                )
                st.caption(
                    "Progress: target met when the latest value reaches the target; otherwise on or off "
                    "track against the straight line from the baseline to the target. Judged only where "
                    "the KPI's polarity says which way is better. A KPI linked to an indicator takes its "
                    "baseline and latest value from the loaded data, as on its Workstream page."
                )
            if actions.empty:
                st.caption("No actions recorded for this workstream.")
            else:
                show_table(
                    principle_view.action_table(actions),
                    hide_index=True,
                    width="stretch",
                    key=f"actions_{row.workstream_id}",
                )
