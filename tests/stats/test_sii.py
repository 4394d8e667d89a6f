"""SII and RII: hand-worked lines, numpy least squares and an independent simulation as oracles."""

import importlib
import re

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit, logit

from het.stats.sii import sii

# The module itself (for monkeypatching), whatever het.stats re-exports under the same name.
sii_module = importlib.import_module("het.stats.sii")

Z95 = 1.959963984540054
QUINTILE_POP = [12_000, 8_000, 15_000, 9_000, 6_000]
QUINTILE_RATE = [820.0, 700.0, 610.0, 560.0, 470.0]
DECILE_POP = [5_200, 7_900, 4_100, 6_600, 9_800, 3_300, 8_700, 5_900, 7_100, 4_400]
DECILE_VALUE = [31.0, 29.5, 27.0, 27.8, 24.1, 22.9, 21.0, 21.6, 18.2, 16.4]
DECILE_PROPORTION = [0.42, 0.39, 0.37, 0.33, 0.31, 0.30, 0.26, 0.24, 0.21, 0.18]
FAST = 2_000


def make_frame(values, populations, *, lower=None, upper=None, half_width=None, **columns):
    """One area's rows; the interval is value -/+ half_width unless lower and upper are given."""
    values = np.asarray(values, dtype=float)
    if lower is None:
        lower, upper = values - half_width, values + half_width
    return pd.DataFrame(
        {
            **columns,
            "quantile": np.arange(1, len(values) + 1),
            "population": np.asarray(populations, dtype=float),
            "value": values,
            "lower_ci95": lower,
            "upper_ci95": upper,
        }
    )


def rate_frame():
    rates = np.array(QUINTILE_RATE)
    return make_frame(rates, QUINTILE_POP, lower=rates * 0.88, upper=rates * 1.15)


def proportion_frame():
    p = np.array(DECILE_PROPORTION)
    return make_frame(p, DECILE_POP, lower=p - 0.03, upper=p + 0.035)


def design(populations):
    """sqrt(a)-scaled design [sqrt(a), sqrt(a) x] and sqrt(a), with x the cumulative-share midpoint."""
    a = np.asarray(populations, dtype=float) / np.sum(populations)
    x, earlier = [], 0.0
    for share in a:
        x.append(earlier + share / 2)
        earlier += share
    root = np.sqrt(a)
    return np.column_stack([root, root * np.array(x)]), root


def wls(populations, y):
    """(intercept, slope) of y on the relative rank, weighted by population share (numpy lstsq)."""
    matrix, root = design(populations)
    y = np.asarray(y, dtype=float)
    coefficients = np.linalg.lstsq(matrix, root[:, None] * y.reshape(len(root), -1), rcond=None)[0]
    return coefficients[0], coefficients[1]


def simulated_limits(populations, centre, se, inverse, *, repetitions=200_000, seed=12345, fit_scale=False):
    """Independent simulation: 95% percentiles of slope and RII, and the slope draws' 2.5/97.5%."""
    rng = np.random.default_rng(seed)
    draws = np.asarray(centre)[:, None] + np.asarray(se)[:, None] * rng.standard_normal(
        (len(centre), repetitions)
    )
    if not fit_scale:
        draws = inverse(draws)
    intercept, slope = wls(populations, draws)
    return np.percentile(slope, [2.5, 97.5]), np.percentile((intercept + slope) / intercept, [2.5, 97.5])


def only(result):
    assert len(result) == 1
    return result.iloc[0]


# --- point estimates -------------------------------------------------------------------------------


def test_equal_populations_on_a_straight_line_hand_worked():
    # Five equal shares a = 0.2, ranks x = 0.1, 0.3, 0.5, 0.7, 0.9; y = 9 + 10x exactly.
    # SII = 10 (the line rises 10 from x = 0 to x = 1), intercept 9, RII = (9 + 10) / 9.
    row = only(sii(make_frame([10, 12, 14, 16, 18], [500] * 5, half_width=1.0), repetitions=FAST))
    assert row["sii"] == pytest.approx(10, abs=1e-12)
    assert row["intercept"] == pytest.approx(9, abs=1e-12)
    assert row["rii"] == pytest.approx(19 / 9, abs=1e-12)
    assert row["n_groups"] == 5
    assert row["reason"] is None


