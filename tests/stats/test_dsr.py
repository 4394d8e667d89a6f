"""Directly standardised rates: a hand-worked two-band example, identities, reasons and errors."""

import numpy as np
import pandas as pd
import pytest

from het.stats import rate_ci
from het.stats.dsr import ESP2013_PATH, dsr, esp2013

ESP_BANDS = [f"{low}-{low + 4}" for low in range(0, 90, 5)] + ["90+"]


def two_bands(**columns):
    """0-4: 10 deaths in 1,000 people; 90+: 40 deaths in 500 people."""
    return pd.DataFrame({"age_band": ["0-4", "90+"], "deaths": [10, 40], "pop": [1000, 500], **columns})


# --- the standard population ----------------------------------------------------------------------


def test_esp2013_file_has_19_bands_summing_to_100000():
    standard = pd.read_csv(ESP2013_PATH)
    assert list(standard.columns) == ["age_band", "population"]
    assert list(standard["age_band"]) == ESP_BANDS
    assert standard["population"].sum() == 100_000
    assert esp2013().equals(standard.astype({"age_band": str}))


def test_esp2013_published_weights():
    weights = dict(zip(esp2013()["age_band"], esp2013()["population"], strict=True))
    assert (weights["0-4"], weights["45-49"], weights["85-89"], weights["90+"]) == (5000, 7000, 1500, 1000)


# --- values and limits ----------------------------------------------------------------------------


def test_two_band_hand_worked():
    # ESP 2013 weights W: 0-4 -> 5000, 90+ -> 1000; sum W = 6000 over the bands present.
    # DSR = (5000 * 10/1000 + 1000 * 40/500) / 6000 = (50 + 80) / 6000 = 0.0216667 -> 2166.667 per 100,000
    # var = (5000^2 * 10/1000^2 + 1000^2 * 40/500^2) / 6000^2 = (250 + 160) / 36e6 = 1.138889e-5
    # O = 50, sqrt(var / O) = sqrt(2.277778e-7) = 4.772607e-4
    # Byar on O = 50 (z = 1.959964):
    #   O_L = 50 (1 - 1/450 - z / (3 sqrt 50))^3 = 50 * 0.9053842^3 = 37.108100
    #   O_U = 51 (1 - 1/459 + z / (3 sqrt 51))^3 = 51 * 1.0893046^3 = 65.920157
    # lower = (0.0216667 + 4.772607e-4 * (37.108100 - 50)) * 1e5 = 1551.387
    # upper = (0.0216667 + 4.772607e-4 * (65.920157 - 50)) * 1e5 = 2926.473
    got = dsr(two_bands(), count="deaths", population="pop", standard_population="esp2013").iloc[0]
    assert got["value"] == pytest.approx(2166.667, abs=1e-3)
    assert got["lower_ci95"] == pytest.approx(1551.387, abs=1e-3)
    assert got["upper_ci95"] == pytest.approx(2926.473, abs=1e-3)
    assert got["count"] == 50
    assert got["denominator"] == 1500
    assert got["reason"] is None


def test_one_band_reduces_to_the_crude_rate_and_its_limits():
    # With one band, DSR = O/n and sqrt(var/O) = 1/n, so Dobson's limits are O_L/n and O_U/n.
    for deaths in [3, 25]:  # exact Poisson below 10, Byar above
        frame = pd.DataFrame({"age_band": ["45-49"], "deaths": [deaths], "pop": [2000]})
        got = dsr(frame, count="deaths", population="pop", standard_population="esp2013", multiplier=1000)
        lower, upper = rate_ci(deaths)
        assert got["value"].item() == pytest.approx(deaths / 2000 * 1000)
        assert got["lower_ci95"].item() == pytest.approx(lower / 2000 * 1000)
        assert got["upper_ci95"].item() == pytest.approx(upper / 2000 * 1000)


def test_scaling_the_standard_population_changes_nothing():
    standard = esp2013().assign(population=lambda f: f["population"] * 3)
    a = dsr(two_bands(), count="deaths", population="pop", standard_population="esp2013")
    b = dsr(two_bands(), count="deaths", population="pop", standard_population=standard)
    pd.testing.assert_frame_equal(a, b)


def test_standard_population_aligned_with_rows():
    # Same weights as ESP for these bands, given row by row: age_band is then not needed.
    frame = two_bands().drop(columns="age_band")
    got = dsr(frame, count="deaths", population="pop", standard_population=np.array([5000, 1000]))
    assert got["value"].item() == pytest.approx(2166.667, abs=1e-3)


def test_age_band_spaces_are_ignored():
    frame = two_bands().assign(age_band=["0 - 4", " 90+ "])
    got = dsr(frame, count="deaths", population="pop", standard_population="esp2013")
    assert got["value"].item() == pytest.approx(2166.667, abs=1e-3)


