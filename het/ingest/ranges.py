"""Values within their limits and ranges: confidence limits, proportions, counts against denominators."""

from __future__ import annotations

import numpy as np
import pandas as pd

from het.ingest.lookups import lookup_dict
from het.ingest.problems import WARNING
from het.ingest.row_checker import RowChecker
from het.ingest.text_codes import codes


def check_limits(out: pd.DataFrame, checker: RowChecker, names: dict[str, str]) -> None:
    """Lower limit <= value <= upper limit, at 95% and 99.8%; and lower <= upper."""
    for low, high, level in [("lower_ci95", "upper_ci95", "95%"), ("lower_ci998", "upper_ci998", "99.8%")]:
        checker.flag(
            out[low] > out["value"],
            names.get(low, low),
            lambda i, c=low, lv=level: (
                f"lower {lv} limit {out[c].iat[i]:g} is above the value {out['value'].iat[i]:g}"
            ),
        )
        checker.flag(
            out["value"] > out[high],
            names.get(high, high),
            lambda i, c=high, lv=level: (
                f"upper {lv} limit {out[c].iat[i]:g} is below the value {out['value'].iat[i]:g}"
            ),
        )
        checker.flag(
            out["value"].isna() & (out[low] > out[high]),
            names.get(low, low),
            lambda i, lo=low, hi=high, lv=level: (
                f"lower {lv} limit {out[lo].iat[i]:g} is above the upper limit {out[hi].iat[i]:g}"
            ),
        )


def check_ranges(
    out: pd.DataFrame,
    checker: RowChecker,
    names: dict[str, str],
    indicators: pd.DataFrame,
    *,
    ids: tuple[np.ndarray, list] | None = None,
) -> None:
    """Proportions within 0..multiplier; counts and denominators not negative; count <= denominator.

    A count above its denominator is an error for proportions (impossible) and for indicators whose
    value type is unknown, and a warning for rates and other types (events can outnumber people).
    """
    value_types = lookup_dict(indicators, "value_type")
    multipliers = {k: float(v) for k, v in lookup_dict(indicators, "multiplier").items() if pd.notna(v)}
    type_codes, type_values = codes(out["indicator_id"]) if ids is None else ids
    kinds = [value_types.get(v) for v in type_values] or [None]  # per indicator, then spread to the rows
    top = np.array([multipliers.get(v, np.nan) for v in type_values] or [np.nan], dtype=float)[type_codes]
    proportion = np.array([k == "proportion" for k in kinds])[type_codes] & ~np.isnan(top)
    if proportion.any():
        for col in ["value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998"]:
            values = out[col].to_numpy()
            outside = proportion & ((values < 0) | (values > top))
            checker.flag(
                outside,
                names.get(col, col),
                lambda i, c=col: (
                    f"{out[c].iat[i]:g} is outside 0 to {top[i]:g} for a proportion "
                    f"(indicator {out['indicator_id'].iat[i]})"
                ),
            )
    for col in ["count", "denominator"]:
        checker.flag(out[col] < 0, names.get(col, col), lambda i, c=col: f"{out[c].iat[i]:g} is negative")
    over = (out["count"] > out["denominator"]).to_numpy() & (out["denominator"] >= 0).to_numpy()
    strict = np.array([k is None or k == "proportion" for k in kinds])[type_codes]

    def message(i: int) -> str:
        return f"count {out['count'].iat[i]:g} is larger than the denominator {out['denominator'].iat[i]:g}"

    checker.flag(over & strict, names.get("count", "count"), message)
    checker.flag(over & ~strict, names.get("count", "count"), message, level=WARNING)
