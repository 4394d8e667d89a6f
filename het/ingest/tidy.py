"""The het tidy template: our own long format, one row per observation (documented in README)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from het.breakdowns import BREAKDOWN_LABELS, DEPRIVATION_BREAKDOWNS, SEXES, TOTAL
from het.ingest.problems import Problems
from het.periods import parse_period, ward_set_for_period

KEY = ["indicator_id", "area_code", "period_sort", "sex", "age", "breakdown", "category"]
REQUIRED = ["indicator_id", "area_code", "period", "sex", "age", "breakdown", "category", "value"]
NUMERIC = [
    "value",
    "lower_ci95",
    "upper_ci95",
    "lower_ci998",
    "upper_ci998",
    "count",
    "denominator",
]
OPTIONAL = [*NUMERIC[1:], "value_note", "category_rank"]
SUPPRESSION_MARKERS = {"*", "x", "[c]", "..", "-", ":", "[x]", "[z]"}
# Per check, how many offending rows are named before the rest are counted.
MAX_ROWS_NAMED = 10

OBSERVATION_COLUMNS = [
    "source_row",
    "indicator_id",
    "area_code",
    "period_label",
    "period_sort",
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
    "extra",
]


@dataclass
class ParsedExtract:
    """An extract read and checked, not yet written: observations plus its problems."""

    file_name: str
    format: str
    content: bytes
    observations: pd.DataFrame
    problems: Problems
    rows_read: int


def decode_text(content: bytes, file_name: str, problems: Problems) -> str | None:
    """Bytes to text: UTF-8 (with or without BOM), else Windows-1252 with a warning."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
        problems.warning(file_name, "not UTF-8; read as Windows-1252 (check accented names)")
        return text


def read_tidy_csv(
    content: bytes, *, file_name: str, indicators: pd.DataFrame, areas: pd.DataFrame
) -> ParsedExtract:
    """Read and check a het tidy CSV against the catalogue's indicators and areas."""
    problems = Problems()
    empty = ParsedExtract(
        file_name, "het_tidy", content, pd.DataFrame(columns=OBSERVATION_COLUMNS), problems, 0
    )
    text = decode_text(content, file_name, problems)
    if text is None or not text.strip():
        problems.error(file_name, "the file is empty")
        return empty
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    raw.columns = [c.strip() for c in raw.columns]
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        problems.error(
            file_name,
            f"missing required column(s) {', '.join(missing)}; the header has {', '.join(raw.columns)}",
            row=1,
        )
        return empty
    if raw.empty:
        problems.error(file_name, "the file has a header but no data rows", row=1)
        return empty
    frame = _tidy_to_observations(raw, file_name, indicators, areas, problems)
    return ParsedExtract(file_name, "het_tidy", content, frame, problems, len(raw))


