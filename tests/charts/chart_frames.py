"""Small hand-made frames for every chart family, the charts built from them, and ways to read a chart back.

Frames are drawn for an authority given by name (Luton unless a test says otherwise), so the same frames
show that no builder knows which authority it draws. Rendering helpers use vl-convert offline
(TOOLCHAIN.md section 5) and read the rendered SVG's aria-labels and the PNG's pixels, so tests check
what a reader would see, not just the spec.
"""

from __future__ import annotations

import io
import re

import altair as alt
import numpy as np
import pandas as pd
import vl_convert as vlc
from PIL import Image

from het.charts import palette
from het.charts.gaps import gap_over_time_chart
from het.charts.groups import deprivation_chart, group_bar_chart
from het.charts.maps import hex_map
from het.charts.rug import tartan_rug
from het.charts.trend import small_multiples, trend_chart
from het.stats.benchmark import LABEL_ORDER

AUTHORITY = "Luton"
REGION = "East of England"
PERIODS = [("2016 - 18", 20160000), ("2017 - 19", 20170000), ("2018 - 20", 20180000), ("2019 - 21", 20190000)]


def trend_frame(authority: str = AUTHORITY) -> pd.DataFrame:
    rows = []
    for i, (label, sortable) in enumerate(PERIODS):
        for series, base in ((authority, 77.0), ("England", 79.4), (REGION, 80.1), ("Slough", 78.5)):
            value = base + 0.1 * i
            rows.append(
                {
                    "period_label": label,
                    "period_sort": sortable,
                    "area_name": series,
                    "series": series,
                    "value": value,
                    "lower_ci95": value - 0.5,
                    "upper_ci95": value + 0.5,
                    "comparison": "worse" if series == authority else "not compared",
                }
            )
    frame = pd.DataFrame(rows)
    frame.loc[3, ["lower_ci95", "upper_ci95"]] = np.nan  # a comparator without an interval
    # Shuffled, so that the x order can only come from period_sort.
    return frame.sample(frac=1, random_state=3).reset_index(drop=True)


def multiples_frame(authority: str = AUTHORITY) -> pd.DataFrame:
    rows = []
    for name, unit, decimals, base in (
        ("Life expectancy", "years", 1, 78.0),
        ("Child poverty", "%", 1, 31.0),
    ):
        for i, (label, sortable) in enumerate(PERIODS):
            for series, shift in ((authority, 1.0), ("England", 0.0)):
                value = base + shift + 0.2 * i
                rows.append(
                    {
                        "short_name": name,
                        "unit": unit,
                        "decimals": decimals,
                        "period_label": label,
                        "period_sort": sortable,
                        "series": series,
                        "value": value,
                        "lower_ci95": value - 0.4,
                        "upper_ci95": value + 0.4,
                    }
                )
    return pd.DataFrame(rows)


def group_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "category": ["Asian", "Black", "Mixed", "White", "Other"],
            "category_rank": [2, 4, 5, 1, 3],
            "value": [61.2, 55.0, 70.4, 66.1, np.nan],
            "lower_ci95": [59.0, 51.1, 64.0, 64.9, np.nan],
            "upper_ci95": [63.3, 58.8, 76.1, 67.3, np.nan],
            "comparison": ["similar", "much worse", "better", "better", "not compared"],
        }
    )


def deprivation_frame() -> pd.DataFrame:
    # Ranks out of order on purpose: positions must come from category_rank.
    return pd.DataFrame(
        {
            "category": ["Q3", "Q1 most deprived", "Q2", "Q5 least deprived", "Q4"],
            "category_rank": [3, 1, 2, 5, 4],
            "value": [78.2, 74.1, 76.0, 81.9, 79.5],
            "lower_ci95": [77.4, 73.3, 75.2, 81.1, 78.7],
            "upper_ci95": [79.0, 74.9, 76.8, 82.7, 80.3],
            "comparison": ["similar", "much worse", "worse", "better", "similar"],
        }
    )


def gap_frame() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "period_label": [label for label, _ in PERIODS],
            "period_sort": [sortable for _, sortable in PERIODS],
            "sii": [9.1, 8.6, 8.0, 7.2],
        }
    )
    frame["sii_lower95"] = frame["sii"] - 1.1
    frame["sii_upper95"] = frame["sii"] + 1.1
    return frame.iloc[::-1].reset_index(drop=True)


def rug_areas(authority: str = AUTHORITY) -> list[str]:
    return [authority, "England", REGION, "Slough", "Biscot", "Dallow"]


RUG_AREAS = rug_areas()


