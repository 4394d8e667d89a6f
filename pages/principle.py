"""Principle: one Marmot principle: its indicators' trends and gaps, and the workstreams and KPIs serving it.

The principle lives in the URL (?principle=0..8), so a pasted link opens the same view.
"""

import streamlit as st

from het.ui import principle_panels as panels
from het.ui.briefing import briefing_controls
from het.ui.meeting import step_buttons
from het.ui.reads_indicator import principle_page_data
from het.ui.state import url_choice, url_value
from het.views import principle as principle_view

AGES = {"own": "each indicator's own age", "all": "every age band loaded"}
all_ages = url_value("ages", list(AGES)) == "all"
data = principle_page_data(url_value("principle", range(9)), all_ages=all_ages)
short = dict(zip(data.principles["principle_id"].astype(int), data.principles["short_label"], strict=True))
header = st.container()
chosen = url_choice(
    "principle",
    list(short),
    label="Marmot principle",
    default=data.principle_id,
    format_func=lambda p: short[p] if p == 0 else f"{p}. {short[p]}",
)
step_buttons("url_principle", list(short), chosen, lambda p: short[p] if p == 0 else f"{p}. {short[p]}")
if chosen != data.principle_id:
    data = principle_page_data(chosen, all_ages=all_ages)
header.title(
    principle_view.principle_question(
        data.principle_id, short[data.principle_id], authority_name=data.authority_name
    )
)
description = data.principles.set_index("principle_id").loc[data.principle_id, "description"]
header.markdown(f"**{data.label}**")
header.caption(f"{description if isinstance(description, str) else ''} {len(data.indicators)} indicators.")

briefing_controls(
    {p: (short[p] if p == 0 else f"{p}. {short[p]}") for p in short},
    chosen=[data.principle_id],
    key="brief_principle",
)
st.header("Are things improving?")
ages = url_choice("ages", list(AGES), label="Trends for", default="own", format_func=AGES.get, widget="radio")
if (ages == "all") != all_ages:
    data = principle_page_data(data.principle_id, all_ages=ages == "all")
panels.trends_card(data)
st.header("Are the gaps closing?")
panels.gap_section(data)
st.header("Who is working on it?")
panels.workstream_section(data)
