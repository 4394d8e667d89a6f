"""A corpus of bad extract files, one per problem: each is refused with a message naming file, sheet,
row and column, and committing it writes nothing (the store's content checksum is unchanged)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from ingest_files import (
    FT_OLD,
    csv_bytes,
    fingertips_csv,
    ft_row,
    xlsx_bytes,
)

from het.ingest.problems import ExtractRejected
from het.ingest.read import read_extract
from het.loads import load_extract

TIDY_HEADER = [
    "indicator_id",
    "area_code",
    "period",
    "sex",
    "age",
    "breakdown",
    "category",
    "value",
    "count",
    "denominator",
]
KPI_HEADER = ["measure", "baseline", "latest", "target", "period", "owner", "polarity"]


@dataclass(frozen=True)
class Bad:
    name: str  # the file name, and the test id
    content: bytes
    expected: str  # the whole message, as str(Problem) prints it
    options: dict = field(default_factory=dict)


def tidy(*rows: list) -> bytes:
    return csv_bytes([TIDY_HEADER, *rows])


def without(column: str) -> list[str]:
    return [c for c in FT_OLD if c != column]


CORPUS = [
    Bad("empty.csv", b"", "empty.csv: the file is empty"),
    Bad("blank.csv", b"\r\n \r\n", "blank.csv: the file is empty"),
    Bad(
        "header_only.csv",
        fingertips_csv([]),
        "header_only.csv, row 1: the file has a header but no data rows",
    ),
    Bad(
        "no_value_column.csv",
        fingertips_csv([ft_row()], header=without("Value")),
        "no_value_column.csv, row 1, column 'Value': required Fingertips column 'Value' is missing; the header has",
    ),
    Bad(
        "bad_number.csv",
        fingertips_csv(
            [
                ft_row(),
                ft_row(**{"Time period": "2023", "Time period Sortable": "20230000", "Value": "about 12"}),
            ]
        ),
        "bad_number.csv, row 3, column 'Value': 'about 12' is not a number",
    ),
    Bad(
        "decimal_comma.csv",
        fingertips_csv([ft_row(Value="15,2")], delimiter=";"),
        "decimal_comma.csv, row 2, column 'Value': '15,2' is not a number",
    ),
    Bad(
        "lower_above_value.csv",
        fingertips_csv([ft_row(**{"Lower CI 95.0 limit": "16.0"})]),
        "lower_above_value.csv, row 2, column 'Lower CI 95.0 limit': lower 95% limit 16 is above the value 15.2",
    ),
    Bad(
        "value_above_upper.csv",
        fingertips_csv([ft_row(**{"Upper CI 95.0 limit": "14"})]),
        "value_above_upper.csv, row 2, column 'Upper CI 95.0 limit': upper 95% limit 14 is below the value 15.2",
    ),
    Bad(
        "proportion_over_100.csv",
        fingertips_csv([ft_row(Value="120", **{"Lower CI 95.0 limit": "", "Upper CI 95.0 limit": ""})]),
        "proportion_over_100.csv, row 2, column 'Value': 120 is outside 0 to 100 for a proportion "
        "(indicator smoking_adults)",
    ),
    Bad(
        "count_over_denominator.csv",
        fingertips_csv([ft_row(Count="500", Denominator="400")]),
        "count_over_denominator.csv, row 2, column 'Count': count 500 is larger than the denominator 400",
    ),
    Bad(
        "negative_denominator.csv",
        tidy(["smoking_adults", "E06000032", "2022", "Persons", "18+ yrs", "total", "", "15.2", "3", "-20"]),
        "negative_denominator.csv, row 2, column 'denominator': -20 is negative",
    ),
    Bad(
        "duplicate_rows.csv",
        fingertips_csv([ft_row(), ft_row(Value="15.3")]),
        "duplicate_rows.csv, row 3, column 'Indicator ID': duplicates an earlier row with the same indicator, "
        "area, period, sex, age and breakdown (row 2)",
    ),
    Bad(
        "unknown_ward.csv",
        fingertips_csv([ft_row(**{"Area Code": "E05099999", "Area Name": "Nowhere", "Area Type": "Ward"})]),
        "unknown_ward.csv, row 2, column 'Area Code': unknown area code 'E05099999' (Area Type 'Ward'): "
        "het does not know this area",
    ),
    Bad(
        "unknown_area_tidy.csv",
        tidy(["smoking_adults", "E06099999", "2022", "Persons", "18+ yrs", "total", "", "15.2", "", ""]),
        "unknown_area_tidy.csv, row 2, column 'area_code': unknown area code 'E06099999'",
    ),
    Bad(
        "wd23_before_may_2023.csv",
        fingertips_csv(
            [
                ft_row(
                    **{
                        "Area Code": "E05014735",
                        "Area Type": "Ward",
                        "Time period": "2019",
                        "Time period Sortable": "20190000",
                    }
                )
            ]
        ),
        "wd23_before_may_2023.csv, row 2, column 'Area Code': ward E05014735 belongs to ward set WD23, but "
        "period '2019' falls under WD13 (the authority's wards changed on 4 May 2023)",
    ),
    Bad(
        "wd13_after_may_2023.csv",
        tidy(["smoking_adults", "E05002193", "2024", "Persons", "18+ yrs", "total", "", "15.2", "", ""]),
        "wd13_after_may_2023.csv, row 2, column 'area_code': ward E05002193 belongs to ward set WD13, but "
        "period '2024' falls under WD23 (the authority's wards changed on 4 May 2023)",
    ),
    Bad(
        "unreadable_period.csv",
        fingertips_csv([ft_row(**{"Time period": "sometime", "Time period Sortable": ""})]),
        "unreadable_period.csv, row 2, column 'Time period': cannot read period 'sometime', and its Time period "
        "Sortable is empty",
    ),
    Bad(
        "unreadable_period_tidy.csv",
        tidy(
            ["smoking_adults", "E06000032", "Spring 2019", "Persons", "18+ yrs", "total", "", "15.2", "", ""]
        ),
        "unreadable_period_tidy.csv, row 2, column 'period': cannot read period 'Spring 2019': expected e.g. "
        "2019, 2019/20 or 2017 - 19",
    ),
    Bad(
        "kpi_bad_date.csv",
        csv_bytes(
            [
                KPI_HEADER,
                ["Smoking in pregnancy", "12", "10", "6", "31/02/2024", "Public health", "low is good"],
            ]
        ),
        "kpi_bad_date.csv, row 2, column 'period': '31/02/2024' is not a real date",
    ),
    Bad(
        "kpi_bad_polarity.csv",
        csv_bytes(
            [KPI_HEADER, ["Smoking in pregnancy", "12", "10", "6", "2023/24", "Public health", "sideways"]]
        ),
        "kpi_bad_polarity.csv, row 2, column 'polarity': 'sideways' is not one of high is good, low is good, "
        "no judgement",
    ),
    Bad(
        "two_sheets.xlsx",
        xlsx_bytes(
            {
                "2022": [["ward code", "smoking_adults"], ["E05002193", 15]],
                "2023": [["ward code", "smoking_adults"], ["E05014735", 14]],
            }
        ),
        "two_sheets.xlsx: the workbook has 2 sheets with data ('2022', '2023'); choose the sheet to read "
        "(sheets: '2022', '2023')",
        {"ward_set": "WD13"},
    ),
    Bad(
        "merged_header.xlsx",
        xlsx_bytes(
            {"Wards": [["ward code", "Smoking", None], [None, "value", "lower"], ["E05002193", 15, 12]]},
            merged={"Wards": ["B1:C1"]},
        ),
        "merged_header.xlsx, sheet 'Wards', row 1: the header row has merged cells (B1:C1): het needs a single "
        "header row with a name in every column",
        {"ward_set": "WD13", "period": "2019"},
    ),
    Bad(
        "two_row_header.csv",
        csv_bytes([["ward code", "Smoking", ""], ["", "value", "lower"], ["E05002193", "15", "12"]]),
        "two_row_header.csv, row 1: rows 1 and 2 look like a two-row (merged) header: column(s) C have no name "
        "in the header row but a name below it",
        {"ward_set": "WD13", "period": "2019"},
    ),
    Bad(
        "formula.xlsx",
        xlsx_bytes(
            {"2019": [["ward code", "smoking_adults", "Smoking doubled"], ["E05002193", 15, "=B2*2"]]}
        ),
        "formula.xlsx, sheet '2019', row 2, column 'Smoking doubled': formula in C2 (=B2*2) has no cached value: open the file in Excel, "
        "save it and upload again, or paste the values",
        {"ward_set": "WD13"},
    ),
    Bad(
        "too_big.csv",
        fingertips_csv([ft_row()] * 20),
        "too_big.csv: the file is 4.6 KB; the upload limit is 1.0 KB (set HET_MAX_UPLOAD_MB to change it)",
        {"max_bytes": 1024},
    ),
    Bad(
        "renamed.xlsx",
        b"indicator_id,area_code\nsmoking_adults,E06000032\n",
        "renamed.xlsx: the file is named like an Excel workbook but is not one (.xlsx)",
    ),
    Bad(
        "not_text.csv",
        b"indicator_id,area_code\n" + bytes(range(0, 40)),
        "not_text.csv: this is not a text file (it holds binary data): upload a CSV or an .xlsx file",
    ),
    Bad(
        "bad_encoding.csv",
        fingertips_csv([ft_row()]) + "93356,Bad byte \x81 here\r\n".encode("latin-1"),
        "bad_encoding.csv, row 3: the file is neither UTF-8 nor Windows-1252 text: byte 0x81 on line 3 cannot "
        "be read; save it as CSV UTF-8 and upload again",
    ),
    Bad(
        "old_excel.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
        "old_excel.xls: this is an old binary Excel file (.xls): save it as .xlsx or as CSV UTF-8 and upload that",
    ),
    Bad(
        "unknown_indicator.csv",
        fingertips_csv([ft_row(**{"Indicator ID": "99999", "Indicator Name": "Mystery rate"})]),
        "unknown_indicator.csv, row 2, column 'Indicator ID': indicator '99999' (Mystery rate) is not in the "
        "catalogue (1 row): map it to a catalogue indicator or add it as a local indicator",
    ),
    Bad(
        "bad_sex.csv",
        fingertips_csv([ft_row(Sex="Both")]),
        "bad_sex.csv, row 2, column 'Sex': sex 'Both' is not one of Persons, Male, Female (or Not applicable)",
    ),
    Bad(
        "long_row.csv",
        fingertips_csv([ft_row()])
        + b"92443,x,,,E06000032,Luton,County & UA,Persons,18+ yrs,,,2023,1,2,3,,,,,,,,,20230000,,,surplus\r\n",
        "long_row.csv, row 3: this row has 27 fields but the header has 26 (an unquoted ',' inside a value?)",
    ),
    Bad(
        "duplicate_header.csv",
        csv_bytes(
            [
                [*TIDY_HEADER, "value"],
                [
                    "smoking_adults",
                    "E06000032",
                    "2022",
                    "Persons",
                    "18+ yrs",
                    "total",
                    "",
                    "15",
                    "",
                    "",
                    "16",
                ],
            ]
        ),
        "duplicate_header.csv, row 1, column 'value': the header names 'value' twice (columns H and K)",
    ),
    Bad(
        "ward_names.csv",
        csv_bytes([["ward", "smoking_adults"], ["Barnfield", "15"], ["Crawley", "17"], ["High Town", "16"]]),
        "ward_names.csv, row 3, column 'ward': 'Crawley' is not a WD23 ward name",
        {"ward_set": "WD23", "period": "2024"},
    ),
    Bad(
        "no_ward_set.csv",
        csv_bytes([["ward code", "smoking_adults"], ["E05014735", "15"]]),
        "no_ward_set.csv: say which ward set the table is on: WD13 (19 wards, until 4 May 2023); WD23 (20 wards, "
        "from 4 May 2023)",
        {"period": "2024"},
    ),
    Bad(
        "ward_set_vs_period.csv",
        csv_bytes([["ward code", "smoking_adults"], ["E05014735", "15"]]),
        "ward_set_vs_period.csv: the ward set WD23 does not match the period given '2019': data for that period "
        "are on WD13 (the authority's wards changed on 4 May 2023)",
        {"ward_set": "WD23", "period": "2019"},
    ),
    Bad(
        "wrong_format.csv",
        tidy(["smoking_adults", "E06000032", "2022", "Persons", "18+ yrs", "total", "", "15.2", "", ""]),
        "wrong_format.csv, row 1, column 'Indicator ID': required Fingertips column 'Indicator ID' is missing",
        {"format": "fingertips"},
    ),
    Bad(
        "no_format.csv",
        csv_bytes([["colour", "size"], ["red", "2"]]),
        "no_format.csv, row 1: the header matches none of the formats",
    ),
]


@pytest.mark.parametrize("bad", CORPUS, ids=[b.name for b in CORPUS])
def test_bad_file_is_refused_with_a_located_message_and_writes_nothing(bad: Bad, store, catalogue):
    parsed = read_extract(
        bad.content,
        file_name=bad.name,
        indicators=catalogue.indicators,
        areas=catalogue.areas,
        workstreams=catalogue.workstreams,
        **bad.options,
    )
    messages = [str(p) for p in parsed.problems.errors]
    assert any(m.startswith(bad.expected) for m in messages), "\n".join(messages)
    before = store.content_checksum()
    with pytest.raises(ExtractRejected) as refused:
        load_extract(store, parsed, loaded_by="test", source_kind="cli")
    assert any(str(p).startswith(bad.expected) for p in refused.value.problems)
    assert "nothing was loaded" in str(refused.value)
    assert store.content_checksum() == before


def test_the_corpus_covers_at_least_twenty_problems():
    assert len({b.name for b in CORPUS}) == len(CORPUS) >= 20


def test_upload_limit_comes_from_the_environment(monkeypatch, catalogue):
    monkeypatch.setenv("HET_MAX_UPLOAD_MB", "0.001")
    parsed = read_extract(
        fingertips_csv([ft_row()] * 20),
        file_name="big.csv",
        indicators=catalogue.indicators,
        areas=catalogue.areas,
    )
    assert [str(p) for p in parsed.problems.errors] == [
        "big.csv: the file is 4.6 KB; the upload limit is 1.0 KB (set HET_MAX_UPLOAD_MB to change it)"
    ]


def test_errors_in_many_rows_name_the_first_ten_and_count_the_rest(catalogue):
    rows = [
        ft_row(**{"Time period": str(2000 + i), "Time period Sortable": f"{2000 + i}0000", "Value": "n/a"})
        for i in range(15)
    ]
    parsed = read_extract(
        fingertips_csv(rows), file_name="many.csv", indicators=catalogue.indicators, areas=catalogue.areas
    )
    messages = [str(p) for p in parsed.problems.errors]
    assert messages[:2] == [
        "many.csv, row 2, column 'Value': 'n/a' is not a number",
        "many.csv, row 3, column 'Value': 'n/a' is not a number",
    ]
    assert messages[10] == "many.csv, column 'Value': the same problem in 5 more rows"
    assert len(messages) == 11
