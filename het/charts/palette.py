"""Every colour het draws with, in one place, and the text symbols that go with them.

Colour never carries meaning alone: each comparison, trend marker and gap verdict has a text symbol
too, and charts print it beside the colour. The comparison colours follow Fingertips' semantics
(better / similar / worse) with a colour-blind-safe set: blues for better and oranges for worse
(Okabe & Ito 2008), greys for similar and not compared, and purples for the no-judgement labels
('higher' / 'lower'), so that no chart ever relies on telling red from green.
Filled symbols mean a judgement was made; hollow ones mean none was (no judgement, not compared).
Trend lines are coloured by the part a series plays (the authority, England, the region, a comparator),
worked out from the authority's name given by the caller (`series_role`), so no area's name is a colour key.

Text on a coloured fill uses `text_colour_for(fill)`: black or white, whichever contrasts more by the
WCAG 2.x relative-luminance formula, which always gives at least 4.58:1 (above AA's 4.5:1).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

from het.stats.benchmark import (
    BETTER,
    HIGHER,
    LABEL_ORDER,
    LOWER,
    MUCH_BETTER,
    MUCH_WORSE,
    NOT_COMPARED,
    SIMILAR,
    WORSE,
)
from het.stats.trend import (
    CANNOT_BE_CALCULATED,
    DECREASING,
    GETTING_BETTER,
    GETTING_WORSE,
    INCREASING,
    NO_SIGNIFICANT_CHANGE,
)

BLACK = "#000000"
WHITE = "#FFFFFF"
# Neutral ink for rules, intervals, reference lines and labels; paper for cell and hexagon borders.
INK = "#1A1A1A"
PAPER = "#FFFFFF"
MUTED = "#595959"  # secondary text: 7.0:1 on white

# Comparison with a benchmark (het.stats.benchmark labels), in LABEL_ORDER.
COMPARISON_COLOURS: dict[str, str] = {
    MUCH_BETTER: "#00467A",  # dark blue
    BETTER: "#0072B2",  # Okabe-Ito blue
    SIMILAR: "#BDBDBD",  # mid-light grey
    WORSE: "#E69F00",  # Okabe-Ito orange
    MUCH_WORSE: "#D55E00",  # Okabe-Ito vermillion
    HIGHER: "#882255",  # wine (Tol): no judgement, so neither blue nor orange
    LOWER: "#CC79A7",  # Okabe-Ito reddish purple
    NOT_COMPARED: "#F7F7F7",  # near-white: draw with a border
}
COMPARISON_SYMBOLS: dict[str, str] = {
    MUCH_BETTER: "▲▲",
    BETTER: "▲",
    SIMILAR: "●",
    WORSE: "▼",
    MUCH_WORSE: "▼▼",
    HIGHER: "△",
    LOWER: "▽",
    NOT_COMPARED: "○",
}

# Point shapes that say a comparison without colour (the same direction as the symbols): up for better or
# higher, down for worse or lower, a circle for similar, a square for not compared.
COMPARISON_SHAPES: dict[str, str] = {
    MUCH_BETTER: "triangle-up",
    BETTER: "triangle-up",
    SIMILAR: "circle",
    WORSE: "triangle-down",
    MUCH_WORSE: "triangle-down",
    HIGHER: "triangle-up",
    LOWER: "triangle-down",
    NOT_COMPARED: "square",
}

# Lines on trend charts, by the part a series plays, never by an area's name: the authority is whichever
# area the store holds wards for. Comparator authorities are context, so they are drawn thin and grey.
ENGLAND_SERIES = "England"  # England's series name on every chart: the benchmark, never the authority
AUTHORITY_ROLE, ENGLAND_ROLE, REGION_ROLE, COMPARATOR_ROLE = "authority", "England", "region", "comparator"
AUTHORITY_COLOUR = "#332288"  # indigo (Tol)
ENGLAND_COLOUR = INK  # drawn dashed
REGION_COLOUR = "#44AA99"  # teal (Tol)
COMPARATOR_COLOUR = "#BBBBBB"
SERIES_ROLE_COLOURS: dict[str, str] = {
    AUTHORITY_ROLE: AUTHORITY_COLOUR,
    ENGLAND_ROLE: ENGLAND_COLOUR,
    REGION_ROLE: REGION_COLOUR,
    COMPARATOR_ROLE: COMPARATOR_COLOUR,
}

# Recent-trend markers (het.stats.trend). The arrow for 'getting better' / 'getting worse' points to
# better or worse, not up or down the axis: always show it with its text (trend_text).
TREND_SYMBOLS: dict[str, str] = {
    GETTING_BETTER: "↑",
    GETTING_WORSE: "↓",
    INCREASING: "↗",
    DECREASING: "↘",
    NO_SIGNIFICANT_CHANGE: "→",
    CANNOT_BE_CALCULATED: "–",
}

# Gap-over-time verdicts (het.gaps): narrowing is good news, widening bad.
GAP_NARROWING = "gap narrowing"
GAP_WIDENING = "gap widening"
VERDICT_ORDER = (GAP_NARROWING, GAP_WIDENING, NO_SIGNIFICANT_CHANGE, CANNOT_BE_CALCULATED)
VERDICT_COLOURS: dict[str, str] = {
    GAP_NARROWING: COMPARISON_COLOURS[BETTER],
    GAP_WIDENING: COMPARISON_COLOURS[MUCH_WORSE],
    NO_SIGNIFICANT_CHANGE: COMPARISON_COLOURS[SIMILAR],
    CANNOT_BE_CALCULATED: COMPARISON_COLOURS[NOT_COMPARED],
}
VERDICT_SYMBOLS: dict[str, str] = {
    GAP_NARROWING: "▲",
    GAP_WIDENING: "▼",
    NO_SIGNIFICANT_CHANGE: "●",
    CANNOT_BE_CALCULATED: "○",
}


def _check_label(label: str, known: dict[str, str], what: str) -> None:
    if label not in known:
        raise ValueError(f"unknown {what} {label!r}; expected one of {', '.join(known)}")


def comparison_text(label: str) -> str:
    """'▼ worse': a comparison label with its symbol in front."""
    _check_label(label, COMPARISON_SYMBOLS, "comparison")
    return f"{COMPARISON_SYMBOLS[label]} {label}"


def trend_text(marker: str) -> str:
    """'↑ getting better': a recent-trend marker with its arrow in front."""
    _check_label(marker, TREND_SYMBOLS, "trend marker")
    return f"{TREND_SYMBOLS[marker]} {marker}"


def verdict_text(verdict: str) -> str:
    """'▲ gap narrowing': a gap-over-time verdict with its symbol in front."""
    _check_label(verdict, VERDICT_SYMBOLS, "gap verdict")
    return f"{VERDICT_SYMBOLS[verdict]} {verdict}"


def _ordered_labels(labels) -> list[str]:
    if labels is None:
        return list(LABEL_ORDER)
    wanted = set(labels)
    unknown = sorted(str(label) for label in wanted - set(LABEL_ORDER))
    if unknown:
        raise ValueError(
            f"unknown comparison label(s) {', '.join(unknown)}; expected {', '.join(LABEL_ORDER)}"
        )
    return [label for label in LABEL_ORDER if label in wanted]


def comparison_scale(labels=None) -> alt.Scale:
    """The fill scale for comparison labels: domain in LABEL_ORDER, range from COMPARISON_COLOURS.

    labels: restrict the domain (and so the legend) to these labels, still in LABEL_ORDER.
    """
    domain = _ordered_labels(labels)
    return alt.Scale(domain=domain, range=[COMPARISON_COLOURS[label] for label in domain])


def comparison_shape_scale(labels=None) -> alt.Scale:
    """The shape scale matching comparison_scale, so a point's comparison does not rest on colour alone."""
    domain = _ordered_labels(labels)
    return alt.Scale(domain=domain, range=[COMPARISON_SHAPES[label] for label in domain])


