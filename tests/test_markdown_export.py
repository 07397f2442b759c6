"""Markdown export: every section, typed text that always renders literally, and atomic writes."""

from __future__ import annotations

import dataclasses
import html
import os
import re
import stat
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import markdown as python_markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from retro_desk.export import markdown_text
from retro_desk.export.markdown import escape_cell, escape_inline
from retro_desk.export.session_file import read_file
from retro_desk.files import write_atomic
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
from retro_desk.timefmt import TimeInputError, local_display
from retro_desk.vocabulary import FeelingWord

GOLDEN = Path(__file__).parent / "golden" / "sample_retro.md"
PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
NOT_STRUCTURE = {"text", "softbreak", "hardbreak", "code_inline", "link_open", "link_close"}


# -- reading the rendered document the way a Markdown renderer does ------------------------------


def normalised(text: str) -> str:
    """What the export promises to show for `text`: its documented normalisations applied."""
    text = re.sub(r"\r\n?", "\n", text)
    return re.sub("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]", "\ufffd", text)


def chunks(text: str) -> list[str]:
    """The paragraphs `text` is shown as: a blank line splits them, edges are trimmed."""
    parts = re.split(r"\n[ \t\u00a0]*\n", normalised(text).strip("\n"))
    return [part.strip("\n") for part in parts if part.strip()]


def render_markdown(retro: Retro, *, timeline_image: str | None = None,
                    vocabulary: list[FeelingWord] | None = None) -> str:
    return markdown_text(retro, picture=timeline_image, vocabulary=vocabulary)


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
    """Block tokens, and inside each inline run whatever is not plain text, a typed code span
    or a typed link (checked on their own). Paragraphs are left out and the inline runs of
    one block merged: a blank line a person typed splits their text into paragraphs."""
    result: list[tuple[str, ...]] = []
    for token in PARSER.parse(markdown):
        if token.type in ("paragraph_open", "paragraph_close"):
            continue
        if token.type == "inline":
            children = token.children or []
            marks = [c.type for c in children if c.type not in NOT_STRUCTURE and not is_br(c)]
            if result and result[-1][0] == "inline":
                result[-1] = (*result[-1], *marks)
            else:
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
            severity=text(s.severity),
            incident_ref=text(s.incident_ref),
            services=[text(name) for name in s.services],
            impact=text(s.impact),
            owner=text(s.owner),
            detected_at=s.detected_at if s.detected_at is None else text(s.detected_at),
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
        retro, rationality=[a for a in retro.rationality if a.event in decisions],
        # A readable key time is shown in the header's zone, not as typed.
        session=dataclasses.replace(retro.session, detected_at=None),
    )

    def collect(value: str) -> str:
        if value.strip() and "`" not in value:
            found.extend(chunks(value))
        return value

    def collect_word(value: str) -> str:
        if value.strip():
            words.append(normalised(value.strip()).casefold())
        return value

    if not retro.session.export_feeling_notes:
        retro = dataclasses.replace(retro, feelings=[dataclasses.replace(f, note="")
                                                     for f in retro.feelings])
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
    "javascript:alert(1)", "https://a.b/c_d?x=1&y=2", "HTTPS://X.Y/(a)", "http://a.b/<i>",
    "ftp://x.y", "[x](https://a.b)", "<https://a.b>", "`https://a.b`", "$5 and $10", "~5 ~6",
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
        severity=draw(texts),
        incident_ref=draw(texts),
        services=draw(st.lists(texts, max_size=2)),
        impact=draw(texts),
        owner=draw(texts),
        detected_at=draw(st.one_of(st.none(), instants, texts)),
        resolved_at=draw(st.one_of(st.none(), instants)),
        export_feeling_notes=draw(st.booleans()),
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
    r"(?:^|(?<=[\s*_~(]))www\.|(?<![<\w])ftp://|[A-Za-z0-9.+_-]@[A-Za-z0-9_-]+\.[A-Za-z0-9]",
    re.IGNORECASE,
)
# What the write-up may contain once rendered, in either renderer; typed text adds nothing else.
ALLOWED_TAGS = {"h1", "h2", "h3", "p", "ul", "li", "strong", "table", "thead", "tbody", "tr",
                "th", "td", "br", "code", "a", "img", "input", "div"}


