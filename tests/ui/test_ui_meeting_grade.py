"""Issue 12: the facilitator is never trapped, and the shared screen is one the room can read.

Each test names the defect it covers; each failed before the change that fixed it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtGui
from PySide6.QtCore import (
    QEvent,
    QMargins,
    QModelIndex,
    QPoint,
    QPointF,
    QRect,
    QSettings,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QImage,
    QPalette,
    QScreen,
    QTextDocumentFragment,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QSpinBox,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QWidget,
)

from retro_desk.live import LiveSession, Topic
from retro_desk.model import PHASES
from retro_desk.storage import Store
from retro_desk.ui.audience.audience_window import AudienceWindow, plain_label
from retro_desk.ui.audience.placement import audience_geometry
from retro_desk.ui.dialogs.new_session_dialog import FRAME_ALLOWANCE, NewSessionDialog
from retro_desk.ui.main_window import MainWindow
from retro_desk.ui.pages.page import PageContext
from retro_desk.ui.pages.timeline_model import ACTOR, DECISION, DESCRIPTION, LEARNED, SOURCE
from retro_desk.ui.pages.timeline_page import TimelinePage, _TextDelegate
from retro_desk.ui.theme import DARK, HIGH_CONTRAST, apply_theme, contrast_ratio, current_theme
from retro_desk.ui.widgets.fitting import fit_text
from tests.fakes import FakeClock
from tests.ui.windows import open_audience, open_window, press, sample_store


@pytest.fixture
def db_store(tmp_path: Path) -> Store:
    store = sample_store(tmp_path)
    yield store
    store.close()


@pytest.fixture
def window(qtbot, db_store: Store, clock: FakeClock, settings: QSettings) -> MainWindow:
    window = open_window(qtbot, db_store, clock, settings)
    yield window
    window.commands.set_zoom(1.0)


@pytest.fixture
def restore_theme(qapp):
    palette, chosen = QPalette(qapp.palette()), current_theme()
    yield
    apply_theme(qapp, chosen)
    qapp.setPalette(palette)


def stored_events(window: MainWindow) -> list[str]:
    assert window.editor is not None
    return [e.description for e in window.store.load_retro(window.editor.session_id).timeline]


# -- point 2: Ctrl+Z from the quick-add line ------------------------------------------------

def test_ctrl_z_in_the_quick_add_line_undoes_the_stored_event_with_no_duplicate(
    qtbot, window: MainWindow
) -> None:
    window.go_to_phase(PHASES.index("timeline"))
    entry = window.pages["timeline"].entry
    before = stored_events(window)
    qtbot.keyClicks(entry, "17:31 Ines: pages the database team")
    qtbot.keyClick(entry, Qt.Key.Key_Return)
    assert stored_events(window) == [*before, "pages the database team"]
    assert entry.hasFocus() and entry.text() == ""

    press(qtbot, window, "Ctrl+Z")
    assert stored_events(window) == before
    # The line did not get the text back: Enter adds nothing a second time.
    assert entry.text() == ""
    qtbot.keyClick(entry, Qt.Key.Key_Return)
    assert stored_events(window) == before

    press(qtbot, window, "Ctrl+Shift+Z")
    assert stored_events(window) == [*before, "pages the database team"]
    assert entry.hasFocus()


def test_ctrl_z_while_typing_takes_back_the_typing_first(qtbot, window: MainWindow) -> None:
    window.go_to_phase(PHASES.index("timeline"))
    entry = window.pages["timeline"].entry
    before = stored_events(window)
    qtbot.keyClicks(entry, "17:31 half typed")
    press(qtbot, window, "Ctrl+Z")
    assert entry.text() == ""
    assert stored_events(window) == before


def test_ctrl_z_from_a_learning_line_and_the_side_panel(qtbot, window: MainWindow) -> None:
    window.go_to_phase(PHASES.index("learnings"))
    entry = window.pages["learnings"].panel.entry
    qtbot.keyClicks(entry, "Alerts need owners")
    qtbot.keyClick(entry, Qt.Key.Key_Return)
    assert window.editor is not None
    assert window.editor.retro.learnings[-1].text == "Alerts need owners"
    parking = window.side.parking.entry
    parking.setFocus()
    press(qtbot, window, "Ctrl+Z")
    assert all(item.text != "Alerts need owners" for item in window.editor.retro.learnings)


# -- point 5: F9 keeps the keyboard in the main window --------------------------------------

def test_f9_leaves_the_keyboard_where_the_facilitator_was_typing(
    qtbot, window: MainWindow
) -> None:
    window.go_to_phase(PHASES.index("timeline"))
    entry = window.pages["timeline"].entry
    assert entry.hasFocus()
    press(qtbot, window, "F9")
    audience = window.audience
    assert audience is not None
    qtbot.addWidget(audience)
    qtbot.waitExposed(audience)
    assert audience.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert QApplication.focusWidget() is entry
    qtbot.keyClicks(entry, "17:40 Zoe: closes the incident")
    qtbot.keyClick(entry, Qt.Key.Key_Return)
    assert stored_events(window)[-1] == "closes the incident"


# -- point 4: zoom never resizes the window -------------------------------------------------

def test_zoom_in_twice_and_back_keeps_the_window_size(qtbot, window: MainWindow) -> None:
    size = window.size()
    press(qtbot, window, "Ctrl+=")
    press(qtbot, window, "Ctrl+=")
    QApplication.processEvents()
    assert window.zoom() == pytest.approx(1.32)
    assert window.size() == size
    press(qtbot, window, "Ctrl+0")
    QApplication.processEvents()
    assert window.size() == size


def test_zoom_reaches_the_lists_with_a_style_sheet(qtbot, window: MainWindow) -> None:
    """At 150 % the parking lot and learnings lists kept their 100 % text (a widget with a
    style sheet does not follow the application font)."""
    window.go_to_phase(PHASES.index("learnings"))
    lists = [window.side.parking.view, window.pages["learnings"].panel.view]
    before = [view.font().pointSizeF() for view in lists]
    press(qtbot, window, "Ctrl+=")
    press(qtbot, window, "Ctrl+=")
    QApplication.processEvents()
    for view, size in zip(lists, before, strict=True):
        assert view.font().pointSizeF() == pytest.approx(size * 1.32, rel=0.02)


def test_zoom_in_high_contrast_reaches_every_field(
    qtbot, restore_theme, window: MainWindow
) -> None:
    """In high contrast (an application style sheet) zoom left the pages at 100 %."""
    window.commands.set_theme("high-contrast")
    window.go_to_phase(PHASES.index("timeline"))
    page = window.pages["timeline"]
    before = page.entry.font().pointSizeF()
    press(qtbot, window, "Ctrl+=")
    press(qtbot, window, "Ctrl+=")
    QApplication.processEvents()
    for widget in (page.entry, page.table, window.side.notes):
        assert widget.font().pointSizeF() == pytest.approx(before * 1.32, rel=0.02)


def test_high_contrast_frames_every_field(qtbot, restore_theme, window: MainWindow) -> None:
    """Black on black, the answer boxes and the entry lines could not be told from the page."""
    window.commands.set_theme("high-contrast")
    window.go_to_phase(PHASES.index("timeline"))
    QApplication.processEvents()
    # The fields without the keyboard (the one with it was framed by its focus already).
    for field in (window.side.parking.entry, window.side.notes):
        assert not field.hasFocus()
        image = field.grab().toImage()
        edge = QColor(image.pixel(0, image.height() // 2))
        assert contrast_ratio(edge, HIGH_CONTRAST.window) >= 7, (field.accessibleName(), edge)


# -- point 7: a main window that gives the phase the room -----------------------------------

def test_retro_list_and_side_panel_collapse_and_are_remembered(
    qtbot, window: MainWindow, db_store: Store, clock: FakeClock, settings: QSettings
) -> None:
    centre_before = window.stack.width()
    press(qtbot, window, "F7")
    press(qtbot, window, "F8")
    QApplication.processEvents()
    assert window.left.isHidden() and window.side.isHidden()
    assert window.stack.width() > centre_before + 300
    assert settings.fileName().startswith(str(Path(settings.fileName()).parent))
    window.close()
    again = MainWindow(db_store, clock=clock, settings=settings)
    qtbot.addWidget(again)
    assert again.left.isHidden() and again.side.isHidden()
    assert not again.actions_by_name["side_panel"].isChecked()
    # Ctrl+F brings the list back, for the filter.
    again.commands.focus_filter()
    assert not again.left.isHidden()


def test_the_session_has_most_of_the_width_and_the_list_tabs_read_whole(
    qtbot, window: MainWindow
) -> None:
    """Point 7: list and side panel took about 40 % of 1280 px, in every phase; narrowed,
    the list's four tabs were cut to "R…", "Se…"."""
    QApplication.processEvents()
    assert window.stack.width() >= 1280 * 0.62
    assert window.left.width() <= 200
    bar = window.left.tabBar()
    for index in range(bar.count()):
        text = bar.tabText(index)
        along = max(bar.tabRect(index).width(), bar.tabRect(index).height())
        assert bar.fontMetrics().horizontalAdvance(text) < along, text


