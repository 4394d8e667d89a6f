"""The briefing pack's controls, on the Overview, a principle and the gap tracker: choose the principles, make
the pack, download it as PDF and as one self-contained HTML file (het.views.briefing)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import streamlit as st

from het.format import plural
from het.ui.data import cache_key, get_store
from het.ui.meeting import meeting_mode
from het.views.briefing import BriefingPack, briefing_pack


@st.cache_data(max_entries=8, show_spinner=False)
def _pack(
    key: tuple[str, int], principles: tuple[int, ...], today: date, since: date | None
) -> tuple[BriefingPack, bytes | None]:
    # key: the store and its data version, so a load makes a new pack; the same request is made once.
    moment = datetime(since.year, since.month, since.day) if since is not None else None
    pack = briefing_pack(get_store(), principles=list(principles), today=today, since=moment)
    try:
        return pack, pack.pdf()
    except OSError:  # WeasyPrint without Debian's pango libraries: the HTML pack still works
        return pack, None


def briefing_controls(principles: dict[int, str], *, chosen: list[int], key: str) -> None:
    """An expander to make the pack: which principles get a section of their own (the scorecard, what
    needs attention, workstream status, methods and extracts are always in), then PDF and HTML downloads."""
    if meeting_mode():
        return  # on the meeting-room screen: no controls
    with st.expander("Briefing pack for a meeting (PDF or HTML)", icon=":material/picture_as_pdf:"):
        picked = st.multiselect(
            "Principles in detail",
            list(principles),
            default=[p for p in chosen if p in principles],
            format_func=principles.get,
            key=f"{key}_principles",
            help="Each chosen principle gets its trend charts, gap summary and workstreams. The scorecard, what "
            "needs attention, workstream status, methods notes and the extracts used are always in the pack.",
        )
        since = st.date_input(
            "What changed since (the last meeting)",
            value=date.today() - timedelta(days=28),
            max_value=date.today(),
            key=f"{key}_since",
            format="DD/MM/YYYY",
            help="The pack lists the new data, revised values and changed comparisons since this date.",
        )
        if st.button("Make the briefing pack", key=f"{key}_make", icon=":material/description:"):
            with st.spinner("Making the pack: charts, tables and the PDF (about ten seconds) ..."):
                st.session_state[f"{key}_pack"] = _pack(
                    cache_key(), tuple(sorted(picked)), date.today(), since
                )
        made = st.session_state.get(f"{key}_pack")
        if made is not None:
            pack, pdf = made
            st.caption(
                f"{pack.title}: {plural(len(pack.principles), 'principle')} in detail, made in {pack.seconds:.0f} s."
            )
            name = pack.title.split(":")[0].lower().replace(" ", "-")
            pdf_col, html_col = st.columns(2)
            if pdf is None:
                pdf_col.warning(
                    "The PDF needs the pango libraries on the server (apt-get install -y libpango-1.0-0 "
                    "libpangoft2-1.0-0); the HTML file has the same pages and prints to A4.",
                    icon=":material/warning:",
                )
            else:
                pdf_col.download_button(
                    "Download the pack (PDF, A4)",
                    pdf,
                    file_name=f"{name}-briefing-{date.today().isoformat()}.pdf",
                    mime="application/pdf",
                    key=f"{key}_pdf",
                    on_click="ignore",
                    icon=":material/download:",
                )
            html_col.download_button(
                "Download the pack (HTML, one file)",
                pack.html.encode("utf-8"),
                file_name=f"{name}-briefing-{date.today().isoformat()}.html",
                mime="text/html",
                key=f"{key}_html",
                on_click="ignore",
                icon=":material/download:",
            )
