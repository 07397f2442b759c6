"""Test set-up shared by every test: no screen, no home folder, no real clock."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("RETRO_DESK_DB", None)
