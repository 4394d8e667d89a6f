"""Where is need greatest? Each ward's significant differences from the authority, counted and scored per
Marmot principle (proportionate universalism), beside the actions and projects recorded on those principles.
"""

import streamlit as st

from het.ui import places_need as panels
from het.ui.card import empty_state
from het.ui.places_controls import ward_set_choice
from het.ui.reads_places import places_reads

reads = places_reads()
st.title(f"Where in {reads.authority_name} is need greatest?")
st.caption(
    "Proportionate universalism: action for everyone, at a scale and intensity proportionate to need. "
    "This page ranks the wards by how often they do worse than the authority as a whole."
)
if reads.ward_obs.empty:
    empty_state("No ward values are loaded yet: the need table is built from ward extracts.")
    st.stop()
ward_set = ward_set_choice(reads, set(reads.ward_obs["ward_set"]))
panels.need_section(reads, ward_set)
