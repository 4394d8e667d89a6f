"""Load an extract: read, check, preview against the current values, then commit (analysts only)."""

import streamlit as st

from het.ui.auth import analyst_or_explain
from het.ui.upload import (
    choose_file,
    commit_button,
    current_preview,
    map_unknown_indicators,
    read_with_mapping,
    show_preview,
    show_problems,
    template_downloads,
)

st.title("What's new to load?")
st.caption(
    "Fingertips exports, het tidy files, wide ward tables (JSNA style) and Luton 2040 / KPI measures. "
    "The whole file is checked and previewed before anything is written; every load is kept and can be "
    "withdrawn from the Data and methods page."
)
if flash := st.session_state.pop("flash", None):
    st.success(flash)
user = analyst_or_explain()
if user is not None:
    template_downloads()
    chosen = choose_file()
    if chosen is not None:
        name, content, options = chosen
        parsed = read_with_mapping(name, content, options)
        show_problems(parsed)
        map_unknown_indicators(parsed)
        show_preview(current_preview())
        commit_button(parsed, current_preview(), user)
