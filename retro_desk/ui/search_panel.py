"""Search inside every retro: a query line, and the matches grouped by retro with snippets."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QPainter, QPalette, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from retro_desk.storage import StorageError
from retro_desk.storage.search import QueryError, RetroMatches, SearchHit, SearchResults
from retro_desk.textref import Place
from retro_desk.ui.accessible import describe

Index = QModelIndex | QPersistentModelIndex
Search = Callable[[str, bool], SearchResults]
# Rich text for the delegate: the snippet with its matches in bold.
HtmlRole = Qt.ItemDataRole.UserRole + 1
KIND_LABELS = {"own": "own", "external": "external"}
# A hit's index carries its retro's row + 1; a retro's index carries this.
_TOP = 0


class SearchResultsModel(QAbstractItemModel):
    """Adapter over SearchResults: retros at the top, their hits below; UserRole gives either."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._groups: tuple[RetroMatches, ...] = ()

    def set_results(self, results: SearchResults | None) -> None:
        self.beginResetModel()
        self._groups = results.groups if results else ()
        self.endResetModel()

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1 if parent.isValid() else _TOP)

    def parent(self, index: Index | None = None) -> Any:
        if index is None:
            return super().parent()  # QObject.parent(), which this name hides
        if not index.isValid() or index.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(int(index.internalId()) - 1, 0, _TOP)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == _TOP and parent.column() == 0:
            return len(self._groups[parent.row()].hits)
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 1

    def item(self, index: Index) -> RetroMatches | SearchHit | None:
        if not index.isValid():
            return None
        if index.internalId() == _TOP:
            return self._groups[index.row()]
        return self._groups[int(index.internalId()) - 1].hits[index.row()]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index)
        if item is None:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return item
        if isinstance(item, RetroMatches):
            s = item.session
            facts = f"{s.incident_date or 'no date'} · {KIND_LABELS[s.kind]} · {item.count_text()}"
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{' '.join(s.title.split()) or '(untitled)'}\n{facts}"
            if role == HtmlRole:
                return f"<b>{html.escape(' '.join(s.title.split()))}</b><br>{html.escape(facts)}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return s.title
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{item.place.label}: {item.snippet}"
        if role == HtmlRole:
            return f"<i>{html.escape(item.place.label)}</i><br>{_marked_html(item)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.snippet
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _marked_html(hit: SearchHit) -> str:
    out, last = [], 0
    for start, end in hit.highlights:
        out += [html.escape(hit.snippet[last:start]), "<b><u>",
                html.escape(hit.snippet[start:end]), "</u></b>"]
        last = end
    out.append(html.escape(hit.snippet[last:]))
    return "".join(out)


class _RichTextDelegate(QStyledItemDelegate):
    """Draws HtmlRole wrapped to the column's width, so a snippet shows its matches in bold."""

    MARGIN = 3

    def _document(self, option: QStyleOptionViewItem, index: Index, width: int) -> QTextDocument:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(self.MARGIN)
        document.setDefaultStyleSheet(f"body {{ color: {option.palette.color(role).name()}; }}")
        document.setHtml(f"<body>{index.data(HtmlRole) or ''}</body>")
        document.setTextWidth(max(width, 40))
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        background = QStyleOptionViewItem(option)
        background.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, widget)
        rect = option.rect
        document = self._document(option, index, rect.width())
        painter.save()
        painter.translate(rect.topLeft())
        document.drawContents(painter, QRectF(0, 0, rect.width(), rect.height()))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        view = self.parent()
        width = 200
        if isinstance(view, QTreeView):
            depth = 2 if index.parent().isValid() else 1
            width = view.viewport().width() - depth * view.indentation()
        height = self._document(option, index, width).size().height()
        return QSize(width, int(height) + self.MARGIN)


class _ResultsView(QTreeView):
    """Up from the first row goes back to the query line, as in a browser's address bar."""

    back_to_query = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        first = self.model().index(0, 0) if self.model() else QModelIndex()
        if event.key() == Qt.Key.Key_Up and self.currentIndex() == first:
            self.back_to_query.emit()
            return
        super().keyPressEvent(event)


class SearchPanel(QWidget):
    """`hit_chosen` carries the retro's id and the Place to show (None: just open the retro)."""

    hit_chosen = Signal(int, object)

    def __init__(self, search: Search, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self.query = QLineEdit(self)
        self.query.setPlaceholderText('Search all retros: words, "a phrase", prefix*')
        self.query.setClearButtonEnabled(True)
        describe(self.query, "Search all retros", 'Words, "a phrase" or a prefix*; Enter searches')
        self.private = QCheckBox("&Include my private notes", self)
        self.private.setToolTip("Private notes are never shown on the audience window")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.model = SearchResultsModel(self)
        self.view = _ResultsView(self)
        self.view.setModel(self.model)
        self.view.setHeaderHidden(True)
        describe(self.view, "Search results", "Matches grouped by retro; Enter opens one there")
        self.view.setUniformRowHeights(False)
        self.view.setWordWrap(True)
        self.view.setExpandsOnDoubleClick(False)
        self.view.setItemDelegate(_RichTextDelegate(self.view))
        self.view.activated.connect(self._open_index)
        self.view.back_to_query.connect(self.query.setFocus)
        self.query.textChanged.connect(self.run)
        self.query.returnPressed.connect(self._open_first)
        self.private.toggled.connect(self.run)
        # Down from the query line walks into the results.
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.query)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self._into_results)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.query)
        layout.addWidget(self.private)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        self.run()

    def run(self) -> None:
        """Search again for what the query line says (called as it is typed)."""
        text = self.query.text()
        if not text.strip():
            self._show(None, "Type to search titles, summaries, timelines, answers, learnings,"
                             " actions, parking lots and notes of every retro.")
            return
        try:
            results = self._search(text, self.private.isChecked())
        except (QueryError, StorageError) as error:
            self._show(None, str(error))
            return
        self._show(results, results.summary())

    def refresh(self) -> None:
        """The retros changed (edited, added, deleted): the results shown must follow."""
        if self.query.text().strip():
            self.run()

    def search_for(self, text: str) -> None:
        self.query.setText(text)
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _show(self, results: SearchResults | None, message: str) -> None:
        self.model.set_results(results)
        self.view.expandAll()
        self.message.setText(message)

    def _open_index(self, index: QModelIndex) -> None:
        item = self.model.item(index)
        if isinstance(item, RetroMatches) and item.session.id is not None:
            self.hit_chosen.emit(item.session.id, None)
        elif isinstance(item, SearchHit):
            place: Place = item.place
            self.hit_chosen.emit(item.session_id, place)

    def _open_first(self) -> None:
        first_hit = self.model.index(0, 0, self.model.index(0, 0))
        if first_hit.isValid():
            self.view.setCurrentIndex(first_hit)
            self._open_index(first_hit)

    def _into_results(self) -> None:
        if self.model.rowCount():
            self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.view.setCurrentIndex(self.model.index(0, 0))
