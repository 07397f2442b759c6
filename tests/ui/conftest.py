"""Fixtures for widget tests: an in-memory store holding the sample retro, and an editor on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from retro_desk import session_file
from retro_desk.editor import SessionEditor
from retro_desk.paths import resource
from retro_desk.storage import Store
from tests.fakes import FakeClock


@pytest.fixture
def store() -> Store:
    return Store.in_memory()


@pytest.fixture
def sample_editor(store: Store) -> SessionEditor:
    session_id = store.create_retro(session_file.read_file(resource("sample_retro.json")))
    return SessionEditor(store, session_id)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
