"""The timeline page: quick-add, keys on the table, in-place edits, and the model's rows."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from retro_desk.editor import SessionEditor
from retro_desk.model import Event
from retro_desk.timefmt import sort_key
from retro_desk.ui.pages.page import PageContext
from retro_desk.ui.pages.timeline_model import (
    DECISION,
    DECISION_MARK,
    DESCRIPTION,
    LEARNED,
    LEARNED_LATER_MARK,
    SOURCE,
    TIME,
    TimelineModel,
)
from retro_desk.ui.pages.timeline_page import EntryError, TimelinePage, parse_entry

# Qt warnings fail a test; the offscreen platform's one harmless notice is the exception.
pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def stored(editor: SessionEditor) -> dict[str, Event]:
    timeline = editor.store.load_retro(editor.session_id).timeline
    return {event.key: event for event in timeline}


def stored_by_description(editor: SessionEditor, description: str) -> Event:
    matches = [e for e in stored(editor).values() if e.description == description]
    assert len(matches) == 1, matches
    return matches[0]


def shown_descriptions(model: TimelineModel) -> list[str]:
    return [model.index(row, DESCRIPTION).data() for row in range(model.rowCount())]


@pytest.fixture
def page(qtbot: QtBot, sample_editor: SessionEditor) -> TimelinePage:
    page = TimelinePage(PageContext())
    qtbot.addWidget(page)
    # The main window forwards every change to its pages; here the test does.
    sample_editor.listeners.append(page.on_change)
    page.set_editor(sample_editor)
    page.resize(900, 600)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    page.focus_entry()
    qtbot.waitUntil(page.entry.hasFocus)
    return page


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type like a keyboard does; QTest asserts on characters outside ASCII, so those are sent
    as the key events a keyboard layout produces for them."""
    for character in text:
        if character.isascii():
            qtbot.keyClicks(widget, character)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            key = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, character)
            QApplication.sendEvent(widget, key)


def add_line(qtbot: QtBot, page: TimelinePage, text: str) -> None:
    type_text(qtbot, page.entry, text)
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)


# -- quick-add ---------------------------------------------------------------------------


def test_focus_starts_in_the_quick_add_line(page: TimelinePage) -> None:
    assert page.entry.hasFocus()
    assert "14:32" in page.hint.text()


def test_a_clock_time_with_an_actor_is_added_in_time_order(
    qtbot: QtBot, page: TimelinePage, sample_editor: SessionEditor
) -> None:
    add_line(qtbot, page, "14:33 Zoë: rolled back the config")

    event = stored_by_description(sample_editor, "rolled back the config")
    assert event.at == "2026-11-20T14:33:00+01:00"
    assert event.actor == "Zoë"
    assert event.key == "e31"
    assert len(stored(sample_editor)) == 31
    # Between 14:32 (row 5) and 14:36: row 6, shown and selected, the line ready for the next.
    model = page.model
    assert model.index(6, DESCRIPTION).data() == "rolled back the config"
    assert model.index(6, TIME).data() == "14:33:00"
    assert model.index(6, 1).data() == "Zoë"
    assert page.table.currentIndex().row() == 6
    assert page.entry.text() == ""
    assert page.entry.hasFocus()
    assert not page.message.isVisible()


@pytest.mark.parametrize(
    ("typed", "at"),
    [
        ("14:32:10", "2026-11-20T14:32:10+01:00"),
        ("+5m", "2026-11-20T17:05:00+01:00"),
        ("+30s", "2026-11-20T17:00:30+01:00"),
        ("+1h", "2026-11-20T18:00:00+01:00"),
        ("2026-11-20T08:15", "2026-11-20T08:15:00+01:00"),
        ("2026-11-20T07:15:00Z", "2026-11-20T07:15:00+00:00"),
    ],
)
def test_every_time_form_lands_at_the_right_instant_and_row(
    qtbot: QtBot, page: TimelinePage, sample_editor: SessionEditor, typed: str, at: str
) -> None:
    add_line(qtbot, page, f"{typed} something happened")

    event = stored_by_description(sample_editor, "something happened")
    assert event.at == at
    assert event.actor == ""
    # Relative times count from the last event (17:00); the row follows the instant.
    row = page.model.row_of(event)
    assert row is not None
    assert page.table.currentIndex().row() == row
    times = [page.model.event_at(r).at for r in range(page.model.rowCount())]
    assert [sort_key(t) for t in times] == sorted(sort_key(t) for t in times)


