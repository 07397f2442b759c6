"""Opening a retro database: what file is there, whether it is ours, and making a new one.

Nothing here changes a file it then refuses: a file is checked (kind, header, its log, its
tables) before anything is written to it, and a reading command never writes at all.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from pathlib import Path

from retro_desk.files import file_kind, process_alive
from retro_desk.storage import wal
from retro_desk.storage.errors import (
    BUSY_SECONDS,
    NewerDatabase,
    NotARetroDatabase,
    OlderDatabase,
    ReadOnlyDatabase,
    StorageError,
)
from retro_desk.storage.lock import held_elsewhere
from retro_desk.storage.version import SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"
OUR_TABLES = {"sessions", "participants", "agenda_items", "events", "_sqlite_migrations"}
# Columns a file of ours has had since the first schema: a foreign database that happens to
# use our table names lacks some of them.
_OUR_COLUMNS = {
    "sessions": {"uuid", "title", "kind", "timezone", "private_notes", "current_phase"},
    "events": {"session_id", "position", "key", "at", "description", "decision_point"},
}
# How long a writer waits for another to finish; a write in the window or an import of a
# large retro can take a second or two.
BUSY_TIMEOUT_MS = BUSY_SECONDS * 1000
# Temporary files of our own carry this and their creator's process id, so that the next
# start can tell a dead creator's leftovers from a file still being made.
NEW_DATABASE_PREFIX = ".retro-desk-new-"


def side_files(path: Path) -> list[Path]:
    """The files SQLite and Retro Desk keep beside a database."""
    return [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal", ".lock")]


def check_file(path: Path) -> None:
    """Refuse at once what cannot be a database of ours, before SQLite opens it.

    A FIFO would block the first read forever and a device is nobody's database."""
    label = str(path)
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        raise StorageError(f"{label}: cannot read the file ({error.strerror})") from error
    if stat.S_ISDIR(mode):
        raise NotARetroDatabase(f"{label}: is a folder, not a database file")
    if not stat.S_ISREG(mode):
        raise NotARetroDatabase(
            f"{label}: is {file_kind(mode)}, not a database file; left untouched"
        )
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
    # A log that a running window keeps is that window's to manage (its index says what is
    # valid); one left by a crash is replayed by whoever opens the file next: check it first.
    damage = None if held_elsewhere(path) else wal.damage(Path(f"{path}-wal"))
    if damage is not None:
        raise NotARetroDatabase(
            f"{label}: {damage.describe(Path(f'{path}-wal'))}; both files left untouched"
            " (keep a copy of them before anything else opens the database)"
        )


def writable(path: Path) -> bool:
    # WAL needs to create its side files beside the database, so the folder counts too.
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _has_log(path: Path) -> bool:
    try:
        return os.path.getsize(f"{path}-wal") > 0
    except OSError:
        return False


