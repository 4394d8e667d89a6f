"""Excel workbooks (.xlsx/.xlsm) read within bounds: the filled cells of one sheet, never a grid.

A workbook is a zip of XML parts, and what a part declares cannot be trusted: a 2 KB file can hold one
cell at XFD1048576, or declare <dimension ref="A1:XFD1048576"/>, and a reader that builds the declared
grid needs terabytes. So, before anything is unpacked, the zip's directory is checked against
het.ingest.limits (how many parts, how large each unpacks, how much it is compressed: zip files record
the unpacked size of each part, and Python's zipfile never unpacks more than that); openpyxl then reads
the workbook's own parts (sheet names, shared strings, styles) in read-only mode, and each worksheet is
parsed here as a stream of XML (expat: no tree is kept, whatever the XML holds) into its filled cells
only, with their row and column. Blank cells, rows and columns, however many, cost nothing; a filled
cell beyond column MAX_COLUMNS, more than MAX_XLSX_CELLS filled cells, or a cell longer than
MAX_CELL_CHARS stops the reading with a message naming the cell. The <dimension> is never read.

Values are read as openpyxl reads them (shared and inline strings, numbers, booleans, dates by their
style, errors such as #DIV/0! as text). A formula cell is read through its cached value; a cell formatted
as a percentage is multiplied by 100 (0.45 shown as 45% is 45). Merged ranges are kept for the header
check (het.ingest.files).
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from array import array
from dataclasses import dataclass, field
from datetime import date, datetime, time
from xml.parsers import expat

from het.ingest import limits
from het.ingest.problems import quoted, shown

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _C, _V, _F, _IS, _T, _RPH, _MERGE = (
    f"{_NS} {tag}" for tag in ("row", "c", "v", "f", "is", "t", "rPh", "mergeCell")
)
_COORDINATE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
# Column letters -> number, A to XFD (Excel's last column).
_COLUMNS: dict[str, int] = {}
_FORMULAS_NAMED = 10  # formula cells named one by one (of each kind), then counted
_MERGES_KEPT = 100_000
# What a cell's end handler stores in the cell's attribute dict (no XML attribute name holds a space).
_VALUE, _FORMULA, _FORMULA_ATTRS, _INLINE = " v", " f", " f attrs", " inline"
_CHUNK = 1 << 20


class WorkbookRefused(Exception):
    """The workbook cannot be read: why, in words for the analyst, and where when known."""

    def __init__(self, message: str, *, row: int | None = None, sheet: str | None = None):
        super().__init__(message)
        self.message, self.row, self.sheet = message, row, sheet


_CHUNK_CELLS = 65_536


class SheetColumn:
    """The filled cells of one column: their rows, and their texts as pyarrow arrays (a chunk at a time,
    so a cell costs ~12 bytes once read, not a Python string)."""

    __slots__ = ("rows", "_pending", "_chunks")

    def __init__(self) -> None:
        self.rows = array("q")
        self._pending: list[str] = []
        self._chunks: list = []

    def add(self, row: int, text: str) -> None:
        self.rows.append(row)
        self._pending.append(text)
        if len(self._pending) >= _CHUNK_CELLS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self._pending:
            self._chunks.append(pa.array(self._pending, pa.string()))
            self._pending = []

    def finished(self):
        """(rows, texts) sorted by row: a numpy int64 array and a pyarrow string array."""
        import numpy as np
        import pyarrow as pa

        self._flush()
        rows = np.frombuffer(self.rows, dtype=np.int64) if len(self.rows) else np.zeros(0, np.int64)
        texts = pa.concat_arrays(self._chunks) if self._chunks else pa.array([], pa.string())
        self._chunks = []
        if len(rows) > 1 and (np.diff(rows) < 0).any():  # rows out of order: a file not from Excel
            order = np.argsort(rows, kind="stable")
            rows, texts = rows[order], texts.take(pa.array(order))
        return rows, texts


@dataclass
class SheetCells:
    """The filled cells of one sheet, by column (1 = A)."""

    columns: dict[int, SheetColumn] = field(default_factory=dict)
    count: int = 0  # filled cells
    chars: int = 0  # and the characters in them
    # (row, column, formula) of the first formula cells without a cached value; (row, column, formula,
    # value) of the first with one; and how many of each kind there are
    missing_formulas: list[tuple[int, int, str]] = field(default_factory=list)
    cached_formulas: list[tuple[int, int, str, str]] = field(default_factory=list)
    formula_counts: dict[str, int] = field(default_factory=lambda: {"cached": 0, "missing": 0})
    percent: dict[int, array] = field(default_factory=dict)  # column -> rows formatted as percentages
    merged: list[str] = field(default_factory=list)


def archive_problem(content: bytes) -> str | None:
    """Why the bytes cannot be read as a workbook within het's limits (None when they can be)."""
    tail = content[-(65_535 + 22) :]
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) - end < 22:
        return "it is not a valid .xlsx file: the zip directory at its end is missing (cut off or damaged?)"
    entries = int.from_bytes(tail[end + 10 : end + 12], "little")
    if entries != 0xFFFF and entries > limits.MAX_PARTS:
        return f"the workbook lists {entries:,} parts; het reads workbooks of up to {limits.MAX_PARTS:,}"
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, IndexError) as exc:
        return f"it is not a valid .xlsx file: the zip archive is damaged ({shown(exc, 200)})"
    if len(infos) > limits.MAX_PARTS:
        return f"the workbook lists {len(infos):,} parts; het reads workbooks of up to {limits.MAX_PARTS:,}"
    sheets = 0
    for info in infos:
        name, size = info.filename, info.file_size
        lowered = name.lower()
        if size > limits.RATIO_FLOOR_BYTES and size > limits.MAX_RATIO * max(info.compress_size, 1):
            return (
                f"part {quoted(name)} would unpack to {_mb(size)} from {_mb(info.compress_size)} (over "
                f"{limits.MAX_RATIO}:1): this looks like a zip bomb, not a spreadsheet"
            )
        if lowered.startswith("xl/worksheets/") and lowered.endswith(".xml"):
            sheets += size
        elif lowered == "xl/sharedstrings.xml" and size > limits.MAX_SHARED_STRINGS_BYTES:
            return (
                f"its shared strings unpack to {_mb(size)}, more than het reads from a workbook "
                f"({_mb(limits.MAX_SHARED_STRINGS_BYTES)}): {_AS_CSV}"
            )
        elif lowered.endswith((".xml", ".rels", ".vml")) and size > limits.MAX_PART_BYTES:
            return (
                f"part {quoted(name)} unpacks to {_mb(size)}, more than het reads for it "
                f"({_mb(limits.MAX_PART_BYTES)}): {_AS_CSV}"
            )
    if sheets > limits.MAX_SHEET_XML_BYTES:
        return (
            f"its worksheets unpack to {_mb(sheets)} of XML, more than het reads from a workbook "
            f"({_mb(limits.MAX_SHEET_XML_BYTES)}): {_AS_CSV}"
        )
    return None


