"""Assigning areas to deprivation quantiles (quintiles, deciles) by the Fingertips rule."""

from __future__ import annotations

import numpy as np
import pandas as pd


def deprivation_ranks(score) -> np.ndarray:
    """Rank 1 = the highest (most deprived) score; tied scores share the lowest rank of their tie.

    Method: ``scipy.stats.rankdata(-score, method='min')``, written out so the rule is visible.
    """
    values = np.asarray(score, dtype=float)
    if np.isnan(values).any():
        raise ValueError(
            f"deprivation ranks need a score for every area; {int(np.isnan(values).sum())} missing"
        )
    order = np.argsort(-values, kind="stable")
    ranked = -values[order]
    # Each position's rank is the first position of its run of equal scores, plus one.
    first_of_run = np.r_[True, ranked[1:] != ranked[:-1]]
    run_start = np.maximum.accumulate(np.where(first_of_run, np.arange(len(values)), 0))
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = run_start + 1
    return ranks


def fingertips_quantiles(rank, n_quantiles: int, *, n_areas: int | None = None) -> np.ndarray:
    """The quantile (1 = most deprived) of each rank by the Fingertips / PHE rule.

    Method: ``quantile = floor((n_q + 1) - ceiling(((N + 1) - rank) / (N / n_q)))`` with rank 1 = the most
    deprived of N areas and tied areas at the minimum rank (see docs/methods.md, "Populations and
    quantiles"). Computed in whole numbers (``ceiling(a / (N / n_q)) = ceiling(a * n_q / N)``) so no
    rounding error can move an area across a boundary. 19 wards in quintiles: sizes 4, 4, 4, 4, 3.

    Args:
        rank: ranks 1..N (array-like of whole numbers).
        n_quantiles: 5 for quintiles, 10 for deciles.
        n_areas: N; the number of ranks given when omitted.
    """
    ranks = np.asarray(rank)
    if ranks.size and not np.all(np.equal(np.mod(ranks, 1), 0)):
        raise ValueError("quantiles need whole-number ranks")
    ranks = ranks.astype(np.int64)
    n = len(ranks) if n_areas is None else int(n_areas)
    if n_quantiles < 1:
        raise ValueError(f"the number of quantiles must be at least 1; got {n_quantiles}")
    if n < 1:
        raise ValueError("quantiles need at least one area")
    if ranks.size and (ranks.min() < 1 or ranks.max() > n):
        raise ValueError(f"ranks must lie between 1 and {n}; got {ranks.min()} to {ranks.max()}")
    numerator = (n + 1 - ranks) * n_quantiles
    ceiling = -((-numerator) // n)
    return (n_quantiles + 1 - ceiling).astype(np.int64)


def quantiles_of_scores(score: pd.Series, n_quantiles: int) -> pd.Series:
    """Deprivation quantiles of areas from their scores (highest score = most deprived), on score's index."""
    ranks = deprivation_ranks(score.to_numpy(dtype=float))
    return pd.Series(fingertips_quantiles(ranks, n_quantiles), index=score.index)
