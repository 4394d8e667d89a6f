"""Funnel plot limits and labels: hand-worked limits, and oracles built here from scipy.stats directly.

Proportions: the funnel is where the Wilson interval of the value touches the target; the oracle finds
that point by root-finding on the Wilson score condition. Rates: at whole counts the limits are the
exact Poisson limits (chi-squared quantiles, and the Poisson cdf itself) of the count, as the reference
draws its curves through whole numbers of events.
"""

import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq
from scipy.stats import chi2, poisson

from het.stats.benchmark import HIGHER, LOWER, NOT_COMPARED, SIMILAR, compare_with_benchmark
from het.stats.ci import wilson_ci
from het.stats.funnel import (
    ABOVE_95,
    ABOVE_998,
    BELOW_95,
    BELOW_998,
    LEVELS,
    SIGNIFICANCE_ORDER,
    STATISTICS,
    WITHIN,
    funnel_curve,
    funnel_limits,
    funnel_significance,
    limit_columns,
)

Z95 = 1.959963984540054
Z998 = 3.090232306167813
PER_100K = 100_000


def wilson_touch_oracle(target: float, n: float, z: float, side: str) -> float:
    """The proportion q whose Wilson interval has target on its edge, by root-finding on the score condition.

    The Wilson interval of q holds every pi with (q - pi)^2 <= z^2 pi (1 - pi) / n; its lower edge is the
    target when q is above it, its upper edge when q is below.
    """

    def score(q):
        return (q - target) ** 2 - z**2 * target * (1 - target) / n

    return brentq(score, target, 10.0) if side == "upper" else brentq(score, -10.0, target)


# --- proportions: the limits ----------------------------------------------------------------------


def test_proportion_limits_hand_worked_20_percent_of_100():
    # p = 0.2, n = 100: sqrt(p(1 - p)/n) = sqrt(0.0016) = 0.04
    # 95%:   0.2 -/+ 1.959964 x 0.04 = 0.2 -/+ 0.07839856 -> 12.160144 and 27.839856 per 100
    # 99.8%: 0.2 -/+ 3.090232 x 0.04 = 0.2 -/+ 0.12360929 ->  7.639071 and 32.360929 per 100
    limits = funnel_limits([100], target=20, statistic="proportion", multiplier=100)
    assert list(limits.columns) == ["denominator", "lower95", "upper95", "lower998", "upper998"]
    row = limits.iloc[0]
    assert row["denominator"] == 100
    assert row["lower95"] == pytest.approx(12.160144062, abs=1e-8)
    assert row["upper95"] == pytest.approx(27.839855938, abs=1e-8)
    assert row["lower998"] == pytest.approx(7.639070775, abs=1e-8)
    assert row["upper998"] == pytest.approx(32.360929225, abs=1e-8)


def test_proportion_limits_hand_worked_at_2500_and_per_1000():
    # n = 2500: sqrt(0.16/2500) = 0.008; 0.2 -/+ 1.959964 x 0.008 = 0.2 -/+ 0.01567971
    limits = funnel_limits([2500], target=200, statistic="proportion", multiplier=1000, levels=(0.95,))
    assert list(limits.columns) == ["denominator", "lower95", "upper95"]
    assert limits.loc[0, "lower95"] == pytest.approx(184.32028812, abs=1e-7)
    assert limits.loc[0, "upper95"] == pytest.approx(215.67971188, abs=1e-7)


@pytest.mark.parametrize("n", [7, 40, 333, 5_000, 250_000])
@pytest.mark.parametrize("target", [3.0, 20.0, 64.5, 97.0])
def test_proportion_limits_are_where_the_wilson_interval_touches_the_target(n, target):
    limits = funnel_limits([n], target=target, statistic="proportion", multiplier=100).iloc[0]
    p = target / 100
    for z, lower, upper in ((Z95, "lower95", "upper95"), (Z998, "lower998", "upper998")):
        expected_upper = min(wilson_touch_oracle(p, n, z, "upper"), 1.0) * 100
        expected_lower = max(wilson_touch_oracle(p, n, z, "lower"), 0.0) * 100
        assert limits[upper] == pytest.approx(expected_upper, abs=1e-9)
        assert limits[lower] == pytest.approx(expected_lower, abs=1e-9)


