"""het.charts.funnel: wards around the authority's value inside the 95% and 99.8% control limits."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc
from chart_frames import aria_labels, find

from het.charts import palette
from het.charts.funnel import SIGNIFICANCE_SYMBOLS, funnel_plot
from het.stats.funnel import (
    ABOVE_95,
    ABOVE_998,
    BELOW_95,
    BELOW_998,
    SIGNIFICANCE_ORDER,
    WITHIN,
    funnel_curve,
    funnel_significance,
)

TARGET = 20.0  # per cent
# At n = 100 the limits around 20% are 12.16 to 27.84 (95%) and 7.64 to 32.36 (99.8%) (tests/stats).
WARDS = [
    ("Biscot", 35.0, 100),
    ("Dallow", 30.0, 100),
    ("Farley", 21.0, 100),
    ("High Town", 10.0, 100),
    ("Lewsey", 5.0, 100),
    ("Icknield", 19.0, 400),
    ("Sundon Park", np.nan, 250),
]


def ward_points(rows=WARDS) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["area_name", "value", "denominator"])
    frame["significance"] = funnel_significance(
        frame["value"], frame["denominator"], target=TARGET, statistic="proportion", multiplier=100
    )
    return frame


def curves(max_denominator=500) -> pd.DataFrame:
    return funnel_curve(
        target=TARGET,
        statistic="proportion",
        multiplier=100,
        min_denominator=20,
        max_denominator=max_denominator,
    )


def plot(points=None, authority="Luton", **kwargs):
    points = ward_points() if points is None else points
    kwargs = {"curves": curves(), "target": TARGET, "unit": "%", "decimals": 1, "x_title": "Pupils"} | kwargs
    return funnel_plot(points, authority=authority, **kwargs)


def layer_of(spec: dict, mark: str) -> dict:
    (layer,) = [layer for layer in spec["layer"] if layer["mark"]["type"] == mark]
    return layer


def test_the_points_cover_every_label():
    assert list(ward_points()["significance"]) == [
        ABOVE_998,
        ABOVE_95,
        WITHIN,
        BELOW_95,
        BELOW_998,
        WITHIN,
        "not compared",
    ]


def test_spec_has_limit_lines_target_rule_and_label_and_ward_points():
    spec = plot().to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "rule", "text", "point"]
    rule = layer_of(spec, "rule")
    assert rule["encoding"]["y"] == {"datum": TARGET}
    text = layer_of(spec, "text")
    assert text["encoding"]["text"] == {"value": "Luton: 20.0%"}
    assert text["encoding"]["y"] == {"datum": TARGET}


def test_the_data_holds_every_ward_including_the_one_not_drawn():
    spec = plot().to_dict()
    rows = spec["datasets"][spec["data"]["name"]]
    assert [row["area_name"] for row in rows] == [name for name, _, _ in WARDS]
    assert rows[-1]["value"] is None and rows[-1]["significance"] == "not compared"
    # it is not drawn, and the subtitle says so by name
    assert spec["title"]["subtitle"] == "Not drawn (no value or no denominator): Sundon Park"
    points = layer_of(spec, "point")
    assert points["transform"][0]["filter"] == 'isValid(datum["value"]) && isValid(datum["denominator"])'


def test_the_curves_are_inline_and_dashed_by_level():
    spec = plot().to_dict()
    lines = layer_of(spec, "line")
    frame = curves()
    assert lines["data"]["values"] == frame.to_dict("records")
    assert lines["transform"][0]["fold"] == ["lower95", "upper95", "lower998", "upper998"]
    dash = lines["encoding"]["strokeDash"]["scale"]
    assert dash["domain"] == ["95% control limits", "99.8% control limits"]
    assert dash["range"][0] != dash["range"][1]
    assert lines["encoding"]["detail"]["field"] == "limit"


def test_shape_and_colour_both_differ_by_significance():
    spec = plot().to_dict()
    encoding = layer_of(spec, "point")["encoding"]
    drawn = [ABOVE_998, ABOVE_95, WITHIN, BELOW_95, BELOW_998]
    for channel in ("shape", "fill", "stroke"):
        assert encoding[channel]["field"] == "significance"
        assert encoding[channel]["scale"]["domain"] == drawn
    shapes = encoding["shape"]["scale"]["range"]
    colours = list(zip(encoding["fill"]["scale"]["range"], encoding["stroke"]["scale"]["range"], strict=True))
    assert len(set(shapes)) == 5
    assert len(set(colours)) == 5
    # above is the no-judgement 'higher' colour and below 'lower', never better/worse blue or orange
    used = {c for pair in colours for c in pair}
    assert palette.COMPARISON_COLOURS["higher"] in used and palette.COMPARISON_COLOURS["lower"] in used
    assert not used & {
        palette.COMPARISON_COLOURS[label] for label in ("better", "worse", "much better", "much worse")
    }
    # one legend for the three channels, with the text symbol beside each label
    legends = [encoding[channel]["legend"] for channel in ("shape", "fill", "stroke")]
    assert legends[0] == legends[1] == legends[2]
    assert legends[0]["title"] == "Compared with Luton"
    assert json.dumps(SIGNIFICANCE_SYMBOLS, ensure_ascii=False) in legends[0]["labelExpr"]


def test_rendered_points_carry_ward_value_denominator_and_significance():
    points = aria_labels(plot(), "point")
    assert [p["Ward"] for p in points] == ["Biscot", "Dallow", "Farley", "High Town", "Lewsey", "Icknield"]
    biscot = points[0]
    assert biscot["Value"] == "35.0%"
    assert biscot["Pupils"] == "100"
    tooltip = layer_of(plot().to_dict(), "point")["encoding"]["tooltip"]
    assert [t["title"] for t in tooltip] == ["Ward", "Value", "Pupils", "Compared with Luton"]
    assert [t["field"] for t in tooltip] == [
        "area_name",
        "value_text",
        "denominator_text",
        "significance_text",
    ]
    (denominator_text,) = [t for t in plot().to_dict()["transform"] if t.get("as") == "denominator_text"]
    assert '",.0f"' in denominator_text["calculate"]  # 90,000 in the tooltip
    assert biscot["Compared with Luton"] == "△△ above the 99.8% limit"
    assert points[3]["Compared with Luton"] == "▽ below the 95% limit"


def test_svg_draws_the_four_limits_the_target_and_its_label():
    svg = vlc.vegalite_to_svg(plot().to_json())
    assert len(re.findall(r'aria-roledescription="line mark"', svg)) == 4
    assert "Luton: 20.0%" in svg
    assert "95% control limits" in svg and "99.8% control limits" in svg
    assert "above the 99.8% limit" in svg  # the legend


def test_no_luton_in_a_chart_drawn_for_another_authority():
    points = ward_points()
    # the ward names are Luton's, so draw wards named neutrally to look for the authority's name alone
    neutral = points.assign(area_name=[f"Ward {i}" for i in range(len(points))])
    elsewhere = json.dumps(plot(neutral, authority="Elsewhere").to_dict(), ensure_ascii=False)
    assert "Luton" not in elsewhere
    assert "Elsewhere: 20.0%" in elsewhere and "Compared with Elsewhere" in elsewhere
    # and the same chart for Luton does name it, so the check above can fail
    assert "Luton" in json.dumps(plot(neutral, authority="Luton").to_dict(), ensure_ascii=False)


def test_log_axis_when_denominators_span_more_than_two_orders_of_magnitude():
    wide = ward_points([("A", 21.0, 50), ("B", 19.5, 8000), ("C", 20.2, 60000)])
    chart = plot(wide, curves=curves(max_denominator=70000))
    x_scales = [
        d["scale"] for d in find(chart.to_dict(), lambda d: d.get("field") == "denominator" and "scale" in d)
    ]
    assert x_scales and all(s["type"] == "log" for s in x_scales)
    assert x_scales[0]["domain"] == [20.0, 70000.0]
    narrow = plot()  # 100 to 400
    scales = [
        d["scale"] for d in find(narrow.to_dict(), lambda d: d.get("field") == "denominator" and "scale" in d)
    ]
    assert all("type" not in s for s in scales)
    forced = plot(log_x=True)
    scales = [
        d["scale"] for d in find(forced.to_dict(), lambda d: d.get("field") == "denominator" and "scale" in d)
    ]
    assert all(s["type"] == "log" for s in scales)
    vlc.vegalite_to_svg(chart.to_json())  # and it draws


def test_y_axis_covers_the_wards_and_the_funnel_at_their_denominators_not_beyond():
    # Curves from a denominator of 1 reach 0% and 100%; the axis follows the wards (n >= 100) instead.
    chart = plot(
        curves=funnel_curve(target=TARGET, statistic="proportion", multiplier=100, max_denominator=500)
    )
    spec = chart.to_dict()
    low, high = layer_of(spec, "point")["encoding"]["y"]["scale"]["domain"]
    assert 0 <= low <= 5.0 and 35.0 < high < 60
    assert layer_of(spec, "line")["mark"]["clip"] is True


def test_a_rate_funnel_draws():
    n = np.array([800, 5000, 20000, 90000])
    values = np.array([900.0, 450.0, 380.0, 520.0])
    points = pd.DataFrame({"area_name": list("ABCD"), "value": values, "denominator": n})
    points["significance"] = funnel_significance(values, n, target=400, statistic="rate", multiplier=100_000)
    rate_curves = funnel_curve(
        target=400, statistic="rate", multiplier=100_000, min_denominator=500, max_denominator=1e5
    )
    chart = funnel_plot(
        points,
        rate_curves,
        target=400,
        unit="per 100,000",
        decimals=1,
        authority="Elsewhere",
        x_title="Population",
    )
    drawn = aria_labels(chart, "point")
    assert [p["Value"] for p in drawn] == [
        "900.0 per 100,000",
        "450.0 per 100,000",
        "380.0 per 100,000",
        "520.0 per 100,000",
    ]
    assert drawn[3]["Population"] == "90000"  # the x position, as the screen reader hears it


def test_every_significance_label_has_a_symbol():
    assert set(SIGNIFICANCE_SYMBOLS) == set(SIGNIFICANCE_ORDER)


ERRORS = [
    (lambda: plot(ward_points().drop(columns="significance")), "funnel_plot needs column(s) significance"),
    (lambda: plot(curves=curves().drop(columns="upper998")), "funnel_plot needs column(s) upper998"),
    (lambda: plot(target=float("nan")), "funnel_plot needs a finite target; got nan"),
    (
        lambda: plot(authority="England"),
        "funnel_plot: authority cannot be 'England'; England is the benchmark",
    ),
    (
        lambda: plot(authority=" "),
        "funnel_plot needs authority, the authority's series name (its area name); got ' '",
    ),
    (
        lambda: plot(ward_points().assign(significance="similar")),
        "funnel_plot: unknown significance label(s) 'similar'; expected above the 99.8% limit, "
        "above the 95% limit, within the 95% limits, below the 95% limit, below the 99.8% limit, not compared",
    ),
    (
        lambda: plot(ward_points().assign(significance=None)),
        "funnel_plot: significance is missing in row 1; use 'not compared'",
    ),
    (
        lambda: plot(ward_points([("A", np.nan, 100)])),
        "funnel_plot needs at least one ward with a value and a denominator",
    ),
    (
        lambda: plot(ward_points().assign(denominator=0.0).assign(significance=WITHIN)),
        "funnel_plot needs denominators greater than 0",
    ),
]


@pytest.mark.parametrize(("call", "message"), ERRORS, ids=[message for _, message in ERRORS])
def test_error_messages(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()
