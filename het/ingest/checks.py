"""Row checks shared by every extract reader, all vectorised.

Each check takes whole columns and records a Problem for the first MAX_ROWS_NAMED offending rows
(naming file, sheet, row and column), then counts the rest; only the rows already known to be bad
are visited one by one. Work that depends on a value rather than a row (reading a period label,
mapping a category) is done once per distinct value and spread back to the rows.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from het.ingest.parsed import KEY
from het.ingest.problems import ERROR, WARNING, Problems
from het.periods import parse_period, ward_set_for_period

SUPPRESSION_MARKERS = {"*", "x", "[c]", "..", "-", ":", "[x]", "[z]", "c", "[low]", "[u]"}
# Per check, how many offending rows are named before the rest are counted.
MAX_ROWS_NAMED = 10
NUMERIC = ["value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998", "count", "denominator"]
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$"
WARD_SETS = ("WD13", "WD23")


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
            add(f"the same problem in {len(index) - MAX_ROWS_NAMED} more row(s)", column=column)
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
    """Text with surrounding whitespace removed, as pandas str."""
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


# -- numbers ----------------------------------------------------------------------------------------------


def parse_numbers(source: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse numbers ('1,349' allowed). Returns values, suppressed mask, unparseable mask.

    Blank cells are missing values. Suppression markers (SUPPRESSION_MARKERS: *, x, [c], .., -, ...)
    are missing values to be noted, not errors. A comma is read as a thousands separator only in
    groups of three ('1,349', '12,345.6'); '1,5' is not a number (a decimal comma is refused rather
    than guessed). Text, 'nan' and 'inf' are not numbers.

    A categorical column is read once per distinct text and spread back to its rows.
    """
    index = source.index
    if isinstance(source.dtype, pd.CategoricalDtype):
        row_codes, distinct = codes(source)
        read = parse_numbers(pd.Series(distinct, dtype="str"))
        return tuple(pd.Series(r.to_numpy()[row_codes], index=index, copy=False) for r in read)
    raw = arrow(source)
    lengths = pc.utf8_length(raw)
    if len(raw) == 0 or pc.max(lengths).as_py() == 0:  # an empty column
        none = pd.Series(np.zeros(len(index), dtype=bool), index=index, copy=False)
        return pd.Series(np.full(len(index), np.nan), index=index, copy=False), none, none.copy()
    try:  # the common case: every filled cell is a plain number (no spaces, markers or commas)
        filled = (
            raw
            if pc.min(lengths).as_py() > 0
            else pc.if_else(pc.equal(lengths, 0), pa.scalar(None, raw.type), raw)
        )
        values = pc.cast(filled, pa.float64())
        finite = pc.fill_null(pc.is_finite(values), True)
        if pc.all(finite).as_py() is not False:
            none = pd.Series(np.zeros(len(index), dtype=bool), index=index, copy=False)
            return pd.Series(_floats(values), index=index, copy=False), none, none.copy()
    except pa.ArrowInvalid:
        pass
    # The careful reading (regular expressions) is done once per distinct text and spread back to the
    # rows: numeric columns repeat their texts ('1,349' on every row), so this is far fewer cells.
    row_codes, distinct = codes(source)
    values, suppressed, bad = _read_number_texts(pa.array(distinct, raw.type))
    return (
        pd.Series(values[row_codes], index=index, copy=False),
        pd.Series(suppressed[row_codes], index=index, copy=False),
        pd.Series(bad[row_codes], index=index, copy=False),
    )


