"""KPI verdicts, by hand, on two straight lines from baseline to target.

Rising KPI (high is good): 55.0% in 2020 to 70.0% by 2030, so the line rises 15 / 10 = 1.5 a year:
expected 61.0 in 2024, 62.5 in 2025, 70.0 from 2030 on.
Falling KPI (low is good): 30 per 1,000 in 2020 to 20 per 1,000 by 2030, falling 1 a year: expected
26 in 2024, 25 in 2025.
"""

import math
import re

import numpy as np
import pandas as pd
import pytest

from het.stats.kpi import (
    NO_DATA,
    NO_TARGET,
    NO_TRAJECTORY,
    NOT_JUDGED,
    OFF_TRACK,
    ON_TRACK,
    SYMBOLS,
    TARGET_MET,
    VERDICTS,
    KpiVerdict,
    kpi_verdict,
    kpi_verdict_text,
    kpi_verdicts,
    period_time,
)

RISING = {
    "baseline": 55.0,
    "baseline_time": 2020,
    "target": 70.0,
    "target_time": 2030,
    "polarity": "high is good",
    "unit": "%",
    "decimals": 1,
}
FALLING = {
    "baseline": 30.0,
    "baseline_time": 2020,
    "target": 20.0,
    "target_time": 2030,
    "polarity": "low is good",
    "unit": "per 1,000",
    "decimals": 0,
}


def judge(kpi, latest, latest_time, **changes) -> KpiVerdict:
    return kpi_verdict(latest, latest_time=latest_time, **{**kpi, **changes})


def same(first: float, second: float) -> bool:
    return (math.isnan(first) and math.isnan(second)) or first == pytest.approx(second, abs=1e-12)


# --- on the line from baseline to target --------------------------------------------------------------


def test_ahead_of_the_line_is_on_track():
    # 62.0 in 2024 against 55 + 1.5 x 4 = 61.0 expected: 1.0 ahead.
    got = judge(RISING, 62.0, 2024)
    assert got == KpiVerdict(
        verdict=ON_TRACK,
        expected=61.0,
        ahead_by=1.0,
        reason="62.0% against 61.0% expected by 2024 on the way from 55.0% (2020) to 70.0% (2030).",
    )


def test_behind_the_line_is_off_track():
    got = judge(RISING, 60.0, 2024)
    assert (got.verdict, got.expected, got.ahead_by) == (OFF_TRACK, 61.0, -1.0)
    assert got.reason == "60.0% against 61.0% expected by 2024 on the way from 55.0% (2020) to 70.0% (2030)."


def test_exactly_on_the_line_is_on_track():
    got = judge(RISING, 61.0, 2024)
    assert (got.verdict, got.expected, got.ahead_by) == (ON_TRACK, 61.0, 0.0)


def test_on_the_line_in_decimals_is_on_track_despite_float_rounding():
    # 0.1 in 2020 to 0.9 by 2024 is 0.3 in 2021; in floats 0.1 + 0.8 / 4 = 0.30000000000000004,
    # which would put 0.3 a hair below the line.
    assert 0.1 + (0.9 - 0.1) * (2021 - 2020) / (2024 - 2020) > 0.3
    rising = kpi_verdict(
        0.3,
        latest_time=2021,
        baseline=0.1,
        baseline_time=2020,
        target=0.9,
        target_time=2024,
        polarity="high is good",
    )
    assert rising.verdict == ON_TRACK
    assert rising.expected == pytest.approx(0.3)
    # 0.7 in 2020 to 0.1 by 2024 is 0.4 in 2022; in floats 0.39999999999999997, so 0.4 would be a hair
    # above the line, which is worse when low is good.
    assert 0.7 + (0.1 - 0.7) * (2022 - 2020) / (2024 - 2020) < 0.4
    falling = kpi_verdict(
        0.4,
        latest_time=2022,
        baseline=0.7,
        baseline_time=2020,
        target=0.1,
        target_time=2024,
        polarity="low is good",
    )
    assert falling.verdict == ON_TRACK
    assert falling.expected == pytest.approx(0.4)


