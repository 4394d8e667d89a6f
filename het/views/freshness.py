"""How fresh the data is: the "data up to" line every page shows, and an indicator's next period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from het.periods import parse_period, period_label


@dataclass(frozen=True)
class Freshness:
    latest_period: str | None  # the latest period of any of the authority's values ('2025/26')
    indicators_with_values: int
    last_extract_id: int | None
    last_loaded_at: datetime | None
    active_extracts: int

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Freshness:
        """From queries/data_freshness.sql's one row."""
        row = frame.iloc[0] if len(frame) else pd.Series(dtype=object)

        def value(name):
            item = row.get(name)
            return None if item is None or pd.isna(item) else item

        loaded = value("last_loaded_at")
        return cls(
            latest_period=value("latest_period_label"),
            indicators_with_values=int(value("indicators_with_values") or 0),
            last_extract_id=int(value("last_extract_id")) if value("last_extract_id") is not None else None,
            last_loaded_at=pd.Timestamp(loaded).to_pydatetime() if loaded is not None else None,
            active_extracts=int(value("active_extracts") or 0),
        )

    def sentence(self) -> str:
        """'Data up to 2025/26 (the latest period of any indicator); last loaded 2 December 2026 (extract
        #3).' or 'No data loaded yet.'"""
        if self.last_loaded_at is None:
            return "No data loaded yet."
        loaded = f"last loaded {day_text(self.last_loaded_at)} (extract #{self.last_extract_id})"
        if self.latest_period is None:
            return f"No indicator values yet; {loaded}."
        return f"Data up to {self.latest_period} (the latest period of any indicator); {loaded}."


def day_text(moment: datetime) -> str:
    """'2 December 2026'."""
    return f"{moment.day} {moment:%B %Y}"


def next_period(latest_label: str, periodicity: str) -> str | None:
    """The period after `latest_label` for an indicator of this periodicity ('2021 - 23' -> '2022 - 24'):
    rolling periods move on one year at a time, as Fingertips publishes them. None if the label is not a
    period het reads."""
    try:
        period = parse_period(latest_label, periodicity=periodicity)
        return period_label(period.start.year + 1, period.kind)
    except ValueError:
        return None


def indicator_freshness(observations: pd.DataFrame, *, authority_code: str, periodicity: str) -> str:
    """'Latest period loaded: 2023 - 25. The next period (2024 - 26) is not loaded yet; the catalogue does not
    record its publication date.' for one indicator's observations (queries' observation frames)."""
    own = observations[observations["area_code"] == authority_code]
    if own.empty:
        return "No values are loaded for this indicator yet."
    latest = str(own.loc[own["period_sort"].idxmax(), "period_label"])
    following = next_period(latest, periodicity)
    text = f"Latest period loaded: {latest}."
    if following:
        text += (
            f" The next period ({following}) is not loaded yet; the catalogue does not record when its "
            "source publishes it."
        )
    return text
