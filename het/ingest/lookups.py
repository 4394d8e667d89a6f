"""Reference frames (the catalogue's indicators, the areas) read as {key: value} lookups."""

from __future__ import annotations

import pandas as pd


def lookup_dict(frame: pd.DataFrame, column: str, key: str = "indicator_id") -> dict:
    """{key: column} for a reference frame (empty when the frame lacks the column)."""
    if column not in frame.columns or key not in frame.columns:
        return {}
    pairs = frame[[key, column]].drop_duplicates(key)
    return {str(k): v for k, v in zip(pairs[key], pairs[column], strict=True) if pd.notna(v)}
