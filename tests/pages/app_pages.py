"""Opening a page under AppTest as a browser opens a link: the app first, then the page with only the link's
parameters (not those the first page left), checked to run without an exception."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from het.store import ROOT

APP = str(ROOT / "app.py")


def open_link(page: str, *, timeout: int = 180, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout).run()
    at.switch_page(page)
    for name in list(at.query_params):
        del at.query_params[name]
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
