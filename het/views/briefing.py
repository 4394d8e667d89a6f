"""The briefing pack for a Leads Group meeting: one self-contained HTML file (charts as PNG images inside it)
and the same pages as an A4 PDF (WeasyPrint), built from the store as the pages show it.

Contents, in order: the cover (authority, date, how fresh the data is, what the pack holds), the scorecard of
every principle, what needs attention, for each chosen principle its indicators' trends (a static image of
the Principles page's small multiples) and its gap summary and the workstreams serving it, every
workstream's status, the methods notes (the glossary's terms) and the extracts the numbers come from.

Run from the Overview, a principle or the gap tracker (het.ui.briefing), or `python -m het brief`.
"""

from __future__ import annotations

import base64
import html
import time
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from het.charts.trend import small_multiples
from het.store import Store
from het.views import principle as principle_view
from het.views import scorecard as scorecard_view
from het.views import workstreams as workstream_view
from het.views.changes import what_changed
from het.views.freshness import Freshness, day_text
from het.views.glossary import TERMS, term_fill
from het.views.tables import demo_is_active
from het.vocabulary import ENGLAND
from het.ward_sets import WardSets

PRODUCT = "Health Equity Town monitor"
MAX_ATTENTION_ROWS = 40
SCORECARD_COLUMNS = {
    "indicator": "Indicator",
    "period_text": "Period",
    "luton_text": "{area}",
    "england_text": "England",
    "comparison": "Compared with England",
    "trend_text": "Recent trend",
    "gap": "Deprivation gap (SII) and its trend",
    "worst": "Worst ward and ethnic group, where significantly worse",
}

PACK_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
  @bottom-left { content: "FOOTER"; font-size: 8pt; color: #555; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #555; } }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9.5pt; color: #111;
  line-height: 1.35; }
h1 { font-size: 20pt; margin: 0 0 6pt 0; }
h2 { font-size: 14pt; margin: 14pt 0 6pt 0; break-after: avoid; }
h3 { font-size: 11pt; margin: 10pt 0 4pt 0; break-after: avoid; }
p, li { hyphens: manual; overflow-wrap: normal; word-break: normal; }
.cover { break-after: page; }
.section { break-before: page; }
.note { color: #444; font-size: 8.5pt; }
.demo { border: 1pt solid #b58100; background: #fff4d6; padding: 6pt; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt 0; font-size: 8pt; }
th, td { border-bottom: 0.5pt solid #bbb; padding: 2.5pt 3pt; text-align: left; vertical-align: top; }
th { background: #eef1f6; }
tr { break-inside: avoid; }
img { max-width: 100%; break-inside: avoid; }
@media screen { body { max-width: 190mm; margin: 12mm auto; } }
"""


@dataclass(frozen=True)
class BriefingPack:
    title: str
    html: str
    principles: list[int]  # the principles with a section of their own
    seconds: float  # how long the pack took to build (the HTML, with its images)

    def pdf(self) -> bytes:
        """The pack as an A4 PDF (WeasyPrint; needs Debian's pango libraries)."""
        from weasyprint import HTML  # loaded only when a PDF is made

        return HTML(string=self.html).write_pdf()


def briefing_pack(
    store: Store,
    *,
    principles: list[int] | None = None,
    today: date | None = None,
    images: bool = True,
    since: datetime | None = None,
) -> BriefingPack:
    """Build the pack from the store. principles: those with a section of their own (default: every one
    with an indicator); images: the trend charts as PNG (False: their tables only, for speed); since: the
    last meeting, for a "What changed" section (het.views.changes)."""
    started = time.perf_counter()
    today = today or date.today()
    authority = store.query("authority_code")
    code = str(authority["area_code"].iloc[0]) if len(authority) else ""
    name = str(authority["area_name"].iloc[0]) if len(authority) else "the authority"
    fresh = Freshness.from_frame(store.query("data_freshness", authority=code))
    latest = store.query("leads_latest_totals", area_code=code, england_code=ENGLAND)
    gaps = store.query("leads_gaps", area_code=code)
    card = scorecard_view.scorecard(latest, gaps)
    principle_list = store.query("principle_list")
    labels = dict(zip(principle_list["principle_id"].astype(int), principle_list["label"], strict=True))
    shorts = dict(zip(principle_list["principle_id"].astype(int), principle_list["short_label"], strict=True))
    catalogue = store.query("indicator_catalogue")
    with_indicators = sorted({int(p) for p in catalogue["principle_id"]} & set(labels))
    chosen = [p for p in (principles if principles is not None else with_indicators) if p in labels]
    title = f"{name} {PRODUCT}: briefing pack, {day_text(datetime(today.year, today.month, today.day))}"

    parts = [_cover(title, name, fresh, chosen, shorts, demo=demo_is_active(store.query("extract_register")))]
    parts.append(_scorecard_section(card, labels, area=name))
    tracker = scorecard_view.gap_tracker_table(gaps, latest, authority_name=name)
    parts.append(_attention_section(scorecard_view.needs_attention(tracker, latest, authority_name=name)))
    if since is not None:
        parts.append(_changes_section(what_changed(store, since)))
    for principle_id in chosen:
        parts.append(_principle_section(store, principle_id, labels, catalogue, code, name, images=images))
    parts.append(_workstream_section(store, code, today))
    parts.append(_methods_section(store, name))
    parts.append(_extracts_section(store, fresh))
    footer = f"{name} {PRODUCT} · briefing pack · {today.isoformat()}"
    css = PACK_CSS.replace("FOOTER", footer.replace('"', "'"))
    document = (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{css}</style></head><body>{''.join(parts)}</body></html>"
    )
    return BriefingPack(title=title, html=document, principles=chosen, seconds=time.perf_counter() - started)


# --- sections ---------------------------------------------------------------------------------------------


def _cover(title: str, name: str, fresh: Freshness, chosen: list[int], shorts: dict, *, demo: bool) -> str:
    items = "".join(f"<li>{_e(_principle_name(p, shorts[p]))}</li>" for p in chosen)
    demo_note = (
        '<p class="demo"><strong>Demonstration data.</strong> The values in this pack are generated by het\'s '
        "demo extract, not real figures.</p>"
        if demo
        else ""
    )
    return (
        f'<div class="cover"><h1>{_e(title)}</h1>'
        f"<p>How is {_e(name)} doing on each Marmot principle, and where are the gaps?</p>{demo_note}"
        f"<p><strong>{_e(fresh.sentence())}</strong></p>"
        "<h2>In this pack</h2><ol><li>The scorecard: every headline indicator</li>"
        "<li>What needs attention (and what changed since the last meeting, when asked)</li>"
        f"<li>The principles in detail:<ul>{items}</ul></li>"
        "<li>Workstream status</li><li>Methods notes</li><li>The data: extracts used</li></ol>"
        '<p class="note">Made by het from the same store and methods as the app. Comparisons with England use '
        "the Fingertips rule (England's value against the area's 95% and 99.8% intervals); trends use the "
        "Fingertips recent-trend rule; deprivation gaps are slopes of inequality (SII).</p></div>"
    )


def _scorecard_section(card: pd.DataFrame, labels: dict, *, area: str) -> str:
    out = ['<div class="section"><h2>1. The scorecard</h2>']
    if card.empty:
        return out[0] + "<p>No headline indicator has a value yet.</p></div>"
    for principle_id, rows in card.groupby("principle_id", sort=True):
        rows = rows.assign(
            indicator=[
                scorecard_view.indicator_label(s, x)
                for s, x in zip(rows["short_name"], rows["sex"], strict=True)
            ],
            gap=[
                f"{g} ({v})" if isinstance(v, str) and v else g
                for g, v in zip(rows["deprivation_gap_text"], rows["deprivation_verdict_text"], strict=True)
            ],
            worst=[
                f"Ward: {w}. Ethnic group: {e}."
                for w, e in zip(rows["worst_ward_text"], rows["worst_ethnic_text"], strict=True)
            ],
        )
        heading = scorecard_view.principle_heading(int(principle_id), labels.get(int(principle_id), ""))
        columns = {k: v.format(area=area) for k, v in SCORECARD_COLUMNS.items()}
        out.append(f"<h3>{_e(heading)}</h3>{_table(rows[list(columns)].rename(columns=columns))}")
    out.append("</div>")
    return "".join(out)


def _attention_section(attention: pd.DataFrame) -> str:
    out = '<div class="section"><h2>2. What needs attention</h2>'
    if attention.empty:
        return (
            out + "<p>Nothing is both worse than England and getting worse, and no gap is widening.</p></div>"
        )
    shown = attention.head(MAX_ATTENTION_ROWS)
    columns = [
        c
        for c in (
            "Why it needs attention",
            "Indicator",
            "Sex",
            "Dimension",
            "Measure",
            "Period",
            "Latest",
            "Trend",
        )
        if c in shown.columns
    ]
    more = (
        f'<p class="note">The first {MAX_ATTENTION_ROWS} of {len(attention)} rows; the gap tracker lists all.</p>'
        if len(attention) > MAX_ATTENTION_ROWS
        else ""
    )
    return (
        out + "<p>Indicators worse than England and getting worse, then every gap that is widening (the gap "
        "tracker's needs-attention view).</p>" + _table(shown[columns]) + more + "</div>"
    )


def _changes_section(changes) -> str:
    out = [f'<div class="section"><h2>2b. What changed since {_e(day_text(changes.since))}</h2>']
    out.append(f"<p><strong>{_e(changes.summary())}</strong></p>")
    for title, frame in (
        ("New data", changes.new_data),
        ("Revised values", changes.revised),
        ("Comparisons with England that changed", changes.comparisons),
        ("Trends that changed", changes.trends),
        ("Gaps that started widening or narrowing", changes.gaps),
        ("Withdrawn values", changes.withdrawn),
    ):
        if not frame.empty:
            shown = frame.head(MAX_ATTENTION_ROWS)
            more = f'<p class="note">The first {len(shown)} of {len(frame)}; the What changed page lists all.</p>'
            out.append(
                f"<h3>{_e(title)} ({len(frame):,})</h3>{_table(shown)}{more if len(frame) > len(shown) else ''}"
            )
    out.append(
        '<p class="note">From the extract register and the values of each state; the trends and gap verdicts '
        "are the gap engine's on the authority's values then and now.</p>"
    )
    return "".join(out) + "</div>"


def _principle_section(
    store: Store,
    principle_id: int,
    labels: dict,
    catalogue: pd.DataFrame,
    code: str,
    name: str,
    *,
    images: bool,
) -> str:
    mine = {"principle_id": principle_id, "area_code": code}
    series = store.query("principle_series", **mine, england_code=ENGLAND, all_ages=False)
    label = labels[principle_id]
    heading = label if principle_id == 0 else f"Principle {principle_id}: {label}"
    out = [f'<div class="section"><h2>3. In detail. {_e(heading)}</h2>']
    frame = principle_view.principle_multiples_frame(series, authority_code=code)
    if frame.empty:
        out.append("<p>No values are loaded yet for this principle's indicators.</p>")
    elif images:
        chart = small_multiples(frame, authority=name, name_field="panel", columns=3, panel_width=170)
        out.append(
            f'<h3>Are things improving?</h3><p class="note">{_e(name)} (solid, with its 95% confidence '
            "interval shaded) and England (dashed); each panel has its own scale and unit.</p>"
            f'<img alt="{_e(name)} and England over time for each indicator of this principle" '
            f'src="data:image/png;base64,{_png(chart)}">'
        )
    table = principle_view.principle_gap_table(
        series,
        store.query("principle_gaps", **mine),
        store.query("principle_gap_trends", **mine),
        store.query("principle_trend_markers", **mine),
        authority_code=code,
        authority_name=name,
    )
    if not table.empty:
        out.append("<h3>Are the gaps closing?</h3>" + _table(table.drop(columns="indicator_id")))
    workstreams = store.query("principle_workstreams", principle_id=principle_id)
    if not workstreams.empty:
        kpis = store.query("principle_kpis", principle_id=principle_id)
        actions = store.query("principle_actions", principle_id=principle_id)
        out.append(
            "<h3>Who is working on it?</h3>"
            + _table(principle_view.workstream_table(workstreams, kpis, actions))
        )
    out.append("</div>")
    return "".join(out)


def _workstream_section(store: Store, code: str, today: date) -> str:
    workstreams = store.query("workstream_list")
    out = '<div class="section"><h2>4. Workstream status</h2>'
    if workstreams.empty:
        return out + "<p>No workstream is recorded.</p></div>"
    series = store.query("kpi_indicator_series", authority_code=code)
    kpis = workstream_view.kpi_table(store.query("workstream_kpis", workstream_id=None), series)
    table = workstream_view.overview_table(
        workstreams,
        store.query("workstream_actions", workstream_id=None),
        kpis,
        store.query("workstream_logic_items", workstream_id=None),
        store.query("principle_list"),
        today=today,
    )
    shown = table[[c for c in table.columns if not str(c).startswith("_") and c != "workstream_id"]]
    return out + _table(shown) + "</div>"


def _methods_section(store: Store, name: str) -> str:
    fill = term_fill(name, WardSets.from_areas(store.query("area_list")))
    items = "".join(
        f"<h3>{_e(term.term.format(**fill))}</h3><p>{_plain(term.text.format(**fill))}</p>" for term in TERMS
    )
    return f'<div class="section"><h2>5. Methods notes</h2>{items}</div>'


def _extracts_section(store: Store, fresh: Freshness) -> str:
    register = store.query("extract_register")
    active = register[register["status"] == "active"]
    rows = pd.DataFrame(
        {
            "Extract": [f"#{i}" for i in active["extract_id"]],
            "File": active["file_name"],
            "Loaded": [f"{day_text(pd.Timestamp(t).to_pydatetime())}" for t in active["loaded_at"]],
            "By": active["loaded_by"],
            "Rows": [f"{int(n):,}" for n in active["rows_loaded"]],
        }
    )
    return (
        f'<div class="section"><h2>6. The data: extracts used</h2><p>{_e(fresh.sentence())}</p>'
        + _table(rows)
        + '<p class="note">Every value in this pack comes from one of these extracts (the register on the Data '
        "and methods page). Withdrawn extracts are not used.</p></div>"
    )


# --- helpers ----------------------------------------------------------------------------------------------


def _principle_name(principle_id: int, short: str) -> str:
    return scorecard_view.principle_short(principle_id, short)


def _e(value) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))


def _plain(markdown: str) -> str:
    """The glossary's light Markdown (*emphasis*) as HTML."""
    parts = _e(markdown).split("*")
    return "".join(f"<em>{p}</em>" if i % 2 else p for i, p in enumerate(parts))


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _png(chart) -> str:
    import vl_convert  # loaded only when a pack is made

    return base64.b64encode(vl_convert.vegalite_to_png(chart.to_json(), scale=2)).decode("ascii")
