"""What every phase page shares: the open retro, change notices, and a guard for failed saves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from PySide6.QtWidgets import QWidget

from retro_desk.editor import Change, SessionEditor
from retro_desk.live import LiveSession
from retro_desk.questions import CategoryQuestions, PhasePrompt, load_prompts, load_questions
from retro_desk.storage import StorageError
from retro_desk.vocabulary import FeelingWord, load_vocabulary

T = TypeVar("T")


@dataclass
class PageContext:
    """Shared by all pages: data files, and where a failed save is reported."""

    vocabulary: list[FeelingWord] = field(default_factory=load_vocabulary)
    questions: dict[str, CategoryQuestions] = field(default_factory=load_questions)
    prompts: dict[str, PhasePrompt] = field(default_factory=load_prompts)
    # The meeting's position (phase, speaker, decision point), shared by both windows.
    live: LiveSession = field(default_factory=LiveSession)
    report_error: Callable[[StorageError], None] = lambda error: None
    # Called on every text field a person types into (the blame-language highlighter hooks in).
    decorate_text: Callable[[QWidget], None] = lambda widget: None
    # Runs work that can wait until the window is on screen (at start-up); by default, now.
    later: Callable[[Callable[[], None]], None] = lambda work: work()

    def guard(self, action: Callable[[], T]) -> T | None:
        """Run one edit; a storage problem is reported to the person, and the edit is not made."""
        try:
            return action()
        except StorageError as error:
            self.report_error(error)
            return None


class PhasePage(QWidget):
    """A page in the middle of the main window, for one phase key."""

    phase = ""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.editor: SessionEditor | None = None

    def set_editor(self, editor: SessionEditor | None) -> None:
        """A retro was opened (or closed, with None): show all of it afresh."""
        self.editor = editor
        self.reload()

    def reload(self) -> None:
        """Rebuild everything shown from `self.editor.retro`."""

    def on_change(self, change: Change) -> None:
        """One stored edit (by this page, another, or undo/redo); update what is shown."""

    def focus_entry(self) -> None:
        """Put the keyboard focus where the facilitator types next (the quick-entry line)."""
