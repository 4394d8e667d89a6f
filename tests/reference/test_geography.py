"""Geography pack loader: counts and totals against published figures, the quintile rules by hand,
geometry orientation, the shipped derived files against a fresh derivation, the hex layout, errors."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import shapely

from het.reference.embedded import (
    authority_populations_frame,
    main,
    read_embedded_geography,
    ward_ethnicity_frame,
    ward_list_frame,
    ward_summary_frame,
)
from het.reference.geography import (
    AREA_GEOMETRIES_COLUMNS,
    AREAS_COLUMNS,
    LSOA_DEPRIVATION_COLUMNS,
    POPULATIONS_COLUMNS,
    WARD_DEPRIVATION_COLUMNS,
    GeographyPack,
    carry_lsoa_scores,
    read_geography_pack,
)
from het.reference.hex_layout import read_hex_layout

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO / "data"
SCHEMA_DIR = REPO / "queries" / "schema"
LUTON = "E06000032"
LUTON_CENSUS_2021 = 225_262  # DOMAIN.md, TS021
WD13_CODES = {f"E0500{n}" for n in range(2193, 2212)}
WD23_CODES = {f"E0501{n}" for n in range(4735, 4755)}


def pack_dir_or_skip() -> Path:
    candidate = Path(
        os.environ.get("HET_GEOGRAPHY_DIR") or Path(__file__).resolve().parents[3] / "shared" / "data"
    )
    if not (candidate / "geography.toml").is_file():
        pytest.skip(f"shared geography pack not found at {candidate}: set HET_GEOGRAPHY_DIR")
    return candidate


@pytest.fixture(scope="module")
def pack_dir() -> Path:
    return pack_dir_or_skip()


@pytest.fixture(scope="module")
def pack(pack_dir) -> GeographyPack:
    return read_geography_pack(pack_dir)


@pytest.fixture(scope="module")
def manifest(pack_dir) -> dict:
    return tomllib.loads((pack_dir / "geography.toml").read_text(encoding="utf-8"))


def ward_names(pack: GeographyPack, ward_set: str) -> pd.DataFrame:
    wards = pack.ward_deprivation[pack.ward_deprivation["ward_set"] == ward_set]
    names = pack.areas.set_index("area_code")["area_name"]
    return wards.assign(name=wards["ward_code"].map(names)).sort_values("imd_rank_local")


# --- the rules, by hand -----------------------------------------------------------------------------


def test_wd13_wards_fall_in_quintiles_of_4_4_4_4_3(pack):
    """19 wards by the Fingertips quantile rule (not ceil(5 r / 19), which gives 3, 4, 4, 4, 4)."""
    wd13 = pack.ward_deprivation[pack.ward_deprivation["ward_set"] == "WD13"].sort_values("imd_rank_local")
    assert wd13["local_quintile"].value_counts().sort_index().tolist() == [4, 4, 4, 4, 3]
    assert wd13["local_quintile"].is_monotonic_increasing


def test_lsoa_local_groups_follow_the_quantile_rule(pack):
    """121 LSOAs: deciles of 13, 12 x 9 and quintiles of 25, 24 x 4, most deprived (highest score) first."""
    lsoa11 = pack.lsoa_deprivation[pack.lsoa_deprivation["vintage"] == "LSOA11"].sort_values(
        "imd_score", ascending=False
    )
    assert lsoa11["local_decile"].value_counts().sort_index().tolist() == [13] + [12] * 9
    assert lsoa11["local_quintile"].value_counts().sort_index().tolist() == [25, 24, 24, 24, 24]
    assert lsoa11["local_decile"].is_monotonic_increasing and lsoa11["local_quintile"].is_monotonic_increasing


def test_authority_populations_by_every_deprivation_group(pack):
    luton = pack.populations[pack.populations["area_code"] == LUTON]
    total = luton.query("breakdown == 'total' and year == 2015")["population"].sum()
    for breakdown, groups in {
        "deprivation_local_quintile": 5,
        "deprivation_local_decile": 10,
        "deprivation_national_decile": 9,  # no Luton LSOA is in England's least deprived tenth
        "deprivation_national_quintile": 5,
    }.items():
        rows = luton[luton["breakdown"] == breakdown]
        assert len(rows) == groups, breakdown
        assert rows["population"].sum() == total, breakdown
    national = luton[luton["breakdown"] == "deprivation_national_decile"].set_index("category")["population"]
    lsoa11 = pack.lsoa_deprivation[pack.lsoa_deprivation["vintage"] == "LSOA11"]
    assert national["1"] == lsoa11.loc[lsoa11["national_decile"] == 1, "population"].sum()
    assert "10" not in national.index


def test_carry_lsoa_scores_unchanged_split_and_merged():
    scores = pd.DataFrame(
        {
            "lsoa_code": ["U1", "S1", "M1", "M2"],
            "imd_score": [10.0, 20.0, 30.0, 60.0],
            "national_decile": pd.array([5, 3, 2, 1], dtype="Int64"),
            "population": [1000.0, 1500.0, 1000.0, 500.0],
        }
    )
    change = pd.DataFrame(
        {"from_code": ["U1", "S1", "S1", "M1", "M2"], "lsoa_code": ["U1", "S1a", "S1b", "Mx", "Mx"]}
    )
    carried = carry_lsoa_scores(scores, change).set_index("lsoa_code")
    assert carried.loc["U1", "imd_score"] == 10.0
    assert carried.loc["S1a", "imd_score"] == carried.loc["S1b", "imd_score"] == 20.0
    assert carried.loc["S1b", "national_decile"] == 3
    # Merged: (30 x 1000 + 60 x 500) / 1500 = 40; the parents' deciles differ, so no decile.
    assert carried.loc["Mx", "imd_score"] == pytest.approx(40.0)
    assert pd.isna(carried.loc["Mx", "national_decile"])


# --- the real pack ----------------------------------------------------------------------------------


def test_frames_match_the_schema_and_load_into_it(pack):
    con = duckdb.connect()
    for path in sorted(SCHEMA_DIR.glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))
    for table, columns in [
        ("areas", AREAS_COLUMNS),
        ("area_geometries", AREA_GEOMETRIES_COLUMNS),
        ("lsoa_deprivation", LSOA_DEPRIVATION_COLUMNS),
        ("ward_deprivation", WARD_DEPRIVATION_COLUMNS),
        ("populations", POPULATIONS_COLUMNS),
    ]:
        schema_columns = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
        frame = getattr(pack, table)
        assert list(frame.columns) == schema_columns == columns, table
        con.append(table, frame, by_name=True)  # primary keys and NOT NULL hold
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == len(frame)


def test_ward_counts_both_sets(pack):
    wards = pack.areas[pack.areas["area_type"] == "ward"]
    assert set(wards.loc[wards["vintage"] == "WD23", "area_code"]) == WD23_CODES
    assert set(wards.loc[wards["vintage"] == "WD13", "area_code"]) == WD13_CODES
    assert (wards["parent_code"] == LUTON).all() and not wards["is_comparator"].any()
    assert pack.ward_deprivation.groupby("ward_set").size().to_dict() == {"WD13": 19, "WD23": 20}


def test_lsoa_counts_both_sets(pack):
    assert pack.lsoa_deprivation.groupby("vintage").size().to_dict() == {"LSOA11": 121, "LSOA21": 125}
    # areas keys on area_code: the 118 unchanged codes appear once (as LSOA21), the 3 split LSOA11 once.
    lsoas = pack.areas[pack.areas["area_type"] == "LSOA"]
    assert len(lsoas) == lsoas["area_code"].nunique() == 121 + 125 - 118
    assert lsoas.groupby("vintage").size().to_dict() == {"LSOA11": 3, "LSOA21": 125}
    assert set(pack.area_geometries["area_code"]) == set(pack.areas["area_code"])


def test_wd23_population_is_the_census_2021_total(pack):
    wd23 = pack.ward_deprivation[pack.ward_deprivation["ward_set"] == "WD23"]
    total = wd23["population"].sum()
    assert abs(total - LUTON_CENSUS_2021) / LUTON_CENSUS_2021 < 0.01
    assert total == 225_244  # the LSOA table's perturbed total (shared/data/SOURCES.md)
    luton = pack.populations.query("area_code == @LUTON and breakdown == 'total' and year == 2021")
    assert luton["population"].tolist() == [total]


def test_wd13_population_is_the_mid_2015_lsoa_total(pack, pack_dir, manifest):
    deprivation = manifest["deprivation"]
    raw = pd.read_csv(pack_dir / deprivation["population_file"])[deprivation["population_field"]]
    wd13 = pack.ward_deprivation[pack.ward_deprivation["ward_set"] == "WD13"]
    assert wd13["population"].sum() == raw.sum() == 213_581
    quintiles = pack.populations.query("area_code == @LUTON and breakdown == 'deprivation_local_quintile'")
    assert sorted(quintiles["category"]) == ["1", "2", "3", "4", "5"]
    assert (quintiles["year"] == 2015).all() and quintiles["population"].sum() == raw.sum()
    # Fifths of the LSOAs by count hold roughly, not exactly, a fifth of the people each.
    assert (quintiles["population"] / raw.sum()).between(0.15, 0.25).all()


def test_luton_mean_imd_score(pack):
    lsoa11 = pack.lsoa_deprivation[pack.lsoa_deprivation["vintage"] == "LSOA11"]
    mean = (lsoa11["imd_score"] * lsoa11["population"]).sum() / lsoa11["population"].sum()
    assert round(mean, 2) == 25.91  # shared/data/SOURCES.md
    # Wards partition the LSOAs, so their population-weighted mean is the same number.
    wd13 = pack.ward_deprivation[pack.ward_deprivation["ward_set"] == "WD13"]
    assert (wd13["imd_score"] * wd13["population"]).sum() / wd13["population"].sum() == pytest.approx(mean)
    assert (lsoa11["national_decile"] == 1).sum() == 4  # DOMAIN.md


def test_lsoa21_scores_carried_from_lsoa11(pack):
    lsoa = pack.lsoa_deprivation.set_index(["vintage", "lsoa_code"])["imd_score"]
    assert lsoa[("LSOA21", "E01015693")] == lsoa[("LSOA11", "E01015693")]  # unchanged
    for child in ("E01033803", "E01033804", "E01033805"):  # split from E01015794
        assert lsoa[("LSOA21", child)] == lsoa[("LSOA11", "E01015794")]
    lsoa21 = pack.lsoa_deprivation[pack.lsoa_deprivation["vintage"] == "LSOA21"]
    assert lsoa21["ward_code"].isin(WD23_CODES).all()
    assert lsoa21.groupby("local_quintile")["population"].sum().div(225_244).between(0.15, 0.25).all()


def test_wd23_quintiles_have_four_wards_each(pack):
    wd23 = pack.ward_deprivation[pack.ward_deprivation["ward_set"] == "WD23"]
    assert wd23["local_quintile"].value_counts().sort_index().tolist() == [4] * 5
    assert sorted(wd23["imd_rank_local"]) == list(range(1, 21))
    by_rank = wd23.sort_values("imd_rank_local")
    assert by_rank["imd_score"].is_monotonic_decreasing


def test_most_deprived_wards_are_the_published_ones(pack):
    published = {"Farley", "South", "Northwell"}  # DOMAIN.md
    wd23 = ward_names(pack, "WD23")
    assert len(published & set(wd23["name"].head(5))) >= 2  # the most deprived quarter of the 20 wards
    # On the wards those figures were published for, all three are in the most deprived four.
    assert published <= set(ward_names(pack, "WD13")["name"].head(4))


def test_ward_ethnicity_adds_up_to_the_ward_total(pack):
    pops = pack.populations
    ethnicity = pops[(pops["breakdown"] == "ethnicity") & pops["area_code"].isin(WD23_CODES)]
    assert ethnicity["category"].nunique() == 5
    totals = pops[(pops["breakdown"] == "total") & pops["area_code"].isin(WD23_CODES)].set_index("area_code")
    assert ethnicity.groupby("area_code")["population"].sum().equals(totals["population"].sort_index())
    assert pops.duplicated(["area_code", "breakdown", "category", "year"]).sum() == 0


def test_geometries_are_valid_wgs84_and_clockwise(pack):
    assert len(pack.area_geometries) == 167
    for code, text in zip(pack.area_geometries["area_code"], pack.area_geometries["geojson"], strict=True):
        geometry = shapely.from_geojson(text)
        assert geometry.is_valid, code
        minx, miny, maxx, maxy = geometry.bounds
        assert -0.6 < minx < maxx < -0.3 and 51.8 < miny < maxy < 52.0, code  # lon/lat around Luton
        polygons = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
        for polygon in polygons:
            assert not polygon.exterior.is_ccw, code
        assert json.loads(text)["type"] in {"Polygon", "MultiPolygon"}


# --- the files shipped in data/ cannot go stale ------------------------------------------------------


def test_shipped_ward_files_equal_a_fresh_derivation(pack):
    shipped = pd.read_csv(DATA_DIR / "ward_summary.csv", dtype={"ward_code": str})
    pd.testing.assert_frame_equal(ward_summary_frame(pack), shipped, check_dtype=False)
    shipped_wards = pd.read_csv(DATA_DIR / "wards.csv", dtype=str)
    pd.testing.assert_frame_equal(ward_list_frame(pack), shipped_wards, check_dtype=False)
    shipped_ethnicity = pd.read_csv(DATA_DIR / "ward_ethnicity_summary.csv", dtype={"ward_code": str})
    pd.testing.assert_frame_equal(ward_ethnicity_frame(pack), shipped_ethnicity, check_dtype=False)
    shipped_authority = pd.read_csv(
        DATA_DIR / "authority_populations.csv",
        dtype={"area_code": str, "category": str},
        keep_default_na=False,
    )
    pd.testing.assert_frame_equal(authority_populations_frame(pack), shipped_authority, check_dtype=False)


def test_build_embedded_command_writes_the_same_files(pack_dir, tmp_path, capsys):
    assert main(["build-embedded", str(pack_dir), "--data-dir", str(tmp_path)]) == 0
    for name in (
        "wards.csv",
        "ward_sets.csv",
        "authority.csv",
        "ward_summary.csv",
        "ward_ethnicity_summary.csv",
        "authority_populations.csv",
    ):
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), name
    assert "hex_layout.csv is hand-made" in capsys.readouterr().out


def test_ward_names_agree_with_the_ons_lookups(pack, pack_dir, manifest):
    names = pack.areas.set_index("area_code")["area_name"]
    for ward_set, name_field in [
        (manifest["ward_sets"][0], "WD19NM"),
        (manifest["ward_sets"][1], "ward24_name"),
    ]:
        lookup = pd.read_csv(pack_dir / ward_set["lsoa_lookup"], dtype=str)
        pairs = lookup[[ward_set["lookup_ward_field"], name_field]].drop_duplicates()
        assert (pairs[name_field] == pairs[ward_set["lookup_ward_field"]].map(names)).all()


def test_read_embedded_geography():
    embedded = read_embedded_geography(DATA_DIR)
    assert list(embedded.areas.columns) == AREAS_COLUMNS
    assert list(embedded.ward_deprivation.columns) == WARD_DEPRIVATION_COLUMNS
    assert list(embedded.populations.columns) == POPULATIONS_COLUMNS
    assert embedded.areas.groupby("vintage").size().to_dict() == {"WD13": 19, "WD23": 20}
    assert embedded.area_geometries.empty and embedded.lsoa_deprivation.empty
    totals = embedded.populations[embedded.populations["breakdown"] == "total"]
    wards = totals[totals["area_code"] != LUTON]
    assert wards.groupby("year")["population"].sum().to_dict() == {2015: 213_581, 2021: 225_244}
    # The authority's own rows (data/authority_populations.csv) give the same totals, and its deprivation groups.
    luton = embedded.populations[embedded.populations["area_code"] == LUTON]
    assert luton[luton["breakdown"] == "total"].set_index("year")["population"].to_dict() == {
        2015: 213_581,
        2021: 225_244,
    }
    assert luton.groupby("breakdown").size()["deprivation_national_decile"] == 9
    wd23 = embedded.ward_deprivation[embedded.ward_deprivation["ward_set"] == "WD23"]
    assert wd23["local_quintile"].value_counts().tolist() == [4] * 5


# --- the hand-made hex layout -----------------------------------------------------------------------


def test_hex_layout_one_cell_per_ward_and_no_collisions():
    wards = pd.read_csv(DATA_DIR / "wards.csv", dtype=str)
    layout = read_hex_layout(
        DATA_DIR / "hex_layout.csv", wards.rename(columns={"ward_code": "area_code", "ward_set": "vintage"})
    )
    assert len(layout) == len(wards) == 39
    assert layout.groupby("ward_set").size().to_dict() == {"WD13": 19, "WD23": 20}
    assert not layout.duplicated(["ward_set", "q", "r"]).any()
    assert set(layout["area_code"]) == set(wards["ward_code"])


def test_hex_layout_reads_like_luton():
    # Pointy-top axial cells: x = q + r/2 across, r down the page (south).
    layout = pd.read_csv(DATA_DIR / "hex_layout.csv", dtype={"area_code": str})
    wards = pd.read_csv(DATA_DIR / "wards.csv", dtype=str)
    cells = layout.merge(wards, left_on=["area_code", "ward_set"], right_on=["ward_code", "ward_set"])
    cells = cells.assign(x=cells["q"] + cells["r"] / 2).set_index(["ward_set", "ward_name"])
    for ward_set in ("WD13", "WD23"):
        cell = cells.loc[ward_set]
        southmost = cell["r"].max()
        assert {"Farley", "South"} & set(cell.index[cell["r"] == southmost])
        assert cell.loc["Stopsley", "x"] > cell["x"].median()  # east
        for north_west in ("Sundon Park", "Lewsey", "Leagrave"):
            assert cell.loc[north_west, "x"] < cell["x"].median(), north_west
            assert cell.loc[north_west, "r"] <= cell.loc["Farley", "r"] - 2, north_west


def test_hex_layout_collision_is_refused(tmp_path):
    path = tmp_path / "hex_layout.csv"
    path.write_text("area_code,ward_set,q,r\nE05014735,WD23,0,0\nE05014736,WD23,0,0\n")
    with pytest.raises(ValueError, match="WD23 cell q=0, r=0 holds two wards"):
        read_hex_layout(path)


# --- errors name the manifest key and the file ------------------------------------------------------


def write_manifest(tmp_path: Path, pack_dir: Path, edit) -> Path:
    """A copy of the real manifest with absolute paths into the real pack, edited by ``edit(text)``."""
    text = (pack_dir / "geography.toml").read_text(encoding="utf-8")
    for folder in ("boundaries/", "lookups/", "imd/", "census2021/"):
        text = text.replace(f'"{folder}', f'"{pack_dir.resolve().as_posix()}/{folder}')
    (tmp_path / "geography.toml").write_text(edit(text), encoding="utf-8")
    return tmp_path


def test_manifest_copy_with_absolute_paths_reads_the_same(pack, pack_dir, tmp_path):
    copy = read_geography_pack(write_manifest(tmp_path, pack_dir, lambda text: text))
    pd.testing.assert_frame_equal(copy.ward_deprivation, pack.ward_deprivation)


def test_missing_boundary_field_names_key_and_file(pack_dir, tmp_path):
    folder = write_manifest(
        tmp_path, pack_dir, lambda t: t.replace('code_field = "WD25CD"', 'code_field = "WD99CD"')
    )
    with pytest.raises(ValueError) as error:
        read_geography_pack(folder)
    message = str(error.value)
    assert message.startswith("geography.toml [[ward_sets]] WD23: boundaries file '")
    assert message.endswith("luton_wards_2023_drkane.geojson' has no field 'WD99CD'")


def test_missing_csv_field_names_key_and_file(pack_dir, tmp_path):
    folder = write_manifest(
        tmp_path, pack_dir, lambda t: t.replace('count_field = "n"', 'count_field = "count"')
    )
    with pytest.raises(
        ValueError, match=r"geography.toml \[ethnicity\]: file '.*_demographr.csv' has no field 'count'"
    ):
        read_geography_pack(folder)


def test_missing_file_names_key_and_path(pack_dir, tmp_path):
    folder = write_manifest(
        tmp_path,
        pack_dir,
        lambda t: t.replace("ons_lsoa21_to_ward24_bestfit_luton.csv", "no_such_lookup.csv"),
    )
    with pytest.raises(
        ValueError, match=r"\[\[ward_sets\]\] WD23: lsoa_lookup file '.*no_such_lookup.csv' not found"
    ):
        read_geography_pack(folder)


def test_missing_manifest_key_is_named(pack_dir, tmp_path):
    folder = write_manifest(
        tmp_path, pack_dir, lambda t: t.replace('score_field = "IMD score', 'scores = "IMD score')
    )
    with pytest.raises(ValueError, match=r"geography.toml \[deprivation\]: missing key 'score_field'"):
        read_geography_pack(folder)


def test_ward_sets_come_from_the_manifest_dates(pack, manifest):
    sets = pack.ward_sets.set_index("vintage")
    for table in manifest["ward_sets"]:
        row = sets.loc[table["vintage"]]
        assert str(row["in_force_from"] or "") == str(table.get("in_force_from", ""))
        assert str(row["in_force_until"] or "") == str(table.get("in_force_until", ""))
    assert sets["n_wards"].to_dict() == {"WD13": 19, "WD23": 20}


def test_ward_sets_that_overlap_or_leave_a_gap_are_refused(pack_dir, tmp_path):
    text = (pack_dir / "geography.toml").read_text(encoding="utf-8")
    moved = text.replace('in_force_from = "2023-05-04"', 'in_force_from = "2023-06-01"')
    assert moved != text
    for path in pack_dir.rglob("*"):
        if path.is_file() and path.name != "geography.toml":
            target = tmp_path / path.relative_to(pack_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    (tmp_path / "geography.toml").write_text(moved, encoding="utf-8")
    with pytest.raises(ValueError, match="WD13 ends on 2023-05-04 but WD23 starts on 2023-06-01"):
        read_geography_pack(tmp_path)
