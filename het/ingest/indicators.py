"""Indicators an extract names that the catalogue does not know: list them, map them, or add local ones.

A file's unknown indicators are errors (the load is blocked) until the analyst either maps each to a
catalogue indicator (apply_indicator_mapping; mapping to None sets its rows aside on purpose) or adds it
as a local indicator (add_local_indicator) and reads the file again. Nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from het.ingest.parsed import UNKNOWN_INDICATOR_COLUMNS, ParsedExtract
from het.reference.indicators import UNIT_MULTIPLIERS, default_sii_transform, indicator_problem
from het.store import Store, read_query

LOCAL_SOURCE = "Local indicator added by an analyst"


def unknown_indicators(parsed: ParsedExtract) -> pd.DataFrame:
    """The indicators a file names that the catalogue does not know.

    Columns: source_key (what the file calls it: a Fingertips ID, an indicator_id or a column header, the
    key to use in apply_indicator_mapping), source_name, rows (rows or cells affected), first_row.
    """
    return parsed.unknown_indicators[UNKNOWN_INDICATOR_COLUMNS].reset_index(drop=True)


def apply_indicator_mapping(
    parsed: ParsedExtract, mapping: dict, *, indicators: pd.DataFrame, areas: pd.DataFrame
) -> ParsedExtract:
    """Read the same file again with its unknown indicators mapped: {source_key: indicator_id or None}.

    None sets that indicator's rows (or column) aside on purpose. Mappings already applied are kept.
    The whole file is checked again. ValueError names a key the file does not use or a target the
    catalogue does not have.
    """
    from het.ingest.read import read_extract  # read imports the readers; the readers do not import this

    if parsed.format == "kpi":
        raise ValueError(f"{parsed.file_name} is a KPI file: KPIs are not mapped to indicators")
    previous = dict(parsed.options.get("indicator_mapping") or {})
    known_keys = set(parsed.unknown_indicators["source_key"].astype(str)) | set(previous)
    catalogue_ids = set(indicators["indicator_id"].astype(str))
    for key, target in mapping.items():
        if str(key) not in known_keys:
            listed = ", ".join(sorted(known_keys)) or "none"
            raise ValueError(
                f"{parsed.file_name}: '{key}' is not an unknown indicator of this file (unknown: {listed})"
            )
        if target is not None and str(target) not in catalogue_ids:
            raise ValueError(
                f"{parsed.file_name}: '{key}' is mapped to '{target}', which is not in the catalogue; "
                "add it as a local indicator first"
            )
    options = {k: v for k, v in parsed.options.items() if k != "indicator_mapping"}
    options["format"] = parsed.format
    return read_extract(
        parsed.content,
        file_name=parsed.file_name,
        indicators=indicators,
        areas=areas,
        indicator_mapping={**previous, **{str(k): v for k, v in mapping.items()}},
        **options,
    )


def local_indicator_row(
    *,
    name: str,
    principle_id: int,
    unit: str,
    value_type: str,
    polarity: str,
    definition: str,
    indicator_id: str | None = None,
    short_name: str | None = None,
    fingertips_id: int | None = None,
    multiplier: float | None = None,
    decimals: int = 1,
    periodicity: str = "calendar",
    sexes: str = "Persons",
    age: str = "All ages",
    headline: bool = False,
    source: str = LOCAL_SOURCE,
    jsna_topic: str = "",
    luton2040_priority: str = "",
    sii_transform: bool | None = None,
    existing: pd.DataFrame | None = None,
) -> dict:
    """A checked indicators row (origin 'local') from an analyst's metadata.

    Required: name, principle_id (0 = overarching, 1..8 = Marmot principles), unit, value_type,
    polarity, definition. indicator_id defaults to a slug of the short name (or name); multiplier to the
    unit's (100 for '%', 100000 for 'per 100,000' ...), else 1; sii_transform to the value type's default.
    The same rules as the shipped catalogue (het.reference.indicators.indicator_problem); `existing` (the
    indicators table) is checked for clashes of indicator_id and fingertips_id. ValueError names the field.
    """

    def fail(field: str, message: str) -> ValueError:
        return ValueError(f"local indicator, field '{field}': {message}")

    def text(field: str, value) -> str:
        if value is None or not str(value).strip():
            raise fail(field, "is required and cannot be empty")
        return " ".join(str(value).split())

    name = text("name", name)
    short_name = text("short_name", short_name) if short_name is not None else name
    unit = text("unit", unit)
    definition = text("definition", definition)
    try:
        principle = int(principle_id)
    except (TypeError, ValueError):
        raise fail("principle_id", f"'{principle_id}' is not a whole number from 0 to 8") from None
    expected = UNIT_MULTIPLIERS.get(unit)
    if multiplier is None:
        multiplier = expected if expected is not None else 1.0
    try:
        multiplier = float(multiplier)
    except (TypeError, ValueError):
        raise fail("multiplier", f"'{multiplier}' is not a number") from None
    slug = (
        indicator_id
        if indicator_id is not None
        else re.sub(r"[^a-z0-9]+", "_", short_name.lower()).strip("_")
    )
    if fingertips_id is not None:
        try:
            fingertips_id = int(fingertips_id)
        except (TypeError, ValueError):
            raise fail("fingertips_id", f"'{fingertips_id}' is not a whole number") from None
    row = {
        "indicator_id": slug,
        "fingertips_id": fingertips_id,
        "name": name,
        "short_name": short_name,
        "principle_id": principle,
        "unit": unit,
        "value_type": value_type,
        "multiplier": multiplier,
        "polarity": polarity,
        "decimals": decimals,
        "periodicity": periodicity,
        "sexes": str(sexes),
        "age": text("age", age),
        "headline": bool(headline),
        "definition": definition,
        "source": text("source", source),
        "jsna_topic": jsna_topic,
        "luton2040_priority": luton2040_priority,
        "sii_transform": default_sii_transform(value_type) if sii_transform is None else bool(sii_transform),
    }
    problem = indicator_problem(row)
    if problem is not None:
        raise fail(*problem)
    if existing is not None:
        if slug in set(existing["indicator_id"].astype(str)):
            raise fail("indicator_id", f"'{slug}' is already an indicator; choose another id")
        if fingertips_id is not None and "fingertips_id" in existing:
            taken = existing.loc[existing["fingertips_id"] == fingertips_id, "indicator_id"]
            if len(taken):
                raise fail("fingertips_id", f"{fingertips_id} is already indicator '{taken.iloc[0]}'")
    return row


def add_local_indicator(store: Store, **metadata) -> dict:
    """Check an analyst's indicator metadata (local_indicator_row) and add it to the store, origin 'local'.

    Returns the row added. One transaction; the data version moves on so cached catalogues refresh.
    """
    row = local_indicator_row(**metadata, existing=store.query("indicator_catalogue"))
    with store.transaction() as cur:
        insert_pending(cur, [row])
    return row


def with_pending(catalogue: pd.DataFrame, pending: Sequence[dict]) -> pd.DataFrame:
    """The catalogue as a file being checked sees it: the store's indicators and the local indicators the
    analyst has defined for this load, which are written only when the load commits (insert_pending)."""
    if not pending:
        return catalogue
    rows = pd.DataFrame([{**row, "origin": "local"} for row in pending])
    return pd.concat([catalogue, rows], ignore_index=True)


def checked_beside(metadata: dict, catalogue: pd.DataFrame, others: Sequence[dict]) -> dict:
    """local_indicator_row checked against the catalogue and a load's other new indicators."""
    return local_indicator_row(**metadata, existing=with_pending(catalogue, others))


