"""When typed text is stored: after a pause in typing, and at least every two seconds while the
typing goes on, so a crash in the middle of a long stretch of typing loses at most that much."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

IDLE_MS = 800
MAX_WAIT_MS = 2000


class SaveTimer(QObject):
    """Emits `timeout` IDLE_MS after the last keystroke, or MAX_WAIT_MS after the first one
    since the last save, whichever comes first. `start()` on every keystroke, `stop()` on save."""

    timeout = Signal()

    def __init__(self, parent: QObject, idle_ms: int = IDLE_MS) -> None:
        super().__init__(parent)
        self.idle = self._timer(idle_ms)
        self.max_wait = self._timer(MAX_WAIT_MS)

    def _timer(self, interval: int) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(self.timeout.emit)
        return timer

    def start(self) -> None:
        self.idle.start()
        if not self.max_wait.isActive():
            self.max_wait.start()

    def stop(self) -> None:
        self.idle.stop()
        self.max_wait.stop()

    def isActive(self) -> bool:  # noqa: N802 - named as QTimer's, which it stands in for
        return self.idle.isActive() or self.max_wait.isActive()
