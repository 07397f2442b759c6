"""The retro as plain data: session, participants, agenda, and everything said in the meeting."""

from __future__ import annotations

from dataclasses import dataclass, field

PHASES: tuple[str, ...] = (
    "opening",
    "feelings",
    "timeline",
    "rationality",
    "learnings",
    "actions",
    "close",
)
PHASE_TITLES: dict[str, str] = {
    "opening": "Opening",
    "feelings": "Feelings round",
    "timeline": "Timeline",
    "rationality": "Local rationality",
    "learnings": "Learnings",
    "actions": "Actions",
    "close": "Close",
}
KINDS: tuple[str, ...] = ("own", "external")
STATUSES: tuple[str, ...] = ("draft", "live", "closed")
CATEGORIES: tuple[str, ...] = (
    "cues",
    "knowledge",
    "goals",
    "attention",
    "pressures",
    "expectations",
    "options",
    "normal_work",
    "tools",
    "help",
)
CATEGORY_TITLES: dict[str, str] = {
    "cues": "Cues",
    "knowledge": "Knowledge",
    "goals": "Goals",
    "attention": "Attention",
    "pressures": "Pressures",
    "expectations": "Expectations",
    "options": "Options",
    "normal_work": "Normal work",
    "tools": "Tools",
    "help": "Help",
}
ROTI_RANGE = range(1, 6)


@dataclass
class Session:
    """The retro's own facts; `id` is the database row, `uuid` identifies it across files."""

    uuid: str
    title: str
    kind: str = "own"
    incident_date: str | None = None
    timezone: str = "UTC"
    facilitator: str = ""
    summary: str = ""
    status: str = "draft"
    source_links: list[str] = field(default_factory=list)
    language_reflection: bool = True
    # The write-up's standard fields, all optional. Key times are ISO 8601 instants.
    severity: str = ""
    incident_ref: str = ""
    services: list[str] = field(default_factory=list)
    impact: str = ""
    detected_at: str | None = None
    mitigated_at: str | None = None
    resolved_at: str | None = None
    retro_date: str | None = None
    owner: str = ""
    # Feelings notes are personal: they leave the app only when the facilitator ticks this.
    export_feeling_notes: bool = False
    id: int | None = None
    created_at: str = ""
    updated_at: str = ""


@dataclass
class Participant:
    key: str
    name: str
    role: str = ""
    id: int | None = None


@dataclass
class AgendaItem:
    phase: str
    title: str
    planned_seconds: int
    spent_seconds: int = 0
    id: int | None = None


@dataclass
class Feeling:
    words: list[str]
    note: str = ""
    participant: str | None = None
    blame_feeling: bool = False
    id: int | None = None


@dataclass
class Event:
    """One timeline entry; `at` is an ISO 8601 date-time with offset."""

    key: str
    at: str
    description: str
    actor: str = ""
    source: str = ""
    decision_point: bool = False
    learned_later: bool = False
    id: int | None = None


@dataclass
class Answer:
    event: str
    category: str
    answer: str
    id: int | None = None


@dataclass
class Learning:
    text: str
    id: int | None = None


@dataclass
class Action:
    description: str
    owner: str = ""
    due: str | None = None
    done: bool = False
    id: int | None = None


@dataclass
class ParkingItem:
    text: str
    id: int | None = None


@dataclass
class Closing:
    roti: list[int] = field(default_factory=list)
    notes: str = ""


@dataclass
class Retro:
    """A whole retro as it is imported, exported and shown."""

    session: Session
    participants: list[Participant] = field(default_factory=list)
    agenda: list[AgendaItem] = field(default_factory=list)
    feelings: list[Feeling] = field(default_factory=list)
    timeline: list[Event] = field(default_factory=list)
    rationality: list[Answer] = field(default_factory=list)
    learnings: list[Learning] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    parking_lot: list[ParkingItem] = field(default_factory=list)
    closing: Closing = field(default_factory=Closing)
    private_notes: str = ""
    # Language-reflection finding key -> "reframed" or "named_feeling" (see reflection.py).
    reflection_marks: dict[str, str] = field(default_factory=dict)

    def decision_points(self) -> list[Event]:
        return [event for event in self.timeline if event.decision_point]

    def answers_for(self, event_key: str) -> dict[str, str]:
        return {a.category: a.answer for a in self.rationality if a.event == event_key}

    def participant_name(self, key: str | None) -> str | None:
        for participant in self.participants:
            if participant.key == key:
                return participant.name
        return None
