"""Bytes to a table of text cells: size limit, encoding, delimiter, Excel sheets, header checks.

Every extract format is read through `read_table`, which returns the cells as text (nothing is
converted yet) with the spreadsheet row of every record, so the format readers can name file,
sheet, row and column in every message.

CSV: UTF-8 (with or without byte-order mark), UTF-16 with a byte-order mark (Excel's "Unicode text"),
else Windows-1252 with a warning; the delimiter (comma, semicolon or tab) is sniffed from the header
row. Quoted fields may hold newlines. Clean files are parsed by pyarrow (multi-threaded); a file with
rows of differing lengths is parsed again by Python's csv module, which keeps exact row numbers: short
rows are padded with empty cells (warning), long rows are errors. Blank rows are skipped but counted,
so row numbers match what a spreadsheet shows. From pyarrow, a column whose texts repeat comes as a
pandas categorical (each distinct text held once) and any other as str; the other paths give str.
het.ingest.text_codes reads both kinds.

Excel (.xlsx/.xlsm): one sheet is read: the one chosen, else the only sheet, else the only sheet with
data (said in a warning); otherwise an error lists the sheets. Title rows above the header (rows with a
single filled cell) are skipped with a warning. A formula cell is read through its cached value
(warning naming the cell); a formula with no cached value is an error naming the cell. Cells formatted
as percentages are read as percentages (0.45 shown as 45% is read as 45), with a warning.
Old binary .xls files are refused with a message.

Header: one row with a name in every column that has values. Merged header cells, or a header with
blank names followed by a second header row, are refused with a message; columns with no name and no
values are dropped; a name used twice is an error.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from het.ingest.problems import Problems

DEFAULT_MAX_UPLOAD_MB = 200
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
EXCEL_EXTENSIONS = (".xlsx", ".xlsm")
# Workbooks above this size are read in openpyxl's streaming mode (merged cells cannot be seen there).
EXCEL_STREAMING_BYTES = 20 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary .xls (and other Office 97 files)
_SNIFF_BYTES = 64 * 1024
_NAMED_MAX = 10


def max_upload_bytes() -> int:
    """The upload size limit in bytes: HET_MAX_UPLOAD_MB (megabytes) if set, else 200 MB."""
    value = os.environ.get("HET_MAX_UPLOAD_MB")
    try:
        megabytes = float(value) if value else DEFAULT_MAX_UPLOAD_MB
    except ValueError:
        raise ValueError(f"HET_MAX_UPLOAD_MB must be a number of megabytes; got {value!r}") from None
    return int(megabytes * 1024 * 1024)


@dataclass
class RawTable:
    """The cells of one table as text, before any conversion.

    `frame` has one str column per header name (stripped); `rows` holds the spreadsheet row of each
    record (the header is row 1 in a CSV). `letters` maps each column to its Excel column letter.
    """

    frame: pd.DataFrame
    rows: np.ndarray
    kind: str  # 'csv' or 'xlsx'
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    delimiter: str | None = None
    encoding: str | None = None
    header_row: int = 1
    letters: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # how the file was read, for the preview

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)


def cannot_check(
    table: RawTable, missing: list[str], *, file_name: str, problems: Problems, what: str = "column"
) -> bool:
    """Record why a table cannot be checked at all, for every format reader.

    Each required column that is missing is an error naming it (as the format writes it: `what` is e.g.
    'Fingertips column'); otherwise a header with no data rows is one. True when there was such a
    problem, and the reader then returns an empty extract.
    """
    for name in missing:
        problems.error(
            file_name,
            f"required {what} '{name}' is missing; the header has {', '.join(map(str, table.frame.columns))}",
            row=table.header_row,
            column=name,
            sheet=table.sheet,
        )
    if not missing and table.frame.empty:
        problems.error(
            file_name, "the file has a header but no data rows", row=table.header_row, sheet=table.sheet
        )
        return True
    return bool(missing)


def is_excel(content: bytes, file_name: str) -> bool:
    """Whether the bytes are an Excel workbook (by content first, then by extension)."""
    if content.startswith(_ZIP_MAGIC):
        return True
    return file_name.lower().endswith(EXCEL_EXTENSIONS) and content.strip() != b""


def check_size(content: bytes, *, file_name: str, problems: Problems, max_bytes: int | None = None) -> bool:
    """False (with an error) when the file is over the size limit or empty."""
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    if len(content) > limit:
        problems.error(
            file_name,
            f"the file is {_size(len(content))}; the upload limit is {_size(limit)} "
            "(set HET_MAX_UPLOAD_MB to change it)",
        )
        return False
    if not _has_content(content):
        problems.error(file_name, "the file is empty")
        return False
    return True


def _has_content(content: bytes) -> bool:
    """Anything but whitespace (and a byte-order mark)? Looked at in slices: no copy of a large file."""
    blank = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"
    step = 1 << 16
    return any(content[i : i + step].strip(blank) for i in range(0, len(content), step))


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} bytes"


def read_table(
    content: bytes,
    *,
    file_name: str,
    problems: Problems,
    sheet: str | None = None,
    max_bytes: int | None = None,
) -> RawTable | None:
    """Read a CSV or Excel file into text cells; None (with errors recorded) when it cannot be read."""
    if not check_size(content, file_name=file_name, problems=problems, max_bytes=max_bytes):
        return None
    if content.startswith(_OLE_MAGIC):
        problems.error(
            file_name,
            "this is an old binary Excel file (.xls): save it as .xlsx or as CSV UTF-8 and upload that",
        )
        return None
    if is_excel(content, file_name):
        if not content.startswith(_ZIP_MAGIC):
            problems.error(file_name, "the file is named like an Excel workbook but is not one (.xlsx)")
            return None
        return _read_xlsx(content, file_name=file_name, problems=problems, sheet=sheet)
    if sheet:
        problems.warning(file_name, f"sheet '{sheet}' was given, but this is a CSV file: there are no sheets")
    return _read_csv(content, file_name=file_name, problems=problems)


# -- CSV --------------------------------------------------------------------------------------------------


def _read_csv(content: bytes, *, file_name: str, problems: Problems) -> RawTable | None:
    content, encoding = _to_utf8_or_cp1252(content, file_name, problems)
    if content is None:
        return None
    head = content[:_SNIFF_BYTES].decode(encoding, errors="replace").lstrip("\ufeff")
    delimiter = sniff_delimiter(head)
    parsed = _arrow_csv(content, delimiter, encoding)
    if parsed is None:  # ragged rows: the careful reader keeps exact row numbers
        parsed = _python_csv(content, delimiter, encoding, file_name, problems)
        if parsed is None:
            return None
    header, frame, rows, notes, header_row = parsed
    table = _finish(header, frame, rows, header_row, file_name=file_name, problems=problems, sheet=None)
    if table is None:
        return None
    table.kind, table.delimiter, table.encoding, table.notes = "csv", delimiter, encoding, notes
    table.header_row = header_row
    if delimiter != ",":
        table.notes.append(f"{DELIMITERS[delimiter]}-separated")
    return table


def _to_utf8_or_cp1252(content: bytes, file_name: str, problems: Problems) -> tuple[bytes | None, str]:
    """The bytes to parse and their encoding: UTF-8 (BOM allowed), UTF-16 with BOM, else Windows-1252."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError as exc:
            problems.error(
                file_name, f"the file starts like UTF-16 text but cannot be read as such ({exc.reason})"
            )
            return None, ""
        problems.warning(file_name, "UTF-16 text (Excel 'Unicode text'): read as UTF-16")
        return text.encode("utf-8"), "utf-8"
    if b"\x00" in content[:_SNIFF_BYTES]:
        problems.error(
            file_name, "this is not a text file (it holds binary data): upload a CSV or an .xlsx file"
        )
        return None, ""
    first_bad = _first_non_utf8(content)
    if first_bad is None:
        return content, "utf-8"
    line = content.count(b"\n", 0, first_bad) + 1
    byte = content[first_bad : first_bad + 1].hex().upper()
    try:
        content.decode("cp1252")
    except UnicodeDecodeError as exc:
        bad_line = content.count(b"\n", 0, exc.start) + 1
        problems.error(
            file_name,
            f"the file is neither UTF-8 nor Windows-1252 text: byte 0x{content[exc.start]:02X} on line "
            f"{bad_line} cannot be read; save it as CSV UTF-8 and upload again",
            row=bad_line,
        )
        return None, ""
    problems.warning(
        file_name,
        f"not UTF-8 (first at line {line}: byte 0x{byte}); read as Windows-1252: check accented names",
    )
    return content, "cp1252"


