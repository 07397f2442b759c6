"""The write-up as Markdown that reads well as plain text and renders alike everywhere.

Aimed at GitHub (cmark-gfm), markdown-it, pandoc and Python-Markdown (MkDocs) at once.
Text a person typed renders as exactly what they typed, with two exceptions that they
meant: a `code span` they typed stays code, and an http(s) URL becomes a link to itself
(written as `<URL>`, which every one of those renderers links, and only to itself).

Escaping rules: a character is escaped only where it would start markup at that place:
- anywhere: `\\` before punctuation or at a line's end; `*` (Python-Markdown makes emphasis
  of any pair); `_` unless between two letters or digits (intraword `_` is never emphasis);
  `[` when a `]` follows (links, images, footnotes, task boxes); a backtick outside a code
  span; `<` that could open a tag or autolink and `&` that would spell an entity (as
  entities: Python-Markdown has no backslash escape for them); in tables, `|`;
- where GFM would autolink: `www.`, the `@` of an e-mail address;
- `~` only when a text has two (strikethrough), `$` only when a pair would be math;
- at the start of a line: `#`, `>`, a list marker, a setext underline or thematic break,
  a digit run's `.` or `)` before a space, a `~~~` fence; whitespace at either end of a
  line becomes character references (parsers strip it, or read it as code).
Backslash escapes are used only for characters Python-Markdown also unescapes; the rest
become character references. Normalisations, the only ones: CR LF and lone CR become line
breaks; a blank line splits paragraphs; control characters other than tab and line feed, and
unpaired surrogates (a JSON file can hold "\\ud800"), become U+FFFD. Line breaks are two
trailing spaces (hard breaks without backslashes), `<br>` in table cells.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import quote

from retro_desk.export.document import (
    Block,
    Bullets,
    Document,
    Figure,
    Heading,
    Line,
    Paragraph,
    Table,
    trim_url,
)

INDENT = "    "  # Python-Markdown nests lists only at four spaces
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CARRIAGE_RETURN = re.compile(r"\r\n?")
_BLANK_LINES = re.compile(r"\n[ \t\u00a0]*(?:\n[ \t\u00a0]*)+\n|\n[ \t]*\n")
# Code spans on one line, and http(s) URLs, are kept whole; everything between is escaped.
_KEPT = re.compile(
    r"(?P<code>(?<!`)(`+)(?!`)(?:[^`\n]|[^\n]*?[^`\n])\2(?!`))"
    r"|(?P<url>(?<![A-Za-z0-9+.-])[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9][^\s<>`|\"\\\[\]]*)"
)
_MAYBE = re.compile(r"[\\`*_\[<&~|$@]|[Ww][Ww][Ww]\.|://")
# Also before white space at a line's end, which becomes a character reference (punctuation).
_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~]|\s*$)")
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]*;)")
_TAG = re.compile(r"<(?=[A-Za-z/!?]|[^\s>][^>]*>)")
# A `[` opens a link only before `](`; before `]:` it could define a reference (at a line's
# start), and `[ ]` or `[x]` could be a task box; a `[` before anything else stays text.
_BRACKET = re.compile(r"\[(?=.*\][(:]|[ xX]\])", re.DOTALL)
_WWW = re.compile(r"(?<![^\s*_~(])([Ww][Ww][Ww])\.")
_EMAIL = re.compile(r"(?<=[A-Za-z0-9.+_-])@(?=[A-Za-z0-9_-]+\.[A-Za-z0-9])")
_BARE_SCHEME = re.compile(r"(?<![A-Za-z0-9])([Ff][Tt][Pp]|[Hh][Tt][Tt][Pp][Ss]?):(?=//)")
_MATH = re.compile(r"\$[^\s$][^$]*\$")
_DELIMITER_ROW = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-*:?[ \t]*)*$", re.MULTILINE)
_LINE_START = re.compile(
    r"[#>]|[-+](?=[ \t]|$)|-[- \t]*$|=+[ \t]*$|[0-9]{1,9}[.)](?=[ \t]|$)|~~~"
)
_EDGE_SPACE = re.compile(r"^\s+|\s+$")
_HEADING_TAIL = re.compile(r"(^|[ \t])(#+)[ \t]*$")


def clean(text: str) -> str:
    """The documented normalisations: line breaks unified, unshowable characters replaced."""
    if "\r" in text:
        text = _CARRIAGE_RETURN.sub("\n", text)
    if not text.isprintable():
        text = _CONTROL.sub("\ufffd", text)
    return text


def paragraphs(text: str, every_bracket: bool = False) -> list[str]:
    """`text` as Markdown paragraphs (joined by the caller); lines end in hard breaks.

    `every_bracket`: the text shares its line with others, whose `]` could close its `[`.
    """
    text = clean(text)
    flags = _Flags(text, cell=False)
    flags.bracket = flags.bracket or every_bracket
    result = []
    for chunk in _BLANK_LINES.split(text.strip("\n")) if "\n" in text else [text]:
        lines = [_line(line, flags) for line in chunk.split("\n")]
        result.append("  \n".join(lines))
    return result


def escape_inline(text: str, every_bracket: bool = False, in_list: bool = False) -> str:
    """`text` as paragraphs separated by a blank line; `in_list`, as one list item's text,
    where a blank line becomes a line break (renderers disagree about loose nested items)."""
    return ("  \n" if in_list else "\n\n").join(paragraphs(text, every_bracket))


def escape_cell(text: str) -> str:
    """`text` for a table cell: literal, pipes escaped, line breaks as `<br>`."""
    text = clean(text)
    flags = _Flags(text, cell=True)
    if "\n" not in text:
        return _inline(text, flags)
    return "<br>".join(_inline(line, flags) for line in text.split("\n"))


def escape_heading(text: str) -> str:
    """`text` on a heading's one line; a `#` run at its end would be read as closing marks."""
    text = " ".join(clean(text).split("\n")).strip()
    escaped = _line(text, _Flags(text, cell=False))
    return _HEADING_TAIL.sub(lambda m: f"{m[1]}\\{m[2]}", escaped)


