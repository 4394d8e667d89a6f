"""Nothing a page shows reaches out of the machine: with a file and an indicator named like Markdown images
and links (one pointing at an internal address), every request the browser makes on the main pages goes to
het's own server, and the names show as text."""

from __future__ import annotations

import re
import shutil
from urllib.parse import urlparse

import pytest
from conftest import _serving
from local_values import load_local_value
from playwright.sync_api import Page, expect

from het.store import Store

pytestmark = pytest.mark.browser

PROBE = "![t](http://127.0.0.9:9/x.png)"  # an image from an address that is not het's


@pytest.fixture(scope="module")
def probe_server(tmp_path_factory, demo_store_path):
    folder = tmp_path_factory.mktemp("probe-store")
    store_path = folder / "het.duckdb"
    shutil.copyfile(demo_store_path, store_path)
    with Store(store_path) as store:
        row = load_local_value(
            store,
            name=f"Probe {PROBE} [a link](http://example.org/)",
            definition=f"Probe {PROBE}",
            file_name=f"{PROBE}.csv",
        )
    env = {"HET_DB": str(store_path), "HET_USERS_FILE": str(folder / "none.json")}
    with _serving(env, tmp_path_factory.mktemp("probe-server-log")) as url:
        yield url, row["indicator_id"]


def test_no_request_leaves_the_page_and_names_show_as_text(probe_server, page: Page, artifacts):
    url, indicator = probe_server
    server = urlparse(url).netloc
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    expect(page.get_by_role("heading", name=re.compile(r"How is Luton doing"))).to_be_visible(timeout=90_000)
    for path in (
        f"indicators?indicator={indicator}",
        "data-and-methods",
        "map",
        "workstream-status?workstream=employment_skills_work",
    ):
        page.goto(f"{url}/{path}")
        page.wait_for_timeout(5000)
        expect(page.get_by_test_id("stException")).to_have_count(0)
    page.goto(f"{url}/indicators?indicator={indicator}")
    expect(
        page.get_by_text(re.compile(r"Probe !\[t\]\(http://\u200b?127\.0\.0\.9:9/x\.png\)")).first
    ).to_be_visible(timeout=30_000)
    page.screenshot(path=str(artifacts / "probe_indicator.png"), full_page=True)
    outside = [r for r in requests if urlparse(r).scheme in ("http", "https", "ws", "wss")]
    outside = [r for r in outside if urlparse(r).netloc != server]
    assert outside == [], sorted(set(outside))[:20]
    assert page.locator("img[src*='127.0.0.9']").count() == 0
    assert page.locator("a[href*='127.0.0.9'], a[href*='example.org']").count() == 0  # no live links either
