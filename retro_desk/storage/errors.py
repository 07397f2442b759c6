"""Storage problems a person can understand and act on, kept apart from bugs."""

from __future__ import annotations

import sqlite3


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
        return DatabaseInUse(f"{path}: another program is writing to this file; try again")
    if "malformed" in text or "not a database" in text or "encrypted" in text:
        return NotARetroDatabase(f"{path}: the file is damaged ({error}); it was left untouched")
    if "unable to open" in text:
        return StorageError(f"{path}: cannot open the file ({error})")
    return StorageError(f"{path}: database error: {error}")
