"""Handing memory the process has finished with back to the operating system.

Reading a large extract makes and drops many column-sized numpy arrays. glibc's allocator keeps the freed
space for reuse (it raises its mmap threshold after the first large free, so later arrays come from the
heap and stay there), which left ~100-200 MB of a 212 MB Fingertips load resident after the read, on top
of what the load still needed. `release_freed_memory` asks glibc to return it (malloc_trim), once per
read: a few milliseconds. Elsewhere (macOS, Windows, musl) it does nothing.

pyarrow's allocator is set in het.ingest.files (jemalloc, handing pages back at once) and DuckDB's in
het/__init__.py. Measured by bench/bench_ingest.py.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys


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