@pytest.mark.parametrize(
    ("values", "populations"),
    [(QUINTILE_RATE, QUINTILE_POP), (DECILE_VALUE, DECILE_POP)],
    ids=["quintiles", "deciles"],
)
def test_point_estimate_matches_weighted_least_squares(values, populations):
    intercept, slope = wls(populations, values)
    row = only(sii(make_frame(values, populations, half_width=2.0), repetitions=FAST))
    assert row["sii"] == pytest.approx(slope[0], rel=1e-12)
    assert row["intercept"] == pytest.approx(intercept[0], rel=1e-12)
    assert row["rii"] == pytest.approx((intercept[0] + slope[0]) / intercept[0], rel=1e-12)


def test_rows_in_any_order_are_ranked_by_quantile():
    frame = make_frame(DECILE_VALUE, DECILE_POP, half_width=2.0)
    shuffled = frame.sample(frac=1, random_state=3)
    assert not shuffled["quantile"].is_monotonic_increasing
    pd.testing.assert_frame_equal(sii(shuffled, repetitions=FAST), sii(frame, repetitions=FAST))


def test_negative_multiplier_flips_sii_swaps_its_limits_and_inverts_rii():
    frame = make_frame(DECILE_VALUE, DECILE_POP, half_width=2.0)
    plain = only(sii(frame, repetitions=FAST))
    flipped = only(sii(frame, repetitions=FAST, multiplier=-100))
    intercept, slope = (c[0] for c in wls(DECILE_POP, DECILE_VALUE))
    assert flipped["sii"] == pytest.approx(-100 * slope, rel=1e-12)
    assert flipped["rii"] == pytest.approx(intercept / (intercept + slope), rel=1e-12)
    assert flipped["intercept"] == pytest.approx(intercept, rel=1e-12)
    assert flipped["sii_lower95"] == pytest.approx(-100 * plain["sii_upper95"], rel=1e-12)
    assert flipped["sii_upper95"] == pytest.approx(-100 * plain["sii_lower95"], rel=1e-12)
    # Both fitted ends are surely positive here, so A/B = 1/(B/A) is decreasing in B/A and its
    # quantiles are the reciprocals of the other tail's; the limits are exact, so this holds exactly.
    assert flipped["rii_lower95"] == pytest.approx(1 / plain["rii_upper95"], rel=1e-12)
    assert flipped["rii_upper95"] == pytest.approx(1 / plain["rii_lower95"], rel=1e-12)


def test_transform_rates_fits_on_the_log_scale():
    b0, b1 = (c[0] for c in wls(QUINTILE_POP, np.log(QUINTILE_RATE)))
    row = only(sii(rate_frame(), value_type=1, transform=True, repetitions=FAST))
    assert row["sii"] == pytest.approx(np.exp(b0 + b1) - np.exp(b0), rel=1e-12)
    assert row["rii"] == pytest.approx(np.exp(b1), rel=1e-12)
    assert row["intercept"] == pytest.approx(np.exp(b0), rel=1e-12)
    flipped = only(sii(rate_frame(), value_type=1, transform=True, repetitions=FAST, multiplier=-1))
    assert flipped["sii"] == pytest.approx(np.exp(b0) - np.exp(b0 + b1), rel=1e-12)
    assert flipped["rii"] == pytest.approx(np.exp(-b1), rel=1e-12)
    assert flipped["sii_lower95"] == pytest.approx(-row["sii_upper95"], rel=1e-12)
    assert flipped["rii_lower95"] == pytest.approx(1 / row["rii_upper95"], rel=1e-12)


def test_transform_proportions_fits_on_the_logit_scale():
    b0, b1 = (c[0] for c in wls(DECILE_POP, logit(DECILE_PROPORTION)))
    row = only(sii(proportion_frame(), value_type=2, transform=True, multiplier=100, repetitions=FAST))
    assert row["sii"] == pytest.approx(100 * (expit(b0 + b1) - expit(b0)), rel=1e-12)
    assert row["rii"] == pytest.approx(expit(b0 + b1) / expit(b0), rel=1e-12)
    assert row["intercept"] == pytest.approx(expit(b0), rel=1e-12)


