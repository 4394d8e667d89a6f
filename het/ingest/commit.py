"""Commit a checked extract of observations in one transaction, and withdraw one. Nothing is ever
overwritten. het.loads calls these and then refreshes the derived results; they never do."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pyarrow as pa

from het.ingest.indicators import insert_pending
from het.ingest.parsed import LoadResult, ParsedExtract
from het.ingest.problems import ExtractRejected
from het.ingest.stored_files import compress, keep_original, record_extract_event, sha256_of
from het.store import OnCursor, Store, mark_observations_changed, now_utc, read_query


def commit_extract(
    store: Store,
    parsed: ParsedExtract,
    *,
    loaded_by: str,
    source_kind: str,
    note: str | None = None,
    new_indicators: Sequence[dict] = (),
    alongside: Callable[[duckdb.DuckDBPyConnection], Callable[[OnCursor], None] | None] | None = None,
    then: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> LoadResult:
    """Write the extract record, its original file and its observations in one transaction.

    new_indicators are the local indicators the analyst defined for this file (rows of
    het.ingest.indicators.local_indicator_row): they are added in the same transaction, so a load that is
    not committed leaves the catalogue as it was.

    `then`, if given, runs inside the same transaction once the rows are written (het.loads recomputes
    the statistics there, so the load and its statistics commit together); if it raises, nothing is
    written. `alongside`, if given, is called in the transaction before the rows are written; the work it
    returns, if any, runs on this thread while another writes the rows. That work must not use the
    cursor: it is given a function that queues work for the cursor (called with it) on the writing
    thread, after the rows, in order, and returns its future; the transaction goes on once all of it is
    done, and the first error among it raises. het.loads computes a first load's statistics from the rows
    meanwhile, and has them written there as they are computed.

    An extract with errors raises ExtractRejected and writes nothing. A file whose exact bytes are already
    loaded and active is recognised and not loaded again (and neither `alongside` nor `then` runs).
    """
    if parsed.format == "kpi":
        raise ValueError(
            f"{parsed.file_name} is a KPI file: it updates KPIs (het.ingest.kpis.commit_kpis), not observations"
        )
    if parsed.problems.errors:
        raise ExtractRejected(parsed.problems.errors)
    # The original's hash and compressed form: usually under way since the read (read_extract), else
    # computed here in background threads (both release the GIL); a file already loaded is found first,
    # inside the transaction, which then rolls back. The compressed form is waited for only once DuckDB has
    # compared and written the rows.
    try:
        with ThreadPoolExecutor(max_workers=2) as pool, store.transaction() as cur:
            if parsed.original is not None:
                hashed = pool.submit(lambda: parsed.original.result().digest)
                compressed = pool.submit(lambda: parsed.original.result().compressed)
            else:
                hashed = pool.submit(sha256_of, parsed.content)
                compressed = pool.submit(compress, parsed.content)
            existing = cur.execute(
                read_query("active_extract_by_sha"), {"sha256": hashed.result()}
            ).fetchall()
            if existing:  # before any work is started on its rows
                raise _AlreadyLoaded(int(existing[0][0]))
            insert_pending(cur, new_indicators)
            meanwhile = alongside(cur) if alongside is not None else None
            write = functools.partial(
                _write_extract,
                cur,
                parsed,
                hashed,
                compressed,
                loaded_by=loaded_by,
                source_kind=source_kind,
                note=note,
            )
            if meanwhile is None:
                result = write()
            else:  # the rows written on the cursor's own thread (DuckDB leaves Python's lock free) beside the
                # work, which queues what it writes there after them
                with ThreadPoolExecutor(max_workers=1, thread_name_prefix="het-cursor") as on_cursor:
                    writing = on_cursor.submit(write)
                    queued = []

                    def queue(work):
                        queued.append(on_cursor.submit(work, cur))
                        return queued[-1]

                    try:
                        meanwhile(queue)
                    finally:  # waited for even if the work failed: nothing outlives the transaction
                        result = writing.result()
                        for done in queued:
                            done.result()
            if then is not None:
                then(cur)
    except _AlreadyLoaded as loaded:
        return LoadResult(loaded.extract_id, parsed.file_name, already_loaded=True)
    return LoadResult(**result)


class _AlreadyLoaded(Exception):
    def __init__(self, extract_id: int):
        self.extract_id = extract_id


def _write_extract(cur, parsed: ParsedExtract, hashed, compressed, *, loaded_by, source_kind, note) -> dict:
    """The commit's statements, inside the caller's transaction; returns LoadResult fields."""
    observations = parsed.observations
    # Registered as an Arrow table: DuckDB inserts it about twice as fast as the pandas frame it wraps
    # (the string columns are Arrow-backed already, so the conversion copies next to nothing).
    cur.register("incoming", pa.Table.from_pandas(observations, preserve_index=False))
    try:
        rows_new, rows_revised, rows_unchanged = cur.execute(read_query("incoming_vs_current")).fetchone()
        digest = hashed.result()  # the caller found no active extract with these bytes
        extract_id = cur.execute(
            read_query("insert_extract"),
            {
                "file_name": parsed.file_name,
                "sha256": digest,
                "format": parsed.format,
                "source_kind": source_kind,
                "loaded_by": loaded_by,
                "loaded_at": now_utc(),
                "rows_read": parsed.rows_read,
                "rows_loaded": len(observations),
                "rows_rejected": parsed.rows_read - len(observations),
                "rows_new": rows_new,
                "rows_revised": rows_revised,
                "rows_unchanged": rows_unchanged,
                "note": note,
            },
        ).fetchone()[0]
        cur.execute(read_query("insert_observations"), {"extract_id": extract_id})
        keep_original(
            cur, parsed.content, digest=digest, compressed=compressed.result(), size_bytes=parsed.size_bytes
        )
        record_extract_event(cur, extract_id, "load", loaded_by, note)
        mapped_at = now_utc()
        for source_key, indicator_id in (parsed.options.get("indicator_mapping") or {}).items():
            cur.execute(  # remembered, so the same file loads next time without asking
                read_query("insert_indicator_mapping"),
                {
                    "source_key": str(source_key),
                    "format": parsed.format,
                    "indicator_id": indicator_id,
                    "extract_id": extract_id,
                    "mapped_by": loaded_by,
                    "mapped_at": mapped_at,
                },
            )
    finally:
        cur.unregister("incoming")
    mark_observations_changed(cur)
    return {
        "extract_id": extract_id,
        "file_name": parsed.file_name,
        "already_loaded": False,
        "rows_loaded": len(observations),
        "rows_new": rows_new,
        "rows_revised": rows_revised,
        "rows_unchanged": rows_unchanged,
        "warnings": parsed.problems.warnings,
    }


def withdraw_extract(
    store: Store,
    extract_id: int,
    *,
    by_user: str,
    note: str | None = None,
    then: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> None:
    """Withdraw an active extract: its rows stay, and the values it had superseded become current again.

    `then`, if given, runs inside the same transaction after the withdrawal is written (see
    commit_extract); if it raises, nothing is written.
    """
    with store.transaction() as cur:
        withdraw_extract_in(cur, extract_id, by_user=by_user, note=note)
        if then is not None:
            then(cur)


def withdraw_extract_in(
    cur, extract_id: int, *, by_user: str, note: str | None = None, observations: bool = True
) -> None:
    """The withdrawal's statements, inside the caller's transaction (see withdraw_extract).

    observations=False for an extract that holds none (a KPI file): the observations' version stays, so
    the derived results are not taken to lag them."""
    changed = cur.execute(
        read_query("set_extract_status"),
        {"extract_id": extract_id, "old_status": "active", "new_status": "withdrawn"},
    ).fetchall()
    if not changed:
        raise ValueError(f"extract {extract_id} is not an active extract (see `python -m het extracts list`)")
    record_extract_event(cur, extract_id, "withdraw", by_user, note)
    if observations:
        mark_observations_changed(cur)
