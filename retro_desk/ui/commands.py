"""What every menu command and shortcut does: one small method each over the core.

The action table (actions.py) names these methods; the main window only lays out and wires.
Dialogs and message boxes are imported where they are opened: making their Qt classes costs
start-up time, and none is shown before the first paint.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMargins, QRect, QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget
from shiboken6 import isValid

from retro_desk.storage import StorageError
from retro_desk.ui.fonts import rescale_all
from retro_desk.ui.theme import THEMES, apply_theme, current_palette, refresh_styles

if TYPE_CHECKING:
    from retro_desk.ui.main_window import MainWindow

ZOOM_STEP = 1.15
# The main window's commands that also work while the audience window has the focus (a
# facilitator who clicked it to share it can still run the meeting).
SHARED_ACTIONS = ("timer_toggle", "timer_add", "next_phase", "previous_phase", "audience",
                  "theme")
MIN_ZOOM, MAX_ZOOM = 0.6, 3.0
TIMER_PX = 56


class Commands:
    """The commands of one main window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    # -- retros ----------------------------------------------------------------------------

    def new_retro(self) -> None:
        from retro_desk.ui.dialogs.new_session_dialog import NewSessionDialog

        window = self.window
        retro = NewSessionDialog.ask(window, window.store)
        window.activateWindow()
        if retro is None:
            return
        session_id = window.context.guard(lambda: window.store.create_retro(retro))
        if session_id is not None:
            window.refresh_sessions()
            window.open_session(session_id)

    def edit_details(self) -> None:
        window, editor = self.window, self.window.editor
        if not editor:
            return
        from retro_desk.ui.dialogs.new_session_dialog import NewSessionDialog

        changes = NewSessionDialog.ask_details(window, editor.retro.session)
        window.activateWindow()
        if changes:
            window.context.guard(lambda: editor.update_session(**changes))
            for page in window.pages.built():
                page.reload()

    def import_file(self) -> None:
        import uuid

        from retro_desk.export import session_file

        window = self.window
        path = ask_open_path(window, "Import session file", "Retro Desk session (*.json)")
        if not path:
            return
        try:
            retro = session_file.read_file(Path(path))
        except session_file.SessionFileError as error:
            window.show_message("Cannot import", f"{path}\n\n{error}")
            return
        existing = window.context.guard(lambda: window.store.find_by_uuid(retro.session.uuid))
        if existing is not None:
            if not confirm(window, "Already imported",
                           "This retro is already here. Import a second copy?"):
                window.open_session(existing)
                return
            retro.session.uuid = str(uuid.uuid4())
        session_id = window.context.guard(lambda: window.store.create_retro(retro))
        if session_id is not None:
            window.refresh_sessions()
            window.open_session(session_id)

    def import_timeline_csv(self) -> None:
        """Add the events of a CSV file to the open retro's timeline, after a preview."""
        window, editor = self.window, self.window.editor
        if not editor:
            return
        path = ask_open_path(
            window, "Import timeline CSV", "CSV files (*.csv *.tsv *.txt);;All files (*)"
        )
        if not path:
            return
        from retro_desk.ui.dialogs.csv_import_dialog import CsvImportDialog

        events = CsvImportDialog.ask(window, Path(path), editor.retro.session)
        window.activateWindow()
        if not events:
            return
        added = window.context.guard(lambda: editor.import_events(events))
        if added:
            noun = "event" if len(added) == 1 else "events"
            window.set_status(f"Imported {len(added)} {noun} into the timeline; Ctrl+Z takes"
                              " them out again")

    def save_agenda_template(self) -> None:
        """Keep the open retro's agenda (its plan) as a template for new retros."""
        window, editor = self.window, self.window.editor
        if not editor:
            return
        agenda = editor.retro.agenda
        from retro_desk.templates import TemplateError, plan_summary, template_from_agenda
        from retro_desk.ui.dialogs.template_dialog import TemplateNameDialog

        saved = window.context.guard(window.store.agenda_templates) or []
        name = TemplateNameDialog.ask(window, [t.name for t in saved], plan_summary(agenda))
        window.activateWindow()
        if name is None:
            return
        try:
            window.store.save_agenda_template(template_from_agenda(name, agenda))
        except TemplateError as error:
            window.show_message("Template not saved", str(error))
            return
        except StorageError as error:
            window.report_error(error)
            return
        window.set_status(f"Saved the agenda as the template “{name}”; choose it in a new retro")

    def delete_retro(self) -> None:
        window, editor = self.window, self.window.editor
        if not editor:
            return
        title = editor.retro.session.title
        if not confirm(window, "Delete retro", f"Delete “{title}” and everything in it?"
                       " This cannot be undone."):
            return
        try:
            window.store.delete_session(editor.session_id)
        except StorageError as error:
            window.report_error(error)
            return
        window.show_retro(None)
        window.refresh_sessions()

    def mark_closed(self) -> None:
        window, editor = self.window, self.window.editor
        if editor:
            window.pause_and_save()
            window.context.guard(lambda: editor.update_session(status="closed"))

    def quit(self) -> None:
        self.window.close()

    def publish_to_folder(self) -> None:
        from retro_desk.ui.widgets.archive_views import publish_to_folder

        window = self.window
        publish_to_folder(window, window.store, window.settings, window.set_status,
                          window.show_message)

    def import_folder(self) -> None:
        from retro_desk.ui.widgets.archive_views import import_folder_into

        window = self.window
        window.pause_and_save()
        outcomes = import_folder_into(window, window.store, window.settings, window.show_message)
        if outcomes is None:
            return
        window.forget_background_editors()
        updated = {o.session_id for o in outcomes if o.kind == "updated"}
        editor = window.editor
        if editor and editor.session_id in updated:
            # The open retro was replaced by the folder's copy: show that one.
            window.show_retro(None)
            window.open_session(editor.session_id)
        window.refresh_sessions()
        window.order_tabs()

    # -- export (the exporters import on first use: not needed to open the window) ---------

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

        window, editor = self.window, self.window.editor
        if not editor:
            return
        name = f"{safe_file_stem(editor.retro.session.title)}.{fmt}"
        path = ask_save_path(window, "Export", name, file_filter)
        if not path:
            return
        progress = ExportProgress(window)
        try:
            export(editor.retro, fmt, Path(path), drawing=QtDrawing(), progress=progress.update)
        except OSError as error:
            window.show_message("Export failed", f"Cannot write {path}: {error.strerror or error}")
            return
        finally:
            progress.close()
        window.set_status(f"Exported to {path}")

    def undo(self) -> None:
        editor = self.window.editor
        if editor:
            self.window.context.guard(editor.undo_stack.undo)

    def redo(self) -> None:
        editor = self.window.editor
        if editor:
            self.window.context.guard(editor.undo_stack.redo)

    def focus_filter(self) -> None:
        window = self.window
        window.left.setCurrentWidget(window.sessions)
        window.show_left(True)
        window.sessions.filter.setFocus()
        window.sessions.filter.selectAll()

    def search_all(self) -> None:
        self.window.show_left(True)
        self.window.search_all()

    def focus_entry(self) -> None:
        self.window.focus_entry()

    # -- timer and phases ------------------------------------------------------------------

    def toggle_timer(self) -> None:
        window, timer, editor = self.window, self.window.timer, self.window.editor
        if timer:
            timer.toggle()
            window.save_timer()
            if timer.running and editor and editor.retro.session.status == "draft":
                window.context.guard(lambda: editor.update_session(status="live"))
            window.tick()

    def add_minute(self) -> None:
        if self.window.timer:
            self.window.timer.add_time(60)
            self.window.save_timer()
            self.window.tick()

    def reset_timer(self) -> None:
        if self.window.timer:
            self.window.timer.reset()
            self.window.save_timer()
            self.window.tick()

    def rebalance(self) -> None:
        timer = self.window.timer
        if not timer:
            return
        timer.rebalance()
        self.window.save_timer()
        offset = timer.projected_end_offset()
        if offset < -30:
            self.window.set_status("Ahead of time: the remaining phases keep their plans, and the"
                                   " meeting ends early")
        else:
            self.window.set_status("Remaining phases rebalanced to keep the planned end time")
        self.window.tick()

    def next_phase(self) -> None:
        if self.window.timer:
            self.window.go_to_phase(self.window.timer.current + 1)

    def previous_phase(self) -> None:
        if self.window.timer:
            self.window.go_to_phase(self.window.timer.current - 1)

    # -- view ------------------------------------------------------------------------------

    def toggle_audience(self) -> None:
        window = self.window
        if window.audience is None:
            from retro_desk.ui.audience.audience_window import AudienceWindow

            shared = [window.actions_by_name[name] for name in SHARED_ACTIONS]
            audience = AudienceWindow(window.live, window.context, shared)
            window.audience = audience
            audience.closed.connect(self._audience_closed)
            audience.setGeometry(audience_place(window))
            # Shown without taking the keyboard: the facilitator goes on typing where they were.
            audience.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
            focus = QApplication.focusWidget()
            audience.show()
            window.activateWindow()
            # Over the main window, where the facilitator sees it, yet without the keyboard.
            audience.raise_()
            if focus is not None and isValid(focus):
                focus.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            window.audience.close()
        window.actions_by_name["audience"].setChecked(window.audience is not None)

    def _audience_closed(self) -> None:
        self.window.audience = None
        self.window.actions_by_name["audience"].setChecked(False)

    def zoom_in(self) -> None:
        self.set_zoom(self.window.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.window.zoom() / ZOOM_STEP)

    def zoom_reset(self) -> None:
        self.set_zoom(1.0)

    def set_zoom(self, factor: float) -> None:
        """Type `factor` times its usual size; the window keeps its own size."""
        window = self.window
        factor = min(MAX_ZOOM, max(MIN_ZOOM, round(factor, 2)))
        window.settings.setValue("zoom", factor)
        size = QSize(window.size())
        font = QFont(QApplication.font())
        font.setPointSizeF(window.base_point_size * factor)
        QApplication.setFont(font)
        # Under an application style sheet (high contrast) no widget takes the new font
        # until the sheet is applied again.
        app = QApplication.instance()
        if isinstance(app, QApplication) and app.styleSheet():
            sheet = app.styleSheet()
            app.setStyleSheet("")
            app.setStyleSheet(sheet)
        rescale_all()
        # A widget with a style sheet (the lists) keeps the font it was polished with.
        refresh_styles()
        window.timer_widget.set_pixel_size(round(TIMER_PX * factor))
        if not window.isMaximized() and not window.isFullScreen():
            window.resize(size)

    def toggle_full_screen(self) -> None:
        window = self.window
        window.setWindowState(window.windowState() ^ Qt.WindowState.WindowFullScreen)
        window.actions_by_name["full_screen"].setChecked(window.isFullScreen())

    def toggle_retro_list(self) -> None:
        self.window.show_left(self.window.left.isHidden())

    def toggle_side_panel(self) -> None:
        self.window.show_side(self.window.side.isHidden())

    def toggle_dark(self) -> None:
        """Light to dark, and dark (or high contrast) to light, in one press."""
        self.set_theme("light" if current_palette().name != "light" else "dark")

    def theme_system(self) -> None:
        self.set_theme("system")

    def theme_light(self) -> None:
        self.set_theme("light")

    def theme_dark(self) -> None:
        self.set_theme("dark")

    def theme_high_contrast(self) -> None:
        self.set_theme("high-contrast")

    def set_theme(self, theme: str) -> None:
        assert theme in THEMES
        self.window.settings.setValue("theme", theme)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        palette = apply_theme(app, theme)
        # Every widget takes its colours now, and the menu says which theme is on.
        self.window.actions_by_name[f"theme_{theme}"].setChecked(True)
        refresh_styles()
        self.window.set_status(f"Theme: {theme} ({palette.name})")

    def show_shortcuts(self) -> None:
        from retro_desk.ui.dialogs.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog.show_for(self.window)


def audience_place(window: QWidget) -> QRect:
    """Where the audience window opens, from the screens there are and the main window."""
    from retro_desk.ui.audience.placement import audience_geometry

    frame = window.frameGeometry()
    inner = window.geometry()
    margins = QMargins(inner.left() - frame.left(), inner.top() - frame.top(),
                       frame.right() - inner.right(), frame.bottom() - inner.bottom())
    # Only the screens of the main window's desktop: a window is moved to those by geometry.
    screens = [screen.availableGeometry() for screen in window.screen().virtualSiblings()]
    return audience_geometry(screens, frame, margins)


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
