"""Recent trend of a series of annual values, by the Fingertips rule (docs/methods.md, "Recent trend").

The 5 most recent points are tested for a linear trend: a weighted least-squares slope on values
with 95% intervals, or the chi-squared test for trend (Cochran-Armitage) on counts of denominators.
The trend is significant when chi-squared > 9.5495 (p < 0.002) and the slope keeps its sign when
each point in turn is left out. Groups are handled together as (groups x 5) arrays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from het.stats.benchmark import normalise_polarity, polarity_per_row
from het.stats.groups import group_numbers
from het.vocabulary import HIGH_IS_GOOD, LOW_IS_GOOD

TREND_POINTS = 5
# Chi-squared on 1 degree of freedom at p = 0.002 (scipy.stats.chi2.ppf(0.998, 1) = 9.5495).
SIGNIFICANT_CHI2 = 9.5495
# docs/methods.md: se = (upper95 - lower95) / 3.92, i.e. 2 x 1.96.
INTERVAL_WIDTH_IN_SE = 3.92

INCREASING = "increasing"
DECREASING = "decreasing"
GETTING_BETTER = "getting better"
GETTING_WORSE = "getting worse"
NO_SIGNIFICANT_CHANGE = "no significant change"
CANNOT_BE_CALCULATED = "cannot be calculated"
MARKER_ORDER = (
    GETTING_BETTER,
    GETTING_WORSE,
    INCREASING,
    DECREASING,
    NO_SIGNIFICANT_CHANGE,
    CANNOT_BE_CALCULATED,
)

METHOD_INTERVALS = "weighted least squares on intervals"
METHOD_COUNTS = "chi-squared test for trend"

_T = np.arange(1.0, TREND_POINTS + 1)
# Row k leaves point k out: the weights of the 5 refits on 4 points.
_LEAVE_ONE_OUT = 1.0 - np.eye(TREND_POINTS)


def recent_trend(
    frame: pd.DataFrame,
    *,
    period="period_sort",
    value="value",
    lower="lower_ci95",
    upper="upper_ci95",
    count=None,
    denominator=None,
    polarity,
    by=None,
) -> pd.DataFrame:
    """Recent-trend marker for each group of a series: one row per group, sorted by the by columns.

    Method (Fingertips recent trend): take each group's 5 most recent points, t = 1..5. They must be
    consecutive years: the period column holds period_sort codes (start year x 10000, e.g.
    20190000) or plain years, and the start years must rise by exactly 1. Rolling periods
    (2017 - 19, 2018 - 20, ...) overlap, so pass a rolling series as non-overlapping points; this
    function does not thin it.
    - With intervals (the default): se_t = (upper - lower) / 3.92, w_t = 1 / se_t^2, weighted
      least-squares slope b = (S1 S2 - S3 S4) / (S1 S5 - S3^2), SE(b) = sqrt(S1 / (S1 S5 - S3^2)),
      chi2 = (b / SE)^2, with S1 = sum w, S2 = sum w y t, S3 = sum w t, S4 = sum w y, S5 = sum w t^2.
      slope is in the units of the value column per year.
    - With count and denominator columns: the chi-squared test for trend (Armitage 1955) on r_t of
      n_t: with N = sum n, p = sum r / N, T = sum r t - p sum n t, Sxx = sum n t^2 - (sum n t)^2 / N,
      chi2 = T^2 / (p (1 - p) Sxx). slope = T / Sxx is the n-weighted least-squares slope of the
      proportion r/n (0..1 scale) per year. value, lower and upper are not used.
    Significant when chi2 > 9.5495 (p < 0.002) and all 5 refits leaving one point out have the
    slope's sign. marker: 'increasing' / 'decreasing' ('getting better' / 'getting worse' when
    polarity is 'high is good' or 'low is good'), 'no significant change', or 'cannot be
    calculated' with the reason (too few points, a break in the series, a missing or zero-width
    interval, a missing count or denominator). n_points: the points the test used (at most 5).
    polarity: one polarity for every row (any spelling benchmark.normalise_polarity accepts), or
    the name of a column holding it (constant within each group).
    Columns out: the by columns, marker, chi2, slope, n_points, reason (None when calculated), method.
    Reference: Fingertips Public Health Technical Guide (recent trends); Armitage P (1955)
    Biometrics 11:375.
    """
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    if (count is None) != (denominator is None):
        raise ValueError("recent_trend needs both count and denominator columns, or neither")
    use_counts = count is not None
    polarity_column = polarity if isinstance(polarity, str) and polarity in frame.columns else None
    measures = [count, denominator] if use_counts else [value, lower, upper]
    needed = list(dict.fromkeys(keys + [period] + measures + ([polarity_column] if polarity_column else [])))
    absent = [column for column in needed if column not in frame.columns]
    if absent:
        raise ValueError(
            f"recent_trend: frame has no column {', '.join(map(repr, absent))}; it has {list(frame.columns)}"
        )
    data = frame[needed].reset_index(drop=True)

    # Group ids numbered in sorted key order; `order` sorts rows by group, then period.
    group = group_numbers(data, keys)
    n_groups = int(group.max()) + 1 if len(group) else (0 if keys else 1)
    years = _start_years(data[period], period)
    order = np.lexsort((years, group))
    sizes = np.bincount(group, minlength=n_groups)
    ends = np.cumsum(sizes)
    firsts = order[ends[sizes > 0] - sizes[sizes > 0]]  # first row of each non-empty group
    key_frame = data.loc[firsts, keys].reset_index(drop=True) if keys else None

    sorted_group, sorted_year = group[order], years[order]
    repeated = np.flatnonzero((np.diff(sorted_group) == 0) & (np.diff(sorted_year) == 0))
    if len(repeated):
        row = order[repeated[0]]
        raise ValueError(
            f"recent_trend: period {int(sorted_year[repeated[0]])} appears more than once"
            f"{_describe_group(key_frame, group[row])}"
        )

    polarities = _group_polarities(data, polarity, polarity_column, group, firsts, key_frame, n_groups)

    # (groups x 5) arrays of the 5 most recent points, oldest first; empty cells hold NaN.
    from_end = ends[sorted_group] - np.arange(len(order)) - 1
    keep = from_end < TREND_POINTS
    rows, cols = sorted_group[keep], TREND_POINTS - 1 - from_end[keep]
    kept = order[keep]

    def grid(values: np.ndarray) -> np.ndarray:
        out = np.full((n_groups, TREND_POINTS), np.nan)
        out[rows, cols] = values[kept]
        return out

    year_grid = grid(years)
    n_points = np.minimum(sizes, TREND_POINTS)
    measure_grids = [grid(_as_float(data[column], column)) for column in measures]
    _check_impossible(measure_grids, year_grid, key_frame, use_counts, (count, denominator, lower, upper))

    with np.errstate(invalid="ignore", divide="ignore"):
        if use_counts:
            r, n = measure_grids
            chi2, slope = _chi2_for_trend(r, n)
            r_out, n_out = r[:, None, :] * _LEAVE_ONE_OUT, n[:, None, :] * _LEAVE_ONE_OUT
            _, slopes_left_out = _chi2_for_trend(r_out, n_out)
        else:
            y, lo, hi = measure_grids
            w = (INTERVAL_WIDTH_IN_SE / (hi - lo)) ** 2
            chi2, slope = _weighted_slope(w, y)
            _, slopes_left_out = _weighted_slope(w[:, None, :] * _LEAVE_ONE_OUT, y[:, None, :])

    reasons = _reasons(n_points, year_grid, measure_grids, use_counts)
    failed = np.array([reason is not None for reason in reasons], dtype=bool)
    stable = np.all(np.sign(slopes_left_out) == np.sign(slope)[:, None], axis=1) & (slope != 0)
    significant = ~failed & (chi2 > SIGNIFICANT_CHI2) & stable
    rising, falling = significant & (slope > 0), significant & (slope < 0)
    high_good, low_good = polarities == HIGH_IS_GOOD, polarities == LOW_IS_GOOD

    marker = np.full(n_groups, NO_SIGNIFICANT_CHANGE, dtype=object)
    marker[rising] = INCREASING
    marker[falling] = DECREASING
    marker[(rising & high_good) | (falling & low_good)] = GETTING_BETTER
    marker[(rising & low_good) | (falling & high_good)] = GETTING_WORSE
    marker[failed] = CANNOT_BE_CALCULATED

    result = pd.DataFrame(
        {
            "marker": marker,
            "chi2": np.where(failed, np.nan, chi2),
            "slope": np.where(failed, np.nan, slope),
            "n_points": n_points.astype(int),
            "reason": pd.Series(reasons, dtype=object),
            "method": METHOD_COUNTS if use_counts else METHOD_INTERVALS,
        }
    )
    return pd.concat([key_frame, result], axis=1) if keys else result


def _weighted_slope(w: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Chi-squared and weighted least-squares slope of y on t = 1..5 over the last axis (docs/methods.md sums).

    A weight of 0 leaves a point out; 0 x NaN would be NaN, so such points' y is taken as 0.
    """
    y = np.where(w == 0, 0.0, y)
    s1 = w.sum(axis=-1)
    s2 = (w * y * _T).sum(axis=-1)
    s3 = (w * _T).sum(axis=-1)
    s4 = (w * y).sum(axis=-1)
    s5 = (w * _T**2).sum(axis=-1)
    determinant = s1 * s5 - s3**2
    slope = (s1 * s2 - s3 * s4) / determinant
    se = np.sqrt(s1 / determinant)
    return (slope / se) ** 2, slope


