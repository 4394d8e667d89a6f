"""Exact SII and RII limits: hand-worked cases, an exact CDF by quadrature, and a million draws as oracles.

Where the simulated fit is linear in the draws (value type 0, or transform=True) sii() computes the
limits in closed form. The oracles here are written independently of het: draws from numpy, refitted
by numpy weighted least squares, percentiles by numpy; the ratio's CDF by scipy quadrature.
"""

import functools
import importlib

import numpy as np
import pandas as pd
import pytest
from scipy import integrate
from scipy.special import expit, logit
from scipy.stats import norm

from het.stats.sii import sii

# The module itself (for monkeypatching), whatever het.stats re-exports under the same name.
sii_module = importlib.import_module("het.stats.sii")

Z95 = 1.959963984540054
Z998 = 3.090232306167813
DRAWS = 1_000_000
LEVELS = (0.95, 0.998)
# Probabilities of the limits, in the order of LIMITS.
PROBABILITIES = {"lower95": 0.025, "upper95": 0.975, "lower998": 0.001, "upper998": 0.999}
POP = np.array([5_200, 7_900, 4_100, 6_600, 9_800, 3_300, 8_700, 5_900, 7_100, 4_400], dtype=float)
SHARE = POP / POP.sum()
RANK = np.cumsum(SHARE) - SHARE / 2  # the cumulative-share midpoints, most deprived first
VALUE = np.array([31.0, 29.5, 27.0, 27.8, 24.1, 22.9, 21.0, 21.6, 18.2, 16.4])
RATE = np.array([820.0, 760.0, 700.0, 690.0, 610.0, 590.0, 560.0, 540.0, 500.0, 470.0])
PROPORTION = np.array([0.42, 0.39, 0.37, 0.33, 0.31, 0.30, 0.26, 0.24, 0.21, 0.18])


def make_frame(values, lower, upper, populations=POP, **columns):
    values = np.asarray(values, dtype=float)
    return pd.DataFrame(
        {
            **columns,
            "quantile": np.arange(1, len(values) + 1),
            "population": np.asarray(populations, dtype=float),
            "value": values,
            "lower_ci95": np.asarray(lower, dtype=float),
            "upper_ci95": np.asarray(upper, dtype=float),
        }
    )


def only(result):
    assert len(result) == 1
    return result.iloc[0]


# --- independent oracles ---------------------------------------------------------------------------


@functools.cache
def million_fits(centre: tuple, se: tuple, seed: int = 20240601):
    """Intercepts and slopes of 10^6 refits: draws centre + se * z, weighted least squares by numpy.

    The weighted fit is the unweighted one of sqrt(a) y on [sqrt(a), sqrt(a) x] (np.linalg.lstsq).
    """
    centre, se = np.array(centre), np.array(se)
    root = np.sqrt(SHARE)
    design = np.column_stack([root, root * RANK])
    draws = centre[:, None] + se[:, None] * np.random.default_rng(seed).standard_normal((len(centre), DRAWS))
    intercept, slope = np.linalg.lstsq(design, root[:, None] * draws, rcond=None)[0]
    return intercept, slope


def quantile_and_se(sample, p):
    """The sample p-quantile and its Monte Carlo standard error sqrt(p (1 - p) / n) / f(q).

    1 / f(q) is the slope of the quantile function, estimated from the sample's own quantiles at
    p -/+ min(p, 1 - p) / 2. (For a normal sample at n = 10^6 the error is 0.0027 sd at the 2.5% point
    and 0.0094 sd at the 0.1% point: 0.07% and 0.15% of the 95% and 99.8% interval widths.)
    """
    step = min(p, 1 - p) / 2
    below, at, above = np.quantile(sample, [p - step, p, p + step])
    return at, np.sqrt(p * (1 - p) / len(sample)) * (above - below) / (2 * step)


# Tolerance: 4 Monte Carlo standard errors of the simulated percentile. The simulation's error is
# normal with that sd, so a correct exact limit lies outside 4 se with probability 6e-5 (the seed is
# fixed, so each comparison passes or fails for good). A 1% error in the slope's sd moves the 95%
# limits by 0.02 sd, 7 se: a wrong variance, z, scale or tail fails. Four se is 0.3% (95%) and 0.6%
# (99.8%) of the interval width. Measured: every limit here is within 2.8 se of its simulated
# percentile; at 95% that is within 1e-3 relative except where the ratio is heavy-tailed, and at 99.8%
# the simulation's own error is about 1e-3 of the limit, so 3 figures is all a million draws resolve.
SE_TOLERANCE = 4


