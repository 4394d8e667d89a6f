"""Wide ward tables (JSNA style): wards by code or name within one ward set, periods, limits, mapping."""

from __future__ import annotations

import json

import pytest
from ingest_files import csv_bytes, xlsx_bytes

from het.ingest.indicators import apply_indicator_mapping, unknown_indicators
from het.ingest.read import read_extract
from het.loads import load_extract


def read(content: bytes, catalogue, name: str = "wards.csv", **options):
    return read_extract(
        content, file_name=name, indicators=catalogue.indicators, areas=catalogue.areas, **options
    )


def test_codes_with_limits_and_a_period_column(catalogue, store):
    content = csv_bytes(
        [
            [
                "Ward code",
                "Ward name",
                "Period",
                "smoking_adults",
                "smoking_adults lower",
                "smoking_adults upper",
                "92443 note",
            ],
            ["E05014735", "Barnfield", "2024", "15.2", "12.0", "18.5", ""],
            ["E05014736", "Beech Hill", "2024", "*", "", "", ""],
            ["E05014737", "Biscot", "2024", "", "", "", ""],
        ]
    )
    parsed = read(content, catalogue, ward_set="WD23", indicator_mapping={"92443 note": None})
    assert parsed.format == "ward_wide" and not parsed.problems.errors
    assert [p.message for p in parsed.problems.warnings] == [
        "column(s) 92443 note ignored at the analyst's request (mapped to no indicator)",
        "1 blank cell was not loaded (no value in the table)",
    ]
    obs = parsed.observations
    assert obs[
        ["area_code", "indicator_id", "period_label", "period_sort", "sex", "age", "breakdown"]
    ].values.tolist() == [
        ["E05014735", "smoking_adults", "2024", 20240000, "Persons", "18+ yrs", "total"],
        ["E05014736", "smoking_adults", "2024", 20240000, "Persons", "18+ yrs", "total"],
    ]
    assert obs["value"].tolist()[0] == 15.2 and obs["value"].isna().tolist()[1]
    assert (obs["lower_ci95"].iloc[0], obs["upper_ci95"].iloc[0]) == (12.0, 18.5)
    assert obs["value_note"].tolist()[1] == "suppressed in source: *"
    assert json.loads(obs["extra"].iloc[0]) == {"Column": "smoking_adults", "Ward name": "Barnfield"}
    assert obs["source_row"].tolist() == [2, 3]
    assert parsed.rows_read == 2
    result = load_extract(store, parsed, loaded_by="test", source_kind="upload")
    assert result.rows_loaded == 2


def test_names_from_a_workbook_with_the_period_in_the_sheet_name(catalogue):
    content = xlsx_bytes(
        {
            "2019": [
                ["Ward", "Adult smoking", "Unemployment (model-based)"],
                ["barnfield", 61.2, 70.1],
                ["Round  Green", 63.0, 68.4],
                ["High Town", 58.9, 72.0],
            ]
        }
    )
    parsed = read(content, catalogue, "jsna.xlsx", ward_set="WD13")
    assert not parsed.problems.errors, parsed.problems.errors
    assert [str(p) for p in parsed.problems.warnings] == [
        "jsna.xlsx, sheet '2019': the period was taken from the sheet name '2019'"
    ]
    obs = parsed.observations
    assert set(obs["indicator_id"]) == {"smoking_adults", "unemployment"}
    assert obs.loc[obs["indicator_id"] == "smoking_adults", "area_code"].tolist() == [
        "E05002193",
        "E05002206",
        "E05002200",
    ]
    assert set(obs["period_sort"]) == {20190000}


def test_names_are_matched_within_the_chosen_ward_set_only(catalogue):
    content = csv_bytes([["ward name", "smoking_adults"], ["Icknield", "15"], ["Poets", "17"]])
    parsed = read(content, catalogue, ward_set="WD13", period="2019")
    messages = [str(p) for p in parsed.problems.errors]
    assert messages[0] == "wards.csv, row 3, column 'ward name': 'Poets' is not a WD13 ward name"
    assert messages[1].startswith(
        "wards.csv, column 'ward name': 1 ward name did not match a WD13 ward: Poets. The WD13 wards are: Barnfield, Biscot"
    )


def test_a_code_from_the_other_ward_set_is_refused(catalogue):
    content = csv_bytes([["ward code", "smoking_adults"], ["E05002193", "15"]])
    parsed = read(content, catalogue, ward_set="WD23", period="2024")
    assert [str(p) for p in parsed.problems.errors] == [
        "wards.csv, row 2, column 'ward code': ward E05002193 is in ward set WD13, not WD23 (the ward set chosen for this table)"
    ]


def test_a_name_that_disagrees_with_its_code_is_a_warning(catalogue):
    content = csv_bytes([["ward code", "ward name", "smoking_adults"], ["E05014735", "Biscot", "15"]])
    parsed = read(content, catalogue, ward_set="WD23", period="2024")
    assert not parsed.problems.errors
    assert [str(p) for p in parsed.problems.warnings] == [
        "wards.csv, row 2, column 'ward name': 'Biscot' is not the name of ward E05014735; the code was used"
    ]


def test_unknown_columns_are_listed_then_mapped(catalogue):
    content = csv_bytes([["ward code", "Smokers %", "Notes"], ["E05014735", "15", "estimate"]])
    parsed = read(content, catalogue, ward_set="WD23", period="2024")
    assert unknown_indicators(parsed)["source_key"].tolist() == ["Smokers %", "Notes"]
    assert str(parsed.problems.errors[0]) == (
        "wards.csv, row 1, column 'Smokers %': column 'Smokers %' is not an indicator in the catalogue (1 value): "
        "map it to a catalogue indicator, add it as a local indicator, or map it to nothing to ignore it"
    )
    mapped = apply_indicator_mapping(
        parsed,
        {"Smokers %": "smoking_adults", "Notes": None},
        indicators=catalogue.indicators,
        areas=catalogue.areas,
    )
    assert not mapped.problems.errors
    assert mapped.observations[["indicator_id", "value"]].values.tolist() == [["smoking_adults", 15.0]]


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2024", None),
        ("2022", "the ward set WD23 does not match the period given '2022'"),
        ("soon", "the period given: cannot read period 'soon'"),
    ],
)
def test_the_period_given_must_read_and_fit_the_ward_set(catalogue, period, expected):
    parsed = read(
        csv_bytes([["ward code", "smoking_adults"], ["E05014735", "15"]]),
        catalogue,
        ward_set="WD23",
        period=period,
    )
    messages = [p.message for p in parsed.problems.errors]
    if expected is None:
        assert messages == []
    else:
        assert len(messages) == 1 and messages[0].startswith(expected)


def test_a_period_column_wins_over_the_period_given(catalogue):
    content = csv_bytes([["ward code", "period", "smoking_adults"], ["E05014735", "2024", "15"]])
    parsed = read(content, catalogue, ward_set="WD23", period="2023")
    assert parsed.observations["period_label"].tolist() == ["2024"]
    assert [p.message for p in parsed.problems.warnings] == [
        "the table's 'period' column was used, not the period given (2023)"
    ]