def test_low_is_good_below_the_line_is_on_track():
    # Expected 30 - 1 x 5 = 25 in 2025; 24 is 1 lower, which is better.
    got = judge(FALLING, 24.0, 2025)
    assert (got.verdict, got.expected, got.ahead_by) == (ON_TRACK, 25.0, 1.0)
    assert got.reason == (
        "24 per 1,000 against 25 per 1,000 expected by 2025 on the way from 30 per 1,000 (2020) "
        "to 20 per 1,000 (2030)."
    )


def test_low_is_good_above_the_line_is_off_track():
    got = judge(FALLING, 26.0, 2025)
    assert (got.verdict, got.expected, got.ahead_by) == (OFF_TRACK, 25.0, -1.0)


def test_fingertips_polarity_spellings_are_read():
    assert judge(FALLING, 24.0, 2025, polarity="RAG - Low is good").verdict == ON_TRACK
    assert judge(RISING, 62.0, 2024, polarity=" RAG - High is good ").verdict == ON_TRACK


def test_latest_at_the_baseline_period_is_judged_against_the_baseline():
    # Expected at 2020 is the baseline itself.
    assert judge(RISING, 55.0, 2020).verdict == ON_TRACK
    assert judge(RISING, 54.9, 2020).verdict == OFF_TRACK


def test_a_target_below_a_high_is_good_baseline_gives_a_falling_line():
    # A 'hold the line' target: 80 in 2020 to 75 by 2030, expected 78 in 2024; 77 is under it.
    got = kpi_verdict(
        77.0,
        latest_time=2024,
        baseline=80.0,
        baseline_time=2020,
        target=75.0,
        target_time=2030,
        polarity="high is good",
    )
    assert got.verdict == TARGET_MET  # 77 >= 75: met before the line is even considered
    assert got.expected == pytest.approx(78.0)
    assert got.ahead_by == pytest.approx(-1.0)


def test_decimal_years_place_quarters_on_the_line():
    # 2024.25 is a quarter into 2024: 55 + 1.5 x 4.25 = 61.375 expected.
    got = judge(RISING, 61.4, 2024.25)
    assert got.verdict == ON_TRACK
    assert got.expected == pytest.approx(61.375)
    assert "by 2024.25" in got.reason


# --- target met ---------------------------------------------------------------------------------------


def test_beyond_the_target_is_target_met_both_polarities():
    high = judge(RISING, 71.0, 2024)
    assert (high.verdict, high.expected, high.ahead_by) == (TARGET_MET, 61.0, 10.0)
    assert high.reason == "71.0% in 2024 has reached the target of 70.0% by 2030."
    low = judge(FALLING, 19.0, 2025)
    assert (low.verdict, low.expected, low.ahead_by) == (TARGET_MET, 25.0, 6.0)


def test_exactly_at_the_target_is_target_met():
    assert judge(RISING, 70.0, 2026).verdict == TARGET_MET
    assert judge(FALLING, 20.0, 2026).verdict == TARGET_MET


def test_target_met_after_the_target_period_is_still_target_met():
    # From 2030 on the line stays at the target: expected 70, and 72 is 2 ahead.
    got = judge(RISING, 72.0, 2032)
    assert (got.verdict, got.expected, got.ahead_by) == (TARGET_MET, 70.0, 2.0)
    assert got.reason == "72.0% in 2032 has reached the target of 70.0% by 2030."


def test_target_met_without_a_baseline_or_a_target_period():
    no_baseline = judge(RISING, 71.0, 2024, baseline=None, baseline_time=None)
    assert no_baseline.verdict == TARGET_MET
    assert math.isnan(no_baseline.expected) and math.isnan(no_baseline.ahead_by)
    no_date = judge(RISING, 71.0, 2024, target_time=None)
    assert no_date.verdict == TARGET_MET
    assert no_date.reason == "71.0% in 2024 has reached the target of 70.0%."


# --- the target period has come ----------------------------------------------------------------------


def test_after_the_target_period_and_not_met_is_off_track():
    got = judge(RISING, 68.0, 2031)
    assert (got.verdict, got.expected, got.ahead_by) == (OFF_TRACK, 70.0, -2.0)
    assert got.reason == "68.0% in 2031 has not reached the target of 70.0% by 2030."
    low = judge(FALLING, 21.0, 2031)
    assert (low.verdict, low.expected, low.ahead_by) == (OFF_TRACK, 20.0, -1.0)


