"""The status bar's line: saved or read-only, the retro's counts, and errors in words."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from retro_desk.editor import SessionEditor
from retro_desk.ui.theme import current_palette


class StatusLine(QLabel):
    def show_state(self, editor: SessionEditor | None, read_only: bool) -> None:
        if not editor:
            self.set_status("No retro open")
            return
        decisions, events = editor.summary_counts()
        mode = "Read-only" if read_only else "Saved"
        self.set_status(f"{mode} · {decisions} decision points · {events} events")

    def set_status(self, text: str, error: bool = False) -> None:
        self.setText(text)
        # A style sheet is costly to apply (the label is re-polished): only when it changes.
        # The theme's overtime red keeps its contrast in light, dark and high contrast.
        red = current_palette().overtime.name()
        style = f"color: {red}; font-weight: bold" if error else ""
        if self.styleSheet() != style:
            self.setStyleSheet(style)


def show_message(parent: QWidget, title: str, text: str) -> None:
    """A non-blocking message box, so a failed save never freezes the meeting."""
    # Imported when first needed: nothing before the first paint shows one.
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
