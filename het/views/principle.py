"""What the Principle page shows (small multiples, gap summary, KPIs, workstreams and actions): frames in,
frames out, from the store's frames and the derived tables; nothing is computed here."""

from __future__ import annotations

import numpy as np
import pandas as pd

from het.charts import palette
from het.format import format_value
from het.stats.benchmark import NOT_COMPARED
from het.stats.kpi import kpi_verdict_text
from het.views.indicator import DEPRIVATION_PREFERENCE, gap_summary, gap_verdict
from het.views.workstreams import kpi_value_text
from het.vocabulary import HIGH_IS_GOOD, LOW_IS_GOOD

ENGLAND = "E92000001"


# --- the Principle page --------------------------------------------------------------------------


def _panel_names(series: pd.DataFrame) -> pd.Series:
    """The indicator's short name, with the sex (and age) when the indicator is shown for several."""
    per_indicator = series.groupby("indicator_id")
    several_sexes = per_indicator["sex"].transform("nunique") > 1
    several_ages = per_indicator["age"].transform("nunique") > 1
    name = series["short_name"].astype(str)
    name = name.where(~several_sexes, name + " (" + series["sex"].str.lower() + ")")
    return name.where(~several_ages, name + ", " + series["age"])


def principle_multiples_frame(series: pd.DataFrame, *, authority_code: str) -> pd.DataFrame:
    """The rows for het.charts.small_multiples: the authority and England every period, one panel per indicator
    (and sex, where an indicator is reported for men and women separately).

    Columns: panel, indicator_id, sex, age, series, period_label, period_sort, value, lower_ci95, upper_ci95,
    unit, decimals.
    """
    rows = series[series["value"].notna()].copy()
    rows["panel"] = _panel_names(rows)
    rows["series"] = np.where(rows["area_code"] == authority_code, rows["area_name"], "England")
    columns = [
        "panel",
        "indicator_id",
        "sex",
        "age",
        "series",
        "period_label",
        "period_sort",
        "value",
        "lower_ci95",
        "upper_ci95",
        "unit",
        "decimals",
    ]
    return rows[columns].reset_index(drop=True)


def _worse_text(row: pd.Series | None, *, what: str, polarity: str) -> str:
    if row is None:
        return f"no {what} data"
    if polarity not in (HIGH_IS_GOOD, LOW_IS_GOOD):
        return "no judgement (polarity)"
    n_worse = int(row["n_significantly_worse"]) if not pd.isna(row["n_significantly_worse"]) else 0
    if n_worse == 0:
        return "none significantly worse"
    first = str(row["significantly_worse"]).split("; ")[0]
    return f"▼ {first} ({n_worse} of {int(row['n_groups'])})"


def _latest_gap(
    gaps: pd.DataFrame, *, dimension: str, sex: str, age: str, period_sort: int
) -> pd.Series | None:
    """The gap at the period, else the latest before it (a breakdown may lag the whole-area value)."""
    rows = gaps[
        (gaps["dimension"] == dimension)
        & (gaps["sex"] == sex)
        & (gaps["age"] == age)
        & (gaps["period_sort"] <= period_sort)
    ]
    if dimension == "deprivation":
        present = [b for b in DEPRIVATION_PREFERENCE if b in set(rows["breakdown"])]
        rows = rows[rows["breakdown"] == present[0]] if present else rows
    return rows.sort_values("period_sort").iloc[-1] if not rows.empty else None


def principle_gap_table(
    series: pd.DataFrame,
    gaps: pd.DataFrame,
    gap_trends: pd.DataFrame,
    trend_markers: pd.DataFrame,
    *,
    authority_code: str,
    authority_name: str,
) -> pd.DataFrame:
    """One row per indicator (and sex) of the principle at its latest period: the value against England, the
    recent trend, the deprivation gap (SII with its 95% limits) and its trend, and the worst ward and ethnic
    group where any is significantly worse than the authority. Formatted for reading; indicator_id kept last.
    """
    own = series[(series["area_code"] == authority_code) & series["value"].notna()]
    latest = own.sort_values("period_sort").groupby(["indicator_id", "sex", "age"], sort=False).tail(1)
    order = series.drop_duplicates(["indicator_id", "sex", "age"])[["indicator_id", "sex", "age"]]
    latest = order.merge(latest, on=["indicator_id", "sex", "age"], how="inner")
    england = series[series["area_code"] == ENGLAND][["indicator_id", "sex", "age", "period_sort", "value"]]
    latest = latest.merge(
        england.rename(columns={"value": "england_value"}),
        on=["indicator_id", "sex", "age", "period_sort"],
        how="left",
    )
    latest["label"] = _panel_names(latest)
    records = []
    for row in latest.itertuples(index=False):
        unit, decimals, polarity = row.unit, int(row.decimals), row.polarity
        mine = gaps[gaps["indicator_id"] == row.indicator_id]
        keys = {"sex": row.sex, "age": row.age, "period_sort": int(row.period_sort)}
        deprivation = _latest_gap(mine, dimension="deprivation", **keys)
        sii_text = "no deprivation data"
        verdict_text = "–"
        if deprivation is not None:
            # Percentage points written 'pp' here, to keep the table narrow (the caption says so).
            summary = gap_summary(deprivation, {"unit": "pp" if unit == "%" else unit, "decimals": decimals})
            sii_text = summary.sii_text if summary.has_sii else f"not calculated: {summary.reason}"
            if deprivation["period_sort"] != row.period_sort:
                sii_text += f" [{deprivation['period_label']}]"
            verdict, _ = gap_verdict(
                gap_trends[gap_trends["indicator_id"] == row.indicator_id],
                dimension="deprivation",
                breakdown=deprivation["breakdown"],
                sex=row.sex,
                age=row.age,
            )
            verdict_text = palette.verdict_text(verdict)
        marker = trend_markers[
            (trend_markers["indicator_id"] == row.indicator_id)
            & (trend_markers["sex"] == row.sex)
            & (trend_markers["age"] == row.age)
        ]
        comparison = row.comparison if isinstance(row.comparison, str) else NOT_COMPARED
        records.append(
            {
                "Indicator": row.label,
                "Period": row.period_label,
                authority_name: format_value(row.value, unit=unit, decimals=decimals),
                "England": format_value(row.england_value, unit=unit, decimals=decimals),
                "vs England": palette.comparison_text(comparison),
                "Recent trend": palette.trend_text(marker["marker"].iloc[0]) if not marker.empty else "–",
                "Deprivation gap: SII (95% CI)": sii_text,
                "Gap trend": verdict_text,
                "Worst ward": _worse_text(
                    _latest_gap(mine, dimension="ward", **keys), what="ward", polarity=polarity
                ),
                "Worst ethnic group": _worse_text(
                    _latest_gap(mine, dimension="ethnicity", **keys), what="ethnic group", polarity=polarity
                ),
                "indicator_id": row.indicator_id,
            }
        )
    columns = [
        "Indicator",
        "Period",
        authority_name,
        "England",
        "vs England",
        "Recent trend",
        "Deprivation gap: SII (95% CI)",
        "Gap trend",
        "Worst ward",
        "Worst ethnic group",
        "indicator_id",
    ]
    return pd.DataFrame(records, columns=columns)


