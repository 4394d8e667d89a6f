"""What the Places pages show (ward map, ward profile, where need is greatest): frames in, frames out.

The values, their comparison with the authority and the authority's own value come from the store
(queries/ward_observations.sql, which reads the derived benchmark results); nothing statistical is
recomputed here except the need scores, whose method is stated in NEED_METHOD and docs/methods.md.
A period's wards are always one ward set, the one in force at the end of the period: nothing here joins
an earlier ward to a later one by name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from het.format import format_interval, format_value
from het.stats.benchmark import BETTER, MUCH_BETTER, MUCH_WORSE, NOT_COMPARED, SIMILAR, WORSE
from het.views.indicator import TREND_TABLE_COLUMNS
from het.vocabulary import HIGH_IS_GOOD, LOW_IS_GOOD

WARD_MAP_COLUMNS = [
    "area_code",
    "ward",
    "ward_set",
    "period_label",
    "value",
    "lower_ci95",
    "upper_ci95",
    "count",
    "denominator",
    "comparison",
    "authority_value",
    "population",
    "value_text",
    "interval_text",
]
_WORSE = {WORSE: 1, MUCH_WORSE: 1}
_BETTER = {BETTER: 1, MUCH_BETTER: 1}
NEED_METHOD = (
    "For each ward, every indicator with ward values is taken at its latest period on the ward's ward set "
    "(each sex separately). A value counts as worse when its 95% confidence interval lies wholly on the "
    "bad side of the authority's value, better when wholly on the good side (the Fingertips rule; "
    "indicators with no better or worse direction are left out). A principle's score is the number worse "
    "minus the number better, divided by the number compared: +1 means every indicator is worse than the "
    "authority, -1 every one better. A ward's overall need is the average of its principle scores, each "
    "principle counting equally."
)


def _rows(ward_obs: pd.DataFrame, **where) -> pd.DataFrame:
    mask = np.ones(len(ward_obs), dtype=bool)
    for column, value in where.items():
        mask &= (ward_obs[column] == value).to_numpy()
    return ward_obs[mask]


def map_indicators(ward_obs: pd.DataFrame) -> pd.DataFrame:
    """The indicators with ward values, in catalogue order: indicator_id, short_name, principle_short_label."""
    columns = ["indicator_id", "short_name", "name", "principle_id", "principle_short_label", "unit"]
    return ward_obs[columns].drop_duplicates("indicator_id").reset_index(drop=True)


def options(ward_obs: pd.DataFrame, column: str, **where) -> list:
    """The distinct values of `column` among the ward rows matching `where`, in their stored order."""
    return list(dict.fromkeys(_rows(ward_obs, **where)[column].tolist()))


def period_options(ward_obs: pd.DataFrame, *, indicator_id: str, sex: str, age: str) -> pd.DataFrame:
    """The periods with ward values, oldest first: period_label, period_sort, ward_set."""
    rows = _rows(ward_obs, indicator_id=indicator_id, sex=sex, age=age)
    periods = rows[["period_label", "period_sort", "ward_set"]].drop_duplicates("period_sort")
    return periods.sort_values("period_sort").reset_index(drop=True)


def ward_map_frame(
    ward_obs: pd.DataFrame,
    profiles: pd.DataFrame,
    *,
    indicator_id: str,
    sex: str,
    age: str,
    period_sort: int,
    unit: str,
    decimals: int,
) -> pd.DataFrame:
    """Each ward's value for one period against the authority, with its population (WARD_MAP_COLUMNS).

    Raises ValueError if the period's rows are on more than one ward set (a load that mixed them).
    """
    rows = _rows(ward_obs, indicator_id=indicator_id, sex=sex, age=age, period_sort=period_sort)
    if rows["ward_set"].nunique() > 1:
        raise ValueError(
            f"{indicator_id} {rows['period_label'].iloc[0]}: ward values on more than one ward set "
            f"({', '.join(sorted(rows['ward_set'].unique()))}); a period's wards must be one set"
        )
    population = profiles.set_index("area_code")["population"]
    frame = rows.assign(
        ward=rows["area_name"],
        comparison=rows["comparison"].fillna(NOT_COMPARED),
        population=rows["area_code"].map(population),
        value_text=[format_value(v, unit=unit, decimals=decimals) for v in rows["value"]],
        interval_text=[
            format_interval(lo, hi, decimals=decimals)
            for lo, hi in zip(rows["lower_ci95"], rows["upper_ci95"], strict=True)
        ],
    )
    return frame[WARD_MAP_COLUMNS].sort_values("ward").reset_index(drop=True)


def comparison_sentence(label: str | None, *, authority: str) -> str:
    """'worse than Luton', 'similar to Luton', 'not compared with Luton'."""
    if label is None or (not isinstance(label, str) and pd.isna(label)) or label == NOT_COMPARED:
        return f"not compared with {authority}"
    if label == SIMILAR:
        return f"similar to {authority}"
    return f"{label} than {authority}"


def ward_map_table(frame: pd.DataFrame, *, authority: str) -> pd.DataFrame:
    """The map's table as people read it: ward, value, interval, comparison, population."""
    return pd.DataFrame(
        {
            "Ward": frame["ward"],
            "Ward code": frame["area_code"],
            "Period": frame["period_label"],
            "Value": frame["value"],
            "95% confidence interval": frame["interval_text"],
            f"Compared with {authority}": frame["comparison"],
            f"{authority} value": frame["authority_value"],
            "Population": frame["population"],
        }
    )


