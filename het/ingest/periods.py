"""Period labels read per row (het.periods), and ward-level data checked against its period's ward set."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from het.ingest.lookups import lookup_dict
from het.ingest.problems import quoted, shown
from het.ingest.row_checker import RowChecker
from het.ingest.text_codes import codes
from het.periods import parse_period
from het.ward_sets import WardSets


@dataclass(frozen=True)
class PeriodInfo:
    sortable: int | None
    ward_set: str | None
    error: str | None
    kind: str | None = None


def read_period(label: str, periodicity: str | None, ward_sets: WardSets | None = None) -> PeriodInfo:
    """A period label read once (see het.periods.parse_period), with the ward set in force at its end."""
    try:
        period = parse_period(label, periodicity=periodicity or None)
    except ValueError as exc:
        message = str(exc)
        for form in {str(label), str(label).strip()}:  # the label as het.periods quotes it, shown short
            message = message.replace(f"'{form}'", quoted(form)) if form else message
        return PeriodInfo(None, None, message)
    ward_set = ward_sets.for_period(period) if ward_sets is not None else None
    return PeriodInfo(period.sortable, ward_set, None, period.kind)


def read_periods(
    labels: pd.Series, periodicity: pd.Series | None = None, *, ward_sets: WardSets | None = None
) -> pd.DataFrame:
    """read_period for every row, computed once per distinct (label, periodicity).

    Columns: period_sort (float, NaN when unreadable), ward_set, kind and error (None when readable).
    """
    key = labels.astype("str")
    if periodicity is not None:
        key = key + "\x1f" + periodicity.astype("str").fillna("")
    index, values = codes(key)
    infos = [
        read_period(*v.split("\x1f", 1), ward_sets)
        if periodicity is not None
        else read_period(v, None, ward_sets)
        for v in values
    ]
    sortable = np.array([np.nan if p.sortable is None else p.sortable for p in infos], dtype=float)
    columns = {"period_sort": sortable[index]}
    for name in ("ward_set", "kind", "error"):
        column = np.empty(len(infos), dtype=object)
        column[:] = [getattr(p, name) for p in infos]
        columns[name] = column[index]
    return pd.DataFrame(columns, index=labels.index)


def check_ward_sets(
    area_codes: pd.Series,
    labels: pd.Series,
    expected: pd.Series,
    areas: pd.DataFrame,
    checker: RowChecker,
    *,
    column: str,
) -> None:
    """Ward-level data must be on the ward set in force for its period (het.ward_sets, from the manifest)."""
    ward_sets = WardSets.from_areas(areas)
    note = ward_sets.change_note()
    area_index, area_values = codes(area_codes)
    vintages = lookup_dict(areas, "vintage", key="area_code")
    area_set = np.array([vintages.get(v, "") for v in area_values] or [""], dtype=object)
    expected_index, expected_values = codes(expected.fillna("").astype("str"))
    set_codes = {w: i + 1 for i, w in enumerate(ward_sets.vintages)}
    row_area_set = np.array([set_codes.get(v, 0) for v in area_set], dtype=np.int8)[area_index]
    row_expected = np.array([set_codes.get(v, 0) for v in expected_values] or [0], dtype=np.int8)[
        expected_index
    ]
    mismatch = (row_area_set > 0) & (row_expected > 0) & (row_area_set != row_expected)
    vintage = area_set[area_index] if len(area_index) else np.array([], dtype=object)
    checker.flag(
        mismatch,
        column,
        lambda i: (
            f"ward {shown(area_codes.iat[i])} belongs to ward set {vintage[i]}, but period "
            f"{quoted(labels.iat[i])} falls under {expected.iat[i]} ({note})"
        ),
    )
    # A ward row whose period has no ward set (a period not read is an error of its own already) cannot be
    # checked: it is refused rather than loaded unchecked.
    unchecked = (row_area_set > 0) & (row_expected == 0) & ~checker.bad
    checker.flag(
        unchecked,
        column,
        lambda i: (
            f"ward {shown(area_codes.iat[i])} is on ward set {vintage[i]}, but no ward set is in force for "
            f"period {quoted(labels.iat[i])}, so het cannot check it ({ward_sets.descriptions()})"
        ),
    )
