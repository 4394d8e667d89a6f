"""Time periods as Fingertips writes them ('2019', '2019/20', '2017 - 19', '2017/18 - 19/20').

A period's kind is its year type ('calendar', 'financial' April-March, 'academic' September-August),
prefixed 'rolling N ' when it pools N consecutive years. Its sortable code is the start year * 10000,
as in Fingertips' `Time period Sortable` (2017 - 19 -> 20170000).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

YEAR_START_MONTH = {"calendar": 1, "financial": 4, "academic": 9}
MAX_ROLLING_YEARS = 10


_EXPECTED = "expected e.g. 2019, 2019/20 or 2017 - 19"
_YEAR = r"(\d{4})"
_YEAR_END = r"(\d{2}|\d{4})"
_CALENDAR = re.compile(rf"{_YEAR}")
_SPLIT = re.compile(rf"{_YEAR}/{_YEAR_END}")
_ROLLING_CALENDAR = re.compile(rf"{_YEAR}\s*-\s*{_YEAR_END}")
_ROLLING_SPLIT = re.compile(rf"{_YEAR}/{_YEAR_END}\s*-\s*{_YEAR_END}/{_YEAR_END}")
_KIND = re.compile(r"(?:rolling (\d+) )?(calendar|financial|academic)")


@dataclass(frozen=True)
class Period:
    """One reporting period: canonical Fingertips label, sortable code, first and last day, and kind."""

    label: str
    sortable: int
    start: date
    end: date
    kind: str


def parse_period(label: str, *, periodicity: str | None = None) -> Period:
    """Read a Fingertips period label into a Period labelled in canonical form ('2017-19' -> '2017 - 19').

    A split-year label ('2019/20') is a financial year unless periodicity says academic.
    periodicity may be a year type ('calendar', 'financial', 'academic') or a full kind
    ('rolling 3 calendar'); a label of another kind is refused.
    """
    wanted = periodicity.strip() if periodicity is not None else None
    first, last, split = _read_years(label)
    base = "calendar" if not split else "academic" if wanted and "academic" in wanted else "financial"
    period = _period(first, last, base)
    if wanted is not None and wanted not in (period.kind, base):
        _kind_parts(wanted)  # an unknown periodicity gets its own message
        raise ValueError(f"period '{label}' is {period.kind}, not {periodicity}")
    return period


def period_label(start_year: int, periodicity: str) -> str:
    """Canonical Fingertips label for the period of this periodicity starting in start_year.

    calendar '2019'; financial or academic '2019/20'; rolling 3 calendar '2017 - 19';
    rolling 3 financial or academic '2017/18 - 19/20'.
    """
    years, base = _kind_parts(periodicity)
    last = start_year + years - 1
    if base == "calendar":
        return str(start_year) if years == 1 else f"{start_year} - {last % 100:02d}"
    first_label = f"{start_year}/{(start_year + 1) % 100:02d}"
    return first_label if years == 1 else f"{first_label} - {last % 100:02d}/{(last + 1) % 100:02d}"


def _read_years(label: str) -> tuple[int, int, bool]:
    """First and last start years in a label, and whether its years are split ('2019/20')."""
    text = str(label).strip()  # a CSV reader may hand over 2019 as an int
    if match := _CALENDAR.fullmatch(text):
        return int(match[1]), int(match[1]), False
    if match := _SPLIT.fullmatch(text):
        first = _split_year(label, int(match[1]), match[1], match[2])
        return first, first, True
    if match := _ROLLING_CALENDAR.fullmatch(text):
        first = int(match[1])
        return first, _rolling_last_year(label, first, match[2]), False
    if match := _ROLLING_SPLIT.fullmatch(text):
        first = _split_year(label, int(match[1]), match[1], match[2])
        last = _rolling_last_year(label, first, match[3])
        _split_year(label, last, match[3], match[4])
        return first, last, True
    raise ValueError(f"cannot read period '{label}': {_EXPECTED}")


def _period(first: int, last: int, base: str) -> Period:
    """Build a Period spanning the years starting first..last of year type base."""
    years = last - first + 1
    kind = base if years == 1 else f"rolling {years} {base}"
    month = YEAR_START_MONTH[base]
    start = date(first, month, 1)
    end = date(last + 1, month, 1) - timedelta(days=1)
    label = period_label(first, kind)
    return Period(label=label, sortable=first * 10000, start=start, end=end, kind=kind)


def _kind_parts(periodicity: str) -> tuple[int, str]:
    """Split a periodicity such as 'rolling 3 financial' into (3, 'financial'); 'calendar' -> (1, ...)."""
    match = _KIND.fullmatch(periodicity.strip())
    years = int(match[1]) if match and match[1] else 1
    if not match or (match[1] and not 2 <= years <= MAX_ROLLING_YEARS):
        raise ValueError(
            f"unknown periodicity '{periodicity}': expected calendar, financial, academic "
            f"or rolling N calendar/financial/academic with N from 2 to {MAX_ROLLING_YEARS}"
        )
    return years, match[2]


def _split_year(label: str, start: int, first: str, second: str) -> int:
    """Check that the written split year first/second (e.g. '2019/20', '19/20') follows on from start."""
    if _year_from_digits(second, not_before=start + 1) != start + 1:
        expected = f"{first}/{(start + 1) % 100:02d}"
        raise ValueError(f"cannot read period '{label}': '{first}/{second}' should be {expected}")
    return start


def _rolling_last_year(label: str, first: int, digits: str) -> int:
    """Start year of the last year in a rolling period, checking the span is 2 to MAX_ROLLING_YEARS."""
    last = _year_from_digits(digits, not_before=first + 1)
    if not first < last < first + MAX_ROLLING_YEARS:
        raise ValueError(
            f"cannot read period '{label}': a rolling period spans 2 to {MAX_ROLLING_YEARS} years"
        )
    return last


def _year_from_digits(digits: str, *, not_before: int) -> int:
    """A four-digit year as written, or the first year from not_before ending in these two digits."""
    if len(digits) == 4:
        return int(digits)
    year = not_before - not_before % 100 + int(digits)
    return year if year >= not_before else year + 100


_FIRST_YEAR = re.compile(r"(19|20)\d{2}")


def period_year(text) -> float:
    """The first year in a period's text, as a decimal year for a trajectory: '2024/25' -> 2024.0,
    'Q3 2024/25' -> 2024.0, 'March 2025' -> 2025.0; NaN when there is none."""
    if not isinstance(text, str):
        return float("nan")  # None, NaN or NA: no period
    found = _FIRST_YEAR.search(text)
    return float(found.group(0)) if found else float("nan")
