"""Luton 2040 / workstream KPI files (CSV or .xlsx): they update KPIs, not observations.

Columns (case-insensitive; spaces or underscores): measure, baseline, latest, target, period, owner
(required); workstream, unit, polarity, baseline_period, target_period, indicator_id (optional).
- kpi_id is a slug of the measure ('Children in absolute poverty (%)' -> 'children_in_absolute_poverty').
- baseline, latest and target are numbers ('1,349' and '45%' read; a '%' sets the unit to '%' when the
  unit is blank); blank or suppressed ('*', 'x', ...) is no value.
- period is the period of `latest`; periods read as 2024, 2024/25, 2022 - 24, Q3 2024/25, 2024/25 Q3,
  March 2025 or 2025-03-31 / 31/03/2025; anything else is an error.
- workstream is matched (case-insensitive) on the workstream id, name or also-known-as name.
- polarity: 'high is good', 'low is good' or 'no judgement' (also Fingertips' 'RAG - High is good' ...,
  'higher is better', 'lower is better').
A KPI load registers the extract (format 'kpi', the file kept), appends every row to kpi_values (the
history, append-only) and upserts the current state into kpis, in one transaction. An optional column
left blank keeps the KPI's current value.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from het.ingest import workstream_edits as edits
from het.ingest.files import RawTable, cannot_check, read_table
from het.ingest.numbers import bad_number_message, parse_numbers
from het.ingest.parsed import KPI_COLUMNS, LoadResult, ParsedExtract, empty_extract
from het.ingest.periods import read_period
from het.ingest.problems import ExtractRejected, Problems, quoted
from het.ingest.row_checker import RowChecker
from het.ingest.stored_files import keep_original, record_extract_event, sha256_of
from het.ingest.text_codes import strip
from het.store import Store, now_utc, read_query

FORMAT = "kpi"
REQUIRED = ["measure", "baseline", "latest", "target", "period", "owner"]
OPTIONAL = ["workstream", "unit", "polarity", "baseline_period", "target_period", "indicator_id"]
POLARITY_WORDS = {
    "high is good": "high is good",
    "higher is better": "high is good",
    "high": "high is good",
    "up": "high is good",
    "rag - high is good": "high is good",
    "low is good": "low is good",
    "lower is better": "low is good",
    "low": "low is good",
    "down": "low is good",
    "rag - low is good": "low is good",
    "no judgement": "no judgement",
    "no judgment": "no judgement",
    "neutral": "no judgement",
    "not applicable": "no judgement",
    "bob - blue orange blue": "no judgement",
}
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_QUARTER = re.compile(r"q[1-4]\s+\d{4}(/\d{2})?|\d{4}(/\d{2})?\s+q[1-4]")
_MONTH = re.compile(rf"({_MONTHS})[a-z]*\.?\s+\d{{4}}")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
PERIOD_EXAMPLES = "2024, 2024/25, 2022 - 24, Q3 2024/25, March 2025 or 2025-03-31"


def kpi_slug(measure: str) -> str:
    """A KPI id from its measure name: lower case words joined by '_', without a trailing '(unit)'."""
    text = re.sub(r"\s*\([^)]*\)\s*$", "", measure.strip()) or measure
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return slug[:60].rstrip("_")


def is_kpi_header(columns) -> bool:
    names = {_norm(c) for c in columns}
    return "measure" in names and bool({"latest", "baseline", "target"} & names)


def kpi_period_error(label: str) -> str | None:
    """None when a KPI period label reads (see the module docstring), else why not."""
    text = label.strip().lower()
    if read_period(label, None).error is None or _QUARTER.fullmatch(text) or _MONTH.fullmatch(text):
        return None
    for pattern, order in ((_ISO_DATE, (1, 2, 3)), (_UK_DATE, (3, 2, 1))):
        match = pattern.fullmatch(text)
        if match:
            try:
                date(*(int(match[i]) for i in order))
                return None
            except ValueError:
                return f"{quoted(label)} is not a real date"
    return f"cannot read period {quoted(label)}: expected e.g. {PERIOD_EXAMPLES}"


def _norm(name: str) -> str:
    return "_".join(str(name).lower().split())


def read_kpis(
    content: bytes,
    *,
    file_name: str,
    sheet: str | None = None,
    max_bytes: int | None = None,
    workstreams: pd.DataFrame | None = None,
    indicators: pd.DataFrame | None = None,
) -> ParsedExtract:
    """Read and check a KPI file; the result's `kpis` frame holds one row per KPI."""
    problems = Problems()
    options = {"sheet": sheet, "max_bytes": max_bytes}
    table = read_table(content, file_name=file_name, problems=problems, sheet=sheet, max_bytes=max_bytes)
    if table is None:
        return empty_extract(file_name, FORMAT, content, problems, options=options)
    return kpis_from_table(
        table,
        content=content,
        file_name=file_name,
        problems=problems,
        workstreams=workstreams,
        indicators=indicators,
        options=options,
    )


