"""Data and methods: the indicator catalogue, the extract register, methods, sources and licences."""

import streamlit as st

from het.ui.data import data_and_methods
from het.ui.extracts import extract_actions
from het.ui.tables import show_table
from het.views.tables import (
    ATTRIBUTION,
    METHODS_FILE,
    READER_SOURCES,
    catalogue_table,
    geography_described,
    read_text_file,
    register_table,
)

data = data_and_methods()
if flash := st.session_state.pop("flash", None):
    st.success(flash)
st.title("Where do these numbers come from?")
st.caption(
    f"Store data version {data.data_version}. Geography: {geography_described(data.geography_source)}."
)
indicators_tab, extracts_tab, methods_tab, sources_tab = st.tabs(
    ["Indicators", "Extract register", "Methods", "Sources and licences"]
)
with indicators_tab:
    st.markdown(
        f"**{len(data.catalogue)} indicators** across the eight Marmot principles and overarching outcomes."
    )
    show_table(catalogue_table(data.catalogue), hide_index=True, width="stretch", key="catalogue")
with extracts_tab:
    st.markdown(
        "Every load is kept. A newer extract supersedes values by key; withdrawing it brings back "
        "the values it replaced. Nothing is overwritten or deleted."
    )
    if data.register.empty:
        st.info("No extracts loaded yet.")
    else:
        show_table(register_table(data.register), hide_index=True, width="stretch", key="register")
        extract_actions(data.register)
with methods_tab:
    st.markdown(read_text_file(METHODS_FILE))
with sources_tab:
    st.markdown(f"*{ATTRIBUTION}*")
    st.markdown(READER_SOURCES)
