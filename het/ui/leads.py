"""The Leads Group pages' pieces: scorecard blocks, the tartan rug card, and the gap tracker's filters and table.

Colours come from het.charts.palette and always sit beside their text symbol ('▼ worse'), so nothing is said by
colour alone. Links to the Principle and Indicator pages carry their state in query parameters.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from het.charts import palette
from het.charts.rug import tartan_rug
from het.format import md_text
from het.stats.benchmark import NOT_COMPARED
from het.ui.card import About, cached_chart, chart_card, empty_state
from het.ui.state import url_choice
from het.ui.tables import csv_download, show_table
from het.views import scorecard

PRINCIPLE_PAGE = "pages/principle.py"
INDICATOR_PAGE = "pages/indicator.py"
ALL = scorecard.ALL
# Scorecard columns: indicator, authority beside England, comparison, trend, deprivation gap, worst groups.
SCORECARD_WIDTHS = [2.3, 1.35, 1.55, 1.35, 2.0, 2.4]
SCORECARD_HEADINGS = [
    "Indicator and its latest period",
    "{area} (England)",
    "Compared with England",
    "Recent trend",
    "Deprivation gap: SII (95% CI) and its trend",
    "Worst ward and ethnic group, where significantly worse than {area}",
]
RUG_CELL_WIDTH = 44  # wide enough for '1,234.5 ▼▼' at the rug's font size
RUG_SCROLL = "rug_scroll"
ENGLAND_METHOD = (
    "Compared with England by the Fingertips rule: England's value against the area's 95% interval "
    "(99.8% for much better / much worse); higher / lower where the indicator makes no judgement."
)


def badge(text: str, fill: str) -> str:
    """A coloured label whose text (symbol and words) says the same as its colour, for st.markdown."""
    ink = palette.text_colour_for(fill)
    border = palette.MUTED if fill == palette.COMPARISON_COLOURS[NOT_COMPARED] else fill
    return (
        f'<span style="background:{fill};color:{ink};border:1px solid {border};border-radius:0.4rem;'
        f'padding:0.1rem 0.45rem;display:inline-block;max-width:100%">{html.escape(text)}</span>'
    )


def comparison_badge(label: str) -> str:
    return badge(palette.comparison_text(label), palette.COMPARISON_COLOURS[label])


def verdict_badge(verdict: str | None, text: str) -> str:
    if not verdict or verdict not in palette.VERDICT_COLOURS:
        return html.escape(text)
    return badge(text, palette.VERDICT_COLOURS[verdict])


# --- the scorecard -------------------------------------------------------------------------------------


def scorecard_block(principle_id: int, heading: str, rows: list[dict], *, area: str) -> None:
    """One principle's block: its heading and page link, then one line per headline indicator and sex
    (rows: the scorecard's records for the principle, OverviewReads.scorecard_lines)."""
    with st.container(border=True, key=f"principle_block_{principle_id}"):
        title, link = st.columns([5, 1.3], vertical_alignment="center")
        title.header(heading, anchor=f"principle-{principle_id}")
        link.page_link(
            PRINCIPLE_PAGE,
            label="Open this principle",
            icon=":material/arrow_forward:",
            query_params={"principle": str(principle_id)},
        )
        if not rows:
            empty_state(
                "No headline indicator is catalogued for this principle: see its page for all indicators."
            )
            return
        headings = zip(st.columns(SCORECARD_WIDTHS), SCORECARD_HEADINGS, strict=True)
        for i, (column, heading_text) in enumerate(headings):
            column.caption(heading_text.format(area=area), help=ENGLAND_METHOD if i == 2 else None)
        for row in rows:
            _scorecard_line(row)


def _muted(text: str) -> str:
    return f":gray[{text}]"


def _scorecard_line(row: dict) -> None:
    with st.container(key=f"scorecard_{row['indicator_id']}_{row['sex']}"):
        cells = st.columns(SCORECARD_WIDTHS, vertical_alignment="center")
        with cells[0]:
            st.page_link(
                INDICATOR_PAGE,
                label=md_text(row["short_name"]),
                query_params=scorecard.indicator_link_params(row),
                help=f"{md_text(row['name'])} ({row['age']}). Open its Indicator page.",
            )
            sex = "" if row["sex"] == "Persons" else f"{row['sex']} · "
            st.caption(f"{sex}{row['period_text']}")
        cells[1].markdown(
            f"**{row['luton_text']}**  \n{_muted('England ' + row['england_text'])}",
            help=f"{row['period_text']}; 95% confidence interval: {row['interval_text']}",
        )
        cells[2].markdown(comparison_badge(row["comparison"]), unsafe_allow_html=True)
        trend_help = row["trend_reason"] if isinstance(row["trend_reason"], str) else None
        cells[3].markdown(row["trend_text"], help=trend_help)
        gap = row["deprivation_gap_text"]
        if row["deprivation_period_label"] is None or pd.isna(row["deprivation_period_label"]):
            cells[4].markdown(_muted(gap), help=row["deprivation_gap_note"])
        else:
            verdict = verdict_badge(row["deprivation_verdict"], row["deprivation_verdict_text"])
            cells[4].markdown(
                f"{html.escape(gap)}<br>{verdict}", unsafe_allow_html=True, help=row["deprivation_gap_note"]
            )
        ward, ethnic = row["worst_ward_text"], row["worst_ethnic_text"]
        ward = ward if isinstance(row["worst_ward"], str) else _muted(ward)
        ethnic = ethnic if isinstance(row["worst_ethnic_group"], str) else _muted(ethnic)
        cells[5].markdown(f"Ward: {ward}  \nEthnic group: {ethnic}")


# --- the tartan rug ------------------------------------------------------------------------------------


def rug_card(rug: scorecard.Rug, *, area: str, extracts: list[str]) -> None:
    """The tartan rug in its chart card; a click on a row opens that indicator's page."""
    if rug.frame.empty:
        empty_state(f"No indicator has a value for {area} yet: load an extract on the Load an extract page.")
        return
    periods = sorted(set(rug.frame["period_label"]))
    about = About(
        source=f"The current extracts in the het store (each indicator's publisher is in the catalogue on Data and methods); {len(rug.indicator_order)} rows",
        period=f"The latest period with a value for {area}, per indicator ({periods[0]} to {periods[-1]})",
        method=f"Whole areas compared with England, wards with {area}. {ENGLAND_METHOD}",
        extracts=extracts,
        notes=[
            "Indicators reported by sex have one row per sex (Male and Female).",
            "Cells show the value to the indicator's decimal places (the unit is in the row label) and the "
            "comparison symbol; '–' marks an area with no value for that period. England is the benchmark.",
        ],
    )
    chart = cached_chart(
        tartan_rug,
        rug.frame,
        area_order=rug.area_order,
        indicator_order=rug.indicator_order,
        cell_width=RUG_CELL_WIDTH,
        label_angle=-90,
    )
    # The rug keeps legible cells and scrolls sideways inside its card when the screen is narrower than it.
    st.html(
        f"<style>.st-key-{RUG_SCROLL} [data-testid='stTabs'] [role='tabpanel'] {{overflow-x: auto}}</style>"
    )
    with st.container(key=RUG_SCROLL):
        event = chart_card(
            chart,
            rug.frame,
            key="rug",
            title=f"Every indicator by area: {area}, England, the region, comparators and {area}'s wards",
            caption=(
                "Rows: overarching outcomes, then principles 1 to 8. Click a row to open that indicator. "
                "On a narrow screen, scroll sideways for every ward."
            ),
            about=about,
            selection="rug_pick",
            width="content",
        )
    picked = (event["selection"].get("rug_pick") if event else None) or []
    if picked and picked[0].get("indicator_id"):
        st.switch_page(INDICATOR_PAGE, query_params={"indicator": str(picked[0]["indicator_id"])})


# --- the gap tracker -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapFilters:
    principle: int | str
    workstream: str
    topic: str
    priority: str
    attention: bool

    def key(self) -> str:
        """A widget key per view, so a selection never outlives the rows it was made on."""
        parts = (self.principle, self.workstream, self.topic, self.priority, self.attention)
        return "gap_table_" + "_".join(str(p) for p in parts).replace(" ", "-")


def gap_filters(latest: pd.DataFrame, workstreams: pd.DataFrame) -> GapFilters:
    """The gap tracker's filters, each kept in the URL (principle, workstream, topic, priority, view)."""
    principles = latest.drop_duplicates("principle_id")
    principle_names = {
        int(r.principle_id): scorecard.principle_short(r.principle_id, r.principle_short_label)
        for r in principles.itertuples()
    }
    workstream_names = dict(zip(workstreams["workstream_id"], workstreams["name"], strict=False))
    view = url_choice(
        "view",
        ["all", "attention"],
        label="Show",
        format_func={"all": "Every gap", "attention": "Needs attention"}.get,
        widget="segmented",
        help="Needs attention: worse than England and getting worse, or a gap widening.",
    )
    columns = st.columns(4)
    with columns[0]:
        principle = url_choice(
            "principle",
            [ALL, *principle_names],
            label="Principle",
            format_func=lambda p: principle_names.get(p, "All"),
        )
    with columns[1]:
        workstream = url_choice(
            "workstream",
            [ALL, *workstream_names],
            label="Workstream",
            format_func=lambda w: workstream_names.get(w, "All"),
        )
    with columns[2]:
        topic = url_choice(
            "topic", [ALL, *sorted(latest["jsna_topic"].unique())], label="JSNA topic", format_func=_all
        )
    with columns[3]:
        priority = url_choice(
            "priority",
            [ALL, *sorted(latest["luton2040_priority"].unique())],
            label="Luton 2040 priority",
            format_func=_all,
        )
    return GapFilters(principle, workstream, topic, priority, view == "attention")


def _all(option: str) -> str:
    return "All" if option == ALL else option


def apply_filters(frame: pd.DataFrame, filters: GapFilters, workstreams: pd.DataFrame) -> pd.DataFrame:
    principles = (
        None
        if filters.workstream == ALL
        else scorecard.workstream_principles(workstreams, filters.workstream)
    )
    return scorecard.filter_rows(
        frame,
        principle=filters.principle,
        principles=principles,
        jsna_topic=filters.topic,
        priority=filters.priority,
    )


def verdict_counts(table: pd.DataFrame) -> None:
    """How many SII series (deprivation and wards) are narrowing, widening, unchanged or cannot be told."""
    ordered = table[table["dimension"] != scorecard.ETHNICITY]
    counts = ordered["verdict"].value_counts()
    for column, verdict in zip(st.columns(len(palette.VERDICT_ORDER)), palette.VERDICT_ORDER, strict=True):
        column.metric(palette.verdict_text(verdict).capitalize(), int(counts.get(verdict, 0)))
    st.caption(
        f"Trends of the {len(ordered)} deprivation and ward gaps shown (SII series). The "
        f"{len(table) - len(ordered)} ethnic-group gaps have no trend: ethnic groups have no order, so no SII."
    )


def gap_table(rows: pd.DataFrame, *, columns: list[str], key: str) -> None:
    """The table with its download; a click on a row opens that indicator's page at the gap's breakdown."""
    event = show_table(
        rows,
        column_order=columns,
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(rows), 740),  # up to 20 rows at once on a meeting-room screen
        key=key,
        on_select="rerun",
        selection_mode="single-row",
    )
    csv_download(
        f"Download this table ({len(rows):,} rows, CSV)",
        rows[[*columns, "indicator_id"]],
        file_name="gap_tracker.csv",
        key=f"{key}_download",
    )
    picked = event["selection"]["rows"] if event else []
    if picked:
        row = rows.iloc[int(picked[0])]
        breakdown = scorecard.tracker_breakdown(row["dimension"])
        st.switch_page(INDICATOR_PAGE, query_params=scorecard.indicator_link_params(row, breakdown=breakdown))