def test_proportion_limits_touch_the_wilson_interval_of_het_stats():
    # The value on the upper limit has the target as the lower end of its own Wilson interval.
    n = np.array([50, 400, 3000])
    limits = funnel_limits(n, target=30, statistic="proportion", multiplier=100)
    lower_edge, _ = wilson_ci(limits["upper95"] / 100 * n, n)
    _, upper_edge = wilson_ci(limits["lower95"] / 100 * n, n)
    np.testing.assert_allclose(lower_edge, 0.30, atol=1e-12)
    np.testing.assert_allclose(upper_edge, 0.30, atol=1e-12)


def test_proportion_limits_are_cut_to_0_and_the_multiplier():
    # n = 1, p = 0.2: 0.2 - 1.959964 x 0.4 < 0 -> 0; upper 0.2 + 0.783986 = 0.983986;
    # 99.8%: 0.2 + 3.090232 x 0.4 = 1.436 > 1 -> the multiplier itself (1000 here, not 100).
    row = funnel_limits([1], target=200, statistic="proportion", multiplier=1000).iloc[0]
    assert row["lower95"] == 0.0 and row["lower998"] == 0.0
    assert row["upper95"] == pytest.approx(983.9855938, abs=1e-6)
    assert row["upper998"] == 1000.0


def test_proportion_limits_are_symmetric_about_the_target():
    limits = funnel_limits([60, 600, 6000], target=35, statistic="proportion", multiplier=100)
    for lower, upper in (("lower95", "upper95"), ("lower998", "upper998")):
        np.testing.assert_allclose(limits[upper] - 35, 35 - limits[lower], rtol=1e-12)


def test_proportion_target_of_0_or_the_multiplier_gives_a_funnel_of_no_width():
    limits = funnel_limits([10, 100], target=0, statistic="proportion", multiplier=100)
    assert (limits.drop(columns="denominator").to_numpy() == 0).all()
    limits = funnel_limits([10, 100], target=100, statistic="proportion", multiplier=100)
    assert (limits.drop(columns="denominator").to_numpy() == 100).all()


# --- rates: the limits ----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 5, 9, 10, 37, 250, 4_000])
@pytest.mark.parametrize("target", [12.5, 480.0])
def test_rate_limits_at_whole_counts_are_the_exact_poisson_limits(count, target):
    # Where the expected count m is the exact upper limit of `count`, the lower funnel limit is count/n,
    # and where m is its exact lower limit, the upper funnel limit is count/n.
    rate = target / PER_100K
    for level, lower, upper in ((0.95, "lower95", "upper95"), (0.998, "lower998", "upper998")):
        half = (1 - level) / 2
        n_low = chi2.ppf(1 - half, 2 * count + 2) / 2 / rate
        n_high = chi2.ppf(half, 2 * count) / 2 / rate
        limits = funnel_limits([n_low, n_high], target=target, statistic="rate", multiplier=PER_100K)
        assert limits.loc[0, lower] == pytest.approx(count / n_low * PER_100K, rel=1e-9)
        assert limits.loc[1, upper] == pytest.approx(count / n_high * PER_100K, rel=1e-9)
        # and the definition itself, on the Poisson distribution: P(X <= count | m) = P(X >= count | m) = a/2
        assert poisson.cdf(count, n_low * rate) == pytest.approx(half, rel=1e-7)
        assert poisson.sf(count - 1, n_high * rate) == pytest.approx(half, rel=1e-7)


