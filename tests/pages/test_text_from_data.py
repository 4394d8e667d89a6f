"""Text from data is shown as text: a file name or an indicator name written as Markdown (an image that would
load from an internal address, a live link) reaches the page escaped, so nothing loads and nothing links."""

from __future__ import annotations

from local_values import load_local_value
from streamlit.testing.v1 import AppTest

from het.format import md_code, md_text
from het.store import ROOT, Store

PROBE = "![t](http://127.0.0.1:9/x.png)"


def test_md_text_escapes_what_markdown_would_act_on():
    zw = "\u200b"  # after :// and www, so a bare URL is not made a link
    assert md_text(PROBE) == r"\!\[t\]\(http\:" + "//" + zw + r"127\.0\.0\.1\:9/x\.png\)"
    assert md_text("see www.example.org and $x$") == "see www" + zw + r"\.example\.org and \$x\$"
    assert md_text("a\nb\r\nc") == "a b c" and md_text("x" * 500).endswith("…")


def test_md_code_shows_data_literally_in_a_code_span():
    assert md_code("bus_use_local") == "`bus_use_local`"  # no backslashes to show inside the span
    assert md_code("a``b") == "```a``b```"  # the fence outruns any backtick run in the text
    assert md_code("`x") == "`` `x ``"
    assert md_code("line\nbreak " + "z" * 100, limit=20) == "`line break zzzzzzzz…`"


def test_markdown_in_a_file_name_and_an_indicator_name_is_shown_as_text(store_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("HET_USERS_FILE", str(tmp_path / "none.json"))
    with Store(store_copy) as store:
        row = load_local_value(
            store,
            name=f"Probe {PROBE} [link](http://example.org)",
            definition="A test indicator.",
            file_name=f"{PROBE}.csv",
        )
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/data_and_methods.py").run()
    labels = [b.label for b in at.get("download_button") if b.label.startswith("Download the original file")]
    assert labels and PROBE not in labels[0] and md_text(f"{PROBE}.csv") in labels[0]

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/indicator.py")
    at.query_params["indicator"] = row["indicator_id"]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    title = at.title[0].value
    assert "![" not in title and "](" not in title and r"\!\[t\]" in title
    for element in [*at.markdown, *at.caption]:
        assert "![" not in element.value and "](http" not in element.value, element.value
