"""The timeline phase: the events in time order, and a quick-add line where the focus starts."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from heapq import nlargest
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QHelpEvent,
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
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
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
    DECISION_MARK,
    DESCRIPTION,
    LEARNED,
    LEARNED_LATER_MARK,
    SOURCE,
    TEXT_FIELDS,
    TIME,
    TimelineModel,
)
from retro_desk.ui.theme import current_palette
from retro_desk.ui.widgets.timeline_picture import TimelinePicture

ACTOR_MAX_LENGTH = 40
# Rows looked at to size the time column to its contents.
SIZED_ROWS = 50
# The picture follows edits once typing pauses: laying out thousands of events takes longer
# than a frame, and the row just typed must show at once.
PICTURE_DELAY_MS = 150
DECISION_KEYS = "Ctrl+D"
LEARNED_KEYS = "Ctrl+Shift+L"
# Actor and source are as wide as their longest text, up to this many average characters
# (and a fifth of the table): a longer one wraps.
COLUMN_CHARACTERS = {ACTOR: 16, SOURCE: 16}
# Where a line of a cell may break (as Qt's text layout breaks it): at a space, and after a
# hyphen or slash before a letter.
UNBREAKABLE = re.compile(r"\s+|(?<=[-/])(?=[^\W\d_])")
# A link is not made room for: it wraps at its slashes, and a long part of it is cut short
# (whole in its tooltip and its editor).
LINK = re.compile(r"\S*://\S*")
# Texts measured when a whole timeline is (re)loaded: the longest by characters; after that
# each added or edited row's own text.
MEASURED_TEXTS = 40
# A row is never taller than this share of the table (but for a few lines), so a pasted log
# cannot fill it: the rest is in its tooltip and its editor.
ROW_SHARE = 1 / 5
ROW_LINES = 3
# The picture and the table share the page; the table keeps room for this many two-line rows
# (fewer when the page is short), the picture takes what is left, with as many lanes of
# labels as fit in it, up to this share of the page.
TABLE_ROWS = 8
FEWEST_TABLE_ROWS = 3
PICTURE_SHARE = 0.3
PICTURE_LANES = (4, 3, 2, 1)
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

    def helpEvent(
        self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        # A cell cut short (a row is at most a share of the table) shows all of it on hover.
        if index.column() in (ACTOR, DESCRIPTION, SOURCE) and event.type() == QEvent.Type.ToolTip:
            option = QStyleOptionViewItem(option)
            self.initStyleOption(option, index)
            needed = super().sizeHint(option, index)
            if needed.height() > option.rect.height() or needed.width() > option.rect.width():
                # Rich text (escaped, never markup) so a tooltip wraps and keeps line breaks.
                text = html.escape(str(index.data()))
                QToolTip.showText(event.globalPos(),
                                  f"<p style='white-space:pre-wrap'>{text}</p>", view)
                return True
        return super().helpEvent(event, view, option, index)


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
        # The rows after the new ones moved down, their heights with them: so do their marks.
        added = last - first + 1
        self._measured = {row if row < first else row + added for row in self._measured}
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
        measured_for = (self.font().key(), self.viewport().height(),
                        *(self.columnWidth(c) for c in range(columns)))
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

    def sizeHintForRow(self, row: int) -> int:
        # Whole lines up to a share of the table: the last one shown ends in "…". A name or
        # a source is never cut for it: only the description, which may be long.
        full = super().sizeHintForRow(row)
        padding = _TextDelegate.ROW_PADDING
        line = self.fontMetrics().lineSpacing()
        lines = max(int((self.viewport().height() * ROW_SHARE - padding) // line), ROW_LINES)
        if full <= lines * line + padding:
            return full
        model, delegate = self.model(), self.itemDelegate()
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        short = 0
        for column in (ACTOR, SOURCE):
            option.rect = QRect(0, 0, self.columnWidth(column), full)
            short = max(short, delegate.sizeHint(option, model.index(row, column)).height())
        return max(lines * line + padding, short)

    def _cell_width(self, text: str, check: bool) -> int:
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
        if check:
            option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        option.text = text
        return self.style().sizeFromContents(
            QStyle.ContentsType.CT_ItemViewItem, option, QSize(), self).width()

    def flag_width(self, column: int, mark: str) -> int:
        """A flag column's width: its check box and mark, and its heading."""
        return max(self._cell_width(mark, True), self.horizontalHeader().sectionSizeHint(column))

    def text_margin(self) -> int:
        """What a cell adds to the width of its text."""
        return self._cell_width("x", False) - self.fontMetrics().horizontalAdvance("x")

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
        header.setSectionResizeMode(TIME, QHeaderView.ResizeMode.ResizeToContents)
        for column in (ACTOR, SOURCE, DECISION, LEARNED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        # The times have one shape, so a sample of rows sizes them; Qt's default measures
        # 1,000 rows, which cost 0.3 s at start-up with a long timeline.
        header.setResizeContentsPrecision(SIZED_ROWS)
        # The widest actor and source text, and part of one that cannot wrap, seen so far,
        # in pixels (running maxima).
        self._widest: dict[int, int] = dict.fromkeys(COLUMN_CHARACTERS, 0)
        self._widest_word: dict[int, int] = dict.fromkeys(COLUMN_CHARACTERS, 0)
        self.model.modelReset.connect(self._measure_all_texts)
        self.model.rowsInserted.connect(self._measure_rows)
        self.model.dataChanged.connect(self._measure_changed)
        self._measure_all_texts()

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
        self.split.installEventFilter(self)
        self.table.viewport().installEventFilter(self)
        # Once the facilitator drags the handle, the picture keeps the height they chose.
        self._picture_height: int | None = None
        self.split.splitterMoved.connect(self._keep_split)
        tab_order(self.picture, self.table, self.entry, self.decision_box, self.learned_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(8)
        layout.addWidget(self.split, 1)
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
            self._measure_all_texts()
            self._place_split()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.split and event.type() == QEvent.Type.Resize:
            self._place_split()
        elif watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._size_columns()
        return super().eventFilter(watched, event)

    # -- the room --------------------------------------------------------------------------

    def _text_width(self, text: str) -> tuple[int, int]:
        """How wide `text` is on one line, and its widest part that cannot wrap; in the
        widest of the fonts a row is drawn in (bold for a decision point, italic too if it
        was learned later)."""
        def width(part: str) -> int:
            return max(metrics.horizontalAdvance(part) for metrics in self._metrics)

        words = UNBREAKABLE.split(LINK.sub(" ", text))
        return (max(map(width, text.splitlines()), default=0),
                max(map(width, words), default=0))

    def _measure_all_texts(self) -> None:
        bold = QFont(self.table.font())
        bold.setBold(True)
        bold_italic = QFont(bold)
        bold_italic.setItalic(True)
        self._metrics = (QFontMetrics(bold), QFontMetrics(bold_italic))
        events = self.editor.retro.timeline if self.editor else []
        for column in COLUMN_CHARACTERS:
            field = TEXT_FIELDS[column]
            longest = nlargest(MEASURED_TEXTS, {getattr(e, field) for e in events}, key=len)
            widths = [self._text_width(text) for text in longest]
            self._widest[column] = max((whole for whole, _ in widths), default=0)
            self._widest_word[column] = max((word for _, word in widths), default=0)
        self._size_columns()

    def _measure_rows(self, _parent: QModelIndex, first: int, last: int) -> None:
        if last - first >= MEASURED_TEXTS:
            self._measure_all_texts()
            return
        wider = False
        for row in range(first, last + 1):
            event = self.model.event_at(row)
            for column in COLUMN_CHARACTERS:
                whole, word = self._text_width(getattr(event, TEXT_FIELDS[column]))
                if whole > self._widest[column] or word > self._widest_word[column]:
                    wider = True
                    self._widest[column] = max(whole, self._widest[column])
                    self._widest_word[column] = max(word, self._widest_word[column])
        if wider:
            self._size_columns()

    def _place_split(self) -> None:
        total = self.split.height() - self.split.handleWidth()
        if total <= 0:
            return
        chosen = self._picture_height
        picture = self._picture_room(total) if chosen is None else min(
            chosen, max(total - self._table_room(FEWEST_TABLE_ROWS, ROW_LINES), 0))
        if self.split.sizes() != [picture, total - picture]:
            self.split.setSizes([picture, total - picture])

    def _table_room(self, rows: int, lines: int = 2) -> int:
        """The height of the table with `rows` rows of `lines` lines."""
        table = self.table
        row = lines * table.fontMetrics().lineSpacing() + _TextDelegate.ROW_PADDING
        return table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth() + rows * row

    def _picture_room(self, total: int) -> int:
        # The most lanes of labels that leave the table its rows; short of room, the axis
        # alone; shorter still, no picture (its handle stays, to drag it open).
        width = self.split.width()
        room = min(total - self._table_room(TABLE_ROWS), total * PICTURE_SHARE)
        for lanes in PICTURE_LANES:
            height = self.picture.height_for(lanes, width)
            if height <= room:
                return height
        axis_alone = self.picture.height_for(0, width)
        # (The fewest rows are counted as tall as a row may be made.)
        fewest = self._table_room(FEWEST_TABLE_ROWS, ROW_LINES)
        return axis_alone if axis_alone <= total - fewest else 0

    def _keep_split(self, *_moved: int) -> None:
        self._picture_height = self.split.sizes()[0]

    def _measure_changed(self, first: QModelIndex, last: QModelIndex, *_roles: object) -> None:
        if last.column() >= ACTOR:  # not the times alone (a second day shown)
            self._measure_rows(QModelIndex(), first.row(), last.row())

    def _size_columns(self) -> None:
        # Actor and source as wide as their texts, up to a name's worth and a fifth of the
        # table each (zoomed in, the description keeps the room), the rest wrapped; never
        # narrower than their heading or, up to that fifth, a part that cannot wrap
        # ("#incident-1187": a line may break after a hyphen only before a letter).
        table = self.table
        average = table.fontMetrics().averageCharWidth()
        room = table.viewport().width()
        margin = table.text_margin()
        header = table.horizontalHeader()
        for column, characters in COLUMN_CHARACTERS.items():
            wrapped = min(self._widest[column], average * characters, room // 5)
            word = min(self._widest_word[column], room // 5)
            table.setColumnWidth(column, max(wrapped + margin, word + margin,
                                             header.sectionSizeHint(column)))
        table.setColumnWidth(DECISION, table.flag_width(DECISION, DECISION_MARK))
        table.setColumnWidth(LEARNED, table.flag_width(LEARNED, LEARNED_LATER_MARK))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
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
        sheet = f"color: {current_palette().overtime.name()};"
        if self.message.styleSheet() != sheet:
            self.message.setStyleSheet(sheet)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _clear_message(self) -> None:
        self._show_message("")
