"""Issue 14, "done when": two writers, a command and a window, each holding the write lock up
to a second for twenty rounds, lose and refuse nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.race_writers import race


@pytest.mark.slow
def test_twenty_rounds_of_two_writers_lose_and_refuse_nothing(tmp_path: Path) -> None:
    result = race(tmp_path, rounds=20, seed=14, deferred=False)
    print(result.line())
    assert result.problems == []
    assert result.refused == {"cli": [], "window": []}
    assert len(result.committed["cli"]) == len(result.committed["window"]) == 20
    assert result.lost == []
    # They did race: some writes waited for the other's lock.
    assert max(result.waits) > 0.1
