"""What a write-up says, decided once: sections, their order, fields and what stays private.

Markdown, HTML and PDF only render the blocks made here. Text a person typed travels as
`Run(text, typed=True)`, so each renderer can make it literal in its own way (and link the
http(s) URLs in it); everything else is this program's own wording.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from retro_desk import reflection
from retro_desk.feelings_tally import tally
from retro_desk.language import CATEGORIES as BLAME_CATEGORIES
from retro_desk.language import category_title
from retro_desk.model import CATEGORIES, CATEGORY_TITLES, PHASE_TITLES, ROTI_RANGE, Event, Retro
from retro_desk.timefmt import (
    TimeInputError,
    format_minutes,
    format_signed_minutes,
    sort_key,
    zone,
)
from retro_desk.vocabulary import FeelingWord, load_vocabulary

KIND_LABELS: dict[str, str] = {
    "own": "Our own incident",
    "external": "External incident study (someone else's public incident)",
}
STATUS_LABELS: dict[str, str] = {"draft": "Draft", "live": "In progress", "closed": "Closed"}
NONE_RECORDED = "None recorded."
DECISION_MARK = "◆ decision point"
LEARNED_LATER_MARK = "△ learned later"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TIMELINE_COLUMNS = ("Time", "Who", "What happened", "Source", "Marked")


class Run(NamedTuple):
    """A piece of text; `typed` when a person wrote it, `strong` for a label of ours."""

    text: str
    typed: bool = True
    strong: bool = False


Line = tuple[Run, ...]


def fixed(text: str, strong: bool = False) -> Line:
    return (Run(text, typed=False, strong=strong),)


def typed(text: str) -> Line:
    return (Run(text),)


@dataclass(frozen=True)
class Heading:
    level: int
    text: Line
    key: str


@dataclass(frozen=True)
class Paragraph:
    content: Line
    muted: bool = False


@dataclass(frozen=True)
class Bullets:
    """A list; `done` gives each item's task box (None: a plain list); `sub` nested items."""

    items: tuple[Line, ...]
    done: tuple[bool, ...] | None = None
    sub: tuple[tuple[Line, ...], ...] | None = None


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[Line, ...], ...]
    numeric: frozenset[int] = frozenset()
    total_row: bool = False
    # Relative column widths for paged output (which cannot size columns to their content).
    widths: tuple[int, ...] = ()
    decision_rows: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Figure:
    """The timeline picture; renderers that have one put it here."""

    alt: str
    caption: str


Block = Heading | Paragraph | Bullets | Table | Figure


