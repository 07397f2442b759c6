"""The large countdown: it only paints what the phase timer says; the timing is in the core."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from retro_desk.ui.theme import Palette, current_palette

FLASH_MS = 700


SHORT_SAMPLE, LONG_SAMPLE = "+00:00", "+00:00:00"


class TimerWidget(QWidget):
    """Shows `07:42` or `+01:23`; colour by mode; one flash when the countdown reaches zero."""

    def __init__(self, pixel_size: int = 56, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = "--:--"
        self._sample = SHORT_SAMPLE
        self._mode = "normal"
        self._running = False
        self._flashing = False
        self.pixel_size = pixel_size
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Phase timer")
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self._end_flash)

    def text(self) -> str:
        return self._text

    def mode(self) -> str:
        return self._mode

    def is_flashing(self) -> bool:
        return self._flashing

    def set_state(self, text: str, mode: str, running: bool) -> None:
        if mode == "overtime" and self._mode != "overtime" and self._text != "--:--":
            self.flash()
        if (text, mode, running) != (self._text, self._mode, self._running):
            hours = text.count(":") > 1
            self._text, self._mode, self._running = text, mode, running
            if hours != (self._sample == LONG_SAMPLE):
                # Room for hours only when there are hours: the box stays as small as it can.
                self._sample = LONG_SAMPLE if hours else SHORT_SAMPLE
                self.updateGeometry()
            self.setAccessibleDescription(f"{text}, {mode}{'' if running else ', paused'}")
            self.update()

    def flash(self) -> None:
        self._flashing = True
        self._flash_timer.start(FLASH_MS)
        self.update()

    def _end_flash(self) -> None:
        self._flashing = False
        self.update()

    def set_pixel_size(self, pixel_size: int) -> None:
        self.pixel_size = pixel_size
        self.updateGeometry()
        self.update()

    def _font(self) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(self.pixel_size)
        font.setBold(True)
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setFamilies(["DejaVu Sans Mono", "Menlo", "Consolas", "monospace"])
        return font

    def _fitted_font(self) -> QFont:
        """The set size, or smaller when a narrow window would clip `+01:23` (never below half)."""
        font = self._font()
        room = self.width() - 8
        needed = QFontMetrics(font).horizontalAdvance(self._text)
        if needed > room > 0:
            font.setPixelSize(max(self.pixel_size // 2, int(self.pixel_size * room / needed)))
        return font

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        metrics = QFontMetrics(self._font())
        return QSize(metrics.horizontalAdvance(self._sample) + 24, metrics.height() + 12)

    def colours(self, palette: Palette) -> tuple[QColor, QColor]:
        """(text, background) for the current mode; the flash swaps them."""
        text = {
            "normal": palette.text,
            "warning": palette.warning,
            "overtime": palette.overtime,
        }[self._mode]
        background = palette.base
        if self._flashing:
            return background, text
        return text, background

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        palette = current_palette()
        text, background = self.colours(palette)
        painter = QPainter(self)
        painter.fillRect(self.rect(), background)
        painter.setPen(text if self._running or self._mode == "overtime" else palette.muted)
        painter.setFont(self._fitted_font())
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._text)
        painter.end()