def test_an_earlier_event_appears_at_the_top(
    qtbot: QtBot, page: TimelinePage, sample_editor: SessionEditor
) -> None:
    add_line(qtbot, page, "08:15 Łukasz Nowicki: opens SEC-482 for review")

    assert shown_descriptions(page.model)[0] == "opens SEC-482 for review"
    assert page.model.index(0, TIME).data() == "08:15:00"
    assert stored_by_description(sample_editor, "opens SEC-482 for review").actor == (
        "Łukasz Nowicki"
    )


@pytest.mark.parametrize(
    ("typed", "actor", "description"),
    [
        ("14:32 Zoë: rolled back", "Zoë", "rolled back"),
        ("14:32 Zoë Hartmann, Amara Okafor: roll back 4.31", "Zoë Hartmann, Amara Okafor",
         "roll back 4.31"),
        ("14:32 rolled back", "", "rolled back"),
        ("14:32 3: retries failed", "", "3: retries failed"),
        ("14:32 Zoë:no space after the colon", "", "Zoë:no space after the colon"),
        ("14:32 Grafana: alert: error rate > 5%", "Grafana", "alert: error rate > 5%"),
        ("14:32 see https://status.example.com for details", "",
         "see https://status.example.com for details"),
        (f"14:32 {'a very long opening clause of the sentence'}: then more", "",
         "a very long opening clause of the sentence: then more"),
    ],
)
def test_the_actor_is_the_short_part_before_the_first_colon(
    typed: str, actor: str, description: str
) -> None:
    entry = parse_entry(typed, "Europe/Berlin", "2026-11-20", None)
    assert (entry.actor, entry.description) == (actor, description)
    assert entry.at == "2026-11-20T14:32:00+01:00"


def test_relative_time_needs_an_earlier_event() -> None:
    with pytest.raises(EntryError, match="earlier event"):
        parse_entry("+5m first thing", "Europe/Berlin", "2026-11-20", None)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("25:99 Zoë: rolled back", "not a time of day"),
        ("rolled back the config", "Start with a time"),
        ("14:32", "write what happened"),
    ],
)
def test_a_bad_line_is_refused_with_a_message_and_kept(
    qtbot: QtBot, page: TimelinePage, sample_editor: SessionEditor, typed: str, says: str
) -> None:
    add_line(qtbot, page, typed)

    assert page.message.isVisible()
    assert says in page.message.text()
    assert page.entry.text() == typed
    assert page.model.rowCount() == 30
    assert len(stored(sample_editor)) == 30
    assert sample_editor.undo_stack.can_undo() is False

    qtbot.keyClick(page.entry, Qt.Key.Key_Backspace)
    assert not page.message.isVisible()


def test_ctrl_d_and_ctrl_shift_l_in_the_line_mark_the_new_event(
    qtbot: QtBot, page: TimelinePage, sample_editor: SessionEditor
) -> None:
    type_text(qtbot, page.entry, "14:50 Amara Okafor: proposes reverting SEC-482")
    qtbot.keyClick(page.entry, Qt.Key.Key_D, CTRL)
    qtbot.keyClick(page.entry, Qt.Key.Key_L, CTRL_SHIFT)
    assert page.decision_box.isChecked()
    assert page.learned_box.isChecked()
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)

    event = stored_by_description(sample_editor, "proposes reverting SEC-482")
    assert event.decision_point and event.learned_later
    row = page.model.row_of(event)
    assert row is not None
    font = page.model.index(row, DESCRIPTION).data(Qt.ItemDataRole.FontRole)
    assert font.bold() and font.italic()
    assert page.model.index(row, DECISION).data() == DECISION_MARK
    assert page.model.index(row, LEARNED).data() == LEARNED_LATER_MARK
    # The toggles are for one event at a time.
    assert not page.decision_box.isChecked()
    assert not page.learned_box.isChecked()


# -- keys on the table -------------------------------------------------------------------


def focus_row(qtbot: QtBot, page: TimelinePage, row: int, column: int = DESCRIPTION) -> None:
    page.table.setFocus()
    qtbot.waitUntil(page.table.hasFocus)
    page.table.setCurrentIndex(page.model.index(row, column))


def test_ctrl_d_on_a_row_toggles_its_decision_point(
    qtbot: QtBot, page: TimelinePage, sample_editor: SessionEditor
) -> None:
    focus_row(qtbot, page, 1)
    qtbot.keyClick(page.table, Qt.Key.Key_D, CTRL)

    assert stored(sample_editor)["e2"].decision_point is True
    checked = page.model.index(1, DECISION).data(Qt.ItemDataRole.CheckStateRole)
    assert checked == Qt.CheckState.Checked
    assert page.model.index(1, DESCRIPTION).data(Qt.ItemDataRole.FontRole).bold()

    qtbot.keyClick(page.table, Qt.Key.Key_D, CTRL)
    assert stored(sample_editor)["e2"].decision_point is False
    assert page.model.index(1, DESCRIPTION).data(Qt.ItemDataRole.FontRole) is None


