"""The session file format, version 1: a retro as JSON, validated field by field on the way in.

resources/session.schema.json describes it; docs/file-format.md explains it.
"""

from __future__ import annotations

import json
import uuid as uuid_module
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from retro_desk import __version__
from retro_desk.model import (
    CATEGORIES,
    KINDS,
    PHASE_TITLES,
    PHASES,
    ROTI_RANGE,
    STATUSES,
    Action,
    AgendaItem,
    Answer,
    Closing,
    Event,
    Feeling,
    Learning,
    ParkingItem,
    Participant,
    Retro,
    Session,
)
from retro_desk.timefmt import TimeInputError, is_valid_zone, normalise_instant, parse_date

FORMAT = "retro-desk.session"
REFLECTION_STATES = ("reframed", "named_feeling")
VERSION = 1
MAX_FILE_BYTES = 64 * 1024 * 1024

T = TypeVar("T")
D = TypeVar("D")


class SessionFileError(ValueError):
    """A session file that cannot be imported; `path` is the JSON path of what is wrong."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


def to_document(retro: Retro) -> dict[str, Any]:
    """The JSON-ready document; private notes never leave the database."""
    s = retro.session
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "session": {
            "uuid": s.uuid,
            "title": s.title,
            "kind": s.kind,
            "incident_date": s.incident_date,
            "timezone": s.timezone,
            "facilitator": s.facilitator,
            "summary": s.summary,
            "status": s.status,
            "source_links": list(s.source_links),
            "language_reflection": s.language_reflection,
        },
        "participants": [{"id": p.key, "name": p.name, "role": p.role} for p in retro.participants],
        "agenda": [
            {
                "phase": a.phase,
                "title": a.title,
                "planned_seconds": a.planned_seconds,
                "spent_seconds": a.spent_seconds,
            }
            for a in retro.agenda
        ],
        "feelings": [
            {
                "participant": f.participant,
                "words": list(f.words),
                "note": f.note,
                "blame_feeling": f.blame_feeling,
            }
            for f in retro.feelings
        ],
        "timeline": [
            {
                "id": e.key,
                "at": e.at,
                "actor": e.actor,
                "description": e.description,
                "source": e.source,
                "decision_point": e.decision_point,
                "learned_later": e.learned_later,
            }
            for e in retro.timeline
        ],
        "rationality": [
            {"event": a.event, "category": a.category, "answer": a.answer}
            for a in retro.rationality
        ],
        "learnings": [{"text": item.text} for item in retro.learnings],
        "actions": [
            {"description": a.description, "owner": a.owner, "due": a.due, "done": a.done}
            for a in retro.actions
        ],
        "parking_lot": [{"text": item.text} for item in retro.parking_lot],
        "closing": {"roti": list(retro.closing.roti), "notes": retro.closing.notes},
    }
    # Extensions of version 1, written only when used, so plain files stay as DESIGN.md shows.
    write_up = {key: value for key, value in _write_up(s).items() if value not in ("", None, [])}
    document["session"].update(write_up)
    if s.export_feeling_notes:
        document["session"]["export_feeling_notes"] = True
    if retro.reflection_marks:
        document["reflection_marks"] = [
            {"key": key, "state": state} for key, state in retro.reflection_marks.items()
        ]
    return document


def _write_up(s: Session) -> dict[str, Any]:
    return {
        "severity": s.severity, "incident_ref": s.incident_ref, "services": list(s.services),
        "impact": s.impact, "detected_at": s.detected_at, "mitigated_at": s.mitigated_at,
        "resolved_at": s.resolved_at, "retro_date": s.retro_date, "owner": s.owner,
    }


def dumps(retro: Retro, now: datetime | None = None) -> str:
    """The session file's text, with when and by which version it was exported."""
    document = to_document(retro)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    document["export"] = {
        "exported_at": moment.isoformat(timespec="seconds"),
        "app": "Retro Desk",
        "app_version": __version__,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def read_file(path: Path) -> Retro:
    """Read and validate a session file; every problem is a SessionFileError, clearly worded."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SessionFileError("", f"{path} is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        raw = path.read_bytes()
    except OSError as error:
        raise SessionFileError("", f"cannot read {path}: {error.strerror or error}") from error
    return loads(raw)


def loads(raw: bytes | str) -> Retro:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise SessionFileError("", f"not UTF-8 text (byte {error.start})") from error
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as error:
        raise SessionFileError(
            "", f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from error
    except RecursionError as error:
        raise SessionFileError("", "not valid JSON: nested too deeply") from error
    except ValueError as error:
        # Python refuses to read integers of more than 4,300 digits.
        raise SessionFileError(
            "", "not valid JSON for Retro Desk: a number of more than 4,300 digits"
        ) from error
    return from_document(document)


def from_document(document: Any) -> Retro:
    root = _object(document, "$")
    if "format" not in root:
        raise SessionFileError("$.format", f"missing; a Retro Desk session file has {FORMAT!r}")
    if root["format"] != FORMAT:
        raise SessionFileError("$.format", f"expected {FORMAT!r}, found {root['format']!r}")
    version = _required(root, "version", "$", int)
    if version > VERSION:
        raise SessionFileError(
            "$.version",
            f"version {version} is newer than this Retro Desk reads (up to {VERSION}); "
            "update Retro Desk to import it",
        )
    if version < 1:
        raise SessionFileError("$.version", f"unknown version {version}")

    session = _session(_object(_required(root, "session", "$", dict), "$.session"))
    tz = session.timezone
    participants = _items(root, "participants", _participant)
    _unique([p.key for p in participants], "$.participants", "id")
    agenda = _items(root, "agenda", _agenda_item)
    _unique([a.phase for a in agenda], "$.agenda", "phase")
    participant_keys = {p.key for p in participants}
    feelings = _items(root, "feelings", _feeling)
    for index, feeling in enumerate(feelings):
        if feeling.participant is not None and feeling.participant not in participant_keys:
            raise SessionFileError(
                f"$.feelings[{index}].participant",
                f"{feeling.participant!r} is not a participant id",
            )
    timeline = _items(root, "timeline", lambda obj, path: _event(obj, path, tz))
    _unique([e.key for e in timeline], "$.timeline", "id")
    event_keys = {e.key for e in timeline}
    rationality = _items(root, "rationality", _answer)
    seen: set[tuple[str, str]] = set()
    for index, answer in enumerate(rationality):
        path = f"$.rationality[{index}]"
        if answer.event not in event_keys:
            raise SessionFileError(f"{path}.event", f"{answer.event!r} is not a timeline event id")
        if (answer.event, answer.category) in seen:
            raise SessionFileError(path, f"a second answer for {answer.event} / {answer.category}")
        seen.add((answer.event, answer.category))
    closing_obj = _optional(root, "closing", "$", dict, {})
    return Retro(
        session=session,
        participants=participants,
        agenda=agenda,
        feelings=feelings,
        timeline=timeline,
        rationality=rationality,
        learnings=_items(root, "learnings", lambda o, p: Learning(_text(o, "text", p, True))),
        actions=_items(root, "actions", _action),
        parking_lot=_items(
            root, "parking_lot", lambda o, p: ParkingItem(_text(o, "text", p, True))
        ),
        closing=_closing(closing_obj),
        reflection_marks=_reflection_marks(root),
    )


def _reflection_marks(root: dict[str, Any]) -> dict[str, str]:
    marks: dict[str, str] = {}
    for index, value in enumerate(_optional(root, "reflection_marks", "$", list, [])):
        path = f"$.reflection_marks[{index}]"
        obj = _object(value, path)
        key = _text(obj, "key", path, required=True)
        if key in marks:
            raise SessionFileError(f"{path}.key", f"{key!r} appears twice")
        marks[key] = _choice(obj, "state", path, REFLECTION_STATES, None)
    return marks


def _session(obj: dict[str, Any]) -> Session:
    path = "$.session"
    kind = _choice(obj, "kind", path, KINDS, "own")
    status = _choice(obj, "status", path, STATUSES, "draft")
    timezone = _text(obj, "timezone", path) or "UTC"
    if not is_valid_zone(timezone):
        raise SessionFileError(f"{path}.timezone", f"unknown time zone {timezone!r}")
    incident_date = _optional_date(obj, "incident_date", path)
    links = _strings(obj, "source_links", path)
    uuid = _text(obj, "uuid", path) or str(uuid_module.uuid4())
    return Session(
        uuid=uuid,
        title=_text(obj, "title", path, required=True),
        kind=kind,
        incident_date=incident_date,
        timezone=timezone,
        facilitator=_text(obj, "facilitator", path),
        summary=_text(obj, "summary", path),
        status=status,
        source_links=list(links),
        language_reflection=_optional(obj, "language_reflection", path, bool, True),
        severity=_text(obj, "severity", path),
        incident_ref=_text(obj, "incident_ref", path),
        services=_strings(obj, "services", path),
        impact=_text(obj, "impact", path),
        detected_at=_optional_instant(obj, "detected_at", path, timezone),
        mitigated_at=_optional_instant(obj, "mitigated_at", path, timezone),
        resolved_at=_optional_instant(obj, "resolved_at", path, timezone),
        retro_date=_optional_date(obj, "retro_date", path),
        owner=_text(obj, "owner", path),
        export_feeling_notes=_optional(obj, "export_feeling_notes", path, bool, False),
    )


def _strings(obj: dict[str, Any], key: str, path: str) -> list[str]:
    values = _optional(obj, key, path, list, [])
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise SessionFileError(f"{path}.{key}[{index}]", "expected a string")
    return list(values)


def _optional_instant(obj: dict[str, Any], key: str, path: str, tz: str) -> str | None:
    value = _optional(obj, key, path, str, "")
    if not value.strip():
        return None
    try:
        return normalise_instant(value, tz)
    except TimeInputError as error:
        raise SessionFileError(f"{path}.{key}", str(error)) from error


def _participant(obj: dict[str, Any], path: str) -> Participant:
    return Participant(
        key=_text(obj, "id", path, required=True),
        name=_text(obj, "name", path, required=True),
        role=_text(obj, "role", path),
    )


def _agenda_item(obj: dict[str, Any], path: str) -> AgendaItem:
    phase = _choice(obj, "phase", path, PHASES, None)
    planned = _required(obj, "planned_seconds", path, int)
    spent = _optional(obj, "spent_seconds", path, int, 0)
    for key, value in (("planned_seconds", planned), ("spent_seconds", spent)):
        if value < 0:
            raise SessionFileError(f"{path}.{key}", "must not be negative")
        if value > MAX_SECONDS:
            raise SessionFileError(f"{path}.{key}", f"at most {MAX_SECONDS:,} seconds")
    title = _optional(obj, "title", path, str, None)
    return AgendaItem(
        phase=phase,
        title=PHASE_TITLES[phase] if title is None else title,
        planned_seconds=planned,
        spent_seconds=spent,
    )


def _feeling(obj: dict[str, Any], path: str) -> Feeling:
    words = _optional(obj, "words", path, list, [])
    for index, word in enumerate(words):
        if not isinstance(word, str):
            raise SessionFileError(f"{path}.words[{index}]", "expected a string")
    participant = obj.get("participant")
    if participant is not None and not isinstance(participant, str):
        raise SessionFileError(f"{path}.participant", "expected a participant id or null")
    return Feeling(
        words=list(words),
        note=_text(obj, "note", path),
        participant=participant,
        blame_feeling=_optional(obj, "blame_feeling", path, bool, False),
    )


def _event(obj: dict[str, Any], path: str, tz: str) -> Event:
    at_raw = _text(obj, "at", path, required=True)
    try:
        at = normalise_instant(at_raw, tz)
    except TimeInputError as error:
        raise SessionFileError(f"{path}.at", str(error)) from error
    return Event(
        key=_text(obj, "id", path, required=True),
        at=at,
        description=_text(obj, "description", path, required=True),
        actor=_text(obj, "actor", path),
        source=_text(obj, "source", path),
        decision_point=_optional(obj, "decision_point", path, bool, False),
        learned_later=_optional(obj, "learned_later", path, bool, False),
    )


def _answer(obj: dict[str, Any], path: str) -> Answer:
    return Answer(
        event=_text(obj, "event", path, required=True),
        category=_choice(obj, "category", path, CATEGORIES, None),
        answer=_text(obj, "answer", path, required=True),
    )


def _action(obj: dict[str, Any], path: str) -> Action:
    return Action(
        description=_text(obj, "description", path, required=True),
        owner=_text(obj, "owner", path),
        due=_optional_date(obj, "due", path),
        done=_optional(obj, "done", path, bool, False),
    )


def _closing(obj: dict[str, Any]) -> Closing:
    path = "$.closing"
    votes = _optional(obj, "roti", path, list, [])
    for index, vote in enumerate(votes):
        if type(vote) is not int or vote not in ROTI_RANGE:
            raise SessionFileError(f"{path}.roti[{index}]", "expected a whole number from 1 to 5")
    return Closing(roti=list(votes), notes=_text(obj, "notes", path))


# What a timer or spin box can show of a planned or spent time (Qt's int).
MAX_SECONDS = 2**31 - 1

_TYPE_NAMES = {str: "a string", int: "a whole number", bool: "true or false", list: "a list",
               dict: "an object"}


def _check_type(value: Any, expected: type, path: str) -> Any:
    # bool is a subclass of int in Python, but not a number in a JSON file.
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if not ok:
        raise SessionFileError(
            path, f"expected {_TYPE_NAMES[expected]}, found {_json_type(value)}"
        )
    if expected is int and not -(2**63) <= value < 2**63:
        raise SessionFileError(path, "a number too large to store (more than 64 bits)")
    if expected is str and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            bad = value[error.start]
            raise SessionFileError(
                path, f"holds a lone surrogate (\\u{ord(bad):04x}), which is not text"
            ) from error
    return value


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return {str: "a string", int: "a number", float: "a number", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def _object(value: Any, path: str) -> dict[str, Any]:
    result: dict[str, Any] = _check_type(value, dict, path)
    return result


def _required(obj: dict[str, Any], key: str, path: str, expected: type[T]) -> T:
    if key not in obj:
        raise SessionFileError(f"{path}.{key}", "missing")
    result: T = _check_type(obj[key], expected, f"{path}.{key}")
    return result


def _optional(obj: dict[str, Any], key: str, path: str, expected: type[T], default: D) -> T | D:
    if obj.get(key) is None:
        return default
    result: T = _check_type(obj[key], expected, f"{path}.{key}")
    return result


def _text(obj: dict[str, Any], key: str, path: str, required: bool = False) -> str:
    if required:
        return _required(obj, key, path, str)
    return _optional(obj, key, path, str, "")


def _choice(
    obj: dict[str, Any], key: str, path: str, allowed: tuple[str, ...], default: str | None
) -> str:
    if default is None:
        value = _required(obj, key, path, str)
    else:
        value = _optional(obj, key, path, str, default)
    if value not in allowed:
        raise SessionFileError(
            f"{path}.{key}", f"{value!r} is not one of {', '.join(allowed)}"
        )
    return value


def _optional_date(obj: dict[str, Any], key: str, path: str) -> str | None:
    value = _optional(obj, key, path, str, "")
    if not value:
        return None
    try:
        return parse_date(value).isoformat()
    except TimeInputError as error:
        raise SessionFileError(f"{path}.{key}", str(error)) from error


def _items(
    root: dict[str, Any], key: str, build: Callable[[dict[str, Any], str], T]
) -> list[T]:
    values = _optional(root, key, "$", list, [])
    return [
        build(_object(value, f"$.{key}[{index}]"), f"$.{key}[{index}]")
        for index, value in enumerate(values)
    ]


def _unique(values: list[str], path: str, field_name: str) -> None:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise SessionFileError(f"{path}[{index}].{field_name}", f"{value!r} appears twice")
        seen.add(value)
