"""Journey: a workstream lead signs in with a local account (the sidebar's sign-in form), opens a workstream
from the Workstreams overview, sees its logic model and KPIs, records an update on an action with the
keyboard-friendly form, and sees the change in the history under the lead's name; the page passes an
axe-core scan before and after. A viewer, signed in the same way, sees the page without any edit controls.
The server (accounts_server) has a lead and a viewer account and its own copy of the demo store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_places_journey import serious_violations

pytestmark = pytest.mark.browser

WORKSTREAM = "Employment, Skills and Work"


def screenshot_whole_page(page: Page, path: Path) -> None:
    """The whole page in one picture. Streamlit scrolls its main area, not the document, so a full-page
    screenshot shows only the viewport: make the viewport as tall as the main area for the picture."""
    size = page.viewport_size
    height = page.get_by_test_id("stMain").evaluate("main => main.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(height + 40, 16_000)})
    page.wait_for_timeout(1_000)  # charts and grids redraw for the new size
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def sign_in(page: Page, url: str, name: str, password: str, role: str) -> None:
    """Open het and sign in through the sidebar's sign-in form, as a person would."""
    page.goto(url)
    expect(page.get_by_role("heading", name=re.compile(r"How is Luton doing"))).to_be_visible(timeout=90_000)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Sign in (analysts, leads, viewers)").click()
    sidebar.get_by_role("textbox", name="User name").fill(name)
    sidebar.get_by_role("textbox", name="Password", exact=True).fill(password)
    sidebar.get_by_role("button", name="Sign in").click()
    expect(sidebar.get_by_text(f"Signed in as {name} ({role}).")).to_be_visible(timeout=30_000)


def open_the_workstream(page: Page) -> None:
    """From the sidebar's Workstreams page to the workstream's own page (in the app, so still signed in)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile(r"^\W*Workstreams$")).click()
    expect(page.get_by_role("heading", name="Are the workstreams delivering?")).to_be_visible(timeout=60_000)
    page.get_by_role("link", name=re.compile(rf"{WORKSTREAM}: logic model, actions and KPIs")).click()
    heading = re.compile(rf"What is {WORKSTREAM} doing, and is it working\?")
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=60_000)
    expect(page).to_have_url(re.compile(r"workstream=employment_skills_work"))
    expect(page.get_by_text("logic model (theory of change)")).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text(re.compile(r"^KPIs \(\d+\)$"))).to_be_visible()


def test_a_signed_in_lead_records_an_update_and_sees_it_in_the_history(
    accounts_server, page: Page, artifacts
):
    page.set_viewport_size({"width": 1280, "height": 720})
    lead = accounts_server.lead
    sign_in(page, accounts_server.url, lead, accounts_server.password, "lead")
    open_the_workstream(page)
    expect(page.get_by_role("button", name=re.compile(r"Save the actions"))).to_be_visible()
    screenshot_whole_page(page, artifacts / "workstream_lead.png")
    assert serious_violations(page) == []

    # the demonstration workbook's own load is in the history already: the count goes up by one
    before = page.get_by_text(re.compile(r"^History of changes \((\d+) changes?\)$"))
    expect(before).to_be_visible()
    n = int(re.search(r"\((\d+) change", before.inner_text()).group(1))
    form = page.get_by_test_id("stForm").filter(has_text="Record an update on one action")
    status = form.get_by_role("combobox", name="Status")
    status.click()
    page.keyboard.type("at risk")  # a select box filters as one types; Enter picks the match
    page.keyboard.press("Enter")
    expect(status).to_have_value("at risk")
    form.get_by_label("Latest update").fill("Scoping meeting held with the ICS")
    form.get_by_role("button", name=re.compile(r"Save this update")).click()
    saved = page.get_by_text(re.compile(r"^Saved change \d+: 3 fields of 1 item\."))
    expect(saved).to_be_visible(timeout=30_000)
    change = re.search(r"Saved change (\d+)", saved.inner_text()).group(1)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    title = f"History of changes ({n + 1} changes)"
    history = page.get_by_test_id("stExpander").filter(has_text=title)
    expect(history).to_be_visible()
    history.get_by_text(title).click()
    table = history.get_by_test_id("stDataFrame")
    expect(table).to_be_visible(timeout=30_000)
    # The grid draws on a canvas; its accessible table (for screen readers) carries the text of the rows in
    # view, newest change first: the update's three fields, each with its change number and who made it.
    rows = table.locator("tbody tr[role='row']")
    expect(rows.first).to_be_attached(timeout=30_000)
    for i, field in enumerate(["latest_update", "status", "updated_on"]):  # by field, within the change
        cells = rows.nth(i).locator("td[role='gridcell']")
        expect(cells.nth(0)).to_have_text(change)  # Change
        expect(cells.nth(2)).to_have_text(lead)  # Who
        expect(cells.nth(4)).to_have_text(field)  # Field
    expect(rows.nth(1).locator("td[role='gridcell']").nth(5)).to_have_text("on track")  # From
    expect(rows.nth(3).locator("td[role='gridcell']").nth(2)).not_to_have_text(lead)  # older: the demo's
    expect(history.get_by_role("button", name=re.compile(r"Undo this change"))).to_be_visible()
    screenshot_whole_page(page, artifacts / "workstream_lead_history.png")
    assert serious_violations(page) == []


def test_a_signed_in_viewer_sees_no_edit_controls(accounts_server, page: Page, artifacts):
    page.set_viewport_size({"width": 1280, "height": 720})
    viewer = accounts_server.viewer
    sign_in(page, accounts_server.url, viewer, accounts_server.password, "viewer")
    open_the_workstream(page)
    expect(page.get_by_text(f"{viewer} can view this workstream but not edit it").first).to_be_visible()
    # the actions register, shown read-only (its table is the one with a partner organisation column)
    header = page.locator("th[role='columnheader']", has_text="Partner organisation")
    actions = page.get_by_test_id("stDataFrame").filter(has=header)
    expect(actions).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name=re.compile(r"Save this update"))).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile(r"Save the actions"))).to_have_count(0)
    expect(
        page.get_by_role("button", name=re.compile(r"Save the KPI targets|Undo this change"))
    ).to_have_count(0)
    expect(page.get_by_test_id("stForm")).to_have_count(0)  # neither the update form nor the sign-in form
    expect(page.get_by_test_id("stException")).to_have_count(0)
    screenshot_whole_page(page, artifacts / "workstream_viewer.png")
