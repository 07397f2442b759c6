"""The phase timer with its Start/Pause and +1 min buttons and the projected end of the meeting."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from retro_desk.timefmt import format_duration
from retro_desk.timer import PhaseTimer
from retro_desk.ui.widgets.timer_widget import TimerWidget


class TimerControls(QWidget):
    """Repainted from a `PhaseTimer` by `show_timer`; the buttons call what they are given."""

    def __init__(self, pixel_size: int, toggle: Callable[[], None], add_minute: Callable[[], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timer_widget = TimerWidget(pixel_size, parent=self)
        self.start_button = QPushButton("Start", self)
        self.start_button.setToolTip("Start or pause the phase timer (F5)")
        self.start_button.clicked.connect(toggle)
        self.add_button = QPushButton("+1 min", self)
        self.add_button.setToolTip("Add one minute to this phase (F6)")
        self.add_button.clicked.connect(add_minute)
        for button in (self.start_button, self.add_button):
            # The keyboard stays in the entry line.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.end_label = QLabel(self)
        self.end_label.setAccessibleName("Meeting end")
        # The buttons beside the timer, not under it: the page below keeps the height.
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.timer_widget)
        side = QVBoxLayout()
        side.addWidget(self.start_button)
        side.addWidget(self.add_button)
        side.addWidget(self.end_label, 0, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(side)

    def show_timer(self, timer: PhaseTimer) -> None:
        self.timer_widget.set_state(format_duration(timer.remaining()), timer.mode(), timer.running)
        self.start_button.setText("Pause" if timer.running else "Start")
        offset = timer.projected_end_offset()
        if abs(offset) < 30:
            self.end_label.setText("On time")
        elif offset > 0:
            self.end_label.setText(f"Ends {format_duration(offset).lstrip('+')} late")
        else:
            self.end_label.setText(f"Ends {format_duration(-offset)} early")
