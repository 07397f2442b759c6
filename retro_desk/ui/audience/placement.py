"""Where the audience window opens: on a screen of its own, else beside the main window."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize

# The size the audience window is laid out for; a larger screen of its own gets all of it.
AUDIENCE_SIZE = QSize(1280, 720)


def audience_geometry(screens: list[QRect], main_frame: QRect, frame: QMargins) -> QRect:
    """The audience window's geometry (inside its frame), given each screen's available
    geometry, the main window's frame and the frame a window manager puts round a window.

    With a second screen it fills the largest screen the main window is not on; on one screen
    it takes the corner farthest from the main window, fully on the screen, so it covers as
    little of the main window as it can."""
    home = _screen_of(screens, main_frame)
    others = [screen for screen in screens if screen != home]
    if others:
        free = max(others, key=lambda screen: screen.width() * screen.height())
        return free.marginsRemoved(frame)
    size = AUDIENCE_SIZE.boundedTo(home.marginsRemoved(frame).size()).grownBy(frame)
    centre = main_frame.center()
    main_right = centre.x() - home.left() > home.right() - centre.x()
    main_low = centre.y() - home.top() > home.bottom() - centre.y()
    corner = QPoint(
        home.left() if main_right else home.right() - size.width() + 1,
        home.top() if main_low else home.bottom() - size.height() + 1,
    )
    return QRect(corner, size).marginsRemoved(frame)


def _screen_of(screens: list[QRect], frame: QRect) -> QRect:
    """The screen holding most of `frame` (the first screen if it is on none)."""
    def shared(screen: QRect) -> int:
        overlap = screen.intersected(frame)
        return overlap.width() * overlap.height() if overlap.isValid() else 0
    return max(screens, key=shared)
