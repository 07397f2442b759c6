"""Markdown export: every section, typed text that always renders literally, and atomic writes."""

from __future__ import annotations

import dataclasses
import os
import re
import stat
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from retro_desk.export import markdown_document
from retro_desk.files import write_atomic
from retro_desk.markdown_export import escape_cell, escape_inline, render_markdown
from retro_desk.model import (
    CATEGORIES,
    CATEGORY_TITLES,
    KINDS,
    PHASES,
    Action,
    AgendaItem,
    Answer,
    Closing,
    Event,
    Feeling,
    Learning,
    ParkingItem,
    Participant,
    Retro,
    Session,
)
from retro_desk.paths import resource
from retro_desk.session_file import read_file
from retro_desk.timefmt import TimeInputError, local_display
from retro_desk.vocabulary import FeelingWord

GOLDEN = Path(__file__).parent / "golden" / "sample_retro.md"
PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
NOT_STRUCTURE = {"text", "softbreak", "hardbreak", "code_inline"}


# -- reading the rendered document the way a Markdown renderer does ------------------------------


def normalised(text: str) -> str:
    """What the export promises to show for `text`: its documented normalisations applied."""
    text = re.sub(r"\r\n?", "\n", text)
    return re.sub("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]", "\ufffd", text)


def is_br(token: Token) -> bool:
    return token.type == "html_inline" and token.content == "<br>"


