"""The database as other tools read it: write-up fields, one timestamp form, application_id,
and links (answers to events, feelings to participants) that Datasette can follow."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from retro_desk.export import session_file
from retro_desk.model import Event
from retro_desk.paths import resource
from retro_desk.storage import Store
from retro_desk.storage.schema import APPLICATION_ID, migrations

ONE_FORM = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?[+-][0-9]{2}:[0-9]{2}$"
)


def sample_store(path: Path) -> tuple[Store, int]:
    store = Store.open(path)
    return store, store.create_retro(session_file.read_file(resource("sample_retro.json")))


def test_the_write_up_fields_are_stored_and_read_back(tmp_path: Path) -> None:
    store, session_id = sample_store(tmp_path / "r.sqlite3")
    store.update_session(session_id, severity="SEV-1", services=["checkout", "payments"],
                         detected_at="2026-11-20T14:36:00+01:00", retro_date="2026-11-25",
                         export_feeling_notes=True, owner="Priya")
    store.close()
    again = Store.open(tmp_path / "r.sqlite3", read_only=True)
    session = again.get_session(session_id)
    assert (session.severity, session.services, session.detected_at, session.retro_date,
            session.export_feeling_notes, session.owner) == (
        "SEV-1", ["checkout", "payments"], "2026-11-20T14:36:00+01:00", "2026-11-25", True,
        "Priya")
    again.close()


def test_every_timestamp_has_one_form_and_the_file_says_whose_it_is(tmp_path: Path) -> None:
    store, session_id = sample_store(tmp_path / "r.sqlite3")
    store.update_session(session_id, summary="touched")
    connection = store.conn
    assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    stamps = connection.execute("SELECT created_at, updated_at FROM sessions").fetchall()[0]
    times = [row[0] for row in connection.execute("SELECT at FROM events")]
    for stamp in [*stamps, *times]:
        assert ONE_FORM.match(stamp), stamp
    assert stamps[1].endswith("+00:00") and stamps[1] >= stamps[0]
    store.close()


def test_an_older_database_gets_one_timestamp_form(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    connection = sqlite3.connect(path)
    migrations.apply(Database(connection), stop_before="m004_write_up")
    connection.execute(
        "INSERT INTO sessions (uuid, title, kind, created_at, updated_at, timezone) VALUES"
        " ('u', 'Old', 'own', '2026-11-20T13:00:00.000Z', '2026-11-20T13:05:00.000Z',"
        " 'Europe/Berlin')"
    )
    connection.execute(
        "INSERT INTO events (session_id, key, at, description) VALUES"
        " (1, 'e1', '2026-11-20 14:32', 'no offset'), (1, 'e2', '2026-11-20T13:40:00Z', 'Z')"
    )
    connection.commit()
    connection.close()
    store = Store.open(path)
    stamps = store.conn.execute("SELECT created_at, updated_at FROM sessions").fetchone()
    assert stamps[0] == "2026-11-20T13:00:00.000+00:00"
    assert stamps[1].endswith("+00:00")  # the events' insertion touched it
    times = [row[0] for row in store.conn.execute("SELECT at FROM events ORDER BY key")]
    assert times == ["2026-11-20T14:32:00+01:00", "2026-11-20T13:40:00+00:00"]
    assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    store.close()


def test_answers_link_to_events_and_feelings_to_participants(tmp_path: Path) -> None:
    store, session_id = sample_store(tmp_path / "r.sqlite3")
    connection = store.conn
    foreign = {(row[2], row[3], row[4]) for table in ("answers", "feelings")
               for row in connection.execute(f"PRAGMA foreign_key_list({table})")}
    assert ("events", "event_id", "id") in foreign
    assert ("participants", "participant_id", "id") in foreign
    rows = connection.execute(
        "SELECT a.event, e.key FROM answers a JOIN events e ON e.id = a.event_id").fetchall()
    assert rows and all(event == key for event, key in rows)
    assert connection.execute("SELECT count(*) FROM answers WHERE event_id IS NULL").fetchone()[
        0] == 0
    joined = connection.execute(
        "SELECT event_description, category FROM answers_by_event LIMIT 1").fetchone()
    assert joined[0].startswith("Merges SEC-482") and joined[1] == "cues"
    named = connection.execute(
        "SELECT participant_name FROM feelings_by_participant WHERE participant_id IS NOT NULL"
    ).fetchall()
    names = {row[0] for row in connection.execute("SELECT name FROM participants")}
    assert named and {name for (name,) in named} <= names
    # An event taken out and put back (undo) is found again by the answers that name it.
    [event] = [e for e in store.items(session_id, Event) if e.key == "e1"]
    position = store.delete_item(event)
    assert connection.execute(
        "SELECT count(*) FROM answers WHERE event = 'e1' AND event_id IS NOT NULL"
    ).fetchone()[0] == 0
    store.add_item(session_id, Event("e1", event.at, event.description), position)
    assert connection.execute(
        "SELECT count(*) FROM answers WHERE event = 'e1' AND event_id IS NULL").fetchone()[0] == 0
    store.close()
