"""The gap over time: the slope index of inequality each period, with its interval and verdict."""

from __future__ import annotations

import altair as alt
import pandas as pd

from het.charts import palette
from het.charts.common import BARE_UNITS, format_expr, interval_expr, one_row, period_x, require_frame, titled


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
    require_frame(
        frame, ("period_label", "period_sort", "sii", "sii_lower95", "sii_upper95"), "gap_over_time_chart"
    )
    if verdict not in palette.VERDICT_COLOURS:
        raise ValueError(
            f"unknown gap verdict {verdict!r}; expected one of {', '.join(palette.VERDICT_ORDER)}"
        )
    x = period_x(frame)
    y_title = f"SII ({unit})" if unit not in BARE_UNITS else "SII"
    y = alt.Y("sii:Q", title=y_title)
    tooltip = [
        alt.Tooltip("period_label:N", title="Period"),
        alt.Tooltip("sii_text:N", title="Slope index of inequality"),
        alt.Tooltip("interval_text:N", title="95% interval"),
    ]
    base = alt.Chart().encode(x=x)
    colour = palette.AUTHORITY_COLOUR
    zero = one_row().mark_rule(color=palette.MUTED, strokeWidth=1).encode(y=alt.datum(0))
    zero_label = (
        one_row()
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
            sii_text=format_expr("sii", unit=unit, decimals=decimals),
            interval_text=interval_expr("sii_lower95", "sii_upper95", decimals=decimals),
        )
        .properties(width=width, height=240)
    )
    subtitle = [
        f"Trend in the gap: {palette.verdict_text(verdict)}",
        "Above 0: the gap disadvantages the more deprived",
    ]
    return titled(chart, title or "Gap between the most and least deprived over time", subtitle)
