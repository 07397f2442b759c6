"""Crash trials on storage: a SIGKILL at any moment loses no edit the child reported committed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.crash_child import snapshot
from benchmarks.crash_trials import (
    STORAGE_CHILD,
    child_env,
    held_edits,
    integrity,
    new_database,
    run_storage_trials,
    totals,
)
from retro_desk.storage import Store

SEED = 20261120


def run_child(path: Path, seed: int, edits: int, folder: Path) -> list[str]:
    """The child, left to finish `edits` edits; its report lines."""
    result = subprocess.run(
        [sys.executable, str(STORAGE_CHILD), "--db", str(path), "--seed", str(seed),
         "--edits", str(edits)],
        env=child_env(folder), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def stored(path: Path, session_id: int) -> dict[str, object]:
    store = Store.open(path)
    try:
        return snapshot(store, session_id)
    finally:
        store.close()


def test_a_child_left_alone_holds_exactly_the_edits_replayed_in_memory(tmp_path: Path) -> None:
    # The trials judge a killed child by replaying its edit stream; that replay must agree with
    # a child that was not killed, or every verdict would be meaningless.
    path = tmp_path / "whole.sqlite3"
    session_id = new_database(path)
    start = stored(path, session_id)
    lines = run_child(path, seed=5, edits=80, folder=tmp_path)
    assert lines[0] == "ready"
    assert [line.split()[0] for line in lines[1:]] == [str(n) for n in range(1, 81)]
    kinds = {" ".join(line.split()[1:3]) for line in lines[1:]}
    assert {"add event", "update event", "paste private"} <= kinds
    after = stored(path, session_id)
    assert after != start
    assert held_edits(after, start, seed=5, reported=80) == 80
    assert integrity(path) == "ok"


def test_the_check_counts_lost_edits_and_notices_foreign_changes(tmp_path: Path) -> None:
    path = tmp_path / "short.sqlite3"
    session_id = new_database(path)
    start = stored(path, session_id)
    run_child(path, seed=9, edits=30, folder=tmp_path)
    after = stored(path, session_id)
    # Had the child reported 36 edits, six would be missing.
    assert held_edits(after, start, seed=9, reported=36) == 30
    # A change no edit of the stream makes matches no count of edits at all.
    store = Store.open(path)
    try:
        store.update_session(session_id, summary="written behind the child's back")
    finally:
        store.close()
    assert held_edits(stored(path, session_id), start, seed=9, reported=30) == -1


@pytest.mark.slow
def test_fifty_kills_lose_no_reported_edit(tmp_path: Path) -> None:
    results = run_storage_trials(tmp_path, trials=50, seed=SEED)
    print(totals(results))
    assert [trial.line() for trial in results if not trial.ok] == []
    assert len(results) == 50
    assert sum(trial.lost for trial in results) == 0
    # Kills are placed by progress: however slow the machine, most land mid-stream, each after
    # the number of edits it aimed at (a trial that fell short is a failed trial, above).
    aimed = [trial for trial in results if trial.aimed]
    assert len(aimed) >= 35
    assert all(trial.reported >= trial.aimed for trial in aimed)
    assert sum(trial.reported for trial in results) >= 2000
    assert sum("--exit-when-ready: exit 0" in trial.held for trial in results) >= 2
