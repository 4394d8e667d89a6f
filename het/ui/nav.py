"""Every page of the app, grouped by audience. app.py builds st.navigation from this list,
and the page tests are parametrised over it, so a new page is covered without anyone remembering."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class PageSpec:
    section: str  # the audience: Leads Group, Places, Workstreams, Analysts
    path: str
    title: str
    icon: str
    url_path: str
    default: bool = False


# url_path should differ from the file's stem: until st.navigation first runs, Streamlit treats pages/ as a
# v1 pages folder, and a deep link whose path matches a file there runs that file without app.py (no banner,
# no sign-in panel). So no url_path here equals its file's stem.
PAGES = (
    PageSpec(
        "Leads Group", "pages/overview.py", "Overview", ":material/dashboard:", "scorecard", default=True
    ),
    PageSpec("Leads Group", "pages/principle.py", "Principles", ":material/account_tree:", "principles"),
    PageSpec("Leads Group", "pages/indicator.py", "Indicator", ":material/query_stats:", "indicators"),
    PageSpec("Leads Group", "pages/gap_tracker.py", "Gap tracker", ":material/compare_arrows:", "gaps"),
    PageSpec("Leads Group", "pages/changes.py", "What changed", ":material/history:", "what-changed"),
    PageSpec("Places", "pages/ward_map.py", "Ward map", ":material/map:", "map"),
    PageSpec("Places", "pages/ward_profile.py", "Ward profile", ":material/person_pin_circle:", "profile"),
    PageSpec(
        "Places",
        "pages/need.py",
        "Where need is greatest",
        ":material/crisis_alert:",
        "where-need-is-greatest",
    ),
    PageSpec(
        "Workstreams", "pages/workstreams.py", "Workstreams", ":material/groups:", "workstreams-overview"
    ),
    PageSpec(
        "Workstreams", "pages/workstream.py", "Workstream", ":material/account_tree:", "workstream-status"
    ),
    PageSpec(
        "Workstreams", "pages/accountability.py", "Who owns what", ":material/assignment_ind:", "owners"
    ),
    PageSpec("Analysts", "pages/upload.py", "Load an extract", ":material/upload_file:", "load"),
    PageSpec(
        "Analysts", "pages/data_and_methods.py", "Data and methods", ":material/dataset:", "data-and-methods"
    ),
    PageSpec("Help", "pages/terms.py", "Glossary", ":material/menu_book:", "glossary"),
)


def build_navigation():
    """st.navigation over PAGES, one sidebar section per audience, in the order first listed."""
    sections: dict[str, list] = {}
    for spec in PAGES:
        page = st.Page(
            spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.default
        )
        sections.setdefault(spec.section, []).append(page)
    # expanded: every page listed (Streamlit otherwise folds all after the tenth under "View more").
    return st.navigation(sections, expanded=True)
