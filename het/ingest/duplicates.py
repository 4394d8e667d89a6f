"""No two rows with the same observation key: later ones are errors naming the first."""

from __future__ import annotations

import numpy as np
import pandas as pd

from het.ingest.parsed import KEY
from het.ingest.row_checker import RowChecker
from het.ingest.text_codes import codes, combine_codes


def key_codes(frame: pd.DataFrame, key: list[str]) -> np.ndarray:
    """One integer per distinct key (combination of the key columns)."""
    parts = []
    for col in key:
        series = frame[col]
        if pd.api.types.is_numeric_dtype(series.dtype):
            part, uniques = pd.factorize(series, use_na_sentinel=False)
            parts.append((part.astype(np.int64), len(uniques)))
        else:
            part, values = codes(series)
            parts.append((part, len(values)))
    return combine_codes(parts)


def check_duplicates(
    out: pd.DataFrame,
    checker: RowChecker,
    *,
    column: str,
    usable: np.ndarray | None = None,
    key=KEY,
    parts: list[tuple[np.ndarray, int]] | None = None,
) -> None:
    """No two rows share a key (the first is kept; later ones are errors naming the first).

    parts: the key columns already encoded (codes, number of codes), in place of reading `key` from out.
    """
    ok = np.ones(len(out), dtype=bool) if usable is None else usable
    if not ok.any():
        return
    if parts is not None:
        keys = combine_codes([(part[ok], size) for part, size in parts], dense=False)
    else:
        keys = key_codes(out.loc[ok, key], key)
    dup_sub = pd.Series(keys).duplicated(keep="first").to_numpy()
    if not dup_sub.any():
        return
    positions = np.flatnonzero(ok)
    first_of = pd.Series(positions).groupby(keys).transform("first").to_numpy()
    dup = np.zeros(len(out), dtype=bool)
    dup[positions[dup_sub]] = True
    first = np.full(len(out), -1)
    first[positions] = first_of
    checker.flag(
        dup,
        column,
        lambda i: (
            "duplicates an earlier row with the same indicator, area, period, sex, age and breakdown "
            f"(row {int(checker.rows[first[i]])})"
        ),
    )