def _chi2_for_trend(r: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Armitage's chi-squared for trend and the n-weighted slope of r/n on t = 1..5 over the last axis."""
    total = n.sum(axis=-1)
    pooled = r.sum(axis=-1) / total
    nt = (n * _T).sum(axis=-1)
    score = (r * _T).sum(axis=-1) - pooled * nt
    sxx = (n * _T**2).sum(axis=-1) - nt**2 / total
    return score**2 / (pooled * (1 - pooled) * sxx), score / sxx


def _start_years(periods: pd.Series, column: str) -> np.ndarray:
    """Start year of each period: period_sort codes (20190000) become 2019; plain years stay."""
    try:
        codes = np.asarray(periods, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"recent_trend: period column '{column}' must hold period_sort codes (e.g. 20190000) or years"
        ) from None
    missing = np.flatnonzero(np.isnan(codes))
    if len(missing):
        raise ValueError(f"recent_trend: period column '{column}' is missing in row {missing[0]}")
    return np.where(codes >= 1_000_000, np.floor(codes / 10_000), codes)


def _as_float(values: pd.Series, column: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"recent_trend: column '{column}' must be numeric") from None


def _group_polarities(data, polarity, polarity_column, group, firsts, key_frame, n_groups) -> np.ndarray:
    """One normalised polarity per group; a polarity column must not vary within a group."""
    if polarity_column is None:
        if not isinstance(polarity, str):
            raise ValueError(
                f"recent_trend: polarity must be one polarity (e.g. 'low is good') or a column name; "
                f"got {polarity!r}"
            )
        try:
            one = normalise_polarity(polarity)
        except ValueError as error:
            raise ValueError(f"recent_trend: {error}; frame has no column {polarity!r} either") from None
        return np.full(n_groups, one, dtype=object)
    per_row = polarity_per_row(data[polarity_column])
    per_group = np.empty(n_groups, dtype=object)
    per_group[group[firsts]] = per_row[firsts]
    varies = np.flatnonzero(per_row != per_group[group])
    if len(varies):
        raise ValueError(
            f"recent_trend: polarity column '{polarity_column}' varies within a group"
            f"{_describe_group(key_frame, group[varies[0]])}"
        )
    return per_group


def _check_impossible(grids, year_grid, key_frame, use_counts, names) -> None:
    """Raise ValueError for data no test can use: negative counts, count > denominator, lower > upper."""
    count, denominator, lower, upper = names
    with np.errstate(invalid="ignore"):
        if use_counts:
            r, n = grids
            problems = [
                (r < 0, f"count '{count}' is negative"),
                (n < 0, f"denominator '{denominator}' is negative"),
                (r > n, f"count '{count}' is above denominator '{denominator}'"),
            ]
        else:
            _, lo, hi = grids
            problems = [(lo > hi, f"'{lower}' is above '{upper}'")]
    for mask, message in problems:
        hits = np.argwhere(mask)
        if len(hits):
            g, t = hits[0]
            raise ValueError(
                f"recent_trend: {message} in {int(year_grid[g, t])}{_describe_group(key_frame, g)}"
            )


def _reasons(n_points, year_grid, grids, use_counts) -> list[str | None]:
    """Why each group's trend cannot be calculated, or None when it can."""
    with np.errstate(invalid="ignore"):
        if use_counts:
            r, n = grids
            cell_problems = [
                (np.isnan(r) | np.isnan(n), "missing count or denominator in"),
                (n == 0, "zero denominator in"),
            ]
            pooled = np.nansum(r, axis=1) / np.nansum(n, axis=1)
        else:
            y, lo, hi = grids
            cell_problems = [
                (np.isnan(y), "missing value in"),
                (np.isnan(lo) | np.isnan(hi), "missing 95% interval in"),
                (hi == lo, "zero-width 95% interval in"),
            ]
    broken = np.any(np.diff(year_grid, axis=1) != 1, axis=1)
    points = np.asarray(n_points)
    reasons: list[str | None] = [None] * len(points)
    # Only the groups with something to say are spelt out, one by one (most series have nothing).
    flagged = (points < TREND_POINTS) | broken
    for mask, _ in cell_problems:
        flagged |= mask.any(axis=1)
    if use_counts:
        flagged |= np.isin(pooled, (0.0, 1.0))
    for g in np.flatnonzero(flagged):
        if points[g] < TREND_POINTS:
            reasons[g] = f"needs {TREND_POINTS} points; has {points[g]}"
            continue
        if broken[g]:
            years = ", ".join(str(int(year)) for year in year_grid[g])
            reasons[g] = f"the {TREND_POINTS} most recent periods are not consecutive: {years}"
            continue
        found = [
            f"{label} {', '.join(str(int(year)) for year in year_grid[g][mask[g]])}"
            for mask, label in cell_problems
            if mask[g].any()
        ]
        if not found and use_counts and pooled[g] in (0.0, 1.0):
            found = [f"the proportion is {pooled[g]:g} in every period, so the test for trend is undefined"]
        reasons[g] = "; ".join(found) if found else None
    return reasons


def _describe_group(key_frame: pd.DataFrame | None, g: int) -> str:
    """' (group area='E06000055', sex='Male')' for an error message; '' when there is one group."""
    if key_frame is None:
        return ""
    pairs = ", ".join(f"{column}={value!r}" for column, value in key_frame.iloc[int(g)].items())
    return f" (group {pairs})"
