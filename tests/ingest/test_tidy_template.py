"""The het tidy template: blank and example downloads, and reading tidy files (CSV and .xlsx)."""

from __future__ import annotations

import csv
import io

from het.ingest.read import read_extract
from het.ingest.tidy import TEMPLATE_COLUMNS, tidy_example_csv, tidy_template_csv
from het.loads import load_extract


def test_blank_template_is_the_header_only(catalogue):
    content = tidy_template_csv()
    assert content.decode() == ",".join(TEMPLATE_COLUMNS) + "\n"
    parsed = read_extract(
        format="het_tidy",
        content=content,
        file_name="template.csv",
        indicators=catalogue.indicators,
        areas=catalogue.areas,
    )
    assert [str(p) for p in parsed.problems.errors] == [
        "template.csv, row 1: the file has a header but no data rows"
    ]


def test_example_uses_real_catalogue_indicators_and_areas_and_loads(store, catalogue):
    content = tidy_example_csv(catalogue.areas)
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    assert set(r["indicator_id"] for r in rows) <= set(catalogue.indicators["indicator_id"])
    assert set(r["area_code"] for r in rows) <= set(catalogue.areas["area_code"])
    parsed = read_extract(
        content, file_name="example.csv", indicators=catalogue.indicators, areas=catalogue.areas
    )
    assert parsed.format == "het_tidy"
    assert not parsed.problems.items, parsed.problems.items
    assert len(parsed.observations) == len(rows)
    result = load_extract(store, parsed, loaded_by="test", source_kind="upload")
    assert result.rows_new == len(rows)


def test_tidy_from_a_workbook_with_extra_columns_kept(catalogue):
    from ingest_files import xlsx_bytes

    header = [
        "indicator_id",
        "area_code",
        "period",
        "sex",
        "age",
        "breakdown",
        "category",
        "value",
        "Source table",
    ]
    content = xlsx_bytes(
        {
            "Data": [
                header,
                ["smoking_adults", "E06000032", 2023, "Persons", "18+ yrs", "total", None, 14.9, "APS 2023"],
            ]
        }
    )
    parsed = read_extract(
        content, file_name="tidy.xlsx", indicators=catalogue.indicators, areas=catalogue.areas
    )
    assert not parsed.problems.items
    row = parsed.observations.iloc[0]
    assert (row["period_label"], row["period_sort"], row["value"]) == ("2023", 20230000, 14.9)
    assert row["extra"] == '{"Source table": "APS 2023"}'


def test_unknown_tidy_indicator_is_listed_once(catalogue):
    header = "indicator_id,area_code,period,sex,age,breakdown,category,value\n"
    rows = "".join(f"made_up,E06000032,{2015 + i},Persons,All ages,total,,{i}\n" for i in range(3))
    parsed = read_extract(
        format="het_tidy",
        content=(header + rows).encode(),
        file_name="t.csv",
        indicators=catalogue.indicators,
        areas=catalogue.areas,
    )
    assert [str(p) for p in parsed.problems.errors] == [
        "t.csv, row 2, column 'indicator_id': indicator 'made_up' is not in the catalogue (3 rows): map it to a "
        "catalogue indicator or add it as a local indicator"
    ]
    assert parsed.unknown_indicators[["source_key", "rows", "first_row"]].values.tolist() == [
        ["made_up", 3, 2]
    ]
