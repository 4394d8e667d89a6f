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


PAGES = (
    PageSpec(
        "Leads Group", "pages/overview.py", "Overview", ":material/dashboard:", "overview", default=True
    ),
    PageSpec("Analysts", "pages/upload.py", "Load an extract", ":material/upload_file:", "load"),
    PageSpec(
        "Analysts", "pages/data_and_methods.py", "Data and methods", ":material/dataset:", "data-and-methods"
    ),
)


def build_navigation():
    """st.navigation over PAGES, one sidebar section per audience, in the order first listed."""
    sections: dict[str, list] = {}
    for spec in PAGES:
        page = st.Page(
            spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.default
        )
        sections.setdefault(spec.section, []).append(page)
    return st.navigation(sections)
