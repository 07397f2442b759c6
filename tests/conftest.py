"""Test set-up shared by every test: no screen, no home folder, no real clock."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests import home_guard

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("RETRO_DESK_DB", None)
# Nothing a test does may touch the developer's own folders: platformdirs reads the XDG ones,
# Qt's QSettings and anything else HOME. A child process inherits both.
_REAL_HOME = Path(os.path.expanduser("~"))
_BEFORE = home_guard.snapshot(_REAL_HOME)
_sandbox = tempfile.mkdtemp(prefix="retro-desk-tests-")
os.environ["HOME"] = os.path.join(_sandbox, "home")
os.makedirs(os.environ["HOME"])
for _name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_name] = os.path.join(_sandbox, _name.lower())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if any test wrote into the real home folder, naming what it wrote."""
    written = home_guard.changes(_BEFORE, home_guard.snapshot(_REAL_HOME))
    if written:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = "tests wrote into the real home folder: " + ", ".join(written)
        if reporter is not None:
            reporter.write_line(message, red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
