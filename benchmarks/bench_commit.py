"""Per-edit commit latency on a 5,000-event retro, with SQLite's synchronous FULL and NORMAL.

    python benchmarks/bench_commit.py [--events N] [--edits N]

Each edit goes through SessionEditor as the window's do (add an event, change one, answer a
question, add a learning, type into the private notes), and each is timed from the call to
the return of its commit. The app ships with WAL and synchronous=FULL; NORMAL is measured
beside it to show what durability costs. Prints median, p99 and max; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median, percentile, synthetic_retro, table  # noqa: E402

from retro_desk.editor import SessionEditor  # noqa: E402
from retro_desk.model import CATEGORIES, Event, Learning  # noqa: E402
from retro_desk.storage import Store  # noqa: E402

MODES = ("FULL", "NORMAL")


def edits(editor: SessionEditor, rng: random.Random) -> list[Callable[[int], object]]:
    retro = editor.retro
    return [
        lambda n: editor.add(Event(key="", at="2026-11-21T09:00:00+01:00",
                                   description=f"added {n}", actor="Ana")),
        lambda n: editor.update(rng.choice(retro.timeline), description=f"edited {n}"),
        lambda n: editor.set_answer(rng.choice(retro.timeline).key, rng.choice(CATEGORIES),
                                    f"answer {n}"),
        lambda n: editor.add(Learning(f"learning {n}")),
        lambda n: editor.set_private_notes(f"{retro.private_notes[-500:]} note {n}"),
    ]


def commit_latency(folder: Path, events: int, count: int, synchronous: str) -> list[float]:
    """Milliseconds per edit, each from the call until its commit has returned."""
    store = Store.open(folder / f"commit-{synchronous.lower()}.sqlite3")
    try:
        store.db.execute(f"PRAGMA synchronous = {synchronous}")
        session_id = store.create_retro(synthetic_retro(events, "Commit benchmark"))
        editor = SessionEditor(store, session_id)
        rng = random.Random(7)
        kinds = edits(editor, rng)
        timings = []
        for n in range(count):
            started = time.perf_counter()
            kinds[n % len(kinds)](n)
            timings.append((time.perf_counter() - started) * 1000)
        return timings
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=1500)
    args = parser.parse_args()
    rows: list[tuple[str, ...]] = [("synchronous", "median ms", "p99 ms", "max ms")]
    with tempfile.TemporaryDirectory(prefix="retro-desk-bench-") as folder:
        for mode in MODES:
            timings = commit_latency(Path(folder), args.events, args.edits, mode)
            label = f"{mode}{' (shipped)' if mode == 'FULL' else ''}"
            rows.append((label, f"{median(timings):.2f}", f"{percentile(timings, 0.99):.2f}",
                         f"{max(timings):.2f}"))
    print(f"{args.edits} edits on a {args.events}-event retro, WAL, SQLite "
          f"{sqlite3.sqlite_version}\n")
    print(table(rows))


if __name__ == "__main__":
    main()
