"""Bytes to a table of text cells: size limit, encoding, delimiter, Excel sheets, header checks.

Every extract format is read through `read_table`, which returns the cells as text (nothing is
converted yet) with the spreadsheet row of every record, so the format readers can name file,
sheet, row and column in every message. What is read is bounded by het.ingest.limits, so any file up
to the upload limit is read or refused within about 1 GB and 60 s.

CSV: the encoding is decided once for the whole file: UTF-8 (with or without byte-order mark), UTF-16
with a byte-order mark (Excel's "Unicode text"), else Windows-1252 with a warning naming the line of
the first byte that is not UTF-8; a file that is UTF-8 with accented letters and then not, UTF-16
without a byte-order mark, and binary data are refused, each saying so. The delimiter (comma,
semicolon or tab) is sniffed from the header row. Quoted fields may hold newlines. Clean files are
parsed by pyarrow (multi-threaded); a file with rows of differing lengths is parsed again by Python's
csv module, which keeps exact row numbers: short rows are padded with empty cells (warning), long rows
are errors, and a short last row not ended by a line break (a file cut off) is an error. A file that
ends inside an open quote, a row of more than MAX_COLUMNS columns (or MAX_RECORD_FIELDS fields), a
cell over MAX_CELL_CHARS characters and a cell holding a NUL byte are errors naming row and column.
Blank rows are skipped but counted, so row numbers match what a spreadsheet shows. From pyarrow, a
column whose texts repeat comes as a pandas categorical (each distinct text held once) and any other
as str; the other paths give str. het.ingest.text_codes reads both kinds.

Excel (.xlsx/.xlsm), read by het.ingest.xlsx as the filled cells of one sheet (never the grid a sheet
declares): one sheet is read: the one chosen, else the only sheet, else the only sheet with data (said
in a warning); otherwise an error lists the sheets. Title rows above the header (rows with a single
filled cell) are skipped with a warning. A formula cell is read through its cached value (warning
naming the cell); a formula with no cached value is an error naming the cell. Cells formatted as
percentages are read as percentages (0.45 shown as 45% is read as 45), with a warning. Old binary .xls
files are refused with a message.

Header: one row with a name in every column that has values. Merged header cells, or a header with
blank names followed by a second header row, are refused with a message; columns with no name and no
values are dropped; a name used twice, or two names that differ only in case, spaces or underscores
(the format readers match names that way), is an error.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from het.format import plural
from het.ingest import xlsx
from het.ingest.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_RECORD_FIELDS, MAX_XLSX_CELLS
from het.ingest.problems import Problems, escaped, quoted, shown
from het.ingest.text_codes import arrow

DEFAULT_MAX_UPLOAD_MB = 200
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
EXCEL_EXTENSIONS = (".xlsx", ".xlsm")
# The most cells (rows below the header x columns) a workbook's table may span, blank ones included.
MAX_XLSX_GRID = 2 * MAX_XLSX_CELLS
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
            f"required {what} {quoted(name)} is missing; the header has {_names(table.frame.columns)}",
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


def _names(columns, limit: int = 30) -> str:
    """Header names for a message: each shown short, the first `limit` of them, then a count."""
    names = [shown(c, 40) for c in list(columns)[:limit]]
    more = f" and {len(columns) - limit} more" if len(columns) > limit else ""
    return ", ".join(names) + more


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
        problems.warning(
            file_name, f"sheet {quoted(sheet)} was given, but this is a CSV file: there are no sheets"
        )
    return _read_csv(content, file_name=file_name, problems=problems)


# -- CSV --------------------------------------------------------------------------------------------------


def _read_csv(content: bytes, *, file_name: str, problems: Problems) -> RawTable | None:
    content, encoding = _to_utf8_or_cp1252(content, file_name, problems)
    if content is None:
        return None
    head = _head_text(content, encoding)
    delimiter = sniff_delimiter(head)
    if not _first_row_fits(head, delimiter, file_name, problems):
        return None
    if not _closed_quotes(content, encoding, delimiter, _first_row(head, delimiter), file_name, problems):
        return None
    parsed = _arrow_csv(content, delimiter, encoding)
    if parsed is None:  # ragged rows: the careful reader keeps exact row numbers
        parsed = _python_csv(content, delimiter, encoding, file_name, problems)
        if parsed is None:
            return None
    header, frame, rows, notes, header_row = parsed
    table = _finish(
        header,
        frame,
        rows,
        header_row,
        file_name=file_name,
        problems=problems,
        sheet=None,
        may_hold_nul=content.find(b"\x00") >= 0,
    )
    if table is None:
        return None
    table.kind, table.delimiter, table.encoding, table.notes = "csv", delimiter, encoding, notes
    table.header_row = header_row
    if delimiter != ",":
        table.notes.append(f"{DELIMITERS[delimiter]}-separated")
    return table


def _head_text(content: bytes, encoding: str) -> str:
    """The first _SNIFF_BYTES as text (a character cut at the end is dropped, not replaced)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(content[:_SNIFF_BYTES], final=len(content) <= _SNIFF_BYTES).lstrip("\ufeff")


