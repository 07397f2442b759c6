"""Test doubles: a clock that moves only when told to."""

from __future__ import annotations


class FakeClock:
    """Monotonic and wall time that advance together, by hand; a restart resets monotonic only."""

    def __init__(self, wall: float = 1_795_000_000.0, monotonic: float = 1000.0) -> None:
        self._wall = wall
        self._monotonic = monotonic

    def monotonic(self) -> float:
        return self._monotonic

    def wall(self) -> float:
        return self._wall

    def advance(self, seconds: float) -> None:
        self._wall += seconds
        self._monotonic += seconds

    def after_restart(self, seconds_later: float) -> FakeClock:
        """The clock a new process sees: wall time went on, the monotonic clock started anew."""
        return FakeClock(wall=self._wall + seconds_later, monotonic=5.0)
