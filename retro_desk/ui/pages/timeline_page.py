"""The timeline phase: the events in time order, and a quick-add line where the focus starts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QKeyEvent,
    QKeySequence,
    QPalette,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from retro_desk.editor import Change
from retro_desk.model import Event
from retro_desk.textref import Place
from retro_desk.timefmt import TimeInputError, parse_quick_time
from retro_desk.ui.accessible import describe, tab_order
from retro_desk.ui.pages.page import PageContext, PhasePage
from retro_desk.ui.pages.timeline_model import (
    ACTOR,
    DECISION,
    DESCRIPTION,
    LEARNED,
    SOURCE,
    TIME,
    TimelineModel,
)
from retro_desk.ui.theme import current_palette
from retro_desk.ui.widgets.timeline_picture import TimelinePicture

ACTOR_MAX_LENGTH = 40
# Rows looked at to size the time and flag columns to their contents.
SIZED_ROWS = 50
# The picture follows edits once typing pauses: laying out thousands of events takes longer
# than a frame, and the row just typed must show at once.
PICTURE_DELAY_MS = 150
DECISION_KEYS = "Ctrl+D"
LEARNED_KEYS = "Ctrl+Shift+L"
# Widths in average characters: enough for most names and sources, the rest wraps.
COLUMN_CHARACTERS = {ACTOR: 17, SOURCE: 17}
# The help text under the entry line shows while the timeline has fewer events than this, or
# when the page is at least this many lines tall.
HINT_EVENTS = 3
HINT_ROOM_LINES = 40
TIME_FORMS = "14:32, 14:32:10, +5m, +30s, +1h (after the last event) or 2026-11-20T14:32"
ENTRY_EXAMPLE = "14:32 Zoë: rolled back the config"
HINT = (
    f"Time, then an optional “Name:”, then what happened. Times: {TIME_FORMS}.\n"
    f"{DECISION_KEYS} decision point · {LEARNED_KEYS} learned later · in the table:"
    " F2 or Enter edits, Delete removes (Ctrl+Z brings it back)"
)


class EntryError(ValueError):
    """A quick-add line that cannot become an event; the message says what to type instead."""


@dataclass(frozen=True)
class QuickEntry:
    at: str
    actor: str
    description: str


def parse_entry(
    text: str, tz_name: str, incident_date: str | None, previous: str | None
) -> QuickEntry:
    """`<time> [Actor:] description`, as typed in the quick-add line."""
    time_text, _, rest = text.strip().partition(" ")
    try:
        at = parse_quick_time(time_text, tz_name, incident_date, previous)
    except TimeInputError as error:
        raise EntryError(f"Not added: {error}. Start with a time: {TIME_FORMS}.") from error
    head, colon, tail = rest.partition(": ")
    actor = head.strip()
    # A long head or a bare number is part of the description ("3: retries"), not a name.
    if colon and actor and len(actor) <= ACTOR_MAX_LENGTH and not actor.isdigit():
        rest = tail
    else:
        actor = ""
    description = rest.strip()
    if not description:
        raise EntryError("Not added: write what happened after the time.")
    return QuickEntry(at=at, actor=actor, description=description)


class _TextDelegate(QStyledItemDelegate):
    """Edits cells in place; user text gets the same decoration as every other text field."""

    # Room between rows, so a shared screen reads as separate events, not a wall of text;
    # the text is centred in the row, so it falls equally above and below.
    ROW_PADDING = 14

    def __init__(self, decorate: Callable[[QWidget], None], parent: QWidget) -> None:
        super().__init__(parent)
        self._decorate = decorate

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = super().createEditor(parent, option, index)
        if index.column() != TIME:
            self._decorate(editor)
        return editor

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + self.ROW_PADDING)


class _TimelineView(QTableView):
    """Rows grow to fit their wrapped text, measured only for the rows on screen.

    Qt's own ResizeToContents measures every row after every change, which takes seconds on
    a long timeline; here a changed row is measured at once and the rest when they scroll in.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._sizing = QTimer(self)
        self._sizing.setSingleShot(True)
        self._sizing.setInterval(0)
        self._sizing.timeout.connect(self._size_visible_rows)
        self.verticalScrollBar().valueChanged.connect(self._sizing.start)
        self.horizontalHeader().sectionResized.connect(self._sizing.start)
        # Rows measured at the present column widths and font: showing the page again (a
        # change of phase) measures nothing anew.
        self._measured: set[int] = set()
        self._measured_for: tuple[object, ...] = ()

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is not None:
            model.modelReset.connect(self._forget_measures)
            model.rowsInserted.connect(self._size_inserted)
            model.rowsRemoved.connect(self._forget_measures)
            model.layoutChanged.connect(self._forget_measures)
            model.dataChanged.connect(self._size_changed)

    def _forget_measures(self, *_args: object) -> None:
        self._measured.clear()
        self._sizing.start()

    def _size_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        # The rows after the new ones moved down: their measures now belong to other rows.
        self._measured = {row for row in self._measured if row < first}
        for row in range(first, last + 1):
            self.resizeRowToContents(row)
            self._measured.add(row)

    def _size_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        if top_left.row() == bottom_right.row():
            self.resizeRowToContents(top_left.row())
        else:
            self._forget_measures()

    def _size_visible_rows(self) -> None:
        model = self.model()
        columns = model.columnCount() if model else 0
        measured_for = (self.font().key(), *(self.columnWidth(c) for c in range(columns)))
        if measured_for != self._measured_for:
            self._measured.clear()
            self._measured_for = measured_for
        # Each row is measured before the next one's place is read, so the loop ends at the
        # bottom of the screen as it is after measuring.
        rows = model.rowCount() if model else 0
        row = max(self.rowAt(0), 0)
        while row < rows and self.rowViewportPosition(row) < self.viewport().height():
            if row not in self._measured:
                self.resizeRowToContents(row)
                self._measured.add(row)
            row += 1

    def size_now(self) -> None:
        """Measure the rows on screen before the next paint (after a jump to a new row, so
        the view is painted once, not once before and once after)."""
        self._sizing.stop()
        self._size_visible_rows()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._sizing.start()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter on a row edits it, as F2 does; Qt would only emit `activated`.
        editing = self.state() == QAbstractItemView.State.EditingState
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not editing:
            if self.currentIndex().isValid():
                self.edit(self.currentIndex())
                return
        super().keyPressEvent(event)


