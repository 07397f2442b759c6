"""Searching every retro from the window: typed as a person would, results opened by keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from retro_desk.agenda import default_agenda
from retro_desk.export import session_file
from retro_desk.model import Event, Learning, Retro, Session
from retro_desk.paths import resource
from retro_desk.storage import Store
from retro_desk.storage.search import RetroMatches, SearchHit
from retro_desk.ui.main_window import MainWindow
from retro_desk.ui.search_panel import HtmlRole, SearchPanel, SearchResultsModel
from retro_desk.ui.timeline_model import DESCRIPTION
from tests.fakes import FakeClock


@pytest.fixture
def db_store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "retros.sqlite3")
    sample = session_file.read_file(resource("sample_retro.json"))
    sample.private_notes = "Ask Łukasz privately about the SEC-482 review queue"
    store.create_retro(sample)
    store.create_retro(Retro(
        session=Session(uuid="dns", title="DNS study", kind="external",
                        incident_date="2026-10-02", timezone="UTC"),
        agenda=default_agenda("external"),
        timeline=[Event("e1", "2026-10-02T09:00:00+00:00", "Resolver cache expired",
                        actor="Provider")],
        learnings=[Learning("Negative caching hid the certificate problem")],
    ))
    yield store
    store.close()


@pytest.fixture
def window(qtbot, db_store: Store, clock: FakeClock, settings: QSettings) -> MainWindow:
    window = MainWindow(db_store, clock=clock, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    [sample] = [s for s in db_store.list_sessions() if s.uuid != "dns"]
    window.open_session(sample.id)
    return window


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def keys(qtbot, sequence: str) -> None:
    combo = QKeySequence(sequence)[0]
    qtbot.keyClick(focused(), combo.key(), combo.keyboardModifiers())


def rows(panel: SearchPanel) -> list[tuple[str, list[str]]]:
    """What the results list shows: each retro's line, and its hits' lines."""
    model = panel.model
    shown = []
    for row in range(model.rowCount()):
        group = model.index(row, 0)
        hits = [model.index(i, 0, group).data() for i in range(model.rowCount(group))]
        shown.append((group.data().splitlines()[0], hits))
    return shown


def test_ctrl_shift_f_searches_every_retro_as_you_type(qtbot, window: MainWindow) -> None:
    keys(qtbot, "Ctrl+Shift+F")
    assert window.left.currentWidget().isAncestorOf(window.search)
    assert focused() is window.search.query
    qtbot.keyClicks(focused(), "certificate")
    shown = rows(window.search)
    assert [title for title, _hits in shown] == [
        "Checkout payments failing after a certificate renewal", "DNS study",
    ]
    sample_hits = shown[0][1]
    assert sample_hits[0] == "Title: Checkout payments failing after a certificate renewal"
    assert sample_hits[1].startswith("Summary: …cert-manager renewed")
    assert any(hit.startswith("Timeline 14:3") for hit in sample_hits)
    assert shown[1][1] == ["Learning 1: Negative caching hid the certificate problem"]
    assert window.search.message.text() == (
        "13 matches in 2 retros; the best of each retro are shown."
    )
    assert window.search.model.index(0, 0).data().endswith("· own · 12 matches, 11 shown")
    # The match itself is drawn in bold.
    hit = window.search.model.index(0, 0, window.search.model.index(1, 0))
    assert "<b><u>certificate</u></b>" in hit.data(HtmlRole)


def test_enter_on_a_timeline_hit_opens_that_retro_at_that_event(qtbot, window: MainWindow) -> None:
    dns_id = next(s.id for s in window.store.list_sessions() if s.title == "DNS study")
    assert window.editor.session_id != dns_id
    keys(qtbot, "Ctrl+Shift+F")
    qtbot.keyClicks(focused(), "resolver")
    keys(qtbot, "Down")
    assert focused() is window.search.view
    keys(qtbot, "Down")  # from the retro's line to its first hit
    current = window.search.model.item(window.search.view.currentIndex())
    assert isinstance(current, SearchHit)
    keys(qtbot, "Return")
    assert window.editor.session_id == dns_id
    assert window.stack.currentWidget() is window.pages["timeline"]
    page = window.pages["timeline"]
    selected = page.table.currentIndex()
    assert selected.column() == DESCRIPTION
    assert selected.data() == "Resolver cache expired"
    stored = window.store.load_retro(dns_id).timeline[0]
    assert (stored.key, stored.description) == (current.place.ref, "Resolver cache expired")


def test_a_hit_in_an_answer_opens_that_decision_and_category(qtbot, window: MainWindow) -> None:
    keys(qtbot, "Ctrl+Shift+F")
    qtbot.keyClicks(focused(), "halfway drill")
    [(_title, [text])] = rows(window.search)
    assert text.startswith("Decision 14:41, attention: ")
    keys(qtbot, "Return")  # Enter in the query line opens the first hit
    page = window.pages["rationality"]
    assert window.stack.currentWidget() is page
    [hit] = window.store.search("halfway drill").groups[0].hits
    chosen = page.decisions.currentItem().data(Qt.ItemDataRole.UserRole)
    assert f"{chosen}:attention" == hit.place.ref
    assert page.cards["attention"].answer.hasFocus()
    assert "halfway" in page.cards["attention"].answer.toPlainText()


def test_private_notes_are_searched_only_when_ticked(qtbot, window: MainWindow) -> None:
    keys(qtbot, "Ctrl+Shift+F")
    qtbot.keyClicks(focused(), "queue")
    assert not any("Private notes" in hit for _t, hits in rows(window.search) for hit in hits)
    qtbot.mouseClick(window.search.private, Qt.MouseButton.LeftButton)
    private = [hit for _t, hits in rows(window.search) for hit in hits if "Private" in hit]
    assert private == ["Private notes: Ask Łukasz privately about the SEC-482 review queue"]
    window.search.view.setFocus()
    model = window.search.model
    group = model.index(0, 0)
    hits = [model.index(row, 0, group) for row in range(model.rowCount(group))]
    window.search.view.setCurrentIndex(next(h for h in hits if "Private" in h.data()))
    keys(qtbot, "Return")
    assert window.side.notes.hasFocus()


@pytest.mark.parametrize("typed", ["!!!", '"', "***", "AND (", "title:"])
def test_odd_queries_give_a_message_never_an_error(qtbot, window: MainWindow, typed: str) -> None:
    keys(qtbot, "Ctrl+Shift+F")
    qtbot.keyClicks(focused(), typed)
    text = window.search.message.text()
    assert text
    assert "Traceback" not in text and "fts5" not in text


def test_no_match_says_so(qtbot, window: MainWindow) -> None:
    keys(qtbot, "Ctrl+Shift+F")
    qtbot.keyClicks(focused(), "kubernetes")
    assert window.search.model.rowCount() == 0
    assert window.search.message.text() == "No retro matches “kubernetes”."


def test_enter_in_the_filter_with_no_title_match_searches_inside(qtbot, window) -> None:
    keys(qtbot, "Ctrl+F")
    assert window.left.currentWidget() is window.sessions
    qtbot.keyClicks(focused(), "negative caching")
    assert window.sessions.proxy.rowCount() == 0
    keys(qtbot, "Return")
    assert window.left.currentWidget().isAncestorOf(window.search)
    assert window.search.query.text() == "negative caching"
    assert rows(window.search)[0][0] == "DNS study"
    keys(qtbot, "Ctrl+F")
    assert window.left.currentWidget() is window.sessions


def test_results_follow_edits_and_deleted_retros(qtbot, window, monkeypatch) -> None:
    from retro_desk.ui import main_window as module

    window.go_to_phase(4)
    qtbot.keyClicks(focused(), "Freshly typed lesson about zebras")
    keys(qtbot, "Return")
    keys(qtbot, "Ctrl+Shift+F")
    qtbot.keyClicks(focused(), "zebras")
    assert rows(window.search) == [
        ("Checkout payments failing after a certificate renewal",
         ["Learning 6: Freshly typed lesson about zebras"]),
    ]
    window.actions_by_name["undo"].trigger()  # Edit ▸ Undo add learning
    keys(qtbot, "Ctrl+F")
    keys(qtbot, "Ctrl+Shift+F")
    assert rows(window.search) == []
    monkeypatch.setattr(module, "confirm", lambda *args: True)
    window.search.search_for("certificate")
    assert len(rows(window.search)) == 2
    window.delete_retro()
    assert [title for title, _hits in rows(window.search)] == ["DNS study"]


def test_the_results_model_passes_the_model_tester(qtmodeltester, db_store: Store) -> None:
    model = SearchResultsModel()
    model.set_results(db_store.search("certificate"))
    qtmodeltester.check(model)
    top = model.index(0, 0)
    assert isinstance(model.data(top, Qt.ItemDataRole.UserRole), RetroMatches)
    assert isinstance(model.data(model.index(0, 0, top), Qt.ItemDataRole.UserRole), SearchHit)
    assert model.parent(model.index(0, 0, top)) == top
    assert model.parent(top) == QModelIndex()
    model.set_results(None)
    qtmodeltester.check(model)


def test_the_search_tab_at_the_size_of_a_shared_screen(qtbot, window) -> None:
    keys(qtbot, "Ctrl+Shift+F")
    qtbot.keyClicks(focused(), "certificate")
    window.resize(1280, 720)
    picture = window.left.grab()
    assert picture.width() >= 140 and picture.height() > 300
    # Every result row is tall enough for its label and a wrapped snippet.
    view = window.search.view
    first_hit = window.search.model.index(0, 0, window.search.model.index(0, 0))
    assert view.visualRect(first_hit).height() >= 2 * view.fontMetrics().height()
