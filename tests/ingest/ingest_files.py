"""Small extract files for the ingest tests, built in code (imported by the test modules)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import openpyxl

# The older Fingertips export header, and the newer one (Time period range; the second comparison
# column named after the parent area type).
FT_OLD = [
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type",
    "Sex", "Age", "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit",
    "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator",
    "Value note", "Recent Trend", "Compared to England value or percentiles",
    "Compared to Region value or percentiles", "Time period Sortable", "New data", "Compared to goal",
]  # fmt: skip
FT_NEW = [
    *FT_OLD[:12], "Time period range", *FT_OLD[12:21], "Compared to England value or percentiles",
    "Compared to Counties & UAs (from Apr 2023) value or percentiles", "Time period Sortable", "New data",
    "Compared to goal",
]  # fmt: skip

SMOKING = "92443"  # smoking_adults: proportion (%), calendar, 18+ yrs
NATIONAL_DECILES = "County & UA deprivation deciles in England (IMD2019, 4/23 geography)"


def ft_row(**fields) -> dict:
    """One Fingertips row: Luton, adult smoking, 2022, Persons, whole area, unless told otherwise."""
    row = {
        "Indicator ID": SMOKING,
        "Indicator Name": "Smoking prevalence in adults (18+) - current smokers (APS)",
        "Parent Code": "E12000006",
        "Parent Name": "East of England region",
        "Area Code": "E06000032",
        "Area Name": "Luton",
        "Area Type": "County & UA",
        "Sex": "Persons",
        "Age": "18+ yrs",
        "Category Type": "",
        "Category": "",
        "Time period": "2022",
        "Time period range": "1y",
        "Value": "15.2",
        "Lower CI 95.0 limit": "12.1",
        "Upper CI 95.0 limit": "18.3",
        "Lower CI 99.8 limit": "",
        "Upper CI 99.8 limit": "",
        "Count": "",
        "Denominator": "",
        "Value note": "",
        "Recent Trend": "Cannot be calculated",
        "Compared to England value or percentiles": "Worse",
        "Compared to Region value or percentiles": "Similar",
        "Compared to Counties & UAs (from Apr 2023) value or percentiles": "Similar",
        "Time period Sortable": "20220000",
        "New data": "",
        "Compared to goal": "",
    }
    row.update(fields)
    return row


def fingertips_csv(
    rows: list[dict], *, header=FT_OLD, delimiter: str = ",", encoding: str = "utf-8"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c, "") for c in header])
    return buffer.getvalue().encode(encoding)


def csv_bytes(rows: list[list], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(
    sheets: dict[str, list[list]], *, merged: dict[str, list[str]] | None = None, formats=None
) -> bytes:
    """A workbook from {sheet name: rows}; strings starting with '=' are formulas (no cached value)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for ref in (merged or {}).get(name, []):
            ws.merge_cells(ref)
        for cell, number_format in (formats or {}).get(name, {}).items():
            ws[cell].number_format = number_format
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def with_cached_values(content: bytes, sheet: str, values: dict[str, object]) -> bytes:
    """Write cached results into a workbook's formula cells, as Excel does when it saves.

    openpyxl never writes cached values, so the sheet XML is edited: each formula cell <c><f>..</f></c>
    gets a <v>value</v>.
    """
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    index = source.read("xl/workbook.xml").decode()
    names = re.findall(r'<sheet [^>]*name="([^"]+)"', index)
    part = f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                xml = data.decode()
                for cell, value in values.items():
                    xml = re.sub(
                        rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?',
                        lambda m, v=value: f"{m[1]}{m[2]}<v>{v}</v>",
                        xml,
                    )
                data = xml.encode()
            target.writestr(item, data)
    return out.getvalue()


# The real export's indicator (Fingertips 93356), as an analyst would add it as a local indicator.
CAMPYLOBACTER = {
    "name": "Campylobacter incidence rate",
    "indicator_id": "campylobacter",
    "fingertips_id": 93356,
    "principle_id": 6,
    "unit": "per 100,000",
    "value_type": "rate",
    "polarity": "low is good",
    "definition": "Laboratory-confirmed Campylobacter reports per 100,000 population.",
}


def real_fingertips_file() -> Path:
    return (
        Path(os.environ.get("HET_GEOGRAPHY_DIR") or Path(__file__).resolve().parents[3] / "shared" / "data")
        / "fingertips"
        / "fingertips_export_93356_campylobacter_CountyUA_2015.csv"
    )