def _first_non_utf8(content: bytes) -> int | None:
    """Offset of the first byte that is not valid UTF-8, or None (checked in slices, not all at once)."""
    if content.isascii():
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(content)
    step = 1 << 22
    for start in range(0, len(content), step):
        try:
            decoder.decode(view[start : start + step], final=start + step >= len(content))
        except UnicodeDecodeError as exc:
            return max(start + exc.start, 0)
    return None


def sniff_delimiter(head: str) -> str:
    """The delimiter of a CSV from its header row: the most frequent of comma, semicolon and tab."""
    first = head.splitlines()[0] if head else ""
    outside = re.sub(r'"[^"]*"', "", first)  # delimiters inside quoted names do not count
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _arrow_csv(content: bytes, delimiter: str, encoding: str):
    """Parse with pyarrow, every cell as text; None when rows have differing numbers of fields.

    Fingertips exports omit the last, empty field of every data row: when every data row is short by
    the same number of fields, the file is parsed at that width and the missing fields read as empty.
    """
    head = content[:_SNIFF_BYTES].decode(encoding, errors="replace").lstrip("\ufeff")
    header = next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), [])
    width = max(len(header), 1)
    parsed = _arrow_parse(content, delimiter, encoding, width)
    if parsed is None:
        return None
    table, invalid = parsed
    notes = []
    if invalid:
        widths = {row.actual_columns for row in invalid}
        short = widths.pop() if len(widths) == 1 else width
        if table.num_rows != 1 or short >= width:
            return None
        parsed = _arrow_parse(content, delimiter, encoding, short)
        if parsed is None:
            return None
        table, invalid = parsed
        if len(invalid) != 1 or invalid[0].actual_columns != width:  # the header must be the only long row
            return None
        missing = header[short:]
        empty = pa.DictionaryArray.from_arrays(pa.array(np.zeros(table.num_rows, np.int32)), pa.array([""]))
        for i in range(short, width):
            table = table.append_column(f"f{i}", empty)
        notes.append(
            f"every data row omits the last {width - short} field(s) ({', '.join(missing)}); read as empty"
        )
        data = table
    else:
        header = [str(v) for v in table.slice(0, 1).to_pylist()[0].values()]
        data = table.slice(1)
    header[0] = header[0].lstrip("\ufeff")
    frame = _text_frame(data)
    frame.columns = range(width)
    rows = np.arange(2, data.num_rows + 2, dtype=np.int64)
    return header, frame, rows, notes, 1


