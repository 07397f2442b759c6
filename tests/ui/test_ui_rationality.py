"""The rationality page: decision points, question cards, answers stored and undone."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from retro_desk.editor import SessionEditor
from retro_desk.export import session_file
from retro_desk.model import CATEGORIES
from retro_desk.paths import resource
from retro_desk.storage import Store
from retro_desk.ui.page import PageContext
from retro_desk.ui.rationality_page import EMPTY_HINT, EXTERNAL_NOTE, RationalityPage

# Qt warnings fail a test; the offscreen platform's one harmless notice is the exception.
pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]

CTRL = Qt.KeyboardModifier.ControlModifier
# The sample's decision points in time order.
DECISION_KEYS = ["e1", "e9", "e11", "e18", "e21", "e26"]


def stored_answers(editor: SessionEditor, event: str) -> dict[str, str]:
    return editor.store.load_retro(editor.session_id).answers_for(event)


def open_page(qtbot: QtBot, editor: SessionEditor) -> RationalityPage:
    page = RationalityPage(PageContext())
    qtbot.addWidget(page)
    # The main window forwards every change to its pages; here the test does.
    editor.listeners.append(page.on_change)
    page.set_editor(editor)
    page.resize(900, 600)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    page.focus_entry()
    return page


def editor_for(store: Store, **changes: object) -> SessionEditor:
    """A copy of the sample retro with session fields changed, as its own retro."""
    retro = session_file.read_file(resource("sample_retro.json"))
    session = dataclasses.replace(retro.session, uuid=str(uuid.uuid4()), **changes)
    return SessionEditor(store, store.create_retro(dataclasses.replace(retro, session=session)))


@pytest.fixture
def page(qtbot: QtBot, sample_editor: SessionEditor) -> RationalityPage:
    page = open_page(qtbot, sample_editor)
    qtbot.waitUntil(page.cards["cues"].answer.hasFocus)
    return page


def answer_field(page: RationalityPage, category: str) -> QPlainTextEdit:
    return page.cards[category].answer


def focus_card(qtbot: QtBot, page: RationalityPage, category: str) -> None:
    field = answer_field(page, category)
    qtbot.mouseClick(field.viewport(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(field.hasFocus)


def test_decision_points_are_listed_in_time_order_and_the_first_is_shown(
    page: RationalityPage, sample_editor: SessionEditor
) -> None:
    keys = [
        page.decisions.item(row).data(Qt.ItemDataRole.UserRole)
        for row in range(page.decisions.count())
    ]
    assert keys == DECISION_KEYS
    assert page.decisions.item(0).text().startswith("09:40 · Łukasz Nowicki\nMerges SEC-482")
    assert page.current_event() is not None and page.current_event().key == "e1"
    assert page.event_heading.text() == "Decision point 1 of 6 · 09:40 · Łukasz Nowicki"
    assert page.event_text.text().startswith("Merges SEC-482")
    stored = stored_answers(sample_editor, "e1")
    assert answer_field(page, "cues").toPlainText() == stored["cues"]
    assert answer_field(page, "options").toPlainText() == ""
    assert not page.external_note.isVisible()


def test_cards_follow_the_category_order_with_own_wording(page: RationalityPage) -> None:
    assert list(page.cards) == list(CATEGORIES)
    assert page.cards["normal_work"].title.text() == "Normal work"
    assert "What did you see or hear" in page.cards["cues"].questions.text()
    assert "people responding" not in page.cards["cues"].questions.text()


def test_an_answer_typed_is_stored_when_the_field_is_left(
    qtbot: QtBot, page: RationalityPage, sample_editor: SessionEditor
) -> None:
    focus_card(qtbot, page, "options")
    qtbot.keyClicks(answer_field(page, "options"), "Revert, or add G3 to the bundle")
    assert "options" not in stored_answers(sample_editor, "e1")

    qtbot.keyClick(answer_field(page, "options"), Qt.Key.Key_Tab)

    assert answer_field(page, "normal_work").hasFocus()
    assert page.current_category() == "normal_work"
    assert stored_answers(sample_editor, "e1")["options"] == "Revert, or add G3 to the bundle"
    assert answer_field(page, "options").toPlainText() == "Revert, or add G3 to the bundle"


def test_undo_puts_the_stored_answer_back_in_the_field(
    qtbot: QtBot, page: RationalityPage, sample_editor: SessionEditor
) -> None:
    before = stored_answers(sample_editor, "e1")["goals"]
    focus_card(qtbot, page, "goals")
    qtbot.keyClick(answer_field(page, "goals"), Qt.Key.Key_End, CTRL)
    qtbot.keyClicks(answer_field(page, "goals"), " And ship before the freeze.")
    page.commit_pending()
    assert stored_answers(sample_editor, "e1")["goals"] == before + " And ship before the freeze."

    sample_editor.undo_stack.undo()

    assert stored_answers(sample_editor, "e1")["goals"] == before
    assert answer_field(page, "goals").toPlainText() == before


def test_emptying_an_answer_removes_it(
    qtbot: QtBot, page: RationalityPage, sample_editor: SessionEditor
) -> None:
    focus_card(qtbot, page, "tools")
    answer_field(page, "tools").selectAll()
    qtbot.keyClick(answer_field(page, "tools"), Qt.Key.Key_Delete)
    page.commit_pending()

    assert "tools" not in stored_answers(sample_editor, "e1")


def test_typing_starts_the_idle_timer_and_its_timeout_stores(
    qtbot: QtBot, page: RationalityPage, sample_editor: SessionEditor
) -> None:
    focus_card(qtbot, page, "help")
    qtbot.keyClicks(answer_field(page, "help"), "Asked in #platform")
    assert page._idle.isActive()

    page._idle.timeout.emit()

    assert stored_answers(sample_editor, "e1")["help"] == "Asked in #platform"
    assert answer_field(page, "help").hasFocus()


def test_ctrl_down_and_up_move_between_decision_points_storing_first(
    qtbot: QtBot, page: RationalityPage, sample_editor: SessionEditor
) -> None:
    focus_card(qtbot, page, "attention")
    qtbot.keyClicks(answer_field(page, "attention"), "The CA migration thread")

    qtbot.keyClick(answer_field(page, "attention"), Qt.Key.Key_Down, CTRL)

    assert stored_answers(sample_editor, "e1")["attention"] == "The CA migration thread"
    assert page.current_event() is not None and page.current_event().key == "e9"
    assert page.decisions.currentRow() == 1
    assert page.event_heading.text().startswith("Decision point 2 of 6 · 14:41")
    assert answer_field(page, "attention").toPlainText() == stored_answers(
        sample_editor, "e9"
    )["attention"]
    assert answer_field(page, "options").toPlainText() == ""
    assert answer_field(page, "attention").hasFocus()

    qtbot.keyClick(answer_field(page, "attention"), Qt.Key.Key_Up, CTRL)
    assert page.current_event() is not None and page.current_event().key == "e1"
    assert answer_field(page, "attention").toPlainText() == "The CA migration thread"


def test_ctrl_down_stops_at_the_last_decision_point(
    qtbot: QtBot, page: RationalityPage
) -> None:
    for _ in range(len(DECISION_KEYS) + 2):
        qtbot.keyClick(page.decisions, Qt.Key.Key_Down, CTRL)
    assert page.current_event() is not None and page.current_event().key == "e26"


def test_choosing_in_the_list_shows_that_decision_point(
    qtbot: QtBot, page: RationalityPage, sample_editor: SessionEditor
) -> None:
    item = page.decisions.item(4)
    rect = page.decisions.visualItemRect(item)
    qtbot.mouseClick(page.decisions.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    assert page.current_event() is not None and page.current_event().key == "e21"
    assert answer_field(page, "help").toPlainText() == stored_answers(sample_editor, "e21")["help"]


def test_focused_card_is_scrolled_into_view(qtbot: QtBot, page: RationalityPage) -> None:
    for _ in CATEGORIES[1:]:
        qtbot.keyClick(page.focusWidget(), Qt.Key.Key_Tab)
    assert answer_field(page, "help").hasFocus()
    assert page.current_category() == "help"
    assert page.cards_scroll.verticalScrollBar().value() > 0
    card = page.cards["help"]
    top = card.mapTo(page.cards_scroll.viewport(), card.rect().topLeft()).y()
    assert 0 <= top and top + card.height() <= page.cards_scroll.viewport().height()


def test_typing_in_progress_is_not_overwritten_by_a_stored_change(
    qtbot: QtBot, page: RationalityPage, sample_editor: SessionEditor
) -> None:
    focus_card(qtbot, page, "options")
    qtbot.keyClicks(answer_field(page, "options"), "typed here")
    sample_editor.set_answer("e1", "options", "stored elsewhere")
    assert answer_field(page, "options").toPlainText() == "typed here"


def test_a_new_decision_point_appears_and_the_current_one_stays(
    page: RationalityPage, sample_editor: SessionEditor
) -> None:
    e3 = next(e for e in sample_editor.retro.timeline if e.key == "e3")
    sample_editor.update(e3, decision_point=True)

    assert page.decisions.count() == 7
    assert page.decisions.item(1).data(Qt.ItemDataRole.UserRole) == "e3"
    assert page.current_event() is not None and page.current_event().key == "e1"
    assert page.event_heading.text().startswith("Decision point 1 of 7")


def test_removing_the_current_decision_point_shows_the_next(
    page: RationalityPage, sample_editor: SessionEditor
) -> None:
    e1 = next(e for e in sample_editor.retro.timeline if e.key == "e1")
    sample_editor.update(e1, decision_point=False)

    assert page.decisions.count() == 5
    assert page.current_event() is not None and page.current_event().key == "e9"

    sample_editor.undo_stack.undo()
    assert page.decisions.count() == 6


def test_external_retros_ask_about_the_people_responding(
    qtbot: QtBot, store: Store
) -> None:
    page = open_page(qtbot, editor_for(store, kind="external"))

    assert page.external_note.isVisible()
    assert page.external_note.text() == EXTERNAL_NOTE
    for card in page.cards.values():
        assert "the people responding" in card.questions.text() or "report" in (
            card.questions.text()
        )
    assert "What did the people responding see or hear" in page.cards["cues"].questions.text()


def test_without_decision_points_the_page_says_how_to_get_them(
    qtbot: QtBot, store: Store
) -> None:
    retro = session_file.read_file(resource("sample_retro.json"))
    retro.timeline = [dataclasses.replace(e, decision_point=False) for e in retro.timeline]
    editor = SessionEditor(store, store.create_retro(retro))
    page = open_page(qtbot, editor)

    assert page.empty.isVisible()
    assert page.empty.text() == EMPTY_HINT
    assert page.current_event() is None
    page.commit_pending()  # nothing to store, and no failure

    first = editor.retro.timeline[0]
    editor.update(first, decision_point=True)
    assert not page.empty.isVisible()
    assert page.current_event() is not None and page.current_event().key == first.key


def test_switching_retros_stores_typing_in_the_retro_it_belongs_to(
    qtbot: QtBot, page: RationalityPage, sample_editor: SessionEditor, store: Store
) -> None:
    focus_card(qtbot, page, "options")
    qtbot.keyClicks(answer_field(page, "options"), "for the sample")
    other = editor_for(store)

    page.set_editor(other)

    assert stored_answers(sample_editor, "e1")["options"] == "for the sample"
    assert "options" not in stored_answers(other, "e1")
    assert answer_field(page, "options").toPlainText() == ""
