"""Slope and relative index of inequality (SII, RII) across ordered deprivation groups.

Pure numpy, scipy and pandas. Frame in, one row per area out. See docs/methods.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import expit, logit, ndtr, ndtri, owens_t

from het.stats.ci import z_for
from het.stats.groups import first_rows, group_numbers

MIN_GROUPS = 5
MAX_GROUPS = 100
# Simulated values held at once (float64): 8e6 elements = 64 MB per block, so memory stays bounded
# for any number of areas and repetitions.
CHUNK_ELEMENTS = 8_000_000
VALUE_TYPES = (0, 1, 2)
# The closed-form (Fieller) RII quantiles treat the ratio's denominator as never <= 0. That changes the
# ratio's CDF by at most P(denominator <= 0), so they are used only where that probability is at most
# this fraction of the smallest tail probability asked for (1e-15 at 99.8%: denominator/sd >= 7.9);
# elsewhere the exact CDF is inverted numerically.
FIELLER_TAIL = 1e-12
_Z95 = z_for(0.95)


def sii(
    frame: pd.DataFrame,
    *,
    quantile: str = "quantile",
    population: str = "population",
    value: str = "value",
    lower: str = "lower_ci95",
    upper: str = "upper_ci95",
    se: str | None = None,
    value_type: int = 0,
    transform: bool = False,
    multiplier: float = 1,
    confidence: float | Sequence[float] = 0.95,
    repetitions: int = 10_000,
    seed: int = 0,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Slope index of inequality and relative index of inequality, with confidence limits.

    Method (Low & Low 2004, as used for Fingertips): each deprivation group's population share
    a_i = pop_i / sum pop and relative rank x_i = the midpoint of its cumulative share, ordered from
    quantile 1 (most deprived) to the least deprived; y = intercept + slope * x fitted by least
    squares weighted by a_i. SII = slope (the fitted least- minus most-deprived end) * multiplier;
    RII = (intercept + slope) / intercept, both before the multiplier, inverted when the multiplier
    is negative. transform=True (rates and proportions only) fits on the log/logit scale (b0, b1) and
    reports SII = (inv(b0 + b1) - inv(b0)) * multiplier and RII = inv(b0 + b1) / inv(b0).

    Limits are those of the method's simulation, in which each group's value is drawn from
    Normal(value, se), se = (upper95 - lower95) / (2 * 1.959964) unless an `se` column is named, the
    line refitted and the percentiles of the simulated SII and RII taken; rates (value_type=1) and
    proportions (value_type=2) are drawn on the log and logit scales. Where that simulation is linear
    in the draws its percentiles are known exactly, and are computed in closed form (limits="exact"):

    - value_type 0, and transform=True: the slope is a fixed combination sum_i c_i y_i of independent
      y_i ~ N(v_i, se_i^2), so slope ~ N(slope, sum_i c_i^2 se_i^2) and its percentiles are
      slope + z_p * sd. transform=True centres them on m = b0 + b1/2 and back-transforms:
      SII limits (inv(m + L/2) - inv(m - L/2)) * multiplier, RII limits inv(m + L/2) / inv(m - L/2)
      (inverted when the multiplier is negative); a negative multiplier swaps lower and upper.
    - value_type 0 RII = B / A (A / B when the multiplier is negative), A = intercept and B =
      intercept + slope, the fitted ends: jointly normal, with means, variances and covariance from the
      same combinations. Writing N / D for the ratio, P(N/D <= w) = P(N - wD <= 0, D > 0) +
      P(N - wD >= 0, D < 0) (Hinkley 1969). Where P(D <= 0) is negligible (at most FIELLER_TAIL times
      the smallest tail probability) this is P(N - wD <= 0) = Phi(-E(N - wD) / sd(N - wD)), and its
      p-quantile is the root of Fieller's quadratic (E(D)^2 - z^2 Var D) w^2
      - 2 (E(N) E(D) - z^2 Cov) w + (E(N)^2 - z^2 Var N) = 0, the lower root for p < 1/2. Elsewhere
      the exact CDF, a bivariate normal probability written with Owen's T function, is inverted
      numerically (Chandrupatla's method, scipy.optimize.elementwise.find_root). These are the
      quantiles of the simulated ratio even when the denominator can cross zero (a heavy-tailed
      ratio, with limits that can be far from the RII or of the other sign); they are NaN only when
      the denominator has no variance and is zero, or the inversion fails (degenerate input).
    - value_type 1 and 2 with transform=False are back-transformed before the fit, which is not
      linear, so they are simulated (limits="simulated"): `repetitions` draws from a generator seeded
      with `seed`, the same standard-normal draws for every area, so an area's result depends only on
      its own rows, the same whether run alone or with thousands of others.

    References: Low A, Low A (2004) J Public Health 26:388; OHID Fingertips Public Health Technical
    Guide (slope index of inequality); Fieller EC (1954) J R Stat Soc B 16:175; Hinkley DV (1969)
    Biometrika 56:635; Owen DB (1956) Ann Math Stat 27:1075. See docs/methods.md.

    Args:
        frame: one row per deprivation group (per area when `by` is given); quantile 1 = most deprived.
        quantile, population, value, lower, upper: column names. lower/upper hold the 95% interval.
        se: column of standard errors on the value's own scale, used instead of the interval. For rates
            and proportions it is carried to the log/logit scale by the delta method (se / value,
            se / (value * (1 - value))).
        value_type: 0 other, 1 rate, 2 proportion (on the 0..1 scale, not a percentage).
        transform: fit on the log/logit scale (value types 1 and 2 only).
        multiplier: scales the SII (and its limits); negative flips the sign and inverts the RII.
        confidence: a level or a sequence of levels, e.g. (0.95, 0.998).
        repetitions, seed: simulation size and seed (np.random.default_rng(seed)); checked always, used
            only where the limits are simulated.
        by: column(s) naming the area; one output row per area. None treats the frame as one area.

    Returns:
        One row per area: the `by` columns, sii, rii, intercept (fitted value at the most deprived end,
        on the value's scale, without the multiplier), sii_lowerNN, sii_upperNN, rii_lowerNN,
        rii_upperNN for each level (NN = the percentage without its point: 95, 998, 90), limits
        ("exact" or "simulated": how the limits were computed; None where there is no result),
        n_groups, and reason (None when computed; why not, otherwise, with the numbers left NaN).

    Raises:
        ValueError for impossible input, naming the row (frame index) and column: zero or negative
        populations, proportions outside 0..1, negative rates or se, reversed intervals, duplicate
        deprivation groups. With by=None also for what leaves the area without an SII (fewer than 5 or
        more than 100 groups, a missing population, value or interval, a 0 or 1 that has no log or
        logit); with `by`, such areas get a reason instead, as do areas missing a deprivation group
        that other areas have.
    """
    levels = _confidence_levels(confidence)
    _check_options(value_type, transform, multiplier, repetitions)
    by_columns = [] if by is None else [by] if isinstance(by, str) else list(by)
    names = {"quantile": quantile, "population": population, "value": value}
    names |= {"se": se} if se is not None else {"lower": lower, "upper": upper}
    columns = _read_columns(frame, by_columns, names)
    labels = frame.index
    _check_rows(columns, names, labels, value_type)

    if by_columns:
        group = group_numbers(frame, by_columns)
        n_keys = int(group.max()) + 1 if len(group) else 0
        keys = frame[by_columns].iloc[first_rows(group, n_keys)].reset_index(drop=True)
    else:
        group = np.zeros(len(frame), dtype=int)
        keys = pd.DataFrame(index=range(1))
    n_areas = len(keys)
    full_set = np.unique(columns["quantile"])
    slot = np.searchsorted(full_set, columns["quantile"])
    _check_duplicates(group, slot, full_set, labels, keys, by_columns)

    n_groups = np.bincount(group, minlength=n_areas)
    row_reasons = _row_reasons(columns, names, labels, value_type)
    reasons = _area_reasons(group, slot, n_groups, full_set, row_reasons, by_columns)

    ok = np.array([reason is None for reason in reasons], dtype=bool)
    estimates: dict = {}
    if ok.any():
        # Areas with a result have every deprivation group, so their rows fill a (areas, groups)
        # table in quantile order: column j is full_set[j].
        position = np.cumsum(ok) - 1
        rows = ok[group]
        shape = (int(ok.sum()), len(full_set))
        table = {}
        for role, values in columns.items():
            table[role] = np.full(shape, np.nan)
            table[role][position[group[rows]], slot[rows]] = values[rows]
        estimates = _estimate(
            table,
            value_type=value_type,
            transform=transform,
            multiplier=multiplier,
            levels=levels,
            repetitions=repetitions,
            seed=seed,
        )
    return _result(keys, levels, n_groups, reasons, ok, estimates)


