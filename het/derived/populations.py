"""The population of each deprivation group behind an SII, and where it came from.

Each group's share is its real population (docs/methods.md, "Populations and quantiles"):
1. the geography pack's LSOA populations summed by the group the LSOAs fall in, for the area in question;
2. else the rows' denominators, where the value type has one (rates and proportions);
3. else equal shares, only where the groups are equal-population by construction (national deciles and
   quintiles of England as a whole).
Otherwise the area gets no SII, and says why. An area must have every group it is expected to have: the
groups its pack population covers, else every group of the breakdown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from het.derived.codes import numbered
from het.vocabulary import (
    ENGLAND,
    NATIONAL_DEPRIVATION_BREAKDOWNS,
    VALUE_TYPES_WITH_DENOMINATORS,
    deprivation_group_count,
)

PACK, DENOMINATORS = "geography pack", "row denominators"
EQUAL_BASIS = (
    "equal shares (national deprivation groups each hold an equal share of England's population by "
    "construction)"
)
NO_POPULATION_REASON = (
    "no population for the deprivation groups: the geography pack has none for this area and breakdown, "
    "the rows have no denominators, and the groups are not equal-population by construction"
)
PACK_COLUMNS = ["area_code", "breakdown", "rank", "population", "source"]


def _bits(ranks: pd.Series) -> np.ndarray:
    """Group rank r (1..62) as the bit 2^(r-1), so a set of groups is one whole number."""
    values = ranks.to_numpy(dtype=float)
    ok = (values >= 1) & (values <= 62) & (np.mod(values, 1) == 0)
    return np.where(ok, np.left_shift(1, np.where(ok, values, 1).astype(np.int64) - 1), 0).astype(np.int64)


def _describe(mask: int) -> str:
    ranks = [r + 1 for r in range(63) if mask >> r & 1]
    return ", ".join(map(str, ranks))


def group_populations(
    groups: pd.DataFrame, pack: pd.DataFrame, *, by: list[str], group: np.ndarray | None = None
) -> pd.DataFrame:
    """Each deprivation row's population, the basis used, and a reason where its gap gets no SII.

    Args:
        groups: deprivation rows with the ``by`` columns (the gap key, including area_code and
            breakdown), quantile (the group rank, 1 = most deprived), value_type and denominator.
        pack: the geography pack's group populations (PACK_COLUMNS), for any areas it covers.
        by: the columns naming one gap (one SII).
        group: each row's gap number, when the caller has them (any numbering of the ``by`` groups).

    Returns ``groups`` with population (NaN where none can be used), population_basis and
    population_reason (None where an SII can be fitted, else why not).
    """
    out = groups.reset_index(drop=True)  # new columns only: the caller's frame is left as it was
    pack = pack[pack["population"] > 0]
    # Look the pack up once per distinct (area, breakdown) and (area, breakdown, rank): a handful each.
    places = numbered(out, ["area_code", "breakdown"])
    place_keys = out.iloc[np.unique(places, return_index=True)[1]][["area_code", "breakdown"]]
    pack_masks = pack.assign(bit=_bits(pack["rank"])).groupby(["area_code", "breakdown"])["bit"].sum()
    pack_by_place = {(str(a), str(b)): int(m) for (a, b), m in pack_masks.items()}
    place_mask = np.array(
        [pack_by_place.get((str(a), str(b)), 0) for a, b in place_keys.itertuples(index=False)] or [0],
        dtype=np.int64,
    )
    pack_mask = place_mask[places] if len(out) else np.zeros(0, dtype=np.int64)
    lookup = {
        (str(r.area_code), str(r.breakdown), float(r.rank)): (float(r.population), str(r.source))
        for r in pack.itertuples(index=False)
    }
    cells = numbered(out, ["area_code", "breakdown", "quantile"])
    cell_keys = out.iloc[np.unique(cells, return_index=True)[1]][["area_code", "breakdown", "quantile"]]
    found = [
        lookup.get((str(a), str(b), float(q)), (np.nan, None))
        for a, b, q in cell_keys.itertuples(index=False)
    ]
    cell_population = np.array([f[0] for f in found] or [np.nan], dtype=float)
    # Each cell's basis spelt once, a handful among hundreds of thousands of rows.
    cell_basis = np.array([f"{PACK}: {f[1] or ''}" for f in found] or [None], dtype=object)
    pack_population = cell_population[cells] if len(out) else np.zeros(0)

    gap = numbered(out, by) if group is None else group
    n_gaps = int(gap.max()) + 1 if len(gap) else 0
    bits = _bits(out["quantile"])
    present = np.zeros(n_gaps, dtype=np.int64)
    np.bitwise_or.at(present, gap, bits)
    present = present[gap]
    breakdown_size = {b: deprivation_group_count(b) for b in out["breakdown"].unique()}
    full_mask = np.left_shift(1, out["breakdown"].map(breakdown_size).to_numpy(dtype=np.int64)) - 1

    has_denominator = (
        (out["denominator"] > 0) & out["value_type"].isin(VALUE_TYPES_WITH_DENOMINATORS)
    ).to_numpy()
    lacking = np.bincount(gap[~has_denominator], minlength=n_gaps) > 0
    all_denominators = ~lacking[gap]
    use_pack = (pack_mask > 0) & (present == pack_mask)
    use_denominators = ~use_pack & all_denominators & (present == full_mask)
    use_equal = (
        ~use_pack
        & ~use_denominators
        & out["area_code"].eq(ENGLAND).to_numpy()
        & out["breakdown"].isin(NATIONAL_DEPRIVATION_BREAKDOWNS).to_numpy()
        & (present == full_mask)
    )
    out["population"] = np.select(
        [use_pack, use_denominators, use_equal],
        [pack_population, out["denominator"].to_numpy(dtype=float), 1.0],
        np.nan,
    )
    basis = np.full(len(out), None, dtype=object)
    basis[use_pack] = cell_basis[cells[use_pack]]
    basis[use_denominators] = DENOMINATORS
    basis[use_equal] = EQUAL_BASIS
    out["population_basis"] = pd.Series(basis, dtype=object, index=out.index)  # no str conversion of 600k

    reason = np.full(len(out), None, dtype=object)
    none_used = ~(use_pack | use_denominators | use_equal)
    expected = np.where(pack_mask > 0, pack_mask, full_mask)
    missing = none_used & ((expected & ~present) != 0)
    reason[none_used] = NO_POPULATION_REASON
    if missing.any():
        keys = list(
            zip(
                present[missing].tolist(),
                expected[missing].tolist(),
                (pack_mask[missing] > 0).tolist(),
                strict=False,
            )
        )
        names = {
            (have, want, from_pack): f"missing deprivation group(s) {_describe(want & ~have)} of "
            f"{_describe(want)}"
            + (" (the groups the geography pack gives the area people in)" if from_pack else "")
            for have, want, from_pack in set(keys)
        }
        reason[missing] = [names[k] for k in keys]
    out["population_reason"] = pd.Series(reason, dtype=object, index=out.index)
    return out