def kpis_from_table(
    table: RawTable,
    *,
    content: bytes,
    file_name: str,
    problems: Problems,
    workstreams: pd.DataFrame | None = None,
    indicators: pd.DataFrame | None = None,
    options: dict | None = None,
) -> ParsedExtract:
    """Check a KPI table that has been read into text cells."""
    options = options or {}
    raw = table.frame.reset_index(drop=True)
    names = {_norm(c): c for c in raw.columns}
    missing = [c for c in REQUIRED if c not in names]
    if cannot_check(table, missing, file_name=file_name, problems=problems):
        return empty_extract(file_name, FORMAT, content, problems, sheet=table.sheet, options=options)
    checker = RowChecker(problems, file_name, table.rows, table.sheet)

    def text(col: str) -> pd.Series:
        return strip(raw[names[col]]) if col in names else pd.Series("", index=raw.index, dtype="str")

    out = pd.DataFrame({"source_row": checker.rows})
    measure = text("measure")
    checker.flag(measure == "", names["measure"], lambda i: "the measure is empty")
    out["name"] = measure
    out["kpi_id"] = measure.map(kpi_slug)
    checker.flag(
        (measure != "") & (out["kpi_id"] == ""),
        names["measure"],
        lambda i: f"{quoted(measure.iat[i])} has no letters or digits to make a KPI id from",
    )
    unit = text("unit")
    percent_any = pd.Series(False, index=raw.index)
    for col in ("baseline", "latest", "target"):
        written = text(col)
        percent = written.str.endswith("%").fillna(False)
        percent_any |= percent
        values, suppressed, bad = parse_numbers(written.str.removesuffix("%").str.strip())
        checker.flag(bad, names[col], lambda i, w=written: bad_number_message(w.iat[i]))
        out[col] = values
    out["unit"] = unit.where(~((unit == "") & percent_any), "%").replace("", None)

    for col, target in (
        ("period", "latest_period"),
        ("baseline_period", "baseline_period"),
        ("target_period", "target_period"),
    ):
        labels = text(col)
        errors = labels.map(lambda v: kpi_period_error(v) if v else None)
        if col == "period":
            checker.flag(labels == "", names[col], lambda i: "the period of the latest value is empty")
        if col in names:
            checker.flag(errors.notna() & (labels != ""), names[col], lambda i, e=errors: str(e.iat[i]))
        out[target] = labels.replace("", None)

    owner = text("owner")
    checker.flag(
        owner == "", names["owner"], lambda i: "no owner: who is accountable for this KPI?", level="warning"
    )
    out["owner"] = owner.replace("", None)

    polarity_written = text("polarity")
    polarity = polarity_written.str.lower().map(POLARITY_WORDS)
    if "polarity" in names:
        checker.flag(
            polarity.isna() & (polarity_written != ""),
            names["polarity"],
            lambda i: f"{quoted(polarity_written.iat[i])} is not one of high is good, low is good, no judgement",
        )
    out["polarity"] = polarity.astype(object).where(polarity.notna(), None)

    out["workstream_id"] = _workstreams(text("workstream"), workstreams, checker, names.get("workstream"))
    indicator = text("indicator_id")
    if indicators is not None and "indicator_id" in names:
        known = indicator.isin(indicators["indicator_id"]) | (indicator == "")
        checker.flag(~known, names["indicator_id"], lambda i: f"unknown indicator {quoted(indicator.iat[i])}")
    out["indicator_id"] = indicator.replace("", None)

    dup = out["kpi_id"].duplicated(keep="first") & (out["kpi_id"] != "")
    first_row = out.groupby("kpi_id")["source_row"].transform("first")
    checker.flag(
        dup,
        names["measure"],
        lambda i: f"KPI {quoted(out['kpi_id'].iat[i])} appears twice (first in row {int(first_row.iat[i])})",
    )
    keep = ~checker.bad
    kpis = out.loc[keep, KPI_COLUMNS].reset_index(drop=True)
    return ParsedExtract(
        file_name,
        FORMAT,
        content,
        empty_extract(file_name, FORMAT, content, problems).observations,
        problems,
        len(raw),
        sheet=table.sheet,
        options=options,
        kpis=kpis,
        notes=list(table.notes),
    )


