"""het.charts.kpi: a KPI's values, its trajectory from baseline to target, the target and the verdict."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc
from chart_frames import aria_labels, find, png_colours

from het.charts import palette
from het.charts.kpi import LABEL_FONT, TRAJECTORY_NOTE, VERDICT_COLOURS, kpi_chart
from het.stats.kpi import (
    NO_DATA,
    NO_TARGET,
    NO_TRAJECTORY,
    OFF_TRACK,
    ON_TRACK,
    SYMBOLS,
    TARGET_MET,
    VERDICTS,
)

# A rising KPI: 55.0% in 2020 to 70.0% by 2030; 62.0% in 2024 is ahead of the 61.0% expected.
BASELINE, TARGET = (2020.0, 55.0), (2030.0, 70.0)


def kpi_points() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "period_label": ["2020", "2021", "2022", "2023", "2024"],
            "time": [2020.0, 2021.0, 2022.0, 2023.0, 2024.0],
            "value": [55.0, 56.2, 58.9, 60.1, 62.0],
        }
    )
    # Shuffled, so that the line's order and the latest point can only come from time.
    return frame.sample(frac=1, random_state=4).reset_index(drop=True)


def build(points=None, **changes):
    args = {
        "baseline": BASELINE,
        "target": TARGET,
        "unit": "%",
        "decimals": 1,
        "name": "Children with a good level of development",
        "verdict": ON_TRACK,
    }
    return kpi_chart(kpi_points() if points is None else points, **{**args, **changes})


def rows(chart, part: str) -> list[dict]:
    """The chart's inline rows of one part (values, trajectory, target, latest)."""
    spec = chart.to_dict()
    (values,) = spec["datasets"].values()
    return [row for row in values if row["part"] == part]


def layer_marks(chart) -> list[tuple[str, str]]:
    """(mark type, the part it draws) for every layer."""
    out = []
    for layer in chart.to_dict()["layer"]:
        part = re.search(r'datum.part === "(\w+)"', layer["transform"][0]["filter"])[1]
        out.append((layer["mark"]["type"], part))
    return out


def svg_texts(chart) -> list[str]:
    """Every line of text in the rendered SVG (a label's lines are tspans of one text element)."""
    svg = vlc.vegalite_to_svg(chart.to_json())
    lines = []
    for text in re.findall(r"<text[^>]*>(.*?)</text>", svg):
        lines += re.findall(r"<tspan[^>]*>(.*?)</tspan>", text) or [text]
    return lines


def test_layers_draw_values_trajectory_target_and_the_labelled_latest_point():
    marks = layer_marks(build())
    assert ("line", "value") in marks and ("point", "value") in marks
    assert ("line", "trajectory") in marks
    assert ("rule", "target") in marks and ("point", "target") in marks and ("text", "target") in marks
    assert ("point", "latest") in marks and ("text", "latest") in marks
    trajectory = next(layer for layer in build().to_dict()["layer"] if layer["mark"]["type"] == "line")
    assert trajectory["mark"]["strokeDash"] == [6, 4]
    assert build().to_dict()["title"]["subtitle"] == TRAJECTORY_NOTE


def test_the_trajectory_runs_from_the_baseline_to_the_target():
    got = [(row["time"], row["value"]) for row in rows(build(), "trajectory")]
    assert got == [BASELINE, TARGET]


def test_values_are_drawn_in_time_order_and_the_latest_is_the_last_in_time():
    values = rows(build(), "value")
    assert [row["time"] for row in values] == [2020.0, 2021.0, 2022.0, 2023.0, 2024.0]
    (latest,) = rows(build(), "latest")
    assert (latest["time"], latest["value"], latest["period_label"]) == (2024.0, 62.0, "2024")


def test_points_without_a_time_or_a_value_are_not_drawn():
    points = kpi_points()
    points.loc[points["time"] == 2024.0, "value"] = np.nan
    points.loc[points["time"] == 2021.0, "time"] = None
    assert [row["time"] for row in rows(build(points), "value")] == [2020.0, 2022.0, 2023.0]
    assert rows(build(points), "latest")[0]["time"] == 2023.0


