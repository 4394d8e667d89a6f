"""Groups within the authority: bars (or dots) per ward, ethnic group or deprivation group against a
reference, and the deprivation gradient with its fitted slope index of inequality line."""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import pandas as pd

from het.charts import palette
from het.charts.common import (
    BARE_UNITS,
    FONT_SIZE,
    check_authority,
    check_comparisons,
    comparison_legend,
    format_expr,
    interval_expr,
    js,
    one_row,
    require_frame,
    symbol_expr,
    titled,
)
from het.format import format_value
from het.stats.benchmark import NOT_COMPARED


def group_bar_chart(
    frame: pd.DataFrame,
    *,
    category_field: str,
    value_field: str = "value",
    unit: str,
    decimals: int,
    reference_value: float,
    reference_label: str,
    sort: str | Sequence[str] = "value",
    from_zero: bool = True,
    title: str | None = None,
    width: int = 420,
) -> alt.LayerChart:
    """Horizontal bars per ward / ethnic group / deprivation group, with 95% intervals, against a reference.

    frame: category_field, value_field, lower_ci95, upper_ci95, comparison (against the reference).
    Bars are filled by comparison; the value and its symbol are printed in a column to the right of
    the plot; a dashed rule marks the reference value, named by reference_label (the authority's name).
    sort: 'value' (highest first), the name of a column to sort by ascending (e.g. 'category_rank',
    1 = most deprived at the top), or the categories in order. from_zero=False draws a dot per group on an axis that need not start
    at zero (a bar must start at zero), for measures such as life expectancy whose gaps are small
    beside their size.
    """
    require_frame(
        frame, (category_field, value_field, "lower_ci95", "upper_ci95", "comparison"), "group_bar_chart"
    )
    present = check_comparisons(frame, "comparison", "group_bar_chart")
    if frame[category_field].duplicated().any():
        repeated = frame.loc[frame[category_field].duplicated(), category_field].iloc[0]
        raise ValueError(f"group_bar_chart: {category_field} {repeated!r} appears more than once")
    if reference_value is None or not math.isfinite(float(reference_value)):
        raise ValueError(f"group_bar_chart needs a finite reference_value; got {reference_value!r}")
    if isinstance(sort, str):
        if sort == "value":
            order = alt.EncodingSortField(field=value_field, op="min", order="descending")
        elif sort in frame.columns:
            order = alt.EncodingSortField(field=sort, op="min", order="ascending")
        else:
            raise ValueError(
                f"group_bar_chart: sort must be 'value', a column or a list of categories; got {sort!r}"
            )
    else:
        order = list(sort)
        missing = sorted(set(frame[category_field]) - set(order))
        if missing:
            raise ValueError(f"group_bar_chart: sort order is missing {', '.join(map(str, missing))}")

    y = alt.Y(f"{category_field}:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    x_title = unit if unit not in BARE_UNITS else None
    x = alt.X(f"{value_field}:Q", title=x_title, scale=alt.Scale(zero=from_zero))
    tooltip = [
        alt.Tooltip(f"{category_field}:N", title="Group"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("interval_text:N", title="95% interval"),
        alt.Tooltip("comparison_text:N", title=f"Compared with {reference_label}"),
    ]
    fill = alt.Fill(
        "comparison:N",
        scale=palette.comparison_scale(present),
        legend=comparison_legend(f"Compared with {reference_label}"),
    )
    base = alt.Chart().encode(y=y)
    if from_zero:
        marks = base.mark_bar(height={"band": 0.7}, stroke=palette.MUTED, strokeWidth=0.4)
    else:
        marks = base.mark_point(
            shape="square", filled=True, size=110, stroke=palette.INK, strokeWidth=0.6, opacity=1
        )
    marks = marks.encode(x=x, fill=fill, tooltip=tooltip)
    intervals = base.mark_rule(color=palette.INK, strokeWidth=1.2).encode(
        x=alt.X("lower_ci95:Q", title=x_title), x2="upper_ci95:Q"
    )
    # Values and symbols in their own column right of the plot, clear of bars, intervals and the rule.
    labels = base.mark_text(align="left", dx=8, fontSize=FONT_SIZE, color=palette.INK).encode(
        x=alt.value("width"), text="bar_text:N", tooltip=tooltip
    )
    reference_text = f"{reference_label}: {format_value(reference_value, unit=unit, decimals=decimals)}"
    reference = (
        one_row()
        .mark_rule(color=palette.INK, strokeDash=[5, 3], strokeWidth=1.5)
        .encode(x=alt.datum(float(reference_value)), tooltip=alt.value(reference_text))
    )
    reference_label_layer = (
        one_row()
        .mark_text(align="center", baseline="bottom", dy=-4, fontSize=FONT_SIZE, color=palette.INK)
        .encode(x=alt.datum(float(reference_value)), y=alt.value(0), text=alt.value(reference_text))
    )
    layers = [marks, intervals] if from_zero else [intervals, marks]
    chart = alt.layer(*layers, labels, reference, reference_label_layer, data=frame).transform_calculate(
        value_text=format_expr(value_field, unit=unit, decimals=decimals),
        interval_text=interval_expr("lower_ci95", "upper_ci95", decimals=decimals),
        comparison_text=symbol_expr("comparison"),
        bar_text=(
            f"({format_expr(value_field, unit='', decimals=decimals)}) + ' ' + "
            f"{js(palette.COMPARISON_SYMBOLS)}[datum.comparison]"
        ),
    )
    return titled(chart.properties(width=width, height=alt.Step(22)), title)


def deprivation_chart(
    frame: pd.DataFrame,
    *,
    authority: str,
    unit: str,
    decimals: int,
    sii_line: tuple[float, float] | None = None,
    from_zero: bool = True,
    title: str | None = None,
    width: int = 480,
) -> alt.LayerChart:
    """Deprivation quintiles (or deciles) as bars at their relative-rank midpoints, with the fitted SII line.

    frame: category, category_rank (1 = most deprived, ranks 1..n once each), value, lower_ci95,
    upper_ci95; optionally comparison (with the authority as a whole), which then fills the bars.
    Groups are equal population shares, so group k of n sits at x = (k - 0.5) / n on 0 (most deprived)
    .. 1 (least). sii_line: (fitted value at x = 0, fitted value at x = 1), drawn as a line between them
    (het.stats.sii fits it; Low & Low 2004). from_zero=False draws a dot per group on an axis that
    need not start at zero, as group_bar_chart does. authority: the authority's name, as the
    comparison's legend and tooltip say it ('Compared with' and the authority's name).
    """
    require_frame(
        frame, ("category", "category_rank", "value", "lower_ci95", "upper_ci95"), "deprivation_chart"
    )
    check_authority(authority, "deprivation_chart")
    ranks = sorted(frame["category_rank"].tolist())
    n = len(ranks)
    if ranks != list(range(1, n + 1)):
        raise ValueError(
            f"deprivation_chart needs category_rank 1..{n} once each (one period, one sex and age); got {ranks}"
        )
    has_comparison = "comparison" in frame.columns
    present = check_comparisons(frame, "comparison", "deprivation_chart") if has_comparison else []
    if sii_line is not None:
        at_0, at_1 = (float(v) for v in sii_line)
        if not (math.isfinite(at_0) and math.isfinite(at_1)):
            raise ValueError(f"deprivation_chart: sii_line needs two finite values; got {sii_line!r}")

    categories = frame.sort_values("category_rank")["category"].astype(str).tolist()
    midpoints = [(k - 0.5) / n for k in range(1, n + 1)]
    label_lookup = {str(round(m * 1000)): c for m, c in zip(midpoints, categories, strict=True)}
    x_axis = alt.Axis(
        values=midpoints,
        labelExpr=f"{js(label_lookup)}['' + round(datum.value * 1000)]",
        labelAngle=0 if n <= 5 else -30,
        labelLimit=120,
        grid=False,
    )
    x_title = "Relative deprivation rank: most deprived (0) → least deprived (1)"
    y_title = unit if unit not in BARE_UNITS else None
    gap = 0.08 / n
    tooltip = [
        alt.Tooltip("category:N", title="Group"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("interval_text:N", title="95% interval"),
    ]
    if has_comparison:
        tooltip.append(alt.Tooltip("comparison_text:N", title=f"Compared with {authority}"))
    x_scale = alt.Scale(domain=[0, 1], nice=False)
    if has_comparison:
        fill = alt.Fill(
            "comparison:N",
            scale=palette.comparison_scale(present),
            legend=comparison_legend(f"Compared with {authority}"),
        )
    else:
        fill = alt.value(palette.COMPARISON_COLOURS[NOT_COMPARED])
    x = alt.X("x_start:Q", title=x_title, scale=x_scale, axis=x_axis)
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=from_zero))
    if from_zero:
        bars = (
            alt.Chart()
            .mark_bar(stroke=palette.MUTED, strokeWidth=0.6)
            .encode(x=x, x2="x_end:Q", y=y, y2=alt.datum(0), fill=fill, tooltip=tooltip)
        )
    else:
        bars = (
            alt.Chart()
            .mark_point(shape="square", filled=True, size=110, stroke=palette.INK, strokeWidth=0.6, opacity=1)
            .encode(
                x=alt.X("x_mid:Q", title=x_title, scale=x_scale, axis=x_axis), y=y, fill=fill, tooltip=tooltip
            )
        )
    intervals = (
        alt.Chart()
        .mark_rule(color=palette.INK, strokeWidth=1.2)
        .encode(x="x_mid:Q", y="lower_ci95:Q", y2="upper_ci95:Q")
    )
    layers = [bars, intervals] if from_zero else [intervals, bars]
    # Each group's value (and comparison symbol) written above its interval: readable without colour or hover.
    layers.append(
        alt.Chart()
        .mark_text(baseline="bottom", dy=-5, fontSize=FONT_SIZE, color=palette.INK)
        .encode(x="x_mid:Q", y="upper_ci95:Q", text="bar_text:N", tooltip=tooltip)
    )
    if sii_line is not None:
        line_tip = (
            f"Fitted line: {format_value(at_0, unit=unit, decimals=decimals)} at the most deprived end, "
            f"{format_value(at_1, unit=unit, decimals=decimals)} at the least deprived end"
        )
        line_name = "fitted line (slope index of inequality)"
        layers.append(
            one_row()
            .transform_calculate(line_name=js(line_name))
            .mark_rule(strokeWidth=2.5, strokeDash=[8, 3])
            .encode(
                x=alt.datum(0.0),
                x2=alt.datum(1.0),
                y=alt.datum(at_0),
                y2=alt.datum(at_1),
                stroke=alt.Stroke(
                    "line_name:N",
                    scale=alt.Scale(domain=[line_name], range=[palette.AUTHORITY_COLOUR]),
                    legend=alt.Legend(
                        title=None,
                        orient="bottom",
                        symbolType="stroke",
                        symbolDash=[8, 3],
                        symbolStrokeWidth=2.5,
                    ),
                ),
                tooltip=alt.value(line_tip),
            )
        )
    chart = (
        alt.layer(*layers, data=frame)
        .transform_calculate(
            x_mid=f"(datum.category_rank - 0.5) / {n}",
            x_start=f"(datum.category_rank - 1) / {n} + {gap}",
            x_end=f"datum.category_rank / {n} - {gap}",
            value_text=format_expr("value", unit=unit, decimals=decimals),
            bar_text=(
                f"({format_expr('value', unit='', decimals=decimals)})"
                + (f" + ' ' + {js(palette.COMPARISON_SYMBOLS)}[datum.comparison]" if has_comparison else "")
            ),
            interval_text=interval_expr("lower_ci95", "upper_ci95", decimals=decimals),
        )
        .properties(width=width, height=260)
    )
    if has_comparison:
        chart = chart.transform_calculate(comparison_text=symbol_expr("comparison"))
    return titled(chart, title)