def shown(inline: Token) -> str:
    """The text a reader sees in one inline run, line breaks as newlines."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak") or is_br(child):
            parts.append("\n")
    return "".join(parts)


def inlines(markdown: str) -> list[str]:
    return [shown(token) for token in PARSER.parse(markdown) if token.type == "inline"]


def structure(markdown: str) -> list[tuple[str, ...]]:
    """Block tokens, and inside each inline run whatever is not plain text."""
    result: list[tuple[str, ...]] = []
    for token in PARSER.parse(markdown):
        if token.type == "inline":
            children = token.children or []
            marks = [c.type for c in children if c.type not in NOT_STRUCTURE and not is_br(c)]
            result.append(("inline", *marks))
        else:
            result.append((token.type, token.tag))
    return result


def section(markdown: str, title: str) -> str:
    """One `## title` section of the document, up to the next one."""
    start = markdown.index(f"\n## {title}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else None]


# -- building retros -----------------------------------------------------------------------------


def small_retro(**session: Any) -> Retro:
    defaults = {"uuid": "u-1", "title": "Checkout outage", "timezone": "Europe/Berlin"}
    return Retro(session=Session(**{**defaults, **session}))


def map_text(retro: Retro, text: Callable[[str], str], word: Callable[[str], str]) -> Retro:
    """A copy of `retro` with every typed text passed through `text` (feeling words: `word`)."""
    replace = dataclasses.replace
    s = retro.session
    return replace(
        retro,
        session=replace(
            s,
            title=text(s.title),
            facilitator=text(s.facilitator),
            summary=text(s.summary),
            source_links=[text(link) for link in s.source_links],
        ),
        participants=[replace(p, name=text(p.name), role=text(p.role)) for p in retro.participants],
        agenda=[replace(a, title=text(a.title)) for a in retro.agenda],
        feelings=[
            replace(f, words=[word(w) for w in f.words], note=text(f.note)) for f in retro.feelings
        ],
        timeline=[
            replace(e, actor=text(e.actor), description=text(e.description), source=text(e.source))
            for e in retro.timeline
        ],
        rationality=[replace(a, answer=text(a.answer)) for a in retro.rationality],
        learnings=[replace(item, text=text(item.text)) for item in retro.learnings],
        actions=[
            replace(a, description=text(a.description), owner=text(a.owner)) for a in retro.actions
        ],
        parking_lot=[replace(item, text=text(item.text)) for item in retro.parking_lot],
        closing=replace(retro.closing, notes=text(retro.closing.notes)),
    )


def typed_texts(retro: Retro) -> tuple[list[str], list[str]]:
    """Every non-blank text a person typed as the export must show it, and the feeling words.

    Answers count only for events still marked as decision points: only those are exported.
    Feeling words are counted without regard to case, so they are compared casefolded.
    """
    found: list[str] = []
    words: list[str] = []
    decisions = {e.key for e in retro.timeline if e.decision_point}
    retro = dataclasses.replace(
        retro, rationality=[a for a in retro.rationality if a.event in decisions]
    )

    def collect(value: str) -> str:
        if value.strip():
            found.append(normalised(value))
        return value

    def collect_word(value: str) -> str:
        if value.strip():
            words.append(normalised(value.strip()).casefold())
        return value

    map_text(retro, collect, collect_word)
    return found, words


class Plain:
    """Distinct alphanumeric stand-ins: the same input always gets the same one, blank stays "".

    Feeling words are matched without regard to case, and vocabulary words keep their group.
    """

    def __init__(self, vocabulary: list[FeelingWord]) -> None:
        self._names: dict[str, str] = {}
        self._vocabulary = {w.word.casefold() for w in vocabulary}

    def text(self, value: str) -> str:
        if not value.strip():
            return ""
        return self._names.setdefault(value, f"plain{len(self._names)}")

    def word(self, value: str) -> str:
        folded = value.strip().casefold()
        if folded in self._vocabulary:
            return value
        return self.text(f"word {folded}" if folded else "")


VOCABULARY = [
    FeelingWord("anxious", "core", "Worried."),
    FeelingWord("*they* had | it\\coming", "blame", "Deserved it."),
    FeelingWord("vindicated", "blame", "Proven right."),
]


# Characters and fragments that mean something to a Markdown renderer, heavily sampled.
MARKDOWN_FRAGMENTS = [
    *"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    "\n", "\r", "\r\n", "\t", " ", "    ", "\x00", "\x0b", "\x0c", "\x1f", "\x7f", "\x85",
    "\u00a0", "\u2028", "\u2029", "\u3000", "\u200b", "\u200d", "\u202e", "\u200f", "\u0301",
    "\ufeff", "\ud83d", "👩\u200d💻", "😀", "ع",
    "# ", "## ", "===", "---", "***", "___", "- ", "+ ", "* ", "1. ", "1) ", "> ", "```", "~~~",
    "<div>", "</div>", "<br>", "<!--", "-->", "<?php", "<![CDATA[", "<http://x.y>",
    "[a]: http://b", "[a](http://b)", "![i](x.png)", "[^1]", "[^1]: note", "[ ] ", "[x] ",
    "&amp;", "&#32;", "&#x41;", "&copy;", "&nbsp;", "http://", "https://example.com/a_b",
    "www.example.com", "mailto:a@b.co", "a@b.co", ":smile:", "$x$", "~~s~~", "**b**", "_e_",
    "`c`", "| a | b |", "|---|", ":--", "  \n", "\\\n", "\\", "14:32", "4.31",
]
fragments = st.one_of(
    st.sampled_from(MARKDOWN_FRAGMENTS),
    st.sampled_from(MARKDOWN_FRAGMENTS),
    st.characters(),
    st.text(max_size=4),
)
texts = st.lists(fragments, max_size=8).map("".join)
short_lists = st.integers(min_value=0, max_value=3)
zones = st.sampled_from(["Europe/Berlin", "UTC", "Asia/Kolkata", "America/St_Johns", "Mars/Base"])
instants = st.builds(
    lambda moment, minutes: moment.replace(tzinfo=timezone(timedelta(minutes=minutes))).isoformat(),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    st.integers(min_value=-12 * 60, max_value=14 * 60),
)
# Our own picture's path, not typed text: a file name, which cannot hold a lone surrogate
# other than one standing for an undecodable byte.
paths = texts.map(lambda text: re.sub("[\ud800-\udc7f\udd00-\udfff]", "", text))
dates = st.one_of(st.none(), st.just("2026-11-20"), texts)
feeling_words = st.one_of(
    texts,
    st.sampled_from(["anxious", " ANXIOUS", "Vindicated ", "*THEY* had | it\\coming", "ß", "ss"]),
)


@st.composite
def retros(draw: st.DrawFn) -> Retro:
    session = Session(
        uuid="u-1",
        title=draw(texts),
        kind=draw(st.sampled_from(KINDS)),
        incident_date=draw(dates),
        timezone=draw(zones),
        facilitator=draw(texts),
        summary=draw(texts),
        source_links=draw(st.lists(texts, max_size=3)),
    )
    participants = [
        Participant(key=f"p{i}", name=draw(texts), role=draw(texts))
        for i in range(draw(short_lists))
    ]
    keys = [None, *(p.key for p in participants)]
    timeline = [
        Event(
            key=f"e{i}",
            at=draw(st.one_of(instants, instants, texts)),
            description=draw(texts),
            actor=draw(texts),
            source=draw(texts),
            decision_point=draw(st.booleans()),
            learned_later=draw(st.booleans()),
        )
        for i in range(draw(short_lists))
    ]
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from([e.key for e in timeline]), st.sampled_from(CATEGORIES)),
            unique=True,
            max_size=4,
        )
        if timeline
        else st.just([])
    )
    return Retro(
        session=session,
        participants=participants,
        agenda=[
            AgendaItem(phase, draw(texts), 300, draw(st.integers(min_value=0, max_value=900)))
            for phase in draw(st.lists(st.sampled_from(PHASES), unique=True, max_size=3))
        ],
        feelings=[
            Feeling(
                words=draw(st.lists(feeling_words, max_size=3)),
                note=draw(texts),
                participant=draw(st.sampled_from(keys)),
                blame_feeling=draw(st.booleans()),
            )
            for _ in range(draw(short_lists))
        ],
        timeline=timeline,
        rationality=[Answer(event=k, category=c, answer=draw(texts)) for k, c in pairs],
        learnings=[Learning(draw(texts)) for _ in range(draw(short_lists))],
        actions=[
            Action(draw(texts), owner=draw(texts), due=draw(dates), done=draw(st.booleans()))
            for _ in range(draw(short_lists))
        ],
        parking_lot=[ParkingItem(draw(texts)) for _ in range(draw(short_lists))],
        closing=Closing(roti=draw(st.lists(st.integers(1, 5), max_size=4)), notes=draw(texts)),
        private_notes=draw(texts),
    )


def displayed_instants(retro: Retro) -> list[str]:
    """The events' times the export cannot read, which it must show as typed."""
    unreadable = []
    for item in retro.timeline:
        try:
            local_display(item.at, retro.session.timezone)
        except (TimeInputError, OverflowError):
            unreadable.append(normalised(item.at))
    return unreadable


