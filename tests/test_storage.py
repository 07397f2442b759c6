"""Storage: retros in and out of SQLite, and every way a database file can refuse to open."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import random
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from retro_desk.export import session_file
from retro_desk.model import (
    Action,
    AgendaItem,
    Answer,
    Event,
    Feeling,
    Learning,
    ParkingItem,
    Participant,
    Retro,
    Session,
)
from retro_desk.paths import resource
from retro_desk.storage import (
    DiskFull,
    NewerDatabase,
    NotARetroDatabase,
    NotFound,
    ReadOnlyDatabase,
    StorageError,
    Store,
)
from retro_desk.storage.lock import InstanceLock
from retro_desk.storage.schema import SCHEMA_VERSION, migrations
from retro_desk.timer import TimerState

SAMPLE = resource("sample_retro.json")
CHILD_TABLES = (
    "participants",
    "agenda_items",
    "feelings",
    "events",
    "answers",
    "learnings",
    "actions",
    "parking_lot",
    "roti_votes",
    "reflection_marks",
)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def sample() -> Retro:
    return session_file.read_file(SAMPLE)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(store: Store, table: str, session_id: int | None = None) -> int:
    if session_id is None:
        return int(store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    return int(
        store.db.execute(
            f"SELECT count(*) FROM {table} WHERE session_id = ?", [session_id]
        ).fetchone()[0]
    )


@pytest.fixture
def memory() -> Iterator[Store]:
    store = Store.in_memory()
    yield store
    store.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "retros.sqlite3"


@pytest.fixture
def saved_db(tmp_path: Path) -> Path:
    """A closed database file holding the sample retro (WAL checkpointed into the main file)."""
    path = tmp_path / "saved.sqlite3"
    store = Store.open(path)
    store.create_retro(sample())
    store.close()
    return path


def bare_retro(title: str, updated_at: str = "") -> Retro:
    """A retro with no child rows, so nothing touches its `updated_at` after the insert."""
    return Retro(session=Session(uuid=f"uuid-{title}", title=title, updated_at=updated_at))


# -- schema and migrations -----------------------------------------------------------------


def test_schema_has_plain_named_tables(memory: Store) -> None:
    tables = set(memory.db.table_names())
    search_index = {name for name in tables if "_fts" in name}  # tests/test_search.py
    assert tables - search_index == {
        "sessions", "_sqlite_migrations", "agenda_templates", "archive_sync", "archive_copies",
        *CHILD_TABLES
    }
    schema = memory.db.schema
    for table in CHILD_TABLES:
        assert f"CREATE TABLE {table}" in schema
        if table != "reflection_marks":
            assert f"CREATE INDEX {table}_by_session ON {table}(session_id, position)" in schema
    # The archive's records of each retro (last publish or import, copies brought in beside
    # it) go with their retro too.
    assert schema.count("REFERENCES sessions(id) ON DELETE CASCADE") == len(CHILD_TABLES) + 3
    assert "CHECK (kind IN ('own', 'external'))" in schema
    assert "CHECK (status IN ('draft', 'live', 'closed'))" in schema
    assert memory.db["events"].columns_dict.keys() >= {
        "id", "session_id", "position", "key", "at", "actor", "description", "source",
        "decision_point", "learned_later",
    }


def test_fresh_database_is_migrated_to_current_version(db_path: Path) -> None:
    assert not db_path.exists()
    store = Store.open(db_path)
    try:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert migrations.pending(store.db) == []
        applied = [m.name for m in migrations.applied(store.db)]
        assert applied == ["m001_initial", "m002_reflection_marks", "m003_archive",
                           "m004_write_up", "m005_team_archive"]
        assert store.list_sessions() == []
    finally:
        store.close()
    # No temporary file is left beside the new database.
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(".")) == []


def test_reopening_current_schema_applies_nothing_and_keeps_data(saved_db: Path) -> None:
    with sqlite3.connect(saved_db) as conn:
        before = conn.execute("SELECT * FROM _sqlite_migrations").fetchall()
    conn.close()
    assert len(before) == 5
    store = Store.open(saved_db)
    try:
        assert migrations.pending(store.db) == []
        after = store.db.execute("SELECT * FROM _sqlite_migrations").fetchall()
        assert after == before  # same row, same applied_at: nothing re-ran
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        [session] = store.list_sessions()
        assert session.id is not None
        loaded = store.load_retro(session.id)
        assert session_file.to_document(loaded) == session_file.to_document(sample())
    finally:
        store.close()


def test_database_of_the_previous_schema_is_migrated_and_keeps_its_data(db_path: Path) -> None:
    # Build a version-1 file as the first release left it: only m001 applied.
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path)
    old = Database(conn)
    migrations.apply(old, stop_before="m002_reflection_marks")
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    old["sessions"].insert({"uuid": "u1", "title": "Kept", "kind": "own"})
    conn.commit()
    conn.close()
    store = Store.open(db_path)
    try:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert "reflection_marks" in store.db.table_names()
        [session] = store.list_sessions()
        assert session.title == "Kept"
        assert session.id is not None
        store.set_reflection_mark(session.id, "timeline:e1:description:hindsight:obviously",
                                  "reframed")
        assert store.load_retro(session.id).reflection_marks == {
            "timeline:e1:description:hindsight:obviously": "reframed"
        }
    finally:
        store.close()


def test_foreign_keys_and_wal_are_on(db_path: Path, memory: Store) -> None:
    assert memory.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    store = Store.open(db_path)
    try:
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        store.close()
    # WAL is a property of the file, so any other program sees it too.
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_new_database_is_readable_by_its_owner_only(db_path: Path) -> None:
    old_umask = os.umask(0)  # even a permissive umask must not widen the mode
    try:
        store = Store.open(db_path)
        lock = InstanceLock(db_path)
        assert lock.acquire()
    finally:
        os.umask(old_umask)
    try:
        store.create_retro(bare_retro("perm"))
        for path in (db_path, Path(f"{db_path}-wal"), lock.path):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert stat.S_IMODE(db_path.parent.stat().st_mode) & 0o077 == 0
    finally:
        lock.release()
        store.close()


# -- retros: create, load, edit ------------------------------------------------------------


@pytest.mark.parametrize("where", ["memory", "file"])
def test_create_and_load_round_trip(where: str, tmp_path: Path) -> None:
    store = Store.in_memory() if where == "memory" else Store.open(tmp_path / "r.sqlite3")
    retro = sample()
    retro.private_notes = "facilitator only: watch the Platform/Checkout tension"
    try:
        session_id = store.create_retro(retro)
        assert retro.session.id == session_id
        loaded = store.load_retro(session_id)
        assert session_file.to_document(loaded) == session_file.to_document(sample())
        assert loaded.private_notes == retro.private_notes
        assert len(loaded.timeline) == 30
        assert all(event.id is not None for event in loaded.timeline)
        assert loaded.session.created_at and loaded.session.updated_at
        assert store.session_text(session_id, "private_notes") == retro.private_notes
        assert store.session_text(session_id, "closing_notes") == retro.closing.notes
    finally:
        store.close()
    if where == "file":
        # Committed, not just cached: a new connection sees every row.
        again = Store.open(tmp_path / "r.sqlite3")
        try:
            [session] = again.list_sessions()
            assert session.id is not None
            loaded = again.load_retro(session.id)
            assert session_file.to_document(loaded) == session_file.to_document(sample())
        finally:
            again.close()


def test_get_and_load_missing_session(memory: Store) -> None:
    with pytest.raises(NotFound, match="no session with id 42"):
        memory.get_session(42)
    with pytest.raises(NotFound):
        memory.load_retro(42)
    with pytest.raises(NotFound):
        memory.timer_state(42)
    assert memory.find_by_uuid("nope") is None


def test_updating_what_is_gone_says_so_and_changes_nothing(memory: Store) -> None:
    session_id = memory.create_retro(session_file.read_file(resource("sample_retro.json")))
    event = memory.items(session_id, Event)[0]
    memory.delete_item(event)
    with pytest.raises(NotFound, match=f"no events row with id {event.id}"):
        memory.update_item(dataclasses.replace(event, description="edited after deletion"))
    with pytest.raises(NotFound, match="no sessions row with id 42"):
        memory.update_session(42, title="nobody's")
    assert all(e.description != "edited after deletion" for e in memory.items(session_id, Event))


def test_find_by_uuid(memory: Store) -> None:
    session_id = memory.create_retro(sample())
    assert memory.find_by_uuid("6f1c2a9e-3b7d-4c59-9a0e-8d2f4b71c3e5") == session_id


def test_create_retro_is_all_or_nothing(memory: Store) -> None:
    memory.db.execute(
        "CREATE TRIGGER refuse_fifth_event BEFORE INSERT ON events WHEN NEW.key = 'e5'"
        " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    )
    retro = sample()
    with pytest.raises(StorageError, match="refused by the test"):
        memory.create_retro(retro)
    assert retro.session.id is None
    assert count(memory, "sessions") == 0
    for table in CHILD_TABLES:
        assert count(memory, table) == 0, table
    assert not memory.db.conn.in_transaction
    # The store is still usable afterwards.
    memory.db.execute("DROP TRIGGER refuse_fifth_event")
    assert memory.create_retro(sample()) == memory.list_sessions()[0].id


def test_add_update_delete_move_items(memory: Store) -> None:
    session_id = memory.create_retro(sample())

    added = memory.add_item(session_id, Event(key="", at="2026-11-20T16:00:00+01:00",
                                              description="Status page closed"))
    assert added.id is not None
    assert added.key == "e31"  # next free key after e1..e30
    timeline = memory.items(session_id, Event)
    assert timeline[-1] == added

    participant = memory.add_item(session_id, Participant(key="", name="Ada"))
    assert participant.key == "p7"

    changed = dataclasses.replace(added, description="Status page resolved", decision_point=True)
    memory.update_item(changed)
    assert memory.items(session_id, Event)[-1] == changed

    learnings = memory.items(session_id, Learning)
    first, second = learnings[0], learnings[1]
    memory.move_item(second, -1.0)
    moved = memory.items(session_id, Learning)
    assert moved[0] == second and moved[1] == first

    position = memory.delete_item(changed)
    assert changed not in memory.items(session_id, Event)
    with pytest.raises(NotFound):
        memory.delete_item(changed)
    with pytest.raises(ValueError):
        memory.update_item(Learning("no id"))
    assert isinstance(position, float)


def test_add_item_with_position_and_id_restores_for_undo(memory: Store) -> None:
    session_id = memory.create_retro(sample())
    actions = memory.items(session_id, Action)
    victim = actions[2]
    position = memory.delete_item(victim)
    assert victim not in memory.items(session_id, Action)

    restored = memory.add_item(session_id, victim, position=position)
    assert restored == victim  # same id, same fields
    assert memory.items(session_id, Action) == actions  # and back in the same place


@pytest.mark.parametrize(
    "item",
    [
        Participant(key="", name="Kim", role="SRE"),
        AgendaItem(phase="opening", title="Extra", planned_seconds=60),
        Feeling(words=["relieved"], note="n", participant="p1", blame_feeling=True),
        Answer(event="e1", category="tools", answer="the gateway dashboard"),
        Learning("a learning"),
        Action(description="do it", owner="Kim", due="2026-12-24", done=True),
        ParkingItem("later"),
    ],
    ids=lambda item: type(item).__name__,
)
def test_every_item_kind_round_trips(memory: Store, item: Any) -> None:
    session_id = memory.create_retro(bare_retro("items"))
    added = memory.add_item(session_id, item)
    [stored] = memory.items(session_id, type(item))
    assert stored == added
    assert stored.id is not None
    expected = dataclasses.replace(item, id=stored.id)
    if isinstance(item, Participant):
        assert stored.key == "p1"  # a fresh key was given
        expected = dataclasses.replace(expected, key="p1")
    assert stored == expected


def test_set_answer_insert_update_clear(memory: Store) -> None:
    session_id = memory.create_retro(sample())
    assert memory.set_answer(session_id, "e2", "help", "") == ""  # clearing nothing
    assert memory.set_answer(session_id, "e2", "help", "paged Amara") == ""
    assert memory.load_retro(session_id).answers_for("e2")["help"] == "paged Amara"
    assert memory.set_answer(session_id, "e2", "help", "paged Amara via PagerDuty") == "paged Amara"
    assert memory.load_retro(session_id).answers_for("e2")["help"] == "paged Amara via PagerDuty"
    rows = memory.db.execute(
        "SELECT count(*) FROM answers WHERE session_id = ? AND event = 'e2' AND category = 'help'",
        [session_id],
    ).fetchone()[0]
    assert rows == 1
    assert memory.set_answer(session_id, "e2", "help", "") == "paged Amara via PagerDuty"
    assert "help" not in memory.load_retro(session_id).answers_for("e2")


def test_set_roti_replaces_votes_and_refuses_bad_ones(memory: Store) -> None:
    session_id = memory.create_retro(sample())
    memory.set_roti(session_id, [1, 2, 5])
    assert memory.load_retro(session_id).closing.roti == [1, 2, 5]
    with pytest.raises(StorageError):
        memory.set_roti(session_id, [3, 6])
    # The failed edit changed nothing.
    assert memory.load_retro(session_id).closing.roti == [1, 2, 5]
    memory.set_roti(session_id, [])
    assert memory.load_retro(session_id).closing.roti == []


def test_update_session(memory: Store) -> None:
    session_id = memory.create_retro(bare_retro("old", updated_at="2000-01-01T00:00:00.000Z"))
    memory.update_session(
        session_id,
        title="new title",
        status="live",
        source_links=["https://example.org/report"],
        language_reflection=False,
        closing_notes="bye",
        private_notes="secret",
    )
    session = memory.get_session(session_id)
    assert session.title == "new title"
    assert session.status == "live"
    assert session.source_links == ["https://example.org/report"]
    assert session.language_reflection is False
    assert session.updated_at > "2000-01-01T00:00:00.000Z"
    retro = memory.load_retro(session_id)
    assert retro.closing.notes == "bye" and retro.private_notes == "secret"
    with pytest.raises(ValueError, match="not session fields"):
        memory.update_session(session_id, colour="red")
    with pytest.raises(StorageError):
        memory.update_session(session_id, status="finished")  # CHECK constraint
    assert memory.get_session(session_id).status == "live"


def test_delete_session_cascades(memory: Store) -> None:
    keep = memory.create_retro(bare_retro("keep"))
    memory.add_item(keep, Learning("kept"))
    gone = memory.create_retro(sample())
    memory.set_roti(gone, [4])
    memory.set_reflection_mark(gone, "learnings:1:text:hindsight:obviously", "reframed")
    assert all(count(memory, table, gone) > 0 for table in CHILD_TABLES)

    memory.delete_session(gone)
    for table in CHILD_TABLES:
        assert count(memory, table, gone) == 0, table
    assert [s.id for s in memory.list_sessions()] == [keep]
    assert [x.text for x in memory.items(keep, Learning)] == ["kept"]


def test_foreign_keys_refuse_orphans(memory: Store) -> None:
    with pytest.raises(StorageError):
        memory.add_item(999, Learning("nobody's"))
    assert count(memory, "learnings") == 0


def test_list_sessions_most_recently_updated_first(memory: Store) -> None:
    a = memory.create_retro(bare_retro("a", updated_at="2020-01-01T00:00:00.000Z"))
    b = memory.create_retro(bare_retro("b", updated_at="2021-01-01T00:00:00.000Z"))
    c = memory.create_retro(bare_retro("c", updated_at="2019-01-01T00:00:00.000Z"))
    assert [s.id for s in memory.list_sessions()] == [b, a, c]
    memory.update_session(c, summary="touched")
    assert [s.id for s in memory.list_sessions()] == [c, b, a]
    # An edit to a retro's contents counts as an update too (child-table triggers).
    memory.db.execute(
        "UPDATE sessions SET updated_at = '2018-01-01T00:00:00.000Z' WHERE id IN (?, ?)", [b, c]
    )
    memory.add_item(a, ParkingItem("later"))
    assert [s.id for s in memory.list_sessions()][0] == a


def test_timer_state_save_and_load(memory: Store) -> None:
    session_id = memory.create_retro(sample())
    assert memory.timer_state(session_id) == TimerState(0, None, None)
    agenda = memory.items(session_id, AgendaItem)
    agenda[2].planned_seconds = 1500
    agenda[2].spent_seconds = 321
    memory.save_timer(session_id, TimerState(2, 1_800_000_000.25, 3900), agenda)
    assert memory.timer_state(session_id) == TimerState(2, 1_800_000_000.25, 3900)
    stored = memory.items(session_id, AgendaItem)
    assert (stored[2].planned_seconds, stored[2].spent_seconds) == (1500, 321)
    assert stored == agenda


# -- opening files that are not (or not yet) ours -------------------------------------------


def _text_file(path: Path, tmp: Path) -> None:
    path.write_text("phase,title\nopening,Opening\n")


def _random_bytes(path: Path, tmp: Path) -> None:
    path.write_bytes(random.Random(20261120).randbytes(64 * 1024))


def _empty_file(path: Path, tmp: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path, tmp: Path) -> None:
    source = tmp / "whole.sqlite3"
    store = Store.open(source)
    store.create_retro(sample())
    store.close()
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _header_then_garbage(path: Path, tmp: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8192)


def _foreign_sqlite(path: Path, tmp: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE bookmarks (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO bookmarks (url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()


def _foreign_sqlite_with_version(path: Path, tmp: Path) -> None:
    _foreign_sqlite(path, tmp)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 1")
    conn.close()


NOT_OURS: dict[str, Callable[[Path, Path], None]] = {
    "text": _text_file,
    "random-bytes": _random_bytes,
    "empty": _empty_file,
    "truncated": _truncated,
    "header-then-garbage": _header_then_garbage,
    "foreign-sqlite": _foreign_sqlite,
    "foreign-sqlite-version-1": _foreign_sqlite_with_version,
}


@pytest.mark.parametrize("read_only", [False, True], ids=["writable", "read-only"])
@pytest.mark.parametrize("make", NOT_OURS.values(), ids=NOT_OURS.keys())
def test_files_that_are_not_retro_databases_are_refused_untouched(
    make: Callable[[Path, Path], None], read_only: bool, tmp_path: Path
) -> None:
    path = tmp_path / "other.db"
    make(path, tmp_path)
    before = sha256(path)
    size = path.stat().st_size
    with pytest.raises(StorageError) as raised:
        Store.open(path, read_only=read_only)
    error = raised.value
    assert isinstance(error, NotARetroDatabase), repr(error)
    message = str(error)
    assert str(path) in message
    assert "\n" not in message
    assert any(word in message for word in ("untouched", "damaged", "not a Retro Desk")), message
    del raised, error
    assert sha256(path) == before
    assert path.stat().st_size == size


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotARetroDatabase, match="folder"):
        Store.open(tmp_path)


def test_missing_file_opened_read_only_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nothing.sqlite3"
    with pytest.raises(StorageError, match="no Retro Desk database"):
        Store.open(path, read_only=True)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("read_only", [False, True], ids=["writable", "read-only"])
def test_newer_database_is_refused_untouched(
    saved_db: Path, tmp_path: Path, read_only: bool
) -> None:
    newer = tmp_path / "newer.sqlite3"
    newer.write_bytes(saved_db.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = sha256(newer)
    with pytest.raises(NewerDatabase) as raised:
        Store.open(newer, read_only=read_only)
    message = str(raised.value)
    assert "newer Retro Desk" in message and "99" in message and str(newer) in message
    del raised
    assert sha256(newer) == before


def test_refused_open_leaves_no_connection_behind(saved_db: Path, tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    newer.write_bytes(saved_db.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("newer")) == [
        "newer.sqlite3"
    ]
    with pytest.raises(NewerDatabase):
        Store.open(newer)
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("newer"))
    assert leftovers == ["newer.sqlite3"]


# -- read-only ------------------------------------------------------------------------------


@pytest.mark.skipif(IS_ROOT, reason="root ignores file permissions; see the monkeypatched test")
@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_read_only_file_is_refused_for_writing(saved_db: Path) -> None:
    saved_db.chmod(0o444)
    before = sha256(saved_db)
    try:
        with pytest.raises(ReadOnlyDatabase, match="read-only"):
            Store.open(saved_db)
        assert sha256(saved_db) == before
        reader = Store.open(saved_db, read_only=True)
        assert len(reader.list_sessions()) == 1
        reader.close()
    finally:
        saved_db.chmod(0o600)


def test_read_only_file_is_refused_for_writing_simulated(
    saved_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs as root too: the permission check is answered as it would be for a normal user."""
    real_access = os.access

    def access(path: str | os.PathLike[str], mode: int, **kwargs: object) -> bool:
        if Path(path) == saved_db and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    before = sha256(saved_db)
    with pytest.raises(ReadOnlyDatabase) as raised:
        Store.open(saved_db)
    assert str(saved_db) in str(raised.value) and "read-only" in str(raised.value)
    assert sha256(saved_db) == before
    assert not Path(f"{saved_db}-wal").exists()
    reader = Store.open(saved_db, read_only=True)
    try:
        assert len(reader.list_sessions()) == 1
    finally:
        reader.close()