def _workstreams(written: pd.Series, workstreams, checker: RowChecker, column: str | None) -> pd.Series:
    if workstreams is None or column is None:
        return written.replace("", None).astype(object)
    lookup = {}
    for row in workstreams.itertuples(index=False):
        for value in (row.workstream_id, getattr(row, "name", None), getattr(row, "also_known_as", None)):
            if isinstance(value, str) and value.strip():
                lookup[" ".join(value.lower().split())] = row.workstream_id
    found = written.map(lambda v: lookup.get(" ".join(v.lower().split())) if v else None)
    known = ", ".join(sorted(workstreams["workstream_id"]))
    checker.flag(
        found.isna() & (written != ""),
        column,
        lambda i: f"unknown workstream {quoted(written.iat[i])}: expected one of {known} (or its name)",
    )
    return found.astype(object)


def commit_kpis(
    store: Store, parsed: ParsedExtract, *, loaded_by: str, source_kind: str, note: str | None = None
) -> LoadResult:
    """Register a KPI extract and update the KPIs it carries, in one transaction.

    Every row is appended to kpi_values (history); kpis holds the current state (upserted). Errors raise
    ExtractRejected and write nothing; a file already loaded (same bytes, still active) is not loaded twice.
    """
    if parsed.format != FORMAT or parsed.kpis is None:
        raise ValueError(
            f"{parsed.file_name} is a {parsed.format} extract, not a KPI file: use het.ingest.commit.commit_extract"
        )
    if parsed.problems.errors:
        raise ExtractRejected(parsed.problems.errors)
    kpis = parsed.kpis.copy()
    _check_against_store(store, parsed, kpis)
    digest = sha256_of(parsed.content)
    existing = store.query("active_extract_by_sha", sha256=digest)
    if not existing.empty:
        return LoadResult(int(existing["extract_id"].iloc[0]), parsed.file_name, already_loaded=True)
    kpis["source"] = f"KPI file {parsed.file_name}"
    with store.transaction() as cur:
        cur.register("incoming_kpis", kpis)
        try:
            status = cur.execute(read_query("preview_kpis_against_current")).df()["status"]
            counts = {s: int((status == s).sum()) for s in ("new", "revised", "unchanged")}
            extract_id = cur.execute(
                read_query("insert_extract"),
                {
                    "file_name": parsed.file_name,
                    "sha256": digest,
                    "format": FORMAT,
                    "source_kind": source_kind,
                    "loaded_by": loaded_by,
                    "loaded_at": now_utc(),
                    "rows_read": parsed.rows_read,
                    "rows_loaded": len(kpis),
                    "rows_rejected": parsed.rows_read - len(kpis),
                    "rows_new": counts["new"],
                    "rows_revised": counts["revised"],
                    "rows_unchanged": counts["unchanged"],
                    "note": note,
                },
            ).fetchone()[0]
            keep_original(cur, parsed.content)
            cur.execute(read_query("insert_kpi_values"), {"extract_id": extract_id})
            before = edits.current_items(cur, edits.KPI, workstream_id=None)
            cur.execute(read_query("upsert_kpis"), {"extract_id": extract_id})
            # A file that changes what a workstream set (a target, an owner) is kept in the history too.
            _record(cur, before, by=loaded_by, origin="kpi file", extract_id=extract_id)
            record_extract_event(cur, extract_id, "load", loaded_by, note)
        finally:
            cur.unregister("incoming_kpis")
    return LoadResult(
        extract_id,
        parsed.file_name,
        already_loaded=False,
        rows_loaded=len(kpis),
        rows_new=counts["new"],
        rows_revised=counts["revised"],
        rows_unchanged=counts["unchanged"],
        warnings=parsed.problems.warnings,
    )