def test_the_tables_of_every_retro_get_room_and_give_it_back(
    qtbot, window: MainWindow
) -> None:
    """The Actions and Insights tabs are tables: in a list-wide panel they were unreadable."""
    QApplication.processEvents()
    narrow = window.left.width()
    window.left.setCurrentWidget(window.archive.actions_tab)
    QApplication.processEvents()
    assert window.left.width() >= 1280 * 0.4
    assert window.stack.width() >= 300
    window.left.setCurrentWidget(window.archive.insights_tab)
    QApplication.processEvents()
    assert window.left.width() >= 1280 * 0.4
    window.left.setCurrentWidget(window.sessions)
    QApplication.processEvents()
    assert window.left.width() == narrow


# -- point 8: the details -------------------------------------------------------------------

def test_the_empty_window_shows_no_timer_buttons(
    qtbot, tmp_path: Path, clock: FakeClock, settings: QSettings
) -> None:
    store = Store.open(tmp_path / "empty.sqlite3")
    window = MainWindow(store, clock=clock, settings=settings)
    qtbot.addWidget(window)
    window.show()
    assert window.stack.currentWidget() is window.empty
    assert not window.start_button.isVisibleTo(window)
    assert not window.timer_widget.isVisibleTo(window)
    store.close()


def test_a_rejected_timeline_line_says_so_in_words(qtbot, window: MainWindow) -> None:
    window.go_to_phase(PHASES.index("timeline"))
    page = window.pages["timeline"]
    qtbot.keyClicks(page.entry, "banana split at lunch")
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)
    message = page.message.text()
    assert "“banana” is not a time" in message
    assert "ISO 8601" not in message
    assert page.entry.text() == "banana split at lunch"


