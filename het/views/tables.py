"""Display tables for the Data and methods page: the catalogue and the extract register."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from het.store import ROOT

SOURCES_FILE = ROOT / "data" / "SOURCES.md"
METHODS_FILE = ROOT / "docs" / "methods.md"
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0; "
    "contains OS data © Crown copyright and database right; "
    "source: Office for National Statistics (ONS), MHCLG, OHID/PHE."
)


# The Sources tab, for people: where each kind of data comes from and its licence, in plain words. (The
# developers' file-by-file record, with commits and checks, is data/SOURCES.md beside the files.)
READER_SOURCES = """
**Indicator values** come from the extracts in the register: each one is a file an analyst loaded (an OHID
Fingertips download, a JSNA table, a KPI table) or the demonstration data. Each indicator's publisher is in
the catalogue's Source column. Fingertips data: Office for Health Improvement and Disparities (OHID),
Open Government Licence v3.0.

**Ward and neighbourhood boundaries**: ONS Open Geography Portal (generalised, clipped to the coastline) for
both ward sets and for the neighbourhoods (LSOAs, 2011 and 2021). Open Government Licence v3.0; contains OS
data © Crown copyright and database right.

**Which neighbourhoods make up each ward**: the ONS best-fit lookups from LSOAs to wards (LSOA 2011 to the
2019 wards, LSOA 2021 to the 2024 wards) and the ONS exact-fit lookup from LSOA 2011 to LSOA 2021. Open
Government Licence v3.0. Best fit means whole neighbourhoods are given to the ward holding most of their
people, so ward totals built from them are close to, not exactly, the ward's own.

**Deprivation**: the English Indices of Deprivation 2019 (Ministry of Housing, Communities and Local
Government), on the 2011 neighbourhoods, with their mid-2015 population denominators. Open Government
Licence v3.0.

**Ethnic groups**: ONS Census 2021, table TS021 (usual residents on 21 March 2021). ONS perturbs small
counts, so neighbourhood figures do not add up exactly to the authority's. Open Government Licence v3.0.

**Standardised rates** use the European Standard Population 2013 (Eurostat).

