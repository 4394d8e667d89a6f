"""Permalinks that never mislead: a link whose parameter names something het cannot show says so, naming the
parameter and what is shown instead; a control's own options changing does not."""

from __future__ import annotations

import pytest
from app_pages import open_link
from streamlit.testing.v1 import AppTest

from het.ui.nav import PAGES


def link_notices(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "The link asks for" in w.value]


@pytest.mark.parametrize(
    ("page", "params", "named"),
    [
        ("pages/indicator.py", {"indicator": "child_poverty_abs"}, ("indicator", "child\\_poverty\\_abs")),
        ("pages/principle.py", {"principle": "99"}, ("principle", "99")),
        ("pages/indicator.py", {"indicator": "child_absolute_low_income", "sex": "Other"}, ("sex", "Other")),
        (
            "pages/indicator.py",
            {"indicator": "child_absolute_low_income", "period": "1999"},
            ("period", "1999"),
        ),
    ],
)
def test_a_mistyped_link_says_what_it_asked_for_and_what_is_shown(app_env, page, params, named):
    at = open_link(page, **params)
    notices = link_notices(at)
    parameter, value = named
    assert len(notices) == 1, notices
    assert f"`{parameter}`" in notices[0] and f"“{value}”" in notices[0] and "instead" in notices[0]
    at.run()  # the control has put what it shows in the URL: no notice on the next run
    assert link_notices(at) == []


def test_a_valid_link_and_a_change_of_options_show_no_notice(app_env):
    at = open_link("pages/indicator.py", indicator="child_absolute_low_income")
    assert link_notices(at) == []
    other = next(o for o in at.selectbox(key="url_indicator").options if "poverty" not in o.lower())
    at.selectbox(key="url_indicator").select(other).run()  # its sexes and periods differ: no link to blame
    assert not at.exception and link_notices(at) == []


def unused_parameter_notices(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "which this page does not use" in w.value]


PAGE_PATHS = [spec.path for spec in PAGES]


@pytest.mark.parametrize("page", PAGE_PATHS)
def test_a_parameter_no_page_reads_is_named_and_dropped(app_env, page):
    at = open_link(page, indictor="child_poverty")
    notices = unused_parameter_notices(at)
    assert len(notices) == 1 and "`indictor`" in notices[0] and "ignored" in notices[0], notices
    assert "indictor" not in at.query_params
    at.run()
    assert unused_parameter_notices(at) == []


@pytest.mark.parametrize("page", PAGE_PATHS)
def test_every_page_reads_back_the_link_it_writes(app_env, page):
    """The URL a page leaves after it has run, opened fresh, is all parameters the page uses."""
    first = open_link(page)
    link = {name: first.query_params[name] for name in first.query_params}
    again = open_link(
        page, **{name: (value[0] if isinstance(value, list) else value) for name, value in link.items()}
    )
    assert unused_parameter_notices(again) == [] and link_notices(again) == [], (link, again.warning)
