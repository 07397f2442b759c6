"""A retro as the archive keeps it: the session file, plus what the archive needs to compare
copies (when the retro was made and last changed, when each action was done)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retro_desk.export import session_file
from retro_desk.export.session_file import SessionFileError
from retro_desk.model import Retro
from retro_desk.storage.archive import Timestamps, done_times, timestamps
from retro_desk.storage.store import Store

_STAMP_KEYS = ("created_at", "updated_at")


@dataclass
class ArchivedRetro:
    """A retro with its archive facts; `text` is its canonical session file."""

    retro: Retro
    stamps: Timestamps | None
    done_at: list[str | None]
    text: str
    content_hash: str


def document(retro: Retro, stamps: Timestamps | None, done_at: list[str | None]) -> dict[str, Any]:
    """The session file's document with the archive's additions; unknown keys to any other
    reader of version 1, which ignores them."""
    doc = session_file.to_document(retro)
    if stamps is not None:
        doc["session"]["created_at"] = stamps.created_at
        doc["session"]["updated_at"] = stamps.updated_at
    for action, when in zip(doc["actions"], done_at, strict=False):
        if when is not None:
            action["done_at"] = when
    return doc


def dumps(doc: dict[str, Any]) -> str:
    """Canonical text: keys in the format's own order, two-space indent, one final newline,
    so that two publishes of the same retro are the same bytes and a diff shows the change."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def content_hash(doc: dict[str, Any]) -> str:
    """What the retro says, apart from when it was saved: equal for equal content."""
    content = dict(doc)
    content["session"] = {k: v for k, v in doc["session"].items() if k not in _STAMP_KEYS}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def archived(retro: Retro, stamps: Timestamps | None, done_at: list[str | None]) -> ArchivedRetro:
    retro.private_notes = ""  # never leaves the database, whatever renders it
    doc = document(retro, stamps, done_at)
    return ArchivedRetro(retro, stamps, done_at, dumps(doc), content_hash(doc))


def from_store(store: Store, session_id: int) -> ArchivedRetro:
    """A stored retro as it would be published."""
    return archived(store.load_retro(session_id), timestamps(store, session_id),
                    done_times(store, session_id))


def from_file(path: Path) -> ArchivedRetro | None:
    """A session file of an archive folder (None: a JSON file of something else).
    Raises SessionFileError for a session file that cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SessionFileError("", f"cannot read {path}: {error.strerror or error}") from error
    if len(raw) > session_file.MAX_FILE_BYTES:
        raise SessionFileError("", f"{path} is over {session_file.MAX_FILE_BYTES:,} bytes")
    if b'"retro-desk.session"' not in raw:
        return None
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise SessionFileError("", f"not a readable session file ({error})") from error
    if not isinstance(doc, dict) or doc.get("format") != session_file.FORMAT:
        return None
    retro = session_file.from_document(doc)
    return archived(retro, _stamps(doc), _done_at(doc))


def _stamps(doc: dict[str, Any]) -> Timestamps | None:
    session = doc.get("session")
    values = [session.get(key) if isinstance(session, dict) else None for key in _STAMP_KEYS]
    if not all(isinstance(value, str) and value for value in values):
        return None
    return Timestamps(str(values[0]), str(values[1]))


def _done_at(doc: dict[str, Any]) -> list[str | None]:
    actions = doc.get("actions")
    if not isinstance(actions, list):
        return []
    result: list[str | None] = []
    for action in actions:
        when = action.get("done_at") if isinstance(action, dict) else None
        result.append(when if isinstance(when, str) and action.get("done") is True else None)
    return result
