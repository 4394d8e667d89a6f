"""Recent trend: hand-worked sums, numpy least squares and scipy correlation as independent oracles."""

import time

import numpy as np
import pandas as pd
import pytest
from scipy.stats import pearsonr

from het.stats.trend import (
    CANNOT_BE_CALCULATED,
    DECREASING,
    GETTING_BETTER,
    GETTING_WORSE,
    INCREASING,
    METHOD_COUNTS,
    METHOD_INTERVALS,
    NO_SIGNIFICANT_CHANGE,
    SIGNIFICANT_CHI2,
    recent_trend,
)

YEARS = [2017, 2018, 2019, 2020, 2021]


def series(values, half_widths, years=YEARS, **extra):
    """A frame of values with symmetric 95% intervals value -/+ half_width, one row per year."""
    values, half_widths = np.asarray(values, dtype=float), np.asarray(half_widths, dtype=float)
    return pd.DataFrame(
        {
            "period_sort": [year * 10000 for year in years],
            "value": values,
            "lower_ci95": values - half_widths,
            "upper_ci95": values + half_widths,
            **extra,
        }
    )


def wls_oracle(values, lower, upper):
    """Slope and chi-squared from numpy's least squares on the sqrt(w)-scaled design [1, t].

    Independent of trend.py's closed-form sums: lstsq for the slope, and the inverse of X'WX
    (the covariance of a weighted fit with known variances) for its standard error.
    """
    t = np.arange(1.0, len(values) + 1)
    w = 1 / ((np.asarray(upper) - np.asarray(lower)) / 3.92) ** 2
    design = np.column_stack([np.ones_like(t), t])
    root = np.sqrt(w)
    coef, *_ = np.linalg.lstsq(design * root[:, None], np.asarray(values) * root, rcond=None)
    covariance = np.linalg.inv(design.T @ (design * w[:, None]))
    return coef[1], coef[1] ** 2 / covariance[1, 1]


def armitage_oracle(r, n):
    """Chi-squared for trend as N x (Pearson correlation of t with the 0/1 outcome)^2 over individuals.

    Expanding to one row per person: Sxy = T, Syy = N p (1 - p), so N r^2 = T^2 / (p (1 - p) Sxx),
    Armitage's statistic, computed here by scipy without any of trend.py's sums.
    """
    t = np.repeat(np.arange(1, len(r) + 1), n)
    outcome = np.concatenate([np.r_[np.ones(k), np.zeros(m - k)] for k, m in zip(r, n, strict=True)])
    return len(t) * pearsonr(t, outcome).statistic ** 2


# --- weighted least squares on intervals ----------------------------------------------------------


def test_equal_weights_hand_worked():
    # y = 11..15 (slope 1), half-width 1.96 so se = 3.92 / 3.92 = 1 and w = 1 at every point.
    # S1 = 5, S2 = sum y t = 11 + 24 + 39 + 56 + 75 = 205, S3 = 15, S4 = 65, S5 = 55
    # b = (5 * 205 - 15 * 65) / (5 * 55 - 225) = (1025 - 975) / 50 = 1
    # SE = sqrt(5 / 50) = 0.316228; chi2 = (1 / 0.316228)^2 = 10
    got = recent_trend(series([11, 12, 13, 14, 15], 1.96), polarity="no judgement").iloc[0]
    assert got["slope"] == pytest.approx(1.0)
    assert got["chi2"] == pytest.approx(10.0)
    assert got["marker"] == INCREASING  # 10 > 9.5495, and every 4-point refit still rises
    assert got["n_points"] == 5
    assert got["reason"] is None
    assert got["method"] == METHOD_INTERVALS


def test_just_below_the_threshold_is_no_significant_change():
    # As above with half-width 1.96 * sqrt(10 / 9.5): w = 0.95, chi2 = 10 * 0.95 = 9.5 < 9.5495.
    got = recent_trend(series([11, 12, 13, 14, 15], 1.96 * np.sqrt(10 / 9.5)), polarity="no judgement").iloc[
        0
    ]
    assert got["chi2"] == pytest.approx(9.5)
    assert got["marker"] == NO_SIGNIFICANT_CHANGE
    assert SIGNIFICANT_CHI2 == 9.5495


