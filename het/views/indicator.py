"""What the Indicator page shows, assembled from the store's frames: frames in, frames out.

No Streamlit and no statistics are computed here: values, comparisons, trends and gaps come from the
current observations and the derived tables (het.derived), read once per data version. This module only
picks the rows a view needs, names them, and words the reasons a view is empty.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from het.charts import palette
from het.format import format_interval, format_value
from het.stats.benchmark import NOT_COMPARED
from het.stats.trend import CANNOT_BE_CALCULATED
from het.vocabulary import (
    DEPRIVATION_LOCAL_DECILE,
    DEPRIVATION_LOCAL_QUINTILE,
    DEPRIVATION_NATIONAL_DECILE,
    DEPRIVATION_NATIONAL_QUINTILE,
    ENGLAND,
    ETHNICITY,
    LOW_IS_GOOD,
    TOTAL,
)
from het.ward_sets import WardSets

# The Indicator page's breakdown views, in the order the control offers them (query parameter `breakdown`).
WARD_VIEW, ETHNIC_VIEW, DEPRIVATION_VIEW, GAP_VIEW = "ward", "ethnicity", "deprivation", "gap over time"
BREAKDOWN_VIEWS = (WARD_VIEW, ETHNIC_VIEW, DEPRIVATION_VIEW, GAP_VIEW)
BREAKDOWN_VIEW_LABELS = {
    WARD_VIEW: "By ward",
    ETHNIC_VIEW: "By ethnic group",
    DEPRIVATION_VIEW: "By deprivation",
    GAP_VIEW: "Gap over time",
}
# Which deprivation breakdown the page shows when an indicator has several: local fifths first.
DEPRIVATION_PREFERENCE = (
    DEPRIVATION_LOCAL_QUINTILE,
    DEPRIVATION_LOCAL_DECILE,
    DEPRIVATION_NATIONAL_QUINTILE,
    DEPRIVATION_NATIONAL_DECILE,
)
DEPRIVATION_GROUP_WORDS = {
    DEPRIVATION_LOCAL_QUINTILE: "local deprivation quintiles (IMD 2019 fifths of the area's neighbourhoods)",
    DEPRIVATION_LOCAL_DECILE: "local deprivation deciles (IMD 2019 tenths of the area's neighbourhoods)",
    DEPRIVATION_NATIONAL_QUINTILE: "national deprivation quintiles (IMD)",
    DEPRIVATION_NATIONAL_DECILE: "national deprivation deciles (IMD)",
}
_EMPTY_WORDS = {
    WARD_VIEW: "ward data",
    ETHNIC_VIEW: "ethnic breakdown",
    DEPRIVATION_VIEW: "deprivation breakdown",
}

TREND_TABLE_COLUMNS = [
    "series",
    "area_code",
    "period_label",
    "period_sort",
    "value",
    "lower_ci95",
    "upper_ci95",
    "comparison",
]
GROUP_COLUMNS = ["period_label", "value", "lower_ci95", "upper_ci95", "count", "denominator", "comparison"]


# --- choosing the view ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """The options a control offers and the one to start from."""

    options: list
    default: object

    @property
    def needs_control(self) -> bool:
        return len(self.options) > 1


def _catalogue_sexes(meta) -> list[str]:
    return [s.strip() for s in str(meta["sexes"]).split(";") if s.strip()]


def sex_choice(observations: pd.DataFrame, meta) -> Choice:
    """Sexes with values, in the catalogue's order; Persons first when present, else the first listed."""
    present = set(observations["sex"])
    listed = [s for s in _catalogue_sexes(meta) if s in present]
    options = listed + sorted(present - set(listed))
    default = "Persons" if "Persons" in options else (options[0] if options else None)
    return Choice(options, default)


def age_choice(observations: pd.DataFrame, meta, *, sex: str) -> Choice:
    """Age bands with values for the sex; the catalogue's age band first and by default."""
    present = sorted(set(observations.loc[observations["sex"] == sex, "age"]))
    options = ([meta["age"]] if meta["age"] in present else []) + [a for a in present if a != meta["age"]]
    return Choice(options, options[0] if options else None)


