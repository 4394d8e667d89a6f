"""The Upload page's pieces: choose a file and options, read and check it, map unknown indicators,
preview against the current values, and commit."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from het.auth import User
from het.format import md_code, md_text, neutralise_formulas, plural
from het.ingest import read_extract
from het.ingest.files import excel_sheet_names, is_excel, max_upload_bytes
from het.ingest.indicators import (
    apply_indicator_mapping,
    as_mapping,
    checked_beside,
    remembered_mappings,
    unknown_indicators,
    with_pending,
)
from het.ingest.parsed import ParsedExtract
from het.ingest.preview import Preview, preview_extract
from het.ingest.problems import ExtractRejected
from het.ingest.tidy import tidy_example_csv, tidy_template_csv
from het.loads import load_extract
from het.ui.data import area_list, get_store, ward_sets
from het.ui.tables import csv_download, show_table
from het.vocabulary import POLARITIES, VALUE_TYPES

FORMAT_LABELS = {
    None: "Detect automatically",
    "fingertips": "OHID Fingertips export (CSV)",
    "het_tidy": "het tidy template (CSV)",
    "ward_wide": "Wide ward table, one row per ward (CSV or XLSX)",
    "kpi": "Luton 2040 / KPI measures (CSV or XLSX)",
}
SET_ASIDE = "__set_aside__"


def template_downloads() -> None:
    with st.expander("The het tidy template"):
        st.write("One row per value. The README's table explains each column.")
        left, right = st.columns(2)
        left.download_button(
            "Blank template",
            tidy_template_csv(),
            "het_tidy_template.csv",
            "text/csv",
            key="template_blank",
            on_click="ignore",
        )
        right.download_button(
            "Filled example",
            tidy_example_csv(area_list()),
            "het_tidy_example.csv",
            "text/csv",
            key="template_example",
            on_click="ignore",
        )


def choose_file() -> tuple[str, bytes, dict] | None:
    """The uploaded file's name, bytes and reading options, or None before a file is chosen."""
    round_ = st.session_state.setdefault("upload_round", 0)
    uploaded = st.file_uploader(
        f"Extract file (CSV or XLSX, up to {max_upload_bytes() // 2**20} MB)",
        type=["csv", "xlsx"],
        key=f"upload_{round_}",
    )
    chosen = st.selectbox("Format", list(FORMAT_LABELS), format_func=FORMAT_LABELS.get, key="upload_format")
    with st.expander("Options for wide ward tables", expanded=chosen == "ward_wide"):
        known_sets = ward_sets()
        ward_set = st.radio(
            "Ward set",
            list(reversed(known_sets.vintages)),
            horizontal=True,
            key="upload_ward_set",
            help=f"The authority's ward sets, newest first: {known_sets.descriptions()}.",
        )
        period = st.text_input("Period, if the file has no period column (e.g. 2023/24)", key="upload_period")
    if uploaded is None:
        return None
    content = uploaded.getvalue()
    sheet = None
    if is_excel(content, uploaded.name):
        sheets = excel_sheet_names(content)
        if len(sheets) > 1:
            sheet = st.selectbox("Sheet", sheets, key="upload_sheet")
    options = {"format": chosen, "ward_set": ward_set, "period": period.strip() or None, "sheet": sheet}
    return uploaded.name, content, options


