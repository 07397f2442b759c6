"""Every edit a facilitator makes to an open retro: stored at once, undoable, announced."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from retro_desk.model import (
    Action,
    AgendaItem,
    Answer,
    Event,
    Feeling,
    Learning,
    ParkingItem,
    Participant,
    Retro,
)
from retro_desk.storage import Store
from retro_desk.undo import Command, UndoStack

ListItem = Participant | AgendaItem | Feeling | Event | Learning | Action | ParkingItem

# Which list of a Retro holds each kind of item, and how an edit to it is named for undo.
PARTS: dict[type[Any], tuple[str, str]] = {
    Participant: ("participants", "participant"),
    AgendaItem: ("agenda", "agenda item"),
    Feeling: ("feelings", "feeling"),
    Event: ("timeline", "event"),
    Learning: ("learnings", "learning"),
    Action: ("actions", "action"),
    ParkingItem: ("parking_lot", "parking-lot item"),
}


@dataclass(frozen=True)
class Change:
    """What changed: `part` is a Retro attribute name, `op` is insert, update, remove or reset."""

    part: str
    op: str
    item: Any = None
    old: Any = None


class SessionEditor:
    """One open retro. Every method is one user action; the store commits it before it returns."""

    def __init__(self, store: Store, session_id: int) -> None:
        self.store = store
        self.session_id = session_id
        self.retro: Retro = store.load_retro(session_id)
        self.undo_stack = UndoStack()
        self.listeners: list[Callable[[Change], None]] = []

    # -- notifications ---------------------------------------------------------------------

    def _announce(self, change: Change) -> None:
        for listener in list(self.listeners):
            listener(change)

    # -- list items ------------------------------------------------------------------------

    def add(self, item: ListItem) -> ListItem:
        """Append a new item; returns it as stored (with its id and, for events, its key)."""
        attr, noun = PARTS[type(item)]
        holder: dict[str, Any] = {}

        def redo() -> None:
            stored = self.store.add_item(
                self.session_id, holder.get("item", item), holder.get("position")
            )
            holder["item"] = stored
            getattr(self.retro, attr).append(stored)
            self._announce(Change(attr, "insert", stored))

        def undo() -> None:
            stored = holder["item"]
            holder["position"] = self.store.delete_item(stored)
            self._remove_local(attr, stored)
            self._announce(Change(attr, "remove", stored))

        self.undo_stack.push(Command(f"Add {noun}", redo, undo))
        result: ListItem = holder["item"]
        return result

    def update(self, item: ListItem, **changes: Any) -> ListItem:
        """Change fields of a stored item; returns the updated copy that replaces it."""
        attr, noun = PARTS[type(item)]
        before: ListItem = self._current(attr, item)
        after: ListItem = dataclasses.replace(before, **changes)
        if after == before:
            return before

        def apply(old: ListItem, new: ListItem) -> Callable[[], None]:
            def run() -> None:
                self.store.update_item(new)
                self._replace_local(attr, new)
                self._announce(Change(attr, "update", new, old))

            return run

        self.undo_stack.push(Command(f"Edit {noun}", apply(before, after), apply(after, before)))
        return after

    def delete(self, item: ListItem) -> None:
        attr, noun = PARTS[type(item)]
        stored = self._current(attr, item)
        answers = (
            [a for a in self.retro.rationality if a.event == stored.key]
            if isinstance(stored, Event)
            else []
        )
        holder: dict[str, Any] = {"item": stored}

        # An event and its answers go (and come back) in one transaction, so a crash or a full
        # disk never keeps the event but loses what was said about it; `retro` follows after.
        def redo() -> None:
            with self.store.atomic():
                for answer in answers:
                    self.store.set_answer(self.session_id, answer.event, answer.category, "")
                holder["position"] = self.store.delete_item(holder["item"])
            for answer in answers:
                self._answer_stored(answer.event, answer.category, "")
            self._remove_local(attr, holder["item"])
            self._announce(Change(attr, "remove", holder["item"]))

        def undo() -> None:
            with self.store.atomic():
                restored = self.store.add_item(
                    self.session_id, holder["item"], holder["position"]
                )
                for answer in answers:
                    self.store.set_answer(
                        self.session_id, answer.event, answer.category, answer.answer
                    )
            holder["item"] = restored
            self._insert_local(attr, restored, holder["position"])
            self._announce(Change(attr, "insert", restored))
            for answer in answers:
                self._answer_stored(answer.event, answer.category, answer.answer)

        self.undo_stack.push(Command(f"Delete {noun}", redo, undo))

    def import_events(self, events: list[Event]) -> list[Event]:
        """Add a whole imported timeline as one edit: stored in one transaction, one undo step."""
        if not events:
            return []
        holder: dict[str, Any] = {"events": list(events), "positions": None}

        def redo() -> None:
            stored = self.store.add_items(self.session_id, holder["events"], holder["positions"])
            holder["events"] = stored
            self.retro.timeline.extend(stored)
            self._announce(Change("timeline", "reset", tuple(stored)))

        def undo() -> None:
            holder["positions"] = self.store.delete_items(holder["events"])
            gone = {event.id for event in holder["events"]}
            self.retro.timeline[:] = [e for e in self.retro.timeline if e.id not in gone]
            self._announce(Change("timeline", "reset", tuple(holder["events"])))

        count = len(events)
        self.undo_stack.push(
            Command(f"Import {count} event" + ("" if count == 1 else "s"), redo, undo)
        )
        stored: list[Event] = holder["events"]
        return stored

    def _current(self, attr: str, item: ListItem) -> Any:
        for existing in getattr(self.retro, attr):
            if existing.id == item.id:
                return existing
        raise KeyError(f"{attr} item {item.id} is not in this retro")

    def _replace_local(self, attr: str, new: ListItem) -> None:
        items = getattr(self.retro, attr)
        for index, existing in enumerate(items):
            if existing.id == new.id:
                items[index] = new
                return

    def _remove_local(self, attr: str, gone: ListItem) -> None:
        items = getattr(self.retro, attr)
        items[:] = [existing for existing in items if existing.id != gone.id]

    def _insert_local(self, attr: str, item: ListItem, position: float) -> None:
        # Local lists keep storage order; positions are the stored row positions, so re-read them.
        items = getattr(self.retro, attr)
        items.append(item)
        stored_items: list[Any] = self.store.items(self.session_id, type(item))
        order = {stored.id: index for index, stored in enumerate(stored_items)}
        items.sort(key=lambda existing: order.get(existing.id, len(order)))

    # -- answers, session fields, closing --------------------------------------------------

    def set_answer(self, event: str, category: str, text: str) -> None:
        before = self.retro.answers_for(event).get(category, "")
        if before == text:
            return
        self.undo_stack.push(
            Command(
                "Edit answer",
                lambda: self._set_answer_now(event, category, text),
                lambda: self._set_answer_now(event, category, before),
            )
        )

    def _set_answer_now(self, event: str, category: str, text: str) -> None:
        self.store.set_answer(self.session_id, event, category, text)
        self._answer_stored(event, category, text)

    def _answer_stored(self, event: str, category: str, text: str) -> None:
        answers = self.retro.rationality
        for index, answer in enumerate(answers):
            if answer.event == event and answer.category == category:
                if text:
                    answers[index] = dataclasses.replace(answer, answer=text)
                else:
                    del answers[index]
                break
        else:
            if text:
                answers.append(Answer(event=event, category=category, answer=text))
        self._announce(Change("rationality", "update", (event, category)))

    def update_session(self, **changes: Any) -> None:
        session = self.retro.session
        before = {key: getattr(session, key) for key in changes}
        if before == changes:
            return

        def apply(values: dict[str, Any]) -> Callable[[], None]:
            def run() -> None:
                self.store.update_session(self.session_id, **values)
                for key, value in values.items():
                    setattr(session, key, value)
                self._announce(Change("session", "update", dict(values)))

            return run

        self.undo_stack.push(Command("Edit retro details", apply(changes), apply(before)))

    def set_closing_notes(self, text: str) -> None:
        self._set_text("closing_notes", text, "Edit closing notes")

    def set_private_notes(self, text: str) -> None:
        self._set_text("private_notes", text, "Edit private notes")

    def _set_text(self, column: str, text: str, label: str) -> None:
        before = self._text(column)
        if before == text:
            return

        def apply(value: str) -> Callable[[], None]:
            def run() -> None:
                self.store.update_session(self.session_id, **{column: value})
                if column == "closing_notes":
                    self.retro.closing.notes = value
                else:
                    self.retro.private_notes = value
                self._announce(Change(column, "update", value))

            return run

        self.undo_stack.push(Command(label, apply(text), apply(before)))

    def _text(self, column: str) -> str:
        return self.retro.closing.notes if column == "closing_notes" else self.retro.private_notes

    def set_roti(self, votes: list[int]) -> None:
        before = list(self.retro.closing.roti)
        if before == votes:
            return

        def apply(values: list[int]) -> Callable[[], None]:
            def run() -> None:
                self.store.set_roti(self.session_id, values)
                self.retro.closing.roti = list(values)
                self._announce(Change("roti", "update", list(values)))

            return run

        self.undo_stack.push(Command("ROTI vote", apply(list(votes)), apply(before)))

    def add_roti_vote(self, value: int) -> None:
        self.set_roti([*self.retro.closing.roti, value])

    def mark_finding(self, key: str, state: str) -> None:
        """Record that a finding was reframed or kept as a named feeling ("open" undoes that)."""
        before = self.retro.reflection_marks.get(key, "open")
        if before == state:
            return

        def apply(value: str) -> Callable[[], None]:
            def run() -> None:
                self.store.set_reflection_mark(self.session_id, key, value)
                if value == "open":
                    self.retro.reflection_marks.pop(key, None)
                else:
                    self.retro.reflection_marks[key] = value
                self._announce(Change("reflection_marks", "update", key))

            return run

        self.undo_stack.push(Command("Mark finding", apply(state), apply(before)))

    # -- counts for the status bar ---------------------------------------------------------

    def summary_counts(self) -> tuple[int, int]:
        """(decision points, events)."""
        timeline = self.retro.timeline
        return sum(1 for e in timeline if e.decision_point), len(timeline)
