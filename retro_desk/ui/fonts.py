"""Text a size larger than its surroundings that still follows the zoom."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

_SCALE = "relative_font_scale"


def relative_font(widget: QWidget, scale: float, bold: bool = False) -> None:
    """Make `widget`'s text `scale` times the application's, now and after every zoom."""
    widget.setProperty(_SCALE, scale)
    font = QFont(widget.font())
    font.setBold(bold)
    font.setPointSizeF(QApplication.font().pointSizeF() * scale)
    widget.setFont(font)


def rescale_all() -> None:
    """Called after the application font changes (zoom): an explicit size does not follow it."""
    base = QApplication.font().pointSizeF()
    for widget in QApplication.allWidgets():
        scale = widget.property(_SCALE)
        if isinstance(scale, float):
            font = QFont(widget.font())
            font.setPointSizeF(base * scale)
            widget.setFont(font)
