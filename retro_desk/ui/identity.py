"""Who the app is to the desktop: its icon, and the application id that ties it to its entry."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication, QIcon

from retro_desk.desktop_entry import APP_ID, ICON_SIZES, icon_png

_icon: QIcon | None = None


def app_icon() -> QIcon:
    """The icon from its PNG sizes (read when first drawn): no SVG plugin needed to show it."""
    global _icon
    if _icon is None:
        _icon = QIcon()
        for size in ICON_SIZES:
            _icon.addFile(str(icon_png(size)), QSize(size, size))
    return _icon


def apply_identity(app: QGuiApplication, icon: bool = True) -> None:
    """The id a Wayland or X11 desktop matches to the entry (needed before a window is
    shown), and the icon every window gets (unless `icon` is False: its first use costs some
    5 ms, reading the image formats Qt has, which a start can leave until after the paint)."""
    app.setDesktopFileName(APP_ID)
    if icon:
        app.setWindowIcon(app_icon())