def test_rebalancing_ahead_of_time_ends_early(qtbot, window: MainWindow, clock) -> None:
    assert window.timer is not None
    close_plan = window.timer.agenda[-1].planned_seconds
    press(qtbot, window, "F5")
    clock.advance(60)  # the opening took one of its five minutes
    window.go_to_phase(1)
    press(qtbot, window, "Ctrl+Shift+B")
    assert window.timer.agenda[-1].planned_seconds == close_plan
    assert "ends early" in window.status.text()
    window.tick()
    assert window.end_label.text().startswith("Ends 04:00 early")


def test_the_markdown_preview_is_rendered(qtbot, window: MainWindow) -> None:
    window.go_to_phase(PHASES.index("close"))
    page = window.pages["close"]
    assert page.markdown_text().startswith("# Retro: ")
    shown = page.preview.toPlainText()
    assert shown.startswith("Retro: ")  # a heading, not "# Retro: …"
    assert "| --- |" not in shown and "**" not in shown.split("\n", 3)[-1][:400]


# -- point 9 and the live session -----------------------------------------------------------

def test_fit_text_lays_out_a_long_answer_a_few_times_not_once_per_word(qtbot) -> None:
    holder = QLabel()
    qtbot.addWidget(holder)
    label = plain_label(holder)
    label.resize(900, 400)
    layouts: list[int] = []
    text = " ".join(f"word{n}" for n in range(5000))
    original = QLabel.heightForWidth

    def counted(self: QLabel, width: int) -> int:
        layouts.append(width)
        return original(self, width)

    QLabel.heightForWidth = counted  # type: ignore[method-assign]
    try:
        fit_text(label, text, 200, keep_end=True)
    finally:
        QLabel.heightForWidth = original  # type: ignore[method-assign]
    assert len(layouts) <= 20, len(layouts)
    assert label.text().startswith("… ") and label.text().endswith("word4999")
    assert label.heightForWidth(900) <= 200
    assert len(label.text()) < 2000


def test_the_audience_window_needs_only_the_live_session(qtbot, window: MainWindow) -> None:
    live = LiveSession()
    audience = AudienceWindow(live, PageContext())
    qtbot.addWidget(audience)
    assert audience.title.text() == "Retro Desk"
    live.open(window.editor, window.timer)
    assert audience.title.text() == "Opening"
    heard = []
    live.listen(Topic.PHASE, lambda: heard.append(live.phase))
    live.go_to(PHASES.index("feelings"))
    assert heard == ["feelings"] and audience.title.text() == "Feelings round"
    live.move_speaker(1)
    assert audience.cue.text() == "Now speaking: participant 2 of 6"
    live.set_attributed(True)
    assert audience.cue.text() == "Now speaking: Łukasz Nowicki (2 of 6)"
    audience.close()
    live.move_speaker(1)  # a closed window hears nothing more
    assert audience.cue.text() == "Now speaking: Łukasz Nowicki (2 of 6)"


def test_the_audience_timeline_is_for_a_room(qtbot, window: MainWindow) -> None:
    """Point 1: labels cut to 15 characters, "+19" bubbles, a legend saying "zoom in"."""
    audience = open_audience(qtbot, window)
    window.go_to_phase(PHASES.index("timeline"))
    texts = audience.shown_texts()
    assert not any("zoom" in text.lower() for text in texts)
    recent = [label.text() for label in audience.timeline.recent.shown_labels()]
    assert len(recent) >= 3
    # Whole lines with time, actor and markers, wrapped, never cut.
    for label in audience.timeline.recent.shown_labels():
        assert label.wordWrap()
        assert label.heightForWidth(label.width()) <= label.height() + 1
    assert recent[-1].startswith("17:")
    assert "events" in audience.picture.captions()[0]
    assert audience.picture.captions()[1].startswith("Busiest: ")


# -- point 3: themes live on every widget ---------------------------------------------------

def test_dark_then_light_in_one_press_reaches_every_list(
    qtbot, restore_theme, window: MainWindow
) -> None:
    window.commands.set_theme("light")
    window.go_to_phase(PHASES.index("learnings"))
    view = window.pages["learnings"].panel.view
    window.commands.set_theme("dark")
    QApplication.processEvents()
    image = view.viewport().grab().toImage()
    assert QColor(image.pixel(image.width() - 3, image.height() - 3)) == DARK.base
    parking = window.side.parking.view
    image = parking.viewport().grab().toImage()
    assert QColor(image.pixel(image.width() - 3, image.height() - 3)) == DARK.base
    press(qtbot, window, "Ctrl+Shift+T")
    assert current_theme() == "light"


