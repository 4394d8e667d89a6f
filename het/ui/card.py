"""The chart card every chart sits in: Chart / Table / Download / About, built once here.

The Table tab shows exactly the frame the chart was built from (the chart inlines that frame and nothing
else), the download is that frame as CSV with formulas neutralised, and About says source, period,
method and the extracts the numbers came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from het.charts.common import InlineChart
from het.format import md_text, safe_csv_bytes
from het.ui.tables import show_table


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
):
    """Render one card; returns the chart's selection event when `selection` names a chart selection.

    width: the chart's width, 'stretch' (the card's) by default; 'content' keeps the chart's own width.
    extra_downloads: more download buttons (label, data, file_name, mime), e.g. the chart as PNG; data may
    be a callable, made only when the button is clicked.
    """
    with st.container(border=True):
        st.markdown(f"**{md_text(title, limit=300)}**")  # titles name indicators: text, not Markdown
        if caption:
            st.caption(caption)
        chart_tab, table_tab, download_tab, about_tab = st.tabs(["Chart", "Table", "Download", "About"])
        event = None
        with chart_tab:
            event = show_chart(chart, key=key, selection=selection, width=width)
        with table_tab:
            show_table(data, hide_index=True, width="stretch", key=f"{key}_table")
        with download_tab:
            st.download_button(
                f"Download the data ({len(data):,} rows, CSV)",
                safe_csv_bytes(data),
                file_name=f"{key}.csv",
                mime="text/csv",
                key=f"{key}_download",
                on_click="ignore",
                icon=":material/download:",
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


def show_chart(chart, *, key: str, selection: str | None = None, width: str | int = "stretch"):
    """Render an Altair chart, or an InlineChart (a map) as its finished spec; returns the selection event."""
    select = {"on_select": "rerun", "selection_mode": selection} if selection else {}
    if isinstance(chart, InlineChart):
        return st.vega_lite_chart(spec=chart.to_dict(), key=key, width=width, **select)
    return st.altair_chart(chart, key=key, width=width, **select)


def empty_state(message: str) -> None:
    """Say why there is nothing to show: never a bare error or a blank chart."""
    st.info(message, icon=":material/info:")