def test_rate_lower_limit_is_0_until_no_events_would_be_significantly_low():
    # 0 events are significantly low (95%) once the expected count passes -ln(0.025) = 3.688879.
    target = 50.0  # per 100,000: the expected count is n / 2,000
    at_3_5, at_3_8 = funnel_limits(
        [3.5 * 2000, 3.8 * 2000], target=target, statistic="rate", multiplier=PER_100K
    )["lower95"]
    assert at_3_5 == 0.0
    assert at_3_8 > 0.0


def test_rate_upper_limit_for_a_tiny_expected_count_hand_worked():
    # One event is significantly high (95%) when P(X >= 1 | m) = 1 - exp(-m) > 0.025,
    # i.e. m > -ln(0.975) = 0.0253178080; at 50 per 100,000 that is n = 50.6356160 people,
    # where the upper limit is 1 event: 1 / 50.6356160 x 100,000 = 1974.8945 per 100,000.
    n = -math.log(0.975) / 50 * PER_100K
    limits = funnel_limits([n], target=50, statistic="rate", multiplier=PER_100K)
    assert limits.loc[0, "upper95"] == pytest.approx(1974.8945, rel=1e-7)


def test_rate_limits_tend_to_the_normal_approximation_for_large_counts():
    # m = 1,000,000 expected events: limits (m -/+ z sqrt(m)) / n to within a fraction of a per cent of the
    # half-width.
    n = 1e6 / (300 / PER_100K)
    row = funnel_limits([n], target=300, statistic="rate", multiplier=PER_100K).iloc[0]
    half95 = Z95 * math.sqrt(1e6) / n * PER_100K
    assert row["lower95"] == pytest.approx(300 - half95, abs=half95 * 2e-3)
    assert row["upper95"] == pytest.approx(300 + half95, abs=half95 * 2e-3)


def test_rate_limits_are_skewed_upwards_and_straighten_as_counts_grow():
    expected_counts = np.array([10.0, 100.0, 1e4, 1e6])
    n = expected_counts / (200 / PER_100K)
    limits = funnel_limits(n, target=200, statistic="rate", multiplier=PER_100K)
    ratio = (limits["upper95"] - 200) / (200 - limits["lower95"])
    assert (ratio > 1).all()
    assert (np.diff(ratio) < 0).all()
    assert ratio.iloc[0] > 1.1 and ratio.iloc[-1] == pytest.approx(1, abs=1e-3)


# --- both: shape of the funnel ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statistic", "target", "multiplier"), [("proportion", 42, 100), ("rate", 350, PER_100K)]
)
def test_the_funnel_narrows_as_the_denominator_grows_and_998_holds_95(statistic, target, multiplier):
    curve = funnel_curve(target=target, statistic=statistic, multiplier=multiplier, max_denominator=1e6)
    assert len(curve) == 100
    assert curve["denominator"].iloc[0] == pytest.approx(1) and curve["denominator"].iloc[
        -1
    ] == pytest.approx(1e6)
    for lower, upper in (("lower95", "upper95"), ("lower998", "upper998")):
        assert (np.diff(curve[lower]) >= 0).all()
        assert (np.diff(curve[upper]) <= 0).all()
        width = np.diff(curve[upper] - curve[lower])
        assert (width <= 0).all() and (width[50:] < 0).all()  # flat only where cut at 0 and 100%
        assert (curve[lower] <= target).all() and (curve[upper] >= target).all()
    assert (curve["lower998"] <= curve["lower95"]).all() and (curve["upper998"] >= curve["upper95"]).all()


def test_funnel_curve_is_log_spaced_between_its_ends():
    curve = funnel_curve(
        target=20, statistic="proportion", multiplier=100, min_denominator=10, max_denominator=1000, points=3
    )
    np.testing.assert_allclose(curve["denominator"], [10, 100, 1000])
    np.testing.assert_allclose(
        curve.drop(columns="denominator"),
        funnel_limits([10, 100, 1000], target=20, statistic="proportion", multiplier=100).drop(
            columns="denominator"
        ),
    )


