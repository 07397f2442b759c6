"""Start-up to a painted window and peak memory, against a bare PySide6 window in the same run.

    python benchmarks/bench_startup.py [--runs N]

Builds a database of 20 retros (the newest with 2,000 events), then times whole processes:
`retro-desk --exit-when-ready` against a script that paints an empty QMainWindow and exits.
"""

from __future__ import annotations

import argparse
import os
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.sqlite3"
        build_database(db)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=folder)
        bare_script = Path(folder) / "bare.py"
        bare_script.write_text(BARE_WINDOW)
        app = [sys.executable, "-m", "retro_desk", "--db", str(db), "--exit-when-ready"]
        bare = [sys.executable, str(bare_script)]
        run(app, env)  # warm the file cache for both before measuring
        run(bare, env)
        app_runs = [run(app, env) for _ in range(args.runs)]
        bare_runs = [run(bare, env) for _ in range(args.runs)]
    app_time = median([t for t, _ in app_runs])
    bare_time = median([t for t, _ in bare_runs])
    app_mem = max(m for _, m in app_runs) / 1024
    bare_mem = max(m for _, m in bare_runs) / 1024
    print(
        table(
            [
                ("measure", "Retro Desk", "bare PySide6 window", "ratio", "target"),
                ("start-up to painted window (median, s)", f"{app_time:.3f}", f"{bare_time:.3f}",
                 f"{app_time / bare_time:.2f}x", "<= 2x"),
                ("peak memory (MiB)", f"{app_mem:.1f}", f"{bare_mem:.1f}",
                 f"{app_mem / bare_mem:.2f}x", "<= 1.5x"),
            ]
        )
    )
    print(f"({args.runs} runs each; database: 20 retros, newest with 2,000 events)")


if __name__ == "__main__":
    main()
