"""The one write path: every change to the store goes through here, with the refresh of what it touched.

Loading an extract, withdrawing one, reloading the reference data, loading the demo, adding a local
indicator and bringing a new store to a usable state each call a function of this module. It commits
through het.ingest or het.reference, and the derived results the change touched are recomputed inside
the same transaction (het.derived.refresh): the change and its statistics become visible together, so no
page ever shows new values beside old gaps. If computing the statistics fails, the change still commits
without them: a statistics failure never undoes a load; it is recorded, every page says so, and the next
change recomputes everything. Nothing else calls the refresh.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb
import pandas as pd

from het.demo import DEMO_LOADED_BY, DEMO_NOTE, demo_extract, demo_kpi_extract, demo_workbooks
from het.derived.refresh import (
    Progress,
    RefreshPlan,
    RefreshResult,
    Touched,
    needs_full_refresh,
    plan_first_load,
    plan_refresh,
    record_failure,
    refresh,
    reporting,
    running,
    running_state,
    write_refresh,
)
from het.format import plural
from het.ingest import commit as observation_commits
from het.ingest import indicators as local_indicators
from het.ingest import kpis as kpi_commits
from het.ingest import workbook as workbooks
from het.ingest import workstream_edits as edits
from het.ingest.parsed import LoadResult, ParsedExtract
from het.ingest.problems import ExtractRejected
from het.memory import release_freed_memory
from het.reference.loader import geography_dir_from_env, load_reference, reference_is_current
from het.store import OnCursor, Store, read_query, set_meta


class _Statistics:
    """The refresh, run inside a change's transaction once the change is written.

    `touched` says what the change touched (called inside the transaction, so a load can work it out from
    its rows and then let them go). A load also gives its rows (`rows`, and `release` to let them go):
    when they are the first of their indicators, `alongside` plans the refresh from them before they are
    written and computes it while they are written (het.derived.refresh.plan_first_load). A failure to
    compute is kept, not raised, so the change commits without its statistics; a database error, or a
    failure to write them, raises, and then nothing is written at all.
    """

    def __init__(
        self,
        store: Store,
        touched: Callable[[], Touched],
        progress: Progress | None,
        *,
        rows: Callable[[], pd.DataFrame] | None = None,
        release: Callable[[], None] | None = None,
    ):
        self.store, self.touched, self.progress = store, touched, progress
        self.rows, self.release = rows, release
        self.failure: BaseException | None = None
        self.planned_early = False
        self.plan: RefreshPlan | None = None

    def alongside(self, cur: duckdb.DuckDBPyConnection) -> Callable[[OnCursor], None] | None:
        """Before the rows are written: the work computing a first load's statistics (and having them
        written on the cursor's thread as they come), or None."""
        if self.rows is None or needs_full_refresh(self.store):
            return None
        try:
            compute = plan_first_load(cur, self.rows(), progress=reporting(self.store, self.progress))
        except duckdb.Error:
            raise
        except Exception as exc:  # noqa: BLE001 - reported after the change commits, never loses it
            self.failure, self.planned_early = exc, True
            return None
        if compute is None:
            return None
        self.planned_early = True

        def work(on_cursor: OnCursor) -> None:
            try:
                self.plan = compute(on_cursor)
            except Exception as exc:  # noqa: BLE001 - reported after the change commits, never loses it
                self.failure = exc

        return work

    def __call__(self, cur: duckdb.DuckDBPyConnection) -> None:
        if self.planned_early:
            if self.release is not None:  # written, and their statistics computed: the rows can go
                self.release()
            if self.plan is not None:
                write_refresh(cur, self.plan)
            return
        what = Touched.everything() if needs_full_refresh(self.store) else self.touched()
        try:
            plan = plan_refresh(cur, what, progress=reporting(self.store, self.progress))
        except duckdb.Error:
            raise  # the transaction cannot go on: nothing is written, and the caller hears why
        except Exception as exc:  # noqa: BLE001 - reported after the change commits, never loses it
            self.failure = exc
            return
        write_refresh(cur, plan)

    def outcome(self) -> RefreshResult:
        """How the refresh ended, recording a failure (after the change's transaction has committed)."""
        return RefreshResult() if self.failure is None else record_failure(self.store, self.failure)


