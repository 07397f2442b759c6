"""The audience's picture of the whole span: bars counted right, an added event put in its
place exactly as a full read would, and a burst drawn as the tallest bar."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QColor

from retro_desk.model import Event
from retro_desk.ui.audience.span_strip import SpanStrip, bar_counts, busiest
from retro_desk.ui.theme import current_palette


def event(n: int, clock: str, decision: bool = False, later: bool = False) -> Event:
    return Event(key=f"k{n}", at=f"2026-03-02T{clock}+00:00", description=f"note {n}",
                 actor="Sam", decision_point=decision, learned_later=later)


def test_bar_counts_puts_each_instant_in_one_bar() -> None:
    times = [0.0, 1.0, 1.0, 4.5, 9.0, 10.0]
    # Edges 0, 2, 5, 10 and just past 10: the last bar holds the end itself.
    assert bar_counts(times, [0.0, 2.0, 5.0, 10.0, 10.0001]) == [3, 1, 1, 1]
    assert sum(bar_counts(times, [0.0, 5.0, 10.0001])) == len(times)
    assert bar_counts([], [0.0, 1.0]) == [0]


def test_busiest_finds_the_burst() -> None:
    quiet = [n * 600.0 for n in range(12)]  # one every ten minutes for two hours
    burst = [3000.0 + n * 5 for n in range(30)]  # thirty in two and a half minutes
    start, end, count = busiest(sorted(quiet + burst))
    assert start <= 3000.0 < 3145.0 <= end
    assert count >= 30


@given(st.lists(st.integers(0, 20_000), max_size=60))
def test_busiest_holds_as_many_as_any_stretch_of_its_width(seconds: list[int]) -> None:
    times = sorted(float(n) for n in seconds)
    start, end, count = busiest(times)
    if not times:
        assert count == 0
        return
    width = end - start
    # Counted plainly: no stretch of that width starting at an instant holds more, and the
    # stretch found holds what it says.
    most = max(sum(1 for t in times if first <= t <= first + width) for first in times)
    assert count == most == sum(1 for t in times if start <= t <= end)
    assert start in times


def test_adding_one_by_one_equals_reading_them_all(qtbot) -> None:
    clocks = ["09:00:00", "09:40:00", "09:05:00", "11:00:00", "09:05:00", "10:10:00"]
    events = [event(n, at, decision=n % 2 == 0, later=n == 3) for n, at in enumerate(clocks)]
    added, read = SpanStrip(), SpanStrip()
    qtbot.addWidget(added)
    qtbot.addWidget(read)
    added.set_events(events[:2], "UTC")
    for item in events[2:]:
        added.add_event(item)
    read.set_events(events, "UTC")
    assert added.captions() == read.captions()
    assert added.newest(3) == read.newest(3)
    assert [e.key for e in added.newest(6)] == ["k0", "k2", "k4", "k1", "k5", "k3"]
    whole = added.captions()[0]
    assert whole.startswith("09:00 – 11:00: 6 events")
    assert "3 decision points" in whole and "1 learned later" in whole


def test_a_burst_is_the_tallest_bar(qtbot) -> None:
    events = [event(n, f"{9 + n // 6:02d}:{n % 6 * 10:02d}:00") for n in range(18)]
    events += [event(100 + n, f"10:30:{n:02d}") for n in range(20)]
    strip = SpanStrip()
    qtbot.addWidget(strip)
    strip.resize(600, 400)
    strip.set_events(events, "UTC")
    image = strip.grab().toImage()
    muted = current_palette().muted

    def height(x: int) -> int:
        return sum(QColor(image.pixel(x, y)) == muted for y in range(image.height() // 2))

    heights = {x: height(x) for x in range(0, image.width(), 2)}
    tallest = max(heights, key=lambda x: heights[x])
    # 10:30 is 90 of the 170 minutes from 09:00 to 11:50: just past half-way.
    assert 0.48 < tallest / image.width() < 0.58, tallest
    assert heights[tallest] > 1.5 * sorted(heights.values())[len(heights) // 2]