def test_at_the_target_period_and_not_met_is_off_track():
    got = judge(RISING, 69.9, 2030)
    assert (got.verdict, got.expected) == (OFF_TRACK, 70.0)
    assert got.ahead_by == pytest.approx(-0.1)
    assert got.reason == "69.9% in 2030 has not reached the target of 70.0% by 2030."


# --- no baseline --------------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", [{"baseline": None}, {"baseline_time": None}, {"baseline": np.nan}])
def test_without_a_baseline_there_is_no_line_before_the_target_period(missing):
    got = judge(RISING, 62.0, 2024, **missing)
    assert got.verdict == NO_TRAJECTORY
    assert math.isnan(got.expected) and math.isnan(got.ahead_by)
    assert (
        got.reason
        == "62.0% in 2024 against the target of 70.0% by 2030, with no baseline to judge progress from."
    )


def test_without_a_baseline_after_the_target_period_and_not_met_is_off_track():
    got = judge(RISING, 68.0, 2031, baseline=None, baseline_time=None)
    assert (got.verdict, got.expected, got.ahead_by) == (OFF_TRACK, 70.0, -2.0)
    assert got.reason == "68.0% in 2031 has not reached the target of 70.0% by 2030."


# --- not judged, no target, no data ------------------------------------------------------------------


def test_no_judgement_is_not_judged_but_still_gives_the_expected_value():
    got = judge(RISING, 62.0, 2024, polarity="no judgement")
    assert (got.verdict, got.expected) == (NOT_JUDGED, 61.0)
    assert math.isnan(got.ahead_by)
    assert got.reason == (
        "62.0% in 2024 against the target of 70.0% by 2030: the KPI says neither higher nor lower is better, "
        "so progress is not judged."
    )
    # Even beyond the 'target': without a direction, nothing is met.
    assert judge(RISING, 80.0, 2024, polarity="BOB - Blue orange blue").verdict == NOT_JUDGED


@pytest.mark.parametrize("polarity", [None, np.nan, "", "  "])
def test_no_polarity_recorded_is_not_judged(polarity):
    got = judge(RISING, 62.0, 2024, polarity=polarity)
    assert got.verdict == NOT_JUDGED
    assert got.reason == (
        "62.0% in 2024 against the target of 70.0% by 2030: no polarity is recorded to say whether higher "
        "or lower is better, so progress is not judged."
    )


def test_no_target_value_is_no_target():
    got = judge(RISING, 62.0, 2024, target=None)
    assert got.verdict == NO_TARGET
    assert math.isnan(got.expected) and math.isnan(got.ahead_by)
    assert got.reason == "62.0% in 2024; no target has been set."
    # No target outranks no judgement: there is nothing to judge against either way.
    assert judge(RISING, 62.0, 2024, target=None, polarity="no judgement").verdict == NO_TARGET


def test_a_target_with_no_target_period_is_no_target_unless_met():
    got = judge(RISING, 62.0, 2024, target_time=None)
    assert got.verdict == NO_TARGET
    assert math.isnan(got.expected) and math.isnan(got.ahead_by)
    assert got.reason == (
        "62.0% in 2024 against the target of 70.0%, which has no target period, so progress cannot be judged."
    )


@pytest.mark.parametrize("latest", [None, np.nan, pd.NA])
def test_no_latest_value_is_no_data(latest):
    got = judge(RISING, latest, None)
    assert got.verdict == NO_DATA
    assert math.isnan(got.expected) and math.isnan(got.ahead_by)
    assert got.reason == "No latest value has been recorded yet."
    assert judge(RISING, latest, 2024, target=None, polarity=None).verdict == NO_DATA


# --- how the reason reads -----------------------------------------------------------------------------


def test_reason_uses_period_labels_units_and_decimals():
    got = kpi_verdict(
        1349.0,
        latest_time=2023,
        latest_period="2023/24",
        baseline=1500.0,
        baseline_time=2021,
        baseline_period="2021/22",
        target=1000.0,
        target_time=2026,
        target_period="2026/27",
        polarity="low is good",
        unit="number",
        decimals=0,
    )
    # Expected 1500 - 500 x 2 / 5 = 1300; 1349 is 49 above it, which is worse.
    assert (got.verdict, got.expected, got.ahead_by) == (OFF_TRACK, 1300.0, -49.0)
    assert got.reason == (
        "1,349 against 1,300 expected by 2023/24 on the way from 1,500 (2021/22) to 1,000 (2026/27)."
    )


