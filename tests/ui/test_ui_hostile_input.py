"""Hostile input in the window: a full disk, read-only files, bad imports, exports, big pastes."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence, QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from benchmarks.crash_child import snapshot
from retro_desk.export import session_file
from retro_desk.model import ParkingItem
from retro_desk.paths import resource
from retro_desk.storage import DiskFull, Store
from retro_desk.storage.lock import InstanceLock
from retro_desk.ui import main_window as main_window_module
from retro_desk.ui.app import open_store
from retro_desk.ui.main_window import MainWindow
from retro_desk.ui.timeline_model import DESCRIPTION
from tests.test_hostile_input import BAD_IMPORTS, running_app

SAMPLE = resource("sample_retro.json")
# A paste this large stays well inside the limits: it is about responsiveness, not refusal.
MEGABYTE = 1_000_000
PASTE_SECONDS = 5.0


def open_window(qtbot, store: Store, tmp_path: Path) -> MainWindow:
    window = MainWindow(store, settings=QSettings(str(tmp_path / "settings.ini"),
                                                  QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.open_most_recent()
    return window


@pytest.fixture
def saved_db(tmp_path: Path) -> Path:
    path = tmp_path / "retros.sqlite3"
    store = Store.open(path)
    store.create_retro(session_file.read_file(SAMPLE))
    store.close()
    return path


@pytest.fixture
def exit_stack() -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


@pytest.fixture
def store(saved_db: Path) -> Iterator[Store]:
    store = Store.open(saved_db)
    yield store
    store.close()


@pytest.fixture
def window(qtbot, store: Store, tmp_path: Path) -> MainWindow:
    return open_window(qtbot, store, tmp_path)


def press(qtbot, window: MainWindow, keys: str) -> None:
    combo = QKeySequence(keys)[0]
    qtbot.keyClick(QApplication.focusWidget() or window, combo.key(), combo.keyboardModifiers())


def paste(qtbot, window: MainWindow, text: str) -> None:
    QApplication.clipboard().setText(text)
    press(qtbot, window, "Ctrl+V")


def shown_messages(window: MainWindow) -> list[tuple[str, str]]:
    """The message boxes open over the window, as (title, text); closes them."""
    boxes = [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    found = [(box.windowTitle(), box.text()) for box in boxes]
    for box in boxes:
        box.close()
    return found


def fill_the_disk(store: Store) -> None:
    """No free page left in the file and none to be had: the next write that needs a page
    fails as SQLite fails on a full disk (SQLITE_FULL)."""
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")
    session_id = store.list_sessions()[0].id
    assert session_id is not None
    for size in (5000, 500, 50):
        with pytest.raises(DiskFull):
            for n in range(10_000):
                store.add_item(session_id, ParkingItem(f"filler {n} " + "x" * size))


def without_timer(state: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in state.items() if key != "timer"}


def free_the_disk(store: Store) -> None:
    store.db.execute("PRAGMA max_page_count = 1073741823")


def text_of(size: int, seed: int) -> str:
    rng = random.Random(seed)
    words = ("the gateway returned 502 while on-call compared the renewed chain with the "
             "pinned bundle Zoë Łukasz 証明書 | * _ ` # <b> [x](y)").split()
    out: list[str] = []
    length = 0
    while length < size:
        word = rng.choice(words)
        out.append(word)
        out.append("\n" if rng.random() < 0.05 else " ")
        length += len(word) + 1
    return "".join(out)[:size].strip()


# -- a full disk in the middle of a retro ----------------------------------------------------


def test_a_full_disk_mid_retro_says_not_saved_loses_nothing_and_recovers(
    qtbot, window: MainWindow, store: Store
) -> None:
    session_id = window.editor.session_id
    fill_the_disk(store)
    before = snapshot(store, session_id)
    event_text = text_of(3000, seed=1)
    # Longer than the free room left in the session row's own page, which a shorter text can
    # fit into however full the file is: it needs new pages, as a long edit does.
    notes_text = text_of(10_000, seed=2)
    answer_text = text_of(3000, seed=3)

    # An event typed on the timeline's quick line.
    press(qtbot, window, "Ctrl+3")
    timeline = window.pages["timeline"]
    qtbot.keyClicks(timeline.entry, "15:40 Ana: ")
    paste(qtbot, window, event_text)
    rows = timeline.model.rowCount()
    press(qtbot, window, "Return")
    assert window.status.text().startswith("Not saved: ")
    assert "disk is full" in window.status.text()
    assert ("Not saved", window.status.text().removeprefix("Not saved: ")) in (
        shown_messages(window))
    assert timeline.entry.text() == "15:40 Ana: " + event_text  # kept, to try again
    assert timeline.model.rowCount() == rows

    # Private notes, stored when the field is left.
    press(qtbot, window, "Alt+N")
    paste(qtbot, window, notes_text)
    press(qtbot, window, "Tab")
    assert "disk is full" in window.status.text()
    assert [title for title, _ in shown_messages(window)] == ["Not saved"]
    assert window.side.notes.toPlainText().endswith(notes_text)

    # An answer to a local-rationality question.
    press(qtbot, window, "Ctrl+4")
    card = window.pages["rationality"].cards["cues"]
    card.answer.moveCursor(QTextCursor.MoveOperation.End)
    paste(qtbot, window, answer_text)
    press(qtbot, window, "Tab")
    assert [title for title, _ in shown_messages(window)] == ["Not saved"]
    assert card.answer.toPlainText().endswith(answer_text)

    # Nothing stored changed (but for the phase the timer is on, an update in place that
    # needs no new page), and the window still shows everything it did.
    assert without_timer(snapshot(store, session_id)) == without_timer(before)
    assert "Checkout" in window.windowTitle()

    # Space comes back: each edit goes through when tried again.
    free_the_disk(store)
    press(qtbot, window, "Ctrl+3")
    assert timeline.entry.text().endswith(event_text)
    press(qtbot, window, "Return")
    assert timeline.entry.text() == ""
    press(qtbot, window, "Alt+N")
    press(qtbot, window, "Tab")
    press(qtbot, window, "Ctrl+4")
    card.answer.setFocus()
    press(qtbot, window, "Tab")
    assert shown_messages(window) == []
    retro = store.load_retro(session_id)
    assert any(event.description == event_text for event in retro.timeline)
    assert retro.private_notes.endswith(notes_text)
    assert retro.answers_for(window.pages["rationality"].current_event().key)["cues"].endswith(
        answer_text)
    after = snapshot(store, session_id)
    assert len(after["timeline"]) == len(before["timeline"]) + 1
    assert all(event in after["timeline"] for event in before["timeline"])
    assert after["parking_lot"] == before["parking_lot"]
    assert after["learnings"] == before["learnings"]


def test_a_file_that_turns_read_only_mid_retro(qtbot, window: MainWindow, store: Store) -> None:
    # PRAGMA query_only stands for the file system being remounted read-only under the app.
    press(qtbot, window, "Ctrl+5")
    learnings = window.pages["learnings"].panel
    before = [item.text for item in window.editor.retro.learnings]
    store.db.execute("PRAGMA query_only = ON")
    qtbot.keyClicks(learnings.entry, "Restarts hide the cause")
    press(qtbot, window, "Return")
    assert "Not saved" in window.status.text() and "read-only" in window.status.text()
    assert [title for title, _ in shown_messages(window)] == ["Not saved"]
    assert learnings.entry.text() == "Restarts hide the cause"
    store.db.execute("PRAGMA query_only = OFF")
    press(qtbot, window, "Return")
    stored = [item.text for item in store.load_retro(window.editor.session_id).learnings]
    assert stored == [*before, "Restarts hide the cause"]


# -- a file the window may only read ---------------------------------------------------------


def _os_says_read_only(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As root, file modes stop nothing; the permission check answers as for a normal user.
    # (tests/test_hostile_input.py makes the file immutable for real, where chattr works.)
    real = os.access

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        if Path(path) == db and mode & os.W_OK:
            return False
        return real(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)


@pytest.mark.parametrize("cause", ["read-only file", "another instance running"])
def test_a_window_that_may_only_read_says_so_and_refuses_edits(
    qtbot, cause: str, saved_db: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, exit_stack: ExitStack,
) -> None:
    db = saved_db
    if cause == "read-only file":
        _os_says_read_only(db, monkeypatch)
        expected = "read-only"
    else:
        if not Path("/proc/locks").exists():
            pytest.skip("finds the first instance's lock in /proc/locks (Linux)")
        exit_stack.enter_context(running_app(db, tmp_path))  # the real app, holding the lock
        expected = "already open in another Retro Desk window"
    before = snapshot_file(db)
    store, warning = open_store(db, InstanceLock(db))
    try:
        assert store.read_only and warning is not None and expected in warning
        window = open_window(qtbot, store, tmp_path)
        assert window.status.text().startswith("Read-only")
        press(qtbot, window, "Ctrl+3")
        qtbot.keyClicks(window.pages["timeline"].entry, "15:40 Ana: reopens the channel")
        press(qtbot, window, "Return")
        assert "Not saved" in window.status.text() and "reading only" in window.status.text()
        assert [title for title, _ in shown_messages(window)] == ["Not saved"]
        assert len(window.editor.retro.timeline) == 30
    finally:
        store.close()
    assert snapshot_file(db) == before


def snapshot_file(db: Path) -> dict[str, Any]:
    store = Store.open(db, read_only=True)
    try:
        return snapshot(store, 1)
    finally:
        store.close()


# -- imports and exports from the menu ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["deeply-nested", "flag-is-a-string", "duplicate-event-id",
                                  "cut-in-half"])
def test_a_bad_file_imported_from_the_menu_is_named_and_nothing_is_added(
    qtbot, window: MainWindow, store: Store, kind: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make, expected = BAD_IMPORTS[kind]
    bad = tmp_path / "bad.json"
    make(bad)
    monkeypatch.setattr(main_window_module, "ask_open_path", lambda *args: str(bad))
    press(qtbot, window, "Ctrl+I")
    [(title, text)] = shown_messages(window)
    assert title == "Cannot import" and str(bad) in text and expected in text
    assert len(store.list_sessions()) == 1
    assert window.sessions.model.rowCount() == 1


def test_a_file_over_the_size_limit_imported_from_the_menu(
    qtbot, window: MainWindow, store: Store, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as handle:
        handle.truncate(session_file.MAX_FILE_BYTES + 1)
    monkeypatch.setattr(main_window_module, "ask_open_path", lambda *args: str(huge))
    press(qtbot, window, "Ctrl+I")
    [(title, text)] = shown_messages(window)
    assert title == "Cannot import" and "the limit is" in text
    assert len(store.list_sessions()) == 1


@pytest.mark.parametrize("target", ["missing-folder", "a-folder"])
def test_an_export_that_cannot_be_written_says_so_and_writes_nothing(
    qtbot, window: MainWindow, target: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    path = tmp_path / "gone" / "retro.md" if target == "missing-folder" else folder
    monkeypatch.setattr(main_window_module, "ask_save_path", lambda *args: str(path))
    press(qtbot, window, "Ctrl+E")
    [(title, text)] = shown_messages(window)
    assert title == "Export failed" and f"Cannot write {path}" in text
    assert not (tmp_path / "gone").exists() and list(folder.iterdir()) == []
    assert "Exported" not in window.status.text()
    # The window goes on working.
    good = tmp_path / "retro.md"
    monkeypatch.setattr(main_window_module, "ask_save_path", lambda *args: str(good))
    press(qtbot, window, "Ctrl+E")
    assert good.read_text(encoding="utf-8").startswith("# Retro: ")


# -- a 1 MB paste ---------------------------------------------------------------------------


PASTES: dict[str, Callable[[Any, MainWindow], QWidget]] = {
    "private notes": lambda qtbot, window: focus(qtbot, window, "Alt+N"),
    "rationality answer": lambda qtbot, window: focus(qtbot, window, "Ctrl+4"),
    "timeline quick line": lambda qtbot, window: focus(qtbot, window, "Ctrl+3"),
}


def focus(qtbot, window: MainWindow, keys: str) -> QWidget:
    press(qtbot, window, keys)
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


@pytest.mark.parametrize("where", PASTES)
def test_a_1_mb_paste_is_stored_whole_and_the_window_keeps_up(
    qtbot, window: MainWindow, store: Store, where: str,
) -> None:
    text = text_of(MEGABYTE, seed=len(where))
    field = PASTES[where](qtbot, window)
    if where == "timeline quick line":
        qtbot.keyClicks(field, "15:40 Ana: ")
    else:
        press(qtbot, window, "Ctrl+End")
    started = time.perf_counter()
    paste(qtbot, window, text)
    press(qtbot, window, "Return" if where == "timeline quick line" else "Tab")
    QApplication.processEvents()
    elapsed = time.perf_counter() - started
    assert shown_messages(window) == []
    retro = store.load_retro(window.editor.session_id)
    if where == "private notes":
        assert retro.private_notes.endswith(text)
    elif where == "rationality answer":
        event = window.pages["rationality"].current_event()
        assert retro.answers_for(event.key)["cues"].endswith(text)
    else:
        assert [e.description for e in retro.timeline].count(text) == 1
        # The cell shows the start; the in-place editor gets every character back.
        model = window.pages["timeline"].model
        [row] = [r for r in range(model.rowCount()) if model.event_at(r).description == text]
        cell = model.index(row, DESCRIPTION)
        assert cell.data(Qt.ItemDataRole.EditRole) == text
        assert cell.data(Qt.ItemDataRole.DisplayRole).endswith("…")
    assert elapsed < PASTE_SECONDS
    # Typing goes on at once, and the next edit is stored as usual.
    started = time.perf_counter()
    press(qtbot, window, "Ctrl+5")
    qtbot.keyClicks(QApplication.focusWidget(), "After the paste")
    press(qtbot, window, "Return")
    assert time.perf_counter() - started < PASTE_SECONDS
    assert store.load_retro(window.editor.session_id).learnings[-1].text == "After the paste"


