"""Compare values with a benchmark (England, Luton overall, a target) by the Fingertips rule.

The benchmark's point value is compared with the area's own confidence interval (docs/methods.md,
"Comparing a value with a benchmark"). Array in, array out; missing input gives 'not compared'.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from het.stats.ci import _first, _where
from het.vocabulary import HIGH_IS_GOOD, LOW_IS_GOOD, NO_JUDGEMENT, POLARITIES

# Polarities, as the indicator catalogue spells them, are het's one vocabulary (het.vocabulary).

# Fingertips' own spellings (the 'Polarity' field of its metadata), read case-insensitively after
# stripping whitespace. 'BOB - Blue orange blue' and 'Not applicable' make no judgement.
_POLARITY_SPELLINGS = {
    HIGH_IS_GOOD: HIGH_IS_GOOD,
    LOW_IS_GOOD: LOW_IS_GOOD,
    NO_JUDGEMENT: NO_JUDGEMENT,
    "rag - high is good": HIGH_IS_GOOD,
    "rag - low is good": LOW_IS_GOOD,
    "bob - blue orange blue": NO_JUDGEMENT,
    "not applicable": NO_JUDGEMENT,
}

# Comparison labels.
MUCH_BETTER = "much better"
BETTER = "better"
SIMILAR = "similar"
WORSE = "worse"
MUCH_WORSE = "much worse"
HIGHER = "higher"
LOWER = "lower"
NOT_COMPARED = "not compared"

# Display order: judged labels best to worst, then the no-judgement labels, then not compared.
LABEL_ORDER = (MUCH_BETTER, BETTER, SIMILAR, WORSE, MUCH_WORSE, HIGHER, LOWER, NOT_COMPARED)


def normalise_polarity(polarity):
    """The catalogue spelling ('high is good', 'low is good', 'no judgement') of a polarity or array of them.

    Accepts the catalogue spellings and Fingertips' ('RAG - High is good', 'RAG - Low is good',
    'BOB - Blue orange blue', 'Not applicable'), in any case and with surrounding spaces.
    Anything else, including a missing polarity, raises ValueError naming it.
    """
    spelt = np.asarray(polarity, dtype=object)
    # Each distinct spelling is read once (an array of a million rows holds a handful of spellings).
    flat = spelt.ravel()
    codes, distinct = pd.factorize(pd.Series(flat, dtype=object), use_na_sentinel=False)
    read = np.empty(len(distinct), dtype=object)
    for position, spelling in enumerate(distinct):
        key = spelling.strip().lower() if isinstance(spelling, str) else None
        if key not in _POLARITY_SPELLINGS:
            first = int(np.flatnonzero(codes == position)[0])
            raw = flat[first]
            index = tuple(int(i) for i in np.unravel_index(first, spelt.shape)) if spelt.ndim else ()
            where = f" in {_where(index)}" if index else ""
            raise ValueError(
                f"unknown polarity {raw!r}{where}; expected one of {', '.join(POLARITIES)} "
                "or a Fingertips spelling such as 'RAG - High is good'"
            )
        read[position] = _POLARITY_SPELLINGS[key]
    return read[codes].reshape(spelt.shape)[()]


def compare_with_benchmark(value, lower95, upper95, benchmark, *, polarity, lower998=None, upper998=None):
    """Label each value 'better', 'similar', 'worse', ... than its benchmark (a numpy object array).

    Method (Fingertips' default benchmarking rule): the benchmark's point value is compared with
    the area's own interval. Benchmark inside [lower95, upper95] (inclusive) -> 'similar';
    benchmark below the interval -> the area is higher, above it -> lower. Polarity turns
    higher/lower into 'better'/'worse' ('high is good', 'low is good'); 'no judgement' keeps
    'higher'/'lower'. With 99.8% limits too (two levels), a benchmark outside the 99.8% interval
    gives 'much better'/'much worse'; the method defines no 'much higher'/'much lower', so
    'no judgement' stays 'higher'/'lower' at both levels.
    A missing value, benchmark or limit (any of the four in two-level mode) gives 'not compared'.
    Inputs broadcast together by position (pandas index is ignored); polarity may be one value
    or one per element, in any spelling normalise_polarity accepts. Scalars in give a str out.
    Reference: Fingertips Public Health Technical Guide (benchmarking).
    """
    if (lower998 is None) != (upper998 is None):
        raise ValueError("give both lower998 and upper998 for a two-level comparison, or neither")
    two_level = lower998 is not None
    columns = [value, lower95, upper95, benchmark] + ([lower998, upper998] if two_level else [])
    arrays = np.broadcast_arrays(*(_as_float(column) for column in columns), normalise_polarity(polarity))
    y, lo95, hi95, bench = arrays[:4]
    lo998, hi998 = arrays[4:6] if two_level else (None, None)
    codes = _label_codes(y, lo95, hi95, bench, arrays[-1], lo998, hi998)
    return _LABELS[codes.ravel()].reshape(codes.shape)[()]


# The labels by code, for _label_codes: a label is worked out as a small integer and looked up once.
_LABELS = np.array(
    [SIMILAR, HIGHER, LOWER, BETTER, WORSE, MUCH_BETTER, MUCH_WORSE, NOT_COMPARED], dtype=object
)
_CODE = {label: code for code, label in enumerate(_LABELS)}


def _label_codes(y, lo95, hi95, bench, pol, lo998=None, hi998=None, two_level=None) -> np.ndarray:
    """compare_with_benchmark's rule as codes into _LABELS, on float arrays of one shape.

    pol holds catalogue polarities. With lo998/hi998, rows where `two_level` is True (every row if it is
    None) are compared at two levels; the others at 95% only, as if given no 99.8% limits.
    """
    _check_limits(lo95, hi95, "lower95", "upper95")
    if lo998 is not None:
        two = np.ones(y.shape, dtype=bool) if two_level is None else np.asarray(two_level, dtype=bool)
        _check_limits(np.where(two, lo998, np.nan), np.where(two, hi998, np.nan), "lower998", "upper998")
    with np.errstate(invalid="ignore"):
        higher = bench < lo95
        lower = bench > hi95
        missing = np.isnan(y) | np.isnan(bench) | np.isnan(lo95) | np.isnan(hi95)
        if lo998 is not None:
            much = two & ((bench < lo998) | (bench > hi998))
            missing |= two & (np.isnan(lo998) | np.isnan(hi998))
        else:
            much = np.zeros(y.shape, dtype=bool)
    high_good = pol == HIGH_IS_GOOD
    low_good = pol == LOW_IS_GOOD
    no_judgement = pol == NO_JUDGEMENT
    good = (higher & high_good) | (lower & low_good)
    bad = (lower & high_good) | (higher & low_good)
    codes = np.full(y.shape, _CODE[SIMILAR], dtype=np.int8)
    codes[higher & no_judgement] = _CODE[HIGHER]
    codes[lower & no_judgement] = _CODE[LOWER]
    codes[good] = _CODE[BETTER]
    codes[bad] = _CODE[WORSE]
    codes[good & much] = _CODE[MUCH_BETTER]
    codes[bad & much] = _CODE[MUCH_WORSE]
    codes[missing] = _CODE[NOT_COMPARED]
    return codes


def _as_float(values) -> np.ndarray:
    """A float array from numbers, None, NaN or pandas NA (missing becomes NaN)."""
    return np.asarray(values, dtype=float)


def _check_limits(lower: np.ndarray, upper: np.ndarray, lower_name: str, upper_name: str) -> None:
    """Raise ValueError naming the first element whose lower limit is above its upper limit."""
    bad = _first(lower > upper)  # NaN compares False: missing limits are not errors here
    if bad is not None:
        raise ValueError(
            f"{lower_name} is above {upper_name} in {_where(bad)}: {lower[bad]:g} > {upper[bad]:g}"
        )


def polarity_per_row(polarity: pd.Series) -> np.ndarray:
    """normalise_polarity of a column, as an object array: a categorical's categories are read, not its rows."""
    if isinstance(polarity.dtype, pd.CategoricalDtype):
        read = np.asarray(normalise_polarity(polarity.cat.categories.to_numpy(dtype=object)), dtype=object)
        codes = polarity.cat.codes.to_numpy()
        if (codes < 0).any():
            normalise_polarity(None)  # a missing polarity: the same error as for any other spelling
        return read[codes] if len(read) else np.empty(0, dtype=object)
    return np.asarray(normalise_polarity(polarity.to_numpy(dtype=object)), dtype=object)


def compare_rows(rows: pd.DataFrame) -> np.ndarray:
    """Fingertips' benchmark rule per row: two levels where the row has 99.8% limits, else 95% only.

    The polarity column is read once per distinct spelling (a categorical's categories, or its values).
    """
    return np.asarray(compare_rows_categorical(rows), dtype=object)


def compare_rows_categorical(rows: pd.DataFrame) -> pd.Categorical:
    """compare_rows as a categorical of the labels: for hundreds of thousands of rows, no string per row."""
    y, lo95, hi95, bench, lo998, hi998 = (
        rows[c].to_numpy(dtype=float)
        for c in ["value", "lower_ci95", "upper_ci95", "benchmark_value", "lower_ci998", "upper_ci998"]
    )
    pol = polarity_per_row(rows["polarity"])
    two_level = ~np.isnan(lo998) & ~np.isnan(hi998)
    codes = _label_codes(y, lo95, hi95, bench, pol, lo998, hi998, two_level)
    return pd.Categorical.from_codes(codes, categories=pd.Index(_LABELS, dtype=object))
