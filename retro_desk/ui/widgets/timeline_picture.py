"""The timeline picture: events on a time axis, on screen (zoom, scroll) and as SVG and PNG."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QShowEvent,
    QWheelEvent,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFrame, QScrollArea, QToolTip, QWidget

from retro_desk.model import Event
from retro_desk.timefmt import local_display
from retro_desk.timeline_layout import (
    Box,
    LegendEntry,
    TextMetrics,
    TimelineLayout,
    lanes_to_fit,
    layout_legend,
    layout_timeline,
    one_line,
)
from retro_desk.ui.theme import LIGHT, Palette, current_palette

ZOOM_STEP = 1.5
# The window's picture zooms (Ctrl+wheel over it, or + and - once clicked): its legend says so.
GROUP_LEGEND = "grouped: Ctrl+wheel zooms"
MAX_ZOOM = 64.0
MAX_LANES = 8
# Exported pictures: wide enough for a wiki page, text large enough to read when a page
# shrinks the picture to its column, drawn at twice the size so it stays sharp on any screen.
EXPORT_WIDTH = 1200
EXPORT_FONT_PX = 16
EXPORT_LANES = 5
EXPORT_PIXEL_RATIO = 2
TOOLTIP_EVENTS = 12
# Events a screen reader is told of in the picture's description; the table has all of them.
SPOKEN_EVENTS = 40


def text_metrics(font: QFont) -> TextMetrics:
    metrics = QFontMetricsF(font)
    return TextMetrics(width=metrics.horizontalAdvance, line_height=metrics.height())


def _qrect(box: Box) -> QRectF:
    return QRectF(box.x, box.y, box.width, box.height)


# -- painting ------------------------------------------------------------------------------


def draw_mark(
    painter: QPainter, centre: QPointF, size: float, decision: bool, learned_later: bool,
    palette: Palette,
) -> None:
    """An event's shape: dot, diamond for a decision, open triangle for a learned-later fact."""
    half = size / 2
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if learned_later:
        pen = QPen(palette.learned, max(size / 7, 1.5))
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        grow = 1.25 if decision else 1.0
        painter.drawPolygon(QPolygonF([
            QPointF(centre.x(), centre.y() - half * grow),
            QPointF(centre.x() + half * grow, centre.y() + half * grow * 0.8),
            QPointF(centre.x() - half * grow, centre.y() + half * grow * 0.8),
        ]))
    if decision:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.decision)
        inner = half * (0.6 if learned_later else 1.0)
        painter.drawPolygon(QPolygonF([
            QPointF(centre.x(), centre.y() - inner),
            QPointF(centre.x() + inner, centre.y()),
            QPointF(centre.x(), centre.y() + inner),
            QPointF(centre.x() - inner, centre.y()),
        ]))
    if not decision and not learned_later:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.muted)
        painter.drawEllipse(centre, half * 0.55, half * 0.55)
    painter.restore()


def paint_timeline(
    painter: QPainter, layout: TimelineLayout, palette: Palette, font: QFont,
    visible: QRectF | None = None,
) -> None:
    """Draw `layout` with `font` (the one it was measured with); `visible` skips the rest."""
    area = visible or QRectF(0, 0, layout.width, layout.height)
    painter.fillRect(area, palette.base)
    painter.setFont(font)
    line = QFontMetricsF(font).height()
    marker = layout.marker_size
    thin = QPen(palette.muted, 1)
    paint_legend(painter, layout.legend, marker, palette)

    painter.setPen(QPen(palette.muted, 2))
    painter.drawLine(QPointF(layout.axis_start, layout.axis_y),
                     QPointF(layout.axis_end, layout.axis_y))
    for tick in layout.ticks:
        if tick.box.right < area.left() or tick.box.x > area.right():
            continue
        painter.setPen(thin)
        painter.drawLine(QPointF(tick.x, layout.axis_y),
                         QPointF(tick.x, layout.axis_y + marker / 2))
        painter.setPen(palette.muted)
        painter.drawText(_qrect(tick.box), Qt.AlignmentFlag.AlignCenter, tick.text)

    for group in layout.groups:
        if group.box.right < area.left() or group.box.x > area.right():
            continue
        painter.setPen(thin)
        bracket = group.box.y - marker * 0.3
        painter.drawLine(QPointF(group.start_x, bracket), QPointF(group.end_x, bracket))
        _badge(painter, _qrect(group.box), group.text, palette)

    for label in layout.labels:
        box = _qrect(label.box)
        if box.right() < area.left() or box.left() > area.right():
            continue
        painter.setPen(thin)
        painter.drawLine(QPointF(label.anchor_x, box.bottom()),
                         QPointF(label.anchor_x, layout.axis_y - marker / 2))
        painter.fillRect(box, palette.base)
        pad = (box.height() - 2 * line) / 2
        symbol = QRectF(box.left() + pad, box.top() + pad, line, line)
        draw_mark(painter, symbol.center(), marker * 0.8, label.decision, label.learned_later,
                  palette)
        heading_colour = (
            palette.decision if label.decision
            else palette.learned if label.learned_later
            else palette.muted
        )
        painter.setPen(heading_colour)
        painter.drawText(QRectF(symbol.right(), symbol.top(), box.width(), line),
                         Qt.AlignmentFlag.AlignVCenter, label.heading)
        painter.setPen(palette.text)
        painter.drawText(QRectF(box.left() + pad, symbol.bottom(), box.width(), line),
                         Qt.AlignmentFlag.AlignVCenter, label.text)

    # Decisions last, so in a dense stretch their diamonds stay on top.
    ranked = sorted(layout.markers, key=lambda m: (m.decision, m.learned_later))
    for item in ranked:
        if area.left() - marker <= item.x <= area.right() + marker:
            draw_mark(painter, QPointF(item.x, layout.axis_y), marker, item.decision,
                      item.learned_later, palette)


