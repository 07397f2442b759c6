"""Start-up tricks of the main window, kept in one place: work deferred until the first paint,
and memory given back once it has happened."""

from __future__ import annotations

import linecache
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid


class FirstPaintWatcher(QObject):
    """Calls `painted` once, when the window it watches is first painted, then lets go."""

    def __init__(self, window: QWidget, painted: Callable[[], None]) -> None:
        super().__init__(window)
        self._painted = painted
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._painted()
        return False


class DeferredWork:
    """Work that can wait until `window` has been painted (or, not deferring, runs at once)."""

    def __init__(self, window: QWidget, defer: bool, after: Callable[[], None]) -> None:
        self._waiting: list[Callable[[], None]] | None = [] if defer else None
        self._after = after
        if defer:
            self._watcher = FirstPaintWatcher(window, self._painted)

    @property
    def done(self) -> bool:
        """The window has been painted (or never waited): work now runs at once."""
        return self._waiting is None

    def later(self, work: Callable[[], None], first: bool = False) -> None:
        """Run `work` now, or, before the first paint, after it (before the rest if `first`)."""
        if self._waiting is None:
            work()
        elif first:
            self._waiting.insert(0, work)
        else:
            self._waiting.append(work)

    def _painted(self) -> None:
        # After this paint has finished: the window is on screen, and the rest follows.
        QTimer.singleShot(0, self._run)

    def _run(self) -> None:
        waiting, self._waiting = self._waiting or [], None
        for work in waiting:
            work()
        self._after()
        forget_module_sources()


def forget_module_sources() -> None:
    """Drop the source lines PySide read of every module imported after it (it searches each
    for "PySide6"): Python's line cache keeps them, about 3 MiB at start-up that nobody reads.
    It is only a cache; a traceback reads the lines it needs again."""
    linecache.clearcache()


def highlight(widget: QWidget) -> None:
    """Attach the blame-language highlighter (imported here: it comes after the first paint)."""
    from retro_desk.ui.widgets.blame_highlight import attach

    if isValid(widget):
        attach(widget)