def strings(value: object) -> list[str]:
    """Every string inside `value` (dicts, lists and dataclass dicts)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in strings(item)]
    return []


def assert_no_bare_autolinks(markdown: str) -> None:
    """GFM links bare `www.` domains, `ftp://` URLs and e-mail addresses; none may stay bare
    (typed http(s) URLs are written as `<URL>` autolinks on purpose)."""
    for line in markdown.split("\n"):
        bare = re.sub(r"<https?://[^<>\s]*>", "", line, flags=re.IGNORECASE)
        bare = re.sub(r"`[^`]*`", "", bare)
        if line.startswith("![Timeline picture]("):
            continue
        assert not BARE_AUTOLINK.search(bare), line


class Tags(HTMLParser):
    """The elements and link targets of rendered HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.images: list[str] = []

    @classmethod
    def of(cls, page: str) -> Tags:
        tags = cls()
        tags.feed(page)
        return tags

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if tag == "a":
            self.hrefs.append(values.get("href") or "")
        if tag == "img":
            self.images.append(values.get("src") or "")


def python_markdown_html(markdown: str) -> str:
    return python_markdown.markdown(markdown, extensions=["tables"])


def assert_safe_html(page: str, image: str | None) -> None:
    tags = Tags()
    tags.feed(page)
    assert set(tags.tags) <= ALLOWED_TAGS, set(tags.tags) - ALLOWED_TAGS
    for href in tags.hrefs:
        assert re.match(r"https?://", href, re.IGNORECASE), href
    assert len(tags.images) <= (1 if image else 0)


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
    typed = "\n".join(typed_texts(retro)[0])
    everything = "\x00".join(normalised(value) for value in strings(dataclasses.asdict(retro)))
    for index, token in enumerate(tokens):
        for child in token.children or []:
            assert child.type not in ("s_open", "em_open"), child
            if child.type == "link_open":
                href = child.attrGet("href")
                assert isinstance(href, str) and re.match(r"https?://", href, re.I), href
            if child.type == "html_inline":
                assert is_br(child) and tokens[index - 1].type in ("td_open", "th_open"), child
            if child.type == "image":
                images.append(child)
            if child.type == "code_inline":
                assert child.content in everything or child.content in typed, child.content
    if image and retro.timeline:
        src = quote(image, safe="/", errors="surrogateescape")
        assert [i.attrGet("src") for i in images] == [src]
    else:
        assert images == []

    # Compared with runs of white space as one space: a title's line breaks become spaces.
    rendered = " ".join("\n".join(inlines(markdown)).split())
    texts_shown, words_shown = typed_texts(retro)
    for text in texts_shown + displayed_instants(retro):
        if "`" not in text and "://" not in text:
            assert " ".join(text.split()) in rendered, text
    cells = {chunk.casefold() for chunk in inlines(markdown)}
    for word in words_shown:
        if "`" not in word and "://" not in word:
            assert word in cells or word.strip() in cells, word
    assert_no_bare_autolinks(markdown)
    assert_safe_html(python_markdown_html(markdown), image if retro.timeline else None)
    assert len(Tags.of(python_markdown_html(markdown)).images) == len(images)


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_escape_inline_shows_the_typed_text_and_nothing_else(text: str) -> None:
    escaped = escape_inline(text)
    tokens = PARSER.parse(f"- {escaped.replace(chr(10), chr(10) + '    ')}\n\n{escaped}\n")
    kinds = {t.type for t in tokens if t.type != "inline"}
    assert kinds <= {"bullet_list_open", "list_item_open", "paragraph_open", "paragraph_close",
                     "list_item_close", "bullet_list_close"}
    for token in tokens:
        if token.type == "inline":
            assert {c.type for c in token.children or []} <= {
                "text", "hardbreak", "softbreak", "code_inline", "link_open", "link_close"}
    if "`" not in text and text.strip():
        seen = "\n".join(shown(t) for t in tokens if t.type == "inline")
        for chunk in chunks(text):
            assert chunk in seen, chunk
    assert_no_bare_autolinks(escaped)
    assert_safe_html(python_markdown_html(escaped), None)


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(texts, min_size=2, max_size=2))
def test_escape_cell_stays_in_its_cell(cells: list[str]) -> None:
    row = " | ".join(escape_cell(cell) for cell in cells)
    tokens = PARSER.parse(f"| a | b |\n|---|---|\n| {row} |\n")
    body = [t for t in tokens if t.type == "inline"][2:]
    assert len(body) == 2
    for token, cell in zip(body, cells, strict=True):
        kinds = {c.type for c in token.children or [] if not is_br(c)}
        assert kinds <= {"text", "code_inline", "link_open", "link_close"}
        if "`" not in cell and "://" not in cell:
            assert shown(token) == normalised(cell).strip(" \t") or (
                shown(token).strip() == normalised(cell).strip())
    page = python_markdown_html(f"| a | b |\n|---|---|\n| {row} |\n")
    assert page.count("<td") == 2
    assert_safe_html(page, None)


