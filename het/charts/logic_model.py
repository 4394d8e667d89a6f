"""A workstream's logic model (theory of change) as a diagram: inputs → activities → outputs → outcomes →
impact, left to right, each item a box with its text, and arrows from each item to the later items it leads to.

`logic_model_layout` places the boxes and routes the arrows (pure pandas); `logic_model_chart` draws them.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import altair as alt
import pandas as pd

from het.charts import palette
from het.charts.common import js, json_records, titled

# The five stages, left to right, with the titles shown above their columns.
STAGES: dict[str, str] = {
    "inputs": "Inputs",
    "activities": "Activities",
    "outputs": "Outputs",
    "outcomes": "Outcomes",
    "impact": "Impact",
}
ITEM_COLUMNS = ("item_id", "stage", "seq", "text")
OPTIONAL_ITEM_COLUMNS = ("measured_by", "indicator_id")
LINK_COLUMNS = ("from_item", "to_item")
PLACEHOLDER = "Not yet recorded"
# ► rather than ▸: the common sans-serif fonts (Arial, Liberation Sans) have it, so the PNG and SVG
# downloads (vl-convert) draw the whole line in one font.
MEASURED_PREFIX = "► measured by "
NOT_MEASURED = "No indicator or KPI recorded"

# Chart units: x counts columns (stage i spans i to i + 1); y counts lines of text, downwards from the top.
WRAP = 28  # characters a line, at most (logic_model_chart narrows it for a narrow chart)
MIN_WRAP = 16
MAX_LINES = 5  # of an item's text; the rest is cut with an ellipsis (the tooltip has it all)
MAX_MEASURE_LINES = 3
ELLIPSIS = " …"
HEADER = 2.4  # lines above the boxes for the stage titles
BOX_WIDTH = 0.82  # of a column; the rest is the channel the arrows cross
PAD = 0.6  # lines of space above and below the text in a box
MEASURE_GAP = 0.4  # lines between an item's text and its 'measured by' line
BOX_GAP = 1.2  # lines between boxes in a column
STUB = 0.035  # of a column: the straight run out of and into a box, so every arrowhead points right
LANE = 1.0  # lines between the lanes under the boxes that links skipping a stage run along
CLEARANCE = 0.35  # lines a straight link skipping a stage must keep from the boxes it passes
PORT_STEP = 0.9  # lines between the ends of links meeting one edge of a box

BOX_FRAME_COLUMNS = (
    "item_id",
    "stage",
    "stage_title",
    "stage_index",
    "seq",
    "text",
    "measured_by",
    "indicator_id",
    "measured",
    "placeholder",
    "text_lines",
    "label",
    "measure_label",
    "measure_text",
    "x",
    "x1",
    "x2",
    "y1",
    "y2",
    "width",
    "height",
    "text_y",
    "measure_y",
)
LINK_FRAME_COLUMNS = (
    "link",
    "from_item",
    "to_item",
    "from_text",
    "to_text",
    "route",
    "segment",
    "head",
    "x1",
    "y1",
    "x2",
    "y2",
)


def _blank(value) -> bool:
    if value is None:
        return True
    if not isinstance(value, str) and pd.isna(value):
        return True
    return str(value).strip() == ""


def _text(value) -> str:
    return "" if _blank(value) else str(value).strip()


def _whole_number(value) -> int | None:
    if isinstance(value, bool) or _blank(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def _wrap(text: str, width: int, max_lines: int) -> list[str]:
    return textwrap.wrap(text, width=width, max_lines=max_lines, placeholder=ELLIPSIS) or [""]


def _check_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"logic_model_layout needs {what} as a pandas DataFrame; got {type(frame).__name__}")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(
            f"logic_model_layout needs {what} column(s) {', '.join(missing)}; "
            f"the frame has {', '.join(map(str, frame.columns)) or 'no columns'}"
        )


def _clean_items(items: pd.DataFrame) -> pd.DataFrame:
    """The items checked, with ids and texts as text and measured_by / indicator_id filled in ('' for none)."""
    _check_columns(items, ITEM_COLUMNS, "items")
    rows = []
    for number, row in enumerate(items.to_dict("records"), start=1):
        if _blank(row["item_id"]):
            raise ValueError(f"logic_model_layout: item_id is missing in item row {number}")
        item_id = _text(row["item_id"])
        stage = row["stage"]
        if stage not in STAGES:
            raise ValueError(
                f"logic_model_layout: item {item_id!r} has unknown stage {stage!r}; "
                f"expected one of {', '.join(STAGES)}"
            )
        if _blank(row["text"]):
            raise ValueError(f"logic_model_layout: item {item_id!r} has no text")
        seq = _whole_number(row["seq"])
        if seq is None:
            raise ValueError(
                f"logic_model_layout: item {item_id!r} needs a whole-number seq; got {row['seq']!r}"
            )
        rows.append(
            {
                "item_id": item_id,
                "stage": stage,
                "seq": seq,
                "text": " ".join(str(row["text"]).split()),
                "measured_by": " ".join(_text(row.get("measured_by")).split()),
                "indicator_id": _text(row.get("indicator_id")),
            }
        )
    frame = pd.DataFrame(rows, columns=[*ITEM_COLUMNS, *OPTIONAL_ITEM_COLUMNS])
    repeated = frame["item_id"].duplicated()
    if repeated.any():
        raise ValueError(f"logic_model_layout: item {frame.loc[repeated, 'item_id'].iloc[0]!r} appears twice")
    shared = frame.duplicated(["stage", "seq"], keep=False)
    if shared.any():
        first = frame.loc[shared].iloc[0]
        others = frame.loc[shared & (frame["stage"] == first["stage"]) & (frame["seq"] == first["seq"])]
        raise ValueError(
            f"logic_model_layout: items {', '.join(map(repr, others['item_id']))} share seq {first['seq']} "
            f"in stage {first['stage']!r}; each needs its own place in the stage"
        )
    return frame


def _clean_links(links: pd.DataFrame, stage_of: dict[str, str]) -> list[tuple[str, str]]:
    _check_columns(links, LINK_COLUMNS, "links")
    order = list(STAGES)
    pairs: list[tuple[str, str]] = []
    for row in links.to_dict("records"):
        source, target = _text(row["from_item"]), _text(row["to_item"])
        for name in (source, target):
            if name not in stage_of:
                raise ValueError(
                    f"logic_model_layout: the link from {source!r} to {target!r} names unknown item {name!r}"
                )
        if order.index(stage_of[target]) <= order.index(stage_of[source]):
            raise ValueError(
                f"logic_model_layout: the link from {source!r} ({stage_of[source]}) to {target!r} "
                f"({stage_of[target]}) goes backwards; a link goes from a stage to a later one"
            )
        if (source, target) in pairs:
            raise ValueError(f"logic_model_layout: the link from {source!r} to {target!r} appears twice")
        pairs.append((source, target))
    return pairs


def _box_rows(items: pd.DataFrame, wrap: int, pairs: list[tuple[str, str]]) -> list[dict]:
    """One box per item (a placeholder for a stage with none), stacked in seq order and centred in the height;
    a box with many links is made tall enough for their ends to stand PORT_STEP apart."""
    outgoing = pd.Series([pair[0] for pair in pairs], dtype=object).value_counts()
    incoming = pd.Series([pair[1] for pair in pairs], dtype=object).value_counts()
    stacks: list[list[dict]] = []
    for index, (stage, title) in enumerate(STAGES.items()):
        chosen = items[items["stage"] == stage].sort_values("seq", kind="stable")
        boxes = []
        for item in chosen.to_dict("records"):
            measured = bool(item["measured_by"] or item["indicator_id"])
            named = item["measured_by"] or "a catalogue indicator"
            boxes.append(
                {
                    **item,
                    "measured": measured,
                    "placeholder": False,
                    "text_lines": _wrap(item["text"], wrap, MAX_LINES),
                    "measure_lines": _wrap(MEASURED_PREFIX + named, wrap, MAX_MEASURE_LINES)
                    if measured
                    else [],
                    "measure_text": item["measured_by"]
                    or ("A catalogue indicator" if measured else NOT_MEASURED),
                }
            )
        if not boxes:
            # The town's material is incomplete: say so, never fill the gap with invented content.
            boxes.append(
                {
                    "item_id": "",
                    "stage": stage,
                    "seq": 0,
                    "text": f"{PLACEHOLDER}: the workstream's material names no {title.lower()}",
                    "measured_by": "",
                    "indicator_id": "",
                    "measured": False,
                    "placeholder": True,
                    "text_lines": [PLACEHOLDER],
                    "measure_lines": [],
                    "measure_text": NOT_MEASURED,
                }
            )
        for box in boxes:
            box["stage_title"] = title
            box["stage_index"] = index
            n_measure = len(box["measure_lines"])
            text_height = 2 * PAD + len(box["text_lines"]) + (MEASURE_GAP + n_measure if n_measure else 0)
            n_ends = max(outgoing.get(box["item_id"], 0), incoming.get(box["item_id"], 0))
            box["height"] = max(text_height, (n_ends + 1) * PORT_STEP)
        stacks.append(boxes)

    def stack_height(boxes: list[dict]) -> float:
        return sum(box["height"] for box in boxes) + BOX_GAP * (len(boxes) - 1)

    tallest = max(stack_height(boxes) for boxes in stacks)
    rows = []
    for index, boxes in enumerate(stacks):
        top = HEADER + (tallest - stack_height(boxes)) / 2
        for box in boxes:
            n_text = len(box["text_lines"])
            rows.append(
                {
                    **box,
                    "label": "\n".join(box["text_lines"]),
                    "measure_label": "\n".join(box.pop("measure_lines")),
                    "x": index + 0.5,
                    "x1": index + 0.5 - BOX_WIDTH / 2,
                    "x2": index + 0.5 + BOX_WIDTH / 2,
                    "y1": top,
                    "y2": top + box["height"],
                    "width": BOX_WIDTH,
                    "text_y": top + PAD,
                    "measure_y": top + PAD + n_text + MEASURE_GAP,
                }
            )
            top += box["height"] + BOX_GAP
    return rows


def _crosses(start: tuple[float, float], end: tuple[float, float], box: dict) -> bool:
    """Whether the straight segment from start to end passes through the box grown by CLEARANCE (Liang-Barsky)."""
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    bounds = (
        (-dx, x0 - box["x1"]),
        (dx, box["x2"] - x0),
        (-dy, y0 - (box["y1"] - CLEARANCE)),
        (dy, box["y2"] + CLEARANCE - y0),
    )
    for p, q in bounds:
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def _link_rows(boxes: list[dict], pairs: list[tuple[str, str]]) -> list[dict]:
    """Each link as segments: out of the right edge, across the channel (or under the boxes when a straight
    line would cross a box of a stage it skips), into the left edge, ending on a short straight run."""
    by_id = {box["item_id"]: box for box in boxes if not box["placeholder"]}

    def centre(box: dict) -> float:
        return (box["y1"] + box["y2"]) / 2

    routes = []
    for source, target in pairs:
        a, b = by_id[source], by_id[target]
        start, end = (a["x2"] + STUB, centre(a)), (b["x1"] - STUB, centre(b))
        between = [box for box in boxes if a["stage_index"] < box["stage_index"] < b["stage_index"]]
        below = any(_crosses(start, end, box) for box in between)
        routes.append("below" if below else "direct")

    # Lanes under the boxes, shorter spans nearer the boxes, so that lanes cross as little as possible.
    lowest = max(box["y2"] for box in boxes)
    under = sorted(
        (k for k, route in enumerate(routes) if route == "below"),
        key=lambda k: (
            by_id[pairs[k][1]]["stage_index"] - by_id[pairs[k][0]]["stage_index"],
            by_id[pairs[k][0]]["stage_index"],
            k,
        ),
    )
    lane_y = {k: lowest + LANE * (rank + 1) for rank, k in enumerate(under)}

    # Where each link leaves and enters its boxes: spread along the edge in the order of the other ends,
    # so that arrows into one box never share a point; links routed underneath use the lowest places.
    def ports(end: int, other: int) -> dict[int, float]:
        placed: dict[int, float] = {}
        for item_id in dict.fromkeys(pair[end] for pair in pairs):
            box = by_id[item_id]
            mine = [k for k, pair in enumerate(pairs) if pair[end] == item_id]
            mine.sort(key=lambda k: (lane_y.get(k, centre(by_id[pairs[k][other]])), k))
            for rank, k in enumerate(mine):
                placed[k] = box["y1"] + box["height"] * (rank + 1) / (len(mine) + 1)
        return placed

    out_y, in_y = ports(0, 1), ports(1, 0)

    # A link routed underneath drops and climbs straight down and up, each in its own place in the channel,
    # so that no two of them run along one line: in the channel it leaves by, the lowest lane nearest the
    # boxes it leaves; in the channel it enters by, the highest lane furthest from the boxes it enters.
    drops = {g: [] for g in range(len(STAGES) - 1)}
    climbs = {g: [] for g in range(len(STAGES) - 1)}
    for k in under:
        drops[by_id[pairs[k][0]]["stage_index"]].append(k)
        climbs[by_id[pairs[k][1]]["stage_index"] - 1].append(k)
    drop_x: dict[int, float] = {}
    climb_x: dict[int, float] = {}
    for g in drops:
        order = [("drop", k) for k in sorted(drops[g], key=lambda k: -lane_y[k])]
        order += [("climb", k) for k in sorted(climbs[g], key=lambda k: lane_y[k])]
        left, right = g + 0.5 + BOX_WIDTH / 2 + STUB / 2, g + 1.5 - BOX_WIDTH / 2 - STUB
        for rank, (kind, k) in enumerate(order):
            (drop_x if kind == "drop" else climb_x)[k] = left + (right - left) * (rank + 1) / (len(order) + 1)

    rows = []
    for k, (source, target) in enumerate(pairs):
        a, b = by_id[source], by_id[target]
        y_out, y_in = out_y[k], in_y[k]
        if routes[k] == "below":
            points = [
                (a["x2"], y_out),
                (drop_x[k], y_out),
                (drop_x[k], lane_y[k]),
                (climb_x[k], lane_y[k]),
                (climb_x[k], y_in),
                (b["x1"], y_in),
            ]
        else:
            points = [(a["x2"], y_out), (a["x2"] + STUB, y_out), (b["x1"] - STUB, y_in), (b["x1"], y_in)]
        last = len(points) - 2
        for segment, ((x1, y1), (x2, y2)) in enumerate(zip(points, points[1:], strict=False)):
            rows.append(
                {
                    "link": k,
                    "from_item": source,
                    "to_item": target,
                    "from_text": a["text"],
                    "to_text": b["text"],
                    "route": routes[k],
                    "segment": segment,
                    "head": segment == last,
                    "x1": x1,
                    "y1": y1,
                    "x2": x2,
                    "y2": y2,
                }
            )
    return rows


def logic_model_layout(
    items: pd.DataFrame, links: pd.DataFrame, *, wrap: int = WRAP
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A logic model's boxes and arrows placed for drawing: one column per stage, items in seq order downwards.

    items: item_id, stage (one of STAGES), seq (order within the stage), text; optional measured_by (the
    catalogue indicators or KPIs that measure the item, '' or missing for none) and indicator_id (the first
    linked catalogue indicator). links: from_item, to_item, each from a stage to a later one (any later one).

    Chart units: x counts columns (stage i spans i to i + 1, its boxes centred at i + 0.5); y counts lines
    of text downwards, the stage titles above y = HEADER. Each stage's boxes are stacked in seq order and
    centred in the height of the tallest stack; a box with many links is made tall enough for their ends
    to stand apart. Text is wrapped at `wrap` characters a line (at least MIN_WRAP), at most MAX_LINES
    lines, cut with an ellipsis (`text` keeps it whole). A stage with no items gets one placeholder box,
    'Not yet recorded' (item_id '', seq 0), so that its column is still drawn; nothing is invented.

    Returns (boxes, links):
    boxes: the item columns (texts tidied, measured_by and indicator_id '' for none), stage_title,
    stage_index (0 = inputs), measured (measured_by or indicator_id given), placeholder, text_lines (the
    wrapped text, a list), label (those lines joined by newlines), measure_label ('► measured by …',
    wrapped, '' when not measured), measure_text (what measures it, for the tooltip), x (centre), x1, x2
    (left and right edges), y1, y2 (top and bottom), width, height, text_y and measure_y (where the text
    and the measure line start), in stage order then seq order.
    links: one row per straight segment: link (the link's number, in the order given), from_item, to_item,
    from_text, to_text, route ('direct' across the channel, or 'below' along a lane under the boxes when a
    straight line would cross a box of a stage it skips), segment (0 first), head (the last segment, which
    ends at the arrowhead), x1, y1, x2, y2. Every link starts on the right edge of its from box and ends on
    the left edge of its to box with a short horizontal run; links meeting one edge are spread along it.
    """
    if isinstance(wrap, bool) or not isinstance(wrap, int) or wrap < MIN_WRAP:
        raise ValueError(
            f"logic_model_layout: wrap must be a whole number of at least {MIN_WRAP}; got {wrap!r}"
        )
    clean = _clean_items(items)
    pairs = _clean_links(links, dict(zip(clean["item_id"], clean["stage"], strict=True)))
    boxes = _box_rows(clean, wrap, pairs)
    box_frame = pd.DataFrame(boxes, columns=list(BOX_FRAME_COLUMNS))
    link_frame = pd.DataFrame(_link_rows(boxes, pairs), columns=list(LINK_FRAME_COLUMNS))
    return box_frame, link_frame.astype({"link": int, "segment": int, "head": bool})


