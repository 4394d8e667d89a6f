"""Text columns through pyarrow: their cells, stripped, as integer codes into their distinct values, and back.

Work that depends on a value rather than a row (reading a period label, mapping a category) is done once
per distinct value and spread back to the rows through these codes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow(series: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The pyarrow data behind a text column (no copy for pandas' pyarrow-backed str); nulls as ''.

    A categorical column (as het.ingest.files parses CSV text) is spelled out row by row.
    """
    if len(series) == 0:
        return pa.array([], pa.large_string())
    if isinstance(series.dtype, pd.CategoricalDtype):
        row_codes = series.cat.codes.to_numpy()
        texts = pa.array(series.cat.categories, pa.large_string())
        arr = texts.take(pa.array(row_codes, mask=row_codes < 0))
        return pc.fill_null(arr, "") if arr.null_count else arr
    if not isinstance(series.dtype, pd.StringDtype | pd.ArrowDtype):
        series = series.astype("str")
    arr = pa.array(series.array)
    return pc.fill_null(arr, "") if arr.null_count else arr


def strip(series: pd.Series) -> pd.Series:
    """Text with surrounding whitespace removed, as pandas str; a categorical column (as het.ingest.files
    parses CSV text) stays categorical, stripped once per distinct text (missing cells read as ''), so a
    column of a few texts over millions of rows is not spelled out row by row."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        index, values = codes(series)
        stripped = pc.utf8_trim_whitespace(pa.array(values, pa.large_string())).to_pylist()
        index, values = recode(index, stripped)
        return category_series(values, index, series.index)
    return pd.Series(pc.utf8_trim_whitespace(arrow(series)), index=series.index, dtype="str")


def codes(series: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes of a column's values and the distinct values (missing values read as '').

    The codes are 32-bit and number the values in the order they were first met. A categorical column's
    own codes are used, so nothing is hashed again: texts no row uses (such as the header's) are dropped
    and the rest keep the categories' order, which for a parsed CSV is the order the parse met them.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        return _category_codes(series)
    encoded = pc.dictionary_encode(arrow(series))
    if isinstance(encoded, pa.ChunkedArray):
        if encoded.num_chunks == 0:
            return np.zeros(0, dtype=np.int32), []
        encoded = encoded.unify_dictionaries()
        indices = np.concatenate([np.asarray(c.indices) for c in encoded.chunks])
        return indices, encoded.chunk(0).dictionary.to_pylist()
    return np.asarray(encoded.indices), encoded.dictionary.to_pylist()


def _category_codes(series: pd.Series) -> tuple[np.ndarray, list]:
    """codes() of a categorical column: its codes, renumbered over the texts rows use (missing = '')."""
    row_codes = series.cat.codes.to_numpy()
    texts = pa.array(series.cat.categories, pa.large_string()).to_pylist()  # not one by one
    missing = bool(len(row_codes)) and int(row_codes.min()) < 0
    if missing:  # a missing cell reads as '': give it a code of its own at the end
        texts.append("")
        row_codes = np.where(row_codes < 0, len(texts) - 1, row_codes)
    used = np.bincount(row_codes, minlength=len(texts)) > 0 if len(row_codes) else np.zeros(len(texts), bool)
    if used.all():
        return row_codes.astype(np.int32), texts
    if not used[0] and used[1:].all():  # the usual case: only the header's text, parsed first, is unused
        return (row_codes - 1).astype(np.int32), texts[1:]
    # Renumber the used texts in order of their first row, as dictionary encoding numbers them.
    first = first_positions(row_codes, size=len(texts))
    order = np.argsort(first[used], kind="stable")
    kept = np.flatnonzero(used)[order]
    remap = np.full(len(texts), -1, dtype=np.int32)
    remap[kept] = np.arange(len(kept), dtype=np.int32)
    return remap[row_codes], [texts[k] for k in kept]


def combine_codes(parts: list[tuple[np.ndarray, int]], *, dense: bool = True) -> np.ndarray:
    """One code per distinct combination of several columns' codes (dense: 0, 1, ... in first-seen order)."""
    n = len(parts[0][0]) if parts else 0
    combined = np.zeros(n, dtype=np.int64)
    bound = 1  # combined < bound
    for part, size in parts:
        if size <= 1:  # one value: nothing to tell apart
            continue
        if bound * size > 2**52:  # renumber densely before the product overflows
            combined, uniques = pd.factorize(combined)
            combined, bound = combined.astype(np.int64), max(len(uniques), 1)
        combined *= size
        combined += part
        bound *= size
    return pd.factorize(combined)[0].astype(np.int64) if n and dense else combined


def first_positions(combined: np.ndarray, size: int | None = None) -> np.ndarray:
    """The first row of each dense code; with `size` codes, a code no row has gets len(combined)."""
    if not combined.size and size is None:
        return np.zeros(0, dtype=np.int64)
    first = np.full(int(combined.max()) + 1 if size is None else size, len(combined), dtype=np.int64)
    first[combined[::-1]] = np.arange(len(combined) - 1, -1, -1)  # the last write, the first row, wins
    return first


def encode_stripped(series: pd.Series | None, n: int) -> tuple[np.ndarray, list[str]]:
    """codes() of a text column with values equal after stripping whitespace sharing a code.

    A missing column is n empty strings.
    """
    if series is None:
        return np.zeros(n, dtype=np.int64), [""]
    index, values = codes(series)
    return recode(index, [v.strip() for v in values])


def recode(index: np.ndarray, values: list) -> tuple[np.ndarray, list]:
    """Merge codes whose values became equal (e.g. after stripping), keeping first-seen order."""
    unique: dict = {}
    remap = np.array([unique.setdefault(v, len(unique)) for v in values] or [0], dtype=np.int64)
    if len(unique) == len(values):
        return index, values
    return remap[index], list(unique)


def text_series(values: list, index_codes: np.ndarray, index: pd.Index) -> pd.Series:
    """A str column from distinct values (None = missing) and each row's code into them."""
    arr = pa.array(values, pa.large_string()) if values else pa.array([None], pa.large_string())
    return pd.Series(arr.take(pa.array(index_codes)), index=index, dtype="str")


def category_series(values: list, index_codes: np.ndarray, index: pd.Index) -> pd.Series:
    """text_series held as a categorical: each distinct text once, each row a small integer code.

    The categories are sorted, so sorting and grouping order rows as their texts would. A column of a
    few hundred texts over 1,000,000 rows takes 1-2 MB instead of 12-25 MB as str. Readers use it for
    the observation columns they hand on unchanged; Arrow and DuckDB read it as text (VARCHAR).
    """
    texts = sorted({v for v in values if v is not None})
    position = {v: k for k, v in enumerate(texts)}
    remap = np.array([-1 if v is None else position[v] for v in values] or [-1], dtype=np.int32)
    row_codes = remap[index_codes] if len(index_codes) else np.zeros(0, dtype=np.int32)
    categorical = pd.Categorical.from_codes(row_codes, categories=pd.Index(texts, dtype="str"))
    return pd.Series(categorical, index=index)
