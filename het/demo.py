"""The embedded demonstration extract: plausible, seeded values for every catalogue indicator.

The demo is just another extract: it is written as a het tidy CSV and loaded through the same
read-check-commit path as an upload, so it sits in the extract register and can be withdrawn.
Values are not real. They are anchored to published Luton and England figures (data/demo_anchors.csv),
with a deprivation gradient driven by the real ward IMD 2019 scores in the store, differences between
ethnic groups, sampling noise that follows each area's population, and gaps that narrow, widen or
stay as they are. Intervals use het.stats.ci (Wilson for proportions, Byar's/exact Poisson for rates).
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from het.breakdowns import DEPRIVATION_LOCAL_QUINTILE, ETHNICITY, quintile_label
from het.catalogue import read_catalogue
from het.ingest.commit import LoadResult, commit_extract
from het.ingest.tidy import read_tidy_csv
from het.periods import parse_period, period_label, ward_set_for_period
from het.stats.ci import rate_ci, wilson_ci, z_for
from het.store import Store

DEMO_FILE_NAME = "het-demo-extract.csv"
DEMO_LOADED_BY = "het demo generator"
FIRST_YEAR, LAST_YEAR = 2013, 2025
SEED = 20221

# Scaffolding for the demo only: Census 2021 usual residents (ONS, rounded) of the benchmark and
# comparator areas, used as denominators, and where each sits between least (0) and most (1) deprived.
AREA_PROFILE = {
    "E92000001": (56_490_000, 0.50),  # England
    "E12000006": (6_335_000, 0.40),  # East of England
    "E12000008": (9_278_000, 0.35),  # South East
    "E06000055": (185_300, 0.45),  # Bedford
    "E06000056": (294_200, 0.20),  # Central Bedfordshire
    "E06000031": (215_700, 0.62),  # Peterborough
    "E06000039": (158_500, 0.55),  # Slough
    "E06000042": (287_000, 0.42),  # Milton Keynes
}
LUTON_DEPRIVATION = 0.65
# Deprivation position of each local quintile relative to Luton overall, in units of the ward range.
QUINTILE_POSITION = np.array([0.45, 0.2, 0.0, -0.2, -0.45])
# How much of the ward gradient shows between local authorities.
BETWEEN_AREA_GRADIENT = 0.6
GAP_TREND_FACTORS = {"narrowing": (1.3, 0.6), "widening": (0.7, 1.4), "stable": (1.0, 1.0)}
SE_AT_LUTON = {"life expectancy": 0.3}  # years, for Luton's population; wards scale by sqrt(population)
RELATIVE_SE_PER_1000 = 0.015  # other measured values: se = 1.5% of the value per 1,000 people


@dataclass(frozen=True)
class Geography:
    """What the demo needs from the store: areas with populations and ward deprivation."""

    luton_code: str
    luton_population: float
    areas: pd.DataFrame  # area_code, area_name, area_type, vintage, is_comparator
    wards: pd.DataFrame  # ward_code, ward_set, imd_score, population


def read_geography(store: Store) -> Geography:
    areas = store.query("demo_areas")
    wards = store.query("demo_wards")
    luton = areas.loc[areas["area_type"] == "local authority"]
    luton_code = store.query("authority_code")["area_code"].iloc[0]
    wd23 = wards.loc[wards["ward_set"] == "WD23", "population"].sum()
    del luton
    return Geography(luton_code, float(wd23), areas, wards)


def age_fraction(age: str) -> float:
    """A rough share of the population in an age band (a uniform 0-85 age structure)."""
    text = age.lower().replace("yrs", "").replace("yr", "").strip()
    if text in {"all ages", ""}:
        return 1.0
    if m := re.fullmatch(r"<\s*(\d+)", text):
        return min(1.0, max(int(m[1]), 1) / 85)
    if m := re.fullmatch(r"(\d+)\s*\+", text):
        return max(0.05, (85 - int(m[1])) / 85)
    if m := re.fullmatch(r"(\d+)\s*-\s*(\d+)", text):
        return min(1.0, (int(m[2]) - int(m[1]) + 1) / 85)
    if re.fullmatch(r"\d+", text):
        return 1 / 85
    return 1.0


def demo_frame(store: Store) -> pd.DataFrame:
    """Every demo observation as a tidy frame (deterministic for a given catalogue and geography)."""
    catalogue = read_catalogue()
    indicators = store.query("indicator_catalogue")
    anchors = catalogue["demo_anchors"]
    groups = catalogue["ethnic_groups"].sort_values("display_order")
    geo = read_geography(store)
    parts = []
    for row in anchors.itertuples(index=False):
        ind = indicators.loc[indicators["indicator_id"] == row.indicator_id].iloc[0]
        parts.append(_indicator_rows(ind, row, geo, groups))
    return pd.concat(parts, ignore_index=True)


def demo_csv(store: Store) -> bytes:
    """The demo extract as het tidy CSV bytes."""
    buffer = io.StringIO()
    demo_frame(store).to_csv(buffer, index=False, float_format="%.6g")
    return buffer.getvalue().encode("utf-8")


def load_demo(store: Store) -> LoadResult:
    """Generate the demo extract and load it through the upload path."""
    content = demo_csv(store)
    parsed = read_tidy_csv(
        content,
        file_name=DEMO_FILE_NAME,
        indicators=store.query("indicator_catalogue"),
        areas=store.query("area_list"),
    )
    return commit_extract(
        store,
        parsed,
        loaded_by=DEMO_LOADED_BY,
        source_kind="demo",
        note="Demonstration data generated by het.demo: not real figures.",
    )


# -- generation ---------------------------------------------------------------------------------


def _indicator_rows(ind: pd.Series, anchor, geo: Geography, groups: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng([SEED, zlib.crc32(f"{ind.indicator_id}|{anchor.sex}".encode())])
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    rolling = ind.periodicity.startswith("rolling")
    start_years = years - 2 if rolling else years
    labels = [period_label(int(y), ind.periodicity) for y in start_years]
    periods = [parse_period(label, periodicity=ind.periodicity) for label in labels]
    t = (years - FIRST_YEAR) / (LAST_YEAR - FIRST_YEAR)
    england = anchor.england_start + (anchor.england_end - anchor.england_start) * t
    luton = anchor.luton_start + (anchor.luton_end - anchor.luton_start) * t
    low, high = GAP_TREND_FACTORS[anchor.gap_trend]
    gradient = anchor.deprivation_gradient * (low + (high - low) * t)
    pool = 3 if rolling else 1
    frac = age_fraction(ind.age)
    out = []

    def emit(area_code, truth, population, breakdown="total", category="", rank=None, period_index=None):
        idx = range(len(years)) if period_index is None else [period_index]
        for i in idx:
            out.append(
                (
                    area_code,
                    labels[i],
                    i,
                    breakdown,
                    category,
                    rank,
                    truth[i] if np.ndim(truth) else truth,
                    population * frac * pool,
                )
            )

    # Benchmarks and comparators move with England, offset by how deprived they are.
    for code, (population, position) in AREA_PROFILE.items():
        if code in set(geo.areas["area_code"]):
            relative = 1 + anchor.deprivation_gradient * BETWEEN_AREA_GRADIENT * (position - 0.5)
            emit(code, england * relative, population)
    emit(geo.luton_code, luton, geo.luton_population)

    # Wards: the ward set in force at the end of each period, with the real IMD gradient.
    for i, period in enumerate(periods):
        wards = geo.wards.loc[geo.wards["ward_set"] == ward_set_for_period(period)]
        if wards.empty or not anchor.ward_breakdown:
            continue
        score = wards["imd_score"].to_numpy()
        weights = wards["population"].to_numpy()
        position = (score - np.average(score, weights=weights)) / (score.max() - score.min())
        for code, pos, pop in zip(wards["ward_code"], position, weights, strict=True):
            emit(code, luton * (1 + gradient * pos), pop, period_index=i)

    # Local deprivation quintiles of Luton.
    for k, pos in enumerate(QUINTILE_POSITION, start=1):
        emit(
            geo.luton_code,
            luton * (1 + gradient * pos),
            geo.luton_population / 5,
            DEPRIVATION_LOCAL_QUINTILE,
            quintile_label(k),
            k,
        )

    # Ethnic groups: a seeded spread around Luton, scaled over time like the deprivation gap.
    if anchor.ethnic_spread > 0:
        pops = groups["population_2021"].to_numpy(dtype=float)
        offsets = rng.uniform(-0.5, 0.5, len(groups))
        offsets -= np.average(offsets, weights=pops)
        scale = gradient / anchor.deprivation_gradient if anchor.deprivation_gradient else np.ones_like(t)
        for category, offset, pop in zip(groups["category"], offsets, pops, strict=True):
            emit(
                geo.luton_code,
                luton * (1 + anchor.ethnic_spread * offset * np.abs(scale)),
                pop,
                ETHNICITY,
                category,
            )

    frame = pd.DataFrame(
        out, columns=["area_code", "period", "i", "breakdown", "category", "category_rank", "truth", "n"]
    )
    frame = _sample(frame, ind, rng)
    frame.insert(0, "indicator_id", ind.indicator_id)
    frame["sex"] = anchor.sex
    frame["age"] = ind.age
    frame["period_sort"] = [periods[i].sortable for i in frame["i"]]
    frame["category_rank"] = frame["category_rank"].astype("Int64")
    return frame.drop(columns=["i", "truth", "n"])


def _sample(frame: pd.DataFrame, ind: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    """Draw observed values around the truth and compute their intervals."""
    truth = frame["truth"].to_numpy(dtype=float)
    n = np.maximum(np.round(frame["n"].to_numpy(dtype=float)), 20)
    multiplier = float(ind.multiplier)
    result = pd.DataFrame(index=frame.index)
    if ind.value_type == "proportion":
        p = np.clip(truth / multiplier, 0.002, 0.995)
        count = rng.binomial(n.astype(np.int64), p).astype(float)
        result["value"] = count / n * multiplier
        for level, suffix in [(0.95, "95"), (0.998, "998")]:
            lo, hi = wilson_ci(count, n, confidence=level)
            result[f"lower_ci{suffix}"], result[f"upper_ci{suffix}"] = lo * multiplier, hi * multiplier
        result["count"], result["denominator"] = count, n
    elif ind.value_type in {"rate", "count"}:
        expected = (
            np.maximum(truth / multiplier * n, 0.0) if ind.value_type == "rate" else truth * n / n.max()
        )
        count = rng.poisson(expected).astype(float)
        scale = multiplier / n if ind.value_type == "rate" else np.ones_like(n)
        result["value"] = count * scale
        for level, suffix in [(0.95, "95"), (0.998, "998")]:
            lo, hi = rate_ci(count, confidence=level)
            result[f"lower_ci{suffix}"], result[f"upper_ci{suffix}"] = lo * scale, hi * scale
        result["count"] = count
        result["denominator"] = n if ind.value_type == "rate" else np.nan
    else:
        base = SE_AT_LUTON.get(ind.value_type)
        if base is not None:
            se = base * np.sqrt(225_000 / n)
        else:
            se = RELATIVE_SE_PER_1000 * np.abs(truth) * np.sqrt(1000 / n)
        value = rng.normal(truth, se)
        result["value"] = value
        for level, suffix in [(0.95, "95"), (0.998, "998")]:
            z = z_for(level)
            result[f"lower_ci{suffix}"], result[f"upper_ci{suffix}"] = value - z * se, value + z * se
        result["count"], result["denominator"] = np.nan, np.nan
    decimals = max(int(ind.decimals) + 3, 4)
    for col in ["value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998"]:
        result[col] = result[col].round(decimals)
    return pd.concat([frame, result], axis=1)
