"""What assistive technology is told about a widget, and Tab orders set in one call."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


def describe(widget: W, name: str, description: str) -> W:
    """Give `widget` the name a screen reader speaks and the description it adds on request."""
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    return widget


def tab_stops(root: QWidget) -> list[QWidget]:
    """The widgets Tab can reach in `root` (itself included), in their present Tab order.

    Like Qt's own Tab, this passes over widgets that hand their focus to a proxy."""
    return _stops_by_part([root])[0]


def tab_order(*parts: QWidget) -> None:
    """Tab goes through `parts` in this order; a part that holds several controls (a page, a
    panel) keeps its own order inside. Parts made later are placed by calling this again."""
    stops = [stop for part_stops in _stops_by_part(list(parts)) for stop in part_stops]
    for first, second in zip(stops, stops[1:], strict=False):
        QWidget.setTabOrder(first, second)


def _stops_by_part(parts: list[QWidget]) -> list[list[QWidget]]:
    # One walk round the window's focus chain, from the window, so every part is read in the
    # same order Tab takes from the top.
    window = parts[0].window()
    found: list[list[QWidget]] = [[] for _ in parts]
    widget = window
    while True:
        if (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.focusProxy() is None:
            for index, part in enumerate(parts):
                if widget is part or part.isAncestorOf(widget):
                    found[index].append(widget)
                    break
        following = widget.nextInFocusChain()
        if following is None or following is window:
            return found
        widget = following
