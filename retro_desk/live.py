"""The live session: what the meeting is on right now, and who is told when it moves on.

The open retro's editor and phase timer, the decision point and question card under
discussion, the speaker of the feelings round and whether entries are attributed. Windows
and pages read it and listen to it; none of them reads another's widgets. Plain callbacks,
no Qt, so the facts of the meeting can be tested without a screen.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from retro_desk.editor import Change, SessionEditor
from retro_desk.model import Event, Participant
from retro_desk.timefmt import sort_key
from retro_desk.timer import PhaseTimer


class Topic(Enum):
    """What changed; a listener subscribes to the topics it shows."""

    RETRO = "retro"  # another retro was opened, or none
    PHASE = "phase"  # the current phase moved
    EDIT = "edit"  # one stored edit of the open retro (the callback gets the Change)
    DECISION = "decision"  # the decision point or question card under discussion
    SPEAKER = "speaker"  # the speaker of the feelings round, or attribution switched
    TICK = "tick"  # the clock moved: timers repaint


Listener = Callable[..., None]


class LiveSession:
    """One open retro at a time, and the meeting's position in it."""

    def __init__(self) -> None:
        self.editor: SessionEditor | None = None
        self.timer: PhaseTimer | None = None
        self.decision_key: str | None = None
        self.category: str | None = None
        self.speaker = 0
        self.attributed = False
        self._listeners: dict[Topic, list[Listener]] = {topic: [] for topic in Topic}

    # -- listening -------------------------------------------------------------------------

    def listen(self, topic: Topic, listener: Listener) -> None:
        self._listeners[topic].append(listener)

    def forget(self, listener: Listener) -> None:
        """Stop telling `listener` anything (a window that closes)."""
        for listeners in self._listeners.values():
            while listener in listeners:
                listeners.remove(listener)

    def announce(self, topic: Topic, *args: object) -> None:
        for listener in list(self._listeners[topic]):
            listener(*args)

    # -- the open retro --------------------------------------------------------------------

    def open(self, editor: SessionEditor | None, timer: PhaseTimer | None) -> None:
        """Make `editor` the open retro (None: no retro open) and start it afresh."""
        if self.editor is not None:
            self.editor.listeners.remove(self._edited)
        self.editor, self.timer = editor, timer
        self.decision_key = self.category = None
        self.speaker = 0
        self.attributed = False
        if editor is not None:
            editor.listeners.append(self._edited)
        self.announce(Topic.RETRO)

    def _edited(self, change: Change) -> None:
        self.announce(Topic.EDIT, change)

    @property
    def phase(self) -> str | None:
        return self.timer.item.phase if self.timer else None

    def go_to(self, index: int) -> bool:
        """Move to phase `index`; False if there is no such phase."""
        if not self.timer or not 0 <= index < len(self.timer.agenda):
            return False
        self.timer.go_to(index)
        self.announce(Topic.PHASE)
        return True

    def tick(self) -> None:
        self.announce(Topic.TICK)

    # -- local rationality -----------------------------------------------------------------

    def discuss(self, event_key: str | None, category: str | None) -> None:
        """The decision point (and question card) the room is talking about now."""
        if (event_key, category) != (self.decision_key, self.category):
            self.decision_key, self.category = event_key, category
            self.announce(Topic.DECISION)

    def decision(self) -> Event | None:
        if self.editor is None or self.decision_key is None:
            return None
        return next((e for e in self.editor.retro.timeline if e.key == self.decision_key), None)

    def decision_number(self) -> tuple[int, int]:
        """The position of the decision point under discussion among all, in time order."""
        if self.editor is None:
            return 0, 0
        points = sorted(self.editor.retro.decision_points(), key=lambda e: sort_key(e.at))
        keys = [point.key for point in points]
        number = keys.index(self.decision_key) + 1 if self.decision_key in keys else 0
        return number, len(keys)

    # -- the feelings round ----------------------------------------------------------------

    def participants(self) -> list[Participant]:
        return self.editor.retro.participants if self.editor else []

    def move_speaker(self, step: int) -> None:
        # The round goes on from the last person to the first, as people sit in a circle.
        count = len(self.participants())
        if count:
            self.speaker = (self.speaker + step) % count
            self.announce(Topic.SPEAKER)

    def set_attributed(self, attributed: bool) -> None:
        if attributed != self.attributed:
            self.attributed = attributed
            self.announce(Topic.SPEAKER)

    def speaker_key(self) -> str | None:
        participants = self.participants()
        if not participants:
            return None
        return participants[min(self.speaker, len(participants) - 1)].key

    def speaker_label(self, for_audience: bool) -> str:
        """Who speaks now. The facilitator always sees the name; the room sees a position,
        and the name only when the facilitator has turned attribution on."""
        participants = self.participants()
        if not participants:
            return ""
        index = min(self.speaker, len(participants) - 1)
        position = f"{index + 1} of {len(participants)}"
        if for_audience and not self.attributed:
            return f"Now speaking: participant {position}"
        return f"Now speaking: {participants[index].name} ({position})"
