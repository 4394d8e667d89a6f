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

from het.derived.codes import numbered, shared_codes
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


def _pack_lookup(rows: pd.DataFrame, pack: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: the groups (as bits) the pack gives its area and breakdown people in, and its own group's
    pack population (NaN where none) and basis (None where none).

    The pack is laid out as a small (area x breakdown, rank) table and each row looks its cell up by
    integer codes. A pack rank that is not a whole number from 1 to 62 names no deprivation group, so it
    is left out.
    """
    (area, pack_area), areas = shared_codes(rows["area_code"], pack["area_code"])
    (breakdown, pack_breakdown), breakdowns = shared_codes(rows["breakdown"], pack["breakdown"])
    n_areas, n_breakdowns = len(areas), len(breakdowns)
    nowhere = n_areas * n_breakdowns  # the cell of rows (and pack rows) with no place in the other

    def places(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where((a >= 0) & (b >= 0), a * n_breakdowns + b, nowhere)

    def slots(ranks: np.ndarray) -> np.ndarray:
        whole = (ranks >= 1) & (ranks <= 62) & (np.mod(ranks, 1) == 0)
        return np.where(whole, ranks, 0).astype(np.int64)  # slot 0 stays empty

    pack_place, pack_slot = places(pack_area, pack_breakdown), slots(pack["rank"].to_numpy(dtype=float))
    masks = np.zeros(nowhere + 1, dtype=np.int64)
    np.add.at(masks, pack_place, _bits(pack["rank"]))
    masks[nowhere] = 0
    population = np.full((nowhere + 1, 63), np.nan)
    basis = np.full((nowhere + 1, 63), None, dtype=object)
    for place, slot, people, source in zip(
        pack_place, pack_slot, pack["population"].to_numpy(dtype=float), pack["source"], strict=True
    ):
        if place < nowhere and slot > 0:
            population[place, slot] = people
            basis[place, slot] = f"{PACK}: {str(source) or ''}"
    population[nowhere], basis[nowhere] = np.nan, None
    row_place, row_slot = places(area, breakdown), slots(rows["quantile"].to_numpy(dtype=float))
    return masks[row_place], population[row_place, row_slot], basis[row_place, row_slot]


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
    pack_mask, pack_population, pack_basis = _pack_lookup(out, pack)

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
    basis[use_pack] = pack_basis[use_pack]
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
