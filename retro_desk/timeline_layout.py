"""Where the parts of the timeline picture go: axis, markers, labels that never overlap, groups."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from retro_desk.model import Event
from retro_desk.timefmt import TimeInputError, parse_instant, zone

ELLIPSIS = "…"
# Tick steps to choose from, in seconds: the smallest whose labels do not collide wins.
TICK_STEPS: tuple[int, ...] = (
    60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
    86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400, 91 * 86400, 364 * 86400,
)
# A timeline with every event at one instant still needs an axis to stand on.
MIN_SPAN_SECONDS = 600
LEGEND_TEXTS: dict[str, str] = {
    "event": "event",
    "decision": "decision point",
    "learned_later": "learned later",
    "group": "events drawn together",
}
# Paper cannot zoom: a document says where the grouped events are.
PRINTED_GROUP = "more events, listed in the table"


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def intersects(self, other: Box) -> bool:
        """True when the two boxes share area; boxes that only touch do not."""
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x <= self.right and self.y <= y <= self.bottom


@dataclass(frozen=True)
class TextMetrics:
    """The font the picture is drawn in: how wide a text is, how tall a line is (pixels)."""

    width: Callable[[str], float]
    line_height: float


@dataclass(frozen=True)
class Marker:
    """An event's place on the axis; its shape tells a decision and a learned-later fact apart."""

    key: str
    x: float
    decision: bool
    learned_later: bool


@dataclass(frozen=True)
class Label:
    """An event's text: `heading` (time and who) over `text` (what happened), joined to the axis
    by a leader line at `anchor_x`."""

    key: str
    box: Box
    anchor_x: float
    lane: int
    heading: str
    text: str
    decision: bool
    learned_later: bool


@dataclass(frozen=True)
class Group:
    """Events in a stretch too dense to label, shown as a count ("+7") under their span."""

    keys: tuple[str, ...]
    start_x: float
    end_x: float
    box: Box

    @property
    def text(self) -> str:
        return f"+{len(self.keys)}"


@dataclass(frozen=True)
class Tick:
    x: float
    text: str
    box: Box


@dataclass(frozen=True)
class LegendEntry:
    """`kind` is event, decision, learned_later, group or zone; `box` holds both the mark
    (`symbol`, empty for the zone) and the text after it (`text_box`)."""

    kind: str
    text: str
    symbol: Box
    text_box: Box
    box: Box


@dataclass(frozen=True)
class TimelineLayout:
    width: float
    height: float
    axis_y: float
    marker_size: float
    axis_start: float
    axis_end: float
    markers: list[Marker] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)

    def text_boxes(self) -> list[Box]:
        """Every box with text in it: none of these overlap another."""
        return [
            *(label.box for label in self.labels),
            *(group.box for group in self.groups),
            *(tick.box for tick in self.ticks),
            *(entry.box for entry in self.legend),
        ]

    def event_at(self, x: float, y: float) -> list[str]:
        """The events under a point: a label's, a group's, or the markers there."""
        for label in self.labels:
            if label.box.contains(x, y):
                return [label.key]
        for group in self.groups:
            if group.box.contains(x, y):
                return list(group.keys)
        reach = self.marker_size
        if abs(y - self.axis_y) <= reach:
            return [m.key for m in self.markers if abs(m.x - x) <= reach / 2]
        return []


@dataclass
class _Lane:
    """The labels of one lane, and the leader lines from lanes further out that cross it."""

    spans: list[tuple[float, float]] = field(default_factory=list)
    leaders: list[float] = field(default_factory=list)


