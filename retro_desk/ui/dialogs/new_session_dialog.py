"""The dialog that starts a retro: its facts, its people, and its agenda's timeboxes."""

from __future__ import annotations

import os
import uuid
from datetime import date
from pathlib import Path
from zoneinfo import available_timezones

from PySide6.QtCore import QDate, QRect, QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyle,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from retro_desk.model import AgendaItem, Participant, Retro, Session
from retro_desk.storage import StorageError, Store
from retro_desk.templates import (
    BUILTIN_TEMPLATES,
    FOR_KIND,
    AgendaTemplate,
    TemplateError,
    plan_summary,
    template_from_agenda,
    with_builtins,
)
from retro_desk.timefmt import is_valid_zone
from retro_desk.ui.accessible import describe, tab_order
from retro_desk.ui.dialogs.template_dialog import TemplateNameDialog
from retro_desk.ui.widgets.blame_highlight import attach as attach_highlighter
from retro_desk.ui.widgets.write_up_fields import WRITE_UP_KEYS, WriteUpFields

# Pixels on each side of a phase name in its cell.
CELL_PADDING = 6
# What a window manager's title bar and borders take, at most, around a dialog.
FRAME_ALLOWANCE = QSize(16, 48)

KIND_CHOICES = (
    ("own", "Our own incident"),
    ("external", "Someone else's public incident (study)"),
)


def local_zone_name() -> str:
    """The computer's IANA zone name if it can be found, else UTC."""
    candidate = os.environ.get("TZ", "").lstrip(":")
    if candidate and is_valid_zone(candidate):
        return candidate
    try:
        target = Path("/etc/localtime").resolve()
        parts = target.parts
        if "zoneinfo" in parts:
            name = "/".join(parts[parts.index("zoneinfo") + 1 :])
            if is_valid_zone(name):
                return name
    except OSError:
        pass
    return "UTC"


def lines_high(edit: QPlainTextEdit, lines: int) -> None:
    """Make a text box `lines` lines of its font high, so a larger font keeps its lines."""
    margins = edit.contentsMargins()
    document = edit.document().documentMargin()
    edit.setFixedHeight(round(edit.fontMetrics().lineSpacing() * lines + 2 * document)
                        + margins.top() + margins.bottom())


def whole_placeholder(line: QLineEdit) -> None:
    """Never narrower than its hint, so the hint is read whole."""
    text = line.placeholderText()
    if text:
        # The frame and the text margins Qt keeps inside a line edit, with a little to spare.
        line.setMinimumWidth(line.fontMetrics().horizontalAdvance(text) + 16)


def parse_participants(text: str) -> list[Participant]:
    """One person a line: `Name, role` (or `Name — role`); blank lines are skipped."""
    people: list[Participant] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        for separator in (" — ", " - ", ","):
            if separator in line:
                name, role = line.split(separator, 1)
                break
        else:
            name, role = line, ""
        people.append(Participant(key=f"p{len(people) + 1}", name=name.strip(), role=role.strip()))
    return people