def test_several_confidence_levels_and_limits_contain_the_value():
    frame = pd.DataFrame(
        {
            "age_band": ESP_BANDS,
            "deaths": np.arange(19) * 3 + 1,
            "pop": np.linspace(6000, 800, 19).round(),
        }
    )
    got = dsr(
        frame, count="deaths", population="pop", standard_population="esp2013", confidence=(0.95, 0.998, 0.9)
    ).iloc[0]
    assert got["lower_ci998"] < got["lower_ci95"] < got["lower_ci90"] < got["value"]
    assert got["value"] < got["upper_ci90"] < got["upper_ci95"] < got["upper_ci998"]


def test_groups_come_out_sorted_with_their_keys():
    frame = pd.concat(
        [
            two_bands(area="B", sex="Male").assign(deaths=[20, 80]),  # twice the rates of A
            two_bands(area="A", sex="Male"),
        ]
    )
    got = dsr(frame, count="deaths", population="pop", standard_population="esp2013", by=["area", "sex"])
    assert list(got.columns) == [
        "area",
        "sex",
        "value",
        "lower_ci95",
        "upper_ci95",
        "count",
        "denominator",
        "reason",
    ]
    assert list(got["area"]) == ["A", "B"]
    assert got["value"].tolist() == pytest.approx([2166.667, 4333.333], abs=1e-3)


# --- reasons --------------------------------------------------------------------------------------


def test_zero_population_gives_a_reason_not_a_value():
    frame = pd.concat([two_bands(area="A"), two_bands(area="B").assign(pop=[1000, 0])])
    got = dsr(frame, count="deaths", population="pop", standard_population="esp2013", by="area")
    assert got["reason"].tolist() == [None, "population is 0 in age band 90+"]
    assert np.isnan(got.loc[1, ["value", "lower_ci95", "upper_ci95"]].astype(float)).all()
    assert got.loc[0, "value"] == pytest.approx(2166.667, abs=1e-3)


def test_missing_counts_are_named():
    frame = two_bands().assign(deaths=[np.nan, np.nan])
    got = dsr(frame, count="deaths", population="pop", standard_population="esp2013").iloc[0]
    assert got["reason"] == "missing count in age bands 0-4, 90+"
    assert np.isnan(got["value"])


def test_no_events_gives_zero_and_no_limits():
    got = dsr(two_bands(deaths=[0, 0]), count="deaths", population="pop", standard_population="esp2013").iloc[
        0
    ]
    assert got["value"] == 0
    assert np.isnan(got["lower_ci95"]) and np.isnan(got["upper_ci95"])
    assert got["reason"] == "no events: the rate is 0 and Dobson's limits are undefined"


# --- errors ---------------------------------------------------------------------------------------


def test_negative_count_is_refused():
    with pytest.raises(
        ValueError, match=r"dsr: count 'deaths' is negative \(-1\) in row 1 \(age band 90\+\)"
    ):
        dsr(two_bands(deaths=[10, -1]), count="deaths", population="pop", standard_population="esp2013")


def test_negative_population_is_refused():
    with pytest.raises(
        ValueError, match=r"dsr: population 'pop' is negative \(-500\) in row 0 \(age band 0-4\)"
    ):
        dsr(two_bands(pop=[-500, 500]), count="deaths", population="pop", standard_population="esp2013")


def test_unknown_age_band_is_refused():
    with pytest.raises(ValueError, match=r"dsr: age band 85\+ is not in esp2013 \(its bands: 0-4, 5-9"):
        dsr(
            two_bands(age_band=["0-4", "85+"]),
            count="deaths",
            population="pop",
            standard_population="esp2013",
        )


def test_repeated_age_band_is_refused():
    with pytest.raises(ValueError, match=r"dsr: age band 0-4 appears more than once in a group \(row 1\)"):
        dsr(
            two_bands(age_band=["0-4", "0-4"]),
            count="deaths",
            population="pop",
            standard_population="esp2013",
        )


def test_unknown_standard_population_name_is_refused():
    with pytest.raises(ValueError, match=r"standard_population 'esp1976' is not known"):
        dsr(two_bands(), count="deaths", population="pop", standard_population="esp1976")


def test_misaligned_standard_population_is_refused():
    with pytest.raises(ValueError, match=r"standard_population has 3 values for 2 rows"):
        dsr(two_bands(), count="deaths", population="pop", standard_population=[1, 2, 3])


def test_negative_standard_population_is_refused():
    with pytest.raises(
        ValueError, match=r"the standard population is -5 for age band 90\+; it must be 0 or more"
    ):
        dsr(two_bands(), count="deaths", population="pop", standard_population=[5000, -5])


def test_missing_column_is_named():
    with pytest.raises(ValueError, match=r"dsr: frame has no column 'age_band'"):
        dsr(
            two_bands().drop(columns="age_band"),
            count="deaths",
            population="pop",
            standard_population="esp2013",
        )


def test_bad_confidence_is_refused():
    with pytest.raises(ValueError, match=r"confidence must be between 0 and 1"):
        dsr(two_bands(), count="deaths", population="pop", standard_population="esp2013", confidence=95)