def layout_timeline(
    events: Sequence[Event],
    tz_name: str,
    width: float,
    metrics: TextMetrics,
    *,
    lanes: int = 4,
    max_label_width: float | None = None,
    legend: bool = True,
    height: float | None = None,
    printed: bool = False,
) -> TimelineLayout:
    """Place the events of a timeline on a horizontal time axis `width` pixels wide.

    Each event gets a marker. Labels go in `lanes` rows above the axis: each in the
    highest lane where it overlaps no other label or leader line and its own leader line
    down to the axis crosses no label, so a dense stretch becomes a staircase; decision
    points are placed first where that labels more of them (see `_labels`). An event with
    no room for its label joins a group under the axis. Events whose time cannot be read are
    left out. Without `legend` the picture starts with the lanes (a window may keep the
    legend in view on its own, see `layout_legend`). Given a `height` taller than the
    picture needs, the lanes spread out to fill it. `printed`: for a document, whose legend
    tells no one to zoom.
    """
    line = metrics.line_height
    gap = line * 0.5
    pad = line * 0.25
    marker_size = line * 0.8
    label_width = max_label_width or 18 * _average_char_width(metrics)
    tz = zone(tz_name)

    timed = _timed_events(events, tz_name)
    days = {instant.astimezone(tz).date() for _, instant in timed}
    with_day = len(days) > 1

    entries = layout_legend(width, metrics, tz_name, printed) if legend else []
    rows = _Rows(metrics, entries, lanes, height)
    axis_y, below = rows.axis_y, rows.below_axis

    axis_start, axis_end = line, max(width - line, line + 1)
    if timed:
        first = timed[0][1].timestamp()
        last = timed[-1][1].timestamp()
    else:
        first = last = 0.0
    if last - first < MIN_SPAN_SECONDS:
        middle = (first + last) / 2
        first, last = middle - MIN_SPAN_SECONDS / 2, middle + MIN_SPAN_SECONDS / 2
    scale = (axis_end - axis_start) / (last - first)

    def x_of(instant: datetime) -> float:
        return axis_start + (instant.timestamp() - first) * scale

    markers = [
        Marker(event.key, x_of(instant), event.decision_point, event.learned_later)
        for event, instant in timed
    ]
    labels = _labels(
        timed, x_of, tz, with_day, width, metrics, lanes, label_width, rows.label_height,
        rows.lane_height, axis_y - marker_size,
    )
    labelled = {label.key for label in labels}
    unlabelled = [m for m in markers if m.key not in labelled]
    groups = _groups(unlabelled, width, metrics, below, pad, gap)
    ticks = _ticks(first, last, scale, x_of, tz, with_day, width, metrics, rows.ticks_top, gap)
    return TimelineLayout(
        width=width,
        height=rows.height,
        axis_y=axis_y,
        marker_size=marker_size,
        axis_start=axis_start,
        axis_end=axis_end,
        markers=markers,
        labels=labels,
        groups=groups,
        ticks=ticks,
        legend=entries,
    )


def lanes_to_fit(
    height: float, width: float, metrics: TextMetrics, tz_name: str, legend: bool = True,
    least: int = 1,
) -> int:
    """How many label lanes a picture `height` pixels tall has room for (at least `least`;
    with none, every event is counted in a group under the axis)."""
    entries = layout_legend(width, metrics, tz_name) if legend else []
    lanes = least
    while _Rows(metrics, entries, lanes + 1).height <= height:
        lanes += 1
    return lanes


class _Rows:
    """The picture from top to bottom: legend, label lanes, axis, counts, times."""

    def __init__(
        self, metrics: TextMetrics, legend: list[LegendEntry], lanes: int,
        height: float | None = None,
    ) -> None:
        line = metrics.line_height
        gap, pad, marker_size = line * 0.5, line * 0.25, line * 0.8
        self.label_height = 2 * line + 2 * pad
        self.lane_height = self.label_height + gap
        legend_bottom = max((entry.box.bottom for entry in legend), default=0.0)
        fixed = legend_bottom + gap + 2 * marker_size + 2 * line + 3 * pad + gap
        if height is not None and lanes:
            self.lane_height = max(self.lane_height, (height - fixed) / lanes)
        self.axis_y = legend_bottom + gap + lanes * self.lane_height + marker_size
        self.below_axis = self.axis_y + marker_size
        self.ticks_top = self.below_axis + line + 3 * pad
        self.height = self.ticks_top + line + gap


def elide(text: str, max_width: float, width: Callable[[str], float]) -> str:
    """`text`, or its longest start that fits in `max_width` with an ellipsis after it."""
    if width(text) <= max_width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if width(text[:middle].rstrip() + ELLIPSIS) <= max_width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def one_line(text: str) -> str:
    return " ".join(text.split())


def _average_char_width(metrics: TextMetrics) -> float:
    sample = "abcdefghijklmnopqrstuvwxyz"
    return metrics.width(sample) / len(sample)


def _timed_events(events: Sequence[Event], tz_name: str) -> list[tuple[Event, datetime]]:
    timed = []
    for event in events:
        try:
            timed.append((event, parse_instant(event.at, tz_name)))
        except (TimeInputError, OverflowError):
            continue
    # A stable sort: events at the same instant keep the order they were entered in.
    timed.sort(key=lambda pair: pair[1].timestamp())
    return timed


