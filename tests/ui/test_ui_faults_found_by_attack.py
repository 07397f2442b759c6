"""Issue 14 in the window: a bad stored time, a writer that keeps the file, long typing."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from retro_desk.model import Event
from retro_desk.storage import Store
from retro_desk.timer import TimerState
from retro_desk.ui.main_window import MainWindow
from retro_desk.ui.save_timer import MAX_WAIT_MS
from tests.fakes import FakeClock
from tests.ui.windows import open_audience, open_window, press, sample_store

BAD_TIME = "9999-12-31T23:59:59-12:00"


@pytest.fixture
def file_store(tmp_path: Path) -> Store:
    store = sample_store(tmp_path)
    yield store
    store.close()


def left_on_the_timeline_with_a_bad_time(store: Store) -> None:
    """As the attack left it: an event no zone can show, the retro saved on its timeline."""
    store.add_item(1, Event(key="", at=BAD_TIME, description="the edge of time"))
    agenda = store.load_retro(1).agenda
    store.save_timer(1, TimerState(current_phase=2), agenda)


def test_a_retro_with_a_bad_stored_time_opens_on_its_timeline_and_shows_it(
    qtbot, file_store: Store, clock: FakeClock, settings: QSettings
) -> None:
    left_on_the_timeline_with_a_bad_time(file_store)
    window = open_window(qtbot, file_store, clock, settings)
    assert window.current_phase() == "timeline"
    page = window.pages["timeline"]
    rows = [page.model.event_at(row).description for row in range(page.model.rowCount())]
    row = rows.index("the edge of time")
    shown = page.model.index(row, 0).data(Qt.ItemDataRole.DisplayRole)
    assert shown.startswith(BAD_TIME) and "unreadable" in shown
    # The in-place editor offers the stored text, to be corrected.
    assert page.model.index(row, 0).data(Qt.ItemDataRole.EditRole) == BAD_TIME
    assert page.model.setData(page.model.index(row, 0), "2026-11-20T15:00:00+01:00")
    stored = {event.description: event.at for event in file_store.load_retro(1).timeline}
    assert stored["the edge of time"] == "2026-11-20T15:00:00+01:00"
    audience = open_audience(qtbot, window)
    assert audience.isVisible()


def test_safe_opens_every_retro_on_its_first_phase(
    qtbot, file_store: Store, clock: FakeClock, settings: QSettings
) -> None:
    left_on_the_timeline_with_a_bad_time(file_store)
    window = MainWindow(file_store, clock=clock, settings=settings)
    qtbot.addWidget(window)
    window.open_on_first_phase = True
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.open_most_recent()
    assert window.current_phase() == "opening"
    press(qtbot, window, "Ctrl+3")
    assert window.current_phase() == "timeline"


def test_a_write_refused_while_another_program_holds_the_file_keeps_the_text_to_try_again(
    qtbot, file_store: Store, clock: FakeClock, settings: QSettings, tmp_path: Path
) -> None:
    window = open_window(qtbot, file_store, clock, settings)
    press(qtbot, window, "Ctrl+3")
    page = window.pages["timeline"]
    rows = page.model.rowCount()
    # Longer than the window waits: for the test, it does not wait at all.
    file_store.conn.execute("PRAGMA busy_timeout = 0")
    other = sqlite3.connect(tmp_path / "retros.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    qtbot.keyClicks(page.entry, "15:40 Ana: paged the on-call")
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)
    assert window.status.text().startswith("Not saved: ")
    assert "kept the file locked for writing" in window.status.text()
    assert page.entry.text() == "15:40 Ana: paged the on-call"
    assert page.model.rowCount() == rows
    other.execute("COMMIT")
    other.close()
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)
    assert page.entry.text() == ""
    assert page.model.rowCount() == rows + 1
    assert file_store.load_retro(1).timeline[-1].description == "paged the on-call"


def test_a_short_hold_is_waited_out_and_the_edit_stored_first_time(
    qtbot, file_store: Store, clock: FakeClock, settings: QSettings, tmp_path: Path
) -> None:
    window = open_window(qtbot, file_store, clock, settings)
    press(qtbot, window, "Ctrl+3")
    page = window.pages["timeline"]
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        other = sqlite3.connect(tmp_path / "retros.sqlite3", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        taken.set()
        release.wait(0.5)  # a CLI import's transaction, as the attack held one
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait()
    qtbot.keyClicks(page.entry, "15:41 Ben: rolled back")
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)
    holder.join()
    assert not window.status.text().startswith("Not saved")
    assert file_store.load_retro(1).timeline[-1].description == "rolled back"


@pytest.mark.parametrize("field", ["private", "closing"])
def test_notes_typed_without_a_pause_are_stored_at_least_every_two_seconds(
    qtbot, file_store: Store, clock: FakeClock, settings: QSettings, field: str
) -> None:
    window = open_window(qtbot, file_store, clock, settings)
    if field == "private":
        press(qtbot, window, "Alt+N")
        notes, timer, column = window.side.notes, window.side.notes._idle, "private_notes"
    else:
        press(qtbot, window, "Ctrl+7")
        page = window.pages["close"]
        notes, timer, column = page.notes, page._idle, "closing_notes"
        notes.setFocus()
    assert timer.max_wait.interval() <= MAX_WAIT_MS == 2000
    qtbot.keyClicks(notes, "the gateway")
    first = timer.max_wait.timerId()
    assert timer.idle.isActive() and timer.max_wait.isActive()
    # Each keystroke puts the pause off again, but never the two-second mark.
    qtbot.keyClicks(notes, " kept failing")
    assert timer.max_wait.timerId() == first
    timer.max_wait.timeout.emit()  # two seconds of typing without a pause
    assert file_store.session_text(1, column).endswith("the gateway kept failing")
    assert not timer.isActive()
    qtbot.keyClicks(notes, " under load")
    assert timer.max_wait.isActive()


def test_the_list_opens_a_retro_on_its_first_phase_with_shift_enter(
    qtbot, file_store: Store, clock: FakeClock, settings: QSettings
) -> None:
    left_on_the_timeline_with_a_bad_time(file_store)
    window = open_window(qtbot, file_store, clock, settings)
    other = file_store.load_retro(1)
    other.session.uuid, other.session.title = "second-retro-0000", "A second retro"
    second = file_store.create_retro(other)
    window.open_session(second)  # the facilitator was in another retro
    assert window.editor is not None and window.editor.session_id == second
    window.sessions.select(1)
    window.sessions.view.setFocus()
    qtbot.keyClick(window.sessions.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert window.editor.session_id == 1
    assert window.current_phase() == "opening"
    assert "Open on the first phase" in [a.text() for a in window.sessions.view.actions()]


@pytest.mark.parametrize("target", ["the database", "a device", "read-only"])
def test_the_windows_exports_refuse_what_the_command_line_refuses(
    qtbot, file_store: Store, clock: FakeClock, settings: QSettings, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, target: str,
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from retro_desk.ui import main_window as main_window_module

    window = open_window(qtbot, file_store, clock, settings)
    database = tmp_path / "retros.sqlite3"
    read_only = tmp_path / "published.json"
    read_only.write_text("{}")
    read_only.chmod(0o444)
    path = {"the database": database, "a device": Path("/dev/null"),
            "read-only": read_only}[target]
    before = path.read_bytes() if path.is_file() else None
    monkeypatch.setattr(main_window_module, "ask_save_path", lambda *args: str(path))
    press(qtbot, window, "Ctrl+Shift+E")
    boxes = [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    [(title, text)] = [(box.windowTitle(), box.text()) for box in boxes]
    for box in boxes:
        box.close()
    assert title == "Export failed" and f"Cannot write {path}" in text
    said = {"the database": "an SQLite database", "a device": "not a regular file",
            "read-only": "read-only"}[target]
    assert said in text and "--force" not in text  # a command-line hint has no place here
    if before is not None:
        assert path.read_bytes() == before
    assert file_store.list_sessions()[0].id == 1