def test_read_only_store_refuses_every_write(saved_db: Path) -> None:
    reader = Store.open(saved_db, read_only=True)
    try:
        [session] = reader.list_sessions()
        sid = session.id
        assert sid is not None
        learning = reader.items(sid, Learning)[0]
        agenda = reader.items(sid, AgendaItem)
        writes: list[Callable[[], object]] = [
            lambda: reader.create_retro(bare_retro("x")),
            lambda: reader.update_session(sid, title="x"),
            lambda: reader.delete_session(sid),
            lambda: reader.add_item(sid, Learning("x")),
            lambda: reader.update_item(dataclasses.replace(learning, text="x")),
            lambda: reader.delete_item(learning),
            lambda: reader.move_item(learning, 99.0),
            lambda: reader.set_answer(sid, "e1", "cues", "x"),
            lambda: reader.set_roti(sid, [1]),
            lambda: reader.save_timer(sid, TimerState(3, 1.0, 10), agenda),
        ]
        for write in writes:
            with pytest.raises(ReadOnlyDatabase, match="reading only"):
                write()
        assert session_file.to_document(reader.load_retro(sid)) == session_file.to_document(
            sample()
        )
    finally:
        reader.close()


# -- several connections --------------------------------------------------------------------


def test_two_stores_on_one_file_keep_both_edits(saved_db: Path) -> None:
    first = Store.open(saved_db)
    second = Store.open(saved_db)
    try:
        sid = first.list_sessions()[0].id
        assert sid is not None
        first.add_item(sid, Learning("from the first window"))
        second.add_item(sid, Learning("from the second window"))
        first.set_answer(sid, "e1", "help", "first")
        second.update_session(sid, summary="second")
        for store in (first, second):
            texts = [x.text for x in store.items(sid, Learning)]
            assert texts[-2:] == ["from the first window", "from the second window"]
            assert store.get_session(sid).summary == "second"
            assert store.load_retro(sid).answers_for("e1")["help"] == "first"
    finally:
        first.close()
        second.close()
    again = Store.open(saved_db, read_only=True)
    try:
        assert len(again.items(sid, Learning)) == len(sample().learnings) + 2
    finally:
        again.close()


