"""The actions page: the table model, the quick-add line, done/delete keys, parking-lot review."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from retro_desk.editor import SessionEditor
from retro_desk.model import Action, ParkingItem
from retro_desk.ui.pages.actions_page import (
    DESCRIPTION,
    DONE,
    DUE,
    OWNER,
    ActionsModel,
    ActionsPage,
    parse_quick_action,
)
from retro_desk.ui.pages.page import PageContext
from tests.ui.conftest import show_page

SAMPLE_ACTIONS = 5


@pytest.fixture
def page(qtbot, sample_editor: SessionEditor) -> ActionsPage:
    page = show_page(qtbot, ActionsPage(PageContext()), sample_editor)
    assert isinstance(page, ActionsPage)
    return page


def stored(editor: SessionEditor) -> list[Action]:
    return editor.store.load_retro(editor.session_id).actions


def cell(page: ActionsPage, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return page.model.index(row, column).data(role)


def click_row(qtbot, page: ActionsPage, row: int) -> None:
    rect = page.table.visualRect(page.model.index(row, DESCRIPTION))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


# -- parsing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write the runbook", Action("Write the runbook")),
        ("Write the runbook @amara", Action("Write the runbook", owner="amara")),
        ('Write @"Priya Raman" the runbook', Action("Write the runbook", owner="Priya Raman")),
        ("Write the runbook due 2026-12-01", Action("Write the runbook", due="2026-12-01")),
        (
            "Write the runbook @tomás DUE:2026-12-01",
            Action("Write the runbook", owner="tomás", due="2026-12-01"),
        ),
        ("Mail ops@example.com about it", Action("Mail ops@example.com about it")),
        ("Check the invoices due next week", Action("Check the invoices due next week")),
        ("Revert the 2026-11-20 change", Action("Revert the 2026-11-20 change")),
    ],
)
def test_quick_add_parsing(text: str, expected: Action) -> None:
    assert parse_quick_action(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Fix it due 2026-13-40", "not a date"),
        ("Fix it due:tomorrow", "not a date"),
        ("Fix it due 1.12.2026", "not a date"),
        ("Fix it due:", "after “due:”, as YYYY-MM-DD"),
        ("@amara due 2026-12-01", "Write what is to be done"),
    ],
)
def test_quick_add_refuses_bad_input(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_quick_action(text)


# -- the model ---------------------------------------------------------------------------


def test_model_passes_the_model_tester_and_shows_the_actions(qtmodeltester, page) -> None:
    qtmodeltester.check(page.model)
    assert page.model.rowCount() == SAMPLE_ACTIONS
    assert cell(page, 1, OWNER) == "Łukasz Nowicki"
    assert cell(page, 1, DUE) == "2026-12-01"
    assert cell(page, 1, DONE, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert cell(page, 0, DONE, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert cell(page, 0, DESCRIPTION, Qt.ItemDataRole.UserRole).owner == "Amara Okafor"


def test_model_follows_adds_edits_and_removals(qtmodeltester, sample_editor) -> None:
    model = ActionsModel(PageContext())
    model.set_editor(sample_editor)
    sample_editor.listeners.append(model.on_change)
    qtmodeltester.check(model)
    added = sample_editor.add(Action("Pair on the CI check", owner="Tomás Ferreira"))
    sample_editor.update(added, due="2026-12-20")
    sample_editor.delete(sample_editor.retro.actions[0])
    qtmodeltester.check(model)
    assert model.rowCount() == SAMPLE_ACTIONS
    assert model.index(SAMPLE_ACTIONS - 1, DUE).data() == "2026-12-20"


def test_in_place_edits_are_stored_and_a_bad_due_date_is_refused(qtbot, page, sample_editor):
    assert page.model.setData(page.model.index(0, DUE), "2026-12-24")
    assert stored(sample_editor)[0].due == "2026-12-24"
    assert cell(page, 0, DUE) == "2026-12-24"

    assert not page.model.setData(page.model.index(0, DUE), "Christmas")
    assert stored(sample_editor)[0].due == "2026-12-24"
    assert "not a date" in page.message.text()

    assert not page.model.setData(page.model.index(0, DESCRIPTION), "   ")
    assert stored(sample_editor)[0].description.startswith("Show config pushes")

    assert page.model.setData(page.model.index(0, DUE), "")
    assert stored(sample_editor)[0].due is None


def test_f2_edits_the_owner_in_place(qtbot, page, sample_editor) -> None:
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(2, OWNER))
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Security team")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The view commits an in-place edit from the event loop, just after the key.
    qtbot.waitUntil(lambda: cell(page, 2, OWNER) == "Security team")
    assert stored(sample_editor)[2].owner == "Security team"

    sample_editor.undo_stack.undo()
    assert stored(sample_editor)[2].owner == "Tomás Ferreira"
    assert cell(page, 2, OWNER) == "Tomás Ferreira"


# -- the page ----------------------------------------------------------------------------


def test_quick_add_stores_and_shows_the_action(qtbot, page, sample_editor) -> None:
    assert page.entry.hasFocus()
    qtbot.keyClicks(page.entry, 'Rehearse the CA rollover @"Priya Raman" due 2026-12-15')
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)

    new = stored(sample_editor)[-1]
    assert (new.description, new.owner, new.due, new.done) == (
        "Rehearse the CA rollover",
        "Priya Raman",
        "2026-12-15",
        False,
    )
    row = SAMPLE_ACTIONS
    assert page.model.rowCount() == SAMPLE_ACTIONS + 1
    assert (cell(page, row, DESCRIPTION), cell(page, row, OWNER), cell(page, row, DUE)) == (
        "Rehearse the CA rollover",
        "Priya Raman",
        "2026-12-15",
    )
    assert page.entry.text() == ""

    sample_editor.undo_stack.undo()
    assert len(stored(sample_editor)) == SAMPLE_ACTIONS
    assert page.model.rowCount() == SAMPLE_ACTIONS


def test_quick_add_with_a_bad_date_stores_nothing_and_says_why(qtbot, page, sample_editor):
    qtbot.keyClicks(page.entry, "Rehearse the rollover @priya due 2026-02-30")
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)

    assert len(stored(sample_editor)) == SAMPLE_ACTIONS
    assert page.model.rowCount() == SAMPLE_ACTIONS
    assert "“2026-02-30” is not a date" in page.message.text()
    assert page.entry.text() == "Rehearse the rollover @priya due 2026-02-30"
    qtbot.keyClick(page.entry, Qt.Key.Key_Backspace)
    assert page.message.text() == ""


def test_space_toggles_done_on_the_selected_row(qtbot, page, sample_editor) -> None:
    click_row(qtbot, page, 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Space)
    assert stored(sample_editor)[0].done is True
    assert cell(page, 0, DONE, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked

    qtbot.keyClick(page.table, Qt.Key.Key_Space)
    assert stored(sample_editor)[0].done is False

    sample_editor.undo_stack.undo()
    assert stored(sample_editor)[0].done is True
    assert cell(page, 0, DONE, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked


def test_delete_removes_the_selected_action_and_undo_restores_it(qtbot, page, sample_editor):
    click_row(qtbot, page, 3)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)

    descriptions = [a.description for a in stored(sample_editor)]
    assert len(descriptions) == SAMPLE_ACTIONS - 1
    assert not any(d.startswith("Inventory every pinned") for d in descriptions)
    assert page.model.rowCount() == SAMPLE_ACTIONS - 1

    sample_editor.undo_stack.undo()
    assert stored(sample_editor)[3].description.startswith("Inventory every pinned")
    assert cell(page, 3, DESCRIPTION).startswith("Inventory every pinned")
    sample_editor.undo_stack.redo()
    assert page.model.rowCount() == SAMPLE_ACTIONS - 1


def test_parking_lot_review_lists_the_parking_lot_and_follows_it(page, sample_editor) -> None:
    model = page.parking_model
    texts = [model.index(row).data() for row in range(model.rowCount())]
    assert texts == [item.text for item in sample_editor.retro.parking_lot]
    assert not model.flags(model.index(0)) & Qt.ItemFlag.ItemIsEditable

    sample_editor.add(ParkingItem("Status page wording for payment incidents"))
    assert model.index(model.rowCount() - 1).data() == "Status page wording for payment incidents"