class TimelinePage(PhasePage):
    phase = "timeline"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.model = TimelineModel(self._update_event, self)
        self.table = _TimelineView(self)
        self.table.setModel(self.model)
        self.table.setItemDelegate(_TextDelegate(context.decorate_text, self.table))
        describe(self.table, "Timeline", "Every event in the order it happened; F2 or Enter edits"
                 " the selected one, Delete removes it")
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for column in (TIME, DECISION, LEARNED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        # Those columns hold short, same-shaped text, so a sample of rows sizes them; Qt's
        # default measures 1,000 rows, which cost 0.3 s at start-up with a long timeline.
        header.setResizeContentsPrecision(SIZED_ROWS)
        self._size_columns()

        self.entry = QLineEdit(self)
        self.entry.setPlaceholderText(ENTRY_EXAMPLE)
        describe(self.entry, "Add an event", "A time, then who did what; Enter adds it")
        context.decorate_text(self.entry)
        self.decision_box = QCheckBox("Decision point", self)
        self.learned_box = QCheckBox("Learned later", self)
        self.decision_box.setAccessibleDescription("The next event added is a decision point")
        self.learned_box.setAccessibleDescription("The next event added was only learned later")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        self.hint = QLabel(HINT, self)
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        entry_row = QHBoxLayout()
        entry_row.setSpacing(16)
        entry_row.addWidget(self.entry, 1)
        entry_row.addWidget(self.decision_box)
        entry_row.addWidget(self.learned_box)
        # The picture shows the shape of the incident; the table holds every word of it.
        self.picture = TimelinePicture(self)
        self.picture.event_activated.connect(self._select_key)
        self._picture_due = QTimer(self)
        self._picture_due.setSingleShot(True)
        self._picture_due.setInterval(PICTURE_DELAY_MS)
        self._picture_due.timeout.connect(self._show_picture)
        self.split = QSplitter(Qt.Orientation.Vertical, self)
        self.split.addWidget(self.picture)
        self.split.addWidget(self.table)
        # The table is the work: the picture may be dragged out of the way, the table not.
        self.split.setCollapsible(1, False)
        tab_order(self.picture, self.table, self.entry, self.decision_box, self.learned_box)
        self.split.setSizes([240, 360])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(10)
        layout.addWidget(self.split, 1)
        layout.addSpacing(6)
        layout.addLayout(entry_row)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)

        self.entry.returnPressed.connect(self._add_from_entry)
        self.entry.textEdited.connect(self._clear_message)
        self.model.editRefused.connect(self._show_message)
        self.model.rowsMoved.connect(self._keep_current_visible)
        keys: tuple[tuple[QKeySequence, QWidget, Callable[[], Any]], ...] = (
            (QKeySequence(DECISION_KEYS), self.entry, self.decision_box.toggle),
            (QKeySequence(LEARNED_KEYS), self.entry, self.learned_box.toggle),
            (QKeySequence(DECISION_KEYS), self.table, partial(self._toggle_current, DECISION)),
            (QKeySequence(LEARNED_KEYS), self.table, partial(self._toggle_current, LEARNED)),
            (QKeySequence(QKeySequence.StandardKey.Delete), self.table, self._delete_selected),
        )
        for sequence, widget, slot in keys:
            # Page keys act only where they make sense, so they cannot clash with the window's.
            shortcut = QShortcut(sequence, widget)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._size_columns()

    def _size_columns(self) -> None:
        # Enough for a name or a source, but never more than a sixth of the table each:
        # zoomed in, the description keeps the room.
        average = self.table.fontMetrics().averageCharWidth()
        most = max(self.table.viewport().width() // 6, average * 6)
        for column, characters in COLUMN_CHARACTERS.items():
            self.table.setColumnWidth(column, min(average * characters, most))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._size_columns()
        self._show_hint()

    def _show_hint(self) -> None:
        # The help under the entry line is for the first few events; after that, or when the
        # page is short (zoomed in), it gives way to the table. F1 lists the same keys.
        tall = self.height() >= self.fontMetrics().lineSpacing() * HINT_ROOM_LINES
        self.hint.setVisible(tall or self.model.rowCount() < HINT_EVENTS)

    # -- PhasePage -------------------------------------------------------------------------

    def reload(self) -> None:
        self.model.set_editor(self.editor)
        self._show_hint()
        if self.isVisible():
            self._show_picture()
        else:
            # A hidden page draws its picture when shown, or once the window is idle: at
            # start-up a long timeline's picture took longer than all that was on screen.
            self._picture_due.start()
        self._clear_message()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._picture_due.isActive():
            self._picture_due.stop()
            self._show_picture()

    def on_change(self, change: Change) -> None:
        self.model.on_change(change)
        if change.part in ("timeline", "session"):
            self._picture_due.start()
        if change.part == "timeline" and change.op in ("insert", "remove", "reset"):
            self._show_hint()

    def _show_picture(self) -> None:
        retro = self.editor.retro if self.editor else None
        self.picture.set_events(retro.timeline if retro else [],
                                retro.session.timezone if retro else "UTC")

    def focus_entry(self) -> None:
        self.entry.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- slots -----------------------------------------------------------------------------

    def _add_from_entry(self) -> None:
        editor = self.editor
        if editor is None or not self.entry.text().strip():
            return
        session = editor.retro.session
        last = self.model.last_event()
        try:
            entry = parse_entry(
                self.entry.text(), session.timezone, session.incident_date,
                last.at if last else None,
            )
        except EntryError as error:
            self._show_message(str(error))
            return
        event = Event(
            key="", at=entry.at, description=entry.description, actor=entry.actor, source="",
            decision_point=self.decision_box.isChecked(),
            learned_later=self.learned_box.isChecked(),
        )
        added = self.context.guard(lambda: editor.add(event))
        if added is None:
            return
        self.entry.clear()
        self.decision_box.setChecked(False)
        self.learned_box.setChecked(False)
        self._clear_message()
        assert isinstance(added, Event)
        self._select(added)

    def _update_event(self, event: Event, changes: dict[str, Any]) -> object:
        editor = self.editor
        if editor is None:
            return None
        return self.context.guard(lambda: editor.update(event, **changes))

    def _toggle_current(self, column: int) -> None:
        cell = self.table.currentIndex().siblingAtColumn(column)
        if cell.isValid():
            checked = cell.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
            flipped = Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked
            self.model.setData(cell, flipped, Qt.ItemDataRole.CheckStateRole)

    def _delete_selected(self) -> None:
        editor = self.editor
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        if editor is None or not rows:
            return
        for event in [self.model.event_at(row) for row in rows]:
            self.context.guard(partial(editor.delete, event))
        # The row that slid into place is selected, so Delete can be pressed again.
        remaining = self.model.rowCount()
        if remaining:
            self._select(self.model.event_at(min(rows[0], remaining - 1)))

    # -- showing ---------------------------------------------------------------------------

    def reveal(self, place: Place) -> None:
        """Select the event a language-reflection finding is in."""
        events = self.editor.retro.timeline if self.editor else []
        event = next((e for e in events if e.key == place.ref), None)
        if event is not None:
            self._select(event)
            self.table.setFocus()

    def _select_key(self, key: str) -> None:
        events = self.editor.retro.timeline if self.editor else []
        event = next((e for e in events if e.key == key), None)
        if event is not None:
            self._select(event)

    def _select(self, event: Event) -> None:
        row = self.model.row_of(event)
        if row is None:
            return
        index = self.model.index(row, DESCRIPTION)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        self.table.size_now()

    def _keep_current_visible(self, *_moved: object) -> None:
        self.table.scrollTo(self.table.currentIndex())

    def _show_message(self, text: str) -> None:
        # The theme's overtime colour is its red, and keeps 7:1 contrast in every theme.
        self.message.setStyleSheet(f"color: {current_palette().overtime.name()};")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _clear_message(self) -> None:
        self._show_message("")
