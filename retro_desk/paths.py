"""Where Retro Desk finds its shipped resources, its database and its user config."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "retro-desk"
DB_ENV = "RETRO_DESK_DB"
DB_FILENAME = "retro-desk.sqlite3"


def resources_dir() -> Path:
    """The shipped data files: inside the installed package, or beside it in a checkout."""
    packaged = Path(__file__).resolve().parent / "resources"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "resources"


def resource(name: str) -> Path:
    return resources_dir() / name


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DB_FILENAME


def resolve_db_path(cli_value: str | None) -> Path:
    """`--db` wins over RETRO_DESK_DB, which wins over the platform's user data folder."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return default_db_path()


def user_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
