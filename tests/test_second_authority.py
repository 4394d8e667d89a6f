"""A second authority: a geography pack generated for a made-up authority gets the same pages, with its own
name, and no line of code changes.

The pack is the real shared pack transformed: a new authority code and name ("Riverside"), new ward codes
and names for both ward sets, a different ward-set change date and another region. Every file the manifest
names is rewritten consistently (boundaries, lookups, deprivation, census) and a new geography.toml points
at the copies; LSOA codes are kept, they are only keys. A store built from it (het.loads.prepare_store, as
the app's first start does) then runs every page under AppTest.

"Luton 2040" is the name of the programme the catalogue's priorities belong to (the field label "Luton 2040
priority" and the KPI format's name): it is catalogue data shipped in data/, not the authority, so it is the
one place "Luton" may stay on a Riverside page. The Methods and Sources tabs render the shipped documents
(docs/methods.md, data/SOURCES.md), which describe the shipped Luton catalogue and embedded data: they are
documentation, not the store's authority, and are left out of the check.
"""

from __future__ import annotations

import csv
import json
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from google.protobuf.message import Message
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from het.loads import prepare_store
from het.periods import parse_period
from het.reference.catalogue import read_catalogue
from het.store import ROOT, Store
from het.ui.nav import PAGES
from het.views.indicator import BREAKDOWN_VIEWS
from het.views.tables import METHODS_FILE, SOURCES_FILE, read_text_file
from het.ward_sets import WardSets
from tests.conftest import shared_geography_dir

APP = str(ROOT / "app.py")
OLD_CODE, OLD_NAME = "E06000032", "Luton"
NEW_CODE, NEW_NAME = "E06000099", "Riverside"
NEW_REGION = "E12000008"  # South East: Luton's is the East of England
NEW_CHANGE_DATE = "2024-05-02"
# A period that ends after Luton's ward change (4 May 2023) and before Riverside's (2 May 2024).
BETWEEN_PERIOD = "2023/24"
# The catalogue's programme name: data, allowed on a Riverside page (see the module docstring).
PROGRAMME = "Luton 2040"

pytestmark = pytest.mark.skipif(
    shared_geography_dir() is None,
    reason="shared geography pack not found: set HET_GEOGRAPHY_DIR to a folder like ../shared/data",
)

_WARD_CODE = re.compile(r"E05\d{6}")
_PREFIXES = ("Alder", "Birch", "Cedar", "Elder", "Hazel", "Maple", "Rowan", "Willow")
_SUFFIXES = ("brook", "field", "ford", "mead")


# -- generating the pack -------------------------------------------------------------------------------


def _renamed(name: str) -> str:
    return name.replace("luton", NEW_NAME.lower()).replace(OLD_NAME, NEW_NAME)


def _named_files(manifest: dict, pack: Path) -> set[str]:
    """Every path the manifest names (any string value that is a file in the pack)."""
    found = set()
    for table in manifest.values():
        for section in table if isinstance(table, list) else [table]:
            for value in section.values():
                if isinstance(value, str) and (pack / value).is_file():
                    found.add(value)
    return found


def _ward_maps(manifest: dict, pack: Path) -> tuple[dict[str, str], dict[str, str]]:
    """New ward codes (one series per ward set) and new ward names (one per old name, across both sets)."""
    codes, names = {}, {}
    new_names = iter(f"{p}{s}" for s in _SUFFIXES for p in _PREFIXES)
    for k, ward_set in enumerate(manifest["ward_sets"]):
        features = json.loads((pack / ward_set["boundaries"]).read_text(encoding="utf-8"))["features"]
        for i, feature in enumerate(sorted(features, key=lambda f: f["properties"][ward_set["code_field"]])):
            codes[feature["properties"][ward_set["code_field"]]] = f"E059{k}{i + 1:04d}"
            name = feature["properties"][ward_set["name_field"]]
            if name not in names:
                names[name] = next(new_names)
    return codes, names


def _text_cell(value: str, codes: dict[str, str], names: dict[str, str]) -> str:
    """One value of a pack file, for the new authority: ward names, ward codes, the authority's code and name."""
    if value in names:
        return names[value]
    value = _WARD_CODE.sub(lambda m: codes.get(m[0], m[0]), value)
    return (
        value.replace(OLD_CODE, NEW_CODE)
        .replace(OLD_NAME, NEW_NAME)
        .replace(OLD_NAME.lower(), NEW_NAME.lower())
    )


