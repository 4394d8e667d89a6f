"""The chart card every chart sits in: Chart / Table / Download / About, built once here.

The Table tab shows exactly the frame the chart was built from (the chart inlines that frame and nothing
else), the download is that frame as CSV with formulas neutralised, and About says source, period,
method and the extracts the numbers came from.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

# Streamlit's own conversion of an Altair chart (private; what st.altair_chart runs): the spec it makes,
# with its data as Arrow datasets, is what st.vega_lite_chart then sends, so a cached spec renders the same.
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from het.charts.common import InlineChart
from het.format import md_text, plural
from het.ui.data import cache_key
from het.ui.meeting import meeting_chart_spec, meeting_mode
from het.ui.tables import csv_download, show_table
from het.views.tables import people_label, people_table, rounded_columns, shown_columns


@dataclass(frozen=True)
class ChartSpec:
    """A chart built and turned into its finished Vega-Lite spec once per data version (cached_chart)."""

    spec: dict
    picture_json: str | None = None  # the spec with its data inline, for pictures (vl-convert)

    def to_json(self) -> str:
        if self.picture_json is None:
            raise ValueError("this chart was cached without its picture spec: pass picture=True")
        return self.picture_json


_BUILDERS: dict[str, Callable] = {}


def cached_chart(
    builder: Callable, /, *args, properties: dict | None = None, picture: bool = False, **kwargs
) -> ChartSpec:
    """builder(*args, **kwargs) (a het.charts function), as its finished spec, built once per data version.

    Every session asks for the same charts: building an Altair chart and validating its spec costs 50 to
    500 ms of the server's one Python thread (and Streamlit converts one chart at a time, under a lock), so
    the finished spec is cached on the store's data version and the builder's arguments (frames by
    content). properties: chart.properties(...) applied after building; picture: also keep the spec with
    its data inline (ChartSpec.to_json) for PNG and SVG downloads.
    """
    name = f"{builder.__module__}.{builder.__qualname__}"
    _BUILDERS[name] = builder
    spec, picture_json = _finished_spec(cache_key(), name, args, kwargs, properties or {}, picture)
    return ChartSpec(spec, picture_json)


def _pickled(value) -> bytes:
    """How cached_chart's list and dict arguments are hashed: a map's features are thousands of nested
    coordinates, which Streamlit's own hashing walks one value at a time (0.4 s for the Ward map page);
    pickling is one C call, and equal bytes can only come from equal content."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


@st.cache_data(max_entries=512, show_spinner=False, hash_funcs={list: _pickled, dict: _pickled})
def _finished_spec(version, name: str, args, kwargs, properties: dict, picture: bool):
    # version: the store and its data version (what every cached read is keyed on), so a load shows at once.
    # st.cache_data hands every caller its own copy: Streamlit moves the datasets out of a spec it sends.
    chart = _BUILDERS[name](*args, **kwargs)
    if properties:
        chart = chart.properties(**properties)
    spec = chart.to_dict() if isinstance(chart, InlineChart) else _convert_altair_to_vega_lite_spec(chart)
    return spec, (chart.to_json() if picture else None)


@dataclass(frozen=True)
class About:
    source: str
    period: str
    method: str
    extracts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"**Source:** {self.source}", f"**Period:** {self.period}", f"**Method:** {self.method}"]
        if self.extracts:
            lines.append("**Extracts:** " + "; ".join(md_text(e) for e in self.extracts))
        lines += self.notes
        return "\n\n".join(lines)


