"""Writing files atomically: a reader finds the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


def write_atomic(path: Path, data: bytes | str) -> None:
    """Replace `path` with `data` (str is written as UTF-8), keeping an existing file's mode.

    Any failure leaves the old file as it was, removes the temporary file and raises OSError.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    # Writing through a symlink updates the file it points to, as a plain write would.
    target = Path(os.path.realpath(path))
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    # Same folder, so os.replace is a rename within one file system and cannot be half done.
    temp = target.with_name(f".{target.name}.{os.urandom(6).hex()}.tmp")
    # 0o666 lets the umask decide a new file's mode, as it would for open(path, "w").
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        # The error that stopped the write is the one to report, not a failed clean-up.
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    # The rename is durable only once the folder's entry is on disk. Some platforms
    # (Windows) and file systems cannot open or sync a folder; the file is already whole.
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
