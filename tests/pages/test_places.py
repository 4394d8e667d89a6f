"""The Places pages under AppTest: the ward map on real boundaries and on the hex fallback, a ward chosen from
the list and by a (simulated) click, the profile and the comparison, the need table, and URL state."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from het.loads import prepare_store
from het.store import ROOT, Store

APP = str(ROOT / "app.py")
LUTON = "E06000032"


def open_page(path: str, **params) -> AppTest:
    """A Places page as a pasted link would open it: query parameters set before the page runs."""
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page(path)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def all_values(spec) -> list[dict]:
    """Every inline data row of a spec, from its top-level data and every layer's."""
    rows = []
    stack = [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                rows.extend(v for v in data["values"] if isinstance(v, dict))
            stack.extend(v for k, v in node.items() if k != "data")
        elif isinstance(node, list):
            stack.extend(node)
    return rows


def marks(spec) -> set[str]:
    found, stack = set(), [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            mark = node.get("mark")
            if isinstance(mark, str):
                found.add(mark)
            elif isinstance(mark, dict):
                found.add(mark.get("type"))
            stack.extend(v for k, v in node.items() if k != "data")
        elif isinstance(node, list):
            stack.extend(node)
    return found


def map_spec(at) -> dict:
    """The first map chart's spec: the one with geoshapes and ward features."""
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if "geoshape" in marks(spec):
            return spec
    raise AssertionError("no map on the page")


def ward_codes(store, vintage: str) -> set[str]:
    rows = store.cursor().execute(
        "SELECT area_code FROM areas WHERE area_type = 'ward' AND vintage = $v", {"v": vintage}
    )
    return {r[0] for r in rows.fetchall()}


def test_ward_map_draws_the_real_boundaries_of_the_period_s_ward_set(app_env, demo_store, geography_dir):
    at = open_page("pages/ward_map.py", indicator="infant_mortality", period="2023 - 25")
    assert at.title[0].value == "Where in Luton are the gaps between wards?"
    spec = map_spec(at)
    features = [r for r in all_values(spec) if r.get("type") == "Feature" and "ward" in r]
    assert {f["area_code"] for f in features} == ward_codes(demo_store, "WD23")
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)
    captions = " ".join(c.value for c in at.caption)
    assert "May 2023 wards (20)" in captions and "real ward boundaries" in captions
    # an earlier period is on the earlier wards, never mixed
    at = open_page("pages/ward_map.py", indicator="infant_mortality", period="2020 - 22")
    features = [r for r in all_values(map_spec(at)) if r.get("type") == "Feature" and "ward" in r]
    assert {f["area_code"] for f in features} == ward_codes(demo_store, "WD13")
    assert "wards until May 2023 (19)" in " ".join(c.value for c in at.caption)


def test_comparison_colouring_puts_a_symbol_in_every_ward(app_env, geography_dir):
    at = open_page("pages/ward_map.py", indicator="infant_mortality", period="2023 - 25", colour="comparison")
    spec = map_spec(at)
    labels = [r for r in all_values(spec) if "label" in r and "lon" in r]
    assert len(labels) == 20
    assert all(r["label"] in ("▲▲", "▲", "●", "▼", "▼▼", "△", "▽", "○") for r in labels)


def test_query_parameters_restore_the_view(app_env, geography_dir):
    params = {
        "indicator": "school_readiness",
        "period": "2023/24",
        "map": "boundaries",
        "colour": "value",
        "classes": "natural breaks",
        "names": "on",
    }
    at = open_page("pages/ward_map.py", **params)
    assert {k: at.query_params[k] for k in params} == params
    assert at.segmented_control(key="url_colour").value == "value"
    assert at.selectbox(key="url_classes").value == "natural breaks"
    about = " ".join(m.value for m in at.markdown)
    assert "natural breaks of the value" in about
    names = [r["label"] for r in all_values(map_spec(at)) if "label" in r and "lon" in r]
    assert len(names) == 20  # ward names on the map
    # the hex cartogram always shows comparisons, so the colour choice leaves the URL
    at = open_page(
        "pages/ward_map.py", indicator="school_readiness", period="2023/24", map="hex", colour="value"
    )
    assert at.query_params["map"] == "hex" and "colour" not in at.query_params
    assert "hex cartogram" in " ".join(c.value for c in at.caption)


def test_a_ward_chosen_from_the_list_or_clicked_on_the_map_shows_its_summary(
    app_env, demo_store, geography_dir
):
    code, name = (
        demo_store.cursor()
        .execute("SELECT area_code, area_name FROM areas WHERE vintage = 'WD23' ORDER BY area_name LIMIT 1")
        .fetchone()
    )
    at = open_page("pages/ward_map.py", indicator="infant_mortality", period="2023 - 25")
    at.selectbox(key="map_ward").set_value(code).run()
    assert not at.exception
    assert at.query_params["ward"] == code
    assert any(m.value == f"## {name}" for m in at.markdown)
    # a click on the map: the chart's selection event, as Streamlit passes it (TOOLCHAIN.md, AppTest)
    other, other_name = (
        demo_store.cursor()
        .execute(
            "SELECT area_code, area_name FROM areas WHERE vintage = 'WD23' ORDER BY area_name DESC LIMIT 1"
        )
        .fetchone()
    )
    at.session_state["ward_map"] = {"selection": {"ward_pick": [{"area_code": other}]}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["ward"] == other
    assert any(m.value == f"## {other_name}" for m in at.markdown)


def test_funnel_and_small_multiples_and_lsoa_layer_are_drawn(app_env, geography_dir):
    at = open_page("pages/ward_map.py", indicator="infant_mortality", period="2023 - 25")
    keys = [c.proto.id for c in at.get("vega_lite_chart")]
    assert len(keys) >= 4  # the map, the small multiples, the funnel, the LSOA layer
    infos = " ".join(i.value for i in at.info)
    assert "No funnel plot" not in infos
    at = open_page("pages/ward_map.py", indicator="le_birth", period="2023 - 25")
    assert any("No funnel plot: a funnel plot needs counts and denominators" in i.value for i in at.info)


def test_ward_map_falls_back_to_the_hex_cartogram_without_boundary_files(tmp_path, monkeypatch):
    monkeypatch.delenv("HET_GEOGRAPHY_DIR", raising=False)
    path = tmp_path / "het.duckdb"
    with Store(path) as store:
        prepare_store(store)
        assert store.cursor().execute("SELECT count(*) FROM area_geometries").fetchone()[0] == 0
    monkeypatch.setenv("HET_DB", str(path))
    at = open_page("pages/ward_map.py", indicator="infant_mortality")
    captions = " ".join(c.value for c in at.caption)
    assert "hex cartogram" in captions and "no boundary files are loaded" in captions
    assert at.get("vega_lite_chart")  # a map is still drawn
    assert any("Small multiples need the ward boundaries" in i.value for i in at.info)


def test_ward_profile_without_boundary_files_says_why_there_is_no_map(tmp_path, monkeypatch):
    monkeypatch.delenv("HET_GEOGRAPHY_DIR", raising=False)
    path = tmp_path / "het.duckdb"
    with Store(path) as store:
        prepare_store(store)
    monkeypatch.setenv("HET_DB", str(path))
    at = open_page("pages/ward_profile.py")
    notes = [i.value for i in at.info]
    assert any(n.startswith("No map of the ") and "boundaries are not loaded" in n for n in notes), notes
    assert not any("geoshape" in marks(json.loads(c.proto.spec)) for c in at.get("vega_lite_chart"))
    assert at.selectbox  # the ward is still chosen from the list


def test_ward_profile_shows_facts_spine_and_comparison(app_env, demo_store, geography_dir):
    first, second = (
        demo_store.cursor()
        .execute("SELECT area_code, area_name FROM areas WHERE vintage = 'WD23' ORDER BY area_name LIMIT 2")
        .fetchall()
    )
    at = open_page("pages/ward_profile.py", ward=first[0], compare=second[0])
    assert at.title[0].value == "How does each ward compare with Luton?"
    headings = [m.value for m in at.markdown if m.value.startswith("## ")]
    assert headings == [f"## {first[1]}", f"## {second[1]}"]
    assert any(m.label == "Population" for m in at.metric)
    table = next(df.value for df in at.dataframe if "Range across wards" in df.value.columns)
    assert set(table["Ward"]) == {first[1], second[1]}
    n_series = (
        demo_store.cursor()
        .execute(
            "SELECT count(DISTINCT (o.indicator_id, o.sex, o.age)) FROM current_observations o "
            "JOIN areas a USING (area_code) WHERE a.vintage = 'WD23' AND o.breakdown = 'total'"
        )
        .fetchone()[0]
    )
    assert len(table) == 2 * n_series  # every series with ward values, for each ward
    spine = next(c.proto.spec for c in at.get("vega_lite_chart") if "pos_ward" in c.proto.spec)
    assert first[1] in spine and second[1] in spine  # both wards are drawn and named in its legend


def test_ward_profile_on_the_earlier_ward_set_says_how_the_sets_relate(app_env, demo_store, geography_dir):
    code = (
        demo_store.cursor()
        .execute("SELECT area_code FROM areas WHERE vintage = 'WD13' ORDER BY 1 LIMIT 1")
        .fetchone()[0]
    )
    at = open_page("pages/ward_profile.py", ward_set="WD13", ward=code)
    notes = " ".join(i.value for i in at.info)
    assert "never matched by name" in notes and "May 2023 wards" in notes


def test_need_table_ranks_every_ward_and_downloads(app_env, demo_store, geography_dir):
    at = open_page("pages/need.py")
    assert at.title[0].value == "Where in Luton is need greatest?"
    ranking = next(
        df.value
        for df in at.dataframe
        if "Need score" in df.value.columns and "Population" in df.value.columns
    )
    assert len(ranking) == len(ward_codes(demo_store, "WD23"))
    assert ranking["Rank"].tolist() == list(range(1, len(ranking) + 1))
    assert ranking["Need score"].is_monotonic_decreasing
    assert at.get("download_button")


def test_the_profile_opened_from_the_map_shows_the_ward_picked_there(app_env, demo_store, geography_dir):
    """The map and the profile share the `ward` parameter, not their widgets (whose options differ)."""
    code, name = (
        demo_store.cursor()
        .execute(
            "SELECT area_code, area_name FROM areas WHERE vintage = 'WD23' ORDER BY area_name DESC LIMIT 1"
        )
        .fetchone()
    )
    at = open_page("pages/ward_map.py", indicator="infant_mortality", period="2023 - 25")
    at.selectbox(key="map_ward").set_value(code).run()
    at.switch_page("pages/ward_profile.py")
    at.query_params["ward"] = code
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="url_ward").value == code
    assert [m.value for m in at.markdown if m.value.startswith("## ")] == [f"## {name}"]
