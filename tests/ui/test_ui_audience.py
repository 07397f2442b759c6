"""The audience window: follows the meeting live, large; never shows anything private."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from retro_desk.model import PHASE_TITLES, PHASES, Action
from retro_desk.questions import phase_prompt
from retro_desk.storage import Store
from retro_desk.ui.audience.audience_window import NO_RETRO, AudienceWindow
from retro_desk.ui.main_window import MainWindow
from retro_desk.ui.widgets.reflection_panel import ReflectionPanel
from retro_desk.ui.widgets.side_panel import PrivateNotes, SidePanel
from tests.fakes import FakeClock
from tests.ui.windows import open_audience, open_window, press, sample_store

SECRET = "SECRET-7731 Lukasz keeps getting this wrong"


@pytest.fixture
def db_store(tmp_path: Path) -> Store:
    store = sample_store(tmp_path)
    yield store
    store.close()


@pytest.fixture
def window(qtbot, db_store: Store, clock: FakeClock, settings: QSettings) -> MainWindow:
    return open_window(qtbot, db_store, clock, settings)


@pytest.fixture
def audience(qtbot, window: MainWindow) -> AudienceWindow:
    return open_audience(qtbot, window)


def every_text(widget: QWidget) -> list[str]:
    """Everything a widget and its children could show: text, titles, tips, names, content,
    and what painted widgets draw."""
    texts = []
    for child in [widget, *widget.findChildren(QWidget)]:
        texts += [child.windowTitle(), child.toolTip(), child.whatsThis(), child.statusTip(),
                  child.accessibleName(), child.accessibleDescription()]
        if isinstance(child, (QLabel, QAbstractButton, QLineEdit)):
            texts.append(child.text())
        if isinstance(child, (QTextEdit, QPlainTextEdit)):
            texts.append(child.toPlainText())
    assert isinstance(widget, AudienceWindow)
    texts += widget.picture.shown_texts()
    return [text for text in texts if text]


def test_f9_opens_its_own_window_that_follows_every_phase(
    qtbot, window: MainWindow, audience: AudienceWindow
) -> None:
    assert audience.isWindow() and audience.parent() is None
    assert window.actions_by_name["audience"].isChecked()
    kind = window.editor.retro.session.kind
    for index, phase in enumerate(PHASES):
        assert window.current_phase() == phase
        assert audience.title.text() == PHASE_TITLES[phase]
        assert audience.prompt.text() == phase_prompt(phase, kind, window.context.prompts)
        assert audience.stack.currentWidget() is audience.pages[phase]
        window.tick()
        assert audience.timer.text() == window.timer_widget.text()
        if index < len(PHASES) - 1:
            press(qtbot, window, "Ctrl+PgDown")
    press(qtbot, window, "F9")
    assert window.audience is None
    assert not audience.isVisible()
    assert not window.actions_by_name["audience"].isChecked()


def test_the_timer_runs_in_both_windows(qtbot, window, audience, clock) -> None:
    press(qtbot, window, "F5")
    clock.advance(138)
    window.tick()
    assert audience.timer.text() == "02:42" == window.timer_widget.text()
    clock.advance(200)
    window.tick()
    assert audience.timer.text().startswith("+")
    assert audience.timer.mode() == "overtime"


def test_the_facilitator_can_run_the_meeting_from_the_audience_window(
    qtbot, window: MainWindow, audience: AudienceWindow
) -> None:
    with qtbot.waitActive(audience):
        audience.activateWindow()
    qtbot.keyClick(audience, Qt.Key.Key_F5)
    assert window.timer.running
    qtbot.keyClick(audience, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.current_phase() == "feelings"
    assert audience.title.text() == "Feelings round"


def test_each_edit_shows_at_once(qtbot, window: MainWindow, audience: AudienceWindow) -> None:
    window.go_to_phase(PHASES.index("learnings"))
    entry = window.pages["learnings"].panel.entry
    qtbot.keyClicks(entry, "Dashboards did not show config pushes")
    qtbot.keyClick(entry, Qt.Key.Key_Return)
    stored = window.store.load_retro(window.editor.session_id).learnings
    assert stored[-1].text == "Dashboards did not show config pushes"
    assert "• Dashboards did not show config pushes" in audience.learnings.texts()

    window.go_to_phase(PHASES.index("actions"))
    page = window.pages["actions"]
    qtbot.keyClicks(page.entry, "Add change markers @Amara due 2026-12-04")
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)
    assert window.store.load_retro(window.editor.session_id).actions[-1].owner == "Amara"
    assert "☐ Add change markers — Amara, due 2026-12-04" in audience.action_list.texts()
    window.commands.undo()
    assert all("Add change markers" not in text for text in audience.action_list.texts())

    window.go_to_phase(PHASES.index("timeline"))
    entry = window.pages["timeline"].entry
    qtbot.keyClicks(entry, "17:30 Ines: closes the incident channel")
    qtbot.keyClick(entry, Qt.Key.Key_Return)
    newest = audience.timeline.recent.shown_labels()[-1].text()
    assert newest == "17:30 Ines: closes the incident channel"
    assert audience.picture.captions()[0].startswith("09:")
    assert "31 events" in audience.picture.captions()[0]


def test_the_speaker_is_a_position_unless_attributed(
    qtbot, window: MainWindow, audience: AudienceWindow
) -> None:
    press(qtbot, window, "Ctrl+PgDown")
    page = window.pages["feelings"]
    names = [p.name for p in window.editor.retro.participants]
    assert audience.cue.text() == "Now speaking: participant 1 of 6"
    forward = QKeySequence.keyBindings(QKeySequence.StandardKey.Forward)[0][0]
    for _ in range(2):
        qtbot.keyClick(window.focusWidget(), forward.key(), forward.keyboardModifiers())
    assert audience.cue.text() == "Now speaking: participant 3 of 6"
    shown = " ".join(every_text(audience))
    assert not any(name in shown for name in names)
    # Attribution is the facilitator's explicit choice; then the room may see the name.
    qtbot.mouseClick(page.attribute, Qt.MouseButton.LeftButton)
    assert audience.cue.text() == f"Now speaking: {names[2]} (3 of 6)"
    qtbot.mouseClick(page.attribute, Qt.MouseButton.LeftButton)
    assert audience.cue.text() == "Now speaking: participant 3 of 6"


def test_the_feelings_tally_shows_every_word(window, audience) -> None:
    window.go_to_phase(PHASES.index("feelings"))
    core, blame = audience.tally.counts()
    shown = [word for word, _ in core + blame]
    rest = audience.feelings.rest.text() if audience.feelings.rest.isVisible() else ""
    named = {w.strip().casefold() for f in window.editor.retro.feelings for w in f.words}
    assert {w.casefold() for w in shown} | {
        part.rsplit(" ", 1)[0].casefold()
        for part in rest.removeprefix("Also named: ").split(" · ") if part
    } == named
    assert audience.tally.geometry().bottom() <= audience.feelings.height()


def test_the_current_decision_point_question_and_answer(
    qtbot, window: MainWindow, audience: AudienceWindow
) -> None:
    window.go_to_phase(PHASES.index("rationality"))
    page = window.pages["rationality"]
    assert audience.cue.text() == "Decision point 1 of 6 · 09:40 · Łukasz Nowicki"
    page.step(1)
    assert audience.cue.text() == "Decision point 2 of 6 · 14:41 · Zoë Hartmann"
    assert audience.decision.event_text.text() == page.current_event().description
    field = page.cards["tools"].answer
    field.setFocus()
    qtbot.waitUntil(lambda: page.current_category() == "tools")
    assert audience.decision.question.text().startswith("Tools: ")
    field.selectAll()
    qtbot.keyClicks(field, "The Egress TLS dashboard and the proxy logs")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    event = page.current_event()
    assert window.store.load_retro(window.editor.session_id).answers_for(event.key)["tools"] \
        == "The Egress TLS dashboard and the proxy logs"
    assert page.current_category() != "tools"
    page.cards["tools"].answer.setFocus()
    qtbot.waitUntil(lambda: page.current_category() == "tools")
    assert "The Egress TLS dashboard and the proxy logs" in audience.decision.answer.text()
    # Issue 12, point 6: the other questions' answers are shown, not only their names.
    answered = audience.decision.answered.text()
    assert answered.startswith("Answered so far: Cues, Knowledge")
    assert "Cues: Only POST /checkout/payment failed" in answered
    assert "Tools" not in answered.splitlines()[0]  # the card being answered is above


def test_private_notes_and_the_side_panel_never_appear(
    qtbot, window: MainWindow, audience: AudienceWindow
) -> None:
    notes = window.side.notes
    notes.setFocus()
    qtbot.keyClicks(notes, SECRET)
    notes.commit_pending()
    assert window.store.load_retro(window.editor.session_id).private_notes == SECRET
    assert window.editor.retro.private_notes == SECRET
    for index in range(len(PHASES)):
        window.go_to_phase(index)
        audience.refresh()
        assert not any("SECRET-7731" in text for text in every_text(audience)), PHASES[index]
        assert not any("SECRET-7731" in text for text in audience.shown_texts())
    # None of the side panel's widgets, nor any field to type in, lives in the audience window.
    children = audience.findChildren(QWidget)
    forbidden = (SidePanel, PrivateNotes, ReflectionPanel, QPlainTextEdit, QTextEdit, QLineEdit)
    assert not [child for child in children if isinstance(child, forbidden)]
    assert not any(window.isAncestorOf(child) for child in children)
    assert not audience.isAncestorOf(window.side)


def test_zoom_and_full_screen_with_the_standard_keys(qtbot, audience: AudienceWindow) -> None:
    with qtbot.waitActive(audience):
        audience.activateWindow()
    title_px = audience.title.font().pixelSize()
    picture_px = audience.picture.font().pixelSize()
    zoom_in = QKeySequence.keyBindings(QKeySequence.StandardKey.ZoomIn)[0][0]
    qtbot.keyClick(audience, zoom_in.key(), zoom_in.keyboardModifiers())
    assert audience.title.font().pixelSize() == round(title_px * 1.15)
    assert audience.picture.font().pixelSize() == round(picture_px * 1.15)
    assert audience.timer.pixel_size == round(96 * 1.15)
    qtbot.keyClick(audience, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert audience.title.font().pixelSize() == title_px
    zoom_out = QKeySequence.keyBindings(QKeySequence.StandardKey.ZoomOut)[0][0]
    qtbot.keyClick(audience, zoom_out.key(), zoom_out.keyboardModifiers())
    assert audience.title.font().pixelSize() < title_px
    qtbot.keyClick(audience, Qt.Key.Key_F11)
    assert audience.windowState() & Qt.WindowState.WindowFullScreen
    qtbot.keyClick(audience, Qt.Key.Key_Escape)
    assert not audience.windowState() & Qt.WindowState.WindowFullScreen


def test_long_lists_show_the_newest_and_count_the_rest(
    window: MainWindow, audience: AudienceWindow
) -> None:
    window.go_to_phase(PHASES.index("actions"))
    for number in range(25):
        window.editor.add(Action(description=f"Follow-up number {number}", owner="Ines"))
    shown = audience.action_list.shown_labels()
    assert shown[-1].text() == "☐ Follow-up number 24 — Ines"
    hidden = len(window.editor.retro.actions) - len(shown)
    assert hidden > 0
    assert audience.action_list.more.text() == f"… and {hidden} earlier actions, not shown"
    assert all(label.geometry().bottom() <= audience.action_list.height() for label in shown)


def test_with_no_retro_open(qtbot, window: MainWindow, audience: AudienceWindow,
                            monkeypatch) -> None:
    from retro_desk.ui import commands as module

    monkeypatch.setattr(module, "confirm", lambda *args: True)
    window.commands.delete_retro()
    assert audience.title.text() == "Retro Desk"
    assert audience.empty.text() == NO_RETRO
    assert audience.timer.text() == "--:--"
    assert audience.cue.isHidden()
