"""Funnel plot control limits around a target value, and where each area falls against them.

The Fingertips method as PHEindicatormethods implements it (calculate_funnel_limits and
assign_funnel_significance), after Spiegelhalter (2005) and APHO Technical Briefings 2 (funnel plots)
and 3 (the intervals): proportions by the Wilson score method, crude rates by exact Poisson limits.
See docs/methods.md, "Funnel plots". Array in, array out; a missing denominator gives missing limits,
a missing value 'not compared'.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.special import gdtrib

from het.stats.benchmark import NOT_COMPARED
from het.stats.ci import _first, _where, rate_ci, z_for
from het.vocabulary import PROPORTION, RATE

STATISTICS = (PROPORTION, RATE)
LEVELS = (0.95, 0.998)
POINTS = 100  # points per curve: the reference draws its funnels through 100

# Where a value falls against the 95% and 99.8% limits, highest first. Above or below, not better or
# worse: a funnel plot knows nothing of the indicator's polarity.
ABOVE_998 = "above the 99.8% limit"
ABOVE_95 = "above the 95% limit"
WITHIN = "within the 95% limits"
BELOW_95 = "below the 95% limit"
BELOW_998 = "below the 99.8% limit"
SIGNIFICANCE_ORDER = (ABOVE_998, ABOVE_95, WITHIN, BELOW_95, BELOW_998, NOT_COMPARED)

DENOMINATOR = "denominator"


def limit_columns(level: float) -> tuple[str, str]:
    """The lower and upper limit columns of a level: ('lower95', 'upper95'), ('lower998', 'upper998')."""
    _check_level(level)
    digits = f"{level * 100:g}".replace(".", "")
    return f"lower{digits}", f"upper{digits}"


def funnel_limits(denominators, *, target, statistic, multiplier, levels=LEVELS) -> pd.DataFrame:
    """Control limits around target at each denominator: a frame of denominator, lower95, upper95, ...

    target and the limits are on the value's scale (per `multiplier`: 100 for a percentage, 100,000 for
    a rate per 100,000). One row per denominator, by position (a pandas index is not kept).
    Method (PHEindicatormethods, calculate_funnel_limits), z the two-sided normal quantile of the level
    and a = 1 - level:
    - proportion, p = target / multiplier: the values whose Wilson score interval has p on its edge,
      p -/+ z sqrt(p(1 - p)/n), cut to 0..multiplier;
    - rate, expected count m = n x target / multiplier: the counts whose exact Poisson interval has m
      on its edge, over n: lower count O with P(X <= O | m) = a/2, upper count O with
      P(X >= O | m) = a/2, using the continuous Poisson cdf (the regularised incomplete gamma), which
      at whole counts gives the reference's limits; a lower count below 0 is 0.
    References: Spiegelhalter DJ (2005) Stat Med 24:1185; Flowers J (2007) APHO Technical Briefing 2;
    Eayres D (2008) APHO Technical Briefing 3.
    """
    _check_method(target=target, statistic=statistic, multiplier=multiplier)
    levels = _check_levels(levels)
    n = np.asarray(denominators, dtype=float).ravel()
    _check_denominators(n)
    columns: dict[str, np.ndarray] = {DENOMINATOR: n}
    for level in levels:
        lower_name, upper_name = limit_columns(level)
        columns[lower_name], columns[upper_name] = _limits(n, target, statistic, multiplier, level)
    return pd.DataFrame(columns)


def funnel_significance(values, denominators, *, target, statistic, multiplier) -> np.ndarray:
    """Where each value falls against the 95% and 99.8% limits: labels from SIGNIFICANCE_ORDER.

    values on the scale of target (per multiplier); values and denominators broadcast together by
    position. A missing value or denominator gives 'not compared'; scalars in give a str out.
    Method (PHEindicatormethods, assign_funnel_significance): below the 99.8% lower limit, else below
    the 95% lower limit, else above the 99.8% upper limit, else above the 95% upper limit, else within;
    a value on a limit is within.
    - proportion: the value against the limits of funnel_limits; this is the same as asking whether the
      value's own Wilson interval excludes the target.
    - rate: as the reference does, the target against the value's own interval, from its count
      r = value x n / multiplier: exact Poisson limits below 10 events, Byar's approximation from 10
      (het.stats.rate_ci). From 10 events Byar's limits sit slightly outside the exact funnel (at most
      1.5% of the limit, at 10 events and 99.8%), so a value within that of a drawn curve can be
      labelled from its own interval rather than from the side of the curve it is drawn on.
    """
    _check_method(target=target, statistic=statistic, multiplier=multiplier)
    value, n = np.broadcast_arrays(np.asarray(values, dtype=float), np.asarray(denominators, dtype=float))
    _check_denominators(n)
    _check_values(value, statistic, multiplier)
    missing = np.isnan(value) | np.isnan(n)
    low95, high95, low998, high998 = (np.zeros(value.shape, dtype=bool) for _ in range(4))
    with np.errstate(invalid="ignore"):
        if statistic == PROPORTION:
            for level, low, high in ((0.95, low95, high95), (0.998, low998, high998)):
                lower, upper = _limits(n, target, statistic, multiplier, level)
                low[...], high[...] = value < lower, value > upper
        else:
            count = value * n / multiplier
            expected = n * target / multiplier
            for level, low, high in ((0.95, low95, high95), (0.998, low998, high998)):
                count_lower, count_upper = (np.asarray(limit) for limit in rate_ci(count, confidence=level))
                low[...], high[...] = expected > count_upper, expected < count_lower
    labels = np.full(value.shape, WITHIN, dtype=object)
    # Assigned weakest first, so that the reference's order of precedence wins.
    labels[high95] = ABOVE_95
    labels[high998] = ABOVE_998
    labels[low95] = BELOW_95
    labels[low998] = BELOW_998
    labels[missing] = NOT_COMPARED
    return labels[()]


def funnel_curve(
    *,
    target,
    statistic,
    multiplier,
    max_denominator,
    min_denominator=1,
    points=POINTS,
    levels=LEVELS,
) -> pd.DataFrame:
    """The control limits at `points` denominators from min_denominator to max_denominator, for drawing.

    The denominators are spaced evenly on a log scale (denser where the funnel is narrow and curved),
    and include both ends. Columns as funnel_limits. Method: funnel_limits (docs/methods.md).
    """
    _check_method(target=target, statistic=statistic, multiplier=multiplier)
    low, high = float(min_denominator), float(max_denominator)
    if not low > 0 or not math.isfinite(low):
        raise ValueError(f"funnel_curve needs min_denominator greater than 0; got {min_denominator!r}")
    if not high > low or not math.isfinite(high):
        raise ValueError(
            f"funnel_curve needs max_denominator greater than min_denominator ({low:g}); got {max_denominator!r}"
        )
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)) or points < 2:
        raise ValueError(f"funnel_curve needs a whole number of points, at least 2; got {points!r}")
    denominators = np.geomspace(low, high, int(points))
    return funnel_limits(
        denominators, target=target, statistic=statistic, multiplier=multiplier, levels=levels
    )


def _limits(n: np.ndarray, target: float, statistic: str, multiplier: float, level: float):
    """Lower and upper control limits at denominators n, on the value's scale (see funnel_limits)."""
    z = z_for(level)
    alpha = 1 - level
    with np.errstate(invalid="ignore", divide="ignore"):
        if statistic == PROPORTION:
            p = target / multiplier
            half_width = z * np.sqrt(p * (1 - p) / n)
            lower = np.clip(p - half_width, 0, 1) * multiplier
            upper = np.clip(p + half_width, 0, 1) * multiplier
        else:
            expected = n * target / multiplier
            # gdtrib(1, q, m) is the b with gammainc(b, m) = q: P(X <= O | m) = 1 - gammainc(O + 1, m)
            # and P(X >= O | m) = gammainc(O, m), so these are the whole-count limits made continuous.
            count_lower = np.maximum(gdtrib(1.0, 1 - alpha / 2, expected) - 1, 0.0)
            count_upper = gdtrib(1.0, alpha / 2, expected)
            lower = count_lower / n * multiplier
            upper = count_upper / n * multiplier
    return lower, upper