def read_with_mapping(name: str, content: bytes, options: dict) -> ParsedExtract:
    """Read (once per file, options and mapping) and apply the analyst's indicator mapping."""
    store = get_store()
    digest = hashlib.sha256(content).hexdigest()
    mapping = st.session_state.setdefault("upload_mapping", {}).setdefault(digest, {})
    pending = new_indicators(digest)
    if pending:
        drop_taken(pending, mapping, store.query("indicator_catalogue"))
    memo_key = (
        digest,
        tuple(sorted(options.items())),
        tuple(sorted(mapping.items())),
        tuple(sorted(pending)),
        store.data_version(),
    )
    memo = st.session_state.get("upload_memo")
    if memo is None or memo[0] != memo_key:
        indicators, areas = (
            with_pending(store.query("indicator_catalogue"), list(pending.values())),
            area_list(),
        )
        size = f"{len(content) / 1e6:.1f} MB" if len(content) >= 100_000 else f"{len(content):,} bytes"
        with st.status(
            f"Reading and checking {md_text(name, limit=120)} ({size}) ...", expanded=True
        ) as status:
            bar = st.progress(0.0, text="Step 1 of 3: reading the file and checking every row ...")
            parsed = read_extract(
                content,
                file_name=name,
                indicators=indicators,
                areas=areas,
                workstreams=store.query("workstream_names"),
                **options,
            )
            st.write(
                f"Read {plural(parsed.rows_read, 'row')}: {plural(len(parsed.problems.errors), 'problem')} that "
                f"stop the load, {plural(len(parsed.problems.warnings), 'warning')}."
            )
            bar.progress(1 / 3, text="Step 2 of 3: applying the indicator mapping ...")
            remembered = remembered_mappings(store, parsed)
            if (
                parsed.format != "kpi"
                and not parsed.unknown_indicators.empty
                and (mapping or not remembered.empty)
            ):
                known = set(parsed.unknown_indicators["source_key"])
                # What the analyst chose here wins over what an earlier load remembered.
                usable = {k: v for k, v in {**as_mapping(remembered), **mapping}.items() if k in known}
                if usable:
                    parsed = apply_indicator_mapping(parsed, usable, indicators=indicators, areas=areas)
                    from_memory = [k for k in usable if k not in mapping]
                    st.write(
                        f"Mapped {plural(len(usable), 'indicator')}"
                        + (f", {len(from_memory)} as remembered from an earlier load" if from_memory else "")
                        + "."
                    )
            bar.progress(2 / 3, text="Step 3 of 3: comparing with the values already in the store ...")
            preview = preview_extract(store, parsed, indicators=indicators)
            bar.progress(1.0, text="Checked: the preview is below.")
            status.update(
                label=f"Read and checked {md_text(name, limit=120)} ({size})",
                state="complete",
                expanded=False,
            )
            still_remembered = remembered[~remembered["source_key"].isin(list(mapping))]
            st.session_state["upload_memo"] = (memo_key, parsed, preview, still_remembered)
    return st.session_state["upload_memo"][1]


def upload_digest() -> str:
    """The sha256 of the file read_with_mapping checked last (its memo's key), keying its session state."""
    return st.session_state["upload_memo"][0][0]


def new_indicators(digest: str) -> dict[str, dict]:
    """The local indicators defined for a file, by the file's indicator key: written only with its load."""
    return st.session_state.setdefault("upload_new_indicators", {}).setdefault(digest, {})


def drop_taken(pending: dict, mapping: dict, catalogue: pd.DataFrame) -> None:
    """Forget (and say so) a new local indicator whose id or Fingertips ID the catalogue took meanwhile
    (another analyst's load): its rows are read again against the catalogue as it is now."""
    for key, row in list(pending.items()):
        try:
            checked_beside(row, catalogue, [r for k, r in pending.items() if k != key])
        except ValueError as exc:
            pending.pop(key)
            mapping.pop(key, None)
            st.warning(
                f"The local indicator defined for {md_code(key)} can no longer be added: "
                f"{md_text(exc, limit=300)} (the catalogue changed since it was defined). Its rows are read "
                "again against the catalogue as it is now: check what they map to before loading.",
                icon=":material/warning:",
            )


def current_preview() -> Preview:
    return st.session_state["upload_memo"][2]


def map_unknown_indicators(parsed: ParsedExtract) -> None:
    """For each indicator the catalogue does not know: map it, set it aside, or create a local indicator.
    Mappings remembered from earlier loads are applied already, listed here and can be changed."""
    remembered_mapping_controls()
    new_indicator_controls()
    unknown = unknown_indicators(parsed)
    if unknown.empty:
        return
    st.header("Indicators het does not know")
    st.write("Map each to a catalogue indicator, create a local indicator for it, or set its rows aside.")
    catalogue = get_store().query("indicator_catalogue")
    choices = [None, SET_ASIDE, *catalogue["indicator_id"]]
    names = dict(zip(catalogue["indicator_id"], catalogue["name"], strict=True))
    names.update({None: "— choose —", SET_ASIDE: "Set these rows aside (do not load)"})
    mapping = st.session_state["upload_mapping"][upload_digest()]
    for item in unknown.itertuples(index=False):
        key = str(item.source_key)
        st.markdown(
            f"**{md_text(item.source_name or key)}** ({md_code(key)}, {plural(item.rows, 'row')}, "
            f"first at row {item.first_row})"
        )
        pick = st.selectbox("Map to", choices, format_func=names.get, key=f"map_{key}")
        if pick is not None and st.button("Apply", key=f"apply_{key}"):
            mapping[key] = None if pick == SET_ASIDE else pick
            st.rerun()
        with st.popover("Create a local indicator"):
            local_indicator_form(key, str(item.source_name or key), mapping, new_indicators(upload_digest()))


