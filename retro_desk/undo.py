"""Undo and redo as a stack of small commands, each one a stored edit and its inverse."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Command:
    """One edit: `redo` applies it (and is called once when pushed), `undo` reverts it."""

    label: str
    redo: Callable[[], None]
    undo: Callable[[], None]


class UndoStack:
    def __init__(self, limit: int = 500) -> None:
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self.limit = limit
        self.listeners: list[Callable[[], None]] = []

    def push(self, command: Command) -> None:
        """Apply a command and remember it; a failed apply is not remembered."""
        command.redo()
        self._done.append(command)
        del self._done[: -self.limit]
        self._undone.clear()
        self._notify()

    def can_undo(self) -> bool:
        return bool(self._done)

    def can_redo(self) -> bool:
        return bool(self._undone)

    def undo_label(self) -> str:
        return self._done[-1].label if self._done else ""

    def redo_label(self) -> str:
        return self._undone[-1].label if self._undone else ""

    def undo(self) -> None:
        if not self._done:
            return
        command = self._done[-1]
        command.undo()
        self._undone.append(self._done.pop())
        self._notify()

    def redo(self) -> None:
        if not self._undone:
            return
        command = self._undone[-1]
        command.redo()
        self._done.append(self._undone.pop())
        self._notify()

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
        self._notify()

    def _notify(self) -> None:
        for listener in self.listeners:
            listener()