def test_limits_keep_order_and_missing_denominators_give_missing_limits():
    limits = funnel_limits(
        pd.Series([400, np.nan, 25], index=[7, 8, 9]), target=10, statistic="proportion", multiplier=100
    )
    assert list(limits.index) == [0, 1, 2]
    assert list(limits["denominator"].iloc[[0, 2]]) == [400, 25]
    assert limits.iloc[1].drop("denominator").isna().all()
    assert limits.loc[2, "upper95"] > limits.loc[0, "upper95"]


def test_limit_columns_and_constants():
    assert limit_columns(0.95) == ("lower95", "upper95")
    assert limit_columns(0.998) == ("lower998", "upper998")
    assert limit_columns(0.9) == ("lower90", "upper90")
    assert LEVELS == (0.95, 0.998)
    assert STATISTICS == ("proportion", "rate")
    assert SIGNIFICANCE_ORDER == (
        "above the 99.8% limit",
        "above the 95% limit",
        "within the 95% limits",
        "below the 95% limit",
        "below the 99.8% limit",
        "not compared",
    )


# --- significance ---------------------------------------------------------------------------------


def test_proportion_labels_at_and_just_beyond_each_limit():
    n = 100
    row = funnel_limits([n], target=20, statistic="proportion", multiplier=100).iloc[0]
    nudge = 1e-9
    values = [
        row["upper998"] + nudge,
        row["upper998"],  # on the 99.8% limit: within it, beyond the 95%
        row["upper95"] + nudge,
        row["upper95"],  # on the 95% limit: within
        20.0,
        row["lower95"],
        row["lower95"] - nudge,
        row["lower998"],
        row["lower998"] - nudge,
    ]
    labels = funnel_significance(values, n, target=20, statistic="proportion", multiplier=100)
    assert list(labels) == [
        ABOVE_998,
        ABOVE_95,
        ABOVE_95,
        WITHIN,
        WITHIN,
        WITHIN,
        BELOW_95,
        BELOW_95,
        BELOW_998,
    ]


def test_proportion_labels_agree_with_the_wilson_benchmark_rule():
    # Same question as het's benchmarking: does the value's own Wilson interval hold the target?
    rng = np.random.default_rng(20050415)
    n = rng.integers(20, 3000, size=400)
    counts = rng.binomial(n, rng.uniform(0.1, 0.5, size=400))
    values = counts / n * 100
    labels = funnel_significance(values, n, target=30, statistic="proportion", multiplier=100)
    lower, upper = wilson_ci(counts, n)
    benchmark = compare_with_benchmark(values, lower * 100, upper * 100, 30, polarity="no judgement")
    expected = {HIGHER: {ABOVE_95, ABOVE_998}, LOWER: {BELOW_95, BELOW_998}, SIMILAR: {WITHIN}}
    assert all(label in expected[b] for label, b in zip(labels, benchmark, strict=True))
    assert len(set(labels)) == 5  # the sample reaches every label, so the check above can fail


def test_rate_labels_follow_the_value_s_own_byar_interval_hand_worked():
    # 20 events in 10,000 people (200 per 100,000). Byar's lower 95% limit of 20:
    # 1/(9 x 20) = 0.0055555556; 1.959964/(3 sqrt 20) = 0.1460870901;
    # 1 - 0.0055555556 - 0.1460870901 = 0.8483573543; 20 x 0.8483573543^3 = 12.2114288
    # events, i.e. 122.114288 per 100,000: a target just below it is significantly exceeded.
    at_limit = 12.211428835 / 10_000 * PER_100K
    above = funnel_significance(
        200, 10_000, target=at_limit * (1 - 1e-9), statistic="rate", multiplier=PER_100K
    )
    within = funnel_significance(
        200, 10_000, target=at_limit * (1 + 1e-9), statistic="rate", multiplier=PER_100K
    )
    assert (above, within) == (ABOVE_95, WITHIN)


