"""Page state in the URL: a link pasted into an agenda opens the same view.

Each control reads its starting value from st.query_params (when valid) and writes its value back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from het.format import md_code, md_text


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
    _asked(name)
    if not options:
        st.query_params.pop(name, None)
        return None
    by_text = {str(option): option for option in options}
    wanted = st.query_params.get(name)
    start = by_text.get(wanted, default if default in options else options[0])
    key = key or f"url_{name}"
    wrote = f"_{key}_wrote"  # what this control last put in the URL
    if wanted is not None and wanted not in by_text and st.session_state.get(wrote) != wanted:
        # From a link (a typo, an old bookmark), not from this control's own options changing: say so.
        link_notice(name, label, wanted, format_func(start))
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
    st.query_params[name] = st.session_state[wrote] = str(value)
    return value


_NOTICES = "_link_notices"
_ASKED = "_link_parameters_asked"  # the query parameters this run's page has read
_GIVEN = "_link_parameters_given"  # the query parameters the URL had when this run started
# Streamlit's own query parameters (st.query_params never shows them, but a link may carry them).
STREAMLIT_PARAMETERS = frozenset({"embed", "embed_options"})


def _asked(name: str) -> None:
    st.session_state.setdefault(_ASKED, set()).add(name)


def url_param(name: str) -> str | None:
    """The query parameter `name` as the link gave it (or None), noted as one this page uses."""
    _asked(name)
    return st.query_params.get(name)


def start_link_tracking() -> None:
    """At the start of every run (app.py, before anything reads the URL): note the parameters the link has,
    and that none has been read yet."""
    st.session_state[_ASKED] = set()
    st.session_state[_GIVEN] = list(st.query_params)


def link_notice_area() -> None:
    """Where this run's link notices go: above the page (app.py calls it before the page runs), so a notice
    from a control in a narrow column does not push that column's control down."""
    st.session_state[_NOTICES] = st.container()


def unknown_parameter_notice() -> None:
    """After the page has run (app.py): a link parameter the page never read is named above the page, said
    to be ignored, and leaves the URL (a typo such as `?indictor=...`, or a parameter of another page)."""
    asked = st.session_state.get(_ASKED, set())
    given = st.session_state.get(_GIVEN, [])
    unknown = [
        name
        for name in given
        if name in st.query_params and name not in asked and name not in STREAMLIT_PARAMETERS
    ]
    if not unknown:
        return
    area = st.session_state.get(_NOTICES)
    listed = ", ".join(md_code(name, limit=40) for name in unknown[:5])
    more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
    this = "parameter" if len(unknown) == 1 else "parameters"
    (area if area is not None else st).warning(
        f"The link has the {this} {listed}{more}, which this page does not use: "
        f"{'it is' if len(unknown) == 1 else 'they are'} ignored.",
        icon=":material/link_off:",
    )
    for name in unknown:
        st.query_params.pop(name, None)


def link_notice(name: str, label: str, wanted: str, shown) -> None:
    """Say that the link's `name` asked for something het cannot show here, and what is shown instead."""
    area = st.session_state.get(_NOTICES)
    (area if area is not None else st).warning(
        f"The link asks for {label.lower()} “{md_text(wanted, limit=80)}”, which het cannot show here "
        f"(parameter `{name}`): showing {md_text(str(shown), limit=160)} instead.",
        icon=":material/link_off:",
    )


def fixed_value(name: str, label: str, value) -> None:
    """A parameter with only one possible value here (no control): a link asking for another is told so,
    and the parameter leaves the URL."""
    wanted = url_param(name)
    if wanted is not None and wanted != str(value):
        link_notice(name, label, wanted, value)
    st.query_params.pop(name, None)


def url_value(name: str, options: Sequence, default=None):
    """The query parameter `name` if it is one of `options`, else the default (no widget)."""
    by_text = {str(option): option for option in options}
    return by_text.get(url_param(name), default)
