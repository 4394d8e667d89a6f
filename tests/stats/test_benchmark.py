"""Benchmarking: every label, by hand, against an area interval of [8, 12] (99.8%: [6, 14])."""

import numpy as np
import pandas as pd
import pytest

from het.stats.benchmark import (
    BETTER,
    HIGHER,
    LABEL_ORDER,
    LOWER,
    MUCH_BETTER,
    MUCH_WORSE,
    NOT_COMPARED,
    SIMILAR,
    WORSE,
    compare_rows,
    compare_with_benchmark,
    normalise_polarity,
)

# The area: value 10, 95% interval [8, 12], 99.8% interval [6, 14].
# Benchmarks, and where each sits against that interval:
#   5  -> below 6, so the area is higher beyond 99.8%
#   7  -> between 6 and 8: the area is higher at 95% only
#   8  -> on the lower limit: inside (inclusive), similar
#   10 -> inside, similar
#   12 -> on the upper limit: inside, similar
#   13 -> between 12 and 14: the area is lower at 95% only
#   15 -> above 14: the area is lower beyond 99.8%
BENCHMARKS = np.array([5, 7, 8, 10, 12, 13, 15])
N = len(BENCHMARKS)


def one_level(polarity):
    return list(compare_with_benchmark(np.full(N, 10), 8, 12, BENCHMARKS, polarity=polarity))


def two_level(polarity):
    return list(
        compare_with_benchmark(np.full(N, 10), 8, 12, BENCHMARKS, polarity=polarity, lower998=6, upper998=14)
    )


def test_one_level_high_is_good():
    assert one_level("high is good") == [BETTER, BETTER, SIMILAR, SIMILAR, SIMILAR, WORSE, WORSE]


def test_one_level_low_is_good_reverses_better_and_worse():
    assert one_level("low is good") == [WORSE, WORSE, SIMILAR, SIMILAR, SIMILAR, BETTER, BETTER]


def test_one_level_no_judgement_says_higher_or_lower():
    assert one_level("no judgement") == [HIGHER, HIGHER, SIMILAR, SIMILAR, SIMILAR, LOWER, LOWER]


def test_two_levels_high_is_good():
    assert two_level("high is good") == [MUCH_BETTER, BETTER, SIMILAR, SIMILAR, SIMILAR, WORSE, MUCH_WORSE]


def test_two_levels_low_is_good():
    assert two_level("low is good") == [MUCH_WORSE, WORSE, SIMILAR, SIMILAR, SIMILAR, BETTER, MUCH_BETTER]


def test_two_levels_no_judgement_has_no_much_labels():
    assert two_level("no judgement") == [HIGHER, HIGHER, SIMILAR, SIMILAR, SIMILAR, LOWER, LOWER]


def test_labels_are_the_plain_words():
    assert LABEL_ORDER == (
        "much better",
        "better",
        "similar",
        "worse",
        "much worse",
        "higher",
        "lower",
        "not compared",
    )


@pytest.mark.parametrize(
    "missing",
    ["value", "lower95", "upper95", "benchmark", "lower998", "upper998"],
)
def test_any_missing_input_is_not_compared(missing):
    # Benchmark 5 would otherwise give 'much better' (see BENCHMARKS).
    args = {
        "value": 10.0,
        "lower95": 8.0,
        "upper95": 12.0,
        "benchmark": 5.0,
        "lower998": 6.0,
        "upper998": 14.0,
    }
    assert compare_with_benchmark(**{**args, "polarity": "high is good"}) == MUCH_BETTER
    args[missing] = np.nan
    assert compare_with_benchmark(**{**args, "polarity": "high is good"}) == NOT_COMPARED


def test_none_and_pandas_na_are_missing_too():
    values = pd.Series([10.0, None, 10.0], dtype="Float64")
    benchmark = pd.Series([5.0, 5.0, pd.NA], dtype="Float64")
    got = compare_with_benchmark(values, 8, 12, benchmark, polarity="high is good")
    assert list(got) == [BETTER, NOT_COMPARED, NOT_COMPARED]


def test_scalars_in_give_a_str_out():
    got = compare_with_benchmark(10, 8, 12, 13, polarity="low is good")
    assert isinstance(got, str)
    assert got == BETTER


