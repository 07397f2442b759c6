"""The row of phases across the top: the current one marked, spent against planned under each."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QWidget

from retro_desk.model import AgendaItem
from retro_desk.timefmt import format_duration
from retro_desk.ui.fonts import relative_font
from retro_desk.ui.widgets.flow_layout import FlowLayout


class PhaseStepper(QWidget):
    """One button per agenda item; clicking one asks to move there (`phase_chosen`)."""

    phase_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Buttons keep the width their text needs; zoomed in, the row wraps onto a second one.
        self._layout = FlowLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._buttons: list[QPushButton] = []
        self._current = -1

    def set_agenda(self, agenda: list[AgendaItem], current: int, elapsed: list[float]) -> None:
        if len(agenda) != len(self._buttons):
            self._rebuild(len(agenda))
        for index, (item, button) in enumerate(zip(agenda, self._buttons, strict=True)):
            spent = format_duration(elapsed[index]).lstrip("+")
            planned = format_duration(item.planned_seconds)
            text = f"{item.title}\n{spent} / {planned}"
            if button.text() != text:
                button.setText(text)
                button.setAccessibleName(f"{item.title}: {spent} spent of {planned} planned")
            # Four times a second: only what changed is set, since setting a font (even the
            # same one) makes Qt measure and repaint the button again.
            over = elapsed[index] > item.planned_seconds
            if button.property("overrun") != over:
                button.setProperty("overrun", over)
            button.setChecked(index == current)
            if button.font().bold() != (index == current):
                font = button.font()
                font.setBold(index == current)
                button.setFont(font)
        self._current = current

    def buttons(self) -> list[QPushButton]:
        return list(self._buttons)

    def current(self) -> int:
        return self._current

    def _rebuild(self, count: int) -> None:
        for button in self._buttons:
            button.deleteLater()
        self._buttons = []
        for index in range(count):
            button = QPushButton(self)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _checked=False, i=index: self.phase_chosen.emit(i))
            self._layout.addWidget(button)
            self._buttons.append(button)


class PromptLabel(QLabel):
    """The phase's on-screen prompt, above the page, a size larger than the text around it."""

    SCALE = 1.3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        relative_font(self, self.SCALE)
