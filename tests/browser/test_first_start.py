"""Journey: a new user starts het on a fresh store and reads the Overview in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_fresh_start_shows_overview_with_values_and_no_error(app_server, page: Page, artifacts):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_server)
    # The first request builds the store and the demo extract; allow for it.
    expect(page.get_by_role("heading", name=re.compile(r"How is Luton doing"))).to_be_visible(timeout=90_000)
    expect(page.get_by_text("Demonstration data.")).to_be_visible()
    expect(page.get_by_role("heading", name="Overarching outcomes")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^8\. Pursue environmental"))).to_be_visible()
    # The scorecard: life expectancy's line shows a value in years and its comparison with England, in words.
    line = page.locator(".st-key-scorecard_le_birth_Male")
    expect(line.get_by_text(re.compile(r"^\d{2}\.\d years$")).first).to_be_visible()
    expect(line.get_by_text(re.compile(r"(better|similar|worse|not compared)$")).first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    page.screenshot(path=str(artifacts / "overview.png"), full_page=True)
    page.screenshot(path=str(artifacts / "overview_viewport.png"))

    page.get_by_role("link", name="Data and methods").click()
    expect(page.get_by_role("heading", name="Where do these numbers come from?")).to_be_visible(
        timeout=30_000
    )
    page.get_by_role("tab", name="Extract register").click()
    expect(page.get_by_test_id("stDataFrame").nth(1)).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=str(artifacts / "data_and_methods.png"), full_page=True)
