"""What the main window remembers between meetings: its place and size, how the width is
shared between the retro list, the session and the side panel, which panels are shown, the
theme's menu check and the zoom."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt

from retro_desk.ui.theme import THEMES, current_theme

if TYPE_CHECKING:
    from retro_desk.ui.main_window import MainWindow

# Without a remembered split: most of the width for the session, the list and the notes
# narrow (the list's tabs shorten their names to fit).
LIST_PX, SIDE_PX = 190, 240
# The Actions and Insights tables of every retro: the list widens to at least this share of
# the width while they are shown, and goes back to its own width after.
WIDE_SHARE, CENTRE_MIN_PX = 0.45, 360
# Room a window manager's frame takes around the window: title bar and borders.
FRAME_ALLOWANCE = (16, 48)


def zoom_of(settings: QSettings) -> float:
    value = settings.value("zoom", 1.0, type=float)
    return float(value) if isinstance(value, (int, float, str)) else 1.0


def show_left(window: MainWindow, shown: bool) -> None:
    window.left.setVisible(shown)
    window.actions_by_name["retro_list"].setChecked(shown)
    window.settings.setValue("show_retro_list", shown)


def show_side(window: MainWindow, shown: bool) -> None:
    window.side.setVisible(shown)
    window.actions_by_name["side_panel"].setChecked(shown)
    window.settings.setValue("show_side_panel", shown)


def restore(window: MainWindow) -> None:
    settings = window.settings
    geometry = settings.value("geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    else:
        window.resize(1280, 720)
        # On a screen no larger than that (a 1280x720 projector), 1280x720 plus the window
        # frame would run off its edge: the window fills the screen instead.
        screen = window.screen().availableGeometry()
        if screen.width() <= 1280 + FRAME_ALLOWANCE[0] or \
                screen.height() <= 720 + FRAME_ALLOWANCE[1]:
            window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    state = settings.value("splitter")
    if isinstance(state, QByteArray):
        window.splitter.restoreState(state)
    else:
        window.splitter.setSizes([LIST_PX, window.width() - LIST_PX - SIDE_PX, SIDE_PX])
    show_left(window, bool(settings.value("show_retro_list", True, type=bool)))
    show_side(window, bool(settings.value("show_side_panel", True, type=bool)))
    theme = current_theme()
    if theme in THEMES:
        window.actions_by_name[f"theme_{theme}"].setChecked(True)
    if zoom_of(settings) != 1.0:
        window.commands.set_zoom(zoom_of(settings))


def save(window: MainWindow) -> None:
    widen_left(window, False)
    window.settings.setValue("geometry", window.saveGeometry())
    window.settings.setValue("splitter", window.splitter.saveState())


def widen_left(window: MainWindow, wide: bool) -> None:
    """Give the left panel room for a table of every retro (`wide`), or its width back."""
    splitter = window.splitter
    sizes = splitter.sizes()
    narrow = splitter.property("narrow_sizes")
    if wide:
        total = sum(sizes)
        wanted = min(round(total * WIDE_SHARE), total - sizes[2] - CENTRE_MIN_PX)
        if sizes[0] < wanted:
            if narrow is None:
                splitter.setProperty("narrow_sizes", sizes)
            splitter.setSizes([wanted, total - wanted - sizes[2], sizes[2]])
    elif isinstance(narrow, list):
        splitter.setProperty("narrow_sizes", None)
        splitter.setSizes([int(size) for size in narrow])