@pytest.mark.parametrize(
    ("values", "half_widths"),
    [
        ([50.2, 49.1, 51.7, 48.9, 47.3], [2.1, 1.5, 3.0, 0.8, 1.2]),
        ([0.31, 0.35, 0.36, 0.42, 0.45], [0.05, 0.02, 0.04, 0.03, 0.01]),
        ([-4.0, -2.5, -3.1, 0.2, 1.9], [1.0, 2.0, 0.5, 1.5, 0.7]),
    ],
)
def test_weighted_slope_matches_numpy_least_squares(values, half_widths):
    frame = series(values, half_widths)
    slope, chi2 = wls_oracle(values, frame["lower_ci95"], frame["upper_ci95"])
    got = recent_trend(frame, polarity="no judgement").iloc[0]
    assert got["slope"] == pytest.approx(slope, rel=1e-10)
    assert got["chi2"] == pytest.approx(chi2, rel=1e-10)


def test_asymmetric_intervals_use_their_width():
    frame = pd.DataFrame(
        {
            "period_sort": [year * 10000 for year in YEARS],
            "value": [5.0, 6.0, 6.5, 8.0, 9.0],
            "lower_ci95": [4.5, 5.0, 6.3, 7.0, 8.9],
            "upper_ci95": [6.0, 6.2, 7.5, 8.4, 9.6],
        }
    )
    slope, chi2 = wls_oracle(frame["value"], frame["lower_ci95"], frame["upper_ci95"])
    got = recent_trend(frame, polarity="high is good").iloc[0]
    assert got["slope"] == pytest.approx(slope, rel=1e-10)
    assert got["chi2"] == pytest.approx(chi2, rel=1e-10)


@pytest.mark.parametrize(
    ("polarity", "rising", "falling"),
    [
        ("low is good", GETTING_WORSE, GETTING_BETTER),
        ("high is good", GETTING_BETTER, GETTING_WORSE),
        ("no judgement", INCREASING, DECREASING),
        ("RAG - Low is good ", GETTING_WORSE, GETTING_BETTER),
    ],
)
def test_significant_series_marker_follows_polarity(polarity, rising, falling):
    up = series([20, 22, 25, 27, 30], 1.0)
    down = series([30, 27, 25, 22, 20], 1.0)
    assert recent_trend(up, polarity=polarity)["marker"].item() == rising
    assert recent_trend(down, polarity=polarity)["marker"].item() == falling


def test_noisy_flat_series_is_no_significant_change():
    frame = series([20.0, 23.0, 19.0, 22.0, 20.5], 3.0)
    got = recent_trend(frame, polarity="low is good").iloc[0]
    assert got["chi2"] < SIGNIFICANT_CHI2
    assert got["marker"] == NO_SIGNIFICANT_CHANGE
    assert got["reason"] is None


def test_significant_chi2_but_slope_flips_when_a_point_is_left_out():
    # Four precise points drifting down, then a jump: se = 0.1 (w = 100) everywhere.
    # All five: b = sum (t - 3) y / 10 = (-2 - 0.9 + 0.7 + 20) / 10 = 1.78; SE = sqrt(1 / 1000),
    # chi2 = 1.78^2 * 1000 = 3168.4, far above 9.5495. Without the last point the slope is -0.1.
    values = [1.0, 0.9, 0.8, 0.7, 10.0]
    frame = series(values, 0.196)
    left_out, _ = wls_oracle(values[:4], frame["lower_ci95"][:4], frame["upper_ci95"][:4])
    assert left_out == pytest.approx(-0.1)
    got = recent_trend(frame, polarity="low is good").iloc[0]
    assert got["chi2"] == pytest.approx(3168.4)
    assert got["slope"] == pytest.approx(1.78)
    assert got["marker"] == NO_SIGNIFICANT_CHANGE


