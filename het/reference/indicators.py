"""The rules one indicator's metadata must follow: the same for the shipped catalogue and for local indicators.

het.reference.catalogue applies them to every row of data/indicators.csv (naming file, row and column);
het.ingest.indicators applies them to an indicator an analyst adds (naming the field).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from het.vocabulary import (
    PERIODICITIES,
    POLARITIES,
    PROPORTION,
    RATE,
    SEXES,
    VALUE_TYPES,
)

PRINCIPLE_IDS = tuple(range(9))  # 0 = overarching outcomes, 1..8 = the Marmot principles
JSNA_TOPICS = ("Population", "Starting well", "Living well", "Ageing well", "Wider determinants")
LUTON_2040_PRIORITIES = (
    "Inclusive economy",
    "Improving wellbeing",
    "Child-friendly town",
    "Net zero town",
    "Empowered community",
)
# Units whose multiplier is fixed: a '%' stored per 1 would be shown 100 times too small.
UNIT_MULTIPLIERS = {"%": 100.0, "per 100": 100.0, "per 1,000": 1000.0, "per 100,000": 100000.0}
SLUG = re.compile(r"[a-z0-9_]+")
# Rates and proportions may have their SII fitted on the log/logit scale (the default); other value
# types are fitted on their own scale only.
TRANSFORMABLE = (RATE, PROPORTION)


def default_sii_transform(value_type: str) -> bool:
    """PHEindicatormethods' recommendation: transform rates and proportions (docs/methods.md)."""
    return value_type in TRANSFORMABLE


def quoted(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def indicator_problem(row: Mapping) -> tuple[str, str] | None:
    """The first rule one indicator's fields break, as (field, message), or None when they follow them all.

    ``row`` holds the indicators columns (as the store has them); optional ones may be None or missing.
    """
    slug = row.get("indicator_id")
    if not isinstance(slug, str) or SLUG.fullmatch(slug) is None:
        return "indicator_id", f"'{slug}' must use only a-z, 0-9 and _"
    if row.get("principle_id") not in PRINCIPLE_IDS:
        return "principle_id", f"{row.get('principle_id')} is not one of 0 (overarching) to 8"
    for field, allowed, optional in (
        ("value_type", VALUE_TYPES, False),
        ("polarity", POLARITIES, False),
        ("periodicity", PERIODICITIES, False),
        ("jsna_topic", JSNA_TOPICS, True),
        ("luton2040_priority", LUTON_2040_PRIORITIES, True),
    ):
        value = row.get(field)
        if optional and (value is None or value == ""):
            continue
        if value not in allowed:
            return field, f"'{value}' is not one of {quoted(allowed)}"
    sexes = str(row.get("sexes")).split(";")
    if any(s not in SEXES for s in sexes) or len(set(sexes)) != len(sexes):
        return (
            "sexes",
            f"'{row.get('sexes')}' must list Persons, Male and/or Female once each, separated by ';'",
        )
    multiplier = row.get("multiplier")
    if not isinstance(multiplier, int | float) or not multiplier > 0:
        return "multiplier", f"{multiplier} must be a number greater than 0"
    expected = UNIT_MULTIPLIERS.get(row.get("unit"))
    if expected is not None and multiplier != expected:
        return "multiplier", f"unit '{row.get('unit')}' needs multiplier {expected:g}, not {multiplier:g}"
    decimals = row.get("decimals")
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
        return "decimals", f"{decimals} must be a whole number from 0 to 6"
    transform = row.get("sii_transform")
    if transform is True and row.get("value_type") not in TRANSFORMABLE:
        return (
            "sii_transform",
            f"true is only for rates and proportions (the SII of a {row.get('value_type')} is fitted on its "
            "own scale)",
        )
    return None
