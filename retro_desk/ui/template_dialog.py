"""The dialog that names an agenda template, and says when the name replaces a saved one."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from retro_desk.templates import MAX_NAME_LENGTH, TemplateError, clean_name
from retro_desk.ui.accessible import describe


class TemplateNameDialog(QDialog):
    """Ask for a template's name; `ask()` is the one entry point, so tests can replace it."""

    def __init__(
        self, saved_names: Sequence[str], summary: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save agenda as template")
        self._saved = {name.casefold(): name for name in saved_names}
        self.name = QLineEdit(self)
        self.name.setMaxLength(MAX_NAME_LENGTH)
        self.name.setPlaceholderText("e.g. Short review, long timeline")
        describe(self.name, "Name", "The template's name, as the new retro dialog lists it")
        self.agenda = QLabel(summary, self)
        self.agenda.setWordWrap(True)
        self.agenda.setTextFormat(Qt.TextFormat.PlainText)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setAccessibleDescription("Keeps this agenda under the name")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleDescription("Closes this dialog; nothing is saved")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("Agenda", self.agenda)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.name.textChanged.connect(self._check)
        self._check()
        self.resize(460, self.sizeHint().height())

    def chosen(self) -> str | None:
        """The cleaned name, or None (with the reason shown) if it cannot be used."""
        try:
            return clean_name(self.name.text())
        except TemplateError as error:
            self.note.setText(str(error))
            return None

    def _check(self) -> None:
        typed = " ".join(self.name.text().split())
        replaced = self._saved.get(typed.casefold())
        self.ok_button.setText("Replace" if replaced else "Save")
        self.note.setText(
            f"A template called “{replaced}” is saved already; saving replaces it."
            if replaced else ""
        )

    def accept(self) -> None:
        if self.chosen() is not None:
            super().accept()

    @classmethod
    def ask(
        cls, parent: QWidget | None, saved_names: Sequence[str], summary: str
    ) -> str | None:
        dialog = cls(saved_names, summary, parent)
        dialog.name.setFocus(Qt.FocusReason.OtherFocusReason)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.chosen()
        finally:
            dialog.deleteLater()