def _read_number_texts(raw: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """parse_numbers' careful reading of texts: values, suppressed mask, unparseable mask."""
    text = pc.utf8_trim_whitespace(raw)
    blank = pc.equal(text, "")
    lowered = pc.utf8_lower(text)
    suppressed = pc.is_in(lowered, value_set=pa.array(sorted(SUPPRESSION_MARKERS)))
    grouped = pc.match_substring_regex(text, _THOUSANDS)
    cleaned = pc.if_else(grouped, pc.replace_substring(text, ",", ""), text)
    number = pc.match_substring_regex(cleaned, _NUMBER)
    candidate = pc.and_(pc.invert(blank), pc.invert(suppressed))
    usable = pc.and_(candidate, number)
    values = pc.cast(pc.if_else(usable, cleaned, pa.scalar(None, cleaned.type)), pa.float64())
    bad = pc.and_(candidate, pc.invert(number))
    return _floats(values), np.asarray(suppressed, dtype=bool), np.asarray(bad, dtype=bool)


def _floats(values: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(values, np.nan), dtype=np.float64)


def read_numeric_columns(
    raw: pd.DataFrame,
    names: dict[str, str],
    out: pd.DataFrame,
    checker: RowChecker,
    notes: pd.Series | None,
) -> pd.Series | None:
    """Parse the NUMERIC columns found in raw (names: het column -> file column) into out.

    Returns the value notes with 'suppressed in source: <marker>' added where the value was suppressed
    (notes None: just those; None when nothing was suppressed and no notes were given).
    """
    for col in NUMERIC:
        source_name = names.get(col)
        if source_name is None or source_name not in raw:
            out[col] = np.nan
            continue
        source = raw[source_name]
        parsed, suppressed, bad = parse_numbers(source)
        out[col] = parsed
        checker.flag(bad, source_name, lambda i, s=source: f"'{str(s.iloc[i]).strip()}' is not a number")
        if col == "value" and suppressed.any():
            marker = strip(source)
            note = ("suppressed in source: " + marker).where(suppressed, "")
            notes = note if notes is None else join_notes(notes, note)
    return notes


def join_notes(first: pd.Series, second: pd.Series) -> pd.Series:
    """Two columns of notes joined with '; ' where both have one."""
    both = (first != "") & (second != "")
    return (first + np.where(both, "; ", "") + second).astype("str")


def check_limits(out: pd.DataFrame, checker: RowChecker, names: dict[str, str]) -> None:
    """Lower limit <= value <= upper limit, at 95% and 99.8%; and lower <= upper."""
    for low, high, level in [("lower_ci95", "upper_ci95", "95%"), ("lower_ci998", "upper_ci998", "99.8%")]:
        checker.flag(
            out[low] > out["value"],
            names.get(low, low),
            lambda i, c=low, lv=level: (
                f"lower {lv} limit {out[c].iat[i]:g} is above the value {out['value'].iat[i]:g}"
            ),
        )
        checker.flag(
            out["value"] > out[high],
            names.get(high, high),
            lambda i, c=high, lv=level: (
                f"upper {lv} limit {out[c].iat[i]:g} is below the value {out['value'].iat[i]:g}"
            ),
        )
        checker.flag(
            out["value"].isna() & (out[low] > out[high]),
            names.get(low, low),
            lambda i, lo=low, hi=high, lv=level: (
                f"lower {lv} limit {out[lo].iat[i]:g} is above the upper limit {out[hi].iat[i]:g}"
            ),
        )


def check_ranges(
    out: pd.DataFrame,
    checker: RowChecker,
    names: dict[str, str],
    indicators: pd.DataFrame,
    *,
    ids: tuple[np.ndarray, list] | None = None,
) -> None:
    """Proportions within 0..multiplier; counts and denominators not negative; count <= denominator.

    A count above its denominator is an error for proportions (impossible) and for indicators whose
    value type is unknown, and a warning for rates and other types (events can outnumber people).
    """
    value_types = lookup_dict(indicators, "value_type")
    multipliers = {k: float(v) for k, v in lookup_dict(indicators, "multiplier").items() if pd.notna(v)}
    type_codes, type_values = codes(out["indicator_id"]) if ids is None else ids
    kinds = [value_types.get(v) for v in type_values] or [None]  # per indicator, then spread to the rows
    top = np.array([multipliers.get(v, np.nan) for v in type_values] or [np.nan], dtype=float)[type_codes]
    proportion = np.array([k == "proportion" for k in kinds])[type_codes] & ~np.isnan(top)
    if proportion.any():
        for col in ["value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998"]:
            values = out[col].to_numpy()
            outside = proportion & ((values < 0) | (values > top))
            checker.flag(
                outside,
                names.get(col, col),
                lambda i, c=col: (
                    f"{out[c].iat[i]:g} is outside 0 to {top[i]:g} for a proportion "
                    f"(indicator {out['indicator_id'].iat[i]})"
                ),
            )
    for col in ["count", "denominator"]:
        checker.flag(out[col] < 0, names.get(col, col), lambda i, c=col: f"{out[c].iat[i]:g} is negative")
    over = (out["count"] > out["denominator"]).to_numpy() & (out["denominator"] >= 0).to_numpy()
    strict = np.array([k is None or k == "proportion" for k in kinds])[type_codes]

    def message(i: int) -> str:
        return f"count {out['count'].iat[i]:g} is larger than the denominator {out['denominator'].iat[i]:g}"

    checker.flag(over & strict, names.get("count", "count"), message)
    checker.flag(over & ~strict, names.get("count", "count"), message, level=WARNING)


def lookup_dict(frame: pd.DataFrame, column: str, key: str = "indicator_id") -> dict:
    """{key: column} for a reference frame (empty when the frame lacks the column)."""
    if column not in frame.columns or key not in frame.columns:
        return {}
    pairs = frame[[key, column]].drop_duplicates(key)
    return {str(k): v for k, v in zip(pairs[key], pairs[column], strict=True) if pd.notna(v)}


# -- keys, periods and ward sets --------------------------------------------------------------------------


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


@dataclass(frozen=True)
class PeriodInfo:
    sortable: int | None
    ward_set: str | None
    error: str | None
    kind: str | None = None


def read_period(label: str, periodicity: str | None) -> PeriodInfo:
    """A period label read once (see het.periods.parse_period)."""
    try:
        period = parse_period(label, periodicity=periodicity or None)
    except ValueError as exc:
        return PeriodInfo(None, None, str(exc))
    return PeriodInfo(period.sortable, ward_set_for_period(period), None, period.kind)


def read_periods(labels: pd.Series, periodicity: pd.Series | None = None) -> pd.DataFrame:
    """read_period for every row, computed once per distinct (label, periodicity).

    Columns: period_sort (float, NaN when unreadable), ward_set, kind and error (None when readable).
    """
    key = labels.astype("str")
    if periodicity is not None:
        key = key + "\x1f" + periodicity.astype("str").fillna("")
    index, values = codes(key)
    infos = [
        read_period(*v.split("\x1f", 1)) if periodicity is not None else read_period(v, None) for v in values
    ]
    sortable = np.array([np.nan if p.sortable is None else p.sortable for p in infos], dtype=float)
    columns = {"period_sort": sortable[index]}
    for name in ("ward_set", "kind", "error"):
        column = np.empty(len(infos), dtype=object)
        column[:] = [getattr(p, name) for p in infos]
        columns[name] = column[index]
    return pd.DataFrame(columns, index=labels.index)


def check_ward_sets(
    area_codes: pd.Series,
    labels: pd.Series,
    expected: pd.Series,
    areas: pd.DataFrame,
    checker: RowChecker,
    *,
    column: str,
) -> None:
    """Ward-level data must be on the ward set in force for its period (het.periods.ward_set_for_period)."""
    area_index, area_values = codes(area_codes)
    vintages = lookup_dict(areas, "vintage", key="area_code")
    area_set = np.array([vintages.get(v, "") for v in area_values] or [""], dtype=object)
    expected_index, expected_values = codes(expected.fillna("").astype("str"))
    set_codes = {w: i + 1 for i, w in enumerate(WARD_SETS)}
    row_area_set = np.array([set_codes.get(v, 0) for v in area_set], dtype=np.int8)[area_index]
    row_expected = np.array([set_codes.get(v, 0) for v in expected_values] or [0], dtype=np.int8)[
        expected_index
    ]
    mismatch = (row_area_set > 0) & (row_expected > 0) & (row_area_set != row_expected)
    vintage = area_set[area_index] if len(area_index) else np.array([], dtype=object)
    checker.flag(
        mismatch,
        column,
        lambda i: (
            f"ward {area_codes.iat[i]} belongs to ward set {vintage[i]}, but period "
            f"'{labels.iat[i]}' falls under {expected.iat[i]} (Luton's wards changed in May 2023)"
        ),
    )


# -- what het does not model ------------------------------------------------------------------------------


def extra_json(raw: pd.DataFrame, columns: list[str], index: pd.Index | None = None) -> pd.Series:
    """Unmodelled columns kept as one JSON object per row ({"column": "text"}; blank cells left out).

    Missing (NA) when a row has nothing to keep. The JSON is built once per distinct combination of
    the columns' values (few, in practice) and returned as a categorical column (DuckDB reads it as an
    ENUM, cast to VARCHAR on insert).
    """
    index = raw.index if index is None else index
    if not columns or raw.empty:
        return pd.Series(
            pd.Categorical([None] * len(index), categories=pd.Index([], dtype="str")), index=index
        )
    dictionaries, parts = [], []
    if all(isinstance(raw[col].dtype, pd.CategoricalDtype) for col in columns):
        encoded = [codes(raw[col]) for col in columns]  # their own codes: nothing to hash
    else:  # pyarrow releases the GIL while hashing, so the columns are encoded side by side
        with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
            encoded = list(pool.map(lambda col: codes(raw[col]), columns))
    for part, values in encoded:
        dictionaries.append([v.strip() for v in values])
        parts.append(part)
    combined = combine_codes([(part, len(d)) for part, d in zip(parts, dictionaries, strict=True)])
    first = first_positions(combined)
    names = [json.dumps(c, ensure_ascii=False) for c in columns]
    texts: list[str | None] = []
    for position in first:
        fields = [
            f"{name}: {json.dumps(text, ensure_ascii=False)}"
            for name, dictionary, part in zip(names, dictionaries, parts, strict=True)
            if (text := dictionary[part[position]])
        ]
        texts.append("{" + ", ".join(fields) + "}" if fields else None)
    # A categorical column: each distinct JSON text is held once (they repeat across rows).
    categories: dict[str, int] = {}
    lookup = np.array(
        [-1 if t is None else categories.setdefault(t, len(categories)) for t in texts], dtype=np.int64
    )
    values = pd.Categorical.from_codes(lookup[combined], categories=pd.Index(list(categories), dtype="str"))
    return pd.Series(values, index=index)


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


def summarise_values(values: list[str], limit: int = 8) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


# -- indicators -------------------------------------------------------------------------------------------


@dataclass
class ResolvedIndicators:
    """Each row's catalogue indicator (None when unknown or ignored), with the unknown ones listed.

    id_codes gives each row a dense code per resolved indicator (unknown and ignored rows share code 0).
    """

    indicator_id: pd.Series
    unknown: np.ndarray
    ignored: np.ndarray
    listing: pd.DataFrame  # source_key, source_name, rows, first_row
    id_codes: np.ndarray
    id_values: list  # indicator_id per code (None for code 0)


def resolve_indicators(
    encoded: tuple[np.ndarray, list[str]],
    *,
    index: pd.Index,
    lookup: dict[str, str],
    catalogue_ids: set[str],
    mapping: dict | None,
    checker: RowChecker,
    column: str,
    names: pd.Series | None = None,
    categorical: bool = False,
) -> ResolvedIndicators:
    """Match each row's indicator key (e.g. a Fingertips ID) to the catalogue, through the analyst's mapping.

    encoded: each row's code into the distinct keys (see codes()). mapping: source key -> catalogue
    indicator_id, or None to set the rows aside. An unmapped key the catalogue does not know is one error
    naming the key, its name, the rows affected and the first row. categorical: indicator_id as a
    category_series (else str).
    """
    mapping = {str(k).strip(): v for k, v in (mapping or {}).items()}
    key_index, values = encoded
    resolved: list[str | None] = []
    state: list[int] = []  # 0 known, 1 unknown, 2 ignored
    for key in values:
        if key not in mapping:  # the catalogue's own match, if any
            resolved.append(lookup.get(key))
            state.append(0 if key in lookup else 1)
            continue
        target = mapping[key]
        if target is None or not str(target).strip():  # mapped to nothing: set aside on purpose
            resolved.append(None)
            state.append(2)
        elif str(target).strip() in catalogue_ids:
            resolved.append(str(target).strip())
            state.append(0)
        else:
            checker.error(
                f"the mapping for indicator '{key}' names '{target}', which is not in the catalogue",
                column=column,
            )
            resolved.append(None)
            state.append(1)
    row_state = (
        np.array(state or [0], dtype=np.int8)[key_index] if len(key_index) else np.zeros(0, dtype=np.int8)
    )
    id_values: list = [None]
    id_of: dict[str, int] = {}
    per_key = np.array([id_of.setdefault(r, len(id_of) + 1) if r is not None else 0 for r in resolved] or [0])
    id_values += list(id_of)
    id_codes = per_key[key_index] if len(key_index) else np.zeros(0, dtype=np.int64)
    unknown = row_state == 1
    ignored = row_state == 2
    listing_rows = []
    for code, key in enumerate(values):
        if state[code] != 1:
            continue
        positions = np.flatnonzero(key_index == code)
        name = " ".join(str(names.iat[positions[0]]).split()) if names is not None else ""
        first_row = int(checker.rows[positions[0]])
        listing_rows.append(
            {"source_key": key, "source_name": name, "rows": len(positions), "first_row": first_row}
        )
        label = f"'{key}'" + (f" ({name})" if name else "")
        checker.error(
            f"indicator {label} is not in the catalogue ({len(positions)} row(s)): map it to a catalogue "
            "indicator or add it as a local indicator",
            row=first_row,
            column=column,
        )
    checker.bad |= unknown
    if ignored.any():
        ignored_keys = sorted({values[c] for c in range(len(values)) if state[c] == 2})
        checker.warning(
            f"{int(ignored.sum())} row(s) of indicator(s) {', '.join(ignored_keys)} set aside at the analyst's "
            "request (mapped to no indicator)",
            column=column,
        )
    listing = pd.DataFrame(listing_rows, columns=["source_key", "source_name", "rows", "first_row"])
    return ResolvedIndicators(
        (category_series if categorical else text_series)(resolved, key_index, index),
        unknown,
        ignored,
        listing,
        id_codes,
        id_values,
    )


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


def finish_observations(out: pd.DataFrame, keep: np.ndarray, columns: list[str]) -> pd.DataFrame:
    """The rows to load, typed like the observations table (a copy only when some rows are dropped)."""
    frame = out[columns] if keep.all() else out.loc[keep, columns]
    frame = frame.reset_index(drop=True)
    frame["period_sort"] = frame["period_sort"].round().astype("Int64")
    frame["category_rank"] = pd.to_numeric(frame["category_rank"], errors="coerce").round().astype("Int64")
    frame["source_row"] = frame["source_row"].astype(np.int64)
    return frame
