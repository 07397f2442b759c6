"""The tests never touch the real home folder, and the guard that says so can tell."""

from __future__ import annotations

import os
from pathlib import Path

from tests import home_guard
from tests.conftest import _REAL_HOME


def test_the_run_sees_a_sandbox_home_not_the_real_one() -> None:
    home = Path(os.environ["HOME"])
    assert home != _REAL_HOME and "retro-desk-tests-" in str(home)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        assert "retro-desk-tests-" in os.environ[name]
    assert Path(os.path.expanduser("~")) == home


def test_the_guard_notices_a_settings_file_written_or_changed(tmp_path: Path) -> None:
    home = tmp_path / "someone"
    (home / ".config").mkdir(parents=True)
    (home / ".config" / "unrelated.conf").write_text("x")
    before = home_guard.snapshot(home)
    settings = home / ".config" / "retro-desk" / "Retro Desk.conf"
    settings.parent.mkdir()
    settings.write_text("[General]\nzoom=1.5\n")
    assert home_guard.changes(before, home_guard.snapshot(home)) == [str(settings)]
    again = home_guard.snapshot(home)
    settings.write_text("[General]\nzoom=2\n")
    os.utime(settings, ns=(1, 1))
    assert home_guard.changes(again, home_guard.snapshot(home)) == [str(settings)]
    (home / ".config" / "unrelated.conf").write_text("changed, but none of ours")
    assert home_guard.changes(again, again) == []


def test_the_window_settings_land_in_the_sandbox(qapp) -> None:
    from PySide6.QtCore import QSettings

    settings = QSettings()
    assert settings.fileName().startswith(os.environ["XDG_CONFIG_HOME"])
