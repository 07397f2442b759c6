"""The write-up's standard fields, typed in the new-retro dialog and the details dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from retro_desk.export import markdown_text, session_file
from retro_desk.paths import resource
from retro_desk.storage import Store
from retro_desk.ui.main_window import MainWindow
from retro_desk.ui.new_session_dialog import NewSessionDialog
from tests.fakes import FakeClock


@pytest.fixture
def window(qtbot, tmp_path: Path, clock: FakeClock, settings: QSettings) -> MainWindow:
    store = Store.open(tmp_path / "retros.sqlite3")
    store.create_retro(session_file.read_file(resource("sample_retro.json")))
    window = MainWindow(store, clock=clock, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.open_most_recent()
    yield window
    store.close()


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def test_a_new_retro_keeps_the_write_up_fields(qtbot) -> None:
    dialog = NewSessionDialog()
    qtbot.addWidget(dialog)
    type_into(qtbot, dialog.title, "Checkout outage")
    dialog.timezone.setCurrentText("Europe/Berlin")
    fields = dialog.write_up
    type_into(qtbot, fields.severity.lineEdit(), "SEV-2")
    type_into(qtbot, fields.incident_ref, "INC-1187")
    type_into(qtbot, fields.services, "checkout, payments-gateway ,")
    type_into(qtbot, fields.impact, "2,100 failed payments")
    type_into(qtbot, fields.detected, "14:36")
    type_into(qtbot, fields.resolved, "2026-11-21 09:30")
    type_into(qtbot, fields.retro_date, "2026-11-25")
    type_into(qtbot, fields.owner, "Priya Raman")
    fields.feeling_notes.setFocus()
    qtbot.keyClick(fields.feeling_notes, Qt.Key.Key_Space)
    day = dialog.incident_date.date().toString("yyyy-MM-dd")
    retro = dialog.retro()
    assert retro is not None
    s = retro.session
    assert (s.severity, s.incident_ref, s.services, s.impact, s.owner) == (
        "SEV-2", "INC-1187", ["checkout", "payments-gateway"], "2,100 failed payments",
        "Priya Raman")
    assert s.detected_at is not None and s.detected_at.startswith(f"{day}T14:36:00")
    assert s.resolved_at == "2026-11-21T09:30:00+01:00"
    assert (s.mitigated_at, s.retro_date, s.export_feeling_notes) == (None, "2026-11-25", True)


def test_an_unreadable_time_is_named_and_nothing_is_started(qtbot) -> None:
    dialog = NewSessionDialog()
    qtbot.addWidget(dialog)
    type_into(qtbot, dialog.title, "Checkout outage")
    type_into(qtbot, dialog.write_up.mitigated, "teatime")
    assert dialog.retro() is None
    assert dialog.error.text().startswith("Mitigated: “teatime” is not a time")
    dialog.write_up.mitigated.clear()
    type_into(qtbot, dialog.write_up.retro_date, "next week")
    assert dialog.retro() is None
    assert "Retro held on" in dialog.error.text()


def test_the_details_dialog_edits_the_write_up_and_the_export_follows(qtbot, window) -> None:
    def edit() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewSessionDialog)
        fields = dialog.write_up
        assert fields.severity.currentText() == ""
        type_into(qtbot, fields.severity.lineEdit(), "SEV-1")
        type_into(qtbot, fields.detected, "14:36")
        type_into(qtbot, fields.mitigated, "15:21")
        qtbot.keyClick(fields.feeling_notes, Qt.Key.Key_Space)
        dialog.ok_button.click()

    QTimer.singleShot(0, edit)
    window.edit_details()
    session = window.store.get_session(window.editor.session_id)
    assert session.severity == "SEV-1"
    assert session.detected_at == "2026-11-20T14:36:00+01:00"
    assert session.export_feeling_notes is True
    markdown = markdown_text(window.editor.retro)
    assert "- **Severity:** SEV-1\n" in markdown
    assert "- **Mitigated:** 15:21 (45 min after detection)\n" in markdown
    assert "Notes, unattributed:" in markdown
    # One undo takes the whole edit back.
    window.editor.undo_stack.undo()
    assert window.store.get_session(window.editor.session_id).severity == ""

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewSessionDialog)
        assert dialog.write_up.severity.currentText() == ""
        dialog.reject()

    QTimer.singleShot(0, look)
    window.edit_details()
