"""The Insights page: blame language, feelings, local rationality and actions across retros,
as small bar charts drawn with QPainter like the timeline picture."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QVBoxLayout, QWidget

from retro_desk.storage import StorageError, Store
from retro_desk.ui.theme import current_palette

if TYPE_CHECKING:
    from retro_desk.archive.insights import FactsCache, Insights


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str


class BarChart(QWidget):
    """Horizontal bars with their labels and values: small, and legible at any width."""

    ROW_GAP = 6

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.bars: list[Bar] = []
        self.setAccessibleName(title)

    def set_bars(self, bars: list[Bar]) -> None:
        self.bars = bars
        self.setAccessibleDescription("; ".join(f"{b.label}: {b.text}" for b in bars))
        self.updateGeometry()
        self.update()

    def _row_height(self) -> int:
        return self.fontMetrics().height() + self.ROW_GAP

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        rows = max(1, len(self.bars)) + 1
        return QSize(260, rows * self._row_height() + self.ROW_GAP)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(160, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = current_palette()
        painter.fillRect(self.rect(), palette.base)
        metrics = self.fontMetrics()
        row = self._row_height()
        width = self.width()
        painter.setPen(palette.text)
        bold = painter.font()
        bold.setBold(True)
        painter.save()
        painter.setFont(bold)
        painter.drawText(QRectF(4, 0, width - 8, row), Qt.AlignmentFlag.AlignVCenter,
                         self.title)
        painter.restore()
        if not self.bars:
            painter.setPen(palette.muted)
            painter.drawText(QRectF(4, row, width - 8, row), Qt.AlignmentFlag.AlignVCenter,
                             "Nothing to show yet")
            painter.end()
            return
        label_width = min(max(metrics.horizontalAdvance(b.label) for b in self.bars) + 16,
                          width // 3)
        text_width = max(metrics.horizontalAdvance(b.text) for b in self.bars) + 8
        bar_space = max(10, width - label_width - text_width - 8)
        top = max((b.value for b in self.bars), default=0) or 1
        for number, bar in enumerate(self.bars):
            y = (number + 1) * row
            painter.setPen(palette.text)
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - 10)
            painter.drawText(QRectF(4, y, label_width - 6, row), Qt.AlignmentFlag.AlignVCenter,
                             label)
            length = bar_space * bar.value / top
            painter.fillRect(QRectF(label_width, y + 3, length, row - 6), palette.accent)
            painter.drawText(QRectF(label_width + length + 4, y, text_width, row),
                             Qt.AlignmentFlag.AlignVCenter, bar.text)
        painter.end()


class InsightsPage(QScrollArea):
    """What the archive shows across retros, month by month; computed when shown."""

    def __init__(self, store: Store, report_error: Callable[[StorageError], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.report_error = report_error
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        self.blame = BarChart("Blame phrases per 1,000 words", body)
        self.handled = BarChart("Reframed or named as a feeling", body)
        self.feelings = BarChart("Feelings rounds naming a blame feeling", body)
        self.categories = BarChart("Local-rationality categories used", body)
        self.action_summary = QLabel(body)
        self.action_summary.setWordWrap(True)
        self.action_summary.setAccessibleName("Actions completion")
        for chart in (self.blame, self.handled, self.feelings, self.categories):
            layout.addWidget(chart)
        layout.addWidget(self.action_summary)
        layout.addStretch(1)
        self.setWidget(body)
        self.insights: Insights | None = None
        self._facts: FactsCache = {}

    def refresh(self) -> None:
        from retro_desk.archive.insights import insights

        # Reading every retro the first time takes a while in a large archive; afterwards
        # only those changed since are read again.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            found = insights(self.store, self._facts)
        except StorageError as error:
            self.report_error(error)
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.insights = found
        months = found.months
        self.blame.set_bars([Bar(m.month, m.findings_per_1000_words,
                                 f"{m.findings_per_1000_words:.1f}") for m in months])
        self.handled.set_bars([
            Bar(m.month, m.reframed + m.named_feeling,
                f"{m.reframed} reframed, {m.named_feeling} named of {m.findings}")
            for m in months])
        self.feelings.set_bars([
            Bar(m.month, m.blame_round_share or 0.0,
                f"{m.blame_rounds} of {m.feelings_rounds}") for m in months
            if m.feelings_rounds])
        self.categories.set_bars([Bar(key.replace("_", " "), count, str(count))
                                  for key, count in found.categories])
        rate, median = found.completion_rate, found.median_days_to_done
        if rate is None:
            self.action_summary.setText("Actions: none agreed yet.")
        else:
            text = f"Actions: {found.actions_done} of {found.actions} done ({rate:.0%})."
            if median is not None:
                text += f" Median {median:.1f} days from the retro to done."
            self.action_summary.setText(text)
