"""The ward profile's spine chart: one row per indicator, the authority at the centre, the spread of its
wards as bars, and the chosen ward(s) as markers, with better always to the right.

`spine_frame` places everything on each row's 0..1 scale (pure pandas); `spine_chart` draws that frame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from het.charts import palette
from het.charts.common import (
    BARE_UNITS,
    FONT_SIZE,
    check_authority,
    check_comparisons,
    js,
    json_records,
    one_row,
    require_frame,
    titled,
)
from het.format import format_value
from het.stats.benchmark import NOT_COMPARED, normalise_polarity
from het.vocabulary import LOW_IS_GOOD, NO_JUDGEMENT

INDICATOR_COLUMNS = (
    "indicator_label",
    "unit",
    "decimals",
    "polarity",
    "authority_value",
    "ward_min",
    "ward_q1",
    "ward_q3",
    "ward_max",
)
WARD_COLUMNS = ("area_name", "value", "comparison")
INPUT_COLUMNS = INDICATOR_COLUMNS + WARD_COLUMNS
POSITION_COLUMNS = ("pos_worst", "pos_q_worse", "pos_q_better", "pos_best", "pos_ward")
TEXT_COLUMNS = (
    "value_text",
    "marker_text",
    "authority_text",
    "authority_short",
    "unit_text",
    "worst_text",
    "best_text",
    "range_text",
    "comparison_text",
    "reason",
)
FRAME_COLUMNS = ("indicator_order", "ward_index", *POSITION_COLUMNS, *TEXT_COLUMNS)
CENTRE = 0.5
MAX_WARDS = 2
AXIS_TITLE = "Worse ← → Better"
NO_JUDGEMENT_NOTE = "(indicators with no judgement: lower ← → higher)"

# Markers take the shape of the house text symbol (palette.COMPARISON_SYMBOLS): ▲ up, ▼ down, ● round;
# hollow symbols (no judgement, not compared) are drawn hollow.
_GLYPH_SHAPES = {"▲": "triangle-up", "▼": "triangle-down", "●": "circle"}
_HOLLOW_GLYPHS = {"△": "▲", "▽": "▼", "○": "●"}


def _reason_missing_authority(authority: str | None) -> str:
    return f"No value for {authority} as a whole" if authority else "No value for the authority as a whole"


def spine_frame(
    rows: pd.DataFrame, *, wards: Sequence[str] | None = None, authority: str | None = None
) -> pd.DataFrame:
    """Each (indicator, ward) placed on its spine: positions on 0..1 with the authority at 0.5, and display texts.

    rows (long: one row per indicator and chosen ward, as het.views.places.spine_input gives):
    indicator_label, unit, decimals, polarity, authority_value, ward_min, ward_q1, ward_q3, ward_max
    (the same on every row of an indicator), and area_name, value, comparison (the ward's value and its
    comparison with the authority). Any other columns (indicator_id, period_label...) are kept.
    A ward with no row for an indicator gets one, with no value and 'not compared'; nothing is dropped.
    wards: the chosen wards in order (one or two on the ward profile; default: first appearance).
    authority: the authority's name, used only in the reason given when it has no value.

    Method (Fingertips' spine chart): each row is scaled on its own, symmetric about its benchmark b
    (the authority's value), with half-width h = max(b - ward_min, ward_max - b), so that the benchmark
    sits at 0.5 and whichever end of the ward range is further from it reaches 0 or 1:
    position(v) = 0.5 + (v - b) / 2h, and 1 minus that for 'low is good', so that better is always to
    the right (the worst ward at or right of 0, the best at or left of 1). 'No judgement' indicators are
    drawn as 'high is good' (higher to the right). A row whose wards all equal the benchmark (h = 0)
    puts everything at 0.5. References: PHE, Fingertips Technical Guide - Spine Charts (2017); the
    fingertipscharts R package, whose area_profiles() scales its spines this way (spine_rescaler).

    Returns the rows (indicator order, then ward order) with polarity in het's spelling and:
    indicator_order (1 = top), ward_index (0 = first ward), pos_worst, pos_q_worse, pos_q_better,
    pos_best (the worst ward, the worse and better quartiles, the best ward: ward_min, ward_q1, ward_q3,
    ward_max for 'high is good', reversed for 'low is good'; lowest to highest for 'no judgement'),
    pos_ward (the ward's marker); value_text ('62.3%'), marker_text ('62.3% ▼', the chart's value
    column), authority_text, worst_text, best_text, range_text ('55.0% (worst) to 70.4% (best)'),
    comparison_text ('▼ worse') and reason (what is missing, '' when nothing is). Positions are None
    where they cannot be placed: every position when the authority has no value or no ward has one,
    and pos_ward when the ward has none.
    """
    require_frame(rows, INPUT_COLUMNS, "spine_frame")
    check_comparisons(rows, "comparison", "spine_frame")
    frame = rows.reset_index(drop=True).copy()
    for column in ("indicator_label", "area_name"):
        blank = frame[column].isna() | (frame[column].astype(str).str.strip() == "")
        if blank.any():
            raise ValueError(f"spine_frame: {column} is missing in row {int(np.flatnonzero(blank)[0]) + 1}")
    frame["polarity"] = normalise_polarity(frame["polarity"].to_numpy(dtype=object))
    frame["unit"] = frame["unit"].where(frame["unit"].notna(), "").astype(str)
    for column in ("authority_value", "ward_min", "ward_q1", "ward_q3", "ward_max", "value"):
        try:
            frame[column] = pd.to_numeric(frame[column]).astype(float)
        except (TypeError, ValueError) as error:
            raise ValueError(f"spine_frame: {column} must be numbers ({error})") from None
    missing_decimals = frame["decimals"].isna()
    if missing_decimals.any():
        label = frame.loc[missing_decimals, "indicator_label"].iloc[0]
        raise ValueError(f"spine_frame: decimals is missing for indicator {label!r}")
    frame["decimals"] = frame["decimals"].astype(int)

    repeated = frame.duplicated(["indicator_label", "area_name"])
    if repeated.any():
        first = frame.loc[repeated].iloc[0]
        raise ValueError(
            f"spine_frame: indicator {first['indicator_label']!r} has more than one row for {first['area_name']!r}"
        )
    for column in INDICATOR_COLUMNS[1:]:
        counts = frame.groupby("indicator_label", sort=False)[column].nunique(dropna=False)
        if (counts > 1).any():
            label = counts.index[counts > 1][0]
            raise ValueError(f"spine_frame: indicator {label!r} has more than one {column} across its wards")

    seen = list(dict.fromkeys(frame["area_name"]))
    order = seen if wards is None else list(wards)
    if len(set(order)) != len(order):
        raise ValueError(f"spine_frame: wards names a ward more than once: {', '.join(map(str, order))}")
    unlisted = [name for name in seen if name not in order]
    if unlisted:
        raise ValueError(f"spine_frame: wards is missing {', '.join(map(str, unlisted))}")
    frame = _complete(frame, order)
    _check_ranges(frame)
    placed = _place(frame)
    texts = _texts(placed, authority=authority)
    return pd.concat([placed, texts], axis=1)


def _complete(frame: pd.DataFrame, wards: list[str]) -> pd.DataFrame:
    """Every indicator with a row for every ward, in indicator order then ward order."""
    indicators = list(dict.fromkeys(frame["indicator_label"]))
    first = frame.drop_duplicates("indicator_label").set_index("indicator_label")
    have = set(zip(frame["indicator_label"], frame["area_name"], strict=True))
    extra = [
        {
            **{c: first.at[label, c] for c in INDICATOR_COLUMNS[1:]},
            "indicator_label": label,
            "area_name": ward,
        }
        for label in indicators
        for ward in wards
        if (label, ward) not in have
    ]
    if extra:
        filler = pd.DataFrame(extra).assign(value=np.nan, comparison=NOT_COMPARED)
        # Indicator-level columns beyond the required ones (indicator_id, period_label...) come along too.
        shared = [
            c
            for c in frame.columns
            if c not in INPUT_COLUMNS
            and (frame.groupby("indicator_label")[c].nunique(dropna=False) <= 1).all()
        ]
        for column in shared:
            filler[column] = filler["indicator_label"].map(first[column])
        frame = pd.concat([frame, filler], ignore_index=True)
    frame["indicator_order"] = frame["indicator_label"].map(
        {label: i + 1 for i, label in enumerate(indicators)}
    )
    frame["ward_index"] = frame["area_name"].map({ward: i for i, ward in enumerate(wards)})
    frame = frame.sort_values(["indicator_order", "ward_index"], kind="stable").reset_index(drop=True)
    frame["decimals"] = frame["decimals"].astype(int)
    return frame


def _check_ranges(frame: pd.DataFrame) -> None:
    """Quartiles inside the ward range, in order; each ward's value inside it; ends given together."""
    lo, q1, q3, hi, value = (
        frame[c].to_numpy() for c in ("ward_min", "ward_q1", "ward_q3", "ward_max", "value")
    )
    for i in range(len(frame)):
        label, ward = frame.at[i, "indicator_label"], frame.at[i, "area_name"]
        if np.isnan(lo[i]) != np.isnan(hi[i]):
            raise ValueError(f"spine_frame: indicator {label!r} needs both ward_min and ward_max, or neither")
        if np.isnan(q1[i]) != np.isnan(q3[i]):
            raise ValueError(f"spine_frame: indicator {label!r} needs both ward_q1 and ward_q3, or neither")
        if np.isnan(lo[i]) and not np.isnan(q1[i]):
            raise ValueError(f"spine_frame: indicator {label!r} has quartiles but no ward_min and ward_max")
        ends = [v for v in (lo[i], q1[i], q3[i], hi[i]) if not np.isnan(v)]
        if ends != sorted(ends):
            raise ValueError(
                f"spine_frame: indicator {label!r} needs ward_min <= ward_q1 <= ward_q3 <= ward_max; "
                f"got {', '.join(f'{v:g}' for v in (lo[i], q1[i], q3[i], hi[i]))}"
            )
        if not np.isnan(value[i]) and (np.isnan(lo[i]) or not lo[i] <= value[i] <= hi[i]):
            raise ValueError(
                f"spine_frame: {ward!r}'s value {value[i]:g} for indicator {label!r} is outside the "
                f"range of wards ({lo[i]:g} to {hi[i]:g})"
            )


def _place(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with pos_* columns: each row's scale symmetric about the authority (see spine_frame)."""
    bench = frame["authority_value"].to_numpy()
    lo, q1, q3, hi = (frame[c].to_numpy() for c in ("ward_min", "ward_q1", "ward_q3", "ward_max"))
    reverse = frame["polarity"].to_numpy() == LOW_IS_GOOD
    with np.errstate(invalid="ignore"):
        half = np.fmax(bench - lo, hi - bench)  # NaN only when the benchmark or the range is missing
        flat = half == 0

        def position(values: np.ndarray) -> np.ndarray:
            with np.errstate(divide="ignore", invalid="ignore"):
                scaled = (values - bench) / (2 * half)
            scaled = np.where(reverse, -scaled, scaled)
            return np.where(flat, CENTRE, CENTRE + scaled)

        ends = {
            "pos_worst": np.where(reverse, hi, lo),
            "pos_q_worse": np.where(reverse, q3, q1),
            "pos_q_better": np.where(reverse, q1, q3),
            "pos_best": np.where(reverse, lo, hi),
            "pos_ward": frame["value"].to_numpy(),
        }
        placed = {name: position(values) for name, values in ends.items()}
    drawable = ~(np.isnan(bench) | np.isnan(lo))
    out = frame.copy()
    for name, values in placed.items():
        # Judged on the value placed, not the position: a flat row puts even a missing value at 0.5.
        keep = drawable & ~np.isnan(ends[name])
        out[name] = pd.Series(
            [float(v) if k else None for v, k in zip(values, keep, strict=True)], dtype=object
        )
    return out


def _texts(frame: pd.DataFrame, *, authority: str | None) -> pd.DataFrame:
    """The display texts of each row (see spine_frame)."""
    out: dict[str, list[str]] = {name: [] for name in TEXT_COLUMNS}
    for row in frame.itertuples(index=False):
        unit, decimals = row.unit, int(row.decimals)
        reverse = row.polarity == LOW_IS_GOOD
        worst, best = (row.ward_max, row.ward_min) if reverse else (row.ward_min, row.ward_max)
        judged = row.polarity != NO_JUDGEMENT
        worst_word, best_word = ("worst", "best") if judged else ("lowest", "highest")
        value_text = format_value(row.value, unit=unit, decimals=decimals)
        short_unit = "%" if unit == "%" else ""
        short = format_value(row.value, unit=short_unit, decimals=decimals)
        no_value = math.isnan(row.value)
        out["value_text"].append(value_text)
        out["marker_text"].append(
            short if no_value else f"{short} {palette.COMPARISON_SYMBOLS[row.comparison]}"
        )
        out["authority_text"].append(format_value(row.authority_value, unit=unit, decimals=decimals))
        out["authority_short"].append(format_value(row.authority_value, unit=short_unit, decimals=decimals))
        out["unit_text"].append("" if unit == "%" or unit in BARE_UNITS else unit)
        out["worst_text"].append(format_value(worst, unit=unit, decimals=decimals))
        out["best_text"].append(format_value(best, unit=unit, decimals=decimals))
        if math.isnan(row.ward_min):
            out["range_text"].append("No ward values")
        else:
            out["range_text"].append(
                f"{format_value(worst, unit=unit, decimals=decimals)} ({worst_word}) to "
                f"{format_value(best, unit=unit, decimals=decimals)} ({best_word})"
            )
        out["comparison_text"].append(palette.comparison_text(row.comparison))
        if math.isnan(row.authority_value):
            reason = _reason_missing_authority(authority)
        elif math.isnan(row.ward_min):
            reason = "No ward values for this indicator"
        elif no_value:
            reason = f"No value for {row.area_name}"
        else:
            reason = ""
        out["reason"].append(reason)
    return pd.DataFrame(out, index=frame.index)


# -- drawing ------------------------------------------------------------------------------------------------

SPINE_WIDTH = 270
LABEL_WIDTH = 210
COLUMN_WIDTH = 76
UNIT_WIDTH = 90
COLUMN_GAP = 14
ROW_STEP_ONE, ROW_STEP_TWO = 24, 30
MARKER_SIZE, SECOND_MARKER_SIZE = 130, 65
BAND_NAMES = ("Range of wards (worst to best)", "Middle half of wards (25th to 75th percentile)")
WARD_PLACES = (" (larger marker, upper)", " (smaller marker, lower)")


def _tint(colour: str, share: float) -> str:
    """A palette colour mixed with white: share 1 is the colour, 0 is white (for the spine's two greys)."""
    text = colour.lstrip("#")
    channels = (int(text[i : i + 2], 16) for i in (0, 2, 4))
    mixed = (round(share * c + (1 - share) * 255) for c in channels)
    return "#{:02X}{:02X}{:02X}".format(*mixed)


# Fingertips' two greys: a light bar for the whole range of wards, a darker one for the middle half.
RANGE_COLOUR = _tint(palette.MUTED, 0.22)
MIDDLE_COLOUR = _tint(palette.MUTED, 0.55)
ROW_SHADE = _tint(palette.MUTED, 0.06)


def _marker_scales(labels: list[str]) -> tuple[alt.Scale, alt.Scale, alt.Scale]:
    """Fill, stroke and shape scales for the ward markers: the house colour, and the house symbol's shape."""
    fills, strokes, shapes = [], [], []
    for label in labels:
        glyph = palette.COMPARISON_SYMBOLS[label][0]
        hollow = glyph in _HOLLOW_GLYPHS
        shapes.append(_GLYPH_SHAPES[_HOLLOW_GLYPHS.get(glyph, glyph)])
        colour = palette.COMPARISON_COLOURS[label]
        fills.append(palette.PAPER if hollow else colour)
        strokes.append((palette.MUTED if label == NOT_COMPARED else colour) if hollow else palette.INK)
    return (
        alt.Scale(domain=labels, range=fills),
        alt.Scale(domain=labels, range=strokes),
        alt.Scale(domain=labels, range=shapes),
    )


def spine_chart(
    frame: pd.DataFrame,
    *,
    authority: str,
    title: str | None = None,
    ward_names: list[str] | None = None,
) -> alt.LayerChart:
    """A Fingertips-style spine chart of one or two wards against the authority, from spine_frame's output.

    Each row: the authority's value as the centre line, a light bar from the worst to the best ward, a
    darker bar for the middle half of wards (25th to 75th percentile), and a marker for each ward,
    filled with its comparison's colour and shaped like its symbol (▲ better, ▼ worse, ● similar; hollow
    when no judgement is made). Better is to the right on every row. Indicator labels sit on the left
    (truncated, in full in the tooltip); each ward's value and symbol, the authority's value and the
    unit are printed in columns on the right. With two wards the first ward's markers are larger and
    sit in the upper half of the row, the second's smaller in the lower half, and a legend names both.
    A row that cannot be placed says why in its middle. The chart inlines exactly the frame's rows.
    authority: the authority's name (the centre line's name); ward_names: the wards, in the order drawn
    (default: the frame's ward_index order); must be exactly the frame's wards.
    """
    require_frame(frame, (*INPUT_COLUMNS, *FRAME_COLUMNS), "spine_chart")
    check_authority(authority, "spine_chart")
    check_comparisons(frame, "comparison", "spine_chart")
    in_frame = list(frame.sort_values("ward_index", kind="stable")["area_name"].drop_duplicates())
    names = in_frame if ward_names is None else list(ward_names)
    if sorted(names) != sorted(in_frame) or len(set(names)) != len(names):
        raise ValueError(
            f"spine_chart: ward_names must be the frame's wards ({', '.join(in_frame)}); got {', '.join(names)}"
        )
    if len(names) > MAX_WARDS:
        raise ValueError(
            f"spine_chart draws one or two wards; the frame has {len(names)}: {', '.join(names)}"
        )
    two = len(names) == 2
    indicators = list(
        frame.sort_values("indicator_order", kind="stable")["indicator_label"].drop_duplicates()
    )
    step = ROW_STEP_TWO if two else ROW_STEP_ONE

    y = alt.Y("indicator_label:N", sort=indicators, title=None, axis=None, scale=alt.Scale(padding=0))
    has_no_judgement = bool((frame["polarity"] == NO_JUDGEMENT).any())
    x_scale = alt.Scale(domain=[0, 1], nice=False, zero=False)
    # One axis, repeated on every layer with an x field so that the layers' axes merge into it.
    x_axis = alt.Axis(
        values=[0, CENTRE, 1],
        labels=False,
        grid=False,
        title=[AXIS_TITLE, NO_JUDGEMENT_NOTE] if has_no_judgement else AXIS_TITLE,
        titleFontSize=FONT_SIZE + 1,
        titleFontWeight="normal",
        titleColor=palette.INK,
    )

    def x(field: str) -> alt.X:
        return alt.X(f"{field}:Q", scale=x_scale, axis=x_axis)

    first_lane = "datum.lane === 0"
    drawable = f"{first_lane} && isValid(datum.pos_worst)"
    row_tooltip = [
        alt.Tooltip("indicator_label:N", title="Indicator"),
        alt.Tooltip("authority_text:N", title=authority),
        alt.Tooltip("range_text:N", title="Range of wards"),
    ]
    if "period_label" in frame.columns:
        row_tooltip.insert(1, alt.Tooltip("period_label:N", title="Period"))
    marker_tooltip = [
        row_tooltip[0],
        alt.Tooltip("area_name:N", title="Ward"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("comparison_text:N", title=f"Compared with {authority}"),
        *row_tooltip[1:],
    ]
    base = alt.Chart().encode(y=y)

    columns = [(name, "marker_text", k, marker_tooltip) for k, name in enumerate(names)]
    columns += [(authority, "authority_short", 0, row_tooltip), ("Unit", "unit_text", 0, row_tooltip)]
    table_left = SPINE_WIDTH + COLUMN_GAP
    table_right = table_left + COLUMN_WIDTH * (len(columns) - 1) + UNIT_WIDTH

    # Every row gets a background (shaded on alternate rows, to read across to the values), which also
    # carries the row's tooltip wherever the pointer is on it.
    shade = (
        base.transform_filter(first_lane)
        .mark_rect()
        .encode(
            x=alt.value(-LABEL_WIDTH - 12),
            x2=alt.value(table_right),
            fill=alt.condition(
                "datum.indicator_order % 2 === 1", alt.value(ROW_SHADE), alt.value(palette.PAPER)
            ),
            tooltip=row_tooltip,
        )
    )
    labels = (
        base.transform_filter(first_lane)
        .mark_text(align="right", dx=-10, fontSize=FONT_SIZE, color=palette.INK, limit=LABEL_WIDTH)
        .encode(x=alt.value(0), text="indicator_label:N", tooltip=row_tooltip)
    )
    # The bars and the centre line share one colour legend (the key to the row); the markers have their own.
    centre_name = f"{authority} (centre line)"
    key = alt.Color(
        "key:N",
        scale=alt.Scale(
            domain=[*BAND_NAMES, centre_name], range=[RANGE_COLOUR, MIDDLE_COLOUR, palette.AUTHORITY_COLOUR]
        ),
        legend=alt.Legend(
            title="Each row", orient="bottom", direction="vertical", symbolType="square", labelLimit=320
        ),
    )
    ward_range = (
        base.transform_filter(drawable)
        .transform_calculate(key=js(BAND_NAMES[0]))
        .mark_bar(height={"band": 0.6})
        .encode(x=x("pos_worst"), x2="pos_best:Q", color=key, tooltip=row_tooltip)
    )
    middle = (
        base.transform_filter(f"{drawable} && isValid(datum.pos_q_worse)")
        .transform_calculate(key=js(BAND_NAMES[1]))
        .mark_bar(height={"band": 0.6})
        .encode(x=x("pos_q_worse"), x2="pos_q_better:Q", color=key, tooltip=row_tooltip)
    )
    centre = (
        base.transform_filter(drawable)
        .transform_calculate(key=js(centre_name), centre=str(CENTRE))
        .mark_tick(orient="vertical", thickness=2.5, size=round(step * 0.84))
        .encode(x=x("centre"), color=key, tooltip=row_tooltip)
    )
    reasons = (
        base.transform_filter(f"{first_lane} && !isValid(datum.pos_worst)")
        .transform_calculate(centre=str(CENTRE))
        .mark_text(fontSize=FONT_SIZE - 1, fontStyle="italic", color=palette.MUTED)
        .encode(x=x("centre"), text="reason:N", tooltip=row_tooltip)
    )

    # The legend lists the comparisons shown, as a marker or a symbol in the value columns (a ward with no
    # value shows neither).
    shown = frame[frame["value"].notna()]
    present = check_comparisons(shown if len(shown) else frame, "comparison", "spine_chart")
    fill_scale, stroke_scale, shape_scale = _marker_scales(present)
    # fill, stroke and shape share the field and the legend, so Vega-Lite draws one legend for all three.
    marker_legend = alt.Legend(
        title=f"Ward compared with {authority}",
        orient="bottom",
        direction="vertical",
        labelExpr=f"{js(palette.COMPARISON_SYMBOLS)}[datum.label] + ' ' + datum.label",
        symbolStrokeWidth=1.5,
        symbolSize=110,
    )
    marker_encoding = {
        "x": x("pos_ward"),
        "fill": alt.Fill("comparison:N", scale=fill_scale, legend=marker_legend),
        "stroke": alt.Stroke("comparison:N", scale=stroke_scale, legend=marker_legend),
        "shape": alt.Shape("comparison:N", scale=shape_scale, legend=marker_legend),
        "tooltip": marker_tooltip,
    }
    calculations = {"lane": f"indexof({js(names)}, datum.area_name)"}
    if two:
        # yOffset counts from the top of the row's band: the first ward above its middle, the second below.
        shift = round(step * 0.21)
        calculations["lane_offset"] = f"{step / 2} + (datum.lane === 0 ? {-shift} : {shift})"
        marker_encoding["yOffset"] = alt.YOffset("lane_offset:Q", scale=None)
        marker_encoding["size"] = alt.Size(
            "area_name:N",
            scale=alt.Scale(domain=names, range=[MARKER_SIZE, SECOND_MARKER_SIZE]),
            legend=alt.Legend(
                title="Wards",
                orient="bottom",
                direction="vertical",
                labelExpr=f"datum.label + {js(dict(zip(names, WARD_PLACES, strict=True)))}[datum.label]",
                symbolFillColor=palette.MUTED,
                symbolStrokeColor=palette.INK,
            ),
        )
    markers = (
        base.transform_filter("isValid(datum.pos_ward)")
        .mark_point(filled=False, opacity=1, size=MARKER_SIZE, strokeWidth=1.5)
        .encode(**marker_encoding)
    )

    table = []
    for k, (heading, field, lane, tooltip) in enumerate(columns):
        left = table_left + COLUMN_WIDTH * k
        width = UNIT_WIDTH if field == "unit_text" else COLUMN_WIDTH
        colour = palette.MUTED if field == "unit_text" else palette.INK
        table.append(
            base.transform_filter(f"datum.lane === {lane}")
            .mark_text(align="left", fontSize=FONT_SIZE, color=colour, limit=width - 6)
            .encode(x=alt.value(left), text=f"{field}:N", tooltip=tooltip)
        )
        table.append(
            one_row()
            .mark_text(
                align="left",
                baseline="bottom",
                fontSize=FONT_SIZE,
                fontWeight="bold",
                color=palette.INK,
                limit=width - 6,
            )
            .encode(x=alt.value(left), y=alt.value(-6), text=alt.value(heading), tooltip=alt.value(heading))
        )

    chart = (
        alt.layer(
            shade,
            ward_range,
            middle,
            centre,
            reasons,
            labels,
            markers,
            *table,
            data=alt.Data(values=json_records(frame)),
        )
        .transform_calculate(**calculations)
        .properties(width=SPINE_WIDTH, height=alt.Step(step))
    )
    return titled(chart, title)
