"""The facilitator's window: retros on the left, the live session in the middle, notes right."""

from __future__ import annotations

import dataclasses
import linecache
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from retro_desk.editor import Change, SessionEditor
from retro_desk.questions import phase_prompt
from retro_desk.storage import StorageError, Store
from retro_desk.timefmt import format_duration
from retro_desk.timer import Clock, PhaseTimer, SystemClock
from retro_desk.ui.accessible import tab_order
from retro_desk.ui.actions import ACTIONS, MENUS, PAGE_KEYS, key_sequences
from retro_desk.ui.archive_views import ArchiveTabs, import_folder_into, publish_to_folder
from retro_desk.ui.fonts import rescale_all
from retro_desk.ui.identity import app_icon
from retro_desk.ui.page import PageContext, PhasePage
from retro_desk.ui.pages import PageBook, page_type
from retro_desk.ui.phase_stepper import PhaseStepper, PromptLabel
from retro_desk.ui.session_list import SessionList
from retro_desk.ui.side_panel import SidePanel
from retro_desk.ui.theme import THEMES, apply_theme
from retro_desk.ui.timer_widget import TimerWidget

if TYPE_CHECKING:
    from retro_desk.textref import Place
    from retro_desk.ui.audience_window import AudienceWindow
    from retro_desk.ui.search_panel import SearchPanel

TICK_MS = 250
TIMER_PX = 56
MIN_ZOOM, MAX_ZOOM = 0.6, 3.0
# Qt cuts a line edit's text at 32,767 characters without a word; a long paste must survive.
LINE_LIMIT = 2**31 - 1


# Dialogs and message boxes (QFileDialog, QMessageBox) are imported where they are opened:
# making their Qt classes costs start-up time, and none is shown before the first paint.


