"""Figures for a big retro: import/export as whole processes, and the cost of one committed edit.

Run: .venv/bin/python benchmarks/bench_storage.py [--events 5000] [--runs 5] [--edits 1000]
Prints a table; it asserts nothing (a benchmark is a script that prints figures, not a test).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from retro_desk.agenda import default_agenda
from retro_desk.model import CATEGORIES, Event
from retro_desk.storage import Store

WORDS = (
    "the gateway returned 502 for new TLS handshakes while cached sessions kept working and "
    "on-call compared the CA bundle with the renewed certificate chain before paging checkout"
).split()


def sentence(rng: random.Random, low: int = 6, high: int = 24) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."


def big_session(events: int, seed: int = 20261120) -> dict[str, Any]:
    """A valid session file with `events` timeline entries, every tenth a decision point."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 20, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    participants = [{"id": f"p{i}", "name": f"Person {i}", "role": "engineer"} for i in range(1, 9)]
    timeline = []
    rationality = []
    for i in range(1, events + 1):
        decision = i % 10 == 0
        timeline.append(
            {
                "id": f"e{i}",
                "at": (start + timedelta(seconds=7 * i)).isoformat(),
                "actor": rng.choice(participants)["name"],
                "description": sentence(rng),
                "source": f"https://chat.example.org/archives/C042/p{i:08d}",
                "decision_point": decision,
                "learned_later": i % 37 == 0,
            }
        )
        if decision:
            for category in rng.sample(CATEGORIES, 3):
                rationality.append({"event": f"e{i}", "category": category,
                                    "answer": sentence(rng, 10, 40)})
    agenda = [
        {"phase": a.phase, "title": a.title, "planned_seconds": a.planned_seconds,
         "spent_seconds": a.planned_seconds + rng.randint(-60, 120)}
        for a in default_agenda()
    ]
    return {
        "format": "retro-desk.session",
        "version": 1,
        "session": {
            "uuid": "5d1b8a0e-2f0c-4c1e-9d55-b3c7a6f0e001",
            "title": f"Benchmark retro with {events} events",
            "kind": "own",
            "incident_date": "2026-11-20",
            "timezone": "Europe/Berlin",
            "facilitator": "Bench",
            "summary": sentence(rng, 60, 120),
            "status": "closed",
            "source_links": [],
        },
        "participants": participants,
        "agenda": agenda,
        "feelings": [
            {"participant": None, "words": ["anxious", "vindicated"], "note": sentence(rng),
             "blame_feeling": i % 3 == 0}
            for i in range(12)
        ],
        "timeline": timeline,
        "rationality": rationality,
        "learnings": [{"text": sentence(rng)} for _ in range(20)],
        "actions": [{"description": sentence(rng), "owner": "Person 1", "due": "2026-12-01",
                     "done": False} for _ in range(15)],
        "parking_lot": [{"text": sentence(rng)} for _ in range(10)],
        "closing": {"roti": [4, 5, 3, 4], "notes": sentence(rng)},
    }


def time_process(
    command: Callable[[int], list[str]], runs: int, env: dict[str, str]
) -> list[float]:
    """Wall-clock seconds of each of `runs` runs of a whole process (`command(run)`)."""
    timings = []
    for run in range(runs):
        argv = command(run)
        started = time.perf_counter()
        result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        timings.append(time.perf_counter() - started)
        if result.returncode != 0:
            raise SystemExit(f"{argv} failed: {result.stderr.decode(errors='replace')}")
    return timings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--edits", type=int, default=1000)
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k != "RETRO_DESK_DB"}
    py = sys.executable
    rows: list[tuple[str, str, str]] = []

    with tempfile.TemporaryDirectory(prefix="retro-desk-bench-") as folder:
        tmp = Path(folder)
        env.update(XDG_DATA_HOME=str(tmp / "xdg-data"), XDG_CONFIG_HOME=str(tmp / "xdg-config"))
        document = big_session(args.events)
        session_path = tmp / "big.json"
        text = json.dumps(document, ensure_ascii=False, indent=2)
        session_path.write_text(text, encoding="utf-8")
        size_kib = session_path.stat().st_size / 1024
        decisions = sum(1 for e in document["timeline"] if e["decision_point"])

        def fresh_db(run: int) -> Path:
            return tmp / f"import-{run}.sqlite3"

        def row(label: str, timings: list[float], note: str = "") -> None:
            rows.append((label, f"{statistics.median(timings) * 1000:8.0f}", note))

        cli = [py, "-m", "retro_desk"]
        row("python -c pass", time_process(lambda _: [py, "-c", "pass"], args.runs, env),
            "interpreter start")
        row("retro-desk --version", time_process(lambda _: [*cli, "--version"], args.runs, env),
            "start + CLI imports")
        row(
            "retro-desk import",
            time_process(
                lambda run: [*cli, "--db", str(fresh_db(run)), "import", str(session_path)],
                args.runs,
                env,
            ),
            "new database each run",
        )
        db = fresh_db(0)
        for fmt in ("json", "md"):
            export = [*cli, "--db", str(db), "export", "1", "--format", fmt]
            timings = time_process(lambda _: export, args.runs, env)  # noqa: B023 - used at once
            row(f"retro-desk export --format {fmt}", timings, "to stdout (discarded)")

        # One committed transaction per edit, as the app does it.
        store = Store.open(db)
        session_id = store.list_sessions()[0].id
        assert session_id is not None
        rng = random.Random(7)
        events = store.items(session_id, Event)
        kinds: dict[str, list[float]] = {"add_item(Event)": [], "update_item(Event)": [],
                                         "set_answer": []}
        for i in range(args.edits):
            kind = ("add_item(Event)", "update_item(Event)", "set_answer")[i % 3]
            started = time.perf_counter()
            if kind == "add_item(Event)":
                events.append(store.add_item(session_id, Event(
                    key="", at="2026-11-20T19:00:00+01:00", description=f"added {i}")))
            elif kind == "update_item(Event)":
                target = rng.choice(events)
                store.update_item(dataclasses.replace(target, description=f"edited {i}"))
            else:
                event = rng.choice(events)
                store.set_answer(session_id, event.key, rng.choice(CATEGORIES), f"answer {i}")
            kinds[kind].append(time.perf_counter() - started)
        journal = store.db.execute("PRAGMA journal_mode").fetchone()[0]
        sync = store.db.execute("PRAGMA synchronous").fetchone()[0]
        store.close()
        db_kib = db.stat().st_size / 1024

    every = [t for timings in kinds.values() for t in timings]
    print(f"Retro Desk storage benchmark — Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"Session file: {args.events} events ({decisions} decision points, "
          f"{len(document['rationality'])} answers), {size_kib:,.0f} KiB; "
          f"database {db_kib:,.0f} KiB; journal={journal}, synchronous={sync}")
    print()
    print(f"{'whole process (median of ' + str(args.runs) + ')':<34} {'ms':>8}  note")
    print("-" * 70)
    for label, value, note in rows:
        print(f"{label:<34} {value}  {note}")
    print()
    print(f"{'per-edit commit (' + str(args.edits) + ' edits)':<34} {'n':>5} {'median ms':>10} "
          f"{'p99 ms':>8} {'max ms':>8}")
    print("-" * 70)
    for label, timings in [*kinds.items(), ("all edits", every)]:
        print(f"{label:<34} {len(timings):>5} {statistics.median(timings) * 1000:>10.2f} "
              f"{percentile(timings, 0.99) * 1000:>8.2f} {max(timings) * 1000:>8.2f}")


if __name__ == "__main__":
    main()
