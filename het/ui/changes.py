"""The What changed page's parts: the moment to compare with (a date, or an extract) in the URL, and the
changes as tables (het.views.changes)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from het.ui.card import empty_state
from het.ui.data import cache_key, get_store
from het.ui.state import fixed_value, url_param
from het.ui.tables import show_table
from het.views.changes import Changes, what_changed

DEFAULT_DAYS = 28  # four weeks: the Leads Group's usual gap between meetings


@st.cache_data(max_entries=16, show_spinner=False)
def _changes(key: tuple[str, int], since: datetime) -> Changes:
    return what_changed(get_store(), since)


def changes_since(since: datetime) -> Changes:
    return _changes(cache_key(), since)


def since_control(register: pd.DataFrame) -> datetime:
    """The moment to compare with: a date (?since=2026-11-04, the start of that day) or an
    extract (?extract=3: the store just before it was loaded)."""
    by = st.radio(
        "Compare with the store",
        ["date", "extract"],
        horizontal=True,
        key="changes_by",
        index=1 if url_param("extract") and not url_param("since") else 0,
        format_func={"date": "as it was on a date", "extract": "before an extract was loaded"}.get,
    )
    if by == "extract" and not register.empty:
        ids = [int(i) for i in register["extract_id"]]
        names = {
            int(
                r.extract_id
            ): f"#{int(r.extract_id)} {r.file_name} (loaded {pd.Timestamp(r.loaded_at):%d %b %Y %H:%M})"
            for r in register.itertuples()
        }
        wanted = url_param("extract")
        start = int(wanted) if wanted and wanted.isdigit() and int(wanted) in names else ids[0]
        chosen = st.selectbox(
            "Extract", ids, index=ids.index(start), format_func=names.get, key="changes_extract"
        )
        st.query_params["extract"] = str(chosen)
        st.query_params.pop("since", None)
        loaded = pd.Timestamp(
            register.loc[register["extract_id"] == chosen, "loaded_at"].iloc[0]
        ).to_pydatetime()
        return loaded - timedelta(microseconds=1)
    wanted = url_param("since")
    try:
        start = date.fromisoformat(wanted) if wanted else date.today() - timedelta(days=DEFAULT_DAYS)
    except ValueError:
        start = date.today() - timedelta(days=DEFAULT_DAYS)
        fixed_value("since", "date", start.isoformat())
    day = st.date_input(
        "Since", value=start, max_value=date.today(), key="changes_since", format="DD/MM/YYYY"
    )
    st.query_params["since"] = day.isoformat()
    st.query_params.pop("extract", None)
    return datetime(day.year, day.month, day.day)


def show_changes(changes: Changes) -> None:
    st.markdown(f"**{changes.summary()}**")
    if changes.empty:
        empty_state("No extract was loaded or withdrawn after that moment, so every value is as it was.")
        return
    sections = [
        (
            "New data",
            changes.new_data,
            "Values for keys the store did not hold then (a new period, area or group).",
        ),
        ("Revised values", changes.revised, "Values a later extract replaced: the old one and the new one."),
        (
            "Comparisons with England that changed",
            changes.comparisons,
            "The authority's latest value against England's, then and now (the Fingertips rule, 95% and 99.8%).",
        ),
        (
            "Trends that changed",
            changes.trends,
            "The authority's recent trend (the Fingertips rule on its five latest points), then and now.",
        ),
        (
            "Gaps that started widening or narrowing",
            changes.gaps,
            "The verdict on each gap over time (the SII's own recent trend), then and now, for the authority's "
            "gaps by deprivation and between its wards.",
        ),
        (
            "Withdrawn values",
            changes.withdrawn,
            "Values no longer current because their extract was withdrawn.",
        ),
    ]
    for title, frame, note in sections:
        st.header(f"{title} ({len(frame):,})")
        st.caption(note)
        if frame.empty:
            st.caption("Nothing of this kind.")
        else:
            show_table(frame, hide_index=True, width="stretch", key=f"changes_{title[:12]}")