def small_multiples_frame(
    ward_obs: pd.DataFrame,
    profiles: pd.DataFrame,
    *,
    indicator_id: str,
    sex: str,
    age: str,
    ward_set: str,
    unit: str,
    decimals: int,
) -> pd.DataFrame:
    """ward_map_frame for every period on one ward set, oldest first (one small map per period)."""
    periods = period_options(ward_obs, indicator_id=indicator_id, sex=sex, age=age)
    periods = periods[periods["ward_set"] == ward_set]
    frames = [
        ward_map_frame(
            ward_obs,
            profiles,
            indicator_id=indicator_id,
            sex=sex,
            age=age,
            period_sort=int(p),
            unit=unit,
            decimals=decimals,
        ).assign(period_sort=int(p))
        for p in periods["period_sort"]
    ]
    return (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=[*WARD_MAP_COLUMNS, "period_sort"])
    )


@dataclass(frozen=True)
class FunnelInput:
    """The wards to place on a funnel plot and what their x axis is."""

    points: pd.DataFrame  # area_name, value, denominator, comparison
    x_title: str
    reason: str | None  # why no funnel can be drawn, or None


def funnel_input(
    frame: pd.DataFrame, *, value_type: str, denominator_word: str = "Denominator"
) -> FunnelInput:
    """The wards' values and denominators for a funnel plot; a reason when the indicator has none."""
    if value_type not in ("proportion", "rate"):
        return FunnelInput(
            pd.DataFrame(),
            "",
            f"a funnel plot needs counts and denominators; this indicator is a {value_type}, so it has none",
        )
    points = frame[frame["value"].notna() & frame["denominator"].notna() & (frame["denominator"] > 0)]
    if points.empty:
        return FunnelInput(pd.DataFrame(), "", "the wards' values have no denominators in the loaded extract")
    return FunnelInput(
        points.rename(columns={"ward": "area_name"})[
            ["area_name", "area_code", "value", "denominator", "comparison"]
        ].reset_index(drop=True),
        denominator_word,
        None,
    )


# --- ward profile ------------------------------------------------------------------------------------


def latest_ward_values(ward_obs: pd.DataFrame, *, ward_set: str) -> pd.DataFrame:
    """Every indicator series (indicator, sex, age) at its latest period on the ward set, all its wards."""
    rows = ward_obs[ward_obs["ward_set"] == ward_set]
    latest = rows.groupby(["indicator_id", "sex", "age"])["period_sort"].transform("max")
    return rows[rows["period_sort"] == latest].reset_index(drop=True)


def series_label(short_name: str, sex: str) -> str:
    return short_name if sex == "Persons" else f"{short_name} ({sex.lower()})"


