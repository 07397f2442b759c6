"""The incident timeline as a table model: one row per event, always in time order."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from retro_desk.editor import Change, SessionEditor
from retro_desk.model import Event
from retro_desk.timefmt import (
    UNREADABLE,
    TimeInputError,
    parse_instant,
    parse_quick_time,
    shown_instant,
    sort_key,
    to_iso,
    zone,
)
from retro_desk.ui.theme import current_palette

Index = QModelIndex | QPersistentModelIndex
# Stores one edit; returns None when the store refused it.
UpdateEvent = Callable[[Event, dict[str, Any]], object]

TIME, ACTOR, DESCRIPTION, SOURCE, DECISION, LEARNED = range(6)
HEADERS = ("Time", "Actor", "Description", "Source", "Decision point", "Learned later")
TEXT_FIELDS = {ACTOR: "actor", DESCRIPTION: "description", SOURCE: "source"}
FLAG_FIELDS = {DECISION: "decision_point", LEARNED: "learned_later"}
# The flag columns hold a check box and a mark, so their headings are the marks too (the
# picture's shapes); the tooltip and a screen reader give the name and the key.
DECISION_MARK = "◆"
LEARNED_LATER_MARK = "△"
SHORT_HEADERS = {DECISION: DECISION_MARK, LEARNED: LEARNED_LATER_MARK}
HEADER_TIPS = {
    DECISION: "Decision point (Ctrl+D on the selected row)",
    LEARNED: "Learned later: not known at the time (Ctrl+Shift+L on the selected row)",
}
LEARNED_LATER_TIP = "Learned later: not known to the people responding at the time."

OrderKey = tuple[float, int, str]
Role = Qt.ItemDataRole
# Qt asks data() for every role of every visible cell at each repaint; looked up once here,
# not through the enum each time, since that lookup was a fifth of a repaint's Python time.
USER, DISPLAY, EDIT, CHECK, FONT, FOREGROUND, ALIGNMENT, TOOLTIP, SPOKEN = (
    Role.UserRole, Role.DisplayRole, Role.EditRole, Role.CheckStateRole, Role.FontRole,
    Role.ForegroundRole, Role.TextAlignmentRole, Role.ToolTipRole, Role.AccessibleTextRole,
)
# The roles data() answers; the others (decoration, background, size ...) return at once.
ANSWERED = frozenset({USER, DISPLAY, EDIT, CHECK, FONT, FOREGROUND, ALIGNMENT, TOOLTIP, SPOKEN})
# A pasted log can be a megabyte; laying it all out in one cell took seconds per repaint.
# The cell shows its start, the in-place editor and the exports the whole text.
CELL_CHARACTERS = 5000
LEFT_CENTRED = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
CELL = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
FLAG_CELL = CELL | Qt.ItemFlag.ItemIsUserCheckable
TEXT_CELL = CELL | Qt.ItemFlag.ItemIsEditable


def time_order(event: Event) -> OrderKey:
    """Rows sort by instant, then key; keys are e1, e2 … e10, so length first keeps adding order."""
    return sort_key(event.at), len(event.key), event.key


class TimelineModel(QAbstractTableModel):
    """A thin adapter over `editor.retro.timeline`; edits go out through `update_event`.

    It never writes to storage: `setData` hands the change to `update_event`, and the rows
    change only when the stored edit comes back through `on_change`.
    """

    editRefused = Signal(str)

    def __init__(self, update_event: UpdateEvent, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._update_event = update_event
        self._editor: SessionEditor | None = None
        self._events: list[Event] = []
        self._order: list[OrderKey] = []
        # Events per local day: the date joins the time column only when there are several.
        self._days: Counter[date] = Counter()
        self._times_shown: dict[tuple[str, str, bool], str] = {}

    # -- following the open retro ----------------------------------------------------------

    def set_editor(self, editor: SessionEditor | None) -> None:
        self.beginResetModel()
        self._editor = editor
        self._events = sorted(editor.retro.timeline, key=time_order) if editor else []
        self._order = [time_order(event) for event in self._events]
        self._days = Counter(self._day(event) for event in self._events)
        self.endResetModel()

    def on_change(self, change: Change) -> None:
        if change.part == "session" and "timezone" in change.item:
            self.set_editor(self._editor)
        if change.part != "timeline":
            return
        if change.op == "insert":
            self._insert(change.item)
        elif change.op == "remove":
            self._remove(change.item)
        elif change.op == "update":
            self._update(change.old, change.item)
        else:
            self.set_editor(self._editor)

    def _insert(self, event: Event) -> None:
        key = time_order(event)
        row = bisect_right(self._order, key)
        was_multi_day = self.multi_day()
        self.beginInsertRows(QModelIndex(), row, row)
        self._events.insert(row, event)
        self._order.insert(row, key)
        self._days[self._day(event)] += 1
        self.endInsertRows()
        self._refresh_times_if(was_multi_day)

    def _remove(self, event: Event) -> None:
        row = self.row_of(event)
        if row is None:
            return
        was_multi_day = self.multi_day()
        self.beginRemoveRows(QModelIndex(), row, row)
        self._count_out(self._events.pop(row))
        del self._order[row]
        self.endRemoveRows()
        self._refresh_times_if(was_multi_day)

    def _update(self, old: Event, new: Event) -> None:
        row = self.row_of(old)
        if row is None:
            return
        was_multi_day = self.multi_day()
        self._count_out(self._events[row])
        self._days[self._day(new)] += 1
        key = time_order(new)
        target = bisect_right(self._order, key)
        if target > row:
            target -= 1  # the row itself leaves the place before its new one
        if target == row:
            self._events[row] = new
            self._order[row] = key
        else:
            # Qt counts the destination before the row has left.
            destination = target + 1 if target > row else target
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
            del self._events[row]
            del self._order[row]
            self._events.insert(target, new)
            self._order.insert(target, key)
            self.endMoveRows()
        self.dataChanged.emit(self.index(target, 0), self.index(target, len(HEADERS) - 1))
        self._refresh_times_if(was_multi_day)

    def _count_out(self, event: Event) -> None:
        day = self._day(event)
        self._days[day] -= 1
        if not self._days[day]:
            del self._days[day]

    def _refresh_times_if(self, was_multi_day: bool) -> None:
        if self.multi_day() != was_multi_day and self._events:
            self.dataChanged.emit(self.index(0, TIME), self.index(len(self._events) - 1, TIME))

    def _timezone(self) -> str:
        return self._editor.retro.session.timezone if self._editor else "UTC"

    def _day(self, event: Event) -> date:
        tz = self._timezone()
        try:
            return parse_instant(event.at, tz).astimezone(zone(tz)).date()
        except (ValueError, OverflowError):
            return date.min  # a stored time that cannot be read: a day of its own

    # -- lookups for the page --------------------------------------------------------------

    def multi_day(self) -> bool:
        return len(self._days) > 1

    def event_at(self, row: int) -> Event:
        return self._events[row]

    def last_event(self) -> Event | None:
        return self._events[-1] if self._events else None

    def row_of(self, event: Event) -> int | None:
        """The row showing `event` (matched by id; `event` may be an older copy of it)."""
        row = bisect_left(self._order, time_order(event))
        if row < len(self._events) and self._events[row].id == event.id:
            return row
        return next((i for i, shown in enumerate(self._events) if shown.id == event.id), None)

    # -- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == DISPLAY:
            return SHORT_HEADERS.get(section, HEADERS[section])
        if role == SPOKEN:
            return HEADERS[section]
        if role == TOOLTIP:
            return HEADER_TIPS.get(section)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return FLAG_CELL if index.column() in FLAG_FIELDS else TEXT_CELL

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in ANSWERED or not index.isValid():
            return None
        event = self._events[index.row()]
        column = index.column()
        if role == USER:
            return event
        if role == DISPLAY:
            shown = self._display(event, column)
            return shown if len(shown) <= CELL_CHARACTERS else shown[:CELL_CHARACTERS] + "…"
        if role == EDIT:
            return self._editable_time(event) if column == TIME else self._display(event, column)
        if role == CHECK and column in FLAG_FIELDS:
            checked = getattr(event, FLAG_FIELDS[column])
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == FONT and (event.decision_point or event.learned_later):
            # A font with only these attributes set keeps the view's (large) size and family.
            font = QFont()
            if event.decision_point:
                font.setBold(True)
            if event.learned_later:
                font.setItalic(True)
            return font
        if role == FOREGROUND and column == DECISION and event.decision_point:
            return current_palette().decision
        if role == ALIGNMENT:
            # Centred like the check boxes, which Qt always centres.
            return LEFT_CENTRED
        if role == TOOLTIP:
            return self._tooltip(event, column)
        if role == SPOKEN and column in FLAG_FIELDS:
            name = HEADERS[column].lower()
            return name if getattr(event, FLAG_FIELDS[column]) else f"not {name}"
        return None

    def _tooltip(self, event: Event, column: int) -> str | None:
        if column == TIME:
            return shown_instant(event.at, self._timezone())
        return LEARNED_LATER_TIP if event.learned_later else None

    def _display(self, event: Event, column: int) -> str:
        if column == TIME:
            # Asked at every repaint of every row on screen: formatted once per stored time,
            # zone and form (time, or date and time).
            key = (event.at, self._timezone(), self.multi_day())
            shown = self._times_shown.get(key)
            if shown is None:
                if len(self._times_shown) > 20_000:
                    self._times_shown.clear()
                # The offset is the same on nearly every row, so it waits in the tooltip.
                shown = shown_instant(event.at, key[1], with_date=key[2])
                shown = shown if shown.endswith(UNREADABLE) else shown.rsplit(" ", 1)[0]
                self._times_shown[key] = shown
            return shown
        if column == DECISION:
            return DECISION_MARK if event.decision_point else ""
        if column == LEARNED:
            return LEARNED_LATER_MARK if event.learned_later else ""
        text: str = getattr(event, TEXT_FIELDS[column])
        return text

    def _editable_time(self, event: Event) -> str:
        # What the in-place editor starts with, in a form parse_quick_time reads back unchanged.
        tz = self._timezone()
        try:
            local = parse_instant(event.at, tz).astimezone(zone(tz))
        except (ValueError, OverflowError):
            return event.at  # unreadable as stored: the editor shows it, to be corrected
        return to_iso(local) if self.multi_day() else local.strftime("%H:%M:%S")

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self._editor is None:
            return False
        event = self._events[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column in FLAG_FIELDS:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            changes: dict[str, Any] = {FLAG_FIELDS[column]: checked}
        elif role == Qt.ItemDataRole.EditRole and column == TIME:
            try:
                changes = {"at": self._parse_time(index.row(), str(value), self._editor)}
            except TimeInputError as error:
                self.editRefused.emit(f"Time not changed: {error}.")
                return False
        elif role == Qt.ItemDataRole.EditRole and column in TEXT_FIELDS:
            text = str(value).strip()
            if column == DESCRIPTION and not text:
                self.editRefused.emit("Description not changed: an event needs one.")
                return False
            changes = {TEXT_FIELDS[column]: text}
        else:
            return False
        return self._update_event(event, changes) is not None

    def _parse_time(self, row: int, text: str, editor: SessionEditor) -> str:
        # `+5m` and a bare clock time count from the row above; the first row counts from itself.
        session = editor.retro.session
        previous = self._events[row - 1 if row else row].at
        return parse_quick_time(text, session.timezone, session.incident_date, previous)