# -- drawing ------------------------------------------------------------------------------------------------

WIDTH = 1180  # fits a 1280-pixel screen
MIN_WIDTH = 720  # below this, a box holds fewer than MIN_WRAP characters a line
LINE_PX = 17
FONT_SIZE = 13
CHAR_PX = 6.6  # the width of an average character of FONT_SIZE text, for choosing where to wrap
HEADER_FONT_SIZE = 15
TEXT_INSET = 7  # pixels between a box's edge and its text
ARROW_SIZE = 110
# An arrowhead whose tip is the symbol's origin, so that it touches the box's edge.
ARROW_PATH = "M -1 -0.62 L 0 0 L -1 0.62 Z"
BOX_FILL = "#F4F4F4"  # palette.MUTED mixed with white; the heavy border and the ► line carry the meaning
LINK_COLOUR = palette.MUTED


def _key_text(boxes: pd.DataFrame) -> str:
    """The key to the boxes' borders, in words: only what the chart shows."""
    key = []
    if boxes["measured"].any():
        key.append("Heavy border and ►: measured by a catalogue indicator or KPI")
    if boxes["placeholder"].any():
        key.append("Dashed box: not yet recorded in the workstream's material")
    return ".   ".join(key)


def _chart_rows(boxes: pd.DataFrame, links: pd.DataFrame, *, key_y: float) -> list[dict]:
    """The chart's one dataset: stage titles, the arrows between them, boxes, link segments and the key,
    told apart by `part`; each row carries only its own part's fields."""
    headers = boxes.drop_duplicates("stage")[["stage", "stage_title", "stage_index", "x"]].assign(
        part="stage", text_y=HEADER / 2
    )
    flows = pd.DataFrame(
        {"part": "flow", "x": [float(i) for i in range(1, len(STAGES))], "text_y": HEADER / 2}
    )
    key = _key_text(boxes)
    keys = pd.DataFrame({"part": "key", "x": [0.0], "text_y": key_y, "label": key}).iloc[: 1 if key else 0]
    parts = (
        headers,
        flows,
        boxes.drop(columns=["text_lines"]).assign(part="box"),
        links.assign(part="link"),
        keys,
    )
    return [row for frame in parts for row in json_records(frame)]


