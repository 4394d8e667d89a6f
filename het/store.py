"""The het store: one DuckDB file, created and migrated in order on first use.

One process (the app, or one CLI command) owns the file: it holds a single connection and
hands out a cursor per thread. Every committed change bumps the data version, which cached
reads use as their key so that a new extract shows up at once.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = ROOT / "queries"
SCHEMA_DIR = QUERIES_DIR / "schema"
DEFAULT_DB = ROOT / "data" / "het.duckdb"

_MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
)
"""


class StoreUnavailableError(RuntimeError):
    """The store cannot be used as asked; the message says why and what to do."""


class StoreLockedError(StoreUnavailableError):
    """The store file is held by another process (usually the running app)."""


class StoreReadOnlyError(StoreUnavailableError):
    """The store file or its folder cannot be written."""


class StoreBusyError(StoreUnavailableError):
    """Another change held the store for longer than a writer waits (WRITE_WAIT_S)."""


# A change's cursor work handed to the thread that owns the cursor meanwhile (het.ingest.commit runs the
# rows' write there; het.derived.refresh queues its results after them): called with the work to queue,
# returns its future (done once that thread has done it, and everything queued before it).
OnCursor = Callable[[Callable[[duckdb.DuckDBPyConnection], None]], Future]
# How long a change waits for another change in this process to finish before giving up (seconds).
WRITE_WAIT_S = 300.0
# Each store file's data version as last read, by resolved path: every page asks for it several times a view
# (every cached read is keyed on it), and only this process can change it while it has the file open (a
# DuckDB file open for writing is locked to other processes). Forgotten whenever a Store opens the file,
# migrates it or ends a transaction on it, so the next read goes to the file; a read that raced with one of
# those (it began before) is not kept (_FORGOTTEN counts them per file).
_VERSIONS: dict[str, int] = {}
_FORGOTTEN: dict[str, int] = {}
_VERSIONS_LOCK = threading.Lock()


def _unwritable(path: Path, exc: BaseException) -> StoreReadOnlyError:
    return StoreReadOnlyError(
        f"het cannot write to its store {path}: the file or its folder is read-only or not permitted "
        f"({exc}). Make them writable by the user running het, or set HET_DB to a writable location."
    )


def default_db_path() -> Path:
    """The store file: `HET_DB` if set, else data/het.duckdb in the checkout."""
    return Path(os.environ.get("HET_DB") or DEFAULT_DB)


@functools.cache
def read_query(name: str) -> str:
    """The text of queries/<name>.sql (one statement, parameters bound as $name)."""
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no query named {name!r}: expected {path}")
    return path.read_text(encoding="utf-8")


def schema_files() -> list[tuple[int, str, Path]]:
    """The numbered migrations in queries/schema, in the order they are applied."""
    found = []
    for path in sorted(SCHEMA_DIR.glob("*.sql")):
        number, _, name = path.stem.partition("_")
        if not number.isdigit():
            raise ValueError(f"schema file {path.name} must start with a number, e.g. 003_gaps.sql")
        found.append((int(number), name, path))
    numbers = [n for n, _, _ in found]
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"two schema files share a number in {SCHEMA_DIR}: {numbers}")
    return found


def now_utc() -> datetime:
    """The current time in UTC without tzinfo (DuckDB TIMESTAMP)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Store:
    """A het DuckDB store file with its schema applied."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else default_db_path()
        self.read_only = read_only
        self._version_key = str(self.path.resolve())
        self._forget_version()
        # Changes in this process take turns (two sessions committing at once would otherwise conflict);
        # reentrant, so a change may record its progress in transactions of its own meanwhile.
        self._write_lock = threading.RLock()
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise _unwritable(self.path, exc) from exc
        try:
            self._con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"The het store {self.path} is in use by another process (is the het app running?). "
                    "Stop that process first, or set HET_DB to another store file."
                ) from exc
            raise _unwritable(self.path, exc) from exc
        if not read_only:
            try:
                self.migrate()
            except duckdb.IOException as exc:
                raise _unwritable(self.path, exc) from exc

    # -- connection -------------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for the calling thread (DuckDB connections are not shared across threads)."""
        return self._con.cursor()

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema -----------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply the schema files not yet applied, each in its own transaction; return their names."""
        cur = self.cursor()
        cur.execute(_MIGRATIONS_TABLE)
        done = {row[0] for row in cur.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        for number, name, path in schema_files():
            if number in done:
                continue
            cur.execute("BEGIN TRANSACTION")
            try:
                cur.execute(path.read_text(encoding="utf-8"))
                cur.execute(
                    "INSERT INTO schema_migrations VALUES ($v, $n, $t)",
                    {"v": number, "n": name, "t": now_utc()},
                )
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise
            applied.append(path.name)
        self._forget_version()
        return applied

    # -- reads ------------------------------------------------------------------------------
    def query(self, name: str, **params) -> pd.DataFrame:
        """Run queries/<name>.sql with bound parameters and return a DataFrame."""
        cur = self.cursor()
        try:
            return cur.execute(read_query(name), params).df()
        finally:
            cur.close()

    def data_version(self) -> int:
        """A number that changes with every committed load, withdrawal or reference reload."""
        with _VERSIONS_LOCK:
            known = _VERSIONS.get(self._version_key)
            forgotten = _FORGOTTEN.get(self._version_key, 0)
        if known is not None:
            return known
        cur = self.cursor()
        try:
            row = cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
        finally:
            cur.close()
        version = int(row[0]) if row else 0
        with _VERSIONS_LOCK:
            if _FORGOTTEN.get(self._version_key, 0) == forgotten:
                _VERSIONS[self._version_key] = version
        return version

    def _forget_version(self) -> None:
        with _VERSIONS_LOCK:
            _VERSIONS.pop(self._version_key, None)
            _FORGOTTEN[self._version_key] = _FORGOTTEN.get(self._version_key, 0) + 1

    def meta(self, key: str) -> str | None:
        row = self.cursor().execute("SELECT value FROM meta WHERE key = $k", {"k": key}).fetchone()
        return row[0] if row else None

    def table_counts(self) -> pd.DataFrame:
        """Every table and view with its row count."""
        tables = self.query("store_tables")
        cur = self.cursor()
        tables["row_count"] = [
            cur.execute(read_query("table_row_count"), {"table_name": name}).fetchone()[0]
            for name in tables["table_name"]
        ]
        return tables

    def content_checksum(self) -> str:
        """A sha256 over every user table's rows, to show a failed load left the store as it was."""
        cur = self.cursor()
        digest = hashlib.sha256()
        tables = self.query("store_tables")
        for table in sorted(tables.loc[tables["kind"] == "table", "table_name"]):
            rows = cur.execute(read_query("table_rows_ordered"), {"table_name": table}).fetchall()
            digest.update(table.encode())
            digest.update(repr(rows).encode())
        return digest.hexdigest()

    # -- writes -----------------------------------------------------------------------------
    @contextmanager
    def transaction(self, *, bump_version: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction on a fresh cursor: commit and bump the data version, or roll back."""
        if self.read_only:
            raise PermissionError(f"the store {self.path} was opened read-only")
        if not self._write_lock.acquire(timeout=WRITE_WAIT_S):
            raise StoreBusyError(
                f"Another change has been writing to the store for over {WRITE_WAIT_S:.0f} seconds: nothing "
                "was changed. Wait for it to finish (the pages say when statistics are being updated), then try "
                "again."
            )
        cur = self.cursor()
        try:
            cur.execute("BEGIN TRANSACTION")
            try:
                if bump_version:  # first, so work inside the transaction sees the version it will commit as
                    cur.execute(read_query("bump_data_version"))
                yield cur
                cur.execute("COMMIT")
            except duckdb.IOException as exc:
                cur.execute("ROLLBACK")
                raise _unwritable(self.path, exc) from exc
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        finally:
            cur.close()
            self._forget_version()
            self._write_lock.release()


def set_meta(cur: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Set one meta key inside the caller's transaction."""
    cur.execute(read_query("set_meta"), {"key": key, "value": value})


def mark_observations_changed(cur: duckdb.DuckDBPyConnection) -> None:
    """Record, inside a committing transaction, that the current observations changed at this version."""
    version = cur.execute(read_query("current_data_version")).fetchall()[0][0]
    set_meta(cur, "observations_version", str(version))
