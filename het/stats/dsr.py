"""Directly standardised rates with Dobson et al. (1991) confidence limits (docs/methods.md).

The standard population is the European Standard Population 2013 (data/esp2013.csv), or one given
by the caller. Frames in, frames out.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from het.stats.ci import rate_ci, z_for

ESP2013_PATH = Path(__file__).resolve().parents[2] / "data" / "esp2013.csv"
AGE_BAND = "age_band"


@lru_cache(maxsize=1)
def _read_esp2013() -> pd.DataFrame:
    return pd.read_csv(ESP2013_PATH, dtype={AGE_BAND: str, "population": "int64"})


def esp2013() -> pd.DataFrame:
    """The European Standard Population 2013 in 5-year age bands (0-4 ... 85-89, 90+), summing to 100,000.

    Columns: age_band, population. Source: Eurostat (2013), Revision of the European Standard
    Population (data/SOURCES.md).
    """
    return _read_esp2013().copy()


def dsr(
    frame: pd.DataFrame,
    *,
    count: str,
    population: str,
    standard_population,
    by=None,
    multiplier=100000,
    confidence=0.95,
) -> pd.DataFrame:
    """Directly standardised rate per multiplier, with Dobson limits, for each group of age-specific rows.

    frame has one row per age band (and per by group): an `age_band` column ('0-4', ..., '90+';
    spaces are ignored), the observed count and the population. standard_population is
    "esp2013" (the shipped European Standard Population 2013), a DataFrame with columns age_band
    and population to join on age_band, or an array/Series of standard populations aligned with
    frame's rows by position (then age_band is optional and only used in messages).
    Method: with standard weights W_i, counts O_i and populations n_i over the bands present in
    the group (so the weights are renormalised over a partial age range, e.g. under-75s),
    DSR = sum W_i O_i / n_i / sum W_i and var(DSR) = sum W_i^2 O_i / n_i^2 / (sum W_i)^2.
    Dobson's limits take the limits O_L, O_U of the total count O = sum O_i (het.stats.ci.rate_ci:
    exact Poisson below 10, Byar from 10) and set limit = DSR + sqrt(var / O) (O_L - O), likewise
    for O_U. confidence may be one level or several (e.g. (0.95, 0.998)); each gives columns
    lower_ci<level>/upper_ci<level> (95, 998, 90, ...).
    Columns out: the by columns, value (DSR x multiplier), the limits, count (total observed),
    denominator (total population), reason (None when computed). A group with a missing count or
    population, or a population of 0, gets no value and a reason; a group with no events gets
    value 0 and no limits (Dobson's limits are undefined at O = 0), with a reason. Small counts are
    not suppressed here.
    Reference: Dobson AJ, Kuulasmaa K, Eberle E, Scherer J (1991) Stat Med 10:457;
    Eurostat (2013) Revision of the European Standard Population.
    """
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    levels = [confidence] if np.ndim(confidence) == 0 else list(confidence)
    for level in levels:
        z_for(level)  # refuses levels outside 0..1 with its own message
    joined = isinstance(standard_population, str | pd.DataFrame)
    needed = list(dict.fromkeys(keys + [count, population] + ([AGE_BAND] if joined else [])))
    absent = [column for column in needed if column not in frame.columns]
    if absent:
        raise ValueError(
            f"dsr: frame has no column {', '.join(map(repr, absent))}; it has {list(frame.columns)}"
        )
    data = frame.reset_index(drop=True)
    bands = _band_labels(data)

    weights = _standard_weights(standard_population, data, bands)
    observed = _numbers(data[count], f"count '{count}'", bands)
    people = _numbers(data[population], f"population '{population}'", bands)

    group = (
        data.groupby(keys, sort=True, dropna=False).ngroup().to_numpy()
        if keys
        else np.zeros(len(data), dtype=int)
    )
    n_groups = int(group.max()) + 1 if len(group) else 0
    if bands is not None:
        repeated = pd.DataFrame({"group": group, "band": bands}).duplicated()
        if repeated.any():
            row = int(np.flatnonzero(repeated)[0])
            raise ValueError(f"dsr: {_rows(bands, [row])} appears more than once in a group (row {row})")

    with np.errstate(invalid="ignore", divide="ignore"):
        rate = observed / people
        sums = {
            name: np.bincount(group, weights=terms, minlength=n_groups)
            for name, terms in {
                "weight": weights,
                "weighted_rate": weights * rate,
                "variance": weights**2 * observed / people**2,
                "count": observed,
                "denominator": people,
            }.items()
        }
        total_weight = sums["weight"]
        value = sums["weighted_rate"] / total_weight
        variance = sums["variance"] / total_weight**2
        total = sums["count"]
        scale = np.sqrt(variance / total)

    reasons, value_known = _reasons(group, n_groups, bands, observed, people, total_weight, total)
    failed = np.array([reason is not None for reason in reasons], dtype=bool)
    result = {"value": np.where(value_known, value * multiplier, np.nan)}
    for level in levels:
        count_lower, count_upper = rate_ci(np.where(failed, 0.0, total), confidence=level)
        suffix = f"{level * 100:g}".replace(".", "")
        with np.errstate(invalid="ignore"):
            result[f"lower_ci{suffix}"] = np.where(
                failed, np.nan, (value + scale * (count_lower - total)) * multiplier
            )
            result[f"upper_ci{suffix}"] = np.where(
                failed, np.nan, (value + scale * (count_upper - total)) * multiplier
            )
    result["count"] = total
    result["denominator"] = sums["denominator"]
    result["reason"] = pd.Series(reasons, dtype=object)
    out = pd.DataFrame(result)
    if not keys:
        return out
    _, firsts = np.unique(group, return_index=True)
    return pd.concat([data.loc[firsts, keys].reset_index(drop=True), out], axis=1)


def _band_labels(data: pd.DataFrame) -> np.ndarray | None:
    """Age band labels with spaces removed ('0 - 4' -> '0-4'), or None when there is no age_band column."""
    if AGE_BAND not in data.columns:
        return None
    return np.array([_band(label) for label in data[AGE_BAND]], dtype=object)


def _rows(bands: np.ndarray | None, rows: np.ndarray) -> str:
    """Name rows for a message: 'age band 90+', 'age bands 85-89, 90+', 'row 3' or 'rows 3, 4'."""
    if bands is None:
        return ("row " if len(rows) == 1 else "rows ") + ", ".join(str(int(row)) for row in rows)
    return ("age band " if len(rows) == 1 else "age bands ") + ", ".join(str(bands[row]) for row in rows)


def _band(label) -> str:
    return re.sub(r"\s+", "", str(label))


def _standard_weights(standard_population, data: pd.DataFrame, bands: np.ndarray | None) -> np.ndarray:
    """The standard population of each row: joined on age_band, or given aligned with the rows."""
    if isinstance(standard_population, str):
        if standard_population != "esp2013":
            raise ValueError(
                f"dsr: standard_population {standard_population!r} is not known; use 'esp2013', "
                "a DataFrame with age_band and population, or values aligned with the rows"
            )
        standard, name = esp2013(), "esp2013"
    elif isinstance(standard_population, pd.DataFrame):
        standard, name = standard_population, "the standard population"
        absent = [column for column in (AGE_BAND, "population") if column not in standard.columns]
        if absent:
            raise ValueError(f"dsr: the standard population has no column {', '.join(map(repr, absent))}")
    else:
        weights = np.asarray(standard_population, dtype=float).reshape(-1)
        if len(weights) != len(data):
            raise ValueError(
                f"dsr: standard_population has {len(weights)} values for {len(data)} rows; "
                "give one per row, or a DataFrame with age_band and population"
            )
        return _checked_standard(weights, bands, "the standard population")

    standard_bands = [_band(label) for label in standard[AGE_BAND]]
    if len(set(standard_bands)) < len(standard_bands):
        raise ValueError(f"dsr: {name} lists an age band more than once")
    lookup = dict(zip(standard_bands, np.asarray(standard["population"], dtype=float), strict=True))
    unknown = [band for band in dict.fromkeys(bands) if band not in lookup]
    if unknown:
        raise ValueError(
            f"dsr: age band {', '.join(unknown)} is not in {name} (its bands: {', '.join(standard_bands)})"
        )
    return _checked_standard(np.array([lookup[band] for band in bands], dtype=float), bands, name)


def _checked_standard(weights: np.ndarray, bands: np.ndarray | None, name: str) -> np.ndarray:
    bad = np.flatnonzero(np.isnan(weights) | (weights < 0))
    if len(bad):
        raise ValueError(
            f"dsr: {name} is {weights[bad[0]]:g} for {_rows(bands, bad[:1])}; it must be 0 or more"
        )
    return weights


def _numbers(values: pd.Series, what: str, bands: np.ndarray | None) -> np.ndarray:
    """Float values of a count or population column; negative values raise ValueError."""
    try:
        numbers = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"dsr: {what} must be numeric") from None
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(numbers < 0)
    if len(bad):
        row = int(bad[0])
        band = f" ({_rows(bands, [row])})" if bands is not None else ""
        raise ValueError(f"dsr: {what} is negative ({numbers[row]:g}) in row {row}{band}")
    return numbers


def _reasons(group, n_groups, bands, observed, people, total_weight, total):
    """Why each group's DSR or its limits cannot be computed (None when they can), and whether its value can."""
    problems = [
        (np.isnan(observed), "missing count in"),
        (np.isnan(people), "missing population in"),
        (people == 0, "population is 0 in"),
    ]
    found: list[list[str]] = [[] for _ in range(n_groups)]
    for mask, label in problems:
        for g in np.unique(group[mask]):
            found[g].append(f"{label} {_rows(bands, np.flatnonzero(mask & (group == g)))}")
    for g in np.flatnonzero(total_weight == 0):
        found[g].append("the standard population is 0 over these age bands")
    value_known = np.array([not messages for messages in found], dtype=bool)
    for g in np.flatnonzero(total == 0):
        if not found[g]:
            found[g].append("no events: the rate is 0 and Dobson's limits are undefined")
    return ["; ".join(messages) if messages else None for messages in found], value_known
