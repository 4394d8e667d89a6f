"""OHID Fingertips exports: the long CSV analysts download, one row per indicator x area x sex x age x
category x period, possibly several indicators per file.

Columns are read by name (case and spacing ignored) and extra columns are tolerated, so both header
generations read: the older one and the newer one with `Time period range` and a second comparison
column named after the parent area type (`Compared to Counties & UAs (from Apr 2023) value or
percentiles`). Required: Indicator ID, Area Code, Sex, Age, Time period, Value. Read when present:
Indicator Name, Area Name, Area Type, Category Type, Category, Time period Sortable, Lower/Upper CI 95.0
and 99.8 limits, Count, Denominator, Value note. Everything else (Parent Code/Name, Area Type, Recent
Trend, every `Compared to ...` column, New data, Time period range, and any column het does not know)
is kept as-is in each observation's `extra` JSON, with the original Category Type and Category.

Mapping onto het:
- Indicators by Fingertips ID (indicators.fingertips_id). An ID the catalogue does not know is an error
  until the analyst maps it or adds a local indicator (het.ingest.indicators).
- Areas by code. A code het does not know is an error, except when the row's Area Type is a national
  listing (England, regions, counties, districts, unitary authorities, ICBs ...): Fingertips exports
  every such area, and het keeps only its own (the authority, its wards, England, the region, comparators),
  so those rows are kept aside with one warning naming the areas, listed in the preview and counted
  as rejected. An unknown ward, LSOA or practice code stays an error: het should know those.
- Sex: Persons, Male, Female (any case); 'Not applicable' (household measures) is read as Persons and
  the original kept in extra as "Sex". Age is kept as written.
- Category Type / Category (see fingertips_breakdown): empty type = the whole area ('total', '');
  deprivation deciles or quintiles, 'within area' -> deprivation_local_*, otherwise national
  deprivation_national_*; a type mentioning 'ethnic' -> 'ethnicity' with the Category text as category.
  Any other type is kept aside with a warning naming it. When two deprivation classifications map to
  the same het breakdown for the same indicator, area, period, sex and age (Fingertips gives England
  both 'County & UA' and 'District & UA' deciles), the first in the file is loaded and the other set
  is kept aside with a warning: het holds one set of groups per breakdown.
- Periods: `Time period` is the label as shown and `Time period Sortable` the sort key. A label that
  het.periods cannot read keeps Fingertips' label and sortable with a warning (Fingertips is the
  authority on its own periods); a label and sortable both unreadable is an error. A label of a
  different kind from the catalogue's periodicity is a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from het.format import plural
from het.ingest.duplicates import check_duplicates
from het.ingest.extra_columns import extra_json
from het.ingest.files import RawTable, cannot_check
from het.ingest.indicator_keys import resolve_indicators
from het.ingest.lookups import lookup_dict
from het.ingest.numbers import join_notes, read_numeric_columns
from het.ingest.parsed import (
    OBSERVATION_COLUMNS,
    ParsedExtract,
    empty_extract,
    finish_observations,
    kept_aside_frame,
)
from het.ingest.periods import read_period
from het.ingest.problems import ERROR, WARNING, Problems, quoted, shown
from het.ingest.ranges import check_limits, check_ranges
from het.ingest.row_checker import RowChecker, summarise_values
from het.ingest.text_codes import (
    category_series,
    combine_codes,
    encode_stripped,
    first_positions,
    recode,
    text_series,
)
from het.vocabulary import (
    DEPRIVATION_LOCAL_DECILE,
    DEPRIVATION_LOCAL_QUINTILE,
    DEPRIVATION_NATIONAL_DECILE,
    DEPRIVATION_NATIONAL_QUINTILE,
    ETHNICITY,
    TOTAL,
    quintile_label,
)
from het.ward_sets import WardSets

FORMAT = "fingertips"
# het column -> Fingertips column (normalised: lower case, single spaces).
COLUMNS = {
    "indicator": "indicator id",
    "indicator_name": "indicator name",
    "area_code": "area code",
    "area_name": "area name",
    "area_type": "area type",
    "sex": "sex",
    "age": "age",
    "category_type": "category type",
    "category": "category",
    "period": "time period",
    "period_sortable": "time period sortable",
    "value": "value",
    "count": "count",
    "denominator": "denominator",
    "value_note": "value note",
}
REQUIRED = ["indicator", "area_code", "sex", "age", "period", "value"]
CI_PATTERNS = {
    "lower_ci95": re.compile(r"lower ci 95(\.0)? limit"),
    "upper_ci95": re.compile(r"upper ci 95(\.0)? limit"),
    "lower_ci998": re.compile(r"lower ci 99\.8 limit"),
    "upper_ci998": re.compile(r"upper ci 99\.8 limit"),
}
# Kept in extra (with everything unrecognised): recognised here only to say so in the docs and tests.
# Modelled columns, so not repeated in extra. Area Type, Category Type and Category are kept in extra.
_MODELLED = {"indicator", "indicator_name", "area_code", "area_name", "sex", "age", "period"}
_MODELLED |= {"period_sortable", "value", "count", "denominator", "value_note"}
SEX_MAP = {"persons": "Persons", "person": "Persons", "male": "Male", "males": "Male"}
SEX_MAP |= {"female": "Female", "females": "Female", "not applicable": "Persons"}
_NATIONAL_AREA_TYPE = re.compile(
    r"\b(england|countr(y|ies)|regions?|count(y|ies)|districts?|uas?|unitary|authorit(y|ies)|"
    r"icbs?|sub-icbs?|ccgs?|stps?|tiers?|utlas?|ltlas?|combined)\b"
)


def normalise_name(name: str) -> str:
    return " ".join(str(name).lower().split())


def is_fingertips_header(columns) -> bool:
    names = {normalise_name(c) for c in columns}
    return {"indicator id", "area code", "time period"} <= names


# -- categories -------------------------------------------------------------------------------------------

_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}


@dataclass(frozen=True)
class BreakdownMatch:
    """Where a Fingertips Category Type / Category lands in het (breakdown None: kept aside, see reason)."""

    breakdown: str | None
    category: str
    rank: int | None
    reason: str | None = None


def decile_label(rank: int) -> str:
    """The category label of deprivation decile `rank` (1 = most deprived)."""
    if rank == 1:
        return "D1 (most deprived)"
    if rank == 10:
        return "D10 (least deprived)"
    return f"D{rank}"


def deprivation_rank(category: str, groups: int) -> int | None:
    """The rank (1 = most deprived) of a deprivation group label, or None when it cannot be read.

    Reads Fingertips' wording, 'Most deprived decile', 'Second most deprived decile', 'Third more
    deprived decile' ... 'Fifth less deprived decile' ... 'Second least deprived decile', 'Least
    deprived decile' (an ordinal with most/more counts from the most deprived end, with least/less
    from the least deprived end), 'Middle quintile', with or without a suffix such as ' (IMD2019)';
    and numbered labels: 'Decile 3', 'Q2', 'D10 (least deprived)', '1 - most deprived' (a number that
    contradicts its most/least wording is refused).
    """
    text = re.sub(r"\((imd|index)[^)]*\)", " ", category.lower())
    words = re.findall(r"[a-z]+|\d+", text)
    most = any(w in ("most", "more") for w in words)
    least = any(w in ("least", "less") for w in words)
    ordinal = next((_ORDINALS[w] for w in words if w in _ORDINALS), None)
    numbers = [int(n) for n in re.findall(r"(?<!\d)(\d{1,2})(?!\d)", text)]
    rank = None
    if ordinal is not None and most != least:
        rank = ordinal if most else groups + 1 - ordinal
    elif numbers and len(numbers) == 1:
        rank = numbers[0]
        if (most and not least and rank != 1) or (least and not most and rank != groups):
            return None
    elif not numbers and ordinal is None and most != least:
        rank = 1 if most else groups
    elif not numbers and ("middle" in words or "mid" in words) and groups % 2 == 1:
        rank = (groups + 1) // 2
    return rank if rank is not None and 1 <= rank <= groups else None


def fingertips_breakdown(category_type: str, category: str) -> BreakdownMatch:
    """Map a Fingertips Category Type and Category onto a het breakdown, category and rank."""
    kind = category_type.strip().lower()
    category = category.strip()
    if not kind:
        if category:
            return BreakdownMatch(None, category, None, f"Category {quoted(category)} has no Category Type")
        return BreakdownMatch(TOTAL, "", None)
    if "deprivation" in kind and ("decile" in kind or "quintile" in kind):
        deciles = "decile" in kind
        local = "within" in kind
        if deciles:
            breakdown = DEPRIVATION_LOCAL_DECILE if local else DEPRIVATION_NATIONAL_DECILE
        else:
            breakdown = DEPRIVATION_LOCAL_QUINTILE if local else DEPRIVATION_NATIONAL_QUINTILE
        groups = 10 if deciles else 5
        rank = deprivation_rank(category, groups)
        if rank is None:
            return BreakdownMatch(
                None,
                category,
                None,
                f"Category {quoted(category)} of {quoted(category_type.strip())} cannot be read as a "
                f"{'decile' if deciles else 'quintile'} (expected e.g. 'Most deprived "
                f"{'decile' if deciles else 'quintile'}', 'Second most deprived ...', 'Least deprived ...')",
            )
        label = decile_label(rank) if deciles else quintile_label(rank)
        return BreakdownMatch(breakdown, label, rank)
    if "ethnic" in kind:
        if not category:
            return BreakdownMatch(
                None, "", None, f"an ethnic group row of {quoted(category_type.strip())} has no Category"
            )
        return BreakdownMatch(ETHNICITY, category, None)
    return BreakdownMatch(
        None, category, None, f"Category Type {quoted(category_type.strip())} is not a breakdown het models"
    )


# -- reading ----------------------------------------------------------------------------------------------


def fingertips_from_table(
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
    """Check a Fingertips table that has been read into text cells."""
    options = options or {}
    raw = table.frame  # consumed: columns are released once read, to keep memory near the file's size
    by_norm = {normalise_name(c): c for c in raw.columns}
    names = {key: by_norm[norm] for key, norm in COLUMNS.items() if norm in by_norm}
    for key, pattern in CI_PATTERNS.items():
        found = next((c for n, c in by_norm.items() if pattern.fullmatch(n)), None)
        if found is not None:
            names[key] = found
    missing = [_title(COLUMNS[k]) for k in REQUIRED if k not in names]
    if cannot_check(table, missing, file_name=file_name, problems=problems, what="Fingertips column"):
        return empty_extract(file_name, FORMAT, content, problems, sheet=table.sheet, options=options)

    rows_read = len(raw)
    checker = RowChecker(problems, file_name, table.rows, table.sheet)
    reader = _Reader(raw, names, checker, indicators, areas, indicator_mapping)
    out = reader.run()
    keep = ~checker.bad & ~reader.kept
    return ParsedExtract(
        file_name,
        FORMAT,
        content,
        finish_observations(out, keep, OBSERVATION_COLUMNS),
        problems,
        rows_read,
        kept_aside=reader.kept_aside(),
        unknown_indicators=reader.resolved.listing,
        sheet=table.sheet,
        options=options,
        notes=list(table.notes),
    )


_TITLES = {"indicator id": "Indicator ID", "area code": "Area Code", "time period": "Time period"}


def _title(norm: str) -> str:
    """A required column's name as Fingertips writes it."""
    return _TITLES.get(norm, norm.capitalize())


