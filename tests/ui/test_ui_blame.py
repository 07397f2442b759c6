"""Blame awareness in the window: highlighting as you type, the findings list, named feelings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from retro_desk.model import Event
from retro_desk.ui.blame_highlight import BlameHighlighter, LineHighlighter, attach, tooltip_text
from retro_desk.ui.feelings_page import FeelingsPage
from retro_desk.ui.page import PageContext
from retro_desk.ui.reflection_panel import ReflectionPanel


def formats_in_block(edit: QPlainTextEdit, block_number: int) -> list[tuple[int, int]]:
    block = edit.document().findBlockByNumber(block_number)
    return [(r.start, r.length) for r in block.layout().formats()]


def test_text_field_highlights_as_you_type(qtbot) -> None:
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    highlighter = attach(edit)
    assert isinstance(highlighter, BlameHighlighter)
    qtbot.keyClicks(edit, "Clearly the on-call engineer")
    # "Clearly" alone claims nothing yet: only what follows makes it hindsight.
    assert formats_in_block(edit, 0) == []
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.keyClicks(edit, "failed to notice it.")
    # The phrase's subject is on the line before: found across the line break.
    assert [f.category for f in highlighter.findings] == ["hindsight", "counterfactual"]
    # The line above is painted again too, now that its "Clearly" is a finding.
    qtbot.waitUntil(lambda: formats_in_block(edit, 0) == [(0, 7)])
    assert formats_in_block(edit, 1) == [(0, len("failed to notice"))]
    # Nothing is rewritten: the text is what was typed.
    assert edit.toPlainText() == "Clearly the on-call engineer\nfailed to notice it."


def test_highlight_goes_when_the_phrase_goes(qtbot) -> None:
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    attach(edit)
    qtbot.keyClicks(edit, "she was careless")
    assert formats_in_block(edit, 0)
    for _ in range(len("careless")):
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    assert formats_in_block(edit, 0) == []


def test_tooltip_names_pattern_and_question(qtbot) -> None:
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    highlighter = attach(edit)
    edit.setPlainText("That was human error.")
    finding = highlighter.finding_at(edit.toPlainText().index("human") + 2)
    assert finding is not None
    text = tooltip_text(finding)
    assert text.startswith("Human error: “human error”")
    assert "Try asking instead:" in text
    assert "why" not in finding.prompt.lower().split()[:1]


def test_line_edit_gets_findings_without_changing_its_text(qtbot) -> None:
    line = QLineEdit()
    qtbot.addWidget(line)
    helper = attach(line)
    assert isinstance(helper, LineHighlighter)
    qtbot.keyClicks(line, "serves them right")
    assert [f.category for f in helper.findings] == ["retributive"]
    assert line.text() == "serves them right"
    qtbot.keyClick(line, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert line.text() == ""


def test_findings_panel_lists_jumps_and_marks(qtbot, sample_editor) -> None:
    panel = ReflectionPanel(PageContext())
    qtbot.addWidget(panel)
    sample_editor.listeners.append(panel.on_change)
    panel.set_editor(sample_editor)
    before = panel.list.count()
    event = sample_editor.add(
        Event("", "2026-11-20T16:00:00+01:00", "Obviously the on-call engineer should have waited.")
    )
    panel.refresh_now()
    assert panel.list.count() == before + 2
    texts = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert any("Hindsight: “Obviously”" in text for text in texts)
    row = next(i for i, text in enumerate(texts) if "Obviously" in text)
    panel.list.setCurrentRow(row)
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_R)
    stored = sample_editor.store.load_retro(sample_editor.session_id).reflection_marks
    key = f"timeline:{event.key}:description:hindsight:obviously"
    sample_mark = "feelings:caccb705528a:note:counterfactual:should have known"
    assert stored == {sample_mark: "named_feeling", key: "reframed"}
    assert "reframed" in panel.list.item(row).text()
    sample_editor.undo_stack.undo()
    assert sample_editor.store.load_retro(sample_editor.session_id).reflection_marks == {
        sample_mark: "named_feeling"}
    with qtbot.waitSignal(panel.jump_requested) as jumped:
        panel.list.setCurrentRow(row)
        qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert jumped.args[0].ref == event.key


def test_export_switch_is_stored_per_retro(qtbot, sample_editor) -> None:
    panel = ReflectionPanel(PageContext())
    qtbot.addWidget(panel)
    panel.set_editor(sample_editor)
    assert panel.in_export.isChecked()
    qtbot.mouseClick(panel.in_export, Qt.MouseButton.LeftButton)
    session = sample_editor.store.get_session(sample_editor.session_id)
    assert session.language_reflection is False


def test_feelings_round_offers_a_blame_phrase_as_a_named_feeling(qtbot, sample_editor) -> None:
    page = FeelingsPage(PageContext(decorate_text=attach))
    qtbot.addWidget(page)
    page.set_editor(sample_editor)
    sample_editor.listeners.append(page.on_change)
    before = len(sample_editor.retro.feelings)
    assert not page.name_blame.isVisibleTo(page)
    qtbot.keyClicks(page.note, "part of me thinks they had it coming")
    assert page.name_blame.isVisibleTo(page)
    assert "“had it coming”" in page.name_blame.text()
    qtbot.mouseClick(page.name_blame, Qt.MouseButton.LeftButton)
    stored = sample_editor.store.load_retro(sample_editor.session_id).feelings
    assert len(stored) == before + 1
    assert stored[-1].words == ["had it coming"]
    assert stored[-1].blame_feeling is True
    assert stored[-1].participant is None
    assert page.note.text() == ""
    assert not page.name_blame.isVisibleTo(page)