def test_reader_reads_while_writer_holds_the_file(saved_db: Path) -> None:
    writer = Store.open(saved_db)
    try:
        sid = writer.list_sessions()[0].id
        assert sid is not None
        writer.add_item(sid, ParkingItem("written while a reader opens"))
        reader = Store.open(saved_db, read_only=True)
        try:
            assert reader.items(sid, ParkingItem)[-1].text == "written while a reader opens"
            writer.add_item(sid, ParkingItem("written after the reader opened"))
            assert reader.items(sid, ParkingItem)[-1].text == "written after the reader opened"
            with writer.db.atomic():
                writer.db.execute("UPDATE sessions SET title = 'uncommitted' WHERE id = ?", [sid])
                # Not committed yet: the reader sees the last committed state, without waiting.
                assert reader.get_session(sid).title == sample().session.title
        finally:
            reader.close()
    finally:
        writer.close()


def test_instance_lock(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    first, second = InstanceLock(path), InstanceLock(path)
    assert first.acquire()
    try:
        assert not second.acquire()
        assert not second.acquire()  # and a failed try leaves nothing held
    finally:
        first.release()
    assert second.acquire()
    assert not first.acquire()
    second.release()
    first.release()  # releasing twice, or without holding, is harmless
    assert first.acquire()
    first.release()


# -- disk full ------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["memory", "file"])
def test_disk_full_is_reported_and_committed_data_survives(where: str, tmp_path: Path) -> None:
    store = Store.in_memory() if where == "memory" else Store.open(tmp_path / "full.sqlite3")
    try:
        sid = store.create_retro(sample())
        saved = [store.add_item(sid, Learning(f"saved {i}")) for i in range(3)]
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages}")

        with pytest.raises(DiskFull) as raised:
            for i in range(200):  # each note is a page or more: the limit is reached quickly
                store.add_item(sid, ParkingItem(f"{i} " + "x" * 5000))
        message = str(raised.value)
        assert "disk is full" in message and "not saved" in message
        assert "\n" not in message
        assert not store.db.conn.in_transaction

        expected = session_file.to_document(sample())
        loaded = store.load_retro(sid)
        assert loaded.learnings[-3:] == saved
        document = session_file.to_document(loaded)
        assert document["timeline"] == expected["timeline"]
        assert document["rationality"] == expected["rationality"]
        added_before = len(loaded.parking_lot) - len(sample().parking_lot)
        assert all(item.text.startswith(f"{n} ") for n, item in
                   enumerate(loaded.parking_lot[len(sample().parking_lot):]))
        assert added_before >= 0

        store.db.execute("PRAGMA max_page_count = 1073741823")
        after = store.add_item(sid, Learning("after the disk was freed"))
        assert store.items(sid, Learning)[-1] == after
    finally:
        store.close()
    if where == "file":
        again = Store.open(tmp_path / "full.sqlite3", read_only=True)
        try:
            assert again.items(sid, Learning)[-1].text == "after the disk was freed"
        finally:
            again.close()


def test_disk_full_during_create_retro_leaves_nothing(memory: Store) -> None:
    pages = memory.db.execute("PRAGMA page_count").fetchone()[0]
    memory.db.execute(f"PRAGMA max_page_count = {pages + 1}")
    big = sample()
    big.learnings = [Learning("y" * 4000) for _ in range(20)]
    with pytest.raises(DiskFull):
        memory.create_retro(big)
    assert count(memory, "sessions") == 0
    assert count(memory, "participants") == 0