def logic_model_chart(
    items: pd.DataFrame,
    links: pd.DataFrame,
    *,
    title: str | None = None,
    width: int = WIDTH,
    selection: bool = True,
) -> alt.LayerChart:
    """A workstream's logic model as a diagram: stage titles across the top, a box per item, arrows between.

    items, links: as logic_model_layout takes them. Each box shows its item's wrapped text; an item
    measured by an indicator or KPI has a heavy border and a '► measured by …' line (text, not colour
    alone), a stage with nothing recorded a dashed 'Not yet recorded' box. Arrows run from an item to the
    later items it leads to; a key under the diagram says what the heavy and dashed borders mean (only
    those drawn). The tooltip has an item's full text and what measures it; a screen reader hears each
    box and link once, in words. The height grows with the stage with most text; width is in pixels (at
    least MIN_WIDTH): the text is wrapped to fit it, so draw the chart at this width rather than
    stretching it to a container. With selection, clicking a box
    selects its item_id in the point selection 'logic_pick' (a flat field, so Streamlit's on_select
    returns [{'item_id': ...}]); double-click clears it. The chart inlines the layout's rows (one dataset).
    """
    if isinstance(width, bool) or not isinstance(width, int) or width < MIN_WIDTH:
        raise ValueError(
            f"logic_model_chart needs a width of at least {MIN_WIDTH} pixels for its text; got {width!r}"
        )
    column_px = width / len(STAGES)
    text_limit = math.floor(BOX_WIDTH * column_px - 2 * TEXT_INSET)
    wrap = max(MIN_WRAP, min(WRAP, math.floor(text_limit / CHAR_PX)))
    boxes, link_segments = logic_model_layout(items, links, wrap=wrap)
    lowest = max(boxes["y2"].max(), link_segments["y2"].max()) if len(link_segments) else boxes["y2"].max()
    key_y = float(lowest) + 1.2
    bottom = key_y + (1 + PAD / 2 if _key_text(boxes) else 0)
    height = math.ceil(bottom * LINE_PX)

    x_scale = alt.Scale(domain=[0, len(STAGES)], nice=False, zero=False)
    y_scale = alt.Scale(domain=[0, bottom], nice=False, zero=False, reverse=True)

    def x(field: str) -> alt.X:
        return alt.X(f"{field}:Q", scale=x_scale, axis=None, title=None)

    def y(field: str) -> alt.Y:
        return alt.Y(f"{field}:Q", scale=y_scale, axis=None, title=None)

    def part(name: str, extra: str | None = None) -> alt.Chart:
        test = f"datum.part === {js(name)}" + (f" && {extra}" if extra else "")
        return alt.Chart().transform_filter(test)

    # What a screen reader says: each box and each link once, in words (the drawing marks are hidden).
    box_words = (
        "datum.stage_title + ': ' + datum.text"
        " + (datum.measured ? ' (measured by ' + datum.measure_text + ')' : '')"
    )
    link_words = "'Leads from ' + datum.from_text + ' to ' + datum.to_text"

    box_tooltip = [
        alt.Tooltip("stage_title:N", title="Stage"),
        alt.Tooltip("text:N", title="Item"),
        alt.Tooltip("measure_text:N", title="Measured by"),
    ]
    link_tooltip = [alt.Tooltip("from_text:N", title="From"), alt.Tooltip("to_text:N", title="To")]
    pick = (
        alt.selection_point(name="logic_pick", fields=["item_id"], on="click", clear="dblclick")
        if selection
        else None
    )

    headers = (
        part("stage")
        .mark_text(fontSize=HEADER_FONT_SIZE, fontWeight="bold", color=palette.INK, baseline="middle")
        .encode(x=x("x"), y=y("text_y"), text="stage_title:N", description="stage_title:N")
    )
    flows = (
        part("flow")
        .mark_text(fontSize=HEADER_FONT_SIZE, color=palette.MUTED, baseline="middle", aria=False)
        .encode(x=x("x"), y=y("text_y"), text=alt.value("→"))
    )
    lines = (
        part("link")
        .mark_rule(color=LINK_COLOUR, strokeWidth=1.6, strokeCap="round", aria=False)
        .encode(x=x("x1"), x2="x2:Q", y=y("y1"), y2="y2:Q", tooltip=link_tooltip)
    )
    heads = (
        part("link", "datum.head")
        .transform_calculate(words=link_words)
        .mark_point(shape=ARROW_PATH, filled=True, size=ARROW_SIZE, color=LINK_COLOUR, opacity=1)
        .encode(x=x("x2"), y=y("y2"), tooltip=link_tooltip, description="words:N")
    )

    width_rule = alt.when("datum.measured").then(alt.value(2.6)).otherwise(alt.value(1.0))
    colour_rule = alt.when("datum.measured").then(alt.value(palette.INK)).otherwise(alt.value(palette.MUTED))
    if pick is not None:
        width_rule = (
            alt.when(pick, empty=False)
            .then(alt.value(4.5))
            .when("datum.measured")
            .then(alt.value(2.6))
            .otherwise(alt.value(1.0))
        )
        colour_rule = (
            alt.when(pick, empty=False)
            .then(alt.value(palette.INK))
            .when("datum.measured")
            .then(alt.value(palette.INK))
            .otherwise(alt.value(palette.MUTED))
        )
    rects = (
        part("box", "!datum.placeholder")
        .mark_rect(cornerRadius=4, fill=BOX_FILL, aria=False)
        .encode(x=x("x1"), x2="x2:Q", y=y("y1"), y2="y2:Q", stroke=colour_rule, strokeWidth=width_rule)
    )
    placeholders = (
        part("box", "datum.placeholder")
        .transform_calculate(words=box_words)
        .mark_rect(
            cornerRadius=4, fill=palette.PAPER, stroke=palette.MUTED, strokeWidth=1.2, strokeDash=[5, 4]
        )
        .encode(x=x("x1"), x2="x2:Q", y=y("y1"), y2="y2:Q", tooltip=box_tooltip, description="words:N")
    )
    text_style = {"align": "left", "baseline": "top", "lineBreak": "\n", "lineHeight": LINE_PX, "aria": False}
    texts = (
        part("box", "!datum.placeholder")
        .mark_text(**text_style, dx=TEXT_INSET, fontSize=FONT_SIZE, color=palette.INK, limit=text_limit)
        .encode(x=x("x1"), y=y("text_y"), text="label:N", tooltip=box_tooltip)
    )
    placeholder_texts = (
        part("box", "datum.placeholder")
        .mark_text(
            **text_style,
            dx=TEXT_INSET,
            fontSize=FONT_SIZE,
            fontStyle="italic",
            color=palette.MUTED,
            limit=text_limit,
        )
        .encode(x=x("x1"), y=y("text_y"), text="label:N", tooltip=box_tooltip)
    )
    measures = (
        part("box", "datum.measured")
        .mark_text(
            **text_style,
            dx=TEXT_INSET,
            fontSize=FONT_SIZE,
            color=palette.INK,
            limit=text_limit,
        )
        .encode(x=x("x1"), y=y("measure_y"), text="measure_label:N", tooltip=box_tooltip)
    )
    key = (
        part("key")
        .mark_text(align="left", baseline="top", fontSize=FONT_SIZE - 1, color=palette.MUTED)
        .encode(x=x("x"), y=y("text_y"), text="label:N")
    )
    # On top of the text, a clear copy of each item's box takes the clicks and the tooltip everywhere
    # in the box (a click on a text mark would not reach the box beneath).
    hits = part("box", "!datum.placeholder").mark_rect(fill=palette.PAPER, opacity=0, cursor="pointer")
    hits = hits.transform_calculate(words=box_words).encode(
        x=x("x1"), x2="x2:Q", y=y("y1"), y2="y2:Q", tooltip=box_tooltip, description="words:N"
    )
    has_items = not bool(boxes["placeholder"].all())
    if pick is not None:  # on the clear boxes; with none (nothing recorded), on the placeholders, so the
        # selection a page listens for is always there
        if has_items:
            hits = hits.add_params(pick)
        else:
            placeholders = placeholders.add_params(pick)

    # A layer with nothing to draw leaves an empty, unlabelled graphics element that screen readers (and
    # axe) trip over: only the layers with rows are drawn.
    has_links, has_placeholders = len(link_segments) > 0, bool(boxes["placeholder"].any())
    has_measures = bool(boxes["measured"].any())
    layers = [
        headers,
        flows,
        *([lines, heads] if has_links else []),
        *([rects] if has_items else []),
        *([placeholders] if has_placeholders else []),
        *([texts] if has_items else []),
        *([placeholder_texts] if has_placeholders else []),
        *([measures] if has_measures else []),
        key,
        *([hits] if has_items else []),
    ]
    chart = alt.layer(
        *layers, data=alt.Data(values=_chart_rows(boxes, link_segments, key_y=key_y))
    ).properties(width=width, height=height, view=alt.ViewBackground(stroke=None))
    return titled(chart, title)
