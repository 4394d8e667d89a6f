"""het.stats.groups numbers groups exactly as pandas' groupby does, on the kinds of key columns the engine sees."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from het.stats.groups import first_rows, group_numbers


def _random_frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    words = np.array(["b", "a", "Males", "Persons", "é", "", "10-14 yrs"], dtype=object)
    text = words[rng.integers(0, len(words), n)].astype(object)
    text[rng.random(n) < 0.1] = None
    shuffled = list(rng.permutation(words))  # categories in no sorted order: groupby follows them
    category = pd.Categorical(words[rng.integers(0, len(words), n)], categories=shuffled)
    category[rng.random(n) < 0.1] = np.nan
    floats = rng.integers(0, 4, n).astype(float)
    floats[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame(
        {
            "text": text,
            "arrow": pd.array(words[rng.integers(0, len(words), n)], dtype="str"),
            "category": category,
            "number": rng.integers(-3, 3, n),
            "float": floats,
            "flag": rng.random(n) < 0.5,
        }
    )


@pytest.mark.parametrize("seed", range(12))
def test_group_numbers_equal_groupby_ngroup(seed):
    rng = np.random.default_rng(seed)
    frame = _random_frame(rng, int(rng.integers(1, 400)))
    columns = list(frame.columns)
    keys = list(rng.choice(columns, size=int(rng.integers(1, len(columns) + 1)), replace=False))
    for sort in (True, False):
        expected = frame.groupby(keys, sort=sort, dropna=False, observed=True).ngroup().to_numpy()
        np.testing.assert_array_equal(group_numbers(frame, keys, sort=sort), expected)


@pytest.mark.parametrize("seed", range(4))
def test_group_numbers_equal_groupby_ngroup_when_the_possible_keys_are_too_many_to_mark(seed):
    # Three columns of ~200 distinct values each: 8 million possible keys for 2,000 rows, so the keys
    # present are hashed and sorted instead of marked in an array of every possible key.
    rng = np.random.default_rng(seed)
    n = 2_000
    frame = pd.DataFrame(
        {
            "a": rng.integers(0, 200, n),
            "b": pd.Categorical(rng.integers(0, 200, n).astype(str)),
            "c": pd.array(rng.integers(0, 200, n).astype(str), dtype="str"),
        }
    )
    frame.loc[rng.random(n) < 0.05, "c"] = None
    keys = ["a", "b", "c"]
    for sort in (True, False):
        expected = frame.groupby(keys, sort=sort, dropna=False, observed=True).ngroup().to_numpy()
        np.testing.assert_array_equal(group_numbers(frame, keys, sort=sort), expected)


def test_mixed_types_fall_back_to_pandas():
    frame = pd.DataFrame({"mixed": pd.Series([1, "a", 1, "a"], dtype=object), "n": [1, 1, 2, 1]})
    expected = frame.groupby(["mixed", "n"], sort=True, dropna=False, observed=True).ngroup().to_numpy()
    np.testing.assert_array_equal(group_numbers(frame, ["mixed", "n"]), expected)


def test_no_keys_is_one_group_and_first_rows():
    frame = pd.DataFrame({"a": [3, 1, 3, 2, 1]})
    assert group_numbers(frame, []).tolist() == [0, 0, 0, 0, 0]
    group = group_numbers(frame, ["a"])
    assert group.tolist() == [2, 0, 2, 1, 0]
    assert first_rows(group, 3).tolist() == [1, 3, 0]
