"""The Gap tracker page: every gap against the store, filters that change the table and live in the URL,
the needs-attention rule, and a row click through to the Indicator page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from het.charts import palette
from het.loads import withdraw_extract
from het.store import ROOT, Store
from het.ui.leads import GapFilters

APP = str(ROOT / "app.py")
LUTON = "E06000032"
DIMENSIONS = {"Deprivation": "deprivation", "Ward": "ward", "Ethnic group": "ethnicity"}


def tracker(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    for name, value in query.items():
        at.query_params[name] = value
    at.switch_page("pages/gap_tracker.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest):
    (frame,) = [df.value for df in at.dataframe]
    return frame


def rows(store, sql: str, **params) -> list[tuple]:
    return store.cursor().execute(sql, params).fetchall()


def test_every_gap_is_listed_once_with_the_stores_latest_value_and_verdict(app_env, demo_store):
    at = tracker()
    shown = table(at)
    series = rows(
        demo_store,
        "SELECT DISTINCT indicator_id, sex, age, dimension, CASE WHEN dimension = 'ward' THEN 'wards' "
        "ELSE breakdown END FROM gap_results WHERE area_code = $l",
        l=LUTON,
    )
    assert len(shown) == len(series) > 0
    assert not shown.duplicated(["indicator_id", "sex", "age", "dimension", "series"]).any()
    # Life expectancy (male), deprivation: the latest SII with its interval and the gap-trend verdict
    row = shown[
        (shown["indicator_id"] == "le_birth")
        & (shown["sex"] == "Male")
        & (shown["Dimension"] == "Deprivation")
    ]
    assert len(row) == 1
    row = row.iloc[0]
    period, sii, lower, upper = rows(
        demo_store,
        "SELECT period_label, sii, sii_lower95, sii_upper95 FROM gap_results WHERE indicator_id = 'le_birth' "
        "AND sex = 'Male' AND area_code = $l AND dimension = 'deprivation' ORDER BY period_sort DESC LIMIT 1",
        l=LUTON,
    )[0]
    ((first,),) = rows(
        demo_store,
        "SELECT sii FROM gap_results WHERE indicator_id = 'le_birth' AND sex = 'Male' AND area_code = $l "
        "AND dimension = 'deprivation' AND sii IS NOT NULL ORDER BY period_sort LIMIT 1",
        l=LUTON,
    )
    ((verdict,),) = rows(
        demo_store,
        "SELECT verdict FROM gap_trends WHERE indicator_id = 'le_birth' AND sex = 'Male' AND area_code = $l "
        "AND dimension = 'deprivation'",
        l=LUTON,
    )
    assert row["Period"] == period
    assert row["Latest"] == f"{sii:.1f} years" and row["95% interval"] == f"{lower:.1f} to {upper:.1f}"
    change = sii - first
    assert row["Change since first period"] == f"{'+' if change > 0 else ''}{change:.1f} years"
    assert row["Trend"] == palette.verdict_text(verdict)
    # ethnic groups: a range, with no interval, and no trend because they have no order
    ethnic = shown[(shown["indicator_id"] == "le_birth") & (shown["Dimension"] == "Ethnic group")].iloc[0]
    assert ethnic["Measure"].startswith("Range") and ethnic["Trend"].startswith("○ cannot be calculated (")
    # the verdict counts above the table add up to the deprivation and ward rows (ethnic groups have no trend)
    assert sum(int(m.value) for m in at.metric) == (shown["Dimension"] != "Ethnic group").sum()


def test_choosing_a_filter_changes_the_table(app_env, demo_store):
    at = tracker()
    everything = table(at)
    at.selectbox(key="url_principle").select(4).run()
    living = table(at)
    assert 0 < len(living) < len(everything)
    assert set(living["Principle"]) == {"4 · Living standards"}
    assert at.query_params["principle"] == "4"
    at.selectbox(key="url_principle").select("all").run()
    at.selectbox(key="url_workstream").select("net_zero").run()
    net_zero = table(at)
    principles = {
        r[0]
        for r in rows(
            demo_store, "SELECT principle_id FROM workstream_principles WHERE workstream_id = 'net_zero'"
        )
    }
    assert set(net_zero["principle_id"]) <= principles and len(net_zero) < len(everything)
    at.selectbox(key="url_workstream").select("all").run()
    at.selectbox(key="url_topic").select("Starting well").run()
    assert set(table(at)["jsna_topic"]) == {"Starting well"}
    at.selectbox(key="url_priority").select("Child-friendly town").run()
    assert set(table(at)["luton2040_priority"]) == {"Child-friendly town"}
    at.selectbox(key="url_priority").select("Net zero town").run()  # no Starting well indicator serves it
    assert not at.dataframe
    assert any("Nothing matches these filters" in i.value for i in at.info)


def test_query_parameters_restore_the_view(app_env):
    at = tracker(principle="1", topic="Starting well", priority="Child-friendly town", view="attention")
    assert at.selectbox(key="url_principle").value == 1
    assert at.selectbox(key="url_topic").value == "Starting well"
    assert at.selectbox(key="url_priority").value == "Child-friendly town"
    assert at.segmented_control(key="url_view").value == "attention"
    shown = table(at)
    assert "Why it needs attention" in shown.columns
    assert set(shown["principle_id"]) == {1}
    assert set(shown["jsna_topic"]) == {"Starting well"} and set(shown["luton2040_priority"]) == {
        "Child-friendly town"
    }


def test_needs_attention_rows_satisfy_the_rule_and_none_are_missed(app_env, demo_store):
    at = tracker(view="attention")
    shown = table(at)
    assert len(shown) > 0
    flagged = set(
        rows(
            demo_store,
            "WITH latest AS (SELECT indicator_id, sex, age, max(period_sort) AS period_sort FROM current_observations "
            "  WHERE area_code = $l AND breakdown = 'total' AND value IS NOT NULL GROUP BY ALL) "
            "SELECT b.indicator_id, b.sex FROM benchmark_results AS b JOIN latest USING (indicator_id, sex, age, period_sort) "
            "JOIN trend_results AS t ON t.indicator_id = b.indicator_id AND t.sex = b.sex AND t.age = b.age "
            "  AND t.area_code = $l AND t.breakdown = 'total' "
            "JOIN indicators AS i ON i.indicator_id = b.indicator_id AND i.age = b.age "
            "WHERE b.area_code = $l AND b.breakdown = 'total' AND b.benchmark_code = 'E92000001' "
            "  AND b.comparison IN ('worse', 'much worse') AND t.marker = 'getting worse'",
            l=LUTON,
        )
    )
    widening = set(
        rows(
            demo_store,
            "SELECT indicator_id, sex, dimension FROM gap_trends WHERE area_code = $l AND verdict = 'gap widening'",
            l=LUTON,
        )
    )
    whole = shown[shown["Dimension"] == "Whole area"]
    gaps = shown[shown["Dimension"] != "Whole area"]
    assert set(zip(whole["indicator_id"], whole["sex"], strict=True)) == flagged
    assert all(why.endswith("than England and ↓ getting worse") for why in whole["Why it needs attention"])
    shown_gaps = {
        (i, s, DIMENSIONS[d])
        for i, s, d in zip(gaps["indicator_id"], gaps["sex"], gaps["Dimension"], strict=True)
    }
    assert shown_gaps == widening
    assert set(gaps["Trend"]) == {palette.verdict_text(palette.GAP_WIDENING)}


def test_clicking_a_row_opens_the_indicator_page_at_that_gap(app_env):
    at = tracker()
    shown = table(at)
    index = int(
        shown.index[
            (shown["indicator_id"] == "le_birth")
            & (shown["sex"] == "Female")
            & (shown["Dimension"] == "Ward")
        ][0]
    )
    at.session_state[GapFilters("all", "all", "all", "all", False).key()] = {
        "selection": {"rows": [index], "columns": [], "cells": []}
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["indicator"] == "le_birth"
    assert at.query_params["sex"] == "Female" and at.query_params["breakdown"] == "ward"
    assert at.query_params["period"] == shown.loc[index, "period_label"]
    assert at.title[0].value != "Are Luton's health gaps narrowing?"
    assert "life expectancy" in at.title[0].value.lower()


def test_with_no_values_loaded_the_tracker_says_why(store_copy):
    with Store(store_copy) as store:
        withdraw_extract(store, 1, by_user="test", note="the demo is withdrawn")
    for view in ("all", "attention"):
        at = tracker(view=view)
        assert not at.error and not at.dataframe
        assert any("No gaps have been calculated for Luton yet" in i.value for i in at.info)