def rug_frame(authority: str = AUTHORITY) -> pd.DataFrame:
    areas = rug_areas(authority)
    rows = []
    for j, label in enumerate(["Life expectancy (male)", "Child poverty", "Smoking in pregnancy"]):
        for k, area in enumerate(reversed(areas)):
            comparison = LABEL_ORDER[(j * len(areas) + k) % len(LABEL_ORDER)]
            rows.append(
                {
                    "indicator_id": f"ind_{j}",
                    "indicator_label": label,
                    "area_label": area,
                    "period_label": "2021 - 23",
                    "comparison": comparison,
                    "cell_text": f"{60 + j * 5 + k:.1f} {palette.COMPARISON_SYMBOLS[comparison]}",
                }
            )
    return pd.DataFrame(rows)


def hex_frame() -> pd.DataFrame:
    # A real corner of the WD23 layout (data/hex_layout.csv), every comparison label once.
    return pd.DataFrame(
        {
            "area_code": [f"E0501474{i}" for i in range(8)],
            "ward_name": [
                "Sundon Park",
                "Leagrave",
                "Northwell",
                "Bramingham",
                "Lewsey",
                "Poets",
                "Saints",
                "High Town",
            ],
            "q": [1, 0, 1, 2, -1, -1, 1, 2],
            "r": [0, 1, 1, 1, 2, 3, 2, 2],
            "value": [77.1, 78.4, 76.0, 81.2, 79.9, 74.3, 80.5, np.nan],
            "comparison": list(LABEL_ORDER),
        }
    )


def build_all(authority: str = AUTHORITY) -> dict[str, tuple[alt.TopLevelMixin, pd.DataFrame]]:
    """Every chart family, built for the named authority, with the frame each was built from."""
    trend, multiples, groups = trend_frame(authority), multiples_frame(authority), group_frame()
    deprivation, gaps, rug, hexes = deprivation_frame(), gap_frame(), rug_frame(authority), hex_frame()
    return {
        "trend": (
            trend_chart(trend, authority=authority, unit="years", decimals=1, region=REGION),
            trend,
        ),
        "small_multiples": (small_multiples(multiples, authority=authority, columns=2), multiples),
        "group_bar": (
            group_bar_chart(
                groups,
                category_field="category",
                unit="%",
                decimals=1,
                reference_value=64.0,
                reference_label=authority,
            ),
            groups,
        ),
        "deprivation": (
            deprivation_chart(
                deprivation, authority=authority, unit="years", decimals=1, sii_line=(73.9, 82.3)
            ),
            deprivation,
        ),
        "gap": (gap_over_time_chart(gaps, unit="years", decimals=1, verdict="gap narrowing"), gaps),
        "tartan": (tartan_rug(rug, area_order=rug_areas(authority)), rug),
        "hex": (hex_map(hexes, value_field="value", label_field="ward_name"), hexes),
    }


def as_rows(frame: pd.DataFrame) -> list[dict]:
    """The frame as JSON would hold it: missing values as None, numpy scalars as Python."""
    out = []
    for row in frame.to_dict("records"):
        out.append({k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()})
    return out


def with_columns(frame: pd.DataFrame, **changes) -> pd.DataFrame:
    out = frame.copy()
    for column, value in changes.items():
        out[column] = value
    return out


def find(node, predicate):
    """Every dict in a spec for which predicate(dict) is true."""
    hits = []
    if isinstance(node, dict):
        if predicate(node):
            hits.append(node)
        for value in node.values():
            hits.extend(find(value, predicate))
    elif isinstance(node, list):
        for item in node:
            hits.extend(find(item, predicate))
    return hits


def aria_labels(chart, role: str) -> list[dict[str, str]]:
    """The rendered SVG's marks of one kind (bar, rect, symbol, text...) as {field: shown value}."""
    svg = vlc.vegalite_to_svg(chart.to_json())
    labels = re.findall(rf'aria-label="([^"]*)"[^>]*aria-roledescription="{role}"', svg)
    return [dict(part.split(": ", 1) for part in label.split("; ")) for label in labels]


def png_colours(png: bytes) -> tuple[set[str], float]:
    """The exact colours in a rendered PNG and the share of white pixels."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = np.asarray(image).reshape(-1, 3)
    colours = {"#{:02X}{:02X}{:02X}".format(*p) for p in np.unique(pixels, axis=0)}
    white = float(np.mean(np.all(pixels == 255, axis=1)))
    return colours, white


def y_label_order(chart, categories) -> list[str]:
    """The category labels of a rendered chart's y axis, top to bottom."""
    svg = vlc.vegalite_to_svg(chart.to_json())
    labels = re.findall(r'<text[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*>([^<]*)</text>', svg)
    return [text for _, _, text in sorted(labels, key=lambda t: float(t[1])) if text in set(categories)]