def _confidence_levels(confidence) -> list[float]:
    """Confidence levels as a list of floats, each checked to lie in (0, 1), without repeats."""
    levels = [float(confidence)] if np.isscalar(confidence) else [float(c) for c in confidence]
    if not levels:
        raise ValueError("confidence needs at least one level, e.g. 0.95 or (0.95, 0.998)")
    for level in levels:
        z_for(level)
    suffixes = [_suffix(level) for level in levels]
    if len(set(suffixes)) < len(suffixes):
        raise ValueError(f"confidence levels repeat: {levels}")
    return levels


def _suffix(level: float) -> str:
    """Column suffix for a level: the percentage without its point (0.95 -> '95', 0.998 -> '998')."""
    return f"{level * 100:.10g}".replace(".", "")


def _check_options(value_type, transform, multiplier, repetitions) -> None:
    """Raise ValueError for options outside the method."""
    if value_type not in VALUE_TYPES:
        raise ValueError(f"value_type must be 0 (other), 1 (rate) or 2 (proportion); got {value_type!r}")
    if transform and value_type == 0:
        raise ValueError("transform=True needs value_type 1 (rate) or 2 (proportion); got 0")
    if not np.isfinite(multiplier) or multiplier == 0:
        raise ValueError(f"multiplier must be a non-zero number; got {multiplier!r}")
    if isinstance(repetitions, bool) or not isinstance(repetitions, int | np.integer) or repetitions < 1:
        raise ValueError(f"repetitions must be a positive whole number; got {repetitions!r}")


