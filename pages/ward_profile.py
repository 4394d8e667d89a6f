"""Ward profile: how does a ward compare with the authority? Its people, its deprivation and every
indicator with ward values on a spine chart, beside a second ward if wanted.

The ward is chosen by a click on the small map or from the list; ward, comparison, ward set and indicator
live in the URL.
"""

import streamlit as st

from het.ui import places_profile as panels
from het.ui.card import empty_state
from het.ui.places_controls import ward_set_choice
from het.ui.reads_places import places_reads
from het.ui.state import url_param

reads = places_reads()
st.title(f"How does each ward compare with {reads.authority_name}?")
if reads.profiles.empty:
    empty_state("No wards are loaded: load a geography pack (Data and methods) to profile wards.")
    st.stop()

map_col, pick_col = st.columns([1, 1])
with pick_col:
    ward_set = ward_set_choice(
        reads,
        set(reads.profiles["ward_set"]),
        help="Data before the change of wards is on the earlier set; the two sets are never joined by name.",
    )
with map_col:
    clicked = panels.locator_map(reads, ward_set, [url_param("ward"), url_param("compare")])
with pick_col:
    ward, compare = panels.ward_choices(reads, ward_set, clicked)
    panels.relation_note(reads, ward, ward_set)

wards = [ward] + ([compare] if compare else [])
columns = st.columns(len(wards))
for column, code in zip(columns, wards, strict=True):
    with column:
        panels.facts_panel(reads, code)

st.header("Better or worse than the authority, indicator by indicator")
panels.spine_card(reads, ward_set, wards)
st.header("How has it changed?")
panels.trend_card(reads, ward, ward_set)
