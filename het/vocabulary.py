"""het's one vocabulary: value types, polarities, breakdown kinds, area types, sexes and England's code.

Defined here once and imported everywhere (the SQL CHECK constraints in queries/schema repeat them, as
SQL must). Ward sets are not here: they come from the geography manifest and the store's ward_sets table.
"""

from __future__ import annotations

# -- England, the benchmark every whole area is compared with ---------------------------------------------
ENGLAND = "E92000001"

# -- indicators -----------------------------------------------------------------------------------------
PROPORTION, RATE = "proportion", "rate"
VALUE_TYPES = (PROPORTION, RATE, "mean", "life expectancy", "score", "count", "ratio")
# Value types whose rows carry a denominator that measures the group's population (the SII's fallback).
VALUE_TYPES_WITH_DENOMINATORS = (PROPORTION, RATE)

HIGH_IS_GOOD, LOW_IS_GOOD, NO_JUDGEMENT = "high is good", "low is good", "no judgement"
POLARITIES = (HIGH_IS_GOOD, LOW_IS_GOOD, NO_JUDGEMENT)

PERIODICITIES = ("calendar", "financial", "academic", "rolling 3 calendar", "rolling 3 financial")
SEXES = ("Persons", "Male", "Female")

# -- areas ------------------------------------------------------------------------------------------------
COUNTRY, REGION, LOCAL_AUTHORITY, WARD, LSOA = "country", "region", "local authority", "ward", "LSOA"
AREA_TYPES = (COUNTRY, REGION, LOCAL_AUTHORITY, WARD, LSOA)

# -- breakdowns -------------------------------------------------------------------------------------------
TOTAL = "total"
ETHNICITY = "ethnicity"
DEPRIVATION_LOCAL_QUINTILE = "deprivation_local_quintile"
DEPRIVATION_LOCAL_DECILE = "deprivation_local_decile"
DEPRIVATION_NATIONAL_QUINTILE = "deprivation_national_quintile"
DEPRIVATION_NATIONAL_DECILE = "deprivation_national_decile"
BREAKDOWNS = (
    TOTAL,
    ETHNICITY,
    DEPRIVATION_LOCAL_QUINTILE,
    DEPRIVATION_LOCAL_DECILE,
    DEPRIVATION_NATIONAL_QUINTILE,
    DEPRIVATION_NATIONAL_DECILE,
)

BREAKDOWN_LABELS = {
    TOTAL: "Whole area",
    ETHNICITY: "Ethnic group",
    DEPRIVATION_LOCAL_QUINTILE: "Deprivation quintile within the area (IMD 2019)",
    DEPRIVATION_LOCAL_DECILE: "Deprivation decile within the area (IMD 2019)",
    DEPRIVATION_NATIONAL_QUINTILE: "National deprivation quintile (IMD)",
    DEPRIVATION_NATIONAL_DECILE: "National deprivation decile (IMD)",
}

DEPRIVATION_BREAKDOWNS = frozenset(
    {
        DEPRIVATION_LOCAL_QUINTILE,
        DEPRIVATION_LOCAL_DECILE,
        DEPRIVATION_NATIONAL_QUINTILE,
        DEPRIVATION_NATIONAL_DECILE,
    }
)
NATIONAL_DEPRIVATION_BREAKDOWNS = frozenset({DEPRIVATION_NATIONAL_QUINTILE, DEPRIVATION_NATIONAL_DECILE})


def deprivation_group_count(breakdown: str) -> int:
    """How many groups a deprivation breakdown has: 10 for deciles, 5 for quintiles (0 otherwise)."""
    if breakdown not in DEPRIVATION_BREAKDOWNS:
        return 0
    return 10 if breakdown.endswith("decile") else 5


def quintile_label(rank: int) -> str:
    """The category label of local deprivation quintile `rank` (1 = most deprived)."""
    if rank == 1:
        return "Q1 (most deprived)"
    if rank == 5:
        return "Q5 (least deprived)"
    return f"Q{rank}"


# Workstreams: the status of an action, the stages of a logic model, and where an edit came from.
NOT_YET_RECORDED = "not yet recorded"  # the town's material gives no status (or says "in progress")
ACTION_STATUSES = ("not started", "on track", "at risk", "off track", "complete", NOT_YET_RECORDED)
LOGIC_STAGES = ("inputs", "activities", "outputs", "outcomes", "impact")
EDIT_ORIGINS = ("app", "workbook", "revert", "demo", "kpi file", "withdrawal")
# Changes made by loading or withdrawing a file: undone by withdrawing (or loading) a file, not one by one.
FILE_ORIGINS = ("kpi file", "withdrawal")