def _tidy_to_observations(raw, file_name, indicators, areas, problems) -> pd.DataFrame:
    rows = pd.Series(np.arange(len(raw)) + 2, index=raw.index)  # spreadsheet row numbers
    out = pd.DataFrame({"source_row": rows})
    for col in ["indicator_id", "area_code", "sex", "age", "breakdown", "category"]:
        out[col] = raw[col].str.strip()
    out["period_label"] = raw["period"].str.strip()
    notes = raw["value_note"].str.strip() if "value_note" in raw else pd.Series("", index=raw.index)

    for col in NUMERIC:
        source = raw[col] if col in raw else pd.Series("", index=raw.index)
        parsed, suppressed, bad = parse_numbers(source)
        out[col] = parsed
        _flag(problems, file_name, bad, rows, col, lambda r, s=source: f"'{s[r]}' is not a number")
        if col == "value":
            notes = notes.where(
                ~suppressed, (notes + "; suppressed in source: " + source.str.strip()).str.strip("; ")
            )
    out["value_note"] = notes.replace("", None)
    rank_source = raw["category_rank"] if "category_rank" in raw else pd.Series("", index=raw.index)
    rank, _, bad_rank = parse_numbers(rank_source)
    _flag(problems, file_name, bad_rank, rows, "category_rank", lambda r: "is not a whole number")
    out["category_rank"] = rank.astype("Int64")

    known_ind = indicators.set_index("indicator_id")
    unknown = ~out["indicator_id"].isin(known_ind.index)
    _flag(
        problems,
        file_name,
        unknown,
        rows,
        "indicator_id",
        lambda r: f"unknown indicator '{out.at[r, 'indicator_id']}' (not in the catalogue)",
    )
    known_area = areas.set_index("area_code")
    unknown_area = ~out["area_code"].isin(known_area.index)
    _flag(
        problems,
        file_name,
        unknown_area,
        rows,
        "area_code",
        lambda r: f"unknown area code '{out.at[r, 'area_code']}'",
    )
    _flag(
        problems,
        file_name,
        ~out["sex"].isin(SEXES),
        rows,
        "sex",
        lambda r: f"sex '{out.at[r, 'sex']}' is not one of {', '.join(SEXES)}",
    )
    _flag(
        problems,
        file_name,
        ~out["breakdown"].isin(BREAKDOWN_LABELS),
        rows,
        "breakdown",
        lambda r: f"breakdown '{out.at[r, 'breakdown']}' is not one of {', '.join(BREAKDOWN_LABELS)}",
    )
    total_with_category = (out["breakdown"] == TOTAL) & (out["category"] != "")
    _flag(
        problems,
        file_name,
        total_with_category,
        rows,
        "category",
        lambda r: "must be empty when breakdown is 'total'",
    )
    needs_category = (out["breakdown"] != TOTAL) & (out["category"] == "")
    _flag(problems, file_name, needs_category, rows, "category", lambda r: "is empty for a breakdown row")
    deprivation_no_rank = out["breakdown"].isin(DEPRIVATION_BREAKDOWNS) & out["category_rank"].isna()
    _flag(
        problems,
        file_name,
        deprivation_no_rank,
        rows,
        "category_rank",
        lambda r: "is needed for deprivation groups (1 = most deprived)",
    )

    _parse_periods(out, raw, known_ind, known_area, file_name, rows, problems)
    _check_limits(out, file_name, rows, problems)

    key_ok = out["period_sort"].notna()
    dup = out[key_ok].duplicated(KEY, keep="first").reindex(out.index, fill_value=False)
    _flag(
        problems,
        file_name,
        dup,
        rows,
        "indicator_id",
        lambda r: "duplicates an earlier row with the same indicator, area, period, sex, age and breakdown",
    )

    extra_cols = [c for c in raw.columns if c not in REQUIRED + OPTIONAL + ["period_sort"]]
    out["extra"] = _extra_json(raw, extra_cols)
    out["period_sort"] = out["period_sort"].astype("Int64")
    return out[OBSERVATION_COLUMNS]


