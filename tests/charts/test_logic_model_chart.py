"""het.charts.logic_model: a workstream's logic model, its layout worked by hand, its checks and its drawing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc
from chart_frames import find, png_colours

from het.charts import logic_model
from het.charts.data import chart_data
from het.charts.logic_model import (
    MEASURED_PREFIX,
    PLACEHOLDER,
    STAGES,
    WRAP,
    logic_model_chart,
    logic_model_layout,
)


def items_frame(*rows: tuple) -> pd.DataFrame:
    """Items from (item_id, stage, seq, text) or (..., measured_by, indicator_id) tuples."""
    full = [row if len(row) == 6 else (*row, "", "") for row in rows]
    return pd.DataFrame(full, columns=["item_id", "stage", "seq", "text", "measured_by", "indicator_id"])


def links_frame(*pairs: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(list(pairs), columns=["from_item", "to_item"])


def workstream() -> tuple[pd.DataFrame, pd.DataFrame]:
    """One workstream's model: 2 inputs, 3 activities, 2 outputs, 3 outcomes, 1 impact; two items measured."""
    items = items_frame(
        (
            "in1",
            "inputs",
            1,
            "Partner organisations working together in the workstream, supported by public health",
        ),
        ("in2", "inputs", 2, "Public health grant funding for workforce wellbeing and a programme officer"),
        ("ac1", "activities", 1, "Wider workforce wellbeing through Good Business Charter accreditation"),
        ("ac2", "activities", 2, "Anchor-institution coaching and cultural-competency training"),
        (
            "ac3",
            "activities",
            3,
            "Scoping a WorkWell programme with the ICS, OHID and DWP for economically inactive people "
            "and people with long-term conditions",
        ),
        ("op1", "outputs", 1, "Employers accredited by the Good Business Charter"),
        ("op2", "outputs", 2, "People referred to WorkWell support"),
        (
            "oc1",
            "outcomes",
            1,
            "More residents in good, secure work paying the real living wage",
            "KPI: employees paid below the real living wage",
            "",
        ),
        ("oc2", "outcomes", 2, "Fewer people economically inactive because of long-term sickness"),
        (
            "oc3",
            "outcomes",
            3,
            "Fewer children growing up in workless households",
            "Infant mortality; KPI: children in absolute poverty",
            "93560",
        ),
        ("im1", "impact", 1, "Fair employment and good work for all (Marmot principle 3)"),
    )
    links = links_frame(
        ("in1", "ac1"),
        ("in1", "ac2"),
        ("in2", "ac3"),
        ("ac1", "op1"),
        ("ac3", "op2"),
        ("op1", "oc1"),
        ("op2", "oc2"),
        ("oc1", "im1"),
        ("oc2", "im1"),
        ("oc3", "im1"),
        ("ac2", "oc3"),
    )
    return items, links


def box(boxes: pd.DataFrame, item_id: str) -> pd.Series:
    return boxes.set_index("item_id").loc[item_id]


# -- layout ---------------------------------------------------------------------------------------------------