def _clock(instant: datetime, tz: ZoneInfo, with_day: bool) -> str:
    local = instant.astimezone(tz)
    return local.strftime("%m-%d %H:%M") if with_day else local.strftime("%H:%M")


def _weight(decision: bool, learned_later: bool) -> int:
    """How much labelling an event is worth: decisions are what the retro is about."""
    return 3 if decision else 2 if learned_later else 1


def _labels(
    timed: list[tuple[Event, datetime]],
    x_of: Callable[[datetime], float],
    tz: ZoneInfo,
    with_day: bool,
    width: float,
    metrics: TextMetrics,
    lanes: int,
    label_width: float,
    label_height: float,
    lane_height: float,
    lanes_bottom: float,
) -> list[Label]:
    """The labels that fit, placed in two orders, keeping the one worth more (`_weight`):
    decision points first, which labels them in a crowd, or plain time order, which packs
    an even spread tightest as a staircase."""
    line = metrics.line_height
    pad = line * 0.25
    # A label starts with its marker's shape, so shape and colour name it in print too.
    symbol = line
    gap = line * 0.5
    marker_size = line * 0.8

    @functools.cache
    def texts(index: int) -> tuple[str, str, float]:
        # Measured only for events that may get a label: a long timeline has thousands.
        event, instant = timed[index]
        heading = _clock(instant, tz, with_day)
        if event.actor.strip():
            heading += " · " + one_line(event.actor)
        heading = elide(heading, label_width - symbol, metrics.width)
        text = elide(one_line(event.description) or "(no description)", label_width,
                     metrics.width)
        return heading, text, max(symbol + metrics.width(heading), metrics.width(text)) + 2 * pad

    anchors = [x_of(instant) for _, instant in timed]

    def place(order: list[int]) -> list[Label]:
        rows = [_Lane() for _ in range(lanes)]
        placed: list[Label] = []
        for index in order:
            event, _ = timed[index]
            anchor = anchors[index]
            if not _may_fit(rows, anchor, gap):
                continue
            heading, text, box_width = texts(index)
            # The label reaches right from its marker, or else left, whichever finds room.
            starts = [anchor - marker_size / 2, anchor + marker_size / 2 - box_width]
            lefts = [min(max(start, 0.0), max(width - box_width, 0.0)) for start in starts]
            found = _free_lane(rows, lefts, box_width, anchor, gap)
            if found is None:
                continue
            lane, left = found
            rows[lane].spans.append((left, left + box_width))
            for below in rows[:lane]:
                below.leaders.append(anchor)
            top = lanes_bottom - lane * lane_height - label_height
            placed.append(
                Label(
                    key=event.key,
                    box=Box(left, top, box_width, label_height),
                    anchor_x=anchor,
                    lane=lane,
                    heading=heading,
                    text=text,
                    decision=event.decision_point,
                    learned_later=event.learned_later,
                )
            )
        placed.sort(key=lambda label: label.anchor_x)
        return placed

    in_time = list(range(len(timed)))
    by_weight = sorted(
        in_time, key=lambda i: -_weight(timed[i][0].decision_point, timed[i][0].learned_later)
    )
    return max(
        (place(by_weight), place(in_time)),
        key=lambda labels: sum(_weight(label.decision, label.learned_later) for label in labels),
    )


def _may_fit(rows: list[_Lane], anchor: float, gap: float) -> bool:
    """Whether some lane is free right at `anchor`, where any label of it must be, with no
    label below in the way of its leader line. When none is, the label need not be measured."""
    margin = gap / 2
    for row in rows:
        near = any(start - gap < anchor < end + gap for start, end in row.spans)
        if not near and not any(abs(x - anchor) <= margin for x in row.leaders):
            return True
        if any(start - margin <= anchor <= end + margin for start, end in row.spans):
            return False
    return False


def _free_lane(
    rows: list[_Lane], lefts: list[float], box_width: float, anchor: float, gap: float
) -> tuple[int, float] | None:
    """The highest lane, and the first of `lefts`, where the label overlaps no label or leader
    line, and from which its own leader line down to the axis crosses no label."""
    margin = gap / 2
    for lane in reversed(range(len(rows))):
        row = rows[lane]
        if any(
            start - margin <= anchor <= end + margin
            for below in rows[:lane]
            for start, end in below.spans
        ):
            continue
        for left in lefts:
            right = left + box_width
            if any(left - gap < end and start < right + gap for start, end in row.spans):
                continue
            if any(left - margin <= x <= right + margin for x in row.leaders):
                continue
            return lane, left
    return None