def parse_numbers(source: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse numbers ('1,349' allowed). Returns values, suppressed mask, unparseable mask."""
    text = source.str.strip()
    blank = text == ""
    suppressed = text.str.lower().isin(SUPPRESSION_MARKERS)
    values = pd.to_numeric(
        text.str.replace(",", "", regex=False).where(~blank & ~suppressed), errors="coerce"
    )
    bad = values.isna() & ~blank & ~suppressed
    return values.astype(float), suppressed, bad


def _parse_periods(out, raw, known_ind, known_area, file_name, rows, problems) -> None:
    periodicity = out["indicator_id"].map(known_ind["periodicity"])
    vintage = out["area_code"].map(known_area["vintage"])
    given_sort = raw["period_sort"].str.strip() if "period_sort" in raw else None
    sort_values, ward_set = [], []
    cache: dict[tuple[str, str], tuple[int | None, str | None, str | None]] = {}
    for label, kind in zip(out["period_label"], periodicity, strict=True):
        key = (label, kind if isinstance(kind, str) else "")
        if key not in cache:
            try:
                period = parse_period(label, periodicity=key[1] or None)
                cache[key] = (period.sortable, ward_set_for_period(period), None)
            except ValueError as exc:
                cache[key] = (None, None, str(exc))
        sort_values.append(cache[key][0])
        ward_set.append(cache[key][1])
    unreadable = pd.Series(
        [
            cache[(lab, k if isinstance(k, str) else "")][2] is not None
            for lab, k in zip(out["period_label"], periodicity, strict=True)
        ],
        index=out.index,
    )
    _flag(
        problems,
        file_name,
        unreadable,
        rows,
        "period",
        lambda r: f"cannot read period '{out.at[r, 'period_label']}': expected e.g. 2019, 2019/20 or 2017 - 19",
    )
    out["period_sort"] = pd.array(sort_values, dtype="Int64")
    if given_sort is not None:
        given, _, bad = parse_numbers(given_sort)
        _flag(problems, file_name, bad, rows, "period_sort", lambda r: "is not a whole number")
        out["period_sort"] = given.round().astype("Int64").fillna(out["period_sort"])
    expected_set = pd.Series(ward_set, index=out.index)
    is_ward = vintage.isin(["WD13", "WD23"])
    mismatch = is_ward & expected_set.notna() & (vintage != expected_set)
    _flag(
        problems,
        file_name,
        mismatch,
        rows,
        "area_code",
        lambda r: (
            f"ward {out.at[r, 'area_code']} belongs to ward set {vintage[r]}, but period "
            f"'{out.at[r, 'period_label']}' falls under {expected_set[r]} (Luton's wards changed in May 2023)"
        ),
    )


def _check_limits(out, file_name, rows, problems) -> None:
    for low, high, level in [("lower_ci95", "upper_ci95", "95%"), ("lower_ci998", "upper_ci998", "99.8%")]:
        _flag(
            problems,
            file_name,
            out[low] > out["value"],
            rows,
            low,
            lambda r,
            c=low,
            lv=level: f"lower {lv} limit {out.at[r, c]:g} is above the value {out.at[r, 'value']:g}",
        )
        _flag(
            problems,
            file_name,
            out["value"] > out[high],
            rows,
            high,
            lambda r,
            c=high,
            lv=level: f"upper {lv} limit {out.at[r, c]:g} is below the value {out.at[r, 'value']:g}",
        )
    over = out["count"] > out["denominator"]
    _flag(
        problems,
        file_name,
        over,
        rows,
        "count",
        lambda r: f"count {out.at[r, 'count']:g} is larger than the denominator {out.at[r, 'denominator']:g}",
    )
    negative = out["denominator"] < 0
    _flag(problems, file_name, negative, rows, "denominator", lambda r: "is negative")


def _flag(problems: Problems, file_name: str, mask: pd.Series, rows: pd.Series, column: str, message) -> None:
    """Record an error for the first rows where mask holds, and count the rest."""
    hit = mask.fillna(False).to_numpy(dtype=bool)
    if not hit.any():
        return
    index = np.flatnonzero(hit)
    for i in index[:MAX_ROWS_NAMED]:
        label = mask.index[i]
        problems.error(file_name, message(label), row=int(rows.iloc[i]), column=column)
    if len(index) > MAX_ROWS_NAMED:
        problems.error(
            file_name, f"the same problem in {len(index) - MAX_ROWS_NAMED} more row(s)", column=column
        )


def _extra_json(raw: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Unmodelled columns kept as JSON per row (None when there are none or all are blank)."""
    if not columns:
        return pd.Series(None, index=raw.index, dtype=object)
    records = raw[columns].to_dict(orient="records")
    return pd.Series(
        [
            json.dumps({k: v for k, v in rec.items() if v != ""}) if any(rec.values()) else None
            for rec in records
        ],
        index=raw.index,
        dtype=object,
    )
