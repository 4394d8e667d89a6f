"""het.derived.codes: the gap engine's integer keys agree with pandas' own grouping and lookups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from het.derived.codes import combined, numbered, shared_codes


def random_frame(rng, n=3000, categorical=False):
    frame = pd.DataFrame(
        {
            "area": rng.choice(["E06000032", "E92000001", "E05000001", None], n),
            "sex": rng.choice(["Persons", "Male", "Female"], n),
            "period": rng.choice([20190000, 20200000, 20210000], n),
            "rank": rng.choice([1.0, 2.0, 3.0, np.nan], n),
        }
    )
    if categorical:
        frame["area"] = frame["area"].astype("category")
        frame["sex"] = pd.Categorical(frame["sex"], categories=["Unused", "Female", "Male", "Persons"])
    return frame


@pytest.mark.parametrize("categorical", [False, True])
def test_numbered_is_ngroup_in_order_of_first_appearance(categorical):
    frame = random_frame(np.random.default_rng(3), categorical=categorical)
    columns = ["area", "sex", "period", "rank"]
    expected = frame.groupby(columns, sort=False, observed=True, dropna=False).ngroup().to_numpy()
    assert (numbered(frame, columns) == expected).all()


def test_shared_codes_number_equal_values_alike_across_columns():
    areas = pd.Series(pd.Categorical(["a", "b", None, "c"]))
    parents = pd.Series(pd.Categorical(["c", "d", "a", None]))
    (a, p), values = shared_codes(areas, parents)
    assert [values[i] if i >= 0 else None for i in a] == ["a", "b", None, "c"]
    assert [values[i] if i >= 0 else None for i in p] == ["c", "d", "a", None]
    (plain, _), plain_values = shared_codes(pd.Series(["x", None, "y"]), pd.Series(["y"]))
    assert [plain_values[i] if i >= 0 else None for i in plain] == ["x", None, "y"]


def test_combined_keys_are_distinct_per_combination_and_refuse_to_overflow():
    a, b = np.array([0, 1, -1, 1]), np.array([2, 0, 2, 0])
    key = combined([a, b], [3, 4])
    assert key[1] == key[3] and len(set(key.tolist())) == 3
    assert combined([a, b], [2**40, 2**40]) is None
