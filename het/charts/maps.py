"""The ward hex map: a cartogram of one hexagon per ward, its geometry, and its ward abbreviations."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from het.charts import palette
from het.charts.common import (
    check_comparisons,
    comparison_legend,
    datum_field,
    format_expr,
    js,
    json_records,
    require_frame,
    symbol_expr,
    titled,
)
from het.stats.benchmark import NOT_COMPARED

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


def hex_features(frame: pd.DataFrame, *, label_field: str, colour_field: str = "comparison") -> list[dict]:
    """The frame's rows as flattened GeoJSON features: each row's fields plus type, geometry, hex_x, hex_y, hex_label.

    Flat (not nested under 'properties') so that Streamlit selections return plain field names
    (TOOLCHAIN.md section 5, pitfall C). hex_label is the ward abbreviation and the comparison symbol.
    """
    clash = [field for field in _HEX_FEATURE_FIELDS if field in frame.columns]
    if clash:
        raise ValueError(f"hex map frame may not have column(s) {', '.join(clash)}: the map uses those names")
    features = []
    for row in json_records(frame):
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
    require_frame(frame, ("q", "r", label_field, value_field, colour_field), "hex_map")
    present = check_comparisons(frame, colour_field, "hex_map")
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
    faint = {"test": f"{datum_field(colour_field)} === {js(NOT_COMPARED)}"}
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
                legend=comparison_legend("Comparison"),
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
        .transform_calculate(comparison_text=symbol_expr(colour_field))
        .resolve_scale(fill="independent")
        .properties(width=size, height=size)
    )
    if unit is not None and decimals is not None:
        chart = chart.transform_calculate(value_text=format_expr(value_field, unit=unit, decimals=decimals))
    return titled(chart, title)