def withdraw_kpis(cur, extract_id: int, *, by_user: str) -> None:
    """After a KPI file is withdrawn (inside the caller's transaction): each KPI it last set goes back to
    the newest other active file's row for it, or, where no active file has it, is removed; every field
    that changes is kept in the history (origin 'withdrawal')."""
    before = edits.current_items(cur, edits.KPI, workstream_id=None)
    for row in cur.execute(read_query("kpis_set_by_extract"), {"extract_id": extract_id}).df().itertuples():
        if pd.isna(row.from_extract):
            cur.execute(read_query("delete_kpi"), {"kpi_id": row.kpi_id})
            continue
        values = {c: (None if pd.isna(v) else v) for c, v in row._asdict().items() if c not in ("Index",)}
        values["extract_id"] = int(values.pop("from_extract"))
        cur.execute(read_query("restore_kpi"), values)
    _record(cur, before, by=by_user, origin="withdrawal", extract_id=extract_id)


def _record(cur, before: pd.DataFrame, *, by: str, origin: str, extract_id: int) -> None:
    changes = edits.field_changes(edits.KPI, before, edits.current_items(cur, edits.KPI, workstream_id=None))
    # a KPI of no workstream has no history page; the date a file set it is the file's own (the register's)
    changes = changes[changes["workstream_id"].notna() & (changes["field"] != "updated_on")]
    if len(changes):
        edits.record_history(
            cur,
            edits.KPI,
            changes,
            change_id=edits.next_change_id(cur),
            by=by,
            origin=origin,
            extract_id=extract_id,
        )


def _check_against_store(store: Store, parsed: ParsedExtract, kpis: pd.DataFrame) -> None:
    """Workstreams and indicators named must exist in the store (they may not have been checked on reading)."""
    workstreams = set(store.query("workstream_names")["workstream_id"])
    indicators = set(store.query("indicator_catalogue")["indicator_id"])
    problems = Problems()
    for row in kpis.itertuples(index=False):
        if (
            row.workstream_id is not None
            and not pd.isna(row.workstream_id)
            and row.workstream_id not in workstreams
        ):
            problems.error(
                parsed.file_name,
                f"unknown workstream '{row.workstream_id}': expected one of {', '.join(sorted(workstreams))}",
                row=int(row.source_row),
                column="workstream",
                sheet=parsed.sheet,
            )
        if (
            row.indicator_id is not None
            and not pd.isna(row.indicator_id)
            and row.indicator_id not in indicators
        ):
            problems.error(
                parsed.file_name,
                f"unknown indicator '{row.indicator_id}'",
                row=int(row.source_row),
                column="indicator_id",
                sheet=parsed.sheet,
            )
    if problems.errors:
        raise ExtractRejected(problems.errors)