def test_ctrl_shift_l_on_a_row_marks_it_learned_later(
    qtbot: QtBot, page: TimelinePage, sample_editor: SessionEditor
) -> None:
    focus_row(qtbot, page, 2)
    qtbot.keyClick(page.table, Qt.Key.Key_L, CTRL_SHIFT)

    assert stored(sample_editor)["e3"].learned_later is True
    assert page.model.index(2, DESCRIPTION).data(Qt.ItemDataRole.FontRole).italic()
    assert page.model.index(2, LEARNED).data() == LEARNED_LATER_MARK


def test_delete_removes_the_selected_event_and_undo_brings_it_back(
    qtbot: QtBot, page: TimelinePage, sample_editor: SessionEditor
) -> None:
    focus_row(qtbot, page, 2)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)

    assert "e3" not in stored(sample_editor)
    assert page.model.rowCount() == 29
    assert page.model.event_at(2).key == "e4"
    # The next row is selected, so Delete can go on.
    assert page.table.currentIndex().row() == 2

    sample_editor.undo_stack.undo()
    assert "e3" in stored(sample_editor)
    assert page.model.rowCount() == 30
    assert page.model.event_at(2).key == "e3"


def test_delete_with_several_rows_selected_removes_them_all(
    qtbot: QtBot, page: TimelinePage, sample_editor: SessionEditor
) -> None:
    focus_row(qtbot, page, 3)
    qtbot.keyClick(page.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)

    assert {"e4", "e5"}.isdisjoint(stored(sample_editor))
    assert page.model.rowCount() == 28


def commit_in_place(qtbot: QtBot, page: TimelinePage, editor: QWidget) -> None:
    # The delegate commits on Return from the event loop, after the editor has seen the key.
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.table.state() != QAbstractItemView.State.EditingState)


def test_f2_edits_the_description_in_place(
    qtbot: QtBot, page: TimelinePage, sample_editor: SessionEditor
) -> None:
    focus_row(qtbot, page, 1)
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Pushes SEC-482 to all pods")
    commit_in_place(qtbot, page, editor)

    assert stored(sample_editor)["e2"].description == "Pushes SEC-482 to all pods"
    assert page.model.index(1, DESCRIPTION).data() == "Pushes SEC-482 to all pods"
    sample_editor.undo_stack.undo()
    assert page.model.index(1, DESCRIPTION).data().startswith("Pushes SEC-482 to all 48")


def test_enter_and_double_click_open_the_in_place_editor(
    qtbot: QtBot, page: TimelinePage
) -> None:
    focus_row(qtbot, page, 4)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.table.state() == QAbstractItemView.State.EditingState
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert page.table.state() != QAbstractItemView.State.EditingState

    # A double click is a click, then a second press that Qt reports as the double click.
    cell = page.table.visualRect(page.model.index(0, DESCRIPTION)).center()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert page.table.state() == QAbstractItemView.State.EditingState


def test_editing_the_time_moves_the_row(
    qtbot: QtBot, page: TimelinePage, sample_editor: SessionEditor
) -> None:
    focus_row(qtbot, page, 1, TIME)
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    assert editor.text() == "10:05:00"
    editor.selectAll()
    qtbot.keyClicks(editor, "14:35")
    commit_in_place(qtbot, page, editor)

    assert stored(sample_editor)["e2"].at == "2026-11-20T14:35:00+01:00"
    # 14:35 sits between 14:32 and 14:36; the edited row moves there and stays current.
    assert page.model.event_at(5).key == "e2"
    assert page.model.index(5, TIME).data() == "14:35:00"
    assert page.table.currentIndex().row() == 5


def test_a_bad_time_in_place_is_refused_with_a_message(
    qtbot: QtBot, page: TimelinePage, sample_editor: SessionEditor
) -> None:
    index = page.model.index(1, TIME)
    with qtbot.waitSignal(page.model.editRefused) as refused:
        assert page.model.setData(index, "99:00") is False

    assert "not a time of day" in refused.args[0]
    assert page.message.isVisible()
    assert "99:00" in page.message.text()
    assert stored(sample_editor)["e2"].at == "2026-11-20T10:05:00+01:00"


