"""Journey: in a Leads Group meeting, open the tartan rug, click a row through to its indicator, then open the
gap tracker's needs-attention view from a pasted link."""

from __future__ import annotations

import csv
import io
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


def test_table_downloads_are_made_when_clicked_and_hold_every_row(app_server, page: Page, artifacts):
    """A chart card's data and the gap tracker's table are made only when their button is clicked (not in
    every view): the file a reader gets then has every row the button counts, with labelled columns."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_server}/gaps")
    expect(page.get_by_role("heading", name=re.compile(r"gaps narrowing\?$"))).to_be_visible(timeout=90_000)
    button = page.get_by_role("button", name=re.compile(r"Download this table \(\d[\d,]* rows, CSV\)"))
    expect(button).to_be_visible(timeout=30_000)
    rows = int(re.search(r"\((\d[\d,]*) rows", button.inner_text()).group(1).replace(",", ""))
    with page.expect_download(timeout=30_000) as download:
        button.click()
    text = download.value.path().read_text(encoding="utf-8")
    lines = list(csv.reader(io.StringIO(text)))
    assert download.value.suggested_filename == "gap_tracker.csv"
    assert len(lines) == rows + 1 and "indicator_id" in lines[0]

    page.goto(f"{app_server}/indicators?indicator=hle_birth")
    expect(page.get_by_role("tab", name="Download").first).to_be_visible(timeout=60_000)
    page.get_by_role("tab", name="Download").first.click()
    button = page.get_by_role("button", name=re.compile(r"Download the data \(\d[\d,]* rows?, CSV"))
    expect(button.first).to_be_visible(timeout=30_000)
    rows = int(re.search(r"\((\d[\d,]*) rows?", button.first.inner_text()).group(1).replace(",", ""))
    with page.expect_download(timeout=30_000) as download:
        button.first.click()
    lines = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert download.value.suggested_filename.endswith(".csv")
    assert len(lines) == rows + 1 and len(lines[0]) > 1
    expect(page.get_by_test_id("stException")).to_have_count(0)
