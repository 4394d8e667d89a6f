"""Every table a page shows goes through show_table: its text cells that a spreadsheet would run as a formula
(= + - @, not numbers) get a leading apostrophe before Streamlit sees them, so the grid's own "Download as
CSV" never hands anyone a live formula (het.format.neutralise_formulas). Edit grids are not wrapped: what
an editor shows is what it saves.

A grid draws on a canvas and prints only the rows and columns in its window, so each table also carries a
plain HTML copy of itself (its first PRINT_ROWS rows) that only printing shows: the print stylesheet
(het.ui.chrome) swaps the grid for it.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from html import escape

import pandas as pd
import streamlit as st

from het.format import neutralise_formulas, safe_csv_bytes

PRINT_ROWS = 250


def show_table(data: pd.DataFrame, *, printable: bool = True, **kwargs):
    """st.dataframe of the frame with formulas made inert; returns what st.dataframe returns (selections).

    printable=False leaves out the print copy, where the page prints something else in the table's place
    (a chart card's Table tab: the card prints its chart).
    """
    shown = neutralise_formulas(data) if isinstance(data, pd.DataFrame) else data
    result = st.dataframe(shown, **kwargs)
    if printable and isinstance(shown, pd.DataFrame):
        st.html(
            print_copy(
                shown,
                index=not kwargs.get("hide_index", False),
                column_order=kwargs.get("column_order"),
                column_config=kwargs.get("column_config") or {},
            )
        )
    return result


def csv_download(
    label: str, table: pd.DataFrame | Callable[[], pd.DataFrame], *, file_name: str, key: str, **options
):
    """A download button for a table as CSV with formulas made inert (het.format.safe_csv_bytes). The CSV is
    made when the button is clicked (Streamlit's deferred download), not in every view of every session;
    `table` may be a callable, so a frame only the download needs is not built in every view either.
    options: more st.download_button arguments (by default no rerun on click, and the download icon)."""
    make = table if callable(table) else (lambda: table)
    return st.download_button(
        label,
        lambda: safe_csv_bytes(make()),
        file_name=file_name,
        mime="text/csv",
        key=key,
        **{"on_click": "ignore", "icon": ":material/download:", **options},
    )


def print_copy(
    frame: pd.DataFrame, *, index: bool, column_order=None, column_config: dict | None = None
) -> str:
    """The frame as the grid shows it (its columns, labels and number formats), as a plain HTML table that
    only printing shows; cells escaped, blanks for missing. Written out directly (every table of every page
    view has one: building a frame of text to render with DataFrame.to_html cost more than the grid)."""
    config = column_config or {}
    columns = [c for c in (column_order or frame.columns) if c in frame.columns]
    head = frame.head(PRINT_ROWS)
    shown: dict[str, list[str]] = {}  # label -> escaped cells; a repeated label keeps its place, last wins
    for column in columns:
        setting = config.get(column, {})
        if setting is None or (isinstance(setting, dict) and setting.get("hidden")):
            continue
        label = setting if isinstance(setting, str) else (setting.get("label") or column)
        number_format = (
            (setting.get("type_config") or {}).get("format") if isinstance(setting, dict) else None
        )
        shown[label] = [escape(_cell(v, number_format)) for v in head[column].tolist()]
    keys = [k if isinstance(k, tuple) else (k,) for k in head.index.tolist()] if index else [()] * len(head)
    header = "<th></th>" * (head.index.nlevels if index else 0)
    header += "".join(f"<th>{escape(str(label))}</th>" for label in shown)
    rows = [
        "<tr>"
        + "".join(f"<th>{escape(str(part))}</th>" for part in key)
        + "".join(f"<td>{cells[i]}</td>" for cells in shown.values())
        + "</tr>"
        for i, key in enumerate(keys)
    ]
    table = (
        f'<table class="het-print-table"><thead><tr>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    more = (
        f"<p>The first {PRINT_ROWS:,} of {len(frame):,} rows; the page's download has them all.</p>"
        if len(frame) > PRINT_ROWS
        else ""
    )
    return f'<div class="het-print-only">{table}{more}</div>'


_PRINTF = re.compile(r"%([+\- 0#]*)(,?)(\d*)(?:\.(\d+))?([dfieEgGs])")


def _cell(value, number_format: str | None) -> str:
    """A cell as the grid would show it: a printf-style number format as Streamlit reads it (',' for
    thousands), else numbers to four decimals at most; missing cells blank."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, numbers.Real):
        return str(value)
    if number_format and (match := _PRINTF.search(number_format)):
        flags, comma, width, precision, kind = match.groups()
        spec = f"{flags}{comma}{width}{'.' + precision if precision else ''}{'d' if kind == 'i' else kind}"
        try:
            number = format(int(value) if kind in "di" else float(value), spec)
        except (TypeError, ValueError):
            number = str(value)
        text = number_format[: match.start()] + number + number_format[match.end() :]
        return text.replace("%%", "%")
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    return f"{float(value):,.4f}".rstrip("0").rstrip(".")
