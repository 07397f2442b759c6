"""The list of retros on the left: newest first, with a filter box."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLineEdit, QListView, QVBoxLayout, QWidget

from retro_desk.model import Session
from retro_desk.ui.accessible import describe

KIND_LABELS = {"own": "own", "external": "external"}

Index = QModelIndex | QPersistentModelIndex


class SessionListModel(QAbstractListModel):
    """Adapter over a list of Session; UserRole gives the Session.

    Rows come to the view a batch at a time, as it scrolls (`fetchMore`): with a thousand
    retros, the first paint lays out and asks for the data of the first screenful only.
    """

    BATCH = 64

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sessions: list[Session] = []
        self._shown = 0

    def set_sessions(self, sessions: list[Session]) -> None:
        self.beginResetModel()
        self._sessions = list(sessions)
        self._shown = min(len(self._sessions), self.BATCH)
        self.endResetModel()

    def sessions(self) -> list[Session]:
        return list(self._sessions)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._shown

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802 - Qt's name
        return not parent.isValid() and self._shown < len(self._sessions)

    def fetchMore(self, parent: Index) -> None:  # noqa: N802 - Qt's name
        self.fetch_until(self._shown + self.BATCH)

    def fetch_until(self, rows: int) -> None:
        """Show at least `rows` rows (all there are, if fewer)."""
        target = min(len(self._sessions), rows)
        if target <= self._shown:
            return
        self.beginInsertRows(QModelIndex(), self._shown, target - 1)
        self._shown = target
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._shown:
            return None
        session = self._sessions[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            title = " ".join(session.title.split()) or "(untitled)"
            date = session.incident_date or "no date"
            return f"{title}\n{date} · {KIND_LABELS[session.kind]} · {session.status}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return session.title
        if role == Qt.ItemDataRole.UserRole:
            return session
        return None

    def row_of(self, session_id: int) -> int:
        for row, session in enumerate(self._sessions):
            if session.id == session_id:
                self.fetch_until(row + 1)
                return row
        return -1


class SessionList(QWidget):
    """Filter box over the list; `session_chosen` carries the id of the retro to open.

    Enter on a filter that matches no title asks (`search_requested`) to search inside retros.
    """

    session_chosen = Signal(int)
    # Shift+Enter, or the list's context menu: open a retro on its first phase, whatever
    # phase it was left on (a retro that cannot be shown there still opens).
    first_phase_chosen = Signal(int)
    search_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SessionListModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter retros…")
        self.filter.setClearButtonEnabled(True)
        describe(self.filter, "Filter retros", "Shows the retros whose title has these words; Enter"
                 " opens the first")
        self.filter.textChanged.connect(self._filter)
        self.filter.returnPressed.connect(self._open_first)
        self.view = QListView(self)
        self.view.setModel(self.proxy)
        describe(self.view, "Retros", "Every retro, most recent first; Enter opens the selected")
        self.view.setWordWrap(True)
        self.view.setSpacing(2)
        # Every row is two lines: the view need not measure each one to lay the list out.
        self.view.setUniformItemSizes(True)
        self.view.activated.connect(self._open_index)
        self.first_phase_action = QAction("Open on the first phase", self.view)
        self.first_phase_action.setShortcut(QKeySequence("Shift+Return"))
        self.first_phase_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.first_phase_action.triggered.connect(self._open_on_first_phase)
        self.view.addAction(self.first_phase_action)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.view)

    def _filter(self, text: str) -> None:
        # A filter looks through every retro, not only those scrolled to so far.
        if text:
            self.model.fetch_until(len(self.model.sessions()))
        self.proxy.setFilterFixedString(text)

    def set_sessions(self, sessions: list[Session], current: int | None) -> None:
        self.model.set_sessions(sessions)
        if self.filter.text():
            self.model.fetch_until(len(sessions))
        self.select(current)

    def select(self, session_id: int | None) -> None:
        row = -1 if session_id is None else self.model.row_of(session_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row))
        self.view.setCurrentIndex(index)

    def selected(self) -> Session | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        session: Session = index.data(Qt.ItemDataRole.UserRole)
        return session

    def _open_index(self, index: QModelIndex) -> None:
        session: Session = index.data(Qt.ItemDataRole.UserRole)
        if session.id is not None:
            self.session_chosen.emit(session.id)

    def _open_on_first_phase(self) -> None:
        session = self.selected()
        if session is not None and session.id is not None:
            self.first_phase_chosen.emit(session.id)

    def _open_first(self) -> None:
        if self.proxy.rowCount():
            self._open_index(self.proxy.index(0, 0))
            self.view.setFocus()
        elif self.filter.text().strip():
            self.search_requested.emit(self.filter.text())
