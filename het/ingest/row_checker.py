"""Problems about the rows of one table: RowChecker records them, naming the rows they are on.

Every row check is vectorised: it takes whole columns and records a Problem for the first MAX_ROWS_NAMED
offending rows (naming file, sheet, row and column), then counts the rest; only the rows already known to
be bad are visited one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from het.format import plural
from het.ingest.problems import ERROR, Problems

# Per check, how many offending rows are named before the rest are counted.
MAX_ROWS_NAMED = 10


@dataclass
class RowChecker:
    """Records problems about the rows of one table; `bad` marks the rows with an error."""

    problems: Problems
    file_name: str
    rows: np.ndarray  # the spreadsheet row of each record
    sheet: str | None = None
    bad: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.rows = np.asarray(self.rows, dtype=np.int64)
        self.bad = np.zeros(len(self.rows), dtype=bool)

    def error(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        self.problems.error(self.file_name, message, row=row, column=column, sheet=self.sheet)

    def warning(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        self.problems.warning(self.file_name, message, row=row, column=column, sheet=self.sheet)

    def flag(
        self, mask, column: str | None, message: Callable[[int], str], *, level: str = ERROR
    ) -> np.ndarray:
        """Record a problem for the first rows where mask holds (message gets the row's position)."""
        hit = as_bool(mask)
        if not hit.any():
            return hit
        if level == ERROR:
            self.bad |= hit
        index = np.flatnonzero(hit)
        add = self.error if level == ERROR else self.warning
        for i in index[:MAX_ROWS_NAMED]:
            add(message(int(i)), row=int(self.rows[i]), column=column)
        if len(index) > MAX_ROWS_NAMED:
            add(f"the same problem in {plural(len(index) - MAX_ROWS_NAMED, 'more row')}", column=column)
        return hit

    def row_list(self, mask, limit: int = MAX_ROWS_NAMED) -> str:
        """'rows 2, 5 and 9' for the rows where mask holds (the first `limit`, then a count)."""
        index = np.flatnonzero(as_bool(mask))
        shown = ", ".join(str(int(self.rows[i])) for i in index[:limit])
        more = f" and {len(index) - limit} more" if len(index) > limit else ""
        return f"row{'s' if len(index) > 1 else ''} {shown}{more}"


def as_bool(mask) -> np.ndarray:
    if isinstance(mask, pd.Series):
        return mask.fillna(False).to_numpy(dtype=bool)
    return np.asarray(mask, dtype=bool)


def summarise_values(values: list[str], limit: int = 8) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")
