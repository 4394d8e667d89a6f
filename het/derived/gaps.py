"""The gap engine: benchmarks, recent trends, and gaps by deprivation, ethnicity and ward, with their trends.

Pure: frames shaped like the refresh's inputs (queries/gap_inputs.sql with the columns of
gap_input_indicators.sql and gap_input_areas.sql) in, frames shaped like the derived tables out. The refresh
(het.derived.refresh) feeds it what a change touched and stores the results, which the pages read; nothing
is recomputed per click. Methods are implemented in het.stats; docs/methods.md explains them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from het.derived.codes import combined, numbered, shared_codes
from het.derived.populations import PACK_COLUMNS, group_populations
from het.stats.benchmark import (
    MUCH_WORSE,
    NOT_COMPARED,
    WORSE,
    compare_rows,
    compare_rows_categorical,
)
from het.stats.ci import rate_ci, wilson_ci
from het.stats.groups import first_rows, group_numbers
from het.stats.sii import sii
from het.stats.trend import CANNOT_BE_CALCULATED, GETTING_BETTER, GETTING_WORSE, recent_trend
from het.vocabulary import (
    DEPRIVATION_BREAKDOWNS,
    ENGLAND,
    ETHNICITY,
    HIGH_IS_GOOD,
    LOW_IS_GOOD,
    PROPORTION,
    RATE,
    TOTAL,
    WARD,
)

SII_REPETITIONS = 10_000
ROLLING_STEP = 3  # rolling three-year periods: only every third period is a non-overlapping point
SERIES_KEY = ["indicator_id", "area_code", "sex", "age", "breakdown", "category"]
PERIOD_KEY = ["indicator_id", "period_sort", "sex", "age"]
GAP_KEY = ["indicator_id", "area_code", "period_sort", "period_label", "sex", "age"]

GAP_COLUMNS = [
    *GAP_KEY,
    "dimension",
    "breakdown",
    "n_groups",
    "sii",
    "sii_lower95",
    "sii_upper95",
    "rii",
    "rii_lower95",
    "rii_upper95",
    "rii_reason",
    "sii_reason",
    "most_deprived_value",
    "least_deprived_value",
    "best_category",
    "best_value",
    "worst_category",
    "worst_value",
    "gap_abs",
    "gap_ratio",
    "n_significantly_worse",
    "significantly_worse",
    "population_basis",
    "limits_method",
]
NARROWING, WIDENING = "gap narrowing", "gap widening"
NO_CHANGE = "no significant change"
NO_ORDER_REASON = (
    "ethnic groups have no natural order, so there is no SII to follow; see each group's own trend"
)

DERIVED_TABLES = ("benchmark_results", "trend_results", "gap_results", "gap_trends")


@dataclass(frozen=True)
class DerivedResults:
    benchmark_results: pd.DataFrame
    trend_results: pd.DataFrame
    gap_results: pd.DataFrame
    gap_trends: pd.DataFrame


def compute_derived(
    observations: pd.DataFrame,
    *,
    group_populations: pd.DataFrame | None = None,
    repetitions: int = SII_REPETITIONS,
) -> DerivedResults:
    """Every derived result from a frame shaped like the refresh's inputs (het.derived.refresh.inputs_for_keys).

    group_populations: the geography pack's population of each area's deprivation groups (area_code,
    breakdown, rank, population, source; queries/deprivation_group_populations.sql), None for none.
    """
    pack = group_populations if group_populations is not None else pd.DataFrame(columns=PACK_COLUMNS)
    obs = observations.reset_index(drop=True)
    if obs["category"].isna().any():
        obs["category"] = obs["category"].astype(object).fillna("")
    rows = _benchmark_rows(obs)
    # Each benchmark row is one observation: its comparison goes back to that row by position.
    # As a categorical: a row's label is a small code, not a Python string per observation.
    found = pd.Categorical(rows["comparison"])
    labels = found.categories
    if NOT_COMPARED not in labels:
        labels = labels.append(pd.Index([NOT_COMPARED], dtype=labels.dtype))
    comparison = np.full(len(obs), labels.get_loc(NOT_COMPARED), dtype=np.int16)
    comparison[rows["_row"].to_numpy()] = found.codes
    compared = obs.assign(comparison=pd.Categorical.from_codes(comparison, categories=labels))
    benchmarks = rows.drop(columns="_row")
    parts = [
        deprivation_gaps(compared, group_populations_table=pack, repetitions=repetitions),
        ethnicity_gaps(compared),
        ward_gaps(compared, repetitions=repetitions),
    ]
    found = [part for part in parts if not part.empty]
    gaps = pd.concat(found, ignore_index=True) if found else pd.DataFrame()
    gaps = gaps.reindex(columns=GAP_COLUMNS)
    return DerivedResults(benchmarks, trend_table(obs), gaps, gap_trend_table(gaps, obs))


# -- benchmarks ---------------------------------------------------------------------------------


def benchmark_table(obs: pd.DataFrame) -> pd.DataFrame:
    """Whole areas against England; an area's breakdowns and wards against the area as a whole."""
    return _benchmark_rows(obs.reset_index(drop=True)).drop(columns="_row")