def connect(path: Path, read_only: bool) -> sqlite3.Connection:
    """A connection that writes only through explicit (immediate) transactions.

    A reader never changes the file: one that finds a log opens it read-only, so that closing
    it does not checkpoint and delete the log; one that finds none opens it as a writer kept
    from writing, whose close removes the side files it made (a `mode=ro` one left empty ones).
    """
    if not read_only:
        connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000,
                                     isolation_level=None)
    elif writable(path) and not _has_log(path):
        connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000,
                                     isolation_level=None)
        connection.execute("PRAGMA query_only = ON")
    elif _has_log(path):
        connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True,
                                     timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # A read-only folder where SQLite cannot make the log's shared-memory file: the
            # database file alone, as it was at the last checkpoint, is what can be read.
            connection.close()
            connection = sqlite3.connect(path.resolve().as_uri() + "?immutable=1", uri=True,
                                         isolation_level=None)
    else:
        # A read-only file with no log holds everything in itself; reading it as immutable
        # creates nothing beside it.
        connection = sqlite3.connect(path.resolve().as_uri() + "?immutable=1", uri=True,
                                     isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return connection


def check_schema(conn: sqlite3.Connection, label: str, writable: bool) -> int:
    """Refuse a damaged, foreign or newer file, reading only; returns its schema version."""
    if looks_damaged(conn, label):
        problems = read_every_page(conn, quick=True)
        if problems:
            raise NotARetroDatabase(
                f"{label}: the file is damaged ({problems[0]}); left untouched")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise NewerDatabase(
            f"{label}: written by a newer Retro Desk (schema {version}, this one reads up"
            f" to {SCHEMA_VERSION}); update Retro Desk to open it"
        )
    tables = {
        str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if version == 0 and tables:
        raise NotARetroDatabase(
            f"{label}: an SQLite database of another program, not Retro Desk's; left untouched"
        )
    if version > 0 and not OUR_TABLES <= tables:
        raise NotARetroDatabase(f"{label}: tables are missing; left untouched")
    for table, wanted in _OUR_COLUMNS.items():
        if version == 0:
            break
        have = {str(row[0]) for row in conn.execute(
            "SELECT name FROM pragma_table_info(?)", [table])}
        if not wanted <= have:
            raise NotARetroDatabase(
                f"{label}: table {table} lacks columns of Retro Desk's"
                f" ({', '.join(sorted(wanted - have))}); another program's database,"
                " left untouched"
            )
    if not writable and version < SCHEMA_VERSION:
        raise OlderDatabase(
            f"{label}: made by an older Retro Desk; open it for editing once to update it"
        )
    return int(version)


def looks_damaged(conn: sqlite3.Connection, label: str) -> bool:
    """A cheap look at the file, instead of reading all of it at every open (120-280 ms for a
    1,000-retro archive): its size, with its log, must hold the pages its header promises, in
    whole pages. A truncated or padded file fails this, and only then is every page read;
    damage inside a page shows when the page is read, and `retro-desk check` reads them all."""
    if label == ":memory:":
        return False
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    try:
        size = os.path.getsize(label)
        log = os.path.getsize(f"{label}-wal") if os.path.exists(f"{label}-wal") else 0
    except OSError:
        return True
    return size % page_size != 0 or pages * page_size > size + log


def read_every_page(conn: sqlite3.Connection, quick: bool = False) -> list[str]:
    """Every problem SQLite finds reading the whole file, and rows whose retro is gone (none:
    an empty list); `quick` stops at the first and skips the slower index checks."""
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


def clean_leftovers(folder: Path) -> None:
    """Remove what a killed creation of a database left in `folder` (its creator is gone)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name.startswith(NEW_DATABASE_PREFIX) and not _creator_alive(name):
            with contextlib.suppress(OSError):
                (folder / name).unlink()


def _creator_alive(name: str) -> bool:
    """Whether the process named in `.retro-desk-new-PID-…` still runs (yes if unsure)."""
    pid_text = name[len(NEW_DATABASE_PREFIX):].split("-", 1)[0]
    if not pid_text.isdigit():
        return False  # an older Retro Desk's leftover, made before names carried a pid
    return process_alive(int(pid_text))


def create(path: Path) -> None:
    """Build a new database beside `path`, owner-only, then link it into place: no half file."""
    from sqlite_utils import Database

    from retro_desk.storage.schema import migrations

    label = str(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise ReadOnlyDatabase(
            f"{label}: cannot create the database there ({error.strerror})"
        ) from error
    clean_leftovers(path.parent)
    temp = path.parent / f"{NEW_DATABASE_PREFIX}{os.getpid()}-{os.urandom(6).hex()}"
    try:
        # Made owner-only first, and never unlinked before SQLite opens it: SQLite gives its
        # journal and log the database file's mode.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise ReadOnlyDatabase(
            f"{label}: cannot create the database there ({error.strerror})"
        ) from error
    os.close(fd)
    try:
        os.chmod(temp, 0o600)
        connection = sqlite3.connect(str(temp), isolation_level=None)
        try:
            db = Database(connection)
            migrations.apply(db)
            db.execute("PRAGMA journal_mode = WAL")
        finally:
            connection.close()
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another process made it first; use theirs
    except (OSError, sqlite3.Error) as error:
        raise StorageError(f"{label}: cannot create the database ({error})") from error
    finally:
        for leftover in (temp, *side_files(temp)):
            leftover.unlink(missing_ok=True)
