"""Reading bytes into cells: row numbers, ragged rows, UTF-16, Excel sheets, titles, formulas, percentages."""

from __future__ import annotations

from ingest_files import csv_bytes, fingertips_csv, ft_row, with_cached_values, xlsx_bytes

from het.ingest.files import max_upload_bytes, read_table, sniff_delimiter
from het.ingest.problems import Problems
from het.ingest.read import read_extract

WARD_HEADER = ["ward code", "smoking_adults"]


def table(content: bytes, name: str = "f.csv", **options):
    problems = Problems()
    return read_table(content, file_name=name, problems=problems, **options), problems


def test_blank_lines_are_skipped_but_counted_in_row_numbers(catalogue):
    content = (
        fingertips_csv([ft_row()])
        + b"\r\n\r\n"
        + fingertips_csv(
            [ft_row(**{"Time period": "2023", "Time period Sortable": "20230000", "Value": "bad"})]
        ).split(b"\r\n", 1)[1]
    )
    parsed = read_extract(
        content, file_name="gaps.csv", indicators=catalogue.indicators, areas=catalogue.areas
    )
    assert [str(p) for p in parsed.problems.errors] == [
        "gaps.csv, row 5, column 'Value': 'bad' is not a number"
    ]
    assert parsed.rows_read == 2


def test_rows_short_of_fields_are_padded_with_a_warning():
    raw, problems = table(b"a,b,c\n1,2,3\n4,5\n6,7,8\n")
    assert raw.frame.values.tolist() == [["1", "2", "3"], ["4", "5", ""], ["6", "7", "8"]]
    assert [str(p) for p in problems.items] == [
        "f.csv: 1 row has fewer fields than the header (rows 3); the missing fields were read as empty"
    ]


def test_every_row_short_by_the_same_trailing_field_is_a_note_not_a_warning():
    raw, problems = table(b"a,b,c\n1,2\n4,5\n")
    assert raw.frame["c"].tolist() == ["", ""]
    assert not problems.items
    assert raw.notes == ["every data row omits the last 1 field (c); read as empty"]


def test_utf16_text_is_read():
    raw, problems = table("a\tb\n1\t2\n".encode("utf-16"))
    assert raw.frame.values.tolist() == [["1", "2"]] and raw.delimiter == "\t"
    assert [p.message for p in problems.items] == ["UTF-16 text (Excel 'Unicode text'): read as UTF-16"]


def test_delimiter_is_sniffed_from_the_header_outside_quotes():
    assert sniff_delimiter('"a;b",c,d\n') == ","
    assert sniff_delimiter("a;b;c\n") == ";"
    assert sniff_delimiter("a\tb\n") == "\t"
    assert sniff_delimiter("single\n") == ","


def test_the_upload_limit_defaults_to_200_mb(monkeypatch):
    monkeypatch.delenv("HET_MAX_UPLOAD_MB", raising=False)
    assert max_upload_bytes() == 200 * 1024 * 1024
    monkeypatch.setenv("HET_MAX_UPLOAD_MB", "5")
    assert max_upload_bytes() == 5 * 1024 * 1024


def test_the_only_sheet_with_data_is_read_and_said():
    content = xlsx_bytes({"Notes": [["Read me"]], "Data": [WARD_HEADER, ["E05002193", 15]]})
    raw, problems = table(content, "book.xlsx")
    assert raw.sheet == "Data" and raw.frame.values.tolist() == [["E05002193", "15"]]
    assert [str(p) for p in problems.items] == [
        "book.xlsx, sheet 'Data': the workbook has 2 sheets; read 'Data', the only one with data (the others, "
        "'Notes', are empty)"
    ]


def test_a_chosen_sheet_is_read_and_a_missing_one_listed():
    content = xlsx_bytes({"2022": [WARD_HEADER, ["E05002193", 15]], "2023": [WARD_HEADER, ["E05014735", 14]]})
    raw, problems = table(content, "book.xlsx", sheet="2023")
    assert raw.sheet == "2023" and raw.frame.values.tolist() == [["E05014735", "14"]] and not problems.items
    raw, problems = table(content, "book.xlsx", sheet="2024")
    assert raw is None
    assert [str(p) for p in problems.items] == [
        "book.xlsx: there is no sheet '2024'; the sheets are '2022', '2023'"
    ]


def test_title_rows_above_the_header_are_skipped_and_rows_keep_excel_numbers():
    content = xlsx_bytes(
        {"Wards": [["Ward profile 2019"], [], WARD_HEADER, ["E05002193", 15], ["E05002194", "abc"]]}
    )
    raw, problems = table(content, "book.xlsx")
    assert raw.header_row == 3 and raw.rows.tolist() == [4, 5]
    assert [p.message for p in problems.items] == [
        "row(s) above the header were skipped as titles: 'Ward profile 2019'"
    ]


def test_a_cached_formula_value_is_used_with_a_warning():
    content = xlsx_bytes({"Wards": [WARD_HEADER, ["E05002193", "=10+2.3"]]})
    content = with_cached_values(content, "Wards", {"B2": "12.3"})
    raw, problems = table(content, "book.xlsx")
    assert raw.frame["smoking_adults"].tolist() == ["12.3"]
    assert [str(p) for p in problems.items] == [
        "book.xlsx, sheet 'Wards', row 2, column 'smoking_adults': formula in B2: the cached value 12.3 was used"
    ]