def test_a_small_model_is_placed_as_worked_by_hand():
    # Inputs: one box with two links out, so PORT_STEP sets its height: (2 + 1) * 0.9 = 2.7 lines.
    # Activities: two one-line boxes, 2 * 0.6 + 1 = 2.2 lines each, with a 1.2-line gap: 5.6 lines, the
    # tallest stack, starting under the 2.4-line header. The inputs box is centred on it:
    # 2.4 + (5.6 - 2.7) / 2 = 3.85. Columns: stage i centred at i + 0.5, boxes 0.82 wide.
    items = items_frame(
        ("i1", "inputs", 1, "Staff"), ("a1", "activities", 2, "Later"), ("a2", "activities", 1, "First")
    )
    boxes, links = logic_model_layout(items, links_frame(("i1", "a1"), ("i1", "a2")))
    i1, a1, a2 = (box(boxes, name) for name in ("i1", "a1", "a2"))
    assert (i1["x1"], i1["x"], i1["x2"]) == pytest.approx((0.09, 0.5, 0.91))
    assert (i1["y1"], i1["y2"], i1["height"]) == pytest.approx((3.85, 6.55, 2.7))
    assert (a2["x1"], a2["y1"], a2["y2"]) == pytest.approx((1.09, 2.4, 4.6))  # seq 1 on top
    assert (a1["y1"], a1["y2"]) == pytest.approx((5.8, 8.0))
    assert (a2["text_y"], a2["width"]) == pytest.approx((3.0, 0.82))
    # The link to the upper box leaves from the upper third of i1's edge: 3.85 + 2.7 / 3 = 4.75, and enters
    # a2 in the middle of its left edge (3.5), after a straight run of 0.035.
    upper = links[links["to_item"] == "a2"].sort_values("segment")
    points = upper[["x1", "y1", "x2", "y2"]].to_numpy(dtype=float)
    assert points == pytest.approx(
        np.array([[0.91, 4.75, 0.945, 4.75], [0.945, 4.75, 1.055, 3.5], [1.055, 3.5, 1.09, 3.5]])
    )
    assert upper["head"].tolist() == [False, False, True]
    lower = links[links["to_item"] == "a1"]
    assert lower["y1"].iloc[0] == pytest.approx(5.65) and lower["y2"].iloc[-1] == pytest.approx(6.9)


def test_stages_run_left_to_right_and_items_top_to_bottom_by_seq():
    items, links = workstream()
    shuffled = items.sample(frac=1, random_state=7)
    boxes, _ = logic_model_layout(shuffled, links)
    assert list(dict.fromkeys(boxes["stage"])) == list(STAGES)
    assert boxes.groupby("stage", sort=False)["x"].first().tolist() == [0.5, 1.5, 2.5, 3.5, 4.5]
    for _, stage in boxes.groupby("stage"):
        ordered = stage.sort_values("y1")
        assert ordered["seq"].tolist() == sorted(stage["seq"])
        assert (ordered["y1"].iloc[1:].to_numpy() > ordered["y2"].iloc[:-1].to_numpy()).all()  # no overlap
    assert boxes["stage_title"].drop_duplicates().tolist() == list(STAGES.values())
    assert boxes["stage_index"].drop_duplicates().tolist() == [0, 1, 2, 3, 4]


def test_long_text_wraps_at_28_characters_and_five_lines_with_the_full_text_kept():
    long = " ".join(["Co-produced evaluation of partnership working with residents"] * 4)
    items = items_frame(("a", "inputs", 1, long), ("b", "inputs", 2, "Short text"))
    boxes, _ = logic_model_layout(items, links_frame())
    lines = box(boxes, "a")["text_lines"]
    assert len(lines) == 5 and all(len(line) <= WRAP for line in lines)
    assert lines[:2] == ["Co-produced evaluation of", "partnership working with"]
    assert lines[-1].endswith(" …")
    assert box(boxes, "a")["text"] == long
    assert box(boxes, "a")["label"] == "\n".join(lines)
    assert box(boxes, "b")["text_lines"] == ["Short text"]
    # Five lines and the padding: 2 * 0.6 + 5.
    assert box(boxes, "a")["height"] == pytest.approx(6.2)
    narrow, _ = logic_model_layout(items, links_frame(), wrap=16)
    assert all(len(line) <= 16 for line in box(narrow, "a")["text_lines"])


def test_an_empty_stage_gets_its_column_and_a_not_yet_recorded_box():
    items = items_frame(("i1", "inputs", 1, "Staff"), ("im", "impact", 1, "Fair work for all"))
    boxes, links = logic_model_layout(items, links_frame(("i1", "im")))
    placeholders = boxes[boxes["placeholder"]]
    assert placeholders["stage"].tolist() == ["activities", "outputs", "outcomes"]
    assert placeholders["text_lines"].tolist() == [[PLACEHOLDER]] * 3
    assert (placeholders["item_id"] == "").all() and not placeholders["measured"].any()
    assert placeholders["text"].iloc[0] == "Not yet recorded: the workstream's material names no activities"
    # A model with nothing recorded at all is five placeholders, and nothing else.
    empty, none = logic_model_layout(items_frame(), links_frame())
    assert empty["placeholder"].all() and len(empty) == 5 and none.empty
    # The link from inputs to impact would cross the placeholders, so it goes round underneath them.
    assert (links["route"] == "below").all()


