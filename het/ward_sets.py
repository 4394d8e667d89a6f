"""The authority's ward sets and the dates each was in force, from the geography manifest (via the store).

Data about a period is on the ward set in force on the period's last day. Nothing here names an authority,
a ward set or a date: they come from the manifest's [[ward_sets]] (in_force_from / in_force_until), stored
in the ward_sets table and carried on the area list (queries/area_list.sql).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from het.periods import Period
from het.vocabulary import WARD


@dataclass(frozen=True)
class WardSet:
    """One ward set: its vintage code, the dates it was in force (None = open-ended) and its size."""

    vintage: str
    in_force_from: date | None
    in_force_until: date | None
    n_wards: int

    def in_force_on(self, day: date) -> bool:
        starts = self.in_force_from is None or self.in_force_from <= day
        ends = self.in_force_until is None or day < self.in_force_until
        return starts and ends

    def describe(self) -> str:
        """'19 wards, until 4 May 2023' / '20 wards, from 4 May 2023' / '20 wards'."""
        parts = [f"{self.n_wards} wards"]
        if self.in_force_from is not None and self.in_force_until is not None:
            parts.append(f"{_day(self.in_force_from)} to {_day(self.in_force_until)}")
        elif self.in_force_from is not None:
            parts.append(f"from {_day(self.in_force_from)}")
        elif self.in_force_until is not None:
            parts.append(f"until {_day(self.in_force_until)}")
        return ", ".join(parts)

    def name(self) -> str:
        """How pages name the set: 'May 2023 wards', 'wards until May 2023', 'May 2003 to May 2023 wards'."""
        if self.in_force_from is not None and self.in_force_until is not None:
            return f"{self.in_force_from:%B %Y} to {self.in_force_until:%B %Y} wards"
        if self.in_force_from is not None:
            return f"{self.in_force_from:%B %Y} wards"
        if self.in_force_until is not None:
            return f"wards until {self.in_force_until:%B %Y}"
        return "wards"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _as_date(value) -> date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class WardSets:
    """The ward sets of one authority, in the order they were in force."""

    sets: tuple[WardSet, ...]

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> WardSets:
        """From rows with vintage, in_force_from, in_force_until and n_wards (the ward_sets table)."""
        found = [
            WardSet(
                str(row.vintage), _as_date(row.in_force_from), _as_date(row.in_force_until), int(row.n_wards)
            )
            for row in frame.itertuples(index=False)
        ]
        found.sort(key=lambda s: (s.in_force_from or date.min))
        return cls(tuple(found))

    @classmethod
    def from_areas(cls, areas: pd.DataFrame) -> WardSets:
        """From the area list (queries/area_list.sql), whose ward rows carry their set's dates."""
        wards = areas[areas["area_type"] == WARD]
        if wards.empty:
            return cls(())
        for column in ("in_force_from", "in_force_until"):
            if column not in wards:
                wards = wards.assign(**{column: None})
        grouped = wards.groupby("vintage", sort=False).agg(
            in_force_from=("in_force_from", "first"),
            in_force_until=("in_force_until", "first"),
            n_wards=("area_code", "size"),
        )
        return cls.from_frame(grouped.reset_index())

    @property
    def vintages(self) -> tuple[str, ...]:
        return tuple(s.vintage for s in self.sets)

    def get(self, vintage: str) -> WardSet:
        for ward_set in self.sets:
            if ward_set.vintage == vintage:
                return ward_set
        raise ValueError(
            f"unknown ward set '{vintage}': expected one of {', '.join(self.vintages) or 'none'}"
        )

    def for_day(self, day: date) -> str | None:
        """The vintage in force on a day (None if no set is)."""
        for ward_set in self.sets:
            if ward_set.in_force_on(day):
                return ward_set.vintage
        return None

    def for_period(self, period: Period) -> str | None:
        """The ward set for data about a period: the set in force on the period's last day."""
        return self.for_day(period.end)

    def matches(self, vintage: str, period: Period) -> bool:
        """Whether ward-level data on `vintage` is on the right ward set for `period`."""
        self.get(vintage)
        return vintage == self.for_period(period)

    def change_note(self) -> str:
        """'the authority's wards changed on 4 May 2023' (each change), or '' with one set."""
        changes = [s.in_force_from for s in self.sets[1:] if s.in_force_from is not None]
        if not changes:
            return ""
        return "the authority's wards changed on " + " and ".join(_day(d) for d in changes)

    def descriptions(self) -> str:
        """'WD13 (19 wards, until 4 May 2023); WD23 (20 wards, from 4 May 2023)'."""
        return "; ".join(f"{s.vintage} ({s.describe()})" for s in self.sets)
