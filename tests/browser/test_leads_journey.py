"""Journey: in a Leads Group meeting, open the tartan rug, click a row through to its indicator, then open the
gap tracker's needs-attention view from a pasted link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_rug_click_opens_the_indicator_and_a_link_reopens_the_gap_tracker_view(
    app_server, page: Page, artifacts
):
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(app_server)
    expect(page.get_by_role("heading", name=re.compile(r"How is Luton doing"))).to_be_visible(timeout=90_000)
    page.get_by_text("Tartan rug: every indicator by area").click()
    rug = page.get_by_test_id("stVegaLiteChart").first
    cells = rug.locator("g.mark-rect path")  # the cells (marks are hidden from the accessibility tree)
    expect(cells.first).to_be_visible(timeout=30_000)
    page.screenshot(path=str(artifacts / "overview_rug.png"))
    # The first row (healthy life expectancy). The cell's text sits on top of its rectangle; a click on it
    # selects the row too, so click the centre as a reader would (force: Playwright sees the text as in the way).
    cells.first.click(force=True)
    expect(page).to_have_url(re.compile(r"indicator=hle_birth"), timeout=30_000)
    expect(
        page.get_by_role("heading", name=re.compile(r"healthy life expectancy", re.IGNORECASE)).first
    ).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)

    page.goto(f"{app_server}/gaps?view=attention&principle=4")
    expect(page.get_by_role("heading", name=re.compile(r"gaps narrowing\?$"))).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Needs attention:", exact=False).first).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    expect(page.get_by_role("combobox", name="Principle")).to_have_value("4 · Living standards")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=str(artifacts / "gap_tracker_attention.png"))
