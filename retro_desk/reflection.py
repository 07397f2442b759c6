"""The language reflection of a whole retro: where blame framing appears, and what became of it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

from retro_desk.language import (
    CATEGORIES,
    Finding,
    category_title,
    find_blame,
    find_blame_each,
)
from retro_desk.model import Retro
from retro_desk.timefmt import TimeInputError, local_display

# What the group did with a finding; "open" is never stored.
STATES: tuple[str, ...] = ("open", "reframed", "named_feeling")
STATE_LABELS = {"open": "open", "reframed": "reframed", "named_feeling": "kept as a named feeling"}


@dataclass(frozen=True)
class Place:
    """Where a text lives in a retro: enough to jump there and to name it to a person."""

    part: str
    ref: str
    field: str
    phase: str
    label: str


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
    for place, text in _texts(retro):
        yield place(), text


def _texts(retro: Retro) -> Iterator[tuple[Callable[[], Place], str]]:
    # Places are made only when asked for: naming an event by its local time costs more than
    # finding that its text holds no blame, and most texts hold none.
    session = retro.session
    yield partial(Place, "session", "", "summary", "opening", "Summary"), session.summary
    events = {event.key: event for event in retro.timeline}

    def event_place(at: str, key: str) -> Place:
        label = f"Timeline {_clock(at, session.timezone)}"
        return Place("timeline", key, "description", "timeline", label)

    def answer_place(event: str, category: str) -> Place:
        answered = events.get(event)
        when = _clock(answered.at, session.timezone) if answered else event
        return Place("rationality", f"{event}:{category}", "answer", "rationality",
                     f"Decision {when}, {category.replace('_', ' ')}")

    for event in retro.timeline:
        yield partial(event_place, event.at, event.key), event.description
    for answer in retro.rationality:
        yield partial(answer_place, answer.event, answer.category), answer.answer
    # Lists whose items have no key of their own: (part, field, phase, label, texts).
    keyless = (
        ("feelings", "note", "feelings", "Feeling", [f.note for f in retro.feelings]),
        ("learnings", "text", "learnings", "Learning", [item.text for item in retro.learnings]),
        ("actions", "description", "actions", "Action", [a.description for a in retro.actions]),
        ("parking_lot", "text", "", "Parking lot", [item.text for item in retro.parking_lot]),
    )
    for part, field_name, phase, noun, texts in keyless:
        for index, text in enumerate(texts, start=1):
            yield partial(Place, part, text_ref(text), field_name, phase, f"{noun} {index}"), text
    closing = partial(Place, "closing_notes", "", "notes", "close", "Closing notes")
    yield closing, retro.closing.notes


def retro_findings(
    retro: Retro, find: Callable[[str], list[Finding]] = find_blame
) -> list[LocatedFinding]:
    places, texts = zip(*_texts(retro), strict=True)
    found = find_blame_each(texts) if find is find_blame else [find(text) for text in texts]
    located: list[LocatedFinding] = []
    for place, findings in zip(places, found, strict=True):
        if findings:
            where = place()
            located += (LocatedFinding(where, finding) for finding in findings)
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


def render_markdown(summary: ReflectionSummary) -> str:
    """The export's short section: counts only, so nothing anyone typed is repeated or exposed."""
    lines = ["## Language reflection", ""]
    if not summary.total:
        lines.append("No blame, hindsight or counterfactual framing was noticed in the notes.")
        return "\n".join(lines) + "\n"
    noticed = "1 phrase of blame framing was" if summary.total == 1 else (
        f"{summary.total} phrases of blame framing were")
    lines.append(
        f"{noticed} noticed: {summary.reframed} reframed as a how/what question,"
        f" {summary.named} kept as a named feeling."
    )
    lines += ["", "| Pattern | Times noticed |", "|---|---:|"]
    for category in CATEGORIES:
        count = summary.per_category.get(category, 0)
        if count:
            lines.append(f"| {category_title(category)} | {count} |")
    return "\n".join(lines) + "\n"


def text_ref(text: str) -> str:
    """Items without a key of their own are named by their text, which survives export and
    import (row ids do not); an edited text is a new finding, so its mark rightly lapses."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _clock(at: str, tz: str) -> str:
    try:
        return local_display(at, tz, with_date=False)[:5]
    except TimeInputError:
        return at