def _rewrite_geojson(source: Path, target: Path, codes: dict, names: dict) -> None:
    data = json.loads(source.read_text(encoding="utf-8"))
    if isinstance(data.get("name"), str):
        data["name"] = _text_cell(data["name"], codes, names)
    for feature in data["features"]:
        props = feature["properties"]
        for key, value in props.items():
            if isinstance(value, str):
                props[key] = _text_cell(value, codes, names)
    target.write_text(json.dumps(data), encoding="utf-8")


def _rewrite_csv(source: Path, target: Path, codes: dict, names: dict) -> None:
    with source.open(encoding="utf-8-sig", newline="") as infile:
        rows = list(csv.reader(infile))
    with target.open("w", encoding="utf-8", newline="") as outfile:
        writer = csv.writer(outfile)
        writer.writerow(rows[0])
        writer.writerows([_text_cell(cell, codes, names) for cell in row] for row in rows[1:])


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value))  # a TOML basic string


def _write_manifest(manifest: dict, path: Path) -> None:
    lines = []
    for name, table in manifest.items():
        for section in table if isinstance(table, list) else [table]:
            lines.append(f"[[{name}]]" if isinstance(table, list) else f"[{name}]")
            lines.extend(f"{key} = {_toml_value(value)}" for key, value in section.items())
            lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def make_second_pack(source: Path, target: Path) -> dict:
    """Write Riverside's pack into `target` from the pack in `source`; returns the new manifest."""
    manifest = tomllib.loads((source / "geography.toml").read_text(encoding="utf-8"))
    codes, names = _ward_maps(manifest, source)
    moved = {}
    for name in sorted(_named_files(manifest, source)):
        new = _renamed(name)
        (target / new).parent.mkdir(parents=True, exist_ok=True)
        rewrite = _rewrite_geojson if name.endswith("json") else _rewrite_csv
        rewrite(source / name, target / new, codes, names)
        moved[name] = new
    change_dates = {
        str(s[k]) for s in manifest["ward_sets"] for k in ("in_force_from", "in_force_until") if k in s
    }
    for table in manifest.values():
        for section in table if isinstance(table, list) else [table]:
            for key, value in section.items():
                if isinstance(value, str) and value in moved:
                    section[key] = moved[value]
                elif key in ("in_force_from", "in_force_until") and str(value) in change_dates:
                    section[key] = NEW_CHANGE_DATE
    manifest["authority"].update(code=NEW_CODE, name=NEW_NAME, region_code=NEW_REGION)
    _write_manifest(manifest, target / "geography.toml")
    return manifest


# -- the store and the app on it -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def riverside_pack(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("riverside") / "pack"
    make_second_pack(shared_geography_dir(), target)
    return target


@pytest.fixture(scope="module")
def riverside_store_path(riverside_pack, tmp_path_factory) -> Path:
    """Riverside's store, prepared as the app prepares one on first start (reference data, then the demo)."""
    path = tmp_path_factory.mktemp("riverside_store") / "het.duckdb"
    with Store(path) as store:
        prepare_store(store, geography_dir=riverside_pack)
    return path


def _rows(path: Path, sql: str, params: dict | None = None) -> pd.DataFrame:
    with Store(path) as store:
        return store.cursor().execute(sql, params or {}).df()


def _ward_sets_of(path: Path) -> WardSets:
    with Store(path) as store:
        return WardSets.from_areas(store.query("area_list"))