def test_only_the_five_most_recent_points_are_used():
    # Old points (2012-2016) fall steeply; the 5 most recent (2017-2021) are 11..15, slope 1.
    old = series([100, 80, 60, 40, 20], 1.96, years=[2012, 2013, 2014, 2015, 2016])
    recent = series([11, 12, 13, 14, 15], 1.96)
    frame = pd.concat([recent, old]).sample(frac=1, random_state=1)  # order of rows must not matter
    got = recent_trend(frame, polarity="no judgement").iloc[0]
    assert got["slope"] == pytest.approx(1.0)
    assert got["chi2"] == pytest.approx(10.0)


# --- cannot be calculated -------------------------------------------------------------------------


def test_fewer_than_five_points():
    got = recent_trend(series([1, 2, 3], 0.5, years=[2019, 2020, 2021]), polarity="low is good").iloc[0]
    assert got["marker"] == CANNOT_BE_CALCULATED
    assert got["reason"] == "needs 5 points; has 3"
    assert got["n_points"] == 3
    assert np.isnan(got["chi2"])
    assert np.isnan(got["slope"])


def test_empty_frame_without_groups_has_zero_points():
    got = recent_trend(series([], [], years=[]), polarity="low is good").iloc[0]
    assert got["reason"] == "needs 5 points; has 0"


def test_break_in_the_series():
    frame = series([1, 2, 3, 4, 5, 6], 0.5, years=[2015, 2016, 2017, 2019, 2020, 2021])
    got = recent_trend(frame, polarity="low is good").iloc[0]
    assert got["marker"] == CANNOT_BE_CALCULATED
    assert got["reason"] == "the 5 most recent periods are not consecutive: 2016, 2017, 2019, 2020, 2021"


def test_missing_interval():
    frame = series([1, 2, 3, 4, 5], 0.5)
    frame.loc[2, "upper_ci95"] = np.nan
    got = recent_trend(frame, polarity="low is good").iloc[0]
    assert got["marker"] == CANNOT_BE_CALCULATED
    assert got["reason"] == "missing 95% interval in 2019"


def test_missing_value_and_zero_width_interval_are_both_named():
    frame = series([1, 2, 3, 4, 5], 0.5)
    frame.loc[0, "value"] = np.nan
    frame.loc[3, ["lower_ci95", "upper_ci95"]] = 4.0
    frame.loc[4, ["lower_ci95", "upper_ci95"]] = 5.0
    got = recent_trend(frame, polarity="low is good").iloc[0]
    assert got["reason"] == "missing value in 2017; zero-width 95% interval in 2020, 2021"


def test_plain_years_work_as_periods():
    frame = series([11, 12, 13, 14, 15], 1.96).assign(period_sort=YEARS)
    assert recent_trend(frame, polarity="no judgement")["chi2"].item() == pytest.approx(10.0)


# --- chi-squared test for trend on counts ---------------------------------------------------------


def test_armitage_hand_worked_just_significant():
    # r = 10, 12, 15, 18, 25 of n = 100 each. N = 500, p = 80 / 500 = 0.16.
    # sum n t = 1500, sum r t = 10 + 24 + 45 + 72 + 125 = 276, T = 276 - 0.16 * 1500 = 36
    # Sxx = sum n t^2 - 1500^2 / 500 = 5500 - 4500 = 1000
    # chi2 = 36^2 / (0.16 * 0.84 * 1000) = 1296 / 134.4 = 9.642857 > 9.5495; slope = 36 / 1000
    # The proportions rise at every step, so every 4-point refit rises too.
    frame = pd.DataFrame({"period_sort": YEARS, "r": [10, 12, 15, 18, 25], "n": [100] * 5})
    got = recent_trend(frame, count="r", denominator="n", polarity="low is good").iloc[0]
    assert got["chi2"] == pytest.approx(9.642857, abs=1e-6)
    assert got["slope"] == pytest.approx(0.036)
    assert got["marker"] == GETTING_WORSE
    assert got["method"] == METHOD_COUNTS


