"""The Ward map page's parts: controls kept in the URL, the map (real boundaries or the hex cartogram), its
downloads, the small multiples, the funnel plot and the LSOA deprivation layer.

Every chart sits in a chart card (Chart / Table / Download / About) and every empty view says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from het.charts.choropleth import (
    BY_COMPARISON,
    BY_VALUE,
    NO_DATA_LABEL,
    lsoa_map,
    small_multiples,
    ward_map,
    with_fill_colours,
)
from het.charts.funnel import funnel_plot
from het.charts.maps import hex_map
from het.stats.classes import SCHEMES, classify
from het.stats.funnel import funnel_curve, funnel_significance
from het.ui.card import About, cached_chart, chart_card, empty_state
from het.ui.places_controls import take_click
from het.ui.reads_places import PlacesReads, lsoa_context, ward_geometry_for
from het.ui.state import url_choice, url_param
from het.views import places as view
from het.views.indicator import ward_set_label

BOUNDARIES, HEX = "boundaries", "hex"
MAP_VIEWS = {BOUNDARIES: "Boundaries", HEX: "Hex map"}


@dataclass(frozen=True)
class MapSelection:
    indicator_id: str
    sex: str
    age: str
    period_label: str
    period_sort: int
    ward_set: str
    meta: pd.Series


def _choice(
    column, name: str, options: list, *, label: str, default=None, format_func=str, widget="selectbox"
):
    with column:
        if len(options) > 1:
            return url_choice(
                name, options, label=label, default=default, format_func=format_func, widget=widget
            )
        st.query_params.pop(name, None)
        if options:
            st.markdown(f"**{label}**  \n{format_func(options[0])}")
        return options[0] if options else None


def controls(reads: PlacesReads) -> MapSelection:
    """Indicator, sex, age and period (the period decides the ward set), each in the URL."""
    indicators = view.map_indicators(reads.ward_obs)
    names = dict(zip(indicators["indicator_id"], indicators["short_name"], strict=True))
    principles = dict(zip(indicators["indicator_id"], indicators["principle_short_label"], strict=True))
    pick, sex_col, age_col, period_col = st.columns([4, 2, 2, 2])
    indicator = _choice(
        pick,
        "indicator",
        list(names),
        label="Indicator",
        format_func=lambda i: f"{names[i]} · {principles[i]}",
    )
    obs = reads.ward_obs
    sex = _choice(
        sex_col, "sex", view.options(obs, "sex", indicator_id=indicator), label="Sex", widget="radio"
    )
    age = _choice(age_col, "age", view.options(obs, "age", indicator_id=indicator, sex=sex), label="Age")
    periods = view.period_options(obs, indicator_id=indicator, sex=sex, age=age)
    labels = periods["period_label"].tolist()
    period = _choice(period_col, "period", labels, label="Period", default=labels[-1])
    row = periods[periods["period_label"] == period].iloc[0]
    meta = obs[obs["indicator_id"] == indicator].iloc[0]
    return MapSelection(indicator, sex, age, period, int(row["period_sort"]), str(row["ward_set"]), meta)


@dataclass(frozen=True)
class MapStyle:
    view: str
    colour: str
    scheme: str
    classes: int
    names: bool


def style_controls(reads: PlacesReads, sel: MapSelection) -> MapStyle:
    """How to draw the map: boundaries or hex, colour by value classes or by comparison, ward names."""
    if sel.ward_set in reads.boundary_sets:
        chosen_view = url_choice(
            "map", list(MAP_VIEWS), label="Map", format_func=MAP_VIEWS.get, widget="segmented"
        )
    else:
        st.query_params.pop("map", None)
        chosen_view = HEX
        st.markdown("**Map**  \nHex map (no boundary files loaded)")
    if chosen_view == HEX:  # the cartogram shows comparisons (its hexagons carry the symbols)
        st.query_params.pop("colour", None)
        colour = BY_COMPARISON
        st.markdown(f"**Colour wards by**  \nComparison with {reads.authority_name}")
    else:
        colour = url_choice(
            "colour",
            [BY_VALUE, BY_COMPARISON],
            label="Colour wards by",
            format_func=lambda c: "Value" if c == BY_VALUE else f"Against {reads.authority_name}",
            widget="segmented",
        )
    if colour == BY_VALUE:
        scheme = url_choice(
            "classes",
            list(SCHEMES),
            label="Classes",
            help="Quantiles put the same number of wards in each class; equal intervals split the range "
            "evenly; natural breaks (Fisher–Jenks) put the class limits in the biggest gaps between values.",
        )
    else:
        scheme = SCHEMES[0]
        st.query_params.pop("classes", None)
    names = st.toggle("Ward names on the map", value=url_param("names") == "on", key="map_names")
    st.query_params["names"] = "on" if names else "off"
    return MapStyle(chosen_view, colour, scheme, 5, names)


def _unit_title(meta) -> str:
    return f"{meta['short_name']} ({meta['unit']})" if meta["unit"] else str(meta["short_name"])


def _classes(values: pd.Series, *, scheme: str, k: int, decimals: int):
    valued = values.dropna()
    if valued.nunique() < 2:
        return None
    return classify(
        values.to_numpy(dtype=float), scheme=scheme, k=min(k, int(valued.nunique())), decimals=decimals
    )


def _with_classes(frame: pd.DataFrame, classes) -> pd.DataFrame:
    if classes is None:
        return frame.assign(
            class_label=[NO_DATA_LABEL if pd.isna(v) else "all wards" for v in frame["value"]]
        )
    return frame.assign(class_label=list(classes.value_labels))


def _class_labels(classes) -> list[str]:
    return list(classes.labels) if classes is not None else ["all wards"]


def _about(reads: PlacesReads, sel: MapSelection, *, method: str, notes=()) -> About:
    # The store keeps the boundary file's name (Data and methods lists the pack); the page says it in words.
    has_boundaries = sel.ward_set in reads.boundary_source
    return About(
        source=f"{sel.meta['name']}; the {sel.ward_set} ward boundaries of the geography pack"
        if has_boundaries
        else str(sel.meta["name"]),
        period=sel.period_label,
        method=method,
        extracts=reads.extracts,
        notes=list(notes),
    )


def ward_set_note(reads: PlacesReads, sel: MapSelection) -> str:
    """Which ward set the map shows and when the sets changed, from the geography manifest."""
    label = ward_set_label(sel.ward_set, reads.ward_sets)
    change = reads.ward_sets.change_note() if len(reads.ward_sets.vintages) > 1 else ""
    return f"{sel.period_label} values are on the {label}" + (f" ({change})." if change else ".")


def _map_frame(reads: PlacesReads, sel: MapSelection) -> pd.DataFrame:
    """The selected period's ward values against the authority (het.views.places.ward_map_frame)."""
    return view.ward_map_frame(
        reads.ward_obs,
        reads.profiles,
        indicator_id=sel.indicator_id,
        sex=sel.sex,
        age=sel.age,
        period_sort=sel.period_sort,
        unit=str(sel.meta["unit"]),
        decimals=int(sel.meta["decimals"]),
    )


