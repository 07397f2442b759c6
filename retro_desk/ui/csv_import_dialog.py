"""The preview before a timeline CSV is imported: how it was read, every row, every bad line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from retro_desk import timeline_csv
from retro_desk.model import Event, Session
from retro_desk.timefmt import TimeInputError, local_display
from retro_desk.timeline_csv import CsvRow, TimelineCsv
from retro_desk.ui.accessible import describe
from retro_desk.ui.theme import current_palette

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Line", "Time", "Actor", "Description", "Source", "Problem")
LINE, TIME, ACTOR, DESCRIPTION, SOURCE, PROBLEM = range(len(HEADERS))


class CsvRowsModel(QAbstractTableModel):
    """Adapter over the rows read from a file; UserRole gives the CsvRow."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[CsvRow, ...] = ()
        self._timezone = "UTC"

    def set_timeline(self, timeline: TimelineCsv | None) -> None:
        self.beginResetModel()
        self._rows = timeline.rows if timeline else ()
        self._timezone = timeline.timezone if timeline else "UTC"
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row
        if role == Qt.ItemDataRole.ForegroundRole and row.problem:
            return current_palette().overtime
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, index.column())
        return None

    def _text(self, row: CsvRow, column: int) -> str:
        if column == LINE:
            return str(row.line)
        if column == TIME:
            if row.event is None:
                return row.cells["time"]
            try:
                return local_display(row.event.at, self._timezone)
            except TimeInputError:
                return row.event.at
        if column == PROBLEM:
            return row.problem
        role = {ACTOR: "actor", DESCRIPTION: "description", SOURCE: "source"}[column]
        return row.cells[role]


class CsvImportDialog(QDialog):
    """Show what a file would add; Import only when every row is good (nothing half imported)."""

    def __init__(self, path: Path, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.session = session
        self.timeline: TimelineCsv | None = None
        self.setWindowTitle("Import timeline CSV")
        self.file_label = QLabel(str(path), self)
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)
        self.file_label.setWordWrap(True)
        self.how = QLabel(self)
        self.how.setTextFormat(Qt.TextFormat.PlainText)
        self.how.setWordWrap(True)
        day = session.incident_date or "the day of the row before"
        self.zone_note = QLabel(
            f"Times without an offset are read in {session.timezone}; a time alone (14:32)"
            f" falls on {day}, or the day of the row before it.",
            self,
        )
        self.zone_note.setWordWrap(True)
        self.zone_note.setTextFormat(Qt.TextFormat.PlainText)
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = CsvRowsModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        describe(self.table, "Rows to import", "Every row of the file as it will be added, with"
                 " what is wrong in a row that cannot be")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in (LINE, TIME):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column in (DESCRIPTION, PROBLEM):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        average = self.table.fontMetrics().averageCharWidth()
        for column in (ACTOR, SOURCE):
            self.table.setColumnWidth(column, average * 16)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.reread_button = QPushButton("&Read the file again", self)
        self.reread_button.setToolTip("After fixing the file in another program")
        self.import_button.setAccessibleDescription("Adds the rows to the timeline; Ctrl+Z in the"
                                                    " window takes them out again")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleDescription("Closes this preview; nothing is imported")
        buttons.addButton(self.reread_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.reread_button.clicked.connect(self.read)
        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        layout.addWidget(self.how)
        layout.addWidget(self.zone_note)
        layout.addWidget(self.problems)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(900, 520)
        self.read()

    def read(self) -> None:
        """Read (or re-read) the file and show what it holds."""
        session = self.session
        try:
            timeline = timeline_csv.read_file(self.path, session.timezone, session.incident_date)
        except timeline_csv.CsvError as error:
            self._show(None, "", f"Cannot import: {error}")
            return
        summary = timeline.problem_summary()
        problem = "" if timeline.ok else f"{summary}. Fix the file, then read it again."
        self._show(timeline, timeline.describe(), problem)

    def _show(self, timeline: TimelineCsv | None, how: str, problem: str) -> None:
        self.timeline = timeline
        self.model.set_timeline(timeline)
        self.how.setText(how)
        self.problems.setStyleSheet(f"color: {current_palette().overtime.name()};")
        self.problems.setText(problem)
        self.problems.setVisible(bool(problem))
        importable = timeline is not None and timeline.ok
        self.import_button.setEnabled(importable)
        count = len(timeline.events) if timeline and importable else 0
        noun = "event" if count == 1 else "events"
        self.import_button.setText(f"&Import {count} {noun}" if importable else "&Import")
        self.import_button.setDefault(importable)
        if importable and self.isVisible():
            self.import_button.setFocus()
        self.table.resizeRowsToContents()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.table.resizeRowsToContents()  # now that the columns have their real widths
        # Enter imports what the preview shows; Escape leaves everything as it was.
        if self.import_button.isEnabled():
            self.import_button.setFocus()

    def events(self) -> list[Event]:
        return self.timeline.events if self.timeline and self.timeline.ok else []

    def accept(self) -> None:
        if self.events():
            super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, path: Path, session: Session) -> list[Event] | None:
        """The events to add, or None if the person cancelled (or the file cannot be used)."""
        dialog = cls(path, session, parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.events()
        finally:
            dialog.deleteLater()
