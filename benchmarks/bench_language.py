"""Print the blame matcher's figures: miss and false-alarm rates on the sentence table, flags on
long blameless prose (the noise budget), and its speed on dense and on ordinary retro notes, each
beside a baseline measured in the same run (one plain \\w+ pass over the same text).

    python benchmarks/bench_language.py
"""

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

from retro_desk.language import CATEGORIES, current_checker, find_blame  # noqa: E402

TABLE = ROOT / "tests" / "data" / "blame_sentences.toml"
BLAMELESS = ROOT / "tests" / "data" / "blameless_writeups.md"
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


# Dense notes: a third of the sentences blame someone, in the shapes real notes take (timeline
# and chat lines, headings, product names, action items); every sentence gets its own slots.
NAMES = ["Priya", "Tomás", "Mei", "Jonas", "Sam", "Ana", "Kenji", "Dana"]
ROLES = ["the on-call engineer", "the incident commander", "the reviewer", "an operator",
         "our SRE", "the storage team", "we", "they"]
SYSTEMS = ["checkout", "the ledger service", "the Kafka cluster", "Redis", "Prometheus",
           "the CDN config", "the API gateway", "the search indexer"]
DENSE_NEUTRAL = [
    "At {time} {who} {action}.",
    "At {time} error rates for {system} rose to {percent}%.",
    "The p99 latency of {system} doubled between {time} and {time2}.",
    "{System} failed to start after the {time} deploy.",
    "The root cause was a race in the lease renewal of {system}.",
    "- {time} {name} {action}",
    "What did {who} know about {system} at {time}?",
    "Action: add an alert on queue depth for {system} (owner: {name}).",
    "## Timeline of the {system} outage",
    "[{time}] {name}: the backlog on {system} is dropping now",
    "The runbook step for {system} assumes the replica is in sync.",
    "Disk on the {system} primary reached {percent}% by {time}.",
]
DENSE_BLAME = [
    "{Who} should have paged the owners of {system} sooner.",
    "{Who} failed to notice the disk alert on {system}.",
    "Obviously nobody read the release notes for {system}.",
    "{Name} forgot to drain {system} before the reboot.",
    "The root cause was human error during the {system} change.",
    "An operator accidentally deleted the {system} backups at {time}.",
    "They ignored the canary alarm for {system}.",
    "We need to be more careful with config pushes to {system}.",
    "Had {name} checked the graph at {time}, the outage would have been shorter.",
    "It was a careless mistake by {name} on {system}.",
    "{Name} wrongly assumed {system} was drained.",
    "Why didn't the reviewer catch the {system} change?",
    "The team rolled out {system} but did not test the failover.",
    "In hindsight the {system} overload was predictable.",
    "Honestly, they had it coming after the {system} launch.",
    "All {who} had to do was read the {system} dashboard.",
]
DENSE_ACTIONS = ["restarted", "rolled back", "paged the owners of", "scaled up", "drained",
                 "failed over", "opened the dashboard for", "posted an update about"]


def dense_notes(words: int, seed: int, blame_share: float = 1 / 3) -> str:
    """Retro notes in which blame_share of the sentences blame someone."""
    rng = random.Random(seed)
    parts: list[str] = []
    count = 0
    while count < words:
        template = rng.choice(DENSE_BLAME if rng.random() < blame_share else DENSE_NEUTRAL)
        who, system = rng.choice(ROLES), rng.choice(SYSTEMS)
        slots = {
            "who": who, "Who": who[0].upper() + who[1:], "name": rng.choice(NAMES),
            "system": system, "System": system[0].upper() + system[1:],
            "action": f"{rng.choice(DENSE_ACTIONS)} {system}", "percent": rng.randrange(5, 99),
            "time": clock(rng), "time2": clock(rng),
        }
        slots["Name"] = slots["name"]
        sentence = template.format(**slots)
        parts.append(sentence)
        line = template.startswith(("-", "#", "[")) or rng.random() < 0.15
        parts.append("\n" if line else " ")
        count += len(sentence.split())
    return "".join(parts)


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


def median_ms(
    function: Callable[[], object], before: Callable[[], object] | None = None
) -> float:
    """Median wall-clock time of function; `before` runs untimed before each run."""
    times = []
    for _ in range(RUNS):
        if before is not None:
            before()
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


def cpu_ms(function: Callable[[], object], before: Callable[[], object] | None = None) -> float:
    """Median processor time: what the work costs, whatever else the machine is doing."""
    times = []
    for _ in range(RUNS):
        if before is not None:
            before()
        started = time.process_time()
        function()
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000


def noise() -> None:
    text = BLAMELESS.read_text(encoding="utf-8")
    words = len(text.split())
    findings = find_blame(text)
    print(
        f"noise: {len(findings)} flags in {words} words of blameless write-ups "
        f"({len(findings) / words * 2000:.2f} per 2,000 words; budget 1)"
    )
    for finding in findings:
        print(f"  flagged ({finding.category}): {finding.phrase!r}")


def timings(table: dict[str, dict[str, list[str]]]) -> None:
    find_blame("warm up: compile the built-in rules")
    texts = [
        ("dense notes, a third blaming", dense_notes(50_000, seed=50_000)),
        ("ordinary notes, 1 in 20 blaming", realistic_text(50_000, table, seed=50_000)),
        ("ordinary notes, 1 in 20 blaming", realistic_text(5_000, table, seed=5_000)),
    ]
    checker = current_checker()
    for label, text in texts:
        find_blame(text)
        baseline = median_ms(partial(word_pass, text))
        # A first check: nothing judged before. Then the check after a keystroke, as the
        # highlighter makes it: the same text with one word changed.
        elapsed = median_ms(partial(find_blame, text), before=checker.forget)
        processor = cpu_ms(partial(find_blame, text), before=checker.forget)
        middle = len(text) // 2
        edited = text[:middle] + " x" + text[middle:]
        again = median_ms(partial(find_blame, edited), before=partial(find_blame, text))
        findings = len(find_blame(text))
        print(
            f"{len(text.split()):>6} words of {label}: find_blame {elapsed:6.1f} ms "
            f"(processor {processor:5.1f} ms), one \\w+ pass {baseline:5.1f} ms, "
            f"ratio {elapsed / baseline:4.1f}; after a one-word edit {again:5.1f} ms; "
            f"{findings} findings; median of {RUNS}"
        )


def main() -> None:
    table = load_table()
    rates(table)
    noise()
    timings(table)


if __name__ == "__main__":
    main()
