"""Issue 14: each fault an outside attack found, pinned down so that it cannot come back.

Sections follow the issue's numbered list; docs/reliability.md names each test.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retro_desk import cli, timefmt
from retro_desk.export import session_file
from retro_desk.files import UnsafeTarget, check_target, write_atomic
from retro_desk.model import Event, ParkingItem
from retro_desk.paths import resource
from retro_desk.storage import DuplicateSession, NotARetroDatabase, StorageError, Store, opening
from retro_desk.storage.lock import InstanceLock
from retro_desk.timefmt import (
    TimeInputError,
    local_display,
    normalise_instant,
    parse_date,
    parse_instant,
    parse_quick_time,
    sort_key,
)
from retro_desk.timeline_csv import read_timeline

SAMPLE = resource("sample_retro.json")
ROOT = Path(__file__).resolve().parent.parent
# The three instants of the attack: each converts to UTC, but not to every zone.
EDGE_TIMES = [
    ("9999-12-31T23:59:59-12:00", "UTC"),
    ("0001-01-01T00:00:00+14:00", "UTC"),
    ("9999-12-31T23:00", "Etc/GMT-14"),
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def error_line(err: str) -> str:
    assert "Traceback" not in err and "unexpected problem" not in err, err
    assert err.startswith("retro-desk: error: ") and err.count("\n") == 1, err
    return err


def document() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return result


@pytest.fixture
def saved_db(tmp_path: Path) -> Path:
    path = tmp_path / "retros.sqlite3"
    store = Store.open(path)
    store.create_retro(session_file.read_file(SAMPLE))
    store.close()
    return path


def store_bad_time(path: Path, at: str) -> None:
    """A time stored before the range was checked (the store itself takes any text)."""
    store = Store.open(path)
    try:
        store.add_item(1, Event(key="", at=at, description="the edge of time"))
    finally:
        store.close()


# -- 1. one range of instants, checked at every entry ----------------------------------------


@pytest.mark.parametrize(("at", "zone"), EDGE_TIMES)
def test_an_instant_no_zone_can_show_is_refused_at_every_entry(at: str, zone: str) -> None:
    with pytest.raises(TimeInputError, match="outside the times Retro Desk can show"):
        normalise_instant(at, zone)
    with pytest.raises(TimeInputError, match="outside the times"):
        parse_quick_time(at, zone, "2026-11-20", None)
    data = document()
    data["session"]["timezone"] = zone
    data["timeline"][0]["at"] = at
    with pytest.raises(session_file.SessionFileError, match=r"\$\.timeline\[0\]\.at: .*outside"):
        session_file.loads(json.dumps(data))
    csv = read_timeline(f"time,actor,description\n{at},Ana,the edge\n", zone, "2026-11-20")
    assert not csv.ok and "outside the times" in csv.problem_summary()


def test_the_range_reaches_a_day_short_of_what_python_can_hold() -> None:
    assert normalise_instant("0001-01-03T00:00:00+00:00", "UTC").startswith("0001-01-03")
    assert normalise_instant("9999-12-29T23:59:59+00:00", "UTC").startswith("9999-12-29")
    with pytest.raises(TimeInputError):
        parse_date("9999-12-31")
    with pytest.raises(TimeInputError, match="outside the times"):
        parse_quick_time("23:00", "Etc/GMT+12", "9999-12-29", None)


ZONES = sorted(available_timezones())


@settings(max_examples=300, deadline=None)
@given(
    naive=st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
    typed_in=st.sampled_from(ZONES),
    shown_in=st.sampled_from(["UTC", "Etc/GMT-14", "Etc/GMT+12",
                              "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin"]),
)
def test_every_instant_accepted_can_be_shown_in_every_zone(
    naive: datetime, typed_in: str, shown_in: str
) -> None:
    try:
        at = normalise_instant(naive.isoformat(), typed_in)
    except TimeInputError:
        return  # outside the range once its zone's offset is applied
    shown = local_display(at, shown_in)
    day = parse_instant(at, shown_in).astimezone(timefmt.zone(shown_in)).date()
    assert shown.startswith(day.isoformat())
    assert day - timedelta(days=1) < day < day + timedelta(days=1)
    assert math.isfinite(sort_key(at))


@pytest.mark.parametrize("typed", ["+999999999h", "+" + "9" * 5000 + "h", "+99999999999999s"])
def test_a_huge_step_from_the_previous_event_is_refused_by_name(typed: str) -> None:
    with pytest.raises(TimeInputError, match="outside the times") as refused:
        parse_quick_time(typed, "UTC", None, "2026-11-20T10:00:00+00:00")
    assert len(str(refused.value)) < 200  # a 5,000-digit number is not echoed whole


@pytest.mark.parametrize(("at", "zone"), EDGE_TIMES[:2])
def test_a_bad_time_already_stored_still_searches_and_exports(
    qapp: Any, saved_db: Path, capsys: pytest.CaptureFixture[str], at: str, zone: str
) -> None:
    # qapp: HTML export draws the timeline picture, and must find the test run's application.
    store_bad_time(saved_db, at)
    status, out, err = run_cli(capsys, "--db", str(saved_db), "search", "edge of time")
    assert status == 0, err
    assert "edge of time" in out.replace("[", "").replace("]", "")
    for fmt in ("md", "html", "json"):
        status, out, err = run_cli(capsys, "--db", str(saved_db), "export", "1", "--format", fmt)
        assert status == 0, err
        assert "the edge of time" in out


# -- 2. writers wait their turn ----------------------------------------------------------------


def hold_write_lock(path: Path, release: threading.Event) -> threading.Thread:
    """Another connection takes the write lock and keeps it until `release` is set (or 1 s)."""
    taken = threading.Event()

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE sessions SET facilitator = facilitator")
        taken.set()
        release.wait(1.0)
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    taken.wait()
    return thread


def test_an_edit_waits_for_another_writer_instead_of_failing(saved_db: Path) -> None:
    # Before: a deferred transaction read first, then could not upgrade, and failed at once.
    store = Store.open(saved_db)
    try:
        store.load_retro(1)
        holder = hold_write_lock(saved_db, threading.Event())
        added = store.add_item(1, ParkingItem("typed while a CLI import wrote"))
        holder.join()
        assert added.id is not None
        assert store.load_retro(1).parking_lot[-1].text == "typed while a CLI import wrote"
    finally:
        store.close()


def test_a_cli_import_waits_for_another_writer(
    saved_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = document()
    data["session"]["uuid"] = "5b1e9c1e-0000-4000-8000-000000000014"
    source = tmp_path / "other.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    holder = hold_write_lock(saved_db, threading.Event())
    status, out, err = run_cli(capsys, "--db", str(saved_db), "import", str(source))
    holder.join()
    assert status == 0, err
    assert out.split()[-1] == "2"


def test_a_writer_held_past_the_timeout_is_named_and_nothing_is_stored(saved_db: Path) -> None:
    store = Store.open(saved_db)
    store.conn.execute("PRAGMA busy_timeout = 0")  # the holder outlasts it at once
    release = threading.Event()
    holder = hold_write_lock(saved_db, release)
    try:
        with pytest.raises(StorageError, match="kept the file locked for writing"):
            store.add_item(1, ParkingItem("refused"))
    finally:
        release.set()
        holder.join()
    assert all(item.text != "refused" for item in store.load_retro(1).parking_lot)
    store.close()


# -- 3. -o never writes over what it must not ---------------------------------------------------


def test_export_onto_the_database_itself_is_refused(
    saved_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sha256(saved_db)
    for target in (saved_db, Path(f"{saved_db}-wal"), saved_db.parent / "." / saved_db.name):
        status, out, err = run_cli(capsys, "--db", str(saved_db), "export", "1", "-o", str(target))
        assert status == 1 and out == ""
        assert "open database" in error_line(err)
    assert sha256(saved_db) == before
    assert Store.open(saved_db, read_only=True).list_sessions()[0].id == 1


def test_export_onto_any_sqlite_file_is_refused(
    saved_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "notes.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    before = sha256(other)
    status, _, err = run_cli(capsys, "--db", str(saved_db), "export", "1", "--format", "json",
                             "-o", str(other))
    assert status == 1 and "an SQLite database" in error_line(err)
    assert sha256(other) == before


def test_export_onto_a_device_or_a_pipe_is_refused_and_it_stays_one(
    saved_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target in (Path(os.devnull), fifo):
        status, out, err = run_cli(capsys, "--db", str(saved_db), "export", "1", "-o", str(target))
        assert status == 1
        assert "not a regular file" in error_line(err) and "-o -" in err
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    # /dev/stdout on a pipe: before, a failure that did not say why; now the way to do it.
    result = subprocess.run(
        [sys.executable, "-m", "retro_desk", "--db", str(saved_db), "export", "1", "-o",
         "/dev/stdout"], capture_output=True, text=True, timeout=60, cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert result.returncode == 1 and result.stdout == ""
    assert "not a regular file" in error_line(result.stderr) and "-o -" in result.stderr


def test_export_to_dash_is_standard_output(
    saved_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(capsys, "--db", str(saved_db), "export", "1", "-o", "-")
    assert status == 0, err
    assert out.startswith("# ")


def test_a_read_only_target_is_refused_unless_forced_and_stays_read_only(
    saved_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "published.md"
    target.write_text("the published version\n")
    target.chmod(0o444)
    status, _, err = run_cli(capsys, "--db", str(saved_db), "export", "1", "-o", str(target))
    assert status == 1 and "read-only" in error_line(err) and "--force" in err
    assert target.read_text() == "the published version\n"
    status, _, err = run_cli(capsys, "--db", str(saved_db), "export", "1", "-o", str(target),
                             "--force")
    assert status == 0, err
    assert target.read_text().startswith("# ")
    assert stat.S_IMODE(target.stat().st_mode) == 0o444


def test_a_killed_exports_temporary_file_is_removed_by_the_next_export(tmp_path: Path) -> None:
    target = tmp_path / "retro.pdf"
    # What a SIGKILL mid-write leaves: a temporary file named for a process that is gone.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    leftover = tmp_path / f".retro.pdf.retro-desk-{dead.stdout.strip()}-0a1b2c3d4e5f.tmp"
    leftover.write_bytes(b"%PDF-1.4 half a document")
    alive = tmp_path / f".retro.pdf.retro-desk-{os.getppid()}-0a1b2c3d4e5f.tmp"
    alive.write_bytes(b"another export, still being written")
    write_atomic(target, b"%PDF-1.4 whole")
    assert not leftover.exists()
    assert alive.exists()  # its writer still runs: not ours to remove
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, "retro.pdf"])


def test_a_real_kill_mid_export_leaves_only_a_file_the_next_export_removes(
    tmp_path: Path,
) -> None:
    target = tmp_path / "big.html"
    script = (
        "import os, sys, signal\n"
        "from pathlib import Path\n"
        "from retro_desk import files\n"
        "real = os.fsync\n"
        "def die(fd):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "os.fsync = die\n"
        f"files.write_atomic(Path({str(target)!r}), b'x' * 5_000_000)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True)
    assert result.returncode == -9
    left = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and left[0].stat().st_size == 5_000_000
    write_atomic(target, "<!doctype html>")
    assert [p.name for p in tmp_path.iterdir()] == ["big.html"]


def test_check_target_lets_a_new_file_or_a_plain_one_through(tmp_path: Path) -> None:
    assert check_target(tmp_path / "new.md") == tmp_path / "new.md"
    plain = tmp_path / "plain.md"
    plain.write_text("old")
    assert check_target(plain, protected=[tmp_path / "db.sqlite3"]) == plain
    link = tmp_path / "link.md"
    link.symlink_to(plain)
    assert check_target(link) == plain
    with pytest.raises(UnsafeTarget, match="open database"):
        check_target(tmp_path / "db.sqlite3.lock", protected=[tmp_path / "db.sqlite3"])


# -- 4. a reading command never changes a file it refuses ------------------------------------


def test_a_fifo_at_the_database_path_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "retros.sqlite3"
    os.mkfifo(fifo)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for command in (["list"], ["import", str(SAMPLE)]):
        # Before: the first read of the header waited forever for a writer to the pipe.
        result = subprocess.run([sys.executable, "-m", "retro_desk", "--db", str(fifo), *command],
                                capture_output=True, text=True, timeout=60, env=env, cwd=ROOT)
        assert result.returncode == 1
        assert "named pipe" in error_line(result.stderr)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["retros.sqlite3"]


def crashed_with_log(folder: Path) -> Path:
    """A database whose last three transactions are only in its -wal, as a crash leaves it."""
    live = folder / "live.sqlite3"
    store = Store.open(live)
    store.create_retro(session_file.read_file(SAMPLE))
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")
    for text in ("first", "second", "third"):
        store.add_item(1, ParkingItem(f"{text} after the checkpoint"))
    copy = folder / "crashed.sqlite3"
    shutil.copy(live, copy)
    shutil.copy(f"{live}-wal", f"{copy}-wal")
    store.close()
    return copy


def test_a_crash_log_is_read_and_a_reader_leaves_it_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = crashed_with_log(tmp_path)
    log = Path(f"{path}-wal")
    before = (sha256(path), sha256(log))
    status, out, err = run_cli(capsys, "--db", str(path), "export", "1", "--format", "json")
    assert status == 0, err
    assert "third after the checkpoint" in out
    # Before: the reader checkpointed the log into the file and deleted it.
    assert (sha256(path), sha256(log)) == before


def test_a_damaged_log_is_refused_by_readers_and_writers_and_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = crashed_with_log(tmp_path)
    log = Path(f"{path}-wal")
    data = bytearray(log.read_bytes())
    data[32 + 24 + 100] ^= 0xFF  # a flipped byte in the first frame's page
    log.write_bytes(bytes(data))
    before = (sha256(path), sha256(log))
    for command in (["list"], ["export", "1"], ["search", "third"]):
        status, out, err = run_cli(capsys, "--db", str(path), *command)
        assert status == 1 and out == ""
        assert "-wal is damaged at frame 1" in error_line(err)
    with pytest.raises(NotARetroDatabase, match="committed transactions? after it"):
        Store.open(path)
    assert (sha256(path), sha256(log)) == before


def test_a_torn_last_frame_after_a_kill_is_not_called_damage(tmp_path: Path) -> None:
    path = crashed_with_log(tmp_path)
    log = Path(f"{path}-wal")
    data = log.read_bytes()
    page_size = int.from_bytes(data[8:12], "big")
    log.write_bytes(data[: len(data) - page_size // 2])  # the last frame half written
    store = Store.open(path, read_only=True)
    try:
        texts = [item.text for item in store.load_retro(1).parking_lot]
    finally:
        store.close()
    assert "second after the checkpoint" in texts and "third after the checkpoint" not in texts


def test_a_foreign_database_with_our_table_names_is_refused_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "foreign.sqlite3"
    connection = sqlite3.connect(path)
    for table in opening.OUR_TABLES:
        connection.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, payload TEXT)")
    connection.execute("PRAGMA user_version = 2")
    connection.commit()
    connection.close()
    before = sha256(path)
    with pytest.raises(NotARetroDatabase, match="left untouched"):
        Store.open(path)
    for command in (["list"], ["import", str(SAMPLE)]):
        status, _, err = run_cli(capsys, "--db", str(path), *command)
        assert status == 1
        error_line(err)
    # Before: switched to WAL (the header's bytes 18 and 19) before it was refused.
    assert sha256(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["foreign.sqlite3"]


# -- 5. nothing left behind ---------------------------------------------------------------


def test_import_timeline_leaves_no_lock_beside_a_file_it_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "events.csv"
    csv.write_text("time,actor,description\n14:00,Ana,paged\n")
    for name, content in (("text.sqlite3", b"not a database"), ("empty.sqlite3", b"")):
        path = tmp_path / name
        path.write_bytes(content)
        status, _, err = run_cli(capsys, "--db", str(path), "import-timeline", "1", str(csv))
        assert status == 1
        error_line(err)
        assert not Path(f"{path}.lock").exists()


def test_a_killed_creation_is_cleaned_up_by_the_next_open(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    leftovers = [tmp_path / f".retro-desk-new-{dead}-abcdef{suffix}"
                 for suffix in ("", "-journal", "-wal")]
    old_style = tmp_path / ".retro-desk-new-x1y2z3"  # named before names carried a pid
    for path in (*leftovers, old_style):
        path.write_bytes(b"half a database")
    Store.open(tmp_path / "retros.sqlite3").close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["retros.sqlite3"]


def test_a_new_database_and_its_journal_are_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the folder holds while the new file is being built: before, SQLite made the
    # temporary file anew (0644) and its journal took that mode.
    from retro_desk.storage import schema

    seen: list[tuple[str, int]] = []
    original = schema.migrations.apply

    def watching(db: Any, **kwargs: Any) -> Any:
        result = original(db, **kwargs)
        for path in tmp_path.iterdir():
            seen.append((path.name, stat.S_IMODE(path.stat().st_mode)))
        return result

    monkeypatch.setattr(schema.migrations, "apply", watching)
    Store.open(tmp_path / "retros.sqlite3").close()
    assert seen and all(mode == 0o600 for _, mode in seen), seen
    assert stat.S_IMODE((tmp_path / "retros.sqlite3").stat().st_mode) == 0o600


def test_listing_a_read_only_file_leaves_nothing_beside_it(
    saved_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    saved_db.chmod(0o444)
    # The tests run as root, for whom modes stop nothing: ask as a normal user would be told.
    monkeypatch.setattr(opening, "writable", lambda path: False)
    before = sha256(saved_db)
    status, out, err = run_cli(capsys, "--db", str(saved_db), "list")
    assert status == 0, err
    assert out.split()[0] == "1"
    assert sorted(p.name for p in saved_db.parent.iterdir()) == [saved_db.name]
    assert sha256(saved_db) == before


# -- 6. every refusal names the problem ---------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["session"].__setitem__("title", "Checkout \ud800 outage"),
         r"\$\.session\.title: holds a lone surrogate"),
        (lambda d: d["agenda"][0].__setitem__("planned_seconds", 2**63),
         r"\$\.agenda\[0\]\.planned_seconds: a number too large"),
        (lambda d: d["agenda"][0].__setitem__("planned_seconds", 2**40),
         r"\$\.agenda\[0\]\.planned_seconds: at most"),
    ],
    ids=["lone-surrogate", "two-to-the-63", "too-long-a-phase"],
)
def test_odd_values_in_an_import_are_named(
    saved_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Any, named: str
) -> None:
    data = document()
    change(data)
    source = tmp_path / "odd.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    before = sha256(saved_db)
    status, _, err = run_cli(capsys, "--db", str(saved_db), "import", str(source))
    assert status == 1
    assert re.search(named, error_line(err)), err
    assert sha256(saved_db) == before


def test_a_five_thousand_digit_number_is_named(
    saved_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = json.dumps(document()).replace('"planned_seconds": 300', '"planned_seconds": '
                                          + "9" * 5000, 1)
    source = tmp_path / "digits.json"
    source.write_text(text, encoding="utf-8")
    status, _, err = run_cli(capsys, "--db", str(saved_db), "import", str(source))
    assert status == 1 and "more than 4,300 digits" in error_line(err)


def test_a_huge_relative_time_in_a_csv_is_named_by_line(
    saved_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "events.csv"
    csv.write_text("time,actor,description\n14:00,Ana,paged\n+999999999h,Ben,much later\n")
    status, _, err = run_cli(capsys, "--db", str(saved_db), "import-timeline", "1", str(csv))
    assert status == 1
    assert "line 3" in error_line(err) and "outside the times" in err


def test_the_same_retro_stored_twice_is_a_named_refusal_not_a_constraint(saved_db: Path) -> None:
    # Two imports racing past the uuid check both reached the insert; now the check is inside
    # the insert's own transaction.
    store = Store.open(saved_db)
    try:
        with pytest.raises(DuplicateSession, match="already present as session 1"):
            store.create_retro(session_file.read_file(SAMPLE))
        assert len(store.list_sessions()) == 1
    finally:
        store.close()


def test_a_second_import_timeline_waits_for_the_first_and_a_window_is_named(
    saved_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "events.csv"
    csv.write_text("time,actor,description\n14:00,Ana,paged\n")
    first = InstanceLock(saved_db, holder="import-timeline")
    assert first.acquire()
    assert first.holder().startswith("import-timeline ")
    timer = threading.Timer(0.2, first.release)
    timer.start()
    status, out, err = run_cli(capsys, "--db", str(saved_db), "import-timeline", "1", str(csv))
    timer.join()
    assert status == 0, err  # before: "is open in a Retro Desk window"
    assert out.startswith("Added 1 event")
    window = InstanceLock(saved_db)
    assert window.acquire()
    try:
        status, _, err = run_cli(capsys, "--db", str(saved_db), "import-timeline", "1", str(csv))
    finally:
        window.release()
    assert status == 1 and f"(window {os.getpid()})" in error_line(err)


def test_a_log_a_running_window_keeps_is_not_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The window's own index says what of its log is valid; reading it through costs a
    # reader 100 ms per 4 MB for nothing.
    path = crashed_with_log(tmp_path)
    window = InstanceLock(path)
    assert window.acquire()
    scanned: list[Path] = []
    monkeypatch.setattr(opening.wal, "damage", lambda log: scanned.append(log))
    try:
        Store.open(path, read_only=True).close()
    finally:
        window.release()
    assert scanned == []
    Store.open(path, read_only=True).close()
    assert scanned == [Path(f"{path}-wal")]