def paint_legend(
    painter: QPainter, legend: Sequence[LegendEntry], marker_size: float, palette: Palette
) -> None:
    for entry in legend:
        symbol = _qrect(entry.symbol)
        if entry.kind == "group":
            _badge(painter, symbol.adjusted(0, 1, 0, -1), "+N", palette)
        elif entry.kind != "zone":
            draw_mark(painter, symbol.center(), marker_size, entry.kind == "decision",
                      entry.kind == "learned_later", palette)
        painter.setPen(palette.muted if entry.kind == "zone" else palette.text)
        painter.drawText(_qrect(entry.text_box), Qt.AlignmentFlag.AlignVCenter, entry.text)


def _badge(painter: QPainter, box: QRectF, text: str, palette: Palette) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(palette.muted, 1.5))
    painter.setBrush(palette.base)
    radius = box.height() / 2
    painter.drawRoundedRect(box, radius, radius)
    painter.setPen(palette.text)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


# -- exported pictures ---------------------------------------------------------------------


def export_font() -> QFont:
    # A generic family: an SVG names it, and every browser knows "sans-serif".
    font = QFont("sans-serif")
    font.setPixelSize(EXPORT_FONT_PX)
    return font


@dataclass(frozen=True)
class ExportedPicture:
    """The timeline picture for documents, in both formats; `width` and `height` in pixels."""

    png: bytes
    svg: bytes
    width: int
    height: int


def export_picture(events: Sequence[Event], tz_name: str, title: str) -> ExportedPicture:
    """The picture in light colours (paper is white): PNG drawn at twice the size, and SVG
    with its text kept as text (searchable, and sharp at any size)."""
    font, layout, size = _export_layout(events, tz_name)
    return ExportedPicture(_png(layout, font, size), _svg(layout, font, size, title),
                           size.width(), size.height())


def export_svg(events: Sequence[Event], tz_name: str, title: str) -> bytes:
    """The same picture as SVG alone (a published archive has no PNG: drawing one took
    two thirds of the time)."""
    font, layout, size = _export_layout(events, tz_name)
    return _svg(layout, font, size, title)


def _export_layout(events: Sequence[Event], tz_name: str) -> tuple[QFont, TimelineLayout, QSize]:
    font = export_font()
    layout = layout_timeline(events, tz_name, EXPORT_WIDTH, text_metrics(font),
                             lanes=EXPORT_LANES, printed=True)
    return font, layout, QSize(math.ceil(layout.width), math.ceil(layout.height))


def _png(layout: TimelineLayout, font: QFont, size: QSize) -> bytes:
    ratio = EXPORT_PIXEL_RATIO
    image = QImage(size * ratio, QImage.Format.Format_RGB32)
    image.fill(LIGHT.base)
    image.setDevicePixelRatio(ratio)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    paint_timeline(painter, layout, LIGHT, font)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes, Qt a str
    return bytes(buffer.data().data())


