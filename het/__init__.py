"""het: the Luton Health Equity Town monitor."""

from het.memory import configure as _configure_memory

_configure_memory()  # before any het module imports DuckDB: see het/memory.py
