"""The Indicator page's parts: controls kept in the URL, the headline, the trend, and one panel per breakdown.

Every chart sits in het.ui.card.chart_card (Chart / Table / Download / About); every empty view says why.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from het.charts import palette
from het.charts.gaps import gap_over_time_chart
from het.charts.groups import deprivation_chart, group_bar_chart
from het.charts.maps import hex_map
from het.charts.trend import trend_chart
from het.ui.card import About, cached_chart, chart_card, empty_state
from het.ui.data import ward_sets
from het.ui.glossary import glossary_link
from het.ui.reads_indicator import IndicatorPageData
from het.ui.state import fixed_value, url_choice
from het.ui.tables import show_table
from het.views import indicator as view
from het.views.freshness import indicator_freshness

# Streamlit fits a stretched chart's title, legend and axes inside the spec's height, so the builders'
# default heights leave a short plot on a wide screen: the page asks for a taller chart (data unchanged).
TALL = 400


@dataclass(frozen=True)
class Selection:
    sex: str
    age: str
    period_label: str
    period_sort: int


def _control(column, name: str, choice: view.Choice, *, label: str, widget: str = "selectbox"):
    """A URL-backed control when there is a choice to make; otherwise the one value, as text."""
    with column:
        if choice.needs_control:
            return url_choice(name, choice.options, label=label, default=choice.default, widget=widget)
        fixed_value(name, label, choice.default)
        st.markdown(f"**{label}**  \n{choice.default}")
        return choice.default


def controls(data: IndicatorPageData, columns) -> Selection | None:
    """Sex, age and period, each shown only when the indicator has more than one; None when it has no values."""
    sex_col, age_col, period_col = columns
    sex = _control(sex_col, "sex", view.sex_choice(data.observations, data.meta), label="Sex", widget="radio")
    if sex is None:
        return None
    age = _control(age_col, "age", view.age_choice(data.observations, data.meta, sex=sex), label="Age")
    periods = view.period_choice(data.observations, sex=sex, age=age, authority_code=data.authority_code)
    period = _control(period_col, "period", periods, label="Period")
    return Selection(sex, age, period, view.period_sort_of(data.observations, period))


def headline(data: IndicatorPageData, sel: Selection) -> None:
    head = view.headline(
        data.observations,
        data.trend_markers,
        data.meta,
        authority_code=data.authority_code,
        sex=sel.sex,
        age=sel.age,
        period_sort=sel.period_sort,
    )
    own, england, judged = st.columns([1, 1, 2])
    own.metric(
        f"{data.authority_name}, {sel.period_label}",
        head.value_text,
        border=True,
        help=f"95% confidence interval {head.interval_text}",
    )
    england.metric(f"England, {sel.period_label}", head.england_text, border=True)
    with judged.container(border=True):
        st.markdown(
            f"**{glossary_link('comparison', 'Compared with England')}:** {head.comparison_text}  \n"
            f"95% {glossary_link('confidence-interval', 'confidence interval')} {head.interval_text}  \n"
            f"**{glossary_link('recent-trend', 'Recent trend')}:** {head.trend_text}"
            + (f" ({head.trend_reason})" if head.trend_reason else "")
        )
    st.caption(
        indicator_freshness(
            data.observations, authority_code=data.authority_code, periodicity=str(data.meta["periodicity"])
        )
    )


def _number_format(data: IndicatorPageData) -> dict:
    """The Table tab's rounding and unit: the indicator's decimal places and unit (het.ui.card.chart_card)."""
    return {"decimals": int(data.meta["decimals"]), "unit": str(data.meta["unit"])}


def _about(data: IndicatorPageData, *, period: str, method: str, notes=()) -> About:
    return About(
        source=str(data.meta["source"]),
        period=period,
        method=method,
        extracts=view.extract_names(data.extracts),
        notes=list(notes),
    )


def trend_card(data: IndicatorPageData, sel: Selection) -> None:
    meta = data.meta
    frame = view.trend_frame(
        data.observations,
        authority_code=data.authority_code,
        region_code=data.region_code,
        sex=sel.sex,
        age=sel.age,
    )
    if frame.empty:
        empty_state(f"No whole-area values for {sel.sex.lower()}, {sel.age}: nothing to draw a trend from.")
        return
    region = frame.loc[frame["area_code"] == data.region_code, "series"]
    chart = cached_chart(
        trend_chart,
        frame,
        authority=data.authority_name,
        unit=meta["unit"],
        decimals=int(meta["decimals"]),
        region=region.iloc[0] if not region.empty else None,
        properties={"height": TALL},
    )
    periods = f"{frame['period_label'].iloc[0]} to {frame['period_label'].iloc[-1]}"
    chart_card(
        chart,
        frame,
        key="indicator_trend",
        **_number_format(data),
        title=f"{meta['short_name']}: {data.authority_name}, England, the region and comparator authorities",
        caption=f"{sel.sex}, {sel.age}. {data.authority_name} with its 95% confidence interval (shaded); "
        "points filled and shaped by the comparison with England (▲ better, ● similar, ▼ worse).",
        about=_about(
            data,
            period=periods,
            method="Values as published, with their 95% confidence intervals; each area compared with England "
            "by whether England's value lies inside the area's interval (Fingertips rule).",
        ),
    )


def _from_zero(meta) -> bool:
    # Life expectancy gaps are small beside its size: dots on a short axis, not bars from zero.
    return meta["value_type"] != "life expectancy"


def _reference(data: IndicatorPageData, sel: Selection) -> float | None:
    rows = data.observations
    own = rows[
        (rows["area_code"] == data.authority_code)
        & (rows["breakdown"] == "total")
        & (rows["sex"] == sel.sex)
        & (rows["age"] == sel.age)
        & (rows["period_sort"] == sel.period_sort)
    ]["value"].dropna()
    return float(own.iloc[0]) if not own.empty else None


def _empty(data: IndicatorPageData, sel: Selection, kind: str) -> None:
    empty_state(
        view.empty_reason(
            data.observations,
            kind,
            sex=sel.sex,
            age=sel.age,
            period_sort=sel.period_sort,
            period_label=sel.period_label,
            area_code=data.authority_code,
        )
    )


def _group_card(
    data, sel, frame, *, field: str, key: str, title: str, caption: str, group_words: str
) -> None:
    meta = data.meta
    reference = _reference(data, sel)
    if reference is None:
        empty_state(
            f"No {data.authority_name} value for {sel.period_label} to compare the {group_words} with."
        )
        return
    chart = cached_chart(
        group_bar_chart,
        frame,
        category_field=field,
        unit=meta["unit"],
        decimals=int(meta["decimals"]),
        reference_value=reference,
        reference_label=data.authority_name,
        from_zero=_from_zero(meta),
    )
    chart_card(
        chart,
        frame,
        key=key,
        **_number_format(data),
        title=title,
        caption=caption,
        about=_about(
            data,
            period=sel.period_label,
            method=f"Each of the {group_words} compared with {data.authority_name} as a whole (the same period, "
            "sex and age) by whether its 95% interval holds the authority's value; never with England.",
        ),
    )


def ward_panel(data: IndicatorPageData, sel: Selection) -> None:
    wards = view.ward_frame(data.observations, sex=sel.sex, age=sel.age, period_sort=sel.period_sort)
    if wards["value"].notna().sum() == 0:
        _empty(data, sel, view.WARD_VIEW)
        return
    ward_set = view.ward_set_label(wards["ward_set"].iloc[0], ward_sets())
    bars, hexes = st.columns([3, 2])
    with bars:
        _group_card(
            data,
            sel,
            wards,
            field="ward",
            key="indicator_wards",
            title=f"{data.meta['short_name']} by ward, {sel.period_label}: {ward_set}",
            caption=f"{sel.sex}, {sel.age}. Highest value first; bars filled by the comparison with "
            f"{data.authority_name}; lines are 95% confidence intervals.",
            group_words="wards",
        )
    cells = view.hex_frame(wards, data.hex_cells)
    with hexes:
        if cells.empty:
            empty_state(f"No hex layout for the {ward_set}: the ward map cannot be drawn.")
            return
        chart_card(
            cached_chart(
                hex_map,
                cells,
                value_field="value",
                label_field="ward",
                unit=data.meta["unit"],
                decimals=int(data.meta["decimals"]),
                size=340,
            ),
            cells,
            key="indicator_ward_map",
            **_number_format(data),
            title=f"Ward map, {sel.period_label}: {ward_set}",
            caption="One hexagon per ward, placed roughly where the ward lies; letters abbreviate the ward.",
            about=_about(
                data,
                period=sel.period_label,
                method="As the ward chart, on het's hand-made hex layout (one cell per ward).",
            ),
        )


def ethnic_panel(data: IndicatorPageData, sel: Selection) -> None:
    groups = view.ethnic_frame(
        data.observations,
        sex=sel.sex,
        age=sel.age,
        period_sort=sel.period_sort,
        area_code=data.authority_code,
    )
    if groups["value"].notna().sum() == 0:
        _empty(data, sel, view.ETHNIC_VIEW)
        return
    _group_card(
        data,
        sel,
        groups,
        field="ethnic_group",
        key="indicator_ethnicity",
        title=f"{data.meta['short_name']} by ethnic group, {sel.period_label} ({len(groups)} groups)",
        caption=f"{sel.sex}, {sel.age}. Census 2021 ethnic groups, highest value first; bars filled by the "
        f"comparison with {data.authority_name}. Ethnic groups have no order, so there is no slope index.",
        group_words="ethnic groups",
    )


def deprivation_panel(data: IndicatorPageData, sel: Selection) -> None:
    meta = data.meta
    breakdown = view.deprivation_breakdown(
        data.observations, sex=sel.sex, age=sel.age, area_code=data.authority_code
    )
    groups = (
        view.deprivation_frame(
            data.observations,
            sex=sel.sex,
            age=sel.age,
            period_sort=sel.period_sort,
            area_code=data.authority_code,
            breakdown=breakdown,
        )
        if breakdown
        else None
    )
    if groups is None or groups["value"].notna().sum() == 0:
        _empty(data, sel, view.DEPRIVATION_VIEW)
        return
    row = view.gap_row(
        data.gaps,
        dimension="deprivation",
        sex=sel.sex,
        age=sel.age,
        period_sort=sel.period_sort,
        breakdown=breakdown,
    )
    summary = view.gap_summary(row, meta)
    line = None
    if row is not None and not groups["value"].isna().any() and summary.has_sii:
        line = view.fitted_sii_ends(groups, sii=float(row["sii"]), polarity=meta["polarity"])
    verdict, reason = view.gap_verdict(
        data.gap_trends, dimension="deprivation", breakdown=breakdown, sex=sel.sex, age=sel.age
    )
    with st.container(border=True):
        st.markdown(view.gap_summary_markdown(summary, verdict=verdict, verdict_reason=reason))
        st.caption(
            "A positive SII is the gap that disadvantages the more deprived, in the indicator's units (the "
            "difference between the fitted line's two ends); the RII is the ratio of the two ends, above 1 when "
            "the more deprived are worse off. Most minus least deprived compares the two end groups only."
        )
    chart = cached_chart(
        deprivation_chart,
        groups,
        authority=data.authority_name,
        unit=meta["unit"],
        decimals=int(meta["decimals"]),
        sii_line=line,
        from_zero=_from_zero(meta),
        properties={"height": TALL},
    )
    chart_card(
        chart,
        groups,
        key="indicator_deprivation",
        **_number_format(data),
        title=f"{meta['short_name']} by {view.DEPRIVATION_GROUP_WORDS[breakdown]}, {sel.period_label}",
        caption=f"{sel.sex}, {sel.age}. Most deprived on the left; the dashed line is the fitted slope index "
        "of inequality (SII).",
        about=_about(
            data,
            period=sel.period_label,
            method=view.sii_method(meta, row),
        ),
    )


def gap_panel(data: IndicatorPageData, sel: Selection) -> None:
    meta = data.meta
    breakdown = view.deprivation_breakdown(
        data.observations, sex=sel.sex, age=sel.age, area_code=data.authority_code
    )
    shown = False
    for dimension, series_name, title, key in (
        (
            "deprivation",
            breakdown,
            f"by {view.DEPRIVATION_GROUP_WORDS.get(breakdown, '')}",
            "indicator_gap_deprivation",
        ),
        ("ward", "wards", "between wards ranked by deprivation (IMD 2019)", "indicator_gap_wards"),
    ):
        series = view.gap_series(
            data.gaps,
            dimension=dimension,
            sex=sel.sex,
            age=sel.age,
            breakdown=breakdown if dimension != "ward" else None,
        )
        if series_name is None or series.empty:
            continue
        shown = True
        verdict, reason = view.gap_verdict(
            data.gap_trends, dimension=dimension, breakdown=series_name, sex=sel.sex, age=sel.age
        )
        notes = [f"**Gap trend:** {palette.verdict_text(verdict)}" + (f" ({reason})" if reason else "")]
        if dimension == "ward" and series["breakdown"].nunique() > 1:
            notes.append(
                f"The series runs across a change of ward set ({ward_sets().change_note()}): "
                "the SII summarises the gap over the population's deprivation rank, so it stays comparable, but "
                "the method's inputs changed."
            )
        chart_card(
            cached_chart(
                gap_over_time_chart,
                series,
                unit=view.sii_unit(meta["unit"]),
                decimals=int(meta["decimals"]),
                verdict=verdict,
                properties={"height": TALL},
            ),
            series,
            key=key,
            **_number_format(data),
            title=f"The gap in {meta['short_name'].lower()} {title}, over time",
            caption=f"{sel.sex}, {sel.age}. " + " ".join(notes),
            about=_about(
                data,
                period=f"{series['period_label'].iloc[0]} to {series['period_label'].iloc[-1]}",
                method="Slope index of inequality each period with its 95% limits; the trend is the Fingertips "
                "recent-trend rule applied to the SII series (Data and methods, Gaps over time). "
                + view.sii_method(
                    meta,
                    view.gap_row(
                        data.gaps,
                        dimension=dimension,
                        sex=sel.sex,
                        age=sel.age,
                        period_sort=int(series["period_sort"].iloc[-1]),
                        breakdown=str(series["breakdown"].iloc[-1]),
                    ),
                    what="the wards ranked by deprivation"
                    if dimension == "ward"
                    else "the deprivation groups",
                ),
                notes=notes,
            ),
        )
    if not shown:
        reason = view.gap_verdict(
            data.gap_trends, dimension="deprivation", breakdown=breakdown or "", sex=sel.sex, age=sel.age
        )[1]
        empty_state(
            "No gap over time for this indicator: there is no deprivation or ward breakdown to compute a slope "
            "index of inequality from" + (f" ({reason})." if reason and breakdown else ".")
        )


PANELS = {
    view.WARD_VIEW: ward_panel,
    view.ETHNIC_VIEW: ethnic_panel,
    view.DEPRIVATION_VIEW: deprivation_panel,
    view.GAP_VIEW: gap_panel,
}


def about_indicator(data: IndicatorPageData) -> None:
    """Definition, source, method and polarity, and the extracts the numbers came from."""
    with st.expander("Definition, source and the extracts behind these numbers", expanded=False):
        show_table(view.indicator_facts(data.meta), hide_index=True, width="stretch", key="indicator_facts")
        st.markdown("**Extracts whose values are current for this indicator**")
        if data.extracts.empty:
            empty_state("No extract holds a current value for this indicator yet.")
        else:
            show_table(
                view.extracts_table(data.extracts), hide_index=True, width="stretch", key="indicator_extracts"
            )
        st.caption("Methods: see the Data and methods page for intervals, benchmarking, trends and the SII.")
