"""Hostile input the other tests leave out: a clear message each time, and nothing stored lost."""

from __future__ import annotations

import hashlib
import json
import select
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from benchmarks.crash_trials import child_env
from retro_desk import cli
from retro_desk.editor import SessionEditor
from retro_desk.export import session_file
from retro_desk.model import Event, Learning, ParkingItem
from retro_desk.paths import resource
from retro_desk.storage import DiskFull, ReadOnlyDatabase, StorageError, Store
from retro_desk.storage.lock import InstanceLock
from retro_desk.ui.app import open_store
from tests.test_storage import NOT_OURS

SAMPLE = resource("sample_retro.json")
ROOT = Path(__file__).resolve().parent.parent


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command line in this process: exit status, stdout, stderr."""
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def one_line_error(err: str) -> str:
    assert "Traceback" not in err
    assert err.startswith("retro-desk: error: ") and err.count("\n") == 1, err
    return err


def sample_document() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return result


@pytest.fixture
def saved_db(tmp_path: Path) -> Path:
    """A closed database holding the sample retro."""
    path = tmp_path / "retros.sqlite3"
    store = Store.open(path)
    store.create_retro(session_file.read_file(SAMPLE))
    store.close()
    return path


# -- databases that are not ours, through every command and the window ----------------------


def _newer(path: Path, tmp: Path) -> None:
    store = Store.open(path)
    store.create_retro(session_file.read_file(SAMPLE))
    store.close()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 99")
    connection.close()


REFUSED = {**NOT_OURS, "newer-version": _newer}
COMMANDS = {
    "list": ("list",),
    "list-json": ("list", "--json"),
    "export": ("export", "1", "--format", "json"),
    "import": ("import", str(SAMPLE)),
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
@pytest.mark.parametrize("make", REFUSED.values(), ids=REFUSED.keys())
def test_every_command_refuses_a_database_that_is_not_ours_and_leaves_it_be(
    make: Callable[[Path, Path], None], command: tuple[str, ...], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "odd.db"
    make(path, tmp_path)
    before, beside = sha256(path), files_beside(path)
    status, out, err = run_cli(capsys, "--db", str(path), *command)
    assert status == 1 and out == ""
    assert str(path) in one_line_error(err)
    assert sha256(path) == before
    assert files_beside(path) == beside


WINDOW_REFUSED = ("truncated", "header-then-garbage", "foreign-sqlite", "newer-version")


@pytest.mark.parametrize("kind", WINDOW_REFUSED)
def test_the_window_refuses_it_too_with_one_line_and_no_lock_file(
    kind: str, tmp_path: Path
) -> None:
    path = tmp_path / "odd.db"
    REFUSED[kind](path, tmp_path)
    before, beside = sha256(path), files_beside(path)
    result = subprocess.run(
        [sys.executable, "-m", "retro_desk", "--db", str(path), "--exit-when-ready"],
        env=child_env(tmp_path), capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "propagateSizeHints" not in line]
    assert len(lines) == 1 and lines[0].startswith("retro-desk: error:"), result.stderr
    assert str(path) in lines[0]
    assert sha256(path) == before
    assert files_beside(path) == beside


def test_a_folder_where_the_database_should_be(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "retros.sqlite3"
    folder.mkdir()
    for command in COMMANDS.values():
        status, _, err = run_cli(capsys, "--db", str(folder), *command)
        assert status == 1
        assert "folder" in one_line_error(err)
    assert list(folder.iterdir()) == []


# -- read-only ------------------------------------------------------------------------------


@pytest.fixture
def immutable(saved_db: Path) -> Iterator[Path]:
    """The database made immutable with chattr: the kernel refuses writes even to root, which
    plain file modes do not (the tests run as root). Skipped where the file system cannot."""
    if subprocess.run(["chattr", "+i", str(saved_db)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (needs root and ext2/3/4)")
    try:
        yield saved_db
    finally:
        subprocess.run(["chattr", "-i", str(saved_db)], check=True)


def test_a_file_the_kernel_will_not_let_anyone_write_opens_read_only(
    immutable: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sha256(immutable)
    with pytest.raises(ReadOnlyDatabase, match="read-only"):
        Store.open(immutable)
    store, warning = open_store(immutable, InstanceLock(immutable))
    try:
        assert store.read_only
        assert warning is not None and "read-only" in warning
        [session] = store.list_sessions()
        assert session.id is not None
        assert len(store.load_retro(session.id).timeline) == 30
        with pytest.raises(ReadOnlyDatabase, match="not saved"):
            store.add_item(session.id, Learning("refused"))
    finally:
        store.close()
    # Reading commands work; importing says why it cannot.
    status, out, _ = run_cli(capsys, "--db", str(immutable), "list", "--json")
    assert status == 0 and len(json.loads(out)) == 1
    status, _, err = run_cli(capsys, "--db", str(immutable), "import", str(SAMPLE), "--copy")
    assert status == 1 and "read-only" in one_line_error(err)
    result = subprocess.run(
        [sys.executable, "-m", "retro_desk", "--db", str(immutable), "--exit-when-ready"],
        env=child_env(tmp_path), capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert sha256(immutable) == before


def test_a_file_that_turns_read_only_mid_retro_refuses_edits_then_takes_them_again(
    saved_db: Path,
) -> None:
    # PRAGMA query_only stands for the file system being remounted read-only under the app.
    store = Store.open(saved_db)
    try:
        [session] = store.list_sessions()
        assert session.id is not None
        editor = SessionEditor(store, session.id)
        editor.add(Learning("before"))
        store.db.execute("PRAGMA query_only = ON")
        with pytest.raises(ReadOnlyDatabase) as raised:
            editor.add(Learning("while read-only"))
        assert str(saved_db) in str(raised.value) and "read-only" in str(raised.value)
        assert [x.text for x in editor.retro.learnings][-1] == "before"
        store.db.execute("PRAGMA query_only = OFF")
        editor.add(Learning("after"))
        texts = [x.text for x in store.load_retro(session.id).learnings]
        assert texts[-2:] == ["before", "after"] and "while read-only" not in texts
    finally:
        store.close()


# -- a second instance that really runs -----------------------------------------------------


def holds_flock(pid: int, path: Path) -> bool:
    """Whether process `pid` holds a flock on `path`, from /proc/locks (no probing, which
    would race with the app taking the lock)."""
    inode = path.stat().st_ino
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if len(fields) > 5 and fields[1] == "FLOCK" and fields[4] == str(pid):
            if fields[5].rsplit(":", 1)[-1] == str(inode):
                return True
    return False


@contextmanager
def running_app(db: Path, folder: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The real app, open on `db` as a person left it running, once it holds its lock."""
    app = subprocess.Popen(
        [sys.executable, "-m", "retro_desk", "--db", str(db)],
        env=child_env(folder), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    assert app.stdout is not None
    lock = InstanceLock(db).path
    deadline = time.monotonic() + 60
    try:
        while not (lock.exists() and holds_flock(app.pid, lock)):
            assert app.poll() is None, "the first instance exited"
            assert time.monotonic() < deadline, "the first instance never took its lock"
            select.select([app.stdout], [], [], 0.05)  # wait on the child, not on a sleep
        yield app
    finally:
        app.terminate()
        app.wait(timeout=30)


@pytest.fixture
def first_instance(saved_db: Path, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    with running_app(saved_db, tmp_path) as app:
        yield app


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads /proc/locks (Linux)")
def test_a_second_instance_opens_read_only_while_the_first_runs(
    first_instance: subprocess.Popen[bytes], saved_db: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = sha256(saved_db)
    store, warning = open_store(saved_db, InstanceLock(saved_db))
    try:
        assert store.read_only
        assert warning is not None and "already open in another Retro Desk window" in warning
        [session] = store.list_sessions()
        assert session.id is not None
        with pytest.raises(ReadOnlyDatabase):
            store.update_session(session.id, title="from the second window")
    finally:
        store.close()
    second = subprocess.run(
        [sys.executable, "-m", "retro_desk", "--db", str(saved_db), "--exit-when-ready"],
        env=child_env(tmp_path), capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert second.returncode == 0, second.stderr
    assert sha256(saved_db) == before
    # The command line imports beside a running window: SQLite's own locking keeps both whole.
    status, out, _ = run_cli(capsys, "--db", str(saved_db), "import", str(SAMPLE), "--copy")
    assert status == 0 and out.split()[-1] == "2"
    first_instance.terminate()
    first_instance.wait(timeout=30)
    store, warning = open_store(saved_db, InstanceLock(saved_db))
    try:
        assert warning is None and not store.read_only
        assert [s.title for s in store.list_sessions()].count(
            session_file.read_file(SAMPLE).session.title) == 2
    finally:
        store.close()


# -- imports --------------------------------------------------------------------------------


def _set(document: dict[str, Any], value: Any, *keys: Any) -> dict[str, Any]:
    target: Any = document
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    return document


def _deep(path: Path) -> None:
    path.write_text('{"format": "retro-desk.session", "version": 1, "session": '
                    + "[" * 100_000 + "]" * 100_000 + "}")


def _truncated(path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")


def _json(document: Any) -> Callable[[Path], None]:
    return lambda path: path.write_text(json.dumps(document), encoding="utf-8")


BAD_IMPORTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "empty-file": (lambda path: path.write_bytes(b""), "not valid JSON"),
    "cut-in-half": (_truncated, "not valid JSON"),
    "deeply-nested": (_deep, "nested too deeply"),
    "a-list-not-an-object": (_json([sample_document()]), "expected an object, found a list"),
    "null": (_json(None), "found null"),
    "timeline-is-an-object": (
        _json(_set(sample_document(), {"e1": {}}, "timeline")), "$.timeline"),
    "flag-is-a-string": (
        _json(_set(sample_document(), "yes", "timeline", 3, "decision_point")),
        "$.timeline[3].decision_point"),
    "time-is-a-number": (
        _json(_set(sample_document(), 1700000000, "timeline", 0, "at")), "$.timeline[0].at"),
    "roti-is-text": (_json(_set(sample_document(), ["5"], "closing", "roti")),
                     "$.closing.roti[0]"),
    "duplicate-event-id": (
        _json(_set(sample_document(), "e1", "timeline", 1, "id")), "$.timeline[1].id"),
    "duplicate-participant-id": (
        _json(_set(sample_document(), "p2", "participants", 0, "id")), "$.participants"),
    "answer-to-no-event": (
        _json(_set(sample_document(), "e999", "rationality", 0, "event")),
        "$.rationality[0].event"),
}


@pytest.mark.parametrize(("make", "expected"), BAD_IMPORTS.values(), ids=BAD_IMPORTS.keys())
def test_a_bad_import_names_the_problem_and_imports_nothing(
    make: Callable[[Path], None], expected: str, saved_db: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = tmp_path / "bad.json"
    make(bad)
    before = sha256(saved_db)
    status, out, err = run_cli(capsys, "--db", str(saved_db), "import", str(bad), "--copy")
    assert status == 1 and out == ""
    assert expected in one_line_error(err)
    assert sha256(saved_db) == before


def test_an_import_over_the_size_limit_is_refused_before_it_is_read(
    saved_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as handle:  # sparse: the size is real, the disk is not used
        handle.truncate(session_file.MAX_FILE_BYTES + 1)
    before = sha256(saved_db)
    status, _, err = run_cli(capsys, "--db", str(saved_db), "import", str(huge))
    assert status == 1
    assert f"the limit is {session_file.MAX_FILE_BYTES:,}" in one_line_error(err)
    assert sha256(saved_db) == before


def huge_document(events: int) -> dict[str, Any]:
    document = sample_document()
    document["session"]["uuid"] = "0e4c1f55-6f0a-4b3c-9d7e-200000000000"
    document["timeline"] = [
        {"id": f"e{n}", "at": f"2026-11-20T{8 + n // 3600 % 12:02d}:{n // 60 % 60:02d}:"
         f"{n % 60:02d}+01:00", "description": f"step {n}", "decision_point": n % 1000 == 0}
        for n in range(1, events + 1)
    ]
    document["rationality"] = [{"event": "e1000", "category": "cues", "answer": "the graph"}]
    return document


@pytest.mark.slow
def test_an_import_of_200_000_events_is_stored_whole(
    saved_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "200k.json"
    path.write_text(json.dumps(huge_document(200_000)), encoding="utf-8")
    assert path.stat().st_size < session_file.MAX_FILE_BYTES
    started = time.perf_counter()
    status, out, err = run_cli(capsys, "--db", str(saved_db), "import", str(path))
    elapsed = time.perf_counter() - started
    assert status == 0, err
    print(f"200,000 events imported in {elapsed:.1f} s")
    store = Store.open(saved_db, read_only=True)
    try:
        new_id = int(out.split()[-1])
        assert len(store.items(new_id, Event)) == 200_000
        assert len(store.load_retro(1).timeline) == 30  # the retro already there is untouched
    finally:
        store.close()


# -- export targets that cannot be written ----------------------------------------------------


def test_exports_to_paths_that_cannot_be_written(
    saved_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    missing = tmp_path / "no-such-folder" / "retro.md"
    for target, fmt in ((missing, "md"), (folder, "md"), (folder, "json")):
        status, out, err = run_cli(capsys, "--db", str(saved_db), "export", "1",
                                   "--format", fmt, "-o", str(target))
        assert status == 1 and out == ""
        assert f"cannot write {target}" in one_line_error(err)
    assert not missing.parent.exists()
    assert list(folder.iterdir()) == []


# -- failures in the middle of one edit ------------------------------------------------------


def test_a_full_disk_halfway_through_deleting_an_event_keeps_it_and_its_answers(
    saved_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Deleting an event also deletes its answers; the two are one transaction, so a failure
    # (or a crash) after the answers went cannot keep the event and lose what was said.
    store = Store.open(saved_db)
    try:
        editor = SessionEditor(store, 1)
        event = next(e for e in editor.retro.timeline if editor.retro.answers_for(e.key))
        answers = editor.retro.answers_for(event.key)

        def full(item: object) -> float:
            raise DiskFull(f"{saved_db}: the disk is full; the last edit was not saved")

        monkeypatch.setattr(store, "delete_item", full)
        with pytest.raises(DiskFull):
            editor.delete(event)
        stored = store.load_retro(1)
        assert event.key in [e.key for e in stored.timeline]
        assert stored.answers_for(event.key) == answers
        assert editor.retro.answers_for(event.key) == answers
        assert not editor.undo_stack.can_undo()
        monkeypatch.undo()
        editor.delete(event)
        assert store.load_retro(1).answers_for(event.key) == {}
        editor.undo_stack.undo()
        assert store.load_retro(1).answers_for(event.key) == answers
    finally:
        store.close()


def test_a_grouped_edit_that_fails_halfway_stores_none_of_it(saved_db: Path) -> None:
    store = Store.open(saved_db)
    try:
        store.db.execute(
            "CREATE TEMP TRIGGER refuse AFTER INSERT ON parking_lot"
            " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )
        before = store.load_retro(1)
        with pytest.raises(StorageError, match="refused by the test"):
            with store.atomic():
                store.add_item(1, Learning("first of two"))
                store.add_item(1, ParkingItem("second of two"))
        after = store.load_retro(1)
        assert (after.learnings, after.parking_lot) == (before.learnings, before.parking_lot)
        assert not store.db.conn.in_transaction
        store.add_item(1, Learning("the store is usable afterwards"))
    finally:
        store.close()
