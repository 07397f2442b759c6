"""Print the blame matcher's miss and false-alarm rates on the sentence table, and its speed."""

from __future__ import annotations

import random
import re
import statistics
import sys
import time
import tomllib
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retro_desk.language import CATEGORIES, find_blame  # noqa: E402

TABLE = ROOT / "tests" / "data" / "blame_sentences.toml"
RUNS = 9
WORD = re.compile(r"\w+")

# Ordinary retro prose, generated so the long text is not the same few sentences repeated.
SERVICES = ["checkout", "payments", "search", "auth", "billing", "the API gateway", "inventory"]
PEOPLE = ["Priya", "the on-call engineer", "Tomás", "the incident commander", "Mei", "we", "they"]
ACTIONS = [
    "restarted the pods in {service}",
    "rolled back the last deploy of {service}",
    "paged the storage team about {service}",
    "opened the latency dashboard for {service}",
    "drained traffic away from {service}",
    "raised the connection pool limit for {service}",
    "posted an update in the incident channel about {service}",
]
OBSERVATIONS = [
    "Error rates for {service} rose to {percent}% at {time}.",
    "At {time} the queue depth for {service} was around {count}.",
    "The p99 latency of {service} doubled between {time} and {time2}.",
    "Disk usage on the {service} database reached {percent}% by {time}.",
    "The status page was updated at {time} with a note about {service}.",
    "Traffic to {service} shifted to the secondary region at {time}.",
    "The alert for {service} was acknowledged at {time} and resolved at {time2}.",
]
QUESTIONS = [
    "What did {person} know about {service} at {time}?",
    "How did the dashboard for {service} look at that moment?",
    "What else was going on when {person} {action}?",
]


def clock(rng: random.Random) -> str:
    return f"{rng.randrange(24):02d}:{rng.randrange(60):02d}"


def prose_sentence(rng: random.Random) -> str:
    service = rng.choice(SERVICES)
    slots = {
        "service": service,
        "person": rng.choice(PEOPLE),
        "action": rng.choice(ACTIONS).format(service=service),
        "percent": rng.randrange(5, 99),
        "count": rng.randrange(100, 90000),
        "time": clock(rng),
        "time2": clock(rng),
    }
    kind = rng.random()
    if kind < 0.45:
        template = rng.choice(OBSERVATIONS)
    elif kind < 0.9:
        template = "At {time} {person} {action}."
    else:
        template = rng.choice(QUESTIONS)
    sentence = template.format(**slots)
    return sentence[0].upper() + sentence[1:]


def unmarked(sentence: str) -> str:
    return sentence.replace("«", "").replace("»", "")


def load_table() -> dict[str, dict[str, list[str]]]:
    return tomllib.loads(TABLE.read_text(encoding="utf-8"))


def realistic_text(words: int, table: dict[str, dict[str, list[str]]], seed: int) -> str:
    """Generated retro notes with about one table sentence (blame or near-miss) in ten."""
    rng = random.Random(seed)
    flagged = [unmarked(s) for section in table.values() for s in section.get("flag", [])]
    passing = [s for section in table.values() for s in section.get("pass", [])]
    parts: list[str] = []
    count = 0
    while count < words:
        roll = rng.random()
        if roll < 0.05:
            sentence = rng.choice(flagged)
        elif roll < 0.10:
            sentence = rng.choice(passing)
        else:
            sentence = prose_sentence(rng)
        parts.append(sentence)
        parts.append("\n\n" if rng.random() < 0.12 else " ")
        count += len(sentence.split())
    return "".join(parts)


def median_ms(function: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def rates(table: dict[str, dict[str, list[str]]]) -> None:
    misses = flags = false_alarms = passes = 0
    for category, section in table.items():
        for sentence in section.get("flag", []):
            flags += 1
            text = unmarked(sentence)
            marked_start = sentence.index("«")
            marked_end = sentence.index("»") - 1
            if not any(
                finding.category == category
                and finding.start < marked_end
                and finding.end > marked_start
                for finding in find_blame(text)
            ):
                misses += 1
                print(f"  missed ({category}): {text!r}")
        for sentence in section.get("pass", []):
            passes += 1
            if find_blame(sentence):
                false_alarms += 1
                print(f"  false alarm ({category}): {sentence!r}")
    print(f"categories: {len(CATEGORIES)}; sentences: {flags} to flag, {passes} to pass")
    print(f"miss rate:        {misses / flags:6.1%} ({misses}/{flags})")
    print(f"false-alarm rate: {false_alarms / passes:6.1%} ({false_alarms}/{passes})")


def word_pass(text: str) -> int:
    """The baseline: the cheapest full pass over the text that still looks at every word."""
    return sum(1 for _ in WORD.finditer(text))


def timings(table: dict[str, dict[str, list[str]]]) -> None:
    find_blame("warm up: compile the built-in rules")
    for words in (50_000, 5_000):
        text = realistic_text(words, table, seed=words)
        baseline = median_ms(partial(word_pass, text))
        elapsed = median_ms(partial(find_blame, text))
        findings = len(find_blame(text))
        print(
            f"{len(text.split()):>6} words, {len(text):>7} chars: find_blame {elapsed:6.2f} ms, "
            f"one \\w+ pass {baseline:6.2f} ms, ratio {elapsed / baseline:4.2f} "
            f"({findings} findings; median of {RUNS})"
        )


def main() -> None:
    table = load_table()
    rates(table)
    timings(table)


if __name__ == "__main__":
    main()