# -- escaping, case by case ----------------------------------------------------------------------

DANGEROUS = [
    "# not a heading", "#incident-1187", "Title\n===", "a\n---", "- item", "+ item", "* item",
    "1. one", "1) one", "> quote", "```\ncode\n```", "~~~\nfence", "***", "_ _ _",
    "    indented", "\tindented", "<div>html</div>", "<!-- comment -->", "<br>",
    "[a]: /b", "[a]: b\n\n[a]", "[a [b] c](x.png)", "x\n[a](\nb)", "![img](x.png)",
    "[^1]\n\n[^1]: note", "*em* _em_ **strong**",
    "~~strike~~", "&amp; &#65; &copy;", "two spaces  \nhard break", "back\\\nslash", "a|b",
    "$x^2$", ":smile:", "nul\x00here", "crlf\r\nand\rcr", "\u202eRTL override", "e\u0301",
    "👩\u200d💻 zero width joiner", "x\u2028y", "[ ] not a task", "| a | b |\n|---|---|",
    "trailing spaces   ", "\\", "&", "a_b_", "_x_", "www.example.com", "ops@example.com",
    "ftp://example.com/x", "<ops@example.com>", "a <b> c", "x ~1 ~2",
]


def rendered_alike(markdown: str) -> tuple[str, str]:
    """The text a reader sees, from markdown-it and from Python-Markdown."""
    def text_of(page: str) -> str:
        parser = TextOf()
        parser.feed(page)
        return "".join(parser.parts).strip()

    return text_of(PARSER.render(markdown)), text_of(python_markdown_html(markdown))


class TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")


@pytest.mark.parametrize("text", DANGEROUS)
def test_dangerous_text_renders_as_typed_in_both_renderers(text: str) -> None:
    escaped = escape_inline(text)
    tokens = PARSER.parse(escaped)
    assert [t.type for t in tokens][:1] == ["paragraph_open"]
    assert {t.type for t in tokens} <= {"paragraph_open", "inline", "paragraph_close"}
    for token in tokens:
        if token.type == "inline":
            assert {c.type for c in token.children or []} <= {"text", "hardbreak"}, escaped
    expected = "\n".join(chunks(text))
    shown_text = "\n".join(shown(t) for t in tokens if t.type == "inline")
    assert shown_text == expected
    assert_safe_html(python_markdown_html(escaped), None)
    tags = Tags()
    tags.feed(python_markdown_html(escaped))
    assert set(tags.tags) <= {"p", "br"}, (escaped, tags.tags)
    markdown_it_text, python_text = rendered_alike(escaped)
    assert re.sub(r"\s+", " ", python_text) == re.sub(r"\s+", " ", markdown_it_text)


def test_a_typed_url_becomes_a_link_to_itself_and_nothing_else_does() -> None:
    text = "see https://wiki.example.com/db/pg_settings?x=1&y=2. Or javascript:alert(1)"
    escaped = escape_inline(text)
    assert escaped == (
        "see <https://wiki.example.com/db/pg_settings?x=1&y=2>. Or javascript:alert(1)")
    for page in (PARSER.render(escaped), python_markdown_html(escaped)):
        tags = Tags()
        tags.feed(page)
        assert tags.hrefs == ["https://wiki.example.com/db/pg_settings?x=1&amp;y=2"] or (
            tags.hrefs == ["https://wiki.example.com/db/pg_settings?x=1&y=2"])
    assert inlines(escaped) == [text]