**Workstreams, actions, KPIs and logic models** come from the town's public Marmot Town material and from
edits made in het, each kept with who made it and when (the history on each workstream's page).

**The hex map** of wards is het's own hand-made layout (one cell per ward, neighbours kept next to each
other where possible), not a published product.
"""


def geography_described(source: str) -> str:
    """The store's geography source for a page: the pack's folder name, never the server's path to it
    ("geography pack /srv/het/luton-pack" -> "the geography pack in the folder “luton-pack”")."""
    if not source:
        return "not loaded"
    if source.startswith("geography pack "):
        return f"the geography pack in the folder “{Path(source.removeprefix('geography pack ')).name}”"
    if source.startswith("embedded ward summary"):
        return "the ward summary het ships (no geography pack loaded)"
    return "loaded"


def catalogue_table(catalogue: pd.DataFrame) -> pd.DataFrame:
    """The indicator catalogue as analysts read it."""
    frame = catalogue.rename(
        columns={
            "principle_short_label": "Principle",
            "name": "Indicator",
            "fingertips_id": "Fingertips ID",
            "unit": "Unit",
            "value_type": "Value type",
            "polarity": "Polarity",
            "periodicity": "Periods",
            "sexes": "Sexes",
            "age": "Age",
            "definition": "Definition",
            "source": "Source",
            "jsna_topic": "JSNA topic",
            "luton2040_priority": "Luton 2040 priority",
            "origin": "Origin",
        }
    )
    frame["Principle"] = frame["principle_id"].astype(str) + ". " + frame["Principle"].fillna("")
    return frame[
        [
            "Principle",
            "Indicator",
            "Fingertips ID",
            "Unit",
            "Value type",
            "Polarity",
            "Periods",
            "Sexes",
            "Age",
            "Definition",
            "Source",
            "JSNA topic",
            "Luton 2040 priority",
            "Origin",
            "indicator_id",
        ]
    ].rename(columns={"indicator_id": "het ID"})


def register_table(register: pd.DataFrame) -> pd.DataFrame:
    """The extract register: every load with who, when, format, counts and status."""
    frame = register.rename(
        columns={
            "extract_id": "Extract",
            "file_name": "File",
            "format": "Format",
            "source_kind": "Loaded via",
            "loaded_by": "Loaded by",
            "loaded_at": "Loaded at (UTC)",
            "rows_loaded": "Rows loaded",
            "rows_new": "New",
            "rows_revised": "Revised",
            "rows_unchanged": "Unchanged",
            "rows_rejected": "Rejected",
            "status": "Status",
            "withdrawn_at": "Withdrawn at (UTC)",
            "withdrawn_by": "Withdrawn by",
            "withdrawal_note": "Withdrawal note",
            "sha256": "SHA-256",
        }
    )
    return frame[
        [
            "Extract",
            "File",
            "Format",
            "Loaded via",
            "Loaded by",
            "Loaded at (UTC)",
            "Rows loaded",
            "New",
            "Revised",
            "Unchanged",
            "Rejected",
            "Status",
            "Withdrawn at (UTC)",
            "Withdrawn by",
            "Withdrawal note",
            "SHA-256",
        ]
    ]


def read_text_file(path) -> str:
    return (
        path.read_text(encoding="utf-8") if path.is_file() else f"({path.name} is missing from this install)"
    )


# Column labels for frames shown to people (a chart card's Table and Download): the chart's own frame keeps
# het's column names; people see these. A snake_case column not listed is spelt out ("n_groups" -> "N groups"
# would be poor, so list the ones that matter).
COLUMN_LABELS = {
    "area_code": "Area code",
    "area_name": "Area",
    "ward_code": "Ward code",
    "ward_name": "Ward",
    "ward_set": "Ward set",
    "indicator_id": "Indicator code",
    "indicator_name": "Indicator",
    "principle_id": "Principle",
    "period_label": "Period",
    "value": "Value",
    "value_text": "Value",
    "lower_ci95": "Lower 95% limit",
    "upper_ci95": "Upper 95% limit",
    "lower_ci998": "Lower 99.8% limit",
    "upper_ci998": "Upper 99.8% limit",
    "count": "Count",
    "denominator": "Denominator",
    "category": "Group",
    "category_rank": "Deprivation rank (1 = most deprived)",
    "ethnic_group": "Ethnic group",
    "comparison": "Compared with the benchmark",
    "benchmark": "Benchmark",
    "authority_value": "The authority's value",
    "counted_as": "Counted as",
    "n_groups": "Groups",
    "sii": "SII",
    "sii_lower95": "SII lower 95% limit",
    "sii_upper95": "SII upper 95% limit",
    "rii": "RII",
    "rii_lower95": "RII lower 95% limit",
    "rii_upper95": "RII upper 95% limit",
    "sex": "Sex",
    "age": "Age",
    "breakdown": "Breakdown",
    "population": "Population",
    "population_source": "Populations used",
}
# Columns that only order rows or drive a chart's encoding: not shown to people.
HIDDEN_COLUMNS = {"period_sort", "sex_rank", "indicator_rank", "dimension_rank"}


def people_label(column: str, *, unit: str | None = None) -> str:
    """A column's header as people read it (COLUMN_LABELS, else the name spelt out), with the unit on values."""
    spelt = str(column).replace("_", " ")
    label = COLUMN_LABELS.get(column) or (spelt.capitalize() if spelt == spelt.lower() else spelt)
    if unit and column in ("value", "authority_value"):
        label = f"{label} ({unit})"
    return label


def shown_columns(frame: pd.DataFrame) -> list[str]:
    """The frame's columns people see: not the sort keys and not the '_'-prefixed helpers."""
    return [c for c in frame.columns if c not in HIDDEN_COLUMNS and not str(c).startswith("_")]


def rounded_columns(frame: pd.DataFrame) -> list[str]:
    """The float columns shown to the indicator's decimal places (counts and populations stay whole)."""
    shown = set(shown_columns(frame))
    return [
        c
        for c, dtype in frame.dtypes.items()  # by dtype: a frame may repeat a column name
        if c in shown
        and pd.api.types.is_float_dtype(dtype)
        and c not in ("count", "denominator", "population")
    ]


def people_table(
    frame: pd.DataFrame, *, decimals: int | None = None, unit: str | None = None
) -> pd.DataFrame:
    """The frame as people read it (a download, or a table without a grid's column labels): labelled columns,
    no sort-key columns, the value columns rounded to `decimals` when given (a download keeps full
    precision) and the unit in the value's header."""
    out = frame[shown_columns(frame)].copy()
    if decimals is not None:
        for column in rounded_columns(out):
            out[column] = out[column].round(decimals)
    labels: dict[str, str] = {}
    taken = set(out.columns)
    for column in out.columns:
        label = people_label(column, unit=unit)
        if label != column and label in taken:  # e.g. principle_id beside a "Principle" column already there
            label = f"{label} ({str(column).replace('_', ' ')})"
        taken.add(label)
        labels[column] = label
    return out.rename(columns=labels)


def demo_is_active(register: pd.DataFrame) -> bool:
    """Whether the demonstration extract is active, from the extract register (queries/extract_register.sql)."""
    return bool(((register["source_kind"] == "demo") & (register["status"] == "active")).any())
