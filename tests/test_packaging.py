"""The built wheel works on its own: resources inside the installed package, the command runs,
the window opens, a PDF is drawn and the desktop entry points at the installed program."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

import retro_desk

REPO = Path(__file__).resolve().parent.parent
CHECKOUT_RESOURCES = REPO / "resources"

pytestmark = pytest.mark.slow


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=300, env=env
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _shipped_resources() -> list[str]:
    tracked = subprocess.run(
        ["git", "ls-files", "resources"], cwd=REPO, capture_output=True, text=True
    )
    names = {
        line.removeprefix("resources/")
        for line in tracked.stdout.splitlines()
        if tracked.returncode == 0 and line
    }
    # Files not yet committed count too: the wheel is built from the working tree.
    names |= {
        path.relative_to(CHECKOUT_RESOURCES).as_posix()
        for path in CHECKOUT_RESOURCES.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    return sorted(names)


def test_wheel_installs_and_runs_from_anywhere(tmp_path: Path) -> None:
    wheelhouse = tmp_path / "wheelhouse"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheelhouse),
         str(REPO)],
        cwd=tmp_path,
    )
    [wheel] = wheelhouse.glob("retro_desk-*.whl")
    assert f"-{retro_desk.__version__}-" in wheel.name
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    # Only the package and its metadata: no tests, no top-level resources folder.
    assert all(
        name.startswith(("retro_desk/", f"retro_desk-{retro_desk.__version__}.dist-info/"))
        for name in names
    ), names
    assert "retro_desk/resources/sample_retro.json" in names

    target = tmp_path / "venv"
    venv.create(target, with_pip=False, system_site_packages=False, symlinks=os.name != "nt")
    bin_dir = target / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    # pip from the development venv installs into the new one: quicker than ensurepip.
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
         "--no-index", str(wheel)],
        cwd=tmp_path,
    )
    site_packages = Path(
        _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
             cwd=tmp_path).strip()
    )
    # The dependencies come from the development venv, without the network. A path line in a
    # .pth file is added to sys.path but its own .pth files (the editable install pointing at
    # this checkout) are not read, so the checkout stays out of reach.
    (site_packages / "zz_dev_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env.pop("RETRO_DESK_DB", None)
    env.update(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = (
        "import json, os, retro_desk, sys\n"
        "from retro_desk.paths import resources_dir\n"
        "print(json.dumps({'package': retro_desk.__file__, 'resources': str(resources_dir()),"
        " 'checkout_on_path': any(os.path.realpath(p) == sys.argv[1] for p in sys.path if p)}))\n"
    )
    checkout = os.path.realpath(REPO)
    found = json.loads(_run([str(python), "-c", probe, checkout], cwd=elsewhere, env=env))
    resources = Path(found["resources"])
    assert Path(found["package"]).is_relative_to(site_packages), found
    assert resources == site_packages / "retro_desk" / "resources", found
    assert not resources.is_relative_to(REPO)
    assert not found["checkout_on_path"]

    shipped = _shipped_resources()
    assert "sample_retro.json" in shipped
    for name in shipped:
        installed = resources / name
        assert installed.is_file(), f"{name} is missing from the installed package"
        assert installed.read_bytes() == (CHECKOUT_RESOURCES / name).read_bytes(), name

    version = _run([str(python), "-m", "retro_desk", "--version"], cwd=elsewhere, env=env)
    assert version == f"retro-desk {retro_desk.__version__}\n"
    script = bin_dir / ("retro-desk.exe" if os.name == "nt" else "retro-desk")
    assert _run([str(script), "--version"], cwd=elsewhere, env=env) == version

    # And it does real work: import the shipped sample, export it back the same.
    db = elsewhere / "retros.sqlite3"
    sample = resources / "sample_retro.json"
    output = _run([str(script), "--db", str(db), "import", str(sample)], cwd=elsewhere, env=env)
    exported = _run(
        [str(script), "--db", str(db), "export", output.split()[-1], "--format", "json"],
        cwd=elsewhere,
        env=env,
    )
    document = json.loads(exported)
    assert document.pop("export")["app_version"] == retro_desk.__version__
    assert document == json.loads(sample.read_text(encoding="utf-8"))

    # The window opens on it and is painted; a PDF is drawn (Qt's fonts and plugins found).
    _run([str(script), "--db", str(db), "--exit-when-ready"], cwd=elsewhere, env=env)
    pdf = elsewhere / "retro.pdf"
    _run([str(script), "--db", str(db), "export", output.split()[-1], "--format", "pdf",
          "-o", str(pdf)], cwd=elsewhere, env=env)
    assert pdf.read_bytes().startswith(b"%PDF-")

    if sys.platform.startswith("linux"):
        # The launcher entry starts this installed program, whatever PATH the desktop has.
        _run([str(script), "--install-desktop-entry"], cwd=elsewhere, env=env)
        entry = tmp_path / "data" / "applications" / "org.retrodesk.RetroDesk.desktop"
        assert f"Exec={script} %f\n" in entry.read_text(encoding="utf-8")
        icon = tmp_path / "data" / "icons" / "hicolor" / "48x48" / "apps"
        assert (icon / "org.retrodesk.RetroDesk.png").read_bytes() == (
            CHECKOUT_RESOURCES / "icons" / "retro-desk-48.png").read_bytes()