def test_the_target_and_the_verdict_are_written_as_text():
    (target,) = rows(build(), "target")
    assert target["label"] == "Target 70.0% by 2030"
    (latest,) = rows(build(), "latest")
    assert latest["label"] == "62.0%\n✓ on track"
    texts = svg_texts(build())
    assert "Target 70.0% by 2030" in texts
    assert "62.0%" in texts and "✓ on track" in texts
    spec = build().to_dict()
    assert spec["description"] == (
        "Children with a good level of development: 62.0% in 2024, ✓ on track; Target 70.0% by 2030"
    )


def test_target_period_labels_the_target():
    (target,) = rows(build(target_period="2030/31"), "target")
    assert target["label"] == "Target 70.0% by 2030/31"


@pytest.mark.parametrize("verdict", VERDICTS)
def test_every_verdict_has_its_symbol_and_words_beside_its_colour(verdict):
    chart = build(verdict=verdict)
    (latest,) = rows(chart, "latest")
    if verdict == NO_DATA:
        assert latest["label"] == "– no data\nafter 2024"
    else:
        assert latest["label"] == f"62.0%\n{SYMBOLS[verdict]} {verdict}"
    ring = next(
        layer["mark"]
        for layer in chart.to_dict()["layer"]
        if layer["mark"]["type"] == "point" and "latest" in layer["transform"][0]["filter"]
    )
    assert ring["color"] == VERDICT_COLOURS[verdict]


def test_verdict_colours_are_the_palettes_and_good_news_is_never_orange():
    assert set(VERDICT_COLOURS) == set(VERDICTS)
    assert VERDICT_COLOURS[ON_TRACK] == palette.COMPARISON_COLOURS["better"]
    assert VERDICT_COLOURS[TARGET_MET] == palette.COMPARISON_COLOURS["much better"]
    assert VERDICT_COLOURS[OFF_TRACK] == palette.COMPARISON_COLOURS["much worse"]
    assert VERDICT_COLOURS[NO_TARGET] == VERDICT_COLOURS[NO_TRAJECTORY] == palette.MUTED


def test_tooltips_name_the_kpi_period_value_and_verdict():
    # Each point's aria-label starts with its x and y ('time', '%'), then the tooltip's fields.
    points = [{k: v for k, v in p.items() if k not in ("time", "%")} for p in aria_labels(build(), "point")]
    latest = [p for p in points if p.get("Verdict")]
    assert latest == [
        {
            "KPI": "Children with a good level of development",
            "Period": "2024",
            "Value": "62.0%",
            "Verdict": "✓ on track",
        }
    ]
    assert {"KPI": "Children with a good level of development", "Period": "2022", "Value": "58.9%"} in points
    assert {"Target": "Target 70.0% by 2030"} in points
    assert {"Trajectory from": "Baseline", "Value": "55.0%"} in points


def test_x_is_in_decimal_years_with_whole_year_labels():
    chart = build()
    axis = next(d["axis"] for d in find(chart.to_dict(), lambda d: d.get("field") == "time" and "axis" in d))
    assert axis["format"] == "d"
    assert all(isinstance(year, int) for year in axis["values"])
    assert axis["values"] == [2020, 2022, 2024, 2026, 2028, 2030]  # 320 pixels: a label every 2 years
    texts = svg_texts(chart)
    assert "2030" in texts and "2,030" not in texts
    # A quarter sits between its years; the labels stay whole years.
    points = pd.DataFrame({"period_label": ["Q1 2024/25"], "time": [2024.25], "value": [61.5]})
    axis = next(
        d["axis"] for d in find(build(points).to_dict(), lambda d: d.get("field") == "time" and "axis" in d)
    )
    assert all(isinstance(year, int) for year in axis["values"])


def test_without_a_baseline_there_is_no_trajectory_but_the_target_stays():
    chart = build(baseline=None, verdict=NO_TRAJECTORY)
    marks = layer_marks(chart)
    assert not any(part == "trajectory" for _, part in marks)
    assert ("text", "target") in marks
    assert not chart.to_dict()["title"].get("subtitle")
    assert "? no baseline to judge progress" in svg_texts(chart)


def test_without_a_target_there_is_no_target_or_trajectory():
    chart = build(target=None, verdict=NO_TARGET)
    assert {part for _, part in layer_marks(chart)} == {"value", "latest"}
    assert rows(chart, "target") == [] and rows(chart, "trajectory") == []
    assert "○ no target" in svg_texts(chart)


