"""The het tidy template: our own long format, one row per observation (documented in README).

Columns (names case-insensitive, in any order; extra columns are kept in the observation's `extra`):
indicator_id, area_code, period, sex, age, breakdown, category, value (required); category_rank,
lower_ci95, upper_ci95, lower_ci998, upper_ci998, count, denominator, value_note, period_sort
(optional). CSV or a single-sheet .xlsx.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from het.ingest.duplicates import check_duplicates
from het.ingest.extra_columns import extra_json
from het.ingest.files import RawTable, cannot_check
from het.ingest.indicator_keys import ResolvedIndicators, resolve_indicators
from het.ingest.numbers import NUMERIC, SUPPRESSION_MARKERS, parse_numbers, read_numeric_columns
from het.ingest.parsed import (
    KEY,
    OBSERVATION_COLUMNS,
    ParsedExtract,
    empty_extract,
    finish_observations,
    kept_aside_frame,
)
from het.ingest.periods import check_ward_sets, read_periods
from het.ingest.problems import Problems, quoted
from het.ingest.ranges import check_limits, check_ranges
from het.ingest.row_checker import MAX_ROWS_NAMED, RowChecker
from het.ingest.text_codes import codes, strip
from het.periods import parse_period
from het.vocabulary import (
    BREAKDOWN_LABELS,
    DEPRIVATION_BREAKDOWNS,
    SEXES,
    TOTAL,
    WARD,
    deprivation_group_count,
)
from het.ward_sets import WardSets

__all__ = [
    "KEY",
    "MAX_ROWS_NAMED",
    "NUMERIC",
    "OBSERVATION_COLUMNS",
    "SUPPRESSION_MARKERS",
    "ParsedExtract",
    "parse_numbers",
    "tidy_example_csv",
    "tidy_template_csv",
]

# The largest period_sort and category_rank the store holds (INTEGER columns; a Fingertips sortable code
# has up to nine digits, e.g. 20190000).
MAX_PERIOD_SORT = 999_999_999
MAX_RANK = 999_999_999

REQUIRED = ["indicator_id", "area_code", "period", "sex", "age", "breakdown", "category", "value"]
OPTIONAL = [*NUMERIC[1:], "value_note", "category_rank"]
TEMPLATE_COLUMNS = [
    "indicator_id",
    "area_code",
    "period",
    "sex",
    "age",
    "breakdown",
    "category",
    "category_rank",
    "value",
    "lower_ci95",
    "upper_ci95",
    "lower_ci998",
    "upper_ci998",
    "count",
    "denominator",
    "value_note",
]

# Example rows for real catalogue indicators; the areas are filled in from the store (the authority and
# two of its wards in force for 2023/24); the values are illustrative, not real figures.
_EXAMPLE_NOTE = "example row: not a real figure"
EXAMPLE_ROWS = [
    [
        "smoking_adults",
        "{authority}",
        "2023",
        "Persons",
        "18+ yrs",
        "total",
        "",
        "",
        "14.9",
        "12.1",
        "17.7",
        "",
        "",
        "",
        "",
        _EXAMPLE_NOTE,
    ],
    [
        "smoking_adults",
        "E92000001",
        "2023",
        "Persons",
        "18+ yrs",
        "total",
        "",
        "",
        "11.9",
        "11.7",
        "12.1",
        "",
        "",
        "",
        "",
        _EXAMPLE_NOTE,
    ],
    [
        "smoking_adults",
        "{authority}",
        "2023",
        "Persons",
        "18+ yrs",
        "deprivation_local_quintile",
        "Q1 (most deprived)",
        "1",
        "19.8",
        "15.2",
        "24.4",
        "",
        "",
        "",
        "",
        _EXAMPLE_NOTE,
    ],
    [
        "smoking_adults",
        "{authority}",
        "2023",
        "Persons",
        "18+ yrs",
        "deprivation_local_quintile",
        "Q5 (least deprived)",
        "5",
        "9.6",
        "6.3",
        "12.9",
        "",
        "",
        "",
        "",
        _EXAMPLE_NOTE,
    ],
    [
        "school_readiness",
        "{first_ward}",
        "2023/24",
        "Persons",
        "5 yrs",
        "total",
        "",
        "",
        "64.2",
        "57.9",
        "70.1",
        "",
        "",
        "113",
        "176",
        _EXAMPLE_NOTE,
    ],
    [
        "school_readiness",
        "{second_ward}",
        "2023/24",
        "Persons",
        "5 yrs",
        "total",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "suppressed in source: *; " + _EXAMPLE_NOTE,
    ],
    [
        "ethnic_minority_population",
        "{authority}",
        "2021",
        "Persons",
        "All ages",
        "ethnicity",
        "Pakistani",
        "",
        "18.3",
        "",
        "",
        "",
        "",
        "41143",
        "225262",
        _EXAMPLE_NOTE,
    ],
]


def tidy_template_csv() -> bytes:
    """A blank het tidy template: the header row only, as UTF-8 CSV bytes."""
    return _csv_bytes([TEMPLATE_COLUMNS])


def tidy_example_csv(areas: pd.DataFrame) -> bytes:
    """A small filled het tidy example: real catalogue indicators, the store's authority and two of its wards
    (areas: the area list, queries/area_list.sql), illustrative values."""
    wards = areas[areas["area_type"] == WARD]
    authority = str(wards["parent_code"].iloc[0])
    ward_set = WardSets.from_areas(areas).for_period(parse_period("2023/24"))
    codes = sorted(wards.loc[wards["vintage"] == ward_set, "area_code"].astype(str))
    places = {"authority": authority, "first_ward": codes[0], "second_ward": codes[min(2, len(codes) - 1)]}
    rows = [[cell.format(**places) for cell in row] for row in EXAMPLE_ROWS]
    return _csv_bytes([TEMPLATE_COLUMNS, *rows])


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def tidy_from_table(
    table: RawTable,
    *,
    content: bytes,
    file_name: str,
    indicators: pd.DataFrame,
    areas: pd.DataFrame,
    problems: Problems,
    indicator_mapping: dict | None = None,
    options: dict | None = None,
) -> ParsedExtract:
    """Check a het tidy table that has been read into text cells."""
    options = options or {}
    raw = table.frame
    lowered = {c.lower(): c for c in raw.columns}
    missing = [c for c in REQUIRED if c not in lowered]
    if cannot_check(table, missing, file_name=file_name, problems=problems):
        return empty_extract(file_name, "het_tidy", content, problems, sheet=table.sheet, options=options)
    # The table is consumed: each column is released once read, so memory stays near the file's size.
    # (Renamed and renumbered in place: a renamed copy would keep every column alive through the table.)
    known = REQUIRED + OPTIONAL + ["period_sort"]
    raw.columns = [k if (k := str(c).lower()) in known and lowered[k] == c else c for c in raw.columns]
    if not isinstance(raw.index, pd.RangeIndex) or raw.index.start != 0:
        raw.index = pd.RangeIndex(len(raw))
    rows_read = len(raw)
    checker = RowChecker(problems, file_name, table.rows, table.sheet)
    out, resolved = _tidy_observations(raw, checker, indicators, areas, indicator_mapping)
    ignored = resolved.ignored
    kept_aside = kept_aside_frame(
        out.loc[ignored, "source_row"].to_numpy(),
        "indicator set aside at the analyst's request",
        out.loc[ignored, "source_indicator"].reset_index(drop=True),
    )
    keep = ~checker.bad & ~ignored
    extra_cols = [c for c in raw.columns if c not in REQUIRED + OPTIONAL + ["period_sort"]]
    out["extra"] = extra_json(raw, extra_cols)
    return ParsedExtract(
        file_name,
        "het_tidy",
        content,
        finish_observations(out, keep, OBSERVATION_COLUMNS),
        problems,
        rows_read,
        kept_aside=kept_aside,
        unknown_indicators=resolved.listing,
        sheet=table.sheet,
        options=options,
        notes=list(table.notes),
    )


def _whole_numbers(
    values: pd.Series,
    bad: pd.Series,
    source: pd.Series,
    checker: RowChecker,
    column: str,
    top: int,
    groups: np.ndarray | None = None,
) -> tuple[pd.Series, np.ndarray]:
    """A column of whole numbers from 0 to `top` (as the store holds them); anything else is an error.

    With `groups` (category_rank: a row's number of deprivation groups, 0 for other breakdowns), a
    deprivation row's rank must be 1 to its number of groups. Returns the values with the refused
    ones missing, and which rows were refused.
    """
    numbers = values.to_numpy(dtype=float)
    fraction = ~np.isnan(numbers) & (numbers != np.round(numbers))
    deprivation = np.zeros(len(numbers), dtype=bool) if groups is None else groups > 0
    low = np.where(deprivation, 1, 0)
    high = np.where(deprivation, groups if groups is not None else 0, top)
    outside = ~np.isnan(numbers) & ~fraction & ((numbers < low) | (numbers > high))
    refused = bad.to_numpy(dtype=bool) | fraction | outside

    def message(i: int) -> str:
        text = quoted(str(source.iloc[i]).strip())
        if outside[i] and groups is not None and groups[i] > 0:
            return (
                f"{text} is not a rank of {groups[i]} deprivation groups: expected 1 (most deprived) to "
                f"{groups[i]} (least deprived)"
            )
        if outside[i]:
            return f"{text} is out of range: het holds whole numbers from 0 to {top:,} here"
        return f"{text} is not a whole number"

    checker.flag(refused, column, message)
    return values.where(~refused), refused


def _tidy_observations(
    raw, checker: RowChecker, indicators, areas, mapping
) -> tuple[pd.DataFrame, ResolvedIndicators]:
    """The observations of a tidy table. `raw` is consumed: each column is deleted from it once read."""
    out = pd.DataFrame({"source_row": checker.rows})
    for col in ["area_code", "sex", "age", "breakdown", "category"]:
        out[col] = strip(raw.pop(col))
    source_indicator = strip(raw.pop("indicator_id"))
    out["source_indicator"] = source_indicator
    out["period_label"] = strip(raw.pop("period"))
    notes = (
        strip(raw.pop("value_note")) if "value_note" in raw else pd.Series("", index=raw.index, dtype="str")
    )

    names = {c: c for c in NUMERIC}
    out["value_note"] = read_numeric_columns(raw, names, out, checker, notes, consume=True).replace("", None)
    rank_source = (
        raw.pop("category_rank") if "category_rank" in raw else pd.Series("", index=raw.index, dtype="str")
    )
    rank, _, bad_rank = parse_numbers(rank_source)
    groups = out["breakdown"].map(deprivation_group_count).fillna(0).to_numpy(dtype=np.int64)
    out["category_rank"], bad_rank = _whole_numbers(
        rank, bad_rank, rank_source, checker, "category_rank", MAX_RANK, groups
    )
    del rank_source, rank

    ids = indicators["indicator_id"].astype("str")
    resolved = resolve_indicators(
        codes(source_indicator),
        index=source_indicator.index,
        lookup={i: i for i in ids},
        catalogue_ids=set(ids),
        mapping=mapping,
        checker=checker,
        column="indicator_id",
    )
    out["indicator_id"] = resolved.indicator_id

    unknown_area = ~out["area_code"].isin(areas["area_code"])
    checker.flag(unknown_area, "area_code", lambda i: f"unknown area code {quoted(out['area_code'].iat[i])}")
    checker.flag(
        ~out["sex"].isin(SEXES),
        "sex",
        lambda i: f"sex {quoted(out['sex'].iat[i])} is not one of {', '.join(SEXES)}",
    )
    checker.flag(
        ~out["breakdown"].isin(list(BREAKDOWN_LABELS)),
        "breakdown",
        lambda i: f"breakdown {quoted(out['breakdown'].iat[i])} is not one of {', '.join(BREAKDOWN_LABELS)}",
    )
    checker.flag(
        (out["breakdown"] == TOTAL) & (out["category"] != ""),
        "category",
        lambda i: "must be empty when breakdown is 'total'",
    )
    checker.flag(
        (out["breakdown"] != TOTAL) & (out["category"] == ""),
        "category",
        lambda i: "is empty for a breakdown row",
    )
    checker.flag(
        out["breakdown"].isin(list(DEPRIVATION_BREAKDOWNS)) & out["category_rank"].isna() & ~bad_rank,
        "category_rank",
        lambda i: "is needed for deprivation groups (1 = most deprived)",
    )

    periodicity = out["indicator_id"].map(indicators.set_index("indicator_id")["periodicity"])
    periods = read_periods(
        out["period_label"], periodicity.astype("str").fillna(""), ward_sets=WardSets.from_areas(areas)
    )
    unreadable = periods["error"].notna()
    checker.flag(unreadable, "period", lambda i: str(periods["error"].iat[i]))
    out["period_sort"] = periods["period_sort"]
    if "period_sort" in raw:
        source = raw.pop("period_sort")
        given, _, bad = parse_numbers(source)
        given, _ = _whole_numbers(given, bad, source, checker, "period_sort", MAX_PERIOD_SORT)
        out["period_sort"] = given.fillna(out["period_sort"])
    check_ward_sets(
        out["area_code"], out["period_label"], periods["ward_set"], areas, checker, column="area_code"
    )
    check_limits(out, checker, names)
    check_ranges(out, checker, names, indicators)
    usable = out["period_sort"].notna().to_numpy() & out["indicator_id"].notna().to_numpy()
    check_duplicates(out, checker, column="indicator_id", usable=usable)
    return out, resolved
