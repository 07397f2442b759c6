"""Render the README's screenshots offscreen from the sample retro: both windows, light and dark."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from retro_desk.export import session_file  # noqa: E402
from retro_desk.paths import resource  # noqa: E402
from retro_desk.storage import Store  # noqa: E402
from retro_desk.ui.main_window import MainWindow  # noqa: E402

DOCS = Path(__file__).resolve().parent
SIZE = (1280, 720)
FULL_HD = (1920, 1080)
# (file name, phase index, theme, which window); the phases a facilitator shares most.
SHOTS = (
    ("main-timeline-light.png", 2, "light", "main"),
    ("main-timeline-dark.png", 2, "dark", "main"),
    ("audience-feelings-light.png", 1, "light", "audience"),
    ("audience-feelings-dark.png", 1, "dark", "audience"),
    ("audience-timeline-light.png", 2, "light", "audience"),
    ("audience-timeline-dark.png", 2, "dark", "audience"),
    ("audience-rationality-light.png", 3, "light", "audience"),
    ("audience-opening-1080p-dark.png", 0, "dark", "audience-1080p"),
    ("main-rationality-high-contrast.png", 3, "high-contrast", "main"),
)


class StillClock:
    """Time that moves only when told to, so each picture shows the figure chosen for it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return 1_795_000_000.0 + self.now


def settle(app: QApplication, window: MainWindow, widget: QWidget) -> None:
    window.tick()
    for _ in range(3):
        app.processEvents()
    widget.repaint()


def main(out: Path = DOCS) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    folder = Path(tempfile.mkdtemp(prefix="retro-desk-shots-"))
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    store = Store.open(folder / "retros.sqlite3")
    retro = session_file.read_file(resource("sample_retro.json"))
    # The sample is a finished retro; the pictures show it being run.
    retro.session.status = "live"
    for item in retro.agenda:
        item.spent_seconds = 0
    store.create_retro(retro)
    clock = StillClock()
    window = MainWindow(store, clock=clock, settings=settings)
    # The offscreen screen is 800x800, which a first start fills; the pictures are 1280x720.
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(*SIZE)
    window.show()
    window.open_most_recent()
    window.commands.toggle_audience()
    audience = window.audience
    assert audience is not None
    audience.resize(*SIZE)
    feelings = window.pages["feelings"]
    for shot, phase, theme, which in SHOTS:
        # As the facilitator switches theme: live, with both windows open.
        window.commands.set_theme(theme)
        audience.resize(*(FULL_HD if which == "audience-1080p" else SIZE))
        window.go_to_phase(phase)
        # Two minutes and eighteen seconds into each phase: 07:42 left of ten minutes.
        window.commands.reset_timer()
        if window.timer is not None and not window.timer.running:
            window.commands.toggle_timer()
        clock.now += 138
        if phase == 1:
            feelings.previous_speaker()
            feelings.next_speaker()
            feelings.next_speaker()
        if phase == 3:
            window.pages["rationality"].step(1)
            window.activateWindow()
            app.processEvents()
            window.pages["rationality"].cards["knowledge"].answer.setFocus()
        target = window if which == "main" else audience
        if phase == 0:
            window.commands.reset_timer()
        settle(app, window, target)
        target.grab().save(str(out / shot))
        print(out / shot)
    audience.close()
    window.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
