"""The guard that fails a test run which wrote into the real home folder.

conftest points HOME and the XDG folders at a sandbox for the whole run; this remembers what
the real home's Retro Desk folders held before, and says what changed after.
"""

from __future__ import annotations

import os
from pathlib import Path

# Where Retro Desk (platformdirs, Qt's QSettings) keeps things in a home folder, by any name
# it has been given ("retro-desk", "Retro Desk", the organisation's folder).
_PARENTS = (".config", ".local/share", ".local/state", ".cache")


def watched(home: Path) -> list[Path]:
    found = []
    for parent in _PARENTS:
        folder = home / parent
        try:
            names = os.listdir(folder)
        except OSError:
            names = []
        found += [folder / name for name in names if "retro" in name.lower()]
        found.append(folder / "retro-desk")
    return sorted(set(found))


def snapshot(home: Path) -> dict[str, tuple[int, int]]:
    """Every file under the watched folders: its size and modification time."""
    state: dict[str, tuple[int, int]] = {}
    for root in watched(home):
        if root.is_file():
            info = root.stat()
            state[str(root)] = (info.st_size, info.st_mtime_ns)
        for folder, _, files in os.walk(root):
            for name in files:
                path = Path(folder, name)
                try:
                    info = path.stat()
                except OSError:
                    continue
                state[str(path)] = (info.st_size, info.st_mtime_ns)
    return state


def changes(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    return sorted(path for path in before.keys() | after.keys()
                  if before.get(path) != after.get(path))
