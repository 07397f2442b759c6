"""One editing window per database file, enforced with an OS lock that dies with the process.

The lock file says who holds it (`window 1234`, `import-timeline 5678`), so a refusal can
name what really holds the file, and a command that only needs it for a moment can wait.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import IO

WINDOW = "window"


class InstanceLock:
    """An exclusive lock on `<database>.lock`; released on close or process exit."""

    def __init__(self, db_path: Path, holder: str = WINDOW) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self.holder_name = holder
        self._handle: IO[bytes] | None = None

    def acquire(self, wait_for_commands: float = 0.0) -> bool:
        """Take the lock at once, or False. With `wait_for_commands`, a lock held by another
        command (never by a window, which may stay open for hours) is waited for that long."""
        deadline = time.monotonic() + wait_for_commands
        while True:
            if self._try():
                return True
            holder = self.holder()
            if holder.startswith(WINDOW) or time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def _try(self) -> bool:
        handle = open(self.path, "a+b")  # noqa: SIM115 - held for the life of the window
        try:
            os.chmod(self.path, 0o600)
        except OSError:
            pass
        try:
            _lock(handle)
        except OSError:
            handle.close()
            return False
        handle.truncate(0)
        handle.write(f"{self.holder_name} {os.getpid()}\n".encode())
        handle.flush()
        self._handle = handle
        return True

    def holder(self) -> str:
        """What the lock file says holds it, e.g. `window 1234`; `window` if it does not say
        (a Retro Desk from before holders were written)."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return WINDOW
        return text or WINDOW

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def held_elsewhere(db_path: Path) -> bool:
    """Whether another process holds `<database>.lock` now (a window is open on the file);
    creates nothing. False where that cannot be asked (Windows)."""
    path = db_path.with_name(db_path.name + ".lock")
    if os.name == "nt" or not path.exists():
        return False
    import fcntl

    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing it also drops the shared lock just taken
    return False


if os.name == "nt":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
