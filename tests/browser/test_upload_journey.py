"""Journey: an analyst uploads an extract through the real page and finds it in the register."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

EXTRACT = (
    "indicator_id,area_code,period,sex,age,breakdown,category,value,lower_ci95,upper_ci95\n"
    "smoking_adults,E06000032,2026,Persons,18+ yrs,total,,12.0,10.5,13.5\n"
    "smoking_adults,E92000001,2026,Persons,18+ yrs,total,,11.0,10.9,11.1\n"
)


def test_upload_preview_commit_and_see_it_in_the_register(app_server, page: Page, artifacts, tmp_path):
    file = tmp_path / "smoking_2026.csv"
    file.write_text(EXTRACT)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{app_server}/load")
    expect(page.get_by_role("heading", name="What's new to load?")).to_be_visible(timeout=90_000)
    expect(page.get_by_text("you are the single local analyst")).to_be_visible()
    page.get_by_test_id("stFileUploader").locator('input[type="file"]').set_input_files(str(file))
    expect(page.get_by_text("What this load would change")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("2")  # two new rows
    page.screenshot(path=str(artifacts / "upload_preview.png"), full_page=True)
    page.get_by_role("button", name="Load this extract").click()
    expect(page.get_by_text(re.compile(r"Loaded smoking_2026\.csv as extract #\d+: 2 rows"))).to_be_visible(
        timeout=30_000
    )
    page.get_by_role("link", name="Data and methods").click()
    page.get_by_role("tab", name="Extract register").click()
    register = page.get_by_test_id("stDataFrame").nth(1)
    expect(register.get_by_text("smoking_2026.csv")).to_be_attached(timeout=30_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=str(artifacts / "register_after_upload.png"), full_page=True)


def test_a_long_problem_list_downloads_whole_when_clicked(app_server, page: Page, tmp_path):
    """Past 50 problems the page shows a grid and a download of them all, made when it is clicked: 80 rows
    of indicators het does not know, each with a value that is not a number."""
    rows = [f"not_catalogued_{i},E06000032,2026,Persons,All ages,total,,x{i}" for i in range(80)]
    file = tmp_path / "many_problems.csv"
    file.write_text(
        "indicator_id,area_code,period,sex,age,breakdown,category,value\n" + "\n".join(rows) + "\n"
    )
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_server}/load")
    expect(page.get_by_role("heading", name="What's new to load?")).to_be_visible(timeout=90_000)
    page.get_by_test_id("stFileUploader").locator('input[type="file"]').set_input_files(str(file))
    button = page.get_by_role("button", name="Download the list (CSV)")
    expect(button).to_be_visible(timeout=60_000)
    with page.expect_download(timeout=30_000) as download:
        button.click()
    lines = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert download.value.suggested_filename == "problems.csv"
    assert lines[0] == ["File", "Sheet", "Row", "Column", "Problem"]
    values = [line for line in lines[1:] if line[3] == "value"]
    # Ten rows of each problem in full, then one line for the rest; every row number a whole number.
    assert [line[2] for line in values[:10]] == [str(n) for n in range(2, 12)]
    assert values[-1][4] == "the same problem in 70 more rows"
    assert len(lines) - 1 > 50 and all(line[2] == "" or line[2].isdigit() for line in lines[1:])
    expect(page.get_by_test_id("stException")).to_have_count(0)