def _check_method(*, target, statistic, multiplier) -> None:
    """Raise ValueError for an unknown statistic, a multiplier <= 0 or a target the statistic cannot have."""
    if statistic not in STATISTICS:
        raise ValueError(f"unknown funnel statistic {statistic!r}; expected {PROPORTION!r} or {RATE!r}")
    if not _is_number(multiplier) or not multiplier > 0 or not math.isfinite(multiplier):
        raise ValueError(
            f"funnel multiplier must be greater than 0 (e.g. 100 for a percentage); got {multiplier!r}"
        )
    if not _is_number(target) or not math.isfinite(target):
        raise ValueError(f"funnel target must be a number; got {target!r}")
    if statistic == PROPORTION and not 0 <= target <= multiplier:
        raise ValueError(
            f"a proportion's funnel target must be between 0 and the multiplier ({multiplier:g}); got {target:g}"
        )
    if statistic == RATE and not target > 0:
        raise ValueError(f"a rate's funnel target must be greater than 0; got {target:g}")


def _check_levels(levels) -> tuple[float, ...]:
    levels = tuple(levels)
    if not levels:
        raise ValueError("funnel levels must name at least one level, e.g. (0.95, 0.998)")
    for level in levels:
        _check_level(level)
    if len({limit_columns(level) for level in levels}) < len(levels):
        raise ValueError(f"funnel levels must differ; got {', '.join(f'{level:g}' for level in levels)}")
    return levels


def _check_level(level) -> None:
    if not _is_number(level) or not 0 < level < 1:
        raise ValueError(f"a funnel level must be between 0 and 1 (e.g. 0.95 or 0.998); got {level!r}")


def _check_denominators(n: np.ndarray) -> None:
    bad = _first(n <= 0)  # NaN compares False: a missing denominator gives missing limits
    if bad is not None:
        raise ValueError(
            f"funnel limits need denominators greater than 0; {_where(bad)} has denominator {n[bad]:g}"
        )


def _check_values(value: np.ndarray, statistic: str, multiplier: float) -> None:
    if statistic == PROPORTION:
        bad = _first((value < 0) | (value > multiplier))
        if bad is not None:
            raise ValueError(
                f"a proportion must be between 0 and the multiplier ({multiplier:g}); "
                f"{_where(bad)} has value {value[bad]:g}"
            )
    else:
        bad = _first(value < 0)
        if bad is not None:
            raise ValueError(f"a rate cannot be negative; {_where(bad)} has value {value[bad]:g}")


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
