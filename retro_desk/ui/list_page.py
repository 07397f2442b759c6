"""Lists of short texts (learnings, the parking lot): add with Enter, edit in place, delete."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QAction, QFocusEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from retro_desk.editor import Change, SessionEditor
from retro_desk.model import Learning, ParkingItem
from retro_desk.ui.accessible import describe
from retro_desk.ui.fonts import relative_font
from retro_desk.ui.page import PageContext, PhasePage

Index = QModelIndex | QPersistentModelIndex


def mirror_change(
    model: QAbstractItemModel,
    rows: list[Any],
    change: Change,
    current: Sequence[Any],
    columns: int = 1,
) -> None:
    """Apply one stored edit of a domain list to the model's own copy `rows`, announcing it.

    The editor changes its list before it announces the change, while Qt wants to hear of an
    insert or removal before it happens; so a model keeps a copy and catches up here.
    """
    if change.op == "insert":
        row = _row_of(current, change.item)
        row = len(rows) if row is None else min(row, len(rows))
        model.beginInsertRows(QModelIndex(), row, row)
        rows.insert(row, change.item)
        model.endInsertRows()
        return
    row = _row_of(rows, change.item) if change.op in ("remove", "update") else None
    if row is None:
        model.beginResetModel()
        rows[:] = list(current)
        model.endResetModel()
    elif change.op == "remove":
        model.beginRemoveRows(QModelIndex(), row, row)
        del rows[row]
        model.endRemoveRows()
    else:
        rows[row] = change.item
        model.dataChanged.emit(model.index(row, 0), model.index(row, columns - 1))


def _row_of(items: Sequence[Any], item: Any) -> int | None:
    return next((row for row, existing in enumerate(items) if existing.id == item.id), None)


def delete_action(view: QAbstractItemView, slot: Callable[[], None]) -> None:
    """Delete (and Backspace, the Mac's delete key) on the view itself, not while editing."""
    action = QAction("Delete", view)
    action.setShortcuts(
        [QKeySequence(QKeySequence.StandardKey.Delete), QKeySequence(Qt.Key.Key_Backspace)]
    )
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.triggered.connect(slot)
    view.addAction(action)


class DecoratingDelegate(QStyledItemDelegate):
    """In-place editors are text fields too: the language highlighter hooks into them."""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def createEditor(  # noqa: N802 - Qt's name
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        editor = super().createEditor(parent, option, index)
        self.context.decorate_text(editor)
        return editor


class TextItemsModel(QAbstractListModel):
    """The items of one Retro list with a `text` field; UserRole gives the item."""

    def __init__(
        self, context: PageContext, part: str, editable: bool = True, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.part = part
        self.editable = editable
        self.editor: SessionEditor | None = None
        self._rows: list[Any] = []

    def set_editor(self, editor: SessionEditor | None) -> None:
        self.beginResetModel()
        self.editor = editor
        self._rows = list(getattr(editor.retro, self.part)) if editor else []
        self.endResetModel()

    def on_change(self, change: Change) -> None:
        if change.part == self.part and self.editor is not None:
            mirror_change(self, self._rows, change, getattr(self.editor.retro, self.part))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return item.text
        if role == Qt.ItemDataRole.UserRole:
            return item
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self.editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(  # noqa: N802 - Qt's name
        self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        editor = self.editor
        if editor is None or role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        item = self._rows[index.row()]
        text = str(value).strip()
        # An emptied text keeps the old one: deleting is a separate, deliberate key.
        if not text or text == item.text:
            return False
        return self.context.guard(lambda: editor.update(item, text=text)) is not None


# What a screen reader calls each list (its entry line is named by its placeholder).
LIST_NAMES = {"parking_lot": "Parking lot", "learnings": "Learnings"}


class TextListPanel(QWidget):
    """Texts with a quick-entry line: Enter adds, F2 or double-click edits, Delete removes."""

    def __init__(
        self,
        context: PageContext,
        item_type: type[Learning] | type[ParkingItem],
        part: str,
        placeholder: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.item_type = item_type
        self.editor: SessionEditor | None = None
        self.model = TextItemsModel(context, part, parent=self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setItemDelegate(DecoratingDelegate(context, self.view))
        self.view.setWordWrap(True)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setAlternatingRowColors(True)
        self.view.setStyleSheet("QListView::item { padding: 6px 0px; }")
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        describe(self.view, LIST_NAMES.get(part, part), "F2 or a double click edits the selected"
                 " item; Delete removes it")
        delete_action(self.view, self.remove_selected)
        self.entry = QLineEdit(self)
        self.entry.setPlaceholderText(placeholder)
        describe(self.entry, placeholder.rstrip("…."), "Type and press Enter to add it to the list")
        self.entry.returnPressed.connect(self.add_entry)
        context.decorate_text(self.entry)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.entry)

    def set_editor(self, editor: SessionEditor | None) -> None:
        self.editor = editor
        self.model.set_editor(editor)
        self.entry.setEnabled(editor is not None)

    def on_change(self, change: Change) -> None:
        self.model.on_change(change)

    def focus_entry(self) -> None:
        self.entry.setFocus()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        # The panel given the focus (a found phrase revealed) hands it to the entry line. Not
        # a focus proxy: Tab would go to the proxy on entering the panel, never to the list.
        self.entry.setFocus(event.reason())

    def add_entry(self) -> None:
        text = self.entry.text().strip()
        editor = self.editor
        if not text or editor is None:
            return
        if self.context.guard(lambda: editor.add(self.item_type(text=text))) is not None:
            self.entry.clear()
            self.view.scrollToBottom()

    def remove_selected(self) -> None:
        index = self.view.currentIndex()
        editor = self.editor
        selected = index.isValid() and self.view.selectionModel().isSelected(index)
        if editor is None or not selected:
            return
        item = index.data(Qt.ItemDataRole.UserRole)
        self.context.guard(lambda: editor.delete(item))


class LearningsPage(PhasePage):
    phase = "learnings"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        heading = QLabel("What made it hard? What helped?", self)
        relative_font(heading, 1.2, bold=True)
        self.panel = TextListPanel(context, Learning, "learnings", "Add a learning…", self)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.panel, 1)

    def reload(self) -> None:
        self.panel.set_editor(self.editor)

    def on_change(self, change: Change) -> None:
        self.panel.on_change(change)

    def focus_entry(self) -> None:
        self.panel.focus_entry()
