"""Journey: Overview → principle → indicator → deprivation view → the permalink reloads the same view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_overview_to_principle_to_indicator_deprivation_and_permalink(app_server, page: Page, artifacts):
    page.set_viewport_size({"width": 1500, "height": 1000})
    page.goto(app_server)
    expect(page.get_by_role("heading", name=re.compile(r"How is Luton doing"))).to_be_visible(timeout=90_000)
    page.screenshot(path=str(artifacts / "journey_1_overview.png"))

    # Principle 1's block links to its page.
    block = page.locator(".st-key-principle_block_1")
    block.get_by_role("link", name=re.compile("Open this principle")).click()
    expect(page).to_have_url(re.compile(r"principle=1"), timeout=30_000)
    expect(page.get_by_role("heading", name=re.compile(r"\?$")).first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Give every child the best start in life").first).to_be_visible()
    page.screenshot(path=str(artifacts / "journey_2_principle.png"), full_page=True)

    # From the principle's indicator links to child poverty.
    page.get_by_role("link", name="Children in absolute low income families (under 16s)").click()
    expect(page).to_have_url(re.compile(r"indicator=child_absolute_low_income"), timeout=30_000)
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=30_000)

    # The deprivation view: quintile bars with the fitted SII line and the SII and RII.
    page.get_by_text("By deprivation", exact=True).click()
    expect(page).to_have_url(re.compile(r"breakdown=deprivation"), timeout=30_000)
    expect(page.get_by_text(re.compile(r"Slope index of inequality|SII")).first).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=str(artifacts / "journey_3_deprivation.png"), full_page=True)

    # The permalink, pasted into an agenda, opens the same view in a fresh page.
    permalink = page.url
    fresh = page.context.new_page()
    fresh.set_viewport_size({"width": 1500, "height": 1000})
    fresh.goto(permalink)
    expect(fresh.get_by_role("radio", name="By deprivation")).to_be_checked(timeout=60_000)
    expect(fresh.get_by_role("combobox", name="Indicator")).to_have_value(
        re.compile("Children in absolute low income")
    )
    expect(fresh.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=30_000)
    expect(fresh.get_by_test_id("stException")).to_have_count(0)
    fresh.screenshot(path=str(artifacts / "journey_4_permalink.png"), full_page=True)
