"""Search time over an archive of many retros, beside plain queries on the same database.

Run: .venv/bin/python benchmarks/bench_search.py [--retros 200] [--events 500] [--runs 200]
Prints a table of median and p99 per query; it asserts nothing (the aim is under 20 ms).
"""

from __future__ import annotations

import argparse
import platform
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from retro_desk.agenda import default_agenda
from retro_desk.model import CATEGORIES, Answer, Event, Learning, Retro, Session
from retro_desk.storage import Store

# Words as incident notes use them; the first ones come up far more often (a Zipf-like draw).
COMMON = (
    "the a to and of on in for with was is at from checkout gateway error rate page on-call "
    "deploy config rollback alert latency requests database cache traffic timeout retry team "
    "service customers dashboard logs runbook restart incident channel queue region upstream"
).split()
QUERIES = (
    ("marker0042", "a word in one retro"),
    ("bgp", "a topic word (a tenth of the retros)"),
    ('"side looked fine"', "a phrase in every tenth event"),
    ("gateway timeout", "two common words, both in one text"),
    ("terra*", "a prefix (terraform…)"),
    ("the", "the commonest word"),
)
TOPICS = ("dns", "bgp", "certificate", "kafka", "postgres", "cdn", "oauth", "kubernetes",
          "redis", "terraform")


def sentence(rng: random.Random, vocabulary: list[str], low: int = 8, high: int = 22) -> str:
    words = [vocabulary[min(int(rng.paretovariate(1.1)) - 1, len(vocabulary) - 1)]
             for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def archive_retro(number: int, events: int, rng: random.Random) -> Retro:
    """One retro: its topic word in the title and in a tenth of its events; one word of its own."""
    topic = TOPICS[number % len(TOPICS)]
    own_word = f"marker{number:04d}"
    vocabulary = COMMON + [f"word{i}" for i in range(3000)]
    start = datetime(2025, 1, 1, 9, 0, tzinfo=UTC) + timedelta(days=number)
    timeline = []
    rationality = []
    for i in range(1, events + 1):
        text = sentence(rng, vocabulary)
        if i % 10 == 0:
            text += f" The {topic} side looked fine."
        if i == events // 2:
            text += f" Noted {own_word}."
        timeline.append(Event(
            key=f"e{i}", at=(start + timedelta(seconds=20 * i)).isoformat(), description=text,
            actor=f"Person {rng.randint(1, 12)}",
            source=f"https://chat.example.org/archives/C{number:04d}/p{i:08d}",
            decision_point=i % 25 == 0,
        ))
        if i % 25 == 0:
            for category in rng.sample(CATEGORIES, 3):
                rationality.append(Answer(f"e{i}", category, sentence(rng, vocabulary, 12, 40)))
    return Retro(
        session=Session(
            uuid=f"bench-{number:04d}", title=f"{topic.upper()} incident {number}",
            incident_date=start.date().isoformat(), timezone="UTC",
            summary=sentence(rng, vocabulary, 40, 80), status="closed",
        ),
        agenda=default_agenda(),
        timeline=timeline,
        rationality=rationality,
        learnings=[Learning(sentence(rng, vocabulary)) for _ in range(6)],
    )


def timed(run: Callable[[], object], runs: int) -> tuple[float, float]:
    """(median, p99) in milliseconds, after one warm-up run."""
    run()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
    return statistics.median(samples), p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--retros", type=int, default=200)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="retro-desk-bench-search-"))
    path = folder / "archive.sqlite3"
    store = Store.open(path)
    rng = random.Random(20261120)
    started = time.perf_counter()
    for number in range(args.retros):
        store.create_retro(archive_retro(number, args.events, rng))
    built = time.perf_counter() - started
    events = store.db.execute("SELECT count(*) FROM events").fetchone()[0]
    conn: sqlite3.Connection = store.db.conn

    def count(sql: str, *params: object) -> Callable[[], object]:
        return lambda: conn.execute(sql, params).fetchone()

    def search(query: str, private: bool = False) -> Callable[[], object]:
        return lambda: store.search(query, include_private=private)

    rows: list[tuple[str, Callable[[], object], str]] = [
        ("baseline: SELECT count(*) FROM events", count("SELECT count(*) FROM events"), ""),
        ("baseline: SELECT … WHERE id = ? (one row)",
         count("SELECT description FROM events WHERE id = ?", events // 2), ""),
        ("baseline: FTS count, one common word",
         count("SELECT count(*) FROM events_fts WHERE events_fts MATCH ?", '"the"'), ""),
    ]
    for query, label in QUERIES:
        results = store.search(query)
        order = "by relevance" if results.by_relevance else "most recent"
        hits = f"{results.hit_count}{'+' if results.truncated else ''}"
        shown = f"{hits} hits in {len(results.groups)} retros, {order}"
        rows.append((f"search {query!r}: {label}", search(query), shown))
    rows.append(("search 'the' with private notes", search("the", private=True), ""))

    print(f"Retro Desk search benchmark · Python {platform.python_version()} · SQLite "
          f"{sqlite3.sqlite_version} · {platform.machine()}")
    print(f"{args.retros} retros × {args.events} events = {events} events; built in {built:.1f} s;"
          f" file {path.stat().st_size / 1e6:.0f} MB; {args.runs} runs each\n")
    print(f"{'query':<62} {'median ms':>10} {'p99 ms':>8}  results")
    for label, run, shown in rows:
        median, p99 = timed(run, args.runs)
        print(f"{label:<62} {median:>10.2f} {p99:>8.2f}  {shown}")
    store.close()
    for leftover in folder.iterdir():
        leftover.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