def map_card(reads: PlacesReads, sel: MapSelection, style: MapStyle) -> str | None:
    """The map in its card; returns the ward code clicked on the map, if any."""
    meta = sel.meta
    decimals = int(meta["decimals"])
    frame = _map_frame(reads, sel)
    classes = _classes(frame["value"], scheme=style.scheme, k=style.classes, decimals=decimals)
    frame = _with_classes(frame, classes)
    table = view.ward_map_table(frame, authority=reads.authority_name)
    title = f"{meta['short_name']} by ward, {sel.period_label}"
    method = (
        f"Wards coloured by {style.scheme} of the value ({len(_class_labels(classes))} classes)"
        if style.colour == BY_VALUE
        else f"Each ward against {reads.authority_name}: better or worse when its 95% confidence interval "
        f"excludes {reads.authority_name}'s value (Fingertips' rule); the symbol in each ward says the same"
    )
    if style.view == HEX or sel.ward_set not in reads.boundary_sets:
        chart, features = _hex(reads, sel, frame, style)
        shown = "the hex cartogram (one hexagon per ward, placed roughly where it lies)"
        if sel.ward_set not in reads.boundary_sets:
            shown += (
                "; no boundary files are loaded for this ward set, so a geography pack would add the real map"
            )
    else:
        geometry = ward_geometry_for(sel.ward_set)
        features = view_features(geometry, frame, classes)
        chart = cached_chart(
            ward_map,
            features,
            colour=style.colour,
            picture=True,
            authority=reads.authority_name,
            labels=geometry.labels,
            outline=geometry.outline_feature,
            class_labels=_class_labels(classes),
            unit_title=_unit_title(meta),
            show_names=style.names,
            height=560,
            highlight=url_param("ward"),
        )
        shown = "the real ward boundaries"
    event = chart_card(
        chart,
        table,
        key="ward_map",
        title=title,
        caption=f"{ward_set_note(reads, sel)} Drawn on {shown}.",
        about=_about(reads, sel, method=method),
        selection="ward_pick",
        extra_downloads=_map_downloads(chart, features, key=f"ward_map_{sel.indicator_id}_{sel.period_sort}"),
    )
    return _picked(event)


