"""The shipped reference catalogue in data/: read it with schema types, and check it.

Every problem is reported as a ValueError naming the file, the spreadsheet row (the header is row 1,
so the first data row is row 2) and the column, e.g.
"indicators.csv, row 7, column 'polarity': 'higher is better' is not one of ...".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from het.reference.indicators import (
    LUTON_2040_PRIORITIES,
    PRINCIPLE_IDS,
    default_sii_transform,
    indicator_problem,
)
from het.vocabulary import AREA_TYPES, LOGIC_STAGES, SEXES

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

# The store tables loaded from the catalogue, in load order: (table_name, csv_file_name).
CATALOGUE_TABLES: tuple[tuple[str, str], ...] = (
    ("principles", "principles.csv"),
    ("indicators", "indicators.csv"),
    ("areas", "areas.csv"),
    ("workstreams", "workstreams.csv"),
    ("workstream_principles", "workstream_principles.csv"),
    ("logic_model_items", "logic_model_items.csv"),
    ("actions", "actions.csv"),
    ("prize_projects", "prize_projects.csv"),
)
# Read with the catalogue but not store tables: the demo generator's inputs.
SUPPORT_TABLES: tuple[tuple[str, str], ...] = (
    ("ethnic_groups", "ethnic_groups.csv"),
    ("demo_anchors", "demo_anchors.csv"),
)
FILE_NAMES: dict[str, str] = dict(CATALOGUE_TABLES + SUPPORT_TABLES)

WORKSTREAM_STATUSES = ("established", "in progress")
LOGIC_MODEL_STAGES = LOGIC_STAGES
BROAD_ETHNIC_GROUPS = ("Asian", "Black", "Mixed", "White", "Other")
GAP_TRENDS = ("narrowing", "widening", "stable")


@dataclass(frozen=True)
class Column:
    """One CSV column: its name, its kind (str, int, float, bool) and whether it may be empty."""

    name: str
    kind: str = "str"
    required: bool = True


def _c(name: str, kind: str = "str", required: bool = True) -> Column:
    return Column(name, kind, required)


# Column names and order match queries/schema/*.sql (indicators.origin is left to its default).
COLUMNS: dict[str, tuple[Column, ...]] = {
    "principles": (
        _c("principle_id", "int"),
        _c("short_label"),
        _c("label"),
        _c("description", required=False),
    ),
    "indicators": (
        _c("indicator_id"),
        _c("fingertips_id", "int", required=False),
        _c("name"),
        _c("short_name"),
        _c("principle_id", "int"),
        _c("unit"),
        _c("value_type"),
        _c("multiplier", "float"),
        _c("polarity"),
        _c("decimals", "int"),
        _c("periodicity"),
        _c("sexes"),
        _c("age"),
        _c("headline", "bool"),
        _c("definition"),
        _c("source"),
        _c("jsna_topic"),
        _c("luton2040_priority"),
        _c("sii_transform", "bool", required=False),
    ),
    "areas": (
        _c("area_code"),
        _c("area_name"),
        _c("area_type"),
        _c("vintage", required=False),
        _c("parent_code", required=False),
        _c("is_comparator", "bool"),
    ),
    "workstreams": (
        _c("workstream_id"),
        _c("name"),
        _c("also_known_as", required=False),
        _c("chair_organisation", required=False),
        _c("status"),
        _c("description"),
        _c("luton2040_priority", required=False),
        _c("source"),
    ),
    "workstream_principles": (_c("workstream_id"), _c("principle_id", "int")),
    "logic_model_items": (
        _c("workstream_id"),
        _c("stage"),
        _c("seq", "int"),
        _c("text"),
        _c("source"),
        _c("owner", required=False),
        _c("indicator_id", required=False),
        _c("kpi_id", required=False),
        _c("updated_on", "date", required=False),
    ),
    "actions": (
        _c("action_id"),
        _c("workstream_id"),
        _c("title"),
        _c("lead", required=False),
        _c("status"),
        _c("due", required=False),
        _c("source"),
        _c("partner", required=False),
        _c("latest_update", required=False),
        _c("updated_on", "date", required=False),
    ),
    "prize_projects": (
        _c("project_id"),
        _c("name"),
        _c("organisation", required=False),
        _c("principle_id", "int", required=False),
        _c("year", "int", required=False),
        _c("amount_gbp", "float", required=False),
        _c("status", required=False),
        _c("summary", required=False),
        _c("source"),
    ),
    "ethnic_groups": (
        _c("category"),
        _c("broad_group"),
        _c("display_order", "int"),
        _c("population_2021", "int"),
        _c("source"),
    ),
    "demo_anchors": (
        _c("indicator_id"),
        _c("sex"),
        _c("england_start", "float"),
        _c("england_end", "float"),
        _c("luton_start", "float"),
        _c("luton_end", "float"),
        _c("deprivation_gradient", "float"),
        _c("small_area_from", "int", required=False),
        _c("ethnic_spread", "float"),
        _c("gap_trend"),
        _c("anchor_note"),
    ),
}

# pandas dtypes of the frames read_catalogue returns (nullable Int64 only where a value may be empty).
_DTYPES = {
    ("int", True): "int64",
    ("int", False): "Int64",
    ("float", True): "float64",
    ("float", False): "float64",
    ("bool", True): "bool",
    ("bool", False): "boolean",
    ("str", True): "str",
    ("str", False): "str",
    ("date", True): "datetime64[us]",
    ("date", False): "datetime64[us]",
}
_TRUE, _FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


def read_catalogue(data_dir: Path = DATA_DIR) -> dict[str, pd.DataFrame]:
    """Read every catalogue CSV into a frame typed like its store table, and check the whole set.

    Returns the CATALOGUE_TABLES frames in order, then "ethnic_groups" and "demo_anchors".
    Raises ValueError naming file, row and column for the first problem found.
    """
    frames = {table: _read_table(Path(data_dir), table) for table in FILE_NAMES}
    validate_catalogue(frames)
    return {table: _final_dtypes(table, frame) for table, frame in frames.items()}


def validate_catalogue(frames: dict[str, pd.DataFrame]) -> None:
    """Check the catalogue frames against each other and the allowed values; ValueError if not."""
    for table in FILE_NAMES:
        if table not in frames:
            raise ValueError(f"{FILE_NAMES[table]}: the catalogue has no '{table}' table")
        _check_columns(table, frames[table].columns)
        _check_required(table, frames[table])
    _check_principles(frames["principles"])
    _check_indicators(frames["indicators"], frames["principles"])
    _check_areas(frames["areas"])
    _check_workstreams(frames)
    _check_prize_projects(frames["prize_projects"], frames["principles"])
    _check_ethnic_groups(frames["ethnic_groups"])
    _check_demo_anchors(frames["demo_anchors"], frames["indicators"])


# -- reading --------------------------------------------------------------------------------------


def _fail(table: str, row: int | None, column: str, message: str) -> ValueError:
    where = FILE_NAMES[table] if row is None else f"{FILE_NAMES[table]}, row {row}"
    return ValueError(f"{where}, column '{column}': {message}")


def _row(position: int) -> int:
    """The spreadsheet row of a 0-based data position: the header is row 1."""
    return position + 2


def _read_table(data_dir: Path, table: str) -> pd.DataFrame:
    path = data_dir / FILE_NAMES[table]
    if not path.is_file():
        raise ValueError(f"{FILE_NAMES[table]}: file not found in {data_dir}")
    # utf-8-sig: a catalogue saved from Excel starts with a byte-order mark.
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [str(c).strip() for c in raw.columns]
    _check_columns(table, raw.columns)
    data = {}
    for col in COLUMNS[table]:
        values = [_parse(table, i, col, text) for i, text in enumerate(raw[col.name])]
        # Required columns stay nullable until validate_catalogue has reported any gap.
        data[col.name] = pd.Series(values, dtype=_DTYPES[(col.kind, False)], index=raw.index)
    return pd.DataFrame(data, index=pd.RangeIndex(len(raw)))


def _parse(table: str, position: int, col: Column, text: str):
    text = text.strip()
    if text == "":
        return None
    if col.kind == "str":
        return text
    if col.kind == "int":
        if re.fullmatch(r"[+-]?\d+", text) is None:
            raise _fail(table, _row(position), col.name, f"'{text}' is not a whole number")
        return int(text)
    if col.kind == "float":
        try:
            value = float(text.replace(",", ""))
        except ValueError:
            raise _fail(table, _row(position), col.name, f"'{text}' is not a number") from None
        if not math.isfinite(value):
            raise _fail(table, _row(position), col.name, f"'{text}' is not a finite number")
        return value
    if col.kind == "date":
        try:
            return pd.Timestamp(date.fromisoformat(text))
        except ValueError:
            raise _fail(table, _row(position), col.name, f"'{text}' is not a date (YYYY-MM-DD)") from None
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _fail(table, _row(position), col.name, f"'{text}' is not true or false")


def _final_dtypes(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    if table == "indicators":  # blank: the default for the value type (transform rates and proportions)
        default = out["value_type"].map(default_sii_transform).astype(bool)
        out["sii_transform"] = out["sii_transform"].fillna(default).astype(bool)
    for col in COLUMNS[table]:
        kind = (col.kind, col.required or (table, col.name) == ("indicators", "sii_transform"))
        out[col.name] = out[col.name].astype(_DTYPES[kind])
    return out


# -- checks ---------------------------------------------------------------------------------------


def _check_columns(table: str, columns) -> None:
    expected = [c.name for c in COLUMNS[table]]
    present = list(columns)
    for name in expected:
        if name not in present:
            raise _fail(table, 1, name, "this column is missing from the header")
    for name in present:
        if name not in expected:
            raise _fail(table, 1, str(name), f"unexpected column; expected exactly {', '.join(expected)}")


def _is_missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == ""


def _check_required(table: str, frame: pd.DataFrame) -> None:
    for col in COLUMNS[table]:
        if not col.required:
            continue
        for position, value in enumerate(frame[col.name]):
            if _is_missing(value):
                raise _fail(table, _row(position), col.name, "a value is required here but the cell is empty")


def _check_allowed(table: str, frame: pd.DataFrame, column: str, allowed, *, optional: bool = False) -> None:
    for position, value in enumerate(frame[column]):
        if optional and _is_missing(value):
            continue
        if value not in allowed:
            choices = ", ".join(f"'{a}'" for a in allowed)
            raise _fail(table, _row(position), column, f"'{value}' is not one of {choices}")


def _check_unique(table: str, frame: pd.DataFrame, columns: list[str], what: str) -> None:
    """No two rows share a key; rows with an empty key part are skipped (optional columns)."""
    seen: dict[tuple, int] = {}
    for position, key in enumerate(frame[columns].itertuples(index=False, name=None)):
        if any(_is_missing(k) for k in key):
            continue
        if key in seen:
            shown = " / ".join(str(k) for k in key)
            raise _fail(
                table,
                _row(position),
                columns[-1],
                f"duplicate {what} '{shown}' (first seen in row {seen[key]})",
            )
        seen[key] = _row(position)


def _check_known(table: str, frame: pd.DataFrame, column: str, known, what: str, *, optional=False) -> None:
    known = set(known)
    for position, value in enumerate(frame[column]):
        if optional and _is_missing(value):
            continue
        if value not in known:
            raise _fail(table, _row(position), column, f"unknown {what} '{value}'")


def _check_principles(principles: pd.DataFrame) -> None:
    _check_unique("principles", principles, ["principle_id"], "principle_id")
    _check_allowed("principles", principles, "principle_id", PRINCIPLE_IDS)
    missing = sorted(set(PRINCIPLE_IDS) - set(principles["principle_id"]))
    if missing:
        raise _fail(
            "principles",
            None,
            "principle_id",
            f"no row for principle {', '.join(map(str, missing))}; there must be one row for each of 0 to 8",
        )


def _check_indicators(indicators: pd.DataFrame, principles: pd.DataFrame) -> None:
    table = "indicators"
    for position, row in enumerate(indicators.to_dict("records")):
        fields = {k: (None if _is_missing(v) else v) for k, v in row.items()}
        for key in ("principle_id", "decimals"):
            fields[key] = int(fields[key]) if fields[key] is not None else None
        if fields["sii_transform"] is not None:
            fields["sii_transform"] = bool(fields["sii_transform"])
        problem = indicator_problem(fields)
        if problem is not None:
            raise _fail(table, _row(position), *problem)
    _check_unique(table, indicators, ["indicator_id"], "indicator_id")
    _check_unique(table, indicators, ["fingertips_id"], "fingertips_id")
    _check_known(table, indicators, "principle_id", principles["principle_id"], "principle_id")
    covered = set(indicators["principle_id"])
    for position, row in enumerate(principles.itertuples(index=False)):
        if row.principle_id not in covered:
            raise _fail(
                "principles",
                _row(position),
                "principle_id",
                f"principle {row.principle_id} ({row.short_label}) has no indicator in indicators.csv",
            )


def _check_areas(areas: pd.DataFrame) -> None:
    _check_unique("areas", areas, ["area_code"], "area_code")
    _check_allowed("areas", areas, "area_type", AREA_TYPES)
    _check_known("areas", areas, "parent_code", areas["area_code"], "parent area", optional=True)


def _check_workstreams(frames: dict[str, pd.DataFrame]) -> None:
    ws, principles = frames["workstreams"], frames["principles"]
    _check_unique("workstreams", ws, ["workstream_id"], "workstream_id")
    _check_allowed("workstreams", ws, "status", WORKSTREAM_STATUSES)
    _check_allowed("workstreams", ws, "luton2040_priority", LUTON_2040_PRIORITIES, optional=True)
    ids = ws["workstream_id"]
    links = frames["workstream_principles"]
    _check_known("workstream_principles", links, "workstream_id", ids, "workstream")
    _check_known("workstream_principles", links, "principle_id", principles["principle_id"], "principle_id")
    _check_unique("workstream_principles", links, ["workstream_id", "principle_id"], "link")
    items = frames["logic_model_items"]
    _check_known("logic_model_items", items, "workstream_id", ids, "workstream")
    _check_allowed("logic_model_items", items, "stage", LOGIC_MODEL_STAGES)
    _check_unique("logic_model_items", items, ["workstream_id", "stage", "seq"], "item")
    actions = frames["actions"]
    _check_unique("actions", actions, ["action_id"], "action_id")
    _check_known("actions", actions, "workstream_id", ids, "workstream")


def _check_prize_projects(projects: pd.DataFrame, principles: pd.DataFrame) -> None:
    _check_unique("prize_projects", projects, ["project_id"], "project_id")
    known = principles["principle_id"]
    _check_known("prize_projects", projects, "principle_id", known, "principle_id", optional=True)


def _check_ethnic_groups(groups: pd.DataFrame) -> None:
    _check_unique("ethnic_groups", groups, ["category"], "category")
    _check_allowed("ethnic_groups", groups, "broad_group", BROAD_ETHNIC_GROUPS)
    for position, population in enumerate(groups["population_2021"]):
        if population < 0:
            raise _fail("ethnic_groups", _row(position), "population_2021", f"{population} is negative")


def _check_demo_anchors(anchors: pd.DataFrame, indicators: pd.DataFrame) -> None:
    table = "demo_anchors"
    _check_known(table, anchors, "indicator_id", indicators["indicator_id"], "indicator")
    _check_allowed(table, anchors, "sex", SEXES)
    _check_unique(table, anchors, ["indicator_id", "sex"], "anchor")
    _check_allowed(table, anchors, "gap_trend", GAP_TRENDS)
    by_id = indicators.set_index("indicator_id")
    for position, row in enumerate(anchors.itertuples(index=False)):
        ind = by_id.loc[row.indicator_id]
        if row.sex not in ind["sexes"].split(";"):
            raise _fail(
                table,
                _row(position),
                "sex",
                f"'{row.sex}' is not among the sexes of indicator '{row.indicator_id}' ({ind['sexes']})",
            )
        if not row.deprivation_gradient > -1:
            raise _fail(
                table,
                _row(position),
                "deprivation_gradient",
                f"{row.deprivation_gradient:g} must be greater than -1 (a relative difference)",
            )
        if not 0 <= row.ethnic_spread <= 1:
            raise _fail(
                table, _row(position), "ethnic_spread", f"{row.ethnic_spread:g} must be between 0 and 1"
            )
        for column in ("england_start", "england_end", "luton_start", "luton_end"):
            value = getattr(row, column)
            if ind["value_type"] == "proportion" and not 0 <= value <= ind["multiplier"]:
                raise _fail(
                    table,
                    _row(position),
                    column,
                    f"{value:g} is outside 0 to {ind['multiplier']:g} for a proportion in '{ind['unit']}'",
                )
            if ind["value_type"] != "score" and value < 0:
                raise _fail(table, _row(position), column, f"{value:g} is negative")
    anchored = set(zip(anchors["indicator_id"], anchors["sex"], strict=True))
    for position, ind in enumerate(indicators.itertuples(index=False)):
        for sex in ind.sexes.split(";"):
            if (ind.indicator_id, sex) not in anchored:
                raise _fail(
                    table,
                    None,
                    "sex",
                    f"no anchor row for indicator '{ind.indicator_id}', sex '{sex}' "
                    f"(indicators.csv, row {_row(position)}, lists sexes '{ind.sexes}')",
                )