# -- properties ----------------------------------------------------------------------------------

BARE_AUTOLINK = re.compile(
    r"www\.|[a-z0-9+.-]:/|(?<!\\)@|(?<!\\)\.[a-z]|(?<![\\0-9]):[a-z]", re.IGNORECASE
)


def assert_no_bare_autolinks(markdown: str) -> None:
    """GFM and linkify turn bare URLs, domains and e-mail addresses into links; none may stay.

    Source links are exempt: they sit in code spans, where no autolinking happens.
    """
    for line in markdown.split("\n"):
        if line.startswith(("  - `", "![Timeline](")):
            continue
        assert not BARE_AUTOLINK.search(line), line


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(retro=retros(), image=st.one_of(st.none(), paths))
def test_typed_text_never_changes_the_document_structure(retro: Retro, image: str | None) -> None:
    markdown = render_markdown(retro, timeline_image=image, vocabulary=VOCABULARY)
    plain = Plain(VOCABULARY)
    plain_markdown = render_markdown(
        map_text(retro, plain.text, plain.word), timeline_image=image, vocabulary=VOCABULARY
    )

    assert structure(markdown) == structure(plain_markdown)
    markdown.encode("utf-8")  # whatever was typed, the document can be written as UTF-8

    tokens = PARSER.parse(markdown)
    assert not [t for t in tokens if t.type == "html_block"]
    images = []
    for index, token in enumerate(tokens):
        for child in token.children or []:
            assert child.type not in ("link_open", "s_open", "em_open"), child
            if child.type == "html_inline":
                assert is_br(child) and tokens[index - 1].type in ("td_open", "th_open"), child
            if child.type == "image":
                images.append(child)
            if child.type == "code_inline":
                assert child.content in [normalised(x) for x in retro.session.source_links]
    if image and retro.timeline:
        src = quote(image, safe="/", errors="surrogateescape")
        assert [i.attrGet("src") for i in images] == [src]
    else:
        assert images == []

    rendered = inlines(markdown)
    texts_shown, words_shown = typed_texts(retro)
    for text in texts_shown + displayed_instants(retro):
        assert any(text in chunk for chunk in rendered), text
    cells = {chunk.casefold() for chunk in rendered}
    for word in words_shown:
        assert word in cells, word
    assert_no_bare_autolinks(markdown)


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_escape_inline_is_one_paragraph_of_the_typed_text(text: str) -> None:
    escaped = escape_inline(text)
    tokens = PARSER.parse(f"- {escaped.replace(chr(10), chr(10) + '  ')}\n\n{escaped}\n")
    kinds = [t.type for t in tokens if t.type != "inline"]
    if text.strip():
        assert kinds == [
            "bullet_list_open", "list_item_open", "paragraph_open", "paragraph_close",
            "list_item_close", "bullet_list_close", "paragraph_open", "paragraph_close",
        ]
        for token in tokens:
            if token.type == "inline":
                assert {c.type for c in token.children or []} <= {"text", "hardbreak"}
                assert shown(token) == normalised(text)
    assert_no_bare_autolinks(escaped)


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(texts, min_size=2, max_size=2))
def test_escape_cell_stays_in_its_cell(cells: list[str]) -> None:
    row = " | ".join(escape_cell(cell) for cell in cells)
    tokens = PARSER.parse(f"| a | b |\n|---|---|\n| {row} |\n")
    body = [t for t in tokens if t.type == "inline"][2:]
    assert len(body) == 2
    for token, cell in zip(body, cells, strict=True):
        assert {c.type for c in token.children or [] if not is_br(c)} <= {"text"}
        assert shown(token) == normalised(cell).strip("\n") or shown(token) == normalised(cell)


