"""The phase timer: a countdown per phase from an injectable clock, resumable after a restart."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from retro_desk.agenda import rebalance
from retro_desk.model import AgendaItem

WARNING_SECONDS = 60


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def wall(self) -> float: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()


@dataclass
class TimerState:
    """What is persisted: the current phase, since when (epoch seconds) it has run, the target."""

    current_phase: int = 0
    started_at: float | None = None
    meeting_seconds: int | None = None


class PhaseTimer:
    """Runs an agenda's countdowns. Spent time is folded into the agenda items on every stop.

    Elapsed time is measured on the monotonic clock; the wall clock is only for persisting, so a
    restart (when the monotonic clock starts anew) can still tell how long the phase has run.
    """

    def __init__(self, agenda: list[AgendaItem], state: TimerState, clock: Clock) -> None:
        if not agenda:
            raise ValueError("an agenda needs at least one phase")
        self.agenda = agenda
        self.clock = clock
        self.current = min(max(state.current_phase, 0), len(agenda) - 1)
        self.meeting_seconds = state.meeting_seconds or sum(a.planned_seconds for a in agenda)
        self._started_mono: float | None = None
        self._started_wall: float | None = None
        if state.started_at is not None:
            already = max(0.0, clock.wall() - state.started_at)
            self._started_mono = clock.monotonic() - already
            self._started_wall = state.started_at

    @property
    def running(self) -> bool:
        return self._started_mono is not None

    @property
    def item(self) -> AgendaItem:
        return self.agenda[self.current]

    def elapsed(self, index: int | None = None) -> float:
        """Seconds spent in a phase, including the part of the current run not yet folded in."""
        index = self.current if index is None else index
        spent = float(self.agenda[index].spent_seconds)
        if index == self.current and self._started_mono is not None:
            spent += self.clock.monotonic() - self._started_mono
        return spent

    def remaining(self) -> float:
        """Seconds left in the current phase; negative in overtime."""
        return self.item.planned_seconds - self.elapsed()

    def mode(self) -> str:
        """`normal`, `warning` near the end, or `overtime` past zero."""
        left = self.remaining()
        if left < 0:
            return "overtime"
        if left <= min(WARNING_SECONDS, self.item.planned_seconds * 0.2):
            return "warning"
        return "normal"

    def state(self) -> TimerState:
        return TimerState(self.current, self._started_wall, self.meeting_seconds)

    def start(self) -> None:
        if not self.running:
            self._started_mono = self.clock.monotonic()
            self._started_wall = self.clock.wall()

    def pause(self) -> None:
        if self.running:
            self.item.spent_seconds = round(self.elapsed())
            self._started_mono = None
            self._started_wall = None

    def toggle(self) -> None:
        if self.running:
            self.pause()
        else:
            self.start()

    def add_time(self, seconds: int = 60) -> None:
        self.item.planned_seconds = max(0, self.item.planned_seconds + seconds)

    def reset(self) -> None:
        was_running = self.running
        self.pause()
        self.item.spent_seconds = 0
        if was_running:
            self.start()

    def go_to(self, index: int) -> None:
        """Move to another phase; the clock keeps running if it was."""
        if not 0 <= index < len(self.agenda) or index == self.current:
            return
        was_running = self.running
        self.pause()
        self.current = index
        if was_running:
            self.start()

    def rebalance(self) -> None:
        planned = rebalance(self.agenda, self.current, self.elapsed(), self.meeting_seconds)
        for item, seconds in zip(self.agenda, planned, strict=True):
            item.planned_seconds = seconds

    def projected_end_offset(self) -> float:
        """How far past (positive) or short of the planned meeting length the meeting will run."""
        used = sum(self.elapsed(i) for i in range(self.current))
        used += max(self.elapsed(), self.item.planned_seconds)
        used += sum(a.planned_seconds for a in self.agenda[self.current + 1 :])
        return used - self.meeting_seconds
