"""File ▸ Import timeline CSV…: the preview, bad lines shown, one undo step for the whole import."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from retro_desk.export import session_file
from retro_desk.model import Event
from retro_desk.paths import resource
from retro_desk.storage import Store
from retro_desk.timeline_csv import read_timeline
from retro_desk.ui import main_window as main_window_module
from retro_desk.ui.csv_import_dialog import PROBLEM, TIME, CsvImportDialog, CsvRowsModel
from retro_desk.ui.main_window import MainWindow
from tests.fakes import FakeClock

GOOD = (
    "When;Who;What;Link\n"
    "2026-11-20 16:00;Pager;\"Escalated; paged the CA team\";https://pager/1\n"
    "2026-11-20T15:05:00Z;Bot;Deploy marker;\n"
)
BAD = (
    "time,who,what\n"
    "16:00,Pager,fine\n"
    "half past four,Sam,bad time\n"
    "16:40,Li,\n"
)


@pytest.fixture
def window(qtbot, tmp_path: Path, clock: FakeClock, settings: QSettings) -> Iterator[MainWindow]:
    store = Store.open(tmp_path / "retros.sqlite3")
    store.create_retro(session_file.read_file(resource("sample_retro.json")))
    window = MainWindow(store, clock=clock, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.open_most_recent()
    window.go_to_phase(2)
    yield window
    store.close()


def choose_file(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(main_window_module, "ask_open_path", lambda *args: str(path))


def press(qtbot, sequence: str) -> None:
    combo = QKeySequence(sequence)[0]
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, combo.key(), combo.keyboardModifiers())


def while_open(check: Callable[[CsvImportDialog], None]) -> None:
    def run() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CsvImportDialog)
        try:
            check(dialog)
        finally:
            if dialog.isVisible():  # a failed check must not leave the test waiting on it
                dialog.reject()

    QTimer.singleShot(0, run)


def stored_descriptions(window: MainWindow) -> list[str]:
    assert window.editor is not None
    return [e.description for e in window.store.items(window.editor.session_id, Event)]


def shown_descriptions(window: MainWindow) -> list[str]:
    model = window.pages["timeline"].model
    return [model.event_at(row).description for row in range(model.rowCount())]


def test_preview_then_import_then_one_undo_takes_all_out(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "pager.csv"
    path.write_text(GOOD, encoding="utf-8-sig")
    choose_file(monkeypatch, path)
    before = stored_descriptions(window)
    seen: dict[str, object] = {}

    def check(dialog: CsvImportDialog) -> None:
        seen["how"] = dialog.how.text()
        seen["rows"] = dialog.model.rowCount()
        seen["time"] = dialog.model.index(0, TIME).data()
        seen["problems"] = dialog.problems.isVisible()
        seen["button"] = dialog.import_button.text()
        assert dialog.import_button.isEnabled()
        qtbot.waitUntil(dialog.isActiveWindow)
        assert dialog.import_button.hasFocus()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    while_open(check)
    press(qtbot, "Ctrl+Shift+I")
    assert seen == {
        "how": "2 rows · semicolon-separated · header: time, actor, description, source",
        "rows": 2,
        "time": "2026-11-20 16:00:00 +01:00",
        "problems": False,
        "button": "&Import 2 events",
    }
    after = stored_descriptions(window)
    assert after[: len(before)] == before
    assert after[len(before):] == ["Escalated; paged the CA team", "Deploy marker"]
    shown = shown_descriptions(window)
    assert "Escalated; paged the CA team" in shown and "Deploy marker" in shown
    assert window.status.text() == (
        "Imported 2 events into the timeline; Ctrl+Z takes them out again"
    )
    undo = window.actions_by_name["undo"]
    assert undo.text() == "&Undo import 2 events"
    undo.trigger()
    assert stored_descriptions(window) == before
    assert "Deploy marker" not in shown_descriptions(window)
    window.actions_by_name["redo"].trigger()
    assert stored_descriptions(window) == after
    [group] = window.store.search('"paged the CA team"').groups
    assert [hit.place.label for hit in group.hits] == ["Timeline 16:00"]


def test_bad_rows_are_listed_by_line_and_nothing_is_imported(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    choose_file(monkeypatch, path)
    before = stored_descriptions(window)
    seen: dict[str, object] = {}

    def check(dialog: CsvImportDialog) -> None:
        seen["enabled"] = dialog.import_button.isEnabled()
        seen["problems"] = dialog.problems.text()
        seen["marked"] = [dialog.model.index(row, PROBLEM).data() != ""
                          for row in range(dialog.model.rowCount())]
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    while_open(check)
    press(qtbot, "Ctrl+Shift+I")
    assert seen["enabled"] is False
    problems = str(seen["problems"])
    assert problems.startswith("2 bad rows, nothing imported: line 3: ")
    assert "line 4: no description" in problems
    assert seen["marked"] == [False, True, True]
    assert stored_descriptions(window) == before
    assert not window.actions_by_name["undo"].isEnabled()


def test_a_fixed_file_is_read_again_and_imported(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "fixme.csv"
    path.write_text(BAD, encoding="utf-8")
    choose_file(monkeypatch, path)

    def check(dialog: CsvImportDialog) -> None:
        assert not dialog.import_button.isEnabled()
        path.write_text(BAD.replace("half past four", "16:30").replace("16:40,Li,", "16:40,Li,ok"),
                        encoding="utf-8")
        qtbot.mouseClick(dialog.reread_button, Qt.MouseButton.LeftButton)
        assert dialog.problems.isHidden()
        assert dialog.import_button.isEnabled()
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    while_open(check)
    window.import_timeline_csv()
    assert stored_descriptions(window)[-3:] == ["fine", "bad time", "ok"]


def test_an_unreadable_file_says_why_and_cannot_be_imported(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "one-column.csv"
    path.write_text("who,what\nZoë,restarted\n", encoding="utf-8")
    choose_file(monkeypatch, path)
    seen: list[str] = []

    def check(dialog: CsvImportDialog) -> None:
        seen.append(dialog.problems.text())
        assert not dialog.import_button.isEnabled()
        assert dialog.model.rowCount() == 0
        dialog.reject()

    while_open(check)
    window.import_timeline_csv()
    assert seen[0].startswith("Cannot import: ")
    assert "line 1: the header has no time column" in seen[0]


def test_import_needs_an_open_retro(qtbot, window: MainWindow, monkeypatch) -> None:
    assert window.actions_by_name["import_timeline"].isEnabled()
    monkeypatch.setattr(main_window_module, "confirm", lambda *args: True)
    window.delete_retro()
    assert not window.actions_by_name["import_timeline"].isEnabled()


def test_the_rows_model_passes_the_model_tester(qtmodeltester) -> None:
    model = CsvRowsModel()
    model.set_timeline(read_timeline(BAD, "Europe/Berlin", "2026-11-20"))
    qtmodeltester.check(model)
    assert model.index(1, TIME).data() == "half past four"
    assert model.index(0, TIME).data() == "2026-11-20 16:00:00 +01:00"
    model.set_timeline(None)
    qtmodeltester.check(model)