def _read_columns(frame: pd.DataFrame, by_columns: list[str], names: dict[str, str]) -> dict:
    """The numeric columns as float arrays keyed by role; ValueError naming a missing or text column."""
    for column in [*by_columns, *names.values()]:
        if column not in frame.columns:
            raise ValueError(f"SII needs a column '{column}'; the frame has {list(frame.columns)}")
    columns = {}
    for role, column in names.items():
        try:
            columns[role] = pd.to_numeric(frame[column]).to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError) as error:
            raise ValueError(f"SII needs numbers in column '{column}'") from error
    return columns


def _check_rows(columns: dict, names: dict, labels: pd.Index, value_type: int) -> None:
    """Raise ValueError at the first row holding an impossible value (NaN passes: it gets a reason)."""
    _raise_at(np.isnan(columns["quantile"]), lambda i: f"row {labels[i]} has no deprivation group")
    pop = columns["population"]
    _raise_at(
        pop <= 0,
        lambda i: f"SII needs positive populations; row {labels[i]} has {names['population']} {pop[i]:g}",
    )
    spread_roles = ["lower", "upper"] if "lower" in columns else []
    if value_type == 2:
        for role in ["value", *spread_roles]:
            values = columns[role]
            where = "" if role == "value" else f" in {names[role]}"
            _raise_at(
                (values < 0) | (values > 1),
                lambda i, v=values, w=where: (
                    f"proportions must be between 0 and 1; row {labels[i]} has {v[i]:g}{w} "
                    "(divide percentages by 100)"
                ),
            )
    if value_type == 1:
        for role in ["value", *spread_roles]:
            values = columns[role]
            where = "" if role == "value" else f" in {names[role]}"
            _raise_at(
                values < 0,
                lambda i, v=values, w=where: f"rates must not be negative; row {labels[i]} has {v[i]:g}{w}",
            )
    if "se" in columns:
        se = columns["se"]
        _raise_at(
            se < 0, lambda i: f"se must not be negative; row {labels[i]} has {se[i]:g} in {names['se']}"
        )
    else:
        low, high = columns["lower"], columns["upper"]
        _raise_at(
            low > high,
            lambda i: (
                f"the 95% interval is reversed in row {labels[i]}: "
                f"{names['lower']} {low[i]:g} > {names['upper']} {high[i]:g}"
            ),
        )


def _raise_at(mask: np.ndarray, message) -> None:
    """Raise ValueError(message(i)) for the first position i where mask is True."""
    hits = np.flatnonzero(mask)
    if len(hits):
        raise ValueError(message(int(hits[0])))