def _benchmark_rows(obs: pd.DataFrame) -> pd.DataFrame:
    """benchmark_table's rows, each with `_row`, the position of its observation in obs.

    Worked by position on integer codes: each row's benchmark is looked up among the totals (one per area,
    period, sex and age), and the text columns keep the dtypes they came with (categoricals from the
    refresh), so hundreds of thousands of rows are neither merged nor turned into Python strings.
    """
    total = (obs["breakdown"] == TOTAL).to_numpy()
    ward = (obs["area_type"] == WARD).to_numpy()
    england = (obs["area_code"] == ENGLAND).to_numpy()
    whole_areas, wards = np.flatnonzero(total & ~england & ~ward), np.flatnonzero(total & ward)
    picked = np.concatenate([whole_areas, wards, np.flatnonzero(~total)])
    (area, parent, england_code), areas = shared_codes(
        obs["area_code"], obs["parent_code"], pd.Series(pd.Categorical([ENGLAND]))
    )
    code = area[picked]
    code[: len(whole_areas)] = england_code[0]
    code[len(whole_areas) : len(whole_areas) + len(wards)] = parent[wards]
    coded = [shared_codes(obs[k]) for k in PERIOD_KEY]
    period = [codes[0] for codes, _ in coded]
    sizes = [len(values) + 1 for _, values in coded] + [len(areas) + 1]  # one radix for both sides
    totals = np.flatnonzero(total)
    reference = combined([p[totals] for p in period] + [area[totals]], sizes)
    wanted = combined([p[picked] for p in period] + [code], sizes)
    if reference is None or wanted is None or not pd.Index(reference).is_unique:
        return _benchmark_rows_merged(obs)  # two totals for an area in a period: every pairing, as a merge
    found = pd.Index(reference).get_indexer(wanted)
    found[code < 0] = -1  # no benchmark area (a ward without its authority): nothing to compare with
    benchmark_value = np.where(found >= 0, obs["value"].to_numpy(dtype=float)[totals][found], np.nan)
    rows = obs[[*PERIOD_KEY, "area_code", "breakdown", "category"]].iloc[picked].reset_index(drop=True)
    rows["benchmark_code"] = pd.Categorical.from_codes(code, categories=areas)
    rows["benchmark_value"] = benchmark_value
    compared = obs[["value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998", "polarity"]].iloc[
        picked
    ]
    rows["comparison"] = compare_rows_categorical(compared.assign(benchmark_value=benchmark_value))
    rows["_row"] = picked
    return rows


def _benchmark_rows_merged(obs: pd.DataFrame) -> pd.DataFrame:
    """_benchmark_rows by merging, for inputs whose totals are not one per area, period, sex and age."""
    obs = obs.assign(_row=np.arange(len(obs)))
    totals = obs[obs["breakdown"] == TOTAL]
    reference = totals[[*PERIOD_KEY, "area_code", "value"]].rename(
        columns={"area_code": "benchmark_code", "value": "benchmark_value"}
    )
    whole_areas = totals[(totals["area_code"] != ENGLAND) & (totals["area_type"] != WARD)].assign(
        benchmark_code=ENGLAND
    )
    wards = totals[totals["area_type"] == WARD].assign(benchmark_code=lambda f: f["parent_code"])
    groups = obs[obs["breakdown"] != TOTAL].assign(benchmark_code=lambda f: f["area_code"])
    rows = pd.concat([whole_areas, wards, groups], ignore_index=True).merge(
        reference, on=[*PERIOD_KEY, "benchmark_code"], how="left"
    )
    rows["comparison"] = compare_rows(rows)
    return rows[
        [
            *PERIOD_KEY,
            "area_code",
            "breakdown",
            "category",
            "benchmark_code",
            "benchmark_value",
            "comparison",
            "_row",
        ]
    ]