def insert_pending(cur, pending: Sequence[dict]) -> None:
    """Add new local indicators inside the caller's transaction, checked again against the catalogue as it
    is now (another analyst may have added the same id meanwhile): ValueError names the field, and the
    transaction then writes nothing."""
    if not pending:
        return
    catalogue = cur.execute(read_query("indicator_catalogue")).df()
    for i, row in enumerate(pending):
        cur.execute(read_query("insert_local_indicator"), checked_beside(row, catalogue, pending[:i]))


def remembered_mappings(store: Store, parsed: ParsedExtract) -> pd.DataFrame:
    """The mappings earlier loads used for this file's unknown indicators (queries/remembered_mappings.sql),
    for the keys the file names and whose target the catalogue still has (or that were set aside)."""
    if parsed.format == "kpi" or parsed.unknown_indicators.empty:
        return pd.DataFrame(columns=["source_key", "indicator_id", "extract_id", "mapped_by", "mapped_at"])
    remembered = store.query("remembered_mappings", format=parsed.format)
    catalogue = set(store.query("indicator_catalogue")["indicator_id"].astype(str))
    keys = set(parsed.unknown_indicators["source_key"].astype(str))
    usable = remembered["source_key"].isin(keys) & (
        remembered["indicator_id"].isna() | remembered["indicator_id"].isin(catalogue)
    )
    return remembered[usable].reset_index(drop=True)


def as_mapping(remembered: pd.DataFrame) -> dict:
    """{source_key: indicator_id or None} from remembered_mappings' frame."""
    return {
        str(k): (None if pd.isna(v) else str(v))
        for k, v in zip(remembered["source_key"], remembered["indicator_id"], strict=True)
    }
