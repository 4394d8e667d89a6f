"""The Overview page: the Marmot scorecard against the store, its links, and the tartan rug (its Table tab,
the URL state and a click through to the Indicator page)."""

from __future__ import annotations

import json
import math

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from het.charts import palette
from het.charts.data import chart_data
from het.loads import withdraw_extract
from het.store import ROOT, Store
from het.ui.nav import PAGES

APP = str(ROOT / "app.py")
LUTON, ENGLAND = "E06000032", "E92000001"
URL_PATHS = {spec.path: spec.url_path for spec in PAGES}
PRINCIPLE_PAGE, INDICATOR_PAGE = URL_PATHS["pages/principle.py"], URL_PATHS["pages/indicator.py"]


def overview(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def one(store, sql: str, **params):
    return store.cursor().execute(sql, params).fetchone()


def headline_lines(store) -> list[tuple[str, str]]:
    rows = store.cursor().execute(
        "SELECT indicator_id, trim(s.sex) FROM indicators, unnest(string_split(sexes, ';')) AS s(sex) "
        "WHERE headline ORDER BY ALL"
    )
    return [tuple(r) for r in rows.fetchall()]


def line_markdown(at: AppTest, indicator_id: str, sex: str) -> list[str]:
    return [m.value for m in at.get_by_key(f"scorecard_{indicator_id}_{sex}").markdown]


# --- the scorecard ---------------------------------------------------------------------------------------


def test_one_block_per_principle_each_linking_to_its_principle_page(app_env, demo_store):
    at = overview()
    principles = [
        r[0] for r in demo_store.cursor().execute("SELECT principle_id FROM principles ORDER BY 1").fetchall()
    ]
    headings = [h.value for h in at.header]
    assert headings[0] == "Overarching outcomes"
    assert [h.split(".")[0] for h in headings[1:]] == [str(p) for p in principles[1:]]
    principle_links = [link.proto for link in at.get("page_link") if link.proto.page == PRINCIPLE_PAGE]
    assert [link.query_string for link in principle_links] == [f"principle={p}" for p in principles]


def test_every_headline_indicator_and_sex_has_a_line_linking_to_its_indicator_page(app_env, demo_store):
    at = overview()
    lines = headline_lines(demo_store)
    assert ("le_birth", "Male") in lines and ("le_birth", "Female") in lines  # life expectancy by sex
    for indicator_id, sex in lines:
        block = at.get_by_key(f"scorecard_{indicator_id}_{sex}")
        (link,) = block.get("page_link")
        assert link.proto.page == INDICATOR_PAGE
        assert f"indicator={indicator_id}" in link.proto.query_string
        assert f"sex={sex}" in link.proto.query_string
    shown = sum(1 for link in at.get("page_link") if link.proto.page == INDICATOR_PAGE)
    assert shown == len(lines)  # headline indicators only


@pytest.mark.parametrize(
    ("indicator_id", "sex"), [("le_birth", "Male"), ("child_absolute_low_income", "Persons")]
)
def test_scorecard_values_equal_the_store(app_env, demo_store, indicator_id, sex):
    """Each figure on a line, read independently from the store's tables."""
    at = overview()
    luton_cell, comparison_cell, trend_cell, gap_cell, worst_cell = line_markdown(at, indicator_id, sex)
    unit, decimals, age = one(
        demo_store, "SELECT unit, decimals, age FROM indicators WHERE indicator_id = $i", i=indicator_id
    )
    suffix = "%" if unit == "%" else f" {unit}"
    period, period_sort, value = one(
        demo_store,
        "SELECT period_label, period_sort, value FROM current_observations WHERE indicator_id = $i AND sex = $s "
        "AND age = $a AND area_code = $l AND breakdown = 'total' AND value IS NOT NULL "
        "ORDER BY period_sort DESC LIMIT 1",
        i=indicator_id,
        s=sex,
        a=age,
        l=LUTON,
    )
    (england,) = one(
        demo_store,
        "SELECT value FROM current_observations WHERE indicator_id = $i AND sex = $s AND age = $a "
        "AND area_code = $e AND breakdown = 'total' AND period_sort = $p",
        i=indicator_id,
        s=sex,
        a=age,
        e=ENGLAND,
        p=period_sort,
    )
    assert luton_cell.startswith(f"**{value:,.{decimals}f}{suffix}**")
    (period_caption,) = [c.value for c in at.get_by_key(f"scorecard_{indicator_id}_{sex}").caption]
    assert period_caption.endswith(period)
    assert f"England {england:,.{decimals}f}{suffix}" in luton_cell

    (comparison,) = one(
        demo_store,
        "SELECT comparison FROM benchmark_results WHERE indicator_id = $i AND area_code = $l AND sex = $s "
        "AND age = $a AND breakdown = 'total' AND period_sort = $p AND benchmark_code = $e",
        i=indicator_id,
        l=LUTON,
        s=sex,
        a=age,
        p=period_sort,
        e=ENGLAND,
    )
    assert palette.comparison_text(comparison) in comparison_cell
    assert palette.COMPARISON_COLOURS[comparison] in comparison_cell  # colour and symbol together
    (marker,) = one(
        demo_store,
        "SELECT marker FROM trend_results WHERE indicator_id = $i AND area_code = $l AND sex = $s AND age = $a "
        "AND breakdown = 'total'",
        i=indicator_id,
        l=LUTON,
        s=sex,
        a=age,
    )
    assert trend_cell == palette.trend_text(marker)

    gap_unit = " percentage points" if unit == "%" else f" {unit}"
    sii, lower, upper = one(
        demo_store,
        "SELECT sii, sii_lower95, sii_upper95 FROM gap_results WHERE indicator_id = $i AND area_code = $l "
        "AND sex = $s AND age = $a AND dimension = 'deprivation' AND breakdown = 'deprivation_local_quintile' "
        "ORDER BY period_sort DESC LIMIT 1",
        i=indicator_id,
        l=LUTON,
        s=sex,
        a=age,
    )
    assert gap_cell.startswith(
        f"{sii:,.{decimals}f}{gap_unit} ({lower:,.{decimals}f} to {upper:,.{decimals}f})"
    )
    (verdict,) = one(
        demo_store,
        "SELECT verdict FROM gap_trends WHERE indicator_id = $i AND area_code = $l AND sex = $s AND age = $a "
        "AND dimension = 'deprivation' AND breakdown = 'deprivation_local_quintile'",
        i=indicator_id,
        l=LUTON,
        s=sex,
        a=age,
    )
    assert palette.verdict_text(verdict) in gap_cell

    for dimension, label in (("ward", "Ward"), ("ethnicity", "Ethnic group")):
        worst, worst_value, n_worse, listed = one(
            demo_store,
            "SELECT worst_category, worst_value, n_significantly_worse, significantly_worse FROM gap_results "
            "WHERE indicator_id = $i AND area_code = $l AND sex = $s AND age = $a AND dimension = $d "
            "ORDER BY period_sort DESC LIMIT 1",
            i=indicator_id,
            l=LUTON,
            s=sex,
            a=age,
            d=dimension,
        )
        shown = next(line for line in worst_cell.split("  \n") if line.startswith(f"{label}: "))
        if n_worse and worst in listed.split("; "):
            assert shown.startswith(f"{label}: {worst}: {worst_value:,.{decimals}f}{suffix}")
        elif n_worse:
            assert shown.startswith(f"{label}: {listed.split('; ')[0]}")
        else:
            assert "significantly worse" in shown and worst not in shown


def test_scorecard_download_lists_every_line(app_env, demo_store):
    at = overview()
    (button,) = [b for b in at.get("download_button") if b.proto.label.startswith("Download the scorecard")]
    assert f"({len(headline_lines(demo_store))} rows, CSV)" in button.proto.label


# --- the tartan rug --------------------------------------------------------------------------------------


def rug_rows(at: AppTest) -> tuple[list[dict], list[dict]]:
    """The rows the chart inlines and the Table tab's rows.

    Streamlit sends a chart's inline dataset beside its Vega-Lite spec, as Arrow, with the spec naming it:
    put it back into the spec and read it with het.charts.data.chart_data, as any het chart is read.
    """
    (chart,) = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    spec["datasets"] = {
        ds.name: records(pa.ipc.open_stream(ds.data.data).read_pandas()) for ds in chart.proto.datasets
    }
    return chart_data(spec), records(at.dataframe[0].value)


def records(frame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b)
    return a == b


def test_rug_table_holds_exactly_the_charts_data(app_env, demo_store):
    at = overview(view="rug")
    assert at.segmented_control(key="url_view").value == "rug"  # the URL chose the view
    inlined, table = rug_rows(at)
    assert len(inlined) == len(table) > 0
    for got, want in zip(inlined, table, strict=True):
        assert got.keys() == want.keys()
        assert all(same(got[k], want[k]) for k in want), (got, want)
    # columns: Luton, England, the region, the comparators and the current (WD23) wards
    n_wards = one(demo_store, "SELECT count(*) FROM areas WHERE area_type = 'ward' AND vintage = 'WD23'")[0]
    n_comparators = one(demo_store, "SELECT count(*) FROM areas WHERE is_comparator")[0]
    areas = {row["area_label"] for row in table}
    assert {"Luton", "England", "East of England"} <= areas
    assert len(areas) == 3 + n_comparators + n_wards
    # one row per indicator and sex with a Luton value; every cell has text beside its colour
    n_rows = one(
        demo_store,
        "SELECT count(DISTINCT (indicator_id, sex)) FROM current_observations WHERE area_code = $l "
        "AND breakdown = 'total' AND value IS NOT NULL",
        l=LUTON,
    )[0]
    assert len(table) == n_rows * len(areas)
    assert all(row["cell_text"] for row in table)


def test_rug_cells_equal_the_store(app_env, demo_store):
    at = overview(view="rug")
    _, table = rug_rows(at)
    ward = next(r for r in table if r["indicator_id"] == "school_readiness" and r["area_kind"] == "ward")
    value, comparison = one(
        demo_store,
        "SELECT o.value, b.comparison FROM current_observations AS o JOIN benchmark_results AS b "
        "USING (indicator_id, area_code, period_sort, sex, age, breakdown, category) "
        "WHERE o.indicator_id = 'school_readiness' AND o.area_code = $a AND o.period_label = $p "
        "AND o.breakdown = 'total'",
        a=ward["area_code"],
        p=ward["period_label"],
    )
    assert math.isclose(ward["value"], value) and ward["comparison"] == comparison
    assert ward["compared_with"] == "Luton"
    assert ward["cell_text"] == f"{value:.1f} {palette.COMPARISON_SYMBOLS[comparison]}"


def test_rug_rows_choice_restores_from_the_url_and_changes_the_table(app_env):
    every = overview(view="rug")
    headline = overview(view="rug", rows="headline")
    assert headline.segmented_control(key="url_rows").value == "headline"
    every_ids = {r["indicator_id"] for r in rug_rows(every)[1]}
    headline_ids = {r["indicator_id"] for r in rug_rows(headline)[1]}
    assert headline_ids < every_ids
    assert "le_65" in every_ids and "le_65" not in headline_ids  # not a headline indicator


def test_a_click_on_the_rug_opens_the_indicator_page(app_env):
    at = overview(view="rug")
    at.session_state["rug"] = {"selection": {"rug_pick": [{"indicator_id": "school_readiness"}]}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["indicator"] == "school_readiness"
    assert at.title[0].value != "How is Luton doing on each Marmot principle?"
    assert "school readiness" in at.title[0].value.lower()  # the Indicator page's own question


def test_with_no_values_loaded_each_view_says_why(store_copy):
    with Store(store_copy) as store:
        withdraw_extract(store, 1, by_user="test", note="the demo is withdrawn")
    at = overview()
    assert not at.error
    assert any("No headline indicator has a value for Luton yet" in i.value for i in at.info)
    line = line_markdown(at, "le_birth", "Male")
    assert line[0].startswith("**no data loaded**") and "○ not compared" in line[1]
    rug = overview(view="rug")
    assert not rug.get("vega_lite_chart")  # no blank chart
    assert any("No indicator has a value for Luton yet" in i.value for i in rug.info)
