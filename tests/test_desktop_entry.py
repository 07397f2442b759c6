"""The launcher entry, metainfo and session file type: valid, consistent, and installed where a
freedesktop.org desktop looks (the user's data folder), without touching the real home."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

import retro_desk
from retro_desk.cli import split_file_argument
from retro_desk.desktop_entry import (
    APP_ID,
    ICON_SIZES,
    MIME_TYPE,
    desktop_file,
    entry_text,
    exec_line,
    icon_png,
    icon_svg,
    metainfo_file,
    mime_file,
)
from retro_desk.export import session_file
from retro_desk.paths import resource

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def read_entry(text: str) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(text)
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


def test_the_entry_has_what_a_launcher_needs() -> None:
    assert desktop_file().name == f"{APP_ID}.desktop"
    entry = read_entry(desktop_file().read_text(encoding="utf-8"))
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Retro Desk"
    assert entry["Comment"] and entry["GenericName"]
    assert entry["Icon"] == APP_ID
    # The program is the project's own script, given the file a desktop opens with it.
    [script] = PYPROJECT["project"]["scripts"]
    assert entry["Exec"] == f"{script} %f"
    assert entry["TryExec"] == script
    assert entry["Terminal"] == "false"
    assert MIME_TYPE in entry["MimeType"].split(";")
    for key in ("Categories", "Keywords", "MimeType"):
        assert entry[key].endswith(";"), key
    assert "Office" in entry["Categories"].split(";")


def test_the_metainfo_describes_the_same_app() -> None:
    component = ElementTree.parse(metainfo_file()).getroot()
    assert component.tag == "component"
    assert component.get("type") == "desktop-application"
    text = {tag: (component.findtext(tag) or "").strip() for tag in (
        "id", "metadata_license", "project_license", "name", "summary")}
    assert text == {
        "id": APP_ID,
        "metadata_license": "CC0-1.0",
        "project_license": PYPROJECT["project"]["license"],
        "name": "Retro Desk",
        "summary": text["summary"],
    }
    assert 10 < len(text["summary"]) < 80 and not text["summary"].endswith(".")
    paragraphs = component.findall("description/p")
    assert len(paragraphs) >= 2 and all((p.text or "").strip() for p in paragraphs)
    launchable = component.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == desktop_file().name
    assert component.findtext("provides/binary") in PYPROJECT["project"]["scripts"]
    assert component.findtext("provides/mediatype") == MIME_TYPE
    assert component.find("content_rating") is not None
    release = component.find("releases/release")
    assert release is not None and release.get("version") == retro_desk.__version__


def test_the_session_file_type_recognises_what_retro_desk_writes() -> None:
    root = ElementTree.parse(mime_file()).getroot()
    [mime] = root.findall(f"{MIME_NS}mime-type")
    assert mime.get("type") == MIME_TYPE
    parent = mime.find(f"{MIME_NS}sub-class-of")
    assert parent is not None and parent.get("type") == "application/json"
    [match] = mime.findall(f"{MIME_NS}magic/{MIME_NS}match")
    assert match.get("type") == "string"
    start, end = (int(part) for part in (match.get("offset") or "").split(":"))
    value = match.get("value") or ""
    # What the magic rule reads: the first bytes of an exported file and of the sample.
    retro = session_file.read_file(resource("sample_retro.json"))
    for text in (session_file.dumps(retro), resource("sample_retro.json").read_text("utf-8")):
        assert value in text[start:end + len(value)]
    # Any other JSON file is left to the desktop's JSON viewer.
    assert value not in '{"name": "retro-desk", "format": "retro-desk.notes"}'


def validators() -> list[tuple[str, list[str], Path]]:
    return [
        ("desktop-file-validate", [], desktop_file()),
        ("appstreamcli", ["validate", "--no-net"], metainfo_file()),
    ]


@pytest.mark.parametrize(("tool", "arguments", "path"), validators(),
                         ids=["desktop-file-validate", "appstreamcli"])
def test_the_official_validators_accept_the_files(
    tool: str, arguments: list[str], path: Path, tmp_path: Path
) -> None:
    program = shutil.which(tool)
    if program is None:
        pytest.skip(f"{tool} is not installed (Debian: apt-get install desktop-file-utils "
                    "appstream); the required keys are still checked above")
    result = subprocess.run([program, *arguments, str(path)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "E:" not in result.stdout and "W:" not in result.stdout, result.stdout
    if tool == "desktop-file-validate":
        # The entry as installed, pointing at a program by a path with a space in it.
        installed = tmp_path / desktop_file().name
        installed.write_text(entry_text(["/opt/Retro Desk/retro-desk"]), encoding="utf-8")
        result = subprocess.run([program, str(installed)], capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr


def test_exec_lines_quote_what_the_specification_reserves() -> None:
    assert exec_line(["/usr/bin/retro-desk"]) == "/usr/bin/retro-desk %f"
    assert exec_line(["/opt/Retro Desk/retro-desk"]) == '"/opt/Retro Desk/retro-desk" %f'
    # Inside quotes $ is escaped with a backslash, which the string form then doubles.
    assert exec_line(["/home/a$b/bin/python", "-m", "retro_desk"]) == (
        '"/home/a\\\\$b/bin/python" -m retro_desk %f'
    )
    assert exec_line(["/srv/100%/retro-desk"]) == "/srv/100%%/retro-desk %f"


def test_installed_entry_points_at_this_program_and_keeps_every_other_key() -> None:
    shipped = read_entry(desktop_file().read_text(encoding="utf-8"))
    installed = read_entry(entry_text([sys.executable, "-m", "retro_desk"]))
    assert installed["Exec"] == f"{sys.executable} -m retro_desk %f"
    assert "TryExec" not in installed
    assert {k: v for k, v in installed.items() if k != "Exec"} == {
        k: v for k, v in shipped.items() if k not in ("Exec", "TryExec")
    }


def run_cli(
    arguments: list[str], home: Path, data_home: Path | None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env["HOME"] = str(home)
    if data_home is not None:
        env["XDG_DATA_HOME"] = str(data_home)
    return subprocess.run([sys.executable, "-m", "retro_desk", *arguments], capture_output=True,
                          text=True, env=env, cwd=home, timeout=120)


def expected_files(data_home: Path) -> dict[Path, bytes | None]:
    files: dict[Path, bytes | None] = {
        data_home / "applications" / f"{APP_ID}.desktop": None,
        data_home / "metainfo" / f"{APP_ID}.metainfo.xml": metainfo_file().read_bytes(),
        data_home / "mime" / "packages" / f"{APP_ID}.xml": mime_file().read_bytes(),
        data_home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg":
            icon_svg().read_bytes(),
    }
    for size in ICON_SIZES:
        folder = data_home / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        files[folder / f"{APP_ID}.png"] = icon_png(size).read_bytes()
    return files


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="freedesktop.org entries")
def test_install_puts_entry_icons_and_type_in_the_users_data_folder(tmp_path: Path) -> None:
    home, data_home = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    result = run_cli(["--install-desktop-entry"], home, data_home)
    assert result.returncode == 0, result.stderr
    files = expected_files(data_home)
    assert [Path(line) for line in result.stdout.splitlines()] == list(files)
    for path, content in files.items():
        assert path.is_file(), path
        if content is not None:
            assert path.read_bytes() == content, path
    entry = read_entry(next(iter(files)).read_text(encoding="utf-8"))
    assert entry["Exec"] == exec_line([str(Path(sys.executable).absolute()), "-m", "retro_desk"])
    assert "session file" in result.stderr
    assert not (home / ".local").exists()  # XDG_DATA_HOME is honoured

    # Again: the same files, replaced in place; then taken out again.
    assert run_cli(["--install-desktop-entry"], home, data_home).returncode == 0
    removed = run_cli(["--uninstall-desktop-entry"], home, data_home)
    assert removed.returncode == 0, removed.stderr
    assert [Path(line) for line in removed.stdout.splitlines()] == list(files)
    assert not any(path.exists() for path in files)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="freedesktop.org entries")
def test_without_xdg_data_home_the_entry_goes_under_home(tmp_path: Path) -> None:
    result = run_cli(["--install-desktop-entry"], tmp_path, None)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / ".local" / "share" / "applications" / f"{APP_ID}.desktop").is_file()


def test_install_stands_alone(tmp_path: Path) -> None:
    result = run_cli(["--install-desktop-entry", "list"], tmp_path, tmp_path / "data")
    assert result.returncode == 2
    assert result.stderr.startswith("retro-desk: error: --install-desktop-entry")
    assert not (tmp_path / "data").exists()


COMMANDS = {"list", "export", "import", "search", "import-timeline"}


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["retro.json"], ([], "retro.json")),
        (["--db", "x.sqlite3", "retro.json"], (["--db", "x.sqlite3"], "retro.json")),
        (["--exit-when-ready", "dir/retro"], (["--exit-when-ready"], "dir/retro")),
        (["import", "retro.json"], (["import", "retro.json"], None)),
        (["--db", "list", "list"], (["--db", "list", "list"], None)),
        (["lis"], (["lis"], None)),  # a mistyped command is named as one, not opened
        (["--", "list"], ([], "list")),
        ([], ([], None)),
    ],
)
def test_a_file_on_the_command_line_is_told_from_a_command(
    argv: list[str], expected: tuple[list[str], str | None]
) -> None:
    assert split_file_argument(argv, COMMANDS) == expected
