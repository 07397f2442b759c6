"""HTML export: every section, and every typed text shown as text, never as markup; the only
links are typed http(s) URLs, to themselves."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest

from retro_desk.export import html_text, markdown_text, session_file
from retro_desk.export.html import CSP, Image, png_data_uri
from retro_desk.model import (
    Action,
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

SECTIONS = ["Summary", "Timeline", "Learnings", "Actions", "Parking lot", "Feelings round",
            "Closing", "Agenda: planned and spent", "Language reflection"]
HOSTILE = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    "<a href='https://evil.example'>click</a>",
    "</td></tr></table><h1>fake</h1>",
    "<!-- comment --> & &amp; &#60;",
    "<style>body{display:none}</style>",
]
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "dl", "dt",
    "dd", "ul", "li", "p", "span", "strong", "code", "section", "table", "thead", "tbody",
    "tr", "th", "td", "figure", "img", "figcaption", "br", "a",
}


class Page(HTMLParser):
    """What a browser would build from the page: elements, attributes and text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.headings: list[str] = []
        self._heading = False
        self._style = False
        self.comments: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((tag, name, value) for name, value in attrs)
        if tag == "h2":
            self._heading = True
            self.headings.append("")
        self._style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._heading = False
        if tag == "style":
            self._style = False

    def handle_data(self, data: str) -> None:
        if self._style:
            return
        self.text.append(data)
        if self._heading:
            self.headings[-1] += data

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def all_text(self) -> str:
        return "".join(self.text)


def sample() -> Retro:
    return session_file.read_file(resource("sample_retro.json"))


def hostile_retro() -> Retro:
    words = " | ".join(HOSTILE)
    session = Session(
        uuid="u", title=f"Title {HOSTILE[0]}", kind="external", incident_date="2026-11-20",
        timezone="Europe/Berlin", facilitator=HOSTILE[1], summary=f"{words}\nsecond line",
        source_links=[HOSTILE[2], "https://status.example.com/incidents/42", HOSTILE[3]],
    )
    return Retro(
        session=session,
        participants=[Participant(key="p1", name=HOSTILE[4], role=HOSTILE[5])],
        feelings=[Feeling(words=[HOSTILE[6], "anxious"], note=HOSTILE[0], blame_feeling=True)],
        timeline=[
            Event(key="e1", at="2026-11-20T14:32:00+01:00", description=HOSTILE[1],
                  actor=HOSTILE[0], source=HOSTILE[2], decision_point=True),
            Event(key="e2", at="2026-11-20T14:40:00+01:00", description=HOSTILE[3],
                  learned_later=True),
        ],
        rationality=[Answer(event="e1", category="knowledge", answer=HOSTILE[4])],
        learnings=[Learning(text=HOSTILE[5])],
        actions=[Action(description=HOSTILE[6], owner=HOSTILE[0], due="2026-12-01")],
        parking_lot=[ParkingItem(text=HOSTILE[2])],
        closing=Closing(roti=[4, 5], notes=HOSTILE[1]),
    )


def test_the_sample_has_every_section_in_markdown_order() -> None:
    retro = sample()
    page = Page(html_text(retro))
    assert page.headings == SECTIONS
    markdown_sections = re.findall(r"^## (.+)$", markdown_text(retro), flags=re.MULTILINE)
    assert page.headings == markdown_sections


def test_the_sample_holds_what_the_markdown_holds() -> None:
    retro = sample()
    text = Page(html_text(retro)).all_text()
    for expected in (
        "Retro: Checkout payments failing after a certificate renewal",
        "Our own incident", "Europe/Berlin", "Ines Vogel",
        "Zoë Hartmann — Site reliability engineer, primary on-call",
        "Feelings round", "10 min", "13 min", "+3 min",  # planned, spent, difference
        "4 of 8 entries named a blame feeling.", "vindicated",
        "in Europe/Berlin (UTC+01:00)", "Time (2026-11-20)", "14:41",
        "◆ decision point", "△ learned later",
        "Decision point 1 · 09:40", "Knowledge:",
        "ROTI (return on time invested, 1–5)",
        "phrase of blame framing was noticed",
    ):
        assert expected in text, expected
    for action in retro.actions:
        assert action.description in text
    for item in retro.parking_lot:
        assert " ".join(item.text.split()) in " ".join(text.split())


