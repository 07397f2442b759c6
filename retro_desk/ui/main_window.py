"""The facilitator's window: retros on the left, the live session in the middle, notes right.

Layout and wiring only: what the commands do is in commands.py, what is live (retro, phase,
speaker, decision point) in retro_desk/live.py, which this window and the audience window
both listen to.
"""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from retro_desk.editor import Change, SessionEditor
from retro_desk.live import LiveSession, Topic
from retro_desk.questions import phase_prompt
from retro_desk.storage import StorageError, Store
from retro_desk.timer import Clock, PhaseTimer, SystemClock
from retro_desk.ui import window_state
from retro_desk.ui.accessible import tab_order
from retro_desk.ui.actions import ACTIONS, MENUS, key_sequences
from retro_desk.ui.commands import TIMER_PX, Commands
from retro_desk.ui.identity import app_icon
from retro_desk.ui.pages.book import PageBook, page_type
from retro_desk.ui.pages.page import PageContext, PhasePage
from retro_desk.ui.startup import DeferredWork, highlight
from retro_desk.ui.undo_keys import StoredUndoKeys
from retro_desk.ui.widgets.archive_views import ArchiveTabs
from retro_desk.ui.widgets.phase_stepper import PhaseStepper, PromptLabel
from retro_desk.ui.widgets.retro_panel import RetroPanel
from retro_desk.ui.widgets.side_panel import SidePanel
from retro_desk.ui.widgets.status_line import StatusLine, show_message
from retro_desk.ui.widgets.timer_controls import TimerControls

if TYPE_CHECKING:
    from retro_desk.textref import Place
    from retro_desk.ui.audience.audience_window import AudienceWindow
    from retro_desk.ui.widgets.search_panel import SearchPanel

