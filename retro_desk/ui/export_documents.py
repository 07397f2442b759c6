"""Documents that need Qt to draw: HTML and PDF of a retro, and Markdown with its picture."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QSizeF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from retro_desk.export import markdown_document, reflection_section
from retro_desk.files import write_atomic
from retro_desk.html_export import TimelineImage, png_data_uri, render_html
from retro_desk.model import Retro
from retro_desk.timeline_layout import one_line
from retro_desk.ui.timeline_picture import ExportedPicture, export_picture

FORMATS = ("html", "pdf")
# The PDF is laid out at 96 dots per inch, as on screen, so the picture's pixels map simply.
PDF_DPI = 96
PDF_MARGIN_MM = 16
# What Qt's rich-text engine understands of CSS (a subset), for paper: black on white.
PDF_STYLE = """
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; color: #000000; }
h1 { font-size: 18pt; }
h2 { font-size: 14pt; margin-top: 16px; }
h3 { font-size: 11pt; color: #0b4f8a; }
table { border-collapse: collapse; margin-bottom: 8px; }
th, td { border: 1px solid #c8c8c4; padding: 3px 6px; }
th { background-color: #eeeeea; text-align: left; }
dt { font-weight: bold; }
td.number, th.number { text-align: right; }
tr.total td { font-weight: bold; }
.mark-decision { color: #0b4f8a; font-weight: bold; }
.mark-learned { color: #8a3b00; font-weight: bold; }
.none { color: #3d3d3d; font-style: italic; }
figcaption { color: #3d3d3d; }
code { font-family: "DejaVu Sans Mono", monospace; }
"""


def ensure_gui() -> QGuiApplication:
    """The application that fonts and painting need. On the command line there is none yet:
    make one that draws off screen, so an export works with no display (over SSH, in CI)."""
    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication([sys.argv[0] if sys.argv else "retro-desk", "-platform",
                               "offscreen"])
    assert isinstance(app, QGuiApplication)
    return app


def timeline_picture(retro: Retro) -> ExportedPicture | None:
    """The picture of the retro's timeline, or None when there are no events to draw."""
    if not retro.timeline:
        return None
    ensure_gui()
    return export_picture(retro.timeline, retro.session.timezone, retro.session.title)


def html_document(retro: Retro) -> str:
    """One self-contained page: the picture travels inside it as a data: URI."""
    picture = timeline_picture(retro)
    image = None if picture is None else TimelineImage(
        png_data_uri(picture.png), picture.width, picture.height)
    return render_html(retro, reflection=reflection_section(retro), timeline_image=image)


def pdf_document(retro: Retro) -> bytes:
    """The same document as a PDF on A4, written by Qt's own PDF writer."""
    ensure_gui()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    margins = QMarginsF(PDF_MARGIN_MM, PDF_MARGIN_MM, PDF_MARGIN_MM, PDF_MARGIN_MM)
    writer.setPageMargins(margins, QPageLayout.Unit.Millimeter)
    writer.setTitle(f"Retro: {one_line(retro.session.title)}")
    writer.setCreator("Retro Desk")
    document = QTextDocument()
    # A page size of our own: otherwise print_ adds margins of its own to the writer's.
    document.setPageSize(QSizeF(writer.width(), writer.height()))
    picture = timeline_picture(retro)
    image = None
    if picture is not None:
        # As wide as the text, however wide the picture was drawn.
        width = writer.width() - 2 * round(document.documentMargin())
        height = round(picture.height * width / picture.width)
        image = TimelineImage(png_data_uri(picture.png), width, height)
    page = render_html(retro, reflection=reflection_section(retro), timeline_image=image,
                       style=PDF_STYLE)
    document.setHtml(page)
    document.print_(writer)
    del writer  # the PDF is finished when its writer is gone
    buffer.close()
    return bytes(buffer.data().data())


def export_document(
    retro: Retro, fmt: str, target: Path | None, force: bool = False
) -> str | None:
    """Write `retro` as HTML or PDF to `target` atomically; HTML with no target is returned
    (the command line prints it). Raises ValueError for a PDF with no target, OSError when
    the file cannot be written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown document format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "html":
        text = html_document(retro)
        if target is None:
            return text
        write_atomic(target, text, force=force)
        return None
    if target is None:
        raise ValueError("a PDF needs a file to go to")
    write_atomic(target, pdf_document(retro), force=force)
    return None


def write_html(retro: Retro, target: Path) -> None:
    export_document(retro, "html", target)


def write_pdf(retro: Retro, target: Path) -> None:
    export_document(retro, "pdf", target)


def picture_paths(markdown: Path) -> tuple[Path, Path]:
    """Where the picture goes beside a Markdown file: `name-timeline.svg` and `.png`."""
    stem = markdown.with_suffix("").name
    return (markdown.with_name(f"{stem}-timeline.svg"), markdown.with_name(f"{stem}-timeline.png"))


def write_markdown(retro: Retro, target: Path) -> list[Path]:
    """Write the Markdown document, and beside it the timeline picture it shows by a relative
    path. The pictures are written first, so the document never points at a missing file.
    Returns the files written."""
    picture = timeline_picture(retro)
    if picture is None:
        write_atomic(target, markdown_document(retro))
        return [target]
    svg, png = picture_paths(target)
    write_atomic(svg, picture.svg)
    write_atomic(png, picture.png)
    write_atomic(target, markdown_document(retro, timeline_image=png.name))
    return [target, svg, png]
