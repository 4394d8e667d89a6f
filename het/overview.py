"""The first Overview: the latest local and England value of every indicator, grouped by principle."""

from __future__ import annotations

import pandas as pd

from het.format import format_column, format_interval_column

OVERVIEW_COLUMNS = ["Indicator", "Sex", "Period", "Luton", "95% CI", "England"]


def overview_tables(
    latest: pd.DataFrame, *, local_name: str = "Luton"
) -> dict[tuple[int, str], pd.DataFrame]:
    """One display table per principle, keyed by (principle_id, principle_label), in principle order.

    Values are formatted with each indicator's unit and decimals; indicators without data say so.
    """
    frame = latest.copy()
    frame["Indicator"] = frame["name"]
    frame["Sex"] = frame["sex"].fillna("")
    frame["Period"] = frame["period_label"].fillna("no data loaded")
    frame[local_name] = format_column(frame["local_value"], frame["unit"], frame["decimals"])
    frame["95% CI"] = format_interval_column(
        frame["local_lower_ci95"], frame["local_upper_ci95"], frame["decimals"]
    )
    frame["England"] = format_column(frame["england_value"], frame["unit"], frame["decimals"])
    columns = [local_name if c == "Luton" else c for c in OVERVIEW_COLUMNS]
    tables = {}
    for (pid, label), group in frame.groupby(["principle_id", "principle_label"], sort=True):
        tables[(int(pid), str(label))] = group[columns].reset_index(drop=True)
    return tables