# -- escaping, case by case ----------------------------------------------------------------------

DANGEROUS = [
    "# not a heading", "Title\n===", "a\n---", "- item", "+ item", "* item", "1. one", "1) one",
    "> quote", "```\ncode\n```", "~~~\nfence", "***", "_ _ _", "    indented", "\tindented",
    "<div>html</div>", "<!-- comment -->", "<br>", "[a]: http://b", "[link](http://x)",
    "![img](x.png)", "<http://x.y>", "[^1]\n\n[^1]: note", "*em* _em_ **strong**", "~~strike~~",
    "`code`", "&amp; &#65; &copy;", "two spaces  \nhard break", "back\\\nslash", "a|b",
    "$x^2$", ":smile:", "nul\x00here", "crlf\r\nand\rcr", "\u202eRTL override", "e\u0301",
    "👩\u200d💻 zero width joiner", "   ", "para\n\npara", "ends with newline\n", "\n\nleading",
    "x\u2028y", "[ ] not a task", "| a | b |\n|---|---|", "trailing spaces   ", "\\", "&",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_dangerous_text_renders_as_typed(text: str) -> None:
    tokens = PARSER.parse(escape_inline(text))
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert {c.type for c in tokens[1].children or []} <= {"text", "hardbreak"}
    assert shown(tokens[1]) == normalised(text)


@pytest.mark.parametrize(
    "text", ["see http://example.com/x", "www.example.com", "ops@example.com", "example.com"]
)
def test_bare_urls_cannot_become_autolinks(text: str) -> None:
    escaped = escape_inline(text)
    assert_no_bare_autolinks(escaped)
    assert inlines(escaped) == [text]


def test_ordinary_prose_keeps_its_punctuation_unescaped() -> None:
    text = "It's 14:32, the SEC-482 rollback (v4.31) failed; why? \"Again\"! 100% sure/unsure."
    assert escape_inline(text) == text


def test_control_characters_and_lone_surrogates_become_replacement_characters() -> None:
    escaped = escape_inline("a\x00b\x07c\x9fd\te\ud800")
    assert inlines(escaped) == ["a\ufffdb\ufffdc\ufffdd\te\ufffd"]


def test_a_cell_escapes_pipes_and_turns_line_breaks_into_br() -> None:
    assert escape_cell("a | b\nc") == "a \\| b<br>c"


# -- sections ------------------------------------------------------------------------------------


def test_title_and_metadata_of_our_own_incident() -> None:
    retro = small_retro(
        title="Checkout # outage", facilitator="Ines Vogel", incident_date="2026-11-20"
    )
    retro.participants = [
        Participant("p1", "Zoë Hartmann", "SRE, on-call"),
        Participant("p2", "Jo"),
    ]
    markdown = render_markdown(retro)
    assert markdown.startswith("# Retro: Checkout \\# outage\n\n")
    assert "- **Kind:** Our own incident\n" in markdown
    assert "- **Incident date:** 2026-11-20\n" in markdown
    assert "- **Time zone:** Europe/Berlin\n" in markdown
    assert "- **Facilitator:** Ines Vogel\n" in markdown
    assert "- **Participants:**\n  - Zoë Hartmann — SRE, on-call\n  - Jo\n" in markdown
    assert "Sources" not in markdown


def test_external_study_says_so_and_shows_source_links_literally() -> None:
    links = ["https://status.example.com/incidents/a_b*c", "weird `tick` link", " padded "]
    markdown = render_markdown(small_retro(kind="external", source_links=links))
    assert "External incident study (someone else's public incident)" in markdown
    assert "  - `https://status.example.com/incidents/a_b*c`\n" in markdown
    assert "  - ``weird `tick` link``\n" in markdown
    code = [
        c.content
        for t in PARSER.parse(markdown)
        for c in t.children or []
        if c.type == "code_inline"
    ]
    assert code == links
    assert "link_open" not in {c.type for t in PARSER.parse(markdown) for c in t.children or []}


def test_external_study_without_sources_says_none_recorded() -> None:
    assert "- **Sources:** none recorded" in render_markdown(small_retro(kind="external"))


def test_empty_retro_says_none_recorded() -> None:
    markdown = render_markdown(small_retro())
    for title in ("Summary", "Agenda", "Feelings round", "Timeline", "Decision points",
                  "Learnings", "Actions", "Parking lot"):
        assert section(markdown, title).strip().endswith("None recorded."), title
    assert "- **Facilitator:** not recorded" in markdown
    assert "- **Participants:** none recorded" in markdown
    assert "No ROTI votes recorded." in markdown


def test_agenda_shows_plan_spent_difference_and_total() -> None:
    retro = small_retro()
    retro.agenda = [
        AgendaItem("opening", "Opening", 300, 360),
        AgendaItem("close", "Close", 120, 90),
        AgendaItem("learnings", "", 300, 300),
    ]
    agenda = section(render_markdown(retro), "Agenda")
    assert "| Opening | 5 min | 6 min | +1 min |" in agenda
    assert "| Close | 2 min | 1 min 30 s | -30 s |" in agenda
    assert "| Learnings | 5 min | 5 min | 0 min |" in agenda
    assert "| **Total** | **12 min** | **12 min 30 s** | **+30 s** |" in agenda


def test_feelings_tally_most_frequent_first_core_and_blame_apart() -> None:
    retro = small_retro()
    retro.feelings = [
        Feeling(["anxious", "vindicated"], blame_feeling=True),
        Feeling(["Anxious", " anxious "]),
        Feeling(["relieved", "anxious"]),
        Feeling(["relieved"], blame_feeling=True),
    ]
    feelings = section(render_markdown(retro, vocabulary=VOCABULARY), "Feelings round")
    assert "2 of 4 entries named a blame feeling." in feelings
    assert "| Feeling | Count |\n|:--|--:|\n| anxious | 3 |\n| relieved | 2 |\n\n" in feelings
    assert "| Blame feeling | Count |\n|:--|--:|\n| vindicated | 1 |\n" in feelings


def test_feelings_use_the_shipped_vocabulary_by_default() -> None:
    retro = small_retro()
    retro.feelings = [Feeling(["smug", "calm"])]
    feelings = section(render_markdown(retro), "Feelings round")
    assert "| Feeling | Count |\n|:--|--:|\n| calm | 1 |\n" in feelings
    assert "| Blame feeling | Count |\n|:--|--:|\n| smug | 1 |\n" in feelings


def test_feeling_notes_are_unattributed_and_never_name_anyone() -> None:
    retro = small_retro()
    retro.participants = [Participant("p1", "Zebedee Quux", "Support lead")]
    retro.feelings = [
        Feeling(["tired"], note="Zulu note from a named person", participant="p1"),
        Feeling(["angry"], note="Alpha note, anonymous"),
    ]
    markdown = render_markdown(retro)
    feelings = section(markdown, "Feelings round")
    assert "Zebedee" not in feelings and "p1" not in feelings
    assert "Notes, unattributed:\n\n- Alpha note, anonymous\n- Zulu note from a named person" in (
        feelings
    )


def test_timeline_shows_local_time_with_offset_in_time_order() -> None:
    retro = small_retro()
    retro.timeline = [
        Event("e2", "2026-11-20T14:00:00+00:00", "Second, stored in UTC", actor="Zoë"),
        Event("e1", "2026-11-20T14:32:00+01:00", "First", decision_point=True, source="Slack"),
        Event("e3", "2026-11-20T16:00:00+01:00", "Third", learned_later=True),
    ]
    timeline = section(render_markdown(retro), "Timeline")
    header = "| Time (Europe/Berlin, 2026-11-20) | Who | What happened | Source | Marked |"
    assert header in timeline
    rows = [line for line in timeline.splitlines() if re.match(r"\| \d\d:", line)]
    assert rows == [
        "| 14:32:00 +01:00 |  | First | Slack | ◆ decision point |",
        "| 15:00:00 +01:00 | Zoë | Second, stored in UTC |  |  |",
        "| 16:00:00 +01:00 |  | Third |  | learned later |",
    ]


def test_timeline_spanning_days_shows_dates_and_unreadable_times_as_typed() -> None:
    retro = small_retro()
    retro.timeline = [
        Event("e1", "2026-11-20T23:30:00+01:00", "Late"),
        Event("e2", "2026-11-21T00:10:00+01:00", "After midnight"),
        Event("e3", "around *tea* time", "Unknown"),
    ]
    timeline = section(render_markdown(retro), "Timeline")
    assert "| Time (Europe/Berlin) |" in timeline
    assert "| 2026-11-20 23:30:00 +01:00 | " in timeline
    assert "| 2026-11-21 00:10:00 +01:00 | " in timeline
    assert "| around \\*tea\\* time | " in timeline


def test_timeline_cells_keep_line_breaks_and_pipes_inside_the_row() -> None:
    retro = small_retro()
    retro.timeline = [Event("e1", "2026-11-20T14:32:00+01:00", "one | two\nthree")]
    markdown = render_markdown(retro)
    assert "| one \\| two<br>three |" in markdown
    assert "one | two\nthree" in inlines(markdown)


def test_timeline_picture_is_referenced_with_an_encoded_path() -> None:
    retro = small_retro()
    retro.timeline = [Event("e1", "2026-11-20T14:32:00+01:00", "x")]
    markdown = render_markdown(retro, timeline_image="pictures/time line (1).png")
    assert "\n![Timeline](pictures/time%20line%20%281%29.png)\n" in section(markdown, "Timeline")


def test_decision_points_list_answers_in_category_order() -> None:
    retro = small_retro()
    retro.timeline = [
        Event("e1", "2026-11-20T14:32:00+01:00", "Rolls back 4.31", actor="Zoë",
              decision_point=True),
        Event("e2", "2026-11-20T14:40:00+01:00", "Not a decision"),
        Event("e3", "2026-11-20T14:50:00+01:00", "Reverts", decision_point=True),
    ]
    retro.rationality = [
        Answer("e1", "help", "Asked Amara"),
        Answer("e1", "cues", "Deploy marker"),
        Answer("e1", "normal_work", "Runbook step 2\nsecond line"),
        Answer("e1", "knowledge", "   "),
    ]
    decisions = section(render_markdown(retro), "Decision points")
    assert "### Decision point 1 · 14:32:00 +01:00\n\n**Zoë:** Rolls back 4.31\n" in decisions
    labels = re.findall(r"^- \*\*(.+?):\*\*", decisions, re.MULTILINE)
    assert labels == [CATEGORY_TITLES[c] for c in ("cues", "normal_work", "help")]
    assert "- **Normal work:** Runbook step 2\\\n  second line\n" in decisions
    assert "### Decision point 2 · 14:50:00 +01:00\n\nReverts\n\n" in decisions
    assert "No local-rationality answers recorded." in decisions
    assert "Not a decision" not in decisions


def test_actions_are_a_task_list_with_owner_and_due_date() -> None:
    retro = small_retro()
    retro.actions = [
        Action("Add G3 to the bundle", owner="Łukasz", due="2026-12-01", done=True),
        Action("Change markers for config pushes"),
    ]
    actions = section(render_markdown(retro), "Actions")
    assert "- [x] Add G3 to the bundle — owner: Łukasz, due 2026-12-01\n" in actions
    assert "- [ ] Change markers for config pushes — no owner\n" in actions


def test_learnings_and_parking_lot_keep_multi_line_items_in_one_item() -> None:
    retro = small_retro()
    retro.learnings = [Learning("first line\n- not a new item"), Learning("  ")]
    retro.parking_lot = [ParkingItem("# of failed payments?")]
    markdown = render_markdown(retro)
    assert "## Learnings\n\n- first line\\\n  \\- not a new item\n\n## Actions" in markdown
    assert "## Parking lot\n\n- \\# of failed payments?\n" in markdown
    items = [t for t in PARSER.parse(section(markdown, "Learnings")) if t.type == "list_item_open"]
    assert len(items) == 1


def test_closing_shows_roti_average_distribution_and_notes() -> None:
    retro = small_retro()
    retro.closing = Closing(roti=[4, 5, 3, 4, 4], notes="Thanks *all*")
    closing = section(render_markdown(retro), "Closing")
    assert "average 4.0 from 5 votes." in closing
    assert re.findall(r"^\| (\d) \| (\d) \|$", closing, re.MULTILINE) == [
        ("5", "1"), ("4", "3"), ("3", "1"), ("2", "0"), ("1", "0")
    ]
    assert closing.rstrip().endswith("Thanks \\*all\\*")


def test_reflection_goes_before_closing_and_private_notes_never_leave() -> None:
    retro = small_retro()
    retro.private_notes = "facilitator secret"
    markdown = render_markdown(retro, reflection="## Language reflection\n\nThree phrases.\n")
    assert "\n\n## Language reflection\n\nThree phrases.\n\n## Closing\n" in markdown
    assert "facilitator secret" not in markdown
    assert markdown.endswith("\n") and not markdown.endswith("\n\n")


# -- golden file ---------------------------------------------------------------------------------


def test_sample_retro_matches_the_golden_file() -> None:
    # The whole document as `retro-desk export` writes it, language reflection included.
    markdown = markdown_document(read_file(resource("sample_retro.json")))
    if os.environ.get("RETRO_DESK_UPDATE_GOLDEN") == "1":
        write_atomic(GOLDEN, markdown)
    assert markdown == GOLDEN.read_text(encoding="utf-8")


# -- atomic writes -------------------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_atomic_creates_a_file_with_the_usual_mode(tmp_path: Path) -> None:
    target = tmp_path / "retro.md"
    write_atomic(target, "Zoë\n")
    assert target.read_bytes() == "Zoë\n".encode()
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert leftovers(tmp_path) == []


def test_write_atomic_replaces_content_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "retro.md"
    target.write_text("old, and longer than the new content")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_write_atomic_through_a_symlink_updates_the_linked_file(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_write_atomic_failure_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "retro.md"
    target.write_text("old")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "new content")
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_write_atomic_into_a_missing_folder_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_atomic(tmp_path / "missing" / "retro.md", "x")