def test_high_contrast_check_boxes_can_be_seen(qtbot, restore_theme, window: MainWindow) -> None:
    window.commands.set_theme("high-contrast")
    window.go_to_phase(PHASES.index("feelings"))
    box = window.pages["feelings"].attribute
    QApplication.processEvents()
    image = box.grab().toImage()
    side = box.height()
    lit = sum(QColor(image.pixel(x, y)).lightness() > 100
              for x in range(min(side, image.width())) for y in range(image.height()))
    # The indicator's frame is drawn light on black (it vanished, black on black).
    assert lit > side, lit
    assert QColor(image.pixel(image.width() - 1, image.height() // 2)) == HIGH_CONTRAST.window


def test_dark_check_boxes_can_be_seen_unchecked(qtbot, restore_theme, window: MainWindow) -> None:
    """Dark drew an unchecked box's frame a shade darker than the window (1.2:1): the
    timeline's flag columns and the entry line's boxes looked empty. A frame now stands
    out at least 3:1 (what a control needs), in the table and beside the entry line."""
    window.commands.set_theme("dark")
    window.go_to_phase(PHASES.index("timeline"))
    page = window.pages["timeline"]
    for _ in range(3):
        QApplication.processEvents()
    assert not page.decision_box.isChecked()

    def frame_contrast(image: QImage, left: int, right: int) -> float:
        # The strongest contrast against the window within the indicator's columns.
        return max(contrast_ratio(QColor(image.pixel(x, y)), DARK.window)
                   for x in range(left, right) for y in range(image.height()))

    box = page.decision_box.grab().toImage()
    assert frame_contrast(box, 0, page.decision_box.height()) >= 3.0
    table = page.table
    row = next(r for r in range(page.model.rowCount())
               if page.model.index(r, LEARNED).data(Qt.ItemDataRole.CheckStateRole)
               == Qt.CheckState.Unchecked)
    table.scrollTo(page.model.index(row, LEARNED))
    QApplication.processEvents()
    cell = table.visualRect(page.model.index(row, LEARNED))
    image = table.viewport().grab(cell).toImage()
    assert frame_contrast(image, 0, image.width()) >= 3.0


def test_the_timeline_page_gives_the_table_the_room_at_1280_by_720(qtbot, window) -> None:
    """Point 7: at 1280x720 the timeline table showed 4 events, the help took its place."""
    window.go_to_phase(PHASES.index("timeline"))
    page = window.pages["timeline"]
    for _ in range(3):
        QApplication.processEvents()
    # With events in it, the help under the entry line gives way (F1 and tooltips keep it).
    assert page.model.rowCount() >= 3
    assert not page.hint.isVisibleTo(page)
    # The timer's buttons sit beside it: the header above the page stays low.
    assert window.controls.height() <= window.timer_widget.height() + 8
    assert window.stack.height() >= 720 * 0.62


def cards_in_view(page) -> tuple[list[str], list[str]]:
    """The question cards shown whole, and those only partly shown, in the cards' scroll area."""
    viewport = page.cards_scroll.viewport()
    whole, partly = [], []
    for category, card in page.cards.items():
        place = QRect(card.mapTo(viewport, QPoint(0, 0)), card.size())
        if viewport.rect().contains(place):
            whole.append(category)
        elif viewport.rect().intersects(place):
            partly.append(category)
    return whole, partly


@pytest.mark.parametrize(("zoom", "least"), [(1.0, 3), (1.5, 1)])
def test_the_question_card_being_answered_shows_whole_at_1280_by_720(
    qtbot, window: MainWindow, zoom: float, least: int
) -> None:
    """Point 7: at 1280x720 one and a half question cards showed (none whole at 150 %), and
    the decision point's event was cut to one line. Now only the card being answered shows
    its questions, the others fold to title and answer, and the event reads on three lines."""
    window.commands.set_zoom(zoom)
    window.go_to_phase(PHASES.index("rationality"))
    for _ in range(3):
        QApplication.processEvents()
    page = window.pages["rationality"]
    first = next(iter(page.cards))
    whole, _partly = cards_in_view(page)
    assert first in whole and len(whole) >= least
    lines = page.event_text.height() // page.event_text.fontMetrics().lineSpacing()
    assert lines >= (3 if zoom == 1.0 else 2)
    # Tab walks to the next card: it opens, shows whole, and the one left behind folds.
    focus = QApplication.focusWidget()
    assert focus is page.cards[first].answer
    qtbot.keyClick(focus, Qt.Key.Key_Tab)
    QApplication.processEvents()
    second = list(page.cards)[1]
    assert QApplication.focusWidget() is page.cards[second].answer
    assert page.cards[second].questions.isVisibleTo(page.cards[second])
    assert not page.cards[first].questions.isVisibleTo(page.cards[first])
    assert second in cards_in_view(page)[0]
    # A folded card keeps its questions in its title's tooltip, and its stored answer.
    assert "•" in page.cards[first].title.toolTip()
    assert window.live.category == second


# -- point 6: the audience window uses its space ---------------------------------------------

@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_five_actions_all_show_and_the_parking_lot_heading_sits_on_its_list(
    qtbot, window: MainWindow, size: tuple[int, int]
) -> None:
    """Five actions showed "… and 2 earlier actions, not shown" with room to spare; the
    parking lot's heading stood 48 px above its list."""
    audience = open_audience(qtbot, window)
    audience.resize(*size)
    window.go_to_phase(PHASES.index("actions"))
    QApplication.processEvents()
    actions = audience.action_list
    assert window.editor is not None
    assert len(actions.shown_labels()) == len(window.editor.retro.actions) == 5
    assert actions.more.isHidden()
    full = actions.more.font().pixelSize()
    for label in actions.shown_labels():
        # Smaller type to show them all, but never below three quarters of the page's.
        assert label.font().pixelSize() >= 0.75 * full - 1
        assert label.heightForWidth(label.width()) <= label.height() + 1
    gap = audience.parking.geometry().top() - audience.parking_heading.geometry().bottom()
    assert gap <= 20


def test_the_newest_events_take_the_zoomed_type_size(qtbot, window: MainWindow) -> None:
    """At 1920x1080 the event lines kept the unzoomed 28 px while their note grew."""
    audience = open_audience(qtbot, window)
    audience.resize(1920, 1080)
    window.go_to_phase(PHASES.index("timeline"))
    QApplication.processEvents()
    recent = audience.timeline.recent
    assert not recent.more.isHidden()  # 30 events: the older ones are counted, not shown
    sizes = {label.font().pixelSize() for label in recent.shown_labels()}
    assert sizes == {recent.more.font().pixelSize()}
    assert recent.more.font().pixelSize() > 28


def test_the_close_names_its_bars_votes_not_feelings(qtbot, window: MainWindow) -> None:
    """The close's return-on-time bars were headed "Feelings"."""
    audience = open_audience(qtbot, window)
    window.go_to_phase(PHASES.index("close"))
    QApplication.processEvents()
    described = audience.roti.bars.accessibleDescription()
    assert described.startswith("Votes: 5 well spent 1, 4 3")
    assert "Feelings" not in described


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768), (1600, 900), (1920, 1080)])
def test_the_opening_shows_the_ground_rules(
    qtbot, window: MainWindow, size: tuple[int, int]
) -> None:
    """At 1920x1080 the opening showed 4 of the 6 ground rules and "… and 2 more rules",
    with a sixth of the screen empty below them; at 1280x720, 5 of 6 ("… and 1 more rule")
    beside an agenda column with room to spare."""
    audience = open_audience(qtbot, window)
    audience.resize(*size)
    window.go_to_phase(PHASES.index("opening"))
    QApplication.processEvents()
    rules = audience.opening.rules
    assert len(rules.shown_labels()) == 6
    assert not rules.more.isVisibleTo(rules)
    # The summary gives way to the rules on a short screen, but always has a line.
    summary = audience.opening.summary
    assert summary.text().startswith("From 14:32")
    lines = summary.height() // summary.fontMetrics().lineSpacing()
    assert lines >= (2 if size[1] >= 900 else 1)
    assert all(label.font().pixelSize() >= 24 for label in rules.shown_labels())
    assert audience.opening.heading.text().startswith("Checkout payments failing")
    assert len(audience.opening.agenda.shown_labels()) == len(PHASES)


