"""The Actions view: every action of every retro, overdue first; Space marks one done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from retro_desk.archive.actions import ActionRow, list_actions
from retro_desk.editor import SessionEditor
from retro_desk.storage import StorageError, Store
from retro_desk.ui.theme import current_palette

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("State", "Due", "Owner", "Action", "Retro")


class ActionRowsModel(QAbstractTableModel):
    """A thin adapter over the cross-retro action rows; UserRole gives the ActionRow."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ActionRow] = []

    def set_rows(self, rows: list[ActionRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            values = (row.state, row.due or "", row.owner, " ".join(row.description.split()),
                      " ".join(row.tracked.session_title.split()))
            return values[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and row.state == "overdue":
            return current_palette().overtime
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.description}\n\nfrom “{row.tracked.session_title}”"
        return None


class _ActionTable(QTableView):
    """Undo and redo keys go to the view's own history while it has the focus."""

    def __init__(self, view: ActionsView) -> None:
        super().__init__(view)
        self.owner_view = view

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if _is_key(event, QKeySequence.StandardKey.Undo) or _is_key(
                event, QKeySequence.StandardKey.Redo
            ):
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if _is_key(event, QKeySequence.StandardKey.Undo):
            self.owner_view.undo()
        elif _is_key(event, QKeySequence.StandardKey.Redo):
            self.owner_view.redo()
        elif event.key() == Qt.Key.Key_Space and not event.modifiers():
            self.owner_view.toggle_done()
        else:
            super().keyPressEvent(event)


def _is_key(event: QKeyEvent, key: QKeySequence.StandardKey) -> bool:
    return event.matches(key) or (
        key == QKeySequence.StandardKey.Redo
        and event.key() == Qt.Key.Key_Y
        and event.modifiers() == Qt.KeyboardModifier.ControlModifier
    )


class ActionsView(QWidget):
    """Every action of every retro, overdue first. Space marks the chosen one done (or not):
    an edit of its retro, which Ctrl+Z here (or Edit ▸ Undo with that retro open) takes back.
    Enter opens the action's retro."""

    def __init__(
        self,
        store: Store,
        editor_for: Callable[[int], SessionEditor],
        report_error: Callable[[StorageError], None],
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
        open_retro: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.open_retro = open_retro
        self.editor_for = editor_for
        self.report_error = report_error
        self.today = today
        self._done: list[SessionEditor] = []
        self._undone: list[SessionEditor] = []
        self.open_only = QCheckBox("Open only", self)
        self.open_only.setChecked(True)
        self.open_only.setAccessibleName("Show open actions only")
        self.owner = QLineEdit(self)
        self.owner.setPlaceholderText("Owner…")
        self.owner.setClearButtonEnabled(True)
        self.owner.setAccessibleName("Show the actions of this owner")
        self.done_button = QPushButton("Mark done", self)
        self.done_button.setToolTip("Mark the chosen action done, or open again (Space)")
        self.model = ActionRowsModel(self)
        self.table = _ActionTable(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Actions across retros")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(4, 160)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Actions summary")
        top = QHBoxLayout()
        top.addWidget(self.open_only)
        top.addWidget(self.owner, 1)
        top.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self.open_only.toggled.connect(self.refresh)
        self.owner.textChanged.connect(self.refresh)
        self.done_button.clicked.connect(self.toggle_done)
        self.table.activated.connect(self._open_chosen)
        self.table.selectionModel().currentRowChanged.connect(self._update_button)
        self.setFocusProxy(self.table)
        self.refresh()

    def refresh(self) -> None:
        chosen = self.chosen()
        key = None if chosen is None else chosen.tracked.action.id
        try:
            rows = list_actions(self.store, self.today(), self.open_only.isChecked(),
                                self.owner.text().strip() or None)
        except StorageError as error:
            self.report_error(error)
            return
        self.model.set_rows(rows)
        overdue = sum(1 for row in rows if row.state == "overdue")
        self.summary.setText(f"{len(rows)} actions, {overdue} overdue" if rows else
                             "No actions to show.")
        for number, row in enumerate(rows):
            if row.tracked.action.id == key:
                self.table.selectRow(number)
                break
        else:
            if rows:
                self.table.selectRow(0)
        self._update_button()

    def chosen(self) -> ActionRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        row: ActionRow = self.model.data(index, Qt.ItemDataRole.UserRole)
        return row

    def toggle_done(self) -> None:
        row = self.chosen()
        if row is None:
            return
        try:
            editor = self.editor_for(row.tracked.session_id)
            action = next(a for a in editor.retro.actions if a.id == row.tracked.action.id)
            editor.update(action, done=not action.done)
        except StorageError as error:
            self.report_error(error)
            return
        self._done.append(editor)
        self._undone.clear()
        self.refresh()

    def undo(self) -> None:
        self._step(self._done, self._undone, lambda e: e.undo_stack.undo())

    def redo(self) -> None:
        self._step(self._undone, self._done, lambda e: e.undo_stack.redo())

    def _step(
        self, source: list[SessionEditor], target: list[SessionEditor],
        run: Callable[[SessionEditor], None],
    ) -> None:
        if not source:
            return
        editor = source.pop()
        try:
            run(editor)
        except StorageError as error:
            self.report_error(error)
            return
        target.append(editor)
        self.refresh()

    def _open_chosen(self) -> None:
        """Enter or a double click opens the action's retro."""
        row = self.chosen()
        if row is not None and self.open_retro is not None:
            self.open_retro(row.tracked.session_id)

    def _update_button(self) -> None:
        row = self.chosen()
        self.done_button.setEnabled(row is not None)
        self.done_button.setText("Open again" if row and row.tracked.action.done else "Mark done")
