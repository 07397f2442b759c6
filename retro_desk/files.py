"""Writing files atomically, and only where writing can do no harm.

A reader finds the old file or the new one, never half of one. Before anything is written,
`check_target` refuses what an export must never replace: a database (ours or any SQLite
file, or one of its side files), a device, pipe or folder, and a read-only file unless forced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
_WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
_SIDE_SUFFIXES = ("-wal", "-shm", "-journal", ".lock")
# Temporary files carry their writer's process id, so the next writer into the same folder
# can remove those whose writer was killed (and leave those still being written).
_TEMP_MARK = ".retro-desk-"
_TEMP_END = ".tmp"


class UnsafeTarget(OSError):
    """A path an export refuses to write: `strerror` says why and what to do."""

    def __init__(self, path: Path, reason: str, forceable: bool = False) -> None:
        super().__init__(errno.EPERM, reason, str(path))
        self.forceable = forceable  # refused only because it is read-only


def check_target(
    path: Path, *, force: bool = False, protected: Iterable[Path] = ()
) -> Path:
    """The file to write for `path` (a symlink's target), or UnsafeTarget saying why not.

    `protected` names files that must never be written, such as the open database; its side
    files (-wal, -shm, -journal, .lock) are protected with it.
    """
    target = Path(os.path.realpath(path))
    for guarded in protected:
        real = Path(os.path.realpath(guarded))
        if target == real or target in {Path(f"{real}{end}") for end in _SIDE_SUFFIXES}:
            raise UnsafeTarget(path, "it is the open database (or one of its files);"
                               " nothing written")
    try:
        # The path as given, through its symlinks: /dev/stdout leads to a pipe, whose "real
        # path" is no path at all.
        info = os.stat(path)
    except OSError:
        return target  # nothing there to harm; the write itself says why it cannot be made
    if stat.S_ISDIR(info.st_mode):
        raise UnsafeTarget(path, "it is a folder; nothing written")
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeTarget(
            path, f"it is not a regular file but {file_kind(info.st_mode)}; nothing written"
            " (for standard output use -o -)"
        )
    for guarded in protected:
        with contextlib.suppress(OSError):
            if os.path.samefile(path, guarded):
                raise UnsafeTarget(path, "it is the open database; nothing written")
    try:
        with open(target, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError:
        head = b""
    if head == SQLITE_HEADER or head[:4] in _WAL_MAGIC:
        raise UnsafeTarget(path, "it is an SQLite database; an export never writes over one")
    read_only = not info.st_mode & 0o222 or not os.access(target, os.W_OK)
    if read_only and not force:
        raise UnsafeTarget(path, "it is read-only; nothing written", forceable=True)
    return target


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, for a message (`mode` from os.stat)."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def write_atomic(
    path: Path, data: bytes | str, *, force: bool = False, protected: Iterable[Path] = ()
) -> None:
    """Replace `path` with `data` (str is written as UTF-8), keeping an existing file's mode.

    Refuses (UnsafeTarget) what `check_target` refuses. Any failure leaves the old file as it
    was, removes the temporary file and raises OSError.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    # Writing through a symlink updates the file it points to, as a plain write would.
    target = check_target(path, force=force, protected=protected)
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    clean_leftovers(target.parent)
    # Same folder, so os.replace is a rename within one file system and cannot be half done.
    temp = target.with_name(
        f".{target.name}{_TEMP_MARK}{os.getpid()}-{os.urandom(6).hex()}{_TEMP_END}"
    )
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


def clean_leftovers(folder: Path) -> None:
    """Remove temporary files of ours in `folder` whose writer was killed before it finished."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if not (name.startswith(".") and name.endswith(_TEMP_END) and _TEMP_MARK in name):
            continue
        pid_text = name.rsplit(_TEMP_MARK, 1)[1].split("-", 1)[0]
        if pid_text.isdigit() and not process_alive(int(pid_text)):
            with contextlib.suppress(OSError):
                (folder / name).unlink()


def process_alive(pid: int) -> bool:
    """Whether process `pid` runs (yes when that cannot be known)."""
    if pid == os.getpid() or os.name == "nt":
        # On Windows os.kill(pid, 0) would send Ctrl+C, not ask: leftovers stay there.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


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
