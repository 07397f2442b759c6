"""What a screen reader is told: a name and a description for every control in both windows, on
every page, the timeline picture's events as words, and Tab going the way the eye reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QDateTimeEdit,
    QLabel,
    QScrollBar,
    QTabBar,
    QWidget,
)

from retro_desk.storage import Store
from retro_desk.ui.main_window import MainWindow
from tests.fakes import FakeClock
from tests.ui.windows import open_audience, open_window, press, sample_store


@pytest.fixture
def window(qtbot, tmp_path: Path, clock: FakeClock, settings: QSettings) -> MainWindow:
    store: Store = sample_store(tmp_path)
    return open_window(qtbot, store, clock, settings)


def spoken(widget: QWidget, kind: QAccessible.Text) -> str:
    """What assistive technology gets: the explicit text, or what Qt derives (a button's
    label, a tooltip, a line's placeholder)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None, widget
    return interface.text(kind).strip()


def shown(widget: QWidget) -> bool:
    return widget.isVisibleTo(widget.window()) and widget.isEnabled()


def focusable(window: QWidget) -> list[QWidget]:
    """Every widget that can take the focus by keyboard or mouse, as Qt decides."""
    return [
        widget for widget in window.findChildren(QWidget)
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus and widget.focusProxy() is None
        and shown(widget) and not isinstance(widget, QScrollBar)
        and widget.window() is window  # not the list of a closed drop-down, a window of its own
    ]


def tab_chain(qtbot, window: QWidget) -> list[QWidget]:
    """The widgets Tab visits, in order, from the top of the window: pressed, not computed,
    so a control Tab never reaches (or one it cannot leave) shows."""
    first = window.left.tabBar() if isinstance(window, MainWindow) else window.focusWidget()
    assert first is not None
    first.setFocus(Qt.FocusReason.TabFocusReason)
    chain = [first]
    for _ in range(200):
        press(qtbot, window, "Tab")
        focused = window.focusWidget()
        if focused is chain[-1] and isinstance(focused, QDateTimeEdit):
            continue  # Tab walks a date's year, month and day, then leaves it
        assert focused is not None and focused not in chain[1:], (
            f"Tab is stuck in {type(focused).__name__} {focused.accessibleName()!r}")
        if focused is first:
            return chain
        chain.append(focused)
    raise AssertionError("Tab never came back to the top of the window")


def each_phase(qtbot, window: MainWindow) -> Iterator[str]:
    assert window.timer is not None
    for index, item in enumerate(window.timer.agenda):
        window.go_to_phase(index)
        assert window.current_phase() == item.phase
        yield item.phase


def unnamed(window: QWidget) -> list[str]:
    problems = []
    for widget in focusable(window):
        interface = QAccessible.queryAccessibleInterface(widget)
        # A tab bar speaks for its tabs: each needs a name and a description of its own.
        parts = ([tab for tab in map(interface.child, range(interface.childCount()))
                  if tab.role() == QAccessible.Role.PageTab]
                 if isinstance(widget, QTabBar) else [interface])
        for part in parts:
            name = part.text(QAccessible.Text.Name).strip()
            where = f"{type(widget).__name__} {name!r}"
            if not name:
                problems.append(f"{where}: no name")
            elif not part.text(QAccessible.Text.Description).strip():
                problems.append(f"{where}: no description")
    return problems


def test_every_control_on_every_page_has_a_name_and_a_description(
    qtbot, window: MainWindow
) -> None:
    problems: dict[str, list[str]] = {}
    for phase in each_phase(qtbot, window):
        problems[phase] = unnamed(window)
    window.search_all()  # the Search tab, built on first use
    problems["search"] = unnamed(window)
    assert problems == {name: [] for name in problems}
    # The walk saw the work of every page, not only the panels around it.
    assert len(problems) == len(window.timer.agenda) + 1


def test_the_audience_window_names_what_it_shows(qtbot, window: MainWindow) -> None:
    audience = open_audience(qtbot, window)
    problems = {}
    for phase in each_phase(qtbot, window):
        missing = []
        for widget in audience.findChildren(QWidget):
            if not widget.isVisibleTo(audience) or isinstance(widget, QScrollBar):
                continue
            draws_itself = not isinstance(widget, QLabel) and type(widget).__module__.startswith(
                "retro_desk")
            says_something = isinstance(widget, QLabel) and widget.text().strip()
            if (draws_itself or says_something) and not spoken(widget, QAccessible.Text.Name):
                missing.append(type(widget).__name__)
        problems[phase] = missing
        # Nothing in it takes the focus: the facilitator types in the main window.
        assert focusable(audience) == [] or all(
            isinstance(widget, QAbstractScrollArea) for widget in focusable(audience))
    assert problems == {phase: [] for phase in problems}


def test_the_timeline_picture_tells_its_events_in_words(qtbot, window: MainWindow) -> None:
    phases = list(each_phase(qtbot, window))
    window.go_to_phase(phases.index("timeline"))
    page = window.current_page()
    picture = page.picture  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: "events" in picture.accessibleDescription())
    description = spoken(picture, QAccessible.Text.Description)
    assert description.startswith("30 events, 6 decision points, 3 learned later; ")
    assert spoken(picture, QAccessible.Text.Name) == "Timeline picture"
    # Every event in view is there as a sentence, with its marks: the first and a decision.
    assert "09:40 Łukasz Nowicki: Merges SEC-482" in description
    assert "email campaign for an hour, decision point. " in description
    # Typing an event adds it to what is said.
    qtbot.keyClicks(page.entry, "16:55 Ana: wrote the customer notice")
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "31 events" in picture.accessibleDescription())
    picture.set_zoom(1.0)
    assert "16:55 Ana: wrote the customer notice" in picture.accessibleDescription()
    # Zoomed in and scrolled to the start, only what is in view is read out.
    picture.setFocus()
    for _ in range(6):
        qtbot.keyClick(picture, Qt.Key.Key_Plus)
    qtbot.keyClick(picture, Qt.Key.Key_Home)
    zoomed = picture.accessibleDescription()
    assert "09:40 Łukasz Nowicki: " in zoomed
    assert "16:55 Ana" not in zoomed


