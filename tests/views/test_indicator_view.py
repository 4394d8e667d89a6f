"""het.views.indicator: the Indicator and Principle pages' frames, from small hand-made frames."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from het.derived.gaps import deprivation_gaps
from het.views import indicator as view
from het.views import principle as principle_view
from het.views import workstreams as workstreams_view

LUTON, ENGLAND, REGION = "E06000032", "E92000001", "E12000006"


def obs_row(**fields) -> dict:
    row = {
        "indicator_id": "demo",
        "area_code": LUTON,
        "area_name": "Luton",
        "area_type": "local authority",
        "vintage": None,
        "parent_code": REGION,
        "is_comparator": False,
        "period_label": "2022",
        "period_sort": 20220000,
        "sex": "Persons",
        "age": "All ages",
        "breakdown": "total",
        "category": "",
        "category_rank": None,
        "value": 50.0,
        "lower_ci95": 48.0,
        "upper_ci95": 52.0,
        "count": None,
        "denominator": None,
        "comparison": "similar",
    }
    return row | fields


META = {
    "indicator_id": "demo",
    "name": "Demo indicator",
    "short_name": "Demo",
    "unit": "%",
    "decimals": 1,
    "polarity": "high is good",
    "sexes": "Male;Female",
    "age": "All ages",
    "value_type": "proportion",
}


# --- the fitted SII line -------------------------------------------------------------------------


def quintiles(values, **fields) -> pd.DataFrame:
    return pd.DataFrame(
        [
            obs_row(
                breakdown="deprivation_local_quintile",
                category=f"Q{k}",
                category_rank=k,
                value=v,
                lower_ci95=v - 2,
                upper_ci95=v + 2,
                **fields,
            )
            for k, v in enumerate(values, start=1)
        ]
    )


def wls_ends(values) -> tuple[float, float]:
    """A direct weighted least-squares fit at the rank midpoints of equal fifths (weights = shares)."""
    n = len(values)
    ranks = (np.arange(1, n + 1) - 0.5) / n
    slope, intercept = np.polyfit(ranks, values, 1, w=np.sqrt(np.full(n, 1 / n)))
    return intercept, intercept + slope


def test_fitted_sii_ends_hand_checked():
    # 10..50 at ranks .1 .. .9: slope 50 per unit rank through (0.5, 30), so the ends are 5 and 55.
    groups = quintiles([10, 20, 30, 40, 50])
    assert view.fitted_sii_ends(groups, sii=50.0, polarity="high is good") == pytest.approx((5.0, 55.0))
    # Low is good: the stored SII has its sign flipped; the drawn line does not.
    assert view.fitted_sii_ends(groups, sii=-50.0, polarity="low is good") == pytest.approx((5.0, 55.0))


@pytest.mark.parametrize(
    ("polarity", "value_type", "multiplier", "values", "deprived_worse_off"),
    [
        ("high is good", "life expectancy", 1.0, [74.9, 77.2, 78.8, 80.1, 82.4], True),
        ("low is good", "rate", 100_000.0, [410.0, 350.0, 300.0, 260.0, 215.0], True),
        ("high is good", "proportion", 100.0, [55.0, 60.5, 63.0, 66.2, 71.9], True),  # % fitted on 0..1
        ("low is good", "proportion", 100.0, [31.0, 24.0, 20.5, 14.0, 9.0], True),
        ("low is good", "proportion", 100.0, [9.0, 14.0, 20.5, 24.0, 31.0], False),
        ("no judgement", "score", 1.0, [3.0, 2.5, 2.4, 2.0, 1.1], False),
    ],
)
def test_fitted_ends_from_the_stored_sii_match_a_direct_wls_fit(
    polarity, value_type, multiplier, values, deprived_worse_off
):
    groups = quintiles(values).assign(
        polarity=polarity, value_type=value_type, multiplier=multiplier, sii_transform=False
    )
    pack = pd.DataFrame(
        {"area_code": "E06000032", "breakdown": "deprivation_local_quintile", "rank": range(1, 6)}
    ).assign(population=1000.0, source="test")
    stored = deprivation_gaps(
        groups, group_populations_table=pack, repetitions=20
    )  # the gap engine's own orientation and scaling
    sii = float(stored["sii"].iloc[0])
    assert (sii > 0) == deprived_worse_off  # the stored SII is oriented: positive = the deprived worse off
    ends = view.fitted_sii_ends(groups, sii=sii, polarity=polarity)
    assert ends == pytest.approx(wls_ends(values), abs=1e-9)


def test_fitted_ends_need_every_group():
    groups = quintiles([10, 20, np.nan, 40, 50])
    with pytest.raises(ValueError, match="needs a value for every deprivation group"):
        view.fitted_sii_ends(groups, sii=50.0, polarity="high is good")
    with pytest.raises(ValueError, match="groups 1..4 once each"):
        view.fitted_sii_ends(
            quintiles([10, 20, 30, 40]).assign(category_rank=[1, 2, 2, 4]), sii=1.0, polarity="x"
        )


# --- choosing sex, age and period ----------------------------------------------------------------


def test_sex_defaults_to_persons_else_the_first_listed():
    both = pd.DataFrame([obs_row(sex="Female"), obs_row(sex="Male")])
    assert view.sex_choice(both, META) == view.Choice(["Male", "Female"], "Male")
    assert view.sex_choice(both, META).needs_control
    persons = pd.DataFrame([obs_row(sex="Persons")])
    choice = view.sex_choice(persons, META | {"sexes": "Persons"})
    assert choice == view.Choice(["Persons"], "Persons") and not choice.needs_control


def test_age_defaults_to_the_catalogue_age():
    frame = pd.DataFrame(
        [obs_row(age="16-64 yrs"), obs_row(age="All ages"), obs_row(age="16+ yrs", sex="Male")]
    )
    assert view.age_choice(frame, META, sex="Persons") == view.Choice(["All ages", "16-64 yrs"], "All ages")


def test_period_defaults_to_the_authoritys_latest_value_newest_first():
    frame = pd.DataFrame(
        [
            obs_row(period_label="2020", period_sort=20200000),
            obs_row(period_label="2022", period_sort=20220000),
            obs_row(period_label="2023", period_sort=20230000, area_code=ENGLAND),  # England only
            obs_row(period_label="2021", period_sort=20210000),
        ]
    )
    choice = view.period_choice(frame, sex="Persons", age="All ages", authority_code=LUTON)
    assert choice.options == ["2023", "2022", "2021", "2020"]
    assert choice.default == "2022"
    assert view.period_sort_of(frame, "2021") == 20210000
    with pytest.raises(ValueError, match="no observations for period '1999'"):
        view.period_sort_of(frame, "1999")


# --- frames for the charts -----------------------------------------------------------------------


def test_trend_frame_keeps_luton_england_region_and_comparators_in_that_order():
    rows = []
    for code, name, comparator in (
        ("E06000039", "Slough", True),
        (ENGLAND, "England", False),
        ("E12000008", "South East", False),  # another region: not Luton's, left out
        (LUTON, "Luton", False),
        (REGION, "East of England", False),
    ):
        for year in (2021, 2022):
            rows.append(
                obs_row(
                    area_code=code,
                    area_name=name,
                    is_comparator=comparator,
                    period_label=str(year),
                    period_sort=year * 10_000,
                    comparison=None if code == ENGLAND else "worse",
                )
            )
    rows.append(obs_row(breakdown="ethnicity", category="Indian"))  # not a whole-area row
    frame = view.trend_frame(
        pd.DataFrame(rows), authority_code=LUTON, region_code=REGION, sex="Persons", age="All ages"
    )
    assert frame["series"].tolist() == [
        s for s in ["Luton", "England", "East of England", "Slough"] for _ in (1, 2)
    ]
    assert frame["period_label"].tolist()[:2] == ["2021", "2022"]
    assert set(frame.loc[frame["series"] == "England", "comparison"]) == {"not compared"}
    assert list(frame.columns) == view.TREND_TABLE_COLUMNS


def ward_rows(ward_set: str, n: int, **fields) -> list[dict]:
    return [
        obs_row(
            area_code=f"{ward_set}-{i}",
            area_name=f"Ward {i:02d}",
            area_type="ward",
            vintage=ward_set,
            value=float(i),
            comparison=None if i == 0 else "better",
            **fields,
        )
        for i in range(n)
    ]


def test_ward_frame_is_one_period_highest_first_with_comparisons_filled():
    frame = pd.DataFrame(
        ward_rows("WD23", 20) + ward_rows("WD13", 19, period_label="2021", period_sort=20210000) + [obs_row()]
    )
    wards = view.ward_frame(frame, sex="Persons", age="All ages", period_sort=20220000)
    assert len(wards) == 20 and set(wards["ward_set"]) == {"WD23"}
    assert wards["value"].tolist() == sorted(wards["value"], reverse=True)
    assert wards.loc[wards["ward"] == "Ward 00", "comparison"].item() == "not compared"
    older = view.ward_frame(frame, sex="Persons", age="All ages", period_sort=20210000)
    assert len(older) == 19 and set(older["ward_set"]) == {"WD13"}


def test_ward_set_label_counts_the_wards_of_the_set():
    areas = pd.DataFrame(
        {
            "area_code": [f"W{i}" for i in range(39)] + ["LA"],
            "area_type": ["ward"] * 39 + ["local authority"],
            "vintage": ["WD23"] * 20 + ["WD13"] * 19 + [None],
            "in_force_from": [date(2023, 5, 4)] * 20 + [None] * 20,
            "in_force_until": [None] * 20 + [date(2023, 5, 4)] * 19 + [None],
        }
    )
    assert view.ward_set_label("WD23", areas) == "May 2023 wards (20)"
    assert view.ward_set_label("WD13", areas) == "wards until May 2023 (19)"


def test_hex_frame_takes_cells_of_the_wards_own_set_only():
    wards = view.ward_frame(
        pd.DataFrame(ward_rows("WD23", 3)), sex="Persons", age="All ages", period_sort=20220000
    )
    cells = pd.DataFrame(
        {
            "area_code": ["WD23-0", "WD23-1", "WD23-2", "WD23-2"],
            "ward_set": ["WD23", "WD23", "WD13", "WD23"],
            "q": [0, 1, 5, 2],
            "r": [0, 0, 5, 0],
        }
    )
    hexes = view.hex_frame(wards, cells)
    assert sorted(zip(hexes["area_code"], hexes["q"], strict=True)) == [
        ("WD23-0", 0),
        ("WD23-1", 1),
        ("WD23-2", 2),
    ]
    assert list(hexes.columns) == [*wards.columns, "q", "r"]


def test_deprivation_prefers_local_quintiles_and_orders_most_deprived_first():
    frame = pd.concat(
        [
            quintiles([5, 4, 3, 2, 1]).iloc[::-1],
            quintiles(range(10)).assign(breakdown="deprivation_national_decile"),
        ]
    )
    breakdown = view.deprivation_breakdown(frame, sex="Persons", age="All ages", area_code=LUTON)
    assert breakdown == "deprivation_local_quintile"
    groups = view.deprivation_frame(
        frame, sex="Persons", age="All ages", period_sort=20220000, area_code=LUTON, breakdown=breakdown
    )
    assert groups["category_rank"].tolist() == [1, 2, 3, 4, 5] and groups["value"].tolist()[0] == 5
    assert (
        view.deprivation_breakdown(pd.DataFrame([obs_row()]), sex="Persons", age="All ages", area_code=LUTON)
        is None
    )


# --- empty views say why -------------------------------------------------------------------------


def test_empty_reason_says_none_at_all_none_before_the_first_period_or_none_this_period():
    frame = pd.DataFrame(
        ward_rows("WD13", 19, period_label="2019", period_sort=20190000)
        + [obs_row(period_label=str(y), period_sort=y * 10_000) for y in (2015, 2019, 2021)]
    )
    keys = {"sex": "Persons", "age": "All ages", "area_code": LUTON}
    before = view.empty_reason(frame, view.WARD_VIEW, period_sort=20150000, period_label="2015", **keys)
    assert before.startswith("There is no ward data before 2019 for this indicator")
    assert "the first period with ward data is 2019" in before
    after = view.empty_reason(frame, view.WARD_VIEW, period_sort=20210000, period_label="2021", **keys)
    assert after == "There is no ward data for 2021 in the current extracts."
    none = view.empty_reason(frame, view.ETHNIC_VIEW, period_sort=20210000, period_label="2021", **keys)
    assert (
        none == "There is no ethnic breakdown for this indicator (persons, All ages) in the current extracts."
    )
    assert "no deprivation breakdown for this indicator" in view.empty_reason(
        frame, view.DEPRIVATION_VIEW, period_sort=20210000, period_label="2021", **keys
    )


# --- gaps as text --------------------------------------------------------------------------------


def gap(**fields) -> dict:
    row = {
        "indicator_id": "demo",
        "dimension": "deprivation",
        "breakdown": "deprivation_local_quintile",
        "sex": "Persons",
        "age": "All ages",
        "period_sort": 20220000,
        "period_label": "2022",
        "n_groups": 5,
        "sii": 8.4163,
        "sii_lower95": 6.3779,
        "sii_upper95": 10.497,
        "rii": 1.1134,
        "rii_lower95": 1.0849,
        "rii_upper95": 1.1436,
        "sii_reason": None,
        "gap_abs": -5.8773,
        "n_significantly_worse": 0,
        "significantly_worse": None,
    }
    return row | fields


def test_gap_summary_in_the_indicators_units_and_percentage_points():
    summary = view.gap_summary(pd.Series(gap()), {"unit": "years", "decimals": 1})
    assert summary.sii_text == "8.4 years (6.4 to 10.5)"
    assert (summary.rii, summary.rii_interval, summary.simple_gap) == ("1.11", "1.08 to 1.14", "-5.9 years")
    percent = view.gap_summary(pd.Series(gap()), {"unit": "%", "decimals": 1})
    assert percent.sii == "8.4 percentage points"
    refused = view.gap_summary(
        pd.Series(gap(sii=np.nan, sii_reason="no 95% interval")), {"unit": "%", "decimals": 1}
    )
    assert not refused.has_sii and refused.reason == "no 95% interval"
    table = view.gap_summary_markdown(
        refused, verdict="cannot be calculated", verdict_reason="too few points"
    )
    assert "| Slope index of inequality (SII) | **–** | no 95% interval |" in table
    assert "○ cannot be calculated" in table and "too few points" in table


def test_gap_series_and_verdict():
    gaps = pd.DataFrame(
        [
            gap(period_sort=20200000, period_label="2020"),
            gap(period_sort=20210000, period_label="2021", sii=np.nan),
            gap(period_sort=20190000, period_label="2019"),
            gap(dimension="ward", breakdown="WD13"),
        ]
    )
    series = view.gap_series(gaps, dimension="deprivation", sex="Persons", age="All ages")
    assert series["period_label"].tolist() == ["2019", "2020"]  # no SII in 2021: left out; 2022 is wards
    wards = view.gap_series(gaps, dimension="ward", sex="Persons", age="All ages")
    assert wards[["period_label", "breakdown"]].values.tolist() == [["2022", "WD13"]]
    trends = pd.DataFrame(
        [
            {
                "dimension": "ward",
                "breakdown": "wards",
                "sex": "Persons",
                "age": "All ages",
                "verdict": "gap widening",
                "reason": None,
            }
        ]
    )
    assert view.gap_verdict(trends, dimension="ward", breakdown="wards", sex="Persons", age="All ages") == (
        "gap widening",
        None,
    )
    assert view.gap_verdict(trends, dimension="deprivation", breakdown="x", sex="Persons", age="All ages")[
        0
    ] == ("cannot be calculated")


def test_principle_gap_table_hand_checked():
    series = pd.DataFrame(
        [
            {
                "indicator_id": "demo",
                "name": "Demo indicator",
                "short_name": "Demo",
                "unit": "%",
                "decimals": 1,
                "polarity": "low is good",
                "headline": True,
                "area_code": code,
                "area_name": name,
                "period_label": label,
                "period_sort": sort,
                "sex": "Persons",
                "age": "All ages",
                "value": value,
                "lower_ci95": value - 1,
                "upper_ci95": value + 1,
                "comparison": "worse" if code == LUTON else None,
            }
            for code, name, value in ((LUTON, "Luton", 22.54), (ENGLAND, "England", 18.0))
            for label, sort in (("2021", 20210000), ("2022", 20220000))
        ]
    )
    gaps = pd.DataFrame(
        [
            gap(sii=4.25, sii_lower95=2.0, sii_upper95=6.5, period_sort=20210000, period_label="2021"),
            gap(
                dimension="ward",
                breakdown="WD13",
                n_groups=19,
                n_significantly_worse=2,
                significantly_worse="Farley; South",
            ),
            gap(
                dimension="ethnicity", breakdown="ethnicity", n_groups=19, sii=np.nan, n_significantly_worse=0
            ),
        ]
    )
    trends = pd.DataFrame(
        [
            {
                "indicator_id": "demo",
                "dimension": "deprivation",
                "breakdown": "deprivation_local_quintile",
                "sex": "Persons",
                "age": "All ages",
                "verdict": "gap narrowing",
                "reason": None,
            }
        ]
    )
    markers = pd.DataFrame(
        [
            {
                "indicator_id": "demo",
                "sex": "Persons",
                "age": "All ages",
                "marker": "getting worse",
                "reason": None,
            }
        ]
    )
    table = principle_view.principle_gap_table(
        series, gaps, trends, markers, authority_code=LUTON, authority_name="Luton"
    )
    assert table.to_dict("records") == [
        {
            "Indicator": "Demo",
            "Period": "2022",
            "Luton": "22.5%",
            "England": "18.0%",
            "vs England": "▼ worse",
            "Recent trend": "↓ getting worse",
            "Deprivation gap: SII (95% CI)": "4.2 pp (2.0 to 6.5) [2021]",  # the latest with quintiles
            "Gap trend": "▲ gap narrowing",
            "Worst ward": "▼ Farley (2 of 19)",
            "Worst ethnic group": "none significantly worse",
            "indicator_id": "demo",
        }
    ]


def test_principle_multiples_name_panels_by_sex_where_an_indicator_has_several():
    series = pd.DataFrame(
        [
            obs_row(
                indicator_id=i, short_name=n, sex=s, unit="years", decimals=1, area_code=code, area_name=name
            )
            for i, n, sexes in (
                ("le", "Life expectancy", ("Male", "Female")),
                ("sr", "School readiness", ("Persons",)),
            )
            for s in sexes
            for code, name in ((LUTON, "Luton"), (ENGLAND, "England"))
        ]
    )
    frame = principle_view.principle_multiples_frame(series, authority_code=LUTON)
    assert list(dict.fromkeys(frame["panel"])) == [
        "Life expectancy (male)",
        "Life expectancy (female)",
        "School readiness",
    ]
    assert set(frame["series"]) == {"Luton", "England"}


# --- workstreams and KPIs ------------------------------------------------------------------------


def test_workstream_and_kpi_tables_say_what_is_missing():
    workstreams = pd.DataFrame(
        [
            {
                "workstream_id": "a",
                "name": "A",
                "also_known_as": "Alpha",
                "chair_organisation": None,
                "status": "established",
                "luton2040_priority": None,
            },
            {
                "workstream_id": "b",
                "name": "B",
                "also_known_as": None,
                "chair_organisation": "Council",
                "status": "in progress",
                "luton2040_priority": "Net zero town",
            },
        ]
    )
    kpis = pd.DataFrame(
        [
            {
                "workstream_id": "b",
                "name": "Homes retrofitted",
                "indicator_id": None,
                "indicator_name": None,
                "unit": None,
                "polarity": "high is good",
                "baseline": 100.0,
                "baseline_period": "2022/23",
                "latest": 150.0,
                "latest_period": "2024/25",
                "target": 400.0,
                "target_period": "2030",
                "owner": None,
            },
        ]
    )
    actions = pd.DataFrame(
        [{"workstream_id": "a", "title": "Do it", "lead": None, "status": "reported", "due": None}]
    )
    table = principle_view.workstream_table(workstreams, kpis, actions)
    assert table["Workstream"].tolist() == ["A (also: Alpha)", "B"]
    assert table["Chair"].tolist() == ["not recorded", "Council"]
    assert table["KPIs"].tolist() == ["none loaded yet", "1"]
    assert table["Actions"].tolist() == [1, 0]
    judged = workstreams_view.kpi_table(kpis, KPI_SERIES.iloc[:0])
    assert principle_view.kpi_table(judged).iloc[0].to_dict() == {
        "KPI": "Homes retrofitted",
        "Baseline": "100.0 (2022/23)",
        "Latest": "150.0 (2024/25)",
        "Target": "400.0 (2030)",
        "Progress": "✗ off track",  # 150 against 175 expected by 2024 on the way from 100 (2022) to 400 (2030)
        "Values from": "as recorded for the KPI",
        "Owner": "–",
    }


KPI_SERIES = pd.DataFrame(
    {
        "indicator_id": ["attainment8"] * 3,
        "period_label": ["2022/23", "2023/24", "2024/25"],
        "period_sort": [20220000, 20230000, 20240000],
        "sex": ["Persons"] * 3,
        "age": ["15-16 yrs"] * 3,
        "value": [44.0, 44.8, 45.04],
        "decimals": [1] * 3,
    }
)


def test_principle_kpis_show_the_workstream_pages_values_and_verdict_not_the_loaded_ones():
    # Loaded (stale) values say the target is met; the data say it is only on track.
    kpis = pd.DataFrame(
        [
            {
                "kpi_id": "attainment_8",
                "workstream_id": "esw",
                "name": "Attainment 8",
                "indicator_id": "attainment8",
                "indicator_name": "Attainment 8",
                "unit": None,
                "polarity": "high is good",
                "baseline": 40.0,
                "baseline_period": "2022/23",
                "latest": 47.0,
                "latest_period": "2023/24",
                "target": 46.0,
                "target_period": "2030",
                "owner": "Schools",
            }
        ]
    )
    judged = workstreams_view.kpi_table(kpis, KPI_SERIES)
    assert (judged["latest"].iloc[0], judged["verdict"].iloc[0]) == (45.04, "on track")
    assert principle_view.kpi_table(judged).iloc[0].to_dict() == {
        "KPI": "Attainment 8",
        "Baseline": "44.0 (2022/23)",
        "Latest": "45.0 (2024/25)",
        "Target": "46.0 (2030)",
        "Progress": "✓ on track",  # 45.04 against 44.5 expected by 2024 from 44.0 (2022) to 46.0 (2030)
        "Values from": "the loaded data for Attainment 8",
        "Owner": "Schools",
    }


def test_questions_are_questions():
    assert principle_view.indicator_question({"short_name": "School readiness"}, authority_name="Luton") == (
        "How is Luton doing on school readiness, and where are the gaps?"
    )
    assert principle_view.indicator_question(
        {"short_name": "PM2.5 concentration"}, authority_name="Luton"
    ).startswith("How is Luton doing on PM2.5")
    assert principle_view.principle_question(3, "Fair employment", authority_name="Luton") == (
        "Is Luton improving on principle 3, fair employment, and are the gaps closing?"
    )
    assert principle_view.principle_question(0, "Overarching outcomes", authority_name="Luton").endswith(
        "outcomes, and are the gaps closing?"
    )


def test_sii_method_says_scale_weights_and_limits():
    rate = {"value_type": "rate", "sii_transform": True}
    row = pd.Series({"population_basis": "row denominators", "limits_method": "exact"})
    text = view.sii_method(rate, row)
    assert "log scale" in text and "weighted by its population (row denominators)" in text
    assert "closed form" in text and "simulations" not in text
    own = {"value_type": "rate", "sii_transform": False}
    simulated = view.sii_method(own, pd.Series({"population_basis": None, "limits_method": "simulated"}))
    assert "the indicator's own scale" in simulated and "10,000 seeded simulations" in simulated
    assert "weighted by" not in simulated
    assert view.sii_scale_words({"value_type": "life expectancy", "sii_transform": False}) == (
        "the indicator's own scale"
    )