class NewSessionDialog(QDialog):
    """Ask for a new retro; `ask()` is the one entry point, so tests can replace it."""

    def __init__(self, parent: QWidget | None = None, store: Store | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("New retro")
        self.title = QLineEdit(self)
        self.title.setPlaceholderText("e.g. Checkout outage, 20 November")
        describe(self.title, "Title", "What the retro is about, as the list of retros shows it")
        self.kind = QComboBox(self)
        for key, label in KIND_CHOICES:
            self.kind.addItem(label, key)
        describe(self.kind, "Kind", "Our own incident, or someone else's public one to study")
        self.incident_date = QDateEdit(self)
        self.incident_date.setCalendarPopup(True)
        self.incident_date.setDisplayFormat("yyyy-MM-dd")
        describe(self.incident_date, "Incident date", "The day the incident began, year-month-day")
        today = date.today()
        self.incident_date.setDate(QDate(today.year, today.month, today.day))
        self.timezone = QComboBox(self)
        self.timezone.setEditable(True)
        self.timezone.addItems(sorted(available_timezones()))
        self.timezone.setCurrentText(local_zone_name())
        describe(self.timezone, "Time zone", "The zone the timeline's times are read in")
        self.facilitator = QLineEdit(self)
        describe(self.facilitator, "Facilitator", "Who runs the retro")
        self.participants = QPlainTextEdit(self)
        self.participants.setPlaceholderText("One person a line: Name, role")
        describe(self.participants, "Participants", "One person a line: name, role")
        self.participants.setTabChangesFocus(True)
        lines_high(self.participants, 4)
        self.summary = QPlainTextEdit(self)
        self.summary.setPlaceholderText("What happened, in two or three sentences")
        describe(self.summary, "Summary", "What happened, in two or three sentences")
        self.summary.setTabChangesFocus(True)
        lines_high(self.summary, 3)
        attach_highlighter(self.summary)
        self.source_links = QPlainTextEdit(self)
        self.source_links.setPlaceholderText(
            "One link a line: the public incident report, status page, write-ups"
        )
        self.source_links.setTabChangesFocus(True)
        describe(self.source_links, "Source links", "One link a line: reports, status pages")
        lines_high(self.source_links, 2)
        self.agenda = QTableWidget(0, 2, self)
        # Each row's phase and minutes, held here: the table's cell widgets are read back
        # through these, never by asking Qt for a wrapper of an object it may have reused.
        self.agenda_rows: list[tuple[QLabel, QSpinBox]] = []
        self.agenda.setHorizontalHeaderLabels(["Phase", "Minutes"])
        # The table is as large as its phases and minutes: no scroll bar, no empty band.
        self.agenda.horizontalHeader().setStretchLastSection(False)
        self.agenda.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.agenda.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.agenda.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.agenda.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.agenda.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.agenda.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.agenda.verticalHeader().setVisible(False)
        # Tab goes on to the minutes and the buttons; the arrows move between the phases.
        self.agenda.setTabKeyNavigation(False)
        describe(self.agenda, "Agenda", "The phases in order with their minutes; Alt+Up and"
                 " Alt+Down move the selected phase")
        up = QPushButton("Move &up", self)
        down = QPushButton("Move d&own", self)
        up.clicked.connect(lambda: self.move_phase(-1))
        down.clicked.connect(lambda: self.move_phase(1))
        up.setAccessibleDescription("Moves the selected phase earlier (Alt+Up)")
        down.setAccessibleDescription("Moves the selected phase later (Alt+Down)")
        QShortcut(QKeySequence("Alt+Up"), self.agenda, lambda: self.move_phase(-1))
        QShortcut(QKeySequence("Alt+Down"), self.agenda, lambda: self.move_phase(1))
        self.total = QLabel(self)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #8a1010")
        self.error.setWordWrap(True)
        self.template = QComboBox(self)
        describe(self.template, "Agenda template", "The agenda a new retro starts from")
        self.save_template_button = QPushButton("Sa&ve as template…", self)
        self.save_template_button.setToolTip("Keep this agenda, as it is now, to start retros from")
        self.delete_template_button = QPushButton("De&lete template", self)
        self.delete_template_button.setToolTip("Built-in templates cannot be deleted")
        self.save_template_button.clicked.connect(self.save_template)
        self.delete_template_button.clicked.connect(self.delete_template)
        # Without a database there is nowhere to keep a template: only the built-in ones show.
        self.save_template_button.setVisible(store is not None)
        self.delete_template_button.setVisible(store is not None)

        form = self.form = QFormLayout()
        form.addRow("&Title", self.title)
        form.addRow("&Kind", self.kind)
        form.addRow("Incident &date", self.incident_date)
        form.addRow("Time &zone", self.timezone)
        form.addRow("&Facilitator", self.facilitator)
        form.addRow("&Participants", self.participants)
        form.addRow("S&ummary", self.summary)
        form.addRow("&Source links", self.source_links)
        # The write-up's fields stand beside the others, so the dialog fits a 720-pixel screen.
        write_up_form = QFormLayout()
        self.write_up = WriteUpFields(self, write_up_form)
        moves = QHBoxLayout()
        moves.addWidget(up)
        moves.addWidget(down)
        moves.addStretch(1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Start retro")
        self.ok_button.setAccessibleDescription("Creates the retro and opens it")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleDescription("Closes this dialog; nothing is created")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        # Everything but the buttons scrolls, and only on a screen too small for it all.
        content = self._content = QWidget(self)
        body = self._body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        columns = QHBoxLayout()
        columns.addLayout(form, 1)
        columns.addSpacing(16)
        columns.addLayout(write_up_form, 1)
        body.addLayout(columns)
        template_label = QLabel("Agenda t&emplate", content)
        template_label.setBuddy(self.template)
        templates = QHBoxLayout()
        templates.addWidget(template_label)
        templates.addWidget(self.template, 1)
        template_buttons = QHBoxLayout()
        template_buttons.addWidget(self.save_template_button)
        template_buttons.addWidget(self.delete_template_button)
        template_buttons.addStretch(1)
        agenda_label = QLabel("&Agenda (timeboxes can be changed and reordered)", content)
        agenda_label.setBuddy(self.agenda)
        body.addWidget(agenda_label)
        # The agenda's controls stand before its table, which is only as wide as it needs.
        controls = QVBoxLayout()
        controls.addLayout(templates)
        controls.addLayout(template_buttons)
        controls.addSpacing(8)
        controls.addLayout(moves)
        controls.addWidget(self.total)
        controls.addStretch(1)
        agenda_row = QHBoxLayout()
        agenda_row.addLayout(controls)
        agenda_row.addSpacing(16)
        agenda_row.addWidget(self.agenda, 0, Qt.AlignmentFlag.AlignTop)
        agenda_row.addStretch(1)
        body.addLayout(agenda_row)
        self.form_area = QScrollArea(self)
        self.form_area.setWidgetResizable(True)
        self.form_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.form_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form_area.setWidget(content)
        # Tab goes through the fields, which the area scrolls into view; it is no stop itself.
        self.form_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = self._layout = QVBoxLayout(self)
        layout.addWidget(self.form_area, 1)
        self._agenda_parts: tuple[QWidget, ...] = (
            agenda_label, self.agenda, up, down, self.total, template_label, self.template,
            self.save_template_button, self.delete_template_button,
        )
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        # Tab goes down the dialog as it reads; the minutes of each phase follow the agenda.
        self._after_agenda: tuple[QWidget, ...] = (buttons,)
        tab_order(self.source_links, *self.write_up.widgets(), self.template,
                  self.save_template_button, self.delete_template_button, up, down,
                  self.agenda, *self._after_agenda)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.template.currentIndexChanged.connect(self._template_chosen)
        self.template.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # Sizes are measured in the style and font the dialog is shown in.
        self.ensurePolished()
        for line in self.findChildren(QLineEdit):
            whole_placeholder(line)
        self._load_templates(FOR_KIND["own"].name)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        # Measured now, in the font and style it is shown in; Qt then centres it on its parent.
        if not event.spontaneous():
            self.fit_to(self.screen().availableGeometry())
        super().showEvent(event)

    def fit_to(self, screen: QRect) -> None:
        """As large as the content wants, no larger than `screen` less a window frame."""
        self._body.activate()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        margins = self._layout.contentsMargins()
        chrome = self._layout.sizeHint().height() - self.form_area.sizeHint().height()
        least = self._content.minimumSizeHint().width() + bar
        width = least + margins.left() + margins.right()
        height = self._content.sizeHint().height() + chrome
        room = screen.size() - FRAME_ALLOWANCE
        self.form_area.setMinimumWidth(least)
        self.resize(min(max(width, 1040), room.width()), min(height, room.height()))

    def _kind_changed(self) -> None:
        # A built-in agenda follows the kind; one the facilitator chose stays chosen.
        if self.chosen_template().builtin:
            self._select_template(FOR_KIND[self.kind.currentData()].name)

    # -- agenda templates ------------------------------------------------------------------

    def _load_templates(self, select: str) -> None:
        saved: list[AgendaTemplate] = []
        if self.store is not None:
            try:
                saved = self.store.agenda_templates()
            except StorageError as error:
                self.error.setText(str(error))
        self.template.blockSignals(True)
        self.template.clear()
        for template in with_builtins(saved):
            suffix = " (built in)" if template.builtin else ""
            self.template.addItem(f"{template.name}{suffix}", template)
            self.template.setItemData(
                self.template.count() - 1, template.describe(), Qt.ItemDataRole.ToolTipRole
            )
        self.template.blockSignals(False)
        self._select_template(select)

    def _select_template(self, name: str) -> None:
        names = [self.template.itemData(i).name for i in range(self.template.count())]
        index = names.index(name) if name in names else 0
        if index == self.template.currentIndex():
            self._template_chosen()
        else:
            self.template.setCurrentIndex(index)

    def chosen_template(self) -> AgendaTemplate:
        template = self.template.currentData()
        return template if isinstance(template, AgendaTemplate) else BUILTIN_TEMPLATES[0]

    def _template_chosen(self) -> None:
        template = self.chosen_template()
        self._fill_agenda(template.agenda())
        self.delete_template_button.setEnabled(not template.builtin)

    def save_template(self) -> None:
        """Keep the agenda as the table shows it now, under a name the facilitator gives."""
        if self.store is None:
            return
        store = self.store
        agenda = self.agenda_items()
        saved = [self.template.itemData(i) for i in range(self.template.count())]
        name = TemplateNameDialog.ask(
            self, [t.name for t in saved if not t.builtin], plan_summary(agenda)
        )
        if name is None:
            return
        try:
            store.save_agenda_template(template_from_agenda(name, agenda))
        except (TemplateError, StorageError) as error:
            self.error.setText(str(error))
            return
        self.error.setText("")
        self._load_templates(name)

    def delete_template(self) -> None:
        template = self.chosen_template()
        if self.store is None or template.builtin:
            return
        if not confirm_delete(self, template.name):
            return
        try:
            self.store.delete_agenda_template(template.name)
        except (TemplateError, StorageError) as error:
            self.error.setText(str(error))
            return
        self._load_templates(FOR_KIND[self.kind.currentData()].name)

    def _fill_agenda(self, agenda: list[AgendaItem]) -> None:
        self.agenda_rows = []
        self.agenda.setRowCount(0)
        for item in agenda:
            self._append_row(item)
        tab_order(self.agenda, *self._after_agenda)
        self._update_total()
        self._size_agenda()

    def _size_agenda(self) -> None:
        table = self.agenda
        table.resizeColumnsToContents()
        table.resizeRowsToContents()
        # Room for the widest phase name in its own font, with its padding on both sides.
        widest = max([label.fontMetrics().horizontalAdvance(label.text())
                      for label, _minutes in self.agenda_rows] + [0])
        table.setColumnWidth(0, max(table.columnWidth(0), widest + 2 * CELL_PADDING))
        frame = 2 * table.frameWidth()
        table.setFixedSize(
            table.horizontalHeader().length() + frame,
            table.horizontalHeader().sizeHint().height() + table.verticalHeader().length() + frame,
        )

    def _append_row(self, item: AgendaItem) -> None:
        row = self.agenda.rowCount()
        self.agenda.insertRow(row)
        label = QLabel(item.title)
        label.setIndent(CELL_PADDING)
        label.setProperty("phase", item.phase)
        label.setProperty("title", item.title)
        self.agenda.setCellWidget(row, 0, label)
        minutes = QSpinBox()
        minutes.setRange(1, 240)
        minutes.setValue(max(1, item.planned_seconds // 60))
        minutes.setSuffix(" min")
        describe(minutes, f"{item.title} minutes", f"Minutes planned for {item.title}")
        minutes.valueChanged.connect(self._update_total)
        self.agenda.setCellWidget(row, 1, minutes)
        self.agenda_rows.append((label, minutes))

    def agenda_items(self) -> list[AgendaItem]:
        items = []
        for label, minutes in self.agenda_rows:
            items.append(
                AgendaItem(
                    phase=str(label.property("phase")),
                    title=str(label.property("title")),
                    planned_seconds=minutes.value() * 60,
                )
            )
        return items

    def move_phase(self, step: int) -> None:
        row = self.agenda.currentRow()
        target = row + step
        items = self.agenda_items()
        if row < 0 or not 0 <= target < len(items):
            return
        items[row], items[target] = items[target], items[row]
        self._fill_agenda(items)
        self.agenda.selectRow(target)

    def _update_total(self) -> None:
        total = sum(item.planned_seconds for item in self.agenda_items()) // 60
        self.total.setText(f"Total: {total} min")

    def retro(self) -> Retro | None:
        """The retro described by the form, or None (with the reason shown) if it is not valid."""
        title = self.title.text().strip()
        zone = self.timezone.currentText().strip()
        if not title:
            self.error.setText("A retro needs a title.")
            return None
        if not is_valid_zone(zone):
            self.error.setText(f"“{zone}” is not a time zone name, such as Europe/Berlin.")
            return None
        picked = self.incident_date.date()
        day = date(picked.year(), picked.month(), picked.day()).isoformat()
        write_up = self.write_up.values(zone, day)
        if isinstance(write_up, str):
            self.error.setText(write_up)
            return None
        session = Session(
            uuid=str(uuid.uuid4()),
            title=title,
            kind=self.kind.currentData(),
            incident_date=date(picked.year(), picked.month(), picked.day()).isoformat(),
            timezone=zone,
            facilitator=self.facilitator.text().strip(),
            summary=self.summary.toPlainText().strip(),
            source_links=self.links(),
            status="draft",
            **write_up,  # type: ignore[arg-type]
        )
        return Retro(
            session=session,
            participants=parse_participants(self.participants.toPlainText()),
            agenda=self.agenda_items(),
        )

    def links(self) -> list[str]:
        return [line.strip() for line in self.source_links.toPlainText().splitlines()
                if line.strip()]

    def show_details(self, session: Session) -> None:
        """Turn the dialog into "Retro details": the session's facts, no people or agenda."""
        self.setWindowTitle("Retro details")
        self.title.setText(session.title)
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(self.kind.findData(session.kind))
        self.kind.blockSignals(False)
        if session.incident_date:
            day = date.fromisoformat(session.incident_date)
            self.incident_date.setDate(QDate(day.year, day.month, day.day))
        self.timezone.setCurrentText(session.timezone)
        self.facilitator.setText(session.facilitator)
        self.summary.setPlainText(session.summary)
        self.source_links.setPlainText("\n".join(session.source_links))
        self.write_up.load(session)
        for widget in self._agenda_parts:
            widget.setVisible(False)
        self.form.setRowVisible(self.participants, False)
        self.ok_button.setText("Save")
        self.adjustSize()

    def details(self) -> dict[str, object] | None:
        """The session fields as edited, or None (with the reason shown) if not valid."""
        retro = self.retro()
        if retro is None:
            return None
        s = retro.session
        return {
            "title": s.title, "kind": s.kind, "incident_date": s.incident_date,
            "timezone": s.timezone, "facilitator": s.facilitator, "summary": s.summary,
            "source_links": s.source_links,
            **{key: getattr(s, key) for key in WRITE_UP_KEYS},
        }

    @classmethod
    def ask_details(cls, parent: QWidget | None, session: Session) -> dict[str, object] | None:
        dialog = cls(parent)
        dialog.show_details(session)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.details()
        finally:
            dialog.deleteLater()

    def accept(self) -> None:
        if self.retro() is not None:
            super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, store: Store | None = None) -> Retro | None:
        """The retro to start; `store` holds the agenda templates to choose from and save to."""
        dialog = cls(parent, store)
        dialog.title.setFocus(Qt.FocusReason.OtherFocusReason)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.retro()
        finally:
            dialog.deleteLater()


def confirm_delete(parent: QWidget, name: str) -> bool:
    answer = QMessageBox.question(
        parent, "Delete template", f"Delete the agenda template “{name}”? This cannot be undone."
    )
    return answer == QMessageBox.StandardButton.Yes