def comparison_text_scale(labels=None) -> alt.Scale:
    """The text-colour scale matching comparison_scale: black or white for each fill."""
    domain = _ordered_labels(labels)
    return alt.Scale(domain=domain, range=[text_colour_for(COMPARISON_COLOURS[label]) for label in domain])


def series_role(series: str, *, authority: str, region: str | None = None) -> str:
    """The part a series plays on a trend chart: 'authority', 'England', 'region' or 'comparator'.

    authority: the authority's series name (its area name in the store); region: the
    region's series name, if one is drawn. Any other series is a comparator.
    """
    if not isinstance(authority, str) or not authority.strip():
        raise ValueError(f"series_role needs the authority's series name; got {authority!r}")
    if authority == ENGLAND_SERIES:
        raise ValueError(f"the authority's series cannot be {ENGLAND_SERIES!r}: England is the benchmark")
    if series == authority:
        return AUTHORITY_ROLE
    if series == ENGLAND_SERIES:
        return ENGLAND_ROLE
    if region is not None and series == region:
        return REGION_ROLE
    return COMPARATOR_ROLE


def series_colour(series: str, *, authority: str, region: str | None = None) -> str:
    """The line colour of a series on a trend chart, from its role (series_role)."""
    return SERIES_ROLE_COLOURS[series_role(series, authority=authority, region=region)]


def series_scale(series: Sequence[str], *, authority: str, region: str | None = None) -> alt.Scale:
    """The colour scale for trend lines: domain the series names as given, range each one's role colour."""
    domain = list(series)
    return alt.Scale(
        domain=domain, range=[series_colour(name, authority=authority, region=region) for name in domain]
    )


def _srgb_channels(colour: str) -> tuple[float, float, float]:
    text = colour.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    if len(text) != 6 or any(ch not in "0123456789abcdefABCDEF" for ch in text):
        raise ValueError(f"colour {colour!r} is not a hex colour like '#0072B2' or '#fff'")
    red, green, blue = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return red, green, blue


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a hex sRGB colour, 0 (black) to 1 (white)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in _srgb_channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.x contrast ratio (L1 + 0.05) / (L2 + 0.05), from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_for(fill: str) -> str:
    """BLACK or WHITE, whichever has the higher contrast ratio with the fill (WCAG 2.x)."""
    return BLACK if contrast_ratio(fill, BLACK) >= contrast_ratio(fill, WHITE) else WHITE


# Values on a map: a sequential, colour-blind-safe ramp (viridis, light to dark) that shares no hue with the
# comparison colours' judgement (no orange for "high"), so a value map never reads as better or worse.
SEQUENTIAL = (
    "#FDE725",
    "#B5DE2B",
    "#6ECE58",
    "#35B779",
    "#1F9E89",
    "#26828E",
    "#31688E",
    "#3E4989",
    "#482878",
    "#440154",
)
NO_DATA = "#FFFFFF"  # a ward without a value: white with a grey border and a text label saying so


def sequential_colours(k: int) -> list[str]:
    """k colours spread evenly along SEQUENTIAL, lightest first (k from 1 to len(SEQUENTIAL))."""
    if not 1 <= k <= len(SEQUENTIAL):
        raise ValueError(f"a sequential scale has 1 to {len(SEQUENTIAL)} classes, not {k}")
    if k == 1:
        return [SEQUENTIAL[len(SEQUENTIAL) // 2]]
    step = (len(SEQUENTIAL) - 1) / (k - 1)
    return [SEQUENTIAL[round(i * step)] for i in range(k)]
