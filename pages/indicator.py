"""Indicator: one indicator in depth: trend, wards, ethnic groups, deprivation and the gap over time.

All state (indicator, sex, age, period, breakdown) lives in the URL, so a pasted link opens the same view.
"""

import streamlit as st

from het.format import md_text
from het.ui import indicator_panels as panels
from het.ui.card import empty_state
from het.ui.reads_indicator import indicator_page_data
from het.ui.state import url_choice, url_param
from het.views import indicator as view
from het.views import principle as principle_view

data = indicator_page_data(url_param("indicator"))
names = dict(zip(data.catalogue["indicator_id"], data.catalogue["name"], strict=True))
principles = dict(zip(data.catalogue["indicator_id"], data.catalogue["principle_short_label"], strict=True))
header = st.container()
pick, sex_col, age_col, period_col = st.columns([4, 2, 2, 2])
with pick:
    chosen = url_choice(
        "indicator",
        list(names),
        label="Indicator",
        default=data.indicator_id,
        format_func=lambda i: f"{names[i]} · {principles[i]}",
    )
if chosen != data.indicator_id:
    data = indicator_page_data(chosen)
header.title(md_text(principle_view.indicator_question(data.meta, authority_name=data.authority_name)))
header.caption(md_text(data.meta["definition"], limit=1000))

selection = panels.controls(data, (sex_col, age_col, period_col))
if selection is None:
    empty_state(
        f"No values are loaded for {md_text(data.meta['name'])} yet. Analysts can load an extract on the "
        "Load an extract page; the catalogue entry is on the Data and methods page."
    )
    panels.about_indicator(data)
    st.stop()

panels.headline(data, selection)
panels.trend_card(data, selection)
st.header("Who is most affected?")
breakdown = url_choice(
    "breakdown",
    view.BREAKDOWN_VIEWS,
    label="Break the value down",
    format_func=view.BREAKDOWN_VIEW_LABELS.get,
    widget="radio",
)
panels.PANELS[breakdown](data, selection)
panels.about_indicator(data)
