"""Writers take turns: two changes at the same moment both commit (none fails with a conflict), a change that
waits too long is told to wait, and a store that cannot be written says what is wrong and how to fix it (in the
CLI and on every page), with `python -m het refresh` and the analysts' button recomputing after a failure."""

from __future__ import annotations

import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

import het.store as store_module
from het.cli import main
from het.loads import refresh_statistics
from het.store import ROOT, Store, StoreBusyError, StoreReadOnlyError, set_meta

UNWRITABLE = "/sys/het-test/het.duckdb"  # sysfs: not writable, even by root


@pytest.fixture
def store(demo_store_path, tmp_path):
    copy = tmp_path / "het.duckdb"
    copy.write_bytes(demo_store_path.read_bytes())
    with Store(copy) as opened:
        yield opened


def _change(store: Store, value: str, started: threading.Event, errors: list) -> None:
    try:
        with store.transaction() as cur:
            set_meta(cur, "writer_test", value)  # both change the same row: a conflict if they overlapped
            started.set()
            time.sleep(0.3)
    except Exception as exc:  # noqa: BLE001 - the test reports any failure
        errors.append(exc)


def test_two_changes_at_the_same_moment_both_commit_in_turn(store):
    version = store.data_version()
    errors: list = []
    first_started, second_started = threading.Event(), threading.Event()
    first = threading.Thread(target=_change, args=(store, "first", first_started, errors))
    second = threading.Thread(target=_change, args=(store, "second", second_started, errors))
    first.start()
    first_started.wait(5)
    second.start()
    first.join(10)
    second.join(10)
    assert errors == []
    assert store.data_version() == version + 2  # both committed, one after the other
    assert store.meta("writer_test") == "second"


def test_a_change_that_waits_too_long_is_told_to_wait_and_changes_nothing(store, monkeypatch):
    monkeypatch.setattr(store_module, "WRITE_WAIT_S", 0.05)
    started = threading.Event()
    holder = threading.Thread(target=_change, args=(store, "held", started, []))
    holder.start()
    started.wait(5)
    with (
        pytest.raises(StoreBusyError, match="Another change has been writing to the store"),
        store.transaction() as cur,
    ):
        set_meta(cur, "writer_test", "impatient")
    holder.join(10)
    assert store.meta("writer_test") == "held"


def test_an_unwritable_store_says_what_is_wrong_in_the_cli(capsys):
    with pytest.raises(StoreReadOnlyError, match="het cannot write to its store"):
        Store(UNWRITABLE)
    assert main(["--db", UNWRITABLE, "status"]) == 3
    err = capsys.readouterr().err
    assert "het cannot write to its store" in err and "set HET_DB to a writable location" in err
    assert "Traceback" not in err


def test_an_unwritable_store_says_what_is_wrong_on_the_page(monkeypatch):
    monkeypatch.setenv("HET_DB", UNWRITABLE)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("het cannot open its store" in e.value and "HET_DB" in e.value for e in at.error)


def _break_the_statistics(store: Store) -> None:
    with store.transaction(bump_version=False) as cur:
        set_meta(cur, "derived_error", "RuntimeError: simulated failure")


def test_het_refresh_recomputes_after_a_failure(store, capsys):
    _break_the_statistics(store)
    path = store.path
    store.close()
    assert main(["--db", str(path), "refresh"]) == 0
    assert "recomputed the gap statistics" in capsys.readouterr().out
    with Store(path) as reopened:
        assert not reopened.meta("derived_error")
        assert refresh_statistics(reopened).error is None


def test_an_analyst_recomputes_the_statistics_from_the_banner(demo_store_path, tmp_path, monkeypatch):
    copy = tmp_path / "het.duckdb"
    copy.write_bytes(demo_store_path.read_bytes())
    monkeypatch.setenv("HET_DB", str(copy))
    monkeypatch.setenv("HET_USERS_FILE", str(tmp_path / "none.json"))  # the single local analyst
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    from het.ui.data import get_store  # the app's own connection (same process)

    _break_the_statistics(get_store())  # a refresh fails while the app runs (a start would recompute)
    at.run()
    assert any("could not be refreshed" in e.value for e in at.error)
    at.button(key="recompute").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not any("could not be refreshed" in e.value for e in at.error)
    assert not get_store().meta("derived_error")
