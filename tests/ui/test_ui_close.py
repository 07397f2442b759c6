"""The close page: ROTI by keys and clicks, closing notes, Markdown preview and export."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

import retro_desk.export as export_module
from retro_desk.editor import SessionEditor
from retro_desk.export import markdown_text
from retro_desk.ui.close_page import ClosePage
from retro_desk.ui.page import PageContext
from tests.ui.conftest import show_page

SAMPLE_VOTES = [4, 5, 3, 4, 4]


@pytest.fixture
def page(qtbot, sample_editor: SessionEditor) -> ClosePage:
    page = show_page(qtbot, ClosePage(PageContext()), sample_editor)
    assert isinstance(page, ClosePage)
    return page


def stored_votes(editor: SessionEditor) -> list[int]:
    return editor.store.load_retro(editor.session_id).closing.roti


def stored_notes(editor: SessionEditor) -> str:
    return editor.store.load_retro(editor.session_id).closing.notes


def test_number_keys_vote_while_the_roti_area_has_focus(qtbot, page, sample_editor) -> None:
    assert page.roti.hasFocus()
    assert page.roti.counts[4].text() == "× 3"
    qtbot.keyClick(page.roti, Qt.Key.Key_2)
    qtbot.keyClick(page.roti, Qt.Key.Key_5)

    assert stored_votes(sample_editor) == [*SAMPLE_VOTES, 2, 5]
    assert page.roti.counts[2].text() == "× 1"
    assert page.roti.counts[5].text() == "× 2"
    assert page.average.text() == "Average 3.9 from 7 votes"
    assert "average 3.9 from 7 votes" in page.preview.toPlainText()


def test_number_keys_in_the_notes_are_text_not_votes(qtbot, page, sample_editor) -> None:
    page.notes.setFocus()
    qtbot.keyClicks(page.notes, " 5")
    assert stored_votes(sample_editor) == SAMPLE_VOTES
    assert page.notes.toPlainText().endswith("review. 5")


def test_clicking_a_vote_button_and_removing_the_last_vote(qtbot, page, sample_editor) -> None:
    qtbot.mouseClick(page.roti.buttons[1], Qt.MouseButton.LeftButton)
    assert stored_votes(sample_editor) == [*SAMPLE_VOTES, 1]
    assert page.roti.counts[1].text() == "× 1"

    qtbot.mouseClick(page.remove_vote_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.remove_vote_button, Qt.MouseButton.LeftButton)
    assert stored_votes(sample_editor) == SAMPLE_VOTES[:-1]
    assert page.average.text() == "Average 4.0 from 4 votes"

    sample_editor.undo_stack.undo()
    sample_editor.undo_stack.undo()
    assert stored_votes(sample_editor) == [*SAMPLE_VOTES, 1]
    assert page.roti.counts[1].text() == "× 1"
    sample_editor.undo_stack.undo()
    assert stored_votes(sample_editor) == SAMPLE_VOTES
    assert page.roti.counts[1].text() == "× 0"


def test_remove_last_vote_is_disabled_without_votes(qtbot, page, sample_editor) -> None:
    sample_editor.set_roti([])
    assert page.average.text() == "No votes yet"
    assert not page.remove_vote_button.isEnabled()


def test_closing_notes_are_saved_when_the_focus_leaves(qtbot, page, sample_editor) -> None:
    page.notes.setFocus()
    page.notes.selectAll()
    qtbot.keyClicks(page.notes, "Thanks, everyone.")
    assert stored_notes(sample_editor).startswith("Jonas left")

    page.roti.setFocus()
    assert stored_notes(sample_editor) == "Thanks, everyone."
    assert "Thanks, everyone." in page.preview.toPlainText()

    sample_editor.undo_stack.undo()
    assert stored_notes(sample_editor).startswith("Jonas left")
    assert page.notes.toPlainText().startswith("Jonas left")
    sample_editor.undo_stack.redo()
    assert page.notes.toPlainText() == "Thanks, everyone."


def test_closing_notes_are_saved_after_a_pause_in_typing(qtbot, page, sample_editor) -> None:
    page.notes.setFocus()
    qtbot.keyClicks(page.notes, " More soon.")
    # Waits on the idle timer, not on a fixed time; the focus stays in the notes.
    qtbot.waitUntil(lambda: stored_notes(sample_editor).endswith("More soon."), timeout=3000)
    assert page.notes.hasFocus()


def test_commit_pending_stores_typed_notes_at_once(qtbot, page, sample_editor) -> None:
    qtbot.keyClicks(page.notes, " Done.")
    page.commit_pending()
    assert stored_notes(sample_editor).endswith("review. Done.")
    page.commit_pending()
    assert sample_editor.undo_stack.undo_label() == "Edit closing notes"
    sample_editor.undo_stack.undo()
    assert not sample_editor.undo_stack.can_undo()


def test_preview_shows_the_markdown_and_follows_edits(page, sample_editor) -> None:
    assert page.preview.isReadOnly()
    assert page.preview.toPlainText() == markdown_text(sample_editor.retro)
    assert page.preview.toPlainText().startswith("# Retro: Checkout payments failing")
    sample_editor.update(sample_editor.retro.learnings[0], text="A brand new learning")
    assert "- A brand new learning" in page.preview.toPlainText()


def test_preview_is_refreshed_when_the_page_is_shown_again(page, sample_editor) -> None:
    page.hide()
    sample_editor.add_roti_vote(1)
    assert "from 6 votes" not in page.preview.toPlainText()
    page.show()
    assert "from 6 votes" in page.preview.toPlainText()


def test_export_writes_the_markdown_file(qtbot, page, sample_editor, tmp_path, monkeypatch):
    asked: list[str] = []
    target = tmp_path / "retro.md"

    def ask(parent, suggested: str) -> str:
        asked.append(suggested)
        return str(target)

    monkeypatch.setattr(ClosePage, "ask_export_path", ask)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)

    assert asked == ["Checkout-payments-failing-after-a-certificate-renewal.md"]
    # As the File menu does: the timeline picture beside the document, shown by it.
    expected = markdown_text(sample_editor.retro, picture="retro-timeline.png")
    assert target.read_text(encoding="utf-8") == expected
    assert (tmp_path / "retro-timeline.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "retro-timeline.svg").exists()
    assert page.export_message.text() == f"Exported to {target}"


def test_export_includes_notes_still_being_typed(qtbot, page, sample_editor, tmp_path, monkeypatch):
    target = tmp_path / "retro.md"
    monkeypatch.setattr(ClosePage, "ask_export_path", lambda parent, name: str(target))
    qtbot.keyClicks(page.notes, " Last words.")
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert "Last words." in target.read_text(encoding="utf-8")


def test_export_into_a_missing_folder_says_so(qtbot, page, tmp_path, monkeypatch) -> None:
    target = tmp_path / "no such folder" / "retro.md"
    monkeypatch.setattr(ClosePage, "ask_export_path", lambda parent, name: str(target))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)

    assert not target.parent.exists()
    message = page.export_message.text()
    assert message.startswith(f"Could not export to {target}: No such file or directory")
    assert "Traceback" not in message


def test_a_failed_export_leaves_the_old_file_alone(qtbot, page, tmp_path, monkeypatch) -> None:
    target = tmp_path / "retro.md"
    target.write_text("the older export", encoding="utf-8")

    def refuse(path: Path, data: bytes | str, **options: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(export_module, "write_atomic", refuse)
    monkeypatch.setattr(ClosePage, "ask_export_path", lambda parent, name: str(target))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)

    assert target.read_text(encoding="utf-8") == "the older export"
    assert "Permission denied" in page.export_message.text()


def test_cancelling_the_export_writes_nothing(qtbot, page, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(ClosePage, "ask_export_path", lambda parent, name: None)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert page.export_message.text() == ""
    assert list(tmp_path.iterdir()) == []