def load_extract(
    store: Store,
    parsed: ParsedExtract,
    *,
    loaded_by: str,
    source_kind: str,
    note: str | None = None,
    new_indicators: Sequence[dict] = (),
    progress: Progress | None = None,
) -> LoadResult:
    """Commit a checked extract of any format with the derived results its rows touch, in one transaction.

    new_indicators: the local indicators defined for this file on the Upload page, added with it (and
    only if it commits).

    KPI files update KPIs (no derived results depend on them); the other formats add observations.
    Errors raise het.ingest.problems.ExtractRejected and write nothing. A file already loaded is not
    loaded again. Once its rows are written, the extract's bytes and rows are released
    (ParsedExtract.release): they are in the store, and the refresh should not hold them twice. The rows
    of indicators the store does not hold yet have their statistics computed while they are written.
    """
    if parsed.format == kpi_commits.FORMAT:
        return kpi_commits.commit_kpis(store, parsed, loaded_by=loaded_by, source_kind=source_kind, note=note)

    def release() -> None:
        parsed.release()
        release_freed_memory()

    def touched() -> Touched:
        keys = Touched.of(parsed.observations)
        release()
        return keys

    statistics = _Statistics(store, touched, progress, rows=lambda: parsed.observations, release=release)
    parsed.release_content()  # its hash and stored form are ready: the bytes need not sit beside the rows
    with running(store):
        result = observation_commits.commit_extract(
            store,
            parsed,
            loaded_by=loaded_by,
            source_kind=source_kind,
            note=note,
            new_indicators=new_indicators,
            alongside=statistics.alongside,
            then=statistics,
        )
        if result.already_loaded:
            if needs_full_refresh(store):  # nothing new, but statistics an earlier change left behind
                return _with_error(result, refresh(store, Touched.everything(), progress=progress))
            return result
    return _with_error(result, statistics.outcome())


def withdraw_extract(
    store: Store, extract_id: int, *, by_user: str, note: str | None = None, progress: Progress | None = None
) -> RefreshResult:
    """Withdraw an active extract (the values it replaced become current again), with the refresh of what it
    touched, in one transaction. Withdrawing a demonstration extract withdraws the other active ones too
    (the demo's values and its workstream KPIs go together), each in its own transaction."""
    register = store.query("extract_register")
    demo = register[(register["source_kind"] == "demo") & (register["status"] == "active")]
    outcome = _withdraw_one(store, extract_id, by_user=by_user, note=note, progress=progress)
    if extract_id in set(demo["extract_id"]):
        for companion in demo["extract_id"]:
            if companion != extract_id:
                outcome = _withdraw_one(store, int(companion), by_user=by_user, note=note, progress=progress)
    return outcome


def _withdraw_one(
    store: Store, extract_id: int, *, by_user: str, note: str | None, progress: Progress | None
) -> RefreshResult:
    register = store.query("extract_register")
    kind = register.loc[register["extract_id"] == extract_id, "format"]
    if len(kind) and kind.iloc[0] == workbooks.FORMAT:  # its edits go back; no statistics depend on them
        with store.transaction() as cur:
            workbooks.withdraw_workbook(cur, extract_id, by_user=by_user, note=note)
        return RefreshResult()
    if len(kind) and kind.iloc[0] == kpi_commits.FORMAT:  # the KPIs it set go back to earlier files
        with store.transaction() as cur:
            observation_commits.withdraw_extract_in(
                cur, extract_id, by_user=by_user, note=note, observations=False
            )
            kpi_commits.withdraw_kpis(cur, extract_id, by_user=by_user)
        return RefreshResult()
    keys = Touched(store.query("extract_observation_keys", extract_id=extract_id))
    statistics = _Statistics(store, lambda: keys, progress)
    with running(store):
        observation_commits.withdraw_extract(store, extract_id, by_user=by_user, note=note, then=statistics)
    return statistics.outcome()


def reload_reference(store: Store, *, geography_dir: Path | None = None) -> str:
    """Replace the catalogue and geography (a pack, or the embedded summary), with a full refresh.

    Remembers the pack's folder for the next start. Returns a line saying which geography was used.
    """
    statistics = _Statistics(store, Touched.everything, None)

    def then(cur: duckdb.DuckDBPyConnection) -> None:
        edits.replay_edits(cur)  # workstream edits outlive a reload of the town's material
        statistics(cur)

    with running(store):
        source = load_reference(store, geography_dir=geography_dir, then=then)
    with store.transaction(bump_version=False) as cur:
        set_meta(cur, "geography_dir", str(geography_dir) if geography_dir else "")
    statistics.outcome()
    return source