def view_features(geometry, frame: pd.DataFrame, classes) -> list[dict]:
    from het.geometry import map_features

    features = map_features(geometry.shapes, frame)
    return with_fill_colours(features, _class_labels(classes))


def _hex(reads: PlacesReads, sel: MapSelection, frame: pd.DataFrame, style: MapStyle):
    cells = reads.hex_cells[reads.hex_cells["ward_set"] == sel.ward_set][["area_code", "q", "r"]]
    merged = frame.merge(cells, on="area_code", how="inner")
    chart = cached_chart(
        hex_map,
        merged.drop(columns=["class_label"]),
        value_field="value",
        picture=True,
        label_field="ward",
        unit=str(sel.meta["unit"]),
        decimals=int(sel.meta["decimals"]),
        size=460,
    )
    features = [
        {"type": "Feature", "geometry": None, **row}
        for row in json.loads(merged.drop(columns=["class_label"]).to_json(orient="records"))
    ]
    return chart, features


def _picked(event) -> str | None:
    if not event:
        return None
    selection = event.get("selection", {}) if isinstance(event, dict) else {}
    picked = selection.get("ward_pick") or []
    if picked and isinstance(picked[0], dict):
        return picked[0].get("area_code")
    return None


def _map_downloads(chart, features: list[dict], *, key: str, what: str = "Wards") -> list[dict]:
    """PNG and SVG of the map (vl-convert, made only when clicked) and its joined geometry as GeoJSON."""
    spec = chart.to_json()

    def png() -> bytes:
        import vl_convert

        return vl_convert.vegalite_to_png(spec, scale=2)

    def svg() -> str:
        import vl_convert

        return vl_convert.vegalite_to_svg(spec)

    def geojson() -> str:
        collection = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": f.get("geometry"),
                    "properties": {
                        k: v for k, v in f.items() if k not in ("type", "geometry") and not k.startswith("_")
                    },
                }
                for f in features
            ],
        }
        return json.dumps(collection)

    downloads = [
        {"label": "As a picture (PNG)", "data": png, "file_name": f"{key}.png", "mime": "image/png"},
        {"label": "As a drawing (SVG)", "data": svg, "file_name": f"{key}.svg", "mime": "image/svg+xml"},
    ]
    if any(f.get("geometry") for f in features):  # the hex cartogram has no real geometry to give
        downloads.append(
            {
                "label": f"{what} with their values as GeoJSON",
                "data": geojson,
                "file_name": f"{key}.geojson",
                "mime": "application/geo+json",
            }
        )
    return downloads


def small_multiples_card(reads: PlacesReads, sel: MapSelection, style: MapStyle) -> None:
    """One map per period on the selected period's ward set, on one set of classes, to watch a gap move."""
    meta = sel.meta
    decimals, unit = int(meta["decimals"]), str(meta["unit"])
    frame = view.small_multiples_frame(
        reads.ward_obs,
        reads.profiles,
        indicator_id=sel.indicator_id,
        sex=sel.sex,
        age=sel.age,
        ward_set=sel.ward_set,
        unit=unit,
        decimals=decimals,
    )
    periods = list(dict.fromkeys(frame["period_label"]))
    if len(periods) < 2:
        empty_state(
            f"Only one period is on the {ward_set_label(sel.ward_set, reads.ward_sets)}: no small multiples to draw."
        )
        return
    if sel.ward_set not in reads.boundary_sets:
        empty_state("Small multiples need the ward boundaries: load a geography pack (Data and methods).")
        return
    classes = _classes(frame["value"], scheme=style.scheme, k=style.classes, decimals=decimals)
    frame = _with_classes(frame, classes)
    geometry = ward_geometry_for(sel.ward_set)
    features = view_features(geometry, frame.drop(columns=["period_sort"]), classes)
    chart = cached_chart(
        small_multiples,
        features,
        class_labels=_class_labels(classes),
        picture=True,
        unit_title=_unit_title(meta),
        periods=periods,
        columns=min(4, len(periods)),
    )
    chart_card(
        chart,
        view.ward_map_table(frame, authority=reads.authority_name),
        key="ward_small_multiples",
        title=f"{meta['short_name']} by ward, {periods[0]} to {periods[-1]}",
        caption=f"Every period on the {ward_set_label(sel.ward_set, reads.ward_sets)}, on the same {style.scheme} classes, "
        "so a colour means the same value in every map.",
        about=_about(reads, sel, method=f"{style.scheme.capitalize()} classes over every period shown"),
        extra_downloads=_map_downloads(
            chart, features, key=f"ward_maps_{sel.indicator_id}_{sel.ward_set}", what="Wards of every period"
        ),
    )