def box(widget: QWidget, window: QWidget) -> QRect:
    """Where `widget` is seen in `window`: cut to what its scroll areas show, or, scrolled out
    of sight, the whole scroll area (it is read there, when scrolled in)."""
    seen = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        frame = QRect(parent.mapTo(window, QPoint(0, 0)), parent.size())
        if not seen.intersects(frame):
            seen = frame
        else:
            seen = seen.intersected(frame)
        parent = parent.parentWidget()
    return seen


def reads_before(first: QRect, second: QRect) -> bool:
    """The eye reads `first` before `second`: it is above it in the same column, or left of it
    in the same row."""
    same_column = first.left() < second.right() and second.left() < first.right()
    same_row = first.top() < second.bottom() and second.top() < first.bottom()
    return (same_column and first.bottom() <= second.top()) or (
        same_row and first.right() <= second.left()
    )


def out_of_order(qtbot, window: QWidget) -> list[str]:
    # Where each control is before Tab scrolls anything into view.
    where = {widget: box(widget, window) for widget in focusable(window)}
    chain = tab_chain(qtbot, window)
    unreached = [f"{type(w).__name__} {spoken(w, QAccessible.Text.Name)!r} is never reached"
                 for w in focusable(window)
                 if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w not in chain]
    boxes = [where.get(widget) or box(widget, window) for widget in chain]
    names = [f"{type(w).__name__} {spoken(w, QAccessible.Text.Name)!r}" for w in chain]
    return unreached + [
        f"{names[later]} comes after {names[earlier]}"
        for earlier in range(len(chain)) for later in range(earlier + 1, len(chain))
        if reads_before(boxes[later], boxes[earlier])
    ]


def test_tab_follows_the_visual_order_on_every_page(qtbot, window: MainWindow) -> None:
    problems = {phase: out_of_order(qtbot, window) for phase in each_phase(qtbot, window)}
    window.search_all()
    problems["search"] = out_of_order(qtbot, window)
    assert problems == {name: [] for name in problems}


def test_tab_walks_the_three_columns_left_to_right(qtbot, window: MainWindow) -> None:
    phases = list(each_phase(qtbot, window))
    window.go_to_phase(phases.index("timeline"))
    page = window.current_page()
    chain = tab_chain(qtbot, window)
    order = [window.left.tabBar(), window.sessions.filter, window.sessions.view,
             page.picture, page.table, page.entry,  # type: ignore[union-attr]
             window.side.parking.view, window.side.parking.entry, window.side.notes,
             window.side.reflection.list]
    assert [chain.index(widget) for widget in order] == sorted(
        chain.index(widget) for widget in order)
    # And the keys do what the chain says: Tab from the entry line reaches the side panel.
    page.entry.setFocus()  # type: ignore[union-attr]
    for expected in chain[chain.index(page.entry) + 1:][:3]:  # type: ignore[union-attr]
        press(qtbot, window, "Tab")
        assert window.focusWidget() is expected, (
            window.focusWidget().accessibleName(), expected.accessibleName())


def test_the_new_retro_dialog_names_its_fields_and_tabs_down_the_form(
    qtbot, window: MainWindow
) -> None:
    from retro_desk.ui.new_session_dialog import NewSessionDialog

    dialog = NewSessionDialog(window, window.store)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.title.setFocus()
    assert unnamed(dialog) == []
    assert out_of_order(qtbot, dialog) == []
    minutes = [w for w in focusable(dialog) if spoken(w, QAccessible.Text.Name).endswith(
        " minutes")]
    assert [spoken(w, QAccessible.Text.Name) for w in minutes][:2] == [
        "Opening minutes", "Feelings round minutes"]


def test_the_csv_preview_and_template_dialogs_name_their_controls(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    from retro_desk.ui.csv_import_dialog import CsvImportDialog
    from retro_desk.ui.template_dialog import TemplateNameDialog

    csv = tmp_path / "timeline.csv"
    csv.write_text("time,actor,description\n2026-11-20 10:00,Ana,paged the on-call\n",
                   encoding="utf-8")
    assert window.editor is not None
    for dialog in (CsvImportDialog(csv, window.editor.retro.session, window),
                   TemplateNameDialog(["Short review"], "Opening 5 min, Close 2 min", window)):
        qtbot.addWidget(dialog)
        with qtbot.waitExposed(dialog):
            dialog.show()
        assert unnamed(dialog) == [], type(dialog).__name__
        assert focusable(dialog), type(dialog).__name__
