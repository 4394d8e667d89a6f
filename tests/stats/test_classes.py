"""Map classes: quantile bounds against numpy's percentiles, equal intervals and natural breaks by hand."""

import math
import re

import numpy as np
import pytest

from het.stats.classes import (
    EQUAL_INTERVALS,
    NATURAL_BREAKS,
    NO_CLASS,
    NO_VALUE,
    QUANTILES,
    SCHEMES,
    MapClasses,
    classify,
)

WARDS = np.array([12.3, 18.0, 15.6, 22.9, 9.4, 30.1, 14.2, 19.7, 25.5, 11.8, 16.4, 27.0, 13.1, 20.8, 17.5])


def test_schemes_in_the_order_a_control_offers_them():
    assert SCHEMES == ("quantiles", "equal intervals", "natural breaks")


@pytest.mark.parametrize("k", [2, 3, 4, 5, 7])
def test_quantile_bounds_are_numpy_percentiles(k):
    result = classify(WARDS, scheme=QUANTILES, k=k)
    expected = np.percentile(WARDS, np.arange(1, k + 1) * 100 / k)
    np.testing.assert_allclose(result.bounds, expected, rtol=1e-12)
    assert result.k == k and result.requested_k == k
    # every value sits in the class whose (lower, upper] holds it, the smallest in class 0
    for value, index in zip(WARDS, result.classes, strict=True):
        assert result.lower_bounds[index] <= value <= result.bounds[index]
        assert index == 0 or value > result.lower_bounds[index]


def test_quantiles_put_equal_numbers_in_each_class_when_they_can():
    result = classify(np.arange(1.0, 21.0), scheme=QUANTILES, k=4)
    # 1..20: percentiles 25, 50, 75, 100 = 5.75, 10.5, 15.25, 20
    assert result.bounds == (5.75, 10.5, 15.25, 20.0)
    assert np.bincount(result.classes).tolist() == [5, 5, 5, 5]


def test_equal_interval_bounds_by_hand():
    # 9.4 .. 30.1: range 20.7, width 20.7 / 3 = 6.9 -> upper bounds 16.3, 23.2, 30.1
    result = classify(WARDS, scheme=EQUAL_INTERVALS, k=3)
    np.testing.assert_allclose(result.bounds, [16.3, 23.2, 30.1], rtol=1e-12)
    assert result.lower_bounds[0] == 9.4
    assert result.labels == ("9.4 to 16.3", "16.3 to 23.2", "23.2 to 30.1")
    # 9.4, 11.8, 12.3, 13.1, 14.2, 15.6 | 16.4, 17.5, 18.0, 19.7, 20.8, 22.9 | 25.5, 27.0, 30.1
    assert np.bincount(result.classes).tolist() == [6, 6, 3]
    assert result.value_labels[list(WARDS).index(16.4)] == "16.3 to 23.2"


def test_natural_breaks_split_between_the_clusters():
    values = [1, 2, 3, 10, 11, 12, 30, 31]
    result = classify(values, scheme=NATURAL_BREAKS, k=3)
    assert result.classes == (0, 0, 0, 1, 1, 1, 2, 2)
    assert result.bounds == (3.0, 12.0, 31.0)
    assert result.labels == ("1.0 to 3.0", "3.0 to 12.0", "12.0 to 31.0")
    # the same values in another order give the same classes, value by value
    shuffled = [31, 10, 2, 30, 12, 1, 11, 3]
    again = classify(shuffled, scheme=NATURAL_BREAKS, k=3)
    assert again.bounds == result.bounds
    assert again.classes == (2, 1, 0, 2, 1, 0, 1, 0)


def test_labels_use_the_given_decimals_and_thousands_separators():
    result = classify([1234.5, 2000.25, 5678.9, 9999.0], scheme=EQUAL_INTERVALS, k=2, decimals=0)
    # 1234.5 .. 9999: width 4382.25 -> bound 5616.75
    assert result.labels == ("1,234 to 5,617", "5,617 to 9,999")  # 1234.5 rounds half to even
    two = classify(WARDS, scheme=EQUAL_INTERVALS, k=3, decimals=2)
    assert two.labels[0] == "9.40 to 16.30"