def test_rate_labels_below_10_events_use_exact_limits():
    # 4 events in 1,000: exact lower limits chi2(0.025; 8)/2 = 1.0898654 and chi2(0.001; 8)/2 = 0.4285524
    # events, so 108.98654 and 42.85524 per 100,000.
    value = 400.0
    lower95 = chi2.ppf(0.025, 8) / 2 / 1000 * PER_100K
    lower998 = chi2.ppf(0.001, 8) / 2 / 1000 * PER_100K
    assert lower95 == pytest.approx(108.98654, abs=1e-4) and lower998 == pytest.approx(42.85524, abs=1e-4)
    targets = [lower998 * (1 - 1e-9), lower998 * (1 + 1e-9), lower95 * (1 - 1e-9), lower95 * (1 + 1e-9)]
    labels = [
        funnel_significance(value, 1000, target=t, statistic="rate", multiplier=PER_100K) for t in targets
    ]
    assert labels == [ABOVE_998, ABOVE_95, ABOVE_95, WITHIN]


def test_rate_labels_for_no_events():
    # 0 events: exact upper limits -ln(0.025) = 3.6889 and -ln(0.001) = 6.9078 events.
    n = 10_000
    targets = np.array([3.5, 5.0, 8.0]) / n * PER_100K  # expected counts 3.5, 5 and 8
    labels = [funnel_significance(0, n, target=t, statistic="rate", multiplier=PER_100K) for t in targets]
    assert labels == [WITHIN, BELOW_95, BELOW_998]


def test_rate_labels_from_10_events_follow_byar_not_the_exact_curve():
    # 10 events in 1,000 people. Exact lower 99.8% limit of 10 events: 2.960520; Byar's: 2.916318.
    # With an expected count of 2.94 between them, the point is drawn above the exact 99.8% curve,
    # but its own (Byar) 99.8% interval still holds the target, as the reference labels it.
    assert chi2.ppf(0.001, 20) / 2 == pytest.approx(2.960520, abs=1e-6)
    target = 2.94 / 1000 * PER_100K
    curve = funnel_limits([1000], target=target, statistic="rate", multiplier=PER_100K).iloc[0]
    assert curve["upper998"] < 1000.0  # the value: 10 events in 1,000 is 1,000 per 100,000
    assert funnel_significance(1000.0, 1000, target=target, statistic="rate", multiplier=PER_100K) == ABOVE_95


def test_rate_labels_agree_with_the_curves_away_from_them():
    rng = np.random.default_rng(1185)
    n = rng.uniform(500, 200_000, size=500)
    counts = rng.poisson(n * 0.004 * rng.uniform(0.5, 1.6, size=500))
    values = counts / n * PER_100K
    labels = funnel_significance(values, n, target=400, statistic="rate", multiplier=PER_100K)
    limits = funnel_limits(n, target=400, statistic="rate", multiplier=PER_100K)
    clear = np.ones(len(n), dtype=bool)
    for column in ("lower95", "upper95", "lower998", "upper998"):
        clear &= np.abs(values - limits[column]) > 0.02 * limits[column]
    from_curves = np.select(
        [
            values < limits["lower998"],
            values < limits["lower95"],
            values > limits["upper998"],
            values > limits["upper95"],
        ],
        [BELOW_998, BELOW_95, ABOVE_998, ABOVE_95],
        default=WITHIN,
    )
    assert clear.sum() > 400
    assert (labels[clear] == from_curves[clear]).all()
    assert len(set(labels[clear])) == 5


def test_labels_for_missing_values_broadcasting_and_scalars():
    labels = funnel_significance(
        [np.nan, 20.0, 90.0], [100, np.nan, 100], target=20, statistic="proportion", multiplier=100
    )
    assert list(labels) == [NOT_COMPARED, NOT_COMPARED, ABOVE_998]
    assert funnel_significance(20.0, 100, target=20, statistic="proportion", multiplier=100) == WITHIN
    assert isinstance(funnel_significance(20.0, 100, target=20, statistic="proportion", multiplier=100), str)
    broadcast = funnel_significance(
        np.array([5.0, 20.0, 30.0]), 100, target=20, statistic="proportion", multiplier=100
    )
    assert list(broadcast) == [BELOW_998, WITHIN, ABOVE_95]


