"""The whole span of a retro's timeline for the room: how events spread over the hours, where
the decision points are, and the busiest stretch drawn again, wide, underneath.

Made for a shared screen: nothing to click or zoom, no instructions, every label large.
Painting is one pass over the events binned into pixel columns, so 10,000 events cost
about what 100 do.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from retro_desk.model import Event
from retro_desk.timefmt import TimeInputError, parse_instant, zone
from retro_desk.ui.theme import current_palette

# The busiest stretch is this share of the whole span (at least a few minutes).
BUSY_SHARE = 0.12
MIN_BUSY_SECONDS = 300


@dataclass(frozen=True)
class Mark:
    """One event on the axis: seconds since the epoch and its markers."""

    at: float
    decision: bool
    learned: bool


def marks_of(events: Sequence[Event], tz_name: str, seen: dict[str, float | None]) -> list[Mark]:
    """The events that have a readable time, in time order. `seen` keeps each stored time's
    instant from one call to the next: an edit then reads only the time it added."""
    marks = []
    for event in events:
        key = f"{event.at}|{tz_name}"
        if key not in seen:
            try:
                seen[key] = parse_instant(event.at, tz_name).timestamp()
            except (ValueError, OverflowError, TimeInputError):
                seen[key] = None
        moment = seen[key]
        if moment is not None:
            marks.append(Mark(moment, event.decision_point, event.learned_later))
    marks.sort(key=lambda mark: mark.at)
    return marks


def busiest(marks: Sequence[Mark]) -> tuple[float, float, int]:
    """The stretch (start, end, count) holding the most events, `BUSY_SHARE` of the span."""
    if not marks:
        return 0.0, 0.0, 0
    first, last = marks[0].at, marks[-1].at
    width = max((last - first) * BUSY_SHARE, MIN_BUSY_SECONDS)
    times = [mark.at for mark in marks]
    best = (first, first + width, 0)
    for index, start in enumerate(times):
        count = bisect_right(times, start + width) - index
        if count > best[2]:
            best = (start, start + width, count)
    return best


class SpanStrip(QWidget):
    """Two strips: the whole span on top, the busiest stretch spread out below it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._marks: list[Mark] = []
        self._tz = "UTC"
        self._busy = (0.0, 0.0, 0)
        self._seen: dict[str, float | None] = {}

    def set_events(self, events: Sequence[Event], tz_name: str) -> None:
        self._marks = marks_of(events, tz_name, self._seen)
        self._tz = tz_name
        self._busy = busiest(self._marks)
        self.update()

    def clock(self, moment: float) -> str:
        try:
            return datetime.fromtimestamp(moment, zone(self._tz)).strftime("%H:%M")
        except TimeInputError:
            return datetime.fromtimestamp(moment, UTC).strftime("%H:%M")

    def captions(self) -> tuple[str, str]:
        """The two strips' headings."""
        if not self._marks:
            return "No events yet.", ""
        first, last = self._marks[0].at, self._marks[-1].at
        decisions = sum(mark.decision for mark in self._marks)
        noun = "event" if len(self._marks) == 1 else "events"
        whole = f"{self.clock(first)} – {self.clock(last)}: {len(self._marks)} {noun}"
        if decisions:
            whole += f", {decisions} ◆ decision point{'s' * (decisions != 1)}"
        start, end, count = self._busy
        busy = f"Busiest stretch {self.clock(start)} – {self.clock(end)}: {count} {noun}"
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
        palette = current_palette()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self.font())
        painter.setPen(palette.text)
        metrics = QFontMetricsF(self.font())
        line = metrics.lineSpacing()
        whole, busy = self.captions()
        rect = QRectF(self.rect())
        painter.drawText(QRectF(0, 0, rect.width(), line), Qt.AlignmentFlag.AlignLeft, whole)
        if not self._marks:
            return
        half = (rect.height() - 2 * line) / 2
        top = QRectF(0, line, rect.width(), max(half - line * 0.5, line * 2))
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
            painter.drawText(QRectF(0, below, rect.width(), line), Qt.AlignmentFlag.AlignLeft,
                             busy)
            inset = QRectF(0, below + line, rect.width(), rect.height() - below - line)
            self._strip(painter, inset, start, end, metrics)

    def _strip(self, painter: QPainter, area: QRectF, start: float, end: float,
               metrics: QFontMetricsF) -> None:
        """Events between `start` and `end` as ticks on an axis; a column with many events
        grows taller; decision points as diamonds, facts learned later as triangles."""
        palette = current_palette()
        line = metrics.lineSpacing()
        axis_y = area.bottom() - line * 1.2
        ticks_top = area.top() + line * 0.9
        span = max(end - start, 1.0)
        times = [mark.at for mark in self._marks]
        lo, hi = bisect_left(times, start), bisect_right(times, end)
        columns: dict[int, int] = {}
        special: list[tuple[float, Mark]] = []
        for mark in self._marks[lo:hi]:
            x = area.left() + (mark.at - start) / span * (area.width() - 1)
            columns[int(x)] = columns.get(int(x), 0) + 1
            if mark.decision or mark.learned:
                special.append((x, mark))
        tallest = max(columns.values(), default=1)
        painter.setPen(QPen(palette.text, 2))
        painter.drawLine(QPointF(area.left(), axis_y), QPointF(area.right(), axis_y))
        room = axis_y - ticks_top
        painter.setPen(QPen(palette.muted, 2))
        for x, count in columns.items():
            height = room * (0.35 + 0.65 * count / tallest)
            painter.drawLine(QPointF(x, axis_y), QPointF(x, axis_y - height))
        size = line * 0.45
        for x, mark in special:
            y = ticks_top + size
            if mark.decision:
                painter.setPen(QPen(palette.text, 1))
                painter.setBrush(palette.decision)
                painter.drawPolygon(QPolygonF([QPointF(x, y - size), QPointF(x + size, y),
                                               QPointF(x, y + size), QPointF(x - size, y)]))
            if mark.learned:
                painter.setPen(QPen(palette.text, 1))
                painter.setBrush(palette.learned)
                y += size * 2
                painter.drawPolygon(QPolygonF([QPointF(x, y - size), QPointF(x + size, y + size),
                                               QPointF(x - size, y + size)]))
        painter.setPen(palette.text)
        labels = QRectF(area.left(), axis_y + line * 0.1, area.width(), line)
        painter.drawText(labels, Qt.AlignmentFlag.AlignLeft, self.clock(start))
        painter.drawText(labels, Qt.AlignmentFlag.AlignRight, self.clock(end))
        if area.width() > metrics.horizontalAdvance("00:00") * 6:
            painter.drawText(labels, Qt.AlignmentFlag.AlignHCenter,
                             self.clock(start + span / 2))
