"""The briefing pack from the Overview, a principle and the gap tracker: made on a click, offered as PDF and
HTML; not offered in meeting mode."""

from __future__ import annotations

import pytest
from app_pages import open_link


@pytest.mark.parametrize(
    ("page", "key", "params", "chosen"),
    [
        ("pages/overview.py", "brief_overview", {}, list(range(9))),
        ("pages/principle.py", "brief_principle", {"principle": "4"}, [4]),
        ("pages/gap_tracker.py", "brief_gaps", {}, None),
    ],
)
def test_the_pack_is_made_on_a_click_and_downloads(app_env, page, key, params, chosen):
    at = open_link(page, **params)
    picker = at.multiselect(key=f"{key}_principles")
    if chosen is not None:
        assert picker.value == chosen
    picker.set_value([1]).run()
    at.button(key=f"{key}_make").click().run()
    assert not at.exception, [e.value for e in at.exception]
    keys = {b.key for b in at.get("download_button")}
    assert {f"{key}_pdf", f"{key}_html"} <= keys
    assert any(": 1 principle in detail, made in" in c.value for c in at.caption)


def test_no_pack_controls_in_meeting_mode(app_env):
    at = open_link("pages/overview.py", meeting="on")
    assert not any(m.key == "brief_overview_principles" for m in at.multiselect)
