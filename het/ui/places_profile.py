"""The Ward profile page's parts: the ward (and a second ward to compare) chosen from a list or a small map,
its facts, its spine chart against the authority, its trend, and how the two ward sets relate.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from het.charts import palette
from het.charts.choropleth import BY_VALUE, ward_map, with_fill_colours
from het.charts.shares import share_bars
from het.charts.spine import spine_chart, spine_frame
from het.charts.trend import trend_chart
from het.ui.card import About, cached_chart, chart_card, empty_state, show_chart
from het.ui.data import cache_key
from het.ui.places_controls import take_click
from het.ui.reads_places import PlacesReads, places_reads, ward_geometry_for
from het.ui.state import url_choice, url_param
from het.views import places as view
from het.views.indicator import ward_set_label

QUINTILE_LABELS = [
    "1 most deprived fifth",
    "2",
    "3",
    "4",
    "5 least deprived fifth",
]


def _wards(reads: PlacesReads, ward_set: str) -> dict[str, str]:
    wards = reads.profiles[reads.profiles["ward_set"] == ward_set].sort_values("area_name")
    return dict(zip(wards["area_code"], wards["area_name"], strict=True))


def locator_map(reads: PlacesReads, ward_set: str, chosen: list[str | None]) -> str | None:
    """A small clickable map of the ward set coloured by local deprivation quintile; returns a clicked ward.

    chosen: the profiled ward and the one compared with it (or None), named and the first outlined."""
    if ward_set not in reads.boundary_sets:
        empty_state(
            f"No map of the {ward_set_label(ward_set, reads.ward_sets)}: their boundaries are not loaded. "
            "Choose the ward from the list; a geography pack with the ward boundaries (Data and methods) "
            "adds the map."
        )
        return None
    geometry = ward_geometry_for(ward_set)
    rows = reads.profiles[reads.profiles["ward_set"] == ward_set]
    frame = pd.DataFrame(
        {
            "area_code": rows["area_code"],
            "ward": rows["area_name"],
            "value_text": [f"{s:.1f}" if pd.notna(s) else "–" for s in rows["imd_score"]],
            "interval_text": "–",
            "comparison": "not compared",
            "population": rows["population"],
            "class_label": [
                QUINTILE_LABELS[int(q) - 1] if pd.notna(q) else "no value" for q in rows["local_quintile"]
            ],
        }
    )
    from het.geometry import map_features

    features = with_fill_colours(map_features(geometry.shapes, frame), QUINTILE_LABELS[::-1])
    chart = cached_chart(
        ward_map,
        features,
        colour=BY_VALUE,
        authority=reads.authority_name,
        labels=geometry.labels[geometry.labels["area_code"].isin(chosen)],
        outline=geometry.outline_feature,
        class_labels=QUINTILE_LABELS[::-1],
        unit_title="Deprivation (IMD 2019)",
        show_names=True,
        width=420,
        height=380,
        legend_orient="bottom",
        highlight=chosen[0],
    )
    event = show_chart(
        chart,
        key="profile_locator",
        selection="ward_pick",
        width="content",
        alt="Map of the wards shaded by deprivation, the chosen ward outlined; pick a ward from the list too.",
    )
    st.caption(
        "Click a ward to profile it. Darker wards are more deprived (IMD 2019, the authority's own fifths)."
    )
    picked = (event or {}).get("selection", {}).get("ward_pick") or []
    return picked[0].get("area_code") if picked and isinstance(picked[0], dict) else None


def ward_choices(reads: PlacesReads, ward_set: str, clicked: str | None) -> tuple[str, str | None]:
    """The ward (from a click or the list) and an optional second ward to compare, both in the URL."""
    names = _wards(reads, ward_set)
    take_click(clicked, names, key="url_ward")
    most_deprived = reads.profiles[reads.profiles["ward_set"] == ward_set].sort_values("imd_rank_local")
    default = most_deprived["area_code"].iloc[0] if len(most_deprived) else next(iter(names))
    ward = url_choice("ward", list(names), label="Ward", default=default, format_func=names.get)
    others = [None, *[c for c in names if c != ward]]
    if st.session_state.get("url_compare") not in others:
        st.session_state.pop("url_compare", None)
    compare = url_choice(
        "compare",
        others,
        label="Compare with another ward",
        format_func=lambda c: "No comparison" if c is None else names[c],
    )
    if compare is None:
        st.query_params.pop("compare", None)
    return ward, compare


def facts_panel(reads: PlacesReads, ward_code: str) -> None:
    """Population, deprivation score and rank, national decile mix and ethnic mix of one ward."""
    facts = view.ward_facts(ward_code, reads.profiles, reads.populations, reads.lsoa_deciles)
    st.markdown(f"## {facts.ward}")
    pop, score = st.columns(2)
    pop.metric("Population", f"{facts.population:,.0f}" if facts.population is not None else "–", border=True)
    score.metric(
        "IMD 2019 score", f"{facts.imd_score:.1f}" if facts.imd_score is not None else "–", border=True
    )
    st.markdown(f"**Deprivation:** the {facts.rank_text()} wards on this ward set (by IMD 2019 score)")
    if len(facts.national_deciles):
        chart_card(
            cached_chart(
                share_bars,
                facts.national_deciles,
                group="national_decile",
                group_title="National IMD 2019 decile (1 = most deprived tenth of England)",
                share_title="Share of residents",
                colour=palette.AUTHORITY_COLOUR,
                order=range(1, 11),
            ),
            facts.national_deciles.rename(
                columns={"national_decile": "National decile", "population": "Residents", "share": "Share"}
            ),
            key=f"profile_deciles_{ward_code}",
            title="Where its residents sit in England's deprivation deciles",
            about=About(
                source="English Indices of Deprivation 2019 (MHCLG), LSOA populations from the geography pack",
                period="IMD 2019",
                method="Residents of the ward's best-fit LSOAs, by each LSOA's national IMD decile",
            ),
        )
    if len(facts.ethnicity):
        chart_card(
            cached_chart(
                share_bars,
                facts.ethnicity,
                group="category",
                group_title="Ethnic group",
                share_title="Share of usual residents",
                colour=palette.REGION_COLOUR,
                horizontal=True,
                height=150,
            ),
            facts.ethnicity.rename(
                columns={"category": "Ethnic group", "population": "Residents", "share": "Share"}
            ),
            key=f"profile_ethnicity_{ward_code}",
            title=f"Ethnic mix (Census {facts.ethnicity_year})",
            about=About(
                source="Census 2021 TS021 (ONS), summed from LSOAs to the ward",
                period=str(facts.ethnicity_year),
                method="Usual residents by broad ethnic group",
            ),
        )
    else:
        st.caption(
            "No Census 2021 ethnic mix for this ward: the census counts are on the current wards only."
        )


def relation_note(reads: PlacesReads, ward_code: str, ward_set: str) -> None:
    """How this ward relates to the other ward set, by best-fit LSOAs (never by name)."""
    related = view.related_wards(ward_code, reads.overlap, reads.profiles)
    if related.empty:
        return
    others = [s for s in reads.ward_sets.vintages if s != ward_set]
    other = ward_set_label(others[0], reads.ward_sets) if others else "the other ward set"
    parts = [f"{r.area_name} ({r.share:.0%})" for r in related.itertuples() if r.share >= 0.005]
    st.info(
        f"On the {other}, this ward's people live in: {', '.join(parts)}. Shares are of its residents in LSOAs "
        "whose boundaries did not change, using the best-fit LSOA lookups; wards of the two sets are never "
        "matched by name.",
        icon=":material/swap_horiz:",
    )


@st.cache_data(max_entries=64, show_spinner=False)
def _spine(key: tuple[str, int], ward_set: str, wards: tuple[str, ...]):
    """The spine chart's rows, frame, finished chart and ward names, once per data version and choice of
    wards: every session opening a ward would otherwise rank every indicator's ward values again."""
    reads = places_reads()
    latest = view.latest_ward_values(reads.ward_obs, ward_set=ward_set)
    rows = view.spine_input(latest, ward_codes=list(wards))
    if rows.empty:
        return rows, None, None, []
    names = [reads.profiles.set_index("area_code").loc[w, "area_name"] for w in wards]
    frame = spine_frame(rows, wards=names, authority=reads.authority_name)
    chart = cached_chart(spine_chart, frame, authority=reads.authority_name, ward_names=names)
    return rows, frame, chart, names


