"""Integer codes for the gap engine's keys: text columns numbered once, keys of several columns as one int64.

The refresh hands the engine text as categoricals (het.derived.refresh): coding through their categories,
a handful each, instead of through hundreds of thousands of rows, is what keeps grouping and lookups fast.
Every function also takes plain columns (the tests and pure callers use them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def shared_codes(*columns: pd.Series) -> tuple[list[np.ndarray], pd.Index]:
    """Integer codes of columns in one numbering (equal values, equal codes; missing -1), and the values.

    Categorical columns are coded through their categories (a handful), not their rows.
    """
    if len(columns) == 1 and isinstance(columns[0].dtype, pd.CategoricalDtype):
        column = columns[0]  # its own codes already number its categories, which are unique
        return [column.cat.codes.to_numpy().astype(np.int64)], pd.Index(
            column.cat.categories.to_numpy(dtype=object), dtype=object
        )
    if all(isinstance(c.dtype, pd.CategoricalDtype) for c in columns):
        values = pd.Index(
            np.concatenate([c.cat.categories.astype(object).to_numpy() for c in columns]), dtype=object
        ).unique()
        codes = []
        for column in columns:
            own = column.cat.codes.to_numpy()
            mapping = values.get_indexer(column.cat.categories.astype(object))
            codes.append(np.where(own >= 0, mapping[np.maximum(own, 0)], -1).astype(np.int64))
        return codes, values
    joined = np.concatenate(
        [c.to_numpy(dtype=object) if c.dtype == object else c.to_numpy() for c in columns]
    )
    numbers, values = pd.factorize(joined, use_na_sentinel=True)
    bounds = np.cumsum([0, *(len(c) for c in columns)])
    return [numbers[a:b].astype(np.int64) for a, b in zip(bounds[:-1], bounds[1:], strict=True)], pd.Index(
        values, dtype=object
    )


def combined(codes: list[np.ndarray], sizes: list[int]) -> np.ndarray | None:
    """One int64 per row from code columns (-1 allowed; column i below sizes[i] - 1), or None if they
    would not fit in one."""
    key = np.zeros(len(codes[0]), dtype=np.int64)
    room = 1
    for column, size in zip(codes, sizes, strict=True):
        room *= size
        if room >= 2**62:
            return None
        key = key * size + (column + 1)
    return key


def numbered(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Each row's group number over `columns`, numbered by first appearance (as groupby's ngroup with
    sort=False, observed=True and missing values kept as a group of their own)."""
    coded = [shared_codes(frame[c]) for c in columns]
    key = combined([codes[0] for codes, _ in coded], [len(values) + 1 for _, values in coded])
    if key is None:
        return frame.groupby(columns, sort=False, observed=True, dropna=False).ngroup().to_numpy()
    return pd.factorize(key)[0].astype(np.int64)