def test_the_pack_is_another_authority(riverside_pack, riverside_store_path, demo_store_path):
    with Store(riverside_store_path) as store:
        authority = store.query("authority_code")
        areas = store.query("area_list")
    assert authority.iloc[0].tolist() == [NEW_CODE, NEW_NAME]
    wards = areas[areas["area_type"] == "ward"]
    assert set(wards["parent_code"]) == {NEW_CODE}
    assert areas.loc[areas["area_code"] == NEW_CODE, "parent_code"].tolist() == [NEW_REGION]
    luton_wards = set(
        _rows(demo_store_path, "SELECT area_code FROM areas WHERE area_type = 'ward'")["area_code"]
    )
    assert luton_wards and not luton_wards & set(wards["area_code"])
    luton_names = set(_rows(demo_store_path, "SELECT area_name FROM areas")["area_name"])
    assert not luton_names & set(wards["area_name"])
    riverside, luton = _ward_sets_of(riverside_store_path), _ward_sets_of(demo_store_path)
    assert riverside.vintages == luton.vintages and len(riverside.vintages) == 2
    assert str(riverside.sets[1].in_force_from) == NEW_CHANGE_DATE != str(luton.sets[1].in_force_from)
    # The demo wrote values for Riverside, its region and England, and none for Luton.
    totals = _rows(
        riverside_store_path,
        "SELECT DISTINCT area_code FROM current_observations WHERE breakdown = 'total'",
    )
    assert {NEW_CODE, NEW_REGION, "E92000001"} <= set(totals["area_code"])
    assert OLD_CODE not in set(totals["area_code"])


def test_ward_data_between_the_two_change_dates_is_on_each_authoritys_own_ward_set(
    riverside_store_path, demo_store_path
):
    """A period ending after Luton's ward change and before Riverside's: Luton's later set, Riverside's earlier."""
    riverside, luton = _ward_sets_of(riverside_store_path), _ward_sets_of(demo_store_path)
    ward_sql = """SELECT o.indicator_id, o.period_label, i.periodicity, a.vintage
                  FROM current_observations o JOIN areas a USING (area_code) JOIN indicators i USING (indicator_id)
                  WHERE a.area_type = 'ward' AND o.period_label = $p"""
    for path, expected in (
        (riverside_store_path, riverside.vintages[0]),
        (demo_store_path, luton.vintages[1]),
    ):
        rows = _rows(path, ward_sql, {"p": BETWEEN_PERIOD})
        ends = [parse_period(r.period_label, periodicity=r.periodicity).end for r in rows.itertuples()]
        between = rows[[luton.sets[1].in_force_from <= end < riverside.sets[1].in_force_from for end in ends]]
        assert not between.empty, (
            f"no ward values for a {BETWEEN_PERIOD} period ending between the change dates"
        )
        assert set(between["vintage"]) == {expected}, (path, between.groupby("vintage").size().to_dict())


# -- every page ----------------------------------------------------------------------------------------


def _pick(key: str, value: str):
    def act(at: AppTest) -> None:
        at.selectbox(key=key).set_value(value).run()

    return act


def _breakdown(value: str):
    def act(at: AppTest) -> None:
        at.selectbox(key="url_indicator").set_value("le_birth").run()  # an indicator with ward values
        at.radio(key="url_breakdown").set_value(value).run()

    return act


def _rug(at: AppTest) -> None:
    at.button_group[0].set_value("rug").run()


# Every page in the navigation as it first opens, then the views a page shows only on a choice.
VIEWS = [(spec.url_path, spec.path, None) for spec in PAGES] + [
    ("scorecard-rug", "pages/overview.py", _rug),
    ("principles-overarching", "pages/principle.py", _pick("url_principle", 0)),
    *((f"indicators-{b}", "pages/indicator.py", _breakdown(b)) for b in BREAKDOWN_VIEWS),
]


def _open(path: str, action) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    if path != next(p.path for p in PAGES if p.default):
        at.switch_page(path).run()
    if action is not None:
        action(at)
    return at


_HIDDEN_FIELDS = {"id", "form_id"}  # widget ids and form ids are not shown


def _proto_strings(message: Message, out: list[str]) -> None:
    for field, value in message.ListFields():
        if field.name in _HIDDEN_FIELDS:
            continue
        repeated = isinstance(value, Sequence) and not isinstance(value, str | bytes)
        for item in value if repeated else [value]:
            if isinstance(item, Message):
                _proto_strings(item, out)
            elif isinstance(item, str):
                out.append(item)


def _frame_strings(frame: pd.DataFrame, out: list[str]) -> None:
    out.extend(str(c) for c in frame.columns)
    out.extend(str(v) for v in frame.to_numpy().ravel())


