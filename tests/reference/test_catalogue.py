"""The shipped reference catalogue (data/*.csv) and the checks in het.reference.catalogue."""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from het.reference.catalogue import CATALOGUE_TABLES, DATA_DIR, FILE_NAMES, read_catalogue, validate_catalogue
from het.store import Store

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "queries" / "schema"

# The candidate Fingertips indicators listed by principle in DOMAIN.md.
DOMAIN_FINGERTIPS_IDS = {
    90366, 90362, 92901,  # overarching
    90631, 92196, 93701,  # 1
    93378, 93203, 91125,  # 2
    91126, 92313,  # 3
    93759, 92964,  # 4
    93736, 11601,  # 5
    92443, 93088, 93014, 93721,  # 6
    92860,  # 7
    93867, 93861,  # 8
}  # fmt: skip
LUTON_POPULATION_2021 = 225_262  # Census 2021 TS021 (DOMAIN.md)


@pytest.fixture(scope="module")
def catalogue() -> dict[str, pd.DataFrame]:
    return read_catalogue()


# -- the shipped catalogue ------------------------------------------------------------------------


def test_catalogue_tables_are_the_store_tables_in_load_order():
    assert [name for name, _ in CATALOGUE_TABLES] == [
        "principles",
        "indicators",
        "areas",
        "workstreams",
        "workstream_principles",
        "logic_model_items",
        "actions",
        "prize_projects",
    ]
    assert all(file == f"{name}.csv" for name, file in CATALOGUE_TABLES)


def test_read_catalogue_returns_every_table(catalogue):
    assert list(catalogue) == [name for name, _ in CATALOGUE_TABLES] + ["ethnic_groups", "demo_anchors"]


def _schema_columns() -> dict[str, list[tuple[str, bool]]]:
    """Each store table's columns as (name, has_default), in order, from a store the migrations built."""
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "schema.duckdb") as store:
        rows = (
            store.cursor()
            .execute(
                "SELECT table_name, column_name, column_default IS NOT NULL FROM information_schema.columns "
                "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
            )
            .fetchall()
        )
    tables: dict[str, list[tuple[str, bool]]] = {}
    for table, column, has_default in rows:
        tables.setdefault(table, []).append((column, bool(has_default)))
    return tables


@pytest.mark.parametrize("table,file_name", CATALOGUE_TABLES)
def test_csv_header_matches_schema_columns(table, file_name):
    with open(DATA_DIR / file_name, encoding="utf-8") as f:
        header = next(csv.reader(f))
    schema = _schema_columns()[table]
    # A column with a DEFAULT may be left out of the CSV (indicators.origin); nothing else may.
    expected = [name for name, has_default in schema if not (has_default and name not in header)]
    assert header == expected


def test_frames_carry_schema_types(catalogue):
    ind = catalogue["indicators"]
    assert ind["fingertips_id"].dtype == "Int64"
    assert ind["principle_id"].dtype == "int64"
    assert ind["decimals"].dtype == "int64"
    assert ind["multiplier"].dtype == "float64"
    assert ind["headline"].dtype == bool
    assert pd.api.types.is_string_dtype(ind["indicator_id"])
    assert catalogue["areas"]["is_comparator"].dtype == bool
    assert catalogue["prize_projects"]["principle_id"].dtype == "Int64"
    assert catalogue["logic_model_items"]["seq"].dtype == "int64"
    assert catalogue["ethnic_groups"]["population_2021"].dtype == "int64"
    assert catalogue["demo_anchors"]["england_start"].dtype == "float64"


def test_every_indicator_has_a_principle_polarity_and_unit(catalogue):
    ind = catalogue["indicators"]
    assert set(ind["principle_id"]) <= set(catalogue["principles"]["principle_id"])
    for column in ["polarity", "unit", "definition", "source", "value_type", "periodicity"]:
        assert ind[column].str.strip().ne("").all(), column


def test_every_principle_0_to_8_has_at_least_two_indicators(catalogue):
    counts = catalogue["indicators"].groupby("principle_id").size()
    assert list(catalogue["principles"]["principle_id"]) == list(range(9))
    assert all(counts.get(p, 0) >= 2 for p in range(9)), counts.to_dict()


def test_at_least_30_indicators(catalogue):
    assert len(catalogue["indicators"]) >= 30


def test_every_domain_fingertips_candidate_is_in_the_catalogue(catalogue):
    ids = set(catalogue["indicators"]["fingertips_id"].dropna().astype(int))
    assert DOMAIN_FINGERTIPS_IDS - ids == set()