def funnel_card(reads: PlacesReads, sel: MapSelection) -> None:
    """The wards on a funnel plot against the authority's value, with 95% and 99.8% control limits."""
    meta = sel.meta
    frame = _map_frame(reads, sel)
    found = view.funnel_input(frame, value_type=str(meta["value_type"]))
    target = frame["authority_value"].dropna()
    if found.reason or target.empty:
        empty_state(f"No funnel plot: {found.reason or 'the authority has no value for this period'}.")
        return
    target_value = float(target.iloc[0])
    multiplier = float(meta["multiplier"])
    statistic = str(meta["value_type"])
    points = found.points.assign(
        significance=funnel_significance(
            found.points["value"].to_numpy(dtype=float),
            found.points["denominator"].to_numpy(dtype=float),
            target=target_value,
            statistic=statistic,
            multiplier=multiplier,
        )
    )
    curves = funnel_curve(
        target=target_value,
        statistic=statistic,
        multiplier=multiplier,
        max_denominator=float(points["denominator"].max()) * 1.1,
        min_denominator=max(1.0, float(points["denominator"].min()) * 0.5),
    )
    chart = cached_chart(
        funnel_plot,
        points,
        curves,
        target=target_value,
        unit=str(meta["unit"]),
        decimals=int(meta["decimals"]),
        authority=reads.authority_name,
        x_title=found.x_title,
    )
    table = points.rename(
        columns={
            "area_name": "Ward",
            "value": "Value",
            "denominator": "Denominator",
            "significance": "Against the control limits",
            "comparison": f"Compared with {reads.authority_name} (95% interval)",
        }
    ).drop(columns=["area_code"])
    chart_card(
        chart,
        table,
        key="ward_funnel",
        title=f"{meta['short_name']}: is any ward's difference more than chance? ({sel.period_label})",
        caption=f"Each ward's value against its denominator. Wards inside the funnel differ from {reads.authority_name} "
        "no more than chance would make them; outside the 99.8% limits, a real difference is very likely.",
        about=_about(
            reads,
            sel,
            method="Funnel plot with exact 95% and 99.8% control limits around the authority's value "
            "(docs/methods.md, Funnel plots)",
        ),
    )


