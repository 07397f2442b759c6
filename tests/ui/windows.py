"""A main window on a database holding the sample retro, as a facilitator starts the meeting."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QWidget

from retro_desk.export import session_file
from retro_desk.paths import resource
from retro_desk.storage import Store
from retro_desk.ui.audience_window import AudienceWindow
from retro_desk.ui.main_window import MainWindow
from tests.fakes import FakeClock


def sample_store(folder: Path) -> Store:
    store = Store.open(folder / "retros.sqlite3")
    retro = session_file.read_file(resource("sample_retro.json"))
    # The sample is a finished retro; these tests run it again from the start.
    retro.session.status = "draft"
    for item in retro.agenda:
        item.spent_seconds = 0
    store.create_retro(retro)
    return store


def open_window(qtbot, store: Store, clock: FakeClock, settings: QSettings) -> MainWindow:
    window = MainWindow(store, clock=clock, settings=settings)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.open_most_recent()
    return window


def open_audience(qtbot, window: MainWindow) -> AudienceWindow:
    """F9, as the facilitator presses it."""
    press(qtbot, window, "F9")
    audience = window.audience
    assert isinstance(audience, AudienceWindow)
    qtbot.addWidget(audience)
    qtbot.waitExposed(audience)
    # The facilitator shares the audience window and goes on typing in the main one.
    with qtbot.waitActive(window):
        window.activateWindow()
    return audience


def press(qtbot, window: QWidget, key: str) -> None:
    """Press a shortcut the way a person does in `window`: on its widget with the focus."""
    combo = QKeySequence(key)[0]
    qtbot.keyClick(window.focusWidget() or window, combo.key(), combo.keyboardModifiers())
