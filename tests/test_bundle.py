"""The one-folder app (`python3 tasks.py bundle`): it runs with no Python environment at all."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import retro_desk
import tasks

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="built and run on Linux"),
    pytest.mark.skipif(importlib.util.find_spec("PyInstaller") is None,
                       reason="PyInstaller is not installed (the test extra brings it)"),
]

SAMPLE = Path(tasks.ROOT) / "resources" / "sample_retro.json"


def test_the_bundle_runs_the_four_commands_with_no_python_on_the_path(tmp_path: Path) -> None:
    dist, work = tmp_path / "dist", tmp_path / "build"
    command = tasks.bundle_command(
        Path(sys.executable),
        ["--distpath", str(dist), "--workpath", str(work), "--specpath", str(work),
         "--log-level", "WARN"],
    )
    built = subprocess.run(command, cwd=tasks.ROOT, capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stderr[-3000:]
    program = dist / "retro-desk" / "retro-desk"
    assert program.is_file() and os.access(program, os.X_OK)
    # Its data files are inside it, where the package looks for them.
    resources = dist / "retro-desk" / "_internal" / "retro_desk" / "resources"
    assert (resources / "sample_retro.json").is_file()
    assert (resources / "icons" / "retro-desk-512.png").is_file()

    home = tmp_path / "home"
    home.mkdir()
    # Nothing of this machine's Python: no virtual environment, no PYTHON* variables.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(home / "data"),
           "XDG_CONFIG_HOME": str(home / "config")}

    def run(*arguments: str) -> str:
        result = subprocess.run([str(program), *arguments], cwd=home, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"{arguments}\n{result.stdout}\n{result.stderr}"
        return result.stdout

    assert run("--version") == f"retro-desk {retro_desk.__version__}\n"
    db = str(home / "retros.sqlite3")
    session = run("--db", db, "import", str(SAMPLE)).split()[-1]
    pdf = home / "retro.pdf"
    run("--db", db, "export", session, "--format", "pdf", "-o", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 10_000
    run("--db", db, "--exit-when-ready")
    exported = json.loads(run("--db", db, "export", session, "--format", "json"))
    assert exported.pop("export")["app"] == "Retro Desk"
    assert exported == json.loads(SAMPLE.read_text(encoding="utf-8"))
    # Its launcher entry starts the bundle itself.
    run("--install-desktop-entry")
    entry = home / "data" / "applications" / "org.retrodesk.RetroDesk.desktop"
    assert f"Exec={program} %f\n" in entry.read_text(encoding="utf-8")