def test_links_start_on_the_right_edge_and_end_on_the_left_edge_of_their_boxes():
    items, links = workstream()
    boxes, segments = logic_model_layout(items, links)
    assert segments["link"].nunique() == len(links)
    for _, link in segments.groupby("link"):
        link = link.sort_values("segment")
        source, target = box(boxes, link["from_item"].iloc[0]), box(boxes, link["to_item"].iloc[0])
        first, last = link.iloc[0], link.iloc[-1]
        assert first["x1"] == pytest.approx(source["x2"]) and source["y1"] < first["y1"] < source["y2"]
        assert last["x2"] == pytest.approx(target["x1"]) and target["y1"] < last["y2"] < target["y2"]
        assert (
            last["y1"] == pytest.approx(last["y2"]) and last["x1"] < last["x2"]
        )  # the arrowhead points right
        assert link["head"].tolist() == [False] * (len(link) - 1) + [True]
        # The segments join up, end to start.
        ends = link[["x2", "y2"]].to_numpy(dtype=float)[:-1]
        starts = link[["x1", "y1"]].to_numpy(dtype=float)[1:]
        assert ends == pytest.approx(starts)
    # Three links into the impact box end at three different places on its edge.
    into_impact = segments[segments["head"] & (segments["to_item"] == "im1")]
    assert into_impact["y2"].nunique() == 3


def points_inside(segments: pd.DataFrame, boxes: pd.DataFrame) -> list[tuple[str, str]]:
    """Links of which some point lies inside a box (not just on its edge)."""
    hits = []
    for row in segments.itertuples():
        for step in range(1, 100):
            t = step / 100
            px, py = row.x1 + t * (row.x2 - row.x1), row.y1 + t * (row.y2 - row.y1)
            inside = (boxes["x1"] + 1e-6 < px) & (px < boxes["x2"] - 1e-6)
            inside &= (boxes["y1"] + 1e-6 < py) & (py < boxes["y2"] - 1e-6)
            if inside.any():
                hits.append((row.from_item, row.to_item))
                break
    return hits


def test_no_link_runs_through_a_box_and_skipping_links_go_round_only_when_they_must():
    items = items_frame(
        ("a1", "activities", 1, "Top activity"),
        ("a2", "activities", 2, "Middle activity"),
        ("a3", "activities", 3, "Bottom activity"),
        ("p1", "outputs", 1, "The one output, centred"),
        ("o1", "outcomes", 1, "Top outcome"),
        ("o2", "outcomes", 2, "Middle outcome"),
        ("o3", "outcomes", 3, "Bottom outcome"),
    )
    links = links_frame(("a1", "o1"), ("a2", "o2"), ("a3", "o3"), ("a2", "p1"))
    boxes, segments = logic_model_layout(items, links)
    routes = segments.drop_duplicates("link").set_index("to_item")["route"].to_dict()
    # The top and bottom rows pass clear of the centred output; the middle one would cross it.
    assert routes == {"o1": "direct", "o2": "below", "o3": "direct", "p1": "direct"}
    under = segments[(segments["to_item"] == "o2") & (segments["y1"] == segments["y2"])]
    assert (under["y1"] > boxes["y2"].max()).any()
    assert points_inside(segments, boxes) == []
    _, example = logic_model_layout(*workstream())
    assert points_inside(example, logic_model_layout(*workstream())[0]) == []