_AS_CSV = "save the sheet as CSV UTF-8 and upload that (het reads CSV files up to the upload limit)"


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:,.1f} KB"


@dataclass
class Workbook:
    """What reading a sheet needs from a workbook: its sheets (a chart sheet's path is None), shared
    strings, date system, the styles that make a number a date or a percentage, and the open zip."""

    sheetnames: list[str]
    paths: dict[str, str | None]
    shared_strings: list
    epoch: object
    dates: set[int]
    timedeltas: set[int]
    percents: set[int]
    archive: zipfile.ZipFile

    def close(self) -> None:
        self.archive.close()


def open_workbook(content: bytes) -> Workbook:
    """The workbook's own parts, read by openpyxl (its sheets not yet read); WorkbookRefused if they cannot be.

    openpyxl's reader is run step by step, without its worksheet step: even in read-only mode that
    step parses every sheet without a <dimension> to the end, and fails on chart sheets.
    """
    reason = archive_problem(content)
    if reason is not None:
        raise WorkbookRefused(reason)
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of parts it drops; het reads values only
            reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            names, paths = [], {}
            for sheet, rel in reader.parser.find_sheets():
                if rel.target not in reader.valid_files:
                    continue
                names.append(sheet.name)
                paths[sheet.name] = None if "chartsheet" in str(rel.Type) else rel.target
            wb = reader.wb
            return Workbook(
                names,
                paths,
                reader.shared_strings,
                wb.epoch,
                set(getattr(wb, "_date_formats", ()) or ()),
                set(getattr(wb, "_timedelta_formats", ()) or ()),
                _percent_styles(wb),
                reader.archive,
            )
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise WorkbookRefused(f"cannot open the workbook: {shown(exc, 200)}") from None