class MainWindow(QMainWindow):
    """One window, one open retro at a time. Slots read input, call the core, and return."""

    def __init__(
        self,
        store: Store,
        clock: Clock | None = None,
        settings: QSettings | None = None,
        context: PageContext | None = None,
        defer_until_painted: bool = False,
    ) -> None:
        """`defer_until_painted`: work that can wait (the blame-language highlighting and the
        retro's findings) runs once the window has been painted, so that it opens sooner."""
        super().__init__()
        self.store = store
        self.open_on_first_phase = False
        self.clock = clock or SystemClock()
        self.settings = settings or QSettings()
        self.editor: SessionEditor | None = None
        self.timer: PhaseTimer | None = None
        self._waiting: list[Callable[[], None]] | None = [] if defer_until_painted else None
        self.context = context or PageContext(decorate_text=self._prepare_text_field)
        self.context.report_error = self.report_error
        self.context.later = self.later
        self.setWindowTitle("Retro Desk")
        self.later(lambda: self.setWindowIcon(app_icon()))
        self.audience: AudienceWindow | None = None
        self._base_point_size = QApplication.font().pointSizeF()
        self._build()
        self._build_actions()
        self.refresh_sessions()
        self._show_session()
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self.tick)
        self._ticker.start()
        self._restore_settings()
        if self._waiting is not None:
            self._first_paint = FirstPaintWatcher(self, self._painted)

    def later(self, work: Callable[[], None], first: bool = False) -> None:
        """Run `work` now, or, while a deferring window has not been painted yet, after that
        (before the other waiting work if `first`)."""
        if self._waiting is None:
            work()
        elif first:
            self._waiting.insert(0, work)
        else:
            self._waiting.append(work)

    def _painted(self) -> None:
        # After this paint has finished: the window is on screen, and the rest follows.
        QTimer.singleShot(0, self._run_waiting)

    def _run_waiting(self) -> None:
        waiting, self._waiting = self._waiting or [], None
        for work in waiting:
            work()
        # The first edit then finds the storage's writing half loaded.
        self.store.warm_up()
        forget_module_sources()

    # -- construction ----------------------------------------------------------------------

    def _build(self) -> None:
        self.sessions = SessionList(self)
        self.sessions.session_chosen.connect(self.open_session)
        self.sessions.first_phase_chosen.connect(partial(self.open_session, first_phase=True))
        self.sessions.search_requested.connect(self.search_all)
        # The search panel is made the first time its tab is shown (see `search`).
        self._search: SearchPanel | None = None
        self.search_tab = QWidget(self)
        search_layout = QVBoxLayout(self.search_tab)
        search_layout.setContentsMargins(0, 0, 0, 0)
        self.left = QTabWidget(self)
        self.left.addTab(self.sessions, "Retros")
        self.left.addTab(self.search_tab, "Search")
        self.left.setTabToolTip(1, "Search inside every retro (Ctrl+Shift+F)")
        self.left.setTabToolTip(0, "Every retro; Ctrl+F filters them")
        self._background_editors: dict[int, SessionEditor] = {}
        self.archive = ArchiveTabs(self.left, self.store, self.editor_for, self.report_error,
                                   self.open_session)
        # Results shown again after edits elsewhere, rather than re-searched on every keystroke.
        self.left.currentChanged.connect(self._left_tab_changed)

        self.stepper = PhaseStepper(self)
        self.stepper.phase_chosen.connect(self.go_to_phase)
        self.timer_widget = TimerWidget(TIMER_PX, parent=self)
        self.start_button = QPushButton("Start", self)
        self.start_button.setToolTip("Start or pause the phase timer (F5)")
        self.start_button.clicked.connect(self.toggle_timer)
        self.add_button = QPushButton("+1 min", self)
        self.add_button.setToolTip("Add one minute to this phase (F6)")
        self.add_button.clicked.connect(self.add_minute)
        for button in (self.start_button, self.add_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.end_label = QLabel(self)
        self.end_label.setAccessibleName("Meeting end")

        top = QHBoxLayout()
        top.addWidget(self.stepper, 1)
        controls = QVBoxLayout()
        controls.addWidget(self.timer_widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.add_button)
        controls.addLayout(buttons)
        controls.addWidget(self.end_label, 0, Qt.AlignmentFlag.AlignRight)
        top.addLayout(controls)

        self.prompt = PromptLabel(self)
        self.stack = QStackedWidget(self)
        self.pages = PageBook(self._build_page)
        self.empty = QLabel(
            "No retro is open.\n\nCtrl+N starts a new retro; choose one on the left to reopen it;"
            "\nFile ▸ Import session file… brings in a retro (try the sample).",
            self,
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack.addWidget(self.empty)

        centre = QWidget(self)
        centre_layout = QVBoxLayout(centre)
        centre_layout.addLayout(top)
        centre_layout.addWidget(self.prompt)
        centre_layout.addWidget(self.stack, 1)

        self.side = SidePanel(self.context, self)
        self.side.reflection.jump_requested.connect(self.reveal)

        self.splitter = QSplitter(self)
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.left.setMinimumWidth(max(140, self.archive.tabs_width()))
        self.side.setMinimumWidth(200)
        self.setCentralWidget(self.splitter)
        self.status = QLabel(self)
        self.statusBar().addWidget(self.status, 1)
        self._order_tabs()

    def _order_tabs(self) -> None:
        """Tab reads the window as the eye does: the list on the left, the page, the side."""
        tab_order(self.left.tabBar(), self.sessions, self.search_tab, self.stack, self.side)

    def _prepare_text_field(self, widget: QWidget) -> None:
        """Every field a person types into: no length cap, and blame language highlighted."""
        if isinstance(widget, QLineEdit):
            widget.setMaxLength(LINE_LIMIT)
        self.later(lambda: _highlight(widget))

    @property
    def search(self) -> SearchPanel:
        """The Search tab's panel, built (and its module imported) on first use."""
        if self._search is None:
            from retro_desk.ui.search_panel import SearchPanel

            self._search = SearchPanel(self.store.search, self.search_tab)
            self._search.hit_chosen.connect(self.open_search_hit)
            layout = self.search_tab.layout()
            assert layout is not None
            layout.addWidget(self._search)
            self.search_tab.setFocusProxy(self._search)
            self._order_tabs()
        return self._search

    def _left_tab_changed(self, index: int) -> None:
        if self.left.widget(index) is self.search_tab:
            self.search.refresh()
        self.archive.shown(self.left.widget(index))

    def editor_for(self, session_id: int) -> SessionEditor:
        """The open retro's editor, or one kept for a retro edited from the Actions view
        (opening that retro later goes on with it, undo history and all)."""
        if self.editor and self.editor.session_id == session_id:
            return self.editor
        if session_id not in self._background_editors:
            self._background_editors[session_id] = SessionEditor(self.store, session_id)
        return self._background_editors[session_id]

    def publish_to_folder(self) -> None:
        publish_to_folder(self, self.store, self.settings, self.set_status, self.show_message)

    def import_folder(self) -> None:
        self._pause_and_save()
        outcomes = import_folder_into(self, self.store, self.settings, self.show_message)
        if outcomes is None:
            return
        self._background_editors.clear()
        updated = {o.session_id for o in outcomes if o.kind == "updated"}
        if self.editor and self.editor.session_id in updated:
            # The open retro was replaced by the folder's copy: show that one.
            session_id = self.editor.session_id
            self.editor.listeners.clear()
            self.editor.undo_stack.listeners.clear()
            self.editor = None
            self.open_session(session_id)
        self.refresh_sessions()

    def _build_page(self, phase: str) -> PhasePage:
        """Make a phase page the first time it is needed, showing the open retro."""
        page = page_type(phase)(self.context, self)
        self.stack.addWidget(page)
        self._order_tabs()
        if self.editor is not None:
            page.set_editor(self.editor)
        return page

    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        menus = {title: self.menuBar().addMenu(title) for title in MENUS}
        for spec in ACTIONS:
            action = QAction(spec.text, self)
            action.setShortcuts(key_sequences(spec))
            action.setCheckable(spec.checkable)
            slot: Callable[[], object] = getattr(self, spec.slot)
            action.triggered.connect(lambda _checked=False, run=slot: run())
            menus[spec.menu].addAction(action)
            self.actions_by_name[spec.name] = action
        go_menu = menus["&Session"].addMenu("&Go to phase")
        self._phase_menu = go_menu
        for number in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(lambda n=number: self.go_to_phase(n - 1))

    # -- sessions --------------------------------------------------------------------------

    def refresh_sessions(self) -> None:
        current = self.editor.session_id if self.editor else None
        self.context.guard(lambda: self.sessions.set_sessions(self.store.list_sessions(), current))
        if self._search is not None:
            self._search.refresh()

    def open_session(self, session_id: int, first_phase: bool = False) -> None:
        if self.editor and self.editor.session_id == session_id:
            self.focus_entry()
            return
        self._pause_and_save()
        try:
            editor = self._background_editors.pop(session_id, None) or SessionEditor(
                self.store, session_id)
            state = self.store.timer_state(session_id)
            if first_phase or self.open_on_first_phase:
                # --safe: a retro that cannot be shown where it was left still opens.
                state = dataclasses.replace(state, current_phase=0)
        except StorageError as error:
            self.report_error(error)
            return
        if self.editor:
            self.editor.listeners.clear()
            self.editor.undo_stack.listeners.clear()
        self.editor = editor
        agenda = editor.retro.agenda
        self.timer = PhaseTimer(agenda, state, self.clock) if agenda else None
        editor.listeners.append(self.on_change)
        editor.undo_stack.listeners.append(self._update_undo_actions)
        for page in self.pages.built():
            page.set_editor(editor)
        self.side.set_editor(editor)
        self.sessions.select(session_id)
        self._show_session()
        self._update_undo_actions()
        self.settings.setValue("last_session", session_id)
        self.focus_entry()

    def open_most_recent(self) -> None:
        sessions = self.sessions.model.sessions()
        if sessions and sessions[0].id is not None:
            self.open_session(sessions[0].id)

    def new_retro(self) -> None:
        from retro_desk.ui.new_session_dialog import NewSessionDialog

        retro = NewSessionDialog.ask(self, self.store)
        self.activateWindow()
        if retro is None:
            return
        session_id = self.context.guard(lambda: self.store.create_retro(retro))
        if session_id is None:
            return
        self.refresh_sessions()
        self.open_session(session_id)

    def edit_details(self) -> None:
        if not self.editor:
            return
        from retro_desk.ui.new_session_dialog import NewSessionDialog

        changes = NewSessionDialog.ask_details(self, self.editor.retro.session)
        self.activateWindow()
        if changes:
            editor = self.editor
            self.context.guard(lambda: editor.update_session(**changes))
            for page in self.pages.built():
                page.reload()

    def import_file(self) -> None:
        import uuid

        from retro_desk.export import session_file

        path = ask_open_path(self, "Import session file", "Retro Desk session (*.json)")
        if not path:
            return
        try:
            retro = session_file.read_file(Path(path))
        except session_file.SessionFileError as error:
            self.show_message("Cannot import", f"{path}\n\n{error}")
            return
        existing = self.context.guard(lambda: self.store.find_by_uuid(retro.session.uuid))
        if existing is not None:
            from PySide6.QtWidgets import QMessageBox

            answer = QMessageBox.question(
                self,
                "Already imported",
                "This retro is already here. Import a second copy?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.open_session(existing)
                return
            retro.session.uuid = str(uuid.uuid4())
        session_id = self.context.guard(lambda: self.store.create_retro(retro))
        if session_id is not None:
            self.refresh_sessions()
            self.open_session(session_id)

    def import_timeline_csv(self) -> None:
        """Add the events of a CSV file to the open retro's timeline, after a preview."""
        if not self.editor:
            return
        path = ask_open_path(
            self, "Import timeline CSV", "CSV files (*.csv *.tsv *.txt);;All files (*)"
        )
        if not path:
            return
        from retro_desk.ui.csv_import_dialog import CsvImportDialog

        editor = self.editor
        events = CsvImportDialog.ask(self, Path(path), editor.retro.session)
        self.activateWindow()
        if not events:
            return
        added = self.context.guard(lambda: editor.import_events(events))
        if added:
            noun = "event" if len(added) == 1 else "events"
            self.set_status(f"Imported {len(added)} {noun} into the timeline; Ctrl+Z takes"
                            " them out again")

    def save_agenda_template(self) -> None:
        """Keep the open retro's agenda (its plan) as a template for new retros."""
        if not self.editor:
            return
        agenda = self.editor.retro.agenda
        from retro_desk.templates import TemplateError, plan_summary, template_from_agenda
        from retro_desk.ui.template_dialog import TemplateNameDialog

        saved = self.context.guard(self.store.agenda_templates) or []
        name = TemplateNameDialog.ask(self, [t.name for t in saved], plan_summary(agenda))
        self.activateWindow()
        if name is None:
            return
        try:
            self.store.save_agenda_template(template_from_agenda(name, agenda))
        except TemplateError as error:
            self.show_message("Template not saved", str(error))
            return
        except StorageError as error:
            self.report_error(error)
            return
        self.set_status(f"Saved the agenda as the template “{name}”; choose it in a new retro")

    def delete_retro(self) -> None:
        if not self.editor:
            return
        title = self.editor.retro.session.title
        if not confirm(self, "Delete retro", f"Delete “{title}” and everything in it?"
                       " This cannot be undone."):
            return
        try:
            self.store.delete_session(self.editor.session_id)
        except StorageError as error:
            self.report_error(error)
            return
        self.editor = None
        self.timer = None
        for page in self.pages.built():
            page.set_editor(None)
        self.side.set_editor(None)
        self.refresh_sessions()
        self._show_session()

    def mark_closed(self) -> None:
        if self.editor:
            self._pause_and_save()
            editor = self.editor
            self.context.guard(lambda: editor.update_session(status="closed"))

    # -- export ----------------------------------------------------------------------------

    # The exporters import on first use: they are not needed to open the window.

    def export_markdown(self) -> None:
        # The timeline picture goes beside the document, as name-timeline.svg and .png.
        self._export("md", "Markdown (*.md)")

    def export_json(self) -> None:
        self._export("json", "Retro Desk session (*.json)")

    def export_html(self) -> None:
        self._export("html", "Web page (*.html)")

    def export_pdf(self) -> None:
        self._export("pdf", "PDF document (*.pdf)")

    def _export(self, fmt: str, file_filter: str) -> None:
        from retro_desk.export import export
        from retro_desk.ui.pdf import QtDrawing

        if not self.editor:
            return
        name = f"{safe_file_stem(self.editor.retro.session.title)}.{fmt}"
        path = ask_save_path(self, "Export", name, file_filter)
        if not path:
            return
        progress = ExportProgress(self)
        try:
            export(self.editor.retro, fmt, Path(path), drawing=QtDrawing(),
                   progress=progress.update)
        except OSError as error:
            self.show_message("Export failed", f"Cannot write {path}: {error.strerror or error}")
            return
        finally:
            progress.close()
        self.set_status(f"Exported to {path}")

    # -- phases and timer ------------------------------------------------------------------

    def tick(self) -> None:
        """Repaint timer and stepper from the phase timer; the Qt timer only asks for this."""
        if not self.timer:
            self.timer_widget.set_state("--:--", "normal", False)
            return
        timer = self.timer
        self.timer_widget.set_state(format_duration(timer.remaining()), timer.mode(), timer.running)
        elapsed = [timer.elapsed(i) for i in range(len(timer.agenda))]
        self.stepper.set_agenda(timer.agenda, timer.current, elapsed)
        self.start_button.setText("Pause" if timer.running else "Start")
        offset = timer.projected_end_offset()
        if abs(offset) < 30:
            self.end_label.setText("On time")
        elif offset > 0:
            self.end_label.setText(f"Ends {format_duration(offset).lstrip('+')} late")
        else:
            self.end_label.setText(f"Ends {format_duration(-offset)} early")
        if self.audience is not None:
            self.audience.tick()

    def _save_timer(self) -> None:
        # A read-only window keeps its timer to itself: its status bar already says Read-only,
        # and a "Not saved" box at every change of phase would stop the meeting.
        if self.editor and self.timer and not self.store.read_only:
            editor, timer = self.editor, self.timer
            self.context.guard(
                lambda: self.store.save_timer(editor.session_id, timer.state(), timer.agenda)
            )

    def _pause_and_save(self) -> None:
        if self.timer and self.timer.running:
            self.timer.pause()
            self._save_timer()

    def toggle_timer(self) -> None:
        if self.timer:
            self.timer.toggle()
            self._save_timer()
            if self.timer.running and self.editor and self.editor.retro.session.status == "draft":
                editor = self.editor
                self.context.guard(lambda: editor.update_session(status="live"))
            self.tick()

    def add_minute(self) -> None:
        if self.timer:
            self.timer.add_time(60)
            self._save_timer()
            self.tick()

    def reset_timer(self) -> None:
        if self.timer:
            self.timer.reset()
            self._save_timer()
            self.tick()

    def rebalance(self) -> None:
        if self.timer:
            self.timer.rebalance()
            self._save_timer()
            self.set_status("Remaining phases rebalanced to keep the planned end time")
            self.tick()

    def go_to_phase(self, index: int) -> None:
        if not self.timer or not 0 <= index < len(self.timer.agenda):
            return
        self.timer.go_to(index)
        self._save_timer()
        self._show_session()
        self.focus_entry()

    def next_phase(self) -> None:
        if self.timer:
            self.go_to_phase(self.timer.current + 1)

    def previous_phase(self) -> None:
        if self.timer:
            self.go_to_phase(self.timer.current - 1)

    def current_phase(self) -> str | None:
        return self.timer.item.phase if self.timer else None

    def current_page(self) -> PhasePage | None:
        phase = self.current_phase()
        return self.pages.get(phase) if phase else None

    def _show_session(self) -> None:
        if not self.editor or not self.timer:
            self.stack.setCurrentWidget(self.empty)
            self.prompt.setText("")
            self.setWindowTitle("Retro Desk")
        else:
            page = self.current_page()
            self.stack.setCurrentWidget(page if page else self.empty)
            kind = self.editor.retro.session.kind
            self.prompt.setText(phase_prompt(self.timer.item.phase, kind, self.context.prompts))
            self.setWindowTitle(f"{self.editor.retro.session.title} — Retro Desk")
        enabled = self.editor is not None
        for spec in ACTIONS:
            if spec.needs_session:
                self.actions_by_name[spec.name].setEnabled(enabled)
        self._update_undo_actions()
        self._update_status()
        self.tick()
        if self.audience is not None:
            self.audience.refresh()

    def reveal(self, place: Place) -> None:
        """Show where a finding is: its phase, and the item itself where the page can."""
        if not self.timer:
            return
        if not place.phase:
            # Texts with no phase page live in the side panel (or, as a title, nowhere more).
            beside: dict[str, QWidget] = {
                "parking_lot": self.side.parking, "private_notes": self.side.notes,
            }
            target = beside.get(place.part)
            if target is not None:
                target.setFocus()
            return
        phases = [item.phase for item in self.timer.agenda]
        if place.phase in phases:
            self.go_to_phase(phases.index(place.phase))
        page = self.pages.get(place.phase)
        reveal = getattr(page, "reveal", None)
        if reveal is not None:
            reveal(place)

    def focus_entry(self) -> None:
        page = self.current_page()
        if page is not None:
            page.focus_entry()

    def search_all(self, text: str | None = None) -> None:
        """Search inside every retro (for `text`, when the filter box passes it on)."""
        search = self.search
        self.left.setCurrentWidget(self.search_tab)
        if text:
            search.search_for(text)
        else:
            search.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
            search.query.selectAll()

    def open_search_hit(self, session_id: int, place: Place | None) -> None:
        """Open the retro a search result is in, and show the item (None: the retro itself)."""
        self.open_session(session_id)
        if place is not None and self.editor and self.editor.session_id == session_id:
            self.reveal(place)

    def focus_filter(self) -> None:
        self.left.setCurrentWidget(self.sessions)
        self.sessions.filter.setFocus()
        self.sessions.filter.selectAll()

    # -- edits -----------------------------------------------------------------------------

    def on_change(self, change: Change) -> None:
        for page in self.pages.built():
            page.on_change(change)
        self.side.on_change(change)
        if change.part == "session":
            self.refresh_sessions()
            self._show_session()
        self._update_status()
        if self.audience is not None:
            self.audience.on_change(change)

    def undo(self) -> None:
        if self.editor:
            self.context.guard(self.editor.undo_stack.undo)

    def redo(self) -> None:
        if self.editor:
            self.context.guard(self.editor.undo_stack.redo)

    def _update_undo_actions(self) -> None:
        stack = self.editor.undo_stack if self.editor else None
        undo, redo = self.actions_by_name["undo"], self.actions_by_name["redo"]
        undo.setEnabled(bool(stack and stack.can_undo()))
        redo.setEnabled(bool(stack and stack.can_redo()))
        undo_label = stack.undo_label().lower() if stack else ""
        redo_label = stack.redo_label().lower() if stack else ""
        undo.setText(f"&Undo {undo_label}".strip())
        redo.setText(f"&Redo {redo_label}".strip())

    def _update_status(self) -> None:
        if not self.editor:
            self.set_status("No retro open")
            return
        decisions, events = self.editor.summary_counts()
        mode = "Read-only" if self.store.read_only else "Saved"
        self.set_status(f"{mode} · {decisions} decision points · {events} events")

    def set_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        # A style sheet is costly to apply (the label is re-polished): only when it changes.
        style = "color: #8a1010; font-weight: bold" if error else ""
        if self.status.styleSheet() != style:
            self.status.setStyleSheet(style)

    def report_error(self, error: StorageError) -> None:
        self.set_status(f"Not saved: {error}", error=True)
        self.show_message("Not saved", str(error))

    def show_message(self, title: str, text: str) -> None:
        """A non-blocking message box, so a failed save never freezes the meeting."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                          self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- view ------------------------------------------------------------------------------

    def toggle_audience(self) -> None:
        from retro_desk.ui.audience_window import AudienceWindow

        if self.audience is None:
            self.audience = AudienceWindow(self)
            self.audience.show()
        else:
            self.audience.close()
            self.audience = None
        self.actions_by_name["audience"].setChecked(self.audience is not None)

    def zoom(self) -> float:
        return float(self.settings.value("zoom", 1.0, type=float))  # type: ignore[arg-type]

    def set_zoom(self, factor: float) -> None:
        factor = min(MAX_ZOOM, max(MIN_ZOOM, round(factor, 2)))
        self.settings.setValue("zoom", factor)
        font = QFont(QApplication.font())
        font.setPointSizeF(self._base_point_size * factor)
        QApplication.setFont(font)
        rescale_all()
        self.timer_widget.set_pixel_size(round(TIMER_PX * factor))

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * 1.15)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / 1.15)

    def zoom_reset(self) -> None:
        self.set_zoom(1.0)

    def toggle_full_screen(self) -> None:
        self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)
        self.actions_by_name["full_screen"].setChecked(self.isFullScreen())

    def cycle_theme(self) -> None:
        theme = str(self.settings.value("theme", "system"))
        following = THEMES[(THEMES.index(theme) + 1) % len(THEMES)] if theme in THEMES else "system"
        self.settings.setValue("theme", following)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        palette = apply_theme(app, following)
        self.set_status(f"Theme: {following} ({palette.name})")
        self.timer_widget.update()

    def show_shortcuts(self) -> None:
        lines = []
        for spec in ACTIONS:
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText)
                             for s in key_sequences(spec))
            if keys:
                lines.append(f"{spec.text.replace('&', '').rstrip('…')}: {keys}")
        lines.append("Go to phase 1–9: Ctrl+1 … Ctrl+9")
        lines.append("")
        lines += [f"{where}, {keys}: {what}" for where, keys, what in PAGE_KEYS]
        self.show_message("Keyboard shortcuts", "\n".join(lines))

    # -- settings --------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 720)
        state = self.settings.value("splitter")
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)
        else:
            # Most of the width for the session itself; the list and the notes are glanced at.
            self.splitter.setSizes([max(210, self.archive.tabs_width()), 790, 280])
        if self.zoom() != 1.0:
            self.set_zoom(self.zoom())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("splitter", self.splitter.saveState())
        self.side.commit_pending()
        for page in self.pages.built():
            commit = getattr(page, "commit_pending", None)
            if commit is not None:
                commit()
        if self.audience is not None:
            self.audience.close()
        super().closeEvent(event)


class ExportProgress:
    """A progress dialog for a long export (a PDF of thousands of events); a short one
    finishes before the dialog would show."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent
        self.dialog: QProgressDialog | None = None

    def update(self, done: int, total: int) -> None:
        if self.dialog is None:
            if total < 500:
                return
            self.dialog = QProgressDialog("Exporting…", "", 0, total, self.parent)
            self.dialog.setCancelButton(None)
            self.dialog.setWindowTitle("Export")
            self.dialog.setMinimumDuration(400)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setValue(done)
        QApplication.processEvents()

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None


class FirstPaintWatcher(QObject):
    """Calls `painted` once, when the window it watches is first painted, then lets go."""

    def __init__(self, window: QWidget, painted: Callable[[], None]) -> None:
        super().__init__(window)
        self._painted = painted
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._painted()
        return False


def forget_module_sources() -> None:
    """Drop the source lines PySide read of every module imported after it (it searches each
    for "PySide6"): Python's line cache keeps them, about 3 MiB at start-up that nobody reads.
    It is only a cache; a traceback reads the lines it needs again."""
    linecache.clearcache()


def _highlight(widget: QWidget) -> None:
    # Imported here: the highlighter is attached after the first paint, not before.
    from retro_desk.ui.blame_highlight import attach

    if isValid(widget):
        attach(widget)


def safe_file_stem(title: str) -> str:
    stem = re.sub(r"[^\w\- ]+", "", title, flags=re.UNICODE).strip().replace(" ", "-")
    return stem[:60] or "retro"


def ask_save_path(parent: QWidget, title: str, name: str, file_filter: str) -> str | None:
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getSaveFileName(parent, title, name, file_filter)
    return path or None


def ask_open_path(parent: QWidget, title: str, file_filter: str) -> str | None:
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(parent, title, "", file_filter)
    return path or None


def confirm(parent: QWidget, title: str, text: str) -> bool:
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes
