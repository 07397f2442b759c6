"""The only place that talks to SQLite: open a retro database, read and write retros."""

from retro_desk.storage.errors import (
    DatabaseInUse,
    DiskFull,
    DuplicateSession,
    NewerDatabase,
    NotARetroDatabase,
    NotFound,
    ReadOnlyDatabase,
    StorageError,
)
from retro_desk.storage.store import Store

__all__ = [
    "DatabaseInUse",
    "DiskFull",
    "DuplicateSession",
    "NewerDatabase",
    "NotARetroDatabase",
    "NotFound",
    "ReadOnlyDatabase",
    "StorageError",
    "Store",
]