def load_demo(store: Store) -> LoadResult:
    """Generate the demonstration extract and load it through the upload path, then the demonstration
    workstream KPIs through the KPI path and a demonstration workbook per workstream (owners, statuses,
    updates, logic-model links) through the workbook path. All are demo extracts: the banner shows, and
    withdrawing one withdraws them all."""
    result = load_extract(
        store, demo_extract(store), loaded_by=DEMO_LOADED_BY, source_kind="demo", note=DEMO_NOTE
    )
    load_extract(store, demo_kpi_extract(store), loaded_by=DEMO_LOADED_BY, source_kind="demo", note=DEMO_NOTE)
    for workstream_id, file_name, content in demo_workbooks(store):
        preview = workbooks.read_workbook(
            content,
            file_name=file_name,
            workstream_id=workstream_id,
            current=workstream_items(store, workstream_id),
        )
        commit_workbook(
            store,
            preview,
            content=content,
            workstream_id=workstream_id,
            by=DEMO_LOADED_BY,
            source_kind="demo",
            note=DEMO_NOTE,
        )
    return result


def refresh_running(store: Store) -> dict | None:
    """While a change's statistics are being recomputed (by any user of this process): started_at, done
    and total indicators, and which ones; None otherwise. Every page reads it to say so."""
    return running_state(store)


def refresh_statistics(store: Store, *, progress: Progress | None = None) -> RefreshResult:
    """Recompute every derived result (after a refresh failed, or on request): `python -m het refresh` and
    the analysts' button. A failure is recorded and returned, as for any refresh."""
    return refresh(store, Touched.everything(), progress=progress)


def add_local_indicator(store: Store, **metadata) -> dict:
    """Add an analyst's indicator to the catalogue (origin 'local'); no derived result depends on it yet."""
    return local_indicators.add_local_indicator(store, **metadata)


def _with_error(result: LoadResult, refreshed: RefreshResult) -> LoadResult:
    return result if refreshed.error is None else dataclasses.replace(result, derived_error=refreshed.error)


# -- bringing a store to a usable state ---------------------------------------------------------------


def remembered_geography_dir(store: Store) -> Path | None:
    """The geography pack folder: HET_GEOGRAPHY_DIR, else the one last loaded if it still exists."""
    from_env = geography_dir_from_env()
    if from_env is not None:
        return from_env
    remembered = store.meta("geography_dir")
    if remembered and Path(remembered).is_dir():
        return Path(remembered)
    return None


def has_any_extract(store: Store) -> bool:
    return not store.query("extract_register").empty


def prepare_store(store: Store, *, geography_dir: Path | None = None, demo: bool = True) -> list[str]:
    """Load missing or changed reference data and, on a store that never had an extract, the demo.

    A withdrawn demo stays withdrawn: the demo is only generated when the register is empty. A store whose
    derived results lag its values (a refresh that failed or was cut off) is refreshed in full.
    Returns what was done, one line each.
    """
    done = []
    geography_dir = geography_dir or remembered_geography_dir(store)
    if geography_dir is not None and not (geography_dir / "geography.toml").is_file():
        raise FileNotFoundError(
            f"no geography.toml in {geography_dir}: point HET_GEOGRAPHY_DIR at a folder laid out like "
            "shared/data (see README)"
        )
    if not reference_is_current(store, geography_dir=geography_dir):
        reload_reference(store, geography_dir=geography_dir)
        done.append(f"loaded reference data ({store.meta('geography_source')})")
    if demo and not has_any_extract(store):
        result = load_demo(store)
        done.append(f"loaded the demonstration extract {result.file_name}: {result.rows_loaded:,} rows")
    elif needs_full_refresh(store):
        outcome = refresh(store, Touched.everything())
        done.append(
            "recomputed the gap statistics, which lagged the values"
            + (f" (failed: {outcome.error})" if outcome.error else "")
        )
    return done


