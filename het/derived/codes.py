"""Integer codes for the gap engine's keys: text columns numbered once, keys of several columns as one int64.

The refresh hands the engine text as categoricals (het.derived.refresh): coding through their categories,
a handful each, instead of through hundreds of thousands of rows, is what keeps grouping and lookups fast.
Every function also takes plain columns (the tests and pure callers use them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from het.stats.groups import group_numbers


def shared_codes(*columns: pd.Series) -> tuple[list[np.ndarray], pd.Index]:
    """Integer codes of columns in one numbering (equal values, equal codes; missing -1), and the values.

    Categorical columns are coded through their categories (a handful), not their rows.
    """
    if len(columns) == 1 and isinstance(columns[0].dtype, pd.CategoricalDtype):
        column = columns[0]  # its own codes already number its categories, which are unique
        return [column.cat.codes.to_numpy().astype(np.int64)], pd.Index(
            column.cat.categories.to_numpy(dtype=object), dtype=object
        )
    categorical = [isinstance(c.dtype, pd.CategoricalDtype) for c in columns]
    if any(categorical):
        # Through the categories where there are any (a handful), and the values of the other columns
        # (a small table looked up against a large categorical one, say) after them.
        values = pd.Index(
            np.concatenate(
                [
                    c.cat.categories.astype(object).to_numpy()
                    if is_cat
                    else c.dropna().to_numpy(dtype=object)
                    for c, is_cat in zip(columns, categorical, strict=True)
                ]
            ),
            dtype=object,
        ).unique()
        codes = []
        for column, is_cat in zip(columns, categorical, strict=True):
            if is_cat:
                own = column.cat.codes.to_numpy()
                mapping = values.get_indexer(column.cat.categories.astype(object))
                codes.append(np.where(own >= 0, mapping[np.maximum(own, 0)], -1).astype(np.int64))
            else:
                found = values.get_indexer(pd.Index(column.to_numpy(dtype=object), dtype=object))
                codes.append(np.where(column.isna().to_numpy(), -1, found).astype(np.int64))
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
    return group_numbers(frame, columns, sort=False)
