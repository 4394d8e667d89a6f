"""Every page says how fresh the data is and links the glossary; the glossary defines the meeting's terms."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from het.store import ROOT
from het.ui.glossary import glossary_link
from het.ui.nav import PAGES
from het.views.glossary import TERMS

APP = str(ROOT / "app.py")


def opened(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", [spec.path for spec in PAGES])
def test_every_page_says_data_up_to_and_links_the_glossary(app_env, page):
    at = opened(page)
    lines = [c.value for c in at.caption if c.value.startswith("Data up to ")]
    assert len(lines) == 1, [c.value for c in at.caption]
    assert "last loaded" in lines[0] and "(extract #" in lines[0] and "[Glossary](/glossary)" in lines[0]


def test_the_glossary_defines_every_term_with_its_anchor(app_env):
    at = opened("pages/terms.py")
    headers = [h.value for h in at.header]
    assert headers == [term.term.replace("{authority}", "Luton") for term in TERMS]
    wanted = {
        "SII",
        "RII",
        "Confidence interval",
        "99.8%",
        "Polarity",
        "Recent trend",
        "Proportionate",
        "ward sets",
    }
    text = " ".join(headers)
    assert all(word.lower() in text.lower() for word in wanted), text
    body = " ".join(m.value for m in at.markdown)
    assert "{" not in body and "Luton" in body and "20 wards" in body  # filled in from the store


def test_a_glossary_link_names_an_entry_that_exists():
    assert glossary_link("sii", "SII") == "[SII](/glossary#sii)"
    with pytest.raises(KeyError):
        glossary_link("no-such-term", "x")


def test_the_indicator_page_names_its_latest_and_next_period(app_env):
    at = opened("pages/indicator.py")
    assert any(c.value.startswith("Latest period loaded: ") for c in at.caption)