class _Reader:
    """One pass over a Fingertips table: each step adds columns to `out` and problems to `checker`.

    Text columns are encoded once (a code per row into the distinct values); every check then works on
    the distinct values and integer codes, and the key parts are reused for the duplicate check.
    """

    def __init__(self, raw, names, checker: RowChecker, indicators, areas, mapping):
        self.raw, self.names, self.checker = raw, names, checker
        self.index = raw.index
        self.n = len(raw)
        self.indicators, self.areas, self.mapping = indicators, areas, mapping
        self.out = pd.DataFrame({"source_row": checker.rows}, index=self.index)
        self.kept = np.zeros(self.n, dtype=bool)
        self._aside: list[pd.DataFrame] = []
        self._released: set[str] = set()
        self.parts: dict[str, tuple[np.ndarray, int]] = {}
        self.sex_written: pd.Series | None = None

    def encoded(self, key: str) -> tuple[np.ndarray, list[str]]:
        """The column's codes into its distinct values, stripped ('' for a column the file lacks)."""
        if key in self._released:
            raise RuntimeError(f"the {key} column was read and released already")
        name = self.names.get(key)
        return encode_stripped(self.raw[name] if name is not None else None, self.n)

    def release(self, *keys: str) -> None:
        """Drop raw columns no later step reads (the frame is the reader's to consume)."""
        for key in keys:
            name = self.names.get(key, key)
            if name in self.raw.columns:
                del self.raw[name]
            self._released.add(key)

    def run(self) -> pd.DataFrame:
        self._sex_and_age()
        self._extra()
        self._indicators()
        self._numbers()
        self._areas()
        self._categories()
        self._periods()
        out = self.out
        check_limits(out, self.checker, self.names)
        ids = (self.resolved.id_codes, [v or "" for v in self.resolved.id_values])
        check_ranges(out, self.checker, self.names, self.indicators, ids=ids)
        usable = (
            ~self.kept
            & ~self.resolved.unknown
            & ~self.resolved.ignored
            & out["period_sort"].notna().to_numpy()
        )
        key_parts = [
            self.parts[k] for k in ("indicator_id", "area_code", "period_sort", "sex", "age", "breakdown")
        ]
        check_duplicates(out, self.checker, column=self.names["indicator"], usable=usable, parts=key_parts)
        return out

    def set_aside(self, mask: np.ndarray, reason: str, detail) -> None:
        """Keep rows out of the load, with why; detail is a text or a function of the row positions."""
        mask = mask & ~self.kept
        if not mask.any():
            return
        self.kept |= mask
        positions = np.flatnonzero(mask)
        texts = detail(positions) if callable(detail) else [detail] * len(positions)
        self._aside.append(kept_aside_frame(self.checker.rows[mask], reason, pd.Series(texts, dtype="str")))

    def kept_aside(self) -> pd.DataFrame:
        if not self._aside:
            return kept_aside_frame(np.zeros(0, dtype=np.int64), "", pd.Series([], dtype="str"))
        return pd.concat(self._aside, ignore_index=True).sort_values("source_row", ignore_index=True)

    # -- steps ----------------------------------------------------------------------------------------

    def _sex_and_age(self) -> None:
        index, values = self.encoded("sex")
        mapped = [SEX_MAP.get(v.lower()) for v in values]
        self.checker.flag(
            np.array([m is None for m in mapped])[index],
            self.names["sex"],
            lambda i: f"sex {quoted(values[index[i]])} is not one of Persons, Male, Female (or Not applicable)",
        )
        self.out["sex"] = category_series(mapped, index, self.index)
        self.parts["sex"] = _dense(mapped, index)
        differs = [m is not None and m != v for m, v in zip(mapped, values, strict=True)]
        if any(differs):  # kept in extra as written
            self.sex_written = text_series(
                [v if d else "" for v, d in zip(values, differs, strict=True)], index, self.index
            )
        index, values = self.encoded("age")
        self.checker.flag(
            np.array([v == "" for v in values])[index], self.names["age"], lambda i: "the Age is empty"
        )
        self.out["age"] = category_series(values, index, self.index)
        self.parts["age"] = (index, len(values))
        self.release("sex", "age")

    def _extra(self) -> None:
        """Every column het does not model, with the original Category Type, Category and Sex."""
        used = {self.names[k] for k in self.names if k in _MODELLED or k in CI_PATTERNS}
        source = {c: self.raw[c] for c in self.raw.columns if c not in used}
        if self.sex_written is not None:
            source["Sex"] = self.sex_written
        frame = pd.DataFrame(source, index=self.index)
        self.out["extra"] = extra_json(frame, list(frame.columns))
        mapped = set(self.names.values())
        self.release(*[c for c in frame.columns if c not in mapped and c in self.raw.columns])
        self.sex_written = None

    def _indicators(self) -> None:
        index, values = self.encoded("indicator")
        index, keys = recode(index, [re.sub(r"^(\d+)\.0+$", r"\1", v) for v in values])  # Excel's 93356.0
        self.checker.flag(
            np.array([k == "" for k in keys])[index],
            self.names["indicator"],
            lambda i: "the Indicator ID is empty",
        )
        catalogue = self.indicators[["indicator_id", "fingertips_id"]].dropna(subset=["fingertips_id"])
        lookup = {
            str(int(f)): str(i)
            for i, f in zip(catalogue["indicator_id"], catalogue["fingertips_id"], strict=True)
        }
        name_column = self.names.get("indicator_name")
        self.resolved = resolve_indicators(
            (index, keys),
            index=self.index,
            lookup=lookup,
            catalogue_ids=set(self.indicators["indicator_id"].astype("str")),
            mapping=self.mapping,
            checker=self.checker,
            column=self.names["indicator"],
            names=self.raw[name_column] if name_column is not None else None,
            categorical=True,
        )
        self.out["indicator_id"] = self.resolved.indicator_id
        self.parts["indicator_id"] = (self.resolved.id_codes, len(self.resolved.id_values))
        self.indicator_keys = (index, keys)
        self.set_aside(
            self.resolved.ignored,
            "indicator set aside at the analyst's request",
            lambda positions: [f"Indicator ID {keys[index[p]]}" for p in positions],
        )
        self.release("indicator", "indicator_name")

    def _numbers(self) -> None:
        index, values = self.encoded("value_note")
        notes = read_numeric_columns(self.raw, self.names, self.out, self.checker, None)
        if notes is None:  # nothing suppressed: the notes as written ('' is no note)
            self.out["value_note"] = category_series([v or None for v in values], index, self.index)
        else:
            written = text_series(values, index, self.index)
            self.out["value_note"] = join_notes(written, notes).replace("", None)
        self.release("value_note", "value", "count", "denominator", *CI_PATTERNS)

    def _areas(self) -> None:
        """Areas by code. An unknown code is an error, unless the row's Area Type is a national listing.

        Fingertips exports every area of a national listing (England, regions, counties and unitary
        authorities, districts, ICBs ...), and het keeps only its own: those rows are kept aside with one
        warning naming the areas, listed in the preview and counted as rejected. An unknown ward, LSOA or
        practice code (or a row without an Area Type) stays an error: het should know those.
        """
        index, values = self.encoded("area_code")
        self.area_codes = (index, values)
        self.out["area_code"] = category_series(values, index, self.index)
        self.parts["area_code"] = (index, len(values))
        known_codes = set(self.areas["area_code"])
        known = np.array([v in known_codes for v in values])[index]
        if known.all():
            self.release("area_code", "area_name", "area_type")
            return
        type_index, types = self.encoded("area_type")
        national = np.array([bool(_NATIONAL_AREA_TYPE.search(v.lower())) for v in types])[type_index]
        outside = ~known & national
        column = self.names["area_code"]
        self.checker.flag(
            ~known & ~national,
            column,
            lambda i: (
                f"unknown area code {quoted(values[index[i]])}"
                + (f" (Area Type {quoted(types[type_index[i]])})" if types[type_index[i]] else "")
                + ": het does not know this area"
            ),
        )
        if outside.any():
            name_index, area_names = self.encoded("area_name")

            def label(p: int) -> str:
                return f"{values[index[p]]} {area_names[name_index[p]]}".strip()

            positions = np.flatnonzero(outside)
            distinct = list(
                dict.fromkeys(label(p) for p in positions[np.unique(index[positions], return_index=True)[1]])
            )
            kinds = sorted({types[type_index[p]] for p in positions})
            self.checker.warning(
                f"{plural(len(positions), 'row')} kept aside: area not in het's geography "
                f"({summarise_values(distinct)}; "
                f"{plural(len(distinct), 'area')} of type {', '.join(kinds)}). "
                "het keeps only the areas it knows (the authority, its wards, England, the region and comparators)",
                column=column,
            )
            self.set_aside(
                outside,
                "area not in het's geography",
                lambda ps: [f"{label(p)} ({types[type_index[p]]})" for p in ps],
            )
        self.release("area_code", "area_name", "area_type")

    def _categories(self) -> None:
        type_index, types = self.encoded("category_type")
        cat_index, cats = self.encoded("category")
        combined = combine_codes([(type_index, len(types)), (cat_index, len(cats))])
        firsts = first_positions(combined)
        pairs = [(types[type_index[p]], cats[cat_index[p]]) for p in firsts]
        matches = [fingertips_breakdown(t, c) for t, c in pairs]
        self.out["breakdown"] = category_series([m.breakdown for m in matches], combined, self.index)
        self.out["category"] = category_series([m.category for m in matches], combined, self.index)
        rank = np.array([np.nan if m.rank is None else m.rank for m in matches] or [np.nan], dtype=float)
        self.out["category_rank"] = rank[combined] if len(combined) else rank[:0]
        self.parts["breakdown"] = _dense([(m.breakdown, m.category) for m in matches], combined)
        column = self.names.get("category_type", "Category Type")
        for code, match in enumerate(matches):
            mask = (combined == code) & ~self.kept
            if match.breakdown is not None or not mask.any():
                continue
            self.checker.warning(
                f"{plural(int(mask.sum()), 'row')} kept aside: {match.reason} ({self.checker.row_list(mask)})",
                column=column,
                row=int(self.checker.rows[np.flatnonzero(mask)[0]]),
            )
            self.set_aside(mask, match.reason, f"Category Type: {pairs[code][0]}; Category: {pairs[code][1]}")
        self._one_classification_per_breakdown(type_index, types, combined, pairs, matches)
        self.release("category_type", "category")

    def _one_classification_per_breakdown(self, type_index, types, combined, pairs, matches) -> None:
        """Two deprivation classifications on one het breakdown: load the first, set the other aside."""
        types_per_breakdown: dict[str, set[str]] = {}
        for (kind, _), m in zip(pairs, matches, strict=True):
            if m.breakdown is not None and m.breakdown != TOTAL:
                types_per_breakdown.setdefault(m.breakdown, set()).add(kind)
        clashing = {b for b, kinds in types_per_breakdown.items() if len(kinds) > 1}
        if not clashing:
            return
        in_clash = np.array([m.breakdown in clashing for m in matches])[combined] & ~self.kept
        rows = np.flatnonzero(in_clash)
        label_index, _ = self.encoded("period")
        breakdown_codes = np.array([hash(m.breakdown) for m in matches])[combined]
        sub = pd.DataFrame(
            {
                "indicator": self.indicator_keys[0][rows],
                "area": self.parts["area_code"][0][rows],
                "period": label_index[rows],
                "sex": self.parts["sex"][0][rows],
                "age": self.parts["age"][0][rows],
                "breakdown": breakdown_codes[rows],
                "type": type_index[rows],
            }
        )
        first = (
            sub.groupby(["indicator", "area", "period", "sex", "age", "breakdown"], sort=False)["type"]
            .transform("first")
            .to_numpy()
        )
        second = np.zeros(self.n, dtype=bool)
        second[rows[sub["type"].to_numpy() != first]] = True
        if not second.any():
            return
        loaded_type = np.full(self.n, -1)
        loaded_type[rows] = first
        for kept_code in sorted(set(type_index[second])):
            mask = second & (type_index == kept_code)
            loaded = sorted({types[c] for c in loaded_type[mask]})
            self.checker.warning(
                f"{plural(int(mask.sum()), 'row')} kept aside: {quoted(types[kept_code])} gives a second set of groups for the "
                f"same indicator, area, period, sex and age as {quoted('; '.join(loaded))}, which was loaded "
                f"(het holds one set per breakdown) ({self.checker.row_list(mask)})",
                column=self.names.get("category_type", "Category Type"),
                row=int(self.checker.rows[np.flatnonzero(mask)[0]]),
            )
            self.set_aside(
                mask,
                "a second deprivation classification for the same breakdown",
                f"Category Type: {types[kept_code]}; loaded instead: {'; '.join(loaded)}",
            )

    def _periods(self) -> None:
        label_index, labels = self.encoded("period")
        sortable_index, sortables = self.encoded("period_sortable")
        self.release("period", "period_sortable")
        id_codes, id_values = self.resolved.id_codes, self.resolved.id_values
        periodicity = lookup_dict(self.indicators, "periodicity")
        ward_sets = WardSets.from_areas(self.areas)
        combined = combine_codes(
            [(label_index, len(labels)), (sortable_index, len(sortables)), (id_codes, len(id_values))]
        )
        firsts = first_positions(combined)
        results = [
            _fingertips_period(
                labels[label_index[p]],
                sortables[sortable_index[p]],
                str(periodicity.get(id_values[id_codes[p]], "")),
                ward_sets,
            )
            for p in firsts
        ]
        sort_values = np.array([np.nan if r.sortable is None else r.sortable for r in results] or [np.nan])
        self.out["period_label"] = category_series(labels, label_index, self.index)
        self.out["period_sort"] = sort_values[combined] if len(combined) else sort_values[:0]
        self.parts["period_sort"] = _dense([r.sortable for r in results], combined)
        period_col = self.names["period"]
        for code, result in enumerate(results):
            if result.message is None:
                continue
            mask = combined == code
            if result.level == WARNING:
                self.checker.warning(
                    f"{result.message} ({self.checker.row_list(mask)})",
                    column=period_col,
                    row=int(self.checker.rows[np.flatnonzero(mask)[0]]),
                )
            else:
                self.checker.flag(mask, period_col, lambda i, m=result.message: m)
        # Ward-level rows must be on the ward set in force for their period.
        area_index, area_values = self.area_codes
        area_vintages = lookup_dict(self.areas, "vintage", key="area_code")
        vintages = ward_sets.vintages
        set_number = {w: k + 1 for k, w in enumerate(vintages)}
        area_set = np.array([set_number.get(area_vintages.get(v), 0) for v in area_values] or [0])[area_index]
        expected = np.array([set_number.get(r.ward_set, 0) for r in results] or [0])[combined]
        mismatch = (area_set > 0) & (expected > 0) & (area_set != expected)
        # A ward row whose period het cannot place in a ward set (a label het does not read, kept with
        # Fingertips' sortable) cannot be checked against the ward sets: refused, not loaded unchecked.
        placed = np.array([r.ward_set is not None or r.level == ERROR for r in results] or [True])[combined]
        self.checker.flag(
            (area_set > 0) & ~placed,
            self.names["area_code"],
            lambda i: (
                f"ward {shown(area_values[area_index[i]])} is on ward set {vintages[area_set[i] - 1]}, but "
                f"period {quoted(labels[label_index[i]])} is not a form het reads, so het cannot check that it "
                f"is the ward set in force then ({ward_sets.change_note()}): write the period as e.g. 2019, "
                "2019/20 or 2017 - 19"
            ),
        )
        self.checker.flag(
            mismatch,
            self.names["area_code"],
            lambda i: (
                f"ward {area_values[area_index[i]]} belongs to ward set {vintages[area_set[i] - 1]}, but period "
                f"{quoted(labels[label_index[i]])} falls under {vintages[expected[i] - 1]} ({ward_sets.change_note()})"
            ),
        )


