"""Journey: a workstream lead opens a workstream, sees its logic model and KPIs, records an update on an
action, and sees it in the history; the page passes an axe-core scan. The browser's server has no accounts
and serves this computer only, so its user is the single local analyst, who edits as a lead does (the
lead role itself is tested with AppTest in tests/pages/test_workstreams.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from test_places_journey import serious_violations

pytestmark = pytest.mark.browser


def test_record_an_update_on_an_action_and_see_it_in_the_history(app_server, page: Page, artifacts):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(app_server)  # not a deep link first (README, known Streamlit limitation)
    expect(page.get_by_role("heading", name=re.compile(r"How is Luton doing"))).to_be_visible(timeout=90_000)
    page.goto(f"{app_server}/workstream-status?workstream=employment_skills_work")
    heading = re.compile(r"What is Employment, Skills and Work doing, and is it working\?")
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=60_000)
    expect(page.get_by_text("logic model (theory of change)")).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text(re.compile(r"^KPIs \(\d+\)$"))).to_be_visible()
    page.screenshot(path=str(artifacts / "workstream.png"), full_page=True)
    assert serious_violations(page) == []

    form = page.get_by_test_id("stForm")
    status = form.get_by_role("combobox", name="Status")
    status.click()
    page.keyboard.type("at risk")  # a select box filters as one types; Enter picks the match
    page.keyboard.press("Enter")
    expect(status).to_have_value("at risk")
    form.get_by_label("Latest update").fill("Scoping meeting held with the ICS")
    form.get_by_role("button", name="Save this update").click()
    expect(page.get_by_text(re.compile(r"^Saved change \d+: 3 field\(s\) of 1 item\(s\)\."))).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_text("History of changes (1 change)")).to_be_visible()
    page.get_by_text("History of changes (1 change)").click()
    expect(page.get_by_role("button", name="Undo this change")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=str(artifacts / "workstream_history.png"), full_page=True)
