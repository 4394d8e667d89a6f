"""Wide ward tables (JSNA style), CSV or .xlsx: one row per ward, one column per indicator.

What is read:
- The ward: a column named like 'ward code', 'code', 'area code' or 'WD23CD' (codes), or 'ward',
  'ward name', 'name', 'area name' or 'WD23NM' (names); codes are used when both are present (the
  names are then only cross-checked, with a warning where they disagree). The analyst says which ward
  set the table is on (WD13: 19 wards, 2003 to May 2023; WD23: 20 wards from May 2023); codes must be
  wards of that set and names are matched within that set only (case, spacing and '&'/'and' ignored),
  never across sets. Names that match no ward are listed in one error with the set's ward names.
- The period: a column named 'period' (per row), else the period passed in (a form value), else the
  sheet name when it reads as a period; otherwise an error. The ward set must be the one in force for
  the period (het.ward_sets, from the geography manifest).
- Indicators: every other column is an indicator, matched (case-insensitive) on the het indicator_id,
  the Fingertips ID, the name or the short name. A column the catalogue does not know is an error until
  the analyst maps it (het.ingest.indicators.apply_indicator_mapping; map to None to ignore a column).
- Values only, unless the table has '<indicator> lower' and '<indicator> upper' columns (95% limits;
  '<indicator> lower ci', '_lcl'/'_ucl' spellings also read) and/or '<indicator> count' and
  '<indicator> denominator' columns, with <indicator> written exactly as its value column.
- Each non-blank value cell is one observation (sex 'Persons', age = the indicator's catalogue age,
  whole ward); blank cells are not observations (counted in a warning). rows_read counts cells.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from het.format import plural
from het.ingest.duplicates import check_duplicates
from het.ingest.extra_columns import extra_json
from het.ingest.files import RawTable, cannot_check
from het.ingest.lookups import lookup_dict
from het.ingest.numbers import bad_number_message, parse_numbers
from het.ingest.parsed import (
    OBSERVATION_COLUMNS,
    ParsedExtract,
    empty_extract,
    empty_frame,
    finish_observations,
)
from het.ingest.periods import read_period
from het.ingest.problems import Problems, quoted, shown
from het.ingest.ranges import check_limits, check_ranges
from het.ingest.row_checker import RowChecker, summarise_values
from het.ingest.text_codes import strip
from het.vocabulary import TOTAL
from het.ward_sets import WardSets

FORMAT = "ward_wide"
_CODE_COLUMN = re.compile(r"((ward|area)[ _]?)?code|wd\d\dcd")
_NAME_COLUMN = re.compile(r"((ward|area)[ _]?)?name|ward|area|wd\d\dnm")
_PERIOD_COLUMN = re.compile(r"(time[ _])?period")
_SUFFIXES = {
    "lower_ci95": re.compile(r"(.+?)[ _-]+(lower|lower ci|lower limit|lcl|lci|lower 95% ci)", re.I),
    "upper_ci95": re.compile(r"(.+?)[ _-]+(upper|upper ci|upper limit|ucl|uci|upper 95% ci)", re.I),
    "count": re.compile(r"(.+?)[ _-]+(count|numerator)", re.I),
    "denominator": re.compile(r"(.+?)[ _-]+(denominator)", re.I),
}


def normalise(text: str) -> str:
    return " ".join(str(text).lower().replace("&", " and ").replace("_", " ").split())


def is_ward_wide_header(columns) -> bool:
    names = [normalise(c) for c in columns]
    return any(_CODE_COLUMN.fullmatch(n) or _NAME_COLUMN.fullmatch(n) for n in names) and len(names) >= 2


def indicator_lookup(indicators: pd.DataFrame) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Header text (normalised) -> indicator_id, on id, Fingertips ID, name and short name; and the
    texts that name more than one indicator."""
    found: dict[str, set[str]] = {}
    for row in indicators.itertuples(index=False):
        keys = {normalise(row.indicator_id)}
        for attr in ("name", "short_name"):
            value = getattr(row, attr, None)
            if isinstance(value, str) and value.strip():
                keys.add(normalise(value))
        fid = getattr(row, "fingertips_id", None)
        if fid is not None and not pd.isna(fid):
            keys.add(str(int(fid)))
        for key in keys:
            found.setdefault(key, set()).add(str(row.indicator_id))
    lookup = {k: next(iter(v)) for k, v in found.items() if len(v) == 1}
    ambiguous = {k: sorted(v) for k, v in found.items() if len(v) > 1}
    return lookup, ambiguous


