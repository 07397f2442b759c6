"""Timeline picture layout, without Qt: labels never overlap, dense stretches are grouped."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from retro_desk.model import Event
from retro_desk.timeline_layout import (
    ELLIPSIS,
    Box,
    TextMetrics,
    TimelineLayout,
    elide,
    lanes_to_fit,
    layout_timeline,
)

# A monospace font: 9 pixels a character, lines 20 pixels apart.
METRICS = TextMetrics(width=lambda text: 9.0 * len(text), line_height=20.0)
START = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)


def events(count: int, seconds: int = 7200, seed: int = 5) -> list[Event]:
    chance = random.Random(seed)
    return [
        Event(
            key=f"e{n}",
            at=(START + timedelta(seconds=chance.randrange(seconds))).isoformat(),
            description=f"Something happened to service {n} and someone looked at a graph",
            actor=chance.choice(["", "Zoë", "The on-call engineer"]),
            decision_point=n % 7 == 0,
            learned_later=n % 11 == 0,
        )
        for n in range(count)
    ]


def assert_legible(layout: TimelineLayout, count: int) -> None:
    """No text box overlaps another, no leader line crosses a label, all inside the picture,
    and every event is labelled or counted in exactly one group."""
    boxes = layout.text_boxes()
    for index, box in enumerate(boxes):
        assert 0 <= box.x and box.right <= layout.width + 1e-6
        assert 0 <= box.y and box.bottom <= layout.height + 1e-6
        for other in boxes[index + 1:]:
            assert not box.intersects(other), (box, other)
    for label in layout.labels:
        assert label.box.x <= label.anchor_x <= label.box.right
        for other in layout.labels:
            # Another label between this one and the axis must not stand in its leader's way.
            if other is not label and other.box.y >= label.box.bottom:
                assert not other.box.x <= label.anchor_x <= other.box.right, (label, other)
    labelled = [label.key for label in layout.labels]
    grouped = [key for group in layout.groups for key in group.keys]
    assert sorted(labelled + grouped) == sorted(marker.key for marker in layout.markers)
    assert len(layout.markers) == count


def test_sixty_events_get_labels_that_never_overlap() -> None:
    layout = layout_timeline(events(60), "Europe/Berlin", 1280, METRICS, lanes=4)
    assert_legible(layout, 60)
    assert len(layout.labels) >= 12
    # Decision points are labelled first, so the ones that matter most are read.
    decisions = [marker for marker in layout.markers if marker.decision]
    labelled = {label.key for label in layout.labels}
    assert sum(marker.key in labelled for marker in decisions) >= len(decisions) * 0.7


def test_sixty_events_are_all_labelled_when_zoomed_in() -> None:
    spread = [
        Event(key=f"e{n}", at=(START + timedelta(minutes=2 * n)).isoformat(),
              description=f"Step {n} of the rollback", decision_point=n % 5 == 0)
        for n in range(60)
    ]
    # Zoomed in until events stand a label's width apart, every one of them is read.
    layout = layout_timeline(spread, "UTC", 1280 * 10, METRICS, lanes=4)
    assert_legible(layout, 60)
    assert len(layout.labels) == 60
    assert layout.groups == []
    # At a quarter of that, a staircase of lanes still labels most of them.
    closer = layout_timeline(spread, "UTC", 1280 * 4, METRICS, lanes=4)
    assert_legible(closer, 60)
    assert len(closer.labels) >= 45


def test_five_hundred_events_are_grouped_with_a_count() -> None:
    layout = layout_timeline(events(500, seconds=3600), "Europe/Berlin", 1280, METRICS, lanes=4)
    assert_legible(layout, 500)
    assert layout.groups
    assert len(layout.labels) < 40
    assert sum(len(group.keys) for group in layout.groups) == 500 - len(layout.labels)
    assert all(group.text == f"+{len(group.keys)}" for group in layout.groups)
    biggest = max(layout.groups, key=lambda group: len(group.keys))
    assert len(biggest.keys) >= 7
    assert biggest.start_x <= biggest.box.x + biggest.box.width / 2 <= biggest.end_x


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(min_value=0, max_value=90),
    seconds=st.integers(min_value=1, max_value=3 * 86400),
    width=st.floats(min_value=200, max_value=4000),
    lanes=st.integers(min_value=1, max_value=7),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_any_timeline_is_legible(count: int, seconds: int, width: float, lanes: int,
                                 seed: int) -> None:
    layout = layout_timeline(events(count, seconds, seed), "America/New_York", width, METRICS,
                             lanes=lanes)
    assert_legible(layout, count)


def test_decision_points_and_learned_later_facts_are_told_apart() -> None:
    timeline = [
        Event(key="a", at="2026-11-20T14:00:00+01:00", description="Pages the on-call"),
        Event(key="b", at="2026-11-20T14:20:00+01:00", description="Rolls back",
              decision_point=True),
        Event(key="c", at="2026-11-20T14:40:00+01:00", description="CA bundle was stale",
              learned_later=True),
    ]
    layout = layout_timeline(timeline, "Europe/Berlin", 1280, METRICS)
    kinds = {m.key: (m.decision, m.learned_later) for m in layout.markers}
    assert kinds == {"a": (False, False), "b": (True, False), "c": (False, True)}
    labels = {label.key: label for label in layout.labels}
    assert labels["b"].decision and not labels["b"].learned_later
    assert labels["c"].learned_later and not labels["c"].decision
    # The legend names each shape, and says which zone the times are in.
    legend = {entry.kind: entry.text for entry in layout.legend}
    assert legend["decision"] == "decision point"
    assert legend["learned_later"] == "learned later"
    assert legend["zone"] == "Europe/Berlin time"
    assert labels["a"].heading == "14:00"


def test_times_are_shown_in_the_session_zone() -> None:
    timeline = [
        Event(key="a", at="2026-11-20T13:32:00+00:00", description="Alert fires", actor="Zoë"),
        Event(key="b", at="2026-11-20T15:05:00+00:00", description="Resolved"),
    ]
    layout = layout_timeline(timeline, "Europe/Berlin", 1280, METRICS)
    headings = {label.key: label.heading for label in layout.labels}
    assert headings == {"a": "14:32 · Zoë", "b": "16:05"}
    assert layout.ticks
    assert all(tick.text.endswith(("0", "5")) for tick in layout.ticks)
    assert "15:00" in [tick.text for tick in layout.ticks]


def test_events_on_several_days_show_the_day() -> None:
    timeline = [
        Event(key="a", at="2026-11-20T23:30:00+01:00", description="Deploy"),
        Event(key="b", at="2026-11-21T01:10:00+01:00", description="Alert"),
    ]
    layout = layout_timeline(timeline, "Europe/Berlin", 1280, METRICS)
    assert [label.heading for label in layout.labels] == ["11-20 23:30", "11-21 01:10"]


def test_unreadable_times_are_left_out_and_one_event_still_has_an_axis() -> None:
    timeline = [
        Event(key="a", at="not a time", description="?"),
        Event(key="b", at="2026-11-20T14:00:00+01:00", description="Only one"),
    ]
    layout = layout_timeline(timeline, "Europe/Berlin", 800, METRICS)
    assert [marker.key for marker in layout.markers] == ["b"]
    assert layout.axis_start < layout.markers[0].x < layout.axis_end
    assert layout.ticks
    empty = layout_timeline([], "UTC", 800, METRICS)
    assert empty.markers == [] and empty.labels == [] and empty.groups == []


def test_long_texts_are_cut_to_the_label_width() -> None:
    timeline = [Event(key="a", at="2026-11-20T14:00:00+01:00", description="x" * 400,
                      actor="A very long name for a team that nobody can remember")]
    layout = layout_timeline(timeline, "UTC", 1280, METRICS, max_label_width=180)
    label = layout.labels[0]
    assert label.text.endswith(ELLIPSIS) and METRICS.width(label.text) <= 180
    assert label.heading.endswith(ELLIPSIS)


def test_elide_keeps_what_fits() -> None:
    def width(text: str) -> float:
        return float(len(text))

    assert elide("short", 10, width) == "short"
    assert elide("a longer sentence", 10, width) == "a longer…"
    assert elide("abc", 0, width) == ELLIPSIS


def test_lanes_follow_the_height_and_stretch_to_fill_it() -> None:
    assert lanes_to_fit(0, 1280, METRICS, "UTC") == 1
    few = lanes_to_fit(260, 1280, METRICS, "UTC", legend=False)
    many = lanes_to_fit(600, 1280, METRICS, "UTC", legend=False)
    assert 1 <= few < many
    natural = layout_timeline(events(10), "UTC", 1280, METRICS, lanes=few, legend=False)
    assert natural.height <= 260
    filled = layout_timeline(events(10), "UTC", 1280, METRICS, lanes=few, legend=False,
                             height=260)
    assert filled.height == 260
    assert filled.legend == []


def test_what_is_under_a_point() -> None:
    timeline = [Event(key="a", at="2026-11-20T14:00:00+01:00", description="Rolls back")]
    layout = layout_timeline(timeline, "UTC", 800, METRICS)
    box: Box = layout.labels[0].box
    assert layout.event_at(box.x + 1, box.y + 1) == ["a"]
    assert layout.event_at(layout.markers[0].x, layout.axis_y) == ["a"]
    assert layout.event_at(layout.width - 1, 0) == []
