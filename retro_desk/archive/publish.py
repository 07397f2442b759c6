"""Publish retros to a folder a team keeps in git: one folder per retro and an index.

Each retro's folder holds `session.json` (the canonical session file, which `retro-desk
import DIR` reads back), `README.md` (the write-up, shown when the folder is opened on GitHub
or GitLab) and `timeline.svg` (its picture). A file is written only when its bytes change, so
publishing again touches nothing, and a changed retro changes its own folder and the index;
a retro whose session file is unchanged keeps the write-up and picture it has.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from retro_desk.archive.canonical import ArchivedRetro, from_file, from_store
from retro_desk.export import markdown_text
from retro_desk.export.markdown import escape_cell
from retro_desk.export.session_file import FORMAT, SessionFileError
from retro_desk.files import write_atomic
from retro_desk.model import Retro, Session
from retro_desk.storage.archive import Synced, record_sync, synced
from retro_desk.storage.store import Store

SESSION_FILE = "session.json"
WRITE_UP = "README.md"
PICTURE = "timeline.svg"
INDEX = "README.md"
SLUG_LENGTH = 48

# Draws the timeline picture as SVG (None: no events); the window's drawing code needs Qt,
# so the caller passes it in.
PictureMaker = Callable[[Retro], bytes | None]


class PublishError(Exception):
    """The folder cannot be published to; nothing in it was changed by this attempt."""


@dataclass
class PublishReport:
    folder: Path
    written: list[Path] = field(default_factory=list)
    retros: int = 0
    changed_retros: list[str] = field(default_factory=list)
    # Folders left as they were: their copy changed since this database last published or
    # imported it (someone else published since).
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        files = "1 file" if len(self.written) == 1 else f"{len(self.written)} files"
        retros = "1 retro" if self.retros == 1 else f"{self.retros} retros"
        text = (f"Published {retros} to {self.folder}: nothing changed" if not self.written
                else f"Published {retros} to {self.folder}: {files} written")
        if self.skipped:
            text += (f"; {len(self.skipped)} left as they were, changed in the folder since"
                     " your last publish or import (import the folder first, or publish"
                     " with --force to replace them)")
        return text


@dataclass(frozen=True)
class _Entry:
    """A retro found in (or about to be written to) the folder, for the index."""

    folder: str
    date: str
    title: str
    kind: str
    status: str
    open_actions: int


def publish(
    store: Store,
    folder: Path,
    session_ids: Sequence[int] | None = None,
    picture: PictureMaker | None = None,
    force: bool = False,
) -> PublishReport:
    """Publish the retros named (every retro: None) to `folder`, and rewrite its index.

    A retro whose copy in the folder changed since this database last published or imported
    it is left as it is (`skipped`), unless `force`: publishing must not quietly undo a
    colleague's work that was never brought in."""
    if folder.exists() and not folder.is_dir():
        raise PublishError(f"{folder} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PublishError(f"cannot make {folder}: {error.strerror or error}") from error
    found = scan(folder)
    sessions = store.list_sessions() if session_ids is None else [
        store.get_session(session_id) for session_id in session_ids]
    report = PublishReport(folder)
    taken = {entry.folder for entry in found.values()}
    # One retro in memory at a time; names for new folders given in a stable order.
    for session in sorted(sessions, key=_order):
        assert session.id is not None
        archived = from_store(store, session.id)
        uuid = archived.retro.session.uuid
        existing = found.get(uuid)
        name = existing.folder if existing else _new_name(archived, taken, folder)
        taken.add(name)
        if existing and not force and _changed_there(store, folder / name, archived):
            report.skipped.append(name)
            continue
        written = _write_retro(folder / name, archived, picture)
        report.written += written
        report.retros += 1
        if written:
            report.changed_retros.append(name)
        found[uuid] = _entry(name, archived)
        session_id = archived.retro.session.id
        assert session_id is not None
        stamps = archived.stamps
        record_sync(store, session_id, Synced(archived.content_hash,
                                              None if stamps is None else stamps.updated_at))
    if _write_if_changed(folder / INDEX, index_text(found.values()).encode("utf-8")):
        report.written.append(folder / INDEX)
    return report


def scan(folder: Path) -> dict[str, _Entry]:
    """The retros already in `folder`, by uuid, as the index lists them. Only the few fields
    the index shows are read (the import checks a file fully); a file that is not a session
    file is left out of the index, and its folder is not reused."""
    found: dict[str, _Entry] = {}
    for path in session_files(folder, name=SESSION_FILE):
        entry = _indexed(path, path.parent.relative_to(folder).as_posix())
        if entry is not None:
            found.setdefault(entry[0], entry[1])
    return found


def _indexed(path: Path, name: str) -> tuple[str, _Entry] | None:
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return None
    session = document.get("session")
    if not isinstance(session, dict) or not isinstance(session.get("uuid"), str):
        return None
    actions = document.get("actions")
    open_actions = sum(
        1 for action in actions if isinstance(action, dict) and action.get("done") is not True
    ) if isinstance(actions, list) else 0

    def text(key: str, default: str = "") -> str:
        value = session.get(key)
        return value if isinstance(value, str) else default

    return session["uuid"], _Entry(
        folder=name, date=text("incident_date"), title=text("title"),
        kind=text("kind", "own"), status=text("status", "draft"), open_actions=open_actions,
    )


def session_files(folder: Path, name: str | None = None) -> list[Path]:
    """JSON files under `folder` at any depth, in a stable order; hidden folders (`.git`) are
    passed over."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file in sorted(files):
            if (file == name) if name else file.lower().endswith(".json"):
                found.append(Path(root) / file)
    return found


def index_text(entries: Iterable[_Entry]) -> str:
    """The folder's README: every retro in it, newest first, as a table GitHub and GitLab
    render (and that reads as plain text)."""
    rows = sorted(entries, key=lambda e: (e.date, e.title.casefold(), e.folder), reverse=True)
    noun = "retro" if len(rows) == 1 else "retros"
    lines = [
        "# Retro archive",
        "",
        f"{len(rows)} {noun}, newest first. Each folder holds the write-up ({WRITE_UP}), the"
        f" timeline picture ({PICTURE}) and the session file ({SESSION_FILE}) that"
        " `retro-desk import` reads back. Written by `retro-desk publish`.",
        "",
        "| Date | Retro | Kind | Status | Open actions |",
        "|---|---|---|---|---:|",
    ]
    for entry in rows:
        title = escape_cell(" ".join(entry.title.split()) or "(untitled)")
        link = quote(entry.folder) + "/"
        lines.append(f"| {entry.date or '—'} | [{title}]({link}) | {entry.kind} |"
                     f" {entry.status} | {entry.open_actions} |")
    return "\n".join(lines) + "\n"


def folder_name(retro: Retro, stamps_date: str = "") -> str:
    """`2026-11-20-checkout-outage`: the date (incident, else creation) and the title."""
    date = retro.session.incident_date or stamps_date or "undated"
    text = unicodedata.normalize("NFKD", retro.session.title)
    slug = re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "ignore").decode().lower()).strip("-")
    if len(slug) > SLUG_LENGTH:
        cut = slug[: SLUG_LENGTH + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else cut[:SLUG_LENGTH]
    slug = slug.strip("-") or "retro"
    return f"{date}-{slug}"


def _new_name(archived: ArchivedRetro, taken: set[str], folder: Path) -> str:
    retro = archived.retro
    name = folder_name(retro, archived.stamps.created_at[:10] if archived.stamps else "")
    if name in taken or (folder / name).exists():
        # Two retros of one day and title: the uuid's start tells them apart, for good.
        name = f"{name}-{retro.session.uuid[:8]}"
    return name


def _order(session: Session) -> tuple[str, str, str]:
    return (session.incident_date or "", session.title, session.uuid)


def _changed_there(store: Store, target: Path, ours: ArchivedRetro) -> bool:
    """Whether the folder's copy differs from ours and from what was last synced here."""
    path = target / SESSION_FILE
    try:
        if path.read_bytes() == ours.text.encode("utf-8"):
            return False
        theirs = from_file(path)
    except (OSError, SessionFileError):
        return False  # nothing readable there to lose: publishing mends it
    if theirs is None or theirs.content_hash == ours.content_hash:
        return False
    assert ours.retro.session.id is not None
    base = synced(store, ours.retro.session.id)
    return base is None or theirs.content_hash != base.content_hash


def _entry(name: str, archived: ArchivedRetro) -> _Entry:
    session = archived.retro.session
    return _Entry(
        folder=name,
        date=session.incident_date or "",
        title=session.title,
        kind=session.kind,
        status=session.status,
        open_actions=sum(1 for action in archived.retro.actions if not action.done),
    )


def _write_retro(target: Path, archived: ArchivedRetro, picture: PictureMaker | None) -> list[Path]:
    retro = archived.retro
    if _up_to_date(target, archived, picture is not None and bool(retro.timeline)):
        return []
    svg = picture(retro) if picture is not None and retro.timeline else None
    markdown = markdown_text(retro, PICTURE if svg is not None else None)
    files = {SESSION_FILE: archived.text.encode("utf-8"), WRITE_UP: markdown.encode("utf-8")}
    if svg is not None:
        files[PICTURE] = svg
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PublishError(f"cannot make {target}: {error.strerror or error}") from error
    written = []
    # The picture first, so the write-up never points at a missing file.
    for name in (PICTURE, SESSION_FILE, WRITE_UP):
        if name in files and _write_if_changed(target / name, files[name]):
            written.append(target / name)
    stale = target / PICTURE
    if svg is None and stale.is_file():
        stale.unlink()
        written.append(stale)
    return written


def _up_to_date(target: Path, archived: ArchivedRetro, with_picture: bool) -> bool:
    """The folder already holds this retro: its session file is byte for byte ours, and its
    write-up (and picture) are there. They are then not drawn again: that is most of the
    time of a publish, and a colleague's machine (fonts, blame-language rules) would draw them
    a little differently, a change in git that says nothing."""
    try:
        same = (target / SESSION_FILE).read_bytes() == archived.text.encode("utf-8")
    except OSError:
        return False
    return same and (target / WRITE_UP).is_file() and (target / PICTURE).is_file() == with_picture


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` unless the file already holds exactly it (then it is not even touched)."""
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
        write_atomic(path, data)
    except OSError as error:
        raise PublishError(f"cannot write {path}: {error.strerror or error}") from error
    return True
