"""The file of `python -m het load FILE`, read on a background thread while Python imports het.

Before the command line can read the file it was given, `python -m het` spends about half a second
importing pandas, pyarrow, DuckDB, scipy and het itself, on one core; reading a 240 MB file then takes
about 0.15 s more. het/__main__.py therefore starts reading the file named after `load` first (`start`,
from the raw arguments: only the standard library is imported here), on the core the imports leave idle.
The load takes those bytes (`take`) only if they are of the file it was given, found by the real
argument parser, and the file did not change while they were read (same size, modification time and
inode before and after the read, and when they are taken); otherwise, or if the early read failed, it
reads the file itself, as it always did. Bytes not taken (a wrong guess) are dropped when taken for
another file or when the process ends. bench/bench_ingest.py measured 0.1-0.2 s less wall time per load.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

# The options of `python -m het` and of `load` that take a value (the next argument), so that value is
# not taken for the file. A wrong guess costs only a wasted read: `take` checks the parsed file.
_VALUE_OPTIONS = {"--db", "--format", "--ward-set", "--period", "--sheet", "--map", "--by"}


class _Read:
    def __init__(self, path: Path):
        self.path = path
        self.content: bytes | None = None
        self.stamp: tuple[int, int, int] | None = None
        self.thread = threading.Thread(target=self._run, name="het-prefetch", daemon=True)

    def _run(self) -> None:
        try:
            before = _stamp(self.path)
            content = self.path.read_bytes()
            if _stamp(self.path) == before:
                self.content, self.stamp = content, before
        except OSError:  # the load reads the file itself and reports the error
            pass


_pending: _Read | None = None
_lock = threading.Lock()


def start(argv: list[str]) -> None:
    """Start reading the file of a `load` command in these arguments (sys.argv[1:]), if there is one."""
    global _pending
    path = load_argument(argv)
    if path is None or not path.is_file():
        return
    read = _Read(path)
    with _lock:
        _pending = read
    read.thread.start()


def take(path: Path) -> bytes | None:
    """The bytes read early for this file, if they were of this file and it has not changed since; else
    None. Either way the early read is done with (it is waited for, then let go)."""
    global _pending
    with _lock:
        read, _pending = _pending, None
    if read is None:
        return None
    read.thread.join()
    try:
        same_file = read.path.resolve() == Path(path).resolve()
        unchanged = read.stamp is not None and _stamp(Path(path)) == read.stamp
    except OSError:
        return None
    return read.content if same_file and unchanged else None


def load_argument(argv: list[str]) -> Path | None:
    """The FILE of `[--db DB] load [options] FILE [options]` in raw arguments, or None."""
    rest = list(argv)
    command = _first_positional(rest)
    if command is None or rest[command] != "load":
        return None
    rest = rest[command + 1 :]
    found = _first_positional(rest)
    return None if found is None else Path(rest[found])


def _first_positional(argv: list[str]) -> int | None:
    skip = False
    for index, item in enumerate(argv):
        if skip:
            skip = False
        elif item == "--":
            return index + 1 if index + 1 < len(argv) else None
        elif item.startswith("-"):
            skip = item in _VALUE_OPTIONS  # "--db=x" carries its value
        else:
            return index
    return None


def _stamp(path: Path) -> tuple[int, int, int]:
    status = os.stat(path)
    return status.st_size, status.st_mtime_ns, status.st_ino
