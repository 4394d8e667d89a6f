"""python -m het load FILE reads the file while het is imported (het.prefetch), and never loads stale bytes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from het import prefetch
from het.cli import main
from het.store import Store

ROOT = Path(__file__).resolve().parent.parent
GOOD = (
    "indicator_id,area_code,period,sex,age,breakdown,category,value,lower_ci95,upper_ci95\n"
    "smoking_adults,E06000032,2026,Persons,18+ yrs,total,,12.0,10.5,13.5\n"
)
CHANGED = GOOD.replace("12.0,10.5,13.5", "14.25,12.5,16.0")


@pytest.fixture(autouse=True)
def nothing_pending():
    prefetch.take(Path("/nonexistent"))  # whatever an earlier test left is let go
    yield
    prefetch.take(Path("/nonexistent"))


@pytest.fixture
def store_path(demo_store_path, tmp_path):
    copy = tmp_path / "het.duckdb"
    copy.write_bytes(demo_store_path.read_bytes())
    return copy


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["load", "a.csv"], "a.csv"),
        (["--db", "x.duckdb", "load", "a.csv"], "a.csv"),
        (["--db=x.duckdb", "load", "--by", "me", "--format", "fingertips", "a.csv", "--dry-run"], "a.csv"),
        (["load", "--map", "93356=smoking_adults", "--", "-odd.csv"], "-odd.csv"),
        (["status"], None),
        (["--db", "load", "status"], None),  # "load" is the store's name here
        (["extracts", "withdraw", "3"], None),
        (["load"], None),
        ([], None),
    ],
)
def test_the_file_of_a_load_is_found_in_the_raw_arguments(argv, expected):
    found = prefetch.load_argument(argv)
    assert (None if found is None else str(found)) == expected


def test_the_bytes_read_early_are_taken_for_the_same_file_only_once(tmp_path):
    file = tmp_path / "new.csv"
    file.write_text(GOOD)
    prefetch.start(["load", str(file)])
    assert prefetch.take(tmp_path / "." / "new.csv") == GOOD.encode()
    assert prefetch.take(file) is None  # taken: the CLI reads it itself from here on

    prefetch.start(["load", str(file)])
    assert prefetch.take(tmp_path / "other.csv") is None  # a wrong guess: dropped
    assert prefetch.take(file) is None

    prefetch.start(["load", str(tmp_path / "missing.csv")])  # nothing to read: nothing started
    assert prefetch.take(tmp_path / "missing.csv") is None


def test_a_file_changed_after_the_early_read_is_read_again(tmp_path):
    file = tmp_path / "new.csv"
    file.write_text(GOOD)
    prefetch.start(["load", str(file)])
    prefetch._pending.thread.join()  # the early read is done, with the first contents
    file.write_text(CHANGED)
    os.utime(file, ns=(os.stat(file).st_atime_ns, os.stat(file).st_mtime_ns + 1_000_000))
    assert prefetch.take(file) is None


def test_a_load_stores_the_file_as_it_is_when_loaded_not_as_it_was_read_early(store_path, tmp_path, capsys):
    """The load uses the early bytes only while they are the file's: the stored original and its values
    are those of the file as the load found it."""
    file = tmp_path / "new.csv"
    file.write_text(GOOD)
    prefetch.start(["--db", str(store_path), "load", str(file)])
    prefetch._pending.thread.join()
    file.write_text(CHANGED)
    os.utime(file, ns=(os.stat(file).st_atime_ns, os.stat(file).st_mtime_ns + 1_000_000))
    assert main(["--db", str(store_path), "load", str(file)]) == 0
    with Store(store_path) as store:
        register = store.query("extract_register")
        sha = register.loc[register["file_name"] == "new.csv", "sha256"].iloc[0]
        value = (
            store.cursor()
            .execute(
                "SELECT value FROM observations JOIN extracts USING (extract_id) WHERE file_name = 'new.csv'"
            )
            .fetchall()
        )
    assert sha == hashlib.sha256(CHANGED.encode()).hexdigest()
    assert value == [(14.25,)]


def test_python_m_het_load_reads_the_file_early_and_loads_it(store_path, tmp_path):
    file = tmp_path / "new.csv"
    file.write_text(GOOD)
    result = subprocess.run(
        [sys.executable, "-m", "het", "--db", str(store_path), "load", str(file), "--by", "analyst1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert "loaded new.csv as extract #4: 1 row" in result.stdout
    with Store(store_path) as store:
        register = store.query("extract_register")
    sha = register.loc[register["file_name"] == "new.csv", "sha256"].iloc[0]
    assert sha == hashlib.sha256(GOOD.encode()).hexdigest()
