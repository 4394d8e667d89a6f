"""The columns het does not model, kept with each observation as JSON (its `extra`)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from het.ingest.text_codes import arrow, codes, combine_codes, first_positions

# json.dumps(text, ensure_ascii=False) escapes these (the backslash first); other control characters
# become \u00XX.
_JSON_ESCAPES = [
    ("\\", "\\\\"),
    ('"', '\\"'),
    ("\n", "\\n"),
    ("\r", "\\r"),
    ("\t", "\\t"),
    ("\b", "\\b"),
    ("\f", "\\f"),
]


def extra_json(raw: pd.DataFrame, columns: list[str], index: pd.Index | None = None) -> pd.Series:
    """Unmodelled columns kept as one JSON object per row ({"column": "text"}; blank cells left out).

    Missing (NA) when a row has nothing to keep. The JSON is built once per distinct combination of
    the columns' values (few, in practice) and returned as a categorical column (DuckDB reads it as an
    ENUM, cast to VARCHAR on insert).
    """
    index = raw.index if index is None else index
    if not columns or raw.empty:
        return pd.Series(
            pd.Categorical([None] * len(index), categories=pd.Index([], dtype="str")), index=index
        )
    if not all(isinstance(raw[col].dtype, pd.CategoricalDtype) for col in columns):
        # A column of mostly distinct texts (the reader keeps those as plain text): one JSON per row,
        # built in Arrow, instead of a Python string per distinct value (a million of them, ~100 MB each).
        return _json_by_row(raw, columns, index)
    dictionaries, parts = [], []
    encoded = [codes(raw[col]) for col in columns]  # their own codes: nothing to hash
    for part, values in encoded:
        dictionaries.append([v.strip() for v in values])
        parts.append(part)
    combined = combine_codes([(part, len(d)) for part, d in zip(parts, dictionaries, strict=True)])
    first = first_positions(combined)
    names = [json.dumps(c, ensure_ascii=False) for c in columns]
    texts: list[str | None] = []
    for position in first:
        fields = [
            f"{name}: {json.dumps(text, ensure_ascii=False)}"
            for name, dictionary, part in zip(names, dictionaries, parts, strict=True)
            if (text := dictionary[part[position]])
        ]
        texts.append("{" + ", ".join(fields) + "}" if fields else None)
    # A categorical column: each distinct JSON text is held once (they repeat across rows).
    categories: dict[str, int] = {}
    lookup = np.array(
        [-1 if t is None else categories.setdefault(t, len(categories)) for t in texts], dtype=np.int64
    )
    values = pd.Categorical.from_codes(lookup[combined], categories=pd.Index(list(categories), dtype="str"))
    return pd.Series(values, index=index)


def _json_by_row(raw: pd.DataFrame, columns: list[str], index: pd.Index) -> pd.Series:
    """extra_json's JSON objects, row by row in Arrow (the same text json.dumps gives), as a str column."""
    fields = []
    for column in columns:
        text = pc.utf8_trim_whitespace(arrow(raw[column]).cast(pa.large_string()))
        name = _text(json.dumps(column, ensure_ascii=False) + ": ")
        field = pc.binary_join_element_wise(name, _json_string(text), _text(""))
        fields.append(pc.if_else(pc.equal(text, ""), _text(None), field))
    # The fields present, joined with ", " (null where none is): pairwise, as join's "skip" drops rows.
    present = fields[0]
    for field in fields[1:]:
        present = pc.coalesce(pc.binary_join_element_wise(present, field, _text(", ")), present, field)
    joined = pc.binary_join_element_wise(_text("{"), present, _text("}"), _text(""))
    if isinstance(joined, pa.ChunkedArray):
        joined = joined.combine_chunks()
    return pd.Series(joined, index=index, dtype=pd.ArrowDtype(joined.type), copy=False).astype("str")


def _json_string(text):
    """Each text as a JSON string literal, as json.dumps(text, ensure_ascii=False) spells it."""
    for plain, escaped in _JSON_ESCAPES:
        text = pc.replace_substring(text, plain, escaped)
    if pc.any(pc.match_substring_regex(text, "[\\x00-\\x1f]")).as_py():
        for code in range(32):
            if chr(code) not in "\n\r\t\b\f":
                text = pc.replace_substring(text, chr(code), f"\\u{code:04x}")
    return pc.binary_join_element_wise(_text('"'), text, _text('"'), _text(""))


def _text(value: str | None) -> pa.Scalar:
    return pa.scalar(value, pa.large_string())