# --- workstreams and KPIs ------------------------------------------------------------------------


def kpi_table(judged: pd.DataFrame) -> pd.DataFrame:
    """A workstream's KPIs: baseline, latest and target with their periods, progress, where the values come
    from, and owner.

    judged is het.views.workstreams.kpi_table's frame, as the Workstream page shows it: a KPI linked to an
    indicator takes its baseline and latest value from the loaded data, and Progress is its on-track verdict
    (het.stats.kpi; docs/methods.md, "Workstream KPIs: on track or not"). Nothing is judged again here.
    """
    records = [
        {
            "KPI": r.name,
            "Baseline": kpi_value_text(r.baseline, r.unit, r.decimals, r.baseline_period),
            "Latest": kpi_value_text(r.latest, r.unit, r.decimals, r.latest_period),
            "Target": kpi_value_text(r.target, r.unit, r.decimals, r.target_period),
            "Progress": kpi_verdict_text(r.verdict),
            "Values from": r.values_from,
            "Owner": r.owner if isinstance(r.owner, str) else "–",
        }
        for r in judged.itertuples(index=False)
    ]
    return pd.DataFrame(
        records, columns=["KPI", "Baseline", "Latest", "Target", "Progress", "Values from", "Owner"]
    )


def workstream_table(workstreams: pd.DataFrame, kpis: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    """The workstreams serving a principle: status, chair, Luton 2040 priority, and how many KPIs and actions."""
    n_kpis = kpis.groupby("workstream_id").size()
    n_actions = actions.groupby("workstream_id").size()
    records = []
    for r in workstreams.itertuples(index=False):
        name = r.name if not isinstance(r.also_known_as, str) else f"{r.name} (also: {r.also_known_as})"
        count = int(n_kpis.get(r.workstream_id, 0))
        records.append(
            {
                "Workstream": name,
                "Status": r.status,
                "Chair": r.chair_organisation if isinstance(r.chair_organisation, str) else "not recorded",
                "Luton 2040 priority": r.luton2040_priority if isinstance(r.luton2040_priority, str) else "–",
                "KPIs": str(count) if count else "none loaded yet",
                "Actions": int(n_actions.get(r.workstream_id, 0)),
            }
        )
    return pd.DataFrame(
        records, columns=["Workstream", "Status", "Chair", "Luton 2040 priority", "KPIs", "Actions"]
    )


def action_table(actions: pd.DataFrame) -> pd.DataFrame:
    """A workstream's actions: title, lead, status and due date."""
    frame = actions.rename(columns={"title": "Action", "lead": "Lead", "status": "Status", "due": "Due"})
    return frame[["Action", "Lead", "Status", "Due"]].fillna("–").reset_index(drop=True)


# --- page wording --------------------------------------------------------------------------------


def _lower_first(text: str) -> str:
    """'School readiness' -> 'school readiness'; 'PM2.5 concentration' stays as it is."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def indicator_question(meta, *, authority_name: str) -> str:
    """The Indicator page's title: a plain question about the chosen indicator."""
    return (
        f"How is {authority_name} doing on {_lower_first(str(meta['short_name']))}, and where are the gaps?"
    )


def principle_question(principle_id: int, short_label: str, *, authority_name: str) -> str:
    """The Principle page's title: a plain question about the chosen principle (its full wording goes below)."""
    topic = (
        "the overarching outcomes"
        if principle_id == 0
        else f"principle {principle_id}, {_lower_first(short_label)}"
    )
    return f"Is {authority_name} improving on {topic}, and are the gaps closing?"
