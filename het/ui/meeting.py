"""Meeting mode: het on a meeting-room screen.

A toggle at the top of every page, kept in the URL (`?meeting=on`) so a link in an agenda opens in it, and
kept while the user follows links from page to page. It hides the sidebar and every editing control,
makes the text at least 16 px (the page's root size goes up, so everything Streamlit sizes in rem grows)
and chart text at least 14 px (meeting_chart_spec), and the Principles page steps through the
principles with one key (het.ui.meeting.step_buttons).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from het.ui.state import url_param

PARAMETER = "meeting"
_KEY = "meeting_mode"
_WROTE = "_meeting_mode_wrote"  # whether the last run put ?meeting=on in the URL

# Root font size in meeting mode: Streamlit's smallest text (captions, widget labels, 0.875rem) is then
# 16.6 px; body text 19 px.
ROOT_PX = 19
CHART_LABEL_PX = 15
CHART_TITLE_PX = 17

MEETING_CSS = f"""
<style>
html {{ font-size: {ROOT_PX}px; }}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"] {{ display: none !important; }}
[data-testid="stHeader"] {{ display: none !important; }}
[data-testid="stMainBlockContainer"] {{ max-width: 100%; padding: 1.2rem 2.5rem 3rem 2.5rem; }}
</style>
"""


def meeting_mode() -> bool:
    """Whether this run is in meeting mode (the toggle's state; before the toggle has run, the URL's)."""
    if _KEY in st.session_state:
        return bool(st.session_state[_KEY])
    return url_param(PARAMETER) == "on"


def meeting_toggle() -> bool:
    """The toggle (every page, top right), its parameter in the URL and, when on, the meeting stylesheet.

    A link with ?meeting=on turns it on, also in a session that had it off; a link without the parameter
    (a page link, which carries no parameters) leaves it as it was; switching it off takes it out of the URL.
    """
    from_link = url_param(PARAMETER) == "on"
    if _KEY not in st.session_state or (from_link and not st.session_state.get(_WROTE, False)):
        st.session_state[_KEY] = from_link or bool(st.session_state.get(_KEY, False))
    st.toggle(
        "Meeting mode",
        key=_KEY,
        help="Larger text for a meeting-room screen; hides the sidebar and editing controls. The link keeps "
        "it (?meeting=on). On the Principles page, N and P step through the principles.",
    )
    on = st.session_state[_WROTE] = bool(st.session_state[_KEY])
    if on:
        st.query_params[PARAMETER] = "on"
        st.html(MEETING_CSS)
    else:
        st.query_params.pop(PARAMETER, None)
    return on


def meeting_chart_spec(spec: dict) -> dict:
    """A finished Vega-Lite spec with chart text at least 14 px (axes, legends, titles, text marks)."""
    config = dict(spec.get("config") or {})
    for part in ("axis", "legend", "header"):
        merged = dict(config.get(part) or {})
        merged.update({"labelFontSize": CHART_LABEL_PX, "titleFontSize": CHART_TITLE_PX})
        config[part] = merged
    config["title"] = {**(config.get("title") or {}), "fontSize": CHART_TITLE_PX + 2}
    config["text"] = {**(config.get("text") or {}), "fontSize": CHART_LABEL_PX}
    return {**spec, "config": config, **({"layer": _bigger_text(spec["layer"])} if "layer" in spec else {})}


def _bigger_text(layers: list) -> list:
    """Text marks that set their own font size (labels on bars) get at least the meeting size."""
    out = []
    for layer in layers:
        if (
            isinstance(layer, dict)
            and isinstance(layer.get("mark"), dict)
            and layer["mark"].get("type") == "text"
        ):
            size = layer["mark"].get("fontSize")
            if isinstance(size, int | float) and size < CHART_LABEL_PX:
                layer = {**layer, "mark": {**layer["mark"], "fontSize": CHART_LABEL_PX}}
        if isinstance(layer, dict) and "layer" in layer:
            layer = {**layer, "layer": _bigger_text(layer["layer"])}
        out.append(layer)
    return out


def step_buttons(key: str, options: Sequence, current, label: Callable[[object], str]) -> None:
    """In meeting mode: Previous and Next buttons (keys P and N) that move the keyed select box `key`
    (showing `current`) through `options`, wrapping around."""
    if not meeting_mode() or len(options) < 2:
        return
    options = list(options)
    at = options.index(current) if current in options else 0

    def move(step: int) -> None:
        st.session_state[key] = options[(at + step) % len(options)]

    back, ahead, _ = st.columns([2, 2, 3])
    back.button(
        f"Previous: {label(options[(at - 1) % len(options)])}",
        key=f"{key}_previous",
        on_click=move,
        args=(-1,),
        shortcut="P",
        icon=":material/arrow_back:",
        width="stretch",
    )
    ahead.button(
        f"Next: {label(options[(at + 1) % len(options)])}",
        key=f"{key}_next",
        on_click=move,
        args=(1,),
        shortcut="N",
        icon=":material/arrow_forward:",
        type="primary",
        width="stretch",
    )