def _check_duplicates(group, slot, full_set, labels, keys, by_columns) -> None:
    """Raise ValueError naming the first deprivation group that appears twice in one area."""
    cell = group * len(full_set) + slot
    order = np.argsort(cell, kind="stable")
    repeats = np.flatnonzero(cell[order][1:] == cell[order][:-1])
    if len(repeats):
        first, second = order[repeats[0]], order[repeats[0] + 1]
        area = ""
        if by_columns:
            key = keys.iloc[group[first]]
            area = " in " + ", ".join(f"{column}={key[column]!r}" for column in by_columns)
        raise ValueError(
            f"deprivation group {full_set[slot[first]]:g} appears more than once{area}: "
            f"rows {labels[first]} and {labels[second]}"
        )


def _row_reasons(columns: dict, names: dict, labels: pd.Index, value_type: int) -> dict[int, str]:
    """Why a row's group cannot enter the SII (missing data, or a 0/1 with no log/logit), by position."""
    checks: list[tuple[np.ndarray, object]] = [
        (np.isnan(columns["population"]), lambda i, q: f"no population for deprivation group {q} (row {i})"),
        (np.isnan(columns["value"]), lambda i, q: f"no value for deprivation group {q} (row {i})"),
    ]
    if "se" in columns:
        checks.append(
            (
                np.isnan(columns["se"]),
                lambda i, q: f"no se for deprivation group {q} (row {i}: {names['se']})",
            )
        )
    else:
        for role in ["lower", "upper"]:
            checks.append(
                (
                    np.isnan(columns[role]),
                    lambda i, q, r=role: f"no 95% interval for deprivation group {q} (row {i}: {names[r]})",
                )
            )
    bounded = ["value"] if "se" in columns else ["value", "lower", "upper"]
    for role in bounded:
        values = columns[role]
        if value_type == 1:
            mask = values == 0
            scale = "rates are simulated on the log scale"
            kind = "rate"
        elif value_type == 2:
            mask = (values == 0) | (values == 1)
            scale = "proportions are simulated on the logit scale, which excludes 0 and 1"
            kind = "proportion"
        else:
            continue
        checks.append(
            (
                mask,
                lambda i, q, r=role, v=values, s=scale, k=kind: (
                    f"{k} of {v[i]:g} for deprivation group {q} (row {i}: {names[r]}); {s}"
                ),
            )
        )
    reasons: dict[int, str] = {}
    quantiles = columns["quantile"]
    for mask, describe in checks:
        for position in np.flatnonzero(mask):
            if position not in reasons:
                reasons[int(position)] = describe(labels[position], f"{quantiles[position]:g}")
    return reasons


def _area_reasons(group, slot, n_groups, full_set, row_reasons, by_columns) -> list[str | None]:
    """Why each area gets no SII (None when it gets one); with by=None, raise instead."""
    k = len(full_set)
    if not by_columns:
        if not MIN_GROUPS <= k <= MAX_GROUPS:
            raise ValueError(f"SII needs {MIN_GROUPS} to {MAX_GROUPS} groups; got {k}")
        if row_reasons:
            first = min(row_reasons, key=lambda position: slot[position])
            raise ValueError(f"SII not calculated: {row_reasons[first]}")
        return [None]
    reasons: list[str | None] = [None] * len(n_groups)
    # The first problem row of each area, in quantile order.
    for position in sorted(row_reasons, key=lambda p: (group[p], slot[p]), reverse=True):
        reasons[group[position]] = row_reasons[position]
    present = np.zeros((len(n_groups), k), dtype=bool)
    present[group, slot] = True
    for area in np.flatnonzero(n_groups < k):
        missing = _describe_set(full_set[~present[area]])
        reasons[area] = f"missing deprivation group(s) {missing} of {_describe_set(full_set)}"
    if not MIN_GROUPS <= k <= MAX_GROUPS:
        for area in np.flatnonzero(n_groups == k):
            reasons[area] = f"SII needs {MIN_GROUPS} to {MAX_GROUPS} groups; got {k}"
    return reasons


