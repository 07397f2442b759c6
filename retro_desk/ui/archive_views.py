"""The team archive in the window: the Actions view (every action of every retro), the
Insights page (small charts drawn like the timeline picture) and File ▸ Publish to folder…"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSettings,
    QSize,
    Qt,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from retro_desk.archive.actions import ActionRow, list_actions
from retro_desk.editor import SessionEditor
from retro_desk.storage import StorageError, Store
from retro_desk.ui.theme import current_palette

if TYPE_CHECKING:
    from retro_desk.archive.importing import Outcome
    from retro_desk.archive.insights import FactsCache, Insights

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("State", "Due", "Owner", "Action", "Retro")
PUBLISH_FOLDER_KEY = "archive/publish_folder"


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
    an edit of its retro, which Ctrl+Z here (or Edit ▸ Undo with that retro open) takes back."""

    def __init__(
        self,
        store: Store,
        editor_for: Callable[[int], SessionEditor],
        report_error: Callable[[StorageError], None],
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
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

    def _update_button(self) -> None:
        row = self.chosen()
        self.done_button.setEnabled(row is not None)
        self.done_button.setText("Open again" if row and row.tracked.action.done else "Mark done")


# -- insights ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str


class BarChart(QWidget):
    """Horizontal bars with their labels and values: small, and legible at any width."""

    ROW_GAP = 6

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.bars: list[Bar] = []
        self.setAccessibleName(title)

    def set_bars(self, bars: list[Bar]) -> None:
        self.bars = bars
        self.setAccessibleDescription("; ".join(f"{b.label}: {b.text}" for b in bars))
        self.updateGeometry()
        self.update()

    def _row_height(self) -> int:
        return self.fontMetrics().height() + self.ROW_GAP

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        rows = max(1, len(self.bars)) + 1
        return QSize(260, rows * self._row_height() + self.ROW_GAP)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(160, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = current_palette()
        painter.fillRect(self.rect(), palette.base)
        metrics = self.fontMetrics()
        row = self._row_height()
        width = self.width()
        painter.setPen(palette.text)
        bold = painter.font()
        bold.setBold(True)
        painter.save()
        painter.setFont(bold)
        painter.drawText(QRectF(4, 0, width - 8, row), Qt.AlignmentFlag.AlignVCenter,
                         self.title)
        painter.restore()
        if not self.bars:
            painter.setPen(palette.muted)
            painter.drawText(QRectF(4, row, width - 8, row), Qt.AlignmentFlag.AlignVCenter,
                             "Nothing to show yet")
            painter.end()
            return
        label_width = min(max(metrics.horizontalAdvance(b.label) for b in self.bars) + 16,
                          width // 3)
        text_width = max(metrics.horizontalAdvance(b.text) for b in self.bars) + 8
        bar_space = max(10, width - label_width - text_width - 8)
        top = max((b.value for b in self.bars), default=0) or 1
        for number, bar in enumerate(self.bars):
            y = (number + 1) * row
            painter.setPen(palette.text)
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - 10)
            painter.drawText(QRectF(4, y, label_width - 6, row), Qt.AlignmentFlag.AlignVCenter,
                             label)
            length = bar_space * bar.value / top
            painter.fillRect(QRectF(label_width, y + 3, length, row - 6), palette.accent)
            painter.drawText(QRectF(label_width + length + 4, y, text_width, row),
                             Qt.AlignmentFlag.AlignVCenter, bar.text)
        painter.end()


class InsightsPage(QScrollArea):
    """What the archive shows across retros, month by month; computed when shown."""

    def __init__(self, store: Store, report_error: Callable[[StorageError], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.report_error = report_error
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        self.blame = BarChart("Blame phrases per 1,000 words", body)
        self.handled = BarChart("Reframed or named as a feeling", body)
        self.feelings = BarChart("Feelings rounds naming a blame feeling", body)
        self.categories = BarChart("Local-rationality categories used", body)
        self.action_summary = QLabel(body)
        self.action_summary.setWordWrap(True)
        self.action_summary.setAccessibleName("Actions completion")
        for chart in (self.blame, self.handled, self.feelings, self.categories):
            layout.addWidget(chart)
        layout.addWidget(self.action_summary)
        layout.addStretch(1)
        self.setWidget(body)
        self.insights: Insights | None = None
        self._facts: FactsCache = {}

    def refresh(self) -> None:
        from retro_desk.archive.insights import insights

        # Reading every retro the first time takes a while in a large archive; afterwards
        # only those changed since are read again.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            found = insights(self.store, self._facts)
        except StorageError as error:
            self.report_error(error)
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.insights = found
        months = found.months
        self.blame.set_bars([Bar(m.month, m.findings_per_1000_words,
                                 f"{m.findings_per_1000_words:.1f}") for m in months])
        self.handled.set_bars([
            Bar(m.month, m.reframed + m.named_feeling,
                f"{m.reframed} reframed, {m.named_feeling} named of {m.findings}")
            for m in months])
        self.feelings.set_bars([
            Bar(m.month, m.blame_round_share or 0.0,
                f"{m.blame_rounds} of {m.feelings_rounds}") for m in months
            if m.feelings_rounds])
        self.categories.set_bars([Bar(key.replace("_", " "), count, str(count))
                                  for key, count in found.categories])
        rate, median = found.completion_rate, found.median_days_to_done
        if rate is None:
            self.action_summary.setText("Actions: none agreed yet.")
        else:
            text = f"Actions: {found.actions_done} of {found.actions} done ({rate:.0%})."
            if median is not None:
                text += f" Median {median:.1f} days from the retro to done."
            self.action_summary.setText(text)


# -- the window's side of it ---------------------------------------------------------------


class ArchiveTabs:
    """The Actions and Insights tabs beside Retros and Search, each built on first show (the
    window's start does not wait for them)."""

    def __init__(
        self,
        tabs: QTabWidget,
        store: Store,
        editor_for: Callable[[int], SessionEditor],
        report_error: Callable[[StorageError], None],
    ) -> None:
        self.store = store
        self.editor_for = editor_for
        self.report_error = report_error
        self.actions_tab = _holder(tabs)
        self.insights_tab = _holder(tabs)
        tabs.addTab(self.actions_tab, "Actions")
        tabs.setTabToolTip(tabs.indexOf(self.actions_tab), "Every action of every retro")
        tabs.addTab(self.insights_tab, "Insights")
        tabs.setTabToolTip(tabs.indexOf(self.insights_tab), "How retros go, month by month")
        self._actions: ActionsView | None = None
        self._insights: InsightsPage | None = None

    @property
    def actions(self) -> ActionsView:
        if self._actions is None:
            self._actions = ActionsView(self.store, self.editor_for, self.report_error,
                                        parent=self.actions_tab)
            _place(self.actions_tab, self._actions)
        return self._actions

    @property
    def insights(self) -> InsightsPage:
        if self._insights is None:
            self._insights = InsightsPage(self.store, self.report_error, self.insights_tab)
            _place(self.insights_tab, self._insights)
        return self._insights

    def shown(self, widget: QWidget | None) -> None:
        """A tab came to the front: show it up to date."""
        if widget is self.actions_tab:
            self.actions.refresh()
        elif widget is self.insights_tab:
            self.insights.refresh()


def _holder(parent: QWidget) -> QWidget:
    holder = QWidget(parent)
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    return holder


def _place(holder: QWidget, widget: QWidget) -> None:
    layout = holder.layout()
    assert layout is not None
    layout.addWidget(widget)
    holder.setFocusProxy(widget)


def ask_folder(parent: QWidget, title: str, start: str) -> str | None:
    """The folder to publish to (None: cancelled); tests replace this."""
    from PySide6.QtWidgets import QFileDialog

    return QFileDialog.getExistingDirectory(parent, title, start) or None


def publish_to_folder(
    parent: QWidget, store: Store, settings: QSettings, status: Callable[[str], None],
    message: Callable[[str, str], None],
) -> Path | None:
    """File ▸ Publish to folder…: every retro to the folder chosen (the last one offered
    first). Returns the folder, or None when nothing was published."""
    from retro_desk.archive.publish import PublishError, publish
    from retro_desk.ui.export_documents import timeline_picture

    start = str(settings.value(PUBLISH_FOLDER_KEY, "") or "")
    chosen = ask_folder(parent, "Publish retros to folder", start)
    if not chosen:
        return None
    folder = Path(chosen)
    settings.setValue(PUBLISH_FOLDER_KEY, str(folder))

    def svg(retro: Any) -> bytes | None:
        picture = timeline_picture(retro)
        return None if picture is None else picture.svg

    try:
        report = publish(store, folder, picture=svg)
    except (PublishError, StorageError) as error:
        message("Not published", str(error))
        return None
    status(report.summary())
    return folder


def import_folder_into(
    parent: QWidget, store: Store, settings: QSettings, message: Callable[[str, str], None],
) -> list[Outcome] | None:
    """File ▸ Import folder…: every session file under the folder chosen (the publish folder
    offered first), one transaction per retro; a summary says what happened to each. Returns
    the outcomes (None: cancelled or failed)."""
    from retro_desk.archive.importing import counts, import_folder

    start = str(settings.value(PUBLISH_FOLDER_KEY, "") or "")
    chosen = ask_folder(parent, "Import retros from folder", start)
    if not chosen:
        return None
    folder = Path(chosen)
    try:
        outcomes = import_folder(store, folder)
    except StorageError as error:
        message("Not imported", str(error))
        return None
    notable = [o.line(folder) for o in outcomes if o.kind in ("conflict", "unreadable")]
    text = counts(outcomes) if outcomes else f"No session files under {folder}."
    if notable:
        message("Imported, with conflicts or unreadable files",
                text + ".\n\n" + "\n".join(notable[:20])
                + ("\n…" if len(notable) > 20 else "")
                + "\n\nNothing was lost: your copies are kept. `retro-desk import DIR --copy`"
                " brings the folder's copies in beside them.")
    else:
        message("Imported", text)
    return outcomes
