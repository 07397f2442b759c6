"""Add-event latency in the window with 5,000 events: Enter in the quick-add line to a painted row.

    python benchmarks/bench_window.py [--events N] [--adds N]

Builds a database holding one retro with N events, opens it in a real MainWindow (offscreen),
goes to the timeline phase and types quick-add lines with QTest, as a facilitator would. Each
timed add is the whole path: the Enter key press, the parse, the committed INSERT, the model
row and the processEvents() that lays out and paints the result. Half the lines append after
the last event (`+1m`), half land in the middle of the day (`13:37`). Prints median and p99.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median, percentile, synthetic_retro, table  # noqa: E402
from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from retro_desk.storage import Store  # noqa: E402
from retro_desk.ui.main_window import MainWindow  # noqa: E402

TARGET_P99_MS = 16.0
WARM_UP = 5


def measure(events: int, adds: int, folder: Path) -> tuple[list[float], int]:
    """Milliseconds per timed add, and how many events the retro holds afterwards."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    store = Store.open(folder / "window.sqlite3")
    session_id = store.create_retro(synthetic_retro(events, "Window benchmark"))
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, settings=settings)
    window.show()
    window.open_session(session_id)
    window.go_to_phase([item.phase for item in window.timer.agenda].index("timeline"))
    page = window.pages["timeline"]
    app.processEvents()
    timings: list[float] = []
    for n in range(WARM_UP + adds):
        line = f"+1m Person {n % 6}: step {n} checked" if n % 2 else f"13:37 Ana: note {n}"
        page.entry.setFocus()
        QTest.keyClicks(page.entry, line)
        rows = page.model.rowCount()
        started = time.perf_counter()
        QTest.keyClick(page.entry, Qt.Key.Key_Return)
        app.processEvents()
        elapsed = time.perf_counter() - started
        if page.model.rowCount() != rows + 1 or page.entry.text():
            raise SystemExit(f"add {n} was not made: {page.message.text()!r}")
        if n >= WARM_UP:
            timings.append(elapsed * 1000)
    stored = len(store.load_retro(session_id).timeline)
    window.close()
    window.deleteLater()
    store.close()
    return timings, stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--adds", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="retro-desk-bench-") as folder:
        timings, stored = measure(args.events, args.adds, Path(folder))
    if stored != args.events + WARM_UP + args.adds:
        raise SystemExit(f"expected {args.events + WARM_UP + args.adds} stored events, {stored}")
    p99 = percentile(timings, 0.99)
    print(f"{args.events} events to start with; {len(timings)} timed adds after {WARM_UP} "
          "warm-up adds; each add: Enter -> stored -> row inserted -> processEvents()\n")
    print(table([("", "median ms", "p99 ms", "max ms"),
                 ("add event in the window", f"{median(timings):.2f}", f"{p99:.2f}",
                  f"{max(timings):.2f}")]))
    verdict = "met" if p99 < TARGET_P99_MS else "NOT met"
    print(f"\ntarget p99 under {TARGET_P99_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
