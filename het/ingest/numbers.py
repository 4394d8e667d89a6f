"""Number columns read from text: thousands separators, suppression markers, cells that are not numbers."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from het.ingest.problems import quoted
from het.ingest.row_checker import RowChecker
from het.ingest.text_codes import arrow, codes, strip

SUPPRESSION_MARKERS = {"*", "x", "[c]", "..", "-", ":", "[x]", "[z]", "c", "[low]", "[u]"}
NUMERIC = ["value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998", "count", "denominator"]
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$"


def parse_numbers(source: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse numbers ('1,349' allowed). Returns values, suppressed mask, unparseable mask.

    Blank cells are missing values. Suppression markers (SUPPRESSION_MARKERS: *, x, [c], .., -, ...)
    are missing values to be noted, not errors. A comma is read as a thousands separator only in
    groups of three ('1,349', '12,345.6'); '1,5' is not a number (a decimal comma is refused rather
    than guessed). Text, 'nan' and 'inf' are not numbers, and nor is a number too large for a float
    ('1e400', '-1e999', which would read as plus or minus infinity): see bad_number_message.

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
    values = _floats(pc.cast(pc.if_else(usable, cleaned, pa.scalar(None, cleaned.type)), pa.float64())).copy()
    overflow = np.isinf(values)  # '1e400' is written like a number but is beyond a float's range
    values[overflow] = np.nan
    bad = np.asarray(pc.and_(candidate, pc.invert(number)), dtype=bool) | overflow
    return values, np.asarray(suppressed, dtype=bool), bad


def bad_number_message(text) -> str:
    """Why a cell parse_numbers refused is not a number: too large for a float, or not a number at all."""
    cleaned = str(text).strip()
    plain = cleaned.replace(",", "") if re.fullmatch(_THOUSANDS, cleaned) else cleaned
    if re.fullmatch(_NUMBER, plain):
        return f"{quoted(cleaned)} is too large a number (beyond about 1.8e308, it would read as infinity)"
    return f"{quoted(cleaned)} is not a number"


def _floats(values: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(values, np.nan), dtype=np.float64)


def read_numeric_columns(
    raw: pd.DataFrame,
    names: dict[str, str],
    out: pd.DataFrame,
    checker: RowChecker,
    notes: pd.Series | None,
    *,
    consume: bool = False,
) -> pd.Series | None:
    """Parse the NUMERIC columns found in raw (names: het column -> file column) into out.

    Returns the value notes with 'suppressed in source: <marker>' added where the value was suppressed
    (notes None: just those; None when nothing was suppressed and no notes were given). consume: delete
    each column from raw once it is parsed (the caller is done with it), so its text is freed at once.
    """
    for col in NUMERIC:
        source_name = names.get(col)
        if source_name is None or source_name not in raw:
            out[col] = np.nan
            continue
        source = raw[source_name]
        parsed, suppressed, bad = parse_numbers(source)
        out[col] = parsed
        checker.flag(bad, source_name, lambda i, s=source: bad_number_message(s.iloc[i]))
        if col == "value" and suppressed.any():
            marker = strip(source)
            note = ("suppressed in source: " + marker).where(suppressed, "")
            notes = note if notes is None else join_notes(notes, note)
        if consume:
            del raw[source_name], source
    return notes


def join_notes(first: pd.Series, second: pd.Series) -> pd.Series:
    """Two columns of notes joined with '; ' where both have one."""
    both = (first != "") & (second != "")
    return (first + np.where(both, "; ", "") + second).astype("str")