def _groups(
    unlabelled: list[Marker], width: float, metrics: TextMetrics, top: float, pad: float,
    gap: float,
) -> list[Group]:
    """Unlabelled events under one count each, merged until no two counts overlap."""
    height = metrics.line_height + 2 * pad
    badge = functools.cache(lambda count: metrics.width(f"+{count}") + 4 * pad)
    clusters: list[list[Marker]] = []
    for marker in sorted(unlabelled, key=lambda m: m.x):
        clusters.append([marker])
        while len(clusters) > 1:
            before = _group_box(clusters[-2], width, badge, top, height)
            after = _group_box(clusters[-1], width, badge, top, height)
            if before.right + gap <= after.x:
                break
            last = clusters.pop()
            clusters[-1].extend(last)
    return [
        Group(
            keys=tuple(m.key for m in cluster),
            start_x=cluster[0].x,
            end_x=cluster[-1].x,
            box=_group_box(cluster, width, badge, top, height),
        )
        for cluster in clusters
    ]


def _group_box(
    cluster: list[Marker], width: float, badge: Callable[[int], float], top: float,
    height: float,
) -> Box:
    box_width = badge(len(cluster))
    middle = (cluster[0].x + cluster[-1].x) / 2
    left = min(max(middle - box_width / 2, 0.0), max(width - box_width, 0.0))
    return Box(left, top, box_width, height)


def _ticks(
    first: float,
    last: float,
    scale: float,
    x_of: Callable[[datetime], float],
    tz: ZoneInfo,
    with_day: bool,
    width: float,
    metrics: TextMetrics,
    top: float,
    gap: float,
) -> list[Tick]:
    sample = "00-00 00:00" if with_day else "00:00"
    room = metrics.width(sample) + 2 * gap
    step = next((s for s in TICK_STEPS if s * scale >= room), TICK_STEPS[-1])
    start = datetime.fromtimestamp(first, tz)
    # Ticks fall on round local times: whole hours, quarter hours, midnights.
    since_midnight = start - start.replace(hour=0, minute=0, second=0, microsecond=0)
    offset = -since_midnight.total_seconds() % step if step < 86400 else (
        86400 - since_midnight.total_seconds()) % 86400
    instant = start + timedelta(seconds=offset)
    ticks: list[Tick] = []
    while instant.timestamp() <= last:
        x = x_of(instant)
        if step >= 86400:
            text = instant.astimezone(tz).strftime("%Y-%m-%d")
        else:
            text = _clock(instant, tz, with_day)
        text_width = metrics.width(text)
        left = min(max(x - text_width / 2, 0.0), max(width - text_width, 0.0))
        box = Box(left, top, text_width, metrics.line_height)
        if not ticks or ticks[-1].box.right + gap <= box.x:
            ticks.append(Tick(x, text, box))
        instant += timedelta(seconds=step)
    return ticks


def layout_legend(
    width: float, metrics: TextMetrics, tz_name: str, printed: bool = False,
    group: str | None = None,
) -> list[LegendEntry]:
    """The key to the shapes, and the time zone, left to right, wrapping onto new rows.
    `group` words the groups' entry (a window says how its picture zooms)."""
    line = metrics.line_height
    gap = line * 0.5
    group = group or (PRINTED_GROUP if printed else LEGEND_TEXTS["group"])
    texts = {**LEGEND_TEXTS, "group": group}
    items = [*texts.items(), ("zone", f"{tz_name} time")]
    entries: list[LegendEntry] = []
    x, y = 0.0, 0.0
    for kind, text in items:
        symbol_width = 0.0 if kind == "zone" else (line * 2 if kind == "group" else line)
        space = symbol_width and gap / 2
        shown = elide(text, max(width - symbol_width - space, 0.0), metrics.width)
        needed = symbol_width + space + metrics.width(shown)
        if x > 0 and x + needed > width:
            x, y = 0.0, y + line + gap / 2
        entries.append(
            LegendEntry(
                kind,
                shown,
                symbol=Box(x, y, symbol_width, line),
                text_box=Box(x + symbol_width + space, y, metrics.width(shown), line),
                box=Box(x, y, needed, line),
            )
        )
        x += needed + 2 * gap
    return entries
