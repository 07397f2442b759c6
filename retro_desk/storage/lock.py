"""One editing window per database file, enforced with an OS lock that dies with the process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO


class InstanceLock:
    """An exclusive, non-blocking lock on `<database>.lock`; released on close or process exit."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._handle: IO[bytes] | None = None

    def acquire(self) -> bool:
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
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


if os.name == "nt":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
