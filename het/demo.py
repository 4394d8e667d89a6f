"""The embedded demonstration extract: plausible, seeded values for every catalogue indicator.

The demo is just another extract: it is written as a het tidy CSV and loaded (het.loads.load_demo)
through the same read-check-commit path as an upload, so it sits in the extract register and can be withdrawn.
Values are not real. They are anchored to published figures for the authority and England
(data/demo_anchors.csv, whose authority columns hold Luton's), with a deprivation gradient driven by the
ward IMD 2019 scores in the store (whichever authority's geography it holds), differences between
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

from het.ingest import ParsedExtract, read_extract
from het.ingest.kpis import read_kpis
from het.ingest.workbook import write_workbook
from het.periods import parse_period, period_label
from het.reference.catalogue import read_catalogue
from het.stats.ci import rate_ci, wilson_ci, z_for
from het.store import Store
from het.vocabulary import (
    COUNTRY,
    DEPRIVATION_LOCAL_QUINTILE,
    ENGLAND,
    ETHNICITY,
    HIGH_IS_GOOD,
    LOGIC_STAGES,
    LOW_IS_GOOD,
    REGION,
    TOTAL,
    quintile_label,
)
from het.ward_sets import WardSets

DEMO_FILE_NAME = "het-demo-extract.csv"
DEMO_LOADED_BY = "het demo generator"
FIRST_YEAR, LAST_YEAR = 2013, 2025
SEED = 20221

# Scaffolding for the demo only: Census 2021 usual residents (ONS, rounded) of the benchmark and
# comparator areas the shipped areas list, used as denominators, and where each sits between least (0) and
# most (1) deprived. Which areas get values comes from the store (England, the regions, the comparators);
# an area missing here gets DEFAULT_PROFILE (a local authority: the authority's own population).
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
DEFAULT_PROFILE = {COUNTRY: (56_490_000, 0.50), REGION: (6_000_000, 0.50)}
DEFAULT_POSITION = 0.50
# Deprivation position of each local quintile relative to the authority overall, in units of the ward range.
QUINTILE_POSITION = np.array([0.45, 0.2, 0.0, -0.2, -0.45])
# How much of the ward gradient shows between local authorities.
BETWEEN_AREA_GRADIENT = 0.6
GAP_TREND_FACTORS = {"narrowing": (1.3, 0.6), "widening": (0.7, 1.4), "stable": (1.0, 1.0)}
# Standard errors, in the indicator's units, for a measure over REFERENCE_POPULATION people (three years
# pooled for rolling periods): other areas and groups scale by sqrt(population).
SE_AT_REFERENCE = {
    ("life expectancy", "years"): 0.3,
    ("score", "years"): 0.8,
    ("score", "percentage points"): 1.5,
}
REFERENCE_POPULATION = 225_000  # about Luton's size, which the standard errors above were judged for
SURVEY_SAMPLE_FRACTION = 0.005  # about 1,000 people sampled in an area of REFERENCE_POPULATION
SURVEY_PRECISION = 0.1  # standard errors sqrt(10), about 3 times, those of a whole-population measure
RELATIVE_SE_PER_1000 = 0.015  # other measured values: se = 1.5% of the value per 1,000 people


@dataclass(frozen=True)
class Geography:
    """What the demo needs from the store: areas with populations and ward deprivation."""

    authority_code: str
    authority_population: float
    areas: pd.DataFrame  # area_code, area_name, area_type, vintage, is_comparator
    wards: pd.DataFrame  # ward_code, ward_set, imd_score, population
    ward_sets: WardSets


def read_geography(store: Store) -> Geography:
    areas = store.query("demo_areas")
    wards = store.query("demo_wards")
    authority_code = store.query("authority_code")["area_code"].iloc[0]
    ward_sets = WardSets.from_areas(store.query("area_list"))
    latest = wards.loc[wards["ward_set"] == ward_sets.vintages[-1], "population"].sum()
    return Geography(authority_code, float(latest), areas, wards, ward_sets)


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


DEMO_NOTE = "Demonstration data generated by het.demo: not real figures."


def demo_extract(store: Store) -> ParsedExtract:
    """Generate the demo extract and read it as an upload would be (het.loads.load_demo commits it)."""
    return read_extract(
        demo_csv(store),
        file_name=DEMO_FILE_NAME,
        indicators=store.query("indicator_catalogue"),
        areas=store.query("area_list"),
        format="het_tidy",
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
    # The anchors' authority columns are named for the authority they were taken from (Luton).
    authority = anchor.luton_start + (anchor.luton_end - anchor.luton_start) * t
    low, high = GAP_TREND_FACTORS[anchor.gap_trend]
    # Log-linear gradient: the most deprived ward is (1 + gradient) times the least deprived one.
    slope = np.log1p(anchor.deprivation_gradient) * (low + (high - low) * t)
    pool = 3 if rolling else 1
    frac = age_fraction(ind.age)
    small_area_from = _small_area_from(anchor)
    if small_area_from is None:
        # Published for whole areas only: survey or model based (APS, Active Lives...), so the denominator
        # is a sample, not the population, and the intervals are correspondingly wider.
        frac *= SURVEY_SAMPLE_FRACTION
    # Measured values (life expectancy and the like) from surveys are about three times less precise.
    # (Area-level summary scores such as the life expectancy SII keep their own standard errors.)
    precision = SURVEY_PRECISION if small_area_from is None and ind.value_type != "score" else 1.0
    out = []

    def emit(area_code, truth, population, breakdown=TOTAL, category="", rank=None, only=None):
        for i in range(len(years)) if only is None else [only]:
            value = truth[i] if np.ndim(truth) else truth
            out.append(
                (
                    area_code,
                    labels[i],
                    i,
                    breakdown,
                    category,
                    rank,
                    value,
                    population * frac * pool,
                    population * pool * precision,
                )
            )

    # Benchmarks and comparators move with England, offset by how deprived they are.
    for code, (population, position) in benchmark_profiles(geo).items():
        emit(code, england * np.exp(slope * BETWEEN_AREA_GRADIENT * (position - 0.5)), population)
    emit(geo.authority_code, authority, geo.authority_population)

    # Wards on the ward set in force at the end of each period, with the real IMD gradient,
    # and the authority's local deprivation quintiles; only for indicators published for small areas.
    for i, period in enumerate(periods):
        if small_area_from is None or years[i] < small_area_from:
            continue
        wards = geo.wards.loc[geo.wards["ward_set"] == geo.ward_sets.for_period(period)]
        score = wards["imd_score"].to_numpy()
        weights = wards["population"].to_numpy()
        position = (score - score.min()) / (score.max() - score.min())
        relative = np.exp(slope[i] * position)
        relative /= np.average(relative, weights=weights)
        for code, rel, pop in zip(wards["ward_code"], relative, weights, strict=True):
            emit(code, authority[i] * rel, pop, only=i)
        quintile = np.exp(slope[i] * (QUINTILE_POSITION + 0.5))
        quintile /= quintile.mean()
        for k, rel in enumerate(quintile, start=1):
            emit(
                geo.authority_code,
                authority[i] * rel,
                geo.authority_population / 5,
                DEPRIVATION_LOCAL_QUINTILE,
                quintile_label(k),
                k,
                only=i,
            )

    # Ethnic groups: a seeded spread around the authority that widens or narrows like the deprivation gap.
    if anchor.ethnic_spread > 0:
        pops = groups["population_2021"].to_numpy(dtype=float)
        offsets = rng.uniform(-0.5, 0.5, len(groups))
        offsets -= np.average(offsets, weights=pops)
        change = low + (high - low) * t
        for category, offset, pop in zip(groups["category"], offsets, pops, strict=True):
            emit(
                geo.authority_code,
                authority * np.exp(anchor.ethnic_spread * offset * change),
                pop,
                ETHNICITY,
                category,
            )

    frame = pd.DataFrame(
        out,
        columns=[
            "area_code",
            "period",
            "i",
            "breakdown",
            "category",
            "category_rank",
            "truth",
            "n",
            "people",
        ],
    )
    frame = _sample(frame, ind, rng)
    frame.insert(0, "indicator_id", ind.indicator_id)
    frame["sex"] = anchor.sex
    frame["age"] = ind.age
    frame["period_sort"] = [periods[i].sortable for i in frame["i"]]
    frame["category_rank"] = frame["category_rank"].astype("Int64")
    return frame.drop(columns=["i", "truth", "n", "people"])


def benchmark_profiles(geo: Geography) -> dict[str, tuple[float, float]]:
    """The areas the authority is compared with, each with the demo's (population, deprivation position).

    England, every region and every comparator authority in the store, except the authority itself; those
    in AREA_PROFILE first, in its order (so a store of the shipped geography gets the same values), then the
    rest by code with DEFAULT_PROFILE (an authority: the authority's own population).
    """
    areas = geo.areas
    wanted = areas[
        areas["area_type"].isin([COUNTRY, REGION]) | areas["is_comparator"].fillna(False).astype(bool)
    ]
    types = dict(zip(wanted["area_code"], wanted["area_type"], strict=True))
    types.pop(geo.authority_code, None)
    codes = [c for c in AREA_PROFILE if c in types] + sorted(set(types) - set(AREA_PROFILE))
    fallback = (geo.authority_population, DEFAULT_POSITION)
    return {c: AREA_PROFILE.get(c) or DEFAULT_PROFILE.get(types[c], fallback) for c in codes}


def _small_area_from(anchor) -> int | None:
    """The first year with ward and deprivation-quintile values, or None for area-level indicators."""
    value = getattr(anchor, "small_area_from", FIRST_YEAR)
    return None if value is None or pd.isna(value) else int(value)


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
        base = SE_AT_REFERENCE.get((ind.value_type, ind.unit))
        if base is not None:
            people = frame["people"].to_numpy(dtype=float)
            pooled = REFERENCE_POPULATION * (3 if ind.periodicity.startswith("rolling") else 1)
            se = base * np.sqrt(pooled / people)
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


# -- the demonstration workstream KPIs --------------------------------------------------------------

DEMO_KPI_FILE_NAME = "het-demo-workstream-kpis.csv"
DEMO_KPI_TARGET_YEAR = 2030
DEMO_KPI_OWNER = "Demonstration owner (not a real person)"


def demo_kpi_csv(store: Store, *, per_workstream: int = 2) -> bytes:
    """A KPI file for the workstreams, as a workstream would write it: each workstream's first indicators
    of its principles with authority values, each KPI linked to its catalogue indicator (so its values come
    from the data), with a made-up owner and a target for 2030 a fifth of the way from the baseline to
    England's latest value beyond it. Deterministic; the banner says these are not real."""
    catalogue = store.query("indicator_catalogue")
    links = store.query("workstream_principles")
    authority = store.query("authority_code")["area_code"].iloc[0]
    values = store.query("demo_kpi_values", authority_code=authority, england_code=ENGLAND)
    rows, used = [], set()
    for workstream, mine in links.groupby("workstream_id", sort=True):
        chosen = catalogue[
            catalogue["principle_id"].isin(mine["principle_id"])
            & ~catalogue["indicator_id"].isin(used)
            & catalogue["polarity"].isin([HIGH_IS_GOOD, LOW_IS_GOOD])
            & catalogue["indicator_id"].isin(values.loc[values["area_code"] == authority, "indicator_id"])
        ].head(per_workstream)
        used.update(chosen["indicator_id"])
        for ind in chosen.itertuples():
            own = values[(values["indicator_id"] == ind.indicator_id) & (values["area_code"] == authority)]
            england = values[(values["indicator_id"] == ind.indicator_id) & (values["area_code"] == ENGLAND)]
            first, last = own.iloc[0], own.iloc[-1]
            better = 1 if ind.polarity == HIGH_IS_GOOD else -1
            reference = float(england["value"].iloc[-1]) if len(england) else float(last["value"])
            step = max(abs(reference - float(first["value"])) * 0.2, abs(float(first["value"])) * 0.05)
            rows.append(
                {
                    "measure": f"{ind.short_name} (demonstration KPI)",
                    "workstream": workstream,
                    "indicator_id": ind.indicator_id,
                    "unit": ind.unit,
                    "polarity": ind.polarity,
                    "baseline": round(float(first["value"]), int(ind.decimals)),
                    "baseline_period": first["period_label"],
                    "latest": round(float(last["value"]), int(ind.decimals)),
                    "period": last["period_label"],
                    "target": round(float(first["value"]) + better * step, int(ind.decimals)),
                    "target_period": str(DEMO_KPI_TARGET_YEAR),
                    "owner": DEMO_KPI_OWNER,
                }
            )
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8")


def demo_kpi_extract(store: Store) -> ParsedExtract:
    """The demonstration KPI file read as an upload would be (het.loads.load_demo commits it after the demo)."""
    return read_kpis(
        demo_kpi_csv(store),
        file_name=DEMO_KPI_FILE_NAME,
        workstreams=store.query("workstream_names"),
        indicators=store.query("indicator_catalogue"),
    )


# The demonstration workstream workbook: what a workstream kept current looks like (owners, partners,
# statuses, updates, due dates, and a logic model whose items are linked and measured), written as a lead
# would write it offline and loaded through the workbook path (het.loads.load_demo). Every value it sets
# says it is a demonstration; dates are fixed, so the file is the same on every machine.
DEMO_WORKBOOK_STATUSES = ("on track", "at risk", "complete", "off track", "not started")
DEMO_WORKBOOK_UPDATED = ("2026-09-30", "2026-10-31", "2026-06-30", "2025-11-28", "2026-08-29")


def demo_workbook_name(workstream_id: str) -> str:
    return f"het-demo-workstream-{workstream_id.replace('_', '-')}.xlsx"


def demo_workbooks(store: Store) -> list[tuple[str, str, bytes]]:
    """(workstream id, file name, workbook bytes) for each workstream with actions or a logic model."""
    workstreams = store.query("workstream_list")
    out = []
    for ws in workstreams.itertuples(index=False):
        actions = store.query("workstream_actions", workstream_id=ws.workstream_id).copy()
        items = store.query("workstream_logic_items", workstream_id=ws.workstream_id).copy()
        kpis = store.query("workstream_kpis", workstream_id=ws.workstream_id)
        if actions.empty and items.empty:
            continue
        for column in ("lead", "partner", "status", "due", "latest_update", "updated_on"):
            actions[column] = actions[column].astype(object)
        for position, index in enumerate(actions.index):
            actions.loc[index, "lead"] = f"Demonstration owner {position + 1}"
            actions.loc[index, "partner"] = "Demonstration partner organisation"
            actions.loc[index, "status"] = DEMO_WORKBOOK_STATUSES[position % len(DEMO_WORKBOOK_STATUSES)]
            actions.loc[index, "due"] = f"{2027 + position % 2}-03-31"
            actions.loc[index, "latest_update"] = "Demonstration update: not a real report of progress."
            actions.loc[index, "updated_on"] = DEMO_WORKBOOK_UPDATED[position % len(DEMO_WORKBOOK_UPDATED)]
        items = _demo_logic_model(items, kpis)
        out.append(
            (
                ws.workstream_id,
                demo_workbook_name(ws.workstream_id),
                write_workbook(ws.name, {"action": actions, "kpi": kpis, "logic model item": items}),
            )
        )
    return out


def _demo_logic_model(items: pd.DataFrame, kpis: pd.DataFrame) -> pd.DataFrame:
    """Each item linked to every item of the next stage that has any; items owned by a demonstration owner;
    the outcomes measured by the workstream's first KPI and the impact by that KPI's indicator."""
    items = items.copy()
    for column in ("owner", "leads_to", "kpi_id", "indicator_id", "updated_on"):
        items[column] = items[column].astype(object)
    stages = [s for s in LOGIC_STAGES if (items["stage"] == s).any()]
    for here, following in zip(stages, stages[1:], strict=False):
        refs = ", ".join(items.loc[items["stage"] == following, "ref"])
        items.loc[items["stage"] == here, "leads_to"] = refs
    items["owner"] = "Demonstration owner"
    items["updated_on"] = DEMO_WORKBOOK_UPDATED[0]
    if len(kpis):
        items.loc[items["stage"] == "outcomes", "kpi_id"] = kpis["kpi_id"].iloc[0]
        indicator = kpis["indicator_id"].dropna()
        if len(indicator):
            items.loc[items["stage"] == "impact", "indicator_id"] = indicator.iloc[0]
    return items