def period_choice(observations: pd.DataFrame, *, sex: str, age: str, authority_code: str) -> Choice:
    """Periods with any value for the sex and age, newest first; by default the authority's latest period."""
    rows = observations[(observations["sex"] == sex) & (observations["age"] == age)]
    periods = rows.drop_duplicates("period_sort").sort_values("period_sort", ascending=False)
    options = periods["period_label"].tolist()
    own = rows[(rows["area_code"] == authority_code) & (rows["breakdown"] == TOTAL) & rows["value"].notna()]
    default = own.sort_values("period_sort")["period_label"].iloc[-1] if not own.empty else None
    return Choice(options, default if default is not None else (options[0] if options else None))


def period_sort_of(observations: pd.DataFrame, period_label: str) -> int:
    """The sortable code of a period label, as the observations carry it."""
    found = observations.loc[observations["period_label"] == period_label, "period_sort"]
    if found.empty:
        raise ValueError(f"no observations for period {period_label!r}")
    return int(found.iloc[0])


def _slice(observations: pd.DataFrame, *, sex: str, age: str) -> pd.DataFrame:
    return observations[(observations["sex"] == sex) & (observations["age"] == age)]


# --- headline and trend --------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """The authority's value for the chosen period beside England's, and the recent trend."""

    period_label: str
    value_text: str
    interval_text: str
    england_text: str
    comparison_text: str
    trend_text: str
    trend_reason: str | None


def headline(
    observations: pd.DataFrame,
    trend_markers: pd.DataFrame,
    meta,
    *,
    authority_code: str,
    sex: str,
    age: str,
    period_sort: int,
) -> Headline:
    rows = _slice(observations, sex=sex, age=age)
    rows = rows[(rows["breakdown"] == TOTAL) & (rows["period_sort"] == period_sort)]
    own, england = rows[rows["area_code"] == authority_code], rows[rows["area_code"] == ENGLAND]
    unit, decimals = meta["unit"], int(meta["decimals"])
    value = own["value"].iloc[0] if not own.empty else None
    interval = (
        format_interval(own["lower_ci95"].iloc[0], own["upper_ci95"].iloc[0], decimals=decimals)
        if not own.empty
        else "–"
    )
    comparison = own["comparison"].iloc[0] if not own.empty else None
    marker = trend_markers[(trend_markers["sex"] == sex) & (trend_markers["age"] == age)]
    label = rows["period_label"].iloc[0] if not rows.empty else ""
    return Headline(
        period_label=label,
        value_text=format_value(value, unit=unit, decimals=decimals),
        interval_text=interval,
        england_text=format_value(
            england["value"].iloc[0] if not england.empty else None, unit=unit, decimals=decimals
        ),
        comparison_text=palette.comparison_text(comparison if isinstance(comparison, str) else NOT_COMPARED),
        trend_text=palette.trend_text(marker["marker"].iloc[0]) if not marker.empty else "– not calculated",
        trend_reason=_text_or_none(marker["reason"].iloc[0]) if not marker.empty else None,
    )


