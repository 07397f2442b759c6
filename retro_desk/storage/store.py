"""The store: read and write retros, every write one immediate transaction through one path."""

from __future__ import annotations

import dataclasses
import functools
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

if TYPE_CHECKING:
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
from retro_desk.storage import opening
from retro_desk.storage.errors import (
    DuplicateSession,
    NotARetroDatabase,
    NotFound,
    ReadOnlyDatabase,
    StorageError,
    translate,
)
from retro_desk.storage.rows import (
    KEY_PREFIX,
    SESSION_EXTRA,
    SESSION_FIELDS,
    TABLES,
    Item,
    ItemT,
    columns,
    columns_subset,
    item_row,
    read_rows,
    row_id,
)
from retro_desk.storage.version import SCHEMA_VERSION
from retro_desk.timer import TimerState

__all__ = ["Item", "ItemT", "Store"]

P = ParamSpec("P")
R = TypeVar("R")


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
        except (OverflowError, UnicodeEncodeError) as error:
            # A number past SQLite's 64-bit integers, or text with a lone surrogate: the
            # imports check both first; this is the last line of defence.
            store = args[0]
            assert isinstance(store, Store)
            what = ("a number too large" if isinstance(error, OverflowError)
                    else "text that is not valid Unicode")
            raise StorageError(f"{store.label}: {what} to store; nothing saved") from error

    return wrapper