# -- point 8: the new-retro dialog shows its agenda whole -----------------------------------

SMALL_SCREEN = QRect(0, 0, 1280, 720)


def with_new_retro_dialog(qtbot, window: MainWindow, look) -> None:
    """Ctrl+N, as the facilitator presses it; `look` sees the dialog while it is open."""
    seen: list[object] = []

    def in_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            assert isinstance(dialog, NewSessionDialog)
            qtbot.waitExposed(dialog)
            QApplication.processEvents()
            look(dialog)
            seen.append(dialog)
        finally:
            if isinstance(dialog, NewSessionDialog) and dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, in_dialog)
    press(qtbot, window, "Ctrl+N")
    assert seen, "the dialog was not opened or the look at it failed"


def clipped_parts(dialog: NewSessionDialog) -> list[str]:
    """What the dialog shows cut short: a header, a phase, a minutes box, a hint."""
    table, found = dialog.agenda, []
    header = table.horizontalHeader()
    for column in range(table.columnCount()):
        text = table.horizontalHeaderItem(column).text()
        if header.fontMetrics().horizontalAdvance(text) + 8 > header.sectionSize(column):
            found.append(f"header {text}")
    for row, (label, minutes) in enumerate(dialog.agenda_rows):
        assert table.cellWidget(row, 0) is label and table.cellWidget(row, 1) is minutes
        if label.fontMetrics().horizontalAdvance(label.text()) >= table.columnWidth(0):
            found.append(f"phase {label.text()}")
        hint = minutes.sizeHint()
        if hint.width() > table.columnWidth(1) or hint.height() > table.rowHeight(row):
            found.append(f"minutes of {label.text()}")
    viewport = table.viewport()
    if (header.length() > viewport.width()
            or table.verticalHeader().length() > viewport.height()):
        found.append("the table scrolls")
    for line in dialog.findChildren(QLineEdit):
        text = line.placeholderText()
        if line.isVisible() and line.fontMetrics().horizontalAdvance(text) + 8 > line.width():
            found.append(f"hint {text}")
    if dialog.form_area.widget().width() > dialog.form_area.viewport().width():
        found.append("the dialog scrolls sideways")
    return found


