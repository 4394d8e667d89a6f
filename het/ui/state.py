"""Page state in the URL: a link pasted into an agenda opens the same view.

Each control reads its starting value from st.query_params (when valid) and writes its value back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st


def url_choice(
    name: str,
    options: Sequence,
    *,
    label: str,
    default=None,
    format_func: Callable = str,
    widget: str = "selectbox",
    help: str | None = None,
    key: str | None = None,
):
    """A select box (or radio / segmented control) whose value lives in the query parameter `name`.

    key: the widget's key, `url_<name>` by default. Two pages whose controls share a query parameter but not
    their options need their own keys: Streamlit resets a keyed widget whose options changed to its first one.
    """
    options = list(options)
    if not options:
        st.query_params.pop(name, None)
        return None
    by_text = {str(option): option for option in options}
    wanted = st.query_params.get(name)
    start = by_text.get(wanted, default if default in options else options[0])
    key = key or f"url_{name}"
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]  # the options changed (another indicator): fall back to the URL or default
    if key not in st.session_state:
        st.session_state[key] = start
    if widget == "radio":
        value = st.radio(label, options, format_func=format_func, key=key, horizontal=True, help=help)
    elif widget == "segmented":
        value = st.segmented_control(label, options, format_func=format_func, key=key, help=help)
    else:
        value = st.selectbox(label, options, format_func=format_func, key=key, help=help)
    if value is None:
        value = start
    st.query_params[name] = str(value)
    return value


def url_value(name: str, options: Sequence, default=None):
    """The query parameter `name` if it is one of `options`, else the default (no widget)."""
    by_text = {str(option): option for option in options}
    return by_text.get(st.query_params.get(name), default)
