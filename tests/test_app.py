"""Starting the window: `--exit-when-ready`, refused databases, one editing window per file."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from retro_desk.storage import Store
from retro_desk.storage.lock import InstanceLock
from retro_desk.ui.app import open_store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "sample_retro.json"


def run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"))
    env.pop("RETRO_DESK_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "retro_desk", *args],
        capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path,
    )


def test_exit_when_ready_paints_the_most_recent_retro_and_exits_0(tmp_path: Path) -> None:
    db = tmp_path / "retros.sqlite3"
    assert run(["--db", str(db), "import", str(SAMPLE)], tmp_path).returncode == 0
    result = run(["--db", str(db), "--exit-when-ready"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_exit_when_ready_creates_the_default_database(tmp_path: Path) -> None:
    result = run(["--exit-when-ready"], tmp_path)
    assert result.returncode == 0, result.stderr
    created = tmp_path / "data" / "retro-desk" / "retro-desk.sqlite3"
    assert created.exists()
    assert created.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("content", [b"", b"not a database at all\n" * 40, os.urandom(4096)])
def test_a_file_that_is_not_ours_is_refused_and_untouched(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "notes.sqlite3"
    db.write_bytes(content)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    result = run(["--db", str(db), "--exit-when-ready"], tmp_path)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "propagateSizeHints" not in line]
    assert len(lines) == 1 and lines[0].startswith("retro-desk: error:")
    assert "Traceback" not in result.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    # Nothing new beside it either: no lock file, no -wal or -shm.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("notes")) == [
        "notes.sqlite3"]


def test_a_second_window_on_the_same_file_opens_read_only(tmp_path: Path) -> None:
    db = tmp_path / "retros.sqlite3"
    Store.open(db).close()
    first = InstanceLock(db)
    assert first.acquire()
    try:
        store, warning = open_store(db, InstanceLock(db))
        assert store.read_only
        assert warning is not None and "already open" in warning
        store.close()
    finally:
        first.release()
    store, warning = open_store(db, InstanceLock(db))
    assert not store.read_only and warning is None
    store.close()
