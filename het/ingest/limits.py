"""How much of a file het reads: bounds that keep any file up to the upload limit within ~1 GB and ~60 s.

A file is read or refused by what it really holds, never by what it declares (a workbook's <dimension>,
a zip member's name): each bound below is checked before, or while, the bytes are read, and a file
beyond one is refused with a message that names the row, the column or the cell.

Measured on the development machine (one core; `python -m het load --dry-run`, wall time and peak
memory, Python and the store included): the worksheet parser (expat, het.ingest.xlsx) reads about
300,000 filled cells a second, and about 22 MB of XML a second when the XML is all empty cells; a
filled cell costs about 12 bytes once read (its text in a pyarrow array) plus 8 for its row. So:
- MAX_XLSX_CELLS filled cells: 5,000,000 whole numbers took 18 s and 450 MB from file to report. A
  national-scale table (1,000,000 rows x 26 columns) belongs in a CSV file, which pyarrow reads up to
  the upload limit in seconds.
- MAX_SHEET_XML_BYTES of worksheet XML (all sheets together): 295 MB of empty cells took 13 s and
  230 MB. The shared strings and every other part are capped too, and a part that would unpack to far
  more than it takes in the zip (a zip bomb) is refused before it is read.
"""

from __future__ import annotations

# Columns of a table (a CSV header or data row, a workbook cell's column): no extract has more.
MAX_COLUMNS = 500
# Characters in one cell: Excel's own limit, so no real export has a longer cell.
MAX_CELL_CHARS = 32_767
# Fields in one CSV record, counted before it is split (refused beyond: a row of millions of commas).
MAX_RECORD_FIELDS = 100_000

# Workbooks (.xlsx/.xlsm).
MAX_XLSX_CELLS = 5_000_000
# Characters in all those cells together: a shared string is stored once in the file, however many cells
# use it, but each cell's copy costs memory once read (5,000,000 cells of 25 characters is 125,000,000).
MAX_XLSX_TEXT_CHARS = 128_000_000
MAX_SHEET_XML_BYTES = 300 * 1024 * 1024  # the worksheets, unpacked, all together
MAX_SHARED_STRINGS_BYTES = 100 * 1024 * 1024  # xl/sharedStrings.xml, unpacked
MAX_PART_BYTES = 20 * 1024 * 1024  # any other XML part (styles, workbook, theme, charts ...), unpacked
MAX_PARTS = 10_000  # members of the zip
MAX_RATIO = 200  # unpacked : packed, for a part that unpacks to more than RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 10 * 1024 * 1024
MAX_XML_DEPTH = 64  # nesting of XML elements in a worksheet (a real one nests 5 deep)
EXCEL_MAX_ROW = 1_048_576
EXCEL_MAX_COLUMN = 16_384
