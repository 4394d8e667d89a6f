"""Reading a geography pack's manifest (geography.toml) and the files it names, with messages naming the
manifest table, the file and the field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd

MANIFEST_NAME = "geography.toml"


class Section:
    """One table of the manifest, with the label every error message starts with."""

    def __init__(self, pack_dir: Path, table: dict, label: str):
        self.pack_dir = pack_dir
        self.table = table
        self.label = label

    def get(self, key: str) -> str:
        if key not in self.table:
            raise ValueError(f"{self.label}: missing key '{key}'")
        value = self.table[key]
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{self.label}: key '{key}' must be a non-empty string; got {value!r}")
        return value

    def optional(self, key: str) -> str | None:
        return self.get(key) if key in self.table else None

    def file(self, key: str) -> str:
        """How messages name a file: "boundaries file 'x.geojson'", or "file 'x.csv'" for the key 'file'."""
        prefix = "" if key == "file" else f"{key.removesuffix('_file')} "
        return f"{prefix}file '{self.get(key)}'"

    def path(self, key: str) -> Path:
        value = self.get(key)
        path = self.pack_dir / value  # an absolute path in the manifest stays absolute
        if not path.is_file():
            raise ValueError(f"{self.label}: {self.file(key)} not found at {path}")
        return path

    def missing_field(self, key: str, field: str) -> ValueError:
        return ValueError(f"{self.label}: {self.file(key)} has no field '{field}'")


def vintage_sections(pack_dir: Path, manifest: dict, name: str) -> list[Section]:
    tables = manifest.get(name)
    if not tables or not isinstance(tables, list):
        raise ValueError(f"{MANIFEST_NAME}: needs at least one [[{name}]] table")
    sections = []
    for i, table in enumerate(tables, start=1):
        vintage = table.get("vintage")
        if not isinstance(vintage, str) or not vintage:
            raise ValueError(f"{MANIFEST_NAME} [[{name}]] number {i}: missing key 'vintage'")
        sections.append(Section(pack_dir, table, f"{MANIFEST_NAME} [[{name}]] {vintage}"))
    vintages = [s.get("vintage") for s in sections]
    if len(set(vintages)) != len(vintages):
        raise ValueError(f"{MANIFEST_NAME} [[{name}]]: vintages must be unique; got {vintages}")
    return sections


def table_section(pack_dir: Path, manifest: dict, name: str) -> Section:
    table = manifest.get(name)
    if not isinstance(table, dict):
        raise ValueError(f"{MANIFEST_NAME}: missing table [{name}]")
    return Section(pack_dir, table, f"{MANIFEST_NAME} [{name}]")


def read_csv_fields(section: Section, key: str, fields: dict[str, str]) -> pd.DataFrame:
    """Read only the named fields of a CSV, as text, renamed {manifest field: our name}."""
    path = section.path(key)
    header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
    for field in fields:
        if field not in header:
            raise section.missing_field(key, field)
    frame = pd.read_csv(path, usecols=list(fields), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return frame.rename(columns=fields)[list(fields.values())]


def numeric_field(frame: pd.DataFrame, column: str, section: Section, key: str, field: str) -> pd.Series:
    """Parse a text column as numbers (thousands separators allowed); any blank or bad cell is an error."""
    text = frame[column].str.replace(",", "", regex=False).str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(
            f"{section.label}: {section.file(key)} row {row + 2} field '{field}': "
            f"not a number: {frame[column].iloc[row]!r}"
        )
    return values.astype(float)


def unique_codes(codes: pd.Series, section: Section, key: str, field: str) -> None:
    duplicated = codes[codes.duplicated()]
    if not duplicated.empty:
        raise ValueError(
            f"{section.label}: {section.file(key)} field '{field}' repeats "
            f"{duplicated.iloc[0]!r}; each code must appear once"
        )


def read_boundaries(section: Section) -> gpd.GeoDataFrame:
    """Boundaries as (code, name, geometry) in EPSG:4326."""
    import geopandas as gpd  # only when a pack is read

    path = section.path("boundaries")
    gdf = gpd.read_file(path)
    for key in ("code_field", "name_field"):
        if section.get(key) not in gdf.columns:
            raise section.missing_field("boundaries", section.get(key))
    if gdf.crs is None:
        raise ValueError(f"{section.label}: boundaries file '{section.get('boundaries')}' has no CRS")
    gdf = gdf.rename(columns={section.get("code_field"): "code", section.get("name_field"): "name"})
    gdf = gpd.GeoDataFrame(gdf[["code", "name"]].astype(str), geometry=gdf.geometry).to_crs(4326)
    unique_codes(gdf["code"], section, "boundaries", section.get("code_field"))
    invalid = gdf.loc[~gdf.geometry.is_valid, "code"]
    if not invalid.empty:
        raise ValueError(
            f"{section.label}: boundaries file '{section.get('boundaries')}' has an invalid geometry "
            f"for {invalid.iloc[0]}"
        )
    return gdf.sort_values("code").reset_index(drop=True)


def check_same_codes(found: set, expected: set, what: str, against: str) -> None:
    """Fail unless two code sets agree, naming a few codes that differ."""
    if found == expected:
        return
    extra = sorted(found - expected)[:3]
    missing = sorted(expected - found)[:3]
    raise ValueError(
        f"{what} does not match {against}: "
        f"{len(found - expected)} code(s) not in {against} {extra}, "
        f"{len(expected - found)} code(s) of {against} missing {missing}"
    )


def year_for(section: Section, explicit_key: str, *texts: str) -> int:
    """The data year: the manifest's explicit key, else the one year named in a field or file name."""
    explicit = section.table.get(explicit_key)
    if explicit is not None:
        if not isinstance(explicit, int):
            raise ValueError(f"{section.label}: key '{explicit_key}' must be an integer year")
        return explicit
    for text in texts:
        years = set(re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", text))
        if len(years) == 1:
            return int(years.pop())
    raise ValueError(f"{section.label}: cannot tell the data year; add {explicit_key} = YYYY")