def test_missing_values_are_kept_in_place_without_a_class():
    values = [5.0, math.nan, 1.0, None, 9.0]
    result = classify(values, scheme=QUANTILES, k=2)
    assert result.classes[1] == NO_CLASS and result.classes[3] == NO_CLASS
    assert result.value_labels[1] == NO_VALUE == "no value"
    assert len(result.classes) == len(result.value_labels) == 5
    # the missing values do not move the bounds: 1, 5, 9 -> 50th and 100th percentiles 5 and 9
    assert result.bounds == (5.0, 9.0)
    assert [result.classes[i] for i in (0, 2, 4)] == [0, 0, 1]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_fewer_distinct_values_than_k_reduces_k(scheme):
    values = [2.0, 2.0, 7.0, 7.0, 7.0, 11.0]
    result = classify(values, scheme=scheme, k=5)
    assert result.requested_k == 5
    assert result.k == 3 == len(result.bounds) == len(result.labels)
    assert result.bounds[-1] == 11.0
    assert sorted(set(result.classes)) == [0, 1, 2]


def test_natural_breaks_with_three_values_and_k_5_puts_each_value_in_its_own_class():
    result = classify([2.0, 2.0, 7.0, 7.0, 7.0, 11.0], scheme=NATURAL_BREAKS, k=5)
    assert result.bounds == (2.0, 7.0, 11.0)
    assert result.labels == ("2.0", "2.0 to 7.0", "7.0 to 11.0")
    assert result.classes == (0, 0, 1, 1, 1, 2)


def test_ties_merge_equal_quantiles():
    # 1, 1, 1, 1, 2, 2, 5, 5: 3 distinct values, so k = 3; the 33.3rd, 66.7th and 100th percentiles
    # are 1, 2 and 5.
    values = [1, 1, 1, 1, 2, 2, 5, 5]
    assert classify(values, scheme=QUANTILES, k=3).bounds == (1.0, 2.0, 5.0)
    # 8 values, 4 distinct, k = 4: the 25th, 50th, 75th and 100th percentiles are 1, 1, 2.5 and 5
    # (the 75th: position 0.75 x 7 = 5.25, between 2 and 4), so the two 1s merge into one bound.
    tied = [1, 1, 1, 1, 1, 2, 4, 5]
    expected = np.unique(np.percentile(tied, [25, 50, 75, 100]))
    result = classify(tied, scheme=QUANTILES, k=4)
    assert result.bounds == (1.0, 2.5, 5.0)
    np.testing.assert_allclose(result.bounds, expected)
    assert result.k == len(expected) == 3 and result.requested_k == 4
    assert result.classes[:5] == (0, 0, 0, 0, 0)


def test_one_distinct_value_makes_one_class():
    result = classify([4.0, 4.0, math.nan], scheme=EQUAL_INTERVALS, k=5)
    assert (result.k, result.bounds, result.labels) == (1, (4.0,), ("4.0",))
    assert result.classes == (0, 0, NO_CLASS)


def test_result_is_frozen_and_holds_plain_tuples():
    result = classify(WARDS, scheme=QUANTILES)
    assert isinstance(result, MapClasses) and result.k == 5
    assert all(
        isinstance(x, tuple) for x in (result.bounds, result.labels, result.classes, result.value_labels)
    )
    with pytest.raises(AttributeError):
        result.k = 3  # type: ignore[misc]


def test_no_minus_zero_in_labels():
    result = classify([-0.04, 0.3, 1.0], scheme=EQUAL_INTERVALS, k=2)
    assert result.labels[0].startswith("0.0 to ")


ERRORS = [
    (
        lambda: classify(WARDS, scheme="jenks"),
        "unknown map class scheme 'jenks'; expected one of 'quantiles', 'equal intervals', 'natural breaks'",
    ),
    (lambda: classify(WARDS, scheme=QUANTILES, k=1), "a map needs at least 2 classes; got k = 1"),
    (lambda: classify(WARDS, scheme=QUANTILES, k=2.5), "a map needs at least 2 classes; got k = 2.5"),
    (
        lambda: classify([math.nan, None, math.nan], scheme=QUANTILES),
        "map classes need at least one value; all 3 are missing",
    ),
    (lambda: classify([], scheme=QUANTILES), "map classes need at least one value; got none"),
    (lambda: classify([1.0, math.inf], scheme=QUANTILES), "map classes need finite values; row 1 is inf"),
    (
        lambda: classify(WARDS, scheme=QUANTILES, decimals=-1),
        "decimals must be a whole number, 0 or more; got -1",
    ),
]


@pytest.mark.parametrize(("call", "message"), ERRORS, ids=[message for _, message in ERRORS])
def test_error_messages(call, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        call()