def visible_text(node, out: list[str] | None = None) -> list[str]:
    """Every string a reader can see on the page: text elements, labels and options, table and chart cells."""
    out = [] if out is None else out
    kind = getattr(node, "type", "")
    proto = getattr(node, "proto", None)
    if kind in ("dataframe", "table"):
        frame = node.value
        shown = [c for c in getattr(proto, "column_order", []) if c in frame.columns]
        _frame_strings(frame[shown] if shown else frame, out)
    elif kind in ("vega_lite_chart", "arrow_vega_lite_chart"):
        out.append(proto.spec)
        for dataset in proto.datasets:
            _frame_strings(convert_arrow_bytes_to_pandas_df(dataset.data.data), out)
    elif isinstance(proto, Message):
        _proto_strings(proto, out)
    for child in getattr(node, "children", {}).values():
        visible_text(child, out)
    return out


def _allowed_luton_texts() -> list[str]:
    """Catalogue text that names Luton as data (the programme, principle wording, indicator notes),
    longest first, and the shipped documents (methods and sources) rendered on Data and methods."""
    catalogue = read_catalogue()
    texts = {read_text_file(METHODS_FILE).strip(), read_text_file(SOURCES_FILE).strip(), PROGRAMME}
    for table in ("principles", "indicators"):
        for column in catalogue[table].columns:
            texts |= {v for v in catalogue[table][column] if isinstance(v, str) and OLD_NAME in v}
    return sorted(texts, key=len, reverse=True)


def luton_mentions(at: AppTest) -> list[str]:
    """Visible strings naming Luton (in any case) once the allowed catalogue and document text is removed."""
    allowed = _allowed_luton_texts()
    found = []
    for text in visible_text(at._tree):
        for snippet in allowed:
            text = text.replace(snippet, "")
        if OLD_NAME.lower() in text.lower():
            found.append(text)
    return found


@pytest.mark.parametrize(("view", "path", "action"), VIEWS, ids=[v[0] for v in VIEWS])
def test_every_page_names_the_authority_of_its_store(
    view, path, action, riverside_pack, riverside_store_path, demo_store_path, monkeypatch
):
    monkeypatch.setenv("HET_DB", str(demo_store_path))
    monkeypatch.setenv("HET_GEOGRAPHY_DIR", str(shared_geography_dir()))
    luton = _open(path, action)
    monkeypatch.setenv("HET_DB", str(riverside_store_path))
    monkeypatch.setenv("HET_GEOGRAPHY_DIR", str(riverside_pack))
    riverside = _open(path, action)

    for at in (luton, riverside):
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        assert at.title and at.title[0].value.endswith("?")
    question = riverside.title[0].value
    assert question == luton.title[0].value.replace(OLD_NAME, NEW_NAME)
    assert (NEW_NAME in question) == (OLD_NAME in luton.title[0].value)
    assert luton_mentions(riverside) == []
    if OLD_NAME in luton.title[0].value:
        assert luton_mentions(luton)  # the same check finds Luton on Luton's page
    assert NEW_NAME.lower() not in " ".join(visible_text(luton._tree)).lower()
    if view == "indicators-ward":
        # The hand-made hex layout covers Luton's wards only: Riverside's page says so instead of drawing.
        no_layout = [i.value for i in riverside.info if i.value.startswith("No hex layout")]
        assert no_layout and not any(i.value.startswith("No hex layout") for i in luton.info)


def test_the_browser_tab_names_the_authority(
    riverside_pack, riverside_store_path, demo_store_path, monkeypatch
):
    titles = []
    original = st.set_page_config

    def recording(*args, **kwargs):
        titles.append(kwargs.get("page_title"))
        return original(*args, **kwargs)

    monkeypatch.setattr(st, "set_page_config", recording)
    monkeypatch.setenv("HET_DB", str(demo_store_path))
    monkeypatch.setenv("HET_GEOGRAPHY_DIR", str(shared_geography_dir()))
    assert not AppTest.from_file(APP, default_timeout=120).run().exception
    monkeypatch.setenv("HET_DB", str(riverside_store_path))
    monkeypatch.setenv("HET_GEOGRAPHY_DIR", str(riverside_pack))
    assert not AppTest.from_file(APP, default_timeout=120).run().exception
    assert titles == [
        f"het · {OLD_NAME} Health Equity Town monitor",
        f"het · {NEW_NAME} Health Equity Town monitor",
    ]