def _svg(layout: TimelineLayout, font: QFont, size: QSize, title: str) -> bytes:
    content = QByteArray()
    buffer = QBuffer(content)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(size)
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setTitle(one_line(title))
    generator.setDescription("Incident timeline: decision points and learned-later facts")
    painter = QPainter(generator)
    paint_timeline(painter, layout, LIGHT, font)
    painter.end()
    buffer.close()
    return bytes(content.data())


# -- the widget ----------------------------------------------------------------------------


class _Legend(QWidget):
    """The key to the shapes, kept in view above the picture however it is scrolled."""

    def __init__(self, picture: TimelinePicture) -> None:
        super().__init__(picture)
        self.picture = picture
        self.entries: list[LegendEntry] = []

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        palette = current_palette()
        painter.fillRect(self.rect(), palette.base)
        painter.setFont(self.picture.font())
        marker = text_metrics(self.picture.font()).line_height * 0.8
        painter.translate(self.picture.MARGIN, self.picture.MARGIN)
        paint_legend(painter, self.entries, marker, palette)
        painter.end()


class _Canvas(QWidget):
    """The whole picture at the current zoom; the scroll area shows part of it."""

    # A canvas up to this many pixels is painted once into a picture kept for the next paint
    # (showing the page again, a tooltip, the window uncovered); a zoomed-in one, larger, is
    # painted where it is exposed.
    CACHE_PIXELS = 4096 * 2048

    def __init__(self, picture: TimelinePicture) -> None:
        super().__init__(picture)
        self.picture = picture
        self._cache: QPixmap | None = None
        self._cache_for: tuple[object, ...] = ()
        self._cache_layout: TimelineLayout | None = None

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        # What is laid out now: a resize's new layout is painted when it is done.
        layout = self.picture.shown_layout()
        palette, font = current_palette(), self.picture.font()
        ratio = self.devicePixelRatioF()
        if self.width() * self.height() * ratio * ratio > self.CACHE_PIXELS:
            self._cache = None
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            paint_timeline(painter, layout, palette, font, QRectF(event.rect()))
            painter.end()
            return
        wanted = (self.size(), palette.name, font.key(), ratio)
        if self._cache is None or self._cache_layout is not layout or self._cache_for != wanted:
            cache = QPixmap(self.size() * ratio)
            cache.setDevicePixelRatio(ratio)
            cache.fill(Qt.GlobalColor.transparent)
            painter = QPainter(cache)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            paint_timeline(painter, layout, palette, font, QRectF(self.rect()))
            painter.end()
            self._cache, self._cache_for, self._cache_layout = cache, wanted, layout
        painter = QPainter(self)
        painter.drawPixmap(event.rect(), self._cache, QRectF(
            event.rect().x() * ratio, event.rect().y() * ratio,
            event.rect().width() * ratio, event.rect().height() * ratio).toRect())
        painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.picture.describe_at(event.pos().x(), event.pos().y())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        keys = self.picture.picture_layout().event_at(event.position().x(), event.position().y())
        self.picture.setFocus(Qt.FocusReason.MouseFocusReason)
        if keys:
            self.picture.event_activated.emit(keys[0])