def test_untransformed_rates_and_proportions_fit_the_values_themselves():
    for frame, value_type, pops in [(rate_frame(), 1, QUINTILE_POP), (proportion_frame(), 2, DECILE_POP)]:
        b0, b1 = (c[0] for c in wls(pops, frame["value"]))
        row = only(sii(frame, value_type=value_type, repetitions=FAST))
        assert row["sii"] == pytest.approx(b1, rel=1e-12)
        assert row["rii"] == pytest.approx((b0 + b1) / b0, rel=1e-12)


# --- simulated limits ------------------------------------------------------------------------------


def test_exact_line_with_tiny_se_collapses_the_limits_onto_the_estimate():
    populations = [300, 900, 500, 700, 400]
    matrix, root = design(populations)
    rank = matrix[:, 1] / root
    row = only(sii(make_frame(9 + 10 * rank, populations, half_width=1e-9)))
    for column in ["sii_lower95", "sii_upper95"]:
        assert row[column] == pytest.approx(row["sii"], abs=1e-6)
    for column in ["rii_lower95", "rii_upper95"]:
        assert row[column] == pytest.approx(row["rii"], abs=1e-6)
    assert row["sii"] == pytest.approx(10, abs=1e-9)


@pytest.mark.parametrize("value_type", [0, 1], ids=["other-exact", "rate-simulated"])
def test_10k_repetitions_agree_with_a_long_run_within_2_percent_of_the_width(value_type):
    # value_type 0 has exact limits, which do not depend on the repetitions at all; rates fitted on
    # their own scale are still simulated.
    frame = make_frame(DECILE_VALUE, DECILE_POP, half_width=2.5) if value_type == 0 else rate_frame()
    short = only(sii(frame, value_type=value_type, repetitions=10_000, seed=0))
    long = only(sii(frame, value_type=value_type, repetitions=200_000, seed=99))
    for index in ["sii", "rii"]:
        width = long[f"{index}_upper95"] - long[f"{index}_lower95"]
        assert width > 0
        for end in ["lower95", "upper95"]:
            assert short[f"{index}_{end}"] == pytest.approx(long[f"{index}_{end}"], abs=0.02 * width)


@pytest.mark.parametrize("value_type", [0, 1, 2], ids=["other", "rate", "proportion"])
def test_limits_agree_with_an_independent_simulation(value_type):
    # The oracle draws on the log/logit scale itself (se from the interval there), back-transforms,
    # and refits with numpy lstsq; 200,000 runs each side put the Monte Carlo error near 0.2% of the
    # width, so 1.5% of the width fails a wrong se, scale or percentile.
    frame = [make_frame(DECILE_VALUE, DECILE_POP, half_width=2.5), rate_frame(), proportion_frame()][
        value_type
    ]
    forward, inverse = [(lambda v: v, lambda v: v), (np.log, np.exp), (logit, expit)][value_type]
    centre = forward(frame["value"].to_numpy())
    se = (forward(frame["upper_ci95"].to_numpy()) - forward(frame["lower_ci95"].to_numpy())) / (2 * Z95)
    slope_limits, rii_limits = simulated_limits(frame["population"].to_numpy(), centre, se, inverse)
    row = only(sii(frame, value_type=value_type, repetitions=200_000, seed=7))
    for index, limits in [("sii", slope_limits), ("rii", rii_limits)]:
        width = limits[1] - limits[0]
        assert row[f"{index}_lower95"] == pytest.approx(limits[0], abs=0.015 * width)
        assert row[f"{index}_upper95"] == pytest.approx(limits[1], abs=0.015 * width)


def test_transformed_limits_are_the_slope_percentiles_centred_and_back_transformed():
    frame = rate_frame()
    pops = frame["population"].to_numpy()
    centre = np.log(frame["value"].to_numpy())
    se = (np.log(frame["upper_ci95"].to_numpy()) - np.log(frame["lower_ci95"].to_numpy())) / (2 * Z95)
    slope_limits, _ = simulated_limits(pops, centre, se, None, fit_scale=True)
    b0, b1 = (c[0] for c in wls(pops, centre))
    middle = b0 + b1 / 2
    expected_sii = np.exp(middle + slope_limits / 2) - np.exp(middle - slope_limits / 2)
    expected_rii = np.exp(slope_limits)  # exp(m + L/2) / exp(m - L/2)
    row = only(sii(frame, value_type=1, transform=True, repetitions=200_000, seed=7))
    for index, expected in [("sii", expected_sii), ("rii", expected_rii)]:
        width = expected[1] - expected[0]
        assert row[f"{index}_lower95"] == pytest.approx(expected[0], abs=0.015 * width)
        assert row[f"{index}_upper95"] == pytest.approx(expected[1], abs=0.015 * width)
        assert row[f"{index}_lower95"] < row[index] < row[f"{index}_upper95"]