class Store:
    """A retro database. Every public write commits before it returns.

    Reading goes straight through the sqlite3 connection; sqlite-utils (`db`) is imported only
    for migrations and search, or by `warm_up()`. Importing it cost about 100 ms and 5 MiB,
    which a window opening an existing retro need not spend before it is painted.
    """

    # How a write transaction starts. benchmarks/race_writers.py sets "BEGIN" (deferred, as
    # before issue 14) for its baseline: such a transaction reads, then cannot wait to write.
    begin_write = "BEGIN IMMEDIATE"

    def __init__(
        self, conn: sqlite3.Connection, label: str = ":memory:", read_only: bool = False
    ) -> None:
        # Transactions are begun by `_write` alone, never implicitly by sqlite3.
        conn.isolation_level = None
        self.conn = conn
        self.label = label
        self.read_only = read_only
        self._db: Database | None = None
        self._depth = 0  # savepoints open inside the current write transaction

    @property
    def db(self) -> Database:
        """The sqlite-utils view of the same connection, for migrations and search."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn)
        return self._db

    def warm_up(self) -> None:
        """Load what search and templates need now, while nobody is waiting for it."""
        self.db  # noqa: B018 - the property does the work

    def _sessions(self, where: str, params: Sequence[object] = ()) -> list[Session]:
        return read_rows(Session, self.conn.execute(f"SELECT * FROM sessions {where}", params))

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
        if not os.path.lexists(path):
            if read_only:
                raise StorageError(f"{label}: no Retro Desk database there")
            opening.create(path)
        opening.check_file(path)
        if not read_only:
            if not opening.writable(path):
                raise ReadOnlyDatabase(
                    f"{label}: the file or its folder is read-only; nothing can be saved to it"
                )
            opening.clean_leftovers(path.parent)
        try:
            connection = opening.connect(path, read_only)
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
        conn.execute(f"PRAGMA busy_timeout = {opening.BUSY_TIMEOUT_MS}")
        version = opening.check_schema(conn, self.label, writable)
        if writable:
            if version < SCHEMA_VERSION:
                self._migrate()
            if self.label != ":memory:":
                # Only now, with the file known to be ours: a refused one keeps its journal mode.
                conn.execute("PRAGMA journal_mode = WAL")
                # FULL: an edit reported as saved survives a power cut, not just a crash.
                conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")

    def _migrate(self) -> None:
        from retro_desk.storage.schema import migrations

        try:
            with self._write():
                migrations.apply(self.db)
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) and (
                "locked" in str(error) or "busy" in str(error)
            ):
                raise
            raise NotARetroDatabase(
                f"{self.label}: cannot be updated to this Retro Desk's schema ({error});"
                " left untouched"
            ) from error

    def close(self) -> None:
        self.conn.close()

    @_known_errors
    def check(self, quick: bool = False) -> list[str]:
        """Every problem SQLite finds reading the whole file (none: an empty list). Opening
        checks only cheaply (`opening.looks_damaged`); this is the full check, on request."""
        return opening.read_every_page(self.conn, quick)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """The one way to write: an immediate transaction, so a second writer waits its turn
        (up to the busy timeout) instead of failing when it upgrades from reading; nested,
        a savepoint, so a failed part of a group undoes only itself."""
        if self.read_only:
            raise ReadOnlyDatabase(f"{self.label}: opened for reading only; the edit was not saved")
        conn = self.conn
        if conn.in_transaction:
            name = f"part_{self._depth}"
            self._depth += 1
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                raise
            finally:
                self._depth -= 1
            conn.execute(f"RELEASE {name}")
            return
        conn.execute(self.begin_write)
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            # A failed COMMIT (a full disk) leaves the transaction open: end it, or every later
            # write would nest inside it and never be committed.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _insert(self, table: str, rows: Iterable[dict[str, Any]]) -> list[int]:
        """Insert rows of our own columns, inside `_write`; their row ids. One statement per
        row, where sqlite-utils' insert also looks the table up and wraps a savepoint around
        it: an added event is the edit made most often in a meeting."""
        ids = []
        for row in rows:
            cursor = self.conn.execute(_insert_sql(table, tuple(row)), list(row.values()))
            ids.append(row_id(cursor.lastrowid))
        return ids

    def _update(self, table: str, row_number: int, values: dict[str, Any]) -> None:
        """Change columns of one row, inside `_write`: a single statement."""
        assignments = ", ".join(f'"{name}" = ?' for name in values)
        cursor = self.conn.execute(
            f'UPDATE "{table}" SET {assignments} WHERE id = ?', [*values.values(), row_number]
        )
        if cursor.rowcount == 0:
            raise NotFound(f"no {table} row with id {row_number}")

    def _next_position(self, table: str, session_id: int) -> float:
        return float(self.conn.execute(
            f"SELECT coalesce(max(position), -1) + 1 FROM {table} WHERE session_id = ?",
            [session_id],
        ).fetchone()[0])

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
        `session_id`: the row id to use (a retro replaced by a newer copy keeps its id).

        A retro whose uuid is already stored raises DuplicateSession, checked inside the same
        transaction, so two imports of one file at once store it once."""
        with self._write():
            existing = self.find_by_uuid(retro.session.uuid)
            if existing is not None:
                raise DuplicateSession(existing)
            row = columns(retro.session)
            if session_id is not None:
                row["id"] = session_id
            for key in ("created_at", "updated_at"):
                if not row[key]:
                    del row[key]
            row["closing_notes"] = retro.closing.notes
            row["private_notes"] = retro.private_notes
            (session_id,) = self._insert("sessions", [row])
            for items in (retro.participants, retro.agenda, retro.feelings, retro.timeline,
                          retro.rationality, retro.learnings, retro.actions, retro.parking_lot):
                if items:
                    self._insert(TABLES[type(items[0])], (
                        item_row(item, session_id, float(number), keep_id=False)
                        for number, item in enumerate(items)
                    ))
            self._insert("roti_votes", (
                {"session_id": session_id, "position": float(number), "value": vote}
                for number, vote in enumerate(retro.closing.roti)
            ))
            self._insert("reflection_marks", (
                {"session_id": session_id, "key": key, "state": state}
                for key, state in retro.reflection_marks.items()
            ))
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
                self._insert("reflection_marks",
                             [{"session_id": session_id, "key": key, "state": state}])

    @_known_errors
    def update_session(self, session_id: int, **changes: Any) -> None:
        """Change session fields (and `closing_notes`, `private_notes`) in one transaction."""
        unknown = set(changes) - SESSION_FIELDS - SESSION_EXTRA
        if unknown:
            raise ValueError(f"not session fields: {sorted(unknown)}")
        row = columns_subset(changes)
        row["updated_at"] = _now_sql(self.conn)
        with self._write():
            self._update("sessions", session_id, row)

    @_known_errors
    def delete_session(self, session_id: int) -> None:
        with self._write() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", [session_id])

    @_known_errors
    def session_text(self, session_id: int, column: str) -> str:
        if column not in SESSION_EXTRA:
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
            return {row_id(session.id): session for session in found}

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
            for number, existing in db.execute(
                "SELECT id, name FROM agenda_templates"
            ).fetchall():
                if str(existing).casefold() == name.casefold():
                    db.execute("DELETE FROM agenda_templates WHERE id = ?", [number])
            self._insert("agenda_templates", [{"name": name, "items": to_json(template)}])

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
            f"SELECT * FROM {TABLES[cls]} WHERE session_id = ? ORDER BY position, id",
            [session_id],
        )
        return read_rows(cls, cursor)

    @_known_errors
    def add_item(self, session_id: int, item: ItemT, position: float | None = None) -> ItemT:
        """Append an item (or put it back at `position`, with its old id, for undo)."""
        positions = None if position is None else [position]
        return self.add_items(session_id, [item], positions)[0]

    @_known_errors
    def add_items(
        self, session_id: int, items: Sequence[ItemT], positions: Sequence[float] | None = None
    ) -> list[ItemT]:
        """Append items in one transaction, all or none (or put them back, for redo)."""
        if not items:
            return []
        table = TABLES[type(items[0])]
        prefix = KEY_PREFIX.get(type(items[0]))
        with self._write():
            if positions is None:
                start = self._next_position(table, session_id)
                positions = [start + offset for offset in range(len(items))]
            keyed = list(items)
            if prefix:
                number = int(_next_key(self.conn, table, session_id, prefix)[len(prefix):])
                for index, item in enumerate(items):
                    some: Any = item  # only participants and events have keys
                    if not some.key:
                        keyed[index] = dataclasses.replace(some, key=f"{prefix}{number}")
                        number += 1
            ids = self._insert(table, (
                item_row(item, session_id, position)
                for item, position in zip(keyed, positions, strict=True)
            ))
        return [dataclasses.replace(item, id=number) for item, number in zip(keyed, ids,
                                                                               strict=True)]

    @_known_errors
    def update_item(self, item: Item) -> None:
        if item.id is None:
            raise ValueError("item has no id; add it first")
        with self._write():
            self._update(TABLES[type(item)], item.id, columns(item))

    @_known_errors
    def delete_item(self, item: Item) -> float:
        """Delete an item; returns its position so that undo can put it back where it was."""
        return self.delete_items([item])[0]

    @_known_errors
    def delete_items(self, items: Sequence[Item]) -> list[float]:
        """Delete items in one transaction; returns their positions, so undo can restore them."""
        positions: list[float] = []
        with self._write() as db:
            for item in items:
                table = TABLES[type(item)]
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
                f"UPDATE {TABLES[type(item)]} SET position = ? WHERE id = ?", [position, item.id]
            )

    @_known_errors
    def set_answer(self, session_id: int, event: str, category: str, text: str) -> str:
        """Set (or, with empty text, clear) one answer; returns the text it had before."""
        where = "WHERE session_id = ? AND event = ? AND category = ?"
        key = [session_id, event, category]
        with self._write() as db:
            row = db.execute(f"SELECT answer FROM answers {where}", key).fetchone()
            before = "" if row is None else str(row[0])
            if not text:
                db.execute(f"DELETE FROM answers {where}", key)
            elif row is None:
                self._insert("answers", [{
                    "session_id": session_id,
                    "position": self._next_position("answers", session_id),
                    "event": event, "category": category, "answer": text,
                }])
            else:
                db.execute(f"UPDATE answers SET answer = ? {where}", [text, *key])
        return before

    @_known_errors
    def set_roti(self, session_id: int, votes: list[int]) -> None:
        with self._write() as db:
            db.execute("DELETE FROM roti_votes WHERE session_id = ?", [session_id])
            self._insert("roti_votes", (
                {"session_id": session_id, "position": float(number), "value": vote}
                for number, vote in enumerate(votes)
            ))

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
def _insert_sql(table: str, names: tuple[str, ...]) -> str:
    quoted = ", ".join(f'"{name}"' for name in names)
    return f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(names))})'


def _now_sql(db: sqlite3.Connection) -> str:
    return str(db.execute("SELECT strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')").fetchone()[0])


def _next_key(db: sqlite3.Connection, table: str, session_id: int, prefix: str) -> str:
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
