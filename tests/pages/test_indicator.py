"""The Indicator page under AppTest: URL state, every breakdown view, chart = table, and empty states."""

from __future__ import annotations

import json

import pytest
from app_charts import chart_rows, charts_and_tables, records
from streamlit.testing.v1 import AppTest

from het.format import md_text
from het.loads import add_local_indicator
from het.store import ROOT, Store

APP = str(ROOT / "app.py")
LUTON = "E06000032"


def open_indicator(**params) -> AppTest:
    """The Indicator page as a pasted link would open it: query parameters set before the page runs."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/indicator.py")
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def scalar(store, sql: str, **params):
    return store.cursor().execute(sql, params).fetchone()[0]


def ward_count(store, indicator: str, sex: str, period: str) -> int:
    return scalar(
        store,
        "SELECT count(*) FROM current_observations o JOIN areas a USING (area_code) WHERE a.area_type = 'ward' "
        "AND o.breakdown = 'total' AND o.indicator_id = $i AND o.sex = $s AND o.period_label = $p",
        i=indicator,
        s=sex,
        p=period,
    )


def group_count(store, indicator: str, sex: str, period: str, breakdown: str) -> int:
    return scalar(
        store,
        "SELECT count(*) FROM current_observations WHERE area_code = $a AND indicator_id = $i AND sex = $s "
        "AND period_label = $p AND breakdown = $b",
        a=LUTON,
        i=indicator,
        s=sex,
        p=period,
        b=breakdown,
    )


def latest_period(store, indicator: str, sex: str) -> str:
    return scalar(
        store,
        "SELECT arg_max(period_label, period_sort) FROM current_observations WHERE area_code = $a "
        "AND indicator_id = $i AND sex = $s AND breakdown = 'total' AND value IS NOT NULL",
        a=LUTON,
        i=indicator,
        s=sex,
    )


def infos(at) -> str:
    return " ".join(i.value for i in at.info)


def test_query_parameters_restore_the_view(app_env, demo_store):
    at = open_indicator(indicator="le_birth", sex="Female", period="2018 - 20", breakdown="ethnicity")
    assert at.selectbox(key="url_indicator").value == "le_birth"
    assert at.radio(key="url_sex").value == "Female"
    assert at.selectbox(key="url_period").value == "2018 - 20"
    assert at.radio(key="url_breakdown").value == "ethnicity"
    assert "life expectancy" in at.title[0].value.lower() and at.title[0].value.endswith("?")
    groups = at.dataframe[1].value  # the trend card's table comes first, then the breakdown card's
    assert len(groups) == group_count(demo_store, "le_birth", "Female", "2018 - 20", "ethnicity") == 19
    assert set(groups["period_label"]) == {"2018 - 20"}
    assert {k: at.query_params[k] for k in ("indicator", "sex", "period", "breakdown")} == {
        "indicator": "le_birth",
        "sex": "Female",
        "period": "2018 - 20",
        "breakdown": "ethnicity",
    }


def test_unknown_query_parameters_fall_back_to_the_defaults(app_env, demo_store):
    at = open_indicator(indicator="no_such_indicator", period="1900", breakdown="sideways", sex="Other")
    assert not at.error
    chosen = at.selectbox(key="url_indicator").value
    sexes = scalar(demo_store, "SELECT sexes FROM indicators WHERE indicator_id = $i", i=chosen)
    default_sex = "Persons" if "Persons" in sexes else sexes.split(";")[0]
    assert at.selectbox(key="url_period").value == latest_period(demo_store, chosen, default_sex)
    assert at.radio(key="url_breakdown").value == "ward"


def test_choosing_an_indicator_or_a_period_changes_the_tables(app_env, demo_store):
    at = open_indicator(indicator="le_birth")
    before_trend, before_wards = at.dataframe[0].value, at.dataframe[1].value
    at.selectbox(key="url_indicator").select("school_readiness").run()
    assert at.query_params["indicator"] == "school_readiness"
    assert "school readiness" in at.title[0].value
    latest = latest_period(demo_store, "school_readiness", "Persons")
    assert at.selectbox(key="url_period").value == latest
    after_trend = at.dataframe[0].value
    assert not after_trend.equals(before_trend)
    n_luton = scalar(
        demo_store,
        "SELECT count(*) FROM current_observations WHERE indicator_id = 'school_readiness' AND area_code = $a "
        "AND breakdown = 'total'",
        a=LUTON,
    )
    assert (after_trend["series"] == "Luton").sum() == n_luton

    at.selectbox(key="url_period").select("2019/20").run()
    assert at.query_params["period"] == "2019/20"
    wards = at.dataframe[1].value
    assert set(wards["period_label"]) == {"2019/20"} and not wards.equals(before_wards)
    assert len(wards) == ward_count(demo_store, "school_readiness", "Persons", "2019/20") == 19


@pytest.mark.parametrize(
    ("params", "expected", "words"),
    [
        ({"period": "2023 - 25", "breakdown": "ward"}, 20, "May 2023 wards (20)"),
        ({"period": "2019 - 21", "breakdown": "ward"}, 19, "wards until May 2023 (19)"),
        ({"period": "2021 - 23", "breakdown": "ward"}, 20, "May 2023 wards (20)"),  # ends December 2023
        ({"period": "2023 - 25", "breakdown": "ethnicity"}, 19, "19 groups"),
        ({"period": "2023 - 25", "breakdown": "deprivation"}, 5, "local deprivation quintiles"),
    ],
)
def test_each_breakdown_shows_every_group_on_the_periods_ward_set(
    app_env, demo_store, params, expected, words
):
    at = open_indicator(indicator="le_birth", sex="Male", **params)
    table = at.dataframe[1].value
    if params["breakdown"] == "ward":
        count = ward_count(demo_store, "le_birth", "Male", params["period"])
        ward_set = "WD23" if words.startswith("May 2023") else "WD13"
        assert set(table["ward_set"]) == {ward_set}
        in_set = scalar(
            demo_store, "SELECT count(*) FROM areas WHERE area_type = 'ward' AND vintage = $v", v=ward_set
        )
        assert count == in_set
    else:
        kind = "ethnicity" if params["breakdown"] == "ethnicity" else "deprivation_local_quintile"
        count = group_count(demo_store, "le_birth", "Male", params["period"], kind)
    assert len(table) == count == expected
    # the card's title names the ward set or groups (titles are Markdown-escaped text)
    assert any(md_text(words) in m.value for m in at.markdown)


@pytest.mark.parametrize("breakdown", ["ward", "ethnicity", "deprivation", "gap over time"])
def test_every_chart_tables_exactly_its_data(app_env, breakdown):
    at = open_indicator(indicator="child_absolute_low_income", breakdown=breakdown)
    pairs = charts_and_tables(at)
    assert len(pairs) == {"ward": 3, "ethnicity": 2, "deprivation": 2, "gap over time": 3}[breakdown]
    for chart, table in pairs:
        assert chart == table


def test_the_trend_chart_draws_luton_england_the_region_and_comparators(app_env, demo_store):
    at = open_indicator(indicator="le_birth", sex="Male")
    trend = chart_rows(at.get("vega_lite_chart")[0])
    comparators = scalar(demo_store, "SELECT count(*) FROM areas WHERE is_comparator")
    assert set(trend["series"]) >= {"Luton", "England", "East of England"}
    assert trend["series"].nunique() == 3 + comparators
    assert records(trend) == records(at.dataframe[0].value)


def test_deprivation_view_shows_the_stored_sii_and_its_fitted_line(app_env, demo_store):
    period = latest_period(demo_store, "le_birth", "Male")
    at = open_indicator(indicator="le_birth", sex="Male", breakdown="deprivation", period=period)
    sii, lower, upper, rii = (
        demo_store.cursor()
        .execute(
            "SELECT sii, sii_lower95, sii_upper95, rii FROM gap_results WHERE indicator_id = 'le_birth' "
            "AND sex = 'Male' AND dimension = 'deprivation' AND period_label = $p",
            {"p": period},
        )
        .fetchone()
    )
    text = " ".join(m.value for m in at.markdown)
    assert f"**{sii:,.1f} years** | {lower:,.1f} to {upper:,.1f}" in text
    assert f"**{rii:,.2f}**" in text
    groups = at.dataframe[1].value
    assert groups["category_rank"].tolist() == [1, 2, 3, 4, 5]
    spec = json.dumps(json.loads(at.get("vega_lite_chart")[1].proto.spec))
    mean = groups["value"].mean()
    for end in (mean - sii / 2, mean + sii / 2):  # life expectancy is high-is-good: the slope is the SII
        assert json.dumps({"datum": end}) in spec


def test_gap_over_time_view_gives_the_verdict(app_env, demo_store):
    at = open_indicator(indicator="le_birth", sex="Male", breakdown="gap over time")
    verdict = scalar(
        demo_store,
        "SELECT verdict FROM gap_trends WHERE indicator_id = 'le_birth' AND sex = 'Male' "
        "AND breakdown = 'deprivation_local_quintile'",
    )
    series = at.dataframe[1].value
    n_sii = scalar(
        demo_store,
        "SELECT count(sii) FROM gap_results WHERE indicator_id = 'le_birth' AND sex = 'Male' "
        "AND dimension = 'deprivation'",
    )
    assert len(series) == n_sii and series["period_sort"].is_monotonic_increasing
    assert any(verdict in m.value for m in at.markdown)
    assert any("wards changed on 4 May 2023" in m.value for m in at.markdown)  # the ward series crosses it


@pytest.mark.parametrize(
    ("breakdown", "message"),
    [
        ("ward", "There is no ward data for this indicator"),
        ("ethnicity", "There is no ethnic breakdown for this indicator"),
        ("deprivation", "There is no deprivation breakdown for this indicator"),
        ("gap over time", "No gap over time for this indicator"),
    ],
)
def test_empty_views_say_why(app_env, demo_store, breakdown, message):
    # le_gap_sii is an area-level gap: no ward, deprivation or ethnic rows (data/demo_anchors.csv).
    assert (
        scalar(
            demo_store,
            "SELECT count(*) FROM current_observations WHERE indicator_id = 'le_gap_sii' AND breakdown <> 'total'",
        )
        == 0
    )
    at = open_indicator(indicator="le_gap_sii", breakdown=breakdown)
    assert message in infos(at)
    assert len(at.get("vega_lite_chart")) == 1  # the trend only: no blank chart
    assert not at.error


def test_no_ward_data_before_the_first_ward_period(app_env, demo_store):
    first = scalar(
        demo_store,
        "SELECT arg_min(period_label, period_sort) FROM current_observations o JOIN areas a USING (area_code) "
        "WHERE a.area_type = 'ward' AND o.indicator_id = 'fuel_poverty'",
    )
    assert first == "2019"
    at = open_indicator(indicator="fuel_poverty", period="2015", breakdown="ward")
    assert "There is no ward data before 2019 for this indicator" in infos(at)
    assert "Choose 2019 or later" in infos(at)
    at.selectbox(key="url_period").select("2019").run()
    assert len(at.dataframe[1].value) == ward_count(demo_store, "fuel_poverty", "Persons", "2019")


def test_sex_and_age_controls_appear_only_when_there_is_a_choice(app_env):
    both = open_indicator(indicator="le_birth")
    assert both.radio(key="url_sex").options == ["Male", "Female"]
    assert not [s for s in both.selectbox if s.key == "url_age"]
    persons = open_indicator(indicator="school_readiness", sex="Male")
    assert not [r for r in persons.radio if r.key == "url_sex"]
    assert "sex" not in persons.query_params
    assert any("Persons" in m.value for m in persons.markdown)


def test_definition_and_the_extracts_behind_the_numbers(app_env, demo_store):
    at = open_indicator(indicator="infant_mortality")
    facts, extracts = at.dataframe[-2].value, at.dataframe[-1].value
    definition = scalar(
        demo_store, "SELECT definition FROM indicators WHERE indicator_id = 'infant_mortality'"
    )
    assert definition in facts["About this indicator"].tolist()
    assert "low is good" in facts["About this indicator"].tolist()
    file_name, loaded_by = (
        demo_store.cursor()
        .execute("SELECT file_name, loaded_by FROM extracts WHERE source_kind = 'demo'")
        .fetchone()
    )
    assert extracts["File"].tolist() == [file_name] and extracts["Loaded by"].tolist() == [loaded_by]
    current = scalar(
        demo_store, "SELECT count(*) FROM current_observations WHERE indicator_id = 'infant_mortality'"
    )
    assert extracts["Current values"].tolist() == [current]


def test_an_indicator_without_values_says_so(store_copy):
    with Store(store_copy) as store:
        add_local_indicator(
            store,
            indicator_id="local_measure",
            name="A local measure",
            short_name="Local measure",
            principle_id=5,
            unit="%",
            value_type="proportion",
            polarity="high is good",
            definition="Defined by the analysts.",
            source="Luton Council",
            jsna_topic="Wider determinants",
            luton2040_priority="Empowered community",
        )
    at = open_indicator(indicator="local_measure")
    assert not at.error
    assert "No values are loaded for A local measure yet" in infos(at)
    assert not at.get("vega_lite_chart")
    assert "Defined by the analysts." in at.dataframe[0].value["About this indicator"].tolist()
