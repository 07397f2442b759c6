"""Bring an archive folder in: every session file under it, compared with the retros here.

A retro not here is added. One here (same uuid) is updated when the folder's copy changed and
this copy did not since it was last published or imported; when both changed, this copy is
kept and the folder's is reported as a conflict (and, asked for, brought in as a copy).
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass
from pathlib import Path

from retro_desk.archive.canonical import ArchivedRetro, archived, from_file, from_store
from retro_desk.archive.publish import session_files
from retro_desk.export.session_file import SessionFileError
from retro_desk.storage.archive import (
    Synced,
    bring_in,
    copy_of,
    record_copy,
    record_sync,
    synced,
)
from retro_desk.storage.store import Store

OUTCOMES = ("added", "updated", "unchanged", "conflict", "unreadable")


@dataclass(frozen=True)
class Outcome:
    """What became of one session file; `session_id` is the retro here it concerns."""

    kind: str
    path: Path
    title: str = ""
    session_id: int | None = None
    detail: str = ""

    def line(self, base: Path) -> str:
        where = printable(_relative(self.path, base))
        number = "" if self.session_id is None else str(self.session_id)
        title = printable(self.title)
        text = f"{self.kind:<10} {number:>5}  {title}  ({where})" if title else (
            f"{self.kind:<10} {number:>5}  {where}")
        return f"{text}: {printable(self.detail)}" if self.detail else text


def printable(text: str) -> str:
    """Stored text for a terminal: one line, control characters shown as U+FFFD."""
    return "".join(c if c.isprintable() else "\ufffd" for c in " ".join(text.split()))


def import_folder(store: Store, folder: Path, copy: bool = False) -> list[Outcome]:
    """Every session file under `folder`, at any depth, each in a transaction of its own."""
    outcomes = []
    for path in session_files(folder):
        try:
            found = from_file(path)
        except SessionFileError as error:
            outcomes.append(Outcome("unreadable", path, detail=str(error)))
            continue
        if found is not None:
            outcomes.append(import_one(store, path, found, copy))
    return outcomes


def import_one(store: Store, path: Path, theirs: ArchivedRetro, copy: bool) -> Outcome:
    session = theirs.retro.session
    here = store.find_by_uuid(session.uuid)
    if here is None:
        new_id = bring_in(store, theirs.retro, theirs.stamps, theirs.done_at,
                          theirs.content_hash)
        return Outcome("added", path, session.title, new_id)
    ours = from_store(store, here)
    base = synced(store, here)
    if ours.content_hash == theirs.content_hash:
        if base is None or base.content_hash != ours.content_hash:
            record_sync(store, here, Synced(ours.content_hash, _updated(ours)))
        return Outcome("unchanged", path, session.title, here)
    base_hash = None if base is None else base.content_hash
    we_changed = base_hash != ours.content_hash
    they_changed = base_hash != theirs.content_hash
    if not we_changed:
        if _older(theirs, base):
            return Outcome("unchanged", path, session.title, here,
                           "the folder's copy is older than the one last published or"
                           " imported here; kept this one")
        bring_in(store, theirs.retro, theirs.stamps, theirs.done_at, theirs.content_hash,
                 replace=here)
        return Outcome("updated", path, session.title, here)
    if not they_changed:
        return Outcome("unchanged", path, session.title, here,
                       "changed here since the last publish; publish to share it")
    copied = copy_of(store, here, theirs.content_hash)
    if copied is not None:
        return Outcome("conflict", path, session.title, here,
                       f"changed here and in the folder; kept this one, the folder's copy"
                       f" is retro {copied}")
    if copy:
        folder_hash = theirs.content_hash
        new_id = _as_copy(store, theirs)
        record_copy(store, here, folder_hash, new_id)
        return Outcome("conflict", path, session.title, here,
                       f"changed here and in the folder; kept this one, the folder's copy"
                       f" is now retro {new_id}")
    return Outcome("conflict", path, session.title, here,
                   "changed here and in the folder; kept this one (add --copy to bring the"
                   " folder's in as a copy)")


def counts(outcomes: list[Outcome]) -> str:
    """`3 added, 1 updated, 0 unchanged, 1 conflict`."""
    parts = []
    for kind in OUTCOMES:
        number = sum(1 for outcome in outcomes if outcome.kind == kind)
        if number or kind != "unreadable":
            noun = "conflicts" if kind == "conflict" and number != 1 else kind
            parts.append(f"{number} {noun}")
    return ", ".join(parts)


def _older(theirs: ArchivedRetro, base: Synced | None) -> bool:
    """Whether the folder holds an earlier state than the one last synced (say, an old
    commit checked out): newer means changed after it."""
    if theirs.stamps is None or base is None or base.updated_at is None:
        return False
    return theirs.stamps.updated_at < base.updated_at


def _updated(archived: ArchivedRetro) -> str | None:
    return None if archived.stamps is None else archived.stamps.updated_at


def _as_copy(store: Store, theirs: ArchivedRetro) -> int:
    retro = theirs.retro
    retro.session.uuid = str(uuid_module.uuid4())
    retro.session.id = None
    copied = archived(retro, theirs.stamps, theirs.done_at)
    return bring_in(store, copied.retro, copied.stamps, copied.done_at, copied.content_hash)


def _relative(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)