# --- errors ----------------------------------------------------------------------------------------

ERRORS = [
    (
        lambda: funnel_limits([100], target=20, statistic="ratio", multiplier=100),
        "unknown funnel statistic 'ratio'; expected 'proportion' or 'rate'",
    ),
    (
        lambda: funnel_limits([100, 0], target=20, statistic="proportion", multiplier=100),
        "funnel limits need denominators greater than 0; row 1 has denominator 0",
    ),
    (
        lambda: funnel_limits([100, 50, -3], target=20, statistic="rate", multiplier=100),
        "funnel limits need denominators greater than 0; row 2 has denominator -3",
    ),
    (
        lambda: funnel_significance([10, 10], [100, 0], target=20, statistic="rate", multiplier=100),
        "funnel limits need denominators greater than 0; row 1 has denominator 0",
    ),
    (
        lambda: funnel_limits([100], target=120, statistic="proportion", multiplier=100),
        "a proportion's funnel target must be between 0 and the multiplier (100); got 120",
    ),
    (
        lambda: funnel_limits([100], target=-0.5, statistic="proportion", multiplier=1000),
        "a proportion's funnel target must be between 0 and the multiplier (1000); got -0.5",
    ),
    (
        lambda: funnel_limits([100], target=0, statistic="rate", multiplier=PER_100K),
        "a rate's funnel target must be greater than 0; got 0",
    ),
    (
        lambda: funnel_limits([100], target=float("nan"), statistic="rate", multiplier=PER_100K),
        "funnel target must be a number; got nan",
    ),
    (
        lambda: funnel_limits([100], target=20, statistic="proportion", multiplier=0),
        "funnel multiplier must be greater than 0 (e.g. 100 for a percentage); got 0",
    ),
    (
        lambda: funnel_limits([100], target=20, statistic="proportion", multiplier=100, levels=(0.95, 95)),
        "a funnel level must be between 0 and 1 (e.g. 0.95 or 0.998); got 95",
    ),
    (
        lambda: funnel_limits([100], target=20, statistic="proportion", multiplier=100, levels=()),
        "funnel levels must name at least one level, e.g. (0.95, 0.998)",
    ),
    (
        lambda: funnel_limits([100], target=20, statistic="proportion", multiplier=100, levels=(0.95, 0.95)),
        "funnel levels must differ; got 0.95, 0.95",
    ),
    (
        lambda: funnel_significance([10, 101], [100, 100], target=20, statistic="proportion", multiplier=100),
        "a proportion must be between 0 and the multiplier (100); row 1 has value 101",
    ),
    (
        lambda: funnel_significance([-2], [100], target=20, statistic="rate", multiplier=PER_100K),
        "a rate cannot be negative; row 0 has value -2",
    ),
    (
        lambda: funnel_curve(
            target=20, statistic="proportion", multiplier=100, min_denominator=0, max_denominator=10
        ),
        "funnel_curve needs min_denominator greater than 0; got 0",
    ),
    (
        lambda: funnel_curve(
            target=20, statistic="proportion", multiplier=100, min_denominator=50, max_denominator=50
        ),
        "funnel_curve needs max_denominator greater than min_denominator (50); got 50",
    ),
    (
        lambda: funnel_curve(target=20, statistic="proportion", multiplier=100, max_denominator=10, points=1),
        "funnel_curve needs a whole number of points, at least 2; got 1",
    ),
]


@pytest.mark.parametrize(("call", "message"), ERRORS, ids=[message for _, message in ERRORS])
def test_error_messages(call, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        call()