ALL_CASES = [
    (RISING, 62.0, 2024, {}),
    (RISING, 60.0, 2024, {}),
    (RISING, 61.0, 2024, {}),
    (RISING, 71.0, 2024, {}),
    (RISING, 72.0, 2032, {}),
    (RISING, 68.0, 2031, {}),
    (RISING, 62.0, 2024, {"baseline": None}),
    (RISING, 68.0, 2031, {"baseline_time": None}),
    (RISING, 71.0, 2024, {"target_time": None}),
    (RISING, 62.0, 2024, {"target_time": None}),
    (RISING, 62.0, 2024, {"target": None}),
    (RISING, 62.0, 2024, {"polarity": "no judgement"}),
    (RISING, 62.0, 2024, {"polarity": None}),
    (RISING, None, None, {}),
    (FALLING, 24.0, 2025, {}),
    (FALLING, 26.0, 2025, {}),
    (FALLING, 19.0, 2025, {}),
    (FALLING, 21.0, 2031, {"unit": None, "decimals": None}),
    (FALLING, 24.0, 2025.5, {"target_period": "2030/31", "latest_period": "Q3 2025/26"}),
]


def test_every_verdict_is_covered_and_no_reason_shows_code_words():
    results = [judge(kpi, latest, time, **changes) for kpi, latest, time, changes in ALL_CASES]
    assert {result.verdict for result in results} == set(VERDICTS)
    for result in results:
        assert not re.search(r"\bnan\b|\bNone\b|_", result.reason, flags=re.IGNORECASE), result.reason
        assert result.reason[0].isupper() or result.reason[0].isdigit()
        assert result.reason.endswith(".")


# --- the frame version --------------------------------------------------------------------------------


def cases_frame() -> pd.DataFrame:
    rows = []
    for kpi, latest, time, changes in ALL_CASES:
        row = {**kpi, "latest": latest, "latest_time": time, **changes}
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.insert(0, "kpi_id", [f"kpi_{i}" for i in range(len(frame))])
    return frame.set_index(pd.Index(range(100, 100 + len(frame))))  # an index that is not positions


def test_kpi_verdicts_equals_kpi_verdict_row_by_row():
    frame = cases_frame()
    got = kpi_verdicts(frame)
    assert list(got.columns) == [*frame.columns, "verdict", "expected", "ahead_by", "reason"]
    assert got.index.equals(frame.index)
    pd.testing.assert_frame_equal(got[frame.columns], frame)
    for (kpi, latest, time, changes), row in zip(ALL_CASES, got.itertuples(index=False), strict=True):
        one = judge(kpi, latest, time, **changes)
        assert row.verdict == one.verdict
        assert same(row.expected, one.expected)
        assert same(row.ahead_by, one.ahead_by)
        assert row.reason == one.reason


def test_kpi_verdicts_without_optional_columns_prints_bare_values_to_one_place():
    frame = cases_frame().drop(columns=["unit", "decimals"]).iloc[:1]
    got = kpi_verdicts(frame).iloc[0]
    assert got["reason"] == "62.0 against 61.0 expected by 2024 on the way from 55.0 (2020) to 70.0 (2030)."


def test_kpi_verdicts_of_no_rows_is_no_rows():
    got = kpi_verdicts(cases_frame().iloc[0:0])
    assert got.empty
    assert list(got.columns)[-4:] == ["verdict", "expected", "ahead_by", "reason"]


def test_kpi_verdicts_reads_nullable_and_period_sort_columns():
    frame = cases_frame().iloc[:3].copy()
    frame["latest"] = pd.array([62.0, None, 61.0], dtype="Float64")
    frame["latest_time"] = period_time(pd.Series([20240000, pd.NA, 20240000], dtype="Int64"))
    got = kpi_verdicts(frame)
    assert list(got["verdict"]) == [ON_TRACK, NO_DATA, ON_TRACK]


# --- period_sort codes --------------------------------------------------------------------------------


def test_period_time_reads_period_sort_codes_and_plain_years():
    assert period_time(20230000) == 2023.0
    assert isinstance(period_time(20230000), float)
    assert period_time(2023) == 2023.0
    assert period_time(2023.25) == 2023.25
    assert math.isnan(period_time(None))
    got = period_time(pd.Series([20190000, 2020, None]))
    assert isinstance(got, np.ndarray)
    np.testing.assert_array_equal(got, [2019.0, 2020.0, np.nan])


