"""A whole seven-phase retro run from the keyboard on a temp database, then stored and exported."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from retro_desk.storage import Store
from retro_desk.ui import main_window as main_window_module
from retro_desk.ui.main_window import MainWindow
from retro_desk.ui.new_session_dialog import NewSessionDialog
from tests.fakes import FakeClock


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def keys(qtbot, sequence: str) -> None:
    """Press a shortcut on whatever has the focus, as a person at the keyboard does."""
    combo = QKeySequence(sequence)[0]
    qtbot.keyClick(focused(), combo.key(), combo.keyboardModifiers())


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def enter(qtbot) -> None:
    qtbot.keyClick(focused(), Qt.Key.Key_Return)


def test_a_whole_retro_from_the_keyboard(qtbot, tmp_path: Path, monkeypatch) -> None:
    clock = FakeClock()
    store = Store.open(tmp_path / "retros.sqlite3")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, clock=clock, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.sessions.filter.setFocus()

    # -- a new retro, typed into the dialog while it is open (it is modal) ----------------
    def fill_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewSessionDialog)
        qtbot.keyClicks(dialog.title, "Search outage, 24 November")
        dialog.timezone.setFocus()
        dialog.timezone.lineEdit().selectAll()
        qtbot.keyClicks(dialog.timezone.lineEdit(), "Europe/Berlin")
        dialog.participants.setFocus()
        qtbot.keyClicks(dialog.participants, "Ana, incident commander")
        qtbot.keyClick(dialog.participants, Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.participants, "Ben, on-call")
        dialog.title.setFocus()
        qtbot.keyClick(dialog.title, Qt.Key.Key_Return)
        assert dialog.result() == QDialog.DialogCode.Accepted

    QTimer.singleShot(0, fill_dialog)
    keys(qtbot, "Ctrl+N")
    assert window.editor is not None
    session = window.editor.retro.session
    assert (session.title, session.timezone) == ("Search outage, 24 November", "Europe/Berlin")
    assert [p.name for p in window.editor.retro.participants] == ["Ana", "Ben"]

    # -- opening: the timer runs; five minutes pass -----------------------------------------
    assert window.stack.currentWidget() is window.pages["opening"]
    qtbot.waitUntil(window.isActiveWindow)
    keys(qtbot, "F5")
    clock.advance(300)
    window.tick()
    assert window.timer_widget.text() == "00:00"

    # -- feelings round ---------------------------------------------------------------------
    keys(qtbot, "Ctrl+PgDown")
    assert window.stack.currentWidget() is window.pages["feelings"]
    type_text(qtbot, "anxious, relieved")
    enter(qtbot)
    type_text(qtbot, "vindicated")
    enter(qtbot)
    clock.advance(600)

    # -- timeline ---------------------------------------------------------------------------
    keys(qtbot, "Ctrl+PgDown")
    assert window.stack.currentWidget() is window.pages["timeline"]
    type_text(qtbot, "2026-11-24T14:02 Ben: paged for search latency")
    enter(qtbot)
    keys(qtbot, "Ctrl+D")
    type_text(qtbot, "+5m Ben: restarts the indexer")
    enter(qtbot)
    type_text(qtbot, "14:20 Ana: declares an incident")
    enter(qtbot)
    clock.advance(1200)

    # -- local rationality: one answer, Tab to the next card --------------------------------
    keys(qtbot, "Ctrl+PgDown")
    assert window.stack.currentWidget() is window.pages["rationality"]
    type_text(qtbot, "The latency graph and a page")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    type_text(qtbot, "The runbook says restart first")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    clock.advance(900)

    # -- learnings, actions -----------------------------------------------------------------
    keys(qtbot, "Ctrl+PgDown")
    type_text(qtbot, "Restarts hide the cause")
    enter(qtbot)
    keys(qtbot, "Ctrl+PgDown")
    assert window.stack.currentWidget() is window.pages["actions"]
    type_text(qtbot, "Add an indexer lag alert @Ben due 2026-12-05")
    enter(qtbot)

    # -- the parking lot, from the side panel -----------------------------------------------
    window.side.parking.focus_entry()
    type_text(qtbot, "Search capacity planning")
    enter(qtbot)

    # -- close: two ROTI votes, closing notes -----------------------------------------------
    keys(qtbot, "Ctrl+PgDown")
    assert window.stack.currentWidget() is window.pages["close"]
    qtbot.keyClick(focused(), Qt.Key.Key_4)
    qtbot.keyClick(focused(), Qt.Key.Key_5)
    keys(qtbot, "Alt+C")
    type_text(qtbot, "Thanks, everyone.")
    keys(qtbot, "F5")  # pause

    # -- what is stored ---------------------------------------------------------------------
    stored = store.load_retro(window.editor.session_id)
    assert [f.words for f in stored.feelings] == [["anxious", "relieved"], ["vindicated"]]
    assert all(f.participant is None for f in stored.feelings)
    assert stored.feelings[1].blame_feeling
    timeline = [(e.at, e.actor, e.description, e.decision_point) for e in stored.timeline]
    assert timeline == [
        ("2026-11-24T14:02:00+01:00", "Ben", "paged for search latency", False),
        ("2026-11-24T14:07:00+01:00", "Ben", "restarts the indexer", True),
        ("2026-11-24T14:20:00+01:00", "Ana", "declares an incident", False),
    ]
    answers = {(a.event, a.category): a.answer for a in stored.rationality}
    assert answers == {
        ("e2", "cues"): "The latency graph and a page",
        ("e2", "knowledge"): "The runbook says restart first",
    }
    assert [item.text for item in stored.learnings] == ["Restarts hide the cause"]
    assert [(a.description, a.owner, a.due) for a in stored.actions] == [
        ("Add an indexer lag alert", "Ben", "2026-12-05")
    ]
    assert [item.text for item in stored.parking_lot] == ["Search capacity planning"]
    assert stored.closing.roti == [4, 5]
    window.pages["close"].commit_pending()
    assert store.load_retro(window.editor.session_id).closing.notes == "Thanks, everyone."
    spent = [item.spent_seconds for item in stored.agenda]
    assert spent[:4] == [300, 600, 1200, 900]

    # -- export from the keyboard -----------------------------------------------------------
    target = tmp_path / "search-outage.md"
    monkeypatch.setattr(main_window_module, "ask_save_path", lambda *args: str(target))
    keys(qtbot, "Ctrl+E")
    markdown = target.read_text(encoding="utf-8")
    assert markdown.startswith("# Retro: Search outage, 24 November")
    for expected in ("anxious", "restarts the indexer", "The runbook says restart first",
                     "- [ ] Add an indexer lag alert", "Search capacity planning",
                     "Thanks, everyone.", "+01:00"):
        assert expected in markdown, expected
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    headings = [
        tokens[index + 1].content
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag == "h2"
    ]
    for section in ("Agenda: planned and spent", "Feelings round", "Timeline", "Learnings",
                    "Actions", "Parking lot", "Closing"):
        assert section in headings, section
    assert f"Exported to {target}" in window.status.text()
