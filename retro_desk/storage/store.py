"""Open a retro database and read and write retros, one committed transaction per edit."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance
    from sqlite_utils import Database

    from retro_desk.storage.search import SearchResults
    from retro_desk.templates import AgendaTemplate

# Search and agenda templates are imported where they are used: opening a retro needs neither.

from retro_desk.model import (
    Action,
    AgendaItem,
    Answer,
    Closing,
    Event,
    Feeling,
    Learning,
    ParkingItem,
    Participant,
    Retro,
    Session,
)
from retro_desk.storage.errors import (
    NewerDatabase,
    NotARetroDatabase,
    NotFound,
    OlderDatabase,
    ReadOnlyDatabase,
    StorageError,
    translate,
)
from retro_desk.storage.version import SCHEMA_VERSION
from retro_desk.timer import TimerState

SQLITE_HEADER = b"SQLite format 3\x00"
OUR_TABLES = {"sessions", "participants", "agenda_items", "events", "_sqlite_migrations"}

Item = Participant | AgendaItem | Feeling | Event | Answer | Learning | Action | ParkingItem
ItemT = TypeVar("ItemT", Participant, AgendaItem, Feeling, Event, Answer, Learning, Action,
                ParkingItem)
RowT = TypeVar("RowT", bound="DataclassInstance")
P = ParamSpec("P")
R = TypeVar("R")

_TABLES: dict[type[Any], str] = {
    Participant: "participants",
    AgendaItem: "agenda_items",
    Feeling: "feelings",
    Event: "events",
    Answer: "answers",
    Learning: "learnings",
    Action: "actions",
    ParkingItem: "parking_lot",
}
_KEY_PREFIX: dict[type[Any], str] = {Participant: "p", Event: "e"}
_JSON_COLUMNS = {"words", "source_links"}
_BOOL_COLUMNS = {"blame_feeling", "decision_point", "learned_later", "done", "language_reflection"}
_SESSION_FIELDS = {f.name for f in dataclasses.fields(Session)} - {"id", "created_at", "updated_at"}
_SESSION_EXTRA = {"closing_notes", "private_notes"}


def _known_errors(method: Callable[P, R]) -> Callable[P, R]:
    """SQLite's exceptions become StorageErrors that name the file and say what happened."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as error:
            store = args[0]
            assert isinstance(store, Store)
            raise translate(error, store.label) from error

    return wrapper


def _columns(item: Any) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for f in dataclasses.fields(item):
        if f.name == "id":
            continue
        value = getattr(item, f.name)
        if f.name in _JSON_COLUMNS:
            value = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            value = int(value)
        row[f.name] = value
    return row


@functools.cache
def _field_plan(cls: type[Any]) -> tuple[tuple[str, int], ...]:
    """Each field of `cls` in order, with how its column is read: 0 as is, 1 JSON, 2 bool."""
    return tuple(
        (f.name, 1 if f.name in _JSON_COLUMNS else 2 if f.name in _BOOL_COLUMNS else 0)
        for f in dataclasses.fields(cls)
    )


def _read_rows(cls: type[RowT], cursor: sqlite3.Cursor) -> list[RowT]:
    """The cursor's rows as `cls` objects; loading a 5,000-event retro is mostly this."""
    names = [column[0] for column in cursor.description]
    plan = [(names.index(name), how) for name, how in _field_plan(cls)]
    loads = json.loads
    result = []
    for row in cursor:
        values = []
        for index, how in plan:
            value = row[index]
            values.append(value if how == 0 else loads(value) if how == 1 else bool(value))
        result.append(cls(*values))
    return result


