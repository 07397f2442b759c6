"""Start-up to a painted window and peak memory, against a bare PySide6 window in the same run.

    python benchmarks/bench_startup.py [--runs N]

Builds a database of 20 retros (the newest with 2,000 events), then runs whole processes,
alternately, after one warm-up run of each:

- the app as `retro-desk --db FILE --exit-when-ready` starts it (the measure with a target: at
  most 2x the bare window and 1.5x its memory). It exits once the window has been painted, on
  the retro's first phase.
- a script that paints an empty 1280x720 QMainWindow and exits (the baseline).
- the same app start, but exiting only once the work the window leaves until after its first
  paint is done too (blame-language highlighting, the retro's findings, loading sqlite-utils
  for the first write): how long until everything is in place.
- the app on a copy of the database whose newest retro stands at its timeline phase, so the
  2,000-event timeline page is built before the first paint.

Each child prints a line at the moment that counts (the first paint; for the second app start,
the end of the after-paint work). Two times are taken: from starting the process to that line
("to paint": what the target speaks of), and to the end of the process (which adds Python's
and Qt's teardown: about 40 ms for the bare window, 80-100 ms for the app). Memory is the peak
resident set of the whole process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median, synthetic_retro, table  # noqa: E402

from retro_desk.storage import Store  # noqa: E402

BARE_WINDOW = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                print("ready", flush=True)
                QTimer.singleShot(0, app.quit)
            return False

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1280, 720)
    watcher = FirstPaint()
    window.installEventFilter(watcher)
    window.show()
    sys.exit(app.exec())
    """
)

# The app as `retro-desk --db FILE --exit-when-ready` runs it, saying when it has painted.
# launch.run pauses the garbage collector before it imports anything; so does this wrapper,
# which imports the window module first to watch for the paint.
PAINTED_APP = textwrap.dedent(
    """
    import gc
    import sys
    gc.disable()
    from retro_desk.ui import app as ui_app

    class Reporting(ui_app.FirstPaintWatcher):
        def __init__(self, window, painted):
            def report():
                print("ready", flush=True)
                painted()

            super().__init__(window, report)

    ui_app.FirstPaintWatcher = Reporting
    from retro_desk.launch import run
    sys.argv[1:] = ["--db", sys.argv[1], "--exit-when-ready"]
    sys.exit(run())
    """
)

# The app as started from the command line, leaving once its after-paint work has run.
SETTLED_APP = textwrap.dedent(
    """
    import gc
    import sys
    gc.disable()
    from PySide6.QtWidgets import QApplication
    from retro_desk.ui import startup

    after_paint = startup.DeferredWork._run

    def run_then_leave(work):
        after_paint(work)
        print("ready", flush=True)
        QApplication.instance().exit(0)

    startup.DeferredWork._run = run_then_leave
    from retro_desk.launch import run
    sys.argv[1:] = ["--db", sys.argv[1]]
    sys.exit(run())
    """
)


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Seconds to the child's "ready" line and to its end, and its peak resident memory (KiB)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    ready = None
    for line in process.stdout:
        if ready is None and line.strip() == "ready":
            ready = time.perf_counter() - started
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0 or ready is None:
        raise SystemExit(f"{command} exited with status {status}, ready: {ready}")
    return ready, elapsed, usage.ru_maxrss


def build_database(path: Path) -> None:
    store = Store.open(path)
    for index in range(19):
        store.create_retro(synthetic_retro(50, f"Older retro {index}"))
    store.create_retro(synthetic_retro(2000, "Newest retro, 2,000 events"))
    store.close()


def at_timeline_phase(source: Path, target: Path) -> None:
    """A copy of the database whose newest retro stands at its timeline phase."""
    shutil.copyfile(source, target)
    with sqlite3.connect(target) as connection:
        connection.execute(
            "UPDATE sessions SET current_phase = 2 WHERE id = (SELECT max(id) FROM sessions)"
        )
    connection.close()


def child_env(folder: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("RETRO_DESK_DB", "PYTHONDONTWRITEBYTECODE")
           and not key.startswith("XDG_")}
    # Bytecode is written, as an installed app has it (pip compiles on install): timing the
    # compilation of every module at each start would measure the environment, not the app.
    env.update(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=os.path.join(folder, "config"),
               XDG_DATA_HOME=os.path.join(folder, "data"), XDG_CACHE_HOME=folder)
    return env


def measure(runs: int) -> dict[str, float | int]:
    """Median seconds and largest peak MiB of each kind of start, `runs` of each."""
    with tempfile.TemporaryDirectory(prefix="retro-desk-bench-") as folder:
        db = Path(folder) / "bench.sqlite3"
        build_database(db)
        timeline_db = Path(folder) / "timeline.sqlite3"
        at_timeline_phase(db, timeline_db)
        scripts = {"bare": BARE_WINDOW, "painted": PAINTED_APP, "settled": SETTLED_APP}
        for name, text in scripts.items():
            (Path(folder) / f"{name}.py").write_text(text)
        env = child_env(folder)

        def script(name: str, *args: Path) -> list[str]:
            return [sys.executable, str(Path(folder) / f"{name}.py"), *map(str, args)]

        commands = {
            "app": script("painted", db),
            "bare": script("bare"),
            "settled": script("settled", db),
            "timeline": script("painted", timeline_db),
        }
        for command in commands.values():
            run(command, env)  # the first run writes bytecode and warms the file cache
        results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, command in commands.items():
                results[name].append(run(command, env))
    figures: dict[str, float | int] = {"runs": runs}
    for name, measured in results.items():
        figures[f"{name}_s"] = median([ready for ready, _, _ in measured])
        figures[f"{name}_total_s"] = median([total for _, total, _ in measured])
        figures[f"{name}_mib"] = max(peak for _, _, peak in measured) / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    f = measure(args.runs)

    def row(label: str, name: str, target: str = "-") -> tuple[str, ...]:
        cells = [label]
        for key, unit, scale in (("s", "ms", 1000), ("total_s", "ms", 1000), ("mib", "MiB", 1)):
            value, bare = f[f"{name}_{key}"], f[f"bare_{key}"]
            cells.append(f"{value * scale:.{0 if unit == 'ms' else 1}f} {unit} "
                         f"({value / bare:.2f}x)")
        return (*cells, target)

    print(
        table(
            [
                ("start (median; x the bare window)", "to paint", "to the end", "peak RSS",
                 "target"),
                row("bare PySide6 window", "bare", "baseline"),
                row("Retro Desk, --exit-when-ready", "app", "paint <= 2x, RSS <= 1.5x"),
                row("  until its after-paint work is done", "settled"),
                row("  opening on the timeline phase", "timeline"),
            ]
        )
    )
    print(f"({args.runs} runs of each, alternately; database: 20 retros, newest with 2,000 "
          "events)")


if __name__ == "__main__":
    main()
