"""het.charts.palette: every colour with its symbol, contrast by WCAG 2.x, series colours by role, and
colour-blind-safe comparison fills; and no chart draws a colour the palette does not hold."""

from __future__ import annotations

import itertools
import json
import re

import numpy as np
import pytest
from chart_frames import build_all

from het.charts import palette
from het.derived.gaps import NARROWING, NO_CHANGE, WIDENING
from het.stats.benchmark import LABEL_ORDER
from het.stats.trend import CANNOT_BE_CALCULATED, MARKER_ORDER


def test_every_comparison_label_has_a_colour_and_a_distinct_symbol():
    assert tuple(palette.COMPARISON_COLOURS) == LABEL_ORDER
    assert tuple(palette.COMPARISON_SYMBOLS) == LABEL_ORDER
    assert len(set(palette.COMPARISON_COLOURS.values())) == len(LABEL_ORDER)
    assert len(set(palette.COMPARISON_SYMBOLS.values())) == len(LABEL_ORDER)
    assert palette.comparison_text("worse") == "▼ worse"


def test_comparison_scale_in_label_order():
    scale = palette.comparison_scale().to_dict()
    assert scale["domain"] == list(LABEL_ORDER)
    assert scale["range"] == [palette.COMPARISON_COLOURS[label] for label in LABEL_ORDER]
    subset = palette.comparison_scale({"worse", "better"}).to_dict()
    assert subset == {"domain": ["better", "worse"], "range": ["#0072B2", "#E69F00"]}
    with pytest.raises(ValueError, match="unknown comparison label"):
        palette.comparison_scale(["green"])


def test_trend_and_verdict_labels_match_the_engine():
    assert set(palette.TREND_SYMBOLS) == set(MARKER_ORDER)
    assert palette.VERDICT_ORDER == (NARROWING, WIDENING, NO_CHANGE, CANNOT_BE_CALCULATED)
    assert set(palette.VERDICT_COLOURS) == set(palette.VERDICT_SYMBOLS) == set(palette.VERDICT_ORDER)
    assert palette.trend_text("getting worse") == "↓ getting worse"
    assert palette.verdict_text("gap widening") == "▼ gap widening"
    with pytest.raises(ValueError, match="unknown trend marker 'better'"):
        palette.trend_text("better")


def test_relative_luminance_and_contrast_hand_checked():
    assert palette.relative_luminance("#FFFFFF") == pytest.approx(1.0)
    assert palette.relative_luminance("#000") == pytest.approx(0.0)
    # #0072B2: G 114/255 -> 0.1683, B 178/255 -> 0.4452; 0.7152 * 0.1683 + 0.0722 * 0.4452 = 0.1526.
    assert palette.relative_luminance("#0072B2") == pytest.approx(0.1526, abs=5e-4)
    assert palette.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert palette.contrast_ratio("#0072B2", "#FFFFFF") == pytest.approx(1.05 / 0.2026, abs=0.01)
    with pytest.raises(ValueError, match="not a hex colour"):
        palette.relative_luminance("blue")


def test_text_colour_for_picks_the_higher_contrast():
    assert palette.text_colour_for("#FFFFFF") == palette.BLACK
    assert palette.text_colour_for("#000000") == palette.WHITE
    assert palette.text_colour_for("#0072B2") == palette.WHITE  # 5.19 against 4.06 with black
    assert palette.text_colour_for("#E69F00") == palette.BLACK
    # Near the crossover (luminance 0.179): #777777 is 0.184, so black (4.69) beats white (4.48).
    assert palette.text_colour_for("#777777") == palette.BLACK


@pytest.mark.parametrize(
    "fill",
    sorted(
        {
            *palette.COMPARISON_COLOURS.values(),
            *palette.VERDICT_COLOURS.values(),
            *palette.SERIES_ROLE_COLOURS.values(),
        }
    ),
)
def test_recommended_text_meets_wcag_aa_on_every_fill(fill):
    assert palette.contrast_ratio(fill, palette.text_colour_for(fill)) >= 4.5


def test_series_roles_come_from_the_authority_name_given():
    roles = {"authority": "Bedford", "region": "East of England"}
    assert palette.series_role("Bedford", **roles) == palette.AUTHORITY_ROLE
    assert palette.series_role("England", **roles) == palette.ENGLAND_ROLE
    assert palette.series_role("East of England", **roles) == palette.REGION_ROLE
    assert palette.series_role("Luton", **roles) == palette.COMPARATOR_ROLE  # another authority is context
    assert palette.series_role("East of England", authority="Bedford") == palette.COMPARATOR_ROLE
    assert palette.series_colour("Bedford", authority="Bedford") == "#332288"
    assert palette.series_colour("England", authority="Bedford") == palette.INK
    scale = palette.series_scale(["Luton", "Bedford", "England"], authority="Luton").to_dict()
    assert scale == {"domain": ["Luton", "Bedford", "England"], "range": ["#332288", "#BBBBBB", "#1A1A1A"]}


@pytest.mark.parametrize(
    ("authority", "message"),
    [
        ("", "series_role needs the authority's series name; got ''"),
        (None, "series_role needs the authority's series name; got None"),
        ("England", "the authority's series cannot be 'England': England is the benchmark"),
    ],
)
def test_series_role_refuses_a_missing_authority_or_england(authority, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        palette.series_role("Luton", authority=authority)


# Machado, Oliveira & Fernandes (2009) full-severity simulation matrices, applied in linear RGB.
CVD = {
    "normal": np.eye(3),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]
    ),
}


def _lab(colour: str, matrix: np.ndarray) -> np.ndarray:
    srgb = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    rgb = np.clip(matrix @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ rgb
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", list(CVD))
def test_comparison_colours_stay_apart_under_colour_blindness(vision):
    """Every pair of comparison fills differs by CIE76 delta E >= 12 under simulated colour blindness."""
    labs = {label: _lab(colour, CVD[vision]) for label, colour in palette.COMPARISON_COLOURS.items()}
    closest = min(
        (float(np.linalg.norm(labs[a] - labs[b])), a, b) for a, b in itertools.combinations(labs, 2)
    )
    assert closest[0] >= 12, closest
    # Better and worse, the distinction that matters most, stay far apart.
    assert np.linalg.norm(labs["better"] - labs["worse"]) >= 40


def test_a_red_green_palette_would_fail_the_colour_blindness_check():
    red, green = _lab("#D62728", CVD["deuteranopia"]), _lab("#2CA02C", CVD["deuteranopia"])
    assert np.linalg.norm(red - green) < 12


def test_charts_use_only_palette_colours():
    allowed = {
        *palette.COMPARISON_COLOURS.values(),
        *palette.SERIES_ROLE_COLOURS.values(),
        *palette.VERDICT_COLOURS.values(),
        palette.INK,
        palette.PAPER,
        palette.MUTED,
        palette.BLACK,
        palette.WHITE,
    }
    colour_pattern = re.compile(r"#[0-9A-Fa-f]{6}\b")
    for name, (chart, _) in build_all().items():
        text = json.dumps({k: v for k, v in chart.to_dict().items() if k != "datasets"})
        used = set(colour_pattern.findall(text))
        assert used <= allowed, (name, used - allowed)