@dataclass(frozen=True)
class Field:
    label: str
    value: Line
    items: tuple[Line, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    title: str
    fields: tuple[Field, ...]
    sections: tuple[Section, ...] = field(default_factory=tuple)

    @property
    def heading(self) -> str:
        return f"Retro: {self.title}"


def blank(text: str | None) -> bool:
    return text is None or not text.strip()


def build(
    retro: Retro, vocabulary: Iterable[FeelingWord] | None = None, *, picture: bool = False
) -> Document:
    """The write-up of `retro`. `picture`: the renderer has a timeline picture to show.

    Content comes first (summary, timeline with each decision point's answers beside it,
    learnings, actions, parking lot, feelings, closing); the agenda and the language
    reflection, which are about the meeting rather than the incident, come last. Private
    notes never appear; feelings notes only when the facilitator ticked it for this retro.
    """
    words = load_vocabulary() if vocabulary is None else list(vocabulary)
    events = sorted(retro.timeline, key=lambda event: sort_key(event.at))
    clock = Clock(events, retro.session.timezone)
    sections = [
        _summary(retro),
        _timeline(retro, events, clock, picture),
        _items("learnings", "Learnings", [item.text for item in retro.learnings]),
        _actions(retro),
        _items("parking-lot", "Parking lot", [item.text for item in retro.parking_lot]),
        _feelings(retro, words),
        _closing(retro),
        _agenda(retro),
    ]
    if retro.session.language_reflection:
        sections.append(_reflection(retro))
    return Document(retro.session.title, _fields(retro, clock), tuple(sections))


# -- times ---------------------------------------------------------------------------------


class Clock:
    """Times in the session's zone, each shown once: the zone and offset in the header, the
    date on a row only when it differs from the row before, seconds only when some time has
    them. A time that cannot be read is shown as stored."""

    def __init__(self, events: Sequence[Event], tz: str) -> None:
        self.tz = tz
        self._zone: ZoneInfo | None
        try:
            self._zone = zone(tz)
        except TimeInputError:
            self._zone = None
        self._local: dict[int, datetime] = {}
        for event in events:
            moment = self.read(event.at)
            if moment is not None:
                self._local[id(event)] = moment
        moments = list(self._local.values())
        self.seconds = any(m.second or m.microsecond for m in moments)
        offsets = {m.utcoffset() for m in moments}
        self.offset = _offset_text(moments[0]) if len(offsets) == 1 else None
        days = {m.date() for m in moments}
        self.day = days.pop().isoformat() if len(days) == 1 else None

    def read(self, at: str | None) -> datetime | None:
        if blank(at) or self._zone is None:
            return None
        assert at is not None
        try:
            value = datetime.fromisoformat(at.strip())
        except ValueError:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=self._zone)
        try:
            return value.astimezone(self._zone)
        except (OverflowError, ValueError):
            return None

    def zone_text(self) -> str:
        return f"{self.tz} (UTC{self.offset})" if self.offset else self.tz

    def clock(self, moment: datetime) -> str:
        text = moment.strftime("%H:%M:%S" if self.seconds else "%H:%M")
        return text if self.offset else f"{text} UTC{_offset_text(moment)}"

    def rows(self, events: Sequence[Event]) -> list[Line]:
        """Each event's time cell: the date only where it changes."""
        cells: list[Line] = []
        last_day = self.day
        for event in events:
            moment = self._local.get(id(event))
            if moment is None:
                cells.append(typed(event.at))
                continue
            day = moment.date().isoformat()
            text = self.clock(moment)
            cells.append(fixed(text if day == last_day else f"{day} {text}"))
            last_day = day
        return cells

    def event(self, event: Event) -> str | None:
        moment = self._local.get(id(event))
        if moment is None:
            return None
        text = self.clock(moment)
        return text if self.day else f"{moment.date().isoformat()} {text}"

    def instant(self, at: str | None, incident_day: str | None) -> str | None:
        """A key time of the header, with its date unless it is the incident's date."""
        moment = self.read(at)
        if moment is None:
            return None
        text = moment.strftime("%H:%M")
        day = moment.date().isoformat()
        text = text if day == incident_day else f"{day} {text}"
        return text if self.offset and moment.utcoffset() == _offset(self.offset) else (
            f"{text} UTC{_offset_text(moment)}")


