"""Finishing touches on a PDF written by Qt: bookmarks, and spaces that extract as spaces.

Qt's PDF writer can do neither: it has no outline API, and its text-to-Unicode map sends the
space glyph of fonts that share it with the tab (DejaVu does) to U+0009, so every word
copied or extracted from the PDF is followed by a tab. Both are fixed by an incremental
update appended to the file (the PDF standard's way to amend one): new bookmark objects, a
catalog that points at them, and corrected Unicode maps; the bytes Qt wrote stay as they are.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

_OBJECT = re.compile(rb"(?m)^(\d+) 0 obj\b")
_CATALOG = re.compile(rb"(\d+) 0 obj\s*<<\s*/Type /Catalog\b(.*?)>>\s*endobj", re.DOTALL)
_PAGES = re.compile(rb"\d+ 0 obj\s*<<\s*/Type /Pages\s*/Kids\s*\[([^\]]*)\]", re.DOTALL)
_TO_UNICODE = re.compile(rb"/ToUnicode (\d+) 0 R")
_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)", re.DOTALL)
_TAB = b"<0009>"
_SPACE = b"<0020>"


@dataclass(frozen=True)
class Mark:
    """A bookmark: `page` counts from 0; `top` is in points from the top of the page."""

    title: str
    level: int
    page: int
    top: float


def finish(pdf: bytes, marks: list[Mark], page_height: float) -> bytes:
    """`pdf` with `marks` as its bookmarks and its tabs-for-spaces corrected."""
    catalog = _CATALOG.search(pdf)
    trailer = list(_TRAILER.finditer(pdf))
    pages_match = _PAGES.search(pdf)
    if catalog is None or not trailer or pages_match is None:
        return pdf  # not the layout Qt writes; better unfinished than damaged
    pages = [int(n) for n in re.findall(rb"(\d+) 0 R", pages_match[1])]
    size = max(int(n) for n in _OBJECT.findall(pdf)) + 1
    objects: dict[int, bytes] = {}
    for number in {int(n) for n in _TO_UNICODE.findall(pdf)}:
        fixed = _fixed_cmap(pdf, number)
        if fixed is not None:
            objects[number] = fixed
    catalog_body = catalog[2]
    if marks and pages:
        outline_root = size
        numbers = iter(range(size + 1, size + 1 + len(marks)))
        items = _outline(marks, pages, page_height, outline_root, numbers)
        objects.update(items)
        size += 1 + len(marks)
        catalog_body = re.sub(rb"/Outlines \d+ 0 R|/PageMode /\w+", b"", catalog_body)
        catalog_body += f"/Outlines {outline_root} 0 R\n/PageMode /UseOutlines\n".encode()
    if not objects:
        return pdf
    objects[int(catalog[1])] = b"<<\n/Type /Catalog" + catalog_body + b">>"
    return _append(pdf, objects, size, trailer[-1])


def _fixed_cmap(pdf: bytes, number: int) -> bytes | None:
    found = re.search(rb"(?m)^%d 0 obj\s*<<(.*?)>>\s*stream\r?\n" % number, pdf, re.DOTALL)
    if found is None:
        return None
    length = re.search(rb"/Length (\d+)", found[1])
    if length is None:
        return None
    start = found.end()
    data = pdf[start:start + int(length[1])]
    compressed = b"/FlateDecode" in found[1]
    text = zlib.decompress(data) if compressed else data
    if _TAB not in text:
        return None
    text = _map_tab_to_space(text)
    payload = zlib.compress(text) if compressed else text
    head = b"<<\n/Length %d\n" % len(payload) + (b"/Filter /FlateDecode\n" if compressed else b"")
    return head + b">>\nstream\n" + payload + b"\nendstream"


def _map_tab_to_space(cmap: bytes) -> bytes:
    """Replace U+0009 where it is a glyph's text, not where it is a glyph's number."""
    def in_array(match: re.Match[bytes]) -> bytes:
        return match[0].replace(_TAB, _SPACE)

    def in_line(match: re.Match[bytes]) -> bytes:
        return match[1] + (_SPACE if match[2] == _TAB else match[2])

    cmap = re.sub(rb"\[[^\]]*\]", in_array, cmap)
    # bfchar lines `<glyph> <text>` and bfrange lines `<first> <last> <text>`
    return re.sub(rb"(?m)^((?:<[0-9A-Fa-f]+>\s+){1,2})(<[0-9A-Fa-f]+>)\s*$", in_line, cmap)


def _text_string(title: str) -> bytes:
    encoded = title.encode("utf-16-be", "replace")
    return b"<FEFF" + encoded.hex().upper().encode() + b">"


def _outline(marks: list[Mark], pages: list[int], page_height: float, root: int,
             numbers: Iterator[int]) -> dict[int, bytes]:
    ids = [next(numbers) for _ in marks]
    parent: list[int] = []
    children: dict[int, list[int]] = {root: []}
    stack: list[tuple[int, int]] = [(0, root)]
    for index, mark in enumerate(marks):
        level = max(1, mark.level)
        while stack[-1][0] >= level:
            stack.pop()
        owner = stack[-1][1]
        parent.append(owner)
        children.setdefault(owner, []).append(ids[index])
        children.setdefault(ids[index], [])
        stack.append((level, ids[index]))
    result: dict[int, bytes] = {}

    def family(number: int) -> bytes:
        kids = children[number]
        if not kids:
            return b""
        return b"/First %d 0 R\n/Last %d 0 R\n/Count %d\n" % (kids[0], kids[-1], len(kids))

    result[root] = b"<<\n/Type /Outlines\n" + family(root) + b">>"
    for index, mark in enumerate(marks):
        number = ids[index]
        siblings = children[parent[index]]
        position = siblings.index(number)
        page = pages[min(max(mark.page, 0), len(pages) - 1)]
        top = max(0.0, page_height - mark.top)
        body = b"<<\n/Title " + _text_string(mark.title) + b"\n/Parent %d 0 R\n" % parent[index]
        if position > 0:
            body += b"/Prev %d 0 R\n" % siblings[position - 1]
        if position + 1 < len(siblings):
            body += b"/Next %d 0 R\n" % siblings[position + 1]
        body += family(number)
        body += b"/Dest [%d 0 R /XYZ 0 %.2f 0]\n>>" % (page, top)
        result[number] = body
    return result


def _append(pdf: bytes, objects: dict[int, bytes], size: int, trailer: re.Match[bytes]) -> bytes:
    out = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for number in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
    old = trailer[1]
    keep = b"\n".join(re.findall(rb"/(?:Root|Info) \d+ 0 R|/ID\s*\[[^\]]*\]", old))
    out += b"trailer\n<<\n/Size %d\n" % size + keep + b"\n/Prev %s\n>>\n" % trailer[2]
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
