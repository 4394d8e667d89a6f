"""het: the Luton Health Equity Town monitor."""

import os as _os
import sys as _sys

# DuckDB's allocator (jemalloc, on Linux) keeps freed pages for a while, so a load of a large extract
# held on to ~100 MB of pages DuckDB had already finished with. Hand them back at once. Measured: the
# 1,000,000-row load peaks ~100 MB lower (bench/bench_ingest.py); pages and the demo refresh are no slower
# (bench_pages, bench_gaps); building the 4-million-row national store took 87 s against 81 s (one run
# each: returning pages costs system calls). Read by DuckDB when it is first imported, so set here, before
# any het module imports it; a value already in the environment wins.
if "duckdb" not in _sys.modules:
    _os.environ.setdefault("DUCKDB_JE_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
