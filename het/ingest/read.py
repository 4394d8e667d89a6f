"""The reading entry point: detect an extract's format, read and check it, and commit it.

Formats (het.ingest.parsed.FORMATS), told apart by the header row:
- 'fingertips': has Indicator ID, Area Code and Time period (het.ingest.fingertips);
- 'het_tidy': has indicator_id, area_code, period and breakdown (het.ingest.tidy);
- 'kpi': has measure and one of baseline, latest or target (het.ingest.kpis);
- 'ward_wide': has a ward code or ward name column and at least one more (het.ingest.ward_wide).
The extension only decides CSV or Excel (and the bytes win over the name). The analyst can override
the format; nothing is written here (het.loads commits).
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
from typing import NamedTuple

import pandas as pd

from het.ingest.files import RawTable, is_excel, read_table, sniff_delimiter
from het.ingest.fingertips import fingertips_from_table, is_fingertips_header
from het.ingest.kpis import is_kpi_header, kpis_from_table
from het.ingest.parsed import FORMATS, ParsedExtract, empty_extract
from het.ingest.problems import Problems, escaped, shown
from het.ingest.stored_files import prepare_in_background
from het.ingest.tidy import REQUIRED as TIDY_REQUIRED
from het.ingest.tidy import tidy_from_table
from het.ingest.ward_wide import is_ward_wide_header, ward_wide_from_table
from het.memory import release_freed_memory

UNKNOWN_FORMAT = "unknown"
log = logging.getLogger("het.ingest")


class DetectedFormat(NamedTuple):
    """The format of an extract (None when it cannot be told) and why."""

    format: str | None
    reason: str


# A header with indicator_id and at least this many of the het tidy columns is a het tidy file, complete or not.
TIDY_LIKE = 4


def detect_format_from_columns(columns) -> DetectedFormat:
    """The format a header row shows, and why."""
    names = [str(c) for c in columns]
    lowered = {n.strip().lower() for n in names}
    if is_fingertips_header(names):
        return DetectedFormat(
            "fingertips", "the header has Indicator ID, Area Code and Time period (OHID Fingertips)"
        )
    if {"indicator_id", "area_code", "period", "breakdown"} <= lowered:
        return DetectedFormat(
            "het_tidy", "the header has indicator_id, area_code, period and breakdown (het tidy)"
        )
    if is_kpi_header(names):
        return DetectedFormat("kpi", "the header has measure and baseline/latest/target (KPI measures)")
    tidy = [c for c in TIDY_REQUIRED if c in lowered]
    if "indicator_id" in lowered and len(tidy) >= TIDY_LIKE:
        # A het tidy file with a column misnamed or missing (period_label for period): read as het tidy,
        # whose check names the missing columns, not as a wide ward table of indicators called 'sex'.
        missing = [c for c in TIDY_REQUIRED if c not in lowered]
        return DetectedFormat(
            "het_tidy",
            f"the header has {len(tidy)} of the {len(TIDY_REQUIRED)} het tidy columns "
            f"(missing: {', '.join(missing)})",
        )
    if is_ward_wide_header(names):
        return DetectedFormat("ward_wide", "the header has a ward column and other columns (wide ward table)")
    return DetectedFormat(
        None,
        "the header matches none of the formats: Fingertips (Indicator ID, Area Code, Time period ...), het tidy "
        f"({', '.join(TIDY_REQUIRED)}), KPI (measure, baseline, latest, target, period, owner) or a wide ward "
        "table (ward code or ward name, then one column per indicator)",
    )


def detect_format(content: bytes, *, file_name: str, sheet: str | None = None) -> DetectedFormat:
    """The format of an extract from its header row (and its extension, for CSV or Excel), and why."""
    if is_excel(content, file_name):
        problems = Problems()
        table = read_table(
            content, file_name=file_name, problems=problems, sheet=sheet, max_bytes=len(content)
        )
        if table is None:
            return DetectedFormat(
                None, "; ".join(p.message for p in problems.errors) or "cannot read the workbook"
            )
        return detect_format_from_columns(table.columns)
    head = content[:65536]
    try:  # a character cut at the end of the head is not a reason to read the header as Windows-1252
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=len(content) <= len(head))
    except UnicodeDecodeError:
        text = head.decode("cp1252", errors="replace")
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)), [])
    except csv.Error:
        header = []
    if not header:
        return DetectedFormat(None, "the file is empty")
    return detect_format_from_columns(header)


def read_extract(
    content: bytes,
    *,
    file_name: str,
    indicators: pd.DataFrame,
    areas: pd.DataFrame,
    format: str | None = None,
    ward_set: str | None = None,
    period: str | None = None,
    sheet: str | None = None,
    max_bytes: int | None = None,
    indicator_mapping: dict | None = None,
    workstreams: pd.DataFrame | None = None,
) -> ParsedExtract:
    """Read and check an extract of any format (detected from the header unless `format` is given).

    ward_set and period are for wide ward tables; sheet chooses an Excel sheet; max_bytes overrides the
    upload limit (HET_MAX_UPLOAD_MB, default 200 MB); indicator_mapping maps the file's unknown indicators
    (see het.ingest.indicators); workstreams (the workstreams table) checks a KPI file's workstream column.
    The whole file is checked; nothing is written. A file that makes a reader fail unexpectedly is
    refused with a message (the failure is logged at INFO), never raised: every file gets a report.
    """
    problems = Problems()
    try:
        return _read_extract(
            content, file_name, indicators, areas, format, ward_set, period, sheet, max_bytes,
            indicator_mapping, workstreams, problems,
        )  # fmt: skip
    except MemoryError:
        problems.items.clear()
        problems.error(
            file_name, "het ran out of memory reading this file; nothing was loaded: save it as CSV"
        )
    except Exception as exc:  # a reader's bug must not become a traceback in front of the analyst
        # logged for whoever runs het (with the traceback), at a level the CLI does not print by default
        log.info("reading %s failed", escaped(file_name), exc_info=True)
        problems.error(
            file_name,
            f"het could not read this file ({type(exc).__name__}: {shown(exc, 200)}); nothing was loaded. "
            "This is a fault in het: please report it with the file",
        )
    return empty_extract(file_name, format or UNKNOWN_FORMAT, content, problems, options={"format": format})


def _read_extract(
    content, file_name, indicators, areas, format, ward_set, period, sheet, max_bytes, indicator_mapping,
    workstreams, problems,
) -> ParsedExtract:  # fmt: skip
    options = {
        "format": format,
        "ward_set": ward_set,
        "period": period,
        "sheet": sheet,
        "max_bytes": max_bytes,
        "indicator_mapping": dict(indicator_mapping or {}),
    }
    if format is not None and format not in FORMATS:
        problems.error(file_name, f"unknown format '{format}': choose one of {', '.join(FORMATS)}")
        return empty_extract(file_name, UNKNOWN_FORMAT, content, problems, options=options)
    table = read_table(content, file_name=file_name, problems=problems, sheet=sheet, max_bytes=max_bytes)
    if table is None:
        return empty_extract(file_name, format or UNKNOWN_FORMAT, content, problems, options=options)
    if format is None:
        detected = detect_format_from_columns(table.columns)
        if detected.format is None:
            problems.error(file_name, detected.reason, row=table.header_row, sheet=table.sheet)
            return empty_extract(
                file_name, UNKNOWN_FORMAT, content, problems, sheet=table.sheet, options=options
            )
        chosen, why = detected.format, f"read as {detected.format}: {detected.reason}"
    else:
        chosen, why = format, f"read as {format} (chosen)"
    options["format"] = chosen
    original = prepare_in_background(content)  # beside the checks, ready for the commit
    parsed = _read_table_as(
        chosen, table, content, file_name, problems, indicators, areas, ward_set, period, options, workstreams
    )
    parsed.notes = [why, *parsed.notes]
    if parsed.content is content:
        parsed.original = original
    release_freed_memory()  # the checks' scratch arrays, which glibc would otherwise keep
    return parsed


def _read_table_as(
    chosen: str,
    table: RawTable,
    content: bytes,
    file_name: str,
    problems: Problems,
    indicators: pd.DataFrame,
    areas: pd.DataFrame,
    ward_set: str | None,
    period: str | None,
    options: dict,
    workstreams: pd.DataFrame | None,
) -> ParsedExtract:
    common = {"content": content, "file_name": file_name, "problems": problems, "options": options}
    mapping = options.get("indicator_mapping")
    if chosen == "fingertips":
        return fingertips_from_table(
            table, indicators=indicators, areas=areas, indicator_mapping=mapping, **common
        )
    if chosen == "het_tidy":
        return tidy_from_table(table, indicators=indicators, areas=areas, indicator_mapping=mapping, **common)
    if chosen == "ward_wide":
        return ward_wide_from_table(
            table,
            indicators=indicators,
            areas=areas,
            ward_set=ward_set,
            period=period,
            indicator_mapping=mapping,
            **common,
        )
    return kpis_from_table(table, workstreams=workstreams, indicators=indicators, **common)