def _describe_set(values: np.ndarray) -> str:
    """Sorted group numbers with runs of whole numbers shortened: [1, 3, 4, 5] -> '1, 3-5'."""
    parts: list[str] = []
    start = previous = None
    for v in values:
        if previous is not None and float(v).is_integer() and v == previous + 1:
            previous = v
            continue
        if start is not None:
            parts.append(f"{start:g}" if start == previous else f"{start:g}-{previous:g}")
        start = previous = v
    if start is not None:
        parts.append(f"{start:g}" if start == previous else f"{start:g}-{previous:g}")
    return ", ".join(parts)


def _result(keys: pd.DataFrame, levels, n_groups, reasons, ok: np.ndarray, estimates: dict) -> pd.DataFrame:
    """The output frame in the documented column order: the estimates of the areas with a result (`ok`),
    NaN (limits None) for the others. Built in one step: a column at a time costs more than the sums."""
    names = ["sii", "rii", "intercept"]
    for level in levels:
        s = _suffix(level)
        names += [f"sii_lower{s}", f"sii_upper{s}", f"rii_lower{s}", f"rii_upper{s}"]
    columns: dict[str, np.ndarray] = {}
    for name in names:
        columns[name] = np.full(len(ok), np.nan)
        if name in estimates:
            columns[name][ok] = estimates[name]
    columns["limits"] = np.full(len(ok), None, dtype=object)  # None, not NaN, where no result
    if "limits" in estimates:
        columns["limits"][ok] = estimates["limits"]
    columns["n_groups"] = n_groups.astype(int)
    columns["reason"] = np.array(reasons, dtype=object) if len(reasons) else np.empty(0, dtype=object)
    keys = keys.reset_index(drop=True)
    # Object columns stay object (a frame built from a dict would infer text as pandas' str dtype).
    columns = {n: pd.Series(v, dtype=object) if v.dtype == object else v for n, v in columns.items()}
    if set(keys.columns) & set(columns):  # a key named like an output column: the output's value wins
        return keys.drop(columns=list(set(keys.columns) & set(columns))).join(pd.DataFrame(columns))
    return pd.concat([keys, pd.DataFrame(columns, index=keys.index)], axis=1)


def _estimate(table: dict, *, value_type, transform, multiplier, levels, repetitions, seed) -> dict:
    """Point estimates and limits (exact or simulated) for complete areas: table arrays are (areas, groups)."""
    share = table["population"] / table["population"].sum(axis=1, keepdims=True)
    rank = np.cumsum(share, axis=1) - share / 2
    rank_mean = (share * rank).sum(axis=1, keepdims=True)
    centred = rank - rank_mean
    # slope = sum a (x - xbar) y / sum a (x - xbar)^2 (sum a = 1, and sum a (x - xbar) = 0 lets y
    # enter uncentred), so the slope is one weighted sum of y per area.
    slope_weights = share * centred / (share * centred**2).sum(axis=1, keepdims=True)

    value = table["value"]
    forward, inverse = {0: (None, None), 1: (np.log, np.exp), 2: (logit, expit)}[value_type]
    with np.errstate(divide="ignore", invalid="ignore"):
        if forward is None:
            centre = value
            spread = table["se"] if "se" in table else (table["upper"] - table["lower"]) / (2 * _Z95)
        else:
            centre = forward(value)
            if "se" in table:
                # Delta method: d log(v) = dv / v, d logit(v) = dv / (v (1 - v)).
                slope_of_forward = value if value_type == 1 else value * (1 - value)
                spread = table["se"] / slope_of_forward
            else:
                spread = (forward(table["upper"]) - forward(table["lower"])) / (2 * _Z95)

    fitted = centre if transform else value
    slope = (slope_weights * fitted).sum(axis=1)
    intercept = (share * fitted).sum(axis=1) - slope * rank_mean[:, 0]

    probabilities = np.array([[(1 - c) / 2, 1 - (1 - c) / 2] for c in levels]).ravel()
    if value_type == 0 or transform:
        # The fit is on the draw scale, so the slope and the fitted ends are linear in the draws.
        slope_pct, rii_pct = _exact_limits(
            share=share,
            rank_mean=rank_mean,
            slope_weights=slope_weights,
            spread=spread,
            slope=slope,
            intercept=intercept,
            invert_rii=multiplier < 0,
            need_rii=not transform,
            probabilities=probabilities,
        )
        how = "exact"
    else:
        simulated = _simulate(
            share=share,
            rank_mean=rank_mean[:, 0],
            slope_weights=slope_weights,
            centre=centre,
            spread=spread,
            inverse=inverse,
            invert_rii=multiplier < 0,
            probabilities=probabilities,
            repetitions=repetitions,
            seed=seed,
        )
        slope_pct, rii_pct = simulated["slope"], simulated["rii"]
        how = "simulated"
    out: dict[str, np.ndarray] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        if transform:
            top, bottom = inverse(intercept + slope), inverse(intercept)
            out["sii"] = (top - bottom) * multiplier
            rii = top / bottom
            out["rii"] = 1 / rii if multiplier < 0 else rii
            out["intercept"] = bottom
            middle = intercept + slope / 2
            ends = inverse(middle + slope_pct / 2), inverse(middle - slope_pct / 2)
            sii_pct = (ends[0] - ends[1]) * multiplier
            rii_pct = ends[0] / ends[1]
            if multiplier < 0:
                rii_pct = 1 / rii_pct
        else:
            out["sii"] = slope * multiplier
            rii = (intercept + slope) / intercept
            out["rii"] = 1 / rii if multiplier < 0 else rii
            out["intercept"] = intercept
            sii_pct = slope_pct * multiplier
    for index, level in enumerate(levels):
        s = _suffix(level)
        sii_pair = sii_pct[2 * index : 2 * index + 2]
        rii_pair = rii_pct[2 * index : 2 * index + 2]
        # A negative multiplier (and, for the transformed RII, its inversion) reverses the order.
        out[f"sii_lower{s}"], out[f"sii_upper{s}"] = np.sort(sii_pair, axis=0) if multiplier < 0 else sii_pair
        out[f"rii_lower{s}"], out[f"rii_upper{s}"] = (
            rii_pair[::-1] if multiplier < 0 and transform else rii_pair
        )
    out["limits"] = np.full(len(slope), how, dtype=object)
    return out