def test_a_typed_code_span_stays_code() -> None:
    escaped = escape_inline("raised `max_connections` on db_primary_01")
    assert escaped == "raised `max_connections` on db_primary_01"
    code = [c.content for t in PARSER.parse(escaped) for c in t.children or []
            if c.type == "code_inline"]
    assert code == ["max_connections"]
    assert "<code>max_connections</code>" in python_markdown_html(escaped)
    assert escape_inline("an odd ` backtick") == "an odd \\` backtick"


@pytest.mark.parametrize(
    "text", ["www.example.com", "ops@example.com", "go to www.example.com/x now"]
)
def test_bare_domains_and_addresses_cannot_become_autolinks(text: str) -> None:
    escaped = escape_inline(text)
    assert_no_bare_autolinks(escaped)
    assert inlines(escaped) == [text]


def test_ordinary_prose_keeps_its_punctuation_unescaped() -> None:
    text = ("It's 14:32, the SEC-482 rollback (v4.31) failed; why? \"Again\"! 100% sure/unsure."
            " Raised max_connections on db_primary_01 (see #incident-1187): error rate > 5%,"
            " a + b = c, 3 < 4, a_b, ~5 min, $5, {x} [note] [^1], wiki.example.com, 1.5 h")
    assert escape_inline(text) == text


def test_a_blank_line_splits_paragraphs_and_a_line_break_is_a_hard_break() -> None:
    assert escape_inline("one\ntwo\n\nthree") == "one  \ntwo\n\nthree"
    page = python_markdown_html(escape_inline("one\ntwo\n\nthree"))
    assert page == "<p>one<br />\ntwo</p>\n<p>three</p>"
    assert "\\\n" not in escape_inline("back\\\nslash")


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
    assert markdown.startswith("# Retro: Checkout # outage\n\n")
    assert "- **Kind:** Our own incident\n" in markdown
    assert "- **Incident date:** 2026-11-20\n" in markdown
    assert "- **Times:** in Europe/Berlin\n" in markdown
    assert "- **Facilitator:** Ines Vogel\n" in markdown
    assert "- **Status:** Draft\n" in markdown
    assert "- **Participants:**\n    - Zoë Hartmann — SRE, on-call\n    - Jo\n" in markdown
    assert "Sources" not in markdown and "Severity" not in markdown


def test_the_standard_write_up_fields_with_durations_in_the_header_zone() -> None:
    retro = small_retro(
        incident_date="2026-11-20", severity="SEV-1", incident_ref="https://inc.example.com/1187",
        services=["checkout", "payments-gateway"], impact="2,100 failed payments",
        detected_at="2026-11-20T13:36:00+00:00", mitigated_at="2026-11-20T15:21:00+01:00",
        resolved_at="2026-11-21T09:30:00+01:00", retro_date="2026-11-25", owner="Priya Raman",
        status="closed",
    )
    retro.timeline = [Event("e1", "2026-11-20T14:32:00+01:00", "x")]
    markdown = render_markdown(retro)
    header = markdown[: markdown.index("## Summary")]
    lines = [line for line in header.splitlines() if line.startswith("- **")]
    assert lines == [
        "- **Kind:** Our own incident",
        "- **Severity:** SEV-1",
        "- **Incident:** <https://inc.example.com/1187>",
        "- **Services:** checkout, payments-gateway",
        "- **Impact:** 2,100 failed payments",
        "- **Incident date:** 2026-11-20",
        "- **Detected:** 14:36",
        "- **Mitigated:** 15:21 (45 min after detection)",
        "- **Resolved:** 2026-11-21 09:30 (18 h 54 min after detection)",
        "- **Times:** in Europe/Berlin (UTC+01:00)",
        "- **Retro held:** 2026-11-25",
        "- **Facilitator:** not recorded",
        "- **Owner:** Priya Raman",
        "- **Status:** Closed",
        "- **Participants:** none recorded",
    ]


def test_content_comes_first_and_the_meeting_at_the_end() -> None:
    retro = small_retro()
    retro.agenda = [AgendaItem("opening", "Opening", 300, 360)]
    headings = re.findall(r"^## (.+)$", render_markdown(retro), re.MULTILINE)
    assert headings == ["Summary", "Timeline", "Learnings", "Actions", "Parking lot",
                        "Feelings round", "Closing", "Agenda: planned and spent",
                        "Language reflection"]


