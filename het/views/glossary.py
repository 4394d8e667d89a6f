"""The glossary's terms in plain words (SII, RII, intervals, polarity, trends, ward sets ...), for the Glossary
page and the briefing pack's methods notes. "{authority}" and "{ward_sets}" are filled in from the store."""

from __future__ import annotations

from dataclasses import dataclass

from het.ward_sets import WardSets


@dataclass(frozen=True)
class Term:
    anchor: str
    term: str
    text: str  # markdown; "{authority}" and "{ward_sets}" are filled in from the store


TERMS = (
    Term(
        "confidence-interval",
        "Confidence interval",
        "The range within which the true value probably lies, given the chance variation in small numbers "
        "of events. A 95% interval would contain the true value in 95 of 100 repeats of the same "
        "measurement. Values based on few people (a ward, a small ethnic group) have wide intervals.",
    ),
    Term(
        "levels",
        "95% and 99.8% levels",
        "The two levels at which het, like OHID Fingertips, compares a value with a benchmark. Outside the "
        "95% interval a difference is called *better* or *worse*; outside the stricter 99.8% interval, "
        "*much better* or *much worse*. A difference at 99.8% would arise by chance about once in 500 "
        "comparisons, which matters when a page makes many comparisons at once (every ward, every "
        "indicator).",
    ),
    Term(
        "comparison",
        "Compared with England (or with {authority})",
        "*Similar* means the benchmark's value lies inside the area's own 95% confidence interval; "
        "otherwise the area is *higher* or *lower*, which the indicator's polarity turns into *better* or "
        "*worse*. Wards, ethnic groups and deprivation groups are compared with {authority} as a whole, not "
        "with England. *Not compared* means the value has no interval: het never guesses.",
    ),
    Term(
        "polarity",
        "Polarity",
        "Whether a higher value is better (life expectancy), lower is better (infant mortality), or neither "
        "is judged (for example a population share). Without a judgement, differences are shown as higher "
        "and lower in blue and orange, never as better and worse in green and red.",
    ),
    Term(
        "recent-trend",
        "Recent trend",
        "The Fingertips rule: a weighted test on the five most recent consecutive annual values, "
        "significant at 99.8% and only when the direction holds with each of the five points left out in "
        "turn. It reads *increasing* or *decreasing* (with polarity: *getting better* or *getting worse*), "
        "*no significant change*, or *cannot be calculated* with fewer than five points.",
    ),
    Term(
        "sii",
        "Slope index of inequality (SII)",
        "The gap between the most and least deprived ends of the whole population, in the indicator's own "
        "units (for example years of life expectancy), estimated from every deprivation group and not just "
        "the two extremes: a line is fitted through the groups' values, each group weighted by its "
        "population, and the SII is the difference between the line's two ends. A larger SII is a wider "
        "gap. Its interval shows how sure the estimate is; het says which populations it used.",
    ),
    Term(
        "rii",
        "Relative index of inequality (RII)",
        "The same fitted line as the SII, read as a ratio: the value at the least deprived end divided by "
        "the value at the most deprived end. An RII of 1 means no gap; 1.5 means one end is half as high "
        "again as the other.",
    ),
    Term(
        "gap-trend",
        "Gap narrowing or widening",
        "The recent-trend rule applied to the gap itself (the SII for each period with its interval): "
        "*narrowing*, *widening* or *no significant change*.",
    ),
    Term(
        "deprivation",
        "Deprivation deciles and quintiles (IMD 2019)",
        "The English Index of Multiple Deprivation 2019 ranks every small area (LSOA, about 1,500 people) "
        "in England. Deciles split them into ten groups and quintiles into five, 1 being the most deprived. "
        "*National* deciles are equal in England as a whole, not within one town; *local* quintiles divide "
        "the authority's own areas.",
    ),
    Term(
        "proportionate-universalism",
        "Proportionate universalism",
        "The Marmot principle that actions should be universal, but with a scale and intensity "
        "proportionate to the level of disadvantage. The *Where need is greatest* page counts each ward's "
        "significant differences from {authority} per principle, to show where that intensity is needed.",
    ),
    Term(
        "wards",
        "Wards and ward sets",
        "Wards are the areas councillors are elected for. Ward boundaries change from time to time: "
        "{ward_sets}. Each set has its own codes; data for one set is never joined to the other by name, "
        "even where the names are the same. Where a page shows an earlier ward set it says so.",
    ),
    Term(
        "marmot-principles",
        "Marmot principles",
        "The eight principles of the Marmot Review for reducing health inequalities, from giving every "
        "child the best start in life to pursuing environmental sustainability and health equity together. "
        "Every indicator belongs to one of them or to the overarching outcomes (life expectancy).",
    ),
    Term(
        "kpi",
        "KPI and trajectory",
        "A workstream's key performance indicator: a baseline, a target and a date. het judges the latest "
        "value against the straight line from baseline to target (*on track* or *off track*); values come "
        "from the linked catalogue indicator or a loaded KPI extract, never typed by hand.",
    ),
    Term(
        "logic-model",
        "Logic model",
        "How a workstream expects to make a difference: inputs lead to activities, activities to outputs, "
        "outputs to outcomes and outcomes to impact.",
    ),
    Term(
        "extract",
        "Extract",
        "One file loaded into het (a Fingertips download, a JSNA table, a KPI table). Every value comes from "
        "an extract listed in the register on the Data and methods page; withdrawing an extract brings "
        "back the values it had replaced.",
    ),
)


def term_fill(authority: str, sets: WardSets) -> dict[str, str]:
    """What TERMS' placeholders say for this store: the authority's name and its ward sets."""
    if sets.sets:
        described = "; ".join(f"{s.describe()} (ward set {s.vintage})" for s in sets.sets)
        ward_sets = f"{authority}'s ward sets are: {described}"
    else:
        ward_sets = "no ward sets are loaded yet"
    return {"authority": authority, "ward_sets": ward_sets}
