"""Crash-trial child for the window: pytest-qt types into a real MainWindow until it is killed.

crash_trials.py runs it as `python -m pytest -q -s benchmarks/crash_child_window.py` with
RETRO_DESK_CRASH_DB and RETRO_DESK_CRASH_SEED set; without them it skips, and it is not in
the test suite's paths. It opens the database as the app does (instance lock included), then
loops: `doing N kind marker` before an edit, keys as a facilitator presses them, and
`done N` once the edit is stored. Each edit carries a unique marker the parent looks for.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from retro_desk.storage.lock import InstanceLock
from retro_desk.ui.app import open_store
from retro_desk.ui.main_window import MainWindow

DB_VARIABLE = "RETRO_DESK_CRASH_DB"
SEED_VARIABLE = "RETRO_DESK_CRASH_SEED"
# Adds that one Undo removes again, and how often an Undo follows one.
UNDOABLE = ("event", "learning", "action", "parking")
UNDO_CHANCE = 0.2


def say(line: str) -> None:
    print(line, flush=True)


def marker(seed: int, n: int) -> str:
    # The closing "z" keeps marker 4 from being found inside marker 45.
    return f"w{seed}x{n}z"


class Facilitator:
    """Presses the keys; every method returns once its edit is stored (or fails loudly)."""

    def __init__(self, qtbot, window: MainWindow) -> None:
        self.qtbot = qtbot
        self.window = window
        assert window.editor is not None
        self.editor = window.editor

    def keys(self, sequence: str) -> None:
        combo = QKeySequence(sequence)[0]
        target = QApplication.focusWidget() or self.window
        self.qtbot.keyClick(target, combo.key(), combo.keyboardModifiers())

    def type(self, text: str) -> None:
        target = QApplication.focusWidget()
        assert target is not None, "nothing has the keyboard focus"
        self.qtbot.keyClicks(target, text)

    def phase(self, number: int) -> None:
        self.keys(f"Ctrl+{number}")
        assert self.window.timer is not None and self.window.timer.current == number - 1

    def event(self, mark: str) -> None:
        self.phase(3)
        self.type(f"+1m Ana: {mark} restarts the indexer")
        self.keys("Return")
        assert any(mark in event.description for event in self.editor.retro.timeline)

    def learning(self, mark: str) -> None:
        self.phase(5)
        self.type(f"{mark} restarts hide the cause")
        self.keys("Return")
        assert any(mark in item.text for item in self.editor.retro.learnings)

    def action(self, mark: str) -> None:
        self.phase(6)
        self.type(f"{mark} add an indexer lag alert @Ben due 2026-12-05")
        self.keys("Return")
        assert any(mark in item.description for item in self.editor.retro.actions)

    def parking(self, mark: str) -> None:
        self.keys("Alt+P")
        assert self.window.side.parking.entry.hasFocus()
        self.type(f"{mark} capacity planning")
        self.keys("Return")
        assert any(mark in item.text for item in self.editor.retro.parking_lot)

    def notes(self, mark: str) -> None:
        self.keys("Alt+N")
        assert self.window.side.notes.hasFocus()
        self.keys("Ctrl+End")
        self.type(f" {mark} watch the tension")
        self.keys("Tab")  # leaving the field stores it
        assert mark in self.editor.retro.private_notes

    def answer(self, mark: str) -> None:
        self.phase(4)
        card = self.window.pages["rationality"].cards["cues"]
        assert card.answer.hasFocus()
        self.keys("Ctrl+End")
        self.type(f" {mark} the latency graph")
        self.keys("Tab")
        assert any(mark in a.answer for a in self.editor.retro.rationality)

    def undo(self, mark: str) -> None:
        self.window.actions_by_name["undo"].trigger()  # Edit ▸ Undo
        retro = self.editor.retro
        texts = [e.description for e in retro.timeline] + [x.text for x in retro.learnings]
        texts += [a.description for a in retro.actions] + [x.text for x in retro.parking_lot]
        assert not any(mark in text for text in texts)


def test_drive_the_window_until_killed(qtbot, tmp_path: Path) -> None:
    if DB_VARIABLE not in os.environ:
        pytest.skip("run by benchmarks/crash_trials.py")
    db = Path(os.environ[DB_VARIABLE])
    seed = int(os.environ[SEED_VARIABLE])
    rng = random.Random(seed)
    store, warning = open_store(db, InstanceLock(db))
    assert warning is None, warning  # the killed window before this one left no lock behind
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.open_most_recent()
    person = Facilitator(qtbot, window)
    edits: dict[str, Callable[[str], None]] = {
        "event": person.event,
        "learning": person.learning,
        "action": person.action,
        "parking": person.parking,
        "notes": person.notes,
        "answer": person.answer,
    }
    say("ready")
    n = 0
    while True:
        n += 1
        kind = rng.choice(list(edits))
        mark = marker(seed, n)
        say(f"doing {n} {kind} {mark}")
        edits[kind](mark)
        say(f"done {n}")
        if kind in UNDOABLE and rng.random() < UNDO_CHANCE:
            n += 1
            say(f"doing {n} undo {mark}")
            person.undo(mark)
            say(f"done {n}")