def _exact_limits(
    *, share, rank_mean, slope_weights, spread, slope, intercept, invert_rii, need_rii, probabilities
) -> tuple[np.ndarray, np.ndarray | None]:
    """Exact percentiles (probabilities x areas) of the slope and, if asked, the RII, for a linear fit.

    With draws y_i = fitted_i + spread_i z_i the slope is sum_i w_i y_i and the fitted ends are
    A = sum_i (a_i - w_i xbar) y_i (x = 0) and B = A + slope (x = 1), so each is normal with the
    point estimate as its mean and the spread-weighted coefficients giving its variance.
    """
    z = ndtri(probabilities)[:, None]
    slope_sd = np.sqrt(((slope_weights * spread) ** 2).sum(axis=1))
    slope_pct = slope + z * slope_sd
    if not need_rii:
        return slope_pct, None
    most = (share - slope_weights * rank_mean) * spread  # A's coefficients on z
    least = most + slope_weights * spread  # B's
    low_end, high_end = intercept, intercept + slope
    if invert_rii:
        return slope_pct, _ratio_quantiles(low_end, high_end, most, least, probabilities)
    return slope_pct, _ratio_quantiles(high_end, low_end, least, most, probabilities)


def _ratio_quantiles(mean_n, mean_d, coef_n, coef_d, probabilities) -> np.ndarray:
    """Quantiles (probabilities x areas) of N / D, N = mean_n + coef_n . z, D = mean_d + coef_d . z.

    z is a vector of independent standard normals; coef_* are (areas, groups). Fieller's closed form
    where P(D <= 0) is negligible, else the exact CDF inverted numerically. NaN where D is always 0.
    """
    # N / D = (-N) / (-D): make every E(D) >= 0.
    sign = np.where(mean_d < 0, -1.0, 1.0)
    mean_n, mean_d = mean_n * sign, mean_d * sign
    coef_n, coef_d = coef_n * sign[:, None], coef_d * sign[:, None]
    var_n = (coef_n**2).sum(axis=1)
    var_d = (coef_d**2).sum(axis=1)
    cov = (coef_n * coef_d).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        # det = Var N Var D - Cov^2 = Var D * (residual variance of N given D): a sum of squares,
        # accurate even where N and D are almost perfectly correlated.
        regression = np.where(var_d > 0, cov / var_d, 0.0)
        det = var_d * ((coef_n - regression[:, None] * coef_d) ** 2).sum(axis=1)
        standardised = mean_d / np.sqrt(var_d)  # inf where D has no variance; NaN if also 0
    smallest_tail = np.minimum(probabilities, 1 - probabilities).min()
    fieller = ndtr(-standardised) <= FIELLER_TAIL * smallest_tail
    exact = ~fieller & (var_d > 0)
    out = np.full((len(probabilities), len(mean_n)), np.nan)
    if fieller.any():
        f = fieller
        # Var(E(D) N - E(N) D), also a sum of squares: the quadratic's discriminant is
        # z^2 (this - z^2 det), which avoids the cancellation of b^2 - a c.
        spread = ((mean_d[f, None] * coef_n[f] - mean_n[f, None] * coef_d[f]) ** 2).sum(axis=1)
        out[:, f] = _fieller(probabilities, mean_n[f], mean_d[f], var_n[f], var_d[f], cov[f], det[f], spread)
    if exact.any():
        e = exact
        # gamma: N's intercept on D (N = gamma + regression * D + independent noise).
        gamma = mean_n[e] - regression[e] * mean_d[e]
        out[:, e] = _invert_ratio_cdf(probabilities, mean_n[e], mean_d[e], var_d[e], cov[e], det[e], gamma)
    return out


