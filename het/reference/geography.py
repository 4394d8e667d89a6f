"""Wards, LSOAs, deprivation and populations from a geography pack (a folder with a geography.toml manifest).

The manifest says which file plays which part and which columns to read, so another authority is a new
folder and a new manifest, not new code. The frames returned match the store's tables in
``queries/schema`` column for column. het.reference.embedded holds the small derived files shipped in data/
for when no pack is available.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from het.reference.frames import (
    AREA_GEOMETRIES_COLUMNS,
    AREAS_COLUMNS,
    LSOA_DEPRIVATION_COLUMNS,
    POPULATIONS_COLUMNS,
    WARD_DEPRIVATION_COLUMNS,
    WARD_SETS_COLUMNS,
    GeographyPack,
)
from het.reference.manifest import (
    MANIFEST_NAME,
    Section,
    check_same_codes,
    numeric_field,
    read_boundaries,
    read_csv_fields,
    table_section,
    unique_codes,
    vintage_sections,
    year_for,
)
from het.stats.quantiles import fingertips_quantiles, quantiles_of_scores
from het.vocabulary import (
    DEPRIVATION_LOCAL_DECILE,
    DEPRIVATION_LOCAL_QUINTILE,
    DEPRIVATION_NATIONAL_DECILE,
    DEPRIVATION_NATIONAL_QUINTILE,
    ETHNICITY,
)

# ONS LSOA change codes: Unchanged, Split, Merged, X = redrawn (split and merged at once).
_CHANGE_CODES = {"U", "S", "M", "X"}


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

    authority = table_section(pack_dir, manifest, "authority")
    la_code, la_name = authority.get("code"), authority.get("name")

    # LSOA sets and ward sets, with their boundaries.
    lsoa_sections = {s.get("vintage"): s for s in vintage_sections(pack_dir, manifest, "lsoa_sets")}
    lsoa_bounds = {v: read_boundaries(s) for v, s in lsoa_sections.items()}
    ward_sections = {s.get("vintage"): s for s in vintage_sections(pack_dir, manifest, "ward_sets")}
    ward_bounds = {v: read_boundaries(s) for v, s in ward_sections.items()}
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
    deprivation_section = table_section(pack_dir, manifest, "deprivation")
    deprivation, deprivation_pop = _read_deprivation(deprivation_section, lsoa_sections, lsoa_bounds)
    dep_vintage = deprivation_section.get("lsoa_vintage")

    ethnicity_section = table_section(pack_dir, manifest, "ethnicity") if "ethnicity" in manifest else None
    ethnicity, ethnicity_pop = (None, None)
    if ethnicity_section is not None:
        ethnicity, ethnicity_pop = _read_ethnicity(ethnicity_section, lsoa_sections, lsoa_bounds)

    populations_by_vintage = {dep_vintage: deprivation_pop}
    if ethnicity_section is not None and ethnicity_section.get("lsoa_vintage") != dep_vintage:
        populations_by_vintage[ethnicity_section.get("lsoa_vintage")] = ethnicity_pop

    scores_by_vintage = {dep_vintage: deprivation}
    carried_note = ""
    if "lsoa_change" in manifest:
        change_section = table_section(pack_dir, manifest, "lsoa_change")
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
        ward_sets=_ward_sets(ward_sections, ward_bounds),
        region_code=authority.optional("region_code"),
    )


def _manifest_date(section: Section, key: str) -> date | None:
    value = section.table.get(key)
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(
            f"{section.label}: key '{key}' must be a date like 2023-05-04; got {value!r}"
        ) from None


def _ward_sets(ward_sections: dict[str, Section], ward_bounds: dict) -> pd.DataFrame:
    """Each ward set with the dates it was in force, checked so that one set is in force on any day."""
    rows = []
    for vintage, section in ward_sections.items():
        start, end = _manifest_date(section, "in_force_from"), _manifest_date(section, "in_force_until")
        if start is not None and end is not None and not start < end:
            raise ValueError(f"{section.label}: in_force_from {start} must come before in_force_until {end}")
        rows.append(
            {
                "vintage": vintage,
                "in_force_from": start,
                "in_force_until": end,
                "n_wards": len(ward_bounds[vintage]),
                "source": f"{MANIFEST_NAME} [[ward_sets]] {vintage}",
            }
        )
    ordered = sorted(rows, key=lambda r: r["in_force_from"] or date.min)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if earlier["in_force_until"] is None or later["in_force_from"] is None:
            raise ValueError(
                f"{MANIFEST_NAME} [[ward_sets]]: with several ward sets each must say when it was in force "
                f"(in_force_until on {earlier['vintage']}, in_force_from on {later['vintage']})"
            )
        if earlier["in_force_until"] != later["in_force_from"]:
            raise ValueError(
                f"{MANIFEST_NAME} [[ward_sets]]: {earlier['vintage']} ends on {earlier['in_force_until']} but "
                f"{later['vintage']} starts on {later['in_force_from']}; one set must follow the other"
            )
    return pd.DataFrame(ordered, columns=WARD_SETS_COLUMNS)


def _read_ward_lookup(
    section: Section, lsoa_sections: dict, lsoa_bounds: dict, wards: gpd.GeoDataFrame
) -> pd.DataFrame:
    """The best-fit LSOA -> ward lookup of one ward set, checked against both boundary files."""
    lsoa_vintage = section.get("lsoa_vintage")
    if lsoa_vintage not in lsoa_sections:
        raise ValueError(f"{section.label}: lsoa_vintage '{lsoa_vintage}' is not one of the [[lsoa_sets]]")
    lsoa_field, ward_field = section.get("lookup_lsoa_field"), section.get("lookup_ward_field")
    lookup = read_csv_fields(section, "lsoa_lookup", {lsoa_field: "lsoa_code", ward_field: "ward_code"})
    unique_codes(lookup["lsoa_code"], section, "lsoa_lookup", lsoa_field)
    where = f"{section.label}: lsoa_lookup file '{section.get('lsoa_lookup')}'"
    check_same_codes(
        set(lookup["lsoa_code"]),
        set(lsoa_bounds[lsoa_vintage]["code"]),
        f"{where} {lsoa_field}",
        lsoa_vintage,
    )
    check_same_codes(
        set(lookup["ward_code"]),
        set(wards["code"]),
        f"{where} {ward_field}",
        f"the {section.get('vintage')} wards",
    )
    return lookup


def _read_deprivation(
    section: Section, lsoa_sections: dict, lsoa_bounds: dict
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
    frame = read_csv_fields(section, "file", fields)
    unique_codes(frame["lsoa_code"], section, "file", lsoa_field)
    check_same_codes(
        set(frame["lsoa_code"]),
        set(lsoa_bounds[vintage]["code"]),
        f"{section.label}: file '{section.get('file')}' {lsoa_field}",
        vintage,
    )
    frame["imd_score"] = numeric_field(frame, "imd_score", section, "file", score_field)
    if decile_field:
        frame["national_decile"] = numeric_field(
            frame, "national_decile", section, "file", decile_field
        ).astype("Int64")
    else:
        frame["national_decile"] = pd.array([pd.NA] * len(frame), dtype="Int64")

    population_field = section.get("population_field")
    population = read_csv_fields(
        section, "population_file", {lsoa_field: "lsoa_code", population_field: "population"}
    )
    unique_codes(population["lsoa_code"], section, "population_file", lsoa_field)
    population["population"] = numeric_field(
        population, "population", section, "population_file", population_field
    )
    frame = frame.merge(population, on="lsoa_code", how="left")
    if frame["population"].isna().any():
        missing = frame.loc[frame["population"].isna(), "lsoa_code"].iloc[0]
        raise ValueError(
            f"{section.label}: {section.file('population_file')} has no population for {missing}"
        )
    year = year_for(section, "population_year", population_field, section.get("population_file"))
    # Said on the pages (each SII's About tab, the ward profile): in words, never the pack's file names.
    label = (
        section.optional("population_label")
        or f"the deprivation data's LSOA populations ({population_field})"
    )
    frame = frame.sort_values("lsoa_code").reset_index(drop=True)
    return frame, _LsoaPopulation(frame[["lsoa_code", "population"]].copy(), year, label)


def _read_ethnicity(
    section: Section, lsoa_sections: dict, lsoa_bounds: dict
) -> tuple[pd.DataFrame, _LsoaPopulation]:
    """Counts by ethnic group per LSOA (long), and the LSOA population as the sum over groups."""
    vintage = section.get("lsoa_vintage")
    if vintage not in lsoa_sections:
        raise ValueError(f"{section.label}: lsoa_vintage '{vintage}' is not one of the [[lsoa_sets]]")
    lsoa_field, group_field, count_field = (
        section.get(k) for k in ("lsoa_field", "group_field", "count_field")
    )
    frame = read_csv_fields(
        section, "file", {lsoa_field: "lsoa_code", group_field: "category", count_field: "population"}
    )
    frame["population"] = numeric_field(frame, "population", section, "file", count_field)
    repeated = frame[frame.duplicated(["lsoa_code", "category"])]
    if not repeated.empty:
        raise ValueError(
            f"{section.label}: file '{section.get('file')}' repeats group {repeated['category'].iloc[0]!r} "
            f"for {repeated['lsoa_code'].iloc[0]}"
        )
    check_same_codes(
        set(frame["lsoa_code"]),
        set(lsoa_bounds[vintage]["code"]),
        f"{section.label}: file '{section.get('file')}' {lsoa_field}",
        vintage,
    )
    totals = frame.groupby("lsoa_code", as_index=False, sort=True)["population"].sum()
    year = year_for(section, "year", Path(section.get("file")).name)
    label = (
        section.optional("label")
        or f"the ethnicity data's LSOA populations (its group counts summed, {year})"
    )
    return frame, _LsoaPopulation(totals, year, label)


def _carry_deprivation(
    section: Section,
    deprivation: pd.DataFrame,
    population: _LsoaPopulation,
    from_vintage: str,
    lsoa_bounds: dict,
) -> tuple[str, pd.DataFrame]:
    """Read and check the LSOA change lookup; return the target vintage and the carried scores."""
    from_field, to_field, change_field = (section.get(k) for k in ("from_field", "to_field", "change_field"))
    change = read_csv_fields(
        section, "file", {from_field: "from_code", to_field: "lsoa_code", change_field: "change"}
    )
    unknown = sorted(set(change["change"]) - _CHANGE_CODES)
    if unknown:
        raise ValueError(
            f"{section.label}: file '{section.get('file')}' field '{change_field}' has unknown change codes "
            f"{unknown}; expected {sorted(_CHANGE_CODES)}"
        )
    where = f"{section.label}: file '{section.get('file')}'"
    check_same_codes(
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
    section: Section,
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
