"""The funnel plot: each ward's value against its denominator, around the authority's value, with the
95% and 99.8% control limits of het.stats.funnel. The authority is named by the caller (`authority=`)."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from het.charts import palette
from het.charts.common import (
    BARE_UNITS,
    FONT_SIZE,
    check_authority,
    datum_field,
    format_expr,
    js,
    one_row,
    require_frame,
    titled,
)
from het.format import format_value
from het.stats.benchmark import HIGHER, LOWER, NOT_COMPARED, SIMILAR
from het.stats.funnel import (
    ABOVE_95,
    ABOVE_998,
    BELOW_95,
    BELOW_998,
    DENOMINATOR,
    LEVELS,
    SIGNIFICANCE_ORDER,
    WITHIN,
    limit_columns,
)

POINT_COLUMNS = ("area_name", "value", DENOMINATOR, "significance")
CURVE_COLUMNS = (DENOMINATOR, *(name for level in LEVELS for name in limit_columns(level)))
LOG_SPAN = 100  # a log x axis once the largest denominator is more than this many times the smallest

# Funnel labels say above or below, never better or worse, so they take the no-judgement colours and
# hollow text symbols (palette: 'higher' / 'lower'); the side is the colour, and the 99.8% level is a
# filled, doubled triangle where the 95% level is a hollow, single one, so neither colour nor shape
# carries the meaning alone.
_UP = palette.COMPARISON_COLOURS[HIGHER]
_DOWN = palette.COMPARISON_COLOURS[LOWER]
_DOUBLE_UP = "M-1,0L0,-1L1,0Z M-1,1L0,0L1,1Z"  # two triangles stacked, like the symbol's two
_DOUBLE_DOWN = "M-1,-1L0,0L1,-1Z M-1,0L0,1L1,0Z"
SIGNIFICANCE_SYMBOLS: dict[str, str] = {
    ABOVE_998: "△△",
    ABOVE_95: "△",
    WITHIN: palette.COMPARISON_SYMBOLS[SIMILAR],
    BELOW_95: "▽",
    BELOW_998: "▽▽",
    NOT_COMPARED: palette.COMPARISON_SYMBOLS[NOT_COMPARED],
}
_SHAPES = {
    ABOVE_998: _DOUBLE_UP,
    ABOVE_95: "triangle-up",
    WITHIN: "circle",
    BELOW_95: "triangle-down",
    BELOW_998: _DOUBLE_DOWN,
    NOT_COMPARED: "circle",
}
_FILLS = {
    ABOVE_998: _UP,
    ABOVE_95: palette.PAPER,
    WITHIN: palette.COMPARISON_COLOURS[SIMILAR],
    BELOW_95: palette.PAPER,
    BELOW_998: _DOWN,
    NOT_COMPARED: palette.PAPER,
}
_STROKES = {
    ABOVE_998: palette.INK,
    ABOVE_95: _UP,
    WITHIN: palette.INK,
    BELOW_95: _DOWN,
    BELOW_998: palette.INK,
    NOT_COMPARED: palette.MUTED,
}
POINT_SIZE = 120

_LIMIT_NAMES = {0.95: "95% control limits", 0.998: "99.8% control limits"}
_LIMIT_DASHES = {0.95: [2, 2], 0.998: [8, 3]}


def funnel_plot(
    points: pd.DataFrame,
    curves: pd.DataFrame,
    *,
    target: float,
    unit: str,
    decimals: int,
    authority: str,
    x_title: str,
    title: str | None = None,
    area_title: str = "Ward",
    log_x: bool | None = None,
    width: int = 480,
    height: int = 320,
) -> alt.LayerChart:
    """Wards as points (value against denominator) around the authority's value, inside the funnel's limits.

    points: area_name, value, denominator, significance (het.stats.funnel.funnel_significance); a row
    with no value or denominator is kept in the data but not drawn. curves: denominator, lower95,
    upper95, lower998, upper998 (het.stats.funnel.funnel_curve). The 95% limits are dotted and the 99.8%
    limits dashed, named in a legend; the target is a solid line labelled with the authority's name
    and value. Each ward's marker takes its significance's colour and shape, with the text symbol in
    the legend and tooltip. log_x: a log denominator axis; by default, when the wards' denominators span
    more than a factor of LOG_SPAN. The y axis covers the wards and the funnel over their
    denominators; curves beyond it are clipped.
    """
    require_frame(points, POINT_COLUMNS, "funnel_plot")
    require_frame(curves, CURVE_COLUMNS, "funnel_plot")
    check_authority(authority, "funnel_plot")
    if target is None or not math.isfinite(float(target)):
        raise ValueError(f"funnel_plot needs a finite target; got {target!r}")
    target = float(target)
    _check_significance(points)

    drawn = points[points["value"].notna() & points[DENOMINATOR].notna()]
    if drawn.empty:
        raise ValueError("funnel_plot needs at least one ward with a value and a denominator")
    point_n = drawn[DENOMINATOR].astype(float)
    curve_n = curves[DENOMINATOR].astype(float)
    if (point_n <= 0).any() or (curve_n <= 0).any():
        raise ValueError("funnel_plot needs denominators greater than 0")
    if log_x is None:
        log_x = point_n.max() > LOG_SPAN * point_n.min()
    x_scale = (
        alt.Scale(
            type="log",
            domain=[float(min(point_n.min(), curve_n.min())), float(max(point_n.max(), curve_n.max()))],
        )
        if log_x
        else alt.Scale(zero=True)
    )
    y_scale = alt.Scale(domain=_y_domain(drawn, curves, target), zero=False)
    x = alt.X(f"{DENOMINATOR}:Q", title=x_title, scale=x_scale)
    y_title = unit if unit not in BARE_UNITS else None
    target_text = f"{authority}: {format_value(target, unit=unit, decimals=decimals)}"

    limits = _limit_layer(curves, x=x, y_title=y_title, y_scale=y_scale)
    target_rule = (
        one_row()
        .mark_rule(color=palette.INK, strokeWidth=2)
        .encode(y=alt.datum(target), tooltip=alt.value(target_text), description=alt.value(target_text))
    )
    # At the left, where the funnel is widest, the label sits clear of the limits.
    target_label = (
        one_row()
        .mark_text(align="left", baseline="bottom", dx=4, dy=-4, fontSize=FONT_SIZE, color=palette.INK)
        .encode(x=alt.value(0), y=alt.datum(target), text=alt.value(target_text))
    )
    legend = alt.Legend(
        title=f"Compared with {authority}",
        orient="bottom",
        direction="vertical",
        labelExpr=f"{js(SIGNIFICANCE_SYMBOLS)}[datum.label] + ' ' + datum.label",
        symbolSize=POINT_SIZE,
        symbolStrokeWidth=1.5,
    )
    # The legend lists the labels of the markers drawn; a ward with no value has none.
    drawn_labels = set(drawn["significance"])
    shown = [label for label in SIGNIFICANCE_ORDER if label in drawn_labels]
    tooltip = [
        alt.Tooltip("area_name:N", title=area_title),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("denominator_text:N", title=x_title),
        alt.Tooltip("significance_text:N", title=f"Compared with {authority}"),
    ]
    wards = (
        alt.Chart()
        .transform_filter(f"isValid({datum_field('value')}) && isValid({datum_field(DENOMINATOR)})")
        .mark_point(filled=True, opacity=1, size=POINT_SIZE, strokeWidth=1.5)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=y_title, scale=y_scale),
            shape=alt.Shape("significance:N", scale=_scale(_SHAPES, shown), legend=legend),
            fill=alt.Fill("significance:N", scale=_scale(_FILLS, shown), legend=legend),
            stroke=alt.Stroke("significance:N", scale=_scale(_STROKES, shown), legend=legend),
            tooltip=tooltip,
        )
    )
    chart = (
        alt.layer(limits, target_rule, target_label, wards, data=points)
        .transform_calculate(
            value_text=format_expr("value", unit=unit, decimals=decimals),
            denominator_text=format_expr(DENOMINATOR, unit="", decimals=0),
            significance_text=f"{js(SIGNIFICANCE_SYMBOLS)}[datum.significance] + ' ' + datum.significance",
        )
        .properties(width=width, height=height)
    )
    undrawn = points.loc[~points.index.isin(drawn.index), "area_name"].astype(str).tolist()
    subtitle = f"Not drawn (no value or no denominator): {', '.join(undrawn)}" if undrawn else None
    return titled(chart, title, subtitle)


def _limit_layer(curves: pd.DataFrame, *, x: alt.X, y_title: str | None, y_scale: alt.Scale) -> alt.Chart:
    """The four limit curves from the curves frame, inline, one line per limit, dashed by level."""
    names = [_LIMIT_NAMES[level] for level in LEVELS]
    level_of = {name: _LIMIT_NAMES[level] for level in LEVELS for name in limit_columns(level)}
    rows = _records(curves[list(CURVE_COLUMNS)])
    return (
        alt.Chart(alt.Data(values=rows))
        .transform_fold(list(level_of), as_=["limit", "limit_value"])
        .transform_calculate(limit_name=f"{js(level_of)}[datum.limit]")
        .mark_line(color=palette.MUTED, strokeWidth=1.5, clip=True)
        .encode(
            x=x,
            y=alt.Y("limit_value:Q", title=y_title, scale=y_scale),
            detail="limit:N",
            strokeDash=alt.StrokeDash(
                "limit_name:N",
                scale=alt.Scale(domain=names, range=[_LIMIT_DASHES[level] for level in LEVELS]),
                legend=alt.Legend(title=None, orient="bottom", symbolType="stroke", symbolStrokeWidth=1.5),
            ),
        )
    )


def _y_domain(drawn: pd.DataFrame, curves: pd.DataFrame, target: float) -> list[float]:
    """The wards' values and the target, and the funnel over the wards' denominators, with a margin."""
    smallest = float(drawn[DENOMINATOR].min())
    # The funnel at the smallest ward's denominator is the widest the wards need; curves drawn further
    # left (towards 1) would otherwise stretch the axis until the wards sit on one line.
    near = curves[curves[DENOMINATOR] >= smallest / 1.5]
    if near.empty:
        near = curves
    outer_low, outer_high = limit_columns(max(LEVELS))
    low = min(float(drawn["value"].min()), target, float(near[outer_low].min()))
    high = max(float(drawn["value"].max()), target, float(near[outer_high].max()))
    margin = 0.05 * (high - low) if high > low else max(abs(high), 1.0) * 0.05
    bottom = low - margin
    if low >= 0 > bottom:
        bottom = 0.0  # values here are never negative, so the axis stops at 0
    return [bottom, high + margin]


def _check_significance(points: pd.DataFrame) -> None:
    values = points["significance"]
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise ValueError(f"funnel_plot: significance is missing in row {row + 1}; use 'not compared'")
    unknown = sorted(set(values) - set(SIGNIFICANCE_ORDER))
    if unknown:
        raise ValueError(
            f"funnel_plot: unknown significance label(s) {', '.join(map(repr, unknown))}; "
            f"expected {', '.join(SIGNIFICANCE_ORDER)}"
        )


def _scale(mapping: dict[str, str], labels: list[str]) -> alt.Scale:
    return alt.Scale(domain=labels, range=[mapping[label] for label in labels])


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-safe dicts of floats, missing values as None."""
    return [
        {key: (None if pd.isna(value) else float(value)) for key, value in row.items()}
        for row in frame.to_dict("records")
    ]
