"""Markdown export time for a 5,000-event retro, against its JSON export in the same run.

    python benchmarks/bench_export.py [--events N] [--runs N]

Times the document as the app writes it (`export.markdown_text`: the Markdown plus
the language-reflection section, which checks every shared text for blame language), the
document alone (`markdown_text` with the reflection off), that check alone
(`reflection.retro_findings`) and, as the
baseline, `json.dumps(session_file.to_document(retro))` of the same retro (every tenth event a
decision point with three answers, text with Markdown characters to escape).

The check remembers the findings of the texts it last saw, so the app's document and the check
are each timed twice: as a first export, with every text checked, and again, as when the
reflection panel has just checked the same retro. Prints median and p99 for each and their
ratio to the baseline; it asserts nothing.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median, percentile, synthetic_retro, table  # noqa: E402

from retro_desk import language  # noqa: E402
from retro_desk.export import markdown_text  # noqa: E402
from retro_desk.export.session_file import to_document  # noqa: E402
from retro_desk.model import Feeling, Learning  # noqa: E402
from retro_desk.reflection import retro_findings  # noqa: E402
from retro_desk.vocabulary import load_vocabulary  # noqa: E402

TARGET_MS = 100.0


def timings(
    work: Callable[[], object], runs: int, before: Callable[[], object] | None = None
) -> list[float]:
    """Milliseconds per run of work, after one untimed run; `before` runs untimed each time."""
    work()  # warm caches (time zone data, the vocabulary, compiled patterns)
    result = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        work()
        result.append((time.perf_counter() - start) * 1000)
    return result


def forget_findings() -> None:
    """Make the next check a first one: the checker forgets remembered findings (and keeps its
    matcher, compiled by the untimed run)."""
    language.current_checker().forget()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    retro = synthetic_retro(args.events, title="Export benchmark")
    retro.feelings = [Feeling(["anxious", "vindicated"], note=f"Note {n}") for n in range(12)]
    retro.learnings = [Learning(f"Learning {n}: what *helped* was [x](y)") for n in range(20)]
    vocabulary = load_vocabulary()
    markdown = markdown_text(retro)
    bare = copy.deepcopy(retro)
    bare.session.language_reflection = False

    def app() -> str:
        return markdown_text(retro)

    def check() -> object:
        return retro_findings(retro)

    first = timings(app, args.runs, before=forget_findings)
    again = timings(app, args.runs)
    md = timings(lambda: markdown_text(bare, vocabulary=vocabulary), args.runs)
    check_first = timings(check, args.runs, before=forget_findings)
    check_again = timings(check, args.runs)
    baseline = timings(lambda: json.dumps(to_document(retro), ensure_ascii=False), args.runs)
    measured = (
        ("markdown_text, first export", first),
        ("markdown_text, again", again),
        ("  the document alone (no reflection)", md),
        ("  retro_findings, first check", check_first),
        ("  retro_findings, again", check_again),
        ("json.dumps baseline", baseline),
    )
    rows: list[tuple[str, ...]] = [("", "median ms", "p99 ms", "x JSON")]
    for name, values in measured:
        ratio = median(values) / median(baseline)
        rows.append(
            (name, f"{median(values):.1f}", f"{percentile(values, 0.99):.1f}", f"{ratio:.1f}")
        )
    print(
        f"{args.events} events, {len(retro.decision_points())} decision points, "
        f"{len(retro.rationality)} answers; {args.runs} runs; "
        f"Markdown {len(markdown.encode()) / 1024:.0f} KiB\n"
    )
    print(table(rows))
    print(f"\ntarget: median under {TARGET_MS:.0f} ms")
    for name, values in measured[:3]:
        print(f"  {name.strip()}: {'met' if median(values) < TARGET_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
