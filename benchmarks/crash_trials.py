"""Crash trials: SIGKILL a process that is editing a retro, at random moments, then check it all.

    python benchmarks/crash_trials.py [--trials 200] [--window-trials 20] [--seed N]

Storage trials run crash_child.py (edits through Store and SessionEditor); window trials run
crash_child_window.py (pytest-qt pressing keys in a real MainWindow). Each trial continues
the database the previous one left behind, so every child also starts on a just-crashed
file. After each kill: `PRAGMA integrity_check` must say ok, every edit the child reported
as committed must be stored, and the app must open the file (Store.open and load_retro; on
some trials the real `retro-desk --exit-when-ready` too). Prints one line per trial and the
totals; exits 1 if any edit was lost or any check failed.
"""

from __future__ import annotations

import argparse
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.crash_child import edit_stream, restore, snapshot  # noqa: E402
from retro_desk.editor import SessionEditor  # noqa: E402
from retro_desk.export import session_file  # noqa: E402
from retro_desk.paths import resource  # noqa: E402
from retro_desk.storage import Store  # noqa: E402
from retro_desk.storage.lock import InstanceLock  # noqa: E402

STORAGE_CHILD = ROOT / "benchmarks" / "crash_child.py"
WINDOW_CHILD = ROOT / "benchmarks" / "crash_child_window.py"
# Kills are placed by progress, not by time, so that a slow (loaded) machine moves them as it
# moves the child: most trials kill a child once it has reported a random number of edits, a
# random fraction of an edit later (mid-commit, mid-paste); a few kill it while it is still
# starting, opening a just-crashed file. Window kills come after a number of stored edits.
STORAGE_STARTUP_KILLS = 0.15
STORAGE_STARTUP_KILL_AFTER = (0.05, 0.6)
STORAGE_KILL_AFTER_EDITS = (1, 300)
WINDOW_KILL_AFTER_EDITS = (1, 60)
# Up to about one edit's time past the count, so the kill lands inside the next edit.
WITHIN_EDIT = (0.0, 0.03)
READY_TIMEOUT = 120.0


@dataclass
class Trial:
    """What one kill left behind, and whether it was all there."""

    kind: str
    number: int
    seed: int
    killed_after: float
    reported: int
    aimed: int = 0  # the kill came after this many reports (0: while the child was starting)
    lost: int = 0
    held: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.lost and not self.problems

    def line(self) -> str:
        verdict = "ok" if self.ok else "FAILED: " + "; ".join(self.problems)
        return (f"{self.kind} trial {self.number:3d} (seed {self.seed}): killed after "
                f"{self.killed_after:.2f} s, {self.reported:4d} edits reported, {self.lost} lost;"
                f" {self.held}; {verdict}")


