"""The geography frames het stores, as the pack reader and the embedded files both produce them.

Kept apart from the pack reader (het.reference.geography, which needs geopandas) so that reading the
embedded files, and every command that only uses the store, starts without loading geopandas.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

AREAS_COLUMNS = ["area_code", "area_name", "area_type", "vintage", "parent_code", "is_comparator"]
AREA_GEOMETRIES_COLUMNS = ["area_code", "vintage", "geojson", "source"]
WARD_DEPRIVATION_COLUMNS = [
    "ward_code",
    "ward_set",
    "imd_score",
    "imd_rank_local",
    "local_quintile",
    "population",
    "population_source",
    "derivation",
]
LSOA_DEPRIVATION_COLUMNS = [
    "lsoa_code",
    "vintage",
    "imd_score",
    "national_decile",
    "local_quintile",
    "population",
    "ward_code",
    "local_decile",
]
POPULATIONS_COLUMNS = ["area_code", "breakdown", "category", "population", "year", "source"]
WARD_SETS_COLUMNS = ["vintage", "in_force_from", "in_force_until", "n_wards", "source"]


@dataclass(frozen=True)
class GeographyPack:
    """The geography of one authority as frames shaped like the store's tables."""

    authority_code: str
    authority_name: str
    areas: pd.DataFrame
    area_geometries: pd.DataFrame
    lsoa_deprivation: pd.DataFrame
    ward_deprivation: pd.DataFrame
    populations: pd.DataFrame
    ward_sets: pd.DataFrame
    region_code: str | None = None