# -- recent trends ------------------------------------------------------------------------------


def trend_points(frame: pd.DataFrame, *, key: list[str]) -> pd.DataFrame:
    """The points the recent-trend rule may use, with a `trend_period` of consecutive years.

    Rolling three-year periods overlap, so only every third period, counted back from the latest,
    is kept, and those non-overlapping points are renumbered as consecutive years.
    """
    return _numbered_trend_points(frame, key)[0]


def _numbered_trend_points(frame: pd.DataFrame, key: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """trend_points, and each point's series number over `key` (group_numbers of the points: every series
    keeps its latest point, so the numbering of the frame's rows still holds)."""
    start = frame["period_sort"].to_numpy() // 10_000
    rolling = frame["periodicity"].str.startswith("rolling").to_numpy(dtype=bool)
    group = group_numbers(frame, key)
    latest = np.full(int(group.max()) + 1 if len(group) else 0, np.iinfo(np.int64).min)
    np.maximum.at(latest, group, start.astype(np.int64))
    back = latest[group] - start
    keep = ~rolling | (back % ROLLING_STEP == 0)
    steps = np.where(rolling, back // ROLLING_STEP, back)
    points = frame[keep].assign(trend_period=((3000 - steps[keep]) * 10_000).astype("int64"))
    return points, group[keep]


# What trend_table reads of the observations (the recent-trend rule's inputs and the series key).
TREND_INPUTS = [
    *SERIES_KEY,
    "period_sort",
    "periodicity",
    "value_type",
    "polarity",
    "value",
    "lower_ci95",
    "upper_ci95",
    "count",
    "denominator",
]


def trend_table(obs: pd.DataFrame) -> pd.DataFrame:
    """The recent-trend marker of every series (area, breakdown, category) of every indicator."""
    points, series = _numbered_trend_points(
        obs.loc[obs["value"].notna().to_numpy(), TREND_INPUTS], SERIES_KEY
    )
    with_counts = (
        (points["value_type"] == "proportion") & points["count"].notna() & points["denominator"].notna()
    )
    # A series uses the counts test only when every one of its points has a count and a denominator.
    lacking = np.bincount(
        series[~with_counts.to_numpy()], minlength=int(series.max()) + 1 if len(series) else 0
    )
    use_counts = pd.Series(lacking[series] == 0, index=points.index)
    parts = []
    if use_counts.any():
        parts.append(
            recent_trend(
                points[use_counts],
                period="trend_period",
                count="count",
                denominator="denominator",
                polarity="polarity",
                by=SERIES_KEY,
            )
        )
    if (~use_counts).any():
        parts.append(
            recent_trend(points[~use_counts], period="trend_period", polarity="polarity", by=SERIES_KEY)
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*SERIES_KEY, "marker"])


# -- gaps ---------------------------------------------------------------------------------------


def _sii_scale(value_type: str, multiplier: float, polarity: str) -> tuple[int, float]:
    """The SII value type (0 other, 1 rate, 2 proportion) and multiplier for an indicator.

    Proportions are fitted on 0..1 and scaled back to the indicator's units; for low-is-good indicators
    the multiplier is negative, so a positive SII is always the gap that disadvantages the deprived.
    """
    kind = {RATE: 1, PROPORTION: 2}.get(value_type, 0)
    scale = multiplier if kind == 2 else 1.0
    return kind, scale * (-1.0 if polarity == LOW_IS_GOOD else 1.0)


# The columns of het.stats.sii's result a gap keeps.
SII_RESULT_COLUMNS = [
    "sii",
    "sii_lower95",
    "sii_upper95",
    "rii",
    "rii_lower95",
    "rii_upper95",
    "reason",
    "limits",
]


def _sii_by_indicator(
    frame: pd.DataFrame, *, by: list[str], repetitions: int, group: np.ndarray
) -> pd.DataFrame:
    """SII and RII for every gap of `frame` (quantile, population, value and limits columns), by gap number.

    `group` is each row's gap number (its `by` group). One call of het.stats.sii per indicator and set of
    deprivation groups, so an area is only ever held against the groups it should have (an authority has
    no people in some national deciles). The indicator's sii_transform (rates and proportions) fits on
    the log/logit scale. Returns one row per gap with a result: `_gap` and sii's columns.
    """
    columns = [*SII_RESULT_COLUMNS, "_gap"]
    if not len(frame):
        return pd.DataFrame(columns=columns)
    frame = frame.reset_index(drop=True)
    rows_per_gap = np.bincount(group)[group]
    split_columns = ["indicator_id", "value_type", "multiplier", "polarity", "sii_transform"]
    splits = group_numbers(
        pd.DataFrame({**{c: frame[c] for c in split_columns}, "_groups": rows_per_gap}),
        [*split_columns, "_groups"],
    )
    order = np.argsort(splits, kind="stable")
    bounds = np.flatnonzero(np.r_[True, splits[order][1:] != splits[order][:-1], True])
    parts = []
    for first, stop in zip(bounds[:-1], bounds[1:], strict=True):
        positions = order[first:stop]
        row = frame.iloc[positions[0]]
        kind, sii_multiplier = _sii_scale(row["value_type"], float(row["multiplier"]), row["polarity"])
        rows = frame.iloc[positions].reset_index(drop=True).assign(_gap=group[positions])
        if kind == 2:
            for col in ["value", "lower_ci95", "upper_ci95"]:
                rows[col] = rows[col] / float(row["multiplier"])
        options = dict(
            quantile="quantile",
            population="population",
            value_type=kind,
            transform=bool(row["sii_transform"]) and kind > 0,
            multiplier=sii_multiplier,
            repetitions=repetitions,
            seed=0,
        )
        try:
            result = sii(rows, by="_gap", **options)
        except ValueError:
            sii(rows, by=by, **options)  # raises again, naming the gap by its key columns
            raise
        parts.append(result)
    found = pd.concat(parts, ignore_index=True)
    return found.reindex(columns=[c for c in found.columns if c in columns])


def _with_sii(summary: pd.DataFrame, siis: pd.DataFrame) -> pd.DataFrame:
    """The summary (one row per gap, in gap-number order) with each gap's SII columns; none where it has none."""
    found = _sii_columns(siis)
    gaps = found["_gap"].to_numpy(dtype=np.int64)
    filled = {}
    for column in found.columns.drop("_gap"):
        values = found[column].to_numpy()
        if values.dtype.kind == "f":
            filled[column] = np.full(len(summary), np.nan)
        else:
            filled[column] = np.full(len(summary), np.nan, dtype=object)
        filled[column][gaps] = values
    # Added in one step (the summary holds none of the SII columns). As column-by-column assignment would,
    # text in object arrays is inferred as str.
    return pd.concat([summary, pd.DataFrame(filled, index=summary.index)], axis=1)


def _summaries(
    frame: pd.DataFrame, *, by: list[str], label: str, group: np.ndarray | None = None
) -> pd.DataFrame:
    """Per group of rows: best and worst (polarity aware), range and ratio, and the rows significantly worse.

    For no-judgement indicators best and worst mean highest and lowest, and nothing is "worse". Ties go to
    the first row of the group (the refresh gives rows in a fixed order). Worked on one group number per
    row with numpy: the gap engine sees tens of thousands of groups after a national-scale load.
    """
    rows = frame.reset_index(drop=True)
    if group is None:  # group numbers in order of first appearance (the caller's own, when it has them)
        group = numbered(rows, by)
    n_groups = int(group.max()) + 1 if len(group) else 0
    firsts = np.unique(group, return_index=True)[1]
    out = rows.loc[firsts, by].reset_index(drop=True)
    out["n_groups"] = np.bincount(group, minlength=n_groups)

    value = rows["value"].to_numpy(dtype=float)
    has_value = ~np.isnan(value)
    low_is_good = (rows["polarity"] == LOW_IS_GOOD).to_numpy()
    goodness = np.where(low_is_good, -value, value)
    position = np.arange(len(rows))
    labels = rows[label].astype(object).to_numpy()

    cells = _group_cells(group, n_groups)

    def first_by(key: np.ndarray) -> np.ndarray:
        """Per group, the position of the valued row with the smallest key (first in row order on ties)."""
        if cells is not None:  # a (groups x rows) table in row order: argmin takes the first smallest
            table, where = cells
            keys = np.full(table.shape, np.inf)
            keys[where] = np.where(has_value, key, np.inf)
            picked = table[np.arange(n_groups), np.argmin(keys, axis=1)]
            ok = (picked >= 0) & has_value[np.maximum(picked, 0)]
            any_value = np.bincount(group[has_value], minlength=n_groups) > 0
            if np.array_equal(ok, any_value):  # else a group's only values are +inf: sort instead
                return np.where(ok, picked, -1)
        valued = np.flatnonzero(has_value)
        order = valued[np.lexsort((position[valued], key[valued], group[valued]))]
        starts = np.r_[True, group[order][1:] != group[order][:-1]] if len(order) else np.array([], bool)
        picked = np.full(n_groups, -1)
        picked[group[order][starts]] = order[starts]
        return picked

    best, worst = first_by(-goodness), first_by(goodness)
    for name, picked in (("best", best), ("worst", worst)):
        found = picked >= 0
        out[f"{name}_category"] = np.where(found, labels[np.where(found, picked, 0)], None)
        out[f"{name}_value"] = np.where(found, value[np.where(found, picked, 0)], np.nan)
    highest = np.full(n_groups, -np.inf)
    lowest = np.full(n_groups, np.inf)
    np.maximum.at(highest, group[has_value], value[has_value])
    np.minimum.at(lowest, group[has_value], value[has_value])
    any_value = np.bincount(group[has_value], minlength=n_groups) > 0
    highest, lowest = np.where(any_value, highest, np.nan), np.where(any_value, lowest, np.nan)
    out["gap_abs"] = np.abs(out["best_value"] - out["worst_value"])
    with np.errstate(divide="ignore", invalid="ignore"):
        out["gap_ratio"] = np.where(lowest == 0, np.nan, highest / lowest)

    judged = rows["polarity"].isin([HIGH_IS_GOOD, LOW_IS_GOOD]).to_numpy()
    worse = np.flatnonzero(has_value & judged & rows["comparison"].isin([WORSE, MUCH_WORSE]).to_numpy())
    # The names as text, each distinct label converted and ranked once (a handful among many rows).
    label_codes, distinct = pd.factorize(labels[worse], use_na_sentinel=False)
    spelt = np.asarray(distinct, dtype=object).astype(str)
    spelt_rank = np.unique(spelt, return_inverse=True)[1].reshape(-1)
    sorting = np.lexsort((spelt_rank[label_codes], goodness[worse], group[worse]))
    order = worse[sorting]
    counts = np.bincount(group[order], minlength=n_groups)
    listed = np.full(n_groups, None, dtype=object)
    if len(order):  # each group's names joined with "; ": one concatenation per group, in C
        names = spelt.astype(object)[label_codes[sorting]]
        last = np.r_[group[order][1:] != group[order][:-1], True]
        pieces = np.where(last, names, names + "; ")
        starts = np.flatnonzero(np.r_[True, last[:-1]])
        listed[group[order][starts]] = np.add.reduceat(pieces, starts)
    out["n_significantly_worse"] = counts
    out["significantly_worse"] = listed
    return out


def _group_cells(group: np.ndarray, n_groups: int) -> tuple[np.ndarray, tuple] | None:
    """Rows laid out as a (groups x largest group) table of positions, each group's rows in row order
    (-1 in empty cells), and the (group, slot) of every row; None when the table would be much larger
    than the rows (a few big groups among many small ones)."""
    if not len(group):
        return None
    sizes = np.bincount(group, minlength=n_groups)
    width = int(sizes.max())
    if n_groups * width > 4 * len(group) + 1024:
        return None
    order = np.argsort(group, kind="stable")
    offsets = np.cumsum(sizes) - sizes
    slot = np.empty(len(group), dtype=np.int64)
    slot[order] = np.arange(len(group)) - offsets[group[order]]
    table = np.full((n_groups, width), -1, dtype=np.int64)
    table[group, slot] = np.arange(len(group))
    return table, (group, slot)


# The columns a deprivation gap is worked from, besides its key.
DEPRIVATION_INPUTS = [
    "category",
    "category_rank",
    "value",
    "lower_ci95",
    "upper_ci95",
    "count",
    "denominator",
    "polarity",
    "value_type",
    "multiplier",
    "sii_transform",
]


def deprivation_gaps(
    obs: pd.DataFrame,
    *,
    group_populations_table: pd.DataFrame | None = None,
    repetitions: int = SII_REPETITIONS,
) -> pd.DataFrame:
    """Per area, period, sex and age: deprivation-group values, SII/RII, and most vs least deprived.

    Each group's population is its real one where it can be had (het.derived.populations), recorded
    with the SII as population_basis.
    """
    by = [*GAP_KEY, "breakdown"]
    used = [*by, *DEPRIVATION_INPUTS, *(["comparison"] if "comparison" in obs.columns else [])]
    groups = obs.loc[obs["breakdown"].isin(DEPRIVATION_BREAKDOWNS).to_numpy(), used]
    if groups.empty:
        return pd.DataFrame()
    groups = intervals_from_counts(groups.assign(quantile=groups["category_rank"].astype(float)))
    pack = pd.DataFrame(columns=PACK_COLUMNS) if group_populations_table is None else group_populations_table
    groups = groups.reset_index(drop=True)
    group = numbered(groups, by)  # one number per gap
    rows = group_populations(groups, pack, by=by, group=group)
    is_fitted = rows["population_reason"].isna().to_numpy()
    siis = _sii_by_indicator(rows[is_fitted], by=by, repetitions=repetitions, group=group[is_fitted])
    summary = _summaries(rows, by=by, label="category", group=group)
    # The most and least deprived groups' values (the lowest and highest rank with a value), and the
    # population basis, per gap: summary rows are in group-number order.
    n_groups = len(summary)
    value, quantile = rows["value"].to_numpy(dtype=float), rows["quantile"].to_numpy(dtype=float)
    valued = np.flatnonzero(~np.isnan(value))
    order = valued[np.lexsort((quantile[valued], group[valued]))]
    ordered_group = group[order]
    starts = np.r_[True, ordered_group[1:] != ordered_group[:-1]] if len(order) else np.zeros(0, bool)
    ends = np.r_[ordered_group[1:] != ordered_group[:-1], True] if len(order) else np.zeros(0, bool)
    for column, picked in (("most_deprived_value", starts), ("least_deprived_value", ends)):
        values = np.full(n_groups, np.nan)
        values[ordered_group[picked]] = value[order[picked]]
        summary[column] = values
    firsts = np.unique(group, return_index=True)[1]
    summary["population_basis"] = rows["population_basis"].to_numpy(dtype=object)[firsts]
    summary["population_reason"] = rows["population_reason"].to_numpy(dtype=object)[firsts]
    out = _with_sii(summary, siis)
    no_population = out["population_reason"].notna()
    out.loc[no_population, "sii_reason"] = out.loc[no_population, "population_reason"]
    out["gap_abs"] = out["most_deprived_value"] - out["least_deprived_value"]
    out["gap_ratio"] = out["most_deprived_value"] / out["least_deprived_value"].replace(0, np.nan)
    return out.drop(columns="population_reason").assign(dimension="deprivation")


def intervals_from_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of rates and proportions that give a count and denominator but no 95% interval get the interval
    those imply (Byar's / exact Poisson limits for a crude rate, Wilson's for a proportion; het.stats.ci),
    so their group can enter an SII. Fingertips' deprivation-decile rows often carry counts only.
    Rows whose value is not the count over the denominator (e.g. standardised rates) are left as they are.
    """
    missing = rows["lower_ci95"].isna() & rows["upper_ci95"].isna() & rows["value"].notna()
    has_counts = rows["count"].notna() & (rows["denominator"] > 0)
    candidates = missing & has_counts & rows["value_type"].isin([RATE, PROPORTION])
    if not candidates.any():
        return rows
    out = rows.copy(deep=False)  # columns are only ever replaced, never written into
    part = out[candidates]
    count, denominator = part["count"].to_numpy(float), part["denominator"].to_numpy(float)
    multiplier = part["multiplier"].to_numpy(float)
    crude = np.isclose(part["value"].to_numpy(float), count / denominator * multiplier, rtol=1e-6)
    is_rate = (part["value_type"] == RATE).to_numpy()
    lower_rate, upper_rate = rate_ci(count)
    lower_prop, upper_prop = wilson_ci(np.minimum(count, denominator), denominator)
    lower = np.where(is_rate, lower_rate / denominator, lower_prop) * multiplier
    upper = np.where(is_rate, upper_rate / denominator, upper_prop) * multiplier
    index = part.index[crude]
    out.loc[index, "lower_ci95"] = lower[crude]
    out.loc[index, "upper_ci95"] = upper[crude]
    return out


def ethnicity_gaps(obs: pd.DataFrame) -> pd.DataFrame:
    """Per area, period, sex and age: each ethnic group against the area, best-to-worst range, groups worse."""
    groups = obs[obs["breakdown"] == ETHNICITY]
    if groups.empty:
        return pd.DataFrame()
    out = _summaries(groups, by=[*GAP_KEY, "breakdown"], label="category")
    return out.assign(dimension="ethnicity", sii_reason=NO_ORDER_REASON)


def ward_gaps(obs: pd.DataFrame, *, repetitions: int = SII_REPETITIONS) -> pd.DataFrame:
    """Per period, sex and age: wards against their authority, best-to-worst range, and a ward-level SII
    with wards ranked by deprivation within their own ward set (never across ward sets)."""
    wards = obs[(obs["area_type"] == WARD) & (obs["breakdown"] == TOTAL)].copy()
    if wards.empty:
        return pd.DataFrame()
    wards["breakdown"] = wards["vintage"]
    wards["area_code"], wards["ward_name"] = wards["parent_code"], wards["area_name"]
    wards["quantile"] = wards["imd_rank_local"].astype(float)
    wards["population"] = wards["ward_population"].astype(float)
    wards["population_basis"] = "ward populations: " + wards["ward_population_source"].fillna("").astype(str)
    by = [*GAP_KEY, "breakdown"]
    parts = []
    for _, rows in wards.groupby("breakdown"):  # one ward set at a time: the full set differs between them
        group = numbered(rows, by)
        siis = _sii_by_indicator(rows, by=by, repetitions=repetitions, group=group)
        summary = _summaries(rows, by=by, label="ward_name", group=group)
        basis = rows.groupby(by, sort=False)["population_basis"].first().reset_index()
        parts.append(_with_sii(summary, siis).merge(basis, on=by, how="left"))
    return pd.concat(parts, ignore_index=True).assign(dimension="ward")


RII_CROSSES_ZERO = (
    "not meaningful: the fitted line reaches zero or below at one end, so the ratio of its ends is undefined "
    "(see the SII and the most minus least deprived gap)"
)
RII_LIMITS_CROSS_ZERO = "the simulated interval reaches zero or below, so its limits are not meaningful"


def _meaningful_rii(frame: pd.DataFrame) -> pd.DataFrame:
    """Blank RIIs whose fitted ends are not both positive, and limits that reach zero, saying why."""
    rii = frame["rii"].to_numpy(dtype=float)
    lower = frame["rii_lower95"].to_numpy(dtype=float)
    upper = frame["rii_upper95"].to_numpy(dtype=float)
    has = ~np.isnan(rii)
    with np.errstate(invalid="ignore"):
        bad = has & (rii <= 0)
        bad_limits = has & ~bad & (lower <= 0)
    reason = np.full(len(frame), None, dtype=object)
    reason[bad] = RII_CROSSES_ZERO
    reason[bad_limits] = RII_LIMITS_CROSS_ZERO
    return frame.assign(
        rii=np.where(bad, np.nan, rii),
        rii_lower95=np.where(bad | bad_limits, np.nan, lower),
        rii_upper95=np.where(bad | bad_limits, np.nan, upper),
        rii_reason=reason,
    )


def _sii_columns(siis: pd.DataFrame) -> pd.DataFrame:
    """_sii_by_indicator's result named as gap_results' columns, with RIIs that are not meaningful blanked."""
    renamed = siis.rename(columns={"reason": "sii_reason", "limits": "limits_method"})
    return _meaningful_rii(renamed)


# -- gaps over time -----------------------------------------------------------------------------


def _series_without_sii(series: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """The series (by `key`, in key order) with no SII in any period: cannot be calculated, with the first
    reason a period gave."""
    series = series[~series[key].isna().any(axis=1).to_numpy()]
    group = group_numbers(series, key)
    n_series = int(group.max()) + 1 if len(group) else 0
    has_sii = np.bincount(group[series["sii"].notna().to_numpy()], minlength=n_series) > 0
    reasons = series["sii_reason"].to_numpy(dtype=object)
    given = np.flatnonzero(pd.notna(reasons))
    first_reason = np.full(n_series, len(series), dtype=np.int64)
    np.minimum.at(first_reason, group[given], given)
    wanted = np.flatnonzero(~has_sii)
    out = series[key].iloc[first_rows(group, n_series)[wanted]].reset_index(drop=True)
    found = first_reason[wanted] < len(series)
    reason = np.full(len(wanted), "no SII could be calculated for any period", dtype=object)
    reason[found] = reasons[first_reason[wanted][found]]
    return out.assign(reason=reason, verdict=CANNOT_BE_CALCULATED, n_points=0)


def gap_trend_table(gaps: pd.DataFrame, obs: pd.DataFrame) -> pd.DataFrame:
    """The recent-trend rule on each SII series: gap narrowing, gap widening or no significant change.

    The SII is oriented so that its latest sign counts as the gap; a shrinking gap is narrowing whichever
    way round it runs. Ward SIIs form one series across the May 2023 ward change (the SII is a summary
    over the population's deprivation rank, so it is comparable between ward sets).
    """
    if gaps.empty:
        return pd.DataFrame()
    key = ["indicator_id", "area_code", "sex", "age", "dimension", "series"]
    series = gaps.assign(series=np.where(gaps["dimension"] == "ward", "wards", gaps["breakdown"]))
    first = obs[["indicator_id", "periodicity"]].drop_duplicates("indicator_id")
    # A dict keyed on the text: pandas maps a categorical through a Series keyed on another categorical by
    # position, not by value, when their categories differ.
    periodicity = dict(
        zip(first["indicator_id"].astype(object), first["periodicity"].astype(object), strict=True)
    )
    series["periodicity"] = series["indicator_id"].map(periodicity).to_numpy(dtype=object)  # per category
    ordered = series[series["dimension"] != "ethnicity"].dropna(subset=["sii"])
    out = []
    if not ordered.empty:
        # transform returns the sorted frame's index: realign to `ordered` before taking the signs.
        # Each series' latest SII (the last of its latest period, in row order) gives its sign.
        group = group_numbers(ordered, key)
        order = np.lexsort((np.arange(len(ordered)), ordered["period_sort"].to_numpy(), group))
        ends = order[np.r_[group[order][1:] != group[order][:-1], True]]
        latest = np.empty(int(group.max()) + 1)
        latest[group[ends]] = ordered["sii"].to_numpy(dtype=float)[ends]
        missing_key = ordered[key].isna().any(axis=1).to_numpy()  # groupby leaves those rows out
        sign = np.where((latest[group] < 0) & ~missing_key, -1.0, 1.0)
        oriented = ordered[[*key, "period_sort", "periodicity"]].assign(
            value=ordered["sii"] * sign,
            lower_ci95=np.where(sign > 0, ordered["sii_lower95"], -ordered["sii_upper95"]),
            upper_ci95=np.where(sign > 0, ordered["sii_upper95"], -ordered["sii_lower95"]),
            polarity=LOW_IS_GOOD,
        )
        trend = recent_trend(
            trend_points(oriented, key=key), period="trend_period", polarity="polarity", by=key
        )
        verdicts = {
            GETTING_BETTER: NARROWING,
            GETTING_WORSE: WIDENING,
            CANNOT_BE_CALCULATED: CANNOT_BE_CALCULATED,
        }
        trend["verdict"] = trend["marker"].map(verdicts).fillna(NO_CHANGE)
        out.append(trend)
    out.append(_series_without_sii(series, key))
    result = pd.concat(out, ignore_index=True)
    columns = [
        "indicator_id",
        "area_code",
        "sex",
        "age",
        "dimension",
        "breakdown",
        "verdict",
        "chi2",
        "slope",
        "n_points",
        "reason",
    ]
    return result.rename(columns={"series": "breakdown"}).reindex(columns=columns)