def assert_matches_simulation(got, sample, p, transform=lambda v: v):
    """got equals transform(the sample's p-quantile) within 4 Monte Carlo standard errors."""
    q, se = quantile_and_se(sample, p)
    ends = transform(q - SE_TOLERANCE * se), transform(q + SE_TOLERANCE * se)
    expected, tolerance = transform(q), abs(ends[1] - ends[0]) / 2
    assert got == pytest.approx(expected, abs=tolerance), (got, expected, tolerance)


# --- SII limits against a million draws ------------------------------------------------------------

CASES = {
    # name: (value_type, transform, values, lower, upper, forward, inverse)
    "other": (0, False, VALUE, VALUE - 2.5, VALUE + 2.5, lambda v: v, lambda v: v),
    "rate on the log scale": (1, True, RATE, RATE * 0.86, RATE * 1.17, np.log, np.exp),
    "proportion on the logit scale": (
        2,
        True,
        PROPORTION,
        PROPORTION - 0.03,
        PROPORTION + 0.035,
        logit,
        expit,
    ),
}


@pytest.mark.parametrize("multiplier", [1, -100], ids=["positive", "negative"])
@pytest.mark.parametrize("case", list(CASES))
def test_sii_limits_match_a_million_simulated_refits(case, multiplier):
    value_type, transform, values, lower, upper, forward, inverse = CASES[case]
    # se on the scale the draws are made: the 95% interval's width there over 2 * 1.959964.
    centre = forward(values)
    se = (forward(upper) - forward(lower)) / (2 * Z95)
    intercept, slope = million_fits(tuple(centre), tuple(se))
    row = only(
        sii(
            make_frame(values, lower, upper),
            value_type=value_type,
            transform=transform,
            multiplier=multiplier,
            confidence=LEVELS,
        )
    )
    assert row["limits"] == "exact"
    b0, b1 = np.linalg.lstsq(
        np.column_stack([np.sqrt(SHARE), np.sqrt(SHARE) * RANK]), np.sqrt(SHARE) * centre
    )[0]
    middle = b0 + b1 / 2
    for end, p in PROBABILITIES.items():
        # A negative multiplier swaps the ends: the lower limit comes from the slope's upper percentile.
        slope_p = 1 - p if multiplier < 0 else p
        if transform:
            sii_of = lambda s: (inverse(middle + s / 2) - inverse(middle - s / 2)) * multiplier  # noqa: E731
            rii_of = lambda s: (  # noqa: E731
                inverse(middle - s / 2) / inverse(middle + s / 2)
                if multiplier < 0
                else inverse(middle + s / 2) / inverse(middle - s / 2)
            )
            assert_matches_simulation(row[f"sii_{end}"], slope, slope_p, sii_of)
            assert_matches_simulation(row[f"rii_{end}"], slope, slope_p, rii_of)
        else:
            assert_matches_simulation(row[f"sii_{end}"], slope * multiplier, p)
            # RII = B / A of the fitted ends (A / B with a negative multiplier), simulated draw by draw.
            top, bottom = intercept + slope, intercept
            ratio = bottom / top if multiplier < 0 else top / bottom
            assert_matches_simulation(row[f"rii_{end}"], ratio, p)


# --- RII limits against a million draws ------------------------------------------------------------

# y = 2 + 20 x: the fitted most-deprived end A is 2, the least B is 22. The half-width sets how many
# sds A lies from zero: 10.2 (P(A <= 0) ~ 1e-24: Fieller's roots), 4.7 (1.2e-6: tiny, but above the
# threshold, so the exact CDF is inverted) and 1.4 (8%: the ratio is heavy-tailed, its 2.5% point
# negative). With the multiplier negative the RII is A / B, whose denominator B is 15+ sd from zero.
RISING = 2 + 20 * RANK
RII_CASES = {"far": 0.6, "near zero, P tiny": 1.3, "crossing zero": 4.4}


def ratio_draws(half_width, multiplier):
    intercept, slope = million_fits(tuple(RISING), tuple(np.full(10, half_width / Z95)))
    top, bottom = intercept + slope, intercept
    return (bottom, top) if multiplier < 0 else (top, bottom)


