"""Confidence intervals: hand-worked examples, and scipy root-finding on the Poisson cdf as an oracle."""

import math
import re
import warnings

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.stats import poisson

from het.stats import rate_ci, wilson_ci, z_for

Z95 = 1.959963984540054


def exact_poisson_oracle(r: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact Poisson limits from their definition, independent of the chi-squared identity in ci.py.

    Lower L solves P(X >= r | L) = a/2; upper U solves P(X <= r | U) = a/2.
    """
    half = (1 - confidence) / 2
    lower = 0.0 if r == 0 else brentq(lambda mu: poisson.sf(r - 1, mu) - half, 1e-12, 100, xtol=1e-12)
    upper = brentq(lambda mu: poisson.cdf(r, mu) - half, 1e-12, 100, xtol=1e-12)
    return lower, upper


# --- z ---------------------------------------------------------------------------------------------


def test_z_for_95_and_998():
    assert z_for(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_for(0.998) == pytest.approx(3.090232, abs=1e-6)


@pytest.mark.parametrize("confidence", [0, 1, 95, -0.5])
def test_z_for_refuses_levels_outside_0_1(confidence):
    with pytest.raises(ValueError, match=r"confidence must be between 0 and 1 \(e.g. 0.95\); got "):
        z_for(confidence)


# --- Wilson ----------------------------------------------------------------------------------------


def test_wilson_hand_worked_10_of_100():
    # r = 10, n = 100, z = 1.959963984540054, z^2 = 3.841458820694125
    # 2r + z^2                          = 23.841458820694125
    # z * sqrt(z^2 + 4*10*(1 - 0.1))    = 1.959964 * sqrt(39.841458820694125)
    #                                   = 1.959964 * 6.312009095422323 = 12.371310497117
    # 2(n + z^2)                        = 207.68291764138826
    # lower = (23.841459 - 12.371310) / 207.682918 = 0.0552291371
    # upper = (23.841459 + 12.371310) / 207.682918 = 0.1743656615
    lower, upper = wilson_ci(10, 100)
    assert lower == pytest.approx(0.0552291371, abs=1e-6)
    assert upper == pytest.approx(0.1743656615, abs=1e-6)


def test_wilson_zero_count_gives_lower_exactly_zero():
    lower, upper = wilson_ci(0, 50)
    assert lower == 0.0
    # upper = (z^2 + z^2) / (2(50 + z^2)) = z^2 / (50 + z^2)
    assert upper == pytest.approx(Z95**2 / (50 + Z95**2), abs=1e-12)


def test_wilson_all_count_gives_upper_exactly_one():
    lower, upper = wilson_ci(50, 50)
    assert upper == 1.0
    assert lower == pytest.approx(50 / (50 + Z95**2), abs=1e-12)


def test_wilson_is_symmetric_between_successes_and_failures():
    lower, upper = wilson_ci(np.array([3, 17, 40]), 60)
    flip_lower, flip_upper = wilson_ci(np.array([57, 43, 20]), 60)
    np.testing.assert_allclose(lower, 1 - flip_upper, atol=1e-12)
    np.testing.assert_allclose(upper, 1 - flip_lower, atol=1e-12)


def test_wilson_vectorised_matches_elementwise_and_keeps_shape():
    counts = np.array([0, 10, 25, 100])
    denominators = np.array([100, 100, 40, 100])
    lower, upper = wilson_ci(counts, denominators)
    assert lower.shape == upper.shape == (4,)
    for i in range(4):
        one_lower, one_upper = wilson_ci(counts[i], denominators[i])
        assert lower[i] == one_lower
        assert upper[i] == one_upper
    assert lower[0] == 0.0 and upper[3] == 1.0
    assert lower[1] == pytest.approx(0.0552291371, abs=1e-6)


def test_wilson_broadcasts_scalar_denominator_over_2d_counts():
    lower, upper = wilson_ci(np.array([[1, 2], [3, 4]]), 10)
    assert lower.shape == (2, 2)
    assert np.all(lower < np.array([[1, 2], [3, 4]]) / 10)
    assert np.all(upper > np.array([[1, 2], [3, 4]]) / 10)


def test_wilson_nan_propagates_without_error():
    lower, upper = wilson_ci(np.array([np.nan, 5.0, 5.0]), np.array([10.0, np.nan, 10.0]))
    assert np.isnan(lower[:2]).all() and np.isnan(upper[:2]).all()
    assert not np.isnan(lower[2]) and not np.isnan(upper[2])


def test_wilson_998_wider_than_95():
    lower95, upper95 = wilson_ci(np.array([5, 30, 70]), 100)
    lower998, upper998 = wilson_ci(np.array([5, 30, 70]), 100, confidence=0.998)
    assert np.all(lower998 < lower95)
    assert np.all(upper998 > upper95)


def test_wilson_error_count_above_denominator_names_the_row():
    message = "Wilson interval needs 0 <= count <= denominator; row 3 has count 12 > denominator 10"
    with pytest.raises(ValueError, match=re.escape(message)):
        wilson_ci(np.array([1, 2, 3, 12]), np.array([10, 10, 10, 10]))


def test_wilson_error_scalar_count_above_denominator():
    message = "Wilson interval needs 0 <= count <= denominator; the value has count 11 > denominator 10"
    with pytest.raises(ValueError, match=re.escape(message)):
        wilson_ci(11, 10)


def test_wilson_error_negative_count():
    message = "Wilson interval needs 0 <= count <= denominator; row 1 has count -2 < 0"
    with pytest.raises(ValueError, match=re.escape(message)):
        wilson_ci([4, -2], [10, 10])


def test_wilson_error_denominator_not_positive():
    message = "Wilson interval needs 0 <= count <= denominator; row 2 has denominator 0 <= 0"
    with pytest.raises(ValueError, match=re.escape(message)):
        wilson_ci([0, 0, 0], [5, 5, 0])


def test_wilson_error_names_2d_element():
    message = "Wilson interval needs 0 <= count <= denominator; element (1, 0) has count 9 > denominator 5"
    with pytest.raises(ValueError, match=re.escape(message)):
        wilson_ci(np.array([[1, 2], [9, 3]]), 5)


# --- Crude rate (Poisson count) ---------------------------------------------------------------------


@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_rate_exact_poisson_below_10_matches_oracle(confidence):
    lower, upper = rate_ci(np.arange(10), confidence=confidence)
    for r in range(10):
        oracle_lower, oracle_upper = exact_poisson_oracle(r, confidence)
        assert lower[r] == pytest.approx(oracle_lower, abs=1e-8)
        assert upper[r] == pytest.approx(oracle_upper, abs=1e-8)


def test_rate_zero_count_lower_is_zero():
    lower, upper = rate_ci(0)
    assert lower == 0.0
    # exact upper for 0 events: -ln(0.025) = 3.6888794541139363
    assert upper == pytest.approx(-math.log(0.025), abs=1e-9)


def test_rate_byar_hand_worked_177():
    # r = 177, z = 1.959963984540054
    # lower: sqrt(177) = 13.30413469565007; 1/(9*177) = 0.000627746390458
    #        z/(3*13.30413469565007) = 0.049106638133604
    #        1 - 0.000627746390458 - 0.049106638133604 = 0.950265615475938
    #        177 * 0.950265615475938^3 = 151.8827008
    # upper: sqrt(178) = 13.341664064126334; 1/(9*178) = 0.000624219725343
    #        z/(3*13.341664064126334) = 0.048968503856779
    #        1 - 0.000624219725343 + 0.048968503856779 = 1.048344284131435
    #        178 * 1.048344284131435^3 = 205.0840084
    lower, upper = rate_ci(177)
    assert lower == pytest.approx(151.8827008, abs=1e-6)
    assert upper == pytest.approx(205.0840084, abs=1e-6)


def test_rate_byar_close_to_exact_at_switch_over():
    byar_lower, byar_upper = rate_ci(10)
    exact_lower, exact_upper = exact_poisson_oracle(10)
    assert byar_lower == pytest.approx(exact_lower, rel=0.03)
    assert byar_upper == pytest.approx(exact_upper, rel=0.03)
    # and it is Byar's formula that is used at 10, not the exact limits
    assert byar_lower != pytest.approx(exact_lower, rel=1e-6)


def test_rate_vectorised_mixes_both_branches_without_warnings():
    counts = np.array([0, 3, 9, 10, 177, np.nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lower, upper = rate_ci(counts)
    assert lower.shape == upper.shape == (6,)
    assert lower[0] == 0.0
    assert lower[4] == pytest.approx(151.8827008, abs=1e-6)
    assert np.isnan(lower[5]) and np.isnan(upper[5])
    finite = slice(0, 5)
    assert np.all(lower[finite] <= counts[finite]) and np.all(upper[finite] > counts[finite])


def test_rate_998_wider_than_95():
    counts = np.array([0, 4, 12, 500])
    lower95, upper95 = rate_ci(counts)
    lower998, upper998 = rate_ci(counts, confidence=0.998)
    assert np.all(lower998[1:] < lower95[1:]) and lower998[0] == lower95[0] == 0.0
    assert np.all(upper998 > upper95)


def test_rate_error_negative_count():
    with pytest.raises(ValueError, match=re.escape("Rate interval needs count >= 0; row 2 has count -1")):
        rate_ci([5, 20, -1])


def test_rate_error_negative_scalar_count():
    with pytest.raises(ValueError, match=re.escape("Rate interval needs count >= 0; the value has count -3")):
        rate_ci(-3)