class _Flags:
    """What a whole text needs escaped, which depends on more than one place in it."""

    __slots__ = ("cell", "tilde", "dollar", "pipe", "bracket", "angle")

    def __init__(self, text: str, cell: bool) -> None:
        self.cell = cell
        # Escaped line by line, a `[` on one line could pair with a `]` on the next.
        self.bracket = "\n" in text and _links_possible(text)
        self.angle = False
        self.tilde = text.count("~") > 1
        self.dollar = "$" in text and _MATH.search(text) is not None
        # A pipe only makes a table where a delimiter row follows a paragraph line.
        self.pipe = cell or ("|" in text and "\n" in text and bool(_DELIMITER_ROW.search(text)))

    def copy(self, angle: bool, bracket: bool) -> _Flags:
        other = _Flags("", self.cell)
        other.tilde, other.dollar, other.pipe = self.tilde, self.dollar, self.pipe
        other.bracket, other.angle = bracket, angle
        return other


def _links_possible(text: str) -> bool:
    return "[" in text and ("](" in text or "]:" in text)


def _line(line: str, flags: _Flags) -> str:
    escaped = _inline(line, flags)
    start = _LINE_START.match(escaped)
    if start:
        mark = start[0]
        if mark[0].isdigit():
            escaped = f"{mark[:-1]}\\{escaped[len(mark) - 1:]}"
        elif mark[0] == "=":
            escaped = "&#61;" + escaped[1:]
        elif mark[0] == "~":
            escaped = "&#126;" + escaped[1:]
        else:
            escaped = "\\" + escaped
    if escaped[:1].isspace() or escaped[-1:].isspace():
        escaped = _EDGE_SPACE.sub(_entities, escaped)
    return escaped


def _inline(text: str, flags: _Flags) -> str:
    if not _MAYBE.search(text):
        return text
    if "`" not in text and "://" not in text:
        return _plain(text, flags)
    out = []
    last = 0
    # Escaped piece by piece, the pieces between code spans and links must not pair up across
    # them: a `[` before and a `]` after; a `<` typed before the `<URL>` written for a link.
    angle = "://" in text and "<" in text
    bracket = flags.bracket or _links_possible(text)
    if angle or bracket != flags.bracket:
        flags = flags.copy(angle, bracket)
    for match in _KEPT.finditer(text):
        kept = match[0]
        if match["url"]:
            kept = trim_url(kept)
        elif flags.cell and "|" in kept:
            continue  # a cell's pipe inside a code span would still split the cell
        out.append(_plain(text[last:match.start()], flags))
        out.append(f"<{kept}>" if match["url"] else kept)
        last = match.start() + len(kept)
    out.append(_plain(text[last:], flags))
    return "".join(out)