def spine_input(latest: pd.DataFrame, *, ward_codes: list[str]) -> pd.DataFrame:
    """One row per (indicator series, chosen ward) for the spine chart, with the spread across all wards.

    Columns: indicator_id, indicator_label, principle_id, period_label, unit, decimals, polarity,
    authority_value, ward_min, ward_q1, ward_q3, ward_max, n_wards, area_code, area_name, value,
    lower_ci95, upper_ci95, comparison.
    """
    key = ["indicator_id", "sex", "age"]
    spread = (
        latest.groupby(key)["value"]
        .agg(
            ward_min="min",
            ward_q1=lambda v: v.quantile(0.25),
            ward_q3=lambda v: v.quantile(0.75),
            ward_max="max",
            n_wards="count",
        )
        .reset_index()
    )
    chosen = latest[latest["area_code"].isin(ward_codes)]
    frame = chosen.merge(spread, on=key, how="left")
    frame["indicator_label"] = [
        series_label(n, s) for n, s in zip(frame["short_name"], frame["sex"], strict=True)
    ]
    # Two series of one indicator and sex differ by age: say the age, so no two rows share a label.
    clash = frame.duplicated(["indicator_label", "area_code"], keep=False)
    frame.loc[clash, "indicator_label"] = frame.loc[clash, "indicator_label"] + ", " + frame.loc[clash, "age"]
    frame["comparison"] = frame["comparison"].fillna(NOT_COMPARED)
    order = {code: i for i, code in enumerate(ward_codes)}
    frame = frame.assign(_ward=frame["area_code"].map(order)).sort_values(
        ["principle_id", "indicator_id", "sex", "_ward"]
    )
    columns = [
        "indicator_id",
        "indicator_label",
        "principle_id",
        "principle_short_label",
        "period_label",
        "unit",
        "decimals",
        "polarity",
        "authority_value",
        "ward_min",
        "ward_q1",
        "ward_q3",
        "ward_max",
        "n_wards",
        "area_code",
        "area_name",
        "value",
        "lower_ci95",
        "upper_ci95",
        "comparison",
    ]
    return frame[columns].reset_index(drop=True)


@dataclass(frozen=True)
class WardFacts:
    """What the profile says about a ward apart from its indicators."""

    ward: str
    ward_set: str
    population: float | None
    population_source: str
    imd_score: float | None
    imd_rank_local: int | None
    n_wards: int
    national_deciles: pd.DataFrame  # national_decile, population, share
    ethnicity: pd.DataFrame  # category, population, share
    ethnicity_year: int | None

    def rank_text(self) -> str:
        if self.imd_rank_local is None:
            return "not known"
        return f"{_ordinal(self.imd_rank_local)} most deprived of {self.n_wards}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _number_or_none(value):
    return None if value is None or pd.isna(value) else value


def ward_facts(
    ward_code: str, profiles: pd.DataFrame, populations: pd.DataFrame, lsoa_deciles: pd.DataFrame
) -> WardFacts:
    """A ward's population, deprivation score and rank, national decile mix and ethnic mix."""
    row = profiles.set_index("area_code").loc[ward_code]
    same_set = profiles[profiles["ward_set"] == row["ward_set"]]
    deciles = lsoa_deciles[lsoa_deciles["ward_code"] == ward_code][["national_decile", "population"]]
    deciles = deciles.groupby("national_decile", as_index=False)["population"].sum()
    deciles["share"] = deciles["population"] / deciles["population"].sum() if len(deciles) else []
    ethnic = populations[(populations["area_code"] == ward_code) & (populations["breakdown"] == "ethnicity")]
    ethnic = ethnic[["category", "population", "year"]].sort_values("population", ascending=False)
    year = int(ethnic["year"].iloc[0]) if len(ethnic) else None
    ethnic = ethnic.drop(columns="year").reset_index(drop=True)
    ethnic["share"] = ethnic["population"] / ethnic["population"].sum() if len(ethnic) else []
    rank = _number_or_none(row["imd_rank_local"])
    return WardFacts(
        ward=str(row["area_name"]),
        ward_set=str(row["ward_set"]),
        population=_number_or_none(row["population"]),
        population_source=str(row["population_source"]) if isinstance(row["population_source"], str) else "",
        imd_score=_number_or_none(row["imd_score"]),
        imd_rank_local=int(rank) if rank is not None else None,
        n_wards=len(same_set),
        national_deciles=deciles.reset_index(drop=True),
        ethnicity=ethnic,
        ethnicity_year=year,
    )


