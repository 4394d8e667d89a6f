"""The pieces every chart builder shares: frame checks, Vega expressions for the text shown beside colour
(values, intervals, comparison symbols), the period axis, the comparison legend and titles."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from het.charts import palette
from het.stats.benchmark import LABEL_ORDER

# Units het.format.format_value prints without a suffix.
BARE_UNITS = ("", "number", "score", "ratio")
FONT_SIZE = 11


def require_frame(frame: pd.DataFrame, columns: Sequence[str], builder: str) -> None:
    """A pandas frame with these columns and at least one row, or a TypeError / ValueError naming the builder."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{builder} needs a pandas DataFrame; got {type(frame).__name__}")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(
            f"{builder} needs column(s) {', '.join(missing)}; the frame has {', '.join(map(str, frame.columns))}"
        )
    if frame.empty:
        raise ValueError(f"{builder} needs at least one row; the frame is empty")


def check_authority(authority: str, builder: str) -> None:
    """The authority's series name must be a name, and not England's (England is the benchmark)."""
    if not isinstance(authority, str) or not authority.strip():
        raise ValueError(
            f"{builder} needs authority, the authority's series name (its area name); got {authority!r}"
        )
    if authority == palette.ENGLAND_SERIES:
        raise ValueError(f"{builder}: authority cannot be {authority!r}; England is the benchmark")


def check_comparisons(frame: pd.DataFrame, field: str, builder: str) -> list[str]:
    """The comparison labels present, in LABEL_ORDER; unknown or missing labels raise ValueError."""
    values = frame[field]
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise ValueError(f"{builder}: {field} is missing in row {row + 1}; use 'not compared'")
    unknown = sorted(set(values) - set(LABEL_ORDER))
    if unknown:
        raise ValueError(
            f"{builder}: unknown {field} label(s) {', '.join(map(repr, unknown))}; expected {', '.join(LABEL_ORDER)}"
        )
    present = set(values)
    return [label for label in LABEL_ORDER if label in present]


def js(value) -> str:
    """A Python str, number or dict as a Vega expression literal."""
    return json.dumps(value, ensure_ascii=False)


def datum_field(name: str) -> str:
    return f"datum[{js(name)}]"


def unit_suffix(unit: str) -> str:
    if unit == "%":
        return "%"
    if unit in BARE_UNITS:
        return ""
    return f" {unit}"


def format_expr(field: str, *, unit: str, decimals: int) -> str:
    """Vega expression printing a field as het.format.format_value does ('62.3%', '–' when missing).

    One difference: d3-format writes negative numbers with a true minus sign (U+2212), not '-'.
    """
    value = datum_field(field)
    return f"isValid({value}) ? format({value}, {js(f',.{int(decimals)}f')}) + {js(unit_suffix(unit))} : '–'"


def interval_expr(lower: str, upper: str, *, decimals: int) -> str:
    """Vega expression printing an interval as het.format.format_interval does ('75.2 to 77.9')."""
    spec = js(f",.{int(decimals)}f")
    lo, hi = datum_field(lower), datum_field(upper)
    return f"isValid({lo}) && isValid({hi}) ? format({lo}, {spec}) + ' to ' + format({hi}, {spec}) : '–'"


def symbol_expr(field: str) -> str:
    """Vega expression for the comparison symbol and label: '▼ worse'."""
    return f"{js(palette.COMPARISON_SYMBOLS)}[{datum_field(field)}] + ' ' + {datum_field(field)}"


def comparison_legend(title: str) -> alt.Legend:
    """A legend whose labels carry the symbol as well as the colour: '▼ worse'."""
    return alt.Legend(
        title=title,
        orient="bottom",
        direction="horizontal",
        labelExpr=f"{js(palette.COMPARISON_SYMBOLS)}[datum.label] + ' ' + datum.label",
        symbolType="square",
        symbolStrokeColor=palette.MUTED,
        symbolStrokeWidth=0.5,
    )


def one_row() -> alt.Chart:
    """A layer reduced to one row of the inherited data: for rules and labels at constant positions."""
    return alt.Chart().transform_aggregate(rows="count()")


def period_x(frame: pd.DataFrame, title: str | None = "Period") -> alt.X:
    # Periods are shown as labelled ('2017 - 19') but ordered by Fingertips' sortable code.
    n_periods = frame["period_label"].nunique()
    return alt.X(
        "period_label:O",
        sort=alt.EncodingSortField(field="period_sort", op="min", order="ascending"),
        title=title,
        axis=alt.Axis(labelAngle=0 if n_periods <= 6 else -40, labelOverlap=True),
    )


def titled(chart, title: str | None, subtitle: str | Sequence[str] | None = None):
    if title is None and subtitle is None:
        return chart
    return chart.properties(title=alt.TitleParams(text=title or "", subtitle=subtitle or "", anchor="start"))


@dataclass(frozen=True)
class InlineChart:
    """An Altair chart whose large inline data (a map's features) is put in after Altair has built the spec.

    Altair converts and validates every inline row, recursively, when a chart is made and again when it is
    turned into a spec; for thousands of ward shapes that takes seconds. The chart is built on small named
    placeholders (alt.NamedData), and to_dict puts each dataset's rows inline where its name is used, so the
    spec a browser receives is the same, with its data inline (a URL would render empty offline).
    """

    chart: alt.TopLevelMixin
    datasets: dict[str, list[dict]]

    def to_dict(self) -> dict:
        spec = self.chart.to_dict()
        missing = set(self.datasets)

        def inline(node):
            if isinstance(node, dict):
                data = node.get("data")
                if isinstance(data, dict) and set(data) == {"name"} and data["name"] in self.datasets:
                    node["data"] = {"values": self.datasets[data["name"]]}
                    missing.discard(data["name"])
                for key, value in node.items():
                    if key != "data":
                        inline(value)
            elif isinstance(node, list):
                for value in node:
                    inline(value)

        inline(spec)
        if missing:
            raise ValueError(f"chart uses no dataset named {', '.join(sorted(missing))}")
        return spec

    def to_json(self) -> str:
        return json.dumps(self.to_dict())


def json_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-safe dicts: numpy scalars to Python, missing values to None, times to ISO text.

    Done here rather than by Altair, whose pandas conversion writes a bare NaN (invalid JSON) for a None
    in an object column.
    """
    records = []
    for row in frame.to_dict("records"):
        clean = {}
        for key, value in row.items():
            if value is None or (not isinstance(value, (list, dict, str)) and pd.isna(value)):
                clean[str(key)] = None
            elif isinstance(value, pd.Timestamp):
                clean[str(key)] = value.isoformat()
            elif isinstance(value, np.generic):
                clean[str(key)] = value.item()
            else:
                clean[str(key)] = value
        records.append(clean)
    return records
