"""Chart builders: tidy frames in, Altair charts out. They never render and never touch Streamlit.

Every chart inlines exactly the rows of the frame it was given, as its one dataset, so the Table
tab beside a chart can promise to hold exactly the chart's data (`chart_data` reads them back).
Anything derived for drawing (formatted text, positions, symbols) is computed by Vega-Lite
transforms inside the spec, never added to the rows; the hex map is the one exception, because a map
needs geometry: its rows are the frame's rows as flattened GeoJSON features (see `hex_map`).
Colours come only from het.palette, and every colour is paired with a text symbol.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from het import palette
from het.format import format_value
from het.stats.benchmark import LABEL_ORDER, NOT_COMPARED

# Units het.format.format_value prints without a suffix.
_BARE_UNITS = ("", "number", "score", "ratio")
_COMPARATOR_GROUP = "Comparator areas"
_FONT_SIZE = 11


# --- reading a chart's data back ----------------------------------------------------------------


def chart_data(chart) -> list[dict]:
    """The rows a chart inlines (an Altair chart or its to_dict() spec), as a list of dicts.

    Looks through the whole spec: top-level `datasets` referenced by name, and inline `values`
    on the top level, layers, facets and concatenations. A het chart has exactly one dataset;
    a spec with none, with several, or reading a URL raises ValueError.
    """
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    datasets = spec.get("datasets", {})
    found: dict[str, list[dict]] = {}

    def visit(node) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict):
            return
        data = node.get("data")
        if isinstance(data, dict):
            if "url" in data:
                raise ValueError(f"chart reads data from a URL ({data['url']}); het charts inline their data")
            if "name" in data:
                if data["name"] not in datasets:
                    raise ValueError(f"chart refers to dataset {data['name']!r}, which it does not hold")
                found[f"name:{data['name']}"] = datasets[data["name"]]
            elif "values" in data:
                found[f"values:{json.dumps(data['values'], sort_keys=True, default=str)}"] = data["values"]
        for key, value in node.items():
            if key not in ("data", "datasets"):
                visit(value)

    visit(spec)
    # Altair names datasets by a hash of their content, so equal data under two names is one dataset.
    distinct = {json.dumps(rows, sort_keys=True, default=str): rows for rows in found.values()}
    if not distinct:
        raise ValueError("chart has no inline data")
    if len(distinct) > 1:
        raise ValueError(f"chart has {len(distinct)} datasets; a het chart inlines exactly one")
    (rows,) = distinct.values()
    return [dict(row) for row in rows]


# --- shared pieces ------------------------------------------------------------------------------


def _require(frame: pd.DataFrame, columns: Sequence[str], builder: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{builder} needs a pandas DataFrame; got {type(frame).__name__}")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(
            f"{builder} needs column(s) {', '.join(missing)}; the frame has {', '.join(map(str, frame.columns))}"
        )
    if frame.empty:
        raise ValueError(f"{builder} needs at least one row; the frame is empty")


def _check_comparisons(frame: pd.DataFrame, field: str, builder: str) -> list[str]:
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


def _js(value) -> str:
    """A Python str, number or dict as a Vega expression literal."""
    return json.dumps(value, ensure_ascii=False)


def _field(name: str) -> str:
    return f"datum[{_js(name)}]"


def _unit_suffix(unit: str) -> str:
    if unit == "%":
        return "%"
    if unit in _BARE_UNITS:
        return ""
    return f" {unit}"


def _format_expr(field: str, *, unit: str, decimals: int) -> str:
    """Vega expression printing a field as het.format.format_value does ('62.3%', '–' when missing).

    One difference: d3-format writes negative numbers with a true minus sign (U+2212), not '-'.
    """
    value = _field(field)
    return (
        f"isValid({value}) ? format({value}, {_js(f',.{int(decimals)}f')}) + {_js(_unit_suffix(unit))} : '–'"
    )


def _interval_expr(lower: str, upper: str, *, decimals: int) -> str:
    """Vega expression printing an interval as het.format.format_interval does ('75.2 to 77.9')."""
    spec = _js(f",.{int(decimals)}f")
    lo, hi = _field(lower), _field(upper)
    return f"isValid({lo}) && isValid({hi}) ? format({lo}, {spec}) + ' to ' + format({hi}, {spec}) : '–'"


def _symbol_expr(field: str) -> str:
    """Vega expression for the comparison symbol and label: '▼ worse'."""
    return f"{_js(palette.COMPARISON_SYMBOLS)}[{_field(field)}] + ' ' + {_field(field)}"


def _comparison_legend(title: str) -> alt.Legend:
    """A legend whose labels carry the symbol as well as the colour: '▼ worse'."""
    return alt.Legend(
        title=title,
        orient="bottom",
        direction="horizontal",
        labelExpr=f"{_js(palette.COMPARISON_SYMBOLS)}[datum.label] + ' ' + datum.label",
        symbolType="square",
        symbolStrokeColor=palette.MUTED,
        symbolStrokeWidth=0.5,
    )


def _one_row() -> alt.Chart:
    """A layer reduced to one row of the inherited data: for rules and labels at constant positions."""
    return alt.Chart().transform_aggregate(rows="count()")


def _period_x(frame: pd.DataFrame, title: str | None = "Period") -> alt.X:
    # Periods are shown as labelled ('2017 - 19') but ordered by Fingertips' sortable code.
    n_periods = frame["period_label"].nunique()
    return alt.X(
        "period_label:O",
        sort=alt.EncodingSortField(field="period_sort", op="min", order="ascending"),
        title=title,
        axis=alt.Axis(labelAngle=0 if n_periods <= 6 else -40, labelOverlap=True),
    )


def _titled(chart, title: str | None, subtitle: str | Sequence[str] | None = None):
    if title is None and subtitle is None:
        return chart
    return chart.properties(title=alt.TitleParams(text=title or "", subtitle=subtitle or "", anchor="start"))


# --- 1. trend ----------------------------------------------------------------------------------

TREND_COLUMNS = ("period_label", "period_sort", "series", "value", "lower_ci95", "upper_ci95")


def trend_chart(
    frame: pd.DataFrame,
    *,
    unit: str,
    decimals: int,
    title: str | None = None,
    region: str | None = None,
    width: int = 480,
) -> alt.LayerChart:
    """Luton's trend with its 95% interval band, England dashed, and comparators as thin grey lines.

    frame: period_label, period_sort, series ('Luton', 'England', the region, comparator names),
    value, lower_ci95, upper_ci95; optionally area_name and comparison (Luton's comparison with
    England each period, which then fills Luton's points, Fingertips-style, with the symbol in the
    tooltip). region names the series drawn in the region colour; every other series is a comparator.
    """
    _require(frame, TREND_COLUMNS, "trend_chart")
    has_comparison = "comparison" in frame.columns
    if has_comparison:
        _check_comparisons(frame, "comparison", "trend_chart")
    series = set(frame["series"])
    groups = [name for name in ("Luton", "England") if name in series]
    if region is not None and region in series:
        groups.append(region)
    if series - {"Luton", "England", region}:
        groups.append(_COMPARATOR_GROUP)
    group_colour = {
        "Luton": palette.SERIES_COLOURS["Luton"],
        "England": palette.SERIES_COLOURS["England"],
        region: palette.SERIES_COLOURS["region"],
        _COMPARATOR_GROUP: palette.SERIES_COLOURS["comparator"],
    }
    group_dash = {"Luton": [1, 0], "England": [6, 4], region: [2, 2], _COMPARATOR_GROUP: [1, 0]}
    group_expr = (
        f"datum.series === 'Luton' ? 'Luton' : datum.series === 'England' ? 'England' : "
        f"datum.series === {_js(region)} ? {_js(region)} : {_js(_COMPARATOR_GROUP)}"
    )
    colour = alt.Color(
        "series_group:N",
        title=None,
        scale=alt.Scale(domain=groups, range=[group_colour[g] for g in groups]),
        legend=alt.Legend(orient="bottom", direction="horizontal", symbolType="stroke"),
    )
    dash = alt.StrokeDash(
        "series_group:N", title=None, scale=alt.Scale(domain=groups, range=[group_dash[g] for g in groups])
    )
    x = _period_x(frame)
    y_title = unit if unit not in _BARE_UNITS else None
    tooltip = [
        alt.Tooltip("series:N", title="Area"),
        alt.Tooltip("period_label:N", title="Period"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("interval_text:N", title="95% interval"),
    ]
    if has_comparison:
        tooltip.append(alt.Tooltip("comparison_text:N", title="Compared with England"))

    base = alt.Chart().encode(x=x)
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False))

    band = (
        base.transform_filter("datum.series === 'Luton'")
        .mark_area(opacity=0.18, color=palette.SERIES_COLOURS["Luton"])
        .encode(y=alt.Y("lower_ci95:Q", title=y_title), y2="upper_ci95:Q")
    )
    comparators = (
        base.transform_filter(f"datum.series_group === {_js(_COMPARATOR_GROUP)}")
        .mark_line(strokeWidth=1)
        .encode(y=y, color=colour, strokeDash=dash, detail="series:N")
    )
    others = (
        base.transform_filter(f"datum.series_group !== {_js(_COMPARATOR_GROUP)} && datum.series !== 'Luton'")
        .mark_line(strokeWidth=1.8)
        .encode(y=y, color=colour, strokeDash=dash)
    )
    luton_line = (
        base.transform_filter("datum.series === 'Luton'")
        .mark_line(strokeWidth=2.5)
        .encode(y=y, color=colour, strokeDash=dash)
    )
    # Points carry the tooltips; comparators' points are invisible but still hoverable.
    hover = (
        base.transform_filter("datum.series !== 'Luton'")
        .mark_point(size=60, filled=True, opacity=0.001)
        .encode(y=y, tooltip=tooltip)
    )
    luton_points = base.transform_filter("datum.series === 'Luton'").encode(y=y, tooltip=tooltip)
    if has_comparison:
        present = sorted(set(frame.loc[frame["series"] == "Luton", "comparison"]), key=LABEL_ORDER.index)
        luton_points = luton_points.mark_point(
            filled=True, size=70, stroke=palette.SERIES_COLOURS["Luton"], strokeWidth=1, opacity=1
        ).encode(
            fill=alt.Fill(
                "comparison:N",
                scale=palette.comparison_scale(present or None),
                legend=_comparison_legend("Luton compared with England"),
            )
        )
    else:
        luton_points = luton_points.mark_point(filled=True, size=50, color=palette.SERIES_COLOURS["Luton"])

    layers = [band, comparators, others, luton_line, hover, luton_points]
    chart = alt.layer(*layers, data=frame).transform_calculate(
        series_group=group_expr,
        value_text=_format_expr("value", unit=unit, decimals=decimals),
        interval_text=_interval_expr("lower_ci95", "upper_ci95", decimals=decimals),
    )
    if has_comparison:
        chart = chart.transform_calculate(comparison_text=_symbol_expr("comparison"))
    chart = chart.resolve_legend(color="shared", strokeDash="shared")
    return _titled(chart.properties(width=width, height=260), title)


# --- 2. small multiples -------------------------------------------------------------------------


def small_multiples(
    frame: pd.DataFrame,
    *,
    columns: int = 3,
    panel_width: int = 200,
    panel_height: int = 120,
    name_field: str = "short_name",
) -> alt.ConcatChart:
    """One small trend panel per indicator (Luton with its 95% band, England dashed), each with its own y scale.

    frame: the trend columns of trend_chart plus name_field (the indicator's short name) and unit;
    optionally decimals (per row, default 1). Panels follow the order the indicators first appear.
    Only the 'Luton' and 'England' series are drawn; other rows stay in the chart's data untouched.
    """
    _require(frame, (*TREND_COLUMNS, name_field, "unit"), "small_multiples")
    if columns < 1:
        raise ValueError(f"small_multiples needs at least 1 column; got {columns}")
    has_decimals = "decimals" in frame.columns
    series_scale = alt.Scale(
        domain=["Luton", "England"],
        range=[palette.SERIES_COLOURS["Luton"], palette.SERIES_COLOURS["England"]],
    )
    colour = alt.Color(
        "series:N",
        scale=series_scale,
        legend=alt.Legend(title=None, orient="bottom", direction="horizontal", symbolType="stroke"),
    )
    dash = alt.StrokeDash(
        "series:N", scale=alt.Scale(domain=["Luton", "England"], range=[[1, 0], [6, 4]]), title=None
    )
    panels = []
    for name, rows in frame.groupby(name_field, sort=False):
        units = rows["unit"].unique()
        if len(units) != 1:
            raise ValueError(
                f"small_multiples: indicator {name!r} has several units: {', '.join(map(str, units))}"
            )
        unit = str(units[0])
        decimals = int(rows["decimals"].iloc[0]) if has_decimals else 1
        x = _period_x(rows, title=None)
        y_title = unit if unit not in _BARE_UNITS else None
        y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False))
        base = alt.Chart().transform_filter(f"{_field(name_field)} === {_js(name)}").encode(x=x)
        tooltip = [
            alt.Tooltip(f"{name_field}:N", title="Indicator"),
            alt.Tooltip("series:N", title="Area"),
            alt.Tooltip("period_label:N", title="Period"),
            alt.Tooltip("value_text:N", title="Value"),
            alt.Tooltip("interval_text:N", title="95% interval"),
        ]
        calc = {
            "value_text": _format_expr("value", unit=unit, decimals=decimals),
            "interval_text": _interval_expr("lower_ci95", "upper_ci95", decimals=decimals),
        }
        luton = base.transform_filter("datum.series === 'Luton'")
        drawn = base.transform_filter("datum.series === 'Luton' || datum.series === 'England'")
        panel = alt.layer(
            luton.mark_area(opacity=0.18, color=palette.SERIES_COLOURS["Luton"]).encode(
                y=alt.Y("lower_ci95:Q", title=y_title), y2="upper_ci95:Q"
            ),
            drawn.mark_line(strokeWidth=2).encode(y=y, color=colour, strokeDash=dash),
            drawn.transform_calculate(**calc)
            .mark_point(filled=True, size=28, opacity=1)
            .encode(y=y, color=alt.Color("series:N", scale=series_scale, legend=None), tooltip=tooltip),
        ).properties(
            title=alt.TitleParams(text=str(name), fontSize=12, anchor="start", limit=panel_width),
            width=panel_width,
            height=panel_height,
        )
        panels.append(panel)
    chart = alt.concat(*panels, columns=columns, data=frame)
    return chart.resolve_scale(color="shared", strokeDash="shared", x="independent", y="independent")


# --- 3. groups against Luton --------------------------------------------------------------------


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
    the plot; a dashed rule marks the reference (Luton) value. sort: 'value' (highest first), the
    name of a column to sort by ascending (e.g. 'category_rank', 1 = most deprived at the top), or
    the categories in order. from_zero=False draws a dot per group on an axis that need not start
    at zero (a bar must start at zero), for measures such as life expectancy whose gaps are small
    beside their size.
    """
    _require(
        frame, (category_field, value_field, "lower_ci95", "upper_ci95", "comparison"), "group_bar_chart"
    )
    present = _check_comparisons(frame, "comparison", "group_bar_chart")
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
    x_title = unit if unit not in _BARE_UNITS else None
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
        legend=_comparison_legend(f"Compared with {reference_label}"),
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
    labels = base.mark_text(align="left", dx=8, fontSize=_FONT_SIZE, color=palette.INK).encode(
        x=alt.value("width"), text="bar_text:N", tooltip=tooltip
    )
    reference_text = f"{reference_label}: {format_value(reference_value, unit=unit, decimals=decimals)}"
    reference = (
        _one_row()
        .mark_rule(color=palette.INK, strokeDash=[5, 3], strokeWidth=1.5)
        .encode(x=alt.datum(float(reference_value)), tooltip=alt.value(reference_text))
    )
    reference_label_layer = (
        _one_row()
        .mark_text(align="center", baseline="bottom", dy=-4, fontSize=_FONT_SIZE, color=palette.INK)
        .encode(x=alt.datum(float(reference_value)), y=alt.value(0), text=alt.value(reference_text))
    )
    layers = [marks, intervals] if from_zero else [intervals, marks]
    chart = alt.layer(*layers, labels, reference, reference_label_layer, data=frame).transform_calculate(
        value_text=_format_expr(value_field, unit=unit, decimals=decimals),
        interval_text=_interval_expr("lower_ci95", "upper_ci95", decimals=decimals),
        comparison_text=_symbol_expr("comparison"),
        bar_text=(
            f"({_format_expr(value_field, unit='', decimals=decimals)}) + ' ' + "
            f"{_js(palette.COMPARISON_SYMBOLS)}[datum.comparison]"
        ),
    )
    return _titled(chart.properties(width=width, height=alt.Step(22)), title)


# --- 4. deprivation gradient --------------------------------------------------------------------


def deprivation_chart(
    frame: pd.DataFrame,
    *,
    unit: str,
    decimals: int,
    sii_line: tuple[float, float] | None = None,
    from_zero: bool = True,
    title: str | None = None,
    width: int = 480,
) -> alt.LayerChart:
    """Deprivation quintiles (or deciles) as bars at their relative-rank midpoints, with the fitted SII line.

    frame: category, category_rank (1 = most deprived, ranks 1..n once each), value, lower_ci95,
    upper_ci95; optionally comparison (with Luton), which then fills the bars. Groups are equal
    population shares, so group k of n sits at x = (k - 0.5) / n on 0 (most deprived) .. 1 (least).
    sii_line: (fitted value at x = 0, fitted value at x = 1), drawn as a line between them
    (het.stats.sii fits it; Low & Low 2004). from_zero=False draws a dot per group on an axis that
    need not start at zero, as group_bar_chart does.
    """
    _require(frame, ("category", "category_rank", "value", "lower_ci95", "upper_ci95"), "deprivation_chart")
    ranks = sorted(frame["category_rank"].tolist())
    n = len(ranks)
    if ranks != list(range(1, n + 1)):
        raise ValueError(
            f"deprivation_chart needs category_rank 1..{n} once each (one period, one sex and age); got {ranks}"
        )
    has_comparison = "comparison" in frame.columns
    present = _check_comparisons(frame, "comparison", "deprivation_chart") if has_comparison else []
    if sii_line is not None:
        at_0, at_1 = (float(v) for v in sii_line)
        if not (math.isfinite(at_0) and math.isfinite(at_1)):
            raise ValueError(f"deprivation_chart: sii_line needs two finite values; got {sii_line!r}")

    categories = frame.sort_values("category_rank")["category"].astype(str).tolist()
    midpoints = [(k - 0.5) / n for k in range(1, n + 1)]
    label_lookup = {str(round(m * 1000)): c for m, c in zip(midpoints, categories, strict=True)}
    x_axis = alt.Axis(
        values=midpoints,
        labelExpr=f"{_js(label_lookup)}['' + round(datum.value * 1000)]",
        labelAngle=0 if n <= 5 else -30,
        labelLimit=120,
        grid=False,
    )
    x_title = "Relative deprivation rank: most deprived (0) → least deprived (1)"
    y_title = unit if unit not in _BARE_UNITS else None
    gap = 0.08 / n
    tooltip = [
        alt.Tooltip("category:N", title="Group"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("interval_text:N", title="95% interval"),
    ]
    if has_comparison:
        tooltip.append(alt.Tooltip("comparison_text:N", title="Compared with Luton"))
    x_scale = alt.Scale(domain=[0, 1], nice=False)
    if has_comparison:
        fill = alt.Fill(
            "comparison:N",
            scale=palette.comparison_scale(present),
            legend=_comparison_legend("Compared with Luton"),
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
    if sii_line is not None:
        line_tip = (
            f"Fitted line: {format_value(at_0, unit=unit, decimals=decimals)} at the most deprived end, "
            f"{format_value(at_1, unit=unit, decimals=decimals)} at the least deprived end"
        )
        line_name = "fitted line (slope index of inequality)"
        layers.append(
            _one_row()
            .transform_calculate(line_name=_js(line_name))
            .mark_rule(strokeWidth=2.5, strokeDash=[8, 3])
            .encode(
                x=alt.datum(0.0),
                x2=alt.datum(1.0),
                y=alt.datum(at_0),
                y2=alt.datum(at_1),
                stroke=alt.Stroke(
                    "line_name:N",
                    scale=alt.Scale(domain=[line_name], range=[palette.SERIES_COLOURS["Luton"]]),
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
            value_text=_format_expr("value", unit=unit, decimals=decimals),
            interval_text=_interval_expr("lower_ci95", "upper_ci95", decimals=decimals),
        )
        .properties(width=width, height=260)
    )
    if has_comparison:
        chart = chart.transform_calculate(comparison_text=_symbol_expr("comparison"))
    return _titled(chart, title)


# --- 5. the gap over time ------------------------------------------------------------------------


def gap_over_time_chart(
    frame: pd.DataFrame,
    *,
    unit: str,
    decimals: int,
    verdict: str,
    title: str | None = None,
    width: int = 480,
) -> alt.LayerChart:
    """The slope index of inequality each period, with its 95% interval, and the verdict in the subtitle.

    frame: period_label, period_sort, sii, sii_lower95, sii_upper95 (het.gaps gap_results).
    verdict: 'gap narrowing', 'gap widening', 'no significant change' or 'cannot be calculated'.
    A positive SII is the gap that disadvantages the more deprived (docs/methods.md); 0 is no gap.
    """
    _require(
        frame, ("period_label", "period_sort", "sii", "sii_lower95", "sii_upper95"), "gap_over_time_chart"
    )
    if verdict not in palette.VERDICT_COLOURS:
        raise ValueError(
            f"unknown gap verdict {verdict!r}; expected one of {', '.join(palette.VERDICT_ORDER)}"
        )
    x = _period_x(frame)
    y_title = f"SII ({unit})" if unit not in _BARE_UNITS else "SII"
    y = alt.Y("sii:Q", title=y_title)
    tooltip = [
        alt.Tooltip("period_label:N", title="Period"),
        alt.Tooltip("sii_text:N", title="Slope index of inequality"),
        alt.Tooltip("interval_text:N", title="95% interval"),
    ]
    base = alt.Chart().encode(x=x)
    colour = palette.SERIES_COLOURS["Luton"]
    zero = _one_row().mark_rule(color=palette.MUTED, strokeWidth=1).encode(y=alt.datum(0))
    zero_label = (
        _one_row()
        .mark_text(align="left", baseline="bottom", dx=2, dy=-2, fontSize=10, color=palette.MUTED)
        .encode(x=alt.value(0), y=alt.datum(0), text=alt.value("no gap"))
    )
    intervals = base.mark_rule(color=palette.INK, strokeWidth=1.2).encode(
        y=alt.Y("sii_lower95:Q", title=y_title), y2="sii_upper95:Q"
    )
    line = base.mark_line(color=colour, strokeWidth=2).encode(y=y)
    points = base.mark_point(filled=True, size=60, color=colour, opacity=1).encode(y=y, tooltip=tooltip)
    chart = (
        alt.layer(zero, zero_label, intervals, line, points, data=frame)
        .transform_calculate(
            sii_text=_format_expr("sii", unit=unit, decimals=decimals),
            interval_text=_interval_expr("sii_lower95", "sii_upper95", decimals=decimals),
        )
        .properties(width=width, height=240)
    )
    subtitle = [
        f"Trend in the gap: {palette.verdict_text(verdict)}",
        "Above 0: the gap disadvantages the more deprived",
    ]
    return _titled(chart, title or "Gap between the most and least deprived over time", subtitle)


# --- 6. tartan rug -------------------------------------------------------------------------------


def tartan_rug(
    frame: pd.DataFrame,
    *,
    area_order: Sequence[str] | None = None,
    indicator_order: Sequence[str] | None = None,
    title: str | None = None,
    cell_width: int = 64,
    cell_height: int = 24,
    label_angle: int = -40,
) -> alt.LayerChart:
    """Indicators (rows) by areas (columns), each cell filled by its comparison and labelled with its value and symbol.

    frame: indicator_id, indicator_label, area_label, comparison, cell_text (e.g. '78.9 ▼'); optional
    period_label for the tooltip. area_order: Luton, England, region, comparators, then wards
    (default: the order the areas first appear); indicator_order: indicator labels top to bottom
    (default: first appearance). label_angle: the area labels' angle (-90, upright, fits narrow columns).
    Clicking a row selects its indicator_id in the point selection
    'rug_pick' (flat field, so Streamlit's on_select returns [{'indicator_id': ...}]).
    """
    _require(
        frame, ("indicator_id", "indicator_label", "area_label", "comparison", "cell_text"), "tartan_rug"
    )
    present = _check_comparisons(frame, "comparison", "tartan_rug")
    duplicated = frame.duplicated(["indicator_label", "area_label"])
    if duplicated.any():
        first = frame.loc[duplicated].iloc[0]
        raise ValueError(
            f"tartan_rug: indicator {first['indicator_label']!r} has more than one cell for {first['area_label']!r}"
        )
    areas = list(dict.fromkeys(frame["area_label"])) if area_order is None else list(area_order)
    missing = [a for a in dict.fromkeys(frame["area_label"]) if a not in areas]
    if missing:
        raise ValueError(f"tartan_rug: area_order is missing {', '.join(map(str, missing))}")
    rows = list(dict.fromkeys(frame["indicator_label"])) if indicator_order is None else list(indicator_order)
    missing = [i for i in dict.fromkeys(frame["indicator_label"]) if i not in rows]
    if missing:
        raise ValueError(f"tartan_rug: indicator_order is missing {', '.join(map(str, missing))}")

    pick = alt.selection_point(name="rug_pick", fields=["indicator_id"], on="click", clear="dblclick")
    x = alt.X(
        "area_label:N",
        sort=areas,
        title=None,
        axis=alt.Axis(orient="top", labelAngle=label_angle, labelLimit=140, domain=False, ticks=False),
        scale=alt.Scale(paddingInner=0.04),
    )
    y = alt.Y(
        "indicator_label:N",
        sort=rows,
        title=None,
        axis=alt.Axis(labelLimit=280, domain=False, ticks=False),
        scale=alt.Scale(paddingInner=0.08),
    )
    tooltip = [
        alt.Tooltip("indicator_label:N", title="Indicator"),
        alt.Tooltip("area_label:N", title="Area"),
        alt.Tooltip("cell_text:N", title="Value"),
        alt.Tooltip("comparison_text:N", title="Comparison"),
    ]
    if "period_label" in frame.columns:
        tooltip.insert(2, alt.Tooltip("period_label:N", title="Period"))
    base = alt.Chart().encode(x=x, y=y)
    cells = (
        base.mark_rect(cornerRadius=2)
        .encode(
            fill=alt.Fill(
                "comparison:N",
                scale=palette.comparison_scale(present),
                legend=_comparison_legend("Comparison"),
            ),
            stroke=alt.condition(pick, alt.value(palette.INK), alt.value(palette.MUTED), empty=False),
            strokeWidth=alt.condition(pick, alt.value(2.5), alt.value(0.4), empty=False),
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    text = base.mark_text(fontSize=10).encode(
        text="cell_text:N",
        fill=alt.Fill("comparison:N", scale=palette.comparison_text_scale(present), legend=None),
        tooltip=tooltip,
    )
    chart = (
        alt.layer(cells, text, data=frame)
        .transform_calculate(comparison_text=_symbol_expr("comparison"))
        .resolve_scale(fill="independent")
        .properties(width=alt.Step(cell_width), height=alt.Step(cell_height))
    )
    return _titled(chart, title)


# --- 7. ward hex map -----------------------------------------------------------------------------

# Pointy-top axial layout (data/SOURCES.md, hex_layout.csv): centre x = q + r/2, y = r * sqrt(3)/2 in
# hex widths, r growing southward. Map y is negated so north is up under reflectY.
_HEX_RADIUS = 1 / math.sqrt(3)  # centre to vertex, for a hex one unit wide flat-to-flat
_HEX_ROW = math.sqrt(3) / 2
_HEX_FEATURE_FIELDS = ("type", "geometry", "hex_x", "hex_y", "hex_label")


def hex_centre(q: int, r: int) -> tuple[float, float]:
    """Map (x, y) of the centre of axial cell (q, r), north up."""
    return q + r / 2, -r * _HEX_ROW


def hex_polygon(q: int, r: int, *, scale: float = 1.0) -> list[list[float]]:
    """The closed exterior ring of the pointy-top hexagon at (q, r), clockwise with north up."""
    cx, cy = hex_centre(q, r)
    # Angles fall from 90 degrees (the top vertex), so the ring runs clockwise on the map.
    ring = [
        [
            round(cx + scale * _HEX_RADIUS * math.cos(math.radians(90 - 60 * k)), 9),
            round(cy + scale * _HEX_RADIUS * math.sin(math.radians(90 - 60 * k)), 9),
        ]
        for k in range(6)
    ]
    return [*ring, ring[0]]


def abbreviate_ward(name: str) -> str:
    """A short label for a hex: 'High Town' -> 'HT', 'Biscot' -> 'Biscot', 'Bramingham' -> 'Bram.'."""
    words = str(name).split()
    if len(words) > 1:
        return "".join(word[0].upper() for word in words)
    return words[0] if len(words[0]) <= 7 else words[0][:4] + "."


def _json_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-safe dicts: numpy scalars to Python, missing values to None, times to ISO text."""
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


def hex_features(frame: pd.DataFrame, *, label_field: str, colour_field: str = "comparison") -> list[dict]:
    """The frame's rows as flattened GeoJSON features: each row's fields plus type, geometry, hex_x, hex_y, hex_label.

    Flat (not nested under 'properties') so that Streamlit selections return plain field names
    (TOOLCHAIN.md section 5, pitfall C). hex_label is the ward abbreviation and the comparison symbol.
    """
    clash = [field for field in _HEX_FEATURE_FIELDS if field in frame.columns]
    if clash:
        raise ValueError(f"hex map frame may not have column(s) {', '.join(clash)}: the map uses those names")
    features = []
    for row in _json_records(frame):
        q, r = int(row["q"]), int(row["r"])
        x, y = hex_centre(q, r)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [hex_polygon(q, r)]},
                **row,
                "hex_x": x,
                "hex_y": y,
                "hex_label": f"{abbreviate_ward(row[label_field])}\n{palette.COMPARISON_SYMBOLS[row[colour_field]]}",
            }
        )
    return features


def hex_map(
    frame: pd.DataFrame,
    *,
    value_field: str,
    label_field: str,
    colour_field: str = "comparison",
    unit: str | None = None,
    decimals: int | None = None,
    title: str | None = None,
    size: int = 420,
) -> alt.LayerChart:
    """A ward hex cartogram: one pointy-top hexagon per ward at axial (q, r), filled by comparison, labelled in text.

    frame: q, r (data/hex_layout.csv), label_field (ward name), value_field, colour_field (comparison
    labels); optionally area_code, which a click selects in the point selection 'ward_pick'. Each
    hexagon carries the ward's abbreviation and comparison symbol; the tooltip has the full name,
    the value (formatted when unit and decimals are given) and the comparison. Drawn in a flat
    'identity' projection with reflectY, from inline flattened features (see hex_features).
    """
    _require(frame, ("q", "r", label_field, value_field, colour_field), "hex_map")
    present = _check_comparisons(frame, colour_field, "hex_map")
    cells = frame[["q", "r"]].astype(int)
    if cells.duplicated().any():
        q, r = cells.loc[cells.duplicated()].iloc[0]
        raise ValueError(
            f"hex_map: two wards share the hex cell q={q}, r={r} (one period and ward set at a time)"
        )
    features = hex_features(frame, label_field=label_field, colour_field=colour_field)
    if unit is not None and decimals is not None:
        value_tooltip = alt.Tooltip("value_text:N", title="Value")
    else:
        value_tooltip = alt.Tooltip(f"{value_field}:Q", title="Value")
    tooltip = [
        alt.Tooltip(f"{label_field}:N", title="Ward"),
        value_tooltip,
        alt.Tooltip("comparison_text:N", title="Comparison"),
    ]
    # White gaps between hexagons; a grey outline where the fill is near-white ('not compared'), so the
    # hexagon still shows on a white page; a dark outline on the ward picked.
    faint = {"test": f"{_field(colour_field)} === {_js(NOT_COMPARED)}"}
    stroke_conditions = [{**faint, "value": palette.MUTED}]
    width_conditions = [{**faint, "value": 1}]
    params = []
    if "area_code" in frame.columns:
        pick = alt.selection_point(name="ward_pick", fields=["area_code"], on="click", clear="dblclick")
        params.append(pick)
        stroke_conditions.insert(0, {"param": "ward_pick", "empty": False, "value": palette.INK})
        width_conditions.insert(0, {"param": "ward_pick", "empty": False, "value": 3})
    hexes = (
        alt.Chart()
        .mark_geoshape()
        .encode(
            fill=alt.Fill(
                f"{colour_field}:N",
                scale=palette.comparison_scale(present),
                legend=_comparison_legend("Comparison"),
            ),
            stroke={"condition": stroke_conditions, "value": palette.PAPER},
            strokeWidth={"condition": width_conditions, "value": 2},
            tooltip=tooltip,
        )
    )
    if params:
        hexes = hexes.add_params(*params)
    labels = (
        alt.Chart()
        .mark_text(fontSize=10, lineBreak="\n", lineHeight=12, fontWeight="bold")
        .encode(
            longitude="hex_x:Q",
            latitude="hex_y:Q",
            text="hex_label:N",
            fill=alt.Fill(f"{colour_field}:N", scale=palette.comparison_text_scale(present), legend=None),
            tooltip=tooltip,
        )
    )
    chart = (
        alt.layer(hexes, labels, data=alt.Data(values=features))
        .project(type="identity", reflectY=True)
        .transform_calculate(comparison_text=_symbol_expr(colour_field))
        .resolve_scale(fill="independent")
        .properties(width=size, height=size)
    )
    if unit is not None and decimals is not None:
        chart = chart.transform_calculate(value_text=_format_expr(value_field, unit=unit, decimals=decimals))
    return _titled(chart, title)
