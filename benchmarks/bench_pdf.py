"""PDF export time against Markdown export time, for 2,000 and 8,000 events.

    python benchmarks/bench_pdf.py [--runs N] [--small N] [--large N]

Exports one synthetic retro (every tenth event a decision point with three answers) as the
window and `retro-desk export -o FILE` do it: Markdown with its timeline picture written
beside it (the baseline, measured in the same run) and PDF (which draws the same picture).
The two are run in turn, so a busy machine slows both alike. Prints the median and the
fastest run of each, and the two ratios the PDF is held to, from the fastest runs (the ones
least disturbed by other processes): PDF / Markdown at the small size (at most 4), and PDF
at the large size / PDF at the small size (at most 4.5 for four times the events: time
linear in the number of events). It asserts nothing. The Markdown text alone (no picture)
is printed too, for scale.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import median, synthetic_retro, table  # noqa: E402

from retro_desk.export import export, markdown_text  # noqa: E402
from retro_desk.language import configure  # noqa: E402
from retro_desk.model import Retro  # noqa: E402
from retro_desk.ui.pdf import QtDrawing, ensure_gui  # noqa: E402


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def measure(retro: Retro, folder: Path, runs: int) -> dict[str, list[float]]:
    drawing = QtDrawing()
    works: dict[str, Callable[[], object]] = {
        "md": lambda: export(retro, "md", folder / "retro.md", drawing=drawing),
        "pdf": lambda: export(retro, "pdf", folder / "retro.pdf", drawing=drawing),
        "text": lambda: markdown_text(retro),
    }
    for work in works.values():
        work()  # untimed: fonts, time zone data, compiled patterns
    times: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(runs):
        for name, work in works.items():
            times[name].append(timed(work))
    times["size"] = [float((folder / "retro.pdf").stat().st_size)]
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--small", type=int, default=2000)
    parser.add_argument("--large", type=int, default=8000)
    args = parser.parse_args()
    ensure_gui()
    configure(None)
    results = {}
    with tempfile.TemporaryDirectory(prefix="retro-desk-bench-") as folder:
        for events in (args.small, args.large):
            results[events] = measure(synthetic_retro(events, title="PDF benchmark"),
                                      Path(folder), args.runs)
    def ms(values: list[float]) -> str:
        return f"{median(values) * 1000:.0f} ({min(values) * 1000:.0f}) ms"

    rows = [("events", "Markdown + picture", "Markdown text", "PDF", "PDF size")]
    for events, found in results.items():
        rows.append((f"{events:,}", ms(found["md"]), ms(found["text"]), ms(found["pdf"]),
                     f"{found['size'][0] / 1024:.0f} KiB"))
    print("median (fastest) of", args.runs, "runs each")
    print(table(rows))
    small, large = results[args.small], results[args.large]
    print()
    print(f"PDF / Markdown export at {args.small:,} events: "
          f"{min(small['pdf']) / min(small['md']):.2f} (held to at most 4; medians: "
          f"{median(small['pdf']) / median(small['md']):.2f})")
    print(f"PDF at {args.large:,} / PDF at {args.small:,} events: "
          f"{min(large['pdf']) / min(small['pdf']):.2f} (held to at most 4.5; medians: "
          f"{median(large['pdf']) / median(small['pdf']):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
