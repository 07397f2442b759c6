"""Retro Desk's identity on a Linux desktop, and putting its launcher entry in a user's folders."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from retro_desk.paths import resource

APP_ID = "org.retrodesk.RetroDesk"
MIME_TYPE = "application/x-retro-desk-session+json"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICON_NAME = "retro-desk"


def desktop_file() -> Path:
    return resource(f"desktop/{APP_ID}.desktop")


def metainfo_file() -> Path:
    return resource(f"desktop/{APP_ID}.metainfo.xml")


def mime_file() -> Path:
    return resource(f"desktop/{APP_ID}.xml")


def icon_svg() -> Path:
    return resource(f"icons/{ICON_NAME}.svg")


def icon_png(size: int) -> Path:
    return resource(f"icons/{ICON_NAME}-{size}.png")


def launcher_command() -> list[str]:
    """How this very program is started again: the bundle's executable, the installed
    `retro-desk` script, or this Python with `-m retro_desk`."""
    # Absolute, never resolved: a virtual environment's python is a link to one that does not
    # know the environment's packages.
    import shutil

    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).absolute())]
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.name in ("retro-desk", "retro-desk.exe"):
        found = shutil.which(str(script)) if not script.is_file() else str(script)
        if found:
            return [str(Path(found).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "retro_desk"]


def exec_line(command: list[str]) -> str:
    """The `Exec` value for `command` plus the file it opens, quoted as the Desktop Entry
    specification asks (a quoted argument escapes " ` $ and backslash; % is doubled)."""
    quoted = []
    for argument in command:
        argument = argument.replace("%", "%%")
        if any(char in argument for char in ' \t\n"\'\\><~|&;$*?#()`='):
            for char in '\\"`$':
                argument = argument.replace(char, "\\" + char)
            argument = f'"{argument}"'
        quoted.append(argument)
    # The whole value is a string too, in which a backslash is written twice.
    return " ".join([*quoted, "%f"]).replace("\\", "\\\\")


def entry_text(command: list[str]) -> str:
    """The shipped entry, pointing at `command` by absolute path: a desktop session's PATH
    often lacks ~/.local/bin, where pipx puts the `retro-desk` script."""
    lines = []
    for line in desktop_file().read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            line = f"Exec={exec_line(command)}"
        elif line.startswith("TryExec="):
            if len(command) > 1:
                continue  # `python -m retro_desk`: the Python is there, the module may not be
            line = "TryExec=" + command[0].replace("\\", "\\\\")
        lines.append(line)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Placement:
    """Where one installed file goes under the user's data folder, and what it holds."""

    relative: str
    content: bytes


def placements(command: list[str]) -> list[Placement]:
    files = [
        Placement(f"applications/{APP_ID}.desktop", entry_text(command).encode("utf-8")),
        Placement(f"metainfo/{APP_ID}.metainfo.xml", metainfo_file().read_bytes()),
        Placement(f"mime/packages/{APP_ID}.xml", mime_file().read_bytes()),
        Placement(f"icons/hicolor/scalable/apps/{APP_ID}.svg", icon_svg().read_bytes()),
    ]
    files += [
        Placement(f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png", icon_png(size).read_bytes())
        for size in ICON_SIZES
    ]
    return files


def install(data_home: Path, command: list[str]) -> list[Path]:
    """Write the entry, metainfo, MIME type and icons under `data_home`; the paths written."""
    written = []
    for placement in placements(command):
        target = data_home / placement.relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.part")
        temporary.write_bytes(placement.content)
        os.replace(temporary, target)
        written.append(target)
    refresh_caches(data_home)
    return written


def uninstall(data_home: Path) -> list[Path]:
    """Remove what `install` wrote; the paths removed."""
    removed = []
    for placement in placements(["retro-desk"]):
        target = data_home / placement.relative
        if target.is_file():
            target.unlink()
            removed.append(target)
    refresh_caches(data_home)
    return removed


def refresh_caches(data_home: Path) -> None:
    """Tell the desktop about the change, with the tools it has (none is required)."""
    import shutil
    import subprocess

    for tool, folder in (
        ("update-mime-database", data_home / "mime"),
        ("update-desktop-database", data_home / "applications"),
        ("gtk-update-icon-cache", data_home / "icons" / "hicolor"),
    ):
        program = shutil.which(tool)
        if program is None or not folder.is_dir():
            continue
        extra = ["--ignore-theme-index", "--quiet"] if tool == "gtk-update-icon-cache" else []
        try:
            subprocess.run(
                [program, *extra, str(folder)], capture_output=True, timeout=60, check=False
            )
        except (OSError, subprocess.SubprocessError):
            pass