@dataclasses.dataclass(frozen=True)
class EditResult:
    """What a save of workstream edits did: the change's number (None when nothing changed) and its size."""

    change_id: int | None
    n_fields: int
    n_items: int
    extract_id: int | None = None  # a workbook's extract
    kept: tuple[str, ...] = ()  # a withdrawal: what stays as it is, in words

    def message(self) -> str:
        if self.change_id is None:
            return "No changes: nothing was saved."
        loaded = f" (workbook loaded as extract {self.extract_id})" if self.extract_id else ""
        return f"Saved change {self.change_id}: {plural(self.n_fields, 'field')} of {plural(self.n_items, 'item')}{loaded}."


def save_workstream_edits(
    store: Store,
    kind: str,
    edited: pd.DataFrame,
    *,
    workstream_id: str,
    by: str,
    origin: str = "app",
    where: str = "the Workstream page",
    sheet: str | None = None,
) -> EditResult:
    """Keep a workstream's edited actions, KPIs or logic-model items, with who, when and each previous value.

    edited: the items as the editor left them (the table's key and editable columns; actions may have new
    rows with no key). Bad values raise ExtractRejected naming where, row and column, and change nothing.
    """
    cur = store.cursor()
    try:
        current = edits.current_items(cur, kind, workstream_id=workstream_id)
    finally:
        cur.close()
    edited = edited.reset_index(drop=True)
    changes = edits.diff_edits(kind, current, edited, workstream_id=workstream_id)
    if changes.empty:
        return EditResult(None, 0, 0)
    known = {
        "indicator": set(store.query("indicator_catalogue")["indicator_id"]),
        "kpi": set(workstream_items(store, workstream_id)["kpi"]["kpi_id"]),
    }
    problems = edits.check_edits(kind, changes, where=where, sheet=sheet, after=edited, known=known)
    if problems.errors:
        raise ExtractRejected(problems.errors)
    with store.transaction() as cur:
        change_id = edits.commit_edits(cur, kind, edited, changes, by=by, origin=origin)
    return EditResult(change_id, len(changes), changes["row"].nunique())


def revert_workstream_change(store: Store, change_id: int, *, by: str) -> EditResult:
    """Undo one change by a new change that sets every field it changed back (the history keeps both)."""
    cur = store.cursor()
    try:
        change = cur.execute(read_query("workstream_change"), {"change_id": change_id}).df()
        if change.empty:
            raise ValueError(f"there is no change {change_id}")
        history = cur.execute(
            read_query("workstream_edit_history"), {"workstream_id": str(change["workstream_id"].iloc[0])}
        ).df()
        undone = history.loc[history["change_id"] == change_id, "reverted_by_change"].dropna()
        if len(undone):
            raise ValueError(f"change {change_id} was already reverted by change {int(undone.iloc[0])}")
        plans = edits.reverted_rows(cur, change)
    finally:
        cur.close()
    n_fields = n_items = 0
    with store.transaction() as cur:
        for kind, (edited, changes) in plans.items():
            if changes.empty:
                continue
            new_id = edits.commit_edits(cur, kind, edited, changes, by=by, origin="revert", reverts=change_id)
            n_fields += len(changes)
            n_items += changes["row"].nunique()
    return EditResult(new_id if n_fields else None, n_fields, n_items)


def workstream_items(store: Store, workstream_id: str) -> dict[str, pd.DataFrame]:
    """One workstream's actions, KPIs and logic-model items as they stand (kind -> rows), for its workbook."""
    cur = store.cursor()
    try:
        return {kind: edits.current_items(cur, kind, workstream_id=workstream_id) for kind in edits.KINDS}
    finally:
        cur.close()


def commit_workbook(
    store: Store,
    preview,
    *,
    content: bytes,
    workstream_id: str,
    by: str,
    source_kind: str = "upload",
    note: str | None = None,
) -> EditResult:
    """Keep a previewed workbook (het.ingest.workbook.read_workbook) as an extract: its original file, and
    its changes, each recorded as an edit from that workbook, all in one transaction. A preview with errors
    raises ExtractRejected and writes nothing; a workbook with no changes is not registered."""
    if preview.problems.errors:
        raise ExtractRejected(preview.problems.errors)
    if not preview.n_changes:
        return EditResult(None, 0, 0)
    with store.transaction() as cur:
        extract_id, change_id = workbooks.commit_workbook_changes(
            cur, preview, content, loaded_by=by, source_kind=source_kind, note=note
        )
    n_items = sum(changes["row"].nunique() for changes in preview.changes.values())
    return EditResult(change_id, preview.n_changes, n_items, extract_id=extract_id)