@pytest.mark.parametrize("multiplier", [1, -1], ids=["B over A", "inverted: A over B"])
@pytest.mark.parametrize("case", list(RII_CASES))
def test_rii_limits_match_a_million_simulated_ratios(case, multiplier, monkeypatch):
    half_width = RII_CASES[case]
    numerator, denominator = ratio_draws(half_width, multiplier)
    distance = denominator.mean() / denominator.std()
    inversions = []
    original = sii_module._invert_ratio_cdf
    monkeypatch.setattr(
        sii_module, "_invert_ratio_cdf", lambda *args: inversions.append(1) or original(*args)
    )
    row = only(
        sii(
            make_frame(RISING, RISING - half_width, RISING + half_width),
            multiplier=multiplier,
            confidence=LEVELS,
        )
    )
    # The cases are what they say: Fieller's roots only where the denominator is >= 7.9 sd from zero.
    assert bool(inversions) == (distance < 7.9), distance
    if case == "crossing zero" and multiplier > 0:
        assert 0.05 < np.mean(denominator <= 0) < 0.12 and row["rii_lower95"] < 0
    for end, p in PROBABILITIES.items():
        assert_matches_simulation(row[f"rii_{end}"], numerator / denominator, p)


def ratio_cdf_by_quadrature(w, half_width, multiplier):
    """P(N / D <= w) for the fitted ends of RISING, integrating over D (scipy.integrate.quad).

    D ~ N(mD, sD^2); given D = d, N ~ N(mN + beta (d - mD), residual); the ratio is <= w when
    N <= w d for d > 0 and N >= w d for d < 0. The coefficients of A and B on the group values come
    from the weighted least-squares fit of a unit vector (numpy lstsq), not from het.
    """
    root = np.sqrt(SHARE)
    fit = np.linalg.lstsq(np.column_stack([root, root * RANK]), np.diag(root), rcond=None)[0]
    a_coef, b_coef = fit[0], fit[0] + fit[1]  # A = a_coef . y, B = b_coef . y
    n_coef, d_coef = (a_coef, b_coef) if multiplier < 0 else (b_coef, a_coef)
    se = half_width / Z95
    mean_n, mean_d = n_coef @ RISING, d_coef @ RISING
    var_n, var_d, cov = se**2 * (n_coef @ n_coef), se**2 * (d_coef @ d_coef), se**2 * (n_coef @ d_coef)
    beta, sd_d = cov / var_d, np.sqrt(var_d)
    sd_rest = np.sqrt(var_n - beta * cov)

    def density(d):
        below = norm.cdf((w * d - mean_n - beta * (d - mean_d)) / sd_rest)
        return norm.pdf(d, mean_d, sd_d) * (below if d > 0 else 1 - below)

    cuts = [mean_d + j * sd_d for j in (-40, -8, -4, -2, -1, 0, 1, 2, 4, 8, 40)] + [0.0]
    if w != beta:
        cuts.append((mean_n - beta * mean_d) / (w - beta))  # where the conditional step sits
    cuts = sorted(c for c in cuts if mean_d - 40 * sd_d <= c <= mean_d + 40 * sd_d)
    return sum(
        integrate.quad(density, lo, hi, epsabs=1e-15, epsrel=1e-13, limit=500)[0]
        for lo, hi in zip(cuts[:-1], cuts[1:], strict=False)
    )


@pytest.mark.parametrize("multiplier", [1, -1], ids=["B over A", "inverted: A over B"])
@pytest.mark.parametrize("case", list(RII_CASES))
def test_rii_limits_are_the_exact_quantiles_of_the_ratio(case, multiplier):
    # No Monte Carlo error here: the ratio's CDF at each limit, by quadrature, is its probability.
    half_width = RII_CASES[case]
    row = only(
        sii(
            make_frame(RISING, RISING - half_width, RISING + half_width),
            multiplier=multiplier,
            confidence=LEVELS,
        )
    )
    for end, p in PROBABILITIES.items():
        assert ratio_cdf_by_quadrature(row[f"rii_{end}"], half_width, multiplier) == pytest.approx(
            p, abs=1e-9
        )


def test_fieller_roots_and_the_inverted_exact_cdf_agree_where_both_apply(monkeypatch):
    # Far from zero both are right; FIELLER_TAIL < 0 sends every area to the numerical inversion.
    frame = make_frame(VALUE, VALUE - 2.5, VALUE + 2.5)
    for multiplier in (1, -1):
        closed = only(sii(frame, multiplier=multiplier, confidence=LEVELS))
        monkeypatch.setattr(sii_module, "FIELLER_TAIL", -1.0)
        inverted = only(sii(frame, multiplier=multiplier, confidence=LEVELS))
        monkeypatch.undo()
        for end in PROBABILITIES:
            assert inverted[f"rii_{end}"] == pytest.approx(closed[f"rii_{end}"], rel=1e-10)


