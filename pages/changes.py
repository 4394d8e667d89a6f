"""What changed since the last meeting: new data, revised values, withdrawn values and the comparisons with
England that changed, since a date or an extract (from the extract register, never typed by hand)."""

import streamlit as st

from het.ui.changes import changes_since, show_changes, since_control
from het.ui.data import data_and_methods

data = data_and_methods()
st.title("What has changed since the last meeting?")
st.caption(
    "Compares the store now with the store as it stood at a moment: the extracts loaded by then and not "
    "withdrawn by then. Times are as the extract register records them (UTC)."
)
since = since_control(data.register)
show_changes(changes_since(since))
