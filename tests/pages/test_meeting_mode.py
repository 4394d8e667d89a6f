"""Meeting mode (?meeting=on): kept in the URL, larger text, no sidebar and no editing controls, chart text
at least 14 px, and the Principles page steps through the principles."""

from __future__ import annotations

import json

import pytest
from app_pages import open_link
from streamlit.testing.v1 import AppTest

from het.ui.meeting import CHART_LABEL_PX, MEETING_CSS
from het.ui.nav import PAGES

ESW = "employment_skills_work"


def meeting_style_shown(at: AppTest) -> bool:
    return any(MEETING_CSS.strip() in (el.proto.body or "") for el in at.get("html"))


def chart_font_sizes(spec: dict) -> list[float]:
    """Every font size the spec sets for axis, legend and header labels and titles, and text marks."""
    sizes = []
    config = spec.get("config") or {}
    for part in ("axis", "legend", "header"):
        for name in ("labelFontSize", "titleFontSize"):
            sizes.append((config.get(part) or {}).get(name, 0))
    sizes.append((config.get("text") or {}).get("fontSize", 0))

    def walk(node):
        if isinstance(node, dict):
            mark = node.get("mark")
            if isinstance(mark, dict) and mark.get("type") == "text" and "fontSize" in mark:
                sizes.append(mark["fontSize"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in spec.items() if k != "config"})
    return sizes


@pytest.mark.parametrize("page", [spec.path for spec in PAGES])
def test_meeting_mode_is_kept_in_the_link_and_styles_every_page(app_env, page):
    at = open_link(page, meeting="on")
    assert at.toggle(key="meeting_mode").value is True
    assert at.query_params.get("meeting") in ("on", ["on"])
    assert meeting_style_shown(at)
    assert not any("does not use" in w.value for w in at.warning)  # `meeting` is every page's parameter
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        assert min(chart_font_sizes(spec)) >= 14, chart_font_sizes(spec)


def test_without_meeting_mode_there_is_no_meeting_style(app_env):
    at = open_link("pages/overview.py")
    assert at.toggle(key="meeting_mode").value is False and not meeting_style_shown(at)
    assert "meeting" not in at.query_params


def test_turning_meeting_mode_off_takes_it_out_of_the_link(app_env):
    at = open_link("pages/overview.py", meeting="on")
    at.toggle(key="meeting_mode").set_value(False).run()
    assert not meeting_style_shown(at) and "meeting" not in at.query_params


def test_meeting_mode_hides_editing_and_loading(app_env):
    # The session is the single local analyst, who can edit and load outside meeting mode.
    normal = open_link("pages/workstream.py", workstream=ESW)
    assert any(b.key == f"save_actions_{ESW}" for b in normal.button)
    meeting = open_link("pages/workstream.py", workstream=ESW, meeting="on")
    assert not any(b.key == f"save_actions_{ESW}" for b in meeting.button)
    assert not any("can view this workstream" in c.value for c in meeting.caption)
    upload = open_link("pages/upload.py", meeting="on")
    assert not upload.get("file_uploader")
    assert any("off in meeting mode" in i.value for i in upload.info)


def test_the_principles_page_steps_through_the_principles(app_env):
    at = open_link("pages/principle.py", principle="1", meeting="on")
    assert at.selectbox(key="url_principle").value == 1
    nxt = next(b for b in at.button if b.key == "url_principle_next")
    assert nxt.proto.shortcut.upper() == "N" and "2." in nxt.label
    nxt.click().run()
    assert at.selectbox(key="url_principle").value == 2
    assert at.query_params.get("principle") in ("2", ["2"])
    previous = next(b for b in at.button if b.key == "url_principle_previous")
    previous.click().run()
    previous = next(b for b in at.button if b.key == "url_principle_previous")
    previous.click().run()
    assert at.selectbox(key="url_principle").value == 0
    previous = next(b for b in at.button if b.key == "url_principle_previous")
    previous.click().run()
    assert at.selectbox(key="url_principle").value == 8  # wraps around


def test_no_step_buttons_outside_meeting_mode(app_env):
    at = open_link("pages/principle.py", principle="1")
    assert not any(b.key == "url_principle_next" for b in at.button)


def test_meeting_chart_text_is_large_enough():
    from het.ui.meeting import meeting_chart_spec

    spec = {"layer": [{"mark": {"type": "text", "fontSize": 10}}, {"mark": "line"}], "config": {"axis": {}}}
    bigger = meeting_chart_spec(spec)
    assert min(chart_font_sizes(bigger)) >= CHART_LABEL_PX >= 14
    assert spec["layer"][0]["mark"]["fontSize"] == 10  # the cached spec is not changed
