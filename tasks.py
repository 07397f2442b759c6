"""Set up a virtual environment with all Retro Desk needs, then open the app, run the tests
or run the checks.

Usage:
    python3 tasks.py app [retro-desk arguments...]
    python3 tasks.py test [pytest arguments...]
    python3 tasks.py bundle [PyInstaller arguments...]
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


def bundle_command(python: Path, extra: list[str]) -> list[str]:
    """PyInstaller building dist/retro-desk/: the app with its own Python and Qt, one folder."""
    work = ROOT / "build" / "bundle"
    command = [
        str(python), "-m", "PyInstaller", "--noconfirm", "--onedir", "--name", "retro-desk",
        "--distpath", str(ROOT / "dist"), "--workpath", str(work), "--specpath", str(work),
        "--paths", str(ROOT),
        # The data files go where retro_desk.paths looks for them in an installed package.
        "--add-data", f"{ROOT / 'resources'}{os.pathsep}retro_desk/resources",
    ]
    # Qt modules the app never uses, which PySide6's hooks would otherwise carry along.
    for module in ("QtNetwork", "QtQml", "QtQuick", "QtOpenGL", "QtDBus"):
        command += ["--exclude-module", f"PySide6.{module}"]
    if sys.platform == "darwin":
        # A Retro Desk.app the Finder and the Dock show with the icon.
        icon = ROOT / "resources" / "icons" / "retro-desk-512.png"
        command += ["--windowed", "--icon", str(icon)]
    elif os.name == "nt":
        command += ["--icon", str(ROOT / "resources" / "icons" / "retro-desk-256.png")]
    return [*command, *extra, str(ROOT / "retro_desk" / "__main__.py")]


def bundle(python: Path, extra: list[str]) -> int:
    result = subprocess.run(bundle_command(python, extra), cwd=ROOT)
    if result.returncode != 0:
        return result.returncode
    folder = ROOT / "dist" / "retro-desk"
    if "--distpath" not in extra and folder.is_dir():
        # Qt's libraries are linked more than once: count each file, not each name.
        size = sum(
            path.stat().st_size for path in folder.rglob("*")
            if path.is_file() and not path.is_symlink()
        )
        print(f"Built {folder} ({size / 2**20:.0f} MiB); run {folder / 'retro-desk'}")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"app", "test", "lint", "bundle"}:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        python = ensure_environment()
    except (subprocess.CalledProcessError, OSError) as error:
        print(f"tasks.py: setting up .venv failed: {error}", file=sys.stderr)
        return 1
    if argv[0] == "lint":
        return lint(python)
    if argv[0] == "bundle":
        return bundle(python, argv[1:])
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