def _text_or_none(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def trend_frame(
    observations: pd.DataFrame, *, authority_code: str, region_code: str | None, sex: str, age: str
) -> pd.DataFrame:
    """Whole-area values every period for the authority, England, its region and the comparator authorities.

    series is the area's name; comparison is each area's comparison with England ('not compared' for England).
    Rows: the authority, England, the region, then comparators by name, each by period.
    """
    rows = _slice(observations, sex=sex, age=age)
    rows = rows[(rows["breakdown"] == TOTAL) & rows["value"].notna()]
    wanted = {authority_code: 0, ENGLAND: 1}
    if region_code:
        wanted[region_code] = 2
    keep = rows["area_code"].isin(list(wanted)) | rows["is_comparator"].astype(bool)
    frame = rows[keep].assign(
        series=lambda f: f["area_name"],
        order=lambda f: f["area_code"].map(wanted).fillna(3),
        comparison=lambda f: f["comparison"].fillna(NOT_COMPARED),
    )
    frame = frame.sort_values(["order", "series", "period_sort"])
    return frame[TREND_TABLE_COLUMNS].reset_index(drop=True)


# --- breakdowns for one period -------------------------------------------------------------------


def ward_frame(observations: pd.DataFrame, *, sex: str, age: str, period_sort: int) -> pd.DataFrame:
    """Each ward's value for the period against the authority, highest value first.

    Columns: area_code, ward, ward_set, then GROUP_COLUMNS. A period's wards are one ward set (the set in
    force at the end of the period); the rows are never joined to the other set.
    """
    rows = _slice(observations, sex=sex, age=age)
    rows = rows[
        (rows["area_type"] == "ward") & (rows["breakdown"] == TOTAL) & (rows["period_sort"] == period_sort)
    ]
    frame = rows.assign(
        ward=rows["area_name"], ward_set=rows["vintage"], comparison=rows["comparison"].fillna(NOT_COMPARED)
    )
    frame = frame.sort_values(["value", "ward"], ascending=[False, True], na_position="last")
    return frame[["area_code", "ward", "ward_set", *GROUP_COLUMNS]].reset_index(drop=True)


def ward_set_label(ward_set: str, areas: pd.DataFrame | WardSets) -> str:
    """'May 2023 wards (20)' or 'wards until May 2023 (19)': the ward set, named by the dates it was in
    force (from the geography manifest), and how many wards it has. areas: the area list, or the WardSets
    made from it (cheaper when labelling many times)."""
    found = areas if isinstance(areas, WardSets) else WardSets.from_areas(areas)
    if ward_set not in found.vintages:
        return ward_set
    chosen = found.get(ward_set)
    return f"{chosen.name()} ({chosen.n_wards})"


def hex_frame(wards: pd.DataFrame, hex_cells: pd.DataFrame) -> pd.DataFrame:
    """The ward frame with each ward's hex cell (q, r) in its own ward set; wards without a cell are left out."""
    cells = hex_cells.rename(columns={"ward_set": "cell_ward_set"})
    merged = wards.merge(cells, on="area_code", how="inner")
    merged = merged[merged["cell_ward_set"] == merged["ward_set"]].drop(columns="cell_ward_set")
    return merged.reset_index(drop=True)


def ethnic_frame(
    observations: pd.DataFrame, *, sex: str, age: str, period_sort: int, area_code: str
) -> pd.DataFrame:
    """Each ethnic group's value for the period against the authority, highest value first.

    Columns: ethnic_group, then GROUP_COLUMNS.
    """
    rows = _slice(observations, sex=sex, age=age)
    rows = rows[
        (rows["area_code"] == area_code)
        & (rows["breakdown"] == ETHNICITY)
        & (rows["period_sort"] == period_sort)
    ]
    frame = rows.assign(ethnic_group=rows["category"], comparison=rows["comparison"].fillna(NOT_COMPARED))
    frame = frame.sort_values(["value", "ethnic_group"], ascending=[False, True], na_position="last")
    return frame[["ethnic_group", *GROUP_COLUMNS]].reset_index(drop=True)


def deprivation_breakdown(observations: pd.DataFrame, *, sex: str, age: str, area_code: str) -> str | None:
    """The deprivation breakdown to show (local quintiles first), or None when the indicator has none."""
    rows = _slice(observations, sex=sex, age=age)
    present = set(rows.loc[rows["area_code"] == area_code, "breakdown"])
    return next((b for b in DEPRIVATION_PREFERENCE if b in present), None)


def deprivation_frame(
    observations: pd.DataFrame, *, sex: str, age: str, period_sort: int, area_code: str, breakdown: str
) -> pd.DataFrame:
    """Each deprivation group's value for the period, most deprived first.

    Columns: category, category_rank (1 = most deprived), then GROUP_COLUMNS.
    """
    rows = _slice(observations, sex=sex, age=age)
    rows = rows[
        (rows["area_code"] == area_code)
        & (rows["breakdown"] == breakdown)
        & (rows["period_sort"] == period_sort)
    ]
    frame = rows.assign(
        category_rank=rows["category_rank"].astype(int), comparison=rows["comparison"].fillna(NOT_COMPARED)
    )
    return frame.sort_values("category_rank")[["category", "category_rank", *GROUP_COLUMNS]].reset_index(
        drop=True
    )


def fitted_sii_ends(groups: pd.DataFrame, *, sii: float, polarity: str) -> tuple[float, float]:
    """The fitted SII line's values at the most deprived (rank 0) and least deprived (rank 1) ends.

    gap_results stores the SII oriented (a positive SII disadvantages the deprived: het.gaps._sii_scale
    multiplies by -1 for low-is-good indicators) and in the indicator's units (proportions are fitted on
    0..1 and scaled back by the multiplier, so the slope is already in the displayed units), but not the
    intercept. Quintiles and deciles are equal population shares, so the weighted least-squares line
    passes through the mean of the group values at the mean rank, 0.5: the ends are mean -/+ slope / 2,
    where slope is the SII with its orientation undone. No simulation, nothing recomputed per click.
    """
    values = groups["value"].to_numpy(dtype=float)
    if len(values) == 0 or np.isnan(values).any():
        raise ValueError("the fitted SII line needs a value for every deprivation group")
    ranks = sorted(groups["category_rank"].astype(int))
    if ranks != list(range(1, len(ranks) + 1)):
        raise ValueError(
            f"the fitted SII line needs deprivation groups 1..{len(ranks)} once each; got {ranks}"
        )
    slope = float(sii) * (-1.0 if polarity == LOW_IS_GOOD else 1.0)
    mean = float(values.mean())
    return mean - slope / 2, mean + slope / 2


def gap_row(
    gaps: pd.DataFrame, *, dimension: str, sex: str, age: str, period_sort: int, breakdown: str | None = None
) -> pd.Series | None:
    """The gap_results row for one dimension, period, sex and age (and breakdown), or None."""
    rows = gaps[
        (gaps["dimension"] == dimension)
        & (gaps["sex"] == sex)
        & (gaps["age"] == age)
        & (gaps["period_sort"] == period_sort)
    ]
    if breakdown is not None:
        rows = rows[rows["breakdown"] == breakdown]
    return rows.iloc[0] if not rows.empty else None


def sii_unit(unit: str) -> str:
    """The SII's unit: the indicator's, except that a gap between percentages is in percentage points."""
    return "percentage points" if unit == "%" else unit


@dataclass(frozen=True)
class GapSummary:
    """The deprivation gap for one period as text: SII and RII with their 95% limits, most minus least deprived."""

    sii: str
    sii_interval: str
    rii: str
    rii_interval: str
    simple_gap: str
    reason: str | None

    @property
    def has_sii(self) -> bool:
        return self.sii != "–"

    @property
    def sii_text(self) -> str:
        """'8.4 years (6.4 to 10.5)', or '–' when there is no SII."""
        return f"{self.sii} ({self.sii_interval})" if self.has_sii else "–"


def gap_summary(row: pd.Series | None, meta) -> GapSummary:
    """SII and RII with their 95% limits, and most minus least deprived, as text in the indicator's units."""
    if row is None:
        return GapSummary("–", "–", "–", "–", "–", "no deprivation gap was computed for this period")
    decimals = int(meta["decimals"])
    unit = sii_unit(meta["unit"])
    reason = _text_or_none(row.get("sii_reason"))
    sii = format_value(row["sii"], unit=unit, decimals=decimals)
    sii_interval = format_interval(row["sii_lower95"], row["sii_upper95"], decimals=decimals)
    rii = format_value(row["rii"], unit="ratio", decimals=2)
    rii_interval = format_interval(row["rii_lower95"], row["rii_upper95"], decimals=2)
    rii_reason = _text_or_none(row.get("rii_reason"))
    if rii_reason:  # e.g. the fitted line crosses zero: say why instead of a bare dash
        rii_interval = rii_reason
    simple = format_value(row.get("gap_abs"), unit=unit, decimals=decimals)
    return GapSummary(sii, sii_interval, rii, rii_interval, simple, reason)


def gap_summary_markdown(summary: GapSummary, *, verdict: str, verdict_reason: str | None) -> str:
    """The deprivation gap as a small Markdown table: measure, value, 95% interval."""
    verdict_note = verdict_reason or ""
    rows = [
        (
            "Slope index of inequality (SII)",
            summary.sii,
            summary.sii_interval if summary.has_sii else summary.reason or "",
        ),
        ("Relative index of inequality (RII)", summary.rii, summary.rii_interval),
        ("Most minus least deprived", summary.simple_gap, ""),
        ("Gap over time", palette.verdict_text(verdict), verdict_note),
    ]
    lines = ["| Measure | Value | 95% confidence interval or note |", "| --- | --- | --- |"]
    lines += [f"| {name} | **{value}** | {note} |" for name, value, note in rows]
    return "\n".join(lines)


# --- the gap over time ---------------------------------------------------------------------------


def gap_series(
    gaps: pd.DataFrame, *, dimension: str, sex: str, age: str, breakdown: str | None = None
) -> pd.DataFrame:
    """The SII each period with its 95% limits (periods without an SII left out).

    Columns: period_label, period_sort, breakdown (for wards, the ward set of each period), n_groups, sii,
    sii_lower95, sii_upper95.
    """
    rows = gaps[
        (gaps["dimension"] == dimension) & (gaps["sex"] == sex) & (gaps["age"] == age) & gaps["sii"].notna()
    ]
    if breakdown is not None:
        rows = rows[rows["breakdown"] == breakdown]
    columns = ["period_label", "period_sort", "breakdown", "n_groups", "sii", "sii_lower95", "sii_upper95"]
    return rows.sort_values("period_sort")[columns].reset_index(drop=True)


def gap_verdict(
    gap_trends: pd.DataFrame, *, dimension: str, breakdown: str, sex: str, age: str
) -> tuple[str, str | None]:
    """The gap-over-time verdict and its reason ('cannot be calculated' when there is no series)."""
    rows = gap_trends[
        (gap_trends["dimension"] == dimension)
        & (gap_trends["breakdown"] == breakdown)
        & (gap_trends["sex"] == sex)
        & (gap_trends["age"] == age)
    ]
    if rows.empty:
        return CANNOT_BE_CALCULATED, "no gap series has been computed"
    return str(rows["verdict"].iloc[0]), _text_or_none(rows["reason"].iloc[0])


# --- saying why a view is empty ------------------------------------------------------------------


def _view_rows(observations: pd.DataFrame, view: str, *, area_code: str) -> pd.DataFrame:
    if view == WARD_VIEW:
        return observations[(observations["area_type"] == "ward") & (observations["breakdown"] == TOTAL)]
    mine = observations[observations["area_code"] == area_code]
    if view == ETHNIC_VIEW:
        return mine[mine["breakdown"] == ETHNICITY]
    return mine[mine["breakdown"].isin(DEPRIVATION_PREFERENCE)]


def empty_reason(
    observations: pd.DataFrame,
    view: str,
    *,
    sex: str,
    age: str,
    period_sort: int,
    period_label: str,
    area_code: str,
) -> str:
    """Why a breakdown view has no rows: none for this indicator, none before its first period, or none this period."""
    words = _EMPTY_WORDS[view]
    rows = _view_rows(_slice(observations, sex=sex, age=age), view, area_code=area_code)
    rows = rows[rows["value"].notna()]
    if rows.empty:
        return f"There is no {words} for this indicator ({sex.lower()}, {age}) in the current extracts."
    first = rows.sort_values("period_sort").iloc[0]
    if period_sort < int(first["period_sort"]):
        return (
            f"There is no {words} before {first['period_label']} for this indicator: the first period with "
            f"{words} is {first['period_label']}. Choose {first['period_label']} or later."
        )
    return f"There is no {words} for {period_label} in the current extracts."


# --- definition and provenance -------------------------------------------------------------------


def indicator_facts(meta) -> pd.DataFrame:
    """The indicator's metadata as a two-column table: what it is, where it comes from, how it is judged."""
    fingertips = meta.get("fingertips_id")
    facts = [
        ("Definition", meta["definition"]),
        ("Source", meta["source"]),
        ("Unit", f"{meta['unit']} ({meta['value_type']}; {int(meta['decimals'])} decimal places)"),
        ("Polarity", meta["polarity"]),
        ("Periods", meta["periodicity"]),
        ("Sexes and age", f"{str(meta['sexes']).replace(';', ', ')}; {meta['age']}"),
        ("Principle", f"{int(meta['principle_id'])}. {meta['principle_label']}"),
        ("Fingertips ID", "–" if fingertips is None or pd.isna(fingertips) else str(int(fingertips))),
        ("JSNA topic", meta["jsna_topic"]),
        ("Luton 2040 priority", meta["luton2040_priority"]),
        ("SII fitted on", sii_scale_words(meta)),
        ("het ID", meta["indicator_id"]),
    ]
    return pd.DataFrame(facts, columns=["", "About this indicator"])


def sii_scale_words(meta) -> str:
    """Which scale the indicator's SII is fitted on (the catalogue's sii_transform)."""
    transform = bool(meta.get("sii_transform")) if not _missing(meta.get("sii_transform")) else False
    if transform and meta["value_type"] == "rate":
        return "the log scale (the catalogue's choice for this rate: relative gaps, limits in closed form)"
    if transform and meta["value_type"] == "proportion":
        return "the logit scale (the catalogue's choice for this proportion: limits in closed form)"
    return "the indicator's own scale"


LIMITS_WORDS = {
    "exact": "95% limits in closed form (normal quantiles of the fitted slope; the RII's by Fieller's method)",
    "simulated": "95% limits from 10,000 seeded simulations (the fit is not linear in the values on this scale)",
}


def sii_method(meta, row: pd.Series | None, *, what: str = "the groups ordered by deprivation") -> str:
    """The SII's method as the About tab says it: the fit, its scale, the group weights and the limits."""
    parts = [
        f"SII and RII after Low & Low (2004): a line fitted by weighted least squares across {what}, on "
        f"{sii_scale_words(meta)}"
    ]
    if row is not None:
        basis = _text_or_none(row.get("population_basis"))
        if basis:
            parts.append(f"each group weighted by its population ({basis})")
        limits = _text_or_none(row.get("limits_method"))
        if limits in LIMITS_WORDS:
            parts.append(LIMITS_WORDS[limits])
    return "; ".join(parts) + ". See Data and methods for the method in full."


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def extracts_table(extracts: pd.DataFrame) -> pd.DataFrame:
    """The extracts this indicator's current values come from: file, who loaded it and when."""
    frame = extracts.rename(
        columns={
            "extract_id": "Extract",
            "file_name": "File",
            "source_kind": "Loaded via",
            "loaded_by": "Loaded by",
            "loaded_at": "Loaded at (UTC)",
            "current_values": "Current values",
        }
    )
    frame["Periods"] = extracts["first_period"] + " to " + extracts["last_period"]
    return frame[
        ["Extract", "File", "Loaded via", "Loaded by", "Loaded at (UTC)", "Current values", "Periods"]
    ]


def extract_names(extracts: pd.DataFrame) -> list[str]:
    """'#1 het-demo-extract.csv (loaded by het demo generator, 21 Nov 2026)' for a card's About tab."""
    return [
        f"#{r.extract_id} {r.file_name} (loaded by {r.loaded_by}, {pd.Timestamp(r.loaded_at):%d %b %Y})"
        for r in extracts.itertuples(index=False)
    ]
