"""Format detection from the header (and the bytes), with the analyst's override."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from ingest_files import csv_bytes, fingertips_csv, ft_row, xlsx_bytes

from het.ingest.read import detect_format, read_extract
from het.ingest.tidy import tidy_example_csv

# Three wards of one ward set in force from May 2023: enough for the filled tidy example.
AREAS = pd.DataFrame(
    {
        "area_code": ["E05014735", "E05014736", "E05014737"],
        "area_type": "ward",
        "vintage": "WD23",
        "parent_code": "E06000032",
        "in_force_from": [date(2023, 5, 4)] * 3,
        "in_force_until": [None] * 3,
    }
)


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (fingertips_csv([ft_row()]), "export.csv", "fingertips"),
        (fingertips_csv([ft_row()], delimiter=";"), "export.csv", "fingertips"),
        (tidy_example_csv(AREAS), "tidy.csv", "het_tidy"),
        (csv_bytes([["measure", "baseline", "latest", "target", "period", "owner"]]), "kpi.csv", "kpi"),
        (csv_bytes([["Ward name", "smoking_adults"]]), "wards.csv", "ward_wide"),
        (xlsx_bytes({"S": [["WD23CD", "smoking_adults"], ["E05014735", 1]]}), "wards.xlsx", "ward_wide"),
        (xlsx_bytes({"S": [["WD23CD", "smoking_adults"], ["E05014735", 1]]}), "misnamed.csv", "ward_wide"),
        (csv_bytes([["colour", "size"]]), "other.csv", None),
    ],
)
def test_formats_are_told_apart_by_their_header(content, name, expected):
    detected = detect_format(content, file_name=name)
    assert detected.format == expected
    assert detected.reason


def test_the_analyst_can_override_the_format(catalogue):
    content = csv_bytes([["ward code", "measure", "latest"], ["E05014735", "x", "1"]])
    assert detect_format(content, file_name="f.csv").format == "kpi"
    parsed = read_extract(
        content,
        file_name="f.csv",
        indicators=catalogue.indicators,
        areas=catalogue.areas,
        format="ward_wide",
        ward_set="WD23",
        period="2024",
    )
    assert parsed.format == "ward_wide"
    assert parsed.notes[0] == "read as ward_wide (chosen)"
    assert [p.column for p in parsed.problems.errors] == [
        "measure",
        "latest",
    ]  # not indicators: map or ignore


def test_a_tidy_file_with_a_misnamed_column_is_read_as_tidy_and_told_what_is_missing(catalogue):
    """period_label for period: the file is het tidy with a column wrong, not a wide ward table whose
    indicators are called 'sex' and 'age' (what an area_code column alone would make of it)."""
    header = ["indicator_id", "area_code", "period_label", "sex", "age", "breakdown", "category", "value"]
    content = csv_bytes(
        [header, ["le_birth", "E06000032", "2020 - 22", "Persons", "All ages", "Total", "", "80"]]
    )
    detected = detect_format(content, file_name="tidy_typo.csv")
    assert detected.format == "het_tidy"
    assert "missing: period" in detected.reason
    parsed = read_extract(
        content, file_name="tidy_typo.csv", indicators=catalogue.indicators, areas=catalogue.areas
    )
    assert parsed.format == "het_tidy"
    messages = [p.message for p in parsed.problems.errors]
    assert any("period" in m and "missing" in m.lower() for m in messages), messages
    assert not any("is not an indicator in the catalogue" in m for m in messages), messages
    # Three tidy-looking columns are not enough: a ward table may have an area code and values.
    wide = csv_bytes([["area_code", "indicator_id", "value"], ["E05014735", "x", "1"]])
    assert detect_format(wide, file_name="wards.csv").format != "het_tidy"
