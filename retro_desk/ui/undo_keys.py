"""Ctrl+Z and Ctrl+Shift+Z in a text field undo the retro's stored edits, not only the typing.

A text field takes the undo keys for itself, so the window's Undo never ran while one had the
focus, and the quick-add line's own undo put back the line just stored: Enter then stored it a
second time. Here a field keeps the keys only while it has typing of its own to take back (a
line with text in it, or a text box with an undo step); otherwise the window's Undo and Redo,
which act on what is stored, get them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextEdit, QWidget

UNDO, REDO = QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo


class StoredUndoKeys(QObject):
    """Installed on text fields: hands the undo keys on to the window when the field has
    nothing of its own to undo or redo."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(watched, QWidget):
            return False
        assert isinstance(event, QKeyEvent)
        if event.matches(UNDO) and not has_own_undo(watched):
            event.ignore()
            return True
        if (event.matches(REDO) or _is_ctrl_y(event)) and not has_own_redo(watched):
            event.ignore()
            return True
        return False


def has_own_undo(widget: QWidget) -> bool:
    """Typing the field could take back itself (a line emptied by storing it has none)."""
    if isinstance(widget, QLineEdit):
        return bool(widget.text()) and widget.isUndoAvailable()
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return widget.document().isUndoAvailable()
    return False


def has_own_redo(widget: QWidget) -> bool:
    if isinstance(widget, QLineEdit):
        return widget.isRedoAvailable()
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return widget.document().isRedoAvailable()
    return False


def _is_ctrl_y(event: QKeyEvent) -> bool:
    return QKeySequence(event.keyCombination()) == QKeySequence("Ctrl+Y")

