"""Cached reads for the Places pages (ward map, ward profile, where need is greatest).

The store is read once per data version (het.ui.data.cache_key); the boundaries are simplified once per
ward set and data version (het.geometry.ward_geometry), so a click only joins values to cached shapes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from het.ui.data import cache_key, get_store, ward_sets
from het.views.indicator import extract_names
from het.ward_sets import WardSets


@dataclass(frozen=True)
class PlacesReads:
    authority_code: str
    authority_name: str
    ward_obs: pd.DataFrame  # queries/ward_observations.sql
    profiles: pd.DataFrame  # queries/ward_profiles.sql
    populations: pd.DataFrame  # queries/ward_populations.sql
    lsoa_deciles: pd.DataFrame  # queries/ward_lsoa_deciles.sql
    overlap: pd.DataFrame  # queries/ward_set_overlap.sql
    hex_cells: pd.DataFrame  # queries/hex_cells.sql
    boundary_sets: tuple[str, ...]  # the ward sets with boundaries in the store
    boundary_source: dict  # ward set -> the boundary file it came from
    extracts: list[str]  # the active extracts, for About tabs

    @property
    def ward_sets(self) -> WardSets:
        """The authority's ward sets (het.ui.data.ward_sets: built once per data version, not per page)."""
        return ward_sets()


@st.cache_resource(max_entries=8, show_spinner=False)  # shared by sessions: het.ui.data
def _places(key: tuple[str, int]) -> PlacesReads:
    store = get_store()
    authority = store.query("authority_code")
    code, name = str(authority["area_code"].iloc[0]), str(authority["area_name"].iloc[0])
    boundaries = store.query("ward_boundary_sets", authority_code=code)  # names only: shapes load per map
    register = store.query("extract_register")
    active = register[register["status"] == "active"]
    return PlacesReads(
        authority_code=code,
        authority_name=name,
        ward_obs=store.query("ward_observations", authority_code=code),
        profiles=store.query("ward_profiles", authority_code=code),
        populations=store.query("ward_populations", authority_code=code),
        lsoa_deciles=store.query("ward_lsoa_deciles"),
        overlap=store.query("ward_set_overlap"),
        hex_cells=store.query("hex_cells"),
        boundary_sets=tuple(boundaries["ward_set"]),
        boundary_source=dict(zip(boundaries["ward_set"], boundaries["source"], strict=True)),
        extracts=extract_names(active),
    )


def places_reads() -> PlacesReads:
    """Every ward value, profile fact and population the Places pages use (one read per data version)."""
    return _places(cache_key())


@st.cache_resource(max_entries=8, show_spinner="Preparing the ward boundaries…")
def _ward_geometry(key: tuple[str, int], ward_set: str):
    from het.geometry import ward_geometry  # geopandas and topojson load only when a map is drawn

    store = get_store()
    code = str(store.query("authority_code")["area_code"].iloc[0])
    rows = store.query("ward_geometries", authority_code=code)
    return ward_geometry(rows[rows["ward_set"] == ward_set].reset_index(drop=True))


def ward_geometry_for(ward_set: str):
    """The simplified boundaries, outline and label points of one ward set (cached per data version)."""
    return _ward_geometry(cache_key(), ward_set)


@st.cache_resource(max_entries=4, show_spinner="Preparing the LSOA boundaries…")
def _lsoa_context(key: tuple[str, int]):
    from het.geometry import shapes_from_rows, simplify_keeping_edges

    rows = get_store().query("lsoa_context")
    out = {}
    for lsoa_set, part in rows.groupby("lsoa_set"):
        part = part.reset_index(drop=True)
        shapes = simplify_keeping_edges(shapes_from_rows(part))
        out[lsoa_set] = (shapes, part.drop(columns="geojson"))
    return out


def lsoa_context():
    """LSOA set -> (simplified LSOA shapes, their deprivation rows), cached per data version."""
    return _lsoa_context(cache_key())


@st.cache_data(max_entries=4, show_spinner=False)
def _actions_and_projects(key: tuple[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    store = get_store()
    return store.query("all_principle_actions"), store.query("prize_project_list")


def actions_and_projects() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every workstream action by principle, and every Prize project."""
    return _actions_and_projects(cache_key())
