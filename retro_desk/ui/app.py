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
from retro_desk.ui.identity import apply_identity
from retro_desk.ui.main_window import FirstPaintWatcher, MainWindow, forget_module_sources
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
    open_file: Path | None = None,
    safe: bool = False,
) -> int:
    """Open the window on `db_path`. `configure_language` loads the user's blame-language rules
    and returns warnings about them; it runs after the first paint, before any highlighting.
    `open_file`: a session file to show, imported first unless its retro is already there."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Retro Desk")
    app.setOrganizationName("retro-desk")
    app.setApplicationVersion(__version__)
    apply_identity(app, icon=False)
    settings = QSettings()
    apply_theme(app, str(settings.value("theme", "system")))
    lock = InstanceLock(db_path)
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        store, warning = open_store(db_path, lock)
    except (StorageError, OSError) as error:
        lock.release()
        report_startup_error("Retro Desk cannot open its database", str(error), exit_when_ready)
        return 1
    arriving: tuple[int, str] | None = None
    if open_file is not None:
        try:
            arriving = open_or_import(store, open_file)
        except (FileProblem, StorageError) as error:
            store.close()
            lock.release()
            report_startup_error("Retro Desk cannot open this file", str(error), exit_when_ready)
            return 1
    forget_module_sources()
    window = MainWindow(store, settings=settings, defer_until_painted=True)
    window.later(lambda: apply_identity(app))
    window.open_on_first_phase = safe
    if configure_language is not None:
        load_rules = configure_language
        window.later(lambda: report_rule_warnings(window, load_rules(), warning), first=True)
    if arriving is not None:
        window.open_session(arriving[0])
    elif exit_when_ready:
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
    elif arriving is not None:
        window.set_status(arriving[1])
    code = app.exec()
    store.close()
    lock.release()
    return code


class FileProblem(Exception):
    """A session file given on the command line that cannot be shown."""


def open_or_import(store: Store, path: Path) -> tuple[int, str]:
    """The session `path` holds, imported unless its retro is already in `store`, and a line
    saying which happened."""
    from retro_desk.export import session_file

    try:
        retro = session_file.read_file(path)
    except session_file.SessionFileError as error:
        message = str(error)
        raise FileProblem(message if str(path) in message else f"{path}: {message}") from error
    title = " ".join(retro.session.title.split())
    existing = store.find_by_uuid(retro.session.uuid)
    if existing is not None:
        return existing, f"Opened {title!r}, already here from an earlier import"
    if store.read_only:
        raise FileProblem(
            f"{path}: cannot import it: the database is open read-only (in another Retro Desk"
            " window?); import it there with File ▸ Import session file…"
        )
    return store.create_retro(retro), f"Imported {title!r} from {path}"


def report_startup_error(title: str, message: str, quiet: bool) -> None:
    """One line on stderr and, for a person at the screen (not `quiet`), a message box."""
    print(f"retro-desk: error: {' '.join(message.split())}", file=sys.stderr)
    if not quiet:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, title, message)


def report_rule_warnings(window: MainWindow, warnings: list[str], read_only: str | None) -> None:
    """A broken rules file is named in the status bar, unless a read-only notice is there."""
    if warnings and not read_only:
        window.set_status(f"Your blame-language rules: {warnings[0]}", error=True)


def resume_garbage_collection() -> None:
    gc.freeze()
    gc.enable()
