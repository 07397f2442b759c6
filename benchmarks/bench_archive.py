"""A team archive of 1,000 retros of 200 events: start-up and `list`, against their baselines.

    python benchmarks/bench_archive.py [--runs N] [--retros N] [--events N]

Writes an archive folder of 1,000 session files (200 events each, as `retro-desk publish`
lays them out), brings it into an empty database with one `retro-desk import DIR` (timed
once), then runs whole processes alternately, after one warm-up run of each:

- `retro-desk --db FILE --exit-when-ready` on that database, to its first paint, against a
  bare PySide6 window painting an empty 1280x720 QMainWindow (target: at most 2x);
- the same start on a database of 20 such retros (the archive should start as fast);
- `retro-desk --db FILE list` on the archive against `retro-desk --version` (target: at most
  2x); both print to a pipe that is read to the end.

Also, in this process: opening the archive's database (the cheap check) against reading all
of it with `PRAGMA quick_check`, which every open did before.

Times are medians from starting the process to its "ready" line (start-up) or to its end
(`list`, `--version`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_startup import BARE_WINDOW, PAINTED_APP, child_env, run  # noqa: E402
from common import median, synthetic_retro, table  # noqa: E402

from retro_desk.export import session_file  # noqa: E402
from retro_desk.storage import Store  # noqa: E402


def write_archive(folder: Path, retros: int, events: int) -> None:
    """Session files as `publish` lays them out: one folder per retro."""
    for number in range(retros):
        retro = synthetic_retro(events, f"Archived retro {number}")
        retro.session.incident_date = f"20{20 + number % 7}-{1 + number % 12:02d}-15"
        target = folder / f"{retro.session.incident_date}-archived-retro-{number}"
        target.mkdir(parents=True)
        (target / "session.json").write_text(session_file.dumps(retro), encoding="utf-8")


def import_folder(db: Path, folder: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "retro_desk", "--db", str(db), "import",
                             str(folder)], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"import failed: {result.stderr}")
    return elapsed


def whole_run(command: list[str], env: dict[str, str]) -> float:
    """Seconds from starting the process to its end, its output read through a pipe."""
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{command} failed: {result.stderr.decode()}")
    return elapsed


def open_and_check(db: Path, runs: int) -> dict[str, float]:
    """Seconds to open the archive (the cheap check), and to read it all (`PRAGMA quick_check`,
    what every open did before; `retro-desk check` does it, and more, on request)."""
    opens, checks = [], []
    for _ in range(runs):
        started = time.perf_counter()
        store = Store.open(db, read_only=True)
        opens.append(time.perf_counter() - started)
        started = time.perf_counter()
        assert store.check(quick=True) == []
        checks.append(time.perf_counter() - started)
        store.close()
    return {"open_s": median(opens), "quick_check_s": median(checks)}


def measure(runs: int, retros: int, events: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="retro-desk-bench-") as name:
        folder = Path(name)
        env = child_env(name)
        archive, small_archive = folder / "archive", folder / "small"
        write_archive(archive, retros, events)
        write_archive(small_archive, 20, events)
        db, small_db = folder / "archive.sqlite3", folder / "small.sqlite3"
        figures = {"import_s": import_folder(db, archive, env)}
        import_folder(small_db, small_archive, env)
        figures["db_mib"] = db.stat().st_size / 2**20
        figures.update(open_and_check(db, runs))
        for script, text in (("bare", BARE_WINDOW), ("painted", PAINTED_APP)):
            (folder / f"{script}.py").write_text(text)
        module = [sys.executable, "-m", "retro_desk"]
        starts = {
            "bare": [sys.executable, str(folder / "bare.py")],
            "app": [sys.executable, str(folder / "painted.py"), str(db)],
            "app20": [sys.executable, str(folder / "painted.py"), str(small_db)],
        }
        commands = {
            "version": [*module, "--version"],
            "list": [*module, "--db", str(db), "list"],
            "list20": [*module, "--db", str(small_db), "list"],
        }
        for command in starts.values():
            run(command, env)
        for command in commands.values():
            whole_run(command, env)
        times: dict[str, list[float]] = {key: [] for key in (*starts, *commands)}
        for _ in range(runs):
            for key, command in starts.items():
                times[key].append(run(command, env)[0])
            for key, command in commands.items():
                times[key].append(whole_run(command, env))
    figures.update({f"{key}_s": median(values) for key, values in times.items()})
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--retros", type=int, default=1000)
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    f = measure(args.runs, args.retros, args.events)

    def ms(key: str, base: str) -> str:
        return f"{f[key] * 1000:.0f} ms ({f[key] / f[base]:.2f}x)"

    print(table([
        ("measure (median)", "time (x its baseline)", "target"),
        ("bare PySide6 window, to paint", ms("bare_s", "bare_s"), "baseline"),
        (f"Retro Desk, {args.retros} retros, to paint", ms("app_s", "bare_s"), "<= 2x"),
        ("Retro Desk, 20 retros, to paint", ms("app20_s", "bare_s"), "-"),
        ("retro-desk --version", ms("version_s", "version_s"), "baseline"),
        (f"retro-desk list, {args.retros} retros", ms("list_s", "version_s"), "<= 2x"),
        ("retro-desk list, 20 retros", ms("list20_s", "version_s"), "-"),
    ]))
    print(f"({args.runs} runs of each, alternately; {args.retros} retros of {args.events} events"
          f" brought in by one `import DIR` in {f['import_s']:.1f} s; database"
          f" {f['db_mib']:.0f} MiB)")
    print(f"Opening the archive's database: {f['open_s'] * 1000:.1f} ms; reading all of it"
          f" (PRAGMA quick_check, formerly at every open): {f['quick_check_s'] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
