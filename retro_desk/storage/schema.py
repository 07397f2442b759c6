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


# 'RDSK': lets `file` and other tools tell a Retro Desk database from any other SQLite file.
APPLICATION_ID = 0x5244534B
_UTC_NOW = "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')"


@migrations()
def m004_write_up(db: Database) -> None:
    """The write-up's standard fields; one timestamp form; links Datasette can follow."""
    columns = (
        "severity TEXT NOT NULL DEFAULT ''",
        "incident_ref TEXT NOT NULL DEFAULT ''",
        "services TEXT NOT NULL DEFAULT '[]'",
        "impact TEXT NOT NULL DEFAULT ''",
        "detected_at TEXT",
        "mitigated_at TEXT",
        "resolved_at TEXT",
        "retro_date TEXT",
        "owner TEXT NOT NULL DEFAULT ''",
        "export_feeling_notes INTEGER NOT NULL DEFAULT 0",
    )
    for column in columns:
        db.execute(f"ALTER TABLE sessions ADD COLUMN {column}")
    _one_timestamp_form(db)
    _links(db)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 4")


def _one_timestamp_form(db: Database) -> None:
    """Every instant as ISO 8601 with a numeric offset (`+00:00`, never `Z`): the form event
    times already have, so one parser and one text sort read them all."""
    for table, names in (("sessions", ("created_at", "updated_at")),
                         ("agenda_templates", ("created_at",))):
        for name in names:
            db.execute(
                f"UPDATE {table} SET {name} = substr({name}, 1, length({name}) - 1) || '+00:00'"
                f" WHERE {name} LIKE '%Z'"
            )
    for table in _CHILD_TABLES:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            db.execute(f"DROP TRIGGER {table}_touch_{event.lower()}")
            db.execute(
                f"""
                CREATE TRIGGER {table}_touch_{event.lower()} AFTER {event} ON {table}
                BEGIN
                    UPDATE sessions SET updated_at = {_UTC_NOW} WHERE id = {row}.session_id;
                END
                """
            )
    # Column defaults cannot change without rebuilding the table; these put right what a
    # default writes, in the inserting statement's transaction.
    for table, names in (("sessions", ("created_at", "updated_at")),
                         ("agenda_templates", ("created_at",))):
        sets = ", ".join(
            f"{name} = CASE WHEN NEW.{name} LIKE '%Z' THEN substr(NEW.{name}, 1,"
            f" length(NEW.{name}) - 1) || '+00:00' ELSE NEW.{name} END"
            for name in names
        )
        db.execute(
            f"""
            CREATE TRIGGER {table}_timestamp_form_insert AFTER INSERT ON {table}
            BEGIN
                UPDATE {table} SET {sets} WHERE id = NEW.id;
            END
            """
        )
    from retro_desk.timefmt import TimeInputError, parse_instant, to_iso

    zones = dict(db.execute("SELECT id, timezone FROM sessions").fetchall())
    rows = db.execute("SELECT id, session_id, at FROM events").fetchall()
    for row_id, session_id, at in rows:
        try:
            form = to_iso(parse_instant(at, zones.get(session_id, "UTC")))
        except (TimeInputError, ValueError, OverflowError):
            continue
        if form != at:
            db.execute("UPDATE events SET at = ? WHERE id = ?", [form, row_id])


def _links(db: Database) -> None:
    """Answers name their event, and feelings their participant, by key within the session;
    a foreign-key column beside the key (kept by triggers) lets Datasette follow the link,
    and two views show them joined."""
    for child, key, parent, column in (("answers", "event", "events", "event_id"),
                                       ("feelings", "participant", "participants",
                                        "participant_id")):
        db.execute(
            f"ALTER TABLE {child} ADD COLUMN {column} INTEGER"
            f" REFERENCES {parent}(id) ON DELETE SET NULL"
        )
        db.execute(
            f"UPDATE {child} SET {column} = (SELECT p.id FROM {parent} p"
            f" WHERE p.session_id = {child}.session_id AND p.key = {child}.{key})"
        )
        db.execute(f"CREATE INDEX {child}_by_{column} ON {child}({column})")
        link = (f"UPDATE {child} SET {column} = (SELECT p.id FROM {parent} p"
                f" WHERE p.session_id = NEW.session_id AND p.key = NEW.{key}) WHERE id = NEW.id;")
        db.execute(f"CREATE TRIGGER {child}_link_insert AFTER INSERT ON {child} BEGIN {link} END")
        db.execute(
            f"CREATE TRIGGER {child}_link_update AFTER UPDATE OF {key} ON {child}"
            f" BEGIN {link} END"
        )
        # An event or participant put back (undo, import) finds the rows that name it.
        db.execute(
            f"""
            CREATE TRIGGER {parent}_link_back AFTER INSERT ON {parent}
            BEGIN
                UPDATE {child} SET {column} = NEW.id
                WHERE session_id = NEW.session_id AND {key} = NEW.key;
            END
            """
        )
    db.execute(
        """
        CREATE VIEW answers_by_event AS
        SELECT a.id, a.session_id, a.event_id, e.at AS event_at, e.actor AS event_actor,
               e.description AS event_description, a.category, a.answer
        FROM answers a LEFT JOIN events e ON e.id = a.event_id
        """
    )
    db.execute(
        """
        CREATE VIEW feelings_by_participant AS
        SELECT f.id, f.session_id, f.participant_id, p.name AS participant_name, f.words,
               f.note, f.blame_feeling
        FROM feelings f LEFT JOIN participants p ON p.id = f.participant_id
        """
    )


@migrations()
def m005_team_archive(db: Database) -> None:
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
            SET done_at = CASE WHEN new.done THEN strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') END
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
            synced_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'))
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
    db.execute("PRAGMA user_version = 5")
