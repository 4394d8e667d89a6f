"""Reading, checking, previewing and committing extracts (Fingertips, het tidy, wide ward tables, KPIs).

read_extract (format detected, or chosen) -> ParsedExtract -> preview_extract; het.loads commits it
(commit.commit_extract for observations, kpis.commit_kpis for KPIs); het.ingest.indicators handles
indicators a file names that the catalogue does not know. files.py reads bytes into text cells. The
readers share: row_checker (RowChecker, the problems about rows), text_codes (text columns as codes),
numbers, ranges, duplicates, periods (period labels and ward sets), indicator_keys, extra_columns and
lookups.
"""

from het.ingest.parsed import ParsedExtract
from het.ingest.read import detect_format, read_extract

__all__ = ["ParsedExtract", "detect_format", "read_extract"]
