"""Confidence intervals for a single value: proportions (Wilson) and crude rates (Byar / exact Poisson).

Pure numpy and scipy. Array in, array out; NaN in gives NaN out. See docs/methods.md.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaincinv, ndtri

# Below this count the exact Poisson limits are used; at and above it Byar's approximation
# (Fingertips' switch-over point).
BYAR_MIN_COUNT = 10


def z_for(confidence: float) -> float:
    """Two-sided standard normal quantile for a confidence level (1.959964 for 0.95).

    Method: z = Phi^-1(1 - (1 - confidence)/2), via scipy.special.ndtri (the normal quantile).
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95); got {confidence}")
    return float(ndtri(1 - (1 - confidence) / 2))


def wilson_ci(count, denominator, *, confidence=0.95):
    """Lower and upper confidence limits for a proportion count/denominator, on the 0..1 scale.

    Method: Wilson score interval,
    (2r + z^2 -/+ z sqrt(z^2 + 4r(1 - r/n))) / (2(n + z^2)); r = 0 gives lower 0, r = n gives upper 1.
    Reference: Wilson EB (1927) J Am Stat Assoc 22:209.
    """
    z = z_for(confidence)
    r, n = np.broadcast_arrays(np.asarray(count, dtype=float), np.asarray(denominator, dtype=float))
    _check_wilson_inputs(r, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = 2 * r + z**2
        spread = z * np.sqrt(z**2 + 4 * r * (1 - r / n))
        scale = 2 * (n + z**2)
        lower = np.where(r == 0, 0.0, (centre - spread) / scale)
        upper = np.where(r == n, 1.0, (centre + spread) / scale)
    return lower[()], upper[()]


def rate_ci(count, *, confidence=0.95):
    """Lower and upper confidence limits for a Poisson count; divide by the denominator for a rate.

    Method: exact Poisson limits chi2.ppf(a/2, 2r)/2 and chi2.ppf(1 - a/2, 2r + 2)/2 for r < 10;
    Byar's approximation for r >= 10: lower = r(1 - 1/(9r) - z/(3 sqrt r))^3,
    upper = (r + 1)(1 - 1/(9(r + 1)) + z/(3 sqrt(r + 1)))^3. A count of 0 gives lower 0.
    Reference: Breslow NE, Day NE (1987) Statistical Methods in Cancer Research vol II, IARC
    (exact limits, and Byar's approximation as given there).
    """
    z = z_for(confidence)
    alpha = 1 - confidence
    r = np.asarray(count, dtype=float)
    _check_rate_inputs(r)
    # Both branches are evaluated for every element; the one np.where discards may warn (e.g. sqrt
    # of 0, chi2 with 0 degrees of freedom), so those warnings are silenced here.
    with np.errstate(invalid="ignore", divide="ignore"):
        byar_lower = r * (1 - 1 / (9 * r) - z / (3 * np.sqrt(r))) ** 3
        byar_upper = (r + 1) * (1 - 1 / (9 * (r + 1)) + z / (3 * np.sqrt(r + 1))) ** 3
        # chi2.ppf(q, 2k) / 2 = gammaincinv(k, q): the inverse of the regularised lower incomplete gamma.
        exact_lower = np.where(r == 0, 0.0, gammaincinv(np.where(r == 0, 1, r), alpha / 2))
        exact_upper = gammaincinv(r + 1, 1 - alpha / 2)
    use_byar = r >= BYAR_MIN_COUNT
    lower = np.where(use_byar, byar_lower, exact_lower)
    upper = np.where(use_byar, byar_upper, exact_upper)
    return lower[()], upper[()]


def _check_wilson_inputs(r: np.ndarray, n: np.ndarray) -> None:
    """Raise ValueError naming the first element with an impossible count or denominator."""
    need = "Wilson interval needs 0 <= count <= denominator"
    # NaN compares False, so missing values pass through to NaN limits rather than failing.
    bad = _first(n <= 0)
    if bad is not None:
        raise ValueError(f"{need}; {_where(bad)} has denominator {n[bad]:g} <= 0")
    bad = _first(r < 0)
    if bad is not None:
        raise ValueError(f"{need}; {_where(bad)} has count {r[bad]:g} < 0")
    bad = _first(r > n)
    if bad is not None:
        raise ValueError(f"{need}; {_where(bad)} has count {r[bad]:g} > denominator {n[bad]:g}")


def _check_rate_inputs(r: np.ndarray) -> None:
    """Raise ValueError naming the first negative count."""
    bad = _first(r < 0)
    if bad is not None:
        raise ValueError(f"Rate interval needs count >= 0; {_where(bad)} has count {r[bad]:g}")


def _first(mask: np.ndarray) -> tuple[int, ...] | None:
    """Index of the first True element of mask, or None when there is none."""
    hits = np.argwhere(mask)
    return tuple(int(i) for i in hits[0]) if len(hits) else None


def _where(index: tuple[int, ...]) -> str:
    """Describe an element position for an error message: 'the value', 'row 3', 'element (1, 2)'."""
    if not index:
        return "the value"
    if len(index) == 1:
        return f"row {index[0]}"
    return f"element {index}"