def test_an_empty_description_in_place_is_refused(
    page: TimelinePage, sample_editor: SessionEditor
) -> None:
    assert page.model.setData(page.model.index(1, DESCRIPTION), "   ") is False
    assert stored(sample_editor)["e2"].description.startswith("Pushes SEC-482")
    assert page.message.isVisible()


# -- the model ---------------------------------------------------------------------------


@pytest.fixture
def model(sample_editor: SessionEditor) -> TimelineModel:
    model = TimelineModel(lambda event, changes: sample_editor.update(event, **changes))
    sample_editor.listeners.append(model.on_change)
    model.set_editor(sample_editor)
    return model


def test_the_model_follows_the_qt_rules_with_the_sample(
    qtmodeltester: ModelTester, model: TimelineModel
) -> None:
    qtmodeltester.check(model)


def test_the_model_follows_the_qt_rules_through_inserts_moves_and_removes(
    qtmodeltester: ModelTester, model: TimelineModel, sample_editor: SessionEditor
) -> None:
    qtmodeltester.check(model)
    first = sample_editor.add(Event(key="", at="2026-11-20T08:00:00+01:00", description="first"))
    last = sample_editor.add(Event(key="", at="2026-11-20T18:00:00+01:00", description="last"))
    middle = sample_editor.add(Event(key="", at="2026-11-20T14:33:00+01:00", description="mid"))
    assert [model.row_of(e) for e in (first, middle, last)] == [0, 7, 32]
    sample_editor.update(middle, at="2026-11-20T09:00:00+01:00")
    assert model.row_of(middle) == 1
    sample_editor.update(first, at="2026-11-20T19:00:00+01:00")
    assert model.row_of(first) == 32
    sample_editor.delete(last)
    sample_editor.delete(stored(sample_editor)["e1"])
    assert model.rowCount() == 31
    qtmodeltester.check(model)


def test_inserts_removes_and_updates_never_reset_the_model(
    qtbot: QtBot, model: TimelineModel, sample_editor: SessionEditor
) -> None:
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsInserted) as added:
        event = sample_editor.add(
            Event(key="", at="2026-11-20T14:40:00+01:00", description="added")
        )
    assert added.args[1:] == [8, 8]
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsMoved):
        event = sample_editor.update(event, at="2026-11-20T09:00:00+01:00")
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        event = sample_editor.update(event, description="changed")
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsRemoved) as gone:
        sample_editor.delete(event)
    assert gone.args[1:] == [0, 0]


def test_the_model_gives_the_event_and_its_marks(model: TimelineModel) -> None:
    event = model.index(4, 0).data(Qt.ItemDataRole.UserRole)
    assert isinstance(event, Event) and event.key == "e5"
    assert model.index(4, DESCRIPTION).data(Qt.ItemDataRole.FontRole).italic()
    assert "Learned later" in model.index(4, DESCRIPTION).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, DESCRIPTION).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(0, TIME).data(Qt.ItemDataRole.ToolTipRole) == "2026-11-20 09:40:00 +01:00"
    # The flag columns are headed by their marks, and named to a screen reader.
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)] == [
        "Time", "Actor", "Description", "Source", "◆", "△"
    ]
    assert [model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.AccessibleTextRole)
            for c in range(6)] == [
        "Time", "Actor", "Description", "Source", "Decision point", "Learned later"
    ]


def test_the_date_appears_once_the_timeline_spans_two_days(
    qtbot: QtBot, model: TimelineModel, sample_editor: SessionEditor
) -> None:
    assert model.index(0, TIME).data() == "09:40:00"
    with qtbot.waitSignal(model.dataChanged) as changed:
        added = sample_editor.add(
            Event(key="", at="2026-11-21T09:00:00+01:00", description="follow-up review")
        )
    assert changed.args[0].column() == TIME and changed.args[1].row() == 30
    assert model.index(0, TIME).data() == "2026-11-20 09:40:00"
    assert model.index(30, TIME).data() == "2026-11-21 09:00:00"

    sample_editor.delete(added)
    assert model.index(0, TIME).data() == "09:40:00"


def test_empty_cells_do_not_use_up_references_to_none(model: TimelineModel) -> None:
    # Through C++ (index.data), as a view asks; PySide6 6.12 on Python 3.11 lost one each time.
    index = model.index(1, DESCRIPTION)
    before = sys.getrefcount(None)
    for _ in range(500):
        assert index.data(Qt.ItemDataRole.FontRole) is None
        assert model.index(1, SOURCE).data(Qt.ItemDataRole.DecorationRole) is None
    assert sys.getrefcount(None) >= before