def test_links_under_the_boxes_never_share_a_line():
    items = items_frame(
        ("i1", "inputs", 1, "Input"),
        ("a1", "activities", 1, "Activity"),
        ("o1", "outputs", 1, "Output"),
        ("m1", "impact", 1, "Impact"),
    )
    boxes, segments = logic_model_layout(items, links_frame(("i1", "m1"), ("a1", "m1"), ("i1", "o1")))
    under = segments[segments["route"] == "below"]
    assert set(under["link"]) == {0, 1, 2}
    vertical = under[(under["x1"] == under["x2"]) & (under["y1"] != under["y2"])]
    assert vertical["x1"].round(9).nunique() == len(vertical) == 6
    lanes = under[(under["y1"] == under["y2"]) & (under["y1"] > boxes["y2"].max())]
    assert lanes["y1"].nunique() == 3
    # Shorter spans run nearer the boxes: inputs to outputs above activities to impact above inputs to impact.
    lane_of = lanes.set_index("link")["y1"]
    assert lane_of[2] < lane_of[1] < lane_of[0]


def test_measured_items_say_so_in_text():
    boxes, _ = logic_model_layout(*workstream())
    oc3, oc1, oc2 = box(boxes, "oc3"), box(boxes, "oc1"), box(boxes, "oc2")
    assert oc3["measured"] and oc1["measured"] and not oc2["measured"]
    assert oc3["measure_label"] == "► measured by Infant\nmortality; KPI: children in\nabsolute poverty"
    assert oc3["measure_text"] == "Infant mortality; KPI: children in absolute poverty"
    assert oc3["indicator_id"] == "93560" and oc1["indicator_id"] == ""
    assert oc2["measure_label"] == "" and oc2["measure_text"] == "No indicator or KPI recorded"
    assert oc3["measure_y"] == pytest.approx(oc3["text_y"] + len(oc3["text_lines"]) + 0.4)
    # An indicator with no words for it is still a measurement, said without its id.
    only_id = items_frame(("x", "outcomes", 1, "Better health", "", "90362"))
    assert box(logic_model_layout(only_id, links_frame())[0], "x")["measure_label"] == (
        MEASURED_PREFIX + "a catalogue\nindicator"
    )


def test_measured_by_and_indicator_id_are_optional():
    items = items_frame(("a", "inputs", 1, "Staff"), ("b", "impact", 1, "Good work"))
    bare = items[["item_id", "stage", "seq", "text"]].assign(measured_by=[None, float("nan")])
    boxes, _ = logic_model_layout(bare.drop(columns="measured_by"), links_frame(("a", "b")))
    assert not boxes["measured"].any() and (boxes["measured_by"] == "").all()
    boxes, _ = logic_model_layout(bare, links_frame(("a", "b")))
    assert not boxes["measured"].any() and (boxes["indicator_id"] == "").all()


def bad_items(**changes) -> pd.DataFrame:
    items, _ = workstream()
    items = items.astype(object)
    for column, (row, value) in changes.items():
        items.loc[row, column] = value
    return items


