"""Actions across every retro: what is still open, whose it is, and what is overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from retro_desk.storage.archive import TrackedAction, tracked_actions
from retro_desk.storage.store import Store

STATES = ("overdue", "open", "done")


@dataclass(frozen=True)
class ActionRow:
    """One action as the cross-retro list shows it."""

    tracked: TrackedAction
    state: str

    @property
    def description(self) -> str:
        return self.tracked.action.description

    @property
    def owner(self) -> str:
        return self.tracked.action.owner

    @property
    def due(self) -> str | None:
        return self.tracked.action.due

    def as_json(self) -> dict[str, Any]:
        t = self.tracked
        return {
            "retro": {"id": t.session_id, "uuid": t.session_uuid, "title": t.session_title,
                      "incident_date": t.incident_date},
            "description": t.action.description,
            "owner": t.action.owner,
            "due": t.action.due,
            "state": self.state,
            "done": t.action.done,
            "done_at": t.done_at,
        }


def state_of(tracked: TrackedAction, today: dt.date) -> str:
    action = tracked.action
    if action.done:
        return "done"
    if action.due is not None and action.due < today.isoformat():
        return "overdue"
    return "open"


def action_rows(
    tracked: Sequence[TrackedAction],
    today: dt.date,
    open_only: bool = False,
    owner: str | None = None,
) -> list[ActionRow]:
    """Overdue first (the longest overdue at the top), then open by due date (none last),
    then done; `owner` matches whatever its case and spacing."""
    wanted = _folded(owner) if owner is not None else None
    rows = []
    for item in tracked:
        if wanted is not None and _folded(item.action.owner) != wanted:
            continue
        row = ActionRow(item, state_of(item, today))
        if open_only and row.state == "done":
            continue
        rows.append(row)
    return sorted(rows, key=_sort_key)


def list_actions(
    store: Store, today: dt.date, open_only: bool = False, owner: str | None = None
) -> list[ActionRow]:
    return action_rows(tracked_actions(store), today, open_only, owner)


def _sort_key(row: ActionRow) -> tuple[int, int, str, str, int]:
    t = row.tracked
    return (STATES.index(row.state), row.due is None, row.due or "", t.incident_date or "",
            t.action.id or 0)


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())