def test_armitage_hand_worked_just_not_significant():
    # r = 10, 12, 15, 18, 24: p = 79 / 500 = 0.158, T = 271 - 0.158 * 1500 = 34
    # chi2 = 34^2 / (0.158 * 0.842 * 1000) = 1156 / 133.036 = 8.689377 < 9.5495
    frame = pd.DataFrame({"period_sort": YEARS, "r": [10, 12, 15, 18, 24], "n": [100] * 5})
    got = recent_trend(frame, count="r", denominator="n", polarity="low is good").iloc[0]
    assert got["chi2"] == pytest.approx(8.689377, abs=1e-6)
    assert got["marker"] == NO_SIGNIFICANT_CHANGE


@pytest.mark.parametrize(
    ("r", "n"),
    [
        ([31, 40, 38, 52, 61], [210, 230, 190, 260, 250]),
        ([5, 3, 9, 2, 7], [40, 35, 50, 30, 45]),
        ([120, 100, 95, 80, 70], [400, 410, 390, 420, 405]),
    ],
)
def test_armitage_matches_correlation_over_individuals(r, n):
    frame = pd.DataFrame({"period_sort": YEARS, "r": r, "n": n})
    got = recent_trend(frame, count="r", denominator="n", polarity="no judgement").iloc[0]
    assert got["chi2"] == pytest.approx(armitage_oracle(r, n), rel=1e-9)
    # The slope is the n-weighted least-squares slope of r/n on t: numpy polyfit weights are sqrt(w).
    slope = np.polyfit(np.arange(1, 6), np.array(r) / np.array(n), 1, w=np.sqrt(n))[0]
    assert got["slope"] == pytest.approx(slope, rel=1e-9)


def test_counts_flip_sign_when_a_point_is_left_out():
    # A large final jump makes chi2 big, but the first four proportions fall.
    r, n = [30, 28, 26, 24, 90], [100] * 5
    assert armitage_oracle(r, n) > SIGNIFICANT_CHI2
    assert np.polyfit(np.arange(1, 5), np.array(r[:4]) / 100, 1)[0] < 0
    frame = pd.DataFrame({"period_sort": YEARS, "r": r, "n": n})
    assert recent_trend(frame, count="r", denominator="n", polarity="low is good")["marker"].item() == (
        NO_SIGNIFICANT_CHANGE
    )


def test_counts_missing_or_zero_denominator():
    frame = pd.DataFrame({"period_sort": YEARS, "r": [1, 2, np.nan, 4, 0], "n": [10, 10, 10, 10, 0]})
    got = recent_trend(frame, count="r", denominator="n", polarity="low is good").iloc[0]
    assert got["reason"] == "missing count or denominator in 2019; zero denominator in 2021"


def test_counts_all_zero_cannot_be_tested():
    frame = pd.DataFrame({"period_sort": YEARS, "r": [0] * 5, "n": [10] * 5})
    got = recent_trend(frame, count="r", denominator="n", polarity="low is good").iloc[0]
    assert got["marker"] == CANNOT_BE_CALCULATED
    assert got["reason"] == "the proportion is 0 in every period, so the test for trend is undefined"


# --- groups ---------------------------------------------------------------------------------------


def test_groups_match_one_at_a_time_and_come_out_sorted():
    rng = np.random.default_rng(7)
    frames = []
    for area in ["C", "A", "B"]:
        for sex in ["Male", "Female"]:
            values = rng.normal(50, 5, size=6) + rng.normal(0, 3) * np.arange(6)
            frames.append(
                series(values, rng.uniform(0.5, 3, size=6), years=range(2016, 2022), area=area, sex=sex)
            )
    frame = pd.concat(frames, ignore_index=True).sample(frac=1, random_state=3)
    got = recent_trend(frame, by=["area", "sex"], polarity="high is good")
    assert list(zip(got["area"], got["sex"], strict=True)) == [
        (a, s) for a in "ABC" for s in ["Female", "Male"]
    ]
    for _, row in got.iterrows():
        alone = frame[(frame["area"] == row["area"]) & (frame["sex"] == row["sex"])]
        expected = recent_trend(alone, polarity="high is good").iloc[0]
        slope, chi2 = wls_oracle(
            *(alone.sort_values("period_sort").tail(5)[c] for c in ["value", "lower_ci95", "upper_ci95"])
        )
        assert row["slope"] == pytest.approx(slope, rel=1e-10)
        assert row["chi2"] == pytest.approx(chi2, rel=1e-10)
        assert row["marker"] == expected["marker"]
    assert list(got.columns) == ["area", "sex", "marker", "chi2", "slope", "n_points", "reason", "method"]


