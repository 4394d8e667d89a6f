"""Classes for a choropleth map: quantiles, equal intervals or natural breaks, with a label for each class.

mapclassify does the classifying; this module picks the scheme, copes with too few distinct values and
with missing values, and writes the labels. See docs/methods.md, "Map classes".
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

QUANTILES = "quantiles"
EQUAL_INTERVALS = "equal intervals"
NATURAL_BREAKS = "natural breaks"
SCHEMES = (QUANTILES, EQUAL_INTERVALS, NATURAL_BREAKS)  # in the order a control offers them

NO_CLASS = -1  # the class index of a missing value
NO_VALUE = "no value"  # the label of a missing value (the ward maps' word for it)
MIN_CLASSES = 2


@dataclass(frozen=True)
class MapClasses:
    """A classification of values into k classes, each class (lower, upper] but the first [lower, upper].

    bounds: each class's upper bound, ascending (the last is the largest value); lower_bounds: each
    class's lower bound (the smallest value, then the previous upper bound); labels: 'lower to upper' per
    class ('4.0' when both ends print the same). classes and value_labels follow the values given, in
    order: the class index (0 = lowest) and its label, NO_CLASS and NO_VALUE for a missing value. k is the number of classes made, which is
    fewer than requested_k when the values have fewer distinct values than that (or, for quantiles,
    when ties make two quantiles equal).
    """

    scheme: str
    requested_k: int
    k: int
    bounds: tuple[float, ...]
    lower_bounds: tuple[float, ...]
    labels: tuple[str, ...]
    classes: tuple[int, ...]
    value_labels: tuple[str, ...]


def classify(values, *, scheme: str, k: int = 5, decimals: int = 1) -> MapClasses:
    """Classes for values by scheme ('quantiles', 'equal intervals' or 'natural breaks'), labelled.

    Method (mapclassify): quantiles, upper bounds at the 100/k, 200/k, ..., 100th percentiles
    (linear interpolation), with equal bounds from ties merged; equal intervals, k classes of equal width
    from the smallest value to the largest; natural breaks, the Fisher-Jenks optimal classes, which
    minimise the squared deviations from the class means. Fisher-Jenks is exact, so the same values
    always give the same classes; mapclassify's NaturalBreaks is a k-means search from random starts,
    whose classes can change from one run to the next, which a map must not do.
    Missing values are kept and get no class. With fewer distinct values than k, k is reduced to their
    number. Labels: 'lower to upper', each written with `decimals` decimal places, or the one number
    when both print the same.
    Reference: Fisher WD (1958) J Am Stat Assoc 53:789; Jenks GF (1977).
    """
    if scheme not in SCHEMES:
        raise ValueError(
            f"unknown map class scheme {scheme!r}; expected one of {', '.join(map(repr, SCHEMES))}"
        )
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < MIN_CLASSES:
        raise ValueError(f"a map needs at least {MIN_CLASSES} classes; got k = {k!r}")
    if isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)) or decimals < 0:
        raise ValueError(f"decimals must be a whole number, 0 or more; got {decimals!r}")
    y = np.asarray(values, dtype=float).ravel()
    if np.isinf(y).any():
        row = int(np.flatnonzero(np.isinf(y))[0])
        raise ValueError(f"map classes need finite values; row {row} is {y[row]:g}")
    present = ~np.isnan(y)
    if not len(y):
        raise ValueError("map classes need at least one value; got none")
    if not present.any():
        raise ValueError(f"map classes need at least one value; all {len(y)} are missing")
    known = y[present]
    distinct = len(np.unique(known))
    used_k = min(int(k), distinct)

    if used_k == 1:
        bounds = np.array([known[0]])
        index = np.zeros(len(known), dtype=int)
    else:
        bounds, index = _mapclassify(known, scheme, used_k)
    lower = np.concatenate(([known.min()], bounds[:-1]))
    labels = tuple(_label(lo, hi, decimals) for lo, hi in zip(lower, bounds, strict=True))

    classes = np.full(len(y), NO_CLASS, dtype=int)
    classes[present] = index
    value_labels = tuple(NO_VALUE if c == NO_CLASS else labels[c] for c in classes)
    return MapClasses(
        scheme=scheme,
        requested_k=int(k),
        k=len(bounds),
        bounds=tuple(float(b) for b in bounds),
        lower_bounds=tuple(float(b) for b in lower),
        labels=labels,
        classes=tuple(int(c) for c in classes),
        value_labels=value_labels,
    )


def _mapclassify(known: np.ndarray, scheme: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Upper bounds and the class of each value, from mapclassify."""
    # Imported here, not at the top: mapclassify loads scikit-learn, which takes about a second, and
    # every other user of het.stats would pay for it.
    import mapclassify

    classifier = {
        QUANTILES: mapclassify.Quantiles,
        EQUAL_INTERVALS: mapclassify.EqualInterval,
        NATURAL_BREAKS: mapclassify.FisherJenks,
    }[scheme]
    with warnings.catch_warnings():
        # Both are handled here: ties merging quantiles (k is read back from the bounds), and the note
        # that Fisher-Jenks runs without numba (slower, same classes).
        warnings.filterwarnings("ignore", message="Not enough unique values", category=UserWarning)
        warnings.filterwarnings("ignore", message="Numba not installed", category=UserWarning)
        result = classifier(known, k=k)
    return np.asarray(result.bins, dtype=float), np.asarray(result.yb, dtype=int)


def _label(lower: float, upper: float, decimals: int) -> str:
    """'12.3 to 15.6'; a class of one value, as printed, is just that value: '4.0'."""
    low, high = _number(lower, decimals), _number(upper, decimals)
    return low if low == high else f"{low} to {high}"


def _number(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    # '-0.0' is a rounding artefact, not a negative number.
    return text[1:] if text.startswith("-") and math.isclose(float(text.replace(",", "")), 0.0) else text
