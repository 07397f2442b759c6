"""Storage problems a person can understand and act on, kept apart from bugs."""

from __future__ import annotations

import sqlite3

# What opening.BUSY_TIMEOUT_MS waits, in words (errors imports nothing of its own).
BUSY_SECONDS = 5


class StorageError(Exception):
    """A known storage problem: shown to the user as it is, never as a traceback."""


class NotARetroDatabase(StorageError):
    """The file is not SQLite, is damaged, or belongs to another program."""


class NewerDatabase(StorageError):
    """The file was written by a newer Retro Desk."""


class OlderDatabase(StorageError):
    """The file was written by an older Retro Desk and must be updated before it is read."""


class ReadOnlyDatabase(StorageError):
    """The file or its folder cannot be written."""


class DatabaseInUse(StorageError):
    """Another Retro Desk window has this file open for editing."""


class DuplicateSession(StorageError):
    """The retro (by its uuid) is already stored."""

    def __init__(self, session_id: int) -> None:
        super().__init__(f"this session is already present as session {session_id}")
        self.session_id = session_id


class DiskFull(StorageError):
    """There is no room left to save."""


class NotFound(StorageError):
    """No session or item with that id."""


def translate(error: sqlite3.Error, path: str) -> StorageError:
    """Map SQLite's errors to what they mean for the person whose edit did not save."""
    text = str(error).lower()
    if "disk is full" in text or "database or disk is full" in text:
        return DiskFull(f"{path}: the disk is full; the last edit was not saved")
    if "readonly" in text or "read-only" in text:
        return ReadOnlyDatabase(f"{path}: the file is read-only; edits cannot be saved")
    if "locked" in text or "busy" in text:
        return DatabaseInUse(
            f"{path}: another program kept the file locked for writing for over"
            f" {BUSY_SECONDS} s (an import, or a tool such as sqlite3 holding a transaction"
            " open); nothing was saved; try again"
        )
    if "malformed" in text or "not a database" in text or "encrypted" in text:
        return NotARetroDatabase(f"{path}: the file is damaged ({error}); it was left untouched")
    if "unable to open" in text:
        return StorageError(f"{path}: cannot open the file ({error})")
    return StorageError(f"{path}: database error: {error}")