@pytest.mark.parametrize("zoom", [1.0, 1.5])
@pytest.mark.parametrize("theme", ["light", "dark", "high-contrast"])
def test_the_new_retro_dialog_shows_its_agenda_whole_on_a_1280_by_720_screen(
    qtbot, window: MainWindow, restore_theme, monkeypatch, zoom: float, theme: str
) -> None:
    monkeypatch.setattr(QScreen, "availableGeometry", lambda screen: QRect(SMALL_SCREEN))
    window.commands.set_theme(theme)
    window.commands.set_zoom(zoom)

    def look(dialog: NewSessionDialog) -> None:
        assert clipped_parts(dialog) == []
        # Room is left for a window manager's title bar and borders.
        for size in (dialog.frameGeometry().size(), dialog.size() + FRAME_ALLOWANCE):
            assert size.width() <= SMALL_SCREEN.width()
            assert size.height() <= SMALL_SCREEN.height()
        # The buttons stay in the dialog, below what scrolls.
        start = dialog.ok_button
        assert dialog.rect().contains(QRect(start.mapTo(dialog, QPoint(0, 0)), start.size()))
        # At the usual size everything is in view: a scroll bar only for the larger type.
        needs_scrolling = dialog.form_area.verticalScrollBar().maximum() > 0
        assert needs_scrolling == (zoom > 1)

    with_new_retro_dialog(qtbot, window, look)


