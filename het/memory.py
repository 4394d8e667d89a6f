"""How het's process hands memory it has finished with back to the operating system: set up here, once.

`configure()` runs when het is imported (het/__init__.py), before any het module imports DuckDB:
- DuckDB's allocator (jemalloc, on Linux) keeps freed pages for ten seconds by default, so a load of a
  large extract held on to ~100 MB of pages DuckDB had already finished with: it is told to hand them back
  after one second (DUCKDB_JE_MALLOC_CONF, read when DuckDB is first imported; a value already in the
  environment wins). Handing them back at once (0 ms) made the same peak but twice the system time: on the
  bench_ingest load, 2.7-3.6 s of system CPU against 1.4-1.9 s at 1,000 ms, and 0.5-1 s more wall time,
  most likely because pages DuckDB had just freed were faulted in again for its next block. jemalloc
  hands pages back only while DuckDB allocates, unless it has its own background thread to do it
  (background_thread:true): without one, the pages of a first load's write stayed resident while the
  gap engine ran beside it and after it (DuckDB idle meanwhile), and the bench_ingest load peaked at
  729-776 MB against 711-723 MB with it, in the same run;
- pyarrow's pool becomes jemalloc with decay 0 (where pyarrow has it) instead of mimalloc, so columns the
  readers release and the checks' scratch arrays lower the process's memory at once.

Reading a large extract also makes and drops many column-sized numpy arrays. glibc's allocator keeps the
freed space for reuse (it raises its mmap threshold after the first large free, so later arrays come from
the heap and stay there), which left ~100-200 MB of a 212 MB Fingertips load resident after the read.
`release_freed_memory` asks glibc to return it (malloc_trim), once per read: a few milliseconds.
Elsewhere (macOS, Windows, musl) it does nothing.

Measured by bench/bench_ingest.py: the 1,000,000-row load peaks at ~2.4x the file instead of ~3.6x.
Pages and the demo gap refresh are no slower (bench_pages, bench_gaps); building the 4-million-row
national store took 87 s against 81 s (one run each: returning pages costs system calls).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import sys

DUCKDB_ALLOCATOR = "dirty_decay_ms:1000,muzzy_decay_ms:0,background_thread:true"


def configure() -> None:
    """Set DuckDB's and pyarrow's allocators as described above (idempotent)."""
    if "duckdb" not in sys.modules:
        os.environ.setdefault("DUCKDB_JE_MALLOC_CONF", DUCKDB_ALLOCATOR)
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc keeps its own default
        return
    pa.jemalloc_set_decay_ms(0)
    if pa.default_memory_pool().backend_name != "jemalloc":
        pa.set_memory_pool(pool)


@functools.cache
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def release_freed_memory() -> None:
    """Return the allocator's freed pages to the operating system (glibc only; otherwise nothing)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
