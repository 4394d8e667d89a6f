"""Shares of a population by group as bars: a ward's residents by national deprivation decile or by ethnic
group (the Ward profile). The share is printed in the tooltip beside the count, never the bar alone."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from het.charts.common import require_frame


def share_bars(
    frame: pd.DataFrame,
    *,
    group: str,
    group_title: str,
    share_title: str,
    colour: str,
    order: Sequence | None = None,
    horizontal: bool = False,
    height: int = 160,
) -> alt.Chart:
    """One bar per group of `frame` (group, population, share from 0 to 1).

    order: every group to place on the axis, in order, shown even when empty (deciles 1 to 10); None
    sorts the groups by share, largest first (ethnic groups). horizontal puts the groups down the side.
    """
    require_frame(frame, (group, "population", "share"), "share_bars")
    data = frame.assign(share_text=[f"{s:.0%}" for s in frame["share"]])
    group_type = "O" if order is not None else "N"
    group_axis = alt.Axis(labelAngle=0) if not horizontal else alt.Axis(labelLimit=260)
    scale = alt.Scale(domain=list(order)) if order is not None else alt.Undefined
    sort = None if order is not None else ("-x" if horizontal else "-y")
    groups = alt.X if not horizontal else alt.Y
    shares = alt.Y if not horizontal else alt.X
    return (
        alt.Chart(data)
        .mark_bar(color=colour)
        .encode(
            groups(
                f"{group}:{group_type}",
                title=group_title if not horizontal else None,
                scale=scale,
                sort=sort,
                axis=group_axis,
            ),
            shares("share:Q", title=share_title, axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip(f"{group}:{group_type}", title=group_title),
                alt.Tooltip("share_text:N", title="Share"),
                alt.Tooltip("population:Q", title="Residents", format=",.0f"),
            ],
        )
        .properties(height=height)
    )