# --- hand-worked -----------------------------------------------------------------------------------


def hand_frame():
    # Five equal shares: ranks x = 0.1, 0.3, 0.5, 0.7, 0.9, mean 0.5, sum a (x - 0.5)^2 = 0.08, so the
    # slope weights a (x - 0.5) / 0.08 are -1, -0.5, 0, 0.5, 1. y = 9 + 10 x exactly; half-widths
    # 1, 2, 1, 2, 1, so se_i = h_i / 1.959964.
    x = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    y = 9 + 10 * x
    half = np.array([1.0, 2.0, 1.0, 2.0, 1.0])
    return make_frame(y, y - half, y + half, populations=[500] * 5)


def test_hand_worked_slope_limits_are_the_normal_quantiles():
    # Var(slope) = sum w^2 se^2 = (1 + 0.25 * 4 + 0 + 0.25 * 4 + 1) / 1.959964^2 = 4 / 1.959964^2,
    # sd = 2 / 1.959964; 95% limits 10 -/+ 1.959964 sd = 8 and 12; 99.8% 10 -/+ 3.090232 sd.
    sd = 2 / Z95
    row = only(sii(hand_frame(), confidence=LEVELS))
    assert row["sii"] == pytest.approx(10, abs=1e-12)
    assert row["sii_lower95"] == pytest.approx(10 - Z95 * sd, abs=1e-9)
    assert row["sii_lower95"] == pytest.approx(8, abs=1e-9)
    assert row["sii_upper95"] == pytest.approx(12, abs=1e-9)
    assert row["sii_lower998"] == pytest.approx(10 - Z998 * sd, abs=1e-9)
    assert row["sii_upper998"] == pytest.approx(10 + Z998 * sd, abs=1e-9)
    flipped = only(sii(hand_frame(), multiplier=-1))
    assert [flipped["sii_lower95"], flipped["sii_upper95"]] == pytest.approx([-12, -8], abs=1e-9)


def test_hand_worked_rii_limits_are_fiellers_roots():
    # A = intercept = sum (a - 0.5 w) y, coefficients 0.7, 0.45, 0.2, -0.05, -0.3; B = A + slope,
    # coefficients -0.3, -0.05, 0.2, 0.45, 0.7. With z = 1.959964 and se = h / z, z^2 Var A =
    # 0.49 + 0.2025 * 4 + 0.04 + 0.0025 * 4 + 0.09 = 1.44, z^2 Var B = 1.44, z^2 Cov = -0.21 - 0.09
    # + 0.04 - 0.09 - 0.21 = -0.56; E A = 9, E B = 19 (A is 14.7 sd from zero). Fieller for B / A:
    # (81 - 1.44) w^2 - 2 (171 + 0.56) w + (361 - 1.44) = 0, b^2 - ac = 171.56^2 - 79.56 * 359.56 = 826.24.
    row = only(sii(hand_frame()))
    assert row["rii"] == pytest.approx(19 / 9, abs=1e-12)
    assert row["rii_lower95"] == pytest.approx((171.56 - np.sqrt(826.24)) / 79.56, abs=1e-12)
    assert row["rii_upper95"] == pytest.approx((171.56 + np.sqrt(826.24)) / 79.56, abs=1e-12)
    # Inverted, A / B: the same quadratic with a and c swapped, whose roots are the reciprocals.
    flipped = only(sii(hand_frame(), multiplier=-1))
    assert flipped["rii_lower95"] == pytest.approx((171.56 - np.sqrt(826.24)) / 359.56, abs=1e-12)
    assert flipped["rii_upper95"] == pytest.approx((171.56 + np.sqrt(826.24)) / 359.56, abs=1e-12)


def test_zero_width_intervals_put_every_limit_on_the_estimate():
    frame = make_frame(VALUE, VALUE, VALUE)
    for multiplier in (1, -1):
        row = only(sii(frame, multiplier=multiplier, confidence=LEVELS))
        for index in ("sii", "rii"):
            for end in PROBABILITIES:
                assert row[f"{index}_{end}"] == pytest.approx(row[index], rel=1e-12)