def lsoa_card(reads: PlacesReads, sel: MapSelection) -> None:
    """LSOA IMD 2019 deciles (national) or local quintiles, with the period's ward boundaries drawn over them."""
    context = lsoa_context()
    if not context:
        empty_state("No LSOA boundaries are loaded: a geography pack with LSOA boundaries adds this layer.")
        return
    kinds = {
        "national_decile": "national deciles",
        "local_quintile": f"{reads.authority_name}'s own quintiles",
    }
    kind = url_choice(
        "lsoa", list(kinds), label="Deprivation groups", format_func=kinds.get, widget="segmented"
    )
    lsoa_set = _lsoa_set_for(reads, sel, context)
    shapes, rows = context[lsoa_set]
    names = reads.profiles.set_index("area_code")["area_name"]
    frame = rows.assign(ward=rows["ward_code"].map(names)).drop(columns=["ward_code"])
    from het.geometry import map_features

    features = map_features(shapes, frame)
    outlines = []
    if sel.ward_set in reads.boundary_sets:
        geometry = ward_geometry_for(sel.ward_set)
        ward_rows = reads.profiles[reads.profiles["ward_set"] == sel.ward_set][["area_code", "area_name"]]
        outlines = map_features(geometry.shapes, ward_rows.rename(columns={"area_name": "ward"}))
    n_groups = 10 if kind == "national_decile" else 5
    chart = cached_chart(
        lsoa_map,
        features,
        field=kind,
        picture=True,
        n_groups=n_groups,
        legend_title="National decile" if kind == "national_decile" else "Local quintile",
        ward_outlines=outlines,
        height=520,
    )
    table = frame.rename(
        columns={
            "area_code": "LSOA code",
            "area_name": "LSOA",
            "imd_score": "IMD 2019 score",
            "national_decile": "National decile (1 = most deprived)",
            "local_quintile": "Local quintile (1 = most deprived)",
            "local_decile": "Local decile",
            "population": "Population",
            "ward": "Best-fit ward",
        }
    ).drop(columns=["lsoa_set"])
    chart_card(
        chart,
        table,
        key="lsoa_context",
        title=f"Deprivation by neighbourhood (LSOA), IMD 2019: {kinds[kind]}",
        caption=f"LSOAs ({lsoa_set}) coloured by deprivation, darkest most deprived; the lines are the "
        f"{ward_set_label(sel.ward_set, reads.ward_sets)}.",
        about=About(
            source="English Indices of Deprivation 2019 (MHCLG), LSOA boundaries from the geography pack",
            period="IMD 2019",
            method="National deciles rank all LSOAs in England; local quintiles rank the authority's own LSOAs "
            "(Fingertips' quantile rule)",
        ),
        extra_downloads=_map_downloads(chart, features, key=f"lsoa_{lsoa_set}_{kind}", what="LSOAs"),
    )


def _lsoa_set_for(reads: PlacesReads, sel: MapSelection, context: dict) -> str:
    """The LSOA set whose best-fit wards are the period's ward set (LSOA 2011 for the earlier wards)."""
    ward_codes = set(reads.profiles.loc[reads.profiles["ward_set"] == sel.ward_set, "area_code"])
    for lsoa_set, (_, rows) in context.items():
        if set(rows["ward_code"]) & ward_codes:
            return lsoa_set
    return sorted(context)[-1]


def ward_summary(reads: PlacesReads, ward_code: str, sel: MapSelection) -> None:
    """Beside the map: the clicked ward's value, facts and a link to its full profile."""
    facts = view.ward_facts(ward_code, reads.profiles, reads.populations, reads.lsoa_deciles)
    row = reads.ward_obs[
        (reads.ward_obs["area_code"] == ward_code)
        & (reads.ward_obs["indicator_id"] == sel.indicator_id)
        & (reads.ward_obs["period_sort"] == sel.period_sort)
        & (reads.ward_obs["sex"] == sel.sex)
        & (reads.ward_obs["age"] == sel.age)
    ]
    with st.container(border=True):
        st.markdown(f"## {facts.ward}")
        if not row.empty:
            r = row.iloc[0]
            from het.format import format_value

            st.markdown(
                f"**{sel.meta['short_name']}, {sel.period_label}:** "
                f"{format_value(r['value'], unit=str(sel.meta['unit']), decimals=int(sel.meta['decimals']))} "
                f"({view.comparison_sentence(r['comparison'], authority=reads.authority_name)})"
            )
        pop = f"{facts.population:,.0f}" if facts.population is not None else "not known"
        st.markdown(f"Population {pop}  \nDeprivation: {facts.rank_text()} wards")
        st.page_link(
            "pages/ward_profile.py",
            label=f"Open the profile of {facts.ward}",
            icon=":material/person_pin_circle:",
            query_params={"ward": ward_code, "indicator": sel.indicator_id},
        )


def ward_picker(reads: PlacesReads, sel: MapSelection, clicked: str | None) -> str | None:
    """The ward chosen by a click on the map or from the list (keyboard users); kept in the URL as `ward`."""
    wards = reads.profiles[reads.profiles["ward_set"] == sel.ward_set].sort_values("area_name")
    names = dict(zip(wards["area_code"], wards["area_name"], strict=True))
    options = [None, *names]
    take_click(clicked, options, key="map_ward")
    chosen = url_choice(
        "ward",
        options,
        label="Ward",
        format_func=lambda c: "Choose a ward…" if c is None else names[c],
        help="Click a ward on the map, or choose it here.",
        key="map_ward",
    )
    if chosen is None:
        st.query_params.pop("ward", None)
    return chosen
