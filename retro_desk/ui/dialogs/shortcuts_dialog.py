"""F1: every command and key in one searchable table, named as the menus name them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from retro_desk.ui.actions import ACTIONS, PAGE_KEYS, key_sequences


def readable(text: str) -> str:
    """A menu text as a person reads it: no accelerator marks, no trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def typed_keys(sequence: QKeySequence) -> bool:
    """A key a person types on a keyboard: not a dedicated "New" or "Zoom In" hardware key,
    which some platforms add to the standard bindings and which read as a command's name."""
    combination = sequence[0]  # type: ignore[index]  # PySide's stubs miss __getitem__
    special = combination.key().value > Qt.Key.Key_F35.value
    return not (special and combination.keyboardModifiers() == Qt.KeyboardModifier.NoModifier)


def shortcut_rows() -> list[tuple[str, str, str]]:
    """(where, command, keys) for every command with a key, then the keys inside pages."""
    rows: list[tuple[str, str, str]] = []
    for spec in ACTIONS:
        keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText)
                         for s in key_sequences(spec) if typed_keys(s))
        if keys:
            rows.append((readable(spec.menu) + " menu", readable(spec.text), keys))
    rows.append(("Session menu", "Go to phase 1 … 9", "Ctrl+1 … Ctrl+9"))
    rows += [(where, what[0].upper() + what[1:], keys) for where, keys, what in PAGE_KEYS]
    return rows


class ShortcutsDialog(QDialog):
    """A table of where, what and which keys; typing filters it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Type to filter: a command, a key or a page")
        self.filter.setAccessibleName("Filter shortcuts")
        self.filter.textChanged.connect(self._filter)
        rows = shortcut_rows()
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setHorizontalHeaderLabels(["Where", "Command", "Keys"])
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        for row, texts in enumerate(rows):
            for column, text in enumerate(texts):
                self.table.setItem(row, column, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(760, 560)

    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def rows(self) -> list[tuple[str, str, str]]:
        """The rows shown now (not filtered out)."""
        return [
            (self.cell(row, 0), self.cell(row, 1), self.cell(row, 2))
            for row in range(self.table.rowCount()) if not self.table.isRowHidden(row)
        ]

    def _filter(self, text: str) -> None:
        wanted = text.casefold().strip()
        for row in range(self.table.rowCount()):
            line = " ".join(self.cell(row, c) for c in range(3)).casefold()
            self.table.setRowHidden(row, bool(wanted) and wanted not in line)

    @classmethod
    def show_for(cls, parent: QWidget) -> ShortcutsDialog:
        """Open the table beside the window without stopping the meeting."""
        dialog = cls(parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