def related_wards(ward_code: str, overlap: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
    """The wards of the other ward set that share people with this ward, by best-fit LSOAs, largest first.

    Columns: area_code, area_name, lsoas, population, share (of this ward's people in unchanged LSOAs).
    """
    names = profiles.set_index("area_code")["area_name"]
    forward = overlap[overlap["from_ward"] == ward_code].rename(columns={"to_ward": "area_code"})
    backward = overlap[overlap["to_ward"] == ward_code].rename(columns={"from_ward": "area_code"})
    found = pd.concat([forward, backward], ignore_index=True)[["area_code", "lsoas", "population"]]
    found = found.groupby("area_code", as_index=False).sum().sort_values("population", ascending=False)
    found["area_name"] = found["area_code"].map(names)
    total = found["population"].sum()
    found["share"] = found["population"] / total if total else np.nan
    return found[["area_code", "area_name", "lsoas", "population", "share"]].reset_index(drop=True)


def ward_rows(
    ward_obs: pd.DataFrame, *, ward_code: str, indicator_id: str, sex: str, age: str
) -> pd.DataFrame:
    """One ward's values of one indicator series, oldest first (on the ward's own ward set only)."""
    rows = _rows(ward_obs, area_code=ward_code, indicator_id=indicator_id, sex=sex, age=age)
    return rows.sort_values("period_sort").reset_index(drop=True)


def ward_trend_frame(rows: pd.DataFrame, *, authority: str) -> pd.DataFrame:
    """A ward's values (ward_rows) beside the authority's, shaped for the trend chart (TREND_TABLE_COLUMNS).

    The ward's points carry its comparison with the authority; the authority's series has no interval here
    (the ward rows carry only its value, as the wards' benchmark).
    """
    ward = rows.assign(series=rows["area_name"], comparison=rows["comparison"].fillna(NOT_COMPARED))
    whole = rows.assign(
        series=authority,
        value=rows["authority_value"],
        lower_ci95=np.nan,
        upper_ci95=np.nan,
        comparison=NOT_COMPARED,
    )
    return pd.concat([ward, whole], ignore_index=True)[TREND_TABLE_COLUMNS]


# --- where is need greatest -------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedTables:
    """The need scores: one row per ward and principle, the ward ranking and every comparison behind them."""

    cells: pd.DataFrame  # area_code, ward, principle_id, principle, n_compared, n_worse, n_better, score
    ranking: pd.DataFrame  # rank, area_code, ward, population, need_score, principles_with_data, ...
    evidence: pd.DataFrame  # every (ward, indicator series) used: its period, value, comparison, counted as


def need_tables(latest: pd.DataFrame, profiles: pd.DataFrame) -> NeedTables:
    """Ward-by-principle need scores from each ward's significant differences from the authority (NEED_METHOD)."""
    judged = latest[latest["polarity"].isin([HIGH_IS_GOOD, LOW_IS_GOOD])].copy()
    comparison = judged["comparison"].fillna(NOT_COMPARED)
    judged["worse"] = comparison.map(_WORSE).fillna(0).astype(int)
    judged["better"] = comparison.map(_BETTER).fillna(0).astype(int)
    judged["compared"] = (comparison != NOT_COMPARED).astype(int)
    judged["counted_as"] = np.select(
        [judged["worse"] == 1, judged["better"] == 1, judged["compared"] == 1],
        ["worse", "better", "similar"],
        default="not compared",
    )
    cells = (
        judged.groupby(["area_code", "area_name", "principle_id", "principle_short_label"], as_index=False)
        .agg(n_compared=("compared", "sum"), n_worse=("worse", "sum"), n_better=("better", "sum"))
        .rename(columns={"area_name": "ward", "principle_short_label": "principle"})
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        cells["score"] = np.where(
            cells["n_compared"] > 0, (cells["n_worse"] - cells["n_better"]) / cells["n_compared"], np.nan
        )
    overall = cells.groupby(["area_code", "ward"], as_index=False).agg(
        need_score=("score", "mean"),
        principles_with_data=("score", "count"),
        indicators_worse=("n_worse", "sum"),
        indicators_better=("n_better", "sum"),
        indicators_compared=("n_compared", "sum"),
    )
    population = profiles.set_index("area_code")["population"]
    overall["population"] = overall["area_code"].map(population)
    overall = overall.sort_values(["need_score", "indicators_worse", "ward"], ascending=[False, False, True])
    overall.insert(0, "rank", np.arange(1, len(overall) + 1))
    evidence = judged.assign(
        indicator=[series_label(n, s) for n, s in zip(judged["short_name"], judged["sex"], strict=True)]
    )[
        [
            "area_code",
            "area_name",
            "principle_id",
            "principle_short_label",
            "indicator_id",
            "indicator",
            "period_label",
            "value",
            "lower_ci95",
            "upper_ci95",
            "authority_value",
            "comparison",
            "counted_as",
        ]
    ].rename(columns={"area_name": "ward", "principle_short_label": "principle"})
    return NeedTables(
        cells.reset_index(drop=True), overall.reset_index(drop=True), evidence.reset_index(drop=True)
    )


def need_grid(cells: pd.DataFrame, ranking: pd.DataFrame) -> pd.DataFrame:
    """Wards (in need order) by principles: each cell 'n worse, m better of k', for the page's table."""
    text = cells.assign(
        cell=[
            f"{w} worse, {b} better of {n}" if n else "not compared"
            for w, b, n in zip(cells["n_worse"], cells["n_better"], cells["n_compared"], strict=True)
        ],
        column=[f"{p}. {name}" for p, name in zip(cells["principle_id"], cells["principle"], strict=True)],
    )
    grid = text.pivot(index="area_code", columns="column", values="cell")
    grid = grid[sorted(grid.columns, key=lambda c: int(c.split(".")[0]))]
    ordered = ranking[["rank", "area_code", "ward", "need_score"]].merge(
        grid.reset_index(), on="area_code", how="left"
    )
    return ordered.fillna({c: "no ward data" for c in grid.columns})


def need_export(cells: pd.DataFrame, ranking: pd.DataFrame) -> pd.DataFrame:
    """The need table as one CSV: ward rank, population and overall score, then each principle's counts."""
    wide = cells.pivot(
        index="area_code", columns="principle_id", values=["score", "n_worse", "n_better", "n_compared"]
    )
    wide.columns = [f"principle_{p}_{what}" for what, p in wide.columns]
    wide = wide[sorted(wide.columns, key=lambda c: (int(c.split("_")[1]), c))]
    return ranking.merge(wide.reset_index(), on="area_code", how="left")


def principle_support(
    cells: pd.DataFrame, actions: pd.DataFrame, projects: pd.DataFrame, *, area_code: str
) -> pd.DataFrame:
    """The recorded workstream actions and Prize projects on the principles where a ward is worse.

    Columns: principle_id, principle, score, kind ('action' / 'Prize project'), name, who, status. Actions and
    projects are recorded by principle, not by ward, so these serve the ward's principles, not it alone.
    """
    mine = cells[(cells["area_code"] == area_code) & (cells["score"] > 0)].sort_values(
        "score", ascending=False
    )
    rows = []
    for cell in mine.itertuples():
        for action in actions[actions["principle_id"] == cell.principle_id].itertuples():
            rows.append(
                (
                    cell.principle_id,
                    cell.principle,
                    cell.score,
                    "workstream action",
                    action.title,
                    action.workstream,
                    action.status,
                )
            )
        for project in projects[projects["principle_id"] == cell.principle_id].itertuples():
            rows.append(
                (
                    cell.principle_id,
                    cell.principle,
                    cell.score,
                    "Prize project",
                    project.name,
                    project.organisation,
                    project.status,
                )
            )
    return pd.DataFrame(rows, columns=["principle_id", "principle", "score", "kind", "name", "who", "status"])
