"""Start the window: open the database (or explain why not), one editing window per file."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from retro_desk import __version__
from retro_desk.storage import ReadOnlyDatabase, StorageError, Store
from retro_desk.storage.lock import InstanceLock
from retro_desk.ui.main_window import MainWindow
from retro_desk.ui.startup import FirstPaintWatcher, forget_module_sources
from retro_desk.ui.theme import apply_theme


def open_store(db_path: Path, lock: InstanceLock) -> tuple[Store, str | None]:
    """The store to use and, when it had to be opened read-only, why.

    The file is checked before the lock is taken, so a refused file gets no lock file beside it.
    """
    try:
        store = Store.open(db_path)
    except ReadOnlyDatabase as error:
        # The command line says why it cannot write; the window opens for reading instead.
        return Store.open(db_path, read_only=True), f"{error}. This window is read-only."
    try:
        locked = lock.acquire()
    except OSError as error:
        locked, reason = False, f"{db_path.parent} cannot be written ({error.strerror})"
    else:
        reason = (
            f"{db_path} is already open in another Retro Desk window. This window is read-only,"
            " so nothing can be lost; close the other window to edit here"
        )
    if locked:
        return store, None
    store.close()
    return Store.open(db_path, read_only=True), f"{reason}."


def run_app(
    db_path: Path,
    exit_when_ready: bool = False,
    configure_language: Callable[[], list[str]] | None = None,
) -> int:
    """Open the window on `db_path`. `configure_language` loads the user's blame-language rules
    and returns warnings about them; it runs after the first paint, before any highlighting."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Retro Desk")
    app.setOrganizationName("retro-desk")
    app.setApplicationVersion(__version__)
    settings = QSettings()
    apply_theme(app, str(settings.value("theme", "system")))
    lock = InstanceLock(db_path)
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        store, warning = open_store(db_path, lock)
    except (StorageError, OSError) as error:
        lock.release()
        message = str(error)
        print(f"retro-desk: error: {' '.join(message.split())}", file=sys.stderr)
        if not exit_when_ready:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(None, "Retro Desk cannot open its database", message)
        return 1
    forget_module_sources()
    window = MainWindow(store, settings=settings, defer_until_painted=True)
    if configure_language is not None:
        load_rules = configure_language
        window.later(lambda: report_rule_warnings(window, load_rules(), warning), first=True)
    if exit_when_ready:
        window.open_most_recent()
    else:
        last = settings.value("last_session")
        ids = {s.id for s in window.sessions.model.sessions()}
        if last is not None and int(str(last)) in ids:
            window.open_session(int(str(last)))
        else:
            window.open_most_recent()
    # launch.run paused the garbage collector for the start; what the start made lives on,
    # so it is set aside (frozen) rather than examined at every collection in the meeting.
    window.later(resume_garbage_collection)
    if exit_when_ready:
        # Watching from after the window's own watcher, it is told first: the loop returns
        # once this paint has finished, before the after-paint work. Start-up ends there.
        FirstPaintWatcher(window, lambda: app.exit(0))
    window.show()
    if warning:
        window.set_status(warning, error=True)
        if not exit_when_ready:
            window.show_message("Read-only", warning)
    code = app.exec()
    store.close()
    lock.release()
    return code


def report_rule_warnings(window: MainWindow, warnings: list[str], read_only: str | None) -> None:
    """A broken rules file is named in the status bar, unless a read-only notice is there."""
    if warnings and not read_only:
        window.set_status(f"Your blame-language rules: {warnings[0]}", error=True)


def resume_garbage_collection() -> None:
    gc.freeze()
    gc.enable()
