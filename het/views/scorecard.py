"""The Leads Group's views, assembled from frames: the Marmot scorecard, the tartan rug and the gap tracker.

Pure pandas, no Streamlit: the frames het.ui.reads_leads reads (queries/leads_*.sql) in, display frames
out. Numbers are written by het.format with each indicator's unit and decimals; every comparison, trend
marker and gap verdict carries its text symbol from het.palette, so colour never carries meaning alone.
Comparisons, trends and gaps are read from the precomputed tables (het.gaps), never recomputed here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from het.charts import palette
from het.format import format_interval, format_value
from het.stats.benchmark import MUCH_WORSE, NOT_COMPARED, WORSE
from het.stats.trend import CANNOT_BE_CALCULATED, GETTING_WORSE
from het.vocabulary import NO_JUDGEMENT

DEPRIVATION, WARD, ETHNICITY = "deprivation", "ward", "ethnicity"
DIMENSION_ORDER = (DEPRIVATION, WARD, ETHNICITY)
DIMENSION_LABELS = {DEPRIVATION: "Deprivation", WARD: "Ward", ETHNICITY: "Ethnic group"}
# The scorecard's deprivation gap is the SII across Luton's own (local) deprivation quintiles.
SCORECARD_DEPRIVATION_SERIES = "deprivation_local_quintile"
DEPRIVATION_MEASURES = {
    "deprivation_local_quintile": "SII, local quintiles",
    "deprivation_local_decile": "SII, local deciles",
    "deprivation_national_quintile": "SII, national quintiles",
    "deprivation_national_decile": "SII, national deciles",
}
WARD_MEASURE = "SII, wards"
RANGE_MEASURE = "Range, best to worst group"
NO_RANGE_INTERVAL = "– (a range has none)"
WHOLE_AREA = "Whole area"
SEX_ORDER = {"Persons": 0, "Male": 1, "Female": 2}
NO_TREND_REASON = "no recent trend has been calculated for this series"
ALL = "all"

LATEST_COLUMNS = (
    "principle_id",
    "principle_label",
    "principle_short_label",
    "indicator_id",
    "short_name",
    "unit",
    "decimals",
    "polarity",
    "headline",
    "jsna_topic",
    "luton2040_priority",
    "sex",
    "age",
    "period_label",
    "value",
    "lower_ci95",
    "upper_ci95",
    "first_period_label",
    "first_value",
    "england_value",
    "comparison",
    "trend_marker",
    "trend_reason",
)
GAP_COLUMNS = (
    "indicator_id",
    "sex",
    "age",
    "dimension",
    "series",
    "breakdown",
    "period_label",
    "period_sort",
    "sii",
    "sii_lower95",
    "sii_upper95",
    "sii_reason",
    "gap_abs",
    "worst_category",
    "worst_value",
    "n_significantly_worse",
    "significantly_worse",
    "n_periods",
    "first_sii_period_label",
    "first_sii",
    "first_range_period_label",
    "first_gap_abs",
    "verdict",
    "verdict_reason",
)
RUG_CELL_COLUMNS = (
    "indicator_id",
    "sex",
    "age",
    "area_code",
    "value",
    "lower_ci95",
    "upper_ci95",
    "comparison",
)
RUG_AREA_COLUMNS = ("area_code", "area_name", "area_kind", "area_rank")
# The gap tracker's table, as shown (the frame also carries the keys and filter columns).
TRACKER_COLUMNS = [
    "Indicator",
    "Sex",
    "Dimension",
    "Measure",
    "Period",
    "Latest",
    "95% interval",
    "Trend",
    "Change since first period",
    "First period",
    "Groups significantly worse",
    "Principle",
    "Note",
]
ATTENTION_COLUMNS = ["Why it needs attention", *TRACKER_COLUMNS]


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{what} needs column(s) {', '.join(missing)}; the frame has {', '.join(frame.columns)}"
        )


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def indicator_label(short_name: str, sex: str) -> str:
    """'School readiness', or 'Life expectancy · Male' for an indicator reported by sex."""
    return short_name if sex == "Persons" else f"{short_name} · {sex}"


def principle_heading(principle_id: int, label: str) -> str:
    """'Overarching outcomes' for 0, '1. Give every child the best start in life' for the principles."""
    return str(label) if int(principle_id) == 0 else f"{int(principle_id)}. {label}"


def principle_short(principle_id: int, short_label: str) -> str:
    """'Overarching outcomes' for 0, '1 · Best start' for the principles."""
    return str(short_label) if int(principle_id) == 0 else f"{int(principle_id)} · {short_label}"


def gap_unit(unit: str) -> str:
    """The unit of a difference between two values: percentage points for percentages, else the unit itself.

    SIIs, ranges and changes of a percentage are differences of percentages (docs/methods.md: proportions
    are fitted on 0..1 and the SII reported in percentage points).
    """
    return "percentage points" if unit == "%" else unit


def signed_value(value, *, unit: str, decimals: int) -> str:
    """A change with its sign: '+1.3 years', '-0.4%', '0.0 years'; an en dash when missing."""
    if _missing(value):
        return "–"
    text = format_value(value, unit=unit, decimals=decimals)
    return f"+{text}" if round(float(value), int(decimals)) > 0 else text


def _comparison_labels(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), NOT_COMPARED)


def _worst_text(row, *, prefix: str, what: str, count_noun: str) -> tuple[str | None, str]:
    """The worst group when it is significantly worse than the area, and a sentence saying so."""
    if _missing(row.get(f"{prefix}period_label")):
        return None, f"no {what} data"
    if row["polarity"] == NO_JUDGEMENT:
        return None, f"no judgement ({what}s are higher or lower, not better or worse)"
    n_worse = (
        0 if _missing(row[f"{prefix}n_significantly_worse"]) else int(row[f"{prefix}n_significantly_worse"])
    )
    if n_worse == 0:
        return None, f"no {what} significantly worse"
    listed = str(row[f"{prefix}significantly_worse"]).split("; ")
    worst = row[f"{prefix}worst_category"]
    others = n_worse - 1
    more = f", and {others} more {what if others == 1 else count_noun}" if others else ""
    if worst in listed:
        value = format_value(row[f"{prefix}worst_value"], unit=row["unit"], decimals=row["decimals"])
        return str(worst), f"{worst}: {value}{more}"
    # The lowest point value is not significantly worse (a wide interval), so name the worst that is.
    return listed[0], f"{listed[0]}{more}"


# --- 1. the scorecard ----------------------------------------------------------------------------------

SCORECARD_EXPORT_COLUMNS = [
    "principle_id",
    "principle_label",
    "indicator_id",
    "indicator_label",
    "sex",
    "age",
    "unit",
    "period_label",
    "value",
    "lower_ci95",
    "upper_ci95",
    "england_value",
    "comparison",
    "trend_marker",
    "trend_reason",
    "deprivation_period_label",
    "deprivation_sii",
    "deprivation_sii_lower95",
    "deprivation_sii_upper95",
    "deprivation_sii_reason",
    "deprivation_verdict",
    "deprivation_verdict_reason",
    "ward_period_label",
    "worst_ward",
    "wards_significantly_worse",
    "ethnicity_period_label",
    "worst_ethnic_group",
    "ethnic_groups_significantly_worse",
]


def scorecard(latest: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """One row per headline indicator and sex, in principle order: Luton's latest value and period, England's,
    the comparison and recent trend, the deprivation SII with its 95% interval and verdict, and the worst
    ward and ethnic group when they are significantly worse than Luton; raw columns and display texts.

    latest: queries/leads_latest_totals.sql; gaps: queries/leads_gaps.sql (latest period of each series).
    """
    _require(latest, LATEST_COLUMNS, "scorecard")
    _require(gaps, GAP_COLUMNS, "scorecard")
    rows = latest[latest["headline"].astype(bool)].reset_index(drop=True)
    key = ["indicator_id", "sex", "age"]
    parts = {
        "deprivation_": gaps[
            (gaps["dimension"] == DEPRIVATION) & (gaps["series"] == SCORECARD_DEPRIVATION_SERIES)
        ],
        "ward_": gaps[gaps["dimension"] == WARD],
        "ethnicity_": gaps[gaps["dimension"] == ETHNICITY],
    }
    for prefix, part in parts.items():
        keep = part[[*key, *(c for c in GAP_COLUMNS if c not in key)]]
        rows = rows.merge(
            keep.rename(columns={c: prefix + c for c in keep.columns if c not in key}),
            on=key,
            how="left",
            validate="one_to_one",
        )
    rows["indicator_label"] = [
        indicator_label(n, s) for n, s in zip(rows["short_name"], rows["sex"], strict=True)
    ]
    rows["comparison"] = _comparison_labels(rows["comparison"])
    no_trend = rows["trend_marker"].isna()
    rows["trend_marker"] = rows["trend_marker"].astype(object).where(~no_trend, CANNOT_BE_CALCULATED)
    rows["trend_reason"] = rows["trend_reason"].astype(object).where(~no_trend, NO_TREND_REASON)
    # A deprivation gap whose trend is missing cannot be called narrowing or widening.
    untested = rows["deprivation_period_label"].notna() & rows["deprivation_verdict"].isna()
    rows["deprivation_verdict"] = (
        rows["deprivation_verdict"].astype(object).where(~untested, CANNOT_BE_CALCULATED)
    )
    rows["deprivation_verdict_reason"] = (
        rows["deprivation_verdict_reason"].astype(object).where(~untested, "no gap trend was calculated")
    )
    texts = [_scorecard_texts(row) for row in rows.to_dict("records")]
    # object columns keep None as None ('no worst ward'), where a str column would turn it into NaN
    rows = pd.concat([rows, pd.DataFrame(texts, index=rows.index, dtype=object)], axis=1)
    return rows


def _scorecard_texts(row: dict) -> dict:
    unit, decimals = row["unit"], int(row["decimals"])
    has_value = not _missing(row["value"])
    out = {
        "luton_text": format_value(row["value"], unit=unit, decimals=decimals)
        if has_value
        else "no data loaded",
        "interval_text": format_interval(row["lower_ci95"], row["upper_ci95"], decimals=decimals),
        "period_text": row["period_label"] if has_value else "–",
        "england_text": format_value(row["england_value"], unit=unit, decimals=decimals),
        "comparison_text": palette.comparison_text(row["comparison"]),
        "trend_text": palette.trend_text(row["trend_marker"]),
    }
    # The deprivation gap: SII with its interval, the period when it is not the value's own, and the verdict.
    if _missing(row["deprivation_period_label"]):
        out["deprivation_gap_text"] = "no deprivation breakdown"
        out["deprivation_gap_note"] = "No values by local deprivation quintile are loaded for this indicator."
        out["deprivation_verdict_text"] = "–"
    else:
        if _missing(row["deprivation_sii"]):
            out["deprivation_gap_text"] = "SII not calculated"
            out["deprivation_gap_note"] = f"Why: {row['deprivation_sii_reason']}."
        else:
            sii = format_value(row["deprivation_sii"], unit=gap_unit(unit), decimals=decimals)
            interval = format_interval(
                row["deprivation_sii_lower95"], row["deprivation_sii_upper95"], decimals=decimals
            )
            out["deprivation_gap_text"] = f"{sii} ({interval})"
            out["deprivation_gap_note"] = (
                "Slope index of inequality across the area's deprivation quintiles, with its 95% interval "
                f"({row['deprivation_period_label']}). Above 0: the gap disadvantages the more deprived."
            )
        if row["deprivation_period_label"] != row["period_label"]:
            out["deprivation_gap_text"] += f", {row['deprivation_period_label']}"
        verdict = (
            row["deprivation_verdict"] if not _missing(row["deprivation_verdict"]) else CANNOT_BE_CALCULATED
        )
        out["deprivation_verdict_text"] = palette.verdict_text(verdict)
        if not _missing(row["deprivation_verdict_reason"]):
            out["deprivation_gap_note"] += f" Gap trend {verdict}: {row['deprivation_verdict_reason']}."
    out["worst_ward"], out["worst_ward_text"] = _worst_text(
        row, prefix="ward_", what="ward", count_noun="wards"
    )
    out["wards_significantly_worse"] = (
        None if _missing(row["ward_n_significantly_worse"]) else int(row["ward_n_significantly_worse"])
    )
    out["worst_ethnic_group"], out["worst_ethnic_text"] = _worst_text(
        row, prefix="ethnicity_", what="ethnic group", count_noun="groups"
    )
    out["ethnic_groups_significantly_worse"] = (
        None
        if _missing(row["ethnicity_n_significantly_worse"])
        else int(row["ethnicity_n_significantly_worse"])
    )
    return out


def scorecard_export(card: pd.DataFrame) -> pd.DataFrame:
    """The scorecard's numbers and labels for download: raw values in the indicator's units, no formatting."""
    return card[SCORECARD_EXPORT_COLUMNS].reset_index(drop=True)


# --- 2. the tartan rug --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rug:
    frame: pd.DataFrame  # exactly the rows the chart draws and the Table tab shows
    area_order: list[str]
    indicator_order: list[str]


RUG_COLUMNS = [
    "indicator_id",
    "indicator_label",
    "sex",
    "period_label",
    "area_code",
    "area_label",
    "area_kind",
    "value",
    "lower_ci95",
    "upper_ci95",
    "unit",
    "compared_with",
    "comparison",
    "cell_text",
]


def tartan_rug_frame(
    cells: pd.DataFrame,
    areas: pd.DataFrame,
    latest: pd.DataFrame,
    *,
    authority_name: str,
    headline_only: bool = False,
) -> Rug:
    """The rug's cells: one row per indicator (and sex) and column area, at the indicator's latest local period.

    cells: the values there are (queries/leads_rug_cells.sql); areas: the columns in order
    (queries/rug_columns.sql); latest: the rows and their order (queries/leads_latest_totals.sql: indicators
    with a local value, overarching then principles 1 to 8, headline first). Every row has a cell for every
    column, so a missing value shows as '–' rather than a gap. Whole areas are compared with England and
    wards with the authority (benchmark_results); England is the benchmark itself. cell_text is the value to
    the indicator's decimal places (its unit is in the row label) and the comparison's symbol.
    """
    _require(cells, RUG_CELL_COLUMNS, "tartan_rug_frame")
    _require(areas, RUG_AREA_COLUMNS, "tartan_rug_frame")
    _require(latest, LATEST_COLUMNS, "tartan_rug_frame")
    meta = latest[latest["headline"].astype(bool)] if headline_only else latest
    meta = meta[meta["value"].notna()].reset_index(drop=True)
    labels = [
        f"{indicator_label(n, s)} ({u})" if str(u).strip() else indicator_label(n, s)
        for n, s, u in zip(meta["short_name"], meta["sex"], meta["unit"], strict=True)
    ]
    meta = meta.assign(indicator_label=labels)
    clash = meta["indicator_label"].duplicated(keep=False)
    if clash.any():  # two indicators with the same short name and unit: tell them apart by ID
        meta.loc[clash, "indicator_label"] += " [" + meta.loc[clash, "indicator_id"] + "]"
    meta["row_order"] = range(len(meta))
    rows = meta[
        ["indicator_id", "sex", "age", "period_label", "indicator_label", "unit", "decimals", "row_order"]
    ]
    columns = areas[list(RUG_AREA_COLUMNS)].assign(column_order=range(len(areas)))
    frame = rows.merge(columns, how="cross").merge(
        cells[list(RUG_CELL_COLUMNS)],
        on=["indicator_id", "sex", "age", "area_code"],
        how="left",
        validate="one_to_one",
    )
    frame = frame.sort_values(["row_order", "column_order"], kind="stable").reset_index(drop=True)
    frame["area_label"] = frame["area_name"]
    frame["compared_with"] = np.select(
        [frame["area_kind"] == "england", frame["area_kind"] == "ward"],
        ["(the benchmark)", authority_name],
        default="England",
    )
    frame["comparison"] = _comparison_labels(frame["comparison"])
    frame["cell_text"] = [
        _cell_text(v, unit=u, decimals=d, comparison=c, benchmark=k == "england")
        for v, u, d, c, k in zip(
            frame["value"],
            frame["unit"],
            frame["decimals"],
            frame["comparison"],
            frame["area_kind"],
            strict=True,
        )
    ]
    area_order = list(dict.fromkeys(frame["area_label"]))
    indicator_order = list(dict.fromkeys(frame["indicator_label"]))
    return Rug(frame[RUG_COLUMNS], area_order, indicator_order)


def _cell_text(value, *, unit: str, decimals: int, comparison: str, benchmark: bool) -> str:
    if _missing(value):
        return "–"
    number = format_value(value, unit="%" if unit == "%" else "", decimals=int(decimals)).rstrip("%")
    return number if benchmark else f"{number} {palette.COMPARISON_SYMBOLS[comparison]}"


# --- 3. the gap tracker -------------------------------------------------------------------------------


def gap_tracker_table(gaps: pd.DataFrame, latest: pd.DataFrame, *, authority_name: str) -> pd.DataFrame:
    """Every gap the area has, one row per indicator, sex, age and dimension (deprivation series, wards,
    ethnic groups) at its latest period, in principle order: the measure (SII with its 95% interval for
    deprivation and wards; best-to-worst range for ethnic groups), the change since the first period with
    that measure, the gap-over-time verdict with its reason, and the groups significantly worse.

    Display columns are TRACKER_COLUMNS; the frame also keeps indicator_id, sex, age, principle_id,
    jsna_topic, luton2040_priority, dimension, series, period_label and verdict for filters and links.
    """
    _require(gaps, GAP_COLUMNS, "gap_tracker_table")
    _require(latest, LATEST_COLUMNS, "gap_tracker_table")
    meta_columns = [
        "indicator_id",
        "principle_id",
        "principle_short_label",
        "short_name",
        "unit",
        "decimals",
        "polarity",
        "jsna_topic",
        "luton2040_priority",
        "headline",
    ]
    meta = latest[meta_columns].drop_duplicates("indicator_id").assign(indicator_rank=lambda f: range(len(f)))
    rows = gaps.merge(meta, on="indicator_id", how="inner")
    rows["dimension_rank"] = rows["dimension"].map({d: i for i, d in enumerate(DIMENSION_ORDER)})
    rows["sex_rank"] = rows["sex"].map(SEX_ORDER).fillna(9)
    rows = rows.sort_values(["indicator_rank", "sex_rank", "age", "dimension_rank", "series"], kind="stable")
    rows = rows.reset_index(drop=True)
    texts = pd.DataFrame(
        [_tracker_texts(r, authority_name) for r in rows.to_dict("records")], index=rows.index
    )
    return pd.concat([rows.drop(columns=[c for c in texts.columns if c in rows.columns]), texts], axis=1)


def _tracker_texts(row: dict, authority_name: str) -> dict:
    unit, decimals = gap_unit(row["unit"]), int(row["decimals"])
    ordered = row["dimension"] != ETHNICITY
    if ordered:
        measure_value, lower, upper = row["sii"], row["sii_lower95"], row["sii_upper95"]
        first_period, first_value = row["first_sii_period_label"], row["first_sii"]
        measure = WARD_MEASURE if row["dimension"] == WARD else DEPRIVATION_MEASURES.get(row["series"], "SII")
    else:
        measure_value, lower, upper = row["gap_abs"], None, None
        first_period, first_value = row["first_range_period_label"], row["first_gap_abs"]
        measure = RANGE_MEASURE
    has_change = (
        not _missing(first_period) and first_period != row["period_label"] and not _missing(measure_value)
    )
    change = float(measure_value) - float(first_value) if has_change else None
    verdict = row["verdict"] if not _missing(row["verdict"]) else CANNOT_BE_CALCULATED
    trend = palette.verdict_text(verdict)
    if verdict == CANNOT_BE_CALCULATED:
        trend += f" ({row['verdict_reason'] if not _missing(row['verdict_reason']) else 'no gap trend was calculated'})"
    notes = []
    if ordered and _missing(measure_value) and not _missing(row["sii_reason"]):
        notes.append(f"No SII this period: {row['sii_reason']}")
    if row["dimension"] == WARD:
        notes.append("The ward SII is one series across ward sets: each period on the wards in force then")
    period = row["period_label"]
    if row["dimension"] == WARD:
        period = f"{period} ({row['breakdown']} wards)"
    return {
        "Principle": principle_short(row["principle_id"], row["principle_short_label"]),
        "Indicator": row["short_name"],
        "Sex": row["sex"],
        "Dimension": DIMENSION_LABELS.get(row["dimension"], row["dimension"]),
        "Measure": measure,
        "Period": period,
        "measure_value": None if _missing(measure_value) else float(measure_value),
        "Latest": format_value(measure_value, unit=unit, decimals=decimals),
        "95% interval": format_interval(lower, upper, decimals=decimals) if ordered else NO_RANGE_INTERVAL,
        "First period": first_period if has_change else "–",
        "change": change,
        "Change since first period": signed_value(change, unit=unit, decimals=decimals),
        "verdict": verdict,
        "Trend": trend,
        "Groups significantly worse": _worse_list(row, authority_name),
        "Note": "; ".join(notes),
    }


def _worse_list(row: dict, authority_name: str) -> str:
    if row["polarity"] == NO_JUDGEMENT:
        return "no judgement (no better or worse)"
    n_worse = 0 if _missing(row["n_significantly_worse"]) else int(row["n_significantly_worse"])
    if n_worse == 0:
        return f"none worse than {authority_name}"
    return f"{n_worse}: {row['significantly_worse']}"


def worse_and_getting_worse(latest: pd.DataFrame) -> pd.Series:
    """Whole-area rows worse (or much worse) than England whose recent trend is 'getting worse'."""
    return latest["comparison"].isin([WORSE, MUCH_WORSE]) & (latest["trend_marker"] == GETTING_WORSE)


def needs_attention(tracker: pd.DataFrame, latest: pd.DataFrame, *, authority_name: str) -> pd.DataFrame:
    """The "needs attention" view: indicators worse than England and getting worse (one whole-area row per
    indicator and sex), then every gap widening; 'Why it needs attention' says which rule each row meets.

    tracker: gap_tracker_table's frame (already filtered or not); latest: leads_latest_totals rows.
    """
    _require(latest, LATEST_COLUMNS, "needs_attention")
    flagged = latest[worse_and_getting_worse(latest)].reset_index(drop=True)
    whole = pd.DataFrame(
        [_whole_area_texts(r, authority_name) for r in flagged.to_dict("records")],
        columns=[*TRACKER_COLUMNS, "Why it needs attention", "measure_value", "change", "verdict"],
    )
    for column in (
        "indicator_id",
        "sex",
        "age",
        "principle_id",
        "jsna_topic",
        "luton2040_priority",
        "period_label",
    ):
        whole[column] = flagged[column].to_numpy() if len(flagged) else []
    whole["dimension"], whole["series"] = WHOLE_AREA, ""
    widening = tracker[tracker["verdict"] == palette.GAP_WIDENING].copy()
    widening["Why it needs attention"] = palette.verdict_text(palette.GAP_WIDENING)
    out = pd.concat(
        [whole, widening[[c for c in widening.columns if c in set(whole.columns)]]], ignore_index=True
    )
    return out


def _whole_area_texts(row: dict, authority_name: str) -> dict:
    unit, decimals = row["unit"], int(row["decimals"])
    change_unit = gap_unit(unit)
    has_change = not _missing(row["first_period_label"]) and row["first_period_label"] != row["period_label"]
    change = float(row["value"]) - float(row["first_value"]) if has_change else None
    return {
        "Why it needs attention": (
            f"{palette.comparison_text(row['comparison'])} than England and {palette.trend_text(row['trend_marker'])}"
        ),
        "Principle": principle_short(row["principle_id"], row["principle_short_label"]),
        "Indicator": row["short_name"],
        "Sex": row["sex"],
        "Dimension": WHOLE_AREA,
        "Measure": f"Value (England {format_value(row['england_value'], unit=unit, decimals=decimals)})",
        "Period": row["period_label"],
        "measure_value": row["value"],
        "Latest": format_value(row["value"], unit=unit, decimals=decimals),
        "95% interval": format_interval(row["lower_ci95"], row["upper_ci95"], decimals=decimals),
        "First period": row["first_period_label"] if has_change else "–",
        "change": change,
        "Change since first period": signed_value(change, unit=change_unit, decimals=decimals),
        "verdict": row["trend_marker"],
        "Trend": palette.trend_text(row["trend_marker"]),
        "Groups significantly worse": "–",
        "Note": "",
    }


# --- filters ------------------------------------------------------------------------------------------


def workstream_principles(links: pd.DataFrame, workstream_id: str) -> set[int]:
    """The principles a workstream works on (queries/workstream_principles.sql rows)."""
    chosen = links[links["workstream_id"] == workstream_id]
    if chosen.empty:
        raise ValueError(
            f"unknown workstream {workstream_id!r}; expected one of {', '.join(links['workstream_id'].unique())}"
        )
    return {int(p) for p in chosen["principle_id"]}


def filter_rows(
    frame: pd.DataFrame,
    *,
    principle: int | str = ALL,
    principles: set[int] | None = None,
    jsna_topic: str = ALL,
    priority: str = ALL,
) -> pd.DataFrame:
    """Rows of one principle, of a set of principles (a workstream's), of one JSNA topic and one Luton 2040
    priority; ALL (the default) leaves that filter off."""
    keep = pd.Series(True, index=frame.index)
    if principle != ALL:
        keep &= frame["principle_id"] == int(principle)
    if principles is not None:
        keep &= frame["principle_id"].isin(principles)
    if jsna_topic != ALL:
        keep &= frame["jsna_topic"] == jsna_topic
    if priority != ALL:
        keep &= frame["luton2040_priority"] == priority
    return frame[keep].reset_index(drop=True)


def indicator_link_params(row: dict | pd.Series, *, breakdown: str | None = None) -> dict[str, str]:
    """Query parameters that open the Indicator page on this row: indicator, sex, age, period, breakdown."""
    params = {"indicator": str(row["indicator_id"]), "sex": str(row["sex"]), "age": str(row["age"])}
    if not _missing(row.get("period_label")):
        params["period"] = str(row["period_label"])
    if breakdown:
        params["breakdown"] = breakdown
    return params


def tracker_breakdown(dimension: str) -> str | None:
    """The Indicator page's breakdown view for a gap row ('deprivation', 'ward', 'ethnicity'); None for a
    whole-area row."""
    return dimension if dimension in DIMENSION_ORDER else None
