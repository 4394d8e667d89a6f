"""Group numbers for the statistics' `by` columns, without pandas' groupby machinery.

pandas' groupby builds a grouper, recodes categoricals and makes a result index on every call: about 10 ms
for six keys over 80,000 rows, which the gap refresh pays dozens of times a batch. Here each key column is
coded once (a categorical's own codes, else a sorted factorisation), the codes are packed into one int64
and numbered (by marking the keys present where the possible keys are few, else by hashing): the same
numbers, a few times faster. tests/stats/test_groups.py checks them against
groupby on random frames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Up to this many possible packed keys (or four per row), groups are numbered by marking the keys present
# in an array of that size: a few hundred kilobytes at most.
DENSE_ROOM = 1 << 18


def _sorted_codes(column: pd.Series) -> tuple[np.ndarray, int]:
    """Codes in the column's sort order (a categorical's category order), missing values last; and how many."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.array.codes.astype(np.int64)  # the array's own codes (the accessor makes a Series)
        size = len(column.dtype.categories)
    else:
        codes, uniques = pd.factorize(column, sort=True, use_na_sentinel=True)
        codes = codes.astype(np.int64)
        size = len(uniques)
    return np.where(codes < 0, size, codes), size + 1


def group_numbers(frame: pd.DataFrame, keys: list[str], *, sort: bool = True) -> np.ndarray:
    """Each row's group over `keys`, as ``frame.groupby(keys, sort=sort, dropna=False, observed=True)
    .ngroup()``: with sort, numbered in sorted key order (categoricals by their categories, missing values
    a group of their own after the others); without, in order of first appearance."""
    if not keys:
        return np.zeros(len(frame), dtype=np.int64)
    try:
        coded = [_sorted_codes(frame[key]) for key in keys]
    except TypeError:  # values that cannot be sorted together (mixed types): pandas decides
        coded = None
    if (
        sort
        and coded is not None
        and len(keys) == 1
        and not isinstance(frame[keys[0]].dtype, pd.CategoricalDtype)
    ):
        return coded[0][0]  # a sorted factorisation numbers every value present, missing last: dense already
    packed, room = _packed(coded) if coded is not None else (None, 0)
    if packed is None:
        grouped = frame.groupby(keys, sort=sort, dropna=False, observed=True)
        return grouped.ngroup().to_numpy().astype(np.int64)
    if sort and room <= max(4 * len(packed), DENSE_ROOM):
        # Few possible keys: mark those present and count them up, in key order, with no hashing or sort.
        present = np.zeros(room, dtype=bool)
        present[packed] = True
        return (np.cumsum(present) - 1)[packed]
    codes, distinct = pd.factorize(packed)  # hashed, in order of first appearance
    if not sort:
        return codes.astype(np.int64)
    rank = np.empty(len(distinct), dtype=np.int64)  # then only the few distinct keys are sorted
    rank[np.argsort(distinct, kind="stable")] = np.arange(len(distinct))
    return rank[codes]


def _packed(coded: list[tuple[np.ndarray, int]]) -> tuple[np.ndarray | None, int]:
    """The columns' codes packed into one int64 per row (in the same order), or None if they do not fit;
    and how many packed values there could be."""
    packed = np.zeros(len(coded[0][0]), dtype=np.int64)
    room = 1
    for codes, size in coded:
        room *= size
        if room >= 2**62:
            return None, room
        packed = packed * size + codes
    return packed, room


def first_rows(group: np.ndarray, n_groups: int) -> np.ndarray:
    """The position of each group's first row (groups numbered 0..n_groups-1, every one present)."""
    firsts = np.full(n_groups, len(group), dtype=np.int64)
    np.minimum.at(firsts, group, np.arange(len(group), dtype=np.int64))
    return firsts
