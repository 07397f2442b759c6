"""A finished retro as one self-contained, printable HTML page in which everything typed is text."""

from __future__ import annotations

import base64
import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from retro_desk.feelings_tally import tally
from retro_desk.markdown_export import (
    DECISION_MARK,
    KIND_LABELS,
    LEARNED_LATER_MARK,
    NONE_RECORDED,
)
from retro_desk.model import CATEGORIES, CATEGORY_TITLES, PHASE_TITLES, ROTI_RANGE, Event, Retro
from retro_desk.timefmt import EventTimes, format_minutes, format_signed_minutes, sort_key
from retro_desk.vocabulary import FeelingWord, load_vocabulary

# Escaping rules. Every text a person typed goes through `_text`: html.escape turns & < > " '
# into entities, so no typed text can open an element, an attribute or a comment, wherever
# it stands. Nothing typed ever becomes an attribute value or a link: source links are shown
# as text (a `javascript:` or look-alike link must never be one click away). The one URL in
# the page is the timeline picture's data: URI, which this program makes from its own PNG.
# Normalisations, as in the Markdown export: CR LF and lone CR become line breaks; control
# characters other than tab and line feed, and unpaired surrogates, become U+FFFD.
# A Content-Security-Policy forbids scripts, frames and every load but data: images and the
# inline style, so even a mistake here could not run code or reach the network.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CARRIAGE_RETURN = re.compile(r"\r\n?")
_MARKDOWN_ESCAPE = re.compile(r"\\(.)")
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'none'"

STYLE = """
:root { color-scheme: light; }
body { margin: 0; background: #f6f6f4; color: #1a1a1a;
  font: 16px/1.5 "DejaVu Sans", "Segoe UI", system-ui, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; background: #ffffff; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 0 0 1rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 0.6rem; padding-bottom: 0.2rem;
  border-bottom: 2px solid #d0d0cc; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 0.4rem; color: #0b4f8a; }
.typed { white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; }
th, td { border: 1px solid #c8c8c4; padding: 0.3rem 0.55rem; text-align: left;
  vertical-align: top; }
th { background: #eeeeea; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; }
tr.decision td { background: #eef4fb; }
.mark-decision { color: #0b4f8a; font-weight: bold; white-space: nowrap; }
.mark-learned { color: #8a3b00; font-weight: bold; white-space: nowrap; }
.meta dt { font-weight: bold; float: left; clear: left; width: 9rem; }
.meta dd { margin: 0 0 0.3rem 9.5rem; }
.meta ul { margin: 0; padding-left: 1.2rem; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em;
  overflow-wrap: anywhere; }
figure { margin: 0.8rem 0 1rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #d0d0cc; }
figcaption { color: #3d3d3d; font-size: 0.9rem; }
ul.answers, ul.tasks { padding-left: 1.3rem; }
ul.tasks { list-style: none; padding-left: 0; }
.none { color: #3d3d3d; font-style: italic; }
@media print {
  @page { margin: 16mm 14mm; }
  body { background: #ffffff; font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, figure, li { break-inside: avoid; page-break-inside: avoid; }
  tr.decision td, th { background: none; }
}
"""


@dataclass(frozen=True)
class TimelineImage:
    """The timeline picture as the page shows it: `src` is a data: URI or a resource name."""

    src: str
    width: int
    height: int


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_html(
    retro: Retro,
    *,
    reflection: str | None = None,
    timeline_image: TimelineImage | None = None,
    vocabulary: Iterable[FeelingWord] | None = None,
    style: str = STYLE,
) -> str:
    """The retro as one HTML page with the same sections, in the same order, as Markdown.

    `reflection` is the Markdown Language reflection section (counts only, made by this
    program), shown before the closing; `timeline_image` goes above the timeline table;
    `style` replaces the page's style sheet (a PDF writer may understand less CSS).
    """
    words = load_vocabulary() if vocabulary is None else list(vocabulary)
    events = sorted(retro.timeline, key=lambda event: sort_key(event.at))
    clock = _Clock(events, retro.session.timezone)
    title = f"Retro: {_one_line(retro.session.title)}"
    sections = [
        _summary(retro),
        _agenda(retro),
        _feelings(retro, words),
        _timeline(events, clock, timeline_image),
        _decision_points(retro, events, clock),
        _items("learnings", "Learnings", [item.text for item in retro.learnings]),
        _actions(retro),
        _items("parking-lot", "Parking lot", [item.text for item in retro.parking_lot]),
    ]
    if reflection and reflection.strip():
        sections.append(_markdown_section("language-reflection", reflection))
    sections.append(_closing(retro))
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="Retro Desk">',
        f"<title>{_text(title)}</title>",
        f"<style>{style}</style>",
        "</head>",
        "<body>",
        "<main>",
        f'<h1 class="typed">{_text(title)}</h1>',
        _header(retro),
        *sections,
        "</main>",
        "</body>",
        "</html>",
        "",
    ])