def duration(seconds: float) -> str:
    """`51 min`, `2 h 5 min`, `3 d 4 h`: how long something took, to the minute."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under 1 min"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d"] * bool(days) + [f"{hours} h"] * bool(hours)
    if not days:
        parts += [f"{minutes} min"] * bool(minutes)
    return " ".join(parts)


def _offset_text(moment: datetime) -> str:
    text = moment.isoformat()[-6:]
    return text if text[0] in "+-" else "+00:00"


def _offset(text: str) -> object:
    return datetime.fromisoformat(f"2000-01-01T00:00:00{text}").utcoffset()


# -- the header ----------------------------------------------------------------------------


def _fields(retro: Retro, clock: Clock) -> tuple[Field, ...]:
    s = retro.session
    result = [Field("Kind", fixed(KIND_LABELS.get(s.kind, s.kind)))]
    if not blank(s.severity):
        result.append(Field("Severity", typed(s.severity)))
    if not blank(s.incident_ref):
        result.append(Field("Incident", typed(s.incident_ref)))
    services = [name for name in s.services if not blank(name)]
    if services:
        result.append(Field("Services", _joined(services)))
    if not blank(s.impact):
        result.append(Field("Impact", typed(s.impact)))
    date = _date(s.incident_date) if s.incident_date else fixed("not recorded")
    result.append(Field("Incident date", date))
    result.extend(_key_times(retro, clock))
    result.append(Field("Times", fixed(f"in {clock.zone_text()}")))
    if s.retro_date:
        result.append(Field("Retro held", _date(s.retro_date)))
    result.append(Field("Facilitator", fixed("not recorded") if blank(s.facilitator)
                        else typed(s.facilitator)))
    if not blank(s.owner):
        result.append(Field("Owner", typed(s.owner)))
    result.append(Field("Status", fixed(STATUS_LABELS.get(s.status, s.status))))
    people = tuple(_person(p.name, p.role) for p in retro.participants)
    if people:
        result.append(Field("Participants", (), people))
    else:
        result.append(Field("Participants", fixed("none recorded")))
    links = tuple(typed(link) for link in s.source_links if not blank(link))
    if links:
        result.append(Field("Sources", (), links))
    elif s.kind == "external":
        result.append(Field("Sources", fixed("none recorded")))
    return tuple(result)


def _date(text: str) -> Line:
    """A date as stored; anything else found there is shown as the text it is."""
    return fixed(text) if _ISO_DATE.fullmatch(text) else typed(text)


def _joined(texts: list[str]) -> Line:
    runs: list[Run] = []
    for index, text in enumerate(texts):
        if index:
            runs.append(Run(", ", typed=False))
        runs.append(Run(text))
    return tuple(runs)


def _key_times(retro: Retro, clock: Clock) -> list[Field]:
    s = retro.session
    detected = clock.read(s.detected_at)
    result = []
    for label, at in (("Detected", s.detected_at), ("Mitigated", s.mitigated_at),
                      ("Resolved", s.resolved_at)):
        shown = clock.instant(at, s.incident_date)
        if shown is None:
            if not blank(at):
                assert at is not None
                result.append(Field(label, typed(at)))
            continue
        moment = clock.read(at)
        if label != "Detected" and detected is not None and moment is not None:
            seconds = (moment - detected).total_seconds()
            if seconds >= 0:
                shown += f" ({duration(seconds)} after detection)"
        result.append(Field(label, fixed(shown)))
    return result


def _person(name: str, role: str) -> Line:
    shown = fixed("(no name)") if blank(name) else typed(name)
    return shown if blank(role) else (*shown, Run(" — ", typed=False), Run(role))


# -- sections ------------------------------------------------------------------------------


def _section(key: str, title: str, blocks: list[Block]) -> Section:
    return Section(key, title, tuple(blocks or [Paragraph(fixed(NONE_RECORDED), muted=True)]))


def _summary(retro: Retro) -> Section:
    summary = retro.session.summary
    return _section("summary", "Summary", [] if blank(summary) else [Paragraph(typed(summary))])


def _timeline(retro: Retro, events: list[Event], clock: Clock, picture: bool) -> Section:
    if not events:
        return _section("timeline", "Timeline", [])
    blocks: list[Block] = []
    if picture:
        blocks.append(Figure(
            alt=f"Timeline picture: {len(events)} events on a time axis; decision points as"
            " diamonds, learned-later facts as open triangles",
            caption="The incident on a time axis. Where labels would overlap they are grouped"
            " under a count; the table lists every event.",
        ))
    answers: dict[str, dict[str, str]] = {}
    for answer in retro.rationality:
        if not blank(answer.answer):
            answers.setdefault(answer.event, {})[answer.category] = answer.answer
    header = (f"Time ({clock.day})" if clock.day else "Time", *TIMELINE_COLUMNS[1:])
    times = clock.rows(events)
    rows: list[tuple[Line, ...]] = []
    decisions: set[int] = set()
    number = 0
    for event, time in zip(events, times, strict=True):
        marks = [DECISION_MARK] * event.decision_point + [LEARNED_LATER_MARK] * event.learned_later
        if event.decision_point:
            decisions.add(len(rows))
        rows.append((time, typed(event.actor), typed(event.description), typed(event.source),
                     fixed(", ".join(marks))))
        if event.decision_point:
            # The table pauses after a decision point, for its answers to stand beside it.
            blocks.append(_timeline_table(header, rows, decisions))
            rows, decisions = [], set()
            number += 1
            blocks.extend(_decision(number, event, clock, answers.get(event.key, {})))
    if rows:
        blocks.append(_timeline_table(header, rows, decisions))
    blocks.append(Paragraph(fixed(
        f"{DECISION_MARK}: a decision the people responding made. {LEARNED_LATER_MARK}: "
        "a fact they did not know at the time, only learned afterwards."), muted=True))
    return _section("timeline", "Timeline", blocks)


def _timeline_table(header: tuple[str, ...], rows: list[tuple[Line, ...]],
                    decisions: set[int]) -> Table:
    return Table(header, tuple(rows), widths=(15, 15, 42, 14, 14),
                 decision_rows=frozenset(decisions))


def _decision(number: int, event: Event, clock: Clock, given: dict[str, str]) -> list[Block]:
    when = clock.event(event)
    title: Line = (Run(f"Decision point {number}", typed=False),)
    if when is not None:
        title += (Run(f" · {when}", typed=False),)
    blocks: list[Block] = [Heading(3, title, f"decision-{number}")]
    order = [c for c in CATEGORIES if c in given] + [c for c in given if c not in CATEGORIES]
    items = tuple(
        (Run(f"{CATEGORY_TITLES.get(category, category)}:", typed=False, strong=True),
         Run(" ", typed=False), Run(given[category]))
        for category in order
    )
    if items:
        blocks.append(Bullets(items))
    else:
        blocks.append(Paragraph(fixed("No local-rationality answers recorded."), muted=True))
    return blocks


def _items(key: str, title: str, texts: list[str]) -> Section:
    items = tuple(typed(text) for text in texts if not blank(text))
    return _section(key, title, [Bullets(items)] if items else [])


def _actions(retro: Retro) -> Section:
    items: list[Line] = []
    done: list[bool] = []
    for action in retro.actions:
        line = fixed("(no description)") if blank(action.description) else typed(
            action.description)
        owner = (Run(" — no owner", typed=False),) if blank(action.owner) else (
            Run(" — owner: ", typed=False), Run(action.owner))
        due = (Run(", due ", typed=False), *_date(action.due)) if action.due else ()
        items.append(line + owner + due)
        done.append(action.done)
    blocks: list[Block] = [Bullets(tuple(items), done=tuple(done))] if items else []
    return _section("actions", "Actions", blocks)


def _feelings(retro: Retro, vocabulary: list[FeelingWord]) -> Section:
    feelings = retro.feelings
    if not feelings:
        return _section("feelings", "Feelings round", [])
    marked = sum(feeling.blame_feeling for feeling in feelings)
    entries = "entry" if len(feelings) == 1 else "entries"
    blocks: list[Block] = [
        Paragraph(fixed(f"{marked} of {len(feelings)} {entries} named a blame feeling."))
    ]
    core, blame = tally(feelings, vocabulary)
    for heading, counts in (("Feeling", core), ("Blame feeling", blame)):
        if counts:
            rows = tuple((typed(word), fixed(str(count))) for word, count in counts)
            blocks.append(Table((heading, "Count"), rows, numeric=frozenset({1})))
    notes = [f.note for f in feelings if not blank(f.note)]
    if notes and retro.session.export_feeling_notes:
        # Never a name, and sorted so their order cannot reveal who spoke when.
        blocks.append(Paragraph(fixed("Notes, unattributed:")))
        blocks.append(Bullets(tuple(typed(note) for note in sorted(notes, key=str.casefold))))
    elif notes:
        noun = "note was" if len(notes) == 1 else "notes were"
        blocks.append(Paragraph(fixed(
            f"{len(notes)} {noun} written; they stay in the retro (the facilitator did not"
            " choose to share them)."), muted=True))
    return _section("feelings", "Feelings round", blocks)


def _closing(retro: Retro) -> Section:
    votes = retro.closing.roti
    blocks: list[Block] = []
    if votes:
        average = sum(votes) / len(votes)
        noun = "vote" if len(votes) == 1 else "votes"
        blocks.append(Paragraph(fixed(
            f"ROTI (return on time invested, 1–5): average {average:.1f} from {len(votes)} {noun}."
        )))
        counts = Counter(votes)
        scores = sorted(set(ROTI_RANGE) | set(counts), reverse=True)
        rows = tuple((fixed(str(score)), fixed(str(counts[score]))) for score in scores)
        blocks.append(Table(("ROTI", "Votes"), rows, numeric=frozenset({0, 1})))
    else:
        blocks.append(Paragraph(fixed("No ROTI votes recorded.")))
    if not blank(retro.closing.notes):
        blocks.append(Paragraph(typed(retro.closing.notes)))
    return _section("closing", "Closing", blocks)


def _agenda(retro: Retro) -> Section:
    if not retro.agenda:
        return _section("agenda", "Agenda: planned and spent", [])
    rows: list[tuple[Line, ...]] = []
    for item in retro.agenda:
        phase = fixed(PHASE_TITLES.get(item.phase, item.phase)) if blank(item.title) else typed(
            item.title)
        rows.append((phase, *_minutes(item.planned_seconds, item.spent_seconds)))
    planned = sum(item.planned_seconds for item in retro.agenda)
    spent = sum(item.spent_seconds for item in retro.agenda)
    rows.append((fixed("Total"), *_minutes(planned, spent)))
    table = Table(("Phase", "Planned", "Spent", "Difference"), tuple(rows),
                  numeric=frozenset({1, 2, 3}), total_row=True)
    return _section("agenda", "Agenda: planned and spent", [table])


def _minutes(planned: int, spent: int) -> tuple[Line, Line, Line]:
    return (fixed(format_minutes(planned)), fixed(format_minutes(spent)),
            fixed(format_signed_minutes(spent - planned, minus="−")))


def _reflection(retro: Retro) -> Section:
    summary = reflection.summarise(reflection.retro_findings(retro), retro.reflection_marks)
    if not summary.total:
        return _section("language-reflection", "Language reflection", [Paragraph(fixed(
            "No blame, hindsight or counterfactual framing was noticed in the notes."))])
    noticed = "1 phrase of blame framing was" if summary.total == 1 else (
        f"{summary.total} phrases of blame framing were")
    blocks: list[Block] = [Paragraph(fixed(
        f"{noticed} noticed: {summary.reframed} reframed as a how/what question,"
        f" {summary.named} kept as a named feeling."))]
    rows = tuple(
        (fixed(category_title(category)), fixed(str(count)))
        for category in BLAME_CATEGORIES
        if (count := summary.per_category.get(category, 0))
    )
    blocks.append(Table(("Pattern", "Times noticed"), rows, numeric=frozenset({1})))
    return _section("language-reflection", "Language reflection", blocks)


# -- what renderers find inside typed text -------------------------------------------------

_URL = re.compile(r"(?<![A-Za-z0-9+.-])[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9][^\s<>`|\"\\\[\]]*")
_URL_TAIL = ".,:;!?'*_~"


def trim_url(url: str) -> str:
    """Trailing punctuation belongs to the sentence, as GFM decides; so does an unmatched `)`."""
    while url:
        last = url[-1]
        if last in _URL_TAIL or (last == ")" and url.count(")") > url.count("(")) or (
                last == "]" and url.count("]") > url.count("[")):
            url = url[:-1]
        else:
            break
    return url


def split_urls(text: str) -> list[tuple[str, bool]]:
    """`text` in pieces, each (piece, is an http(s) URL): the only links typed text makes."""
    if "://" not in text:
        return [(text, False)]
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in _URL.finditer(text):
        url = trim_url(match[0])
        if not url or "://" not in url or url.endswith("://"):
            continue
        if match.start() > last:
            pieces.append((text[last:match.start()], False))
        pieces.append((url, True))
        last = match.start() + len(url)
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces
