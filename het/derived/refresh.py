"""Refresh the derived tables (benchmarks, trends, gaps, gaps over time) for what a change touched.

A change touches (indicator, area, sex, age) keys. Their derived results, and those that depend on them
(queries/refresh_targets.sql: every area of a slice whose England value changed, the wards of a changed
authority, the authority of a changed ward), are deleted and computed again from the observations they
depend on (queries/refresh_input_keys.sql). Everything else stays as it was. Every derived result depends
only on its own (indicator, sex, age) slice and, within it, on those inputs, so the outcome equals a full
refresh exactly (tests/derived/test_refresh.py checks it on random sequences of loads and withdrawals).

het.loads runs the refresh inside the change's own transaction (plan_refresh, then write_refresh), so a
change and its statistics become visible together. If computing the statistics fails, the change still
commits alone: a statistics failure never undoes a load; it is recorded (meta 'derived_error') and the
next refresh is a full one. While a refresh runs, running_state(store) says how far it is, for every
page to show: it is held in this process's memory, which is enough, because the process that has the store
open is the only one that can read it (a DuckDB file open for writing is locked to other processes), and
a refresh cut off with its process leaves nothing to redo (its transaction never committed). Only
het.loads calls into this module.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from het.derived.codes import combined, shared_codes
from het.derived.gaps import DERIVED_TABLES, SII_REPETITIONS, DerivedResults, compute_derived
from het.stats.groups import group_numbers
from het.store import OnCursor, Store, now_utc, read_query, set_meta
from het.vocabulary import ENGLAND

KEY = ["indicator_id", "area_code", "sex", "age"]
# Target keys computed together (a key is one indicator x area x sex x age series): whole indicators at a
# time, about this many keys per batch, so memory stays bounded whatever the size of the change.
BATCH_KEYS = 500
# Derived tables cleared wholesale by a full refresh: constant statements over a fixed list of tables.
_CLEAR = {
    "benchmark_results": "DELETE FROM benchmark_results",
    "trend_results": "DELETE FROM trend_results",
    "gap_results": "DELETE FROM gap_results",
    "gap_trends": "DELETE FROM gap_trends",
}
# Each derived table's rows inserted from the registered Arrow table `derived_rows`, by column name.
_INSERT = {
    "benchmark_results": "INSERT INTO benchmark_results BY NAME SELECT * FROM derived_rows",
    "trend_results": "INSERT INTO trend_results BY NAME SELECT * FROM derived_rows",
    "gap_results": "INSERT INTO gap_results BY NAME SELECT * FROM derived_rows",
    "gap_trends": "INSERT INTO gap_trends BY NAME SELECT * FROM derived_rows",
}
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Touched:
    """The (indicator, area, sex, age) keys a change touched; keys=None means everything."""

    keys: pd.DataFrame | None

    @classmethod
    def everything(cls) -> Touched:
        return cls(None)

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Touched:
        """The keys of an observations frame (indicator_id, area_code, sex, age columns)."""
        # Distinct first (a few thousand keys among hundreds of thousands of rows), then as text.
        keys = frame[KEY].drop_duplicates().astype(str).drop_duplicates().reset_index(drop=True)
        return cls(keys)

    @property
    def is_everything(self) -> bool:
        return self.keys is None


@dataclass(frozen=True)
class RefreshResult:
    """How a refresh ended: None, or the error that stopped it (also recorded for every page)."""

    error: str | None = None


def needs_full_refresh(store: Store) -> bool:
    """True when an earlier refresh failed or never ran (a crash between commit and refresh)."""
    derived = int(store.meta("derived_version") or 0)
    observed = int(store.meta("observations_version") or 0)
    return bool(store.meta("derived_error")) or derived < observed


@dataclass(frozen=True)
class RefreshPlan:
    """What a refresh will write: the target keys and their recomputed results, at one data version."""

    targets: pd.DataFrame
    results: DerivedResults | None  # None: already written, batch by batch as computed (plan_first_load)
    version: int
    full: bool


def refresh(
    store: Store,
    touched: Touched,
    *,
    repetitions: int = SII_REPETITIONS,
    progress: Progress | None = None,
) -> RefreshResult:
    """Recompute the derived results a change touched, in a transaction of its own.

    Used when no change is being committed with it (a reference reload, recovering after a failure).
    Returns what was done; on failure the error is recorded in meta 'derived_error' (shown by every
    page) and returned, the derived tables stay as they were, and the next refresh is a full one.
    """
    with running(store):
        try:
            with store.transaction() as cur:
                refresh_in_transaction(
                    cur, touched, repetitions=repetitions, progress=reporting(store, progress)
                )
        except Exception as exc:  # noqa: BLE001 - any failure here must be reported, not lose a change
            return record_failure(store, exc)
    return RefreshResult()


def refresh_in_transaction(
    cur: duckdb.DuckDBPyConnection,
    touched: Touched,
    *,
    repetitions: int = SII_REPETITIONS,
    progress: Progress | None = None,
) -> tuple[int, bool]:
    """The refresh's reads and writes inside the caller's transaction; returns (targets, full)."""
    plan = plan_refresh(cur, touched, repetitions=repetitions, progress=progress)
    write_refresh(cur, plan)
    return len(plan.targets), plan.full


def plan_refresh(
    cur: duckdb.DuckDBPyConnection,
    touched: Touched,
    *,
    repetitions: int = SII_REPETITIONS,
    progress: Progress | None = None,
) -> RefreshPlan:
    """Read what the touched keys' results depend on and compute them; writes nothing.

    Inside the transaction of the change itself (het.loads), so it sees the change's own rows: the
    change and its statistics then commit together, and no reader ever sees new values beside old gaps.
    """
    version = cur.execute(read_query("current_data_version")).fetchall()[0][0]
    full = touched.is_everything
    if full:
        targets = cur.execute(read_query("all_observation_keys")).df()
    else:
        cur.register("touched_keys", touched.keys)
        try:
            targets = cur.execute(read_query("refresh_targets"), {"england_code": ENGLAND}).df()
        finally:
            cur.unregister("touched_keys")
    pack = cur.execute(read_query("deprivation_group_populations")).df()
    results = _compute_in_batches(cur, targets, pack, repetitions=repetitions, progress=progress)
    return RefreshPlan(targets, results, version, full)


def plan_first_load(
    cur: duckdb.DuckDBPyConnection,
    observations: pd.DataFrame,
    *,
    repetitions: int = SII_REPETITIONS,
    progress: Progress | None = None,
) -> Callable[[OnCursor], RefreshPlan] | None:
    """The refresh of a load's rows planned from the rows themselves, before they are written, when they
    are the first the store holds of their indicators; None otherwise (then plan_refresh, after the write).

    When the store holds no current observation of any indicator the rows hold, the refresh's inputs
    once they are written are exactly these rows: its targets are the touched keys and what
    queries/refresh_targets.sql adds to them, whose expansions through the stored observations find none
    of these indicators before the write, and after it only keys the rows have. So what the refresh reads
    from the store (version, targets, lookups, group populations) is read now, on the cursor, and the
    computation returned does not use the cursor itself: het.loads runs it while another thread writes the
    rows, and it hands its results to `on_cursor`, which writes them on that thread after the rows: each
    time that thread is free, every batch computed by then is written in one go, while the engine goes on
    with the next (DuckDB stores a few large appends for less than many small ones). If the computation
    fails, the targets' rows it wrote are deleted again (queued after them) and the error raised. Its
    results equal plan_refresh's after the write (tests/derived/test_refresh.py checks it).
    """
    indicators = sorted({str(value) for value in observations["indicator_id"].unique()})
    found = cur.execute(read_query("active_observations_exist"), {"indicator_ids": indicators}).fetchall()
    if found[0][0] or observations.empty:
        return None
    version = cur.execute(read_query("current_data_version")).fetchall()[0][0]
    cur.register("touched_keys", Touched.of(observations).keys)
    try:
        targets = cur.execute(read_query("refresh_targets"), {"england_code": ENGLAND}).df()
    finally:
        cur.unregister("touched_keys")
    pack = cur.execute(read_query("deprivation_group_populations")).df()
    columns = InputColumns.read(cur)
    rows = _as_input_rows(observations, _input_schema(cur))  # the frame's own buffers, mostly

    def compute(on_cursor: OnCursor) -> RefreshPlan:
        # No derived row of these indicators can be stored (none of their observations is): cleared anyway,
        # before any is written, so the outcome never depends on it.
        cleared = on_cursor(functools.partial(_delete_targets, targets=targets))  # done once rows are written
        batches = _batches(targets)
        # Each batch's rows taken as it comes (one batch's copy at a time), found by the indicator's code:
        # the text is encoded once, not looked up once per batch.
        encoded = pc.dictionary_encode(rows.column("indicator_id")).combine_chunks()
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        code_of = {value: code for code, value in enumerate(encoded.dictionary.to_pylist())}
        batch_rows = (
            columns.attach(
                _rows_at(rows, np.flatnonzero(np.isin(codes, [code_of[i] for i in batch if i in code_of])))
            )
            for batch in batches
        )

        # Batches' results wait until the cursor's thread is free (the rows written, and what was handed
        # to it before), then all that waits is written in one go: DuckDB stores large appends for less.
        waiting: list[DerivedResults] = []
        last = cleared  # the cursor's thread is free once this is done

        def write_waiting() -> None:
            nonlocal last
            last = on_cursor(functools.partial(_insert, results=_combined(waiting), version=version))
            waiting.clear()

        def written(results: DerivedResults) -> None:
            waiting.append(results)
            if last.done():
                write_waiting()

        try:  # every row is a target's, so every result is (no rows read for context to leave out)
            _computed(
                batches, None, batch_rows, pack, repetitions=repetitions, progress=progress, written=written
            )
            if waiting:
                write_waiting()
        except BaseException:
            on_cursor(functools.partial(_delete_targets, targets=targets))  # what was written of it goes
            raise
        return RefreshPlan(targets, None, version, full=False)

    return compute


def _combined(parts: list[DerivedResults]) -> DerivedResults:
    """Several batches' results as one."""
    return DerivedResults(
        **{
            name: _concat([frame for part in parts if not (frame := getattr(part, name)).empty])
            for name in DERIVED_TABLES
        }
    )


def _rows_at(table: pa.Table, positions: np.ndarray) -> pa.Table:
    """The table's rows at these ascending positions: a slice, without a copy, when they are one run (a
    file's rows usually come an indicator at a time)."""
    if len(positions) and positions[-1] - positions[0] + 1 == len(positions):
        return table.slice(int(positions[0]), len(positions))
    return table.take(positions)


def _input_schema(cur: duckdb.DuckDBPyConnection) -> pa.Schema:
    """The columns and types of queries/gap_inputs.sql's rows, as DuckDB gives them."""
    cur.register("input_keys", pd.DataFrame({column: pd.Series(dtype=str) for column in KEY}))
    try:
        return cur.sql(read_query("gap_inputs")).to_arrow_table().schema
    finally:
        cur.unregister("input_keys")


def _as_input_rows(observations: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """A load's rows as queries/gap_inputs.sql would give them once stored: its columns, each of the type
    DuckDB gives (numbers cast to the store's types; text may stay dictionary-encoded, which
    _as_inputs reads alike, but the two key columns looked up by InputColumns.attach are plain text)."""
    table = pa.Table.from_pandas(observations[schema.names], preserve_index=False)
    columns = []
    for field in schema:
        column = table.column(field.name)
        if _is_text(column.type) and _is_text(field.type) and field.name not in ("indicator_id", "area_code"):
            columns.append(column)
        else:
            columns.append(column.cast(field.type))
    return pa.table(columns, names=schema.names)


def write_refresh(cur: duckdb.DuckDBPyConnection, plan: RefreshPlan) -> None:
    """Replace the targets' derived rows with the plan's (unless written already), and record the version
    they are for."""
    if plan.results is not None:
        _write(cur, plan.targets, plan.results, version=plan.version, full=plan.full)
    set_meta(cur, "derived_version", str(plan.version))
    set_meta(cur, "derived_error", "")


def record_failure(store: Store, exc: BaseException) -> RefreshResult:
    """Record a refresh that failed (every page shows it; the next refresh is a full one)."""
    message = f"{type(exc).__name__}: {exc}"
    with store.transaction(bump_version=False) as cur:
        set_meta(cur, "derived_error", message)
    return RefreshResult(message)


# What each store's running refresh has done, by store file: written by the refresh, read by every page.
_RUNNING: dict[str, dict] = {}
_RUNNING_LOCK = threading.Lock()


def _running_key(store: Store) -> str:
    return str(Path(store.path).resolve())


def running_state(store: Store) -> dict | None:
    """While a refresh of this store runs: started_at, done and total indicators, and which; else None."""
    with _RUNNING_LOCK:
        state = _RUNNING.get(_running_key(store))
        return dict(state) if state is not None else None


@contextmanager
def running(store: Store) -> Iterator[None]:
    """Mark a refresh of the store as running, for every page of this process to see, until it ends."""
    _set_running(store, {"started_at": now_utc().isoformat(timespec="seconds"), "done": 0, "total": 0})
    try:
        yield
    finally:
        _set_running(store, None)


def _batches(targets: pd.DataFrame) -> list[list[str]]:
    """The targets' indicators in batches: whole indicators, about BATCH_KEYS target keys per batch."""
    sizes = targets.groupby("indicator_id", sort=True).size()
    # A slice's inputs are about its targets' rows; batch indicators so each batch's targets stay bounded.
    batches, current, current_size = [], [], 0
    for indicator, size in sizes.items():
        if current and current_size + size > BATCH_KEYS:
            batches.append(current)
            current, current_size = [], 0
        current.append(indicator)
        current_size += size
    if current:
        batches.append(current)
    return batches


def _compute_in_batches(cur, targets, pack, *, repetitions, progress) -> DerivedResults:
    """compute_derived over the targets' inputs read from the store, a batch of indicators at a time."""
    batches = _batches(targets)
    batch_targets = [targets[targets["indicator_id"].isin(batch)] for batch in batches]
    # The next batch's inputs are read (DuckDB, which releases the GIL) while this one is computed. Only
    # the reading thread uses the cursor; leaving the pool waits for it, so nothing outlives the refresh.
    # DuckDB reads on one thread meanwhile, so the engine keeps a core of its own (on 2 cores, ~20% faster).
    columns = InputColumns.read(cur)
    with _duckdb_threads(cur, 1), ThreadPoolExecutor(max_workers=1) as reader:

        def read_ahead() -> Iterator[pa.Table]:
            reading = reader.submit(_input_table, cur, batch_targets[0], columns) if batches else None
            for number in range(len(batches)):
                rows = reading.result()
                if number + 1 < len(batches):
                    reading = reader.submit(_input_table, cur, batch_targets[number + 1], columns)
                yield rows

        found: list[DerivedResults] = []
        _computed(
            batches,
            batch_targets,
            read_ahead(),
            pack,
            repetitions=repetitions,
            progress=progress,
            written=found.append,
        )
        return _combined(found)


def _computed(batches, batch_targets, batch_rows, pack, *, repetitions, progress, written) -> None:
    """compute_derived over each batch's input rows (an iterator of Arrow tables, one per batch), handing
    `written` each batch's results as they are computed: the rows of each table whose key is one of the
    batch's targets (batch_targets; None: all of them)."""
    done, total = 0, sum(len(batch) for batch in batches)
    for number, (batch, rows) in enumerate(zip(batches, batch_rows, strict=True)):
        # Converted here, not in the reading thread: two threads of Python work would take turns with
        # Python's lock, and each slows the other more than the conversion costs (measured on 2 cores).
        inputs = _as_inputs(rows)
        del rows
        targets = None if batch_targets is None else batch_targets[number]
        written(_compute_batch(inputs, targets, pack, repetitions=repetitions))
        del inputs
        done += len(batch)
        if progress is not None:
            progress(done, total, ", ".join(batch))


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The batches' frames as one, text that is categorical in every batch kept categorical (pandas would
    make a column of strings of it wherever the batches' categories differ, slow to store)."""
    if not frames:
        return pd.DataFrame()
    shared = [
        column
        for column in frames[0].columns
        if all(isinstance(f[column].dtype, pd.CategoricalDtype) for f in frames if column in f.columns)
    ]
    if len(frames) > 1 and shared:
        categories = {
            column: pd.Index(
                np.concatenate([f[column].cat.categories.to_numpy(dtype=object) for f in frames]),
                dtype=object,
            ).unique()
            for column in shared
        }
        frames = [
            f.assign(**{c: f[c].cat.set_categories(categories[c]) for c in shared if c in f.columns})
            for f in frames
        ]
    return pd.concat(frames, ignore_index=True)


@contextmanager
def _duckdb_threads(cur: duckdb.DuckDBPyConnection, threads: int) -> Iterator[None]:
    """DuckDB's thread count set for the duration (a setting of the whole database, put back after)."""
    before = int(cur.execute("SELECT current_setting('threads')").fetchone()[0])
    cur.execute(f"SET threads = {int(threads)}")  # an int: SET takes no bound parameters
    try:
        yield
    finally:
        cur.execute(f"SET threads = {before}")


def _compute_batch(inputs, batch_targets, pack, *, repetitions) -> DerivedResults:
    """compute_derived over one batch's inputs, each table keeping its target rows (every row when
    batch_targets is None)."""
    if inputs.empty:
        return DerivedResults(**{name: pd.DataFrame() for name in DERIVED_TABLES})
    results = compute_derived(inputs, group_populations=pack, repetitions=repetitions)
    if batch_targets is None:
        return results
    frames = {name: getattr(results, name) for name in DERIVED_TABLES}
    return DerivedResults(
        **{
            name: frame if frame.empty else _keep_targets(frame, batch_targets)
            for name, frame in frames.items()
        }
    )


INPUT_ORDER = ["indicator_id", "area_code", "sex", "age", "breakdown", "category", "period_sort"]


@dataclass(frozen=True)
class InputColumns:
    """The indicator and area columns of the engine's inputs, one row per indicator and per area code
    (queries/gap_input_indicators.sql, queries/gap_input_areas.sql): read once per refresh and given to
    each batch's rows by code, instead of being joined onto every row in DuckDB and converted row by row."""

    indicators: pa.Table
    areas: pa.Table

    @classmethod
    def read(cls, cur: duckdb.DuckDBPyConnection) -> InputColumns:
        def encoded(table: pa.Table, key: str) -> pa.Table:  # text dictionary-encoded once, the key kept
            return pa.table(
                {
                    name: column.dictionary_encode()
                    if name != key and pa.types.is_string(column.type)
                    else column
                    for name, column in zip(table.column_names, table.columns, strict=True)
                }
            )

        return cls(
            encoded(cur.sql(read_query("gap_input_indicators")).to_arrow_table(), "indicator_id"),
            encoded(cur.sql(read_query("gap_input_areas")).to_arrow_table(), "area_code"),
        )

    def attach(self, rows: pa.Table) -> pa.Table:
        """The rows (queries/gap_inputs.sql) with their indicator's and area's columns after their own, as
        an inner join on the indicator and a left join on the area would give them, in the rows' order."""
        indicator = pc.index_in(rows.column("indicator_id"), value_set=self.indicators.column("indicator_id"))
        if indicator.null_count:  # an indicator the catalogue does not hold: its rows are not inputs
            known = pc.is_valid(indicator)
            rows, indicator = rows.filter(known), indicator.filter(known)
        area = pc.index_in(rows.column("area_code"), value_set=self.areas.column("area_code"))
        columns = dict(zip(rows.column_names, rows.columns, strict=True))
        for lookup, positions, key in (
            (self.indicators, indicator, "indicator_id"),
            (self.areas, area, "area_code"),
        ):
            taken = lookup.drop_columns([key]).take(positions)
            columns.update(zip(taken.column_names, taken.columns, strict=True))
        return pa.table(columns)


def inputs_for_keys(cur, keys: pd.DataFrame, columns: InputColumns | None = None) -> pd.DataFrame:
    """The gap engine's inputs for (indicator_id, area_code, sex, age) keys, text as categoricals, in one
    fixed order.

    Text columns repeat (a few codes, sexes, ages, labels), so they are dictionary-encoded: the engine's
    grouping and merging then work on small integer codes. The order is fixed (sorted categories; rows in
    INPUT_ORDER, text by code point and missing last, sorted on those codes) because an incremental
    refresh must give exactly what a full one does.
    """
    return _as_inputs(_input_rows(cur, keys, columns if columns is not None else InputColumns.read(cur)))


def _input_rows(cur, keys: pd.DataFrame, columns: InputColumns) -> pa.Table:
    """The keys' input rows as Arrow, with their indicator and area columns: DuckDB and Arrow work only,
    which leave Python's lock free, so the reading thread hardly holds up the engine beside it."""
    cur.register("input_keys", keys)
    try:
        return columns.attach(cur.sql(read_query("gap_inputs")).to_arrow_table())
    finally:
        cur.unregister("input_keys")


def _as_inputs(table: pa.Table) -> pd.DataFrame:
    """Input rows as the engine takes them: text as sorted categoricals, rows in INPUT_ORDER (text by
    code point, missing last: the order group_numbers gives, and DuckDB's sorting the text itself)."""
    converted = {}
    for name in table.column_names:
        column = table.column(name)
        if _is_text(column.type):
            codes, categories = _sorted_categorical(column)
            converted[name] = pd.Categorical.from_codes(codes, categories=categories, validate=False)
        else:
            converted[name] = column.to_pandas()
    frame = pd.DataFrame(converted)
    order = np.argsort(group_numbers(frame, INPUT_ORDER), kind="stable")
    return frame.take(order).reset_index(drop=True)


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _sorted_categorical(column: pa.ChunkedArray) -> tuple[np.ndarray, pd.Index]:
    """A text column (plain or dictionary-encoded) as codes into the distinct values it holds, sorted
    (Python's order, by code point); -1 where missing."""
    encoded = column.combine_chunks() if pa.types.is_dictionary(column.type) else None
    if encoded is None:
        encoded = column.dictionary_encode().combine_chunks()
    raw = encoded.indices.to_numpy(zero_copy_only=False)
    nulls = encoded.indices.is_null().to_numpy(zero_copy_only=False) if encoded.indices.null_count else None
    raw = raw.astype(np.int64) if nulls is None else np.where(nulls, -1, raw).astype(np.int64)
    held = np.bincount(raw[raw >= 0], minlength=len(encoded.dictionary)) > 0  # a lookup's values not all used
    categories = pd.Index(np.asarray(encoded.dictionary.to_pylist(), dtype=object)[held], dtype=object)
    order = categories.argsort(kind="stable")
    remap = np.full(len(encoded.dictionary) + 1, -1, dtype=np.int64)  # the last slot: missing stays -1
    remap[np.flatnonzero(held)[order]] = np.arange(len(order))
    return remap[raw], categories[order]


def _inputs(cur, targets: pd.DataFrame, columns: InputColumns | None = None) -> pd.DataFrame:
    """The gap engine's inputs for the targets: the observations their results depend on
    (queries/refresh_input_keys.sql), as inputs_for_keys gives them."""
    return _as_inputs(_input_table(cur, targets, columns if columns is not None else InputColumns.read(cur)))


def _input_table(cur, targets: pd.DataFrame, columns: InputColumns) -> pa.Table:
    """_inputs before its conversion to the engine's frame (the reading thread's part)."""
    cur.register("targets", targets)
    try:
        keys = cur.execute(read_query("refresh_input_keys"), {"england_code": ENGLAND}).df()
    finally:
        cur.unregister("targets")
    return _input_rows(cur, keys, columns)


def _keep_targets(frame: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The rows of a derived frame whose key is a target (inputs read for context are not results)."""
    found, wanted, sizes = [], [], []
    for column in KEY:  # coded together, through the frame's categories where it has them
        (in_frame, in_targets), values = shared_codes(frame[column], targets[column])
        found.append(in_frame)
        wanted.append(in_targets)
        sizes.append(len(values) + 1)
    found_key, wanted_key = combined(found, sizes), combined(wanted, sizes)
    if found_key is None or wanted_key is None:  # too many keys to pack: compared as text
        keys = pd.MultiIndex.from_frame(frame[KEY].astype(str))
        keep = keys.isin(pd.MultiIndex.from_frame(targets[KEY].astype(str)))
    else:
        keep = np.isin(found_key, wanted_key)
    return frame if keep.all() else frame[keep]  # every key a target: the usual case of a load


def _write(cur, targets: pd.DataFrame, results: DerivedResults, *, version: int, full: bool) -> None:
    if full:
        for name in DERIVED_TABLES:
            cur.execute(_CLEAR[name])
    else:
        _delete_targets(cur, targets)
    _insert(cur, results, version)


def _delete_targets(cur, targets: pd.DataFrame) -> None:
    """Delete the targets' rows from every derived table."""
    cur.register("targets", targets)
    try:
        for name in DERIVED_TABLES:
            cur.execute(read_query(f"delete_{name}_of_targets"))
    finally:
        cur.unregister("targets")


def _insert(cur, results: DerivedResults, version: int) -> None:
    """Add the results' rows to each derived table, stamped with the data version."""
    for name in DERIVED_TABLES:
        frame = getattr(results, name)
        if frame.empty:
            continue
        columns = [c for c in _table_columns(cur, name) if c in frame.columns]
        # As Arrow, categoricals as dictionaries: DuckDB stores them without a Python string per row.
        rows = pa.Table.from_pandas(frame[columns].assign(data_version=version), preserve_index=False)
        cur.register("derived_rows", rows)
        try:
            cur.execute(_INSERT[name])
        finally:
            cur.unregister("derived_rows")


def _table_columns(cur, table: str) -> list[str]:
    """A derived table's columns, read once per process (the schema is fixed once migrations ran)."""
    if table not in _COLUMNS:
        found = cur.execute(read_query("table_columns"), {"table_name": table}).fetchall()
        _COLUMNS[table] = [row[0] for row in found]
    return _COLUMNS[table]


_COLUMNS: dict[str, list[str]] = {}


def _set_running(store: Store, state: dict | None) -> None:
    with _RUNNING_LOCK:
        if state is None:
            _RUNNING.pop(_running_key(store), None)
        else:
            _RUNNING[_running_key(store)] = state


def reporting(store: Store, progress: Progress | None) -> Progress:
    """A progress callback that also records how far the refresh is, for every page to show."""
    started_at = now_utc().isoformat(timespec="seconds")

    def report(done: int, total: int, label: str) -> None:
        _set_running(store, {"started_at": started_at, "done": done, "total": total, "indicators": label})
        if progress is not None:
            progress(done, total, label)

    return report
