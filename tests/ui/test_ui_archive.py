"""The archive in the window: the Actions view, the Insights page, File ▸ Publish to folder…"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from retro_desk.export import session_file
from retro_desk.model import Learning, Retro, Session
from retro_desk.paths import resource
from retro_desk.storage import Store
from retro_desk.ui.main_window import MainWindow
from retro_desk.ui.theme import current_palette
from retro_desk.ui.widgets import archive_views
from retro_desk.ui.widgets.actions_view import ActionsView
from tests.fakes import FakeClock


@pytest.fixture
def db_store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "retros.sqlite3")
    sample = session_file.read_file(resource("sample_retro.json"))
    sample.private_notes = "Ask Łukasz privately about the SEC-482 review queue"
    store.create_retro(sample)
    second = session_file.read_file(resource("sample_retro.json"))
    second.session.uuid = "second"
    second.session.title = "Second retro"
    store.create_retro(second)
    store.create_retro(Retro(Session(uuid="empty", title="Nothing agreed")))
    yield store
    store.close()


@pytest.fixture
def window(qtbot, db_store: Store, clock: FakeClock, settings: QSettings) -> MainWindow:
    window = MainWindow(db_store, clock=clock, settings=settings)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    sample = next(s for s in db_store.list_sessions() if s.title != "Second retro"
                  and s.title != "Nothing agreed")
    assert sample.id is not None
    window.open_session(sample.id)
    return window


def show_actions(qtbot, window: MainWindow) -> ActionsView:
    window.left.setCurrentWidget(window.archive.actions_tab)
    view = window.archive.actions
    view.today = lambda: dt.date(2026, 12, 5)
    view.refresh()
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)
    return view


def shown_rows(view: ActionsView) -> list[tuple[str, ...]]:
    model = view.model
    return [
        tuple(str(model.index(row, column).data()) for column in range(model.columnCount()))
        for row in range(model.rowCount())
    ]


def test_actions_view_lists_open_actions_of_every_retro_overdue_first(
    qtbot, window: MainWindow
) -> None:
    view = show_actions(qtbot, window)
    rows = shown_rows(view)
    assert len(rows) == 8  # four open actions in each sample retro
    assert [row[0] for row in rows[:4]] == ["overdue"] * 4
    assert {row[4] for row in rows} == {"Second retro",
                                       "Checkout payments failing after a certificate renewal"}
    qtbot.mouseClick(view.open_only, Qt.MouseButton.LeftButton)
    assert len(shown_rows(view)) == 10
    qtbot.keyClicks(view.owner, "AMARA okafor")
    assert {row[2] for row in shown_rows(view)} == {"Amara Okafor"}


def test_space_marks_done_and_ctrl_z_undoes_it(
    qtbot, window: MainWindow, db_store: Store
) -> None:
    view = show_actions(qtbot, window)
    first = view.chosen()
    assert first is not None and first.state == "overdue"
    session_id, action_id = first.tracked.session_id, first.tracked.action.id

    def stored_done() -> bool:
        return next(a.done for a in db_store.load_retro(session_id).actions if a.id == action_id)

    qtbot.keyClick(view.table, Qt.Key.Key_Space)
    assert stored_done()
    assert len(shown_rows(view)) == 7
    assert "7 actions" in view.summary.text()
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not stored_done()
    assert len(shown_rows(view)) == 8
    qtbot.keyClick(view.table, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert stored_done()


def test_marking_an_action_of_the_open_retro_shows_on_its_page_and_undoes_from_edit(
    qtbot, window: MainWindow, db_store: Store
) -> None:
    assert window.editor is not None
    open_id = window.editor.session_id
    view = show_actions(qtbot, window)
    for row in range(view.model.rowCount()):
        if view.model.rows[row].tracked.session_id == open_id:
            view.table.selectRow(row)
            break
    chosen = view.chosen()
    assert chosen is not None
    qtbot.mouseClick(view.done_button, Qt.MouseButton.LeftButton)
    in_window = next(a for a in window.editor.retro.actions if a.id == chosen.tracked.action.id)
    assert in_window.done
    assert window.actions_by_name["undo"].isEnabled()
    window.actions_by_name["undo"].trigger()
    assert not next(a.done for a in db_store.load_retro(open_id).actions
                    if a.id == chosen.tracked.action.id)


def test_a_retro_marked_from_the_view_opens_with_that_edit_to_undo(
    qtbot, window: MainWindow, db_store: Store
) -> None:
    view = show_actions(qtbot, window)
    other = next(r for r in view.model.rows if r.tracked.session_title == "Second retro")
    view.table.selectRow(view.model.rows.index(other))
    qtbot.keyClick(view.table, Qt.Key.Key_Space)
    window.open_session(other.tracked.session_id)
    assert window.editor is not None
    assert window.editor.undo_stack.undo_label() == "Edit action"
    window.commands.undo()
    assert not next(a.done for a in db_store.load_retro(other.tracked.session_id).actions
                    if a.id == other.tracked.action.id)


def test_insights_page_draws_its_charts(qtbot, window: MainWindow, tmp_path: Path) -> None:
    window.left.setCurrentWidget(window.archive.insights_tab)
    page = window.archive.insights
    assert page.insights is not None
    # The retro with no incident date counts in the month it was made.
    assert [bar.label for bar in page.blame.bars] == ["2026-11", dt.date.today().isoformat()[:7]]
    assert page.categories.bars and page.categories.bars[0].value >= page.categories.bars[-1].value
    assert "2 of 10 done (20%)" in page.action_summary.text()
    assert "2026-11" in page.feelings.accessibleDescription()
    page.resize(420, 700)
    image = page.blame.grab().toImage()
    # The bar is drawn: some pixel in the chart is in the accent colour.
    accent = current_palette().accent.rgb()
    assert any(image.pixel(x, y) == accent for x in range(0, image.width(), 2)
               for y in range(image.height()))


def test_publish_to_folder_remembers_the_folder(
    qtbot, window: MainWindow, settings: QSettings, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "team-archive"
    target.mkdir()
    offered: list[str] = []

    def ask(parent: object, title: str, start: str) -> str:
        offered.append(start)
        return str(target)

    monkeypatch.setattr(archive_views, "ask_folder", ask)
    window.actions_by_name["publish"].trigger()
    assert (target / "README.md").is_file()
    assert len(list(target.glob("*/session.json"))) == 3
    assert "Published 3 retros" in window.status.text()
    for path in target.rglob("*"):
        if path.is_file():
            assert "privately" not in path.read_text(encoding="utf-8"), path
    window.actions_by_name["publish"].trigger()
    assert offered == ["", str(target)]
    assert "nothing changed" in window.status.text()
    assert settings.value(archive_views.PUBLISH_FOLDER_KEY) == str(target)


def test_a_long_list_of_retros_is_fetched_as_it_is_scrolled(qtbot) -> None:
    from retro_desk.ui.widgets.session_list import SessionList

    sessions = [Session(uuid=f"u{n}", title=f"Retro number {n}", id=n + 1) for n in range(1000)]
    listing = SessionList()
    qtbot.addWidget(listing)
    listing.resize(240, 400)
    listing.set_sessions(sessions, None)
    listing.show()
    qtbot.waitExposed(listing)
    shown = listing.model.rowCount()
    assert shown < 100
    bar = listing.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())  # dragged to the end, as a person scrolls
    qtbot.waitUntil(lambda: listing.model.rowCount() > shown)
    # The filter looks through all of them, and choosing one far down shows it.
    qtbot.keyClicks(listing.filter, "number 987")
    assert listing.proxy.rowCount() == 1
    listing.filter.clear()
    listing.select(990)
    assert listing.selected() == sessions[989]


def test_import_folder_updates_the_open_retro_and_shows_the_new_copy(
    qtbot, window: MainWindow, db_store: Store, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import json

    from retro_desk.archive.publish import publish

    folder = tmp_path / "team"
    publish(db_store, folder)
    assert window.editor is not None
    open_id = window.editor.session_id
    uuid = window.editor.retro.session.uuid
    path = next(p for p in folder.glob("*/session.json")
                if json.loads(p.read_text())["session"]["uuid"] == uuid)
    document = json.loads(path.read_text())
    document["learnings"].append({"text": "Added by a teammate"})
    path.write_text(json.dumps(document))
    messages: list[tuple[str, str]] = []
    monkeypatch.setattr(archive_views, "ask_folder", lambda *args: str(folder))
    monkeypatch.setattr(window, "show_message", lambda title, text: messages.append((title, text)))
    window.actions_by_name["import_folder"].trigger()
    assert messages == [("Imported", "0 added, 1 updated, 2 unchanged, 0 conflicts")]
    assert window.editor is not None and window.editor.session_id == open_id
    assert window.editor.retro.learnings[-1].text == "Added by a teammate"
    # The open retro goes on taking edits after it was replaced.
    window.editor.add(Learning("And one more here"))
    assert db_store.load_retro(open_id).learnings[-1].text == "And one more here"


def test_enter_opens_the_retro_of_the_chosen_action(qtbot, window: MainWindow) -> None:
    view = show_actions(qtbot, window)
    other = next(r for r in view.model.rows if r.tracked.session_title == "Second retro")
    view.table.selectRow(view.model.rows.index(other))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert window.editor is not None
    assert window.editor.session_id == other.tracked.session_id
    assert window.windowTitle().startswith("Second retro")
