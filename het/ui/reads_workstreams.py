"""Cached reads for the Workstreams pages, keyed on the data version (an edit bumps it, so it shows at once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from het.store import Store
from het.ui.data import cache_key, get_store
from het.views import workstreams as view


@dataclass(frozen=True)
class WorkstreamReads:
    authority_name: str
    workstreams: pd.DataFrame  # queries/workstream_list.sql
    principles: pd.DataFrame  # queries/principle_list.sql
    actions: pd.DataFrame  # queries/workstream_actions.sql
    kpis: pd.DataFrame  # queries/workstream_kpis.sql, judged (het.views.workstreams.kpi_table)
    kpi_series: pd.DataFrame  # queries/kpi_indicator_series.sql
    logic_items: pd.DataFrame  # queries/workstream_logic_items.sql
    logic_links: pd.DataFrame  # queries/workstream_logic_links.sql
    projects: pd.DataFrame  # queries/prize_project_list.sql
    gaps: pd.DataFrame  # queries/leads_gaps.sql: the latest gaps of every indicator


def judged_kpis(
    store: Store, kpis: pd.DataFrame, *, authority_code: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """KPIs (columns of queries/workstream_kpis.sql) with their values from the data where linked to an
    indicator and their verdicts (het.views.workstreams.kpi_table), and the series they were taken from
    (queries/kpi_indicator_series.sql). The Workstream and Principle pages both show KPIs through here, so
    they show the same values and verdicts."""
    series = store.query("kpi_indicator_series", authority_code=authority_code)
    return view.kpi_table(kpis, series), series


@st.cache_resource(max_entries=8, show_spinner=False)  # shared by sessions: het.ui.data
def _workstreams(key: tuple[str, int]) -> WorkstreamReads:
    store = get_store()
    authority = store.query("authority_code")
    code, name = str(authority["area_code"].iloc[0]), str(authority["area_name"].iloc[0])
    kpis, series = judged_kpis(store, store.query("workstream_kpis", workstream_id=None), authority_code=code)
    return WorkstreamReads(
        authority_name=name,
        workstreams=store.query("workstream_list"),
        principles=store.query("principle_list"),
        actions=store.query("workstream_actions", workstream_id=None),
        kpis=kpis,
        kpi_series=series,
        logic_items=store.query("workstream_logic_items", workstream_id=None),
        logic_links=store.query("workstream_logic_links", workstream_id=None),
        projects=store.query("prize_project_list"),
        gaps=store.query("leads_gaps", area_code=code),
    )


def workstream_reads() -> WorkstreamReads:
    """Every workstream with its actions, KPIs (judged), logic models and Prize projects."""
    return _workstreams(cache_key())


@st.cache_resource(max_entries=16, show_spinner=False)  # shared by sessions: het.ui.data
def _overview(key: tuple[str, int], today: date, stale_days: int) -> pd.DataFrame:
    reads = _workstreams(key)
    return view.overview_table(
        reads.workstreams,
        reads.actions,
        reads.kpis,
        reads.logic_items,
        reads.principles,
        today=today,
        stale_days=stale_days,
    )


def workstream_overview(*, today: date, stale_days: int) -> pd.DataFrame:
    """One row per workstream (het.views.workstreams.overview_table), once per data version, day and
    choice of stale days: the Workstreams overview and every Workstream page's status strip read it."""
    return _overview(cache_key(), today, int(stale_days))


@st.cache_data(max_entries=16, show_spinner=False)
def _history(key: tuple[str, int], workstream_id: str) -> pd.DataFrame:
    return get_store().query("workstream_edit_history", workstream_id=workstream_id)


def edit_history(workstream_id: str) -> pd.DataFrame:
    """Every edit to one workstream's items, newest first."""
    return _history(cache_key(), workstream_id)