def test_one_to_three_headline_indicators_per_principle(catalogue):
    headlines = catalogue["indicators"].groupby("principle_id")["headline"].sum()
    assert headlines.between(1, 3).all(), headlines.to_dict()


def test_life_expectancy_is_by_sex_not_persons(catalogue):
    ind = catalogue["indicators"].set_index("indicator_id")
    for fingertips_id in (90366, 90362, 92901):
        row = ind.loc[ind["fingertips_id"] == fingertips_id].iloc[0]
        assert row["sexes"] == "Male;Female"


def test_ethnic_groups_sum_to_luton_census_population(catalogue):
    groups = catalogue["ethnic_groups"]
    assert len(groups) == 19
    total = groups["population_2021"].sum()
    assert abs(total - LUTON_POPULATION_2021) / LUTON_POPULATION_2021 < 0.001
    share = groups.set_index("category")["population_2021"] / total * 100
    assert round(share["White British"], 1) == 31.8
    assert round(share["Pakistani"], 1) == 18.3
    assert round(share["Other White"], 1) == 10.9
    assert round(share["Bangladeshi"], 1) == 9.2


def test_demo_anchors_cover_every_indicator_and_sex_with_a_mix_of_gap_trends(catalogue):
    anchors = catalogue["demo_anchors"]
    expected = {
        (row.indicator_id, sex)
        for row in catalogue["indicators"].itertuples()
        for sex in row.sexes.split(";")
    }
    assert set(zip(anchors["indicator_id"], anchors["sex"], strict=True)) == expected
    shares = anchors["gap_trend"].value_counts(normalize=True)
    assert set(shares.index) == {"narrowing", "widening", "stable"}
    assert shares.between(0.2, 0.45).all(), shares.to_dict()
    le = anchors.set_index(["indicator_id", "sex"]).loc[("le_birth", "Male")]
    assert (le["luton_end"], le["england_end"]) == (78.1, 78.6)  # DOMAIN.md published figures


def test_areas_place_luton_and_comparators_in_their_regions(catalogue):
    areas = catalogue["areas"].set_index("area_code")
    assert areas.loc["E06000032", "parent_code"] == "E12000006"
    assert set(areas.index[areas["is_comparator"]]) == {
        "E06000055",
        "E06000056",
        "E06000031",
        "E06000039",
        "E06000042",
    }
    assert areas.loc["E06000039", "parent_code"] == "E12000008"
    assert areas.loc["E06000042", "parent_code"] == "E12000008"
    assert not (areas["area_type"] == "ward").any()


def test_workstreams_follow_domain_and_invent_nothing(catalogue):
    ws = catalogue["workstreams"].set_index("workstream_id")
    assert len(ws) == 5
    assert set(ws.loc[ws["status"] == "in progress", "name"]) == {"Health and Built Environment", "Net Zero"}
    assert ws["chair_organisation"].isna().all()
    assert catalogue["prize_projects"].empty
    assert len(catalogue["actions"]) == 5
    assert catalogue["actions"]["workstream_id"].eq("employment_skills_work").all()


# -- error messages: each names the file, the spreadsheet row and the column ---------------------