ERRORS = [
    (
        lambda: logic_model_layout(bad_items(stage=(2, "resources")), workstream()[1]),
        "logic_model_layout: item 'ac1' has unknown stage 'resources'; "
        "expected one of inputs, activities, outputs, outcomes, impact",
    ),
    (
        lambda: logic_model_layout(workstream()[0], links_frame(("in1", "ac9"))),
        "logic_model_layout: the link from 'in1' to 'ac9' names unknown item 'ac9'",
    ),
    (
        lambda: logic_model_layout(workstream()[0], links_frame(("zz", "ac1"))),
        "logic_model_layout: the link from 'zz' to 'ac1' names unknown item 'zz'",
    ),
    (
        lambda: logic_model_layout(workstream()[0], links_frame(("oc1", "ac2"))),
        "logic_model_layout: the link from 'oc1' (outcomes) to 'ac2' (activities) goes backwards; "
        "a link goes from a stage to a later one",
    ),
    (
        lambda: logic_model_layout(workstream()[0], links_frame(("ac1", "ac2"))),
        "logic_model_layout: the link from 'ac1' (activities) to 'ac2' (activities) goes backwards",
    ),
    (
        lambda: logic_model_layout(workstream()[0], links_frame(("in1", "ac1"), ("in1", "ac1"))),
        "logic_model_layout: the link from 'in1' to 'ac1' appears twice",
    ),
    (
        lambda: logic_model_layout(bad_items(item_id=(1, "in1")), links_frame()),
        "logic_model_layout: item 'in1' appears twice",
    ),
    (
        lambda: logic_model_layout(bad_items(seq=(3, 1)), links_frame()),
        "logic_model_layout: items 'ac1', 'ac2' share seq 1 in stage 'activities'",
    ),
    (
        lambda: logic_model_layout(bad_items(seq=(0, "first")), links_frame()),
        "logic_model_layout: item 'in1' needs a whole-number seq; got 'first'",
    ),
    (
        lambda: logic_model_layout(bad_items(text=(5, " ")), links_frame()),
        "logic_model_layout: item 'op1' has no text",
    ),
    (
        lambda: logic_model_layout(bad_items(item_id=(4, None)), links_frame()),
        "logic_model_layout: item_id is missing in item row 5",
    ),
    (
        lambda: logic_model_layout(workstream()[0].drop(columns="seq"), links_frame()),
        "logic_model_layout needs items column(s) seq; the frame has item_id, stage, text",
    ),
    (
        lambda: logic_model_layout(workstream()[0], pd.DataFrame({"source": ["in1"]})),
        "logic_model_layout needs links column(s) from_item, to_item; the frame has source",
    ),
    (
        lambda: logic_model_layout([("in1", "inputs")], links_frame()),
        "logic_model_layout needs items as a pandas DataFrame; got list",
    ),
    (
        lambda: logic_model_layout(*workstream(), wrap=8),
        "logic_model_layout: wrap must be a whole number of at least 16; got 8",
    ),
    (
        lambda: logic_model_chart(*workstream(), width=600),
        "logic_model_chart needs a width of at least 720 pixels for its text; got 600",
    ),
]


@pytest.mark.parametrize(("build", "message"), ERRORS, ids=[m[:60] for _, m in ERRORS])
def test_the_logic_model_fails_loudly_with_a_domain_message(build, message):
    with pytest.raises((ValueError, TypeError), match=re.escape(message)):
        build()


# -- drawing --------------------------------------------------------------------------------------------------


def svg_lines(chart) -> list[str]:
    """Every line of text a reader sees in the rendered SVG (one per tspan, or the whole text)."""
    svg = vlc.vegalite_to_svg(chart.to_json())
    lines = []
    for body in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S):
        parts = re.findall(r"<tspan[^>]*>(.*?)</tspan>", body) or [body]
        lines.extend(part.replace("&amp;", "&").replace("&apos;", "'") for part in parts)
    return lines


def test_the_spec_holds_every_item_and_the_logic_pick_selection():
    items, links = workstream()
    chart = logic_model_chart(items, links, title="Employment, Skills and Work")
    spec = chart.to_dict()
    rows = chart_data(spec)  # one dataset: stage titles, boxes, link segments and the key
    box_rows = [row for row in rows if row["part"] == "box"]
    assert sorted(row["text"] for row in box_rows) == sorted(items["text"])
    assert {row["part"] for row in rows} == {"stage", "flow", "box", "link", "key"}
    text = json.dumps(spec, ensure_ascii=False)
    assert all(item in text for item in items["text"])
    (param,) = spec["params"]
    assert param["name"] == "logic_pick"
    assert param["select"] == {"type": "point", "fields": ["item_id"], "on": "click", "clear": "dblclick"}
    # The selection sits on the clear layer on top, so a click anywhere on a box (its text too) picks it.
    top = spec["layer"][-1]
    assert param["views"] == [top["name"]] and top["mark"]["opacity"] == 0
    strokes = find(spec, lambda d: isinstance(d.get("stroke"), dict) and "condition" in d["stroke"])
    assert strokes[0]["strokeWidth"]["condition"][0] == {"param": "logic_pick", "empty": False, "value": 4.5}
    assert "Luton" not in text  # the authority's name comes only from the items' own words
    bare = logic_model_chart(items, links, selection=False).to_dict()
    assert "params" not in bare and "logic_pick" not in json.dumps(bare)


