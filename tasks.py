"""Set up a virtual environment with all Retro Desk needs, then open the app, run the tests
or run the checks.

Usage:
    python3 tasks.py app [retro-desk arguments...]
    python3 tasks.py test [pytest arguments...]
    python3 tasks.py lint        ruff, mypy (strict, the Qt layer too), import-linter's layers
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-from"


def venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return VENV / scripts / f"python{suffix}"


def ensure_environment() -> Path:
    """Create .venv and install the project with its test extras, unless already up to date."""
    # This file may be run by an older python3 than the project needs: say so plainly.
    if sys.version_info < (3, 11):  # noqa: UP036
        sys.exit("Retro Desk needs Python 3.11 or newer.")
    python = venv_python()
    if not python.exists():
        print("Creating a virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        print("Installing Retro Desk and its dependencies ...", flush=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True
        )
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"], check=True
        )
        STAMP.write_text(wanted)
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"app", "test", "lint"}:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        python = ensure_environment()
    except (subprocess.CalledProcessError, OSError) as error:
        print(f"tasks.py: setting up .venv failed: {error}", file=sys.stderr)
        return 1
    if argv[0] == "lint":
        return lint(python)
    if argv[0] == "app":
        command = [str(python), "-m", "retro_desk", *argv[1:]]
    else:
        command = [str(python), "-m", "pytest", *argv[1:]]
    return subprocess.run(command, cwd=ROOT).returncode


LINTS = (
    ("ruff", ["-m", "ruff", "check", "retro_desk", "tests", "benchmarks", "docs", "tasks.py"]),
    ("mypy", ["-m", "mypy"]),
    ("import-linter", ["-c", "from importlinter.cli import lint_imports_command as c; c()"]),
)


def lint(python: Path) -> int:
    """Every check, each named as it runs; the status is 1 if any failed."""
    failed = []
    for name, arguments in LINTS:
        print(f"== {name}", flush=True)
        if subprocess.run([str(python), *arguments], cwd=ROOT).returncode != 0:
            failed.append(name)
    if failed:
        print(f"tasks.py lint: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("tasks.py lint: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