def _fieller(probabilities, mean_n, mean_d, var_n, var_d, cov, det, spread) -> np.ndarray:
    """p-quantiles of N / D when D > 0 surely: the roots of Fieller's quadratic a w^2 - 2 b w + c = 0.

    P(N - wD <= 0) = p  <=>  E(N) - w E(D) = -z_p sd(N - wD); squared, the quadratic with
    a = E(D)^2 - z^2 Var D (> 0 here), b = E(N) E(D) - z^2 Cov, c = E(N)^2 - z^2 Var N. Its smaller root
    is the p < 1/2 quantile, the larger the p > 1/2 one. Roots as q / a and c / q, q = b + sign(b) sqrt
    (b^2 - a c), for accuracy when one is near 0.
    """
    z2 = ndtri(probabilities)[:, None] ** 2
    a = mean_d**2 - z2 * var_d
    b = mean_n * mean_d - z2 * cov
    c = mean_n**2 - z2 * var_n
    root = np.sqrt(z2 * np.maximum(spread - z2 * det, 0.0))
    q = b + np.where(b < 0, -root, root)
    with np.errstate(divide="ignore", invalid="ignore"):
        first = q / a
        second = np.where(q != 0, c / q, first)
    return np.where(probabilities[:, None] < 0.5, np.minimum(first, second), np.maximum(first, second))


def _invert_ratio_cdf(probabilities, mean_n, mean_d, var_d, cov, det, gamma) -> np.ndarray:
    """p-quantiles of N / D from its exact CDF, for every area and probability at once.

    The CDF is increasing in theta = atan(w) on (-pi/2, pi/2), which brackets every quantile; each is
    found to machine precision by Chandrupatla's method. NaN where the search fails.
    """
    p = probabilities[:, None]
    sd_d = np.sqrt(var_d)
    k = -mean_d / sd_d + 0.0  # + 0.0 turns -0.0 into 0.0, which the sign rules below rely on
    root_det = np.sqrt(det)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Owen's T for D's term of the bivariate normal: a_k = (h - rho k) / (k sqrt(1 - rho^2)),
        # which for U = N cos(theta) - D sin(theta) simplifies to -gamma sd(D) / (k sqrt(det)).
        t_k = owens_t(k, -gamma * sd_d / (k * root_det))

    def excess(theta, p, mean_n, mean_d, var_d, cov, det, sd_d, root_det, k, t_k, gamma):
        return _ratio_cdf(theta, mean_n, mean_d, var_d, cov, det, sd_d, root_det, k, t_k, gamma) - p

    half = np.pi / 2
    from scipy.optimize.elementwise import find_root  # only for the rare areas that need it

    found = find_root(
        excess, (-half, half), args=(p, mean_n, mean_d, var_d, cov, det, sd_d, root_det, k, t_k, gamma)
    )
    return np.where(found.success, np.tan(found.x), np.nan)


