"""The language reflection of a whole retro: where blame framing appears, and what became of it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from retro_desk.language import (
    Finding,
    find_blame,
    find_blame_each,
)
from retro_desk.model import Event, Retro
from retro_desk.textref import Place, text_ref
from retro_desk.timefmt import TimeInputError, local_display

# What the group did with a finding; "open" is never stored.
STATES: tuple[str, ...] = ("open", "reframed", "named_feeling")
STATE_LABELS = {"open": "open", "reframed": "reframed", "named_feeling": "kept as a named feeling"}


@dataclass(frozen=True)
class LocatedFinding:
    place: Place
    finding: Finding

    @property
    def key(self) -> str:
        """Stable across edits elsewhere in the text: where, which pattern, which words."""
        place, finding = self.place, self.finding
        phrase = " ".join(finding.phrase.casefold().split())
        return f"{place.part}:{place.ref}:{place.field}:{finding.category}:{phrase}"


@dataclass
class ReflectionSummary:
    per_category: dict[str, int] = field(default_factory=dict)
    reframed: int = 0
    named: int = 0

    @property
    def total(self) -> int:
        return sum(self.per_category.values())


def retro_texts(retro: Retro) -> Iterator[tuple[Place, str]]:
    """Every shared text of a retro (private notes are the facilitator's own and stay out)."""
    for texts, place in _sources(retro):
        for index, text in enumerate(texts):
            yield place(index), text


# Texts of one kind, and the Place of the text at an index.
_Source = tuple[Sequence[str], Callable[[int], Place]]


def _sources(retro: Retro) -> list[_Source]:
    # Places are made only when asked for: naming an event by its local time costs more than
    # finding that its text holds no blame, and most texts hold none. The texts are plain
    # lists: a generator step and a partial per text cost half as much as the check itself.
    session = retro.session
    timeline, answers = retro.timeline, retro.rationality
    events: dict[str, Event] = {}

    def summary_place(_index: int) -> Place:
        return Place("session", "", "summary", "opening", "Summary")

    def event_place(index: int) -> Place:
        event = timeline[index]
        label = f"Timeline {_clock(event.at, session.timezone)}"
        return Place("timeline", event.key, "description", "timeline", label)

    def answer_place(index: int) -> Place:
        answer = answers[index]
        if not events:
            events.update((event.key, event) for event in timeline)
        answered = events.get(answer.event)
        when = _clock(answered.at, session.timezone) if answered else answer.event
        category = answer.category
        return Place("rationality", f"{answer.event}:{category}", "answer", "rationality",
                     f"Decision {when}, {category.replace('_', ' ')}")

    def keyless(part: str, field_name: str, phase: str, noun: str, texts: list[str]) -> _Source:
        """Items with no key of their own, named by their text and their number."""

        def place(index: int) -> Place:
            text = texts[index]
            return Place(part, text_ref(text), field_name, phase, f"{noun} {index + 1}")

        return texts, place

    def closing_place(_index: int) -> Place:
        return Place("closing_notes", "", "notes", "close", "Closing notes")

    return [
        ([session.summary], summary_place),
        ([event.description for event in timeline], event_place),
        ([answer.answer for answer in answers], answer_place),
        keyless("feelings", "note", "feelings", "Feeling", [f.note for f in retro.feelings]),
        keyless("learnings", "text", "learnings", "Learning", [i.text for i in retro.learnings]),
        keyless("actions", "description", "actions", "Action",
                [action.description for action in retro.actions]),
        keyless("parking_lot", "text", "", "Parking lot", [i.text for i in retro.parking_lot]),
        ([retro.closing.notes], closing_place),
    ]


def retro_findings(
    retro: Retro, find: Callable[[str], list[Finding]] = find_blame
) -> list[LocatedFinding]:
    sources = _sources(retro)
    texts = [text for source_texts, _ in sources for text in source_texts]
    found = find_blame_each(texts) if find is find_blame else [find(text) for text in texts]
    located: list[LocatedFinding] = []
    first = 0
    for source_texts, place in sources:
        for index, findings in enumerate(found[first : first + len(source_texts)]):
            if findings:
                where = place(index)
                located += (LocatedFinding(where, finding) for finding in findings)
        first += len(source_texts)
    return located


def summarise(findings: list[LocatedFinding], marks: dict[str, str]) -> ReflectionSummary:
    summary = ReflectionSummary()
    for located in findings:
        category = located.finding.category
        summary.per_category[category] = summary.per_category.get(category, 0) + 1
        state = marks.get(located.key, "open")
        summary.reframed += state == "reframed"
        summary.named += state == "named_feeling"
    return summary




def _clock(at: str, tz: str) -> str:
    try:
        return local_display(at, tz, with_date=False)[:5]
    except TimeInputError:
        return at