def new_indicator_controls() -> None:
    """The local indicators this load will add, each with a way to discard it (its rows are unmapped again)."""
    pending = new_indicators(upload_digest())
    if not pending:
        return
    mapping = st.session_state["upload_mapping"][upload_digest()]
    st.header("Local indicators this load will add")
    st.caption(
        "They are added to the catalogue when the extract is loaded, and not at all if it is not. "
        "Discard one to map its rows another way."
    )
    for key, row in list(pending.items()):
        st.markdown(
            f"**{md_text(row['name'], limit=120)}** ({md_code(row['indicator_id'])}, "
            f"{md_text(row['unit'], limit=40)}, {md_text(row['value_type'])}, {md_text(row['polarity'])}) "
            f"for the file's {md_code(key)}"
        )
        if st.button("Discard", key=f"discard_local_{key}"):
            pending.pop(key, None)
            mapping.pop(key, None)
            st.rerun()


def remembered_mapping_controls() -> None:
    remembered = st.session_state["upload_memo"][3]  # read_with_mapping's: the mappings applied from memory
    if remembered.empty:
        return
    st.header("Indicators mapped as before")
    st.caption(
        "An earlier load mapped these indicators of the file to the catalogue; het applied the same mapping. "
        "Change one here: the new choice is remembered when this file is loaded."
    )
    catalogue = get_store().query("indicator_catalogue")
    names = dict(zip(catalogue["indicator_id"], catalogue["name"], strict=True))
    names.update({SET_ASIDE: "Set these rows aside (do not load)"})
    choices = [SET_ASIDE, *catalogue["indicator_id"]]
    mapping = st.session_state["upload_mapping"][upload_digest()]
    for row in remembered.itertuples(index=False):
        key = str(row.source_key)
        target = SET_ASIDE if pd.isna(row.indicator_id) else str(row.indicator_id)
        st.markdown(
            f"**{md_code(key)}** → {md_text(names.get(target, target))} (extract #{int(row.extract_id)}, "
            f"mapped by {md_text(row.mapped_by, limit=60)} on {pd.Timestamp(row.mapped_at):%d %b %Y})"
        )
        pick = st.selectbox(
            "Change to",
            choices,
            index=choices.index(target) if target in choices else 0,
            format_func=names.get,
            key=f"remap_{key}",
        )
        if pick != target and st.button("Apply", key=f"reapply_{key}"):
            mapping[key] = None if pick == SET_ASIDE else pick
            st.rerun()


def local_indicator_form(key: str, name: str, mapping: dict, pending: dict) -> None:
    with st.form(f"local_{key}"):
        values = {
            "name": st.text_input("Name", value=name),
            "principle_id": st.selectbox("Marmot principle (0 = overarching)", list(range(9))),
            "unit": st.text_input("Unit (e.g. %, per 100,000, years)"),
            "value_type": st.selectbox("Value type", VALUE_TYPES),
            "polarity": st.selectbox("Polarity", POLARITIES),
            "definition": st.text_area("Definition"),
        }
        if st.form_submit_button("Create and map"):
            # Checked now against the catalogue and this load's other new indicators; written with the load.
            others = [row for k, row in pending.items() if k != key]
            try:
                row = checked_beside(values, get_store().query("indicator_catalogue"), others)
            except ValueError as exc:
                st.error(md_text(exc, limit=500))
                return
            pending[key] = row
            mapping[key] = row["indicator_id"]
            st.rerun()


def show_problems(parsed: ParsedExtract) -> None:
    for note in parsed.notes:
        st.caption(_format_named(note))
    errors, warnings = parsed.problems.errors, parsed.problems.warnings
    if errors:
        st.error(
            f"{plural(len(errors), 'problem')} {'blocks' if len(errors) == 1 else 'block'} this load; nothing has been written.",
            icon=":material/block:",
        )
        _problem_list(errors, key="upload_errors")
    if warnings:
        with st.expander(
            f"{plural(len(warnings), 'warning')}: {'it does' if len(warnings) == 1 else 'these do'} not block the load"
        ):
            _problem_list(warnings, key="upload_warnings")


# Problems listed in full as a static table, whose cells wrap (a grid cuts a long message off at the
# column's width, and the message is what the analyst needs); beyond this many, a grid and the CSV.
PROBLEMS_IN_FULL = 50