# --- which limits, and the simulated path ----------------------------------------------------------


def test_simulated_limits_are_unchanged_by_the_exact_ones():
    # Rates and proportions fitted on their own scale are still simulated. Captured from sii() before
    # exact limits were added (seed 3, 5,000 repetitions, 95% and 99.8%).
    rates = np.array([820.0, 700.0, 610.0, 560.0, 470.0])
    rate_frame = make_frame(
        rates, rates * 0.88, rates * 1.15, populations=[12_000, 8_000, 15_000, 9_000, 6_000]
    )
    proportion_frame = make_frame(PROPORTION, PROPORTION - 0.03, PROPORTION + 0.035)
    names = ["sii", "rii", "intercept"] + [f"{i}_{e}" for e in PROBABILITIES for i in ("sii", "rii")]
    before = {
        "rate": {
            "sii": -402.0516717325235, "rii": 0.527012409778354, "intercept": 850.0258358662617,
            "sii_lower95": -558.0350773721702, "sii_upper95": -261.38227806430007,
            "rii_lower95": 0.40921640603874004, "rii_upper95": 0.6591728145125004,
            "sii_lower998": -655.28817203631, "sii_upper998": -197.03071326536303,
            "rii_lower998": 0.3442764210091476, "rii_upper998": 0.7284890257337203,
        },
        "proportion": {
            "sii": 24.819887424397574, "rii": 2.4048064597093104, "intercept": 0.42487721489976565,
            "sii_lower95": 21.25483586983994, "sii_upper95": 28.314919509126362,
            "rii_lower95": 2.0856757125352203, "rii_upper95": 2.784850614481008,
            "sii_lower998": 19.524024929704133, "sii_upper998": 30.333558443510693,
            "rii_lower998": 1.9442035521967673, "rii_upper998": 3.019046044234516,
        },
    }  # fmt: skip
    rate = only(sii(rate_frame, value_type=1, repetitions=5_000, seed=3, confidence=LEVELS))
    proportion = only(
        sii(proportion_frame, value_type=2, multiplier=-100, repetitions=5_000, seed=3, confidence=LEVELS)
    )
    for row, expected in [(rate, before["rate"]), (proportion, before["proportion"])]:
        assert row["limits"] == "simulated"
        for name in names:
            assert row[name] == pytest.approx(expected[name], rel=1e-12), name


def test_limits_column_says_how_and_is_empty_without_a_result():
    frame = pd.concat(
        [
            make_frame(VALUE, VALUE - 2, VALUE + 2, ward="Biscot"),
            make_frame(VALUE + 1, VALUE - 1, VALUE + 3, ward="Dallow"),
            make_frame(VALUE[:-1], VALUE[:-1] - 2, VALUE[:-1] + 2, populations=POP[:-1], ward="Icknield"),
        ],
        ignore_index=True,
    )
    result = sii(frame, by="ward").set_index("ward")
    columns = list(result.columns)
    assert columns.index("limits") == columns.index("n_groups") - 1
    assert result["limits"].tolist() == ["exact", "exact", None]
    assert result.loc["Icknield", "reason"] == "missing deprivation group(s) 10 of 1-10"
    rates = sii(frame, by="ward", value_type=1, repetitions=100)  # rates fitted on their own scale
    assert rates["limits"].tolist() == ["simulated", "simulated", None]
    transformed = sii(frame, by="ward", value_type=1, transform=True, repetitions=100)
    assert transformed["limits"].tolist() == ["exact", "exact", None]


def test_many_areas_in_both_branches_match_each_area_alone():
    # Areas 0-3 far from zero (Fieller), 4-7 near it (the numerical inversion), in one vectorised call.
    frames = []
    for area, half in enumerate([0.5, 0.6, 0.7, 0.8, 2.0, 3.0, 4.0, 6.0]):
        values = RISING + 0.3 * area
        frames.append(make_frame(values, values - half, values + half, area=area))
    frame = pd.concat(frames, ignore_index=True)
    for multiplier in (1, -1):
        together = sii(frame, by="area", multiplier=multiplier, confidence=LEVELS)
        for area in range(8):
            alone = only(sii(frame[frame["area"] == area], multiplier=multiplier, confidence=LEVELS))
            for name in alone.index.drop(["reason", "limits"]):
                assert together.loc[area, name] == pytest.approx(alone[name], rel=1e-12), (area, name)
            assert np.isfinite(together.loc[area, "rii_lower998"])
