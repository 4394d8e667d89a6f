"""The breakdown kinds an observation can belong to, with their labels."""

from __future__ import annotations

TOTAL = "total"
ETHNICITY = "ethnicity"
DEPRIVATION_LOCAL_QUINTILE = "deprivation_local_quintile"
DEPRIVATION_LOCAL_DECILE = "deprivation_local_decile"
DEPRIVATION_NATIONAL_QUINTILE = "deprivation_national_quintile"
DEPRIVATION_NATIONAL_DECILE = "deprivation_national_decile"

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

SEXES = ("Persons", "Male", "Female")


def quintile_label(rank: int) -> str:
    """The category label of local deprivation quintile `rank` (1 = most deprived)."""
    if rank == 1:
        return "Q1 (most deprived)"
    if rank == 5:
        return "Q5 (least deprived)"
    return f"Q{rank}"