def _to_utf8_or_cp1252(content: bytes, file_name: str, problems: Problems) -> tuple[bytes | None, str]:
    """The bytes to parse and their encoding, decided once for the whole file, never per row.

    UTF-8 (byte-order mark allowed); UTF-16 with a byte-order mark (re-encoded as UTF-8); else
    Windows-1252 (with a warning naming the line of the first byte that is not UTF-8) when the text
    before that byte is plain ASCII. A file that is UTF-8 with accented letters and then has a byte
    that is not is refused: read either way, part of it would be garbled. UTF-16 without a byte-order
    mark, and binary data, are refused with a message saying which it is.
    """
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
        utf16 = _utf16_without_bom(content[:_SNIFF_BYTES])
        if utf16:
            problems.error(
                file_name,
                f"this is UTF-16 text ({utf16}) without a byte-order mark, which het cannot tell apart "
                "from binary data for certain: save it as CSV UTF-8 (or as Excel 'Unicode text', which "
                "has the mark) and upload again",
            )
        else:
            problems.error(
                file_name, "this is not a text file (it holds binary data): upload a CSV or an .xlsx file"
            )
        return None, ""
    first_bad = _first_non_utf8(content)
    if first_bad is None:
        return content, "utf-8"
    line = content.count(b"\n", 0, first_bad) + 1
    byte = content[first_bad]
    if _NON_ASCII.search(content, 0, first_bad):  # real UTF-8 before it: the file mixes encodings
        problems.error(
            file_name,
            f"the file is UTF-8 text up to line {line}, where byte 0x{byte:02X} is not UTF-8 (a "
            "Windows-1252 character?): a file must be in one encoding, and read as either, part of it "
            "would be garbled; save it as CSV UTF-8 and upload again",
            row=line,
        )
        return None, ""
    undefined = _CP1252_UNDEFINED.search(content, first_bad)
    if undefined is not None:
        bad_line = content.count(b"\n", 0, undefined.start()) + 1
        problems.error(
            file_name,
            f"the file is neither UTF-8 nor Windows-1252 text: byte 0x{content[undefined.start()]:02X} on "
            f"line {bad_line} cannot be read; save it as CSV UTF-8 and upload again",
            row=bad_line,
        )
        return None, ""
    problems.warning(
        file_name,
        f"not UTF-8 (first at line {line}: byte 0x{byte:02X}); read as Windows-1252: check accented names",
    )
    return content, "cp1252"


_NON_ASCII = re.compile(rb"[\x80-\xff]")
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")  # the five bytes Windows-1252 leaves unassigned