def choose_sheet(wb: Workbook, names: list[str], sheet: str | None) -> tuple[str, str | None]:
    """The sheet to read and a warning (or None): the one asked for, the only one, or the only one with data."""
    listed = ", ".join(quoted(n) for n in names)
    if sheet is not None:
        if sheet in names:
            return sheet, None
        raise WorkbookRefused(f"there is no sheet {quoted(sheet)}; the sheets are {listed}")
    if len(names) == 1:
        return names[0], None
    with_data = [n for n in names if _has_data(wb, n)]
    if len(with_data) == 1:
        others = ", ".join(quoted(n) for n in names if n != with_data[0])
        return with_data[0], (
            f"the workbook has {len(names)} sheets; read {quoted(with_data[0])}, the only one with data "
            f"(the others, {others}, are empty)"
        )
    raise WorkbookRefused(
        f"the workbook has {len(names)} sheets with data ({', '.join(quoted(n) for n in with_data)}); "
        f"choose the sheet to read (sheets: {listed})"
        if with_data
        else f"the workbook has {len(names)} sheets and none has data (sheets: {listed})"
    )


def _has_data(wb: Workbook, name: str) -> bool:
    """At least a header and one data row (two rows with a filled cell); stops reading once it knows."""
    if wb.paths.get(name) is None:
        return False  # a chart sheet
    try:
        cells = read_sheet(wb, name, stop_after_rows=2)
        return len({row for column in cells.columns.values() for row in column.rows}) >= 2
    except WorkbookRefused:
        return True  # reading it says what is wrong, if it is chosen


def read_sheet(wb: Workbook, name: str, *, stop_after_rows: int | None = None) -> SheetCells:
    """The filled cells of one sheet (stopping early after `stop_after_rows` filled rows, if given).

    WorkbookRefused names the cell when the sheet is beyond het's limits or damaged.
    """
    path = wb.paths.get(name)
    if path is None:
        raise WorkbookRefused(f"sheet {quoted(name)} is a chart, not a table of cells", sheet=name)
    reader = _SheetReader(wb, name, stop_after_rows)
    try:
        with wb.archive.open(path) as source:
            reader.parse(source)
    except _Enough:
        pass
    except WorkbookRefused:
        raise
    except expat.ExpatError as exc:
        raise WorkbookRefused(
            f"the sheet's XML is damaged (line {exc.lineno}, column {exc.offset}: "
            f"{expat.ErrorString(exc.code)}): open and save it in Excel, or save it as CSV",
            sheet=name,
        ) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise WorkbookRefused(
            f"the sheet cannot be unpacked ({shown(exc, 200)}): the workbook is damaged", sheet=name
        ) from None
    return reader.cells


class _Enough(Exception):
    """Raised inside the parser once a sheet has told what was asked (stop_after_rows)."""


