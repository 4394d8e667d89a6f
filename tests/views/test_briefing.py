"""The briefing pack on the demo store: PDF and HTML, every page with content, titles and figures as the app
shows them, self-contained, A4 with page numbers (rendered with poppler's pdftoppm, read with pypdf)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from het.views import scorecard as scorecard_view
from het.views.briefing import briefing_pack
from het.vocabulary import ENGLAND

TODAY = date(2026, 12, 2)
A4_POINTS = (595.3, 841.9)


@pytest.fixture(scope="module")
def pack(demo_store):
    return briefing_pack(demo_store, principles=[1, 4], today=TODAY)


@pytest.fixture(scope="module")
def pdf(pack):
    try:
        return pack.pdf()
    except OSError as exc:  # pragma: no cover - CI installs pango
        pytest.skip(
            f"WeasyPrint needs Debian's pango libraries (apt-get install -y libpangoft2-1.0-0): {exc}"
        )


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_pack_is_a4_with_page_numbers_and_every_page_has_content(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    texts = pages_text(pdf)
    assert len(texts) >= 6
    for number, (page, text) in enumerate(zip(reader.pages, texts, strict=True), start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 1), round(height, 1)) == A4_POINTS
        assert len(text.strip()) > 80, f"page {number} is nearly empty"
        assert f"Page {number} of {len(texts)}" in text


def test_titles_and_figures_match_the_app(pack, pdf, demo_store):
    text = " ".join(" ".join(t.split()) for t in pages_text(pdf))
    assert "Luton Health Equity Town monitor: briefing pack, 2 December 2026" in text
    for section in (
        "1. The scorecard",
        "2. What needs attention",
        "4. Workstream status",
        "5. Methods notes",
    ):
        assert section in text
    assert "Principle 1: Give every child the best start in life" in text
    assert "Principle 4: Ensure a healthy standard of living for all" in text
    assert "Principle 3:" not in text  # only the chosen principles in detail
    # Every headline value the Overview shows, as it shows it (the scorecard's own texts).
    code = demo_store.query("authority_code")["area_code"].iloc[0]
    card = scorecard_view.scorecard(
        demo_store.query("leads_latest_totals", area_code=code, england_code=ENGLAND),
        demo_store.query("leads_gaps", area_code=code),
    )
    shown = card[card["value"].notna()]
    assert len(shown) > 10
    for row in shown.itertuples():
        assert row.luton_text.replace(" ", "") in text.replace(" ", ""), row.short_name
    assert "Demonstration data." in text  # the demo is active in this store


def test_every_pdf_page_renders(pdf, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils is not installed: apt-get install -y poppler-utils (CI installs it)")
    from PIL import Image

    (tmp_path / "pack.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(tmp_path / "pack.pdf"), str(tmp_path / "page")], check=True
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(pages_text(pdf))
    for image in images:
        grey = Image.open(image).convert("L")
        dark = sum(grey.histogram()[:200])  # pixels darker than light grey
        assert dark > 500, f"{image.name} is blank"


def test_the_html_is_self_contained_and_escaped(pack):
    html = pack.html
    assert html.startswith("<!DOCTYPE html>") and "<title>" in html
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)  # nothing fetched from elsewhere
    assert html.count("data:image/png;base64,") == 2  # one trend image per chosen principle
    assert "<script" not in html
    assert pack.principles == [1, 4]


def test_a_name_with_markup_is_text_in_the_pack(demo_store, tmp_path):
    copy = tmp_path / "het.duckdb"
    demo_store.cursor().execute("CHECKPOINT")
    shutil.copyfile(demo_store.path, copy)
    from het.store import Store

    with Store(copy) as store:
        store.cursor().execute(
            "UPDATE indicators SET short_name = '<img src=x onerror=alert(1)>' WHERE indicator_id = 'infant_mortality'"
        )
        html = briefing_pack(store, principles=[1], today=TODAY, images=False).html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_pack_says_what_changed_since_the_last_meeting(demo_store):
    from datetime import datetime

    from het.views.changes import what_changed

    since = datetime(2000, 1, 1)
    html = briefing_pack(demo_store, principles=[1], today=TODAY, images=False, since=since).html
    summary = what_changed(demo_store, since).summary()
    assert "2b. What changed since 1 January 2000" in html
    assert summary.startswith("Since 1 January 2000: new data for") and summary in html.replace("&#x27;", "'")
    assert "2b. What changed" not in briefing_pack(demo_store, principles=[1], today=TODAY, images=False).html
