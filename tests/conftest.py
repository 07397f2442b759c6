"""Test set-up shared by every test: no screen, no home folder, no real clock."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("RETRO_DESK_DB", None)
# platformdirs reads these on Linux: nothing a test does may touch the developer's own folders.
_sandbox = tempfile.mkdtemp(prefix="retro-desk-tests-")
for _name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_name] = os.path.join(_sandbox, _name.lower())
