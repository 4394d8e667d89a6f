"""Ward maps on real boundaries: a choropleth by value class or by comparison, small multiples, and the LSOA
deprivation layer. Builders take flattened GeoJSON features (het.geometry.map_features) and return charts.

Every ward carries a text label as well as its colour: the comparison symbol (▲ better, ▼ worse...) when
coloured by comparison, and the ward's name when labels are asked for. The data is always inline.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from het.charts import palette
from het.charts.common import InlineChart, check_authority, comparison_legend, js, titled
from het.charts.maps import abbreviate_ward
from het.stats.benchmark import LABEL_ORDER, NOT_COMPARED
from het.stats.classes import NO_VALUE as NO_DATA_LABEL

BY_VALUE, BY_COMPARISON = "value", "comparison"
COLOUR_MODES = (BY_VALUE, BY_COMPARISON)
PROJECTION = "mercator"


def _present_comparisons(features: Sequence[dict]) -> list[str]:
    found = {f.get("comparison") for f in features}
    unknown = found - set(LABEL_ORDER)
    if unknown:
        raise ValueError(f"ward map: unknown comparison label(s) {sorted(map(str, unknown))}")
    return [label for label in LABEL_ORDER if label in found]


def _class_scale(class_labels: Sequence[str], present: set[str]) -> alt.Scale:
    colours = palette.sequential_colours(len(class_labels)) if class_labels else []
    domain, colour_range = list(class_labels), list(colours)
    if NO_DATA_LABEL in present:
        domain.append(NO_DATA_LABEL)
        colour_range.append(palette.NO_DATA)
    return alt.Scale(domain=domain, range=colour_range)


def _outline_layer(outline: dict | None, datasets: dict) -> list[alt.Chart]:
    """The authority's outline, drawn under the wards: Vega-Lite fills an unfilled shape with 'transparent',
    which on top would catch every click meant for a ward. The wards cover its inner half, so it is drawn
    twice as wide as it shows."""
    if outline is None:
        return []
    datasets["outline"] = [outline]
    return [
        alt.Chart(alt.NamedData(name="outline"))
        .mark_geoshape(filled=False, stroke=palette.INK, strokeWidth=5, aria=False)
        .encode()
    ]


def ward_map(
    features: Sequence[dict],
    *,
    colour: str,
    authority: str,
    labels: pd.DataFrame | None = None,
    outline: dict | None = None,
    class_labels: Sequence[str] = (),
    unit_title: str = "Value",
    show_names: bool = False,
    title: str | None = None,
    subtitle: str | None = None,
    width: int = 560,
    height: int = 520,
    select: bool = True,
    legend_orient: str = "right",
    highlight: str | None = None,
) -> InlineChart:
    """A choropleth of the wards, clickable (selection 'ward_pick' on area_code) when `select`.

    features: flattened ward features with area_code, ward, value_text, interval_text, comparison,
    population and, for colour='value', class_label (one of class_labels, or NO_DATA_LABEL).
    highlight: the area_code of a ward to outline in ink (the ward chosen from the list).
    labels: area_code, lon, lat (a point inside each ward) for the symbol and name labels.
    """
    if colour not in COLOUR_MODES:
        raise ValueError(f"ward map: colour must be one of {', '.join(COLOUR_MODES)}, not {colour!r}")
    check_authority(authority, "ward map")
    if not features:
        raise ValueError("ward map: no ward features to draw")
    present = _present_comparisons(features)
    tooltip = [
        alt.Tooltip("ward:N", title="Ward"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("interval_text:N", title="95% confidence interval"),
        alt.Tooltip("comparison_text:N", title=f"Compared with {authority}"),
        alt.Tooltip("population:Q", title="Population", format=",.0f"),
    ]
    if colour == BY_VALUE:
        classes_present = {f.get("class_label") for f in features}
        fill = alt.Fill(
            "class_label:N",
            scale=_class_scale(class_labels, classes_present),
            legend=alt.Legend(
                title=unit_title, orient=legend_orient, symbolType="square", symbolStrokeColor=palette.MUTED
            ),
            sort=[*class_labels, NO_DATA_LABEL],
        )
    else:
        fill = alt.Fill(
            "comparison:N",
            scale=palette.comparison_scale(present),
            legend=comparison_legend(f"Compared with {authority}"),
        )
    stroke_conditions, width_conditions, params = [], [], []
    if highlight is not None:
        chosen = {"test": f"datum.area_code === {js(highlight)}"}
        stroke_conditions.append({**chosen, "value": palette.INK})
        width_conditions.append({**chosen, "value": 3})
    if select:
        pick = alt.selection_point(name="ward_pick", fields=["area_code"], on="click", clear="dblclick")
        params.append(pick)
        stroke_conditions.append({"param": "ward_pick", "empty": False, "value": palette.INK})
        width_conditions.append({"param": "ward_pick", "empty": False, "value": 3})
    datasets: dict[str, list[dict]] = {"wards": list(features)}
    wards = (
        alt.Chart(alt.NamedData(name="wards"))
        .mark_geoshape()
        .encode(
            fill=fill,
            stroke={"condition": stroke_conditions, "value": palette.MUTED}
            if stroke_conditions
            else alt.value(palette.MUTED),
            strokeWidth={"condition": width_conditions, "value": 0.8} if width_conditions else alt.value(0.8),
            tooltip=tooltip,
        )
        .transform_calculate(comparison_text=_symbol_and_label("comparison"))
    )
    if params:
        wards = wards.add_params(*params)
    layers = [*_outline_layer(outline, datasets), wards]
    if labels is not None and len(labels):
        layers.append(
            _label_layer(features, labels, datasets, colour=colour, show_names=show_names, tooltip=tooltip)
        )
    chart = alt.layer(*layers).project(type=PROJECTION).properties(width=width, height=height)
    if colour == BY_COMPARISON or len(present) > 0:
        chart = chart.resolve_scale(fill="independent")
    return InlineChart(titled(chart, title, subtitle), datasets)


def _symbol_and_label(field: str) -> str:
    return f"{js(palette.COMPARISON_SYMBOLS)}[datum[{js(field)}]] + ' ' + datum[{js(field)}]"


def _label_layer(
    features, labels: pd.DataFrame, datasets: dict, *, colour: str, show_names: bool, tooltip
) -> alt.Chart:
    """Text at a point inside each ward: the comparison symbol (always, by comparison), the name on demand."""
    by_code = {f["area_code"]: f for f in features}
    rows = []
    for row in labels.itertuples():
        feature = by_code.get(row.area_code)
        if feature is None:
            continue
        lines = []
        if show_names:
            lines.append(
                abbreviate_ward(feature["ward"]) if len(str(feature["ward"])) > 14 else str(feature["ward"])
            )
        if colour == BY_COMPARISON:
            lines.append(palette.COMPARISON_SYMBOLS[feature.get("comparison") or NOT_COMPARED])
        elif feature.get("class_label") == NO_DATA_LABEL:
            lines.append("no value")
        if not lines:
            continue
        fill_colour = (
            palette.COMPARISON_COLOURS[feature.get("comparison") or NOT_COMPARED]
            if colour == BY_COMPARISON
            else feature.get("_fill_colour", palette.PAPER)
        )
        rows.append(
            {
                "lon": row.lon,
                "lat": row.lat,
                "label": "\n".join(lines),
                "text_colour": palette.text_colour_for(fill_colour),
                **{
                    k: feature.get(k)
                    for k in ("area_code", "ward", "value_text", "interval_text", "comparison", "population")
                },
            }
        )
    datasets["labels"] = rows
    return (
        alt.Chart(alt.NamedData(name="labels"))
        .mark_text(fontSize=11, fontWeight="bold", lineBreak="\n", lineHeight=13)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            text="label:N",
            color=alt.Color("text_colour:N", scale=None),
            tooltip=tooltip,
        )
        .transform_calculate(comparison_text=_symbol_and_label("comparison"))
    )


def with_fill_colours(features: Sequence[dict], class_labels: Sequence[str]) -> list[dict]:
    """The features with `_fill_colour`, the colour of their value class, so their labels can contrast."""
    colours = (
        dict(zip(class_labels, palette.sequential_colours(len(class_labels)), strict=True))
        if class_labels
        else {}
    )
    colours[NO_DATA_LABEL] = palette.NO_DATA
    return [{**f, "_fill_colour": colours.get(f.get("class_label"), palette.PAPER)} for f in features]


def small_multiples(
    features: Sequence[dict],
    *,
    class_labels: Sequence[str],
    unit_title: str,
    periods: Sequence[str],
    columns: int = 4,
    title: str | None = None,
    size: int = 220,
) -> InlineChart:
    """One small choropleth per period (features carry period_label), all on one set of value classes.

    Concatenated rather than faceted: Vega-Lite draws no geoshapes in a faceted projection.
    """
    if not features:
        raise ValueError("small multiples: no ward features to draw")
    present = {f.get("class_label") for f in features}
    fill = alt.Fill(
        "class_label:N",
        scale=_class_scale(class_labels, present),
        legend=alt.Legend(
            title=unit_title,
            orient="bottom",
            direction="horizontal",
            symbolType="square",
            symbolStrokeColor=palette.MUTED,
        ),
        sort=[*class_labels, NO_DATA_LABEL],
    )
    tooltip = [
        alt.Tooltip("period_label:N", title="Period"),
        alt.Tooltip("ward:N", title="Ward"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("comparison:N", title="Comparison"),
    ]
    maps, datasets = [], {}
    for period in periods:
        mine = [f for f in features if f.get("period_label") == period]
        if not mine:
            continue
        name = f"period_{len(maps)}"
        datasets[name] = mine
        maps.append(
            alt.Chart(
                alt.NamedData(name=name), title=alt.TitleParams(str(period), fontSize=13, anchor="middle")
            )
            .mark_geoshape(stroke=palette.MUTED, strokeWidth=0.6)
            .encode(fill=fill, tooltip=tooltip)
            .project(type=PROJECTION)
            .properties(width=size, height=size)
        )
    chart = alt.concat(*maps, columns=columns)
    return InlineChart(titled(chart, title), datasets)


def lsoa_map(
    features: Sequence[dict],
    *,
    field: str,
    n_groups: int,
    legend_title: str,
    ward_outlines: Sequence[dict] = (),
    title: str | None = None,
    width: int = 560,
    height: int = 520,
) -> InlineChart:
    """LSOAs coloured by a deprivation group (1 = most deprived, darkest), with ward boundaries drawn over.

    features: flattened LSOA features with area_name, imd_score and `field` (an integer group 1..n_groups).
    """
    if not features:
        raise ValueError("LSOA map: no LSOA features to draw")
    groups = list(range(1, n_groups + 1))
    colours = list(reversed(palette.sequential_colours(n_groups)))  # 1 = most deprived = darkest
    datasets = {"lsoas": list(features)}
    lsoas = (
        alt.Chart(alt.NamedData(name="lsoas"))
        .mark_geoshape(stroke=palette.PAPER, strokeWidth=0.3)
        .encode(
            fill=alt.Fill(
                f"{field}:O",
                scale=alt.Scale(domain=groups, range=colours),
                legend=alt.Legend(
                    title=legend_title,
                    orient="right",
                    labelExpr="datum.label == '1' ? '1 most deprived' : datum.label",
                ),
            ),
            tooltip=[
                alt.Tooltip("area_name:N", title="LSOA"),
                alt.Tooltip(f"{field}:O", title=legend_title),
                alt.Tooltip("imd_score:Q", title="IMD 2019 score", format=".1f"),
                alt.Tooltip("ward:N", title="Best-fit ward"),
            ],
        )
    )
    layers = [lsoas]
    if ward_outlines:
        datasets["ward_outlines"] = list(ward_outlines)
        layers.append(
            alt.Chart(alt.NamedData(name="ward_outlines"))
            .mark_geoshape(filled=False, stroke=palette.INK, strokeWidth=1.6, aria=False)
            .encode(tooltip=[alt.Tooltip("ward:N", title="Ward")])
        )
    chart = alt.layer(*layers).project(type=PROJECTION).properties(width=width, height=height)
    return InlineChart(titled(chart, title), datasets)
