"""Wards, LSOAs, deprivation and populations from a geography pack (a folder with a geography.toml manifest).

The manifest says which file plays which part and which columns to read, so another authority is a new
folder and a new manifest, not new code. The frames returned match the store's tables in
``queries/schema/001_core.sql`` column for column. ``read_embedded_geography`` builds the ward frames from
the small derived files shipped in ``data/`` when no pack is available;
``python -m het.reference.geography build-embedded PACK_DIR`` regenerates those files from a pack.
"""

from __future__ import annotations

import argparse
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from het.stats.quantiles import fingertips_quantiles, quantiles_of_scores
from het.vocabulary import (
    DEPRIVATION_LOCAL_DECILE,
    DEPRIVATION_LOCAL_QUINTILE,
    DEPRIVATION_NATIONAL_DECILE,
    DEPRIVATION_NATIONAL_QUINTILE,
    ETHNICITY,
)

MANIFEST_NAME = "geography.toml"
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"

AREAS_COLUMNS = ["area_code", "area_name", "area_type", "vintage", "parent_code", "is_comparator"]
AREA_GEOMETRIES_COLUMNS = ["area_code", "vintage", "geojson", "source"]
HEX_LAYOUT_COLUMNS = ["area_code", "ward_set", "q", "r"]
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

# Embedded files shipped in data/ (derived from a pack by write_ward_list / write_ward_summary).
WARDS_CSV = "wards.csv"
WARD_SUMMARY_CSV = "ward_summary.csv"
WARD_ETHNICITY_CSV = "ward_ethnicity_summary.csv"
AUTHORITY_POPULATIONS_CSV = "authority_populations.csv"
HEX_LAYOUT_CSV = "hex_layout.csv"
WARDS_CSV_COLUMNS = ["ward_code", "ward_name", "ward_set", "la_code"]
WARD_SUMMARY_COLUMNS = [*WARD_DEPRIVATION_COLUMNS[:6], "population_year", *WARD_DEPRIVATION_COLUMNS[6:]]
WARD_ETHNICITY_COLUMNS = ["ward_code", "category", "population", "year", "source"]
SCORE_DECIMALS = 3

# ONS LSOA change codes: Unchanged, Split, Merged, X = redrawn (split and merged at once).
_CHANGE_CODES = {"U", "S", "M", "X"}


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


# --- quantiles: the Fingertips rule, in het.stats.quantiles --------------------------------------------


def carry_lsoa_scores(scores: pd.DataFrame, change: pd.DataFrame) -> pd.DataFrame:
    """Carry LSOA scores onto a new LSOA set through an exact-fit change lookup.

    ``scores``: lsoa_code, imd_score, national_decile, population (of the old set); ``change``: from_code
    (old), lsoa_code (new). A new LSOA with one parent (unchanged or split) takes its parent's score and
    decile; one with several parents (merged) takes their mean weighted by the parents' populations, and a
    decile only if the parents share it. Returns lsoa_code, imd_score, national_decile.
    """
    parents = change.merge(scores.rename(columns={"lsoa_code": "from_code"}), on="from_code", how="left")
    if parents["imd_score"].isna().any():
        missing = parents.loc[parents["imd_score"].isna(), "from_code"].iloc[0]
        raise ValueError(f"LSOA change lookup names {missing}, which has no score")
    parents["weighted"] = parents["imd_score"] * parents["population"]
    grouped = parents.groupby("lsoa_code", sort=True)
    carried = pd.DataFrame(
        {
            "imd_score": grouped["weighted"].sum() / grouped["population"].sum(),
            "national_decile": grouped["national_decile"].agg(
                lambda d: d.iloc[0] if d.nunique(dropna=False) == 1 else pd.NA
            ),
        }
    ).reset_index()
    carried["national_decile"] = carried["national_decile"].astype("Int64")
    return carried[["lsoa_code", "imd_score", "national_decile"]]


# --- manifest and file helpers ---------------------------------------------------------------------


class _Section:
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


def _vintage_sections(pack_dir: Path, manifest: dict, name: str) -> list[_Section]:
    tables = manifest.get(name)
    if not tables or not isinstance(tables, list):
        raise ValueError(f"{MANIFEST_NAME}: needs at least one [[{name}]] table")
    sections = []
    for i, table in enumerate(tables, start=1):
        vintage = table.get("vintage")
        if not isinstance(vintage, str) or not vintage:
            raise ValueError(f"{MANIFEST_NAME} [[{name}]] number {i}: missing key 'vintage'")
        sections.append(_Section(pack_dir, table, f"{MANIFEST_NAME} [[{name}]] {vintage}"))
    vintages = [s.get("vintage") for s in sections]
    if len(set(vintages)) != len(vintages):
        raise ValueError(f"{MANIFEST_NAME} [[{name}]]: vintages must be unique; got {vintages}")
    return sections