def test_it_renders_every_title_item_and_measure_line_to_svg():
    items, links = workstream()
    chart = logic_model_chart(items, links, title="Employment, Skills and Work")
    lines = svg_lines(chart)
    for title in STAGES.values():
        assert title in lines
    labels = [row["label"] for row in chart_data(chart) if row["part"] == "box"]
    assert len(labels) == len(items)
    for label in labels:
        assert all(line in lines for line in label.split("\n"))
    assert "► measured by Infant" in lines and "absolute poverty" in lines
    assert lines.count("→") == 4  # between the stage titles
    assert "Heavy border and ►: measured by a catalogue indicator or KPI" in lines
    svg = vlc.vegalite_to_svg(chart.to_json())
    labels = re.findall(r'aria-label="([^"]*)"', svg)
    assert "Outcomes: Fewer children growing up in workless households (measured by Infant mortality; " in (
        " ".join(labels)
    )
    assert not [label for label in labels if "x1:" in label]  # no coordinates read out


def test_the_placeholder_is_drawn_dashed_and_says_not_yet_recorded():
    items = items_frame(("i1", "inputs", 1, "Staff"), ("im", "impact", 1, "Fair work for all"))
    chart = logic_model_chart(items, links_frame(("i1", "im")))
    assert svg_lines(chart).count(PLACEHOLDER) == 3
    dashed = find(chart.to_dict(), lambda d: d.get("type") == "rect" and "strokeDash" in d)
    assert len(dashed) == 1
    assert "Dashed box: not yet recorded in the workstream's material" in svg_lines(chart)


def test_height_grows_with_the_largest_stage_and_text_is_limited_to_the_box():
    small = logic_model_chart(items_frame(("a", "activities", 1, "One")), links_frame())
    many = items_frame(*[(f"a{k}", "activities", k, f"Activity number {k}") for k in range(1, 9)])
    large = logic_model_chart(many, links_frame())
    assert large.to_dict()["height"] > 2 * small.to_dict()["height"]
    spec = large.to_dict()
    limits = {d["limit"] for d in find(spec, lambda d: d.get("type") == "text" and "limit" in d)}
    assert limits == {179}  # 0.82 of a 236-pixel column, less 7 pixels each side
    narrow = logic_model_chart(many, links_frame(), width=800)
    assert {d["limit"] for d in find(narrow.to_dict(), lambda d: "limit" in d)} == {117}


def test_the_realistic_example_renders_to_png(tmp_path: Path):
    chart = logic_model_chart(*workstream(), title="Employment, Skills and Work: logic model")
    png = vlc.vegalite_to_png(chart.to_json(), scale=1)
    (tmp_path / "logic_model.png").write_bytes(png)
    colours, white = png_colours(png)
    assert logic_model.BOX_FILL in colours and 0.4 < white < 0.95


def test_no_layer_is_left_empty_so_every_graphic_has_a_label():
    """An empty layer leaves an unlabelled graphics element (an axe 'svg-img-alt' failure): a model with no
    links, no measures and only placeholders draws none, and still has the selection a page listens for."""
    import re

    import pandas as pd

    empty_items = pd.DataFrame(columns=["item_id", "stage", "seq", "text"])
    empty_links = pd.DataFrame(columns=["from_item", "to_item"])
    chart = logic_model_chart(empty_items, empty_links)
    svg = vlc.vegalite_to_svg(chart.to_json())
    assert re.findall(r'<g class="[^"]*"[^>]*role="graphics-symbol"[^>]*/>', svg) == []
    assert "logic_pick" in chart.to_json()
