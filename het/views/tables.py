"""Display tables for the Data and methods page: the catalogue and the extract register."""

from __future__ import annotations

import pandas as pd

from het.store import ROOT

SOURCES_FILE = ROOT / "data" / "SOURCES.md"
METHODS_FILE = ROOT / "docs" / "methods.md"
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0; "
    "contains OS data © Crown copyright and database right; "
    "source: Office for National Statistics (ONS), MHCLG, OHID/PHE."
)


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