def test_external_study_says_so_and_links_its_sources() -> None:
    links = ["https://status.example.com/incidents/a_b*c", "weird `tick` link", "javascript:x()"]
    markdown = render_markdown(small_retro(kind="external", source_links=links))
    assert "External incident study (someone else's public incident)" in markdown
    assert "    - <https://status.example.com/incidents/a_b*c>\n" in markdown
    assert "    - weird `tick` link\n" in markdown
    assert "    - javascript:x()\n" in markdown
    hrefs = [c.attrGet("href") for t in PARSER.parse(markdown) for c in t.children or []
             if c.type == "link_open"]
    assert hrefs == ["https://status.example.com/incidents/a_b*c"]


def test_external_study_without_sources_says_none_recorded() -> None:
    assert "- **Sources:** none recorded" in render_markdown(small_retro(kind="external"))


def test_empty_retro_says_none_recorded() -> None:
    markdown = render_markdown(small_retro())
    for title in ("Summary", "Feelings round", "Timeline", "Learnings", "Actions",
                  "Parking lot", "Agenda: planned and spent"):
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
    agenda = section(render_markdown(retro), "Agenda: planned and spent")
    assert "| Opening | 5 min | 6 min | +1 min |" in agenda
    assert "| Close | 2 min | 1 min 30 s | −30 s |" in agenda
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


def test_feeling_notes_leave_only_when_the_facilitator_ticks_it_and_never_name_anyone() -> None:
    retro = small_retro()
    retro.participants = [Participant("p1", "Zebedee Quux", "Support lead")]
    retro.feelings = [
        Feeling(["tired"], note="Zulu note from a named person", participant="p1"),
        Feeling(["angry"], note="Alpha note, anonymous"),
    ]
    kept = section(render_markdown(retro), "Feelings round")
    assert "note" not in kept.replace("2 notes were written", "")
    assert "2 notes were written; they stay in the retro" in kept
    retro.session.export_feeling_notes = True
    feelings = section(render_markdown(retro), "Feelings round")
    assert "Zebedee" not in feelings and "p1" not in feelings
    assert "Notes, unattributed:\n\n- Alpha note, anonymous\n- Zulu note from a named person" in (
        feelings
    )


def test_timeline_shows_times_once_in_the_header_zone_in_time_order() -> None:
    retro = small_retro()
    retro.timeline = [
        Event("e2", "2026-11-20T14:00:00+00:00", "Second, stored in UTC", actor="Zoë"),
        Event("e1", "2026-11-20T14:32:00+01:00", "First", source="Slack"),
        Event("e3", "2026-11-20T16:00:00+01:00", "Third", learned_later=True),
    ]
    markdown = render_markdown(retro)
    assert "- **Times:** in Europe/Berlin (UTC+01:00)\n" in markdown
    timeline = section(markdown, "Timeline")
    assert "| Time (2026-11-20) | Who | What happened | Source | Marked |" in timeline
    rows = [line for line in timeline.splitlines() if re.match(r"\| \d\d:", line)]
    assert rows == [
        "| 14:32 |  | First | Slack |  |",
        "| 15:00 | Zoë | Second, stored in UTC |  |  |",
        "| 16:00 |  | Third |  | △ learned later |",
    ]


def test_timeline_spanning_days_dates_a_row_where_the_day_changes() -> None:
    retro = small_retro()
    retro.timeline = [
        Event("e1", "2026-11-20T23:30:15+01:00", "Late"),
        Event("e2", "2026-11-20T23:50:00+01:00", "Later"),
        Event("e3", "2026-11-21T00:10:00+01:00", "After midnight"),
        Event("e4", "around *tea* time", "Unknown"),
    ]
    timeline = section(render_markdown(retro), "Timeline")
    assert "| Time | Who |" in timeline
    assert "| 2026-11-20 23:30:15 | " in timeline
    assert "| 23:50:00 | " in timeline
    assert "| 2026-11-21 00:10:00 | " in timeline
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
    timeline = section(markdown, "Timeline")
    assert "\n![Timeline picture](pictures/time%20line%20%281%29.png)\n" in timeline
    assert "zoom" not in timeline.casefold()


