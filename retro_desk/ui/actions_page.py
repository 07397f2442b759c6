"""Follow-up actions with owner and due date, added in one line, and the parking-lot review."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from retro_desk.editor import Change, SessionEditor
from retro_desk.model import Action
from retro_desk.ui.accessible import describe, tab_order
from retro_desk.ui.list_page import (
    DecoratingDelegate,
    Index,
    TextItemsModel,
    delete_action,
    mirror_change,
)
from retro_desk.ui.page import PageContext, PhasePage
from retro_desk.ui.theme import current_palette

DONE, DESCRIPTION, OWNER, DUE = range(4)
HEADERS = ("Done", "Description", "Owner", "Due")
QUICK_ADD_HELP = "New action: what to do @owner due 2026-12-01   (Enter adds)"

# "@name" or '@"two words"', only at the start of a word, so an e-mail address stays text.
_OWNER = re.compile(r'(?<!\S)@(?:"([^"]*)"|([^\s"]+))')
# "due:<anything>" is always meant as a date; "due <word>" only when the word starts with a
# digit, so "check the invoices due next week" stays a description.
_DUE = re.compile(r"(?<!\S)due(?::\s*(\S*)|\s+(\d\S*))", re.IGNORECASE)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_due(text: str) -> str | None:
    """An ISO date (YYYY-MM-DD) as typed, None for nothing; ValueError with a message otherwise."""
    text = text.strip()
    if not text:
        return None
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            pass  # Shaped like a date, but no such day (2026-02-30): the same message.
    raise ValueError(f"“{text}” is not a date: write the due date as YYYY-MM-DD, like 2026-12-01.")


def parse_quick_action(text: str) -> Action:
    """`description @owner due 2026-12-01` as an Action; ValueError with a message if unusable."""
    owner_match = _OWNER.search(text)
    due_match = _DUE.search(text)
    due = None
    if due_match:
        typed = due_match.group(1) or due_match.group(2) or ""
        if not typed:
            raise ValueError("Write the due date after “due:”, as YYYY-MM-DD, like 2026-12-01.")
        due = parse_due(typed)
    spans = sorted(m.span() for m in (owner_match, due_match) if m)
    rest, start = [], 0
    for begin, end in spans:
        rest.append(text[start:begin])
        start = end
    rest.append(text[start:])
    description = " ".join("".join(rest).split())
    if not description:
        raise ValueError("Write what is to be done, then @owner and due YYYY-MM-DD.")
    owner = (owner_match.group(1) or owner_match.group(2) or "").strip() if owner_match else ""
    return Action(description=description, owner=owner, due=due)


class ActionsModel(QAbstractTableModel):
    """A thin adapter over `editor.retro.actions`; UserRole gives the Action.

    Edits go to the editor; rows change only when the stored edit comes back via `on_change`.
    """

    # An in-place edit that was not stored, with the reason to show.
    editRefused = Signal(str)  # noqa: N815 - Qt's naming, like the other models

    def __init__(self, context: PageContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.editor: SessionEditor | None = None
        self._rows: list[Action] = []

    def set_editor(self, editor: SessionEditor | None) -> None:
        self.beginResetModel()
        self.editor = editor
        self._rows = list(editor.retro.actions) if editor else []
        self.endResetModel()

    def on_change(self, change: Change) -> None:
        if change.part == "actions" and self.editor is not None:
            mirror_change(self, self._rows, change, self.editor.retro.actions, len(HEADERS))

    def action_at(self, row: int) -> Action:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == DONE:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        action = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.UserRole:
            return action
        if role == Qt.ItemDataRole.CheckStateRole and column == DONE:
            return Qt.CheckState.Checked if action.done else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole) and column != DONE:
            return (action.description, action.owner, action.due or "")[column - 1]
        if role == Qt.ItemDataRole.ToolTipRole and column == DUE:
            return "Due date, YYYY-MM-DD (F2 to change)"
        return None

    def setData(  # noqa: N802 - Qt's name
        self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if self.editor is None or not index.isValid():
            return False
        column = index.column()
        if column == DONE and role == Qt.ItemDataRole.CheckStateRole:
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value)
            return self.set_field(index.row(), done=checked)
        if column == DONE or role != Qt.ItemDataRole.EditRole:
            return False
        text = str(value or "").strip()
        if column == DESCRIPTION:
            if not text:
                self.editRefused.emit("An action needs a description; the old one is kept.")
                return False
            return self.set_field(index.row(), description=text)
        if column == OWNER:
            return self.set_field(index.row(), owner=text)
        try:
            due = parse_due(text)
        except ValueError as error:
            self.editRefused.emit(str(error))
            return False
        return self.set_field(index.row(), due=due)

    def set_field(self, row: int, **changes: Any) -> bool:
        """Store a change to the action in `row`; False when storage refused it."""
        editor = self.editor
        if editor is None:
            return False
        action = self._rows[row]
        return self.context.guard(lambda: editor.update(action, **changes)) is not None


class ActionsPage(PhasePage):
    """The actions table with its quick-add line, and below them the parking lot to review."""

    phase = "actions"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.model = ActionsModel(context, self)
        self.model.editRefused.connect(self.show_problem)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setItemDelegate(DecoratingDelegate(context, self.table))
        describe(self.table, "Actions", "Every follow-up; Space marks the selected one done, F2"
                 " edits, Delete removes")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.setWordWrap(True)
        # Tab leaves the table, as it does the timeline's; the arrows move between cells.
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setStyleSheet("QTableView::item { padding: 4px 2px; }")
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        toggle = QAction("Toggle done", self.table)
        toggle.setShortcut(QKeySequence(Qt.Key.Key_Space))
        toggle.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        toggle.triggered.connect(self.toggle_done)
        self.table.addAction(toggle)
        delete_action(self.table, self.remove_selected)

        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.entry = QLineEdit(self)
        self.entry.setPlaceholderText(QUICK_ADD_HELP)
        self.entry.setAccessibleName("New action")
        self.entry.setToolTip('Owner: @name or @"two names". Due: due 2026-12-01 or due:2026-12-01')
        self.entry.returnPressed.connect(self.add_entry)
        self.entry.textEdited.connect(lambda _text: self.message.clear())
        context.decorate_text(self.entry)

        self.parking_model = TextItemsModel(context, "parking_lot", editable=False, parent=self)
        self.parking = QListView(self)
        self.parking.setModel(self.parking_model)
        self.parking.setWordWrap(True)
        self.parking.setResizeMode(QListView.ResizeMode.Adjust)
        self.parking.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.parking.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.parking.setStyleSheet("QListView::item { padding: 4px 0px; }")
        describe(self.parking, "Parking lot review", "Topics parked during the retro, to turn"
                 " into actions or let go")

        work = QWidget(self)
        work_column = QVBoxLayout(work)
        work_column.setContentsMargins(0, 0, 0, 0)
        work_column.addWidget(self.table, 1)
        work_column.addWidget(self.entry)
        work_column.addWidget(self.message)
        review = QWidget(self)
        review_column = QVBoxLayout(review)
        review_column.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Parking lot review", review)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        heading.setBuddy(self.parking)
        review_column.addWidget(heading)
        review_column.addWidget(self.parking, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(work)
        splitter.addWidget(review)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        tab_order(self.table, self.entry, self.parking)

    # -- slots -----------------------------------------------------------------------------

    def add_entry(self) -> None:
        editor = self.editor
        if editor is None or not self.entry.text().strip():
            return
        try:
            action = parse_quick_action(self.entry.text())
        except ValueError as error:
            self.show_problem(str(error))
            return
        if self.context.guard(lambda: editor.add(action)) is not None:
            self.entry.clear()
            self.message.clear()
            self.table.scrollToBottom()

    def toggle_done(self) -> None:
        row = self._selected_row()
        if row is not None:
            self.model.set_field(row, done=not self.model.action_at(row).done)

    def remove_selected(self) -> None:
        row = self._selected_row()
        editor = self.editor
        if row is not None and editor is not None:
            action = self.model.action_at(row)
            self.context.guard(lambda: editor.delete(action))

    def _selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def show_problem(self, text: str) -> None:
        self.message.setStyleSheet(f"color: {current_palette().warning.name()}")
        self.message.setText(text)

    # -- PhasePage -------------------------------------------------------------------------

    def reload(self) -> None:
        self.model.set_editor(self.editor)
        self.parking_model.set_editor(self.editor)
        self.message.clear()

    def on_change(self, change: Change) -> None:
        self.model.on_change(change)
        self.parking_model.on_change(change)

    def focus_entry(self) -> None:
        self.entry.setFocus()
