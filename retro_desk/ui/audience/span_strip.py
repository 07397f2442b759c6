"""The whole span of a retro's timeline for the room: how events spread over the hours, where
the decision points are, and the busiest stretch drawn again, wide, underneath.

Made for a shared screen: nothing to click or zoom, no instructions, every label large.
Events are counted into at most `BARS` bars by bisecting the sorted instants at each bar's
edge, so painting costs the same for 100 events as for 10,000, and an added event is put in
its place in the sorted lists rather than all of them being read again.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import repeat
from operator import sub
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from retro_desk.model import Event
from retro_desk.timefmt import TimeInputError, parse_instant, zone
from retro_desk.ui.theme import current_palette

# The busiest stretch is this share of the whole span (at least a few minutes).
BUSY_SHARE = 0.12
MIN_BUSY_SECONDS = 300
# A strip has at most this many bars, each at least `BAR_PX` wide: a shape the room can read.
BARS = 160
BAR_PX = 3


class Mark(NamedTuple):
    """One event on the axis: seconds since the epoch, the order it came in, the event."""

    at: float
    order: int
    event: Event


def marks_of(events: Sequence[Event], tz_name: str, seen: dict[str, float | None]) -> list[Mark]:
    """The events that have a readable time, in time order. `seen` keeps each stored time's
    instant from one call to the next: an edit then reads only the time it added."""
    marks = []
    for order, event in enumerate(events):
        moment = instant(event.at, tz_name, seen)
        if moment is not None:
            marks.append(Mark(moment, order, event))
    marks.sort(key=lambda mark: mark[:2])
    return marks


def instant(at: str, tz_name: str, seen: dict[str, float | None]) -> float | None:
    moment = seen.get(at, 0.0)
    if moment == 0.0:
        try:
            moment = seen[at] = parse_instant(at, tz_name).timestamp()
        except (ValueError, OverflowError, TimeInputError):
            moment = seen[at] = None
    return moment


def busiest(times: Sequence[float]) -> tuple[float, float, int]:
    """The stretch (start, end, count) holding the most of these sorted instants,
    `BUSY_SHARE` of their span."""
    if not times:
        return 0.0, 0.0, 0
    first, last = times[0], times[-1]
    width = max((last - first) * BUSY_SHARE, MIN_BUSY_SECONDS)
    # A window starting at each instant in turn: how many instants it holds is where its end
    # falls among them, less where it starts (bisected in C, not stepped through in Python).
    ends = map(bisect_right, repeat(times), [start + width for start in times])
    counts = list(map(sub, ends, range(len(times))))
    best = counts.index(max(counts))
    return times[best], times[best] + width, counts[best]


def bar_counts(times: Sequence[float], edges: Sequence[float]) -> list[int]:
    """How many of the sorted `times` fall between each pair of neighbouring `edges`."""
    cuts = list(map(bisect_left, repeat(times), edges))
    return list(map(sub, cuts[1:], cuts))


class SpanStrip(QWidget):
    """Two strips: the whole span on top, the busiest stretch spread out below it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("The whole timeline")
        self._marks: list[Mark] = []
        self._tz = "UTC"
        self._busy = (0.0, 0.0, 0)
        self._seen: dict[str, float | None] = {}
        self._order = 0
        self._times: list[float] = []
        self._decisions: list[float] = []
        self._learned: list[float] = []
        self._cache: QPixmap | None = None
        self._cache_for: tuple[object, ...] = ()
        self._captions = self._make_captions()

    def set_events(self, events: Sequence[Event], tz_name: str) -> None:
        if tz_name != self._tz:
            self._seen.clear()
        self._marks = marks_of(events, tz_name, self._seen)
        self._tz = tz_name
        self._order = len(events)
        self._changed()

    def add_event(self, event: Event) -> None:
        """One event more (the quick-add line): put in its place, nothing read again."""
        moment = instant(event.at, self._tz, self._seen)
        if moment is not None:
            insort(self._marks, Mark(moment, self._order, event), key=lambda mark: mark[:2])
            self._order += 1
            insort(self._times, moment)
            if event.decision_point:
                insort(self._decisions, moment)
            if event.learned_later:
                insort(self._learned, moment)
        self._changed(again=False)

    def _changed(self, again: bool = True) -> None:
        if again:
            self._times = [mark.at for mark in self._marks]
            self._decisions = [mark.at for mark in self._marks if mark.event.decision_point]
            self._learned = [mark.at for mark in self._marks if mark.event.learned_later]
        self._busy = busiest(self._times)
        self._captions = self._make_captions()
        self.setAccessibleDescription(". ".join(text for text in self._captions if text))
        self._cache = None
        self.update()

    def newest(self, count: int) -> list[Event]:
        """The `count` latest events in time, oldest first."""
        return [mark.event for mark in self._marks[-count:]] if count > 0 else []

    def timezone(self) -> str:
        return self._tz

    def clock(self, moment: float) -> str:
        try:
            return datetime.fromtimestamp(moment, zone(self._tz)).strftime("%H:%M")
        except TimeInputError:
            return datetime.fromtimestamp(moment, UTC).strftime("%H:%M")

    def captions(self) -> tuple[str, str]:
        """The two strips' headings."""
        return self._captions

    def _make_captions(self) -> tuple[str, str]:
        if not self._marks:
            return "No events yet.", ""
        first, last = self._marks[0].at, self._marks[-1].at
        decisions = len(self._decisions)
        noun = "event" if len(self._marks) == 1 else "events"
        whole = f"{self.clock(first)} – {self.clock(last)}: {len(self._marks)} {noun}"
        if decisions:
            whole += f" · ▮ {decisions} decision point{'s' * (decisions != 1)}"
        if self._learned:
            whole += f" · ■ {len(self._learned)} learned later"
        start, end, count = self._busy
        busy = f"Busiest: {self.clock(start)} – {self.clock(end)}, {count} {noun}"
        return whole, busy if len(self._marks) > 1 else ""

    def shown_texts(self) -> list[str]:
        """Every text this picture paints (for the privacy and legibility tests)."""
        texts = [text for text in self.captions() if text]
        if self._marks:
            texts += [self.clock(self._marks[0].at), self.clock(self._marks[-1].at)]
            start, end, _ = self._busy
            texts += [self.clock(start), self.clock(end)]
        return texts

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(400, round(QFontMetricsF(self.font()).lineSpacing() * 8))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(200, round(QFontMetricsF(self.font()).lineSpacing() * 6))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        # Painted once per change into a picture kept for the paints that follow.
        ratio = self.devicePixelRatioF()
        wanted = (self.size(), current_palette().name, self.font().key(), ratio)
        if self._cache is None or self._cache_for != wanted:
            cache = QPixmap(self.size() * ratio)
            cache.setDevicePixelRatio(ratio)
            cache.fill(Qt.GlobalColor.transparent)
            self._paint(QPainter(cache))
            self._cache, self._cache_for = cache, wanted
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._cache)
        painter.end()

    def _paint(self, painter: QPainter) -> None:
        palette = current_palette()

        painter.setFont(self.font())
        painter.setPen(palette.text)
        metrics = QFontMetricsF(self.font())
        line = metrics.lineSpacing()
        whole, busy = self.captions()
        rect = QRectF(self.rect())
        wrap = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
        heading = painter.boundingRect(QRectF(0, 0, rect.width(), line * 3), wrap, whole)
        painter.drawText(QRectF(0, 0, rect.width(), heading.height()), wrap, whole)
        if not self._marks:
            painter.end()
            return
        head = heading.height()
        half = (rect.height() - head - line) / 2
        top = QRectF(0, head, rect.width(), max(half - line * 0.5, line * 2))
        first, last = self._marks[0].at, self._marks[-1].at
        self._strip(painter, top, first, max(last, first + 60), metrics)
        if busy:
            start, end, _ = self._busy
            span = max(last - first, 60)
            x0 = top.left() + (start - first) / span * top.width()
            x1 = top.left() + (end - first) / span * top.width()
            painter.setPen(QPen(palette.accent, 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(x0, top.top(), max(x1 - x0, 4), top.height() - line))
            below = top.bottom() + line * 0.5
            painter.setPen(palette.text)
            box = painter.boundingRect(QRectF(0, below, rect.width(), line * 3), wrap, busy)
            painter.drawText(QRectF(0, below, rect.width(), box.height()), wrap, busy)
            inset = QRectF(0, below + box.height(), rect.width(),
                           rect.height() - below - box.height())
            self._strip(painter, inset, start, end, metrics)
        painter.end()

    def _strip(self, painter: QPainter, area: QRectF, start: float, end: float,
               metrics: QFontMetricsF) -> None:
        """Events between `start` and `end` as bars on an axis, taller where more happened;
        decision points as tall marks above the bars, facts learned later as squares."""
        palette = current_palette()
        line = metrics.lineSpacing()
        axis_y = area.bottom() - line * 1.2
        ticks_top = area.top() + line * 0.9
        bars = max(1, min(BARS, int(area.width() // BAR_PX)))
        step, span = area.width() / bars, max(end - start, 1.0)
        edges = [start + span * n / bars for n in range(bars)]
        # The last bar takes in the end itself.
        edges.append(end + span * 1e-9)
        counts = bar_counts(self._times, edges)
        tallest = max(max(counts), 1)
        room = axis_y - ticks_top
        gap = 1.0 if step >= 3 else 0.0
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.muted)
        x0, low, high = area.left(), room * 0.35, room * 0.65 / tallest
        painter.drawRects([
            QRectF(x0 + n * step, axis_y - low - high * count, step - gap, low + high * count)
            for n, count in enumerate(counts) if count
        ])
        painter.setPen(QPen(palette.text, 2))
        painter.drawLine(QPointF(area.left(), axis_y), QPointF(area.right(), axis_y))
        # Decision points as tall marks, facts learned later as squares under them, each
        # kind in one call (a few hundred shapes cost one call, not a few hundred).
        size = line * 0.7
        painter.setPen(Qt.PenStyle.NoPen)
        for times, colour, top, width, height in (
            (self._decisions, palette.decision, ticks_top - size, size * 0.5, size * 1.4),
            (self._learned, palette.learned, ticks_top + size * 0.6, size * 0.8, size * 0.8),
        ):
            painter.setBrush(colour)
            left = x0 + step / 2 - width / 2
            painter.drawRects([QRectF(left + n * step, top, width, height)
                               for n, count in enumerate(bar_counts(times, edges)) if count])

        painter.setPen(palette.text)
        labels = QRectF(area.left(), axis_y + line * 0.1, area.width(), line)
        painter.drawText(labels, Qt.AlignmentFlag.AlignLeft, self.clock(start))
        painter.drawText(labels, Qt.AlignmentFlag.AlignRight, self.clock(end))
        if area.width() > metrics.horizontalAdvance("00:00") * 6:
            painter.drawText(labels, Qt.AlignmentFlag.AlignHCenter,
                             self.clock(start + span / 2))
