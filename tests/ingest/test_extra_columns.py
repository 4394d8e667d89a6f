"""Unmodelled columns kept as JSON: built once per distinct value for repeating texts, row by row in Arrow
for columns of mostly distinct texts; both give exactly what json.dumps gives."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from het.ingest.extra_columns import extra_json

TRICKY = [
    "plain",
    '  padded "quotes"  ',
    "back\\slash",
    "line\nbreak\tand\rreturn",
    "bell\x07 and \x1f unit",
    "form\x0cfeed\x08back",
    "accents: Luton é ü — 北",
    "",
    "   ",
    None,
    "{not: json}",
]


def expected(frame: pd.DataFrame, columns: list[str]) -> list[str | None]:
    out = []
    for row in frame.itertuples(index=False):
        kept = {c: v.strip() for c, v in zip(columns, row, strict=True) if isinstance(v, str) and v.strip()}
        out.append(json.dumps(kept, ensure_ascii=False, separators=(", ", ": ")) if kept else None)
    return out


@pytest.mark.parametrize("dtype", ["str", "category"])
def test_extra_json_is_json_dumps_of_the_non_blank_cells(dtype):
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {
            "note": rng.choice(np.array(TRICKY, dtype=object), 400),
            'odd "name"': rng.choice(np.array(TRICKY, dtype=object), 400),
        }
    ).astype(dtype)
    got = extra_json(frame, list(frame.columns))
    found = [None if pd.isna(v) else str(v) for v in got]
    assert found == expected(frame.astype(object).where(frame.notna(), None), list(frame.columns))
    for text in filter(None, found):
        json.loads(text)  # every one is valid JSON


def test_a_column_of_a_million_distinct_notes_costs_arrow_text_not_python_strings():
    """The row-by-row path is taken for plain text columns and keeps the row order and blanks."""
    notes = pd.Series([f"row {i}" if i % 3 else "" for i in range(200_000)], dtype="str")
    got = extra_json(pd.DataFrame({"note": notes}), ["note"])
    assert (
        got.iloc[1] == '{"note": "row 1"}'
        and pd.isna(got.iloc[0])
        and got.iloc[-1] == '{"note": "row 199999"}'
    )
    assert not isinstance(got.dtype, pd.CategoricalDtype)