class Store:
    """A retro database. Every public write commits before it returns.

    Reading goes straight through the sqlite3 connection; sqlite-utils (`db`) is imported the
    first time something is written, or by `warm_up()`. Importing it cost about 100 ms and
    5 MiB, which a window opening an existing retro need not spend before it is painted.
    """

    def __init__(
        self, conn: sqlite3.Connection, label: str = ":memory:", read_only: bool = False
    ) -> None:
        self.conn = conn
        self.label = label
        self.read_only = read_only
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        """The sqlite-utils view of the same connection, for writes and migrations."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn)
        return self._db

    def warm_up(self) -> None:
        """Load what the first write needs now, while nobody is waiting for it."""
        self.db  # noqa: B018 - the property does the work

    def _sessions(self, where: str, params: Sequence[object] = ()) -> list[Session]:
        return _read_rows(Session, self.conn.execute(f"SELECT * FROM sessions {where}", params))

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def in_memory(cls) -> Store:
        store = cls(sqlite3.connect(":memory:"))
        store._prepare(writable=True)
        return store

    @classmethod
    def open(cls, path: Path, read_only: bool = False) -> Store:
        """Open (or, for a new path, create) a database; refuse anything that is not ours."""
        label = str(path)
        if not path.exists():
            if read_only:
                raise StorageError(f"{label}: no Retro Desk database there")
            _create(path)
        _check_file(path)
        if not read_only and not _writable(path):
            raise ReadOnlyDatabase(
                f"{label}: the file or its folder is read-only; nothing can be saved to it"
            )
        try:
            connection = _connect(path, read_only)
            try:
                store = cls(connection, label, read_only)
                store._prepare(writable=not read_only)
            except BaseException:
                # A refused file must not keep side files (-wal, -shm) open beside it.
                connection.close()
                raise
        except sqlite3.Error as error:
            raise translate(error, label) from error
        return store

    def _prepare(self, writable: bool) -> None:
        conn = self.conn
        conn.execute("PRAGMA busy_timeout = 3000")
        if _looks_damaged(conn, self.label):
            problem = self.check(quick=True)
            if problem:
                raise NotARetroDatabase(
                    f"{self.label}: the file is damaged ({problem[0]}); left untouched"
                )
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise NewerDatabase(
                f"{self.label}: written by a newer Retro Desk (schema {version}, this one reads up"
                f" to {SCHEMA_VERSION}); update Retro Desk to open it"
            )
        tables = {
            str(row[0])
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if version == 0 and tables:
            raise NotARetroDatabase(
                f"{self.label}: an SQLite database of another program, not Retro Desk's;"
                " left untouched"
            )
        if version > 0 and not OUR_TABLES <= tables:
            raise NotARetroDatabase(f"{self.label}: tables are missing; left untouched")
        if writable:
            if self.label != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
                # FULL: an edit reported as saved survives a power cut, not just a crash.
                conn.execute("PRAGMA synchronous = FULL")
            if version < SCHEMA_VERSION:
                from retro_desk.storage.schema import migrations

                migrations.apply(self.db)
        elif version < SCHEMA_VERSION:
            raise OlderDatabase(
                f"{self.label}: made by an older Retro Desk; open it for editing once to update it"
            )
        conn.execute("PRAGMA foreign_keys = ON")

    def close(self) -> None:
        self.conn.close()

    @_known_errors
    def check(self, quick: bool = False) -> list[str]:
        """Every problem SQLite finds reading the whole file (none: an empty list). Opening
        checks only cheaply (`_looks_damaged`); this is the full check, on request."""
        conn = self.conn
        # Every page is read once: through a small page cache, so that it does not fill the
        # usual 2 MiB one with pages nobody asked for (a megabyte of peak memory).
        cache_size = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute("PRAGMA cache_size = -256")
        try:
            pragma = "quick_check(1)" if quick else "integrity_check(20)"
            problems = [str(row[0]) for row in conn.execute(f"PRAGMA {pragma}")]
            if problems == ["ok"]:
                problems = [
                    f"a row of {row[0]} refers to a missing {row[2]} row"
                    for row in conn.execute("PRAGMA foreign_key_check")
                ]
        finally:
            conn.execute(f"PRAGMA cache_size = {int(cache_size)}")
        return problems

    @contextmanager
    def _write(self) -> Iterator[Database]:
        if self.read_only:
            raise ReadOnlyDatabase(f"{self.label}: opened for reading only; the edit was not saved")
        with self.db.atomic() as db:
            yield db

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Group several writes into one transaction: a crash or a failure keeps all or none."""
        try:
            with self._write():
                yield
        except sqlite3.Error as error:
            raise translate(error, self.label) from error

    # -- sessions --------------------------------------------------------------------------

    @_known_errors
    def list_sessions(self) -> list[Session]:
        return self._sessions("ORDER BY updated_at DESC, id DESC")

    @_known_errors
    def get_session(self, session_id: int) -> Session:
        sessions = self._sessions("WHERE id = ?", [session_id])
        if not sessions:
            raise NotFound(f"no session with id {session_id}")
        return sessions[0]

    @_known_errors
    def find_by_uuid(self, uuid: str) -> int | None:
        row = self.conn.execute("SELECT id FROM sessions WHERE uuid = ?", [uuid]).fetchone()
        return None if row is None else int(row[0])

    @_known_errors
    def create_retro(self, retro: Retro, session_id: int | None = None) -> int:
        """Store a whole retro in one transaction: all of it, or (on any failure) none of it.
        `session_id`: the row id to use (a retro replaced by a newer copy keeps its id)."""
        with self._write() as db:
            row = _columns(retro.session)
            if session_id is not None:
                row["id"] = session_id
            for key in ("created_at", "updated_at"):
                if not row[key]:
                    del row[key]
            row["closing_notes"] = retro.closing.notes
            row["private_notes"] = retro.private_notes
            session_id = _row_id(db.table("sessions").insert(row).last_pk)
            for cls_items in (retro.participants, retro.agenda, retro.feelings, retro.timeline,
                              retro.rationality, retro.learnings, retro.actions,
                              retro.parking_lot):
                rows = []
                for position, item in enumerate(cls_items):
                    values = _columns(item)
                    values.update(session_id=session_id, position=float(position))
                    rows.append(values)
                if cls_items:
                    db.table(_TABLES[type(cls_items[0])]).insert_all(rows)
            db.table("roti_votes").insert_all(
                {"session_id": session_id, "position": float(i), "value": v}
                for i, v in enumerate(retro.closing.roti)
            )
            db.table("reflection_marks").insert_all(
                {"session_id": session_id, "key": key, "state": state}
                for key, state in retro.reflection_marks.items()
            )
        retro.session.id = session_id
        return session_id

    @_known_errors
    def load_retro(self, session_id: int) -> Retro:
        session = self.get_session(session_id)
        extra = self.conn.execute(
            "SELECT closing_notes, private_notes FROM sessions WHERE id = ?", [session_id]
        ).fetchone()
        votes = [
            int(r[0])
            for r in self.conn.execute(
                "SELECT value FROM roti_votes WHERE session_id = ? ORDER BY position, id",
                [session_id],
            )
        ]
        return Retro(
            session=session,
            participants=self.items(session_id, Participant),
            agenda=self.items(session_id, AgendaItem),
            feelings=self.items(session_id, Feeling),
            timeline=self.items(session_id, Event),
            rationality=self.items(session_id, Answer),
            learnings=self.items(session_id, Learning),
            actions=self.items(session_id, Action),
            parking_lot=self.items(session_id, ParkingItem),
            closing=Closing(roti=votes, notes=extra[0]),
            private_notes=extra[1],
            reflection_marks=self.reflection_marks(session_id),
        )

    @_known_errors
    def reflection_marks(self, session_id: int) -> dict[str, str]:
        rows = self.conn.execute(
            "SELECT key, state FROM reflection_marks WHERE session_id = ? ORDER BY id",
            [session_id],
        )
        return {str(key): str(state) for key, state in rows}

    @_known_errors
    def set_reflection_mark(self, session_id: int, key: str, state: str) -> None:
        """Record what became of a finding; "open" forgets the mark."""
        with self._write() as db:
            db.execute(
                "DELETE FROM reflection_marks WHERE session_id = ? AND key = ?", [session_id, key]
            )
            if state != "open":
                db.execute(
                    "INSERT INTO reflection_marks (session_id, key, state) VALUES (?, ?, ?)",
                    [session_id, key, state],
                )

    @_known_errors
    def update_session(self, session_id: int, **changes: Any) -> None:
        """Change session fields (and `closing_notes`, `private_notes`) in one transaction."""
        unknown = set(changes) - _SESSION_FIELDS - _SESSION_EXTRA
        if unknown:
            raise ValueError(f"not session fields: {sorted(unknown)}")
        row = _columns_subset(changes)
        row["updated_at"] = _now_sql(self.conn)
        with self._write() as db:
            _update(db, "sessions", session_id, row)

    @_known_errors
    def delete_session(self, session_id: int) -> None:
        with self._write() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", [session_id])

    @_known_errors
    def session_text(self, session_id: int, column: str) -> str:
        if column not in _SESSION_EXTRA:
            raise ValueError(column)
        row = self.conn.execute(
            f"SELECT {column} FROM sessions WHERE id = ?", [session_id]
        ).fetchone()
        if row is None:
            raise NotFound(f"no session with id {session_id}")
        return str(row[0])

    # -- search and agenda templates -------------------------------------------------------

    @_known_errors
    def search(
        self, text: str, include_private: bool = False, limit: int | None = None
    ) -> SearchResults:
        """Every retro's texts matching what a person typed (QueryError if nothing can be);
        at most `limit` matches (None: the search module's default)."""
        from retro_desk.storage.search import DEFAULT_LIMIT, search

        def sessions(ids: list[int]) -> dict[int, Session]:
            found = self._sessions(f"WHERE id IN ({', '.join('?' * len(ids))})", ids)
            return {_row_id(session.id): session for session in found}

        return search(self.db, text, sessions, include_private,
                      DEFAULT_LIMIT if limit is None else limit)

    @_known_errors
    def agenda_templates(self) -> list[AgendaTemplate]:
        """The saved templates by name (the built-in ones are not stored)."""
        from retro_desk.templates import TemplateError, from_json

        templates = []
        for name, items in self.conn.execute(
            "SELECT name, items FROM agenda_templates ORDER BY name COLLATE NOCASE, id"
        ):
            try:
                templates.append(from_json(str(name), str(items)))
            except TemplateError:
                continue  # a row damaged by hand must not hide the others
        return templates

    @_known_errors
    def save_agenda_template(self, template: AgendaTemplate) -> None:
        """Store a template; it replaces a saved one whose name differs only in case."""
        from retro_desk.templates import checked, clean_name, to_json

        name = clean_name(template.name)
        checked(template)
        with self._write() as db:
            for row_id, existing in db.execute("SELECT id, name FROM agenda_templates").fetchall():
                if str(existing).casefold() == name.casefold():
                    db.execute("DELETE FROM agenda_templates WHERE id = ?", [row_id])
            db.execute(
                "INSERT INTO agenda_templates (name, items) VALUES (?, ?)",
                [name, to_json(template)],
            )

    @_known_errors
    def delete_agenda_template(self, name: str) -> None:
        from retro_desk.templates import TemplateError, is_builtin_name

        if is_builtin_name(name):
            raise TemplateError(f"“{name}” is built in and cannot be deleted.")
        with self._write() as db:
            deleted = db.execute("DELETE FROM agenda_templates WHERE name = ?", [name]).rowcount
        if not deleted:
            raise NotFound(f"no agenda template named “{name}”")

    # -- items -----------------------------------------------------------------------------

    @_known_errors
    def items(self, session_id: int, cls: type[ItemT]) -> list[ItemT]:
        cursor = self.conn.execute(
            f"SELECT * FROM {_TABLES[cls]} WHERE session_id = ? ORDER BY position, id",
            [session_id],
        )
        return _read_rows(cls, cursor)

    @_known_errors
    def add_item(self, session_id: int, item: ItemT, position: float | None = None) -> ItemT:
        """Append an item (or put it back at `position`, with its old id, for undo)."""
        table = _TABLES[type(item)]
        with self._write() as db:
            prefix = _KEY_PREFIX.get(type(item))
            keyed: Any = item  # only participants and events have keys; the prefix says which
            if prefix and not keyed.key:
                item = dataclasses.replace(keyed, key=_next_key(db, table, session_id, prefix))
            if position is None:
                position = float(
                    db.execute(
                        f"SELECT coalesce(max(position), -1) + 1 FROM {table} WHERE session_id = ?",
                        [session_id],
                    ).fetchone()[0]
                )
            row = _columns(item)
            row.update(session_id=session_id, position=position)
            if item.id is not None:
                row["id"] = item.id
            row_id = _insert(db, table, row)
        return dataclasses.replace(item, id=row_id)

    @_known_errors
    def update_item(self, item: Item) -> None:
        if item.id is None:
            raise ValueError("item has no id; add it first")
        with self._write() as db:
            _update(db, _TABLES[type(item)], item.id, _columns(item))

    @_known_errors
    def delete_item(self, item: Item) -> float:
        """Delete an item; returns its position so that undo can put it back where it was."""
        table = _TABLES[type(item)]
        with self._write() as db:
            row = db.execute(f"SELECT position FROM {table} WHERE id = ?", [item.id]).fetchone()
            if row is None:
                raise NotFound(f"no {table} row with id {item.id}")
            db.execute(f"DELETE FROM {table} WHERE id = ?", [item.id])
        return float(row[0])

    @_known_errors
    def add_items(
        self, session_id: int, items: Sequence[ItemT], positions: Sequence[float] | None = None
    ) -> list[ItemT]:
        """Append items in one transaction, all or none (or put them back, for redo)."""
        if not items:
            return []
        table = _TABLES[type(items[0])]
        prefix = _KEY_PREFIX.get(type(items[0]))
        stored: list[ItemT] = []
        with self._write() as db:
            if positions is None:
                start = db.execute(
                    f"SELECT coalesce(max(position), -1) + 1 FROM {table} WHERE session_id = ?",
                    [session_id],
                ).fetchone()[0]
                positions = [float(start + offset) for offset in range(len(items))]
            number = int(_next_key(db, table, session_id, prefix)[len(prefix):]) if prefix else 0
            for item, position in zip(items, positions, strict=True):
                keyed: Any = item  # only participants and events have keys; the prefix says which
                if prefix and not keyed.key:
                    item = dataclasses.replace(keyed, key=f"{prefix}{number}")
                    number += 1
                row = _columns(item)
                row.update(session_id=session_id, position=position)
                if item.id is not None:
                    row["id"] = item.id
                row_id = _insert(db, table, row)
                stored.append(dataclasses.replace(item, id=row_id))
        return stored

    @_known_errors
    def delete_items(self, items: Sequence[Item]) -> list[float]:
        """Delete items in one transaction; returns their positions, so undo can restore them."""
        positions: list[float] = []
        with self._write() as db:
            for item in items:
                table = _TABLES[type(item)]
                row = db.execute(
                    f"SELECT position FROM {table} WHERE id = ?", [item.id]
                ).fetchone()
                if row is None:
                    raise NotFound(f"no {table} row with id {item.id}")
                db.execute(f"DELETE FROM {table} WHERE id = ?", [item.id])
                positions.append(float(row[0]))
        return positions

    @_known_errors
    def move_item(self, item: Item, position: float) -> None:
        with self._write() as db:
            db.execute(
                f"UPDATE {_TABLES[type(item)]} SET position = ? WHERE id = ?", [position, item.id]
            )

    @_known_errors
    def set_answer(self, session_id: int, event: str, category: str, text: str) -> str:
        """Set (or, with empty text, clear) one answer; returns the text it had before."""
        with self._write() as db:
            row = db.execute(
                "SELECT answer FROM answers WHERE session_id = ? AND event = ? AND category = ?",
                [session_id, event, category],
            ).fetchone()
            before = "" if row is None else str(row[0])
            if not text:
                db.execute(
                    "DELETE FROM answers WHERE session_id = ? AND event = ? AND category = ?",
                    [session_id, event, category],
                )
            elif row is None:
                position = db.execute(
                    "SELECT coalesce(max(position), -1) + 1 FROM answers WHERE session_id = ?",
                    [session_id],
                ).fetchone()[0]
                db.table("answers").insert(
                    {"session_id": session_id, "position": position, "event": event,
                     "category": category, "answer": text}
                )
            else:
                db.execute(
                    "UPDATE answers SET answer = ? WHERE session_id = ? AND event = ?"
                    " AND category = ?",
                    [text, session_id, event, category],
                )
        return before

    @_known_errors
    def set_roti(self, session_id: int, votes: list[int]) -> None:
        with self._write() as db:
            db.execute("DELETE FROM roti_votes WHERE session_id = ?", [session_id])
            db.table("roti_votes").insert_all(
                {"session_id": session_id, "position": float(i), "value": v}
                for i, v in enumerate(votes)
            )

    # -- timer -----------------------------------------------------------------------------

    @_known_errors
    def timer_state(self, session_id: int) -> TimerState:
        row = self.conn.execute(
            "SELECT current_phase, timer_started_at, meeting_seconds FROM sessions WHERE id = ?",
            [session_id],
        ).fetchone()
        if row is None:
            raise NotFound(f"no session with id {session_id}")
        return TimerState(int(row[0]), row[1], row[2])

    @_known_errors
    def save_timer(
        self, session_id: int, state: TimerState, agenda: list[AgendaItem]
    ) -> None:
        """The timer and the agenda's planned and spent times, together, so they never disagree."""
        with self._write() as db:
            db.execute(
                "UPDATE sessions SET current_phase = ?, timer_started_at = ?, meeting_seconds = ?"
                " WHERE id = ?",
                [state.current_phase, state.started_at, state.meeting_seconds, session_id],
            )
            for item in agenda:
                db.execute(
                    "UPDATE agenda_items SET planned_seconds = ?, spent_seconds = ?"
                    " WHERE id = ?",
                    [item.planned_seconds, item.spent_seconds, item.id],
                )