class TimelinePicture(QScrollArea):
    """Events on a time axis, fitted to the width at zoom 1; zoom in to spread a dense stretch.

    Keys when it has the focus: + and - zoom, 0 fits, arrows, Home and End scroll; Ctrl+wheel
    zooms around the pointer. `view_changed` tells another picture what to show to follow it.
    """

    event_activated = QtSignal(str)
    view_changed = QtSignal(float, float)
    MARGIN = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._events: list[Event] = []
        self._tz = "UTC"
        self._zoom = 1.0
        self._layout = layout_timeline([], self._tz, 100, text_metrics(self.font()))
        self.legend = _Legend(self)
        self.legend.setAccessibleName("Legend: a dot for an event, a diamond for a decision point,"
                                      " an open triangle for a fact learned later")
        self.canvas = _Canvas(self)
        self.canvas.setAccessibleName("Timeline events on a time axis")
        self.setWidget(self.canvas)
        self.setWidgetResizable(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Timeline picture")
        self.horizontalScrollBar().valueChanged.connect(self._scrolled)
        # Resizes, font changes and new events come in bursts (a window being shown sends
        # several); they are laid out once, when the burst is over.
        self._due = QTimer(self)
        self._due.setSingleShot(True)
        self._due.setInterval(0)
        self._due.timeout.connect(self._relayout_due)
        self._keep_fraction: float | None = None
        self._laying_out = False
        # What the present layout was made for; a due layout for the same is not made again.
        self._generation = 0
        self._laid_out_for: tuple[object, ...] | None = None

    # -- content ---------------------------------------------------------------------------

    def set_events(self, events: Sequence[Event], tz_name: str) -> None:
        self._events = list(events)
        self._tz = tz_name
        self._generation += 1
        self._due.start()

    def picture_layout(self) -> TimelineLayout:
        """The layout for the current events and size (laid out now if one is due)."""
        if self._due.isActive():
            self._relayout_due()
        return self._layout

    def shown_layout(self) -> TimelineLayout:
        """The layout as last made, without waiting for one that is due."""
        return self._layout

    def _inputs(self) -> tuple[object, ...]:
        viewport = self.viewport().size()
        return (self._generation, self._zoom, self.width(), viewport.width(), viewport.height(),
                self.font().key())

    def _relayout_due(self) -> None:
        self._due.stop()
        fraction, self._keep_fraction = self._keep_fraction, None
        if self._inputs() == self._laid_out_for:
            # A hidden page in a stack is resized with the stack to the size it had: showing
            # the timeline again must not lay out its 2,000 events again.
            return
        self.relayout()
        if fraction is not None:
            bar = self.horizontalScrollBar()
            bar.setValue(round(fraction * bar.maximum()))

    def shown_texts(self) -> list[str]:
        """Every text the picture draws (for tests and screen readers)."""
        layout = self.picture_layout()
        return [
            *(entry.text for entry in self.legend.entries),
            *(text for label in layout.labels for text in (label.heading, label.text)),
            *(group.text for group in layout.groups),
            *(tick.text for tick in layout.ticks),
        ]

    def describe_at(self, x: float, y: float) -> str:
        """A tooltip for what is under a point; what people typed is escaped, never markup."""
        keys = self.picture_layout().event_at(x, y)
        events = {event.key: event for event in self._events}
        rows = []
        for key in keys[:TOOLTIP_EVENTS]:
            event = events[key]
            when = local_display(event.at, self._tz, with_date=False)[:5]
            actor = f"{one_line(event.actor)}: " if event.actor.strip() else ""
            marks = " ◆ decision point" * event.decision_point + (
                " △ learned later" * event.learned_later)
            rows.append(html.escape(f"{when} {actor}{one_line(event.description)}{marks}"))
        if len(keys) > TOOLTIP_EVENTS:
            rows.append(f"… and {len(keys) - TOOLTIP_EVENTS} more: Ctrl+wheel zooms in")
        return "<p style='white-space:pre-wrap'>" + "<br>".join(rows) + "</p>" if rows else ""

    def relayout(self) -> None:
        self._due.stop()
        self._keep_fraction = None
        metrics = text_metrics(self.font())
        outer = self.width() - 2 * self.MARGIN
        self.legend.entries = layout_legend(outer, metrics, self._tz, group=GROUP_LEGEND)
        legend_height = self._legend_height(self.legend.entries, metrics)
        if self.viewportMargins().top() != legend_height:
            # This resizes the picture, which would ask for another layout: ignored below.
            self._laying_out = True
            self.setViewportMargins(0, legend_height, 0, 0)
            self._laying_out = False
        self.legend.setGeometry(0, 0, self.width(), legend_height)
        viewport = self.viewport().size()
        width = max(viewport.width(), 100) * self._zoom
        height = viewport.height()
        if self._zoom > 1:
            height -= self.horizontalScrollBar().sizeHint().height()
        # Short of room for a lane of labels, the picture is the axis alone: every event in a
        # group, and the table beside it keeps its rows.
        lanes = min(lanes_to_fit(height, width, metrics, self._tz, legend=False, least=0),
                    MAX_LANES)
        self._layout = layout_timeline(
            self._events, self._tz, width, metrics, lanes=lanes, legend=False, height=height
        )
        # The canvas fills the view even when the lanes do not, so no band of another colour.
        self.canvas.resize(round(self._layout.width), max(round(self._layout.height),
                                                          viewport.height()))
        self.legend.update()
        self.canvas.update()
        self._describe()
        self._laid_out_for = self._inputs()

    def _legend_height(self, entries: Sequence[LegendEntry], metrics: TextMetrics) -> int:
        bottom = max(entry.box.bottom for entry in entries)
        return round(bottom + metrics.line_height / 2) + self.MARGIN

    def height_for(self, lanes: int, width: int) -> int:
        """How tall the picture is with `lanes` lanes of labels (none: the axis alone) at
        `width`, not zoomed: what its page asks of the room it shares with the table."""
        metrics = text_metrics(self.font())
        entries = layout_legend(width - 2 * self.MARGIN, metrics, self._tz, group=GROUP_LEGEND)
        strip = layout_timeline([], self._tz, width, metrics, lanes=lanes, legend=False)
        return self._legend_height(entries, metrics) + math.ceil(strip.height)

    def _describe(self) -> None:
        """Tell assistive technology, in words, what the picture shows of the timeline now."""
        self.setAccessibleDescription(self.spoken_text())

    def spoken_text(self) -> str:
        """The events in view as sentences, with counts: the picture for someone who cannot
        see it (what a screen reader reads as the picture's description)."""
        layout = self._layout
        if not layout.markers:
            return "No events yet"
        left = self.horizontalScrollBar().value()
        right = left + self.viewport().width()
        shown = [marker.key for marker in layout.markers if left <= marker.x <= right]
        events = {event.key: event for event in self._events}
        decisions = sum(marker.decision for marker in layout.markers)
        later = sum(marker.learned_later for marker in layout.markers)
        counts = (f"{len(layout.markers)} events, {decisions} decision points, {later} learned"
                  f" later; {len(shown)} in view")
        grouped = sum(len(group.keys) for group in layout.groups)
        if grouped:
            counts += f", {grouped} of them grouped: zoom in (+) to see them"
        sentences = [self._spoken_event(events[key]) for key in shown[:SPOKEN_EVENTS]
                     if key in events]
        if len(shown) > SPOKEN_EVENTS:
            sentences.append(f"and {len(shown) - SPOKEN_EVENTS} more: the timeline table"
                             " lists every event")
        return ". ".join([counts, *sentences]) + "."

    def _spoken_event(self, event: Event) -> str:
        when = local_display(event.at, self._tz, with_date=False)[:5]
        actor = f"{one_line(event.actor)}: " if event.actor.strip() else ""
        marks = ", decision point" * event.decision_point + ", learned later" * (
            event.learned_later)
        return f"{when} {actor}{one_line(event.description).rstrip('.')}{marks}"

    # -- zoom and scroll -------------------------------------------------------------------

    def zoom(self) -> float:
        return self._zoom

    def set_zoom(self, factor: float, focus_x: float | None = None) -> None:
        """Zoom the time axis, keeping the moment at viewport position `focus_x` in place."""
        factor = min(MAX_ZOOM, max(1.0, factor))
        if factor == self._zoom:
            return
        bar = self.horizontalScrollBar()
        focus = self.viewport().width() / 2 if focus_x is None else focus_x
        ratio = factor / self._zoom
        position = (bar.value() + focus) * ratio - focus
        self._zoom = factor
        self.relayout()
        bar.setValue(round(position))
        self._scrolled()

    def show_view(self, zoom: float, fraction: float) -> None:
        """Show what another picture shows: the same zoom, scrolled to the same place."""
        self.set_zoom(zoom)
        bar = self.horizontalScrollBar()
        bar.setValue(round(fraction * bar.maximum()))

    def scroll_fraction(self) -> float:
        bar = self.horizontalScrollBar()
        return bar.value() / bar.maximum() if bar.maximum() else 0.0

    def _scrolled(self, *_value: int) -> None:
        self.view_changed.emit(self._zoom, self.scroll_fraction())
        if not self._laying_out:
            self._describe()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        key, bar = event.key(), self.horizontalScrollBar()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.set_zoom(self._zoom * ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.set_zoom(self._zoom / ZOOM_STEP)
        elif key == Qt.Key.Key_0:
            self.set_zoom(1.0)
        elif key == Qt.Key.Key_Home:
            bar.setValue(bar.minimum())
        elif key == Qt.Key.Key_End:
            bar.setValue(bar.maximum())
        else:
            super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            step = ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP
            self.set_zoom(self._zoom * step, event.position().x())
            event.accept()
            return
        super().wheelEvent(event)

    # -- following the window --------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        # Dragged out of the way (no height), the picture is out of the Tab order too: the
        # focus never goes where it cannot be seen.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if self.height() > 0
                            else Qt.FocusPolicy.NoFocus)
        if self._laying_out:
            return
        if self._keep_fraction is None:
            self._keep_fraction = self.scroll_fraction()
        self._due.start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        # A picture coming into view is laid out before it is painted, never shown stale.
        super().showEvent(event)
        if self._due.isActive():
            self._relayout_due()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            # Zooming the window or the audience's type size: measure the labels anew.
            self._due.start()
        elif event.type() == QEvent.Type.PaletteChange:
            self.legend.update()
            self.canvas.update()
