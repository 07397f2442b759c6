"""The feelings round page: speakers, chips, the quick-entry line, attribution, tally, entries."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from retro_desk.editor import SessionEditor
from retro_desk.model import Feeling
from retro_desk.ui.pages.feelings_page import EMPTY_HINT, FeelingsPage
from retro_desk.ui.pages.page import PageContext
from tests.ui.conftest import show_page

SAMPLE_FEELINGS = 8


@pytest.fixture
def page(qtbot, sample_editor: SessionEditor) -> FeelingsPage:
    page = show_page(qtbot, FeelingsPage(PageContext()), sample_editor)
    assert isinstance(page, FeelingsPage)
    return page


def stored(editor: SessionEditor) -> list[Feeling]:
    return editor.store.load_retro(editor.session_id).feelings


def entry_texts(page: FeelingsPage) -> list[str]:
    return [page.entries.item(row).text() for row in range(page.entries.count())]


def test_focus_starts_in_the_word_line_and_the_first_speaker_is_anonymous(page) -> None:
    assert page.words.hasFocus()
    assert page.speaker_label(for_audience=True) == "Now speaking: participant 1 of 6"
    assert not page.attribute.isChecked()


def test_entry_is_unattributed_by_default_and_the_speaker_moves_on(qtbot, page, sample_editor):
    qtbot.keyClicks(page.words, "anxious, Tired , anxious, , hungry")
    qtbot.keyClicks(page.note, "Slept badly")
    qtbot.keyClick(page.note, Qt.Key.Key_Return)

    feelings = stored(sample_editor)
    assert len(feelings) == SAMPLE_FEELINGS + 1
    new = feelings[-1]
    assert new.words == ["anxious", "tired", "hungry"]
    assert new.note == "Slept badly"
    assert new.participant is None
    assert new.blame_feeling is False
    assert entry_texts(page)[0] == "anxious, tired, hungry\nSlept badly"
    assert "Zoë" not in page.speaker.text()
    assert page.speaker_label(for_audience=True) == "Now speaking: participant 2 of 6"
    assert (page.words.text(), page.note.text()) == ("", "")
    assert page.words.hasFocus()


def test_attributed_entry_stores_the_speaker_and_shows_the_name(qtbot, page, sample_editor):
    qtbot.keyClick(page.words, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(page.words, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert page.speaker_label(for_audience=True) == "Now speaking: participant 3 of 6"

    qtbot.mouseClick(page.attribute, Qt.MouseButton.LeftButton)
    assert page.speaker.text() == "Now speaking: Amara Okafor (3 of 6)"
    # Attributed: the room may see the name too.
    assert page.speaker_label(for_audience=True) == "Now speaking: Amara Okafor (3 of 6)"

    qtbot.mouseClick(page.chips["relieved"], Qt.MouseButton.LeftButton)
    qtbot.keyClick(page.words, Qt.Key.Key_Return)

    new = stored(sample_editor)[-1]
    assert (new.words, new.participant) == (["relieved"], "p3")
    assert entry_texts(page)[0] == "relieved — Amara Okafor"
    # Attribution is per entry: the next person starts anonymous again.
    assert not page.attribute.isChecked()
    assert not page.chips["relieved"].isChecked()
    assert page.speaker_label(for_audience=True) == "Now speaking: participant 4 of 6"


def test_blame_word_marks_a_blame_feeling_and_the_tally_counts_it(qtbot, page, sample_editor):
    core_before, blame_before = page.tally.counts()
    assert ("vindicated", 1) in blame_before

    qtbot.mouseClick(page.chips["vindicated"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.words, "Smug, anxious")
    qtbot.keyClick(page.words, Qt.Key.Key_Return)

    new = stored(sample_editor)[-1]
    assert new.words == ["vindicated", "smug", "anxious"]
    assert new.blame_feeling is True
    core, blame = page.tally.counts()
    assert blame[0] == ("vindicated", 2)
    assert ("smug", 1) in blame
    assert core[0] == ("anxious", 2)
    assert "Blame feelings: vindicated 2" in page.tally.accessibleDescription()


def test_enter_with_nothing_picked_only_shows_a_hint(qtbot, page, sample_editor) -> None:
    qtbot.keyClicks(page.words, " , ")
    qtbot.keyClick(page.words, Qt.Key.Key_Return)

    assert page.hint.text() == EMPTY_HINT
    assert len(stored(sample_editor)) == SAMPLE_FEELINGS
    assert page.speaker_label(for_audience=True) == "Now speaking: participant 1 of 6"
    qtbot.keyClicks(page.words, "calm")
    assert page.hint.text() == ""


def test_previous_speaker_wraps_round_to_the_last(qtbot, page) -> None:
    qtbot.keyClick(page.words, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert page.speaker_label(for_audience=True) == "Now speaking: participant 6 of 6"
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    assert page.speaker_label(for_audience=True) == "Now speaking: participant 1 of 6"


def test_chips_explain_their_word_and_are_grouped(page) -> None:
    assert page.chips["vindicated"].toolTip().startswith("Proven right")
    assert page.chips["vindicated"].property("group") == "blame"
    assert page.chips["anxious"].property("group") == "core"


def test_completion_picks_the_word_being_typed(qtbot, page, sample_editor) -> None:
    qtbot.keyClicks(page.words, "tired, anx")
    popup = page.words.completer().popup()
    assert popup.isVisible()
    # While the list is open, the keys go to it, as they do on a real screen.
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    assert page.words.text() == "tired, anxious"
    qtbot.keyClick(popup, Qt.Key.Key_Return)

    assert stored(sample_editor)[-1].words == ["tired", "anxious"]
    assert page.words.text() == ""
    assert not popup.isVisible()


def test_entries_are_most_recent_first_and_show_names_only_when_attributed(page) -> None:
    texts = entry_texts(page)
    assert len(texts) == SAMPLE_FEELINGS
    assert texts[0].startswith("curious, confused\n")
    assert texts[-1].startswith("anxious, tired\n")
    assert [t for t in texts if "Jonas Berger" in t] == [
        "overwhelmed — Jonas Berger\nSupport had 160 tickets and nothing we could tell customers"
        " for twenty minutes."
    ]


def test_delete_removes_the_selected_entry_and_undo_redo_bring_it_back(qtbot, page, sample_editor):
    rect = page.entries.visualItemRect(page.entries.item(0))
    qtbot.mouseClick(page.entries.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(page.entries, Qt.Key.Key_Delete)

    assert len(stored(sample_editor)) == SAMPLE_FEELINGS - 1
    assert page.entries.count() == SAMPLE_FEELINGS - 1
    assert not entry_texts(page)[0].startswith("curious, confused")
    assert ("curious", 1) not in page.tally.counts()[0]

    sample_editor.undo_stack.undo()
    assert stored(sample_editor)[-1].words == ["curious", "confused"]
    assert entry_texts(page)[0].startswith("curious, confused")
    assert ("curious", 1) in page.tally.counts()[0]

    sample_editor.undo_stack.redo()
    assert len(stored(sample_editor)) == SAMPLE_FEELINGS - 1
    assert page.entries.count() == SAMPLE_FEELINGS - 1


def test_undo_and_redo_of_a_recorded_entry(qtbot, page, sample_editor) -> None:
    qtbot.keyClicks(page.words, "numb")
    qtbot.keyClick(page.words, Qt.Key.Key_Return)
    assert ("numb", 1) in page.tally.counts()[0]

    sample_editor.undo_stack.undo()
    assert len(stored(sample_editor)) == SAMPLE_FEELINGS
    assert ("numb", 1) not in page.tally.counts()[0]
    assert not any(text.startswith("numb") for text in entry_texts(page))

    sample_editor.undo_stack.redo()
    assert stored(sample_editor)[-1].words == ["numb"]
    assert entry_texts(page)[0] == "numb"


def test_the_facilitator_sees_the_speakers_name_and_the_room_a_position(qtbot, page) -> None:
    """Issue 12, point 8: the facilitator's own window named no one ("participant 2 of 6")."""
    qtbot.keyClick(page.words, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert page.speaker.text() == "Now speaking: Łukasz Nowicki (2 of 6)"
    assert page.speaker_label(for_audience=True) == "Now speaking: participant 2 of 6"
    assert page.context.live.speaker_key() == "p2"
