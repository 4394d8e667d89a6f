"""The "Where is need greatest?" page's parts: the ward-by-principle need table, the ward ranking with the
actions and Prize projects on each ward's principles, the evidence behind every cell, and the download."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from het.ui.card import empty_state
from het.ui.data import cache_key
from het.ui.reads_places import PlacesReads, actions_and_projects, places_reads
from het.ui.tables import csv_download, show_table
from het.views import places as view
from het.views.indicator import ward_set_label
from het.views.tables import people_table


@dataclass(frozen=True)
class NeedView:
    tables: view.NeedTables
    grid: pd.DataFrame
    ranking: pd.DataFrame  # tables.ranking with each ward's supporting actions and projects, in words


@st.cache_data(max_entries=8, show_spinner=False)
def _need_view(key: tuple[str, int], ward_set: str) -> NeedView | None:
    """The need tables of a ward set, once per data version (the same for every session)."""
    reads = places_reads()
    latest = view.latest_ward_values(reads.ward_obs, ward_set=ward_set)
    tables = view.need_tables(latest, reads.profiles)
    if tables.ranking.empty:
        return None
    grid = view.need_grid(tables.cells, tables.ranking)
    actions, projects = actions_and_projects()
    supports = [
        _support_text(view.principle_support(tables.cells, actions, projects, area_code=code))
        for code in grid["area_code"]
    ]
    return NeedView(tables, grid, tables.ranking.assign(support=supports))


def need_section(reads: PlacesReads, ward_set: str) -> None:
    need = _need_view(cache_key(), ward_set)
    if need is None:
        empty_state("No ward values with a better or worse direction on this ward set: no need scores.")
        return
    tables, grid, ranking = need.tables, need.grid, need.ranking
    shown = pd.DataFrame(
        {
            "Rank": ranking["rank"],
            "Ward": ranking["ward"],
            "Population": ranking["population"],
            "Need score": ranking["need_score"],
            "Indicators worse": ranking["indicators_worse"],
            "Indicators better": ranking["indicators_better"],
            "Indicators compared": ranking["indicators_compared"],
            "Recorded actions and projects on its worse principles": ranking["support"],
        }
    )
    st.markdown(
        f"**Wards ranked by overall need**, {ward_set_label(ward_set, reads.ward_sets)}: "
        f"a score of +1 means worse than {reads.authority_name} on every indicator compared, −1 better on every one."
    )
    show_table(
        shown,
        hide_index=True,
        width="stretch",
        key="need_ranking",
        column_config={
            "Need score": st.column_config.ProgressColumn(
                "Need score",
                min_value=-1.0,
                max_value=1.0,
                format="%+.2f",
                help="Average over principles of (indicators worse − indicators better) ÷ indicators compared",
            ),
            "Population": st.column_config.NumberColumn(format="%,.0f"),
        },
    )
    st.markdown(
        "**Ward by principle**: how many of each principle's indicators are worse and better than the authority"
    )
    cells = grid.drop(columns=["area_code"]).rename(
        columns={"rank": "Rank", "ward": "Ward", "need_score": "Need score"}
    )
    show_table(
        cells,
        hide_index=True,
        width="stretch",
        key="need_grid",
        column_config={"Need score": st.column_config.NumberColumn(format="%+.2f")},
    )
    csv_download(
        f"Download the need table ({len(ranking)} wards, CSV)",
        lambda: view.need_export(tables.cells, ranking),
        file_name=f"need_by_ward_{ward_set}.csv",
        key="need_download",
    )
    with st.expander("Every comparison behind the table (trace a cell to its indicators)"):
        names = dict(zip(grid["area_code"], grid["ward"], strict=True))
        ward = st.selectbox("Ward", list(names), format_func=names.get, key="need_trace_ward")
        evidence = tables.evidence[tables.evidence["area_code"] == ward].drop(columns=["area_code"])
        show_table(people_table(evidence), hide_index=True, width="stretch", key="need_evidence")
        csv_download(
            "Download every comparison (CSV)",
            lambda: people_table(tables.evidence),
            file_name=f"need_evidence_{ward_set}.csv",
            key="need_evidence_download",
        )
    with st.expander("About this table"):
        st.markdown(view.NEED_METHOD)
        st.markdown(
            "Actions and Health Equity Town Prize projects are recorded by Marmot principle, not by ward: "
            "the last column lists those serving the principles on which the ward does worse than the authority, "
            "so it shows where effort is recorded, not that it reaches that ward."
        )


def _support_text(support: pd.DataFrame) -> str:
    if support.empty:
        return "none recorded"
    counts = support.groupby("kind").size()
    parts = [f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in counts.items()]
    principles = ", ".join(dict.fromkeys(support["principle"]))
    return f"{'; '.join(parts)} ({principles})"
