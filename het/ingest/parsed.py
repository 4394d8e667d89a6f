"""What every extract reader returns: observations (or KPIs) checked and not yet written, with their problems."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from het.ingest.problems import Problem, Problems

# The key of an observation: a later extract with the same key revises it.
KEY = ["indicator_id", "area_code", "period_sort", "sex", "age", "breakdown", "category"]

OBSERVATION_COLUMNS = [
    "source_row",
    "indicator_id",
    "area_code",
    "period_label",
    "period_sort",
    "sex",
    "age",
    "breakdown",
    "category",
    "category_rank",
    "value",
    "lower_ci95",
    "upper_ci95",
    "lower_ci998",
    "upper_ci998",
    "count",
    "denominator",
    "value_note",
    "extra",
]

# Rows of a file that are neither loaded nor errors: set aside with a warning, listed in the preview,
# and counted in the extract's rows_rejected.
KEPT_ASIDE_COLUMNS = ["source_row", "reason", "detail"]

# Indicators a file refers to that the catalogue does not know (the analyst maps or creates them).
UNKNOWN_INDICATOR_COLUMNS = ["source_key", "source_name", "rows", "first_row"]

KPI_COLUMNS = [
    "source_row",
    "kpi_id",
    "name",
    "workstream_id",
    "indicator_id",
    "unit",
    "polarity",
    "baseline",
    "baseline_period",
    "latest",
    "latest_period",
    "target",
    "target_period",
    "owner",
]

FORMATS = ("fingertips", "het_tidy", "ward_wide", "kpi")


def empty_frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


@dataclass
class ParsedExtract:
    """An extract read and checked, not yet written: observations (or KPIs) plus its problems.

    `kept_aside` lists rows that are neither loaded nor errors (e.g. areas outside het's geography);
    `unknown_indicators` lists indicators the catalogue does not know (each is also an error until
    mapped, see het.ingest.indicators); `options` are the reading options, so the same bytes can be
    read again with an indicator mapping; `kpis` is set for the 'kpi' format instead of observations.
    """

    file_name: str
    format: str
    content: bytes
    observations: pd.DataFrame
    problems: Problems
    rows_read: int
    kept_aside: pd.DataFrame = field(default_factory=lambda: empty_frame(KEPT_ASIDE_COLUMNS))
    unknown_indicators: pd.DataFrame = field(default_factory=lambda: empty_frame(UNKNOWN_INDICATOR_COLUMNS))
    sheet: str | None = None
    options: dict = field(default_factory=dict)
    kpis: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    # The original's sha256 and compressed form, being computed in the background for the commit
    # (het.ingest.stored_files.prepare_in_background); None: the commit computes them.
    original: Future | None = field(default=None, repr=False, compare=False)
    # Set by release(): how many rows were loaded before the rows were dropped.
    rows_committed: int | None = field(default=None, repr=False, compare=False)
    # Set by release_content(): the original's size once its bytes are dropped.
    content_size: int | None = field(default=None, repr=False, compare=False)

    def release(self) -> None:
        """Drop the original bytes and the rows once they are committed (they are in the store now), so a
        national-scale file does not stay in memory while the statistics are recomputed. Counts stay."""
        self.rows_committed = self.rows_loaded
        self.release_content()
        self.observations = self.observations.iloc[:0]

    def release_content(self) -> None:
        """Drop the original bytes once their sha256 and stored form are ready (self.original): the commit
        needs only those and the size, so the bytes need not sit in memory beside the rows being written."""
        if self.original is None or not self.content:
            return
        self.original.result()  # ready since the read, usually; wait for it otherwise
        self.content_size = len(self.content)
        self.content = b""

    @property
    def size_bytes(self) -> int:
        """The original file's size in bytes (also after release_content)."""
        return self.content_size if self.content_size is not None else len(self.content)

    @property
    def rows_loaded(self) -> int:
        if self.rows_committed is not None:
            return self.rows_committed
        frame = self.kpis if self.kpis is not None else self.observations
        return len(frame)

    @property
    def rows_rejected(self) -> int:
        return self.rows_read - self.rows_loaded

    @property
    def can_commit(self) -> bool:
        return not self.problems.errors


@dataclass(frozen=True)
class LoadResult:
    """What a commit did."""

    extract_id: int
    file_name: str
    already_loaded: bool
    rows_loaded: int = 0
    rows_new: int = 0
    rows_revised: int = 0
    rows_unchanged: int = 0
    warnings: list[Problem] = field(default_factory=list)
    derived_error: str | None = None  # set by het.loads when the gap refresh after the commit failed


def empty_extract(file_name: str, format: str, content: bytes, problems: Problems, **extra) -> ParsedExtract:
    """A ParsedExtract with nothing to load (a file-level error was found)."""
    kpis = empty_frame(KPI_COLUMNS) if format == "kpi" else None
    return ParsedExtract(
        file_name, format, content, empty_frame(OBSERVATION_COLUMNS), problems, 0, kpis=kpis, **extra
    )


def kept_aside_frame(rows: np.ndarray, reason: str | pd.Series, detail: pd.Series | str) -> pd.DataFrame:
    """Rows set aside (not loaded, not errors), with why."""
    n = len(rows)
    return pd.DataFrame(
        {
            "source_row": np.asarray(rows, dtype=np.int64),
            "reason": reason if isinstance(reason, pd.Series) else pd.Series([reason] * n, dtype="str"),
            "detail": detail if isinstance(detail, pd.Series) else pd.Series([detail] * n, dtype="str"),
        }
    ).reset_index(drop=True)


def finish_observations(out: pd.DataFrame, keep: np.ndarray, columns: list[str]) -> pd.DataFrame:
    """The rows to load, typed like the observations table (a copy only when some rows are dropped)."""
    frame = out[columns] if keep.all() else out.loc[keep, columns]
    frame = frame.reset_index(drop=True)
    frame["period_sort"] = frame["period_sort"].round().astype("Int64")
    frame["category_rank"] = pd.to_numeric(frame["category_rank"], errors="coerce").round().astype("Int64")
    frame["source_row"] = frame["source_row"].astype(np.int64)
    return frame
