"""Extract register actions: download an original file; withdraw an extract (analysts only)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from het.format import md_text
from het.ingest.originals import original_download
from het.ingest.stored_files import original_file
from het.loads import withdraw_extract
from het.ui.auth import current_user
from het.ui.data import get_store
from het.ui.meeting import meeting_mode


@st.cache_data(max_entries=16, show_spinner=False)
def _original(store_path: str, extract_id: int, sha256: str) -> tuple[str, bytes, str]:
    file_name, original = original_file(get_store(), extract_id)
    content, note = original_download(original, file_name)
    return file_name, content, note


def extract_actions(register: pd.DataFrame) -> None:
    """Pick an extract; download its original file; analysts may withdraw it (recorded, reversible by reload)."""
    labels = {
        int(r.extract_id): f"#{r.extract_id} {r.file_name} ({r.status}, {r.loaded_at:%d %b %Y})"
        for r in register.itertuples(index=False)
    }
    chosen = st.selectbox("Extract", list(labels), format_func=labels.get, key="extract_pick")
    if chosen is None:
        return
    row = register.set_index("extract_id").loc[chosen]
    # Withdrawal first and the original after it, each on its own: one extract's content (a file het can
    # no longer read back, say) never hides the control that withdraws it, nor breaks the page.
    _withdraw_control(row, int(chosen))
    try:
        file_name, content, note = _original(str(get_store().path), int(chosen), row["sha256"])
    except Exception as exc:  # noqa: BLE001 - shown, not raised: the rest of the page must work
        st.warning(
            f"The original file of extract #{chosen} cannot be offered: {md_text(exc)}",
            icon=":material/warning:",
        )
        return
    st.warning(note, icon=":material/warning:")
    st.download_button(
        f"Download the original file ({md_text(file_name)})",
        content,
        file_name=file_name,
        key="extract_download",
        on_click="ignore",
        icon=":material/download:",
    )
    st.caption(f"sha256 {row['sha256']}.")


def _withdraw_control(row, chosen: int) -> None:
    user = current_user()
    if user is None or not user.is_analyst or row["status"] != "active" or meeting_mode():
        return
    with st.expander("Withdraw this extract"):
        st.write(
            "Withdrawing keeps every row of the extract but stops them being current: the values it had "
            "replaced become current again. The withdrawal is recorded with your name."
        )
        note_text = st.text_input("Reason (recorded)", key="withdraw_note")
        confirmed = st.checkbox(f"Yes, withdraw extract #{chosen}", key="withdraw_confirm")
        if st.button("Withdraw", disabled=not confirmed, type="primary", key="withdraw_button"):
            with st.spinner(f"Withdrawing extract #{chosen}, then recomputing gaps and trends ..."):
                withdraw_extract(get_store(), int(chosen), by_user=user.name, note=note_text or None)
            st.session_state["flash"] = f"Extract #{chosen} withdrawn."
            st.rerun()
