"""Markdown export time for a 5,000-event retro, against its JSON export in the same run.

    python benchmarks/bench_export.py [--events N] [--runs N]

Times `render_markdown` and, as the baseline, `json.dumps(session_file.to_document(retro))`
of the same retro (every tenth event a decision point with three answers, text with Markdown
characters to escape). Prints median and p99 for each and their ratio; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median, percentile, synthetic_retro, table  # noqa: E402

from retro_desk.markdown_export import render_markdown  # noqa: E402
from retro_desk.model import Feeling, Learning  # noqa: E402
from retro_desk.session_file import to_document  # noqa: E402
from retro_desk.vocabulary import load_vocabulary  # noqa: E402

TARGET_MS = 100.0


def timings(work: Callable[[], object], runs: int) -> list[float]:
    work()  # warm caches (time zone data, the vocabulary, compiled patterns)
    result = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        result.append((time.perf_counter() - start) * 1000)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    retro = synthetic_retro(args.events, title="Export benchmark")
    retro.feelings = [Feeling(["anxious", "vindicated"], note=f"Note {n}") for n in range(12)]
    retro.learnings = [Learning(f"Learning {n}: what *helped* was [x](y)") for n in range(20)]
    vocabulary = load_vocabulary()
    markdown = render_markdown(retro, vocabulary=vocabulary)

    md = timings(lambda: render_markdown(retro, vocabulary=vocabulary), args.runs)
    baseline = timings(lambda: json.dumps(to_document(retro), ensure_ascii=False), args.runs)
    rows: list[tuple[str, ...]] = [("", "median ms", "p99 ms")]
    for name, values in (("render_markdown", md), ("json.dumps baseline", baseline)):
        rows.append((name, f"{median(values):.1f}", f"{percentile(values, 0.99):.1f}"))
    print(
        f"{args.events} events, {len(retro.decision_points())} decision points, "
        f"{len(retro.rationality)} answers; {args.runs} runs; "
        f"Markdown {len(markdown.encode()) / 1024:.0f} KiB\n"
    )
    print(table(rows))
    print(
        f"\nratio (median): {median(md) / median(baseline):.1f}x the JSON export; "
        f"target under {TARGET_MS:.0f} ms: {'met' if median(md) < TARGET_MS else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
