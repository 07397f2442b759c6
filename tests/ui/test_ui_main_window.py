"""The main window: session list, phase stepper, timer with a fake clock, undo, settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from retro_desk.export import session_file
from retro_desk.paths import resource
from retro_desk.storage import Store
from retro_desk.ui.main_window import MainWindow
from tests.fakes import FakeClock


@pytest.fixture
def db_store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "retros.sqlite3")
    retro = session_file.read_file(resource("sample_retro.json"))
    # The sample is a finished retro; these tests run it again from the start.
    retro.session.status = "draft"
    for item in retro.agenda:
        item.spent_seconds = 0
    store.create_retro(retro)
    yield store
    store.close()


@pytest.fixture
def window(qtbot, db_store: Store, clock: FakeClock, settings: QSettings) -> MainWindow:
    window = MainWindow(db_store, clock=clock, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.open_most_recent()
    return window


def press(qtbot, window: MainWindow, key: str) -> None:
    """Press a shortcut the way a person does: on whichever widget has the focus."""
    from PySide6.QtGui import QKeySequence

    sequence = QKeySequence(key)
    combo = sequence[0]
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, combo.key(), combo.keyboardModifiers())


def test_opens_most_recent_and_shows_phase_and_counts(window: MainWindow) -> None:
    assert window.editor is not None
    assert "Checkout" in window.windowTitle() or window.editor.retro.session.title in (
        window.windowTitle()
    )
    assert window.stack.currentWidget() is window.pages["opening"]
    assert "6 decision points · 30 events" in window.status.text()
    assert len(window.stepper.buttons()) == 7
    assert window.stepper.buttons()[0].isChecked()


def test_timer_counts_down_flashes_and_goes_into_overtime(qtbot, window, clock) -> None:
    press(qtbot, window, "F5")
    assert window.timer.running
    clock.advance(120)
    window.tick()
    assert window.timer_widget.text() == "03:00"
    assert window.timer_widget.mode() == "normal"
    clock.advance(150)
    window.tick()
    assert window.timer_widget.mode() == "warning"
    clock.advance(33)
    window.tick()
    assert window.timer_widget.text() == "+00:03"
    assert window.timer_widget.mode() == "overtime"
    assert window.timer_widget.is_flashing()
    press(qtbot, window, "F5")
    assert not window.timer.running
    stored = window.store.load_retro(window.editor.session_id).agenda[0]
    assert stored.spent_seconds == 303


def test_add_minute_and_next_phase_keep_running(qtbot, window, clock) -> None:
    press(qtbot, window, "F5")
    press(qtbot, window, "F6")
    assert window.timer.item.planned_seconds == 360
    clock.advance(60)
    press(qtbot, window, "Ctrl+PgDown")
    assert window.stack.currentWidget() is window.pages["feelings"]
    assert window.timer.running and window.timer.current == 1
    assert "1:00 / 06:00" in window.stepper.buttons()[0].text()
    stored = window.store.load_retro(window.editor.session_id)
    assert stored.agenda[0].spent_seconds == 60
    assert window.store.timer_state(window.editor.session_id).current_phase == 1


def test_restart_resumes_with_the_right_remaining_time(
    qtbot, db_store, clock, settings
) -> None:
    first = MainWindow(db_store, clock=clock, settings=settings)
    qtbot.addWidget(first)
    first.open_most_recent()
    first.go_to_phase(2)
    first.toggle_timer()
    clock.advance(100)
    # The laptop dies here: no pause, no close. A new process starts 50 seconds later.
    later = clock.after_restart(50)
    second = MainWindow(db_store, clock=later, settings=settings)
    qtbot.addWidget(second)
    second.open_most_recent()
    assert second.timer.current == 2
    assert second.timer.running
    assert second.timer_widget.text() == "17:30"  # 20 min planned, 150 s gone


def test_rebalance_keeps_the_planned_end(qtbot, window, clock) -> None:
    press(qtbot, window, "F5")
    clock.advance(600)  # opening planned 5 min, took 10
    window.tick()
    assert "late" in window.end_label.text()
    press(qtbot, window, "Ctrl+Shift+B")
    assert window.end_label.text() == "On time"
    planned = [item.planned_seconds for item in window.timer.agenda]
    assert sum(planned[1:]) == 3600 - 600
    stored = window.store.load_retro(window.editor.session_id).agenda
    assert [item.planned_seconds for item in stored] == planned


def test_stepper_click_moves_to_that_phase(qtbot, window) -> None:
    qtbot.mouseClick(window.stepper.buttons()[3], Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.pages["rationality"]
    assert "4" not in window.prompt.text() or window.prompt.text()
    # The current phase alone is checked and bold; the one left is neither, tick after tick.
    for _ in range(2):
        window.tick()
        buttons = window.stepper.buttons()
        assert [b.isChecked() for b in buttons] == [i == 3 for i in range(7)]
        assert [b.font().bold() for b in buttons] == [i == 3 for i in range(7)]


def test_filter_and_enter_open_a_retro(qtbot, window, db_store) -> None:
    other = session_file.read_file(resource("sample_retro.json"))
    other.session.uuid = "another"
    other.session.title = "DNS study"
    other.session.kind = "external"
    db_store.create_retro(other)
    window.refresh_sessions()
    press(qtbot, window, "Ctrl+F")
    qtbot.keyClicks(window.sessions.filter, "dns")
    assert window.sessions.proxy.rowCount() == 1
    qtbot.keyClick(window.sessions.filter, Qt.Key.Key_Return)
    assert window.editor.retro.session.title == "DNS study"
    assert "external" in window.sessions.proxy.index(0, 0).data()


def test_undo_and_redo_through_the_menu_keys(qtbot, window) -> None:
    window.go_to_phase(4)
    page = window.pages["learnings"]
    page.focus_entry()
    before = len(window.editor.retro.learnings)
    window.editor.add(type(window.editor.retro.learnings[0])(text="A new learning"))
    assert window.actions_by_name["undo"].isEnabled()
    assert "learning" in window.actions_by_name["undo"].text()
    window.stack.currentWidget().setFocus()
    window.actions_by_name["undo"].trigger()
    assert len(window.store.load_retro(window.editor.session_id).learnings) == before
    window.actions_by_name["redo"].trigger()
    assert len(window.store.load_retro(window.editor.session_id).learnings) == before + 1


def test_geometry_and_zoom_are_remembered(qtbot, db_store, clock, settings) -> None:
    first = MainWindow(db_store, clock=clock, settings=settings)
    qtbot.addWidget(first)
    first.show()
    first.resize(701, 503)  # the offscreen screen is 800×600
    first.zoom_in()
    first.close()
    second = MainWindow(db_store, clock=clock, settings=settings)
    qtbot.addWidget(second)
    second.show()
    assert second.size().height() == 503
    assert second.zoom() == pytest.approx(1.15)
    second.zoom_reset()


def test_delete_retro_asks_first(qtbot, window, monkeypatch) -> None:
    from retro_desk.ui import main_window as module

    monkeypatch.setattr(module, "confirm", lambda *args: False)
    window.delete_retro()
    assert len(window.store.list_sessions()) == 1
    monkeypatch.setattr(module, "confirm", lambda *args: True)
    window.delete_retro()
    assert window.store.list_sessions() == []
    assert window.editor is None
    assert window.stack.currentWidget() is window.empty


def test_storage_failure_is_reported_not_raised(qtbot, window, monkeypatch) -> None:
    from retro_desk.storage import DiskFull

    def full(*args, **kwargs):
        raise DiskFull("retros.sqlite3: the disk is full; the last edit was not saved")

    monkeypatch.setattr(window.store, "add_item", full)
    monkeypatch.setattr(window, "show_message", lambda title, text: None)
    learning = type(window.editor.retro.learnings[0])(text="x")
    window.context.guard(lambda: window.editor.add(learning))
    assert "Not saved" in window.status.text()
    assert "disk is full" in window.status.text()


def test_audience_window_mirrors_phase_and_hides_private_notes(qtbot, window) -> None:
    window.editor.set_private_notes("SECRET facilitator note about Zoë")
    press(qtbot, window, "F9")
    audience = window.audience
    assert audience is not None
    qtbot.addWidget(audience)
    window.go_to_phase(2)
    assert audience.title.text() == "Timeline"
    assert "Latest:" in audience.latest.text()
    assert all("SECRET" not in text for text in audience.shown_texts())
    window.go_to_phase(5)
    assert audience.title.text() == "Actions"
    assert any(text.startswith(("☐", "☑")) for text in audience.action_list.texts())


def test_retro_details_edit_summary_kind_and_source_links(qtbot, window) -> None:
    from PySide6.QtCore import QTimer

    from retro_desk.ui.new_session_dialog import NewSessionDialog

    def edit() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewSessionDialog)
        assert dialog.title.text() == window.editor.retro.session.title
        assert not dialog.agenda.isVisible()
        dialog.kind.setCurrentIndex(dialog.kind.findData("external"))
        dialog.source_links.setFocus()
        qtbot.keyClicks(dialog.source_links, "https://status.example.com/incident/42")
        dialog.ok_button.click()

    QTimer.singleShot(0, edit)
    window.edit_details()
    session = window.store.get_session(window.editor.session_id)
    assert session.kind == "external"
    assert session.source_links == ["https://status.example.com/incident/42"]
    assert "external" in window.sessions.proxy.index(0, 0).data()
    # The questions now speak of the people responding.
    window.go_to_phase(3)
    assert "the people responding" in window.pages["rationality"].cards["cues"].questions.text()


def test_f1_lists_window_and_page_shortcuts(qtbot, window, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(window, "show_message", lambda title, text: shown.append(text))
    press(qtbot, window, "F1")
    assert shown, "F1 showed nothing"
    text = shown[0]
    for expected in ("Start or pause timer: F5", "Next phase: Ctrl+PgDown", "Undo: Ctrl+Z",
                     "Timeline, Ctrl+D", "Local rationality, Ctrl+Down / Ctrl+Up"):
        assert expected in text, expected


def test_session_list_model_passes_the_model_tester(qtmodeltester, window, db_store) -> None:
    qtmodeltester.check(window.sessions.model)
    qtmodeltester.check(window.sessions.proxy)
    other = session_file.read_file(resource("sample_retro.json"))
    other.session.uuid = "second"
    db_store.create_retro(other)
    window.refresh_sessions()
    qtmodeltester.check(window.sessions.model)
    assert window.sessions.model.rowCount() == 2