def _copy(tmp_path: Path) -> Path:
    for file_name in FILE_NAMES.values():
        shutil.copy(DATA_DIR / file_name, tmp_path / file_name)
    return tmp_path


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _write(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def _row_of(path: Path, column: str, value: str) -> int:
    """The spreadsheet row (header = 1) of the first data row whose `column` equals `value`."""
    rows = _rows(path)
    j = rows[0].index(column)
    return next(i + 1 for i, r in enumerate(rows) if i > 0 and r[j] == value)


def _set(path: Path, row: int, column: str, value: str) -> None:
    rows = _rows(path)
    rows[row - 1][rows[0].index(column)] = value
    _write(path, rows)


def _indicator_row(data: Path, indicator_id: str) -> int:
    return _row_of(data / "indicators.csv", "indicator_id", indicator_id)


def _unknown_principle(d):
    row = _indicator_row(d, "hle_birth")
    _set(d / "indicators.csv", row, "principle_id", "12")
    return "indicators.csv", row, "principle_id", "12 is not one of 0 (overarching) to 8"


def _duplicate_indicator(d):
    row = _indicator_row(d, "le_65")
    _set(d / "indicators.csv", row, "indicator_id", "le_birth")
    return "indicators.csv", row, "indicator_id", "duplicate indicator_id 'le_birth' (first seen in row 2)"


def _missing_unit(d):
    row = _indicator_row(d, "infant_mortality")
    _set(d / "indicators.csv", row, "unit", "  ")
    return "indicators.csv", row, "unit", "a value is required"


def _missing_definition(d):
    row = _indicator_row(d, "attainment8")
    _set(d / "indicators.csv", row, "definition", "")
    return "indicators.csv", row, "definition", "a value is required"


def _missing_polarity(d):
    row = _indicator_row(d, "smoking_adults")
    _set(d / "indicators.csv", row, "polarity", "")
    return "indicators.csv", row, "polarity", "a value is required"


def _bad_value_type(d):
    row = _indicator_row(d, "fuel_poverty")
    _set(d / "indicators.csv", row, "value_type", "percentage")
    return "indicators.csv", row, "value_type", "'percentage' is not one of 'proportion'"


def _bad_polarity(d):
    row = _indicator_row(d, "unemployment")
    _set(d / "indicators.csv", row, "polarity", "higher is better")
    return "indicators.csv", row, "polarity", "'higher is better' is not one of"


def _bad_periodicity(d):
    row = _indicator_row(d, "pm25_mortality")
    _set(d / "indicators.csv", row, "periodicity", "monthly")
    return "indicators.csv", row, "periodicity", "'monthly' is not one of"


def _bad_sexes(d):
    row = _indicator_row(d, "le_birth")
    _set(d / "indicators.csv", row, "sexes", "Men;Women")
    return "indicators.csv", row, "sexes", "must list Persons, Male and/or Female"


def _bad_integer(d):
    row = _indicator_row(d, "loneliness")
    _set(d / "indicators.csv", row, "decimals", "one")
    return "indicators.csv", row, "decimals", "'one' is not a whole number"


def _bad_boolean(d):
    row = _indicator_row(d, "overweight_adults")
    _set(d / "indicators.csv", row, "headline", "maybe")
    return "indicators.csv", row, "headline", "'maybe' is not true or false"


def _unit_multiplier_mismatch(d):
    row = _indicator_row(d, "school_readiness")
    _set(d / "indicators.csv", row, "multiplier", "1")
    return "indicators.csv", row, "multiplier", "unit '%' needs multiplier 100, not 1"


def _missing_header_column(d):
    rows = _rows(d / "indicators.csv")
    j = rows[0].index("polarity")
    _write(d / "indicators.csv", [r[:j] + r[j + 1 :] for r in rows])
    return "indicators.csv", 1, "polarity", "this column is missing from the header"


def _principle_without_indicator(d):
    rows = _rows(d / "indicators.csv")
    j = rows[0].index("principle_id")
    _write(
        d / "indicators.csv",
        [rows[0]] + [r[:j] + ["6" if r[j] == "7" else r[j]] + r[j + 1 :] for r in rows[1:]],
    )
    row = _row_of(d / "principles.csv", "principle_id", "7")
    return "principles.csv", row, "principle_id", "principle 7 (Racism and discrimination) has no indicator"


def _anchor_for_unknown_indicator(d):
    row = _row_of(d / "demo_anchors.csv", "indicator_id", "smoking_adults")
    _set(d / "demo_anchors.csv", row, "indicator_id", "smoking_kids")
    return "demo_anchors.csv", row, "indicator_id", "unknown indicator 'smoking_kids'"


def _missing_anchor_for_a_sex(d):
    rows = _rows(d / "demo_anchors.csv")
    _write(d / "demo_anchors.csv", [r for r in rows if r[:2] != ["hle_birth", "Female"]])
    row = _indicator_row(d, "hle_birth")
    return "demo_anchors.csv", None, "sex", f"sex 'Female' (indicators.csv, row {row}"


def _anchor_sex_not_listed(d):
    row = _row_of(d / "demo_anchors.csv", "indicator_id", "infant_mortality")
    _set(d / "demo_anchors.csv", row, "sex", "Male")
    return "demo_anchors.csv", row, "sex", "'Male' is not among the sexes of indicator 'infant_mortality'"


def _duplicate_anchor(d):
    rows = _rows(d / "demo_anchors.csv")
    _write(d / "demo_anchors.csv", rows + [rows[5]])
    return "demo_anchors.csv", len(rows) + 1, "sex", "duplicate anchor"


def _ethnic_spread_out_of_range(d):
    row = _row_of(d / "demo_anchors.csv", "indicator_id", "unemployment")
    _set(d / "demo_anchors.csv", row, "ethnic_spread", "1.5")
    return "demo_anchors.csv", row, "ethnic_spread", "1.5 must be between 0 and 1"


def _unknown_workstream_in_link(d):
    row = _row_of(d / "workstream_principles.csv", "workstream_id", "net_zero")
    _set(d / "workstream_principles.csv", row, "workstream_id", "net_zero_2030")
    return "workstream_principles.csv", row, "workstream_id", "unknown workstream 'net_zero_2030'"


def _unknown_principle_in_link(d):
    row = _row_of(d / "workstream_principles.csv", "workstream_id", "housing_health")
    _set(d / "workstream_principles.csv", row, "principle_id", "9")
    return "workstream_principles.csv", row, "principle_id", "unknown principle_id '9'"


def _unknown_workstream_in_action(d):
    _set(d / "actions.csv", 3, "workstream_id", "employment")
    return "actions.csv", 3, "workstream_id", "unknown workstream 'employment'"


def _bad_logic_model_stage(d):
    _set(d / "logic_model_items.csv", 2, "stage", "resources")
    return "logic_model_items.csv", 2, "stage", "'resources' is not one of 'inputs'"


def _unknown_parent_area(d):
    row = _row_of(d / "areas.csv", "area_code", "E06000039")
    _set(d / "areas.csv", row, "parent_code", "E12000099")
    return "areas.csv", row, "parent_code", "unknown parent area 'E12000099'"


def _bad_broad_ethnic_group(d):
    row = _row_of(d / "ethnic_groups.csv", "category", "Arab")
    _set(d / "ethnic_groups.csv", row, "broad_group", "Middle Eastern")
    return "ethnic_groups.csv", row, "broad_group", "'Middle Eastern' is not one of"


ERROR_CASES = [
    _unknown_principle,
    _duplicate_indicator,
    _missing_unit,
    _missing_definition,
    _missing_polarity,
    _bad_value_type,
    _bad_polarity,
    _bad_periodicity,
    _bad_sexes,
    _bad_integer,
    _bad_boolean,
    _unit_multiplier_mismatch,
    _missing_header_column,
    _principle_without_indicator,
    _anchor_for_unknown_indicator,
    _missing_anchor_for_a_sex,
    _anchor_sex_not_listed,
    _duplicate_anchor,
    _ethnic_spread_out_of_range,
    _unknown_workstream_in_link,
    _unknown_principle_in_link,
    _unknown_workstream_in_action,
    _bad_logic_model_stage,
    _unknown_parent_area,
    _bad_broad_ethnic_group,
]


@pytest.mark.parametrize("break_it", ERROR_CASES, ids=lambda f: f.__name__.strip("_"))
def test_error_names_file_row_and_column(tmp_path, break_it):
    data = _copy(tmp_path)
    read_catalogue(data)  # the untouched copy is valid, so the error below is the edit's
    file_name, row, column, phrase = break_it(data)
    with pytest.raises(ValueError) as caught:
        read_catalogue(data)
    message = str(caught.value)
    where = file_name if row is None else f"{file_name}, row {row}"
    assert message.startswith(f"{where}, column '{column}': "), message
    assert phrase in message, message


def test_missing_anchor_message_names_the_indicator_row(tmp_path):
    data = _copy(tmp_path)
    rows = _rows(data / "demo_anchors.csv")
    _write(data / "demo_anchors.csv", [r for r in rows if r[:2] != ["le_birth", "Male"]])
    with pytest.raises(ValueError, match=r"indicators\.csv, row 2, lists sexes 'Male;Female'"):
        read_catalogue(data)


def test_validate_catalogue_checks_frames_built_elsewhere(catalogue):
    frames = {name: frame.copy() for name, frame in catalogue.items()}
    frames["indicators"].loc[3, "polarity"] = "up is good"
    with pytest.raises(ValueError, match=r"^indicators\.csv, row 5, column 'polarity': 'up is good'"):
        validate_catalogue(frames)
    del frames["demo_anchors"]
    with pytest.raises(ValueError, match="demo_anchors.csv"):
        validate_catalogue(frames)


def test_missing_file_is_named(tmp_path):
    data = _copy(tmp_path)
    (data / "workstreams.csv").unlink()
    with pytest.raises(ValueError, match=r"^workstreams\.csv: file not found"):
        read_catalogue(data)


def test_catalogue_saved_from_excel_with_a_byte_order_mark_still_reads(tmp_path):
    data = _copy(tmp_path)
    path = data / "principles.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert list(read_catalogue(data)["principles"]["principle_id"]) == list(range(9))