def spine_card(reads: PlacesReads, ward_set: str, wards: list[str]) -> None:
    """Every indicator with ward values, the ward(s) against the authority and the spread across wards."""
    rows, frame, chart, names = _spine(cache_key(), ward_set, tuple(wards))
    if rows.empty:
        empty_state("No ward values on this ward set: nothing to put on the spine chart.")
        return
    table = frame[
        [
            "indicator_label",
            "period_label",
            "area_name",
            "value_text",
            "comparison",
            "authority_text",
            "range_text",
            "reason",
        ]
    ].rename(
        columns={
            "indicator_label": "Indicator",
            "period_label": "Period",
            "area_name": "Ward",
            "value_text": "Value",
            "comparison": f"Compared with {reads.authority_name}",
            "authority_text": f"{reads.authority_name} value",
            "range_text": "Range across wards",
            "reason": "Note",
        }
    )
    chart_card(
        chart,
        table,
        key="ward_spine",
        title=" and ".join(names) + f" against {reads.authority_name}: every indicator with ward values",
        caption=f"The centre line is {reads.authority_name}. The bar spans the worst to the best ward, the darker part "
        "the middle half of wards; better is always to the right. The marker is the ward, its symbol its comparison.",
        about=About(
            source="The loaded ward extracts",
            period="Each indicator's latest period on this ward set",
            method="Fingertips-style spine chart: each row scaled so the authority sits in the centre; "
            "a ward is better or worse when its 95% confidence interval excludes the authority's value",
            extracts=reads.extracts,
        ),
        width="content",  # the spine's columns have fixed widths: stretching would squeeze them together
    )
    with st.expander("Open an indicator on the Indicator page, by ward"):
        for indicator in dict.fromkeys(rows["indicator_id"]):
            label = rows.loc[rows["indicator_id"] == indicator, "indicator_label"].iloc[0]
            st.page_link(
                "pages/indicator.py",
                label=str(label),
                icon=":material/query_stats:",
                query_params={"indicator": indicator, "breakdown": "ward"},
            )


