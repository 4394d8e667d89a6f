"""The glossary: the terms a meeting needs (SII, RII, intervals, polarity, trends, ward sets ...), in plain
words, each with an anchor that other pages link to (`glossary_link("sii")`)."""

from __future__ import annotations

import streamlit as st

from het.ui.data import authority_name, ward_sets
from het.views.glossary import TERMS, term_fill

GLOSSARY_PATH = "glossary"  # the page's url_path (het.ui.nav)


def glossary_link(anchor: str, text: str) -> str:
    """Markdown for a link to a glossary entry, e.g. glossary_link("sii", "SII")."""
    if anchor not in {term.anchor for term in TERMS}:
        raise KeyError(f"no glossary entry {anchor!r}")
    return f"[{text}](/{GLOSSARY_PATH}#{anchor})"


def show_glossary() -> None:
    fill = term_fill(authority_name() or "the authority", ward_sets())
    st.title("What do these terms mean?")
    st.caption(
        "Plain definitions of the terms on het's pages. The exact methods, with their references, are on "
        "the Data and methods page."
    )
    for term in TERMS:
        st.header(term.term.format(**fill), anchor=term.anchor)
        st.markdown(term.text.format(**fill))
