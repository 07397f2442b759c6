"""Two writers racing for one database: a command-line import and window edits, each holding
the write lock up to a second. Counts refusals and losses; the baseline is the same race with
write transactions begun deferred, as before issue 14.

    python benchmarks/race_writers.py [--rounds 20] [--seed 14] [--no-baseline]

Prints, for each run: edits committed and refused on each side, edits lost (reported committed
but not stored), the longest and median wait for the lock, and the time the race took.
Exits 1 if the immediate-transaction run refused or lost anything.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.crash_trials import child_env, integrity, new_database  # noqa: E402
from retro_desk.storage import Store  # noqa: E402

CHILD = ROOT / "benchmarks" / "race_child.py"


@dataclass
class Race:
    """What one race left: per role, the rounds committed and refused, and what was lost."""

    label: str
    seconds: float = 0.0
    committed: dict[str, list[str]] = field(default_factory=dict)
    refused: dict[str, list[str]] = field(default_factory=dict)
    waits: list[float] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def refusals(self) -> int:
        return sum(len(lines) for lines in self.refused.values())

    def line(self) -> str:
        sides = ", ".join(
            f"{role}: {len(self.committed.get(role, []))} committed, "
            f"{len(self.refused.get(role, []))} refused"
            for role in ("cli", "window")
        )
        waits = (f"longest wait {max(self.waits):.2f} s, median {statistics.median(self.waits):.2f}"
                 " s" if self.waits else "no waits")
        return (f"{self.label}: {sides}; {len(self.lost)} lost; {waits}; {self.seconds:.1f} s"
                + (f"; PROBLEMS: {'; '.join(self.problems)}" if self.problems else ""))


def race(folder: Path, rounds: int, seed: int, deferred: bool) -> Race:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ("deferred.sqlite3" if deferred else "immediate.sqlite3")
    new_database(path)
    result = Race("deferred (before)" if deferred else "immediate (now)")
    env = child_env(folder)
    children = {}
    started = time.monotonic()
    for role in ("cli", "window"):
        command = [sys.executable, str(CHILD), "--db", str(path), "--role", role,
                   "--rounds", str(rounds), "--seed", str(seed)]
        if deferred:
            command.append("--deferred")
        children[role] = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True)
    for role, child in children.items():
        out, err = child.communicate(timeout=600)
        if child.returncode != 0:
            result.problems.append(f"{role} child exited {child.returncode}: {err[-300:]}")
        lines = out.splitlines()
        result.committed[role] = [line.split()[2] for line in lines if line.startswith("ok ")]
        result.refused[role] = [line for line in lines if line.startswith("refused ")]
        result.waits += [float(line.split()[3]) for line in lines if line.startswith("ok ")]
    result.seconds = time.monotonic() - started
    check = integrity(path)
    if check != "ok":
        result.problems.append(f"integrity_check: {check}")
    store = Store.open(path, read_only=True)
    try:
        titles = {session.title for session in store.list_sessions()}
        parked = {item.text for item in store.load_retro(1).parking_lot}
    finally:
        store.close()
    result.lost = [marker for marker in result.committed["cli"] if marker not in titles]
    result.lost += [marker for marker in result.committed["window"] if marker not in parked]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="retro-desk-race-") as temporary:
        folder = Path(temporary)
        print(f"{args.rounds} rounds per writer, each holding the write lock 0-1 s", flush=True)
        now = race(folder, args.rounds, args.seed, deferred=False)
        print(now.line(), flush=True)
        if not args.no_baseline:
            print(race(folder, args.rounds, args.seed, deferred=True).line(), flush=True)
        for line in [*now.refused["cli"], *now.refused["window"]][:5]:
            print(f"  {line}")
    return 0 if not (now.refusals or now.lost or now.problems) else 1


if __name__ == "__main__":
    sys.exit(main())
