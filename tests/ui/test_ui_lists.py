"""Lists of texts: the learnings page and the parking-lot panel (add, edit in place, delete)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from retro_desk.editor import SessionEditor
from retro_desk.model import ParkingItem
from retro_desk.ui.pages.list_page import LearningsPage, TextListPanel
from retro_desk.ui.pages.page import PageContext

SAMPLE_LEARNINGS = 5
SAMPLE_PARKING = 3


def show_active(qtbot, widget: QWidget) -> None:
    widget.resize(900, 600)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)


@pytest.fixture
def page(qtbot, sample_editor: SessionEditor) -> LearningsPage:
    page = LearningsPage(PageContext())
    qtbot.addWidget(page)
    page.set_editor(sample_editor)
    sample_editor.listeners.append(page.on_change)
    show_active(qtbot, page)
    page.focus_entry()
    return page


@pytest.fixture
def parking(qtbot, sample_editor: SessionEditor) -> TextListPanel:
    panel = TextListPanel(PageContext(), ParkingItem, "parking_lot", "Park a topic…")
    qtbot.addWidget(panel)
    panel.set_editor(sample_editor)
    sample_editor.listeners.append(panel.on_change)
    show_active(qtbot, panel)
    panel.focus_entry()
    return panel


def stored_learnings(editor: SessionEditor) -> list[str]:
    return [item.text for item in editor.store.load_retro(editor.session_id).learnings]


def shown(panel: TextListPanel) -> list[str]:
    model = panel.model
    return [model.index(row).data() for row in range(model.rowCount())]


def select_row(qtbot, panel: TextListPanel, row: int) -> None:
    rect = panel.view.visualRect(panel.model.index(row))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_enter_adds_a_learning(qtbot, page, sample_editor) -> None:
    assert page.panel.entry.hasFocus()
    qtbot.keyClicks(page.panel.entry, "  Runbooks age faster than code  ")
    qtbot.keyClick(page.panel.entry, Qt.Key.Key_Return)

    assert stored_learnings(sample_editor)[-1] == "Runbooks age faster than code"
    assert shown(page.panel)[-1] == "Runbooks age faster than code"
    assert page.panel.entry.text() == ""


def test_enter_on_an_empty_line_adds_nothing(qtbot, page, sample_editor) -> None:
    qtbot.keyClicks(page.panel.entry, "   ")
    qtbot.keyClick(page.panel.entry, Qt.Key.Key_Return)
    assert len(stored_learnings(sample_editor)) == SAMPLE_LEARNINGS
    assert len(shown(page.panel)) == SAMPLE_LEARNINGS


def test_f2_edits_in_place_and_undo_restores(qtbot, page, sample_editor) -> None:
    select_row(qtbot, page.panel, 1)
    qtbot.keyClick(page.panel.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Change markers miss config pushes")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The view commits an in-place edit from the event loop, just after the key.
    qtbot.waitUntil(lambda: not isinstance(QApplication.focusWidget(), QLineEdit))

    assert stored_learnings(sample_editor)[1] == "Change markers miss config pushes"
    assert shown(page.panel)[1] == "Change markers miss config pushes"

    sample_editor.undo_stack.undo()
    assert stored_learnings(sample_editor)[1].startswith('"What changed?"')
    assert shown(page.panel)[1].startswith('"What changed?"')
    sample_editor.undo_stack.redo()
    assert shown(page.panel)[1] == "Change markers miss config pushes"


def test_an_emptied_edit_keeps_the_old_text(qtbot, page, sample_editor) -> None:
    before = stored_learnings(sample_editor)
    select_row(qtbot, page.panel, 0)
    qtbot.keyClick(page.panel.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.clear()
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not isinstance(QApplication.focusWidget(), QLineEdit))
    assert stored_learnings(sample_editor) == before
    assert shown(page.panel) == before
    assert not sample_editor.undo_stack.can_undo()


def test_delete_removes_the_selected_learning_and_undo_puts_it_back(qtbot, page, sample_editor):
    before = stored_learnings(sample_editor)
    select_row(qtbot, page.panel, 2)
    qtbot.keyClick(page.panel.view, Qt.Key.Key_Delete)

    assert stored_learnings(sample_editor) == before[:2] + before[3:]
    assert shown(page.panel) == before[:2] + before[3:]

    sample_editor.undo_stack.undo()
    assert stored_learnings(sample_editor) == before
    assert shown(page.panel) == before
    sample_editor.undo_stack.redo()
    assert shown(page.panel) == before[:2] + before[3:]


def test_delete_without_a_selection_does_nothing(qtbot, page, sample_editor) -> None:
    page.panel.view.setFocus()
    qtbot.keyClick(page.panel.view, Qt.Key.Key_Delete)
    assert len(stored_learnings(sample_editor)) == SAMPLE_LEARNINGS


def test_learnings_model_passes_the_model_tester(qtmodeltester, page) -> None:
    qtmodeltester.check(page.panel.model)
    item = page.panel.model.index(0).data(Qt.ItemDataRole.UserRole)
    assert item.text.startswith("Two changes")
    assert page.panel.model.rowCount(page.panel.model.index(0)) == 0
    assert page.panel.model.rowCount(QModelIndex()) == SAMPLE_LEARNINGS


def test_parking_lot_panel_adds_and_deletes_parking_items(qtbot, parking, sample_editor):
    qtbot.keyClicks(parking.entry, "Deep dive: keep-alive settings")
    qtbot.keyClick(parking.entry, Qt.Key.Key_Return)

    texts = [p.text for p in sample_editor.store.load_retro(sample_editor.session_id).parking_lot]
    assert len(texts) == SAMPLE_PARKING + 1
    assert texts[-1] == "Deep dive: keep-alive settings"
    assert shown(parking)[-1] == "Deep dive: keep-alive settings"
    # Learnings are another list: the parking lot panel does not show them.
    assert not any("Two changes" in text for text in shown(parking))

    select_row(qtbot, parking, SAMPLE_PARKING)
    qtbot.keyClick(parking.view, Qt.Key.Key_Delete)
    stored = sample_editor.store.load_retro(sample_editor.session_id).parking_lot
    assert len(stored) == SAMPLE_PARKING
    assert len(shown(parking)) == SAMPLE_PARKING

    sample_editor.undo_stack.undo()
    assert shown(parking)[-1] == "Deep dive: keep-alive settings"


def test_parking_lot_panel_follows_edits_made_elsewhere(qtmodeltester, parking, sample_editor):
    first = sample_editor.retro.parking_lot[0]
    sample_editor.update(first, text="Apology vouchers for affected customers")
    assert shown(parking)[0] == "Apology vouchers for affected customers"
    qtmodeltester.check(parking.model)
