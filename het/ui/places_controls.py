"""Controls shared by the Places pages: the ward set to show, and a ward picked by a click or from a list."""

from __future__ import annotations

import streamlit as st

from het.ui.reads_places import PlacesReads
from het.ui.state import url_choice
from het.views.indicator import ward_set_label


def ward_set_choice(reads: PlacesReads, present: set[str], *, help: str | None = None) -> str:
    """The ward set to show (the latest first) among those `present`; a control only when there are two."""
    sets = [s for s in reads.ward_sets.vintages if s in present]
    if len(sets) <= 1:
        st.query_params.pop("ward_set", None)
        return sets[0]
    return url_choice(
        "ward_set",
        list(reversed(sets)),
        label="Ward set",
        format_func=lambda s: ward_set_label(s, reads.ward_sets),
        widget="segmented",
        help=help,
    )


def take_click(clicked: str | None, options, *, key: str) -> None:
    """A ward clicked on a map becomes the value of the list `key` and of the URL's `ward` (once per click:
    the chart keeps reporting its last selection on every rerun, and the list may have moved on since)."""
    last = f"_{key}_last_click"
    if clicked is not None and clicked in options and st.session_state.get(last) != clicked:
        st.session_state[last] = clicked
        st.session_state[key] = clicked
        st.query_params["ward"] = clicked
    if st.session_state.get(key) not in options:
        st.session_state.pop(key, None)
