"""Start-up to a painted window and peak memory, against a bare PySide6 window in the same run.

    python benchmarks/bench_startup.py [--runs N]

Builds a database of 20 retros (the newest with 2,000 events), then times whole processes, run
alternately after one warm-up run of each:

- `retro-desk --db FILE --exit-when-ready` (the measure with a target: at most 2x the bare window
  and 1.5x its memory). It exits once the window has been painted, on the retro's first phase.
- a script that paints an empty 1280x720 QMainWindow and exits (the baseline).
- the same app start, but exiting only once the work the window leaves until after its first
  paint is done too (blame-language highlighting, the retro's findings, loading sqlite-utils
  for the first write): how long until everything is in place.
- `--exit-when-ready` on a copy of the database whose newest retro stands at its timeline
  phase, so the 2,000-event timeline page is built before the first paint.
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

# The app as started from the command line, leaving once its after-paint work has run.
SETTLED_APP = textwrap.dedent(
    """
    import sys
    from PySide6.QtWidgets import QApplication
    from retro_desk.ui import main_window

    after_paint = main_window.MainWindow._run_waiting

    def run_then_leave(window):
        after_paint(window)
        QApplication.instance().exit(0)

    main_window.MainWindow._run_waiting = run_then_leave
    from retro_desk.cli import main
    sys.exit(main(["--db", sys.argv[1]]))
    """
)


def run(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one whole process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{command} exited with status {status}")
    return elapsed, usage.ru_maxrss


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
        bare_script = Path(folder) / "bare.py"
        bare_script.write_text(BARE_WINDOW)
        settled_script = Path(folder) / "settled.py"
        settled_script.write_text(SETTLED_APP)
        env = child_env(folder)
        commands = {
            "app": [sys.executable, "-m", "retro_desk", "--db", str(db), "--exit-when-ready"],
            "bare": [sys.executable, str(bare_script)],
            "settled": [sys.executable, str(settled_script), str(db)],
            "timeline": [sys.executable, "-m", "retro_desk", "--db", str(timeline_db),
                         "--exit-when-ready"],
        }
        for command in commands.values():
            run(command, env)  # the first run writes bytecode and warms the file cache
        results: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, command in commands.items():
                results[name].append(run(command, env))
    figures: dict[str, float | int] = {"runs": runs}
    for name, measured in results.items():
        figures[f"{name}_s"] = median([t for t, _ in measured])
        figures[f"{name}_mib"] = max(m for _, m in measured) / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    f = measure(args.runs)
    bare_s, bare_mib = f["bare_s"], f["bare_mib"]

    def row(label: str, name: str, target: str = "-") -> tuple[str, ...]:
        seconds, mib = f[f"{name}_s"], f[f"{name}_mib"]
        return (label, f"{seconds * 1000:.0f} ms", f"{seconds / bare_s:.2f}x",
                f"{mib:.1f} MiB", f"{mib / bare_mib:.2f}x", target)

    print(
        table(
            [
                ("start", "median", "vs bare", "peak RSS", "vs bare", "target"),
                ("bare PySide6 window, painted", f"{bare_s * 1000:.0f} ms", "1.00x",
                 f"{bare_mib:.1f} MiB", "1.00x", "baseline"),
                row("Retro Desk, painted (--exit-when-ready)", "app", "<= 2x, <= 1.5x"),
                row("  ...and its after-paint work done", "settled"),
                row("  painted on the timeline phase", "timeline"),
            ]
        )
    )
    print(f"({args.runs} runs of each, alternately; database: 20 retros, newest with 2,000 "
          "events)")


if __name__ == "__main__":
    main()
