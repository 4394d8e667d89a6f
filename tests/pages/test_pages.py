"""Every page in the navigation runs under AppTest, and the two first pages show real content."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from het.derived.refresh import reporting, running
from het.store import ROOT, mark_observations_changed
from het.ui.nav import PAGES

APP = str(ROOT / "app.py")


def open_page(path: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    if path != next(p.path for p in PAGES if p.default):
        at.switch_page(path).run()
    return at


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_renders_with_title_and_demo_banner(app_env, spec):
    at = open_page(spec.path)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title and at.title[0].value.endswith("?")  # each page asks its question
    assert any("Demonstration data" in w.value for w in at.warning)


def test_overview_shows_latest_luton_and_england_values(app_env, demo_store):
    at = open_page("pages/overview.py")
    headings = [h.value for h in at.header]
    assert headings[0] == "Overarching outcomes"
    assert [h.split(".")[0] for h in headings[1:]] == [str(n) for n in range(1, 9)]
    # one scorecard line per headline indicator and sex; life expectancy has a Male and a Female line
    luton_cell = at.get_by_key("scorecard_le_birth_Male").markdown[0].value
    expected = (
        demo_store.cursor()
        .execute(
            "SELECT period_label, value FROM current_observations WHERE indicator_id = 'le_birth' AND sex = 'Male' "
            "AND area_code = 'E06000032' AND breakdown = 'total' ORDER BY period_sort DESC LIMIT 1"
        )
        .fetchone()
    )
    england = (
        demo_store.cursor()
        .execute(
            "SELECT value FROM current_observations WHERE indicator_id = 'le_birth' AND sex = 'Male' "
            "AND area_code = 'E92000001' AND breakdown = 'total' AND period_label = $p",
            {"p": expected[0]},
        )
        .fetchone()[0]
    )
    assert luton_cell.startswith(f"**{expected[1]:,.1f} years**")
    assert at.get_by_key("scorecard_le_birth_Male").caption[0].value == f"Male · {expected[0]}"
    assert f"England {england:,.1f} years" in luton_cell
    assert at.get_by_key("scorecard_le_birth_Female")


def test_data_and_methods_lists_catalogue_and_register(app_env, demo_store):
    at = open_page("pages/data_and_methods.py")
    catalogue, register = (df.value for df in at.dataframe)  # the Indicators and Extract register tabs
    n_indicators = demo_store.cursor().execute("SELECT count(*) FROM indicators").fetchone()[0]
    assert len(catalogue) == n_indicators
    demo = register[register["Loaded via"] == "demo"]  # the demo's values, workstream KPIs and workbook
    assert sorted(demo["Format"]) == ["het_tidy", "kpi", "workbook"] and set(demo["Status"]) == {"active"}
    rows = demo_store.cursor().execute("SELECT count(*) FROM observations").fetchone()[0]
    kpis = demo_store.cursor().execute("SELECT count(*) FROM kpis").fetchone()[0]
    loaded = dict(zip(demo["Format"], demo["Rows loaded"], strict=True))
    assert (loaded["het_tidy"], loaded["kpi"]) == (rows, kpis) and loaded["workbook"] > 0
    markdown = " ".join(m.value for m in at.markdown)
    assert "Open Government Licence v3.0" in markdown
    assert "Slope index of inequality (SII)" in markdown  # docs/methods.md is rendered


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_while_a_refresh_runs_every_page_says_the_statistics_are_being_updated(store_copy, spec):
    """The refresh keeps its progress in the app process, outside its transaction; every page reads it
    (never cached)."""
    from het.ui.data import get_store

    at = open_page(spec.path)
    store = get_store()  # the app's own connection (same process, same cached resource)
    assert str(store.path) == str(store_copy)
    with store.transaction() as cur:  # as a commit does: the values move on, the gaps lag behind them
        mark_observations_changed(cur)
    with running(store):  # as a load does while its statistics are computed
        reporting(store, None)(3, 8, "smoking_adults")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("being updated" in i.value and "3 of 8 indicators" in i.value for i in at.info)
    assert not any("could not be refreshed" in e.value for e in at.error)
    at.run()
    assert not any("being updated" in i.value for i in at.info)
    assert any("could not be refreshed" in e.value for e in at.error)  # lagging and not running: an error