def test_a_new_retro_typed_and_timed_from_the_keyboard_is_stored(
    qtbot, window: MainWindow
) -> None:
    before = {s.id for s in window.store.list_sessions()}

    def type_it(dialog: NewSessionDialog) -> None:
        qtbot.keyClicks(QApplication.focusWidget(), "Payments cut-over")
        for _ in range(60):
            focused = QApplication.focusWidget()
            if focused is not None and focused.accessibleName() == "Timeline minutes":
                break
            qtbot.keyClick(focused, Qt.Key.Key_Tab)
        minutes = QApplication.focusWidget()
        assert isinstance(minutes, QSpinBox) and minutes.accessibleName() == "Timeline minutes"
        qtbot.keyClick(minutes, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(minutes, "25")
        qtbot.keyClick(minutes, Qt.Key.Key_Return)
        assert not dialog.isVisible()

    with_new_retro_dialog(qtbot, window, type_it)
    created = [s for s in window.store.list_sessions() if s.id not in before]
    assert [s.title for s in created] == ["Payments cut-over"]
    retro = window.store.load_retro(created[0].id)
    planned = {item.phase: item.planned_seconds for item in retro.agenda}
    assert planned["timeline"] == 25 * 60
    assert sum(planned.values()) == 65 * 60


# -- point 5: the audience window opens where the facilitator sees it ----------------------

FRAME = QMargins(1, 20, 1, 5)


def on_screen(place: QRect, screen: QRect) -> bool:
    return screen.contains(place.marginsAdded(FRAME))


def test_on_one_screen_the_audience_takes_the_corner_away_from_the_main_window() -> None:
    screen = QRect(0, 0, 1920, 1080)
    main = QRect(0, 0, 1282, 745)
    place = audience_geometry([screen], main, FRAME)
    assert place.size() == QSize(1280, 720)
    assert on_screen(place, screen)
    assert place.marginsAdded(FRAME).bottomRight() == screen.bottomRight()
    # A main window in the middle, a little right and low: the audience goes top left.
    place = audience_geometry([screen], QRect(321, 187, 1282, 745), FRAME)
    assert place.marginsAdded(FRAME).topLeft() == screen.topLeft() and on_screen(place, screen)


def test_on_a_1280_by_720_screen_the_audience_fits_it_whole() -> None:
    screen = QRect(0, 0, 1280, 720)
    place = audience_geometry([screen], QRect(0, 0, 1282, 745), FRAME)
    assert place.marginsAdded(FRAME) == screen


def test_a_second_screen_is_the_audience_s_own() -> None:
    first, second = QRect(0, 0, 1920, 1050), QRect(1920, 0, 1280, 1024)
    place = audience_geometry([first, second], QRect(100, 100, 1282, 745), FRAME)
    assert place.marginsAdded(FRAME) == second
    # The main window on the second screen: the first one is the audience's.
    place = audience_geometry([first, second], QRect(2000, 40, 1000, 700), FRAME)
    assert place.marginsAdded(FRAME) == first


def test_f9_opens_the_audience_on_the_screen_above_the_main_window(
    qtbot, window: MainWindow
) -> None:
    press(qtbot, window, "F9")
    audience = window.audience
    assert audience is not None
    qtbot.addWidget(audience)
    qtbot.waitExposed(audience)
    screen = window.screen().availableGeometry()
    assert screen.contains(audience.frameGeometry())
    assert audience.geometry() == audience_geometry([screen], window.frameGeometry(),
                                                    frame_of(window))
    assert window.isActiveWindow() and not audience.isActiveWindow()


def frame_of(window: QWidget) -> QMargins:
    outer, inner = window.frameGeometry(), window.geometry()
    return QMargins(inner.left() - outer.left(), inner.top() - outer.top(),
                    outer.right() - inner.right(), outer.bottom() - inner.bottom())


@pytest.mark.parametrize(("screen", "maximized"), [((1280, 720), True), ((1920, 1080), False)])
def test_a_first_start_on_a_1280_by_720_screen_fills_it(
    qtbot, monkeypatch, db_store: Store, clock: FakeClock, settings: QSettings,
    screen: tuple[int, int], maximized: bool,
) -> None:
    """Under a window manager, 1280x720 plus the frame ran 25 px off a 1280x720 screen."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QScreen

    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(0, 0, *screen))
    window = MainWindow(db_store, clock=clock, settings=settings)
    qtbot.addWidget(window)
    assert window.isMaximized() == maximized
    assert window.size().width() <= 1280


# -- point 7: the timeline page's room ------------------------------------------------------

def timeline_page_at(window: MainWindow, width: int, height: int, zoom: float) -> TimelinePage:
    window.resize(width, height)
    window.go_to_phase(PHASES.index("timeline"))
    window.commands.set_zoom(zoom)
    for _ in range(4):
        QApplication.processEvents()
    page = window.pages["timeline"]
    assert isinstance(page, TimelinePage)
    return page


def rows_in_view(table: QTableView) -> int:
    """Rows shown whole, top to bottom."""
    model, bottom = table.model(), table.viewport().height()
    return sum(0 <= table.rowViewportPosition(row)
               and table.rowViewportPosition(row) + table.rowHeight(row) <= bottom
               for row in range(model.rowCount()))


def shown_whole(table: QTableView, index: QModelIndex) -> bool:
    """Whether a cell's text, wrapped in its column, fits in its row (or was cut with "…")."""
    needed = cell_size(table, index)
    return (needed.width() <= table.columnWidth(index.column())
            and needed.height() <= table.rowHeight(index.row()))


def cell_height(table: QTableView, index: QModelIndex) -> int:
    return cell_size(table, index).height()


def cell_size(table: QTableView, index: QModelIndex) -> QSize:
    option = QStyleOptionViewItem()
    option.initFrom(table)
    option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
    option.font = table.font()
    if index.data(Qt.ItemDataRole.FontRole) is not None:
        option.font = index.data(Qt.ItemDataRole.FontRole).resolve(table.font())
    option.rect = QRect(0, 0, table.columnWidth(index.column()), 10_000)
    return table.itemDelegate().sizeHint(option, index)


@pytest.mark.parametrize("zoom", [1.0, 1.5])
def test_the_timeline_columns_show_their_headings_and_names_whole(
    qtbot, window: MainWindow, zoom: float
) -> None:
    """At 1280x720 the actor column wrapped and cut names, "Source" was clipped, while the two
    check columns took the width of "Decision point" for a box and a word."""
    page = timeline_page_at(window, 1280, 720, zoom)
    table, header = page.table, page.table.horizontalHeader()
    for column in range(page.model.columnCount()):
        assert header.sectionSizeHint(column) <= header.sectionSize(column), column
    # The check columns are a box and a mark wide; their names are in the tooltip and told
    # to a screen reader.
    average = table.fontMetrics().averageCharWidth()
    for column, name in ((DECISION, "Decision point"), (LEARNED, "Learned later")):
        assert header.sectionSize(column) <= 8 * average
        assert page.model.headerData(column, Qt.Orientation.Horizontal,
                                     Qt.ItemDataRole.AccessibleTextRole) == name
        assert name in page.model.headerData(column, Qt.Orientation.Horizontal,
                                             Qt.ItemDataRole.ToolTipRole)
    # Names and sources are laid out within their column, on as many lines as their row has.
    for row in range(page.model.rowCount()):
        table.resizeRowToContents(row)
        # Zoomed in, a source may be cut (whole in its tooltip): the description keeps room.
        for column in (ACTOR, SOURCE) if zoom == 1.0 else (ACTOR,):
            index = page.model.index(row, column)
            # (A link is wrapped at its slashes, a long part of it cut, whole in its tooltip.)
            assert shown_whole(table, index) or "://" in index.data()
    assert table.columnWidth(DESCRIPTION) >= table.viewport().width() // 4


def test_a_name_added_is_measured_and_shown_whole(qtbot, window: MainWindow) -> None:
    page = timeline_page_at(window, 1280, 720, 1.0)
    table = page.table
    average = table.fontMetrics().averageCharWidth()
    qtbot.keyClicks(page.entry, "17:31 Database team on-call engineer: rolls back")
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)
    row = page.model.rowCount() - 1
    table.resizeRowToContents(row)
    assert shown_whole(table, page.model.index(row, ACTOR))
    # Up to a cap: a longer name wraps, and the description keeps the room.
    assert table.columnWidth(ACTOR) <= 16 * average + table.text_margin()