def ward_wide_from_table(
    table: RawTable,
    *,
    content: bytes,
    file_name: str,
    indicators: pd.DataFrame,
    areas: pd.DataFrame,
    problems: Problems,
    ward_set: str | None = None,
    period: str | None = None,
    indicator_mapping: dict | None = None,
    options: dict | None = None,
) -> ParsedExtract:
    """Check a wide ward table that has been read into text cells."""
    options = options or {}
    raw = table.frame.reset_index(drop=True)
    where = {"sheet": table.sheet}

    def fail() -> ParsedExtract:
        return empty_extract(file_name, FORMAT, content, problems, sheet=table.sheet, options=options)

    ward_sets = WardSets.from_areas(areas)
    if ward_set not in ward_sets.vintages:
        sets = ward_sets.descriptions()
        given = f" ({quoted(ward_set)} is not one)" if ward_set else ""
        problems.error(file_name, f"say which ward set the table is on{given}: {sets}", **where)
        return fail()
    by_norm = {normalise(c): c for c in raw.columns}
    code_col = next((c for n, c in by_norm.items() if _CODE_COLUMN.fullmatch(n)), None)
    name_col = next((c for n, c in by_norm.items() if _NAME_COLUMN.fullmatch(n)), None)
    period_col = next((c for n, c in by_norm.items() if _PERIOD_COLUMN.fullmatch(n)), None)
    if code_col is None and name_col is None:
        problems.error(
            file_name,
            "no ward column: name the column of ward codes 'ward code' or of ward names 'ward name'",
            row=table.header_row,
            **where,
        )
        return fail()
    if cannot_check(table, [], file_name=file_name, problems=problems):
        return fail()

    checker = RowChecker(problems, file_name, table.rows, table.sheet)
    wards = areas[(areas["vintage"] == ward_set)]
    if "area_type" in wards.columns:
        wards = wards[wards["area_type"] == "ward"]
    ward_code = _match_wards(raw, code_col, name_col, wards, areas, ward_sets, ward_set, checker)

    # Columns: identity, period, limits (paired with a value column), indicators.
    identity = {c for c in (code_col, name_col, period_col) if c is not None}
    others = [c for c in raw.columns if c not in identity]
    pairs: dict[str, dict[str, str]] = {}
    value_cols = []
    lowered = {c.lower(): c for c in others}
    for col in others:
        for field, pattern in _SUFFIXES.items():
            match = pattern.fullmatch(col)
            if match and match[1].lower() in lowered and lowered[match[1].lower()] != col:
                pairs.setdefault(lowered[match[1].lower()], {})[field] = col
                break
        else:
            value_cols.append(col)

    lookup, ambiguous = indicator_lookup(indicators)
    mapping = {str(k).strip(): v for k, v in (indicator_mapping or {}).items()}
    catalogue_ids = set(indicators["indicator_id"].astype("str"))
    resolved: dict[str, str] = {}
    listing = []
    ignored_cols = []
    for col in value_cols:
        filled = strip(raw[col]) != ""
        if col in mapping:
            target = mapping[col]
            if target is None or str(target).strip() == "":
                ignored_cols.append(col)
                continue
            if str(target) not in catalogue_ids:
                checker.error(
                    f"the mapping for column {quoted(col)} names {quoted(target)}, which is not in the catalogue",
                    column=col,
                )
                continue
            resolved[col] = str(target)
        elif normalise(col) in lookup:
            resolved[col] = lookup[normalise(col)]
        elif normalise(col) in ambiguous:
            checker.error(
                f"column {quoted(col)} could be any of {', '.join(ambiguous[normalise(col)])}: map it to one",
                row=table.header_row,
                column=col,
            )
            listing.append(_listing(col, filled, checker))
        else:
            checker.error(
                f"column {quoted(col)} is not an indicator in the catalogue ({plural(int(filled.sum()), 'value')}): map it "
                "to a catalogue indicator, add it as a local indicator, or map it to nothing to ignore it",
                row=table.header_row,
                column=col,
            )
            listing.append(_listing(col, filled, checker))
    if ignored_cols:
        checker.warning(
            f"column(s) {', '.join(ignored_cols)} ignored at the analyst's request (mapped to no indicator)"
        )
    if not resolved and not listing:
        checker.error("no indicator columns: add one column per indicator, headed by its het indicator_id")

    periods, period_source = _periods(raw, period_col, period, table, checker)
    if periods is None:
        return fail()

    by_id = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    pieces, blank_cells = [], 0
    for col, indicator_id in resolved.items():
        values, suppressed, bad = parse_numbers(raw[col])
        checker.flag(bad, col, lambda i, s=raw[col]: bad_number_message(s.iloc[i]))
        text = strip(raw[col])
        present = (text != "").to_numpy()
        blank_cells += int((~present & (ward_code != "")).sum())
        piece = pd.DataFrame(
            {
                "position": np.arange(len(raw)),
                "source_row": checker.rows,
                "indicator_id": indicator_id,
                "area_code": ward_code,
                "period_label": periods,
                "sex": "Persons",
                "age": str(by_id.at[indicator_id, "age"]) if "age" in by_id.columns else "All ages",
                "breakdown": TOTAL,
                "category": "",
                "category_rank": np.nan,
                "value": values,
                "lower_ci95": np.nan,
                "upper_ci95": np.nan,
                "lower_ci998": np.nan,
                "upper_ci998": np.nan,
                "count": np.nan,
                "denominator": np.nan,
                "value_note": ("suppressed in source: " + text).where(suppressed, None),
                "source_column": col,
            }
        )
        names = {"value": col}
        for field, source in pairs.get(col, {}).items():
            parsed, _, bad_limit = parse_numbers(raw[source])
            checker.flag(bad_limit, source, lambda i, s=raw[source]: bad_number_message(s.iloc[i]))
            piece[field] = parsed
            names[field] = source
        sexes = str(by_id.at[indicator_id, "sexes"]) if "sexes" in by_id.columns else "Persons"
        if "Persons" not in sexes.split(";"):
            checker.warning(
                f"indicator {indicator_id} is published for {sexes}; the values in column {quoted(col)} are loaded "
                "as Persons",
                column=col,
            )
        sub_checker = RowChecker(problems, file_name, checker.rows, table.sheet)
        check_limits(piece, sub_checker, names)
        check_ranges(piece, sub_checker, names, indicators)
        checker.bad |= sub_checker.bad
        piece["bad"] = sub_checker.bad
        pieces.append(piece[present])
    if blank_cells:
        checker.warning(
            f"{plural(blank_cells, 'blank cell')} {'was' if blank_cells == 1 else 'were'} not loaded (no value in the table)"
        )
    if not pieces:
        return ParsedExtract(
            file_name,
            FORMAT,
            content,
            empty_frame(OBSERVATION_COLUMNS),
            problems,
            0,
            unknown_indicators=_listing_frame(listing),
            sheet=table.sheet,
            options=options,
        )
    out = pd.concat(pieces, ignore_index=True)
    positions = out["position"].to_numpy()
    row_bad = checker.bad[positions] | out["bad"].to_numpy() | (out["area_code"] == "").to_numpy()
    # Periods read per indicator (its periodicity), and the ward set checked against each period.
    cell_checker = RowChecker(problems, file_name, out["source_row"].to_numpy(), table.sheet)
    sort_keys, bad_period = _period_sort(
        out, indicators, ward_sets, ward_set, period_col, period_source, cell_checker
    )
    out["period_sort"] = sort_keys
    extra_frame = pd.DataFrame({"Column": out["source_column"].astype("str")})
    if name_col is not None and code_col is not None:
        extra_frame["Ward name"] = strip(raw[name_col]).to_numpy()[positions]
    out["extra"] = extra_json(extra_frame, list(extra_frame.columns))
    usable = ~row_bad & ~bad_period
    check_duplicates(out, cell_checker, column=code_col or name_col, usable=usable)
    keep = ~row_bad & ~cell_checker.bad
    return ParsedExtract(
        file_name,
        FORMAT,
        content,
        finish_observations(out, keep, OBSERVATION_COLUMNS),
        problems,
        len(out),
        unknown_indicators=_listing_frame(listing),
        sheet=table.sheet,
        options=options,
        notes=list(table.notes),
    )


