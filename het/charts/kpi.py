"""A workstream KPI's small trend chart: its values over time, the straight line from baseline to target
it is judged against (het.stats.kpi, docs/methods.md "Workstream KPIs: on track or not"), the target, and
the verdict written beside the latest value."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from het.charts import palette
from het.charts.common import BARE_UNITS, FONT_SIZE, format_expr, js, json_records, require_frame, titled
from het.format import format_value
from het.stats.benchmark import BETTER, MUCH_BETTER, MUCH_WORSE
from het.stats.kpi import (
    NO_DATA,
    NO_TARGET,
    NO_TRAJECTORY,
    NOT_JUDGED,
    OFF_TRACK,
    ON_TRACK,
    TARGET_MET,
    VERDICTS,
    kpi_verdict_text,
)

POINT_COLUMNS = ("period_label", "time", "value")
# The ring round the latest value, by verdict: blues for good news and vermillion for bad, as the
# comparison colours use them; grey where nothing was judged. The verdict's text is always beside it.
VERDICT_COLOURS: dict[str, str] = {
    TARGET_MET: palette.COMPARISON_COLOURS[MUCH_BETTER],
    ON_TRACK: palette.COMPARISON_COLOURS[BETTER],
    OFF_TRACK: palette.COMPARISON_COLOURS[MUCH_WORSE],
    NO_TRAJECTORY: palette.MUTED,
    NOT_JUDGED: palette.MUTED,
    NO_TARGET: palette.MUTED,
    NO_DATA: palette.MUTED,
}
TRAJECTORY_DASH = [6, 4]
TARGET_DASH = [2, 3]
TRAJECTORY_NOTE = "Dashed: steady progress from the baseline to the target"
# The parts of the chart's one inline dataset; each layer draws one part.
VALUES, TRAJECTORY, TARGET, LATEST = "value", "trajectory", "target", "latest"
# The labels' font: vl-convert (the PNG and SVG downloads) draws a whole label in a serif fallback when
# the first font lacks one of its glyphs, and Arial and Liberation Sans have no ✓ or ✗; DejaVu Sans has
# both. A browser without DejaVu Sans uses its own sans-serif, falling back glyph by glyph.
LABEL_FONT = "DejaVu Sans, sans-serif"
_LABEL_EM = 0.62  # average width of a bold DejaVu Sans character, in ems: keeps labels inside the chart
_LABEL_GAP = 9  # pixels from the latest point's centre to its label (the ring's radius is 8)
_LINE_HEIGHT = 13  # pixels between the lines of the latest value's label
_YEAR_LABEL_WIDTH = 50  # pixels per year label on the x axis, so that labels never crowd


def kpi_chart(
    points: pd.DataFrame,
    *,
    baseline: tuple[float, float] | None,
    target: tuple[float, float] | None,
    unit: str,
    decimals: int,
    name: str,
    verdict: str,
    title: str | None = None,
    width: int = 320,
    height: int = 180,
    target_period: str | None = None,
) -> alt.LayerChart:
    """A KPI's values as a line with points, the trajectory dashed from baseline to target, the target
    as a labelled level ('Target 70.0% by 2030') and the latest value labelled with its verdict
    ('62.0%' over '✓ on track'; with no latest value, '– no data' over 'after 2020', by the last point).

    points: period_label, time (decimal year, het.stats.kpi.period_time), value: the KPI's values over
    time (a linked indicator's series, or the KPI's own baseline and latest); rows without a time or a
    value are not drawn, and the latest drawn is the one labelled. baseline and target: (time, value),
    or None when the KPI has none; the trajectory is drawn only with both. verdict: a het.stats.kpi
    verdict (kpi_verdict's). target_period labels the target's period ('2030/31'); without it the
    target's year is shown. The x axis is in years with whole-year labels; tooltips name each point's
    period as labelled. title: the KPI's name when None. Data inline; nothing is rendered.
    """
    require_frame(points, POINT_COLUMNS, "kpi_chart")
    if verdict not in VERDICTS:
        raise ValueError(f"kpi_chart: unknown verdict {verdict!r}; expected one of {', '.join(VERDICTS)}")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"kpi_chart needs the KPI's name; got {name!r}")
    baseline = _time_and_value(baseline, "baseline")
    target = _time_and_value(target, "target")
    has_trajectory = baseline is not None and target is not None
    if has_trajectory and target[0] <= baseline[0]:
        raise ValueError(
            f"kpi_chart: the target's time {target[0]:g} is not after the baseline's time {baseline[0]:g}"
        )
    drawn = _drawn_points(points)

    def shown(value: float) -> str:
        return format_value(value, unit=unit, decimals=decimals)

    latest = drawn.iloc[-1]
    latest_time, latest_value = float(latest["time"]), float(latest["value"])
    # With no latest value the last point drawn is an older one (the baseline, say): the label says so.
    latest_label = (
        f"{kpi_verdict_text(verdict)}\nafter {latest['period_label']}"
        if verdict == NO_DATA
        else f"{shown(latest_value)}\n{kpi_verdict_text(verdict)}"
    )
    rows = [
        {"part": VALUES, "time": r.time, "value": r.value, "period_label": str(r.period_label)}
        for r in drawn.itertuples(index=False)
    ]
    rows.append(
        {
            "part": LATEST,
            "time": latest_time,
            "value": latest_value,
            "period_label": str(latest["period_label"]),
            "label": latest_label,
        }
    )
    if has_trajectory:
        rows += [
            {"part": TRAJECTORY, "time": baseline[0], "value": baseline[1], "label": "Baseline"},
            {"part": TRAJECTORY, "time": target[0], "value": target[1], "label": "Target"},
        ]
    if target is not None:
        when = target_period.strip() if isinstance(target_period, str) and target_period.strip() else None
        target_text = f"Target {shown(target[1])} by {when or _year(target[0])}"
        rows.append({"part": TARGET, "time": target[0], "value": target[1], "label": target_text})
    data = pd.DataFrame(rows)

    x_domain = _padded(data["time"], minimum=1.0, share=0.04)
    y_domain = _padded(data["value"], minimum=float(data["value"].abs().max()) * 0.1 or 1.0, share=0.15)
    y_domain = _room_for_label(y_domain, latest_value, data["value"], latest_label, height=height)
    x = alt.X(
        "time:Q",
        title=None,
        scale=alt.Scale(domain=list(x_domain), nice=False, zero=False),
        axis=alt.Axis(values=_year_ticks(*x_domain, width=width), format="d", labelAngle=0, grid=False),
    )
    y = alt.Y(
        "value:Q",
        title=unit if unit not in BARE_UNITS else None,
        scale=alt.Scale(domain=list(y_domain), nice=False, zero=False),
        axis=alt.Axis(tickCount=4, format=f",.{int(decimals)}f"),
    )

    def part(which: str) -> alt.Chart:
        return alt.Chart().transform_filter(f"datum.part === {js(which)}").encode(x=x, y=y)

    value_tooltip = [
        alt.Tooltip("kpi:N", title="KPI"),
        alt.Tooltip("period_label:N", title="Period"),
        alt.Tooltip("value_text:N", title="Value"),
    ]
    label_style = {"fontSize": FONT_SIZE, "color": palette.INK, "font": LABEL_FONT}
    layers = []
    if target is not None:
        # The target as a level across the chart, labelled at the left, where the values have not yet got
        # to it (they start at the baseline, on the far side of the label).
        toward = baseline[1] if baseline is not None else latest_value
        label_above = target[1] >= toward
        layers += [
            alt.Chart()
            .transform_filter(f"datum.part === {js(TARGET)}")
            .mark_rule(color=palette.MUTED, strokeWidth=1, strokeDash=TARGET_DASH)
            .encode(y=y),
            part(TARGET)
            .mark_text(
                align="left",
                baseline="bottom" if label_above else "top",
                dx=3,
                dy=-3 if label_above else 3,
                **label_style,
            )
            .encode(x=alt.value(0), text="label:N"),
        ]
    if has_trajectory:
        layers += [
            part(TRAJECTORY).mark_line(color=palette.MUTED, strokeWidth=1.5, strokeDash=TRAJECTORY_DASH),
            part(TRAJECTORY)
            .transform_filter(f"datum.label === {js('Baseline')}")
            .mark_point(shape="circle", size=36, filled=False, color=palette.MUTED, strokeWidth=1.5)
            .encode(
                tooltip=[
                    alt.Tooltip("label:N", title="Trajectory from"),
                    alt.Tooltip("value_text:N", title="Value"),
                ]
            ),
        ]
    if target is not None:
        layers.append(
            part(TARGET)
            .mark_point(shape="diamond", size=110, filled=True, color=palette.INK, opacity=1)
            .encode(tooltip=alt.Tooltip("label:N", title="Target"))
        )
    frame = _Frame(x_domain, y_domain, width, height)
    # Everything the latest value's label must keep clear of: the values' line (but for inside the latest
    # point's ring, which the label sits beside), the trajectory, the target's level and its label.
    ring_x, ring_y = frame.point(latest_time, latest_value)
    lines = [
        [
            (x, y)
            for x, y in frame.polyline(drawn["time"], drawn["value"])
            if math.hypot(x - ring_x, y - ring_y) > _LABEL_GAP
        ]
    ]
    boxes = []
    if has_trajectory:
        lines.append(frame.polyline([baseline[0], target[0]], [baseline[1], target[1]]))
    if target is not None:
        lines.append(frame.polyline(list(x_domain), [target[1], target[1]]))
        boxes.append(
            frame.box(target[0], target[1], target_text, align="left", above=label_above, gap=3, x_px=0)
        )
    position = _label_position(
        frame,
        (latest_time, latest_value),
        latest_label,
        away=_above_trajectory((latest_time, latest_value), baseline, target),
        lines=lines,
        boxes=boxes,
    )
    layers += [
        part(VALUES).mark_line(color=palette.AUTHORITY_COLOUR, strokeWidth=2),
        part(VALUES)
        .mark_point(filled=True, size=36, color=palette.AUTHORITY_COLOUR, opacity=1)
        .encode(tooltip=value_tooltip),
        # The ring round the latest value: the verdict's colour, never without its text (the label). With
        # no latest value there is nothing to ring.
        part(LATEST)
        .mark_point(filled=False, size=200, strokeWidth=2.5, color=VERDICT_COLOURS[verdict], opacity=1)
        .encode(
            tooltip=[*value_tooltip, alt.Tooltip("verdict_text:N", title="Verdict")],
            opacity=alt.value(0 if verdict == NO_DATA else 1),
        ),
        part(LATEST)
        .mark_text(fontWeight="bold", lineBreak="\n", lineHeight=_LINE_HEIGHT, **label_style, **position)
        .encode(text="label:N"),
    ]

    description = f"{name}: {shown(latest_value)} in {latest['period_label']}, {kpi_verdict_text(verdict)}"
    if verdict == NO_DATA:
        description = (
            f"{name}: {kpi_verdict_text(verdict)} after {shown(latest_value)} in {latest['period_label']}"
        )
    if target is not None:
        description += f"; {target_text}"
    chart = (
        alt.layer(*layers, data=alt.InlineData(values=json_records(data)))
        .transform_calculate(
            kpi=js(name),
            value_text=format_expr("value", unit=unit, decimals=decimals),
            verdict_text=js(kpi_verdict_text(verdict)),
        )
        .properties(width=width, height=height, description=description)
    )
    return titled(chart, title if title is not None else name, TRAJECTORY_NOTE if has_trajectory else None)


def _time_and_value(pair, what: str) -> tuple[float, float] | None:
    """None, or a (time, value) pair of finite numbers; anything else raises ValueError naming it."""
    if pair is None:
        return None
    try:
        time, value = (float(number) for number in pair)
    except (TypeError, ValueError):
        raise ValueError(f"kpi_chart: {what} must be (time, value) or None; got {pair!r}") from None
    if not (math.isfinite(time) and math.isfinite(value)):
        raise ValueError(f"kpi_chart: {what} must be (time, value) with both numbers; got {pair!r}")
    return time, value


def _drawn_points(points: pd.DataFrame) -> pd.DataFrame:
    """The points with a time and a value, in time order; at least one, or ValueError."""
    numbers = {}
    for column in ("time", "value"):
        try:
            numbers[column] = pd.to_numeric(points[column]).to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            raise ValueError(f"kpi_chart: points' {column} must be numbers") from None
    keep = ~np.isnan(numbers["time"]) & ~np.isnan(numbers["value"])
    if not keep.any():
        raise ValueError("kpi_chart needs at least one point with a time and a value")
    drawn = pd.DataFrame(
        {
            "period_label": points["period_label"].to_numpy(dtype=object)[keep],
            "time": numbers["time"][keep],
            "value": numbers["value"][keep],
        }
    )
    return drawn.sort_values("time", kind="stable").reset_index(drop=True)


def _padded(values: pd.Series, *, minimum: float, share: float) -> tuple[float, float]:
    """The values' range widened each side by share of itself (of minimum, when the range is smaller)."""
    lo, hi = float(values.min()), float(values.max())
    pad = share * max(hi - lo, minimum)
    return lo - pad, hi + pad


def _room_for_label(y_domain, value: float, values: pd.Series, label: str, *, height: int):
    """The y domain widened so that the latest value's label fits above it when it is the highest value
    drawn, and below it when it is the lowest."""
    lo, hi = y_domain
    # The label's height as a share of the plot's, at most 45%: a tiny chart gets what room there is.
    share = min(0.45, (_LABEL_GAP + _LINE_HEIGHT * (label.count("\n") + 1) + 2) / height)
    if value >= values.max():
        hi = max(hi, (value - share * lo) / (1 - share))
    if value <= values.min():
        lo = min(lo, (value - share * hi) / (1 - share))
    return lo, hi


def _year_ticks(lo: float, hi: float, *, width: int) -> list[int]:
    """Whole years inside [lo, hi], every k-th, so that each label has about _YEAR_LABEL_WIDTH pixels."""
    years = list(range(math.ceil(lo), math.floor(hi) + 1))
    step = max(1, math.ceil(len(years) / max(1, width // _YEAR_LABEL_WIDTH)))
    return years[::step] if years else [round((lo + hi) / 2)]


def _year(time: float) -> str:
    """A target's time for its label: '2030', or '2030.5' for a time within a year."""
    return f"{time:.0f}" if float(time).is_integer() else f"{time:g}"


class _Frame:
    """The plot area in pixels (x right, y down from the top), for keeping labels clear of lines."""

    def __init__(self, x_domain, y_domain, width: int, height: int):
        self.x_domain, self.y_domain, self.width, self.height = x_domain, y_domain, width, height

    def point(self, time: float, value: float) -> tuple[float, float]:
        (x0, x1), (y0, y1) = self.x_domain, self.y_domain
        return (time - x0) / (x1 - x0) * self.width, (y1 - value) / (y1 - y0) * self.height

    def polyline(self, times, values) -> list[tuple[float, float]]:
        """Points every few pixels along a line through (time, value) pairs, to test labels against."""
        corners = [self.point(float(t), float(v)) for t, v in zip(times, values, strict=True)]
        samples = corners[:1]
        for (xa, ya), (xb, yb) in zip(corners, corners[1:], strict=False):
            steps = max(1, math.ceil(math.hypot(xb - xa, yb - ya) / 3))
            samples += [(xa + (xb - xa) * k / steps, ya + (yb - ya) * k / steps) for k in range(1, steps + 1)]
        return samples

    def box(self, time, value, text: str, *, align: str, above: bool, gap: float, x_px=None):
        """The box (left, top, right, bottom) of a label placed beside a point as the text marks place it."""
        x, y = self.point(time, value)
        x = x if x_px is None else x_px
        lines = text.split("\n")
        width = _LABEL_EM * FONT_SIZE * max(len(line) for line in lines)
        height = _LINE_HEIGHT * len(lines)
        left = {"left": x + gap, "right": x - gap - width, "center": x - width / 2}[align]
        top = y - gap - height if above else y + gap
        return left, top, left + width, top + height


def _above_trajectory(latest, baseline, target) -> bool:
    """Whether the latest value is on or above the trajectory (True when there is none)."""
    if baseline is None or target is None:
        return True
    time, value = latest
    (t0, b), (t1, goal) = baseline, target
    return value >= b + (goal - b) * (min(max(time, t0), t1) - t0) / (t1 - t0)


def _label_position(frame: _Frame, latest, label: str, *, away: bool, lines, boxes) -> dict:
    """Where the latest value's label goes: the first place that fits in the chart and touches nothing.

    Tried in turn: right of the point (where no values are yet), left of it, centred over it; each on the
    side of the point away from the trajectory first, then on the other side. Where every place touches a
    line or a label, the one inside the chart touching fewest.
    """
    candidates = [(align, above) for above in (away, not away) for align in ("left", "right", "center")]
    scored = []
    for order, (align, above) in enumerate(candidates):
        box = frame.box(*latest, label, align=align, above=above, gap=_LABEL_GAP)
        left, top, right, bottom = box
        inside = left >= 0 and right <= frame.width and top >= 0 and bottom <= frame.height
        near = (left - 2, top - 2, right + 2, bottom + 2)
        touching = sum(any(_boxes_meet(near, (x, y, x, y)) for x, y in line) for line in lines)
        touching += sum(_boxes_meet(near, other) for other in boxes)
        scored.append((not inside, touching, order))
    align, above = candidates[min(scored)[2]]
    n_lines = label.count("\n") + 1
    return {
        "align": align,
        "dx": {"left": _LABEL_GAP, "right": -_LABEL_GAP, "center": 0}[align],
        "baseline": "bottom" if above else "top",
        # Vega places a label's first line at y, and the rest below it.
        "dy": -(_LABEL_GAP + _LINE_HEIGHT * (n_lines - 1)) if above else _LABEL_GAP,
    }


def _boxes_meet(first, second) -> bool:
    return not (first[2] < second[0] or second[2] < first[0] or first[3] < second[1] or second[3] < first[1])
