"""Fixtures for widget tests: an in-memory store holding the sample retro, and an editor on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings
from PySide6.QtGui import QFont, QScreen
from PySide6.QtWidgets import QApplication

from retro_desk.editor import SessionEditor
from retro_desk.export import session_file
from retro_desk.paths import resource
from retro_desk.storage import Store
from retro_desk.ui.pages.page import PhasePage
from tests.fakes import FakeClock


@pytest.fixture(autouse=True)
def application_font(qapp: QApplication) -> Iterator[None]:
    """Zoom sets the application's font; a test that zooms must not leave the next test's
    windows starting from a larger type (their zoom is relative to it)."""
    font = QFont(QApplication.font())
    yield
    QApplication.setFont(font)


@pytest.fixture(autouse=True)
def meeting_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The offscreen platform's one screen is 800x800; a facilitator's is 1920x1080. Where the
    app measures the screen (the audience window's place, a dialog's size) it sees that one."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda screen: QRect(0, 0, 1920, 1080))


@pytest.fixture
def store() -> Store:
    return Store.in_memory()


@pytest.fixture
def sample_editor(store: Store) -> SessionEditor:
    session_id = store.create_retro(session_file.read_file(resource("sample_retro.json")))
    return SessionEditor(store, session_id)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def show_page(qtbot, page: PhasePage, editor: SessionEditor) -> PhasePage:
    """A page on its own, as the main window shows it: fed every change, active, focused."""
    qtbot.addWidget(page)
    page.context.live.open(editor, None)
    page.set_editor(editor)
    # The main window forwards every change to every page; here the test does.
    editor.listeners.append(page.on_change)
    page.resize(900, 600)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.focus_entry()
    return page