@functools.cache
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{name}"' for name in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'


def _insert(db: Database, table: str, row: dict[str, Any]) -> int:
    """Insert one row of our own columns; its row id. One statement, where sqlite-utils'
    `insert` also looks the table up and wraps a savepoint around it: an added event is the
    edit made most often in a meeting."""
    return _row_id(db.execute(_insert_sql(table, tuple(row)), list(row.values())).lastrowid)


def _update(db: Database, table: str, row_id: int, values: dict[str, Any]) -> None:
    """Change columns of one row, as `_insert` adds one: a single statement."""
    assignments = ", ".join(f'"{name}" = ?' for name in values)
    cursor = db.execute(
        f'UPDATE "{table}" SET {assignments} WHERE id = ?', [*values.values(), row_id]
    )
    if cursor.rowcount == 0:
        raise NotFound(f"no {table} row with id {row_id}")


def _row_id(value: object) -> int:
    if not isinstance(value, int):
        raise TypeError(f"expected a row id, got {value!r}")
    return value


def _columns_subset(changes: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key, value in changes.items():
        if key in _JSON_COLUMNS:
            value = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            value = int(value)
        row[key] = value
    return row


def _now_sql(db: Database | sqlite3.Connection) -> str:
    return str(db.execute("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')").fetchone()[0])


def _next_key(db: Database, table: str, session_id: int, prefix: str) -> str:
    """`e31` after `e30`; keys of other shapes (from imported files) are passed over."""
    # The last row nearly always holds the highest key, and two index lookups find it; the
    # scan of every key below cost milliseconds per added event on a 5,000-event timeline.
    last = db.execute(
        f"SELECT key FROM {table} WHERE session_id = ? ORDER BY position DESC, id DESC LIMIT 1",
        [session_id],
    ).fetchone()
    number = str(last[0])[len(prefix):] if last and str(last[0]).startswith(prefix) else ""
    if number.isascii() and number.isdigit():
        candidate = f"{prefix}{int(number) + 1}"
        taken = db.execute(
            f"SELECT 1 FROM {table} WHERE session_id = ? AND key = ?", [session_id, candidate]
        ).fetchone()
        if taken is None:
            return candidate
    row = db.execute(
        f"SELECT max(CAST(substr(key, ?) AS INTEGER)) FROM {table}"
        " WHERE session_id = ? AND key GLOB ? AND substr(key, ?) NOT GLOB '*[^0-9]*'",
        [len(prefix) + 1, session_id, f"{prefix}[0-9]*", len(prefix) + 1],
    ).fetchone()
    return f"{prefix}{(row[0] or 0) + 1}"


def _check_file(path: Path) -> None:
    label = str(path)
    if path.is_dir():
        raise NotARetroDatabase(f"{label}: is a folder, not a database file")
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise StorageError(f"{label}: cannot read the file ({error.strerror})") from error
    if not header:
        raise NotARetroDatabase(
            f"{label}: the file is empty, not a Retro Desk database; left untouched"
        )
    if header != SQLITE_HEADER:
        raise NotARetroDatabase(
            f"{label}: not a Retro Desk database (not an SQLite file); left untouched"
        )


def _looks_damaged(conn: sqlite3.Connection, label: str) -> bool:
    """A cheap look at the file, instead of reading all of it at every open: its size must
    hold the pages its header promises. A truncated or padded file fails this, and only then
    is every page read (`Store.check`); damage inside a page shows when the page is read."""
    if label == ":memory:":
        return False
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    try:
        size = os.path.getsize(label)
        wal = os.path.getsize(f"{label}-wal") if os.path.exists(f"{label}-wal") else 0
    except OSError:
        return True
    return size % page_size != 0 or pages * page_size > size + wal


def _writable(path: Path) -> bool:
    # WAL needs to create its side files beside the database, so the folder counts too.
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if not read_only or _writable(path):
        # Reading a file that could be written: an ordinary connection kept from writing, so
        # that closing it removes the -wal and -shm files as a writer's does. A mode=ro one
        # left them beside the database after every `retro-desk list`, refused files too.
        connection = sqlite3.connect(str(path), timeout=3.0)
        if read_only:
            connection.execute("PRAGMA query_only = ON")
        return connection
    uri = path.resolve().as_uri() + "?mode=ro"
    connection = sqlite3.connect(uri, uri=True, timeout=3.0)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        # A WAL database in a read-only folder cannot make its shared-memory file.
        connection.close()
        connection = sqlite3.connect(path.resolve().as_uri() + "?immutable=1", uri=True)
    return connection


def _create(path: Path) -> None:
    """Build a new database beside `path`, owner-only, then link it into place: no half file."""
    label = str(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temp_name = tempfile.mkstemp(prefix=".retro-desk-new-", dir=path.parent)
    except OSError as error:
        raise ReadOnlyDatabase(
            f"{label}: cannot create the database there ({error.strerror})"
        ) from error
    os.close(fd)
    temp = Path(temp_name)
    try:
        os.chmod(temp, 0o600)
        temp.unlink()
        connection = sqlite3.connect(str(temp))
        try:
            from sqlite_utils import Database

            from retro_desk.storage.schema import migrations

            db = Database(connection)
            db.execute("PRAGMA journal_mode = WAL")
            migrations.apply(db)
        finally:
            connection.close()
        os.chmod(temp, 0o600)
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another process made it first; use theirs
    except (OSError, sqlite3.Error) as error:
        raise StorageError(f"{label}: cannot create the database ({error})") from error
    finally:
        for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm")):
            leftover.unlink(missing_ok=True)