def _ratio_cdf(theta, mean_n, mean_d, var_d, cov, det, sd_d, root_det, k, t_k, gamma):
    """P(N / D <= tan(theta)) (Hinkley 1969), for theta in (-pi/2, pi/2).

    With U = N cos(theta) - D sin(theta) (the sign of N - wD, as cos > 0), the CDF is
    P(U <= 0, D > 0) + P(U >= 0, D < 0) = Phi(h) + Phi(k) - 2 Phi2(h, k; rho), h = -E(U)/sd(U),
    k = -E(D)/sd(D), rho = corr(U, D). Owen's (1956) formula Phi2 = (Phi(h) + Phi(k))/2 - T(h, a_h)
    - T(k, a_k) - beta turns it into 2 (T(h, a_h) + T(k, a_k) + beta), beta = 0 if hk > 0 or (hk = 0
    and h + k >= 0), else 1/2. a_h = (k - rho h) / (h sqrt(1 - rho^2)) is written without the
    difference k - rho h, which loses every digit as theta nears +-pi/2 and rho nears +-1.
    """
    cos, sin = np.cos(theta), np.sin(theta)
    cov_ud = cov * cos - var_d * sin
    with np.errstate(divide="ignore", invalid="ignore"):
        sd_u = np.hypot(cov_ud, cos * root_det) / sd_d  # Var U Var D = Cov(U, D)^2 + cos^2 det
        h = -(mean_n * cos - mean_d * sin) / sd_u + 0.0
        a_h = (cov_ud * var_d * gamma - mean_d * cos * det) / (var_d * sd_u * h * root_det)
    hk = h * k
    beta = np.where((hk > 0) | ((hk == 0) & (h + k >= 0)), 0.0, 0.5)
    return 2 * (owens_t(h, a_h) + t_k + beta)


def _simulate(
    *,
    share,
    rank_mean,
    slope_weights,
    centre,
    spread,
    inverse,
    invert_rii,
    probabilities,
    repetitions,
    seed,
) -> dict[str, np.ndarray]:
    """Percentiles (probabilities x areas) of the simulated slope and RII, for a fit that is not linear.

    Draws are centre + spread * z on the draw scale, back-transformed by `inverse` before the fit (the
    linear cases have exact limits, from _exact_limits). z is the same (repetitions, groups) block of
    standard normals for every area, drawn in blocks of at most CHUNK_ELEMENTS; areas are taken in
    blocks likewise.
    """
    n_areas, k = centre.shape
    rep_block = min(repetitions, max(1, CHUNK_ELEMENTS // k))
    area_block = max(1, CHUNK_ELEMENTS // (repetitions * k))
    shared = list(_normal_blocks(seed, repetitions, k, rep_block)) if repetitions <= rep_block else None
    weights = np.stack([slope_weights, share], axis=2)  # (areas, groups, [slope, mean])
    out = {name: np.empty((len(probabilities), n_areas)) for name in ("slope", "rii")}
    for first in range(0, n_areas, area_block):
        areas = slice(first, min(first + area_block, n_areas))
        n = areas.stop - areas.start
        slope = np.empty((n, repetitions))
        mean = np.empty((n, repetitions))
        for start, stop, z in (
            shared if shared is not None else _normal_blocks(seed, repetitions, k, rep_block)
        ):
            draws = z[None, :, :] * spread[areas][:, None, :]
            draws += centre[areas][:, None, :]
            inverse(draws, out=draws)
            fits = draws @ weights[areas]  # (areas, reps, [slope, mean])
            slope[:, start:stop] = fits[:, :, 0]
            mean[:, start:stop] = fits[:, :, 1]
            # Free this block before the next is made, so only one is alive at a time.
            del draws, fits
        out["slope"][:, areas] = np.quantile(slope, probabilities, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            # intercept = mean - slope * xbar; RII = (intercept + slope) / intercept.
            mean -= slope * rank_mean[areas, None]
            rii = mean / (mean + slope) if invert_rii else (mean + slope) / mean
        out["rii"][:, areas] = np.quantile(rii, probabilities, axis=1)
    return out


def _normal_blocks(seed, repetitions, k, rows):
    """Yield (start, stop, z) covering `repetitions` rows of k standard normals from a fresh generator.

    The generator's stream does not depend on the block sizes, so every area and every blocking sees
    the same numbers for the same seed.
    """
    rng = np.random.default_rng(seed)
    for start in range(0, repetitions, rows):
        stop = min(start + rows, repetitions)
        yield start, stop, rng.standard_normal((stop - start, k))
