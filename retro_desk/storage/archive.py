"""What the team archive keeps in the database: each retro's last publish or import, when
its actions were done, and actions across every retro."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from retro_desk.model import Action, Retro
from retro_desk.storage.errors import NotFound, translate
from retro_desk.storage.store import Store


@dataclass(frozen=True)
class TrackedAction:
    """An action with the retro it was agreed in; `done_at` is when it was ticked, if known."""

    action: Action
    session_id: int
    session_title: str
    session_uuid: str
    incident_date: str | None
    session_created_at: str
    done_at: str | None


@dataclass(frozen=True)
class Timestamps:
    created_at: str
    updated_at: str


def _read(store: Store, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
    try:
        return list(store.conn.execute(sql, params))
    except sqlite3.Error as error:
        raise translate(error, store.label) from error


@dataclass(frozen=True)
class Synced:
    """The retro as it was last published or imported: its content hash, and when it had
    last been changed then (None: unknown)."""

    content_hash: str
    updated_at: str | None


def synced(store: Store, session_id: int) -> Synced | None:
    """What the retro was when last published or imported (None: never)."""
    rows = _read(store, "SELECT content_hash, updated_at FROM archive_sync WHERE session_id = ?",
                 [session_id])
    if not rows:
        return None
    return Synced(str(rows[0][0]), None if rows[0][1] is None else str(rows[0][1]))


def record_sync(store: Store, session_id: int, state: Synced) -> None:
    """Remember the retro's content as just published or imported."""
    with store.atomic():
        _record(store, session_id, state)


def _record(store: Store, session_id: int, state: Synced) -> None:
    store.conn.execute(
        "INSERT INTO archive_sync (session_id, content_hash, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (session_id) DO UPDATE SET content_hash = excluded.content_hash,"
        " updated_at = excluded.updated_at,"
        " synced_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        [session_id, state.content_hash, state.updated_at],
    )


def timestamps(store: Store, session_id: int) -> Timestamps:
    rows = _read(store, "SELECT created_at, updated_at FROM sessions WHERE id = ?", [session_id])
    if not rows:
        raise NotFound(f"no session with id {session_id}")
    return Timestamps(str(rows[0][0]), str(rows[0][1]))


def done_times(store: Store, session_id: int) -> list[str | None]:
    """When each of the retro's actions was done, in the retro's order."""
    rows = _read(store, "SELECT done_at FROM actions WHERE session_id = ? ORDER BY position, id",
                 [session_id])
    return [None if row[0] is None else str(row[0]) for row in rows]


def bring_in(
    store: Store,
    retro: Retro,
    stamps: Timestamps | None,
    done_at: Sequence[str | None],
    content_hash: str,
    replace: int | None = None,
) -> int:
    """Store a retro read from an archive in one transaction: as a new retro, or in place of
    retro `replace` (keeping its id, private notes and timer). Its timestamps and the times
    its actions were done come from the archive, so it reads as it did where it was written."""
    with store.atomic():
        db = store.conn
        if replace is not None:
            kept = db.execute(
                "SELECT private_notes, current_phase, timer_started_at, meeting_seconds"
                " FROM sessions WHERE id = ?", [replace],
            ).fetchone()
            retro.private_notes = str(kept[0])
            db.execute("DELETE FROM sessions WHERE id = ?", [replace])
        session_id = store.create_retro(retro, session_id=replace)
        if replace is not None:
            db.execute(
                "UPDATE sessions SET current_phase = ?, timer_started_at = ?,"
                " meeting_seconds = ? WHERE id = ?", [*kept[1:], session_id],
            )
        ids = [row[0] for row in db.execute(
            "SELECT id FROM actions WHERE session_id = ? ORDER BY position, id", [session_id])]
        for row_id, when in zip(ids, done_at, strict=False):
            db.execute("UPDATE actions SET done_at = ? WHERE id = ?", [when, row_id])
        if stamps is not None:
            # Last: every child row written above marked the retro as just changed.
            db.execute(
                "UPDATE sessions SET created_at = ?, updated_at = ? WHERE id = ?",
                [stamps.created_at, stamps.updated_at, session_id],
            )
        _record(store, session_id,
                Synced(content_hash, None if stamps is None else stamps.updated_at))
    return session_id


def tracked_actions(store: Store) -> list[TrackedAction]:
    """Every action of every retro, in each retro's order."""
    rows = _read(
        store,
        "SELECT a.id, a.description, a.owner, a.due, a.done, a.done_at, s.id, s.title, s.uuid,"
        " s.incident_date, s.created_at FROM actions a JOIN sessions s ON s.id = a.session_id"
        " ORDER BY s.id, a.position, a.id",
    )
    return [
        TrackedAction(
            action=Action(description=str(row[1]), owner=str(row[2]),
                          due=None if row[3] is None else str(row[3]), done=bool(row[4]),
                          id=int(str(row[0]))),
            done_at=None if row[5] is None else str(row[5]),
            session_id=int(str(row[6])),
            session_title=str(row[7]),
            session_uuid=str(row[8]),
            incident_date=None if row[9] is None else str(row[9]),
            session_created_at=str(row[10]),
        )
        for row in rows
    ]


def copy_of(store: Store, session_id: int, content_hash: str) -> int | None:
    """The retro that a folder copy (by content) of retro `session_id` was brought in as."""
    rows = _read(store, "SELECT copy_id FROM archive_copies WHERE session_id = ?"
                 " AND content_hash = ?", [session_id, content_hash])
    return None if not rows else int(str(rows[0][0]))


def record_copy(store: Store, session_id: int, content_hash: str, copy_id: int) -> None:
    with store.atomic():
        store.conn.execute(
            "INSERT OR REPLACE INTO archive_copies (session_id, content_hash, copy_id)"
            " VALUES (?, ?, ?)", [session_id, content_hash, copy_id],
        )