class _SheetReader:
    """The expat handlers of one worksheet: a filled cell at a time into SheetCells."""

    def __init__(self, wb: Workbook, name: str, stop_after_rows: int | None):
        self.name = name
        self.cells = SheetCells()
        self.shared = wb.shared_strings
        self.epoch = wb.epoch
        self.dates, self.timedeltas, self.percents = wb.dates, wb.timedeltas, wb.percents
        self.stop_after_rows = stop_after_rows
        self.filled_rows: set[int] = set()
        self.shared_formulas: dict[str, str] = {}

    def refuse(self, message: str, row: int | None = None) -> WorkbookRefused:
        return WorkbookRefused(message, row=row, sheet=self.name)

    def parse(self, source) -> None:
        """Feed the sheet's XML through expat; each <c> is read at its end (see `cell`).

        The handlers are closures over plain variables, the fastest way to run Python per element: an
        empty cell (which a sheet may hold millions of) costs two short calls.
        """
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.buffer_size = 1 << 16
        depth = row = col = in_is = in_rph = length = 0
        cell: dict | None = None
        collect: str | None = None
        last_ref: str | None = None  # the reference of the last cell, when its column is not yet known
        text: list[str] = []

        def doctype(*_args) -> None:
            raise self.refuse(
                "the sheet's XML declares a DOCTYPE, which a workbook never does: it is not safe to read"
            )

        def start(tag: str, attrs: dict) -> None:
            nonlocal depth, row, col, cell, collect, in_is, in_rph, length, last_ref
            depth += 1
            if cell is None:
                if tag == _C:
                    cell = attrs
                elif tag == _ROW:
                    given = attrs.get("r")
                    row = self.row_number(given) if given is not None else row + 1
                    col, last_ref = 0, None
                elif tag == _MERGE and len(self.cells.merged) < _MERGES_KEPT:
                    self.cells.merged.append(str(attrs.get("ref", "")))
                elif depth > limits.MAX_XML_DEPTH:
                    raise self.refuse(
                        f"the sheet's XML nests more than {limits.MAX_XML_DEPTH} deep: it is damaged"
                    )
            elif tag in (_V, _F) or (tag == _T and in_is and not in_rph):
                collect, length = tag, 0
                text.clear()
                if tag == _F:
                    cell[_FORMULA_ATTRS] = attrs
            elif tag == _IS:
                in_is += 1
                cell[_INLINE] = []
            elif tag == _RPH:
                in_rph += 1
            elif depth > limits.MAX_XML_DEPTH:
                raise self.refuse(
                    f"the sheet's XML nests more than {limits.MAX_XML_DEPTH} deep: it is damaged"
                )

        def end(tag: str) -> None:
            nonlocal depth, col, cell, collect, in_is, in_rph, last_ref
            depth -= 1
            if cell is None:
                return
            if tag == _C:
                done, cell = cell, None
                if _VALUE not in done and _INLINE not in done and _FORMULA_ATTRS not in done:  # empty
                    ref = done.get("r")
                    if ref:
                        last_ref, col = ref, -1
                    else:
                        col = (self.column_of(last_ref) if col < 0 else col) + 1
                    return
                if col < 0:
                    col = self.column_of(last_ref)
                col = self.cell(done, row, col)
            elif tag == collect:
                collect = None
                value = "".join(text)
                if tag == _V:
                    cell[_VALUE] = value
                elif tag == _F:
                    cell[_FORMULA] = value
                else:
                    cell[_INLINE].append(value)
            elif tag == _IS:
                in_is -= 1
            elif tag == _RPH:
                in_rph -= 1

        def characters(data: str) -> None:
            nonlocal length
            if collect is not None:
                length += len(data)
                if length > limits.MAX_CELL_CHARS:
                    raise self.refuse(
                        f"a cell in row {row} holds more than {limits.MAX_CELL_CHARS:,} characters "
                        "(Excel's own limit): the workbook is damaged or not from Excel",
                        row,
                    )
                text.append(data)

        parser.StartDoctypeDeclHandler = doctype
        parser.EntityDeclHandler = doctype
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = characters
        while chunk := source.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)

    def row_number(self, given: str) -> int:
        try:
            row = int(given)
        except ValueError:
            raise self.refuse(f"a row is numbered {quoted(given)}: the workbook is damaged") from None
        if not 1 <= row <= limits.EXCEL_MAX_ROW:
            raise self.refuse(f"a row is numbered {row:,}, beyond Excel's rows: the workbook is damaged")
        return row

    def column_of(self, ref: str | None) -> int:
        match = _COORDINATE.fullmatch(ref or "")
        column = _COLUMNS.get(match[1].upper()) if match is not None else None
        if column is None:
            raise self.refuse(f"a cell is named {quoted(ref)}: the workbook is damaged")
        return column

    def cell(self, cell: dict, row: int, col: int) -> int:
        """Read one cell (its row from the <row>, unless its reference says); returns its column."""
        ref = cell.get("r")
        if ref:
            match = _COORDINATE.fullmatch(ref)
            column = _COLUMNS.get(match[1].upper()) if match is not None else None
            if column is None:
                raise self.refuse(f"a cell is named {quoted(ref)}: the workbook is damaged", row)
            col, row = column, int(match[2])
        else:
            col += 1
        try:
            text = self.text(cell, row, col)
        except WorkbookRefused:
            raise
        except Exception as exc:  # a shared string that is not there, a number that is not one ...
            raise self.refuse(
                f"cell {_letter(col)}{row} cannot be read ({shown(exc, 120)}): the workbook is damaged", row
            ) from None
        if text is None or not text.strip():
            return col
        if not 1 <= row <= limits.EXCEL_MAX_ROW:
            raise self.refuse(
                f"cell {_letter(col)}{row} is beyond Excel's last row: the workbook is damaged", row
            )
        if col > limits.MAX_COLUMNS:
            raise self.refuse(
                f"cell {_letter(col)}{row} holds a value ({quoted(text)}) in column {_letter(col)}, beyond the "
                f"{limits.MAX_COLUMNS} columns het reads (to column {_letter(limits.MAX_COLUMNS)}): delete "
                "what lies beyond the table, or save the table alone as CSV",
                row,
            )
        cells = self.cells
        cells.count += 1
        cells.chars += len(text)
        if cells.count > limits.MAX_XLSX_CELLS or cells.chars > limits.MAX_XLSX_TEXT_CHARS:
            what = (
                f"more than {limits.MAX_XLSX_CELLS:,} filled cells"
                if cells.count > limits.MAX_XLSX_CELLS
                else f"more than {limits.MAX_XLSX_TEXT_CHARS:,} characters of text"
            )
            raise self.refuse(
                f"the sheet holds {what} (reached at cell {_letter(col)}{row}), more than het reads from a "
                f"workbook: {_AS_CSV}",
                row,
            )
        column = cells.columns.get(col)
        if column is None:
            column = cells.columns[col] = SheetColumn()
        column.add(row, text)
        if self.stop_after_rows is not None:
            self.filled_rows.add(row)
            if len(self.filled_rows) >= self.stop_after_rows:
                raise _Enough
        return col

    def text(self, cell: dict, row: int, col: int) -> str | None:
        """The cell's value as text, as openpyxl reads it with data_only (a formula's cached value)."""
        kind = cell.get("t", "n")
        raw = cell.get(_VALUE)
        if kind == "n" and raw and raw.isascii() and raw.isdigit() and (raw[0] != "0" or len(raw) == 1):
            style = cell.get("s")
            if not style or (int(style) not in self.dates and int(style) not in self.percents):
                if _FORMULA_ATTRS in cell:
                    self.formula(cell, row, col, raw)
                return raw  # a whole number, written as its text would be: the common case, made quick
        value = self.value(cell, kind, raw, col, row)
        if _FORMULA_ATTRS in cell:
            self.formula(cell, row, col, None if value is None else _cell_text(value))
        return None if value is None else _cell_text(value)

    def value(self, cell: dict, kind: str, raw: str | None, col: int, row: int):
        if kind == "inlineStr":
            parts = cell.get(_INLINE)
            return "".join(parts) if parts is not None else None
        if raw is None or raw == "":
            return None
        if kind == "s":
            return self.shared[int(raw)]
        if kind in ("str", "e"):
            return raw
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            return from_ISO8601(raw)
        number = float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)
        style = int(cell["s"]) if cell.get("s") else 0
        if style in self.dates:
            from openpyxl.utils.datetime import from_excel

            try:
                return from_excel(number, self.epoch, timedelta=style in self.timedeltas)
            except (OverflowError, ValueError):
                return "#VALUE!"  # as openpyxl reads a date serial beyond the calendar
        if style in self.percents:
            self.cells.percent.setdefault(col, array("q")).append(row)
            return number * 100
        return number

    def formula(self, cell: dict, row: int, col: int, text: str | None) -> None:
        attrs = cell.get(_FORMULA_ATTRS) or {}
        written = cell.get(_FORMULA) or ""
        if attrs.get("t") == "shared" and attrs.get("si") is not None:
            if written:
                self.shared_formulas[attrs["si"]] = written
            else:
                written = self.shared_formulas.get(attrs["si"], "")
        shown_formula = "=" + written if written else "(a shared formula)"
        counts = self.cells.formula_counts
        if text is None or not text.strip():
            counts["missing"] += 1
            if counts["missing"] <= _FORMULAS_NAMED:
                self.cells.missing_formulas.append((row, col, shown_formula))
        else:
            counts["cached"] += 1
            if counts["cached"] <= _FORMULAS_NAMED:
                self.cells.cached_formulas.append((row, col, shown_formula, text))


def _percent_styles(wb) -> set[int]:
    """The cell style ids whose number format shows a percentage."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    custom = list(getattr(wb, "_number_formats", []) or [])
    out = set()
    for index, style in enumerate(getattr(wb, "_cell_styles", []) or []):
        number_format = getattr(style, "numFmtId", 0) or 0
        if number_format < BUILTIN_FORMATS_MAX_SIZE:
            written = BUILTIN_FORMATS.get(number_format, "General")
        else:
            position = number_format - BUILTIN_FORMATS_MAX_SIZE
            written = custom[position] if 0 <= position < len(custom) else "General"
        if "%" in str(written):
            out.add(index)
    return out


def _column_numbers() -> None:
    for number in range(1, limits.EXCEL_MAX_COLUMN + 1):
        _COLUMNS[_letter(number)] = number


def _letter(index: int) -> str:
    """The Excel column letters of a column number (1 = A), for any number."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


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


_column_numbers()
