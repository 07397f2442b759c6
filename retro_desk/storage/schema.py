"""The database schema, built by migrations that are never edited once shipped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils.migrations import Migrations

from retro_desk.storage.version import SCHEMA_VERSION

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = ["SCHEMA_VERSION", "migrations"]

migrations = Migrations("retro_desk")

_CHILD_TABLES = (
    "participants",
    "agenda_items",
    "feelings",
    "events",
    "answers",
    "learnings",
    "actions",
    "parking_lot",
    "roti_votes",
)


@migrations()
def m001_initial(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('own', 'external')),
            incident_date TEXT,
            timezone TEXT NOT NULL DEFAULT 'UTC',
            facilitator TEXT NOT NULL DEFAULT '',
            summary TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'live', 'closed')),
            source_links TEXT NOT NULL DEFAULT '[]',
            language_reflection INTEGER NOT NULL DEFAULT 1,
            closing_notes TEXT NOT NULL DEFAULT '',
            private_notes TEXT NOT NULL DEFAULT '',
            current_phase INTEGER NOT NULL DEFAULT 0,
            timer_started_at REAL,
            meeting_seconds INTEGER,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        )
        """
    )
    tables = {
        "participants": "key TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL DEFAULT '',"
        " UNIQUE (session_id, key)",
        "agenda_items": "phase TEXT NOT NULL, title TEXT NOT NULL,"
        " planned_seconds INTEGER NOT NULL, spent_seconds INTEGER NOT NULL DEFAULT 0",
        "feelings": "participant TEXT, words TEXT NOT NULL DEFAULT '[]',"
        " note TEXT NOT NULL DEFAULT '', blame_feeling INTEGER NOT NULL DEFAULT 0",
        "events": "key TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL DEFAULT '',"
        " description TEXT NOT NULL, source TEXT NOT NULL DEFAULT '',"
        " decision_point INTEGER NOT NULL DEFAULT 0, learned_later INTEGER NOT NULL DEFAULT 0,"
        " UNIQUE (session_id, key)",
        "answers": "event TEXT NOT NULL, category TEXT NOT NULL, answer TEXT NOT NULL,"
        " UNIQUE (session_id, event, category)",
        "learnings": "text TEXT NOT NULL",
        "actions": "description TEXT NOT NULL, owner TEXT NOT NULL DEFAULT '', due TEXT,"
        " done INTEGER NOT NULL DEFAULT 0",
        "parking_lot": "text TEXT NOT NULL",
        "roti_votes": "value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5)",
    }
    for table, columns in tables.items():
        db.execute(
            f"""
            CREATE TABLE {table} (
                id INTEGER PRIMARY KEY,
                session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                position REAL NOT NULL DEFAULT 0,
                {columns}
            )
            """
        )
        db.execute(f"CREATE INDEX {table}_by_session ON {table}(session_id, position)")
    for table in _CHILD_TABLES:
        # Any edit to a retro's contents marks the retro as recently worked on.
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            db.execute(
                f"""
                CREATE TRIGGER {table}_touch_{event.lower()} AFTER {event} ON {table}
                BEGIN
                    UPDATE sessions SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                    WHERE id = {row}.session_id;
                END
                """
            )
    db.execute("PRAGMA user_version = 1")


@migrations()
def m002_reflection_marks(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE reflection_marks (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('reframed', 'named_feeling')),
            UNIQUE (session_id, key)
        )
        """
    )
    db.execute("PRAGMA user_version = 2")


@migrations()
def m003_archive(db: Database) -> None:
    """Agenda templates, and a full-text index beside every table of searchable text."""
    db.execute(
        """
        CREATE TABLE agenda_templates (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            items TEXT NOT NULL,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        )
        """
    )
    searchable = {
        "sessions": ("title", "summary", "closing_notes", "private_notes"),
        "events": ("description", "actor", "source"),
        "answers": ("answer",),
        "learnings": ("text",),
        "actions": ("description", "owner"),
        "parking_lot": ("text",),
        "feelings": ("note",),
    }
    for table, columns in searchable.items():
        # Diacritics folded so "Zoe" finds "Zoë"; Porter stems so "failing" finds "failed".
        db.table(table).enable_fts(columns, tokenize="porter unicode61 remove_diacritics 2")
        old = ", ".join(f"old.{column}" for column in columns)
        new = ", ".join(f"new.{column}" for column in columns)
        names = ", ".join(columns)
        # Our own triggers rather than create_triggers=True: the update trigger fires only when
        # indexed text changes, not on every `updated_at` touch, move or checkbox.
        db.execute(
            f"""
            CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN
                INSERT INTO {table}_fts (rowid, {names}) VALUES (new.id, {new});
            END
            """
        )
        db.execute(
            f"""
            CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN
                INSERT INTO {table}_fts ({table}_fts, rowid, {names})
                VALUES ('delete', old.id, {old});
            END
            """
        )
        db.execute(
            f"""
            CREATE TRIGGER {table}_fts_update AFTER UPDATE OF {names} ON {table} BEGIN
                INSERT INTO {table}_fts ({table}_fts, rowid, {names})
                VALUES ('delete', old.id, {old});
                INSERT INTO {table}_fts (rowid, {names}) VALUES (new.id, {new});
            END
            """
        )
    db.execute("PRAGMA user_version = 3")


@migrations()
def m004_team_archive(db: Database) -> None:
    """When each action was done, and what each retro looked like when last published or
    imported (so that a later import can tell whose copy changed)."""
    db.execute("ALTER TABLE actions ADD COLUMN done_at TEXT")
    # Kept by the database itself, so every way of ticking an action (page, Actions view,
    # undo) records the moment alike, and unticking forgets it.
    db.execute(
        """
        CREATE TRIGGER actions_done_at AFTER UPDATE OF done ON actions
        WHEN new.done IS NOT old.done
        BEGIN
            UPDATE actions
            SET done_at = CASE WHEN new.done THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') END
            WHERE id = new.id;
        END
        """
    )
    db.execute(
        """
        CREATE TABLE archive_sync (
            session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
            content_hash TEXT NOT NULL,
            updated_at TEXT,
            synced_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        )
        """
    )
    # A conflicting folder copy brought in beside a retro (`import DIR --copy`), so that the
    # same copy is not brought in twice.
    db.execute(
        """
        CREATE TABLE archive_copies (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            content_hash TEXT NOT NULL,
            copy_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            UNIQUE (session_id, content_hash)
        )
        """
    )
    db.execute("PRAGMA user_version = 4")
