"""Agendas: the built-in timeboxes, and rebalancing what is left to keep the meeting's end time."""

from __future__ import annotations

from retro_desk.model import PHASE_TITLES, AgendaItem

DEFAULT_MINUTES: dict[str, int] = {
    "opening": 5,
    "feelings": 10,
    "timeline": 20,
    "rationality": 15,
    "learnings": 5,
    "actions": 3,
    "close": 2,
}
EXTERNAL_MINUTES: dict[str, int] = {
    "opening": 3,
    "feelings": 5,
    "timeline": 7,
    "rationality": 8,
    "learnings": 4,
    "actions": 2,
    "close": 1,
}
MIN_PHASE_SECONDS = 60


def agenda_from_minutes(minutes: dict[str, int]) -> list[AgendaItem]:
    return [
        AgendaItem(phase=phase, title=PHASE_TITLES[phase], planned_seconds=value * 60)
        for phase, value in minutes.items()
    ]


def default_agenda(kind: str = "own") -> list[AgendaItem]:
    """60 minutes for our own incident; 30 for studying someone else's public one."""
    return agenda_from_minutes(EXTERNAL_MINUTES if kind == "external" else DEFAULT_MINUTES)


def rebalance(
    agenda: list[AgendaItem], current: int, elapsed_current: float, meeting_seconds: int
) -> list[int]:
    """New planned seconds for every phase, so that the meeting still ends on time (and
    never later: a meeting ahead of time keeps its plans and ends early).

    Past phases count as spent, the current one as at least its plan; the phases still to come
    share what is left in proportion to their plans, none below a minute (or its own plan, if
    that was shorter). When the overrun is too large, they shrink as far as that allows.
    """
    planned = [item.planned_seconds for item in agenda]
    future = range(current + 1, len(agenda))
    if not future:
        return planned
    used = float(sum(item.spent_seconds for item in agenda[:current]))
    used += max(elapsed_current, agenda[current].planned_seconds)
    budget = max(0.0, meeting_seconds - used)
    floors = {i: min(MIN_PHASE_SECONDS, planned[i]) for i in future}
    wanted = sum(planned[i] for i in future)
    if wanted == 0 or budget >= wanted:
        # Ahead of time: the phases to come keep their plans and the meeting ends early;
        # stretching them to fill the hour would only make the close drag.
        return planned
    spare = max(0.0, budget - sum(floors.values()))
    flexible = sum(planned[i] - floors[i] for i in future)
    for i in future:
        share = (planned[i] - floors[i]) / flexible if flexible else 0.0
        planned[i] = floors[i] + _round_to(spare * share, 10)
    # Rounding may leave a few seconds over or under; the latest phases absorb them.
    if budget >= sum(floors.values()):
        drift = round(used + sum(planned[i] for i in future) - meeting_seconds)
        for i in reversed(future):
            take = drift if drift < 0 else min(drift, planned[i] - floors[i])
            planned[i] -= take
            drift -= take
            if drift == 0:
                break
    return planned


def _round_to(value: float, step: int) -> int:
    return int(round(value / step) * step)
