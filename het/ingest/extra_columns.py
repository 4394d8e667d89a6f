"""The columns het does not model, kept with each observation as JSON (its `extra`)."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from het.ingest.text_codes import codes, combine_codes, first_positions


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
    dictionaries, parts = [], []
    if all(isinstance(raw[col].dtype, pd.CategoricalDtype) for col in columns):
        encoded = [codes(raw[col]) for col in columns]  # their own codes: nothing to hash
    else:  # pyarrow releases the GIL while hashing, so the columns are encoded side by side
        with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
            encoded = list(pool.map(lambda col: codes(raw[col]), columns))
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
