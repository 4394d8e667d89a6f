"""The Principle page under AppTest: its indicators, gap summary, links, workstreams and KPIs."""

from __future__ import annotations

import pytest
from app_charts import chart_rows, charts_and_tables
from streamlit.testing.v1 import AppTest

from het.ingest.kpis import commit_kpis, read_kpis
from het.loads import load_extract
from het.store import ROOT, Store

APP = str(ROOT / "app.py")
LUTON = "E06000032"


def open_principle(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/principle.py")
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def rows(store, sql: str, **params) -> list[tuple]:
    return store.cursor().execute(sql, params).fetchall()


@pytest.mark.parametrize("principle", [0, 1, 3, 6, 8])
def test_principle_lists_its_indicators_with_links_to_each(app_env, demo_store, principle):
    at = open_principle(principle=str(principle))
    assert at.selectbox(key="url_principle").value == principle
    expected = [
        indicator_id
        for (indicator_id,) in rows(
            demo_store,
            "SELECT indicator_id FROM indicators WHERE principle_id = $p ORDER BY headline DESC, name",
            p=principle,
        )
    ]
    links = at.get("page_link")
    assert [link.proto.query_string for link in links] == [f"indicator={i}" for i in expected]
    assert all(link.proto.page == "indicators" for link in links)
    # One gap-summary row per indicator and sex with a Luton value, named by the indicator's short name.
    with_data = rows(
        demo_store,
        "SELECT DISTINCT i.short_name, o.sex FROM indicators i JOIN current_observations o USING (indicator_id) "
        "WHERE i.principle_id = $p AND o.area_code = $a AND o.breakdown = 'total' AND o.value IS NOT NULL",
        p=principle,
        a=LUTON,
    )
    sexes: dict[str, list[str]] = {}
    for short, sex in with_data:
        sexes.setdefault(short, []).append(sex)
    labels = {
        short if len(found) == 1 else f"{short} ({sex.lower()})"
        for short, found in sexes.items()
        for sex in found
    }
    table = at.table[0].value
    assert len(table) == len(with_data)
    assert set(table["Indicator"]) == labels


def test_gap_summary_gives_the_stored_sii_verdict_and_worst_ward(app_env, demo_store):
    at = open_principle(principle="0")
    table = at.table[0].value.set_index("Indicator")
    (period, sii, lower, upper) = rows(
        demo_store,
        "SELECT period_label, sii, sii_lower95, sii_upper95 FROM gap_results WHERE indicator_id = 'le_birth' "
        "AND sex = 'Male' AND dimension = 'deprivation' ORDER BY period_sort DESC LIMIT 1",
    )[0]
    row = table.loc["Life expectancy (male)"]
    assert row["Period"] == period
    assert row["Deprivation gap: SII (95% CI)"] == f"{sii:,.1f} years ({lower:,.1f} to {upper:,.1f})"
    (verdict,) = rows(
        demo_store,
        "SELECT verdict FROM gap_trends WHERE indicator_id = 'le_birth' AND sex = 'Male' "
        "AND dimension = 'deprivation'",
    )[0]
    assert row["Gap trend"].endswith(verdict)
    (n_worse, worse, n_groups) = rows(
        demo_store,
        "SELECT n_significantly_worse, significantly_worse, n_groups FROM gap_results WHERE "
        "indicator_id = 'le_birth' AND sex = 'Male' AND dimension = 'ward' ORDER BY period_sort DESC LIMIT 1",
    )[0]
    assert n_worse > 0
    assert row["Worst ward"] == f"▼ {worse.split('; ')[0]} ({n_worse} of {n_groups})"
    assert table.loc["Life expectancy gap (SII) (male)", "Worst ward"] == "no ward data"


def test_small_multiples_table_holds_exactly_the_chart_data(app_env, demo_store):
    at = open_principle(principle="4")
    pairs = charts_and_tables(at)
    assert len(pairs) == 1
    chart, table = pairs[0]
    assert chart == table
    n_rows = rows(
        demo_store,
        "SELECT count(*) FROM current_observations o JOIN indicators i USING (indicator_id) WHERE "
        "i.principle_id = 4 AND o.breakdown = 'total' AND o.area_code IN ($a, 'E92000001') AND o.value IS NOT NULL "
        "AND o.age = i.age",  # each indicator at its own age: the page's default
        a=LUTON,
    )[0][0]
    assert len(table) == n_rows


def test_choosing_a_principle_changes_the_page_and_the_url(app_env):
    at = open_principle(principle="1")
    first = at.title[0].value
    at.selectbox(key="url_principle").select(5).run()
    assert at.query_params["principle"] == "5"
    assert at.title[0].value != first and "principle 5" in at.title[0].value
    assert at.title[0].value.endswith("?")


def test_workstreams_serving_the_principle_count_their_kpis_and_actions(app_env, demo_store):
    at = open_principle(principle="2")
    expected = rows(
        demo_store,
        "SELECT w.name, count(a.action_id) FROM workstreams w JOIN workstream_principles wp USING (workstream_id) "
        "LEFT JOIN actions a USING (workstream_id) WHERE wp.principle_id = 2 GROUP BY w.name ORDER BY w.name",
    )
    workstreams = at.dataframe[1].value  # after the trends card's table
    names = sorted(n.split(" (also")[0] for n in workstreams["Workstream"])
    assert names == [name for name, _ in expected]
    kpis = dict(
        rows(
            demo_store,
            "SELECT w.name, count(k.kpi_id) FROM workstreams w JOIN workstream_principles wp USING (workstream_id) "
            "LEFT JOIN kpis k USING (workstream_id) WHERE wp.principle_id = 2 GROUP BY w.name",
        )
    )
    shown = {
        n.split(" (also")[0]: k for n, k in zip(workstreams["Workstream"], workstreams["KPIs"], strict=True)
    }
    assert shown == {name: str(n) if n else "none loaded yet" for name, n in kpis.items()}
    assert set(workstreams["Chair"]) == {"not recorded"}


def test_overarching_outcomes_have_no_workstream(app_env):
    at = open_principle(principle="0")
    assert any("No workstream is linked to this principle" in i.value for i in at.info)


KPI_FILE = b"""Measure,Baseline,Latest,Target,Period,Owner,Workstream,Polarity,Baseline period
Firms accredited by the Good Business Charter,10,24,20,2024/25,Inclusive Economy team,"Business, Employment and Skills",high is good,2022/23
Young people starting apprenticeships (%),40%,45%,50%,2024/25,Luton Council,"Employment, Skills and Work",high is good,2022/23
Economically inactive residents (%),27,28,22,2024/25,DWP,"Employment, Skills and Work",low is good,2022/23
Wellbeing sessions delivered,5,9,12,2024/25,Public health,"Employment, Skills and Work",,2022/23
"""
KPI_NAMES = [line.split(",")[0] for line in KPI_FILE.decode().splitlines()[1:]]


def test_loaded_kpis_show_baseline_latest_target_and_progress(store_copy):
    with Store(store_copy) as store:
        parsed = read_kpis(
            KPI_FILE,
            file_name="kpis.csv",
            workstreams=store.query("workstream_names"),
            indicators=store.query("indicator_catalogue"),
        )
        assert not parsed.problems.errors, parsed.problems.errors
        commit_kpis(store, parsed, loaded_by="test", source_kind="cli")
    at = open_principle(principle="3")
    kpis = next(df.value for df in at.dataframe if "KPI" in df.value.columns).set_index("KPI")
    assert kpis.loc["Firms accredited by the Good Business Charter", "Progress"] == "✓✓ target met"
    assert kpis.loc["Firms accredited by the Good Business Charter", "Baseline"] == "10.0 (2022/23)"
    # no target year, so no trajectory to judge against (docs/methods.md, Workstream KPIs)
    assert kpis.loc["Young people starting apprenticeships (%)", "Progress"] == "○ no target"
    assert kpis.loc["Young people starting apprenticeships (%)", "Latest"] == "45.0% (2024/25)"
    assert kpis.loc["Economically inactive residents (%)", "Progress"] == "○ no target"
    assert kpis.loc["Wellbeing sessions delivered", "Progress"] == "↕ not judged"  # no polarity recorded
    assert set(kpis.loc[KPI_NAMES, "Values from"]) == {"as recorded for the KPI"}  # none is linked
    workstreams = at.dataframe[1].value.set_index("Workstream")
    with Store(store_copy) as store:  # the four loaded here beside the demonstration KPIs
        n = (
            store.cursor()
            .execute("SELECT count(*) FROM kpis WHERE workstream_id = 'employment_skills_work'")
            .fetchone()[0]
        )
    assert workstreams.filter(like="Employment, Skills and Work", axis=0)["KPIs"].tolist() == [str(n)]


# A KPI linked to an indicator, loaded with a stale latest value (and an old period) that would meet its
# target; the data's latest value for the indicator is newer and different.
STALE_NAME = "Average Attainment 8 score"
STALE_KPI_FILE = b"""Measure,Baseline,Latest,Target,Period,Owner,Workstream,Polarity,Baseline period,Target period,Indicator ID
Average Attainment 8 score,40,47,46.3,2019/20,Schools,"Employment, Skills and Work",high is good,2013/14,2030,attainment8
"""


def kpi_row(at: AppTest, name: str):
    """The row for one KPI in whichever of the page's tables lists it."""
    table = next(
        df.value for df in at.dataframe if "KPI" in df.value.columns and name in set(df.value["KPI"])
    )
    return table.set_index("KPI").loc[name]


def test_a_linked_kpi_shows_the_datas_values_and_verdict_on_the_principle_and_workstream_pages(store_copy):
    with Store(store_copy) as store:
        parsed = read_kpis(
            STALE_KPI_FILE,
            file_name="stale_kpis.csv",
            workstreams=store.query("workstream_names"),
            indicators=store.query("indicator_catalogue"),
        )
        assert not parsed.problems.errors, parsed.problems.errors
        load_extract(store, parsed, loaded_by="test", source_kind="cli")
        loaded = rows(
            store, "SELECT latest, latest_period FROM kpis WHERE kpi_id = 'average_attainment_8_score'"
        )
        (value, period, decimals) = rows(
            store,
            "SELECT o.value, o.period_label, i.decimals FROM current_observations o JOIN indicators i "
            "USING (indicator_id) WHERE o.indicator_id = 'attainment8' AND o.area_code = $a "
            "AND o.breakdown = 'total' AND o.sex = 'Persons' AND o.value IS NOT NULL "
            "ORDER BY o.period_sort DESC LIMIT 1",
            a=LUTON,
        )[0]
    assert loaded == [(47.0, "2019/20")]  # what the KPI file said
    assert (value, period) != (47.0, "2019/20")
    data_latest = f"{value:,.{decimals}f} ({period})"

    principle = kpi_row(open_principle(principle="3"), STALE_NAME)
    workstream_page = AppTest.from_file(APP, default_timeout=120).run()
    workstream_page.switch_page("pages/workstream.py")
    workstream_page.query_params["workstream"] = "employment_skills_work"
    workstream_page.run()
    assert not workstream_page.exception, [e.value for e in workstream_page.exception]
    workstream = kpi_row(workstream_page, STALE_NAME)

    assert principle["Latest"] == workstream["Latest"] == data_latest
    assert principle["Baseline"] == workstream["Baseline"]
    assert principle["Target"] == workstream["Target"]
    assert principle["Progress"] == workstream["Verdict"]
    assert principle["Progress"] != "✓✓ target met"  # the stale 47 would have met the 46.3 target
    assert principle["Values from"] == workstream["Values from"]
    assert principle["Values from"].startswith("the loaded data for")


def test_many_age_bands_do_not_multiply_the_panels_unless_asked_and_then_are_capped(store_copy):
    """A file with 30 age bands for one indicator: the trends stay one panel per indicator at its own age;
    asking for every age band shows at most MAX_PANELS panels and says how many there are."""
    from het.ingest import read_extract
    from het.ui.principle_panels import MAX_PANELS

    with Store(store_copy) as store:
        catalogue = store.query("indicator_catalogue")
        ind = catalogue[catalogue["principle_id"] == 4].iloc[0]
        lines = ["indicator_id,area_code,period,sex,age,breakdown,category,value,lower_ci95,upper_ci95"]
        sex = str(ind["sexes"]).split(";")[0]
        for band in range(30):
            for year in (2022, 2023):
                lines.append(
                    f"{ind['indicator_id']},{LUTON},{year},{sex},{band * 3}-{band * 3 + 2} yrs,total,,50,45,55"
                )
        parsed = read_extract(
            ("\n".join(lines) + "\n").encode(),
            file_name="ages.csv",
            indicators=catalogue,
            areas=store.query("area_list"),
            format="het_tidy",
        )
        assert not parsed.problems.errors, [str(p) for p in parsed.problems.errors[:3]]
        load_extract(store, parsed, loaded_by="test", source_kind="cli")
    own_age = dict(zip(catalogue["indicator_id"], catalogue["age"], strict=True))
    at = open_principle(principle="4")
    shown = chart_rows(at.get("vega_lite_chart")[0])
    assert all(own_age[i] == a for i, a in zip(shown["indicator_id"], shown["age"], strict=True))
    at = open_principle(principle="4", ages="all")
    shown = chart_rows(at.get("vega_lite_chart")[0])
    assert shown["panel"].nunique() == MAX_PANELS
    assert any(f"Showing the first {MAX_PANELS} of" in c.value for c in at.caption)
