"""Original extract files, served back for download without live spreadsheet formulas."""

from __future__ import annotations

import csv
import io

from het.format import FORMULA_PREFIXES, is_risky_cell


def safe_original(content: bytes, file_name: str) -> tuple[bytes, str]:
    """The original file for download, and a note saying what, if anything, was changed.

    CSV: text cells that would run as formulas get a leading apostrophe. XLSX: every formula is replaced
    by its cached value. The register's sha256 always refers to the file exactly as it was loaded.
    """
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        return _xlsx_values_only(content)
    text = content.decode("utf-8-sig", errors="replace")
    if not any(prefix in text for prefix in FORMULA_PREFIXES):
        return content, "exactly as loaded"
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    changed = 0
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        fixed = [("'" + cell) if is_risky_cell(cell) else cell for cell in row]
        changed += sum(a != b for a, b in zip(row, fixed, strict=True))
        writer.writerow(fixed)
    if not changed:
        return content, "exactly as loaded"
    return out.getvalue().encode("utf-8"), (
        f"{changed} cell(s) starting with = + - or @ were prefixed with ' so spreadsheets show them as text; "
        "the sha256 in the register is that of the file as loaded"
    )


def _xlsx_values_only(content: bytes) -> tuple[bytes, str]:
    from openpyxl import load_workbook  # imported here: only needed for spreadsheet originals

    formulas = load_workbook(io.BytesIO(content), data_only=False)
    values = load_workbook(io.BytesIO(content), data_only=True)
    replaced = 0
    for sheet in formulas.worksheets:
        cached = values[sheet.title]
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                    cell.value = cached[cell.coordinate].value
                    replaced += 1
                elif is_risky_cell(cell.value):
                    cell.value = "'" + cell.value
                    replaced += 1
    if not replaced:
        return content, "exactly as loaded"
    out = io.BytesIO()
    formulas.save(out)
    return out.getvalue(), (
        f"{replaced} formula cell(s) were replaced by their values; "
        "the sha256 in the register is that of the file as loaded"
    )
