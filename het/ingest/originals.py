"""Original extract files, served back for download exactly as they were uploaded.

The decision (issue: downloads): an original is served byte for byte, never rewritten, with a clear warning
that it is the uploaded file and may hold spreadsheet formulas. Rewriting it safely would mean parsing every
encoding and format het accepts (UTF-8, UTF-16 with or without a byte-order mark, Windows-1252, XLSX, and
files whose name does not match their content) in the page that serves it; a file het could read but that
rewriting could not would then break the page for everyone. The exact bytes also keep the register's sha256
checkable. Every table het itself offers for download is neutralised instead (het.format.safe_csv_bytes).
"""

from __future__ import annotations

ORIGINAL_WARNING = (
    "This is the file exactly as it was uploaded (its sha256 is in the register), not a copy made safe by "
    "het: it may contain spreadsheet formulas or links. Open it in a text editor, or import it into a "
    "spreadsheet as text; do not open it by double-clicking. The tables het offers on its pages are "
    "downloaded with any formula made inert."
)


def original_download(content: bytes, file_name: str) -> tuple[bytes, str]:
    """The original file for download, byte for byte, and the warning to show beside it."""
    return content, ORIGINAL_WARNING