def child_env(folder: Path) -> dict[str, str]:
    """The environment of every child: no screen, no home folder, no RETRO_DESK_DB."""
    env = {key: value for key, value in os.environ.items()
           if key != "RETRO_DESK_DB" and not key.startswith("XDG_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(folder / "home"),
        XDG_DATA_HOME=str(folder / "xdg-data"),
        XDG_CONFIG_HOME=str(folder / "xdg-config"),
        XDG_CACHE_HOME=str(folder / "xdg-cache"),
        XDG_STATE_HOME=str(folder / "xdg-state"),
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    return env


def new_database(path: Path) -> int:
    """A trial database holding the sample retro; returns its session id."""
    store = Store.open(path)
    try:
        return store.create_retro(session_file.read_file(resource("sample_retro.json")))
    finally:
        store.close()


def run_until_killed(
    command: list[str], env: dict[str, str], log: Path, *, reports: Callable[[str], bool],
    after_reports: int | None = None, after_seconds: float = 0.0,
) -> tuple[list[str], int | None, float]:
    """Run a child and SIGKILL it `after_seconds` after its `after_reports`-th report line
    (a line for which `reports` is true), or, with no count, `after_seconds` after its start.

    Returns every whole line it wrote (those in the pipe when it died included), its exit
    status, and the seconds from its start to the kill. A child that writes nothing for
    READY_TIMEOUT seconds is killed too (the caller sees it reported too little).
    """
    started = time.monotonic()
    with open(log, "ab") as errors:
        child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                 stderr=errors)
    assert child.stdout is not None
    fd = child.stdout.fileno()
    data = bytearray()
    seen = 0
    deadline = started + after_seconds if after_reports is None else None
    quiet_limit = started + READY_TIMEOUT
    while True:
        now = time.monotonic()
        if deadline is not None and now >= deadline or now > quiet_limit:
            break
        # Waiting on the pipe, with a timeout: the child is never paced by the parent.
        wait = (deadline if deadline is not None else quiet_limit) - now
        readable, _, _ = select.select([fd], [], [], max(wait, 0.0))
        if not readable:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break  # the child ended on its own
        whole_before = data.count(b"\n")
        data += chunk
        quiet_limit = time.monotonic() + READY_TIMEOUT
        if deadline is None and after_reports is not None:
            lines = data.split(b"\n")[whole_before:-1]
            seen += sum(1 for line in lines if reports(line.decode("utf-8", "replace")))
            if seen >= after_reports:
                deadline = time.monotonic() + after_seconds
    killed_at = time.monotonic() - started
    if child.poll() is None:
        os.kill(child.pid, signal.SIGKILL)
    data += child.stdout.read()  # lines already in the pipe were written before the kill
    child.stdout.close()
    status = child.wait()
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")[:-1]  # a last line without its newline was never fully written
    return lines, status, killed_at


def is_storage_report(line: str) -> bool:
    return line.split(" ", 1)[0].isdigit()


def is_window_report(line: str) -> bool:
    return line.startswith("done ")


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return "; ".join(str(row[0]) for row in connection.execute("PRAGMA integrity_check"))
    finally:
        connection.close()


def exit_when_ready(path: Path, env: dict[str, str]) -> str | None:
    """The real app on the file: a problem in words, or None when it painted and exited 0."""
    result = subprocess.run(
        [sys.executable, "-m", "retro_desk", "--db", str(path), "--exit-when-ready"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    if result.returncode != 0:
        return f"--exit-when-ready exited {result.returncode}: {result.stderr.strip()[-300:]}"
    return None


def replay(start: dict[str, Any], seed: int, counts: list[int]) -> dict[int, dict[str, Any]]:
    """The retro after each of `counts` edits of the stream with `seed`, replayed in memory."""
    store = Store.in_memory()
    try:
        session_id = restore(store, start)
        stream = edit_stream(SessionEditor(store, session_id), random.Random(seed))
        states = {}
        for count in range(max(counts) + 1):
            if count:
                next(stream)
            if count in counts:
                states[count] = snapshot(store, session_id)
        return states
    finally:
        store.close()


def held_edits(actual: dict[str, Any], start: dict[str, Any], seed: int, reported: int) -> int:
    """How many edits of the stream the database holds: `reported`, one more (committed, then
    killed before it said so) or, if edits were lost, fewer; -1 if it matches no prefix."""
    for counts in ([reported, reported + 1], list(range(reported))):
        states = replay(start, seed, counts) if counts else {}
        for count in counts:
            if states[count] == actual:
                return count
    return -1


def storage_trial(
    path: Path, session_id: int, start: dict[str, Any], number: int, seed: int,
    rng: random.Random, env: dict[str, str], log: Path, run_app: bool,
) -> tuple[Trial, dict[str, Any]]:
    command = [sys.executable, str(STORAGE_CHILD), "--db", str(path), "--seed", str(seed)]
    aimed = 0 if rng.random() < STORAGE_STARTUP_KILLS else rng.randint(*STORAGE_KILL_AFTER_EDITS)
    lines, status, killed_at = run_until_killed(
        command, env, log, reports=is_storage_report, after_reports=aimed or None,
        after_seconds=rng.uniform(*(WITHIN_EDIT if aimed else STORAGE_STARTUP_KILL_AFTER)),
    )
    reported = sum(1 for line in lines if is_storage_report(line))
    trial = Trial("storage", number, seed, killed_at, reported, aimed)
    if reported < aimed:
        trial.problems.append(f"the child stopped after {reported} of {aimed} edits; see {log}")
    if status != -signal.SIGKILL:
        trial.problems.append(f"the child ended by itself (status {status}); see {log}")
    check = integrity(path)
    if check != "ok":
        trial.problems.append(f"integrity_check: {check}")
    store = Store.open(path)
    try:
        actual = snapshot(store, session_id)
    finally:
        store.close()
    held = held_edits(actual, start, seed, reported)
    if held == -1:
        trial.lost = reported
        trial.held = "holds no state the edits lead to"
        trial.problems.append("the database matches no prefix of the edits")
    else:
        trial.lost = max(reported - held, 0)
        extra = " (the last committed before it was reported)" if held > reported else ""
        trial.held = f"holds {held} edits{extra}"
    if run_app:
        problem = exit_when_ready(path, env)
        trial.held += "; --exit-when-ready: " + ("exit 0" if problem is None else "failed")
        if problem:
            trial.problems.append(problem)
    return trial, actual


def run_storage_trials(
    folder: Path, trials: int, seed: int, app_every: int = 25, echo: bool = False
) -> list[Trial]:
    """`trials` storage trials on one database in `folder`; the app is run on the first, the
    last and every `app_every`-th."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "storage-trials.sqlite3"
    session_id = new_database(path)
    store = Store.open(path)
    try:
        state = snapshot(store, session_id)
    finally:
        store.close()
    env = child_env(folder)
    rng = random.Random(seed)
    results = []
    for number in range(1, trials + 1):
        run_app = number in (1, trials) or number % app_every == 0
        trial, state = storage_trial(path, session_id, state, number, seed * 10_000 + number,
                                     rng, env, folder / "storage-child.log", run_app)
        results.append(trial)
        if echo:
            print(trial.line(), flush=True)
    return results


@dataclass
class WindowEdit:
    number: int
    kind: str
    marker: str
    done: bool = False


def parse_window_lines(lines: list[str]) -> list[WindowEdit]:
    edits: dict[int, WindowEdit] = {}
    for line in lines:
        words = line.split()
        if len(words) == 4 and words[0] == "doing":
            edits[int(words[1])] = WindowEdit(int(words[1]), words[2], words[3])
        elif len(words) == 2 and words[0] == "done":
            edits[int(words[1])].done = True
    return [edits[number] for number in sorted(edits)]


def stored_texts(path: Path, session_id: int) -> dict[str, str]:
    """Everything a window edit can add, by kind, joined so markers can be looked for."""
    store = Store.open(path)
    try:
        retro = store.load_retro(session_id)
    finally:
        store.close()
    return {
        "event": "\n".join(event.description for event in retro.timeline),
        "learning": "\n".join(item.text for item in retro.learnings),
        "action": "\n".join(item.description for item in retro.actions),
        "parking": "\n".join(item.text for item in retro.parking_lot),
        "notes": retro.private_notes,
        "answer": "\n".join(answer.answer for answer in retro.rationality),
    }


def check_window_edits(
    edits: list[WindowEdit], texts: dict[str, str], expected: dict[str, tuple[str, bool]]
) -> tuple[int, list[str]]:
    """Fold this trial's edits into `expected` (marker -> kind, whether it must be stored) and
    count the reported edits the database does not reflect; an edit under way when the child
    died may be there or not. Returns (lost, problems)."""
    under_way = edits[-1] if edits and not edits[-1].done else None
    for edit in edits:
        if not edit.done:
            continue
        if edit.kind == "undo":
            expected[edit.marker] = (expected[edit.marker][0], False)
        else:
            expected[edit.marker] = (edit.kind, True)
    lost, problems = 0, []
    for marker, (kind, wanted) in expected.items():
        if under_way is not None and marker == under_way.marker:
            continue
        if (marker in texts[kind]) != wanted:
            lost += 1
            problems.append(f"{marker} ({kind}) should {'' if wanted else 'not '}be stored")
    if under_way is not None and under_way.kind != "undo":
        # Whatever the database says about it is now what the next trial expects.
        expected[under_way.marker] = (under_way.kind, under_way.marker in texts[under_way.kind])
    elif under_way is not None:
        kind = expected[under_way.marker][0]
        expected[under_way.marker] = (kind, under_way.marker in texts[kind])
    return lost, problems


def run_window_trials(folder: Path, trials: int, seed: int, echo: bool = False) -> list[Trial]:
    """`trials` window trials on one database in `folder`; the app is run after the last."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "window-trials.sqlite3"
    session_id = new_database(path)
    env = child_env(folder)
    rng = random.Random(seed)
    expected: dict[str, tuple[str, bool]] = {}
    results = []
    for number in range(1, trials + 1):
        trial_seed = seed * 10_000 + number
        command = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
                   str(WINDOW_CHILD)]
        trial_env = dict(env, RETRO_DESK_CRASH_DB=str(path), RETRO_DESK_CRASH_SEED=str(trial_seed))
        log = folder / "window-child.log"
        aimed = rng.randint(*WINDOW_KILL_AFTER_EDITS)
        lines, status, killed_at = run_until_killed(
            command, trial_env, log, reports=is_window_report, after_reports=aimed,
            after_seconds=rng.uniform(*WITHIN_EDIT),
        )
        edits = parse_window_lines(lines)
        done = sum(1 for edit in edits if edit.done)
        trial = Trial("window", number, trial_seed, killed_at, done, aimed)
        if done < aimed:
            trial.problems.append(f"the window stopped after {done} of {aimed} edits; see {log}")
        if "ready" not in lines:
            trial.problems.append(f"the window never became ready; see {log}")
        if status != -signal.SIGKILL:
            tail = " | ".join(lines[-5:])
            trial.problems.append(f"the child ended by itself (status {status}): {tail}")
        check = integrity(path)
        if check != "ok":
            trial.problems.append(f"integrity_check: {check}")
        lock = InstanceLock(path)
        if lock.acquire():
            lock.release()
        else:
            trial.problems.append("the killed window's instance lock is still held")
        trial.lost, problems = check_window_edits(edits, stored_texts(path, session_id), expected)
        trial.problems += problems[:5]
        trial.held = f"{sum(wanted for _, wanted in expected.values())} markers stored in all"
        if number == trials:
            problem = exit_when_ready(path, env)
            trial.held += "; --exit-when-ready: " + ("exit 0" if problem is None else "failed")
            if problem:
                trial.problems.append(problem)
        results.append(trial)
        if echo:
            print(trial.line(), flush=True)
    return results


def totals(results: list[Trial]) -> str:
    reported = sum(trial.reported for trial in results)
    lost = sum(trial.lost for trial in results)
    failed = sum(1 for trial in results if not trial.ok)
    mid_edit = sum(1 for trial in results if trial.aimed)
    return (f"{len(results)} trials ({mid_edit} killed after edits began), {reported} edits "
            f"reported committed, {lost} lost, {failed} failed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200, help="storage trials")
    parser.add_argument("--window-trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100_000)
    parser.add_argument("--keep", type=Path, help="keep the databases in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="retro-desk-crash-") as temporary:
        folder = args.keep or Path(temporary)
        print(f"seed {args.seed}; databases in {folder}", flush=True)
        storage = run_storage_trials(folder, args.trials, args.seed, echo=True)
        window = run_window_trials(folder, args.window_trials, args.seed, echo=True)
    print(f"\nstorage: {totals(storage)}\nwindow:  {totals(window)}")
    return 0 if all(trial.ok for trial in storage + window) else 1


if __name__ == "__main__":
    sys.exit(main())
