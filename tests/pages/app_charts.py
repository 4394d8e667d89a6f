"""Reading charts and their card tables back out of an AppTest run."""

from __future__ import annotations

import json

import pandas as pd
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from het.charts.data import chart_data

# Fields the hex map adds to each row to draw it (het.charts.maps.hex_features); the rest are the frame's rows.
HEX_FEATURE_FIELDS = ("type", "geometry", "hex_x", "hex_y", "hex_label")


def chart_rows(element) -> pd.DataFrame:
    """The rows a rendered chart carries.

    st.altair_chart moves a spec's named datasets into proto.datasets (Arrow); inline `values` (the hex
    map's features) stay in the spec, json.loads(proto.spec). A het chart has exactly one dataset.
    """
    spec = json.loads(element.proto.spec)
    if element.proto.datasets:
        frames = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in element.proto.datasets]
        assert len(frames) == 1, f"a het chart carries one dataset; this one carries {len(frames)}"
        return frames[0]
    rows = pd.DataFrame(chart_data(spec))
    return rows.drop(columns=[c for c in HEX_FEATURE_FIELDS if c in rows.columns])


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-like dicts (missing values None, numbers as floats), for comparing two routes to the same rows."""
    return json.loads(frame.reset_index(drop=True).to_json(orient="records", double_precision=15))


def charts_and_tables(at) -> list[tuple[list[dict], list[dict]]]:
    """Each chart's rows beside its card's Table tab: a card renders its chart, then its table, so the
    i-th chart pairs with the i-th dataframe (dataframes outside cards come after every card on these pages)."""
    charts = at.get("vega_lite_chart")
    tables = [df.value for df in at.dataframe]
    assert len(tables) >= len(charts)
    return [
        (records(chart_rows(chart)), records(table)) for chart, table in zip(charts, tables, strict=False)
    ]