def test_several_levels_are_named_by_their_percentage_and_nest():
    frame = make_frame(DECILE_VALUE, DECILE_POP, half_width=2.5)
    result = sii(frame, confidence=(0.9, 0.95, 0.975, 0.998), repetitions=FAST)
    limits = [
        f"{i}_{end}{s}"
        for s in ["90", "95", "975", "998"]
        for i in ["sii", "rii"]
        for end in ["lower", "upper"]
    ]
    assert list(result.columns) == ["sii", "rii", "intercept", *limits, "limits", "n_groups", "reason"]
    row = only(result)
    for index in ["sii", "rii"]:
        lows = [row[f"{index}_lower{s}"] for s in ["90", "95", "975", "998"]]
        highs = [row[f"{index}_upper{s}"] for s in ["90", "95", "975", "998"]]
        assert lows == sorted(lows, reverse=True) and highs == sorted(highs)
        assert lows[0] < row[index] < highs[0]


def test_same_seed_same_result_other_seed_slightly_different():
    # Rates fitted on their own scale: the simulated case, so the seed matters (a little).
    frame = rate_frame()
    first = only(sii(frame, value_type=1, repetitions=FAST, seed=5))
    again = only(sii(frame, value_type=1, repetitions=FAST, seed=5))
    other = only(sii(frame, value_type=1, repetitions=FAST, seed=6))
    assert first["limits"] == "simulated"
    pd.testing.assert_series_equal(first, again)
    width = first["sii_upper95"] - first["sii_lower95"]
    assert other["sii_lower95"] != first["sii_lower95"]
    assert other["sii_lower95"] == pytest.approx(first["sii_lower95"], abs=0.1 * width)
    assert other["sii"] == first["sii"]


def test_exact_limits_ignore_the_seed_and_the_repetitions():
    # Was part of the test above for value_type 0, whose limits were simulated; they are now exact.
    frame = make_frame(DECILE_VALUE, DECILE_POP, half_width=2.5)
    first = only(sii(frame, repetitions=FAST, seed=5))
    other = only(sii(frame, repetitions=3, seed=6))
    assert first["limits"] == "exact"
    pd.testing.assert_series_equal(first, other)


def test_se_column_gives_the_same_result_as_the_interval_it_came_from():
    frame = rate_frame()
    # se on the rate's own scale; the delta method takes it to the log scale as se / rate.
    se_log = (np.log(frame["upper_ci95"]) - np.log(frame["lower_ci95"])) / (2 * Z95)
    with_se = frame.drop(columns=["lower_ci95", "upper_ci95"]).assign(se=se_log * frame["value"])
    expected = sii(frame, value_type=1, repetitions=FAST)
    pd.testing.assert_frame_equal(sii(with_se, se="se", value_type=1, repetitions=FAST), expected)


# --- by: many areas at once ------------------------------------------------------------------------


def three_areas():
    rng = np.random.default_rng(2)
    frames = []
    for area in ["Biscot", "Dallow", "Stopsley"]:
        values = np.array(DECILE_VALUE) + rng.normal(0, 2, 10)
        pops = np.array(DECILE_POP) * rng.uniform(0.5, 1.5, 10)
        frames.append(make_frame(values, pops, half_width=rng.uniform(1, 3, 10), ward=area))
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("value_type", [0, 1])
def test_by_gives_one_row_per_area_identical_to_each_area_alone(value_type):
    frame = three_areas()
    together = sii(frame, by="ward", value_type=value_type, repetitions=FAST)
    assert together["ward"].tolist() == ["Biscot", "Dallow", "Stopsley"]
    for index, ward in enumerate(together["ward"]):
        alone = only(sii(frame[frame["ward"] == ward], value_type=value_type, repetitions=FAST))
        for column in alone.index.drop(["reason", "limits"]):
            assert together.loc[index, column] == pytest.approx(alone[column], rel=1e-12), column
        assert together.loc[index, "reason"] is None
        assert (
            together.loc[index, "limits"] == alone["limits"] == ("exact" if value_type == 0 else "simulated")
        )


