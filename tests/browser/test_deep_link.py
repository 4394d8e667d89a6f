"""The first request a freshly started server receives is a deep link: it opens its page, with no "Page not
found" dialog (plain `streamlit run app.py` shows one then, streamlit/streamlit#9624; het.ui.serve)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_first_request_after_a_start_is_a_deep_link_and_opens_cleanly(fresh_server, page: Page, artifacts):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{fresh_server}/indicators?indicator=infant_mortality&breakdown=ward")
    expect(page.get_by_role("heading", name=re.compile(r"infant mortality", re.IGNORECASE))).to_be_visible(
        timeout=90_000
    )
    expect(page.get_by_role("combobox", name="Indicator")).to_have_value(re.compile("Infant mortality"))
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=30_000)
    page.screenshot(path=str(artifacts / "deep_link_first_request.png"))
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