def _utf16_without_bom(head: bytes) -> str | None:
    """'little-endian' or 'big-endian' when the bytes read as UTF-16 text without a byte-order mark."""
    sample = head[: len(head) // 2 * 2]
    half = len(sample) // 2
    if half < 2:
        return None
    even_zero, odd_zero = sample[0::2].count(0), sample[1::2].count(0)
    for order, zero, other, codec in (
        ("little-endian", odd_zero, even_zero, "utf-16-le"),
        ("big-endian", even_zero, odd_zero, "utf-16-be"),
    ):
        if zero >= 0.3 * half and other <= 0.02 * half:
            try:
                text = sample.decode(codec)
            except UnicodeDecodeError:
                return None
            printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
            return order if printable >= 0.95 * len(text) else None
    return None


def _first_non_utf8(content: bytes) -> int | None:
    """Offset of the first byte that is not valid UTF-8, or None (checked in slices, not all at once)."""
    if content.isascii():
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(content)
    step = 1 << 22
    for start in range(0, len(content), step):
        pending = len(decoder.getstate()[0])  # the bytes of a character cut by the previous slice
        try:
            decoder.decode(view[start : start + step], final=start + step >= len(content))
        except UnicodeDecodeError as exc:
            return max(start - pending + exc.start, 0)
    return None


def sniff_delimiter(head: str) -> str:
    """The delimiter of a CSV from its header row: the most frequent of comma, semicolon and tab."""
    first = head.splitlines()[0] if head else ""
    outside = re.sub(r'"[^"]*"', "", first)  # delimiters inside quoted names do not count
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _first_row(head: str, delimiter: str) -> list[str]:
    """The first row's fields, read from the head of the file ([] when they cannot be read)."""
    try:
        return next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), [])
    except csv.Error:
        return []  # the parse says what is wrong


def _first_row_fits(head: str, delimiter: str, file_name: str, problems: Problems) -> bool:
    """False (with an error) when the first row has more fields than het reads columns."""
    first = _first_row(head, delimiter)
    if len(first) <= MAX_COLUMNS:
        return True
    whole = "\n" in head or "\r" in head
    problems.error(
        file_name,
        f"the first row has {'' if whole else 'at least '}{len(first):,} fields; het reads tables of at most "
        f"{MAX_COLUMNS} columns: is this the right file, and is '{escaped(delimiter)}' its delimiter?",
        row=1,
    )
    return False


