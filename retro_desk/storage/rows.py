"""Row mapping: domain dataclasses to table rows and back, with no SQL of its own."""

from __future__ import annotations

import dataclasses
import functools
import json
import sqlite3
from typing import TYPE_CHECKING, Any, TypeVar

from retro_desk.model import (
    Action,
    AgendaItem,
    Answer,
    Event,
    Feeling,
    Learning,
    ParkingItem,
    Participant,
    Session,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Item = Participant | AgendaItem | Feeling | Event | Answer | Learning | Action | ParkingItem
ItemT = TypeVar("ItemT", Participant, AgendaItem, Feeling, Event, Answer, Learning, Action,
                ParkingItem)
RowT = TypeVar("RowT", bound="DataclassInstance")

TABLES: dict[type[Any], str] = {
    Participant: "participants",
    AgendaItem: "agenda_items",
    Feeling: "feelings",
    Event: "events",
    Answer: "answers",
    Learning: "learnings",
    Action: "actions",
    ParkingItem: "parking_lot",
}
KEY_PREFIX: dict[type[Any], str] = {Participant: "p", Event: "e"}
SESSION_FIELDS = {f.name for f in dataclasses.fields(Session)} - {"id", "created_at", "updated_at"}
SESSION_EXTRA = {"closing_notes", "private_notes"}
_JSON_COLUMNS = {"words", "source_links", "services"}
_BOOL_COLUMNS = {
    "blame_feeling", "decision_point", "learned_later", "done", "language_reflection",
    "export_feeling_notes",
}


def column_value(name: str, value: Any) -> Any:
    """A field's value as its column holds it: lists as JSON, flags as 0 or 1."""
    if name in _JSON_COLUMNS:
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def columns(item: Any) -> dict[str, Any]:
    """Every field of a dataclass but its id, as columns."""
    return {
        f.name: column_value(f.name, getattr(item, f.name))
        for f in dataclasses.fields(item)
        if f.name != "id"
    }


def columns_subset(changes: dict[str, Any]) -> dict[str, Any]:
    return {name: column_value(name, value) for name, value in changes.items()}


def item_row(
    item: Any, session_id: int, position: float, keep_id: bool = True
) -> dict[str, Any]:
    """The row of a retro's item: its columns, its retro, its place, and its id if it has one
    (and `keep_id`: undo puts an item back under its old id, an import gives it a new one)."""
    row = columns(item)
    row.update(session_id=session_id, position=position)
    if keep_id and item.id is not None:
        row["id"] = item.id
    return row


@functools.cache
def _field_plan(cls: type[Any]) -> tuple[tuple[str, int], ...]:
    """Each field of `cls` in order, with how its column is read: 0 as is, 1 JSON, 2 bool."""
    return tuple(
        (f.name, 1 if f.name in _JSON_COLUMNS else 2 if f.name in _BOOL_COLUMNS else 0)
        for f in dataclasses.fields(cls)
    )


def read_rows(cls: type[RowT], cursor: sqlite3.Cursor) -> list[RowT]:
    """The cursor's rows as `cls` objects; loading a 5,000-event retro is mostly this."""
    names = [column[0] for column in cursor.description]
    plan = [(names.index(name), how) for name, how in _field_plan(cls)]
    loads = json.loads
    result = []
    for row in cursor:
        values = []
        for index, how in plan:
            value = row[index]
            values.append(value if how == 0 else loads(value) if how == 1 else bool(value))
        result.append(cls(*values))
    return result


def row_id(value: object) -> int:
    if not isinstance(value, int):
        raise TypeError(f"expected a row id, got {value!r}")
    return value
