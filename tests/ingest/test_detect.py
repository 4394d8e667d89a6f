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