def _clean(text: str) -> str:
    if "\r" in text:
        text = _CARRIAGE_RETURN.sub("\n", text)
    return _CONTROL.sub("\ufffd", text)


def _text(text: str) -> str:
    """Typed text as HTML that shows exactly that text; line breaks stay line breaks."""
    return html.escape(_clean(text), quote=True).replace("\n", "<br>")


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def _blank(text: str) -> bool:
    return not text.strip()


def _section(key: str, title: str, blocks: list[str]) -> str:
    body = blocks or [f'<p class="none">{NONE_RECORDED}</p>']
    return "\n".join([f'<section id="{key}">', f"<h2>{title}</h2>", *body, "</section>"])


def _typed(tag: str, text: str, css: str = "typed") -> str:
    return f'<{tag} class="{css}">{_text(text)}</{tag}>'


def _table(header: list[str], rows: list[list[str]], numbers: Iterable[int] = (),
           row_classes: list[str] | None = None, widths: Iterable[int] = ()) -> str:
    """A table of ready-made cell HTML; `numbers` are the columns aligned right; `widths`
    (percentages, as attributes, which PDF writers follow too) make it as wide as the page."""
    right = set(numbers)
    shares = list(widths)

    def cell(tag: str, column: int, content: str) -> str:
        css = ' class="number"' if column in right else ""
        width = f' width="{shares[column]}%"' if tag == "th" and shares else ""
        return f"<{tag}{css}{width}>{content}</{tag}>"

    table = '<table width="100%">' if shares else "<table>"
    lines = [table, "<thead><tr>"
             + "".join(cell("th", i, h) for i, h in enumerate(header)) + "</tr></thead>",
             "<tbody>"]
    for index, row in enumerate(rows):
        css = row_classes[index] if row_classes and row_classes[index] else ""
        attribute = f' class="{css}"' if css else ""
        lines.append(f"<tr{attribute}>" + "".join(cell("td", i, c) for i, c in enumerate(row))
                     + "</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def _header(retro: Retro) -> str:
    s = retro.session
    kind = KIND_LABELS.get(s.kind) or _text(s.kind)
    date = _text(s.incident_date) if s.incident_date else "not recorded"
    facilitator = "not recorded" if _blank(s.facilitator) else _text(s.facilitator)
    items = [
        ("Kind", kind),
        ("Incident date", date),
        ("Time zone", _text(s.timezone)),
        ("Facilitator", facilitator),
    ]
    people = [_person(p.name, p.role) for p in retro.participants]
    items.append(("Participants", _list(people) if people else "none recorded"))
    links = [link for link in s.source_links if not _blank(link)]
    if links:
        # Shown, never linked: a link someone typed is read, copied and checked, not clicked.
        items.append(("Sources", _list([f"<code>{_text(link)}</code>" for link in links])))
    elif s.kind == "external":
        items.append(("Sources", "none recorded"))
    rows = "\n".join(f"<dt>{term}</dt><dd>{value}</dd>" for term, value in items)
    return f'<dl class="meta">\n{rows}\n</dl>'


def _list(items: list[str], css: str = "") -> str:
    attribute = f' class="{css}"' if css else ""
    return f"<ul{attribute}>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _person(name: str, role: str) -> str:
    shown = "(no name)" if _blank(name) else f'<span class="typed">{_text(name)}</span>'
    return shown if _blank(role) else f'{shown} — <span class="typed">{_text(role)}</span>'


def _summary(retro: Retro) -> str:
    summary = retro.session.summary
    return _section("summary", "Summary", [] if _blank(summary) else [_typed("p", summary)])


def _agenda(retro: Retro) -> str:
    if not retro.agenda:
        return _section("agenda", "Agenda", [])
    rows = []
    for item in retro.agenda:
        phase = (PHASE_TITLES.get(item.phase) or _text(item.phase)) if _blank(item.title) else (
            _text(item.title))
        rows.append([
            phase,
            format_minutes(item.planned_seconds),
            format_minutes(item.spent_seconds),
            format_signed_minutes(item.spent_seconds - item.planned_seconds, minus="−"),
        ])
    planned = sum(item.planned_seconds for item in retro.agenda)
    spent = sum(item.spent_seconds for item in retro.agenda)
    rows.append(["Total", format_minutes(planned), format_minutes(spent),
                 format_signed_minutes(spent - planned, minus="−")])
    classes = [""] * (len(rows) - 1) + ["total"]
    table = _table(["Phase", "Planned", "Spent", "Difference"], rows, (1, 2, 3), classes)
    return _section("agenda", "Agenda", [table])


def _feelings(retro: Retro, vocabulary: list[FeelingWord]) -> str:
    feelings = retro.feelings
    if not feelings:
        return _section("feelings", "Feelings round", [])
    marked = sum(feeling.blame_feeling for feeling in feelings)
    entries = "entry" if len(feelings) == 1 else "entries"
    blocks = [f"<p>{marked} of {len(feelings)} {entries} named a blame feeling.</p>"]
    core, blame = tally(feelings, vocabulary)
    for heading, counts in (("Feeling", core), ("Blame feeling", blame)):
        if counts:
            rows = [[_text(word), str(count)] for word, count in counts]
            blocks.append(_table([heading, "Count"], rows, (1,)))
    # Notes never carry a name, and are sorted so their order cannot reveal who spoke when.
    notes = sorted((f.note for f in feelings if not _blank(f.note)), key=str.casefold)
    if notes:
        blocks.append("<p>Notes, unattributed:</p>")
        blocks.append(_list([f'<span class="typed">{_text(note)}</span>' for note in notes]))
    return _section("feelings", "Feelings round", blocks)


class _Clock(EventTimes):
    """Event times escaped for HTML; the date moves to the heading when all share one."""

    def column_title(self) -> str:
        zone = _text(self.tz)
        return f"Time ({zone}, {self.day})" if self.day else f"Time ({zone})"

    def shown(self, event: Event) -> str:
        return self.local(event) or _text(event.at)


def _marks(event: Event) -> str:
    marks = []
    if event.decision_point:
        marks.append(f'<span class="mark-decision">{DECISION_MARK}</span>')
    if event.learned_later:
        marks.append(f'<span class="mark-learned">△ {LEARNED_LATER_MARK}</span>')
    return ", ".join(marks)


def _timeline(events: list[Event], clock: _Clock, image: TimelineImage | None) -> str:
    if not events:
        return _section("timeline", "Timeline", [])
    blocks = []
    if image is not None:
        alt = (f"Timeline picture: {len(events)} events on a time axis; decision points as"
               " diamonds, learned-later facts as open triangles")
        blocks.append(
            f'<figure><img src="{html.escape(image.src, quote=True)}" alt="{alt}"'
            f' width="{image.width}" height="{image.height}">'
            "<figcaption>The incident on a time axis. Labels that would overlap are"
            " grouped under a count; the table below lists every event.</figcaption></figure>"
        )
    rows = []
    classes = []
    for event in events:
        rows.append([
            clock.shown(event),
            _typed("span", event.actor),
            _typed("span", event.description),
            _typed("span", event.source),
            _marks(event),
        ])
        classes.append("decision" if event.decision_point else "")
    header = [clock.column_title(), "Who", "What happened", "Source", "Marked"]
    blocks.append(_table(header, rows, row_classes=classes, widths=(15, 16, 41, 14, 14)))
    blocks.append(
        f"<p>{DECISION_MARK}: a decision the people responding made. △ {LEARNED_LATER_MARK}:"
        " a fact they did not know at the time, only learned afterwards.</p>"
    )
    return _section("timeline", "Timeline", blocks)


def _decision_points(retro: Retro, events: list[Event], clock: _Clock) -> str:
    answers: dict[str, dict[str, str]] = {}
    for answer in retro.rationality:
        if not _blank(answer.answer):
            answers.setdefault(answer.event, {})[answer.category] = answer.answer
    blocks = []
    points = [event for event in events if event.decision_point]
    for number, event in enumerate(points, start=1):
        blocks.append(f"<h3>Decision point {number} · {clock.shown(event)}</h3>")
        said = [] if _blank(event.description) else [_typed("span", event.description)]
        if not _blank(event.actor):
            said.insert(0, f'<strong class="typed">{_text(event.actor)}:</strong>')
        blocks.append("<p>" + (" ".join(said) or "(no description)") + "</p>")
        given = answers.get(event.key, {})
        # Canonical categories first, in the order of the questions; unknown ones after.
        order = [c for c in CATEGORIES if c in given] + [c for c in given if c not in CATEGORIES]
        items = [
            f"<strong>{CATEGORY_TITLES.get(category) or _text(category)}:</strong> "
            + _typed("span", given[category])
            for category in order
        ]
        if items:
            blocks.append(_list(items, "answers"))
        else:
            blocks.append('<p class="none">No local-rationality answers recorded.</p>')
    return _section("decision-points", "Decision points", blocks)


def _items(key: str, title: str, texts: list[str]) -> str:
    items = [_typed("span", text) for text in texts if not _blank(text)]
    return _section(key, title, [_list(items)] if items else [])


def _actions(retro: Retro) -> str:
    items = []
    for action in retro.actions:
        box = "☑" if action.done else "☐"
        description = "(no description)" if _blank(action.description) else _typed(
            "span", action.description)
        owner = "no owner" if _blank(action.owner) else (
            f'owner: <span class="typed">{_text(action.owner)}</span>')
        due = f", due {_text(action.due)}" if action.due else ""
        items.append(f"{box} {description} — {owner}{due}")
    return _section("actions", "Actions", [_list(items, "tasks")] if items else [])


def _closing(retro: Retro) -> str:
    votes = retro.closing.roti
    blocks = []
    if votes:
        average = sum(votes) / len(votes)
        noun = "vote" if len(votes) == 1 else "votes"
        blocks.append(
            f"<p>ROTI (return on time invested, 1–5): average {average:.1f} from"
            f" {len(votes)} {noun}.</p>"
        )
        counts = Counter(votes)
        scores = sorted(set(ROTI_RANGE) | set(counts), reverse=True)
        rows = [[str(score), str(counts[score])] for score in scores]
        blocks.append(_table(["ROTI", "Votes"], rows, (0, 1)))
    else:
        blocks.append("<p>No ROTI votes recorded.</p>")
    if not _blank(retro.closing.notes):
        blocks.append(_typed("p", retro.closing.notes))
    return _section("closing", "Closing", blocks)


def _markdown_section(key: str, markdown: str) -> str:
    """A section this program wrote as Markdown (headings, paragraphs, pipe tables) as HTML.

    It holds counts and fixed wording only, but is escaped all the same.
    """
    title = ""
    blocks: list[str] = []
    paragraph: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if paragraph:
            blocks.append("<p>" + " ".join(paragraph) + "</p>")
            paragraph.clear()
        if table:
            header, *rows = table
            numbers = [i for i, cell in enumerate(rows[0]) if cell.isdigit()] if rows else []
            blocks.append(_table(header, rows, numbers))
            table.clear()

    for line in markdown.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            flush()
            title = _inline(stripped.lstrip("#").strip())
        elif stripped.startswith("|"):
            if paragraph:
                flush()
            cells = [cell.strip() for cell in stripped.strip("|").split("|")]
            if not all(set(cell) <= set(":-") for cell in cells):
                table.append([_inline(cell) for cell in cells])
        elif stripped:
            if table:
                flush()
            paragraph.append(_inline(stripped))
        else:
            flush()
    flush()
    return _section(key, title or "Language reflection", blocks)


def _inline(markdown: str) -> str:
    return html.escape(_MARKDOWN_ESCAPE.sub(r"\1", markdown.replace("**", "")), quote=True)