def _problem_list(problems, *, key: str) -> None:
    frame = _problem_frame(problems)
    if len(frame) <= PROBLEMS_IN_FULL:
        shown = frame.assign(Row=frame["Row"].map(lambda r: "" if pd.isna(r) else f"{int(r):,}"))
        st.table(neutralise_formulas(shown), hide_index=True)
        return
    st.caption(
        f"{plural(len(frame), 'item')}: the grid shows each message in full when you widen its column or "
        "hover over it; the download has them all."
    )
    show_table(frame, hide_index=True, width="stretch", key=key)
    csv_download(
        "Download the list (CSV)",
        frame,
        file_name="problems.csv",
        key=f"{key}_download",
    )


def _format_named(note: str) -> str:
    """The reader's note with the format's code ("read as het_tidy: ...", as the CLI says it) in words."""
    for code, label in FORMAT_LABELS.items():
        if code and note.startswith(f"read as {code}"):
            return f"Read as {label}" + note[len(f"read as {code}") :]
    return note


def _problem_frame(problems) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "File": p.file,
                "Sheet": p.sheet or "",
                "Row": p.row,
                "Column": p.column or "",
                "Problem": p.message,
            }
            for p in problems
        ],
        columns=["File", "Sheet", "Row", "Column", "Problem"],
    ).astype({"Row": "Int64"})  # whole row numbers, blank where a problem has none (not 2.0 and nan)


def show_preview(preview: Preview) -> None:
    counts = preview.counts
    st.header("What this load would change")
    cols = st.columns(5)
    for col, (label, key) in zip(
        cols,
        [
            ("New", "new"),
            ("Revised", "revised"),
            ("Unchanged", "unchanged"),
            ("Kept aside", "kept_aside"),
            ("Errors", "errors"),
        ],
        strict=True,
    ):
        col.metric(label, f"{counts[key]:,}")
    tabs = st.tabs(
        ["Revised (old and new)", "New", "Unchanged", "Rejected or kept aside", "Indicators and periods"]
    )
    frames = [preview.revised, preview.new, preview.unchanged, preview.rejected, preview.touched]
    for tab, frame, key in zip(
        tabs, frames, ["revised", "new", "unchanged", "rejected", "touched"], strict=True
    ):
        with tab:
            if frame.empty:
                st.caption("Nothing of this kind.")
            else:
                show_table(frame.head(5000), hide_index=True, width="stretch", key=f"preview_{key}")
                if len(frame) > 5000:
                    st.caption(f"Showing the first 5,000 of {len(frame):,} rows.")


def commit_button(parsed: ParsedExtract, preview: Preview, user: User) -> None:
    if st.button("Load this extract", type="primary", disabled=not preview.can_commit, key="upload_commit"):
        try:
            # The gap refresh after a commit recomputes only what the file touched: seconds for a ward table,
            # longer for a national-scale extract, so say how far it is (every other page says so too).
            with st.spinner("Loading the extract ..."):
                bar = st.progress(0.0, text="Loading the extract, then recomputing gaps and trends ...")

                def show(done: int, total: int, _indicators: str) -> None:
                    bar.progress(
                        done / total if total else 1.0,
                        text=f"Recomputing gaps and trends: {done} of {total} indicators done",
                    )

                result = load_extract(
                    get_store(),
                    parsed,
                    loaded_by=user.name,
                    source_kind="upload",
                    new_indicators=committed_indicators(parsed),
                    progress=show,
                )
        except (ExtractRejected, ValueError) as exc:
            st.error(md_text(exc, limit=2000))
            return
        if result.already_loaded:
            message = f"{md_text(parsed.file_name)} is already loaded as extract #{result.extract_id}: nothing was added."
        else:
            message = (
                f"Loaded {md_text(parsed.file_name)} as extract #{result.extract_id}: {plural(result.rows_loaded, 'row')} "
                f"({result.rows_new:,} new, {result.rows_revised:,} revised)."
            )
        st.session_state.get("upload_new_indicators", {}).pop(upload_digest(), None)
        st.session_state["flash"] = message
        st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
        st.session_state.pop("upload_memo", None)
        st.rerun()


def committed_indicators(parsed: ParsedExtract) -> list[dict]:
    """The new local indicators the file's rows are mapped to (a discarded or remapped one is not added)."""
    pending = new_indicators(upload_digest())
    used = set(parsed.observations["indicator_id"].astype(str)) if len(parsed.observations) else set()
    return [row for row in pending.values() if row["indicator_id"] in used]