TICK_MS = 250
# Qt cuts a line edit's text at 32,767 characters without a word; a long paste must survive.
LINE_LIMIT = 2**31 - 1


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
        self.deferred = DeferredWork(self, defer_until_painted, store.warm_up)
        self.later = self.deferred.later
        self._undo_keys = StoredUndoKeys(self)
        self.context = context or PageContext(decorate_text=self._prepare_text_field)
        self.context.report_error = self.report_error
        self.context.later = self.later
        self.live: LiveSession = self.context.live
        self.commands = Commands(self)
        self.audience: AudienceWindow | None = None
        self.setWindowTitle("Retro Desk")
        self.base_point_size = QApplication.font().pointSizeF()
        self.later(lambda: self.setWindowIcon(app_icon()))
        self._build()
        self._build_actions()
        self.live.listen(Topic.EDIT, self.on_change)
        self.live.listen(Topic.PHASE, self._show_session)
        self.refresh_sessions()
        self._show_session()
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self.tick)
        self._ticker.start()
        window_state.restore(self)

    @property
    def editor(self) -> SessionEditor | None:
        return self.live.editor

    @property
    def timer(self) -> PhaseTimer | None:
        return self.live.timer

    # -- construction ----------------------------------------------------------------------

    def _build(self) -> None:
        self.left = RetroPanel(self.store.search, self.open_search_hit, self)
        self.left.search_built = self.order_tabs
        self.sessions, self.search_tab = self.left.sessions, self.left.search_tab
        self.sessions.session_chosen.connect(self.open_session)
        self.sessions.first_phase_chosen.connect(partial(self.open_session, first_phase=True))
        self.sessions.search_requested.connect(self.search_all)
        self._background_editors: dict[int, SessionEditor] = {}
        self.archive = ArchiveTabs(self.left, self.store, self.editor_for, self.report_error,
                                   self.open_session)
        self.left.currentChanged.connect(self._left_tab_shown)

        self.stepper = PhaseStepper(self)
        self.stepper.phase_chosen.connect(self.go_to_phase)
        self.controls = TimerControls(TIMER_PX, self.commands.toggle_timer,
                                      self.commands.add_minute, self)
        self.timer_widget = self.controls.timer_widget
        self.start_button, self.add_button = self.controls.start_button, self.controls.add_button
        self.end_label = self.controls.end_label

        self.prompt = PromptLabel(self)
        # The stepper has the whole width (it wraps when zoomed); the prompt and the timer
        # share the row under it.
        top = QHBoxLayout()
        top.addWidget(self.prompt, 1)
        top.addWidget(self.controls, 0, Qt.AlignmentFlag.AlignTop)

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
        centre_layout.addWidget(self.stepper)
        centre_layout.addLayout(top)
        centre_layout.addWidget(self.stack, 1)

        self.side = SidePanel(self.context, self)
        self.side.reflection.jump_requested.connect(self.reveal)

        self.splitter = QSplitter(self)
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        # Narrower than its four tabs, the panel shortens their names (zoomed, the phase's
        # page needs the room more).
        self.left.setMinimumWidth(140)
        self.setCentralWidget(self.splitter)
        # Zoom makes text larger inside the window; it never makes the window itself grow.
        layout = self.layout()
        assert layout is not None
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.status = StatusLine(self)
        self.set_status = self.status.set_status
        self.statusBar().addWidget(self.status, 1)
        self.order_tabs()

    def _left_tab_shown(self, index: int) -> None:
        tab = self.left.widget(index)
        self.archive.shown(tab)
        window_state.widen_left(self, self.archive.is_wide(tab))

    def order_tabs(self) -> None:
        """Tab reads the window as the eye does: the list on the left, the page, the side."""
        tab_order(self.left.tabBar(), self.sessions, self.search_tab, self.stack, self.side)

    def _prepare_text_field(self, widget: QWidget) -> None:
        """Every field a person types into: no length cap, blame language highlighted, and
        Ctrl+Z / Ctrl+Shift+Z reaching the stored edits once the field has none of its own."""
        if isinstance(widget, QLineEdit):
            widget.setMaxLength(LINE_LIMIT)
        widget.installEventFilter(self._undo_keys)
        self.later(lambda: highlight(widget))

    @property
    def search(self) -> SearchPanel:
        return self.left.search

    def editor_for(self, session_id: int) -> SessionEditor:
        """The open retro's editor, or one kept for a retro edited from the Actions view
        (opening that retro later goes on with it, undo history and all)."""
        if self.editor and self.editor.session_id == session_id:
            return self.editor
        if session_id not in self._background_editors:
            self._background_editors[session_id] = SessionEditor(self.store, session_id)
        return self._background_editors[session_id]

    def forget_background_editors(self) -> None:
        """After an import: the retros edited in the background may have been replaced."""
        self._background_editors.clear()

    def _build_page(self, phase: str) -> PhasePage:
        """Make a phase page the first time it is needed, showing the open retro."""
        page = page_type(phase)(self.context, self)
        self.stack.addWidget(page)
        self.order_tabs()
        if self.editor is not None:
            page.set_editor(self.editor)
        return page

    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        menus = {title: self.menuBar().addMenu(title) for title in MENUS}
        themes = QActionGroup(self)
        for spec in ACTIONS:
            action = QAction(spec.text, self)
            action.setShortcuts(key_sequences(spec))
            action.setCheckable(spec.checkable)
            action.triggered.connect(lambda _checked=False, run=spec.slot: run(self.commands))
            menus[spec.menu].addAction(action)
            self.actions_by_name[spec.name] = action
            if spec.name.startswith("theme_"):
                themes.addAction(action)
        self._phase_menu = menus["&Session"].addMenu("&Go to phase")
        for number in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(lambda n=number: self.go_to_phase(n - 1))

    # -- the open retro --------------------------------------------------------------------

    def refresh_sessions(self) -> None:
        current = self.editor.session_id if self.editor else None
        self.context.guard(lambda: self.sessions.set_sessions(self.store.list_sessions(), current))
        search = self.left.built_search()
        if search is not None:
            search.refresh()

    def open_session(self, session_id: int, first_phase: bool = False) -> None:
        if self.editor and self.editor.session_id == session_id:
            self.focus_entry()
            return
        self.pause_and_save()
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
        agenda = editor.retro.agenda
        self.show_retro(editor, PhaseTimer(agenda, state, self.clock) if agenda else None)
        self.sessions.select(session_id)
        self.settings.setValue("last_session", session_id)
        self.focus_entry()

    def show_retro(self, editor: SessionEditor | None, timer: PhaseTimer | None = None) -> None:
        """Make `editor` the open retro (None: none is open) in the live session and here."""
        if self.editor:
            self.editor.undo_stack.listeners.clear()
        self.live.open(editor, timer)
        if editor is not None:
            editor.undo_stack.listeners.append(self._update_undo_actions)
        for page in self.pages.built():
            page.set_editor(editor)
        self.side.set_editor(editor)
        self._show_session()

    def open_most_recent(self) -> None:
        sessions = self.sessions.model.sessions()
        if sessions and sessions[0].id is not None:
            self.open_session(sessions[0].id)

    # -- phases and timer ------------------------------------------------------------------

    def tick(self) -> None:
        """Repaint timer and stepper from the phase timer; the Qt timer only asks for this."""
        timer = self.timer
        if timer is not None:
            self.controls.show_timer(timer)
            elapsed = [timer.elapsed(i) for i in range(len(timer.agenda))]
            self.stepper.set_agenda(timer.agenda, timer.current, elapsed)
        self.live.tick()

    def save_timer(self) -> None:
        # A read-only window keeps its timer to itself: its status bar already says Read-only,
        # and a "Not saved" box at every change of phase would stop the meeting.
        if self.editor and self.timer and not self.store.read_only:
            editor, timer = self.editor, self.timer
            self.context.guard(
                lambda: self.store.save_timer(editor.session_id, timer.state(), timer.agenda)
            )

    def pause_and_save(self) -> None:
        if self.timer and self.timer.running:
            self.timer.pause()
            self.save_timer()

    def go_to_phase(self, index: int) -> None:
        if self.live.go_to(index):
            self.save_timer()
            self.focus_entry()

    def current_phase(self) -> str | None:
        return self.live.phase

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
        # With no retro open there is no clock to run: no timer, no buttons for one.
        self.controls.setVisible(self.timer is not None)
        self.stepper.setVisible(self.timer is not None)
        enabled = self.editor is not None
        for spec in ACTIONS:
            if spec.needs_session:
                self.actions_by_name[spec.name].setEnabled(enabled)
        self._update_undo_actions()
        self._update_status()
        self.tick()

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
                self.show_side(True)
                target.setFocus()
            return
        phases = [item.phase for item in self.timer.agenda]
        if place.phase in phases:
            self.go_to_phase(phases.index(place.phase))
        reveal = getattr(self.pages.get(place.phase), "reveal", None)
        if reveal is not None:
            reveal(place)

    def focus_entry(self) -> None:
        page = self.current_page()
        if page is not None:
            page.focus_entry()

    def search_all(self, text: str | None = None) -> None:
        """Search inside every retro (for `text`, when the filter box passes it on)."""
        self.left.search_all(text)

    def open_search_hit(self, session_id: int, place: Place | None) -> None:
        """Open the retro a search result is in, and show the item (None: the retro itself)."""
        self.open_session(session_id)
        if place is not None and self.editor and self.editor.session_id == session_id:
            self.reveal(place)

    # -- edits -----------------------------------------------------------------------------

    def on_change(self, change: Change) -> None:
        for page in self.pages.built():
            page.on_change(change)
        self.side.on_change(change)
        if change.part == "session":
            self.refresh_sessions()
            self._show_session()
        self._update_status()

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
        self.status.show_state(self.editor, self.store.read_only)

    def report_error(self, error: StorageError) -> None:
        self.set_status(f"Not saved: {error}", error=True)
        self.show_message("Not saved", str(error))

    def show_message(self, title: str, text: str) -> None:
        show_message(self, title, text)

    # -- view ------------------------------------------------------------------------------

    def zoom(self) -> float:
        return window_state.zoom_of(self.settings)

    def show_left(self, shown: bool) -> None:
        window_state.show_left(self, shown)

    def show_side(self, shown: bool) -> None:
        window_state.show_side(self, shown)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        window_state.save(self)
        self.side.commit_pending()
        for page in self.pages.built():
            commit = getattr(page, "commit_pending", None)
            if commit is not None:
                commit()
        if self.audience is not None:
            self.audience.close()
        super().closeEvent(event)
