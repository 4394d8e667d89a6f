"""Overview: the Marmot scorecard (headline indicators by principle) and the tartan rug (every indicator by area)."""

import streamlit as st

from het.ui.briefing import briefing_controls
from het.ui.card import empty_state
from het.ui.leads import rug_card, scorecard_block
from het.ui.reads_leads import overview_reads
from het.ui.state import url_choice
from het.ui.tables import csv_download
from het.views import scorecard

data = overview_reads()
area = data.authority_name
st.title(f"How is {area} doing on each Marmot principle?")
principle_names = {
    int(p.principle_id): scorecard.principle_heading(p.principle_id, p.short_label)
    for p in data.principles.itertuples()
}
briefing_controls(principle_names, chosen=list(principle_names), key="brief_overview")
view = url_choice(
    "view",
    ["scorecard", "rug"],
    label="Show",
    format_func={
        "scorecard": "Scorecard: headline indicators",
        "rug": "Tartan rug: every indicator by area",
    }.get,
    widget="segmented",
)
if view == "rug":
    rows = url_choice(
        "rows",
        ["all", "headline"],
        label="Rows",
        format_func={"all": "Every indicator", "headline": "Headline indicators only"}.get,
        widget="segmented",
    )
    rug = scorecard.tartan_rug_frame(
        data.rug_cells, data.rug_areas, data.latest, authority_name=area, headline_only=rows == "headline"
    )
    rug_card(rug, area=area, extracts=data.extracts)
else:
    card = data.scorecard
    st.caption(
        f"Each headline indicator's latest {area} value beside England's, how it compares and is trending, "
        f"the gap between {area}'s most and least deprived fifths (slope index of inequality) and whether it "
        "is narrowing, and the worst ward and ethnic group where they are significantly worse. "
        "Symbols carry the meaning as well as colour: ▲ better, ● similar, ▼ worse, △ ▽ higher / lower "
        "(no judgement), ○ not compared. Methods: Data and methods."
    )
    if card["value"].notna().sum() == 0:
        empty_state(f"No headline indicator has a value for {area} yet: load an extract on Load an extract.")
    csv_download(
        f"Download the scorecard ({len(card)} rows, CSV)",
        lambda: scorecard.scorecard_export(card),
        file_name="marmot_scorecard.csv",
        key="scorecard_download",
    )
    for principle in data.principles.itertuples():
        rows = data.scorecard_lines.get(int(principle.principle_id), [])
        heading = scorecard.principle_heading(principle.principle_id, principle.label)
        scorecard_block(int(principle.principle_id), heading, rows, area=area)
