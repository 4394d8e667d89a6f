"""het.charts.gaps: the slope index of inequality over time, with its verdict in words and symbol."""

from __future__ import annotations

import re

import pytest
from chart_frames import aria_labels, build_all, gap_frame

from het.charts import palette
from het.charts.gaps import gap_over_time_chart


def test_gap_over_time_shows_verdict_with_symbol_and_intervals():
    chart, _ = build_all()["gap"]
    spec = chart.to_dict()
    assert "Trend in the gap: ▲ gap narrowing" in spec["title"]["subtitle"]
    points = aria_labels(chart, "point")
    assert [p["Period"] for p in points] == ["2019 - 21", "2018 - 20", "2017 - 19", "2016 - 18"]
    assert points[0]["Slope index of inequality"] == "7.2 years"
    assert points[0]["95% interval"] == "6.1 to 8.3"


def test_gap_over_time_draws_the_sii_in_the_authority_colour():
    chart, _ = build_all()["gap"]
    spec = chart.to_dict()
    lines = [layer for layer in spec["layer"] if layer["mark"]["type"] in ("line", "point")]
    assert lines and all(layer["mark"]["color"] == palette.AUTHORITY_COLOUR for layer in lines)


ERRORS = [
    (
        lambda: gap_over_time_chart(gap_frame(), unit="years", decimals=1, verdict="better"),
        "unknown gap verdict 'better'",
    ),
]


@pytest.mark.parametrize(("build", "message"), ERRORS, ids=[m[:40] for _, m in ERRORS])
def test_gap_over_time_chart_fail_loudly_with_a_domain_message(build, message):
    with pytest.raises((ValueError, TypeError), match=re.escape(message)):
        build()
