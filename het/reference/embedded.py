"""The small derived geography files shipped in data/ (ward list, ward summary, ward ethnicity, authority
populations, ward sets), written from a pack and read when no pack is available.

``python -m het.reference.embedded build-embedded PACK_DIR`` regenerates them from a pack.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pandas as pd

from het.reference.frames import (
    AREA_GEOMETRIES_COLUMNS,
    AREAS_COLUMNS,
    LSOA_DEPRIVATION_COLUMNS,
    POPULATIONS_COLUMNS,
    WARD_DEPRIVATION_COLUMNS,
    WARD_SETS_COLUMNS,
    GeographyPack,
)
from het.reference.manifest import check_same_codes

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"

# Embedded files shipped in data/ (derived from a pack by write_ward_list / write_ward_summary).
WARDS_CSV = "wards.csv"
WARD_SUMMARY_CSV = "ward_summary.csv"
WARD_ETHNICITY_CSV = "ward_ethnicity_summary.csv"
AUTHORITY_POPULATIONS_CSV = "authority_populations.csv"
WARDS_CSV_COLUMNS = ["ward_code", "ward_name", "ward_set", "la_code"]
WARD_SUMMARY_COLUMNS = [*WARD_DEPRIVATION_COLUMNS[:6], "population_year", *WARD_DEPRIVATION_COLUMNS[6:]]
WARD_ETHNICITY_COLUMNS = ["ward_code", "category", "population", "year", "source"]
SCORE_DECIMALS = 3
WARD_SETS_CSV = "ward_sets.csv"
AUTHORITY_CSV = "authority.csv"
AUTHORITY_COLUMNS = ["authority_code", "authority_name", "region_code"]


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


def authority_frame(pack: GeographyPack) -> pd.DataFrame:
    """The authority's code, name and region (data/authority.csv)."""
    return pd.DataFrame(
        [
            {
                "authority_code": pack.authority_code,
                "authority_name": pack.authority_name,
                "region_code": pack.region_code,
            }
        ]
    )[AUTHORITY_COLUMNS]


def write_ward_list(pack: GeographyPack, data_dir: Path) -> Path:
    """Write data/wards.csv from the pack."""
    path = Path(data_dir) / WARDS_CSV
    ward_list_frame(pack).to_csv(path, index=False, lineterminator="\n")
    pack.ward_sets.to_csv(Path(data_dir) / WARD_SETS_CSV, index=False, lineterminator="\n")
    authority_frame(pack).to_csv(Path(data_dir) / AUTHORITY_CSV, index=False, lineterminator="\n")
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


def read_embedded_csv(path: Path, columns: list[str], *, required: bool = True) -> pd.DataFrame | None:
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
    wards = read_embedded_csv(data_dir / WARDS_CSV, WARDS_CSV_COLUMNS)
    summary = read_embedded_csv(data_dir / WARD_SUMMARY_CSV, WARD_SUMMARY_COLUMNS)
    ethnicity = read_embedded_csv(data_dir / WARD_ETHNICITY_CSV, WARD_ETHNICITY_COLUMNS, required=False)
    authority = read_embedded_csv(data_dir / AUTHORITY_POPULATIONS_CSV, POPULATIONS_COLUMNS, required=False)
    ward_sets = read_embedded_csv(data_dir / WARD_SETS_CSV, WARD_SETS_COLUMNS)
    named = read_embedded_csv(data_dir / AUTHORITY_CSV, AUTHORITY_COLUMNS)

    la_codes = wards["la_code"].unique()
    if len(la_codes) != 1:
        raise ValueError(f"{WARDS_CSV}: expected one authority in la_code; got {sorted(la_codes)}")
    check_same_codes(set(summary["ward_code"]), set(wards["ward_code"]), WARD_SUMMARY_CSV, WARDS_CSV)

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
    if named["authority_code"].tolist() != [str(la_codes[0])]:
        raise ValueError(f"{AUTHORITY_CSV}: expected one row for {la_codes[0]}, the authority in {WARDS_CSV}")
    _check_same_codes_sets(ward_sets, areas)
    return GeographyPack(
        authority_code=str(la_codes[0]),
        authority_name=str(named["authority_name"].iloc[0]),
        areas=areas,
        area_geometries=pd.DataFrame(columns=AREA_GEOMETRIES_COLUMNS),
        lsoa_deprivation=pd.DataFrame(columns=LSOA_DEPRIVATION_COLUMNS),
        ward_deprivation=ward_deprivation,
        populations=populations,
        ward_sets=ward_sets.assign(
            in_force_from=ward_sets["in_force_from"].map(_date_or_none).astype(object),
            in_force_until=ward_sets["in_force_until"].map(_date_or_none).astype(object),
            n_wards=ward_sets["n_wards"].astype(int),
        ),
        region_code=str(named["region_code"].iloc[0]) or None,
    )


def _date_or_none(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _check_same_codes_sets(ward_sets: pd.DataFrame, areas: pd.DataFrame) -> None:
    check_same_codes(
        set(ward_sets["vintage"]), set(areas["vintage"]), WARD_SETS_CSV, f"the ward sets of {WARDS_CSV}"
    )


# --- command line -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """``python -m het.reference.embedded build-embedded PACK_DIR``: regenerate the derived ward files in data/."""
    parser = argparse.ArgumentParser(prog="python -m het.reference.embedded", description=main.__doc__)
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
    from het.reference.geography import read_geography_pack  # geopandas, only for this command

    pack = read_geography_pack(args.pack_dir)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    written = [
        write_ward_list(pack, args.data_dir),
        args.data_dir / WARD_SETS_CSV,
        args.data_dir / AUTHORITY_CSV,
    ]
    for path in [*written, *write_ward_summary(pack, args.data_dir)]:
        print(f"wrote {path}")
    print("hex_layout.csv is hand-made and was not touched")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
