"""The tartan rug: indicators by areas, each cell filled by its comparison and labelled in text."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from het.charts import palette
from het.charts.common import check_comparisons, comparison_legend, require_frame, symbol_expr, titled


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
    period_label for the tooltip. area_order: the authority, England, region, comparators, then wards
    (default: the order the areas first appear); indicator_order: indicator labels top to bottom
    (default: first appearance). label_angle: the area labels' angle (-90, upright, fits narrow columns).
    Clicking a row selects its indicator_id in the point selection
    'rug_pick' (flat field, so Streamlit's on_select returns [{'indicator_id': ...}]).
    """
    require_frame(
        frame, ("indicator_id", "indicator_label", "area_label", "comparison", "cell_text"), "tartan_rug"
    )
    present = check_comparisons(frame, "comparison", "tartan_rug")
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
                legend=comparison_legend("Comparison"),
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
        .transform_calculate(comparison_text=symbol_expr("comparison"))
        .resolve_scale(fill="independent")
        .properties(width=alt.Step(cell_width), height=alt.Step(cell_height))
    )
    return titled(chart, title)