def _arrow_csv(content: bytes, delimiter: str, encoding: str):
    """Parse with pyarrow, every cell as text; None when rows have differing numbers of fields.

    Fingertips exports omit the last, empty field of every data row: when every data row is short by
    the same number of fields, the file is parsed at that width and the missing fields read as empty.
    """
    head = _head_text(content, encoding)
    try:
        header = next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), [])
    except csv.Error:
        return None
    width = max(len(header), 1)
    parsed = _arrow_parse(content, delimiter, encoding, width)
    if parsed is None:
        return None
    table, invalid = parsed
    notes = []
    if invalid:
        widths = set(invalid)
        short = widths.pop() if len(widths) == 1 else width
        if table.num_rows != 1 or short >= width:
            return None
        parsed = _arrow_parse(content, delimiter, encoding, short)
        if parsed is None:
            return None
        table, invalid = parsed
        if len(invalid) != 1 or invalid[0] != width:  # the header must be the only long row
            return None
        missing = header[short:]
        empty = pa.DictionaryArray.from_arrays(pa.array(np.zeros(table.num_rows, np.int32)), pa.array([""]))
        for i in range(short, width):
            table = table.append_column(f"f{i}", empty)
        notes.append(
            f"every data row omits the last {plural(width - short, 'field')} ({', '.join(map(shown, missing))}); "
            "read as empty"
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
    invalid: list[int] = []  # the number of fields of each row of another width (the rows themselves dropped)

    def on_invalid(row) -> str:
        invalid.append(row.actual_columns)
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


class _RecordTooWide(Exception):
    """A CSV record with more than MAX_RECORD_FIELDS fields (raised before it is split)."""


class _Lines:
    """The lines of a CSV file for csv.reader, streamed from its bytes (no copy of the whole text).

    It counts the delimiters of the record being read, so a record of millions of fields is refused
    before the csv module splits it; `kept`, when a list, collects the lines of the current record.
    """

    def __init__(self, content: bytes, encoding: str, delimiter: str):
        self.stream = io.TextIOWrapper(
            io.BytesIO(content),
            encoding="utf-8-sig" if encoding == "utf-8" else encoding,
            errors="replace",
            newline="",
        )
        self.delimiter = delimiter
        self.fields = 0
        self.kept: list[str] | None = None

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.stream.readline()
        if not line:
            raise StopIteration
        self.fields += line.count(self.delimiter)
        if self.fields > MAX_RECORD_FIELDS:
            raise _RecordTooWide
        if self.kept is not None:
            self.kept.append(line)
        return line

    def next_record(self) -> None:
        self.fields = 0
        if self.kept is not None:
            self.kept.clear()


def _raise_field_limit(size: int) -> None:
    """Let the csv module read fields as long as the file (het refuses over-long cells itself, by name)."""
    if csv.field_size_limit() < size + 1:
        csv.field_size_limit(size + 1)


_CHUNK_RECORDS = 65_536


def _python_csv(content: bytes, delimiter: str, encoding: str, file_name: str, problems: Problems):
    """Parse with the csv module: exact row numbers; short rows padded (warning), long rows errors.

    A last row that is short and not ended by a line break is a file cut off: an error. Records are
    turned into pyarrow text columns a chunk at a time, so memory stays near the file's size.
    """
    _raise_field_limit(len(content))
    lines = _Lines(content, encoding, delimiter)
    reader = csv.reader(lines, delimiter=delimiter)
    header, header_row = None, 1
    chunks: list[list[pa.Array]] = []
    records, rows, short, short_widths = [], [], [], set()
    last = (0, 0)  # the number and width of the last record read
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            lines.next_record()
            if not record or all(not c.strip() for c in record):
                continue
            last = (number, len(record))
            if header is None:
                if len(record) > MAX_COLUMNS:
                    problems.error(
                        file_name,
                        f"the header row has {len(record):,} fields; het reads tables of at most "
                        f"{MAX_COLUMNS} columns",
                        row=number,
                    )
                    return None
                header, header_row = record, number
                continue
            if len(record) > len(header):
                extra = [c for c in record[len(header) :] if c.strip()]
                if extra:
                    problems.error(
                        file_name,
                        f"this row has {len(record):,} fields but the header has {len(header)} "
                        f"(an unquoted '{escaped(delimiter)}' inside a value?)",
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
            if len(records) == _CHUNK_RECORDS:
                chunks.append(_text_chunk(records, len(header)))
                records = []
    except _RecordTooWide:
        problems.error(
            file_name,
            f"this row has more than {MAX_RECORD_FIELDS:,} fields; het reads tables of at most {MAX_COLUMNS} "
            "columns: is this the right file?",
            row=number + 1,
        )
        return None
    except csv.Error as exc:
        problems.error(file_name, f"this row cannot be read as CSV ({shown(exc, 120)})", row=number + 1)
        return None
    if header is None:
        problems.error(file_name, "the file is empty")
        return None
    if records or not chunks:
        chunks.append(_text_chunk(records, len(header)))
    every_row_omits = bool(short) and len(short) == len(rows) and len(short_widths) == 1
    if short and short[-1] == last[0] and not every_row_omits and not content.endswith((b"\n", b"\r")):
        width = last[1]
        problems.error(
            file_name,
            f"the last row has {width} of the header's {len(header)} fields and the file does not end "
            "with a line break: it looks cut off (truncated), and its last value may be cut short; "
            "download or export the file again",
            row=last[0],
            column=str(header[width - 1]).strip() or None,
        )
        return None
    notes = []
    if every_row_omits:
        missing = header[short_widths.pop() :]
        notes.append(
            f"every data row omits the last {plural(len(missing), 'field')} ({', '.join(map(shown, missing))}); "
            "read as empty"
        )
    elif short:
        problems.warning(
            file_name,
            f"{plural(len(short), 'row')} {'has' if len(short) == 1 else 'have'} fewer fields than the header (rows {_list_rows(short)}); "
            "the missing fields were read as empty",
        )
    columns = {
        i: pd.Series(
            pa.chunked_array([chunk[i] for chunk in chunks], pa.string()),
            dtype=pd.ArrowDtype(pa.string()),
            copy=False,
        )
        for i in range(len(header))
    }
    frame = pd.DataFrame(columns, copy=False)
    return header, frame, np.asarray(rows, dtype=np.int64), notes, header_row


def _text_chunk(records: list[list[str]], width: int) -> list[pa.Array]:
    """Records (each `width` long) as one pyarrow text array per column."""
    if not records:
        return [pa.array([], pa.string()) for _ in range(width)]
    return [pa.array(column, pa.string()) for column in zip(*records, strict=True)]


def _closed_quotes(
    content: bytes, encoding: str, delimiter: str, header: list[str], file_name: str, problems: Problems
) -> bool:
    """False (with an error naming the row and column) when the file ends inside a quoted value.

    A quote left open swallows the rest of the file into one value, which both parsers accept without
    a word. Every quote opened in a CSV file is closed, and a doubled quote stands for one, so the file
    holds an even number of quote characters; only when it holds an odd number is it read again with
    the csv module in strict mode, which fails at the end of the data when a quote is still open.
    """
    if content.count(b'"') % 2 == 0:
        return True
    lines = _Lines(content, encoding, delimiter)
    lines.kept = []
    number = 0
    while True:  # a strict reader stops at a stray quote (e.g. 'a"b'); go on from the next line
        try:
            for _ in csv.reader(lines, delimiter=delimiter, strict=True):
                number += 1
                lines.next_record()
            return True
        except _RecordTooWide:
            return True  # the parse has said so already
        except csv.Error as exc:
            number += 1
            if "unexpected end of data" not in str(exc):
                lines.next_record()
                continue
            opened = next(csv.reader(io.StringIO("".join(lines.kept), newline=""), delimiter=delimiter), [])
            position = max(len(opened) - 1, 0)
            column = str(header[position]).strip() if position < len(header) else None
            problems.error(
                file_name,
                'the file ends inside a quoted value: the quote (") opened in this row is never closed, so '
                "the rest of the file would be read as one value; the file may be cut off, or a closing "
                "quote is missing",
                row=number,
                column=column or None,
            )
            return False


# -- Excel ------------------------------------------------------------------------------------------------


def excel_sheet_names(content: bytes) -> list[str]:
    """The sheet names of a workbook, in order ([] when it cannot be opened: reading it says why)."""
    return xlsx.sheet_names(content)


def _read_xlsx(content: bytes, *, file_name: str, problems: Problems, sheet: str | None) -> RawTable | None:
    """One sheet's filled cells (het.ingest.xlsx, within het.ingest.limits) into a table."""
    try:
        wb = xlsx.open_workbook(content)
    except xlsx.WorkbookRefused as refused:
        problems.error(file_name, refused.message)
        return None
    try:
        names = list(wb.sheetnames)
        chosen, note = xlsx.choose_sheet(wb, names, sheet)
        if note:
            problems.warning(file_name, note, sheet=chosen)
        cells = xlsx.read_sheet(wb, chosen)
    except xlsx.WorkbookRefused as refused:
        problems.error(file_name, refused.message, sheet=refused.sheet, row=refused.row)
        return None
    finally:
        wb.close()
    return _table_from_cells(cells, chosen, names, file_name=file_name, problems=problems)


def _table_from_cells(
    cells: xlsx.SheetCells, chosen: str, names: list[str], *, file_name: str, problems: Problems
) -> RawTable | None:
    """The header (the first row with two or more filled cells), the rows below it, and the sheet's
    formula and percentage notes; titles above the header are skipped with a warning.

    Only filled cells were read: the table spans the rows that have one, blank rows are never built."""
    from openpyxl.utils import get_column_letter

    columns = {col: column.finished() for col, column in sorted(cells.columns.items())}
    cells.columns = {}
    all_rows = np.concatenate([r for r, _ in columns.values()]) if columns else np.zeros(0, np.int64)
    distinct, filled = np.unique(all_rows, return_counts=True)
    del all_rows
    header_pos = int(np.argmax(filled >= 2)) if (filled >= 2).any() else 0
    header_row = int(distinct[header_pos]) if len(distinct) else 1
    width = max(columns, default=0)
    header = [""] * width
    for col, (col_rows, texts) in columns.items():
        at = int(np.searchsorted(col_rows, header_row))
        if at < len(col_rows) and col_rows[at] == header_row:
            header[col - 1] = texts[at].as_py()
    _formula_problems(cells, header_row, header, chosen, file_name=file_name, problems=problems)
    if not len(distinct):
        problems.error(file_name, "the sheet is empty", sheet=chosen)
        return None
    if header_pos > 0:
        titles = [_leftmost(columns, int(row)) for row in distinct[: min(header_pos, 10)]]
        problems.warning(
            file_name,
            f"row(s) above the header were skipped as titles: {'; '.join(quoted(t) for t in titles)}"
            + (f" and {header_pos - 10} more" if header_pos > 10 else ""),
            sheet=chosen,
        )
    header_merged = list(dict.fromkeys(m for m in cells.merged if _range_touches_row(m, header_row)))
    if header_merged:
        problems.error(
            file_name,
            f"the header row has merged cells ({', '.join(shown(m) for m in header_merged[:10])}): het needs "
            "a single header row with a name in every column, e.g. 'Smoking', 'Smoking lower', 'Smoking "
            "upper'; unmerge the cells and give each column its own name",
            sheet=chosen,
            row=header_row,
        )
        return None
    body_rows = distinct[header_pos + 1 :].astype(np.int64)
    if len(body_rows) * width > MAX_XLSX_GRID:
        problems.error(
            file_name,
            f"the sheet's cells spread over {len(body_rows):,} rows and {width} columns, a table of "
            f"{len(body_rows) * width:,} cells, more than het reads from a workbook ({MAX_XLSX_GRID:,}): "
            "delete the cells outside the table, or save it as CSV UTF-8 and upload that",
            sheet=chosen,
        )
        return None
    frame = pd.DataFrame(
        {i: _dense_column(columns.pop(i + 1, None), body_rows, header_row) for i in range(width)},
        index=range(len(body_rows)),
        copy=False,
    )
    table = _finish(
        header, frame, body_rows, header_row, file_name=file_name, problems=problems, sheet=chosen
    )
    if table is None:
        return None
    table.kind, table.sheet, table.sheets, table.header_row = "xlsx", chosen, names, header_row
    table.letters = {
        name: get_column_letter(i + 1) for i, name in enumerate(h.strip() for h in header) if name
    }
    for c_index, cell_rows in sorted(cells.percent.items()):
        name = header[c_index - 1].strip() if c_index <= len(header) else ""
        below = [r for r in cell_rows if r > header_row]
        if name and below:
            problems.warning(
                file_name,
                f"{plural(len(below), 'cell')} {'is' if len(below) == 1 else 'are'} formatted as percentages in Excel (e.g. "
                f"{get_column_letter(c_index)}{below[0]}): read as percentages, so 0.45 shown as 45% is 45",
                sheet=chosen,
                column=name,
            )
    return table


def _dense_column(column, body_rows: np.ndarray, header_row: int) -> pd.Series:
    """One column of the table: its cells' texts at their rows' positions, '' where a cell is blank."""
    n = len(body_rows)
    index = np.full(n, -1, dtype=np.int64)
    texts = pa.array([], pa.string())
    if column is not None:
        col_rows, texts = column
        below = np.flatnonzero(col_rows > header_row)
        index[np.searchsorted(body_rows, col_rows[below])] = below  # a cell given twice: the last wins
    dense = texts.take(pa.array(index, mask=index < 0)) if len(texts) else pa.nulls(n, pa.string())
    return pd.Series(pc.fill_null(dense, ""), dtype=pd.ArrowDtype(pa.string()), copy=False)


def _leftmost(columns: dict, row: int) -> str:
    """The text of the leftmost filled cell of a row."""
    for col_rows, texts in columns.values():  # in column order
        at = int(np.searchsorted(col_rows, row))
        if at < len(col_rows) and col_rows[at] == row:
            return texts[at].as_py()
    return ""


def _formula_problems(
    cells: xlsx.SheetCells,
    header_row: int,
    header: list[str],
    sheet: str,
    *,
    file_name: str,
    problems: Problems,
) -> None:
    """A formula without a cached value is an error; one with a cached value a warning (that value is read).

    The first few of each are named by cell, the rest counted."""
    from openpyxl.utils import get_column_letter

    def column(r_index: int, c_index: int) -> str | None:
        above = r_index <= header_row or c_index > len(header)
        return None if above else header[c_index - 1].strip() or None

    for r_index, c_index, formula in cells.missing_formulas:
        problems.error(
            file_name,
            f"formula in {get_column_letter(c_index)}{r_index} ({shown(formula)}) has no cached value: open the "
            "file in Excel, save it and upload again, or paste the values",
            sheet=sheet,
            row=r_index,
            column=column(r_index, c_index),
        )
    more = cells.formula_counts["missing"] - len(cells.missing_formulas)
    if more > 0:
        problems.error(
            file_name,
            f"and {plural(more, 'more formula cell')} {'has' if more == 1 else 'have'} no cached value",
            sheet=sheet,
        )
    for r_index, c_index, _formula, value in cells.cached_formulas:
        problems.warning(
            file_name,
            f"formula in {get_column_letter(c_index)}{r_index}: the cached value {shown(value)} was used",
            sheet=sheet,
            row=r_index,
            column=column(r_index, c_index),
        )
    more = cells.formula_counts["cached"] - len(cells.cached_formulas)
    if more > 0:
        problems.warning(
            file_name,
            f"and {plural(more, 'more formula cell')}: {'its cached value was' if more == 1 else 'their cached values were'} used",
            sheet=sheet,
        )


def _range_touches_row(ref: str, row: int) -> bool:
    numbers = [int(n) for n in re.findall(r"\d+", ref)]
    return len(numbers) == 2 and numbers[0] <= row <= numbers[1]


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
    may_hold_nul: bool = False,
):
    """Name the columns from the header, drop blank records and unnamed empty columns, check the header
    and the cells (none longer than MAX_CELL_CHARS, none holding a NUL byte)."""
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
    folded: dict[str, int] = {}
    for i in keep:
        if names[i] in seen:
            problems.error(
                file_name,
                f"the header names {quoted(names[i])} twice (columns {_letter(seen[names[i]])} and {_letter(i)})",
                sheet=sheet,
                row=header_row,
                column=names[i],
            )
            return None
        seen[names[i]] = i
        key = _folded(names[i])
        if key in folded:
            j = folded[key]
            problems.error(
                file_name,
                f"the header names {quoted(names[j])} (column {_letter(j)}) and {quoted(names[i])} (column "
                f"{_letter(i)}): het matches column names ignoring case, spaces and underscores, so it cannot "
                "tell them apart; rename or remove one",
                sheet=sheet,
                row=header_row,
                column=names[i],
            )
            return None
        folded[key] = i
    frame = frame[keep]
    frame.columns = [names[i] for i in keep]
    if not _cells_fit(frame, rows, header_row, file_name, problems, sheet, may_hold_nul):
        return None
    return RawTable(frame=frame, rows=rows, kind="", sheet=sheet, header_row=header_row)


def _folded(name: str) -> str:
    """A column name as the format readers match it: lower case, spaces and underscores alike."""
    return " ".join(re.split(r"[\s_]+", name.lower())).strip()


def _cells_fit(
    frame: pd.DataFrame,
    rows: np.ndarray,
    header_row: int,
    file_name: str,
    problems: Problems,
    sheet,
    nul: bool,
) -> bool:
    """False (with an error naming row and column) for a cell over MAX_CELL_CHARS or holding a NUL byte.

    Checked column by column with pyarrow (a categorical column on its distinct texts), so a large
    clean file costs a few milliseconds; the NUL check runs only when the file holds a NUL byte.
    """
    fits = True
    for name in frame.columns:
        if len(name) > MAX_CELL_CHARS or "\x00" in name:
            problems.error(file_name, _cell_fault(name), sheet=sheet, row=header_row, column=name)
            fits = False
    for name in frame.columns:
        series = frame[name]
        if isinstance(series.dtype, pd.CategoricalDtype):
            texts = pa.array(series.cat.categories, pa.large_string())
            codes = series.cat.codes.to_numpy()
        else:
            texts, codes = arrow(series), None
        if not len(texts):
            continue
        faults = [pc.greater(pc.utf8_length(texts), MAX_CELL_CHARS)]
        if nul:
            faults.append(pc.match_substring(texts, "\x00"))
        for fault in faults:
            if not pc.any(fault).as_py():
                continue
            hit = np.asarray(fault.to_numpy(zero_copy_only=False), dtype=bool)
            position = int(np.flatnonzero(hit[codes] if codes is not None else hit)[0])
            text = series.iloc[position]
            problems.error(file_name, _cell_fault(text), sheet=sheet, row=int(rows[position]), column=name)
            fits = False
            break
    return fits


def _cell_fault(text: str) -> str:
    if len(text) > MAX_CELL_CHARS:
        return (
            f"the cell holds {len(text):,} characters; het reads at most {MAX_CELL_CHARS:,} (Excel's own limit "
            "for a cell): is a quote left open, or is this the right file?"
        )
    return (
        "the cell holds a NUL byte (\\x00), which no text export holds: the file is damaged (a download or "
        "copy cut short and padded with zeros?) or not a CSV file"
    )


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
