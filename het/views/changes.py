"""What changed since the last meeting: new data, revised values (old and new), withdrawn values, the
comparisons with England, the recent trends and the gap verdicts that changed, between the store as it stood
at a moment and the store now.

Everything is derived from the extract register and the append-only observations (queries/changes_since.sql,
queries/totals_then_and_now.sql, queries/gap_inputs_as_of.sql), so nothing here is typed by hand. The
comparisons are the Fingertips rule the gap engine applies (het.stats.benchmark.compare_rows). The trends and
gap verdicts then are the gap engine itself (het.derived.gaps.compute_derived) run on the authority's, its
wards' and England's values as they stood; now's are the stored results
(queries/authority_trends_and_verdicts.sql), which the same engine computed from the values now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from het.derived.gaps import compute_derived
from het.format import format_value, plural
from het.stats.benchmark import compare_rows
from het.store import Store
from het.views.freshness import day_text
from het.vocabulary import BREAKDOWN_LABELS, ENGLAND, TOTAL

KEY = ["indicator_id", "sex", "age"]


@dataclass(frozen=True)
class Changes:
    since: datetime
    new_data: pd.DataFrame  # one row per indicator: new values, the periods they add, the areas
    revised: pd.DataFrame  # one row per revised value: old and new
    withdrawn: pd.DataFrame  # one row per value no longer current (its extract was withdrawn)
    comparisons: (
        pd.DataFrame
    )  # the authority's latest comparison with England, then and now, where it changed
    trends: pd.DataFrame  # the authority's recent-trend markers that changed (whole-area series)
    gaps: pd.DataFrame  # the authority's gap-over-time verdicts that changed (deprivation, wards)

    @property
    def empty(self) -> bool:
        parts = [self.new_data, self.revised, self.withdrawn, self.comparisons, self.trends, self.gaps]
        return all(part.empty for part in parts)

    def summary(self) -> str:
        """'Since 1 November 2026: new data for 3 indicators, 12 revised values, ...'."""
        if self.empty:
            return f"Nothing has changed since {day_text(self.since)}."
        parts = []
        if not self.new_data.empty:
            parts.append(f"new data for {plural(len(self.new_data), 'indicator')}")
        if not self.revised.empty:
            parts.append(plural(len(self.revised), "revised value"))
        if not self.withdrawn.empty:
            parts.append(plural(len(self.withdrawn), "withdrawn value"))
        if not self.comparisons.empty:
            parts.append(plural(len(self.comparisons), "changed comparison") + " with England")
        if not self.trends.empty:
            parts.append(plural(len(self.trends), "changed trend"))
        if not self.gaps.empty:
            parts.append(plural(len(self.gaps), "changed gap verdict"))
        return f"Since {day_text(self.since)}: " + ", ".join(parts) + "."


def what_changed(store: Store, since: datetime) -> Changes:
    """The changes between the store at `since` (UTC, as the register stores times) and now."""
    authority = store.query("authority_code")
    code = str(authority["area_code"].iloc[0]) if len(authority) else ""
    params = {"since": since, "authority": code, "england": ENGLAND}
    rows = store.query("changes_since", **params)
    totals = store.query("totals_then_and_now", **params)
    catalogue = store.query("indicator_catalogue").set_index("indicator_id")
    areas = store.query("area_list").drop_duplicates("area_code").set_index("area_code")["area_name"]
    if rows.empty:  # no value changed: the gap engine would give what it gave then
        trends, gaps = pd.DataFrame(columns=TREND_COLUMNS), pd.DataFrame(columns=GAP_COLUMNS)
    else:
        trends, gaps = _derived_changes(
            store.query("gap_inputs_as_of", **params),
            store.query("authority_trends_and_verdicts", authority=code),
            store.query("deprivation_group_populations"),
            catalogue,
            authority_code=code,
        )
    return Changes(
        since=since,
        new_data=_new_data(rows, catalogue),
        revised=_values(rows[rows["change"] == "revised"], catalogue, areas),
        withdrawn=_values(rows[rows["change"] == "withdrawn"], catalogue, areas),
        comparisons=_comparisons(totals, catalogue, authority_code=code),
        trends=trends,
        gaps=gaps,
    )


def _name(catalogue: pd.DataFrame, indicator_id: str) -> str:
    return str(catalogue.loc[indicator_id, "name"]) if indicator_id in catalogue.index else indicator_id


def _new_data(rows: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    new = rows[rows["change"] == "new"]
    if new.empty:
        return pd.DataFrame(columns=["Indicator", "New values", "Periods", "Extract"])
    out = []
    for indicator_id, group in new.groupby("indicator_id", sort=True):
        periods = group.drop_duplicates("period_sort").sort_values("period_sort")["period_label"].tolist()
        shown = periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]} ({len(periods)} periods)"
        out.append(
            {
                "Indicator": _name(catalogue, indicator_id),
                "New values": f"{len(group):,}",
                "Periods": shown,
                "Extract": ", ".join(f"#{int(e)}" for e in sorted(group["new_extract_id"].dropna().unique())),
            }
        )
    return pd.DataFrame(out)


def _values(rows: pd.DataFrame, catalogue: pd.DataFrame, areas: pd.Series) -> pd.DataFrame:
    columns = ["Indicator", "Area", "Period", "Sex", "Age", "Group", "Old value", "New value", "Extracts"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    out = []
    for row in rows.itertuples():
        meta = catalogue.loc[row.indicator_id] if row.indicator_id in catalogue.index else None
        unit = str(meta["unit"]) if meta is not None else ""
        decimals = int(meta["decimals"]) if meta is not None else 1

        group = (
            "whole area" if row.breakdown == TOTAL else f"{row.breakdown.replace('_', ' ')}: {row.category}"
        )
        extracts = " → ".join(f"#{int(e)}" for e in (row.old_extract_id, row.new_extract_id) if pd.notna(e))
        out.append(
            {
                "Indicator": _name(catalogue, row.indicator_id),
                "Area": str(areas.get(row.area_code, row.area_code)),
                "Period": row.period_label,
                "Sex": row.sex,
                "Age": row.age,
                "Group": group,
                "Old value": _shown(row.old_value, unit, decimals),
                "New value": _shown(row.new_value, unit, decimals),
                "Extracts": extracts,
            }
        )
    return pd.DataFrame(out, columns=columns)


def _shown(value, unit: str, decimals: int) -> str:
    return "no value" if pd.isna(value) else format_value(value, unit=unit, decimals=decimals)


def _latest_comparisons(
    totals: pd.DataFrame, catalogue: pd.DataFrame, *, authority_code: str
) -> pd.DataFrame:
    """For one state: the authority's latest period per indicator, sex and age, compared with England."""
    own = totals[totals["area_code"] == authority_code]
    if own.empty:
        return pd.DataFrame(columns=[*KEY, "period_label", "comparison"])
    latest = own.sort_values("period_sort").groupby(KEY, as_index=False).tail(1)
    england = totals[totals["area_code"] == ENGLAND][[*KEY, "period_sort", "value"]].rename(
        columns={"value": "benchmark_value"}
    )
    rows = latest.merge(england, on=[*KEY, "period_sort"], how="left")
    rows["polarity"] = [
        str(catalogue.loc[i, "polarity"]) if i in catalogue.index else "no judgement"
        for i in rows["indicator_id"]
    ]
    rows["comparison"] = compare_rows(rows)
    return rows[[*KEY, "period_label", "comparison"]]


