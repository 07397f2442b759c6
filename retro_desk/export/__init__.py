"""One way out for a retro: `export(retro, format, target)`, for the window and the command line.

`document.build` decides what the write-up says; `markdown`, `html` and the ui layer's PDF
renderer only render it; `session_file` is the lossless JSON. Drawing (the timeline picture,
the PDF) needs Qt, which this package must not import: the caller hands in a `Drawing`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from retro_desk.export import html, markdown, session_file
from retro_desk.export.document import Document, build
from retro_desk.files import write_atomic
from retro_desk.model import Retro
from retro_desk.vocabulary import FeelingWord

FORMATS: tuple[str, ...] = ("md", "json", "html", "pdf")
FORMAT_NAMES = {"md": "Markdown", "json": "JSON session file", "html": "HTML", "pdf": "PDF"}
# Told how far a long export has come: (done, total).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Picture:
    """The timeline picture in both formats; `width` and `height` in pixels."""

    png: bytes
    svg: bytes
    width: int
    height: int


class Drawing(Protocol):
    """What only a drawing toolkit can make: the timeline picture and a PDF of a document."""

    def picture(self, retro: Retro) -> Picture | None: ...

    def pdf(self, document: Document, picture: Picture | None,
            progress: Progress | None = None) -> bytes: ...


def markdown_text(retro: Retro, picture: str | None = None,
                  vocabulary: Iterable[FeelingWord] | None = None) -> str:
    """The Markdown write-up; `picture` is the relative path of the timeline picture."""
    picture = picture or None
    return markdown.render(build(retro, vocabulary, picture=picture is not None), picture)


def html_text(retro: Retro, image: html.Image | None = None,
              vocabulary: Iterable[FeelingWord] | None = None) -> str:
    return html.render(build(retro, vocabulary, picture=image is not None), image)


def picture_paths(target: Path) -> tuple[Path, Path]:
    """Where the picture goes beside a Markdown file: `name-timeline.svg` and `.png`."""
    stem = target.with_suffix("").name
    return (target.with_name(f"{stem}-timeline.svg"), target.with_name(f"{stem}-timeline.png"))


def export(
    retro: Retro,
    fmt: str,
    target: Path | BinaryIO,
    *,
    drawing: Drawing | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    force: bool = False,
    protected: Iterable[Path] = (),
) -> list[Path]:
    """Write `retro` as `fmt` to a file (atomically) or a binary stream; returns the files
    written. Markdown to a file also writes the timeline picture beside it (when `drawing`
    is given), pictures first, so the document never points at a missing file. A PDF needs
    `drawing`. A file is written as `files.write_atomic` writes (`force`, `protected`: what
    it may replace). Raises ValueError for an unknown format, OSError (UnsafeTarget among
    them) when a file cannot or must not be written.
    """
    protected = list(protected)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    written: list[Path] = []

    def put(path: Path | BinaryIO, data: bytes | str) -> None:
        payload = data.encode("utf-8") if isinstance(data, str) else data
        if isinstance(path, Path):
            write_atomic(path, payload, force=force, protected=protected)
            written.append(path)
        else:
            path.write(payload)
            path.flush()

    if fmt == "json":
        put(target, session_file.dumps(retro, now=now))
    elif fmt == "md":
        picture = drawing.picture(retro) if drawing and isinstance(target, Path) else None
        if picture is not None and isinstance(target, Path):
            svg, png = picture_paths(target)
            put(svg, picture.svg)
            put(png, picture.png)
            put(target, markdown_text(retro, picture=png.name))
            written.insert(0, written.pop())
        else:
            put(target, markdown_text(retro))
    elif fmt == "html":
        picture = drawing.picture(retro) if drawing else None
        image = None if picture is None else html.Image(
            html.png_data_uri(picture.png), picture.width, picture.height)
        put(target, html_text(retro, image))
    else:
        if drawing is None:
            raise ValueError("a PDF needs a drawing toolkit")
        picture = drawing.picture(retro)
        put(target, drawing.pdf(build(retro, picture=picture is not None), picture, progress))
    return written