def _plain(text: str, flags: _Flags) -> str:
    if not text or not _MAYBE.search(text):
        return text
    if "\\" in text:
        text = _BACKSLASH.sub(r"\\\\", text)
    if "&" in text:
        text = _ENTITY.sub("&amp;", text)
    if "<" in text:
        text = text.replace("<", "&lt;") if flags.angle else _TAG.sub("&lt;", text)
    if "*" in text:
        text = text.replace("*", "\\*")
    if "_" in text:
        text = _UNDERSCORE.sub(r"\\_", text)
    if "`" in text:
        text = text.replace("`", "\\`")
    if "[" in text:
        text = text.replace("[", "\\[") if flags.bracket else _BRACKET.sub(r"\\[", text)
    if flags.tilde and "~" in text:
        text = text.replace("~", "&#126;")
    if flags.dollar and "$" in text:
        text = text.replace("$", "&#36;")
    if flags.pipe and "|" in text:
        text = text.replace("|", "\\|")
    if "@" in text:
        text = _EMAIL.sub("&#64;", text)
    if "." in text:
        text = _WWW.sub(r"\1\\.", text)
    if "://" in text:
        text = _BARE_SCHEME.sub(r"\1&#58;", text)
    return text


def _entities(match: re.Match[str]) -> str:
    return "".join(f"&#{ord(c)};" for c in match[0])


# -- rendering -----------------------------------------------------------------------------


def render(document: Document, picture: str | None = None) -> str:
    """The document as Markdown; `picture` is the timeline picture's relative path."""
    parts = [f"# {escape_heading(document.heading)}", _fields(document)]
    for section in document.sections:
        parts.append(f"## {section.title}")
        parts.extend(_block(block, picture) for block in section.blocks)
    return "\n\n".join(part for part in parts if part) + "\n"


def _runs(line: Line, cell: bool = False, in_list: bool = True) -> str:
    out = []
    # A `[` in one typed text and a `]` in the next would make a link between them.
    shared = len(line) > 1 and _links_possible("".join(run.text for run in line))
    for run in line:
        if run.typed:
            out.append(_cell(run.text) if cell else escape_inline(run.text, shared, in_list))
        else:
            # This program's own wording holds no markup characters.
            out.append(f"**{run.text}**" if run.strong else run.text)
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _cell(text: str) -> str:
    # Long timelines repeat the same few actors, sources and times.
    return escape_cell(text)


def _item(body: str) -> str:
    return "- " + body.replace("\n", "\n" + INDENT)


def _fields(document: Document) -> str:
    items = []
    for field in document.fields:
        body = f"**{field.label}:**"
        if field.value:
            body += " " + _runs(field.value)
        for sub in field.items:
            body += "\n" + _item(_runs(sub))
        items.append(_item(body))
    return "\n".join(items)


def _block(block: Block, picture: str | None) -> str:
    if isinstance(block, Paragraph):
        return _runs(block.content, in_list=False)
    if isinstance(block, Heading):
        return "#" * block.level + " " + escape_heading("".join(r.text for r in block.text))
    if isinstance(block, Bullets):
        return _bullets(block)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        if picture is None:
            return ""
        # A path read from the file system may carry undecodable bytes as surrogates.
        src = quote(picture, safe="/", errors="surrogateescape")
        return f"![Timeline picture]({src})\n\n{escape_inline(block.caption)}"
    raise TypeError(f"not a block: {block!r}")


def _bullets(block: Bullets) -> str:
    lines = []
    for index, item in enumerate(block.items):
        body = _runs(item)
        if block.done is not None:
            body = ("[x] " if block.done[index] else "[ ] ") + body
        lines.append(_item(body))
    return "\n".join(lines)


def _table(table: Table) -> str:
    align = ["--:" if i in table.numeric else ":--" for i in range(len(table.header))]
    lines = ["| " + " | ".join(escape_cell(h) for h in table.header) + " |",
             "|" + "|".join(align) + "|"]
    last = len(table.rows) - 1
    for index, row in enumerate(table.rows):
        cells = [_runs(cell, cell=True) for cell in row]
        if table.total_row and index == last:
            cells = [f"**{cell}**" for cell in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