# --- symbols ------------------------------------------------------------------------------------------


def test_verdicts_in_display_order_each_with_its_own_symbol():
    assert VERDICTS == (
        "target met",
        "on track",
        "off track",
        "no baseline to judge progress",
        "not judged",
        "no target",
        "no data",
    )
    assert set(SYMBOLS) == set(VERDICTS)
    assert len(set(SYMBOLS.values())) == len(VERDICTS)
    assert SYMBOLS[ON_TRACK] == "✓" and SYMBOLS[TARGET_MET] == "✓✓" and SYMBOLS[OFF_TRACK] == "✗"
    assert kpi_verdict_text(OFF_TRACK) == "✗ off track"


# --- errors -------------------------------------------------------------------------------------------

ERRORS = [
    (
        lambda: judge(RISING, 62.0, 2024, target_time=2018),
        ValueError,
        "kpi_verdict: target_time 2018 is not after baseline_time 2020",
    ),
    (
        lambda: judge(RISING, 62.0, 2024, target_time=2020),
        ValueError,
        "kpi_verdict: target_time 2020 is not after baseline_time 2020",
    ),
    (
        lambda: judge(RISING, 62.0, 2019.5),
        ValueError,
        "kpi_verdict: latest_time 2019.5 is before baseline_time 2020",
    ),
    (
        lambda: judge(RISING, 62.0, None),
        ValueError,
        "kpi_verdict: latest_time is missing for the latest value 62",
    ),
    (
        lambda: judge(RISING, 62.0, 2024, polarity="up"),
        ValueError,
        "kpi_verdict: unknown polarity 'up'; expected one of high is good, low is good, no judgement "
        "or a Fingertips spelling such as 'RAG - High is good'",
    ),
    (
        lambda: judge(RISING, "62%", 2024),
        ValueError,
        "kpi_verdict: latest must be a number; got '62%'",
    ),
    (
        lambda: judge(RISING, 62.0, 2024, decimals=-1),
        ValueError,
        "kpi_verdict: decimals must be a whole number from 0 up; got -1",
    ),
    (
        lambda: judge(RISING, 62.0, 2024, decimals=1.5),
        ValueError,
        "kpi_verdict: decimals must be a whole number from 0 up; got 1.5",
    ),
    (
        lambda: kpi_verdicts(cases_frame().assign(polarity=["high is good"] * 5 + ["sideways"] * 14)),
        ValueError,
        "kpi_verdicts: unknown polarity 'sideways' in row 5 (kpi_id 'kpi_5'); expected one of",
    ),
    (
        lambda: kpi_verdicts(cases_frame().assign(target_time=[2030] * 3 + [2010] * 16)),
        ValueError,
        "kpi_verdicts: target_time 2010 is not after baseline_time 2020 in row 3 (kpi_id 'kpi_3')",
    ),
    (
        lambda: kpi_verdicts(cases_frame().drop(columns="kpi_id").assign(baseline_time=2025)),
        ValueError,
        "kpi_verdicts: latest_time 2024 is before baseline_time 2025 in row 0",
    ),
    (
        lambda: kpi_verdicts(cases_frame().drop(columns=["target_time", "polarity"])),
        ValueError,
        "kpi_verdicts: frame has no column 'target_time', 'polarity'; it has",
    ),
    (
        lambda: kpi_verdicts(cases_frame().to_dict("records")),
        TypeError,
        "kpi_verdicts needs a pandas DataFrame; got list",
    ),
    (
        lambda: period_time(20231001),
        ValueError,
        "period_time: period_sort code 20231001 is not a start year x 10,000 (e.g. 20230000 for 2023)",
    ),
    (
        lambda: period_time("2023/24"),
        ValueError,
        "period_time: period_sort must be a number such as 20230000; got '2023/24'",
    ),
    (
        lambda: kpi_verdict_text("behind"),
        ValueError,
        "unknown KPI verdict 'behind'; expected one of target met, on track, off track, "
        "no baseline to judge progress, not judged, no target, no data",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), ERRORS, ids=[m[:50] for _, _, m in ERRORS])
def test_every_error_has_its_message(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()