def _comparisons(totals: pd.DataFrame, catalogue: pd.DataFrame, *, authority_code: str) -> pd.DataFrame:
    columns = ["Indicator", "Sex", "Age", "Then", "Now"]
    then = _latest_comparisons(totals[totals["state"] == "then"], catalogue, authority_code=authority_code)
    now = _latest_comparisons(totals[totals["state"] == "now"], catalogue, authority_code=authority_code)
    both = now.merge(then, on=KEY, how="left", suffixes=("_now", "_then"))
    changed = both[both["comparison_then"].notna() & (both["comparison_then"] != both["comparison_now"])]
    if changed.empty:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(
        {
            "Indicator": [_name(catalogue, i) for i in changed["indicator_id"]],
            "Sex": changed["sex"].tolist(),
            "Age": changed["age"].tolist(),
            "Then": [
                f"{c} ({p})"
                for c, p in zip(changed["comparison_then"], changed["period_label_then"], strict=True)
            ],
            "Now": [
                f"{c} ({p})"
                for c, p in zip(changed["comparison_now"], changed["period_label_now"], strict=True)
            ],
        },
        columns=columns,
    )


TREND_COLUMNS = ["Indicator", "Sex", "Age", "Then", "Now"]
GAP_COLUMNS = ["Indicator", "Gap", "Sex", "Age", "Then", "Now"]