def _dense(values: list, index: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes of the rows' values (given per distinct input code), merging equal values."""
    lookup: dict = {}
    per_code = np.array([lookup.setdefault(v, len(lookup)) for v in values] or [0], dtype=np.int64)
    return (per_code[index] if len(index) else np.zeros(0, dtype=np.int64)), max(len(lookup), 1)


@dataclass(frozen=True)
class _Period:
    sortable: int | None
    ward_set: str | None
    message: str | None = None
    level: str | None = None


def _fingertips_period(label: str, sortable_text: str, periodicity: str, ward_sets: WardSets) -> _Period:
    """Read one Fingertips period: label and sortable, against the catalogue's periodicity if known."""
    sortable = int(sortable_text) if re.fullmatch(r"\d{4,9}", sortable_text) else None
    info = read_period(label, periodicity or None, ward_sets)
    note = None
    if info.error is not None and periodicity:
        plain = read_period(label, None, ward_sets)
        if plain.error is None:
            note = f"period {quoted(label)} is {plain.kind}, but the catalogue says the indicator is {periodicity}"
            info = plain
    if info.error is None:
        if sortable is not None and sortable // 10000 != info.sortable // 10000:
            mismatch = (
                f"Time period Sortable {sortable} does not match period {quoted(label)} ({info.sortable}); "
                "Fingertips' sortable was used"
            )
            note = f"{note}; {mismatch}" if note else mismatch
        return _Period(
            sortable if sortable is not None else info.sortable,
            info.ward_set,
            note,
            WARNING if note else None,
        )
    if sortable is not None:
        return _Period(
            sortable,
            None,
            f"period {quoted(label)} is not a form het reads ({info.error}); Fingertips' label and sortable "
            f"{sortable} were kept",
            WARNING,
        )
    written = quoted(sortable_text) if sortable_text else "empty"
    return _Period(
        None, None, f"cannot read period {quoted(label)}, and its Time period Sortable is {written}", ERROR
    )
