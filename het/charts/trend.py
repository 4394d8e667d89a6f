"""An indicator over time: one indicator's trend against England, the region and comparators, and small
multiples of many indicators' trends. The authority's series is named by the caller (`authority=`)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from het.charts import palette
from het.charts.common import (
    BARE_UNITS,
    check_authority,
    check_comparisons,
    comparison_legend,
    datum_field,
    format_expr,
    interval_expr,
    js,
    period_x,
    require_frame,
    symbol_expr,
    titled,
)
from het.stats.benchmark import LABEL_ORDER

_ENGLAND = palette.ENGLAND_SERIES  # England's series name (het.vocabulary.ENGLAND is its code)
_COMPARATOR_GROUP = "Comparator areas"
# Line dashes by the part a series plays (palette.series_role): England dashed, the region dotted.
_ROLE_DASHES = {
    palette.AUTHORITY_ROLE: [1, 0],
    palette.ENGLAND_ROLE: [6, 4],
    palette.REGION_ROLE: [2, 2],
    palette.COMPARATOR_ROLE: [1, 0],
}
TREND_COLUMNS = ("period_label", "period_sort", "series", "value", "lower_ci95", "upper_ci95")


def trend_chart(
    frame: pd.DataFrame,
    *,
    authority: str,
    unit: str,
    decimals: int,
    title: str | None = None,
    region: str | None = None,
    width: int = 480,
    compared_with: str = _ENGLAND,
) -> alt.LayerChart:
    """The authority's trend with its 95% interval band, England dashed, and comparators as thin grey lines.

    frame: period_label, period_sort, series (the authority's name, 'England', the region, comparator
    names), value, lower_ci95, upper_ci95; optionally area_name and comparison (the authority's comparison
    with England each period, which then fills its points, Fingertips-style, with the symbol in the
    tooltip; compared_with names what it was compared with, England unless a ward's trend is drawn against its
    authority). authority names the series drawn as the authority (its area name in the store); region names the series
    drawn in the region colour; every other series is a comparator.
    """
    require_frame(frame, TREND_COLUMNS, "trend_chart")
    check_authority(authority, "trend_chart")
    has_comparison = "comparison" in frame.columns
    if has_comparison:
        check_comparisons(frame, "comparison", "trend_chart")
    series = set(frame["series"])
    groups = [name for name in (authority, _ENGLAND) if name in series]
    if region is not None and region in series:
        groups.append(region)
    if series - {authority, _ENGLAND, region}:
        groups.append(_COMPARATOR_GROUP)
    roles = {"authority": authority, "region": region}
    group_expr = (
        f"datum.series === {js(authority)} ? {js(authority)} : datum.series === {js(_ENGLAND)} ? {js(_ENGLAND)} : "
        f"datum.series === {js(region)} ? {js(region)} : {js(_COMPARATOR_GROUP)}"
    )
    colour = alt.Color(
        "series_group:N",
        title=None,
        scale=palette.series_scale(groups, **roles),
        legend=alt.Legend(orient="bottom", direction="horizontal", symbolType="stroke"),
    )
    dash = alt.StrokeDash(
        "series_group:N",
        title=None,
        scale=alt.Scale(domain=groups, range=[_ROLE_DASHES[palette.series_role(g, **roles)] for g in groups]),
    )
    is_authority = f"datum.series === {js(authority)}"
    x = period_x(frame)
    y_title = unit if unit not in BARE_UNITS else None
    tooltip = [
        alt.Tooltip("series:N", title="Area"),
        alt.Tooltip("period_label:N", title="Period"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("interval_text:N", title="95% interval"),
    ]
    if has_comparison:
        tooltip.append(alt.Tooltip("comparison_text:N", title=f"Compared with {compared_with}"))

    base = alt.Chart().encode(x=x)
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False))

    band = (
        base.transform_filter(is_authority)
        .mark_area(opacity=0.18, color=palette.AUTHORITY_COLOUR)
        .encode(y=alt.Y("lower_ci95:Q", title=y_title), y2="upper_ci95:Q")
    )
    comparators = (
        base.transform_filter(f"datum.series_group === {js(_COMPARATOR_GROUP)}")
        .mark_line(strokeWidth=1)
        .encode(y=y, color=colour, strokeDash=dash, detail="series:N")
    )
    others = (
        base.transform_filter(f"datum.series_group !== {js(_COMPARATOR_GROUP)} && !({is_authority})")
        .mark_line(strokeWidth=1.8)
        .encode(y=y, color=colour, strokeDash=dash)
    )
    authority_line = (
        base.transform_filter(is_authority)
        .mark_line(strokeWidth=2.5)
        .encode(y=y, color=colour, strokeDash=dash)
    )
    # Points carry the tooltips; comparators' points are invisible but still hoverable.
    hover = (
        base.transform_filter(f"!({is_authority})")
        .mark_point(size=60, filled=True, opacity=0.001)
        .encode(y=y, tooltip=tooltip)
    )
    authority_points = base.transform_filter(is_authority).encode(y=y, tooltip=tooltip)
    if has_comparison:
        present = sorted(set(frame.loc[frame["series"] == authority, "comparison"]), key=LABEL_ORDER.index)
        legend_title = f"{authority} compared with {compared_with}"
        authority_points = authority_points.mark_point(
            filled=True, size=80, stroke=palette.AUTHORITY_COLOUR, strokeWidth=1, opacity=1
        ).encode(
            fill=alt.Fill(
                "comparison:N",
                scale=palette.comparison_scale(present or None),
                legend=comparison_legend(legend_title),
            ),
            # the shape says it too (up better, down worse, circle similar): not by colour alone; one legend
            shape=alt.Shape(
                "comparison:N",
                scale=palette.comparison_shape_scale(present or None),
                legend=comparison_legend(legend_title),
            ),
        )
    else:
        authority_points = authority_points.mark_point(filled=True, size=50, color=palette.AUTHORITY_COLOUR)

    layers = [band, comparators, others, authority_line, hover, authority_points]
    chart = alt.layer(*layers, data=frame).transform_calculate(
        series_group=group_expr,
        value_text=format_expr("value", unit=unit, decimals=decimals),
        interval_text=interval_expr("lower_ci95", "upper_ci95", decimals=decimals),
    )
    if has_comparison:
        chart = chart.transform_calculate(comparison_text=symbol_expr("comparison"))
    chart = chart.resolve_legend(color="shared", strokeDash="shared")
    return titled(chart.properties(width=width, height=260), title)


def small_multiples(
    frame: pd.DataFrame,
    *,
    authority: str,
    columns: int = 3,
    panel_width: int = 200,
    panel_height: int = 120,
    name_field: str = "short_name",
) -> alt.ConcatChart:
    """One small trend panel per indicator (the authority with its 95% band, England dashed), each on its own scale.

    frame: the trend columns of trend_chart plus name_field (the indicator's short name) and unit;
    optionally decimals (per row, default 1). Panels follow the order the indicators first appear.
    Only the authority's series (named by authority) and 'England' are drawn; other rows
    stay in the chart's data untouched.
    """
    require_frame(frame, (*TREND_COLUMNS, name_field, "unit"), "small_multiples")
    check_authority(authority, "small_multiples")
    if columns < 1:
        raise ValueError(f"small_multiples needs at least 1 column; got {columns}")
    has_decimals = "decimals" in frame.columns
    drawn_series = [authority, _ENGLAND]
    series_scale = palette.series_scale(drawn_series, authority=authority)
    colour = alt.Color(
        "series:N",
        scale=series_scale,
        legend=alt.Legend(title=None, orient="bottom", direction="horizontal", symbolType="stroke"),
    )
    dash = alt.StrokeDash(
        "series:N",
        scale=alt.Scale(
            domain=drawn_series,
            range=[_ROLE_DASHES[palette.series_role(name, authority=authority)] for name in drawn_series],
        ),
        title=None,
    )
    is_authority = f"datum.series === {js(authority)}"
    panels = []
    for name, rows in frame.groupby(name_field, sort=False):
        units = rows["unit"].unique()
        if len(units) != 1:
            raise ValueError(
                f"small_multiples: indicator {name!r} has several units: {', '.join(map(str, units))}"
            )
        unit = str(units[0])
        decimals = int(rows["decimals"].iloc[0]) if has_decimals else 1
        x = period_x(rows, title=None)
        y_title = unit if unit not in BARE_UNITS else None
        y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False))
        base = alt.Chart().transform_filter(f"{datum_field(name_field)} === {js(name)}").encode(x=x)
        tooltip = [
            alt.Tooltip(f"{name_field}:N", title="Indicator"),
            alt.Tooltip("series:N", title="Area"),
            alt.Tooltip("period_label:N", title="Period"),
            alt.Tooltip("value_text:N", title="Value"),
            alt.Tooltip("interval_text:N", title="95% interval"),
        ]
        calc = {
            "value_text": format_expr("value", unit=unit, decimals=decimals),
            "interval_text": interval_expr("lower_ci95", "upper_ci95", decimals=decimals),
        }
        own = base.transform_filter(is_authority)
        drawn = base.transform_filter(f"{is_authority} || datum.series === {js(_ENGLAND)}")
        panel = alt.layer(
            own.mark_area(opacity=0.18, color=palette.AUTHORITY_COLOUR).encode(
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
