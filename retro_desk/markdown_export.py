"""A finished retro as GitHub-flavoured Markdown in which everything people typed stays literal."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import quote

from retro_desk.feelings_tally import tally
from retro_desk.model import CATEGORIES, CATEGORY_TITLES, PHASE_TITLES, ROTI_RANGE, Event, Retro
from retro_desk.timefmt import EventTimes, format_minutes, format_signed_minutes, sort_key
from retro_desk.vocabulary import FeelingWord, load_vocabulary

KIND_LABELS: dict[str, str] = {
    "own": "Our own incident",
    "external": "External incident study (someone else's public incident)",
}
NONE_RECORDED = "None recorded."
DECISION_MARK = "◆ decision point"
LEARNED_LATER_MARK = "learned later"

# Escaping rules. Text a person typed must render as exactly what they typed, on GitHub,
# GitLab and CommonMark wikis alike, and still read well as plain text (an export may be
# pasted into an email). So we backslash-escape every ASCII punctuation character that can
# start Markdown syntax wherever it stands, and the ones that only matter in one position
# only there:
# - always: \ ` * _ ~ [ ] < > & | $ ^ { } # @ + =  (emphasis, strikethrough, code, links,
#   footnotes, task boxes, autolinks, raw HTML, entities, table cells, math, headings,
#   e-mail autolinks, list markers, setext underlines);
# - `.` and `:` when the next character is not whitespace: that stops GFM's bare
#   `www.`/`http://`/e-mail autolinks, linkify's bare domains and `:emoji:` codes, while a
#   sentence's full stop and a label's colon stay clean; between two digits they stay
#   too (14:32, 4.31), since no autolink or shortcode starts that way;
# - at the start of a line: `-` and `:` (list, setext, thematic break, table delimiter,
#   definition list) and the `.` or `)` after leading digits (ordered list).
# The rest (, ; ? ! % ' " ( ) / and - elsewhere) cannot start Markdown syntax once the
# characters above are escaped. Whitespace at either end of a line becomes a numeric
# character reference, because parsers strip it there and four leading spaces would make
# a code block; entities are not raw HTML. Normalisations, the only ones: CR LF and lone CR
# become line breaks; control characters other than tab and line feed become U+FFFD (as
# CommonMark does for NUL), since they cannot be shown and parsers disagree about them, and
# so do unpaired surrogates (a JSON file can hold "\ud800"), which UTF-8 cannot encode.
# Platform references that are not Markdown (GitHub `#123`, GitLab `!123`, bare commit
# hashes) cannot be escaped with backslashes on those sites, so they are left as typed.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CARRIAGE_RETURN = re.compile(r"\r\n?")
# Backslashed wherever they are: one str.replace per character present, the backslash first
# (a regex substitution calling back per match took two to four times as long).
_SPECIAL_CHARACTERS = "`*_~[]<>&|$^{}#@+="
# `.` and `:` only before a non-space, and not between two digits (`14:32`, `2.5`). Done after
# the others: a backslash put before a character is no space and no digit, so each `.` and `:`
# keeps neighbours of the same kind. Each branch starts with `[.:]`, which lets the regex
# engine skip ahead to them instead of trying a lookbehind at every position.
_DOT_COLON = re.compile(r"[.:](?=[^\s0-9])|[.:](?<![0-9][.:])(?=\S)")
_LINE_START = re.compile(r"([0-9]+)([.)])|[-:]")
_EDGE_SPACE = re.compile(r"^\s+|\s+$")
_BACKTICKS = re.compile(r"`+")


def escape_inline(text: str) -> str:
    """`text` for a paragraph or list item: literal, its line breaks as hard breaks.

    The result has a raw newline only after a hard-break backslash, so a caller can
    indent the continuation lines of a list item by replacing "\\n".
    """
    lines = _escaped_lines(text)
    trailing = 0
    while len(lines) > 1 and lines[-1] == "":
        lines.pop()
        trailing += 1
    # A hard break cannot end a block, so line breaks at the very end become entities.
    return "\\\n".join(lines) + "&#10;" * trailing


def escape_cell(text: str) -> str:
    """`text` for a table cell: literal, pipes escaped, line breaks as `<br>`."""
    return "<br>".join(_escaped_lines(text))


def _escape_heading(text: str) -> str:
    # A heading is one line; an entity keeps the typed line break as a character.
    return "&#10;".join(_escaped_lines(text))


def _escaped_lines(text: str) -> list[str]:
    # The `in` tests skip work most texts do not need: a 5,000-event export escapes 15,000.
    if "\r" in text:
        text = _CARRIAGE_RETURN.sub("\n", text)
    if not text.isprintable():  # a line break, a tab, an odd space; or a control character
        text = _CONTROL.sub("\ufffd", text)
    if "\n" not in text:
        return [_escape_line(text)]
    return [_escape_line(line) for line in text.split("\n")]


def _escape_line(line: str) -> str:
    head = ""
    start = _LINE_START.match(line)
    if start:
        head = f"{start[1]}\\{start[2]}" if start[1] else f"\\{start[0]}"
        line = line[start.end() :]
    escaped = head + _backslash_specials(line)
    if escaped[:1].isspace() or escaped[-1:].isspace():
        escaped = _EDGE_SPACE.sub(_entities, escaped)
    return escaped


def _backslash_specials(line: str) -> str:
    if "\\" in line:
        line = line.replace("\\", "\\\\")
    for character in _SPECIAL_CHARACTERS:
        if character in line:
            line = line.replace(character, "\\" + character)
    if "." in line or ":" in line:
        # A function, not a "\\\g<0>" template: templates are expanded in Python per match.
        line = _DOT_COLON.sub(_backslashed, line)
    return line


def _backslashed(match: re.Match[str]) -> str:
    return f"\\{match[0]}"


def _entities(match: re.Match[str]) -> str:
    return "".join(f"&#{ord(c)};" for c in match[0])


def _literal(text: str) -> str:
    """A link or identifier in a code span, where it is copyable and never linked."""
    if "\n" in text or "\r" in text:
        # A code span turns line breaks into spaces, so this one cannot be shown as typed.
        return escape_inline(text)
    text = _CONTROL.sub("\ufffd", text)
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    # One space of padding is stripped back off by the parser when both ends have one.
    pad = " " if text[0] in " `" or text[-1] in " `" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _blank(text: str) -> bool:
    return not text.strip()


def _bullet(body: str) -> str:
    # Continuation lines (hard breaks, nested lists) belong to the item's content column.
    return "- " + body.replace("\n", "\n  ")


def _date(text: str) -> str:
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return text
    return escape_inline(text)


def _table(header: list[str], align: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def render_markdown(
    retro: Retro,
    *,
    reflection: str | None = None,
    timeline_image: str | None = None,
    vocabulary: Iterable[FeelingWord] | None = None,
) -> str:
    """The retro as one Markdown document.

    `reflection` is a ready-made Markdown section, placed before the closing;
    `timeline_image` is the relative path of the timeline picture; `vocabulary` sorts
    feeling words into core and blame (the shipped one when None).
    """
    words = load_vocabulary() if vocabulary is None else list(vocabulary)
    events = sorted(retro.timeline, key=lambda event: sort_key(event.at))
    clock = _Clock(events, retro.session.timezone)
    sections = [
        _header(retro),
        _summary(retro.session.summary),
        _agenda(retro),
        _feelings(retro, words),
        _timeline(events, clock, timeline_image),
        _decision_points(retro, events, clock),
        _bullets("Learnings", [item.text for item in retro.learnings]),
        _actions(retro),
        _bullets("Parking lot", [item.text for item in retro.parking_lot]),
    ]
    if reflection and reflection.strip():
        sections.append(reflection.strip("\n"))
    sections.append(_closing(retro))
    return "\n\n".join(sections) + "\n"


def _section(title: str, blocks: list[str]) -> str:
    return "\n\n".join([f"## {title}", *(blocks or [NONE_RECORDED])])


def _summary(summary: str) -> str:
    return _section("Summary", [] if _blank(summary) else [escape_inline(summary)])


def _header(retro: Retro) -> str:
    s = retro.session
    kind = KIND_LABELS.get(s.kind) or escape_inline(s.kind)
    date = _date(s.incident_date) if s.incident_date else "not recorded"
    facilitator = "not recorded" if _blank(s.facilitator) else escape_inline(s.facilitator)
    items = [
        f"**Kind:** {kind}",
        f"**Incident date:** {date}",
        f"**Time zone:** {escape_inline(s.timezone)}",
        f"**Facilitator:** {facilitator}",
    ]
    people = [_person(p.name, p.role) for p in retro.participants]
    if people:
        items.append("**Participants:**\n" + "\n".join(_bullet(p) for p in people))
    else:
        items.append("**Participants:** none recorded")
    links = [link for link in s.source_links if not _blank(link)]
    if links:
        items.append(
            "**Sources:**\n" + "\n".join(_bullet(_literal(link)) for link in links)
        )
    elif s.kind == "external":
        items.append("**Sources:** none recorded")
    metadata = "\n".join(_bullet(item) for item in items)
    return f"# Retro: {_escape_heading(s.title)}\n\n{metadata}"


def _person(name: str, role: str) -> str:
    shown = "(no name)" if _blank(name) else escape_inline(name)
    return shown if _blank(role) else f"{shown} — {escape_inline(role)}"


def _agenda(retro: Retro) -> str:
    rows = []
    for item in retro.agenda:
        if _blank(item.title):
            phase = PHASE_TITLES.get(item.phase) or escape_cell(item.phase)
        else:
            phase = escape_cell(item.title)
        rows.append(
            [
                phase,
                format_minutes(item.planned_seconds),
                format_minutes(item.spent_seconds),
                format_signed_minutes(item.spent_seconds - item.planned_seconds),
            ]
        )
    if not rows:
        return _section("Agenda", [])
    planned = sum(item.planned_seconds for item in retro.agenda)
    spent = sum(item.spent_seconds for item in retro.agenda)
    total = [format_minutes(planned), format_minutes(spent), format_signed_minutes(spent - planned)]
    rows.append(["**Total**", *(f"**{cell}**" for cell in total)])
    table = _table(["Phase", "Planned", "Spent", "Difference"], [":--", "--:", "--:", "--:"], rows)
    return _section("Agenda", [table])


def _feelings(retro: Retro, vocabulary: list[FeelingWord]) -> str:
    feelings = retro.feelings
    if not feelings:
        return _section("Feelings round", [])
    marked = sum(feeling.blame_feeling for feeling in feelings)
    entries = "entry" if len(feelings) == 1 else "entries"
    blocks = [f"{marked} of {len(feelings)} {entries} named a blame feeling."]
    core, blame = tally(feelings, vocabulary)
    for heading, counts in (("Feeling", core), ("Blame feeling", blame)):
        if counts:
            rows = [[escape_cell(word), str(count)] for word, count in counts]
            blocks.append(_table([heading, "Count"], [":--", "--:"], rows))
    # Notes never carry a name, and are sorted so their order cannot reveal who spoke when.
    notes = sorted((f.note for f in feelings if not _blank(f.note)), key=str.casefold)
    if notes:
        blocks.append("Notes, unattributed:")
        blocks.append("\n".join(_bullet(escape_inline(note)) for note in notes))
    return _section("Feelings round", blocks)


class _Clock(EventTimes):
    """Event times escaped for Markdown; the date moves to the heading when all share one."""

    def column_title(self) -> str:
        zone = escape_cell(self.tz)
        return f"Time ({zone}, {self.day})" if self.day else f"Time ({zone})"

    def cell(self, event: Event) -> str:
        return self.local(event) or escape_cell(event.at)

    def heading(self, event: Event) -> str:
        return self.local(event) or _escape_heading(event.at)


def _timeline(events: list[Event], clock: _Clock, image: str | None) -> str:
    if not events:
        return _section("Timeline", [])
    blocks = []
    if image:
        # A path read from the file system may carry undecodable bytes as surrogates.
        blocks.append(f"![Timeline]({quote(image, safe='/', errors='surrogateescape')})")
    # The same few actors and sources fill a long timeline; escape each of them once.
    repeated = functools.cache(escape_cell)
    rows = []
    for event in events:
        marks = [DECISION_MARK] * event.decision_point + [LEARNED_LATER_MARK] * event.learned_later
        rows.append(
            [
                clock.cell(event),
                repeated(event.actor),
                escape_cell(event.description),
                repeated(event.source),
                ", ".join(marks),
            ]
        )
    header = [clock.column_title(), "Who", "What happened", "Source", "Marked"]
    blocks.append(_table(header, [":--"] * len(header), rows))
    blocks.append(
        f"{DECISION_MARK}: a decision the people responding made. {LEARNED_LATER_MARK}: "
        "a fact they did not know at the time, only learned afterwards."
    )
    return _section("Timeline", blocks)


def _decision_points(retro: Retro, events: list[Event], clock: _Clock) -> str:
    answers: dict[str, dict[str, str]] = {}
    for answer in retro.rationality:
        if not _blank(answer.answer):
            answers.setdefault(answer.event, {})[answer.category] = answer.answer
    blocks = []
    points = [event for event in events if event.decision_point]
    for number, event in enumerate(points, start=1):
        blocks.append(f"### Decision point {number} · {clock.heading(event)}")
        said = [] if _blank(event.description) else [escape_inline(event.description)]
        if not _blank(event.actor):
            said.insert(0, f"**{escape_inline(event.actor)}:**")
        blocks.append(" ".join(said) or "(no description)")
        given = answers.get(event.key, {})
        # Canonical categories first, in the order of the questions; unknown ones after.
        order = [c for c in CATEGORIES if c in given] + [c for c in given if c not in CATEGORIES]
        items = [
            f"**{CATEGORY_TITLES.get(category) or escape_inline(category)}:** "
            + escape_inline(given[category])
            for category in order
        ]
        if items:
            blocks.append("\n".join(_bullet(item) for item in items))
        else:
            blocks.append("No local-rationality answers recorded.")
    return _section("Decision points", blocks)


def _bullets(title: str, texts: list[str]) -> str:
    items = [_bullet(escape_inline(text)) for text in texts if not _blank(text)]
    return _section(title, ["\n".join(items)] if items else [])


def _actions(retro: Retro) -> str:
    items = []
    for action in retro.actions:
        box = "[x]" if action.done else "[ ]"
        description = "(no description)" if _blank(action.description) else escape_inline(
            action.description
        )
        owner = "no owner" if _blank(action.owner) else f"owner: {escape_inline(action.owner)}"
        due = f", due {_date(action.due)}" if action.due else ""
        items.append(_bullet(f"{box} {description} — {owner}{due}"))
    return _section("Actions", ["\n".join(items)] if items else [])


def _closing(retro: Retro) -> str:
    votes = retro.closing.roti
    blocks = []
    if votes:
        average = sum(votes) / len(votes)
        noun = "vote" if len(votes) == 1 else "votes"
        blocks.append(
            f"ROTI (return on time invested, 1–5): average {average:.1f} from {len(votes)} {noun}."
        )
        counts = Counter(votes)
        scores = sorted(set(ROTI_RANGE) | set(counts), reverse=True)
        rows = [[str(score), str(counts[score])] for score in scores]
        blocks.append(_table(["ROTI", "Votes"], ["--:", "--:"], rows))
    else:
        blocks.append("No ROTI votes recorded.")
    if not _blank(retro.closing.notes):
        blocks.append(escape_inline(retro.closing.notes))
    return _section("Closing", blocks)
