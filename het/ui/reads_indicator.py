"""Cached reads for the Indicator and Principle pages: one read per page, keyed on the store's data version.

Each read takes what the page is about (an indicator, a principle) as part of its key; an unknown or
missing choice falls back to the default, and the read says which one it used, so that a page can read
once with the choice from the URL and build its selector from the same read.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from het.ui.data import cache_key, get_store
from het.ui.reads_workstreams import judged_kpis
from het.views import principle as principle_view
from het.vocabulary import ENGLAND


def _authority(store) -> tuple[str, str, str | None]:
    """The authority's code, name and region (its parent area)."""
    authority = store.query("authority_code")
    code, name = str(authority["area_code"].iloc[0]), str(authority["area_name"].iloc[0])
    areas = store.query("area_list")
    parent = areas.loc[areas["area_code"] == code, "parent_code"]
    region = parent.iloc[0] if not parent.empty and isinstance(parent.iloc[0], str) else None
    return code, name, region


@dataclass(frozen=True)
class IndicatorPageData:
    indicator_id: str
    catalogue: pd.DataFrame
    observations: pd.DataFrame
    trend_markers: pd.DataFrame
    gaps: pd.DataFrame
    gap_trends: pd.DataFrame
    extracts: pd.DataFrame
    hex_cells: pd.DataFrame
    authority_code: str
    authority_name: str
    region_code: str | None

    @property
    def meta(self) -> pd.Series:
        return self.catalogue.set_index("indicator_id", drop=False).loc[self.indicator_id]


@st.cache_resource(max_entries=32, show_spinner=False)  # shared by sessions: het.ui.data
def _indicator_page(key: tuple[str, int], indicator_id: str | None) -> IndicatorPageData:
    store = get_store()
    catalogue = store.query("indicator_catalogue")
    known = catalogue["indicator_id"].tolist()
    chosen = indicator_id if indicator_id in known else known[0]
    code, name, region = _authority(store)
    mine = {"indicator_id": chosen, "area_code": code}
    return IndicatorPageData(
        indicator_id=chosen,
        catalogue=catalogue,
        observations=store.query("indicator_observations", indicator_id=chosen),
        trend_markers=store.query("indicator_trend_markers", **mine),
        gaps=store.query("indicator_gaps", **mine),
        gap_trends=store.query("indicator_gap_trends", **mine),
        extracts=store.query("indicator_extracts", indicator_id=chosen),
        hex_cells=store.query("hex_cells"),
        authority_code=code,
        authority_name=name,
        region_code=region,
    )


def indicator_page_data(indicator_id: str | None) -> IndicatorPageData:
    """One indicator in depth: every current value, benchmark, trend and gap, and the extracts behind them."""
    return _indicator_page(cache_key(), indicator_id)


@dataclass(frozen=True)
class PrinciplePageData:
    principle_id: int
    principles: pd.DataFrame
    indicators: pd.DataFrame
    series: pd.DataFrame
    gaps: pd.DataFrame
    gap_trends: pd.DataFrame
    trend_markers: pd.DataFrame
    workstreams: pd.DataFrame
    kpis: pd.DataFrame  # queries/principle_kpis.sql, judged as the Workstream page (judged_kpis)
    actions: pd.DataFrame
    extracts: pd.DataFrame
    authority_code: str
    authority_name: str
    all_ages: bool = False  # the series has every age band loaded, not each indicator's own

    @property
    def label(self) -> str:
        return str(self.principles.set_index("principle_id").loc[self.principle_id, "label"])


@st.cache_resource(max_entries=16, show_spinner=False)  # shared by sessions: het.ui.data
def _principle_page(
    key: tuple[str, int], principle_id: int | None, all_ages: bool = False
) -> PrinciplePageData:
    store = get_store()
    principles = store.query("principle_list")
    known = [int(p) for p in principles["principle_id"]]
    chosen = principle_id if principle_id in known else (1 if 1 in known else known[0])
    code, name, _ = _authority(store)
    catalogue = store.query("indicator_catalogue")
    mine = {"principle_id": chosen, "area_code": code}
    return PrinciplePageData(
        principle_id=chosen,
        principles=principles,
        indicators=catalogue[catalogue["principle_id"] == chosen].reset_index(drop=True),
        series=store.query("principle_series", **mine, england_code=ENGLAND, all_ages=all_ages),
        gaps=store.query("principle_gaps", **mine),
        gap_trends=store.query("principle_gap_trends", **mine),
        trend_markers=store.query("principle_trend_markers", **mine),
        workstreams=store.query("principle_workstreams", principle_id=chosen),
        kpis=judged_kpis(store, store.query("principle_kpis", principle_id=chosen), authority_code=code)[0],
        actions=store.query("principle_actions", principle_id=chosen),
        extracts=store.query("principle_extracts", principle_id=chosen),
        authority_code=code,
        authority_name=name,
        all_ages=all_ages,
    )


def principle_gap_summary(data: PrinciplePageData) -> pd.DataFrame:
    """The principle's gap summary table (het.views.principle.principle_gap_table) for the page's data,
    computed once per data version: it walks every indicator's gaps, and every session asks for it."""
    return _principle_gap_summary(cache_key(), data.principle_id, data.all_ages)


@st.cache_resource(max_entries=32, show_spinner=False)  # shared by sessions: het.ui.data
def _principle_gap_summary(key: tuple[str, int], principle_id: int, all_ages: bool) -> pd.DataFrame:
    data = _principle_page(key, principle_id, all_ages)
    return principle_view.principle_gap_table(
        data.series,
        data.gaps,
        data.gap_trends,
        data.trend_markers,
        authority_code=data.authority_code,
        authority_name=data.authority_name,
    )


def principle_page_data(principle_id: int | None, *, all_ages: bool = False) -> PrinciplePageData:
    """One Marmot principle: its indicators' trends and gaps, and the workstreams, KPIs and actions serving it.

    The trends are at each indicator's own age unless all_ages (then one panel per age band loaded)."""
    return _principle_page(cache_key(), principle_id, all_ages)
