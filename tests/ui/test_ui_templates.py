"""Agenda templates in the window: choose one for a new retro, save an agenda, delete one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QSpinBox

from retro_desk.agenda import default_agenda
from retro_desk.export import session_file
from retro_desk.paths import resource
from retro_desk.storage import Store
from retro_desk.templates import template_from_agenda
from retro_desk.ui import new_session_dialog as dialog_module
from retro_desk.ui.main_window import MainWindow
from retro_desk.ui.new_session_dialog import NewSessionDialog
from retro_desk.ui.template_dialog import TemplateNameDialog
from tests.fakes import FakeClock


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "retros.sqlite3")
    yield store
    store.close()


def open_dialog(qtbot, store: Store) -> NewSessionDialog:
    dialog = NewSessionDialog(None, store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


@pytest.fixture
def dialog(qtbot, store: Store) -> NewSessionDialog:
    return open_dialog(qtbot, store)


def combo_names(dialog: NewSessionDialog) -> list[str]:
    return [dialog.template.itemText(i) for i in range(dialog.template.count())]


def table_minutes(dialog: NewSessionDialog) -> list[tuple[str, int]]:
    return [(item.phase, item.planned_seconds // 60) for item in dialog.agenda_items()]


def name_template(qtbot, name: str, check: Callable[[TemplateNameDialog], None] | None = None,
                  ) -> None:
    """Type a name into the template dialog once it is open, as a person would, then Enter."""

    def run() -> None:
        naming = QApplication.activeModalWidget()
        assert isinstance(naming, TemplateNameDialog)
        try:
            qtbot.keyClicks(naming.name, name)
            if check is not None:
                check(naming)
            qtbot.keyClick(naming.name, Qt.Key.Key_Return)
        finally:
            if naming.isVisible() and naming.result() != QDialog.DialogCode.Accepted:
                naming.reject()

    QTimer.singleShot(0, run)


def test_a_new_retro_starts_from_a_built_in_template_that_follows_the_kind(dialog) -> None:
    assert combo_names(dialog) == [
        "60-minute incident review (built in)", "30-minute external-incident study (built in)",
    ]
    assert dialog.template.currentIndex() == 0
    assert table_minutes(dialog) == [(i.phase, i.planned_seconds // 60)
                                     for i in default_agenda("own")]
    assert dialog.total.text() == "Total: 60 min"
    assert not dialog.delete_template_button.isEnabled()
    dialog.kind.setFocus()
    dialog.kind.setCurrentIndex(dialog.kind.findData("external"))
    assert dialog.template.currentIndex() == 1
    assert dialog.total.text() == "Total: 30 min"
    assert table_minutes(dialog) == [(i.phase, i.planned_seconds // 60)
                                     for i in default_agenda("external")]


def test_save_the_agenda_in_the_dialog_as_a_template(qtbot, dialog, store: Store) -> None:
    timeline_minutes = dialog.agenda.cellWidget(2, 1)
    assert isinstance(timeline_minutes, QSpinBox)
    timeline_minutes.setFocus()
    timeline_minutes.selectAll()
    qtbot.keyClicks(timeline_minutes, "35")
    assert dialog.total.text() == "Total: 75 min"
    seen: list[str] = []
    name_template(qtbot, "Long timeline", lambda naming: seen.append(naming.agenda.text()))
    qtbot.mouseClick(dialog.save_template_button, Qt.MouseButton.LeftButton)
    assert seen == ["75 min: Opening 5, Feelings round 10, Timeline 35, Local rationality 15,"
                    " Learnings 5, Actions 3, Close 2"]
    [saved] = store.agenda_templates()
    assert saved.name == "Long timeline"
    assert saved.phases[2].planned_seconds == 35 * 60
    assert dialog.template.currentText() == "Long timeline"
    assert dialog.delete_template_button.isEnabled()
    # A kind change leaves a chosen template alone.
    dialog.kind.setCurrentIndex(dialog.kind.findData("external"))
    assert dialog.template.currentText() == "Long timeline"
    assert dialog.total.text() == "Total: 75 min"


def test_choosing_a_saved_template_fills_the_agenda_and_the_retro_gets_it(
    qtbot, store: Store
) -> None:
    agenda = list(reversed(default_agenda("external")))
    store.save_agenda_template(template_from_agenda("Backwards study", agenda))
    dialog = open_dialog(qtbot, store)
    dialog.template.setFocus()
    qtbot.keyClick(dialog.template, Qt.Key.Key_End)
    assert dialog.template.currentText() == "Backwards study"
    assert [phase for phase, _m in table_minutes(dialog)][0] == "close"
    qtbot.keyClicks(dialog.title, "Template test")
    retro = dialog.retro()
    assert retro is not None
    session_id = store.create_retro(retro)
    stored = store.load_retro(session_id).agenda
    assert [(i.phase, i.planned_seconds) for i in stored] == [
        (i.phase, i.planned_seconds) for i in agenda
    ]


def test_deleting_a_saved_template_asks_and_built_ins_cannot_be(
    qtbot, store: Store, monkeypatch
) -> None:
    store.save_agenda_template(template_from_agenda("Old habit", default_agenda()))
    dialog = open_dialog(qtbot, store)
    assert not dialog.delete_template_button.isEnabled()  # a built-in is chosen at first
    dialog.template.setFocus()
    qtbot.keyClick(dialog.template, Qt.Key.Key_End)
    assert dialog.template.currentText() == "Old habit"
    assert dialog.delete_template_button.isEnabled()
    monkeypatch.setattr(dialog_module, "confirm_delete", lambda *args: False)
    qtbot.mouseClick(dialog.delete_template_button, Qt.MouseButton.LeftButton)
    assert [t.name for t in store.agenda_templates()] == ["Old habit"]
    monkeypatch.setattr(dialog_module, "confirm_delete", lambda *args: True)
    qtbot.mouseClick(dialog.delete_template_button, Qt.MouseButton.LeftButton)
    assert store.agenda_templates() == []
    assert combo_names(dialog) == [
        "60-minute incident review (built in)", "30-minute external-incident study (built in)",
    ]
    assert dialog.template.currentIndex() == 0
    assert not dialog.delete_template_button.isEnabled()


def test_a_built_in_name_is_refused_and_the_dialog_stays_open(qtbot, dialog, store) -> None:
    outcome: dict[str, object] = {}

    def check(naming: TemplateNameDialog) -> None:
        qtbot.keyClick(naming.name, Qt.Key.Key_Return)
        outcome["open"] = naming.isVisible()
        outcome["note"] = naming.note.text()
        naming.name.selectAll()
        qtbot.keyClicks(naming.name, "My review")

    name_template(qtbot, "60-minute incident review", check)
    qtbot.mouseClick(dialog.save_template_button, Qt.MouseButton.LeftButton)
    assert outcome == {
        "open": True,
        "note": "“60-minute incident review” is a built-in template; choose another name.",
    }
    assert [t.name for t in store.agenda_templates()] == ["My review"]


def test_the_details_dialog_has_no_templates(qtbot, store) -> None:
    dialog = NewSessionDialog(None, store)
    qtbot.addWidget(dialog)
    retro = session_file.read_file(resource("sample_retro.json"))
    dialog.show_details(retro.session)
    dialog.show()
    assert not dialog.template.isVisible()
    assert not dialog.save_template_button.isVisible()


# -- from the window -------------------------------------------------------------------------


@pytest.fixture
def window(qtbot, store: Store, clock: FakeClock, settings: QSettings) -> MainWindow:
    retro = session_file.read_file(resource("sample_retro.json"))
    retro.agenda[2].planned_seconds = 25 * 60
    store.create_retro(retro)
    window = MainWindow(store, clock=clock, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.open_most_recent()
    return window


def test_save_the_open_retros_agenda_then_replace_it(qtbot, window, store: Store) -> None:
    name_template(qtbot, "Checkout style")
    window.actions_by_name["save_template"].trigger()
    [saved] = store.agenda_templates()
    assert saved.name == "Checkout style"
    assert [p.planned_seconds for p in saved.phases] == [
        item.planned_seconds for item in window.editor.retro.agenda
    ]
    assert window.status.text() == (
        "Saved the agenda as the template “Checkout style”; choose it in a new retro"
    )
    seen: dict[str, str] = {}

    def check(naming: TemplateNameDialog) -> None:
        seen["button"] = naming.ok_button.text()
        seen["note"] = naming.note.text()

    window.go_to_phase(1)
    window.editor.retro.agenda[2].planned_seconds = 30 * 60
    name_template(qtbot, "checkout STYLE", check)
    window.save_agenda_template()
    assert seen == {
        "button": "Replace",
        "note": "A template called “Checkout style” is saved already; saving replaces it.",
    }
    [replaced] = store.agenda_templates()
    assert replaced.name == "checkout STYLE"
    assert replaced.phases[2].planned_seconds == 30 * 60


def test_a_new_retro_from_the_window_offers_the_saved_templates(qtbot, window, store) -> None:
    store.save_agenda_template(template_from_agenda("Team habit", default_agenda("external")))
    seen: list[list[str]] = []

    def fill() -> None:
        new = QApplication.activeModalWidget()
        assert isinstance(new, NewSessionDialog)
        try:
            seen.append(combo_names(new))
            new.template.setCurrentIndex(2)
            qtbot.keyClicks(new.title, "From a template")
            qtbot.keyClick(new.title, Qt.Key.Key_Return)
        finally:
            if new.isVisible():
                new.reject()

    QTimer.singleShot(0, fill)
    window.new_retro()
    assert seen == [[
        "60-minute incident review (built in)", "30-minute external-incident study (built in)",
        "Team habit",
    ]]
    assert window.editor.retro.session.title == "From a template"
    assert sum(item.planned_seconds for item in window.editor.retro.agenda) == 30 * 60
