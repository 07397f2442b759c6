"""Timeline picture layout time, and the size of each exported document, for growing retros.

    python benchmarks/bench_timeline_picture.py [--runs N]

Lays out the picture (pure Python, measured with Qt's font metrics) for 60, 500 and 5,000
events at 1280 px and at 4x zoom, and exports the 500-event retro as Markdown picture (PNG,
SVG), HTML and PDF. Prints median and p99 times and the sizes; it asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import median, percentile, synthetic_retro, table  # noqa: E402
from PySide6.QtGui import QFont  # noqa: E402

from retro_desk.export import export  # noqa: E402
from retro_desk.timeline_layout import layout_timeline  # noqa: E402
from retro_desk.ui.pdf import QtDrawing, ensure_gui  # noqa: E402
from retro_desk.ui.timeline_picture import text_metrics  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    ensure_gui()
    font = QFont()
    font.setPixelSize(24)
    metrics = text_metrics(font)
    rows = [("events", "width px", "labels", "groups", "median ms", "p99 ms")]
    for count in (60, 500, 5000):
        retro = synthetic_retro(count)
        for width in (1280, 1280 * 4):
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                layout = layout_timeline(retro.timeline, retro.session.timezone, width,
                                         metrics, lanes=4)
                times.append((time.perf_counter() - start) * 1000)
            rows.append((str(count), str(width), str(len(layout.labels)),
                         str(len(layout.groups)), f"{median(times):.1f}",
                         f"{percentile(times, 0.99):.1f}"))
    print(table(rows))
    print()
    retro = synthetic_retro(500)
    sizes = [("document (500 events)", "bytes", "ms")]
    drawing = QtDrawing()

    def document(fmt: str) -> bytes:
        stream = io.BytesIO()
        export(retro, fmt, stream, drawing=drawing)
        return stream.getvalue()

    for name, make in (
        ("timeline PNG + SVG", lambda: drawing.picture(retro)),
        ("HTML", lambda: document("html")),
        ("PDF", lambda: document("pdf")),
    ):
        start = time.perf_counter()
        made = make()
        elapsed = (time.perf_counter() - start) * 1000
        if isinstance(made, str):
            size = len(made.encode("utf-8"))
        elif isinstance(made, bytes):
            size = len(made)
        else:
            assert made is not None
            size = len(made.png) + len(made.svg)
        sizes.append((name, f"{size:,}", f"{elapsed:.0f}"))
    print(table(sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