TEXT_COLUMN = pa.dictionary(pa.int32(), pa.string())


def _arrow_parse(content: bytes, delimiter: str, encoding: str, width: int):
    invalid: list = []

    def on_invalid(row) -> str:
        invalid.append(row)
        return "skip"

    names = [f"f{i}" for i in range(width)]
    read_options = pacsv.ReadOptions(
        column_names=names, block_size=1 << 23, encoding=encoding if encoding != "utf-8" else "utf8"
    )
    parse_options = pacsv.ParseOptions(
        delimiter=delimiter,
        newlines_in_values=True,
        ignore_empty_lines=False,  # blank lines stay rows, so row numbers stay exact
        invalid_row_handler=on_invalid,
    )
    try:
        table = pacsv.read_csv(
            pa.py_buffer(content),
            read_options=read_options,
            parse_options=parse_options,
            convert_options=pacsv.ConvertOptions(
                column_types=_column_types(content, names, read_options, delimiter),
                strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if table.num_rows == 0 and not invalid:
        return None
    return table, invalid


def _column_types(content: bytes, names: list[str], read_options, delimiter: str) -> dict:
    """Every cell as text: dictionary-encoded where the texts repeat, plain where they do not.

    Decided from the file's first block: a column with few distinct texts there (area codes, sexes,
    ages, periods, comparisons) is dictionary-encoded while parsing, so a 221 MB Fingertips file holds
    ~100 MB parsed instead of ~300 MB and the readers' per-distinct-value work starts from the
    dictionary; a column of mostly distinct texts (a real export's values and limits) stays plain text,
    where a dictionary would only cost hashing. Either way the cells are the file's exact text.
    """
    plain = {n: pa.string() for n in names}
    sample_options = pacsv.ReadOptions(
        column_names=names, block_size=1 << 20, encoding=read_options.encoding, use_threads=False
    )
    try:
        reader = pacsv.open_csv(
            pa.py_buffer(content),
            read_options=sample_options,
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=lambda row: "skip"
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: TEXT_COLUMN for n in names}, strings_can_be_null=False
            ),
        )
        batch = reader.read_next_batch()
    except (pa.ArrowInvalid, UnicodeDecodeError, StopIteration):
        return plain  # the full parse says what is wrong, if anything
    rows = max(batch.num_rows, 1)
    return {
        name: TEXT_COLUMN if len(column.dictionary) <= max(rows // 10, 1) else pa.string()
        for name, column in zip(names, batch.columns, strict=True)
    }


def _python_csv(content: bytes, delimiter: str, encoding: str, file_name: str, problems: Problems):
    """Parse with the csv module: exact row numbers; short rows padded (warning), long rows errors."""
    text = content.decode(encoding, errors="replace").lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header, header_row = None, 1
    records, rows, short, short_widths = [], [], [], set()
    for number, record in enumerate(reader, start=1):
        if not record or all(not c.strip() for c in record):
            continue
        if header is None:
            header, header_row = record, number
            continue
        if len(record) > len(header):
            extra = [c for c in record[len(header) :] if c.strip()]
            if extra:
                problems.error(
                    file_name,
                    f"this row has {len(record)} fields but the header has {len(header)} "
                    f"(an unquoted '{delimiter}' inside a value?)",
                    row=number,
                )
                continue
            record = record[: len(header)]
        if len(record) < len(header):
            short.append(number)
            short_widths.add(len(record))
            record = record + [""] * (len(header) - len(record))
        records.append(record)
        rows.append(number)
    if header is None:
        problems.error(file_name, "the file is empty")
        return None
    notes = []
    if short and len(short) == len(records) and len(short_widths) == 1:
        missing = header[short_widths.pop() :]
        notes.append(
            f"every data row omits the last {len(missing)} field(s) ({', '.join(missing)}); read as empty"
        )
    elif short:
        problems.warning(
            file_name,
            f"{len(short)} row(s) have fewer fields than the header (rows {_list_rows(short)}); "
            "the missing fields were read as empty",
        )
    columns = list(zip(*records, strict=True)) if records else [()] * len(header)
    frame = pd.DataFrame({i: pd.Series(list(col), dtype="str") for i, col in enumerate(columns)})
    return header, frame, np.asarray(rows, dtype=np.int64), notes, header_row


# -- Excel ------------------------------------------------------------------------------------------------


def excel_sheet_names(content: bytes) -> list[str]:
    """The sheet names of a workbook, in order."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def _read_xlsx(content: bytes, *, file_name: str, problems: Problems, sheet: str | None) -> RawTable | None:
    import openpyxl
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.formula import ArrayFormula

    streaming = len(content) > EXCEL_STREAMING_BYTES
    try:
        wb = openpyxl.load_workbook(io.BytesIO(content), data_only=False, read_only=streaming)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        problems.error(file_name, f"cannot open the workbook: {exc}")
        return None
    names = list(wb.sheetnames)
    chosen = _choose_sheet(wb, names, sheet, file_name, problems)
    if chosen is None:
        return None
    ws = wb[chosen]
    grid, formulas, percent_cols = [], [], {}
    for r_index, row in enumerate(ws.iter_rows(), start=1):
        values = []
        for c_index, cell in enumerate(row, start=1):
            value = getattr(cell, "value", None)
            if isinstance(value, ArrayFormula) or (isinstance(value, str) and value.startswith("=")):
                formulas.append((r_index, c_index, value.text if isinstance(value, ArrayFormula) else value))
                value = None
            elif isinstance(value, int | float) and not isinstance(value, bool):
                if "%" in (getattr(cell, "number_format", "") or ""):
                    percent_cols.setdefault(c_index, []).append(r_index)
                    value = value * 100
            values.append(value)
        grid.append(values)
    merged = [] if streaming else [str(r) for r in ws.merged_cells.ranges]
    wb.close()
    formula_problems = []  # (level, row, column index, message), reported once the header is known
    if formulas:
        cached = _cached_values(content, chosen, streaming)
        for r_index, c_index, formula in formulas:
            value = cached.get((r_index, c_index))
            cell = f"{get_column_letter(c_index)}{r_index}"
            if value is None:
                message = (
                    f"formula in {cell} ({formula}) has no cached value: open the file in Excel, save it "
                    "and upload again, or paste the values"
                )
                formula_problems.append(("error", r_index, c_index, message))
            else:
                message = f"formula in {cell}: the cached value {_cell_text(value)} was used"
                formula_problems.append(("warning", r_index, c_index, message))
                grid[r_index - 1][c_index - 1] = value
    texts = [[_cell_text(v) for v in row] for row in grid]
    width = max((len(r) for r in texts), default=0)
    texts = [r + [""] * (width - len(r)) for r in texts]
    filled = [sum(1 for c in r if c.strip()) for r in texts]
    header_index = _header_index(filled) if any(filled) else 0
    for level, r_index, c_index, message in formula_problems:
        above = r_index <= header_index + 1 or c_index > len(texts[header_index])
        column = None if above else texts[header_index][c_index - 1].strip() or None
        add = problems.error if level == "error" else problems.warning
        add(file_name, message, sheet=chosen, row=r_index, column=column)
    if not any(filled):
        problems.error(file_name, "the sheet is empty", sheet=chosen)
        return None
    if header_index > 0:
        titles = [next(c for c in texts[i] if c.strip()) for i in range(header_index) if filled[i]]
        if titles:
            problems.warning(
                file_name,
                f"row(s) above the header were skipped as titles: {'; '.join(repr(t) for t in titles)}",
                sheet=chosen,
            )
    header_row = header_index + 1
    header_merged = [m for m in merged if _range_touches_row(m, header_row)]
    if header_merged:
        problems.error(
            file_name,
            f"the header row has merged cells ({', '.join(header_merged)}): het needs a single header row "
            "with a name in every column, e.g. 'Smoking', 'Smoking lower', 'Smoking upper'; unmerge the "
            "cells and give each column its own name",
            sheet=chosen,
            row=header_row,
        )
        return None
    header = texts[header_index]
    body = texts[header_index + 1 :]
    rows = np.arange(header_row + 1, header_row + 1 + len(body), dtype=np.int64)
    columns = list(zip(*body, strict=True)) if body else [()] * width
    frame = pd.DataFrame({i: pd.Series(list(col), dtype="str") for i, col in enumerate(columns)})
    table = _finish(header, frame, rows, header_row, file_name=file_name, problems=problems, sheet=chosen)
    if table is None:
        return None
    table.kind, table.sheet, table.sheets, table.header_row = "xlsx", chosen, names, header_row
    table.letters = {
        name: get_column_letter(i + 1) for i, name in enumerate(h.strip() for h in header) if name
    }
    for c_index, cell_rows in percent_cols.items():
        name = header[c_index - 1].strip() if c_index <= len(header) else ""
        shown = [r for r in cell_rows if r > header_row]
        if name and shown:
            problems.warning(
                file_name,
                f"{len(shown)} cell(s) are formatted as percentages in Excel (e.g. "
                f"{get_column_letter(c_index)}{shown[0]}): read as percentages, so 0.45 shown as 45% is 45",
                sheet=chosen,
                column=name,
            )
    return table


def _choose_sheet(wb, names: list[str], sheet: str | None, file_name: str, problems: Problems) -> str | None:
    listed = ", ".join(f"'{n}'" for n in names)
    if sheet is not None:
        if sheet in names:
            return sheet
        problems.error(file_name, f"there is no sheet '{sheet}'; the sheets are {listed}")
        return None
    if len(names) == 1:
        return names[0]
    with_data = [n for n in names if _has_data(wb[n])]
    if len(with_data) == 1:
        others = ", ".join(f"'{n}'" for n in names if n != with_data[0])
        problems.warning(
            file_name,
            f"the workbook has {len(names)} sheets; read '{with_data[0]}', the only one with data "
            f"(the others, {others}, are empty)",
            sheet=with_data[0],
        )
        return with_data[0]
    problems.error(
        file_name,
        f"the workbook has {len(names)} sheets with data ({', '.join(repr(n) for n in with_data)}); "
        f"choose the sheet to read (sheets: {listed})",
    )
    return None


def _has_data(ws) -> bool:
    """At least a header and one data row."""
    filled = 0
    for row in ws.iter_rows(values_only=True):
        if any(v is not None and str(v).strip() for v in row):
            filled += 1
            if filled >= 2:
                return True
    return False


def _cached_values(content: bytes, sheet: str, streaming: bool) -> dict[tuple[int, int], object]:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(content), data_only=True, read_only=streaming)
    try:
        out = {}
        for r_index, row in enumerate(wb[sheet].iter_rows(values_only=True), start=1):
            for c_index, value in enumerate(row, start=1):
                if value is not None:
                    out[(r_index, c_index)] = value
        return out
    finally:
        wb.close()


def _header_index(filled: list[int]) -> int:
    """The header row (0-based): the first row with two or more filled cells, else the first filled row."""
    for i, n in enumerate(filled):
        if n >= 2:
            return i
    return next(i for i, n in enumerate(filled) if n)


def _range_touches_row(ref: str, row: int) -> bool:
    numbers = [int(n) for n in re.findall(r"\d+", ref)]
    return len(numbers) == 2 and numbers[0] <= row <= numbers[1]


def _cell_text(value) -> str:
    """A cell value as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# -- the header -------------------------------------------------------------------------------------------


def _text_frame(data: pa.Table) -> pd.DataFrame:
    """The parsed table as pandas text columns: categoricals where texts repeat, str where they do not.

    A column with few distinct texts (codes, names, sexes, ages, periods) becomes a categorical, its
    blocks' dictionaries unified; a column of mostly distinct texts (the values of a real export) is
    spelled out as str, which is smaller and faster there. str keeps pyarrow's 32-bit string offsets
    (ArrowDtype; pandas' own str would copy them to 64-bit). het.ingest.text_codes reads both kinds.
    """
    columns = {}
    for name, column in zip(data.column_names, data.columns, strict=True):
        if not pa.types.is_dictionary(column.type):
            columns[name] = pd.Series(column, dtype=pd.ArrowDtype(column.type), copy=False)
            continue
        distinct = sum(len(chunk.dictionary) for chunk in column.chunks)  # at least the true count
        if distinct <= max(_FEW_TEXTS, len(column) // 10):
            columns[name] = column.to_pandas()
        else:
            plain = pa.chunked_array([chunk.dictionary_decode() for chunk in column.chunks], pa.string())
            columns[name] = pd.Series(plain, dtype=pd.ArrowDtype(pa.string()), copy=False)
    return pd.DataFrame(columns, copy=False)


_FEW_TEXTS = 10_000


def _finish(
    header,
    frame: pd.DataFrame,
    rows: np.ndarray,
    header_row: int,
    *,
    file_name: str,
    problems: Problems,
    sheet,
):
    """Name the columns from the header, drop blank records and unnamed empty columns, check the header."""
    names = [str(h).strip() for h in header]
    width = frame.shape[1]
    names = names + [""] * (width - len(names))
    blank = _blank_records(frame)
    if blank.any():
        frame = frame.loc[~blank].reset_index(drop=True)
        rows = rows[~blank]
    unnamed_with_values = [i for i, n in enumerate(names) if not n and (frame[i].str.strip() != "").any()]
    if unnamed_with_values:
        first = frame.iloc[0] if len(frame) else None
        second_header = first is not None and _looks_like_header_row(first, unnamed_with_values)
        letters = ", ".join(_letter(i) for i in unnamed_with_values)
        if second_header:
            problems.error(
                file_name,
                f"rows {header_row} and {int(rows[0])} look like a two-row (merged) header: column(s) "
                f"{letters} have no name in the header row but a name below it. het needs a single header "
                "row with a name in every column, e.g. 'Smoking', 'Smoking lower', 'Smoking upper'",
                sheet=sheet,
                row=header_row,
            )
        else:
            problems.error(
                file_name,
                f"column(s) {letters} have values but no name in the header row",
                sheet=sheet,
                row=header_row,
            )
        return None
    keep = [i for i, n in enumerate(names) if n]
    seen: dict[str, int] = {}
    for i in keep:
        if names[i] in seen:
            problems.error(
                file_name,
                f"the header names '{names[i]}' twice (columns {_letter(seen[names[i]])} and {_letter(i)})",
                sheet=sheet,
                row=header_row,
                column=names[i],
            )
            return None
        seen[names[i]] = i
    frame = frame[keep]
    frame.columns = [names[i] for i in keep]
    return RawTable(frame=frame, rows=rows, kind="", sheet=sheet, header_row=header_row)


def _blank_records(frame: pd.DataFrame) -> np.ndarray:
    """Records whose every cell is blank (checked column by column on the candidates only)."""
    if frame.empty:
        return np.zeros(len(frame), dtype=bool)
    candidates = np.flatnonzero(_is_blank(frame.iloc[:, 0]))
    for i in range(1, frame.shape[1]):
        if not len(candidates):
            break
        candidates = candidates[_is_blank(frame.iloc[candidates, i])]
    out = np.zeros(len(frame), dtype=bool)
    out[candidates] = True
    return out


def _is_blank(series: pd.Series) -> np.ndarray:
    if isinstance(series.dtype, pd.CategoricalDtype):  # each distinct text once; a missing cell is blank
        texts = pa.array(series.cat.categories, pa.large_string())
        blank = pc.equal(pc.utf8_trim_whitespace(texts), "").to_numpy(zero_copy_only=False)
        return np.append(np.asarray(blank, dtype=bool), True)[series.cat.codes.to_numpy()]
    arr = pa.array(series.array) if len(series) else pa.array([], pa.string())
    return np.asarray(pc.equal(pc.utf8_trim_whitespace(arr), "").to_numpy(zero_copy_only=False), dtype=bool)


def _looks_like_header_row(first: pd.Series, unnamed: list[int]) -> bool:
    """A first data row that names the unnamed columns and holds text rather than numbers."""
    texts = [str(v).strip() for v in first if str(v).strip()]
    if not texts or not all(str(first.iloc[i]).strip() for i in unnamed):
        return False
    numeric = sum(1 for t in texts if re.fullmatch(r"[+-]?[\d,]*\.?\d+", t))
    return numeric <= len(texts) // 2


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _list_rows(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:_NAMED_MAX])
    return shown + (f" and {len(rows) - _NAMED_MAX} more" if len(rows) > _NAMED_MAX else "")