def test_feeling_notes_carry_no_names_and_are_sorted() -> None:
    retro = sample()
    retro.session.export_feeling_notes = True
    retro.feelings[0].participant = retro.participants[0].key
    page = html_text(retro)
    section = page[page.index('id="feelings"'):page.index('id="timeline"')]
    assert all(person.name not in section for person in retro.participants)
    notes = [f.note for f in retro.feelings if f.note.strip()]
    texts = Page(section).text
    shown = [t for t in texts if any(t == note for note in notes)]
    assert shown == sorted(shown, key=str.casefold)


def test_hostile_text_stays_text() -> None:
    retro = hostile_retro()
    page = html_text(retro)
    parsed = Page(page)
    # Only the elements this program writes; no script, no link, no form, no frame.
    assert set(parsed.tags) <= ALLOWED_TAGS
    assert parsed.tags.count("img") == 0
    assert parsed.tags.count("style") == 1 and parsed.tags.count("h1") == 1
    assert parsed.comments == []
    for tag, name, value in parsed.attributes:
        assert not name.startswith("on"), (tag, name)
        assert name in {"lang", "charset", "http-equiv", "content", "name", "class", "id",
                        "width", "src", "alt", "height", "href", "rel"}, (tag, name)
        assert "javascript" not in (value or "").lower() or tag == "meta"
        if name == "href":
            # Typed http(s) URLs, each a link to itself.
            assert value in ("https://status.example.com/incidents/42", "https://evil.example")
    text = parsed.all_text()
    for hostile in HOSTILE:
        assert hostile in text, hostile
    # Only a typed http(s) URL is a link, to itself.
    assert 'href="https://status.example.com/incidents/42"' in page
    assert '<a href="https://evil.example" rel="noopener noreferrer nofollow">' in page
    assert "javascript:alert(document.cookie)</span>" in page


def test_control_characters_and_line_breaks() -> None:
    retro = sample()
    retro.session.summary = "line one\r\nline two\x00\x1b[31m \ud800 end"
    page = html_text(retro)
    assert "line one<br>line two\ufffd\ufffd[31m \ufffd end" in page
    page.encode("utf-8")


def test_a_self_contained_printable_page() -> None:
    retro = sample()
    image = Image(png_data_uri(b"\x89PNG\r\n\x1a\n fake"), 1200, 400)
    page = html_text(retro, image)
    parsed = Page(page)
    sources = [value for tag, name, value in parsed.attributes if name == "src"]
    assert sources == [image.src]
    assert sources[0].startswith("data:image/png;base64,")
    assert f'content="{CSP}"' in page
    assert "@media print" in page
    # Nothing is fetched: no external style sheet, script, font or picture.
    assert not re.search(r"src=\"(?!data:)", page)
    assert all(href.startswith("https://") for href in re.findall(r'href="([^"]*)"', page))
    assert "url(" not in page


@pytest.mark.parametrize("switch", [True, False])
def test_the_language_reflection_follows_the_retro_setting(switch: bool) -> None:
    retro = dataclasses.replace(sample())
    retro.session.language_reflection = switch
    headings = Page(html_text(retro)).headings
    assert ("Language reflection" in headings) is switch


def test_an_empty_retro_says_none_recorded() -> None:
    retro = Retro(session=Session(uuid="u", title="Empty"))
    retro.session.language_reflection = False
    parsed = Page(html_text(retro))
    assert parsed.headings == [s for s in SECTIONS if s != "Language reflection"]
    assert parsed.all_text().count("None recorded.") >= 7
