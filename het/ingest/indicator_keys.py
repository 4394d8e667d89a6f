"""A file's indicator keys (Fingertips IDs, indicator_ids, column headers) matched to the catalogue."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from het.format import plural
from het.ingest.problems import quoted, shown
from het.ingest.row_checker import RowChecker
from het.ingest.text_codes import category_series, text_series


@dataclass
class ResolvedIndicators:
    """Each row's catalogue indicator (None when unknown or ignored), with the unknown ones listed.

    id_codes gives each row a dense code per resolved indicator (unknown and ignored rows share code 0).
    """

    indicator_id: pd.Series
    unknown: np.ndarray
    ignored: np.ndarray
    listing: pd.DataFrame  # source_key, source_name, rows, first_row
    id_codes: np.ndarray
    id_values: list  # indicator_id per code (None for code 0)


def resolve_indicators(
    encoded: tuple[np.ndarray, list[str]],
    *,
    index: pd.Index,
    lookup: dict[str, str],
    catalogue_ids: set[str],
    mapping: dict | None,
    checker: RowChecker,
    column: str,
    names: pd.Series | None = None,
    categorical: bool = False,
) -> ResolvedIndicators:
    """Match each row's indicator key (e.g. a Fingertips ID) to the catalogue, through the analyst's mapping.

    encoded: each row's code into the distinct keys (see codes()). mapping: source key -> catalogue
    indicator_id, or None to set the rows aside. An unmapped key the catalogue does not know is one error
    naming the key, its name, the rows affected and the first row. categorical: indicator_id as a
    category_series (else str).
    """
    mapping = {str(k).strip(): v for k, v in (mapping or {}).items()}
    key_index, values = encoded
    resolved: list[str | None] = []
    state: list[int] = []  # 0 known, 1 unknown, 2 ignored
    for key in values:
        if key not in mapping:  # the catalogue's own match, if any
            resolved.append(lookup.get(key))
            state.append(0 if key in lookup else 1)
            continue
        target = mapping[key]
        if target is None or not str(target).strip():  # mapped to nothing: set aside on purpose
            resolved.append(None)
            state.append(2)
        elif str(target).strip() in catalogue_ids:
            resolved.append(str(target).strip())
            state.append(0)
        else:
            checker.error(
                f"the mapping for indicator {quoted(key)} names {quoted(target)}, which is not in the catalogue",
                column=column,
            )
            resolved.append(None)
            state.append(1)
    row_state = (
        np.array(state or [0], dtype=np.int8)[key_index] if len(key_index) else np.zeros(0, dtype=np.int8)
    )
    id_values: list = [None]
    id_of: dict[str, int] = {}
    per_key = np.array([id_of.setdefault(r, len(id_of) + 1) if r is not None else 0 for r in resolved] or [0])
    id_values += list(id_of)
    id_codes = per_key[key_index] if len(key_index) else np.zeros(0, dtype=np.int64)
    unknown = row_state == 1
    ignored = row_state == 2
    listing_rows = []
    for code, key in enumerate(values):
        if state[code] != 1:
            continue
        positions = np.flatnonzero(key_index == code)
        name = " ".join(str(names.iat[positions[0]]).split()) if names is not None else ""
        first_row = int(checker.rows[positions[0]])
        listing_rows.append(
            {"source_key": key, "source_name": name, "rows": len(positions), "first_row": first_row}
        )
        label = quoted(key) + (f" ({shown(name)})" if name else "")
        checker.error(
            f"indicator {label} is not in the catalogue ({plural(len(positions), 'row')}): map it to a catalogue "
            "indicator or add it as a local indicator",
            row=first_row,
            column=column,
        )
    checker.bad |= unknown
    if ignored.any():
        ignored_keys = sorted({values[c] for c in range(len(values)) if state[c] == 2})
        checker.warning(
            f"{plural(int(ignored.sum()), 'row')} of {'indicator' if len(ignored_keys) == 1 else 'indicators'} {', '.join(ignored_keys)} set aside at the analyst's "
            "request (mapped to no indicator)",
            column=column,
        )
    listing = pd.DataFrame(listing_rows, columns=["source_key", "source_name", "rows", "first_row"])
    return ResolvedIndicators(
        (category_series if categorical else text_series)(resolved, key_index, index),
        unknown,
        ignored,
        listing,
        id_codes,
        id_values,
    )