def test_with_no_latest_value_the_last_point_says_no_data_after_it_and_has_no_ring():
    points = pd.DataFrame({"period_label": ["2019/20"], "time": [2019.0], "value": [1349.0]})
    chart = build(
        points, baseline=(2019.0, 1349.0), target=(2025.0, 1000.0), unit="number", decimals=0, verdict=NO_DATA
    )
    assert [t for t in svg_texts(chart) if "no data" in t or "after" in t] == ["– no data", "after 2019/20"]
    ring = next(
        layer
        for layer in chart.to_dict()["layer"]
        if layer["mark"]["type"] == "point" and "latest" in layer["transform"][0]["filter"]
    )
    assert ring["encoding"]["opacity"] == {"value": 0}
    assert chart.to_dict()["description"] == (
        "Children with a good level of development: – no data after 1,349 in 2019/20; Target 1,000 by 2025"
    )


def test_the_latest_label_goes_where_it_covers_no_line():
    # Ahead of a rising line: right of the point the dashed line climbs into the label, so it goes
    # up and to the left, clear of the values below it.
    label = next(
        layer["mark"]
        for layer in build().to_dict()["layer"]
        if layer["mark"]["type"] == "text" and "latest" in layer["transform"][0]["filter"]
    )
    assert (label["align"], label["baseline"]) == ("right", "bottom")
    assert label["font"] == LABEL_FONT
    # Lowest and last, at the chart's right edge, after the target period: below and to the left.
    points = pd.DataFrame(
        {
            "period_label": [str(year) for year in range(2018, 2025)],
            "time": [float(year) for year in range(2018, 2025)],
            "value": [30.0, 28.0, 26.5, 25.0, 24.0, 23.0, 22.0],
        }
    )
    chart = build(points, baseline=(2018.0, 30.0), target=(2023.0, 24.0), verdict=TARGET_MET)
    label = next(
        layer["mark"]
        for layer in chart.to_dict()["layer"]
        if layer["mark"]["type"] == "text" and "latest" in layer["transform"][0]["filter"]
    )
    assert (label["align"], label["baseline"]) == ("right", "top")


def test_renders_to_svg_and_png_with_the_verdict_colour():
    chart = build()
    svg = vlc.vegalite_to_svg(chart.to_json())
    assert svg.startswith("<svg")
    png = vlc.vegalite_to_png(chart.to_json(), scale=2)
    with open("/tmp/het_kpi_test.png", "wb") as out:
        out.write(png)
    colours, _ = png_colours(png)
    assert {VERDICT_COLOURS[ON_TRACK], palette.AUTHORITY_COLOUR} <= colours


ERRORS = [
    (lambda: build(kpi_points().drop(columns="time")), ValueError, "kpi_chart needs column(s) time"),
    (lambda: build(kpi_points().iloc[0:0]), ValueError, "kpi_chart needs at least one row"),
    (
        lambda: build(kpi_points().to_dict("records")),
        TypeError,
        "kpi_chart needs a pandas DataFrame; got list",
    ),
    (
        lambda: build(kpi_points().assign(value=np.nan)),
        ValueError,
        "kpi_chart needs at least one point with a time and a value",
    ),
    (
        lambda: build(kpi_points().assign(time="2024/25")),
        ValueError,
        "kpi_chart: points' time must be numbers",
    ),
    (
        lambda: build(verdict="behind"),
        ValueError,
        "kpi_chart: unknown verdict 'behind'; expected one of target met, on track, off track",
    ),
    (lambda: build(name=" "), ValueError, "kpi_chart needs the KPI's name; got ' '"),
    (
        lambda: build(baseline=(2020.0,)),
        ValueError,
        "kpi_chart: baseline must be (time, value) or None; got (2020.0,)",
    ),
    (
        lambda: build(target=(2030.0, float("nan"))),
        ValueError,
        "kpi_chart: target must be (time, value) with both numbers; got (2030.0, nan)",
    ),
    (
        lambda: build(target=(2019.0, 70.0)),
        ValueError,
        "kpi_chart: the target's time 2019 is not after the baseline's time 2020",
    ),
]


@pytest.mark.parametrize(("build_chart", "error", "message"), ERRORS, ids=[m[:40] for _, _, m in ERRORS])
def test_kpi_chart_fails_loudly_with_a_domain_message(build_chart, error, message):
    with pytest.raises(error, match=re.escape(message)):
        build_chart()