def test_blocking_the_simulation_does_not_change_the_result(monkeypatch):
    frame = three_areas()
    expected = [sii(frame, by="ward", value_type=t, repetitions=FAST) for t in (0, 1)]
    # 1,000 elements per block: 100 repetitions at a time, one area at a time, draws regenerated.
    monkeypatch.setattr(sii_module, "CHUNK_ELEMENTS", 1_000)
    for value_type in (0, 1):
        got = sii(frame, by="ward", value_type=value_type, repetitions=FAST)
        pd.testing.assert_frame_equal(got, expected[value_type], rtol=1e-12)


def test_by_several_columns_keeps_them_first_and_reasons_last():
    frame = pd.concat([three_areas().assign(year=2022), three_areas().assign(year=2023)], ignore_index=True)
    result = sii(frame, by=["ward", "year"], repetitions=FAST)
    assert list(result.columns[:5]) == ["ward", "year", "sii", "rii", "intercept"]
    assert list(result.columns[-2:]) == ["n_groups", "reason"]
    assert len(result) == 6 and result["reason"].isna().all()


def test_area_missing_a_group_gets_a_reason_and_the_others_are_still_calculated():
    frame = three_areas()
    gaps = frame[~((frame["ward"] == "Dallow") & frame["quantile"].isin([3, 5, 6, 7]))]
    result = sii(gaps, by="ward", repetitions=FAST).set_index("ward")
    assert result.loc["Dallow", "reason"] == "missing deprivation group(s) 3, 5-7 of 1-10"
    assert result.loc["Dallow", "n_groups"] == 6
    assert result.loc["Dallow", ["sii", "rii", "sii_lower95", "rii_upper95"]].isna().all()
    full = sii(frame, by="ward", repetitions=FAST).set_index("ward")
    pd.testing.assert_frame_equal(result.drop(index="Dallow"), full.drop(index="Dallow"))


def test_by_areas_with_four_groups_get_a_reason_instead_of_an_error():
    frame = three_areas()
    result = sii(frame[frame["quantile"] <= 4], by="ward", repetitions=FAST)
    assert result["reason"].tolist() == ["SII needs 5 to 100 groups; got 4"] * 3
    assert result["sii"].isna().all()


def test_by_area_with_a_missing_interval_or_a_zero_rate_gets_a_reason():
    frame = three_areas()
    frame.loc[13, "upper_ci95"] = np.nan  # Dallow decile 4
    frame.loc[27, ["value", "lower_ci95"]] = [0.0, 0.0]  # Stopsley decile 8
    result = sii(frame, by="ward", value_type=1, repetitions=FAST).set_index("ward")
    assert result.loc["Dallow", "reason"] == "no 95% interval for deprivation group 4 (row 13: upper_ci95)"
    assert result.loc["Stopsley", "reason"] == (
        "rate of 0 for deprivation group 8 (row 27: value); rates are simulated on the log scale"
    )
    assert result.loc["Biscot", "reason"] is None and np.isfinite(result.loc["Biscot", "sii_lower95"])


def test_by_with_no_rows_gives_an_empty_frame_with_the_columns():
    result = sii(three_areas().iloc[:0], by="ward")
    assert len(result) == 0
    assert list(result.columns) == ["ward", "sii", "rii", "intercept", "sii_lower95", "sii_upper95",
                                    "rii_lower95", "rii_upper95", "limits", "n_groups", "reason"]  # fmt: skip


# --- refusals --------------------------------------------------------------------------------------


def refuse(frame, message, **options):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        sii(frame, repetitions=FAST, **options)


def test_refuses_four_groups():
    refuse(make_frame([5, 4, 3, 2], [10] * 4, half_width=1), "SII needs 5 to 100 groups; got 4")


def test_refuses_101_groups():
    refuse(make_frame(np.arange(101.0), [10] * 101, half_width=1), "SII needs 5 to 100 groups; got 101")


def test_accepts_100_groups():
    assert only(sii(make_frame(np.arange(100.0), [10] * 100, half_width=1), repetitions=FAST))["sii"] > 0


@pytest.mark.parametrize("population", [0, -250])
def test_refuses_zero_and_negative_populations_naming_the_row(population):
    frame = make_frame(DECILE_VALUE, DECILE_POP, half_width=1).set_axis(range(10, 20))
    frame.loc[13, "population"] = population
    refuse(frame, f"SII needs positive populations; row 13 has population {population}")


