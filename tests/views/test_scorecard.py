"""het.views.scorecard on small hand-made frames: the scorecard, the tartan rug, the gap tracker and its filters."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from het.charts.data import chart_data
from het.charts.rug import tartan_rug
from het.views import scorecard
from het.views.scorecard import (
    ALL,
    LATEST_COLUMNS,
    NO_RANGE_INTERVAL,
    NO_TREND_REASON,
    RUG_COLUMNS,
    gap_tracker_table,
    needs_attention,
    tartan_rug_frame,
)
from het.views.scorecard import (
    scorecard as build_scorecard,
)

NAN = float("nan")


def latest_row(**overrides) -> dict:
    row = {
        "principle_id": 0,
        "principle_label": "Overarching outcomes",
        "principle_short_label": "Overarching outcomes",
        "indicator_id": "le_birth",
        "name": "Life expectancy at birth",
        "short_name": "Life expectancy",
        "unit": "years",
        "decimals": 1,
        "polarity": "high is good",
        "headline": True,
        "jsna_topic": "Population",
        "luton2040_priority": "Improving wellbeing",
        "source": "OHID",
        "sex": "Male",
        "age": "All ages",
        "period_label": "2021 - 23",
        "period_sort": 20210000,
        "value": 78.14,
        "lower_ci95": 77.5,
        "upper_ci95": 78.8,
        "first_period_label": "2011 - 13",
        "first_value": 78.0,
        "england_value": 78.6,
        "comparison": "similar",
        "trend_marker": "no significant change",
        "trend_reason": None,
    }
    row.update(overrides)
    return row


def gap_row(**overrides) -> dict:
    row = {
        "indicator_id": "le_birth",
        "sex": "Male",
        "age": "All ages",
        "dimension": "deprivation",
        "series": "deprivation_local_quintile",
        "breakdown": "deprivation_local_quintile",
        "period_label": "2021 - 23",
        "period_sort": 20210000,
        "n_groups": 5,
        "sii": 8.44,
        "sii_lower95": 6.41,
        "sii_upper95": 10.46,
        "sii_reason": None,
        "gap_abs": 7.2,
        "most_deprived_value": 74.0,
        "least_deprived_value": 81.2,
        "best_category": "Q5 (least deprived)",
        "best_value": 81.2,
        "worst_category": "Q1 (most deprived)",
        "worst_value": 74.0,
        "n_significantly_worse": 1,
        "significantly_worse": "Q1 (most deprived)",
        "n_periods": 11,
        "first_sii_period_label": "2011 - 13",
        "first_sii": 3.14,
        "first_range_period_label": "2011 - 13",
        "first_gap_abs": 3.0,
        "verdict": "gap widening",
        "verdict_reason": None,
    }
    row.update(overrides)
    return row


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def le_gaps() -> pd.DataFrame:
    return frame(
        [
            gap_row(),
            # a national-quintile SII must not be taken for the scorecard's local one
            gap_row(
                series="deprivation_national_quintile", breakdown="deprivation_national_quintile", sii=99.0
            ),
            gap_row(
                dimension="ward",
                series="wards",
                breakdown="WD23",
                sii=5.2,
                sii_lower95=3.2,
                sii_upper95=7.2,
                worst_category="Beech Hill",
                worst_value=74.96,
                n_significantly_worse=2,
                significantly_worse="Beech Hill; Farley",
                verdict="no significant change",
            ),
            gap_row(
                dimension="ethnicity",
                series="ethnicity",
                breakdown="ethnicity",
                sii=NAN,
                sii_lower95=NAN,
                sii_upper95=NAN,
                sii_reason="ethnic groups have no natural order",
                gap_abs=15.7,
                first_sii_period_label=None,
                first_sii=NAN,
                first_gap_abs=14.5,
                worst_category="Other White",
                worst_value=70.0,
                n_significantly_worse=2,
                significantly_worse="Pakistani; Bangladeshi",
                verdict="cannot be calculated",
                verdict_reason="ethnic groups have no natural order",
            ),
        ]
    )


# --- small helpers --------------------------------------------------------------------------------------


def test_labels_and_signed_values():
    assert scorecard.indicator_label("Life expectancy", "Female") == "Life expectancy · Female"
    assert scorecard.indicator_label("School readiness", "Persons") == "School readiness"
    assert scorecard.principle_heading(0, "Overarching outcomes") == "Overarching outcomes"
    assert scorecard.principle_heading(3, "Create fair employment") == "3. Create fair employment"
    assert scorecard.principle_short(4, "Living standards") == "4 · Living standards"
    assert scorecard.signed_value(1.26, unit="years", decimals=1) == "+1.3 years"
    assert scorecard.signed_value(-0.44, unit="percentage points", decimals=1) == "-0.4 percentage points"
    assert scorecard.signed_value(0.04, unit="years", decimals=1) == "0.0 years"  # rounds to no change
    assert scorecard.signed_value(None, unit="years", decimals=1) == "–"
    assert scorecard.gap_unit("%") == "percentage points"
    assert scorecard.gap_unit("per 1,000") == "per 1,000"


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match=r"scorecard needs column\(s\) headline"):
        build_scorecard(frame([latest_row()]).drop(columns="headline"), le_gaps())
    with pytest.raises(
        ValueError,
        match=r"tartan_rug_frame needs column\(s\) area_code, value, .*; the frame has indicator_id, sex, age",
    ):
        tartan_rug_frame(
            pd.DataFrame({"indicator_id": []}).assign(sex=[], age=[]),
            rug_areas(),
            frame([latest_row()]),
            authority_name="Luton",
        )


# --- 1. the scorecard -----------------------------------------------------------------------------------


def test_scorecard_line_says_value_england_comparison_trend_gap_and_worst_groups():
    latest = frame([latest_row(), latest_row(sex="Female", value=82.5, england_value=82.6)])
    card = build_scorecard(latest, le_gaps())
    assert card["indicator_label"].tolist() == ["Life expectancy · Male", "Life expectancy · Female"]
    male = card.iloc[0]
    assert male["luton_text"] == "78.1 years" and male["period_text"] == "2021 - 23"
    assert male["england_text"] == "78.6 years"
    assert male["interval_text"] == "77.5 to 78.8"
    assert male["comparison_text"] == "● similar"
    assert male["trend_text"] == "→ no significant change"
    # the local-quintile SII with its interval, never the national one
    assert male["deprivation_sii"] == 8.44
    assert male["deprivation_gap_text"] == "8.4 years (6.4 to 10.5)"
    assert male["deprivation_verdict_text"] == "▼ gap widening"
    # the worst ward is significantly worse: named with its value, and the count of the others
    assert male["worst_ward"] == "Beech Hill"
    assert male["worst_ward_text"] == "Beech Hill: 75.0 years, and 1 more ward"
    # the lowest ethnic group (Other White) is not significantly worse: the worst that is, is named
    assert male["worst_ethnic_group"] == "Pakistani"
    assert male["worst_ethnic_text"] == "Pakistani, and 1 more ethnic group"
    # the Female line has no gaps loaded: it says so
    female = card.iloc[1]
    assert female["deprivation_gap_text"] == "no deprivation breakdown"
    assert female["worst_ward"] is None and female["worst_ward_text"] == "no ward data"


def test_scorecard_keeps_headline_indicators_only_and_says_what_is_missing():
    latest = frame(
        [
            latest_row(indicator_id="le_65", short_name="Life expectancy at 65", headline=False),
            latest_row(
                indicator_id="school_readiness",
                short_name="School readiness",
                unit="%",
                sex="Persons",
                value=NAN,
                period_label=None,
                england_value=NAN,
                comparison=None,
                trend_marker=None,
            ),
        ]
    )
    card = build_scorecard(latest, le_gaps())
    assert card["indicator_id"].tolist() == ["school_readiness"]
    row = card.iloc[0]
    assert row["luton_text"] == "no data loaded" and row["england_text"] == "–"
    assert row["comparison"] == "not compared" and row["comparison_text"] == "○ not compared"
    assert row["trend_marker"] == "cannot be calculated" and row["trend_reason"] == NO_TREND_REASON


def test_scorecard_gap_in_percentage_points_no_judgement_and_none_worse():
    latest = frame(
        [
            latest_row(indicator_id="poverty", short_name="Child poverty", unit="%", sex="Persons"),
            latest_row(
                indicator_id="ethnic",
                short_name="Ethnic minority",
                unit="%",
                sex="Persons",
                polarity="no judgement",
            ),
        ]
    )
    gaps = frame(
        [
            gap_row(
                indicator_id="poverty",
                sex="Persons",
                sii=50.52,
                sii_lower95=49.18,
                sii_upper95=51.81,
                period_label="2024/25",
            ),
            gap_row(
                indicator_id="poverty",
                sex="Persons",
                dimension="ward",
                series="wards",
                breakdown="WD23",
                n_significantly_worse=0,
                significantly_worse=None,
            ),
            gap_row(
                indicator_id="ethnic",
                sex="Persons",
                dimension="ward",
                series="wards",
                breakdown="WD23",
                n_significantly_worse=0,
                significantly_worse=None,
            ),
        ]
    )
    card = build_scorecard(latest, gaps).set_index("indicator_id")
    # an SII of a percentage is in percentage points; the gap's period is named when it is not the value's
    assert card.loc["poverty", "deprivation_gap_text"] == "50.5 percentage points (49.2 to 51.8), 2024/25"
    assert card.loc["poverty", "worst_ward_text"] == "no ward significantly worse"
    assert card.loc["ethnic", "worst_ward_text"].startswith("no judgement")
    assert card.loc["ethnic", "worst_ward"] is None


def test_scorecard_export_has_raw_numbers():
    card = build_scorecard(frame([latest_row()]), le_gaps())
    export = scorecard.scorecard_export(card)
    assert export.columns.tolist() == scorecard.SCORECARD_EXPORT_COLUMNS
    assert export["value"].iloc[0] == 78.14 and export["deprivation_sii_lower95"].iloc[0] == 6.41


# --- 2. the tartan rug ----------------------------------------------------------------------------------


RUG_AREAS = [
    ("E06000032", "Luton", "authority", 0, 78.1, "similar"),
    ("E92000001", "England", "england", 1, 78.6, None),
    ("E12000006", "East of England", "region", 2, 79.5, "better"),
    ("E06000039", "Slough", "comparator", 3, NAN, None),  # no value this period: no row in the cells
    ("E05014736", "Beech Hill", "ward", 4, 74.96, "much worse"),
]


def rug_areas() -> pd.DataFrame:
    return frame(
        [
            {"area_code": code, "area_name": name, "area_kind": kind, "area_rank": rank}
            for code, name, kind, rank, _, _ in RUG_AREAS
        ]
    )


def rug_cells() -> pd.DataFrame:
    rows = []
    for sex in ("Male", "Female"):
        for code, _, _, _, value, comparison in RUG_AREAS:
            if math.isnan(value):
                continue
            rows.append(
                {
                    "indicator_id": "le_birth",
                    "sex": sex,
                    "age": "All ages",
                    "area_code": code,
                    "value": value,
                    "lower_ci95": value - 1,
                    "upper_ci95": value + 1,
                    "comparison": comparison,
                }
            )
    rows.append(
        {**rows[0], "indicator_id": "school_readiness", "sex": "Persons", "age": "5 yrs", "value": 1234.56}
    )
    return frame(rows)


def rug_latest() -> pd.DataFrame:
    return frame(
        [
            latest_row(),
            latest_row(sex="Female"),
            latest_row(
                indicator_id="school_readiness",
                short_name="School readiness",
                unit="%",
                sex="Persons",
                age="5 yrs",
                headline=False,
                principle_id=1,
            ),
            latest_row(indicator_id="no_data", short_name="Nothing loaded", value=NAN),
        ]
    )


def test_rug_frame_cells_carry_value_and_symbol_and_say_what_they_are_compared_with():
    rug = tartan_rug_frame(rug_cells(), rug_areas(), rug_latest(), authority_name="Luton")
    assert rug.frame.columns.tolist() == RUG_COLUMNS
    assert rug.indicator_order == [
        "Life expectancy · Male (years)",
        "Life expectancy · Female (years)",
        "School readiness (%)",
    ]  # one row per sex; an indicator with no local value has no row
    assert rug.area_order == ["Luton", "England", "East of England", "Slough", "Beech Hill"]
    male = rug.frame[rug.frame["indicator_label"] == "Life expectancy · Male (years)"].set_index("area_label")
    assert male.loc["Luton", "cell_text"] == "78.1 ●" and male.loc["Luton", "compared_with"] == "England"
    assert male.loc["England", "cell_text"] == "78.6" and male.loc["England", "comparison"] == "not compared"
    assert male.loc["East of England", "cell_text"] == "79.5 ▲"
    assert male.loc["Slough", "cell_text"] == "–" and male.loc["Slough", "comparison"] == "not compared"
    assert (
        male.loc["Beech Hill", "cell_text"] == "75.0 ▼▼"
        and male.loc["Beech Hill", "compared_with"] == "Luton"
    )
    school = rug.frame[rug.frame["indicator_id"] == "school_readiness"]
    # thousands separator, the unit in the row label; every column has a cell, '–' where there is no value
    assert school["cell_text"].tolist() == ["1,234.6 ●", "–", "–", "–", "–"]
    assert len(rug.frame) == 3 * len(RUG_AREAS)


def test_rug_frame_headline_only_and_clashing_labels():
    rug = tartan_rug_frame(rug_cells(), rug_areas(), rug_latest(), authority_name="Luton", headline_only=True)
    assert set(rug.frame["indicator_id"]) == {"le_birth"}
    latest = rug_latest()
    latest.loc[2, "short_name"], latest.loc[2, "unit"], latest.loc[2, "sex"] = (
        "Life expectancy",
        "years",
        "Male",
    )
    cells = rug_cells()
    cells.loc[cells["indicator_id"] == "school_readiness", "sex"] = "Male"
    latest.loc[2, "age"] = "5 yrs"
    rug = tartan_rug_frame(cells, rug_areas(), latest, authority_name="Luton")
    assert "Life expectancy · Male (years) [school_readiness]" in rug.indicator_order
    assert "Life expectancy · Male (years) [le_birth]" in rug.indicator_order


def test_rug_frame_is_empty_when_nothing_is_loaded():
    latest = rug_latest().assign(value=NAN)
    rug = tartan_rug_frame(rug_cells().iloc[0:0], rug_areas(), latest, authority_name="Luton")
    assert rug.frame.empty and rug.indicator_order == [] and rug.frame.columns.tolist() == RUG_COLUMNS


def test_rug_chart_inlines_exactly_the_frame():
    rug = tartan_rug_frame(rug_cells(), rug_areas(), rug_latest(), authority_name="Luton")
    chart = tartan_rug(
        rug.frame, area_order=rug.area_order, indicator_order=rug.indicator_order, label_angle=-90
    )
    inlined = chart_data(chart)
    expected = rug.frame.astype(object).where(rug.frame.notna(), None).to_dict("records")
    assert len(inlined) == len(expected)
    for got, want in zip(inlined, expected, strict=True):
        assert got.keys() == want.keys()
        for key in want:
            if isinstance(want[key], float):
                assert math.isclose(got[key], want[key])
            else:
                assert got[key] == want[key], key
    assert chart.to_dict()["layer"][0]["encoding"]["x"]["axis"]["labelAngle"] == -90


# --- 3. the gap tracker ---------------------------------------------------------------------------------


def tracker() -> pd.DataFrame:
    latest = frame([latest_row(), latest_row(sex="Female")])
    gaps = pd.concat(
        [le_gaps(), frame([gap_row(sex="Female", verdict=None, first_sii_period_label="2021 - 23")])]
    )
    return gap_tracker_table(gaps, latest, authority_name="Luton")


def test_gap_tracker_measures_change_and_verdicts():
    table = tracker()
    assert table[["Sex", "Dimension", "Measure"]].values.tolist() == [
        ["Male", "Deprivation", "SII, local quintiles"],
        ["Male", "Deprivation", "SII, national quintiles"],
        ["Male", "Ward", "SII, wards"],
        ["Male", "Ethnic group", "Range, best to worst group"],
        ["Female", "Deprivation", "SII, local quintiles"],
    ]
    local = table.iloc[0]
    assert local["Latest"] == "8.4 years" and local["95% interval"] == "6.4 to 10.5"
    assert local["First period"] == "2011 - 13"
    assert math.isclose(local["change"], 8.44 - 3.14)
    assert local["Change since first period"] == "+5.3 years"
    assert local["Trend"] == "▼ gap widening" and local["verdict"] == "gap widening"
    assert local["Groups significantly worse"] == "1: Q1 (most deprived)"
    ward = table.iloc[2]
    assert ward["Period"] == "2021 - 23 (WD23 wards)" and "one series across ward sets" in ward["Note"]
    ethnic = table.iloc[3]
    assert ethnic["Latest"] == "15.7 years" and ethnic["95% interval"] == NO_RANGE_INTERVAL
    assert ethnic["Change since first period"] == "+1.2 years"  # the range, 15.7 against 14.5
    assert ethnic["Trend"] == "○ cannot be calculated (ethnic groups have no natural order)"
    # no verdict stored, and only one period with an SII: no change, and the trend says why
    female = table.iloc[4]
    assert female["Change since first period"] == "–" and female["First period"] == "–"
    assert female["Trend"] == "○ cannot be calculated (no gap trend was calculated)"
    assert table["Principle"].unique().tolist() == ["Overarching outcomes"]


def test_gap_tracker_names_a_missing_sii():
    latest = frame([latest_row()])
    gaps = frame(
        [gap_row(sii=NAN, sii_lower95=NAN, sii_upper95=NAN, sii_reason="SII needs 5 to 100 groups; got 3")]
    )
    row = gap_tracker_table(gaps, latest, authority_name="Luton").iloc[0]
    assert row["Latest"] == "–" and row["Note"] == "No SII this period: SII needs 5 to 100 groups; got 3"


def attention_latest() -> pd.DataFrame:
    return frame(
        [
            latest_row(
                indicator_id="a", short_name="A", comparison="much worse", trend_marker="getting worse"
            ),
            latest_row(indicator_id="b", short_name="B", comparison="worse", trend_marker="getting worse"),
            latest_row(
                indicator_id="c", short_name="C", comparison="worse", trend_marker="no significant change"
            ),
            latest_row(indicator_id="d", short_name="D", comparison="better", trend_marker="getting worse"),
            latest_row(indicator_id="e", short_name="E", comparison="similar", trend_marker="getting worse"),
        ]
    )


def test_needs_attention_is_worse_and_getting_worse_or_a_widening_gap():
    latest = attention_latest()
    gaps = frame(
        [
            gap_row(indicator_id="c", verdict="gap widening"),
            gap_row(indicator_id="d", verdict="gap narrowing"),
            gap_row(
                indicator_id="e",
                dimension="ward",
                series="wards",
                breakdown="WD23",
                verdict="no significant change",
            ),
        ]
    )
    table = gap_tracker_table(gaps, latest, authority_name="Luton")
    attention = needs_attention(table, latest, authority_name="Luton")
    assert attention["indicator_id"].tolist() == ["a", "b", "c"]
    assert attention["Dimension"].tolist() == ["Whole area", "Whole area", "Deprivation"]
    assert attention["Why it needs attention"].tolist() == [
        "▼▼ much worse than England and ↓ getting worse",
        "▼ worse than England and ↓ getting worse",
        "▼ gap widening",
    ]
    whole = attention.iloc[0]
    assert whole["Latest"] == "78.1 years" and whole["Measure"] == "Value (England 78.6 years)"
    assert whole["Change since first period"] == "+0.1 years" and whole["First period"] == "2011 - 13"
    assert set(scorecard.ATTENTION_COLUMNS) <= set(attention.columns)


def test_needs_attention_empty_when_nothing_qualifies():
    latest = frame([latest_row()])
    table = gap_tracker_table(frame([gap_row(verdict="gap narrowing")]), latest, authority_name="Luton")
    attention = needs_attention(table, latest, authority_name="Luton")
    assert attention.empty and set(scorecard.ATTENTION_COLUMNS) <= set(attention.columns)


def test_filters_by_principle_workstream_topic_and_priority():
    rows = frame(
        [
            {"principle_id": 1, "jsna_topic": "Starting well", "luton2040_priority": "Child-friendly town"},
            {
                "principle_id": 3,
                "jsna_topic": "Wider determinants",
                "luton2040_priority": "Inclusive economy",
            },
            {"principle_id": 5, "jsna_topic": "Living well", "luton2040_priority": "Improving wellbeing"},
            {"principle_id": 8, "jsna_topic": "Wider determinants", "luton2040_priority": "Net zero town"},
        ]
    )
    links = frame(
        [
            {"workstream_id": "net_zero", "name": "Net Zero", "principle_id": 8},
            {"workstream_id": "net_zero", "name": "Net Zero", "principle_id": 5},
        ]
    )
    assert len(scorecard.filter_rows(rows)) == 4
    assert scorecard.filter_rows(rows, principle="3")["principle_id"].tolist() == [3]
    net_zero = scorecard.workstream_principles(links, "net_zero")
    assert net_zero == {5, 8}
    assert scorecard.filter_rows(rows, principles=net_zero)["principle_id"].tolist() == [5, 8]
    assert scorecard.filter_rows(rows, jsna_topic="Wider determinants")["principle_id"].tolist() == [3, 8]
    assert scorecard.filter_rows(rows, priority="Net zero town", jsna_topic=ALL)["principle_id"].tolist() == [
        8
    ]
    assert scorecard.filter_rows(rows, principles=net_zero, jsna_topic="Living well")[
        "principle_id"
    ].tolist() == [5]
    with pytest.raises(ValueError, match="unknown workstream 'housing'; expected one of net_zero"):
        scorecard.workstream_principles(links, "housing")


def test_indicator_link_params():
    row = {"indicator_id": "le_birth", "sex": "Male", "age": "All ages", "period_label": "2021 - 23"}
    assert scorecard.indicator_link_params(row, breakdown="ward") == {
        "indicator": "le_birth",
        "sex": "Male",
        "age": "All ages",
        "period": "2021 - 23",
        "breakdown": "ward",
    }
    assert "period" not in scorecard.indicator_link_params({**row, "period_label": np.nan})
    assert scorecard.tracker_breakdown("deprivation") == "deprivation"
    assert scorecard.tracker_breakdown("Whole area") is None


def test_latest_columns_are_what_the_query_returns(demo_store):
    latest = demo_store.query("leads_latest_totals", area_code="E06000032", england_code="E92000001")
    assert set(LATEST_COLUMNS) <= set(latest.columns)
    gaps = demo_store.query("leads_gaps", area_code="E06000032")
    assert set(scorecard.GAP_COLUMNS) <= set(gaps.columns)
    areas = demo_store.query("rug_columns", area_code="E06000032", england_code="E92000001")
    assert set(scorecard.RUG_AREA_COLUMNS) <= set(areas.columns)
    cells = demo_store.query("leads_rug_cells", area_code="E06000032", area_codes=areas["area_code"].tolist())
    assert set(scorecard.RUG_CELL_COLUMNS) <= set(cells.columns)
    assert set(cells["area_code"]) <= set(areas["area_code"])
