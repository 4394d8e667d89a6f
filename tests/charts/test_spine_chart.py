"""het.charts.spine: the ward profile's spine chart, its Fingertips scaling worked by hand, and its drawing."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc
from chart_frames import aria_labels, as_rows, find

from het.charts.data import chart_data
from het.charts.spine import AXIS_TITLE, POSITION_COLUMNS, spine_chart, spine_frame

OTHER = "Elsewhere"


def indicator(label: str, polarity: str, authority, lo, q1, q3, hi, *, unit="%", decimals=1) -> dict:
    return {
        "indicator_label": label,
        "unit": unit,
        "decimals": decimals,
        "polarity": polarity,
        "authority_value": authority,
        "ward_min": lo,
        "ward_q1": q1,
        "ward_q3": q3,
        "ward_max": hi,
    }


def long_rows(*indicators: tuple[dict, dict[str, tuple]]) -> pd.DataFrame:
    """One row per (indicator, ward): each indicator with {ward: (value, comparison)}."""
    rows = []
    for fields, wards in indicators:
        for ward, (value, comparison) in wards.items():
            rows.append({**fields, "area_name": ward, "value": value, "comparison": comparison})
    return pd.DataFrame(rows)


# b = 50, wards 40 .. 70: h = max(50 - 40, 70 - 50) = 20, so position(v) = 0.5 + (v - 50) / 40.
HIGH = indicator("Good level of development", "high is good", 50.0, 40.0, 45.0, 55.0, 70.0)
# b = 20, wards 10 .. 24: h = max(20 - 10, 24 - 20) = 10, so position(v) = 0.5 - (v - 20) / 20.
LOW = indicator("Smoking at delivery", "low is good", 20.0, 10.0, 15.0, 22.0, 24.0)


def positions(frame: pd.DataFrame, label: str, ward: str) -> list[float | None]:
    row = frame[(frame["indicator_label"] == label) & (frame["area_name"] == ward)].iloc[0]
    return [row[c] for c in POSITION_COLUMNS]


def test_high_is_good_row_is_scaled_about_the_authority_by_hand():
    frame = spine_frame(long_rows((HIGH, {"Biscot": (60.0, "better")})))
    # worst = min 40: 0.5 - 10/40; q_worse = q1 45: 0.5 - 5/40; q_better = q3 55: 0.5 + 5/40;
    # best = max 70: 0.5 + 20/40 (the further end reaches the edge); ward 60: 0.5 + 10/40.
    assert positions(frame, HIGH["indicator_label"], "Biscot") == pytest.approx(
        [0.25, 0.375, 0.625, 1.0, 0.75]
    )
    row = frame.iloc[0]
    assert (row["worst_text"], row["best_text"], row["authority_text"]) == ("40.0%", "70.0%", "50.0%")
    assert row["value_text"] == "60.0%" and row["marker_text"] == "60.0% ▲"
    assert row["range_text"] == "40.0% (worst) to 70.0% (best)"
    assert row["comparison_text"] == "▲ better" and row["reason"] == ""


def test_low_is_good_row_is_reversed_so_better_is_still_right_by_hand():
    frame = spine_frame(long_rows((LOW, {"Dallow": (12.0, "better")})))
    # worst = max 24: 0.5 - 4/20; q_worse = q3 22: 0.5 - 2/20; q_better = q1 15: 0.5 + 5/20;
    # best = min 10: 0.5 + 10/20 (the further end, on the better side, reaches the edge); ward 12: 0.5 + 8/20.
    assert positions(frame, LOW["indicator_label"], "Dallow") == pytest.approx([0.3, 0.4, 0.75, 1.0, 0.9])
    row = frame.iloc[0]
    assert (row["worst_text"], row["best_text"]) == ("24.0%", "10.0%")
    assert row["range_text"] == "24.0% (worst) to 10.0% (best)"


def test_a_ward_equal_to_the_authority_sits_at_the_centre():
    frame = spine_frame(
        long_rows((HIGH, {"Biscot": (50.0, "similar")}), (LOW, {"Biscot": (20.0, "similar")}))
    )
    assert frame["pos_ward"].tolist() == [0.5, 0.5]


def test_every_position_is_within_0_and_1_with_worst_on_the_left_for_both_polarities():
    rng = np.random.default_rng(11)
    parts = []
    for i in range(40):
        wards = np.sort(rng.normal(50, 10, 12))
        lo, q1, q3, hi = wards[0], *np.quantile(wards, [0.25, 0.75]), wards[-1]
        # Benchmarks inside and outside the ward range, on both sides.
        bench = float(rng.uniform(lo - 15, hi + 15))
        polarity = ("high is good", "low is good", "no judgement")[i % 3]
        fields = indicator(f"Indicator {i}", polarity, bench, lo, q1, q3, hi)
        parts.append((fields, {"Biscot": (float(wards[i % 12]), "similar")}))
    frame = spine_frame(long_rows(*parts))
    placed = frame[list(POSITION_COLUMNS)].astype(float).to_numpy()
    assert np.isfinite(placed).all()
    assert (placed >= 0).all() and (placed <= 1).all()
    worst, q_worse, q_better, best = placed[:, :4].T
    assert (worst <= q_worse).all() and (q_worse <= q_better).all() and (q_better <= best).all()
    # The further end from the authority always reaches an edge.
    assert np.allclose(np.maximum(0.5 - worst, best - 0.5), 0.5)


def test_no_judgement_puts_higher_to_the_right_and_says_lowest_and_highest():
    fields = indicator("Deprivation score", "no judgement", 30.0, 10.0, 20.0, 35.0, 40.0, unit="score")
    frame = spine_frame(long_rows((fields, {"Biscot": (35.0, "higher")})))
    # h = max(20, 10) = 20: position(v) = 0.5 + (v - 30) / 40.
    assert positions(frame, "Deprivation score", "Biscot") == pytest.approx([0.0, 0.25, 0.625, 0.75, 0.625])
    assert frame.iloc[0]["range_text"] == "10.0 (lowest) to 40.0 (highest)"
    assert frame.iloc[0]["marker_text"] == "35.0 △"


def test_a_row_whose_wards_all_equal_the_authority_does_not_divide_by_zero():
    flat = indicator("Flat", "high is good", 7.0, 7.0, 7.0, 7.0, 7.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = spine_frame(
            long_rows((flat, {"Biscot": (7.0, "similar"), "Dallow": (np.nan, "not compared")}))
        )
    assert positions(frame, "Flat", "Biscot") == [0.5] * 5
    # A missing value stays unplaced, even on a flat row.
    assert positions(frame, "Flat", "Dallow") == [0.5] * 4 + [None]
    assert frame.iloc[1]["reason"] == "No value for Dallow"


def test_a_missing_authority_value_or_no_ward_values_keeps_the_row_with_a_reason():
    no_authority = indicator("No authority", "low is good", np.nan, 1.0, 2.0, 3.0, 4.0)
    no_wards = indicator("No wards", "high is good", 5.0, np.nan, np.nan, np.nan, np.nan)
    frame = spine_frame(
        long_rows(
            (HIGH, {"Biscot": (60.0, "better")}),
            (no_authority, {"Biscot": (2.0, "not compared")}),
            (no_wards, {"Biscot": (np.nan, "not compared")}),
        ),
        authority=OTHER,
    )
    assert frame["indicator_label"].tolist() == [HIGH["indicator_label"], "No authority", "No wards"]
    assert positions(frame, "No authority", "Biscot") == [None] * 5
    assert positions(frame, "No wards", "Biscot") == [None] * 5
    reasons = dict(zip(frame["indicator_label"], frame["reason"], strict=True))
    assert reasons["No authority"] == "No value for Elsewhere as a whole"
    assert reasons["No wards"] == "No ward values for this indicator"
    assert frame.set_index("indicator_label").at["No authority", "authority_text"] == "–"
    assert frame.set_index("indicator_label").at["No wards", "range_text"] == "No ward values"
    # Without the authority's name the reason still reads as words.
    unnamed = spine_frame(long_rows((no_authority, {"Biscot": (2.0, "not compared")})))
    assert unnamed.iloc[0]["reason"] == "No value for the authority as a whole"


def test_two_wards_side_by_side_share_the_spine_and_each_get_a_marker():
    rows = long_rows(
        (HIGH, {"Dallow": (42.0, "worse"), "Biscot": (60.0, "better")}),
        (LOW, {"Biscot": (12.0, "better")}),  # Dallow has no row for this indicator
    )
    frame = spine_frame(rows, wards=["Biscot", "Dallow"])
    assert list(zip(frame["indicator_label"], frame["area_name"], frame["ward_index"], strict=True)) == [
        (HIGH["indicator_label"], "Biscot", 0),
        (HIGH["indicator_label"], "Dallow", 1),
        (LOW["indicator_label"], "Biscot", 0),
        (LOW["indicator_label"], "Dallow", 1),
    ]
    assert frame["indicator_order"].tolist() == [1, 1, 2, 2]
    # Both wards' rows carry the same spine; only the marker differs: Dallow 42 is 0.5 - 8/40.
    assert positions(frame, HIGH["indicator_label"], "Dallow") == pytest.approx(
        [0.25, 0.375, 0.625, 1.0, 0.3]
    )
    filled = frame.iloc[3]
    assert positions(frame, LOW["indicator_label"], "Dallow")[:4] == pytest.approx([0.3, 0.4, 0.75, 1.0])
    assert filled["pos_ward"] is None and filled["comparison"] == "not compared"
    assert (filled["reason"], filled["value_text"], filled["marker_text"]) == (
        "No value for Dallow",
        "–",
        "–",
    )
    # By default the wards come in the order they first appear.
    assert spine_frame(rows)["area_name"].tolist()[:2] == ["Dallow", "Biscot"]


def test_polarity_in_fingertips_spelling_and_extra_columns_are_kept():
    fields = {**LOW, "polarity": "RAG - Low is good", "indicator_id": "93085", "period_label": "2022/23"}
    frame = spine_frame(long_rows((fields, {"Biscot": (12.0, "better")})))
    assert frame.iloc[0]["polarity"] == "low is good"
    assert (frame.iloc[0]["indicator_id"], frame.iloc[0]["period_label"]) == ("93085", "2022/23")


def realistic(authority_value: float = 50.0) -> pd.DataFrame:
    parts = [
        (HIGH, {"Biscot": (60.0, "better"), "Dallow": (42.0, "worse")}),
        (LOW, {"Biscot": (12.0, "better"), "Dallow": (23.0, "similar")}),
        (
            indicator("Population aged 65 and over", "no judgement", 12.0, 8.0, 10.0, 14.0, 16.0),
            {"Biscot": (9.0, "lower"), "Dallow": (15.0, "higher")},
        ),
        (
            indicator(
                "Admissions for asthma", "low is good", np.nan, 90.0, 100.0, 120.0, 150.0, unit="per 100,000"
            ),
            {"Biscot": (95.0, "not compared"), "Dallow": (np.nan, "not compared")},
        ),
    ]
    return spine_frame(long_rows(*parts), wards=["Biscot", "Dallow"])


LABELS = [
    HIGH["indicator_label"],
    LOW["indicator_label"],
    "Population aged 65 and over",
    "Admissions for asthma",
]


def spec_text(chart) -> str:
    return json.dumps(chart.to_dict(), ensure_ascii=False)


def test_the_chart_names_every_indicator_and_only_the_authority_it_is_given():
    frame = realistic()
    chart = spine_chart(frame, authority=OTHER, title="Biscot and Dallow")
    text = spec_text(chart)
    assert all(label in text for label in LABELS)
    assert "Luton" not in text and f"Compared with {OTHER}" in text and f"{OTHER} (centre line)" in text
    assert "Luton" in spec_text(spine_chart(frame, authority="Luton"))  # so the check above can fail
    assert AXIS_TITLE in text and "lower ← → higher" in text
    assert chart_data(chart) == as_rows(frame)  # the chart inlines exactly the frame's rows


def test_the_chart_renders_markers_values_legends_and_reasons():
    frame = realistic()
    chart = spine_chart(frame, authority=OTHER)
    svg = vlc.vegalite_to_svg(chart.to_json())
    markers = aria_labels(chart, "point")
    # One marker per ward on every row with a spine; the asthma row has none (no authority value to
    # centre it on), but both wards' values are still printed in their columns.
    assert sorted((m["Indicator"], m["Ward"]) for m in markers) == sorted(
        (label, ward) for label in LABELS[:3] for ward in ("Biscot", "Dallow")
    )
    biscot = next(m for m in markers if m["Ward"] == "Biscot" and m["Indicator"] == LABELS[0])
    assert biscot["Value"] == "60.0%" and biscot[f"Compared with {OTHER}"] == "▲ better"
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    for shown in ("60.0% ▲", "42.0% ▼", "12.0% ▲", "23.0% ●", "9.0% ▽", "15.0% △", "95.0 ○", "per 100,000"):
        assert shown in texts
    assert "No value for the authority as a whole" in texts  # the asthma row says why it has no spine
    assert {"Biscot", "Dallow", OTHER, "Unit"} <= set(texts)  # the value columns' headings
    legends = [t for t in texts if t in ("Wards", f"Ward compared with {OTHER}", "Each row")]
    assert sorted(legends) == ["Each row", f"Ward compared with {OTHER}", "Wards"]
    assert "Biscot (larger marker, upper)" in texts and "Dallow (smaller marker, lower)" in texts
    # The legend has every symbol shown, in markers or in the value columns ('○' for asthma), and no other.
    symbols = ["▲ better", "● similar", "▼ worse", "△ higher", "▽ lower", "○ not compared"]
    assert [t for t in texts if t in symbols + ["▲▲ much better", "▼▼ much worse"]] == symbols
    # Three ticks for the authority's centre line: the row without its value has none.
    assert len(re.findall(r'aria-roledescription="tick"', svg)) == 3


def test_two_wards_sit_above_and_below_the_middle_of_their_row():
    chart = spine_chart(realistic(), authority=OTHER)
    offsets = {m["Ward"]: float(m["lane_offset"]) for m in aria_labels(chart, "point")}
    assert offsets["Biscot"] < offsets["Dallow"]
    one = spine_chart(realistic()[lambda f: f["area_name"] == "Biscot"], authority=OTHER)
    assert not find(one.to_dict(), lambda d: "yOffset" in d)
    assert "Wards" not in spec_text(one)


def test_the_chart_grows_with_its_rows():
    chart = spine_chart(realistic(), authority=OTHER)
    assert chart.to_dict()["height"] == {"step": 30}
    one = spine_chart(realistic()[lambda f: f["area_name"] == "Biscot"], authority=OTHER)
    assert one.to_dict()["height"] == {"step": 24}


ERRORS = [
    (
        lambda: spine_frame(long_rows((HIGH, {"Biscot": (71.0, "better")}))),
        "spine_frame: 'Biscot''s value 71 for indicator 'Good level of development' is outside the range of wards (40 to 70)",
    ),
    (
        lambda: spine_frame(long_rows(({**HIGH, "ward_q1": 60.0}, {"Biscot": (50.0, "similar")}))),
        "spine_frame: indicator 'Good level of development' needs ward_min <= ward_q1 <= ward_q3 <= ward_max; got 40, 60, 55, 70",
    ),
    (
        lambda: spine_frame(long_rows(({**HIGH, "ward_max": np.nan}, {"Biscot": (np.nan, "not compared")}))),
        "spine_frame: indicator 'Good level of development' needs both ward_min and ward_max, or neither",
    ),
    (
        lambda: spine_frame(long_rows(({**HIGH, "ward_q3": np.nan}, {"Biscot": (50.0, "similar")}))),
        "spine_frame: indicator 'Good level of development' needs both ward_q1 and ward_q3, or neither",
    ),
    (
        lambda: spine_frame(
            pd.concat([long_rows((HIGH, {"Biscot": (50.0, "similar")}))] * 2, ignore_index=True)
        ),
        "spine_frame: indicator 'Good level of development' has more than one row for 'Biscot'",
    ),
    (
        lambda: spine_frame(
            pd.concat(
                [
                    long_rows((HIGH, {"Biscot": (50.0, "similar")})),
                    long_rows(({**HIGH, "authority_value": 51.0}, {"Dallow": (50.0, "similar")})),
                ],
                ignore_index=True,
            )
        ),
        "spine_frame: indicator 'Good level of development' has more than one authority_value across its wards",
    ),
    (
        lambda: spine_frame(long_rows((HIGH, {"Biscot": (50.0, "similar")})), wards=["Dallow"]),
        "spine_frame: wards is missing Biscot",
    ),
    (
        lambda: spine_frame(long_rows((HIGH, {"Biscot": (50.0, "similar")})), wards=["Biscot", "Biscot"]),
        "spine_frame: wards names a ward more than once: Biscot, Biscot",
    ),
    (
        lambda: spine_frame(
            long_rows(
                ({**HIGH, "ward_min": np.nan, "ward_max": np.nan}, {"Biscot": (np.nan, "not compared")})
            )
        ),
        "spine_frame: indicator 'Good level of development' has quartiles but no ward_min and ward_max",
    ),
    (
        lambda: spine_frame(long_rows((HIGH, {"Biscot": ("fifty", "similar")}))),
        "spine_frame: value must be numbers",
    ),
    (
        lambda: spine_frame(long_rows(({**HIGH, "indicator_label": " "}, {"Biscot": (50.0, "similar")}))),
        "spine_frame: indicator_label is missing in row 1",
    ),
    (
        lambda: spine_frame(long_rows(({**HIGH, "polarity": "up"}, {"Biscot": (50.0, "similar")}))),
        "unknown polarity 'up'",
    ),
    (
        lambda: spine_frame(long_rows(({**HIGH, "decimals": np.nan}, {"Biscot": (50.0, "similar")}))),
        "spine_frame: decimals is missing for indicator 'Good level of development'",
    ),
    (
        lambda: spine_frame(long_rows((HIGH, {"Biscot": (50.0, None)}))),
        "spine_frame: comparison is missing in row 1; use 'not compared'",
    ),
    (
        lambda: spine_frame(long_rows((HIGH, {"Biscot": (50.0, "similar")})).drop(columns="ward_q1")),
        "spine_frame needs column(s) ward_q1",
    ),
    (
        lambda: spine_chart(realistic(), authority="England"),
        "spine_chart: authority cannot be 'England'; England is the benchmark",
    ),
    (
        lambda: spine_chart(realistic(), authority=OTHER, ward_names=["Biscot", "Leagrave"]),
        "spine_chart: ward_names must be the frame's wards (Biscot, Dallow); got Biscot, Leagrave",
    ),
    (
        lambda: spine_chart(
            spine_frame(
                long_rows((HIGH, {"A": (50.0, "similar"), "B": (50.0, "similar"), "C": (50.0, "similar")}))
            ),
            authority=OTHER,
        ),
        "spine_chart draws one or two wards; the frame has 3: A, B, C",
    ),
    (
        lambda: spine_chart(realistic().drop(columns="pos_ward"), authority=OTHER),
        "spine_chart needs column(s) pos_ward",
    ),
]


@pytest.mark.parametrize(("build", "message"), ERRORS, ids=[m[:40] for _, m in ERRORS])
def test_spine_builders_fail_loudly_with_a_domain_message(build, message):
    with pytest.raises((ValueError, TypeError), match=re.escape(message)):
        build()