def test_series_in_gives_an_object_array_out():
    got = compare_with_benchmark(
        pd.Series([10.0, 20.0]),
        pd.Series([8.0, 18.0]),
        pd.Series([12.0, 22.0]),
        pd.Series([13.0, 20.0]),
        polarity="high is good",
    )
    assert isinstance(got, np.ndarray)
    assert got.dtype == object
    assert list(got) == [WORSE, SIMILAR]


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("RAG - High is good", "high is good"),
        ("RAG - Low is good", "low is good"),
        ("BOB - Blue orange blue", "no judgement"),
        ("Not applicable", "no judgement"),
        ("RAG - High is good   ", "high is good"),
        ("  Not applicable ", "no judgement"),
        ("High is good", "high is good"),
        ("no judgement", "no judgement"),
    ],
)
def test_fingertips_polarity_spellings(spelling, expected):
    assert normalise_polarity(spelling) == expected
    # Benchmark 7 is below the interval [8, 12]: the area is higher.
    label = compare_with_benchmark(10, 8, 12, 7, polarity=spelling)
    assert label == {"high is good": BETTER, "low is good": WORSE, "no judgement": HIGHER}[expected]


def test_polarity_per_element():
    polarity = pd.Series(["RAG - High is good ", "RAG - Low is good", "BOB - Blue orange blue"])
    got = compare_with_benchmark([10, 10, 10], [8, 8, 8], [12, 12, 12], 7, polarity=polarity)
    assert list(got) == [BETTER, WORSE, HIGHER]


def test_unknown_polarity_is_refused_by_name():
    with pytest.raises(
        ValueError, match=r"unknown polarity 'higher is better'; expected one of high is good"
    ):
        compare_with_benchmark(10, 8, 12, 7, polarity="higher is better")


def test_unknown_polarity_in_an_array_names_the_row():
    with pytest.raises(ValueError, match=r"unknown polarity None in row 1"):
        compare_with_benchmark([10, 10], 8, 12, 7, polarity=["low is good", None])


def test_only_one_998_limit_is_refused():
    with pytest.raises(ValueError, match="give both lower998 and upper998"):
        compare_with_benchmark(10, 8, 12, 7, polarity="low is good", lower998=6)


def test_reversed_interval_is_refused():
    with pytest.raises(ValueError, match=r"lower95 is above upper95 in row 1: 12 > 8"):
        compare_with_benchmark([10, 10], [8, 12], [12, 8], 7, polarity="low is good")


@pytest.mark.parametrize("categorical", [False, True], ids=["text polarity", "categorical polarity"])
def test_compare_rows_agrees_with_the_rule_row_by_row(categorical):
    """compare_rows (the gap engine's many-row form: two levels where a row has both 99.8% limits) gives,
    for every row, what compare_with_benchmark gives that row alone, on random rows with missing parts."""
    rng = np.random.default_rng(7)
    n = 4000
    value = rng.normal(50, 10, n)
    half95, extra = rng.uniform(0, 8, n), rng.uniform(0, 6, n)
    rows = pd.DataFrame(
        {
            "value": value,
            "lower_ci95": value - half95,
            "upper_ci95": value + half95,
            "lower_ci998": value - half95 - extra,
            "upper_ci998": value + half95 + extra,
            "benchmark_value": value + rng.normal(0, 10, n),
            "polarity": rng.choice(["high is good", "low is good", "no judgement", "RAG - Low is good"], n),
        }
    )
    for column in ["value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998", "benchmark_value"]:
        rows.loc[rng.random(n) < 0.08, column] = np.nan
    if categorical:
        rows["polarity"] = rows["polarity"].astype("category")
    labels = compare_rows(rows)
    for i, r in enumerate(rows.itertuples(index=False)):
        two = not (np.isnan(r.lower_ci998) or np.isnan(r.upper_ci998))
        limits = dict(lower998=r.lower_ci998, upper998=r.upper_ci998) if two else {}
        expected = compare_with_benchmark(
            r.value, r.lower_ci95, r.upper_ci95, r.benchmark_value, polarity=str(r.polarity), **limits
        )
        assert labels[i] == expected, (i, r)
    assert {MUCH_BETTER, MUCH_WORSE, BETTER, WORSE, SIMILAR, HIGHER, LOWER, NOT_COMPARED} <= set(labels)


def test_compare_rows_refuses_reversed_998_limits_only_where_they_are_used():
    rows = pd.DataFrame(
        {
            "value": [10.0, 10.0],
            "lower_ci95": [9.0, 9.0],
            "upper_ci95": [11.0, 11.0],
            "lower_ci998": [12.0, np.nan],
            "upper_ci998": [8.0, 8.0],
            "benchmark_value": [10.0, 10.0],
            "polarity": ["high is good", "high is good"],
        }
    )
    with pytest.raises(ValueError, match="lower998 is above upper998"):
        compare_rows(rows)
    assert list(compare_rows(rows.iloc[[1]])) == [SIMILAR]  # one 99.8% limit only: compared at 95%