def test_polarity_from_a_column():
    frame = pd.concat(
        [
            series([20, 22, 25, 27, 30], 1.0, indicator="smoking", polarity="RAG - Low is good"),
            series([20, 22, 25, 27, 30], 1.0, indicator="employment", polarity="RAG - High is good"),
        ]
    )
    got = recent_trend(frame, by="indicator", polarity="polarity")
    assert dict(zip(got["indicator"], got["marker"], strict=True)) == {
        "employment": GETTING_BETTER,
        "smoking": GETTING_WORSE,
    }


def test_thousands_of_groups_in_well_under_a_second():
    groups = 5000
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "area": np.repeat(np.arange(groups), 6),
            "period_sort": np.tile(np.arange(2016, 2022) * 10000, groups),
            "value": rng.normal(50, 5, size=groups * 6),
        }
    )
    frame["lower_ci95"] = frame["value"] - rng.uniform(0.5, 3, size=len(frame))
    frame["upper_ci95"] = frame["value"] + 2
    start = time.perf_counter()
    got = recent_trend(frame, by="area", polarity="low is good")
    assert time.perf_counter() - start < 1.0
    assert len(got) == groups
    assert got["reason"].isna().all()


# --- errors ---------------------------------------------------------------------------------------


def test_missing_column_is_named():
    with pytest.raises(ValueError, match=r"recent_trend: frame has no column 'upper_ci95'"):
        recent_trend(series([1, 2, 3, 4, 5], 1).drop(columns="upper_ci95"), polarity="low is good")


def test_repeated_period_is_refused():
    frame = series([1, 2, 3, 4, 5], 1.0, area="A")
    frame.loc[4, "period_sort"] = 20200000
    with pytest.raises(ValueError, match=r"period 2020 appears more than once \(group area='A'\)"):
        recent_trend(frame, by="area", polarity="low is good")


def test_reversed_interval_is_refused():
    frame = series([1, 2, 3, 4, 5], 1.0)
    frame.loc[1, ["lower_ci95", "upper_ci95"]] = [3.0, 1.0]
    with pytest.raises(ValueError, match=r"'lower_ci95' is above 'upper_ci95' in 2018"):
        recent_trend(frame, polarity="low is good")


def test_count_above_denominator_is_refused():
    frame = pd.DataFrame({"period_sort": YEARS, "r": [1, 2, 30, 4, 5], "n": [10] * 5})
    with pytest.raises(ValueError, match=r"count 'r' is above denominator 'n' in 2019"):
        recent_trend(frame, count="r", denominator="n", polarity="low is good")


def test_count_without_denominator_is_refused():
    with pytest.raises(ValueError, match="needs both count and denominator columns"):
        recent_trend(series([1, 2, 3, 4, 5], 1.0), count="value", polarity="low is good")


def test_unknown_polarity_is_refused():
    with pytest.raises(ValueError, match=r"unknown polarity 'up is good'.*no column 'up is good'"):
        recent_trend(series([1, 2, 3, 4, 5], 1.0), polarity="up is good")


def test_polarity_column_varying_within_a_group_is_refused():
    frame = series([1, 2, 3, 4, 5], 1.0, area="A", polarity=["low is good"] * 4 + ["high is good"])
    with pytest.raises(
        ValueError, match=r"polarity column 'polarity' varies within a group \(group area='A'\)"
    ):
        recent_trend(frame, by="area", polarity="polarity")