def test_refuses_a_missing_population():
    frame = make_frame(DECILE_VALUE, DECILE_POP, half_width=1)
    frame.loc[2, "population"] = np.nan
    refuse(frame, "SII not calculated: no population for deprivation group 3 (row 2)")


def test_refuses_a_missing_interval():
    frame = make_frame(DECILE_VALUE, DECILE_POP, half_width=1)
    frame.loc[6, "lower_ci95"] = np.nan
    refuse(frame, "SII not calculated: no 95% interval for deprivation group 7 (row 6: lower_ci95)")


def test_refuses_a_missing_se_when_se_is_named():
    frame = make_frame(DECILE_VALUE, DECILE_POP, half_width=1).assign(se=0.5)
    frame.loc[1, "se"] = np.nan
    refuse(frame, "SII not calculated: no se for deprivation group 2 (row 1: se)", se="se")


def test_refuses_percentages_given_as_proportions():
    frame = make_frame(np.array(DECILE_PROPORTION) * 100, DECILE_POP, half_width=3)
    frame.loc[0, "value"] = 62.3
    refuse(
        frame, "proportions must be between 0 and 1; row 0 has 62.3 (divide percentages by 100)", value_type=2
    )


def test_refuses_a_proportion_limit_above_one():
    frame = proportion_frame()
    frame.loc[0, "upper_ci95"] = 1.02
    refuse(
        frame,
        "proportions must be between 0 and 1; row 0 has 1.02 in upper_ci95 (divide percentages by 100)",
        value_type=2,
    )


def test_refuses_a_proportion_of_one_which_has_no_logit():
    frame = proportion_frame()
    frame.loc[4, "upper_ci95"] = 1.0
    refuse(
        frame,
        "SII not calculated: proportion of 1 for deprivation group 5 (row 4: upper_ci95); "
        "proportions are simulated on the logit scale, which excludes 0 and 1",
        value_type=2,
    )


def test_refuses_negative_rates():
    frame = rate_frame()
    frame.loc[1, "lower_ci95"] = -3
    refuse(frame, "rates must not be negative; row 1 has -3 in lower_ci95", value_type=1)


def test_refuses_a_reversed_interval_and_a_negative_se():
    frame = make_frame(DECILE_VALUE, DECILE_POP, half_width=1)
    frame.loc[5, ["lower_ci95", "upper_ci95"]] = [25.0, 21.0]
    refuse(frame, "the 95% interval is reversed in row 5: lower_ci95 25 > upper_ci95 21")
    refuse(frame.assign(se=-0.5), "se must not be negative; row 0 has -0.5 in se", se="se")


def test_refuses_transform_for_other_values():
    refuse(rate_frame(), "transform=True needs value_type 1 (rate) or 2 (proportion); got 0", transform=True)


def test_refuses_a_duplicate_quantile():
    frame = make_frame(DECILE_VALUE, DECILE_POP, half_width=1)
    frame.loc[7, "quantile"] = 3
    refuse(frame, "deprivation group 3 appears more than once: rows 2 and 7")
    areas = three_areas()
    areas.loc[25, "quantile"] = 2
    refuse(areas, "deprivation group 2 appears more than once in ward='Stopsley': rows 21 and 25", by="ward")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"value_type": 3}, "value_type must be 0 (other), 1 (rate) or 2 (proportion); got 3"),
        ({"multiplier": 0}, "multiplier must be a non-zero number; got 0"),
        ({"confidence": 95}, "confidence must be between 0 and 1 (e.g. 0.95); got 95.0"),
        ({"confidence": (0.95, 0.95)}, "confidence levels repeat: [0.95, 0.95]"),
        ({"population": "persons"}, "SII needs a column 'persons'; the frame has "
         "['quantile', 'population', 'value', 'lower_ci95', 'upper_ci95']"),
    ],
)  # fmt: skip
def test_refuses_bad_options(options, message):
    refuse(make_frame(DECILE_VALUE, DECILE_POP, half_width=1), message, **options)


def test_refuses_zero_repetitions():
    with pytest.raises(ValueError, match=r"^repetitions must be a positive whole number; got 0$"):
        sii(make_frame(DECILE_VALUE, DECILE_POP, half_width=1), repetitions=0)
