"""The live tally of a feelings round: one bar per word, blame feelings as their own group."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from retro_desk.feelings_tally import Counts
from retro_desk.ui.theme import current_palette

CORE_HEADING = "Feelings"
BLAME_HEADING = "Blame feelings"
EMPTY_TEXT = "No feelings recorded yet."
# The longest bar, in widths of the letter "M": enough to tell 3 from 4 across a video call,
# short enough that a wide window does not turn the tally into a wall of colour.
BAR_EMS = 14


class FeelingsTally(QWidget):
    """Bars scaled to the most frequent word across both groups, so the groups compare fairly."""

    def __init__(self, parent: QWidget | None = None, heading: str = CORE_HEADING) -> None:
        """`heading` names the first group (the close's votes use these bars too)."""
        super().__init__(parent)
        self._heading = heading
        self._core: Counts = []
        self._blame: Counts = []
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setAccessibleName("Feelings tally")
        self._describe()

    def set_counts(self, core: Counts, blame: Counts) -> None:
        """Show these (word, count) pairs, in the order given (most frequent first)."""
        if (core, blame) == (self._core, self._blame):
            return
        self._core, self._blame = list(core), list(blame)
        self._describe()
        self.updateGeometry()
        self.update()

    def counts(self) -> tuple[Counts, Counts]:
        return list(self._core), list(self._blame)

    def _describe(self) -> None:
        # Screen readers get the same figures the bars show.
        parts = [
            f"{heading}: " + ", ".join(f"{word} {count}" for word, count in rows)
            for heading, rows in self._groups()
        ]
        self.setAccessibleDescription("; ".join(parts) or EMPTY_TEXT)

    def _groups(self) -> list[tuple[str, Counts]]:
        return [(h, rows) for h, rows in ((self._heading, self._core), (BLAME_HEADING, self._blame))
                if rows]

    # -- geometry --------------------------------------------------------------------------

    def _fonts(self) -> tuple[QFont, QFont]:
        heading = QFont(self.font())
        heading.setBold(True)
        return QFont(self.font()), heading

    def _row_height(self) -> float:
        return QFontMetricsF(self.font()).height() * 1.5

    def _label_width(self) -> float:
        metrics = QFontMetricsF(self.font())
        words = [word for _, rows in self._groups() for word, _ in rows]
        return max((metrics.horizontalAdvance(word) for word in words), default=0.0)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        metrics = QFontMetricsF(self.font())
        em = metrics.horizontalAdvance("M")
        rows = sum(len(rows) for _, rows in self._groups())
        headings = len(self._groups())
        height = (rows + headings) * self._row_height() + max(headings - 1, 0) * em
        width = self._label_width() + em * (BAR_EMS + 5)
        return QSize(int(width), int(max(height, self._row_height())) + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = self.sizeHint()
        return QSize(min(hint.width(), 200), hint.height())

    # -- painting --------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        theme = current_palette()
        text_colour = self.palette().windowText().color()
        body, heading_font = self._fonts()
        metrics = QFontMetricsF(body)
        em = metrics.horizontalAdvance("M")
        row = self._row_height()
        if not self._groups():
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(QRectF(0, 0, self.width(), row), Qt.AlignmentFlag.AlignVCenter,
                             EMPTY_TEXT)
            return
        label_width = min(self._label_width(), self.width() * 0.45)
        count_width = metrics.horizontalAdvance("000") + em
        bar_left = label_width + em
        bar_room = min(max(self.width() - bar_left - count_width, em), BAR_EMS * em)
        most = max(count for _, rows in self._groups() for _, count in rows)
        y = 0.0
        for heading, rows in self._groups():
            colour = QColor(theme.blame if heading == BLAME_HEADING else theme.accent)
            painter.setFont(heading_font)
            painter.setPen(colour if heading == BLAME_HEADING else text_colour)
            painter.drawText(QRectF(0, y, self.width(), row), Qt.AlignmentFlag.AlignVCenter,
                             heading)
            y += row
            painter.setFont(body)
            for word, count in rows:
                painter.setPen(text_colour)
                shown = metrics.elidedText(word, Qt.TextElideMode.ElideRight, label_width)
                painter.drawText(QRectF(0, y, label_width, row), Qt.AlignmentFlag.AlignVCenter,
                                 shown)
                length = max(bar_room * count / most, em / 2)
                bar = QRectF(bar_left, y + row * 0.2, length, row * 0.6)
                painter.fillRect(bar, colour)
                painter.drawText(QRectF(bar.right() + em / 2, y, count_width, row),
                                 Qt.AlignmentFlag.AlignVCenter, str(count))
                y += row
            y += em
