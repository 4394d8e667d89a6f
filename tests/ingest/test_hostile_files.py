"""Hostile or broken files: each is read within bounds or refused with a message naming file, row and
column (never a traceback), and loading one through the CLI exits non-zero and leaves the store as it
was (data version and extract register unchanged).

The files are made here, in code; the large ones are small stand-ins for the real thing (a bound is
lowered with monkeypatch where only its size differs).
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from ingest_files import csv_bytes, fingertips_csv, ft_row, xlsx_bytes

from het.cli import main
from het.ingest import limits
from het.ingest.files import _first_non_utf8
from het.ingest.problems import ExtractRejected, Problem, quoted, shown
from het.ingest.read import read_extract
from het.loads import load_extract
from het.store import Store

TIDY = ["indicator_id", "area_code", "period", "sex", "age", "breakdown", "category", "value"]
ROW = ["smoking_adults", "E06000032", "2022", "Persons", "18+ yrs", "total", "", "15.2"]
WARD = {"ward_set": "WD23", "period": "2024"}
NS = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>ward code</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>smoking_adults</t></is></c></row>'
)


def tidy(*rows: list[str], header: list[str] = TIDY) -> bytes:
    return csv_bytes([header, *rows])


def tidy_row(**fields) -> list[str]:
    """ROW with some fields changed."""
    values = dict(zip(TIDY, ROW, strict=True)) | fields
    return [values[c] for c in TIDY]


def read(content: bytes, name: str, catalogue, **options):
    return read_extract(
        content,
        file_name=name,
        indicators=catalogue.indicators,
        areas=catalogue.areas,
        workstreams=catalogue.workstreams,
        **options,
    )


def errors(parsed) -> list[str]:
    return [str(p) for p in parsed.problems.errors]


def refused(content: bytes, name: str, catalogue, expected: str, **options):
    """The file is refused with a message starting `expected`, and committing it writes nothing."""
    parsed = read(content, name, catalogue, **options)
    messages = errors(parsed)
    assert any(m.startswith(expected) for m in messages), "\n".join(messages)
    assert not parsed.can_commit
    return parsed


def workbook(sheet_xml: bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    """An .xlsx whose one sheet ('Sheet1') is the XML given (the rest of the parts made by openpyxl)."""
    base = xlsx_bytes({"Sheet1": [["x"]]})
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def sheet(rows: bytes, *, before: bytes = b"", after: bytes = b"") -> bytes:
    return NS + before + b"<sheetData>" + rows + b"</sheetData>" + after + b"</worksheet>"


def ward_row(
    number: int, value: bytes = b"<v>15</v>", code: bytes = b"E05014735", attrs: bytes = b""
) -> bytes:
    return b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c><c r="B%d"%s>%s</c></row>' % (
        number,
        number,
        code,
        number,
        attrs,
        value,
    )


# -- 1. resource exhaustion: bounded by what the file holds, not what it declares ------------------------


def test_one_cell_at_xfd1048576_is_refused_at_once_naming_the_cell(catalogue):
    content = workbook(
        sheet(
            b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
            before=b'<dimension ref="A1:XFD1048576"/>',
        )
    )
    assert len(content) < 8000
    started = time.perf_counter()
    refused(
        content,
        "xfd.xlsx",
        catalogue,
        "xfd.xlsx, sheet 'Sheet1', row 1048576: cell XFD1048576 holds a value ('x') in column XFD, beyond the "
        "500 columns het reads (to column SF)",
    )
    assert time.perf_counter() - started < 5


def test_a_declared_dimension_of_the_whole_sheet_is_not_built(catalogue):
    """A sheet declaring A1:XFD1048576 but holding a small table is read as the small table."""
    content = workbook(
        sheet(
            HEADER_ROW + ward_row(2) + ward_row(3, b"<v>16</v>", b"E05014736"),
            before=b'<dimension ref="A1:XFD1048576"/>',
        )
    )
    started = time.perf_counter()
    parsed = read(content, "dimension.xlsx", catalogue, **WARD)
    assert time.perf_counter() - started < 5
    assert errors(parsed) == []
    assert parsed.observations["source_row"].tolist() == [2, 3]
    assert parsed.observations["value"].tolist() == [15, 16]


def test_a_value_in_excels_last_row_is_read_without_the_rows_between(catalogue):
    content = workbook(sheet(HEADER_ROW + ward_row(1_048_576)))
    started = time.perf_counter()
    parsed = read(content, "lastrow.xlsx", catalogue, **WARD)
    assert time.perf_counter() - started < 5
    assert errors(parsed) == []
    assert parsed.observations["source_row"].tolist() == [1_048_576]


def test_millions_of_empty_styled_cells_cost_nothing_but_parsing(catalogue):
    blank = b"".join(b'<c r="%s%d" s="0"/>' % (c, r) for r in range(4, 2000) for c in (b"C", b"Z", b"SF"))
    content = workbook(sheet(HEADER_ROW + ward_row(2) + b'<row r="4">' + blank + b"</row>"))
    parsed = read(content, "blank_cells.xlsx", catalogue, **WARD)
    assert errors(parsed) == [] and parsed.rows_loaded == 1


def test_a_workbook_beyond_the_cell_limit_is_refused_naming_the_cell(catalogue, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_CELLS", 5)
    content = workbook(sheet(HEADER_ROW + b"".join(ward_row(r) for r in range(2, 6))))
    refused(
        content,
        "many.xlsx",
        catalogue,
        "many.xlsx, sheet 'Sheet1', row 3: the sheet holds more than 5 filled cells (reached at cell B3), more "
        "than het reads from a workbook: save the sheet as CSV UTF-8 and upload that",
        **WARD,
    )


def test_a_workbook_whose_text_is_beyond_the_limit_is_refused(catalogue, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_TEXT_CHARS", 30)
    content = workbook(sheet(HEADER_ROW + b"".join(ward_row(r) for r in range(2, 6))))
    refused(
        content,
        "text.xlsx",
        catalogue,
        "text.xlsx, sheet 'Sheet1', row 2: the sheet holds more than 30 characters of text (reached at cell A2)",
        **WARD,
    )


def test_a_zip_bomb_is_refused_before_it_is_unpacked(catalogue):
    content = workbook(sheet(HEADER_ROW) + b" " * (11 * 1024 * 1024))
    assert len(content) < 100_000
    refused(
        content,
        "bomb.xlsx",
        catalogue,
        "bomb.xlsx: part 'xl/worksheets/sheet1.xml' would unpack to 11.0 MB from",
    )


@pytest.mark.parametrize(
    ("bound", "expected"),
    [
        ("MAX_SHEET_XML_BYTES", "its worksheets unpack to"),
        ("MAX_SHARED_STRINGS_BYTES", "its shared strings unpack to"),
        ("MAX_PART_BYTES", "part '"),
    ],
)
def test_parts_that_unpack_beyond_their_bound_are_refused(catalogue, monkeypatch, bound, expected):
    monkeypatch.setattr(limits, bound, 100)
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b" " * 100 + b"</sst>"
    )
    content = workbook(sheet(HEADER_ROW + ward_row(2)), extra={"xl/sharedStrings.xml": strings})
    refused(content, "parts.xlsx", catalogue, f"parts.xlsx: {expected}", **WARD)


def test_a_row_of_millions_of_commas_is_refused_at_once(catalogue):
    started = time.perf_counter()
    refused(
        b"," * 5_000_000,
        "commas.csv",
        catalogue,
        "commas.csv, row 1: the first row has at least 65,537 fields; het reads tables of at most 500 columns",
    )
    assert time.perf_counter() - started < 5


def test_a_header_of_more_than_500_columns_is_refused(catalogue):
    refused(
        csv_bytes([[f"c{i}" for i in range(501)], ["1"] * 501]),
        "wide.csv",
        catalogue,
        "wide.csv, row 1: the first row has 501 fields; het reads tables of at most 500 columns",
    )


def test_a_data_row_of_a_hundred_thousand_fields_is_refused_before_it_is_split(catalogue):
    content = tidy(ROW) + b",".join([b"x"] * 8) + b"," * 200_000 + b"\n"
    refused(
        content,
        "wide_row.csv",
        catalogue,
        "wide_row.csv, row 3: this row has more than 100,000 fields; het reads tables of at most 500 columns",
    )


# -- 2. what used to be a traceback -----------------------------------------------------------------------


@pytest.mark.parametrize("ragged", [False, True], ids=["pyarrow", "csv module"])
def test_a_cell_over_32767_characters_is_refused_naming_row_and_column(catalogue, ragged):
    content = tidy(ROW, tidy_row(value="9" * 200_000)) + (b"smoking_adults,E06000032\n" if ragged else b"")
    refused(
        content,
        "big_cell.csv",
        catalogue,
        "big_cell.csv, row 3, column 'value': the cell holds 200,000 characters; het reads at most 32,767 "
        "(Excel's own limit for a cell)",
    )


def test_header_names_that_differ_only_in_case_are_refused(catalogue):
    refused(
        tidy(ROW + ["3"], header=[*TIDY, "VALUE"]),
        "case.csv",
        catalogue,
        "case.csv, row 1, column 'VALUE': the header names 'value' (column H) and 'VALUE' (column I): het "
        "matches column names ignoring case, spaces and underscores, so it cannot tell them apart",
    )


@pytest.mark.parametrize("column", ["period_sort", "category_rank"])
def test_a_period_sort_or_rank_too_large_for_the_store_is_refused(catalogue, column):
    header = [*TIDY, column]
    refused(
        tidy([*tidy_row(breakdown="ethnicity", category="Pakistani"), "1e30"], header=header),
        "huge.csv",
        catalogue,
        f"huge.csv, row 2, column '{column}': '1e30' is out of range: het holds whole numbers from 0 to "
        "999,999,999 here",
    )


# -- 3. what used to load wrongly -------------------------------------------------------------------------


def test_a_file_cut_off_in_its_last_row_is_refused(catalogue):
    content = tidy(ROW, tidy_row(period="2023"))[: -len(b",18+ yrs,total,,15.2\n")]
    assert not content.endswith(b"\n")
    refused(
        content,
        "cut.csv",
        catalogue,
        "cut.csv, row 3, column 'sex': the last row has 4 of the header's 8 fields and the file does not end "
        "with a line break: it looks cut off (truncated)",
    )


def test_a_short_last_row_ended_by_a_line_break_is_padded_with_a_warning(catalogue):
    parsed = read(tidy(ROW) + b"smoking_adults,E06000032,2023\n", "short.csv", catalogue)
    assert "short.csv: 1 row has fewer fields than the header (rows 3)" in str(parsed.problems.warnings[0])


def test_a_file_ending_inside_an_open_quote_is_refused(catalogue):
    content = tidy(ROW) + b'smoking_adults,E06000032,2023,Persons,18+ yrs,total,,"15.2\n'
    refused(
        content,
        "quote.csv",
        catalogue,
        "quote.csv, row 3, column 'value': the file ends inside a quoted value: the quote (\") opened in this row "
        "is never closed",
    )


def test_a_stray_quote_inside_a_value_is_not_an_open_quote(catalogue):
    content = tidy(ROW) + b'smoking_adults,E06000032,20"23,Persons,18+ yrs,total,,15.2\n'
    assert content.count(b'"') == 1
    parsed = read(content, "stray.csv", catalogue)
    assert errors(parsed) == [
        "stray.csv, row 3, column 'period': cannot read period '20\"23': expected e.g. 2019, 2019/20 or 2017 - 19"
    ]


@pytest.mark.parametrize(
    ("column", "text"),
    [
        ("value", "1e400"),
        ("lower_ci95", "-1e999"),
        ("upper_ci95", "1E+309"),
        ("count", "1e400"),
        ("denominator", "-1e999"),
    ],
)
def test_numbers_that_overflow_to_infinity_are_refused(catalogue, column, text):
    header = [*TIDY, column] if column != "value" else TIDY
    row = tidy_row(**({"value": text} if column == "value" else {})) + ([text] if column != "value" else [])
    refused(
        tidy(row, header=header),
        "overflow.csv",
        catalogue,
        f"overflow.csv, row 2, column '{column}': '{text}' is too large a number (beyond about 1.8e308, it "
        "would read as infinity)",
    )


def test_overflowing_numbers_in_a_fingertips_file_are_refused(catalogue):
    refused(
        fingertips_csv([ft_row(Count="1e400", Denominator="-1e999")]),
        "ft_overflow.csv",
        catalogue,
        "ft_overflow.csv, row 2, column 'Count': '1e400' is too large a number",
    )


def test_a_ward_row_with_a_period_het_cannot_read_is_refused_not_loaded_unchecked(catalogue):
    ward = ft_row(
        **{
            "Area Code": "E05014735",
            "Area Name": "Barnfield",
            "Area Type": "Ward",
            "Time period": "Q9 2019",
            "Time period Sortable": "20190000",
        }
    )
    refused(
        fingertips_csv([ward]),
        "ward_period.csv",
        catalogue,
        "ward_period.csv, row 2, column 'Area Code': ward E05014735 is on ward set WD23, but period 'Q9 2019' "
        "is not a form het reads, so het cannot check that it is the ward set in force then",
    )


def test_a_fractional_period_sort_is_refused(catalogue):
    refused(
        tidy([*ROW, "20195.5"], header=[*TIDY, "period_sort"]),
        "fraction.csv",
        catalogue,
        "fraction.csv, row 2, column 'period_sort': '20195.5' is not a whole number",
    )


@pytest.mark.parametrize(
    ("rank", "expected"),
    [
        ("1.5", "'1.5' is not a whole number"),
        (
            "99",
            "'99' is not a rank of 5 deprivation groups: expected 1 (most deprived) to 5 (least deprived)",
        ),
        (
            "-3",
            "'-3' is not a rank of 5 deprivation groups: expected 1 (most deprived) to 5 (least deprived)",
        ),
    ],
)
def test_a_deprivation_rank_outside_its_groups_is_refused(catalogue, rank, expected):
    row = tidy_row(breakdown="deprivation_local_quintile", category="Q1 (most deprived)")
    refused(
        tidy([*row, rank], header=[*TIDY, "category_rank"]),
        "rank.csv",
        catalogue,
        f"rank.csv, row 2, column 'category_rank': {expected}",
    )


def test_a_nul_byte_late_in_a_file_is_refused_naming_its_row_and_column(catalogue):
    rows = [tidy_row(period=str(1990 + i % 30), age=f"{i} yrs") for i in range(3000)]  # well past 64 KB
    content = tidy(*rows) + b"smoking_adults,E06000032,2023,Persons,18+ yrs,to\x00tal,,15.2\n"
    assert content.index(b"\x00") > 64 * 1024
    refused(
        content,
        "nul.csv",
        catalogue,
        "nul.csv, row 3002, column 'breakdown': the cell holds a NUL byte (\\x00), which no text export holds",
    )


def test_an_ascii_file_with_one_windows_1252_byte_is_read_as_windows_1252_and_said(catalogue):
    rows = [[*tidy_row(period=str(2000 + i)), ""] for i in range(10)]
    content = tidy(*rows, header=[*TIDY, "value_note"]) + (
        "smoking_adults,E06000032,2019,Persons,18+ yrs,total,,15.2,caf\xe9\n".encode("cp1252")
    )
    parsed = read(content, "cp1252.csv", catalogue)
    assert errors(parsed) == []
    assert [str(p) for p in parsed.problems.warnings] == [
        "cp1252.csv: not UTF-8 (first at line 12: byte 0xE9); read as Windows-1252: check accented names"
    ]
    assert parsed.observations["value_note"].tolist()[-1] == "café"


def test_a_utf8_file_with_accents_and_then_a_windows_1252_byte_is_refused_naming_the_line(catalogue):
    rows = [[*tidy_row(period=str(2000 + i)), ""] for i in range(10)]
    content = (
        tidy(*rows, header=[*TIDY, "value_note"])
        + "smoking_adults,E06000032,2018,Persons,18+ yrs,total,,15.2,Zoë\n".encode()
        + "smoking_adults,E06000032,2019,Persons,18+ yrs,total,,15.2,caf\xe9\n".encode("cp1252")
    )
    refused(
        content,
        "mixed.csv",
        catalogue,
        "mixed.csv, row 13: the file is UTF-8 text up to line 13, where byte 0xE9 is not UTF-8",
    )


def test_the_first_bad_byte_is_found_exactly_across_the_decoders_slices():
    step = 1 << 22
    content = b"a" * (step - 1) + "é".encode() + b"\n" * 5 + b"\xe9"  # 'é' split by the slice boundary
    assert _first_non_utf8(content) == step + 1 + 5


# -- 4. messages that harm -------------------------------------------------------------------------------


def test_values_in_messages_are_escaped_and_shortened():
    assert quoted("\x1b[31mRED\x1b[0m") == "'\\x1b[31mRED\\x1b[0m'"
    assert shown("a\nb\u202ec\x00") == "a\\nb\\u202ec\\x00"
    long = shown("y" * 1_000_000)
    assert len(long) == 80 and long.endswith("…")
    problem = Problem("error", "f\x1b.csv", "m" * 10_000, row=2, column="c\x07" + "d" * 500)
    assert "\x1b" not in str(problem) and "\x07" not in str(problem)
    assert len(problem.column) == 80 and len(problem.message) <= 3000


def test_utf16_without_a_byte_order_mark_is_named_as_such(catalogue):
    refused(
        tidy(ROW).decode().encode("utf-16-le"),
        "utf16.csv",
        catalogue,
        "utf16.csv: this is UTF-16 text (little-endian) without a byte-order mark",
    )


# -- damaged workbooks: a message naming the cell or the part, never a traceback ------------------------


@pytest.mark.parametrize(
    ("name", "xml", "expected"),
    [
        (
            "shared_string.xlsx",
            sheet(HEADER_ROW + ward_row(2, b"<v>9999</v>", attrs=b' t="s"')),
            "shared_string.xlsx, sheet 'Sheet1', row 2: cell B2 cannot be read (list index out of range): the "
            "workbook is damaged",
        ),
        (
            "not_a_number.xlsx",
            sheet(HEADER_ROW + ward_row(2, b"<v>abc</v>")),
            "not_a_number.xlsx, sheet 'Sheet1', row 2: cell B2 cannot be read",
        ),
        (
            "bad_reference.xlsx",
            sheet(HEADER_ROW + b'<row r="2"><c r="ZZZZ2"><v>1</v></c></row>'),
            "bad_reference.xlsx, sheet 'Sheet1', row 2: a cell is named 'ZZZZ2': the workbook is damaged",
        ),
        (
            "doctype.xlsx",
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            + sheet(HEADER_ROW)[len(b'<?xml version="1.0" encoding="UTF-8"?>') :],
            "doctype.xlsx, sheet 'Sheet1': the sheet's XML declares a DOCTYPE, which a workbook never does",
        ),
        (
            "deep.xlsx",
            NS + b"<a>" * 10_000 + b"</a>" * 10_000 + b"</worksheet>",
            "deep.xlsx, sheet 'Sheet1': the sheet's XML nests more than 64 deep: it is damaged",
        ),
        (
            "control.xlsx",
            sheet(HEADER_ROW + ward_row(2, b"<is><t>\x1b[2J</t></is>", attrs=b' t="inlineStr"')),
            "control.xlsx, sheet 'Sheet1': the sheet's XML is damaged (line 1, column",
        ),
        (
            "long_cell.xlsx",
            sheet(
                HEADER_ROW + ward_row(2, b"<is><t>" + b"x" * 40_000 + b"</t></is>", attrs=b' t="inlineStr"')
            ),
            "long_cell.xlsx, sheet 'Sheet1', row 2: a cell in row 2 holds more than 32,767 characters",
        ),
    ],
)
def test_a_damaged_workbook_is_refused_with_a_message(catalogue, name, xml, expected):
    refused(workbook(xml), name, catalogue, expected, **WARD)


def test_a_cut_off_workbook_is_refused(catalogue):
    content = workbook(sheet(HEADER_ROW + ward_row(2)))
    refused(
        content[: len(content) // 2],
        "cut.xlsx",
        catalogue,
        "cut.xlsx: it is not a valid .xlsx file: the zip directory at its end is missing",
    )


def test_merged_header_cells_are_seen_in_any_workbook(catalogue):
    content = workbook(
        sheet(HEADER_ROW + ward_row(2), after=b'<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>')
    )
    refused(
        content,
        "merged.xlsx",
        catalogue,
        "merged.xlsx, sheet 'Sheet1', row 1: the header row has merged cells (A1:B1)",
        **WARD,
    )


def test_formulas_without_cached_values_are_named_then_counted(catalogue):
    rows = b"".join(ward_row(r, b"<f>1+1</f>") for r in range(2, 15))
    parsed = refused(
        workbook(sheet(HEADER_ROW + rows)),
        "formulas.xlsx",
        catalogue,
        "formulas.xlsx, sheet 'Sheet1', row 2, column 'smoking_adults': formula in B2 (=1+1) has no cached value",
        **WARD,
    )
    assert "formulas.xlsx, sheet 'Sheet1': and 3 more formula cells have no cached value" in errors(parsed)


# -- through the CLI: a message, exit code 1, and the store as it was -----------------------------------


@pytest.fixture
def store_path(demo_store_path, tmp_path):
    copy = tmp_path / "het.duckdb"
    copy.write_bytes(demo_store_path.read_bytes())
    return copy


def store_state(path):
    with Store(path) as store:
        return store.data_version(), store.query("extract_register").to_dict("records")


HOSTILE = {
    "xfd.xlsx": (
        lambda: workbook(
            sheet(b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')
        ),
        "xfd.xlsx, sheet 'Sheet1', row 1048576: cell XFD1048576 holds a value ('x') in column XFD",
    ),
    "commas.csv": (lambda: b"," * 1_000_000, "commas.csv, row 1: the first row has at least 65,537 fields"),
    "case.csv": (
        lambda: tidy(ROW + ["3"], header=[*TIDY, "VALUE"]),
        "case.csv, row 1, column 'VALUE': the header names 'value' (column H) and 'VALUE' (column I)",
    ),
    "sort.csv": (
        lambda: tidy([*ROW, "1e30"], header=[*TIDY, "period_sort"]),
        "sort.csv, row 2, column 'period_sort': '1e30' is out of range",
    ),
    "big_cell.csv": (
        lambda: tidy(ROW, tidy_row(value="9" * 200_000)) + b"smoking_adults\n",
        "big_cell.csv, row 3, column 'value': the cell holds 200,000 characters",
    ),
    "huge_value.csv": (
        lambda: tidy(tidy_row(area_code="\x1b[31m" + "E" * 1_000_000)),
        "huge_value.csv, row 2, column 'area_code': the cell holds 1,000,005 characters",
    ),
    "inf.csv": (
        lambda: tidy(tidy_row(value="1e400")),
        "inf.csv, row 2, column 'value': '1e400' is too large a number",
    ),
    "quote.csv": (
        lambda: tidy(ROW) + b'smoking_adults,E06000032,"2023',
        "quote.csv, row 3, column 'period': the file ends inside a quoted value",
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_cli_refuses_a_hostile_file_and_leaves_the_store_unchanged(store_path, tmp_path, capsys, name):
    make, expected = HOSTILE[name]
    file = tmp_path / name
    file.write_bytes(make())
    before = store_state(store_path)
    assert main(["--db", str(store_path), "load", str(file)]) == 1
    captured = capsys.readouterr()
    assert f"  - {expected}" in captured.out, captured.out
    assert "Traceback" not in captured.out + captured.err
    assert "\x1b" not in captured.out and max(map(len, captured.out.splitlines())) < 400
    assert "nothing was loaded" in captured.err
    assert store_state(store_path) == before


def test_the_cli_shows_escape_sequences_and_huge_values_escaped_and_short(store_path, tmp_path, capsys):
    file = tmp_path / "escapes.csv"
    file.write_bytes(tidy(tidy_row(area_code="\x1b[2J\x1b[31m" + "E" * 30_000)))
    before = store_state(store_path)
    assert main(["--db", str(store_path), "load", str(file)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert max(len(line) for line in out.splitlines()) < 400
    assert "escapes.csv, row 2, column 'area_code': unknown area code '\\x1b[2J\\x1b[31mEEEE" in out
    assert store_state(store_path) == before


def test_the_cli_says_why_it_cannot_read_a_folder(store_path, tmp_path, capsys):
    assert main(["--db", str(store_path), "load", str(tmp_path)]) == 1
    assert "het: [Errno 21] Is a directory" in capsys.readouterr().err


def test_committing_a_refused_hostile_file_writes_nothing(store, catalogue):
    parsed = read(tidy([*ROW, "1e30"], header=[*TIDY, "category_rank"]), "rank.csv", catalogue)
    before = store.content_checksum()
    with pytest.raises(ExtractRejected):
        load_extract(store, parsed, loaded_by="test", source_kind="cli")
    assert store.content_checksum() == before