def chart_card(
    chart,
    data: pd.DataFrame,
    *,
    key: str,
    title: str,
    about: About,
    caption: str | None = None,
    selection: str | None = None,
    width: str | int = "stretch",
    extra_downloads: list[dict] = (),
    decimals: int | None = None,
    unit: str | None = None,
):
    """Render one card; returns the chart's selection event when `selection` names a chart selection.

    width: the chart's width, 'stretch' (the card's) by default; 'content' keeps the chart's own width.
    extra_downloads: more download buttons (label, data, file_name, mime), e.g. the chart as PNG; data may
    be a callable, made only when the button is clicked.
    decimals, unit: the Table tab rounds values to the indicator's decimal places and names its unit; the
    download keeps full precision (and says so). Both have labelled columns (het.views.tables.people_table).
    """
    with st.container(border=True):
        st.markdown(f"**{md_text(title, limit=300)}**")  # titles name indicators: text, not Markdown
        if caption:
            st.caption(caption)
        chart_tab, table_tab, download_tab, about_tab = st.tabs(["Chart", "Table", "Download", "About"])
        event = None
        with chart_tab:
            event = show_chart(
                chart,
                key=key,
                selection=selection,
                width=width,
                alt=f"Chart: {title}. {caption or ''} The same data is in the Table tab.",
            )
        with table_tab:
            show_table(
                data,
                printable=False,  # the card prints its chart; the Table tab is the screen's alternative
                hide_index=True,
                width="stretch",
                key=f"{key}_table",
                column_order=shown_columns(data),
                column_config=_people_columns(data, decimals=decimals, unit=unit),
            )
            if decimals is not None:
                st.caption(
                    f"Values rounded to {plural(decimals, 'decimal place')}; the download has them in full."
                )
        with download_tab:
            csv_download(
                f"Download the data ({plural(len(data), 'row')}, CSV, full precision)",
                lambda: people_table(data, unit=unit),
                file_name=f"{key}.csv",
                key=f"{key}_download",
            )
            for extra in extra_downloads:
                st.download_button(
                    extra["label"],
                    extra["data"],
                    file_name=extra["file_name"],
                    mime=extra["mime"],
                    key=f"{key}_download_{extra['file_name'].rsplit('.', 1)[-1]}",
                    on_click="ignore",
                    icon=":material/download:",
                )
        with about_tab:
            st.markdown(about.markdown())
        st.caption(f"{about.source} · {about.period} · {about.method}")
    return event


def show_chart(
    chart,
    *,
    key: str,
    selection: str | None = None,
    width: str | int | None = "stretch",
    alt: str | None = None,
):
    """Render a cached ChartSpec, an Altair chart, or an InlineChart (a map) as its finished spec; returns the
    selection event. alt: the chart's text alternative for screen readers. In meeting mode the chart's text
    is made larger (het.ui.meeting)."""
    select = {"on_select": "rerun", "selection_mode": selection} if selection else {}
    if isinstance(chart, ChartSpec):
        spec = chart.spec
    elif isinstance(chart, InlineChart):
        spec = chart.to_dict()
    else:
        spec = _convert_altair_to_vega_lite_spec(chart)
    # One text alternative for the whole chart (Streamlit makes alt its accessible name); the marks, axes
    # and legends leave the accessibility tree, where Vega would list every mark container, unlabelled.
    spec = {**spec, "config": _hidden_from_screen_readers(spec)}
    if meeting_mode():
        spec = meeting_chart_spec(spec)
    return st.vega_lite_chart(
        spec=spec, key=key, width=width, alt=" ".join((alt or "").split()) or None, **select
    )


def _people_columns(frame: pd.DataFrame, *, decimals: int | None, unit: str | None) -> dict:
    """The Table tab's column labels, and its values shown to `decimals` places (the frame is unchanged)."""
    rounded = set(rounded_columns(frame)) if decimals is not None else set()
    return {
        column: (
            st.column_config.NumberColumn(people_label(column, unit=unit), format=f"%.{decimals}f")
            if column in rounded
            else st.column_config.Column(people_label(column, unit=unit))
        )
        for column in shown_columns(frame)
    }


def _hidden_from_screen_readers(spec: dict) -> dict:
    """The spec's config with every mark, axis and legend out of the accessibility tree (aria-hidden)."""
    config = dict(spec.get("config") or {})
    config["aria"] = False
    for part in ("mark", "axis", "legend"):
        config[part] = {**(config.get(part) or {}), "aria": False}
    return config


def empty_state(message: str) -> None:
    """Say why there is nothing to show: never a bare error or a blank chart."""
    st.info(message, icon=":material/info:")
