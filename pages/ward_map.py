"""Ward map: where in the authority are the gaps? A choropleth on the real ward boundaries (or the hex
cartogram), one map per period, a funnel plot and the LSOA deprivation layer.

All state (indicator, sex, age, period, map, colour, classes, names, ward) lives in the URL.
"""

import streamlit as st

from het.ui import places_map as panels
from het.ui.card import empty_state
from het.ui.reads_places import places_reads

reads = places_reads()
st.title(f"Where in {reads.authority_name} are the gaps between wards?")
if reads.ward_obs.empty:
    empty_state(
        "No ward values are loaded yet. Analysts can load a ward extract on the Load an extract page; "
        "the maps then show each ward against the authority."
    )
    st.stop()
selection = panels.controls(reads)
map_col, side_col = st.columns([3, 1])
with side_col:
    style = panels.style_controls(reads, selection)
with map_col:
    clicked = panels.map_card(reads, selection, style)
with side_col:
    ward = panels.ward_picker(reads, selection, clicked)
    if ward is not None:
        panels.ward_summary(reads, ward, selection)

st.header("Has the pattern changed?")
panels.small_multiples_card(reads, selection, style)
st.header("Which differences are more than chance?")
panels.funnel_card(reads, selection)
st.header("Where are the most deprived neighbourhoods?")
panels.lsoa_card(reads, selection)