def test_each_decision_point_has_its_answers_beside_its_event() -> None:
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
    timeline = section(render_markdown(retro), "Timeline")
    first = timeline.index("| 14:32 | Zoë | Rolls back 4.31 |")
    heading = timeline.index("### Decision point 1 · 14:32\n\n")
    second_row = timeline.index("| 14:40 |")
    assert first < heading < second_row
    answers = timeline[heading:second_row]
    labels = re.findall(r"^- \*\*(.+?):\*\*", answers, re.MULTILINE)
    assert labels == [CATEGORY_TITLES[c] for c in ("cues", "normal_work", "help")]
    assert "- **Normal work:** Runbook step 2  \n    second line\n" in answers
    assert "### Decision point 2 · 14:50\n\nNo local-rationality answers recorded." in timeline


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
    assert "## Learnings\n\n- first line  \n    \\- not a new item\n\n## Actions" in markdown
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


def test_private_notes_never_leave_and_the_reflection_can_be_switched_off() -> None:
    retro = small_retro()
    retro.private_notes = "facilitator secret"
    markdown = render_markdown(retro)
    assert "facilitator secret" not in markdown
    assert markdown.endswith("\n") and not markdown.endswith("\n\n")
    retro.session.language_reflection = False
    assert "Language reflection" not in render_markdown(retro)


# -- the sample, as teams read it ----------------------------------------------------------------


def sample_markdown() -> str:
    return markdown_text(read_file(resource("sample_retro.json")))


def test_sample_retro_matches_the_golden_file() -> None:
    # The whole document as `retro-desk export` writes it, language reflection included.
    markdown = sample_markdown()
    if os.environ.get("RETRO_DESK_UPDATE_GOLDEN") == "1":
        write_atomic(GOLDEN, markdown)
    assert markdown == GOLDEN.read_text(encoding="utf-8")


ESCAPES = re.compile(r"\\[!-/:-@\[-`{-~]|&(?:#[0-9]+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)


def visible(page: str) -> tuple[list[str], str]:
    tags = Tags.of(page)
    text = TextOf()
    text.feed(page)
    return tags.tags, " ".join("".join(text.parts).split())


def test_the_sample_has_no_escape_a_renderer_does_not_need() -> None:
    # Take out each escape in turn: at least one of the two renderers must then show
    # something else, or the escape was clutter.
    markdown = sample_markdown()
    found = list(ESCAPES.finditer(markdown))
    assert found, "the sample has characters that need escaping"
    assert len(found) <= 10
    for match in found:
        plain = match[0][1:] if match[0].startswith("\\") else html.unescape(match[0])
        changed = markdown[: match.start()] + plain + markdown[match.end():]
        same_it = visible(PARSER.render(changed)) == visible(PARSER.render(markdown))
        same_py = visible(python_markdown_html(changed)) == visible(
            python_markdown_html(markdown))
        assert not (same_it and same_py), markdown[match.start() - 30: match.end() + 30]


def outline(page: str) -> list[tuple[str, ...]]:
    """Headings, tables (with their shape) and list items, as a reader would count them."""
    tags = Tags.of(page)
    result: list[tuple[str, ...]] = []
    for tag in tags.tags:
        if tag in ("h1", "h2", "h3", "table", "tr", "td", "th", "li", "ul", "img", "a", "code"):
            result.append((tag,))
    return result


def test_the_sample_renders_alike_in_markdown_it_and_python_markdown() -> None:
    markdown = sample_markdown().replace(".png)", ".png)")
    gfm = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    by_it = gfm.render(markdown)
    by_python = python_markdown_html(markdown)
    assert outline(by_it) == outline(by_python)
    assert visible(by_it)[1] == visible(by_python)[1]
    assert "\\" not in visible(by_python)[1]
    assert outline(by_it).count(("h3",)) == 6
    assert len([t for t in outline(by_it) if t == ("li",)]) > 30


def test_the_issue_examples_read_cleanly() -> None:
    text = ("Raised max_connections on db_primary_01 (see https://wiki.example.com/db/"
            "pg_settings?x=1&y=2), #incident-1187, error rate > 5%")
    assert escape_inline(text) == (
        "Raised max_connections on db_primary_01 (see <https://wiki.example.com/db/"
        "pg_settings?x=1&y=2>), #incident-1187, error rate > 5%")


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