def test_percentage_formatted_cells_are_read_as_percentages():
    content = xlsx_bytes({"Wards": [WARD_HEADER, ["E05002193", 0.152]]}, formats={"Wards": {"B2": "0.0%"}})
    raw, problems = table(content, "book.xlsx")
    assert raw.frame["smoking_adults"].tolist() == ["15.2"]
    assert [p.message for p in problems.items] == [
        "1 cell is formatted as percentages in Excel (e.g. B2): read as percentages, so 0.45 shown as 45% is 45"
    ]


def test_unnamed_empty_columns_are_dropped_but_unnamed_values_are_refused():
    raw, problems = table(b"a,,b\n1,,2\n")
    assert list(raw.frame.columns) == ["a", "b"] and not problems.items
    raw, problems = table(csv_bytes([["a", "", "b"], ["1", "9", "2"]]))
    assert raw is None
    assert [str(p) for p in problems.items] == [
        "f.csv, row 1: column(s) B have values but no name in the header row"
    ]


def test_blank_lines_above_the_header_keep_the_file_row_numbers(catalogue):
    content = b"\r\n\r\n" + fingertips_csv([ft_row(Value="n/a")])
    parsed = read_extract(
        content, file_name="late.csv", indicators=catalogue.indicators, areas=catalogue.areas
    )
    assert [str(p) for p in parsed.problems.errors] == [
        "late.csv, row 4, column 'Value': 'n/a' is not a number"
    ]
    header_only = read_extract(
        b"\n" + fingertips_csv([]), file_name="h.csv", indicators=catalogue.indicators, areas=catalogue.areas
    )
    assert [str(p) for p in header_only.problems.errors] == [
        "h.csv, row 2: the file has a header but no data rows"
    ]


# -- the two kinds of parsed text column --------------------------------------------------------------


def _repeating_and_distinct_csv(rows: int) -> bytes:
    lines = ["area,value,note"]
    lines += [f"E0{i % 3},{i * 7919 % 100_003 / 7:.5f},{'' if i % 2 else ' x '}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_repeating_texts_parse_as_categoricals_and_distinct_ones_as_text():
    import pandas as pd

    raw, problems = table(_repeating_and_distinct_csv(5000))
    assert not problems.items
    frame = raw.frame
    assert isinstance(frame["area"].dtype, pd.CategoricalDtype)
    assert isinstance(frame["note"].dtype, pd.CategoricalDtype)
    assert not isinstance(frame["value"].dtype, pd.CategoricalDtype)  # nearly every value distinct
    # Either way the cells are the file's exact text, and the header is not among them.
    assert frame["area"].tolist()[:4] == ["E00", "E01", "E02", "E00"]
    assert "area" not in set(frame["area"])
    assert frame["note"].tolist()[:2] == [" x ", ""]
    assert frame["value"].iloc[1] == f"{7919 / 7:.5f}"


def test_the_checks_read_a_categorical_column_exactly_as_the_same_text_as_str():
    import numpy as np
    import pandas as pd

    from het.ingest.numbers import parse_numbers
    from het.ingest.text_codes import codes, strip

    texts = ["2", " 1,349 ", "*", "", "2", "x1", "1,5", "3.5e2", "2"]
    first_met = ["2", " 1,349 ", "*", "", "x1", "1,5", "3.5e2"]
    as_str = pd.Series(texts, dtype="str")
    # As the parse makes them: the header's text first (no row uses it), then the texts as first met.
    parsed = pd.Series(pd.Categorical(texts, categories=["value", *first_met]))
    # Any other categorical: categories in another order, one unused in the middle.
    shuffled = pd.Series(
        pd.Categorical(texts, categories=["x1", "2", "unused", " 1,349 ", "*", "", "1,5", "3.5e2"])
    )
    assert codes(parsed)[1] == codes(as_str)[1] == first_met
    assert np.array_equal(codes(parsed)[0], codes(as_str)[0])
    for column in (parsed, shuffled):
        row_codes, values = codes(column)
        assert [values[c] for c in row_codes] == texts and len(values) == len(first_met)
        for got, expected in zip(parse_numbers(column), parse_numbers(as_str), strict=True):
            pd.testing.assert_series_equal(got, expected, check_dtype=False)
        assert strip(column).tolist() == strip(as_str).tolist()


def test_a_column_that_turns_varied_after_the_first_block_is_still_read_exactly():
    # The first block decides the column's kind; later blocks full of new texts are still read exactly.
    rows = ["code,label"] + [f"{i},same" for i in range(60_000)] + [f"{i},v{i}" for i in range(60_000)]
    raw, problems = table(("\n".join(rows) + "\n").encode())
    assert not problems.items
    assert raw.frame["label"].iloc[0] == "same" and raw.frame["label"].iloc[-1] == "v59999"
    assert raw.frame["label"].nunique() == 60_001


def test_strip_keeps_a_parsed_csv_column_categorical_and_equal_to_stripping_its_text():
    """A categorical column (as CSV text is parsed) is stripped per distinct text: texts equal once stripped
    share one category, a missing cell reads as '', and every row equals the stripped str column's."""
    import pandas as pd

    from het.ingest.text_codes import strip

    text = pd.Series([" E06000032", "E06000032 ", None, "E92000001", "\tE06000032\t"], dtype="str")
    as_category = strip(text.astype("category"))
    assert isinstance(as_category.dtype, pd.CategoricalDtype)
    assert list(as_category.cat.categories) == ["", "E06000032", "E92000001"]
    assert as_category.astype("str").tolist() == strip(text).tolist()
    assert as_category.tolist() == ["E06000032", "E06000032", "", "E92000001", "E06000032"]