def _derived_changes(
    then_inputs: pd.DataFrame,
    now: pd.DataFrame,
    pack: pd.DataFrame,
    catalogue: pd.DataFrame,
    *,
    authority_code: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The authority's recent trends and gap verdicts that differ between then (computed) and now (stored).

    Only series that had a result then are compared (a series new since then is new data, not a change).
    """
    if then_inputs.empty:
        return pd.DataFrame(columns=TREND_COLUMNS), pd.DataFrame(columns=GAP_COLUMNS)
    then = compute_derived(then_inputs, group_populations=pack)
    key = ["indicator_id", "sex", "age"]
    gap_key = [*key, "dimension", "breakdown"]

    def trends(state: str) -> pd.DataFrame:
        if state == "now":
            frame = now[now["kind"] == "trend"].rename(columns={"result": "marker"})
        else:
            frame = then.trend_results
            if frame.empty:
                return pd.DataFrame(columns=[*key, "marker"])
            frame = frame[(frame["area_code"] == authority_code) & (frame["breakdown"] == TOTAL)]
        return frame[[*key, "marker"]].astype({c: str for c in key})

    def verdicts(state: str) -> pd.DataFrame:
        if state == "now":
            frame = now[now["kind"] == "gap"].rename(columns={"result": "verdict"})
        else:
            frame = then.gap_trends
            if frame.empty:
                return pd.DataFrame(columns=[*gap_key, "verdict"])
            frame = frame[frame["area_code"] == authority_code]
        return frame[[*gap_key, "verdict"]].astype({c: str for c in gap_key})

    marker = trends("now").merge(trends("then"), on=key, suffixes=("_now", "_then"))
    marker = marker[marker["marker_then"] != marker["marker_now"]].sort_values(key)
    trend_table = pd.DataFrame(
        {
            "Indicator": [_name(catalogue, i) for i in marker["indicator_id"]],
            "Sex": marker["sex"].tolist(),
            "Age": marker["age"].tolist(),
            "Then": marker["marker_then"].tolist(),
            "Now": marker["marker_now"].tolist(),
        },
        columns=TREND_COLUMNS,
    )
    verdict = verdicts("now").merge(verdicts("then"), on=gap_key, suffixes=("_now", "_then"))
    verdict = verdict[verdict["verdict_then"] != verdict["verdict_now"]].sort_values(gap_key)
    gap_table = pd.DataFrame(
        {
            "Indicator": [_name(catalogue, i) for i in verdict["indicator_id"]],
            "Gap": [_gap_name(d, b) for d, b in zip(verdict["dimension"], verdict["breakdown"], strict=True)],
            "Sex": verdict["sex"].tolist(),
            "Age": verdict["age"].tolist(),
            "Then": verdict["verdict_then"].tolist(),
            "Now": verdict["verdict_now"].tolist(),
        },
        columns=GAP_COLUMNS,
    )
    return trend_table, gap_table


def _gap_name(dimension: str, breakdown: str) -> str:
    if dimension == "ward":
        return "between its wards"
    label = re.sub(r" \(IMD[^)]*\)$", "", BREAKDOWN_LABELS.get(breakdown, breakdown))  # short, for the table
    return f"by {label[:1].lower()}{label[1:]}"