def _table_section(pack_dir: Path, manifest: dict, name: str) -> _Section:
    table = manifest.get(name)
    if not isinstance(table, dict):
        raise ValueError(f"{MANIFEST_NAME}: missing table [{name}]")
    return _Section(pack_dir, table, f"{MANIFEST_NAME} [{name}]")


def _read_csv_fields(section: _Section, key: str, fields: dict[str, str]) -> pd.DataFrame:
    """Read only the named fields of a CSV, as text, renamed {manifest field: our name}."""
    path = section.path(key)
    header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
    for field in fields:
        if field not in header:
            raise section.missing_field(key, field)
    frame = pd.read_csv(path, usecols=list(fields), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return frame.rename(columns=fields)[list(fields.values())]


def _numeric(frame: pd.DataFrame, column: str, section: _Section, key: str, field: str) -> pd.Series:
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


def _unique_codes(codes: pd.Series, section: _Section, key: str, field: str) -> None:
    duplicated = codes[codes.duplicated()]
    if not duplicated.empty:
        raise ValueError(
            f"{section.label}: {section.file(key)} field '{field}' repeats "
            f"{duplicated.iloc[0]!r}; each code must appear once"
        )


def _read_boundaries(section: _Section) -> gpd.GeoDataFrame:
    """Boundaries as (code, name, geometry) in EPSG:4326."""
    path = section.path("boundaries")
    gdf = gpd.read_file(path)
    for key in ("code_field", "name_field"):
        if section.get(key) not in gdf.columns:
            raise section.missing_field("boundaries", section.get(key))
    if gdf.crs is None:
        raise ValueError(f"{section.label}: boundaries file '{section.get('boundaries')}' has no CRS")
    gdf = gdf.rename(columns={section.get("code_field"): "code", section.get("name_field"): "name"})
    gdf = gpd.GeoDataFrame(gdf[["code", "name"]].astype(str), geometry=gdf.geometry).to_crs(4326)
    _unique_codes(gdf["code"], section, "boundaries", section.get("code_field"))
    invalid = gdf.loc[~gdf.geometry.is_valid, "code"]
    if not invalid.empty:
        raise ValueError(
            f"{section.label}: boundaries file '{section.get('boundaries')}' has an invalid geometry "
            f"for {invalid.iloc[0]}"
        )
    return gdf.sort_values("code").reset_index(drop=True)


def _check_same_codes(found: set, expected: set, what: str, against: str) -> None:
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


def _year_for(section: _Section, explicit_key: str, *texts: str) -> int:
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


# --- the pack ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _LsoaPopulation:
    frame: pd.DataFrame  # lsoa_code, population
    year: int
    label: str  # says what the population is and where it comes from


def read_geography_pack(pack_dir: Path) -> GeographyPack:
    """Read a geography pack: the files and fields its geography.toml names, and nothing else."""
    pack_dir = Path(pack_dir)
    manifest_path = pack_dir / MANIFEST_NAME
    if not manifest_path.is_file():
        raise ValueError(f"no {MANIFEST_NAME} in {pack_dir}")
    try:
        manifest = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{manifest_path}: not valid TOML: {error}") from error

    authority = _table_section(pack_dir, manifest, "authority")
    la_code, la_name = authority.get("code"), authority.get("name")

    # LSOA sets and ward sets, with their boundaries.
    lsoa_sections = {s.get("vintage"): s for s in _vintage_sections(pack_dir, manifest, "lsoa_sets")}
    lsoa_bounds = {v: _read_boundaries(s) for v, s in lsoa_sections.items()}
    ward_sections = {s.get("vintage"): s for s in _vintage_sections(pack_dir, manifest, "ward_sets")}
    ward_bounds = {v: _read_boundaries(s) for v, s in ward_sections.items()}
    seen_wards: dict[str, str] = {}
    for vintage, bounds in ward_bounds.items():
        for code in bounds["code"]:
            if code in seen_wards:
                raise ValueError(
                    f"{ward_sections[vintage].label}: ward {code} is also in ward set {seen_wards[code]}; "
                    f"het keys ward tables on the ward code, so ward sets must not share codes"
                )
            seen_wards[code] = vintage
    shared_vintages = set(lsoa_sections) & set(ward_sections)
    if shared_vintages:
        raise ValueError(f"{MANIFEST_NAME}: a vintage is both a ward set and an LSOA set: {shared_vintages}")

    lookups = {
        v: _read_ward_lookup(s, lsoa_sections, lsoa_bounds, ward_bounds[v]) for v, s in ward_sections.items()
    }

    # Deprivation on its LSOA set, and the LSOA change lookup that carries it onto the others.
    deprivation_section = _table_section(pack_dir, manifest, "deprivation")
    deprivation, deprivation_pop = _read_deprivation(deprivation_section, lsoa_sections, lsoa_bounds)
    dep_vintage = deprivation_section.get("lsoa_vintage")

    ethnicity_section = _table_section(pack_dir, manifest, "ethnicity") if "ethnicity" in manifest else None
    ethnicity, ethnicity_pop = (None, None)
    if ethnicity_section is not None:
        ethnicity, ethnicity_pop = _read_ethnicity(ethnicity_section, lsoa_sections, lsoa_bounds)

    populations_by_vintage = {dep_vintage: deprivation_pop}
    if ethnicity_section is not None and ethnicity_section.get("lsoa_vintage") != dep_vintage:
        populations_by_vintage[ethnicity_section.get("lsoa_vintage")] = ethnicity_pop

    scores_by_vintage = {dep_vintage: deprivation}
    carried_note = ""
    if "lsoa_change" in manifest:
        change_section = _table_section(pack_dir, manifest, "lsoa_change")
        to_vintage, carried = _carry_deprivation(
            change_section, deprivation, deprivation_pop, dep_vintage, lsoa_bounds
        )
        scores_by_vintage[to_vintage] = carried
        carried_note = (
            f" {to_vintage} scores are carried from {dep_vintage} through "
            f"{Path(change_section.get('file')).name} (unchanged and split LSOAs take the parent's "
            f"score, merged LSOAs the population-weighted mean of their parents)."
        )

    # LSOA deprivation, for every LSOA set that has both scores and a population.
    lsoa_frames = []
    for vintage, scores in scores_by_vintage.items():
        if vintage not in populations_by_vintage:
            continue
        ward_vintage = next((w for w, s in ward_sections.items() if s.get("lsoa_vintage") == vintage), None)
        lsoa_frames.append(
            _lsoa_deprivation(
                vintage, scores, populations_by_vintage[vintage].frame, lookups.get(ward_vintage)
            )
        )
    lsoa_deprivation = pd.concat(lsoa_frames, ignore_index=True)[LSOA_DEPRIVATION_COLUMNS]

    # Ward deprivation and populations.
    ward_frames, population_rows = [], []
    for vintage, section in ward_sections.items():
        lsoa_vintage = section.get("lsoa_vintage")
        if lsoa_vintage not in scores_by_vintage:
            raise ValueError(
                f"{section.label}: no deprivation scores on {lsoa_vintage}: name it as [deprivation] "
                f"lsoa_vintage or add an [lsoa_change] lookup onto it"
            )
        if lsoa_vintage not in populations_by_vintage:
            raise ValueError(
                f"{section.label}: no population on {lsoa_vintage}: name it as the lsoa_vintage of "
                f"[deprivation] or [ethnicity]"
            )
        population = populations_by_vintage[lsoa_vintage]
        note = carried_note if lsoa_vintage != dep_vintage else ""
        wards = _ward_deprivation(
            vintage, section, lookups[vintage], scores_by_vintage[lsoa_vintage], population, note
        )
        ward_frames.append(wards)
        population_rows.append(
            pd.DataFrame(
                {
                    "area_code": wards["ward_code"],
                    "breakdown": "total",
                    "category": "",
                    "population": wards["population"],
                    "year": population.year,
                    "source": wards["population_source"],
                }
            )
        )
        if ethnicity is not None and lsoa_vintage == ethnicity_section.get("lsoa_vintage"):
            by_ward = ethnicity.merge(lookups[vintage], on="lsoa_code")
            by_ward = by_ward.groupby(["ward_code", "category"], as_index=False, sort=True)[
                "population"
            ].sum()
            population_rows.append(
                by_ward.rename(columns={"ward_code": "area_code"}).assign(
                    breakdown="ethnicity",
                    year=ethnicity_pop.year,
                    source=f"{ethnicity_pop.label}, best-fit {lsoa_vintage}",
                )
            )
    ward_deprivation = pd.concat(ward_frames, ignore_index=True)[WARD_DEPRIVATION_COLUMNS]

    # The authority as a whole, and its population in each deprivation group het can be given values for.
    dep_lsoas = lsoa_deprivation[lsoa_deprivation["vintage"] == dep_vintage]
    population_rows.append(
        _authority_populations(
            la_code,
            deprivation_pop,
            deprivation_group_populations(dep_lsoas),
            parts_source=f"{deprivation_pop.label}, summed over the {dep_vintage} LSOAs in each deprivation group",
        )
    )
    if ethnicity is not None:
        groups = ethnicity.groupby("category", as_index=False, sort=True)["population"].sum()
        population_rows.append(
            _authority_populations(
                la_code, ethnicity_pop, groups, breakdown=ETHNICITY, parts_source=ethnicity_pop.label
            )
        )
    populations = pd.concat(population_rows, ignore_index=True)[POPULATIONS_COLUMNS]
    populations["population"] = populations["population"].astype(float)
    populations["year"] = populations["year"].astype(int)

    areas, geometries = _areas_and_geometries(la_code, ward_sections, ward_bounds, lsoa_sections, lsoa_bounds)
    return GeographyPack(
        authority_code=la_code,
        authority_name=la_name,
        areas=areas,
        area_geometries=geometries,
        lsoa_deprivation=lsoa_deprivation,
        ward_deprivation=ward_deprivation,
        populations=populations,
    )


def _read_ward_lookup(
    section: _Section, lsoa_sections: dict, lsoa_bounds: dict, wards: gpd.GeoDataFrame
) -> pd.DataFrame:
    """The best-fit LSOA -> ward lookup of one ward set, checked against both boundary files."""
    lsoa_vintage = section.get("lsoa_vintage")
    if lsoa_vintage not in lsoa_sections:
        raise ValueError(f"{section.label}: lsoa_vintage '{lsoa_vintage}' is not one of the [[lsoa_sets]]")
    lsoa_field, ward_field = section.get("lookup_lsoa_field"), section.get("lookup_ward_field")
    lookup = _read_csv_fields(section, "lsoa_lookup", {lsoa_field: "lsoa_code", ward_field: "ward_code"})
    _unique_codes(lookup["lsoa_code"], section, "lsoa_lookup", lsoa_field)
    where = f"{section.label}: lsoa_lookup file '{section.get('lsoa_lookup')}'"
    _check_same_codes(
        set(lookup["lsoa_code"]),
        set(lsoa_bounds[lsoa_vintage]["code"]),
        f"{where} {lsoa_field}",
        lsoa_vintage,
    )
    _check_same_codes(
        set(lookup["ward_code"]),
        set(wards["code"]),
        f"{where} {ward_field}",
        f"the {section.get('vintage')} wards",
    )
    return lookup


def _read_deprivation(
    section: _Section, lsoa_sections: dict, lsoa_bounds: dict
) -> tuple[pd.DataFrame, _LsoaPopulation]:
    """IMD score, national decile and population per LSOA of the deprivation LSOA set."""
    vintage = section.get("lsoa_vintage")
    if vintage not in lsoa_sections:
        raise ValueError(f"{section.label}: lsoa_vintage '{vintage}' is not one of the [[lsoa_sets]]")
    lsoa_field, score_field = section.get("lsoa_field"), section.get("score_field")
    decile_field = section.optional("decile_field")
    fields = {lsoa_field: "lsoa_code", score_field: "imd_score"}
    if decile_field:
        fields[decile_field] = "national_decile"
    frame = _read_csv_fields(section, "file", fields)
    _unique_codes(frame["lsoa_code"], section, "file", lsoa_field)
    _check_same_codes(
        set(frame["lsoa_code"]),
        set(lsoa_bounds[vintage]["code"]),
        f"{section.label}: file '{section.get('file')}' {lsoa_field}",
        vintage,
    )
    frame["imd_score"] = _numeric(frame, "imd_score", section, "file", score_field)
    if decile_field:
        frame["national_decile"] = _numeric(frame, "national_decile", section, "file", decile_field).astype(
            "Int64"
        )
    else:
        frame["national_decile"] = pd.array([pd.NA] * len(frame), dtype="Int64")

    population_field = section.get("population_field")
    population = _read_csv_fields(
        section, "population_file", {lsoa_field: "lsoa_code", population_field: "population"}
    )
    _unique_codes(population["lsoa_code"], section, "population_file", lsoa_field)
    population["population"] = _numeric(
        population, "population", section, "population_file", population_field
    )
    frame = frame.merge(population, on="lsoa_code", how="left")
    if frame["population"].isna().any():
        missing = frame.loc[frame["population"].isna(), "lsoa_code"].iloc[0]
        raise ValueError(
            f"{section.label}: {section.file('population_file')} has no population for {missing}"
        )
    year = _year_for(section, "population_year", population_field, section.get("population_file"))
    label = section.optional("population_label") or (
        f"'{population_field}' in {Path(section.get('population_file')).name}"
    )
    frame = frame.sort_values("lsoa_code").reset_index(drop=True)
    return frame, _LsoaPopulation(frame[["lsoa_code", "population"]].copy(), year, label)


def _read_ethnicity(
    section: _Section, lsoa_sections: dict, lsoa_bounds: dict
) -> tuple[pd.DataFrame, _LsoaPopulation]:
    """Counts by ethnic group per LSOA (long), and the LSOA population as the sum over groups."""
    vintage = section.get("lsoa_vintage")
    if vintage not in lsoa_sections:
        raise ValueError(f"{section.label}: lsoa_vintage '{vintage}' is not one of the [[lsoa_sets]]")
    lsoa_field, group_field, count_field = (
        section.get(k) for k in ("lsoa_field", "group_field", "count_field")
    )
    frame = _read_csv_fields(
        section, "file", {lsoa_field: "lsoa_code", group_field: "category", count_field: "population"}
    )
    frame["population"] = _numeric(frame, "population", section, "file", count_field)
    repeated = frame[frame.duplicated(["lsoa_code", "category"])]
    if not repeated.empty:
        raise ValueError(
            f"{section.label}: file '{section.get('file')}' repeats group {repeated['category'].iloc[0]!r} "
            f"for {repeated['lsoa_code'].iloc[0]}"
        )
    _check_same_codes(
        set(frame["lsoa_code"]),
        set(lsoa_bounds[vintage]["code"]),
        f"{section.label}: file '{section.get('file')}' {lsoa_field}",
        vintage,
    )
    totals = frame.groupby("lsoa_code", as_index=False, sort=True)["population"].sum()
    year = _year_for(section, "year", Path(section.get("file")).name)
    label = section.optional("label") or (
        f"sum of '{count_field}' over '{group_field}' in {Path(section.get('file')).name}"
    )
    return frame, _LsoaPopulation(totals, year, label)


def _carry_deprivation(
    section: _Section,
    deprivation: pd.DataFrame,
    population: _LsoaPopulation,
    from_vintage: str,
    lsoa_bounds: dict,
) -> tuple[str, pd.DataFrame]:
    """Read and check the LSOA change lookup; return the target vintage and the carried scores."""
    from_field, to_field, change_field = (section.get(k) for k in ("from_field", "to_field", "change_field"))
    change = _read_csv_fields(
        section, "file", {from_field: "from_code", to_field: "lsoa_code", change_field: "change"}
    )
    unknown = sorted(set(change["change"]) - _CHANGE_CODES)
    if unknown:
        raise ValueError(
            f"{section.label}: file '{section.get('file')}' field '{change_field}' has unknown change codes "
            f"{unknown}; expected {sorted(_CHANGE_CODES)}"
        )
    where = f"{section.label}: file '{section.get('file')}'"
    _check_same_codes(
        set(change["from_code"]), set(deprivation["lsoa_code"]), f"{where} {from_field}", from_vintage
    )
    targets = [
        v for v, b in lsoa_bounds.items() if v != from_vintage and set(change["lsoa_code"]) == set(b["code"])
    ]
    if len(targets) != 1:
        raise ValueError(f"{where} {to_field}: its codes are not exactly one of the other [[lsoa_sets]]")
    scores = deprivation[["lsoa_code", "imd_score", "national_decile"]].merge(
        population.frame, on="lsoa_code"
    )
    carried = carry_lsoa_scores(scores, change[["from_code", "lsoa_code"]])
    return targets[0], carried


def _lsoa_deprivation(
    vintage: str, scores: pd.DataFrame, population: pd.DataFrame, lookup: pd.DataFrame | None
) -> pd.DataFrame:
    frame = scores[["lsoa_code", "imd_score", "national_decile"]].merge(
        population, on="lsoa_code", how="left"
    )
    if frame["population"].isna().any():
        raise ValueError(
            f"{vintage}: no population for {frame.loc[frame['population'].isna(), 'lsoa_code'].iloc[0]}"
        )
    frame = frame.sort_values("lsoa_code").reset_index(drop=True)
    frame["local_quintile"] = quantiles_of_scores(frame["imd_score"], 5)
    frame["local_decile"] = quantiles_of_scores(frame["imd_score"], 10)
    frame["vintage"] = vintage
    if lookup is None:
        frame["ward_code"] = None
    else:
        frame = frame.merge(lookup, on="lsoa_code", how="left")
    return frame[LSOA_DEPRIVATION_COLUMNS]


def _ward_deprivation(
    vintage: str,
    section: _Section,
    lookup: pd.DataFrame,
    scores: pd.DataFrame,
    population: _LsoaPopulation,
    carried_note: str,
) -> pd.DataFrame:
    """Population-weighted mean score of each ward's best-fit LSOAs, local rank and equal-count fifths."""
    lsoa_vintage = section.get("lsoa_vintage")
    frame = lookup.merge(scores[["lsoa_code", "imd_score"]], on="lsoa_code").merge(
        population.frame, on="lsoa_code"
    )
    frame["weighted"] = frame["imd_score"] * frame["population"]
    wards = frame.groupby("ward_code", as_index=False, sort=True).agg(
        weighted=("weighted", "sum"), population=("population", "sum")
    )
    wards["imd_score"] = wards["weighted"] / wards["population"]
    wards = wards.sort_values(["imd_score", "ward_code"], ascending=[False, True]).reset_index(drop=True)
    wards["imd_rank_local"] = np.arange(1, len(wards) + 1)
    wards["local_quintile"] = fingertips_quantiles(wards["imd_rank_local"].to_numpy(), 5)
    wards["ward_set"] = vintage
    wards["population_source"] = f"{population.label}, best-fit {lsoa_vintage}"
    wards["derivation"] = (
        f"Population-weighted mean IMD score of the {lsoa_vintage} LSOAs best-fitted to each ward by "
        f"{Path(section.get('lsoa_lookup')).name}, weighted by {population.label} ({population.year}); "
        f"rank 1 = most deprived of the {len(wards)} {vintage} wards; local quintiles by the Fingertips "
        f"quantile rule on that rank.{carried_note}"
    )
    return wards.sort_values("ward_code").reset_index(drop=True)[WARD_DEPRIVATION_COLUMNS]


def deprivation_group_populations(lsoas: pd.DataFrame) -> pd.DataFrame:
    """The population of each deprivation group of an authority's LSOAs: breakdown, category, population.

    ``lsoas``: national_decile, local_quintile, local_decile, population (one row per LSOA). Categories are
    the group ranks as text ('1' = most deprived). National quintiles pair national deciles (1-2, 3-4, ...).
    Groups with no LSOA are left out: the authority has no population there.
    """
    groupings = {
        DEPRIVATION_LOCAL_QUINTILE: lsoas["local_quintile"],
        DEPRIVATION_LOCAL_DECILE: lsoas["local_decile"],
    }
    national = pd.to_numeric(lsoas["national_decile"], errors="coerce")
    if national.notna().all():
        groupings[DEPRIVATION_NATIONAL_DECILE] = national.astype(int)
        groupings[DEPRIVATION_NATIONAL_QUINTILE] = (national.astype(int) + 1) // 2
    frames = []
    for breakdown, groups in groupings.items():
        sums = lsoas["population"].groupby(groups.to_numpy()).sum()
        frames.append(
            pd.DataFrame(
                {
                    "breakdown": breakdown,
                    "category": sums.index.astype(int).astype(str),
                    "population": sums.values,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _authority_populations(
    la_code: str, population: _LsoaPopulation, parts: pd.DataFrame, *, parts_source: str, breakdown=None
) -> pd.DataFrame:
    """The authority's total (the sum over its LSOAs) and its parts (breakdown, category, population)."""
    total = pd.DataFrame(
        [{"category": "", "population": population.frame["population"].sum(), "breakdown": "total"}]
    ).assign(source=population.label)
    parts = (
        parts.assign(source=parts_source)
        if breakdown is None
        else parts.assign(breakdown=breakdown, source=parts_source)
    )
    frame = pd.concat([total, parts], ignore_index=True)
    return frame.assign(area_code=la_code, year=population.year)[POPULATIONS_COLUMNS]


def _areas_and_geometries(
    la_code: str, ward_sections: dict, ward_bounds: dict, lsoa_sections: dict, lsoa_bounds: dict
) -> tuple[pd.DataFrame, pd.DataFrame]:
    area_frames, geometry_frames = [], []
    for area_type, sections, bounds in (
        ("ward", ward_sections, ward_bounds),
        ("LSOA", lsoa_sections, lsoa_bounds),
    ):
        for vintage, section in sections.items():
            gdf = bounds[vintage]
            area_frames.append(
                pd.DataFrame(
                    {
                        "area_code": gdf["code"],
                        "area_name": gdf["name"],
                        "area_type": area_type,
                        "vintage": vintage,
                        "parent_code": la_code,
                        "is_comparator": False,
                    }
                )
            )
            # d3-geo (Vega) wants clockwise exteriors, the opposite of RFC 7946.
            oriented = gdf.geometry.orient_polygons(exterior_cw=True)
            geometry_frames.append(
                pd.DataFrame(
                    {
                        "area_code": gdf["code"],
                        "vintage": vintage,
                        "geojson": shapely.to_geojson(oriented.to_numpy()),
                        "source": Path(section.get("boundaries")).name,
                    }
                )
            )
    # The store keys areas and geometries on area_code alone. ONS keeps an LSOA's code only while its
    # boundary is unchanged, so a code in two LSOA sets is one area: keep it once, from the last set listed.
    areas = pd.concat(area_frames, ignore_index=True)
    areas = areas.drop_duplicates("area_code", keep="last").reset_index(drop=True)[AREAS_COLUMNS]
    areas["is_comparator"] = areas["is_comparator"].astype(bool)
    geometries = pd.concat(geometry_frames, ignore_index=True)
    geometries = geometries.drop_duplicates("area_code", keep="last").reset_index(drop=True)
    return areas, geometries[AREA_GEOMETRIES_COLUMNS]


# --- embedded files ---------------------------------------------------------------------------------


def ward_list_frame(pack: GeographyPack) -> pd.DataFrame:
    """Ward code, name, ward set and authority code of every ward set in the pack (data/wards.csv)."""
    wards = pack.areas[pack.areas["area_type"] == "ward"]
    frame = wards.rename(
        columns={
            "area_code": "ward_code",
            "area_name": "ward_name",
            "vintage": "ward_set",
            "parent_code": "la_code",
        }
    )
    return frame.sort_values(["ward_set", "ward_code"]).reset_index(drop=True)[WARDS_CSV_COLUMNS]


def ward_summary_frame(pack: GeographyPack) -> pd.DataFrame:
    """Ward deprivation plus the population year, scores rounded to 3 dp (data/ward_summary.csv)."""
    totals = pack.populations[pack.populations["breakdown"] == "total"][["area_code", "year"]]
    frame = pack.ward_deprivation.merge(
        totals.rename(columns={"area_code": "ward_code", "year": "population_year"}),
        on="ward_code",
        how="left",
    )
    frame["imd_score"] = frame["imd_score"].round(SCORE_DECIMALS)
    return frame.sort_values(["ward_set", "ward_code"]).reset_index(drop=True)[WARD_SUMMARY_COLUMNS]


def ward_ethnicity_frame(pack: GeographyPack) -> pd.DataFrame:
    """Population by ethnic group of each ward (where the pack has it) (data/ward_ethnicity_summary.csv)."""
    wards = set(pack.ward_deprivation["ward_code"])
    rows = pack.populations[
        (pack.populations["breakdown"] == "ethnicity") & pack.populations["area_code"].isin(wards)
    ]
    frame = rows.rename(columns={"area_code": "ward_code"})
    return frame.sort_values(["ward_code", "category"]).reset_index(drop=True)[WARD_ETHNICITY_COLUMNS]


def authority_populations_frame(pack: GeographyPack) -> pd.DataFrame:
    """The authority's populations: total, by ethnic group and by deprivation group (data/authority_populations.csv)."""
    rows = pack.populations[pack.populations["area_code"] == pack.authority_code]
    return rows.sort_values(["breakdown", "category", "year"]).reset_index(drop=True)[POPULATIONS_COLUMNS]


def write_ward_list(pack: GeographyPack, data_dir: Path) -> Path:
    """Write data/wards.csv from the pack."""
    path = Path(data_dir) / WARDS_CSV
    ward_list_frame(pack).to_csv(path, index=False, lineterminator="\n")
    return path


def write_ward_summary(pack: GeographyPack, data_dir: Path) -> list[Path]:
    """Write data/ward_summary.csv and data/ward_ethnicity_summary.csv, derived from the pack."""
    summary = Path(data_dir) / WARD_SUMMARY_CSV
    ward_summary_frame(pack).to_csv(summary, index=False, lineterminator="\n")
    ethnicity = Path(data_dir) / WARD_ETHNICITY_CSV
    ward_ethnicity_frame(pack).to_csv(ethnicity, index=False, lineterminator="\n")
    authority = Path(data_dir) / AUTHORITY_POPULATIONS_CSV
    authority_populations_frame(pack).to_csv(authority, index=False, lineterminator="\n")
    return [summary, ethnicity, authority]


def _read_embedded_csv(path: Path, columns: list[str], *, required: bool = True) -> pd.DataFrame | None:
    if not path.is_file():
        if required:
            raise ValueError(f"embedded geography file not found: {path}")
        return None
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {missing}; expected {columns}")
    return frame[columns]


def read_embedded_geography(data_dir: Path) -> GeographyPack:
    """The ward frames from the small derived files shipped in data/ (no boundaries, no LSOAs)."""
    data_dir = Path(data_dir)
    wards = _read_embedded_csv(data_dir / WARDS_CSV, WARDS_CSV_COLUMNS)
    summary = _read_embedded_csv(data_dir / WARD_SUMMARY_CSV, WARD_SUMMARY_COLUMNS)
    ethnicity = _read_embedded_csv(data_dir / WARD_ETHNICITY_CSV, WARD_ETHNICITY_COLUMNS, required=False)
    authority = _read_embedded_csv(data_dir / AUTHORITY_POPULATIONS_CSV, POPULATIONS_COLUMNS, required=False)

    la_codes = wards["la_code"].unique()
    if len(la_codes) != 1:
        raise ValueError(f"{WARDS_CSV}: expected one authority in la_code; got {sorted(la_codes)}")
    _check_same_codes(set(summary["ward_code"]), set(wards["ward_code"]), WARD_SUMMARY_CSV, WARDS_CSV)

    areas = pd.DataFrame(
        {
            "area_code": wards["ward_code"],
            "area_name": wards["ward_name"],
            "area_type": "ward",
            "vintage": wards["ward_set"],
            "parent_code": wards["la_code"],
            "is_comparator": False,
        }
    )[AREAS_COLUMNS]
    ward_deprivation = summary[WARD_DEPRIVATION_COLUMNS].copy()
    ward_deprivation["imd_score"] = ward_deprivation["imd_score"].astype(float)
    ward_deprivation["population"] = ward_deprivation["population"].astype(float)
    for column in ("imd_rank_local", "local_quintile"):
        ward_deprivation[column] = ward_deprivation[column].astype(int)

    population_frames = [
        pd.DataFrame(
            {
                "area_code": summary["ward_code"],
                "breakdown": "total",
                "category": "",
                "population": summary["population"].astype(float),
                "year": summary["population_year"].astype(int),
                "source": summary["population_source"],
            }
        )
    ]
    if ethnicity is not None:
        unknown = set(ethnicity["ward_code"]) - set(wards["ward_code"])
        if unknown:
            raise ValueError(f"{WARD_ETHNICITY_CSV}: ward codes not in {WARDS_CSV}: {sorted(unknown)[:3]}")
        population_frames.append(
            ethnicity.rename(columns={"ward_code": "area_code"}).assign(
                breakdown="ethnicity",
                population=ethnicity["population"].astype(float),
                year=ethnicity["year"].astype(int),
            )
        )
    if authority is not None:
        if set(authority["area_code"]) - set(la_codes):
            raise ValueError(f"{AUTHORITY_POPULATIONS_CSV}: rows for an area other than {la_codes[0]}")
        population_frames.append(
            authority.assign(
                population=authority["population"].astype(float), year=authority["year"].astype(int)
            )
        )
    populations = pd.concat(population_frames, ignore_index=True)[POPULATIONS_COLUMNS]
    return GeographyPack(
        authority_code=str(la_codes[0]),
        authority_name="",
        areas=areas,
        area_geometries=pd.DataFrame(columns=AREA_GEOMETRIES_COLUMNS),
        lsoa_deprivation=pd.DataFrame(columns=LSOA_DEPRIVATION_COLUMNS),
        ward_deprivation=ward_deprivation,
        populations=populations,
    )


def read_hex_layout(path: Path, wards: pd.DataFrame | None = None) -> pd.DataFrame:
    """The hand-made hex cartogram (axial q, r per ward), checked for one cell per ward and no collisions.

    ``wards`` (area_code, vintage), e.g. ``pack.areas``, if given must be covered exactly, set by set.
    """
    path = Path(path)
    frame = _read_embedded_csv(path, HEX_LAYOUT_COLUMNS)
    try:
        frame = frame.astype({"q": int, "r": int})
    except ValueError as error:
        raise ValueError(f"{path.name}: q and r must be whole numbers ({error})") from error
    repeated = frame[frame["area_code"].duplicated()]
    if not repeated.empty:
        raise ValueError(f"{path.name}: ward {repeated['area_code'].iloc[0]} has more than one cell")
    collided = frame[frame.duplicated(["ward_set", "q", "r"])]
    if not collided.empty:
        row = collided.iloc[0]
        raise ValueError(f"{path.name}: {row['ward_set']} cell q={row['q']}, r={row['r']} holds two wards")
    if wards is not None:
        wards = wards[wards["area_type"] == "ward"] if "area_type" in wards else wards
        for ward_set, group in wards.groupby("vintage"):
            _check_same_codes(
                set(frame.loc[frame["ward_set"] == ward_set, "area_code"]),
                set(group["area_code"]),
                f"{path.name} {ward_set}",
                f"the {ward_set} wards",
            )
    return frame


# --- command line -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """``python -m het.reference.geography build-embedded PACK_DIR``: regenerate the derived ward files in data/."""
    parser = argparse.ArgumentParser(prog="python -m het.reference.geography", description=main.__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build-embedded",
        help="write data/wards.csv, ward_summary.csv, ward_ethnicity_summary.csv and authority_populations.csv",
    )
    build.add_argument("pack_dir", type=Path, help="folder holding geography.toml")
    build.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="where to write (default: data/)"
    )
    args = parser.parse_args(argv)
    pack = read_geography_pack(args.pack_dir)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    for path in [write_ward_list(pack, args.data_dir), *write_ward_summary(pack, args.data_dir)]:
        print(f"wrote {path}")
    print("hex_layout.csv is hand-made and was not touched")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
