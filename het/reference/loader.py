"""Load the shipped catalogue and a geography (a real pack or the embedded summary) into the store.

het.loads calls load_reference and then refreshes the derived results (every one depends on the reference).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from het.reference.catalogue import CATALOGUE_TABLES, DATA_DIR, read_catalogue
from het.reference.embedded import read_embedded_geography
from het.reference.frames import AREAS_COLUMNS, GeographyPack
from het.reference.hex_layout import HEX_LAYOUT_CSV, read_hex_layout
from het.store import Store, mark_observations_changed, set_meta
from het.vocabulary import LOCAL_AUTHORITY

# Reference tables are replaced wholesale on reload, except the analysts' own local indicators.
# Constant statements over a fixed list of tables: no user input reaches them.
_CLEAR = {
    "principles": "DELETE FROM principles",
    "indicators": "DELETE FROM indicators WHERE origin = 'catalogue'",
    "areas": "DELETE FROM areas",
    "workstreams": "DELETE FROM workstreams",
    "workstream_principles": "DELETE FROM workstream_principles",
    "logic_model_items": "DELETE FROM logic_model_items",
    "actions": "DELETE FROM actions",
    "prize_projects": "DELETE FROM prize_projects",
    "area_geometries": "DELETE FROM area_geometries",
    "hex_layout": "DELETE FROM hex_layout",
    "ward_deprivation": "DELETE FROM ward_deprivation",
    "lsoa_deprivation": "DELETE FROM lsoa_deprivation",
    "populations": "DELETE FROM populations",
    "ward_sets": "DELETE FROM ward_sets",
}
GEOGRAPHY_TABLES = (
    "areas",
    "area_geometries",
    "ward_deprivation",
    "lsoa_deprivation",
    "populations",
    "ward_sets",
)


@dataclass(frozen=True)
class ReferenceStatus:
    """Which reference data the store holds."""

    loaded: bool
    geography_source: str
    fingerprint: str


def geography_dir_from_env() -> Path | None:
    """The geography pack folder named by HET_GEOGRAPHY_DIR, if set."""
    value = os.environ.get("HET_GEOGRAPHY_DIR")
    return Path(value).expanduser().resolve() if value else None


def reference_fingerprint(geography_dir: Path | None, data_dir: Path = DATA_DIR) -> str:
    """A hash of every file the reference load reads, so a changed catalogue or pack reloads."""
    digest = hashlib.sha256()
    files = sorted(data_dir.glob("*.csv"))
    if geography_dir is not None:
        files += sorted(p for p in geography_dir.rglob("*") if p.is_file() and p.suffix != ".md")
    for path in files:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    digest.update(str(geography_dir or "embedded").encode())
    return digest.hexdigest()


def reference_status(store: Store) -> ReferenceStatus:
    fingerprint = store.meta("reference_fingerprint")
    return ReferenceStatus(fingerprint is not None, store.meta("geography_source") or "", fingerprint or "")


def load_reference(
    store: Store,
    *,
    geography_dir: Path | None = None,
    data_dir: Path = DATA_DIR,
    then: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> str:
    """Replace the reference tables from the catalogue and geography, in one transaction.

    `then`, if given, runs inside the same transaction once the tables are replaced (het.loads recomputes
    the statistics there); if it raises, nothing is written. Returns a one-line description of the
    geography used.
    """
    frames = read_catalogue(data_dir)
    if geography_dir is not None:
        # geopandas is loaded only here, so commands that never read a pack start faster.
        from het.reference.geography import read_geography_pack

        pack = read_geography_pack(geography_dir)
        source = f"geography pack {geography_dir}"
    else:
        pack = read_embedded_geography(data_dir)
        source = f"embedded ward summary in {data_dir} (no geography pack given)"
    hex_layout = read_hex_layout(data_dir / HEX_LAYOUT_CSV)  # checked: one cell per ward, no collisions
    fingerprint = reference_fingerprint(geography_dir, data_dir)
    tables: dict[str, pd.DataFrame] = {name: frames[name] for name, _ in CATALOGUE_TABLES}
    tables["areas"] = pd.concat([_with_authority(frames["areas"], pack), pack.areas], ignore_index=True)
    for name in GEOGRAPHY_TABLES[1:]:
        tables[name] = getattr(pack, name)
    # The hand-made layout covers the wards it was drawn for; another authority's wards have no cells.
    tables["hex_layout"] = hex_layout[hex_layout["area_code"].isin(pack.areas["area_code"])]
    with store.transaction() as cur:
        for name in _CLEAR:
            cur.execute(_CLEAR[name])
        for name, frame in tables.items():
            if not frame.empty:
                cur.append(name, frame, by_name=True)
        set_meta(cur, "reference_fingerprint", fingerprint)
        mark_observations_changed(cur)  # ward ranks and populations feed the gaps
        set_meta(cur, "geography_source", source)
        if then is not None:
            then(cur)
    return source


def _with_authority(catalogue_areas: pd.DataFrame, pack: GeographyPack) -> pd.DataFrame:
    """The catalogue's areas plus the pack's authority, when the catalogue does not list it already.

    The authority comes from the geography manifest ([authority] code, name, region_code), so another
    authority's pack needs no change to data/areas.csv.
    """
    if pack.authority_code in set(catalogue_areas["area_code"]):
        return catalogue_areas
    if pack.region_code and pack.region_code not in set(catalogue_areas["area_code"]):
        raise ValueError(
            f"the geography pack's region {pack.region_code} is not in data/areas.csv; add it (with England as "
            "its parent) so the authority can be compared with its region"
        )
    authority = pd.DataFrame(
        [
            {
                "area_code": pack.authority_code,
                "area_name": pack.authority_name or pack.authority_code,
                "area_type": LOCAL_AUTHORITY,
                "vintage": None,
                "parent_code": pack.region_code,
                "is_comparator": False,
            }
        ]
    )
    return pd.concat([catalogue_areas, authority], ignore_index=True)[AREAS_COLUMNS]


def reference_is_current(store: Store, *, geography_dir: Path | None = None) -> bool:
    """True when the store's reference data came from exactly these catalogue and geography files."""
    return reference_status(store).fingerprint == reference_fingerprint(geography_dir)
