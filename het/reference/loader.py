"""Load the shipped catalogue and a geography (a real pack or the embedded summary) into the store.

het.loads calls load_reference and then refreshes the derived results (every one depends on the reference).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from het.reference.catalogue import CATALOGUE_TABLES, DATA_DIR, read_catalogue
from het.reference.geography import (
    HEX_LAYOUT_CSV,
    read_embedded_geography,
    read_geography_pack,
    read_hex_layout,
)
from het.store import Store, mark_observations_changed, set_meta

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
}
GEOGRAPHY_TABLES = ("areas", "area_geometries", "ward_deprivation", "lsoa_deprivation", "populations")


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


def load_reference(store: Store, *, geography_dir: Path | None = None, data_dir: Path = DATA_DIR) -> str:
    """Replace the reference tables from the catalogue and geography, in one transaction.

    Returns a one-line description of the geography used.
    """
    frames = read_catalogue(data_dir)
    if geography_dir is not None:
        pack = read_geography_pack(geography_dir)
        source = f"geography pack {geography_dir}"
    else:
        pack = read_embedded_geography(data_dir)
        source = f"embedded ward summary in {data_dir} (no geography pack given)"
    hex_layout = read_hex_layout(data_dir / HEX_LAYOUT_CSV)  # checked: one cell per ward, no collisions
    fingerprint = reference_fingerprint(geography_dir, data_dir)
    tables: dict[str, pd.DataFrame] = {name: frames[name] for name, _ in CATALOGUE_TABLES}
    tables["areas"] = pd.concat([frames["areas"], pack.areas], ignore_index=True)
    for name in GEOGRAPHY_TABLES[1:]:
        tables[name] = getattr(pack, name)
    tables["hex_layout"] = hex_layout
    with store.transaction() as cur:
        for name in _CLEAR:
            cur.execute(_CLEAR[name])
        for name, frame in tables.items():
            if not frame.empty:
                cur.append(name, frame, by_name=True)
        set_meta(cur, "reference_fingerprint", fingerprint)
        mark_observations_changed(cur)  # ward ranks and populations feed the gaps
        set_meta(cur, "geography_source", source)
    return source


def reference_is_current(store: Store, *, geography_dir: Path | None = None) -> bool:
    """True when the store's reference data came from exactly these catalogue and geography files."""
    return reference_status(store).fingerprint == reference_fingerprint(geography_dir)
