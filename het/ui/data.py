"""Cached access to the store. The app process owns the store file: one connection, a cursor per read.

Every page makes one cached read keyed on the store's data version, so a committed load shows at once.

The pages' read bundles (the frames a page works from) are held with st.cache_resource: every session gets
the same objects, not its own unpickled copy (copying them was a tenth of the server's time with 20 readers
at once). Pages and views therefore never change a frame they were given: they filter, assign or copy (with
pandas' copy-on-write a filtered frame is a new one). tests/pages/test_shared_reads.py renders every page
and checks each bundle still equals a fresh read.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from het.loads import prepare_store, refresh_running
from het.reference.loader import geography_dir_from_env
from het.store import Store, StoreUnavailableError, default_db_path
from het.views.freshness import Freshness
from het.views.tables import demo_is_active as register_has_active_demo
from het.ward_sets import WardSets


@st.cache_resource(show_spinner="Preparing the het store (the first start builds the demonstration data)…")
def _open_store(path: str) -> Store:
    store = Store(path)
    prepare_store(store, geography_dir=geography_dir_from_env())
    return store


def get_store() -> Store:
    """The app's one read-write connection to the store named by HET_DB (default data/het.duckdb).

    A store that cannot be opened (held by another process, read-only) stops the page with what is wrong
    and how to fix it, not a traceback."""
    try:
        return _open_store(str(default_db_path()))
    except StoreUnavailableError as exc:
        st.error(f"**het cannot open its store.** {exc}", icon=":material/error:")
        st.stop()


def cache_key() -> tuple[str, int]:
    """What every cached read is keyed on: the store file and its data version."""
    store = get_store()
    return str(store.path), store.data_version()


@dataclass(frozen=True)
class DataAndMethods:
    catalogue: pd.DataFrame
    register: pd.DataFrame
    geography_source: str
    data_version: int


@st.cache_resource(max_entries=8, show_spinner=False)  # shared by sessions: het.ui.data
def _data_and_methods(key: tuple[str, int]) -> DataAndMethods:
    store = get_store()
    return DataAndMethods(
        catalogue=store.query("indicator_catalogue"),
        register=store.query("extract_register"),
        geography_source=store.meta("geography_source") or "",
        data_version=key[1],
    )


@st.cache_resource(max_entries=8, show_spinner=False)  # shared by sessions: het.ui.data
def _area_list(key: tuple[str, int]) -> pd.DataFrame:
    return get_store().query("area_list")


def area_list() -> pd.DataFrame:
    """Every area with its type, ward set and the dates ward sets were in force (read once per version)."""
    return _area_list(cache_key())


@st.cache_data(max_entries=8, show_spinner=False)
def _ward_sets(key: tuple[str, int]) -> WardSets:
    return WardSets.from_areas(_area_list(key))


def ward_sets() -> WardSets:
    """The authority's ward sets with the dates each was in force, from the area list (once per version)."""
    return _ward_sets(cache_key())


def data_and_methods() -> DataAndMethods:
    """The catalogue, the extract register and the store's sources (the Data and methods page's one read)."""
    return _data_and_methods(cache_key())


@st.cache_data(max_entries=8, show_spinner=False)
def _authority_name(key: tuple[str, int]) -> str:
    authority = get_store().query("authority_code")
    return str(authority["area_name"].iloc[0]) if len(authority) else ""


def authority_name() -> str:
    """The store's authority, named by its geography manifest; '' while no geography with wards is loaded."""
    return _authority_name(cache_key())


@st.cache_data(max_entries=8, show_spinner=False)
def _freshness(key: tuple[str, int]) -> Freshness:
    store = get_store()
    authority = store.query("authority_code")
    code = str(authority["area_code"].iloc[0]) if len(authority) else ""
    return Freshness.from_frame(store.query("data_freshness", authority=code))


def freshness() -> Freshness:
    """How fresh the store's data is (the "data up to" line), per data version."""
    return _freshness(cache_key())


@st.cache_data(max_entries=8, show_spinner=False)
def _active_demo(key: tuple[str, int]) -> bool:
    return register_has_active_demo(get_store().query("extract_register"))


def demo_is_active() -> bool:
    return _active_demo(cache_key())


def _derived_problem() -> str | None:
    # Not cached: a failure is recorded after its change commits, without a new data version, and three
    # meta reads cost next to nothing.
    store = get_store()
    error = store.meta("derived_error") or ""
    derived, observed = int(store.meta("derived_version") or 0), int(store.meta("observations_version") or 0)
    if not error and derived >= observed:
        return None
    return (
        error or f"the gap statistics are from data version {derived}; the values are from version {observed}"
    )


def derived_problem() -> str | None:
    """Why the gap statistics lag the values, or None when they are up to date (or being updated now)."""
    if refresh_progress() is not None:
        return None
    return _derived_problem()


def refresh_progress() -> dict | None:
    """While a refresh runs (started by any user): started_at, done and total indicators, which ones.

    Read on every run, not cached: the refresh keeps it in the app process's memory for every page to see.
    """
    return refresh_running(get_store())
