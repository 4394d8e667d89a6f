"""Reading, checking, previewing and committing extracts (Fingertips, het tidy, wide ward tables, KPIs).

read_extract (format detected, or chosen) -> ParsedExtract -> preview_extract; het.loads commits it
(commit.commit_extract for observations, kpis.commit_kpis for KPIs); het.ingest.indicators handles
indicators a file names that the catalogue does not know. files.py reads bytes into text cells;
checks.py holds the row checks every reader shares.
"""

from het.ingest.parsed import ParsedExtract
from het.ingest.read import detect_format, read_extract

__all__ = ["ParsedExtract", "detect_format", "read_extract"]
