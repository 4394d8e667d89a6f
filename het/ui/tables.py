"""Every table a page shows goes through show_table: its text cells that a spreadsheet would run as a formula
(= + - @, not numbers) get a leading apostrophe before Streamlit sees them, so the grid's own "Download as
CSV" never hands anyone a live formula (het.format.neutralise_formulas). Edit grids are not wrapped: what
an editor shows is what it saves."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from het.format import neutralise_formulas


def show_table(data: pd.DataFrame, **kwargs):
    """st.dataframe of the frame with formulas made inert; returns what st.dataframe returns (selections)."""
    return st.dataframe(neutralise_formulas(data) if isinstance(data, pd.DataFrame) else data, **kwargs)