def test_the_facilitator_picture_legend_says_how_it_zooms(qtbot, window: MainWindow) -> None:
    """The legend said "more events: zoom in" without saying how."""
    page = timeline_page_at(window, 1280, 720, 1.0)
    legend = [entry.text for entry in page.picture.legend.entries]
    assert "grouped: Ctrl+wheel zooms" in legend
    assert not any("zoom in" in text for text in legend)
    # And it does: Ctrl+wheel over the picture zooms it.
    canvas = page.picture.viewport()
    centre = QPointF(canvas.width() / 2, canvas.height() / 2)
    wheel = QWheelEvent(centre, canvas.mapToGlobal(centre), QPoint(), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(canvas, wheel)
    assert page.picture.zoom() > 1


@pytest.mark.parametrize(("width", "height", "zoom", "rows"), [
    (1280, 720, 1.0, 6), (1280, 720, 1.3, 3), (1280, 720, 1.5, 3), (1920, 1080, 1.0, 12)])
def test_the_timeline_table_gets_the_room_and_the_picture_is_never_cut(
    qtbot, window: MainWindow, width: int, height: int, zoom: float, rows: int
) -> None:
    """At 1280x720 the table showed about 5 rows under a 170 px picture, and about 1 at
    130-150 % zoom, the picture cut by a scroll bar."""
    page = timeline_page_at(window, width, height, zoom)
    assert rows_in_view(page.table) >= rows
    picture = page.picture
    # The picture is whole (as many lanes of labels as fit, or the axis alone) or, when
    # even that leaves the table too little, out of the way behind its handle.
    assert picture.height() == 0 or not picture.verticalScrollBar().isVisible()
    entry_row = page.entry.geometry().united(page.learned_box.geometry())
    assert entry_row.height() <= 2 * page.entry.height()
    assert page.rect().contains(entry_row)


def test_the_split_the_facilitator_drags_is_kept(qtbot, window: MainWindow) -> None:
    page = timeline_page_at(window, 1280, 720, 1.0)
    split = page.split
    split.moveSplitter(split.sizes()[0] + 40, 1)  # as the handle is dragged
    chosen = split.sizes()[0]
    window.resize(1300, 720)
    for _ in range(3):
        QApplication.processEvents()
    assert split.sizes()[0] == chosen


def test_an_event_added_mid_table_measures_its_own_row_only(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    """With the table showing twice the rows, adding an event re-measured every row on screen
    below it (their heights had moved down with them): point 9's add-event time grew."""
    page = timeline_page_at(window, 1280, 720, 1.0)
    table = page.table
    heights = [table.rowHeight(row) for row in range(page.model.rowCount())]
    measured: list[int] = []
    measure = table.resizeRowToContents

    def counted(row: int) -> None:
        measured.append(row)
        measure(row)

    monkeypatch.setattr(table, "resizeRowToContents", counted)
    table.scrollToTop()
    qtbot.keyClicks(page.entry, "09:41 Ana: reads the merge request")
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)
    for _ in range(3):
        QApplication.processEvents()
    assert measured == [1]
    # The rows below kept the heights they were measured at.
    assert [table.rowHeight(row) for row in range(page.model.rowCount()) if row != 1] == heights


def test_a_description_cut_short_is_whole_in_its_tooltip(qtbot, window: MainWindow) -> None:
    page = timeline_page_at(window, 1280, 720, 1.0)
    table = page.table
    padding = _TextDelegate.ROW_PADDING
    typed = "notes R&D <b>not bold</b> " + "and the retries went on " * 30
    qtbot.keyClicks(page.entry, f"09:41 Ana: {typed}")
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)
    # A long description: its row is a fifth of the table, its text cut (without the room
    # between rows, too).
    index = page.model.index(1, DESCRIPTION)
    assert index.data() == typed.strip()
    assert cell_height(table, index) - padding > table.rowHeight(1)
    line = table.fontMetrics().lineSpacing()
    assert table.rowHeight(index.row()) <= max(table.viewport().height() // 5, 3 * line + padding)
    cell = table.visualRect(index)
    event = QHelpEvent(QEvent.Type.ToolTip, cell.center(), table.viewport().mapToGlobal(
        cell.center()))
    QApplication.sendEvent(table.viewport(), event)
    assert QToolTip.isVisible()
    # Shown as typed: markup people typed is text, and the tooltip is not shown as raw HTML.
    tip = QToolTip.text()
    assert QtGui.Qt.mightBeRichText(tip)
    assert QTextDocumentFragment.fromHtml(tip).toPlainText() == index.data()
    QToolTip.hideText()


def test_shift_tab_skips_the_picture_out_of_the_way(qtbot, window: MainWindow) -> None:
    """At 150 % the picture gives its room to the table; Shift+Tab from the table then put
    the focus on it, where nobody could see it."""
    page = timeline_page_at(window, 1280, 720, 1.5)
    assert page.picture.height() == 0
    page.table.setFocus()
    qtbot.waitUntil(page.table.hasFocus)
    qtbot.keyClick(page.table, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is not page.picture
    # Dragged open again, it takes the focus as before.
    page.split.moveSplitter(200, 1)
    assert page.picture.height() > 0
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is page.picture


def test_an_added_event_does_not_lay_out_the_whole_audience_window(
    qtbot, window: MainWindow
) -> None:
    """Point 9: every added event made the audience window lay itself out again (its list of
    newest events changed texts inside one layout with everything else)."""
    from PySide6.QtCore import QEvent, QObject

    audience = open_audience(qtbot, window)
    window.go_to_phase(PHASES.index("timeline"))
    QApplication.processEvents()

    class Count(QObject):
        layouts = 0

        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.LayoutRequest:
                Count.layouts += 1
            return False

    counter = Count()
    audience.installEventFilter(counter)
    entry = window.pages["timeline"].entry
    for minute in range(3):
        qtbot.keyClicks(entry, f"17:0{minute + 1} Sam: checked the queue again")
        qtbot.keyClick(entry, Qt.Key.Key_Return)
        QApplication.processEvents()
    assert audience.timeline.recent.shown_labels()[-1].text().startswith("17:03 Sam: checked")
    assert Count.layouts == 0
    audience.removeEventFilter(counter)
