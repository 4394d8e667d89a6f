"""Cached reads for the Leads Group's Overview (scorecard and tartan rug) and Gap tracker pages.

One cached read per page, keyed on het.ui.data.cache_key() (the store file and its data version), so a
committed load, withdrawal or reference reload shows at once and nothing is cached twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from het.ui.data import cache_key, get_store
from het.views.scorecard import gap_tracker_table, scorecard
from het.vocabulary import ENGLAND


@dataclass(frozen=True)
class LeadsBase:
    authority_code: str
    authority_name: str
    latest: pd.DataFrame  # queries/leads_latest_totals.sql
    gaps: pd.DataFrame  # queries/leads_gaps.sql
    extracts: list[str]  # the active extracts that supply current values, for About tabs


@dataclass(frozen=True)
class OverviewReads(LeadsBase):
    principles: pd.DataFrame
    rug_areas: pd.DataFrame  # queries/rug_columns.sql
    rug_cells: pd.DataFrame  # queries/leads_rug_cells.sql
    # The scorecard (het.views.scorecard.scorecard), made once per data version rather than on every run,
    # and its lines per principle as records, as the page draws them.
    scorecard: pd.DataFrame
    scorecard_lines: dict[int, list[dict]]


@dataclass(frozen=True)
class GapTrackerReads(LeadsBase):
    workstreams: pd.DataFrame  # queries/workstream_principles.sql


def _base(store) -> dict:
    authority = store.query("authority_code")
    # Without wards there is no local authority to show: every read comes back empty and the pages say so.
    code = str(authority["area_code"].iloc[0]) if len(authority) else ""
    name = str(authority["area_name"].iloc[0]) if len(authority) else "the area"
    register = store.query("source_extracts")
    extracts = [
        f"{row.file_name} (extract {row.extract_id}, {row.source_kind}, loaded {row.loaded_at:%d %b %Y})"
        for row in register.itertuples()
    ]
    return {
        "authority_code": code,
        "authority_name": name,
        "latest": store.query("leads_latest_totals", area_code=code, england_code=ENGLAND),
        "gaps": store.query("leads_gaps", area_code=code),
        "extracts": extracts,
    }


@st.cache_resource(max_entries=8, show_spinner=False)  # shared by sessions: het.ui.data
def _overview(key: tuple[str, int]) -> OverviewReads:
    store = get_store()
    base = _base(store)
    code = base["authority_code"]
    areas = store.query("rug_columns", area_code=code, england_code=ENGLAND)
    card = scorecard(base["latest"], base["gaps"])
    return OverviewReads(
        **base,
        principles=store.query("principles"),
        rug_areas=areas,
        rug_cells=store.query("leads_rug_cells", area_code=code, area_codes=areas["area_code"].tolist()),
        scorecard=card,
        scorecard_lines={
            int(principle): rows.to_dict("records")
            for principle, rows in card.groupby("principle_id", sort=True)
        },
    )


def overview_reads() -> OverviewReads:
    """The Overview page's one read: latest values, gaps, principles and the tartan rug's cells."""
    return _overview(cache_key())


@st.cache_resource(max_entries=8, show_spinner=False)  # shared by sessions: het.ui.data
def _gap_tracker(key: tuple[str, int]) -> GapTrackerReads:
    store = get_store()
    return GapTrackerReads(**_base(store), workstreams=store.query("workstream_principles"))


def gap_tracker_reads() -> GapTrackerReads:
    """The Gap tracker page's one read: every gap at its latest period, latest values, workstreams."""
    return _gap_tracker(cache_key())


def gap_tracker_rows() -> pd.DataFrame:
    """Every gap as the tracker lists it (het.views.scorecard.gap_tracker_table of gap_tracker_reads()),
    once per data version: the Gap tracker and every Workstream page start from it, in every session."""
    return _gap_tracker_rows(cache_key())


@st.cache_resource(max_entries=8, show_spinner=False)  # shared by sessions: het.ui.data
def _gap_tracker_rows(key: tuple[str, int]) -> pd.DataFrame:
    data = _gap_tracker(key)
    return gap_tracker_table(data.gaps, data.latest, authority_name=data.authority_name)