def _listing(col: str, filled: pd.Series, checker: RowChecker) -> dict:
    positions = np.flatnonzero(filled.to_numpy())
    first = int(checker.rows[positions[0]]) if len(positions) else None
    return {"source_key": col, "source_name": col, "rows": int(len(positions)), "first_row": first}


def _listing_frame(listing: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(listing, columns=["source_key", "source_name", "rows", "first_row"])


def _match_wards(raw, code_col, name_col, wards, areas, ward_sets, ward_set, checker: RowChecker):
    """Each row's ward code (in the chosen ward set), or '' where it cannot be matched (an error)."""
    other_set = dict(zip(areas["area_code"], areas["vintage"], strict=True))
    if code_col is not None:
        codes = strip(raw[code_col]).str.upper()
        in_set = codes.isin(wards["area_code"]).to_numpy()
        blank = (codes == "").to_numpy()
        checker.flag(blank, code_col, lambda i: "the ward code is empty")
        wrong_set = ~in_set & ~blank & codes.map(other_set).isin(ward_sets.vintages).to_numpy()
        checker.flag(
            wrong_set,
            code_col,
            lambda i: (
                f"ward {codes.iat[i]} is in ward set {other_set.get(codes.iat[i])}, not {ward_set} (the ward set "
                "chosen for this table)"
            ),
        )
        checker.flag(
            ~in_set & ~blank & ~wrong_set,
            code_col,
            lambda i: f"{quoted(codes.iat[i])} is not a {ward_set} ward code",
        )
        result = codes.where(in_set, "")
        if name_col is not None:
            names = dict(zip(wards["area_code"], wards["area_name"].map(normalise), strict=True))
            given = strip(raw[name_col])
            differ = in_set & (given != "").to_numpy() & (given.map(normalise) != codes.map(names)).to_numpy()
            checker.flag(
                differ,
                name_col,
                lambda i: f"{quoted(given.iat[i])} is not the name of ward {codes.iat[i]}; the code was used",
                level="warning",
            )
        return result.to_numpy(dtype=object)
    names = strip(raw[name_col])
    by_name = dict(zip(wards["area_name"].map(normalise), wards["area_code"], strict=True))
    matched = names.map(normalise).map(by_name)
    blank = (names == "").to_numpy()
    checker.flag(blank, name_col, lambda i: "the ward name is empty")
    unmatched = matched.isna().to_numpy() & ~blank
    if unmatched.any():
        checker.flag(unmatched, name_col, lambda i: f"{quoted(names.iat[i])} is not a {ward_set} ward name")
        missing = list(dict.fromkeys(names[unmatched]))
        checker.error(
            f"{plural(len(missing), 'ward name')} did not match a {ward_set} ward: {summarise_values(missing, 25)}. "
            f"The {ward_set} wards are: {', '.join(sorted(wards['area_name']))}",
            column=name_col,
        )
    return matched.fillna("").to_numpy(dtype=object)


def _periods(raw, period_col, period, table: RawTable, checker: RowChecker):
    """Each row's period label, and where it came from ('column', 'form' or 'sheet')."""
    if period_col is not None:
        labels = strip(raw[period_col])
        checker.flag(labels == "", period_col, lambda i: "the period is empty")
        if period and (labels != period.strip()).any():
            checker.warning(
                f"the table's {quoted(period_col)} column was used, not the period given ({shown(period)})",
                column=period_col,
            )
        return labels.to_numpy(dtype=object), "column"
    if period and period.strip():
        if (
            table.sheet
            and read_period(table.sheet, None).error is None
            and table.sheet.strip() != period.strip()
        ):
            checker.warning(
                f"the period given ({shown(period)}) was used, not the sheet name {quoted(table.sheet)}"
            )
        return np.full(len(raw), period.strip(), dtype=object), "form"
    if table.sheet and read_period(table.sheet, None).error is None:
        checker.warning(f"the period was taken from the sheet name {quoted(table.sheet)}")
        return np.full(len(raw), table.sheet.strip(), dtype=object), "sheet"
    checker.error(
        "no period: add a 'period' column, give the period when loading, or name the sheet after it "
        "(e.g. 2023/24)"
    )
    return None, None


def _period_sort(out, indicators, ward_sets, ward_set, period_col, period_source, checker: RowChecker):
    """Sortable codes (NaN where unreadable), checking each period against the indicator and ward set."""
    periodicity = lookup_dict(indicators, "periodicity")
    sort = np.full(len(out), np.nan)
    bad = np.zeros(len(out), dtype=bool)
    groups = out.groupby(["period_label", "indicator_id"], sort=False).indices
    wrong_set_reported = set()
    for (label, indicator_id), positions in groups.items():
        info = read_period(label, periodicity.get(indicator_id), ward_sets)
        column = period_col or out["source_column"].iat[positions[0]]
        row = int(checker.rows[positions[0]]) if period_source == "column" else None
        origin = {"form": "the period given", "sheet": "the sheet name"}.get(period_source, "period")
        if info.error is not None:
            checker.error(f"{origin}: {info.error} (indicator {indicator_id})", row=row, column=column)
            bad[positions] = True
            continue
        if info.ward_set != ward_set:
            bad[positions] = True
            if label in wrong_set_reported:
                continue
            wrong_set_reported.add(label)
            on = f"are on {info.ward_set}" if info.ward_set else "have no ward set in force"
            checker.error(
                f"the ward set {ward_set} does not match {origin} {quoted(label)}: data for that period {on} "
                f"({ward_sets.change_note()})",
                row=row,
                column=column if period_source == "column" else None,
            )
            continue
        sort[positions] = info.sortable
    checker.bad |= bad
    return sort, bad