def trend_card(reads: PlacesReads, ward_code: str, ward_set: str) -> None:
    """The ward's trend on one indicator beside the authority's."""
    latest = view.latest_ward_values(reads.ward_obs, ward_set=ward_set)
    mine = latest[latest["area_code"] == ward_code]
    if mine.empty:
        return
    labels = {
        f"{r.indicator_id}|{r.sex}|{r.age}": view.series_label(r.short_name, r.sex) for r in mine.itertuples()
    }
    wanted = url_param("indicator")
    default = next((k for k in labels if k.split("|")[0] == wanted), next(iter(labels)))
    choice = st.selectbox(
        "Indicator",
        list(labels),
        index=list(labels).index(default),
        format_func=labels.get,
        key="profile_indicator",
    )
    indicator, sex, age = choice.split("|")
    st.query_params["indicator"] = indicator
    rows = view.ward_rows(reads.ward_obs, ward_code=ward_code, indicator_id=indicator, sex=sex, age=age)
    ward_name, meta = str(rows["area_name"].iloc[0]), rows.iloc[0]
    frame = view.ward_trend_frame(rows, authority=reads.authority_name)
    chart = cached_chart(
        trend_chart,
        frame,
        authority=ward_name,
        unit=str(meta["unit"]),
        decimals=int(meta["decimals"]),
        region=reads.authority_name,
        compared_with=reads.authority_name,
        properties={"height": 300},
    )
    chart_card(
        chart,
        frame,
        key="ward_trend",
        title=f"{labels[choice]}: {ward_name} and {reads.authority_name} over time",
        caption=f"On the {ward_set_label(ward_set, reads.ward_sets)} only; the ward's points are filled by its comparison "
        f"with {reads.authority_name}.",
        about=About(
            source=str(meta["name"]),
            period="every period on this ward set",
            method="Values as loaded",
            extracts=reads.extracts,
        ),
    )
    st.page_link(
        "pages/indicator.py",
        label=f"Open {labels[choice]} on the Indicator page, by ward",
        icon=":material/query_stats:",
        query_params={"indicator": indicator, "breakdown": "ward"},
    )
