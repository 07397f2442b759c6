"""The PDF renderer of export blocks, and the timeline picture for documents: the Drawing
that `retro_desk.export.export` is handed, since both need Qt to draw.

The PDF is laid out here page by page (no rich-text engine laying out one giant table), so
its time grows linearly with the timeline. Text is drawn as text without ligatures, so
"certificate" is found by a search; http(s) URLs in typed text are links; each section and
decision point is a bookmark (added by `export.pdf_finish`).
"""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication

from retro_desk.export import Picture, Progress
from retro_desk.export.document import (
    Block,
    Bullets,
    Document,
    Figure,
    Heading,
    Line,
    Paragraph,
    Run,
    Table,
    split_urls,
)
from retro_desk.export.markdown import clean
from retro_desk.export.pdf_finish import Mark, finish
from retro_desk.model import Retro

DPI = 96  # as on screen, so the picture's pixels map simply
MARGIN_MM = 16
POINTS_PER_UNIT = 72 / DPI
FAMILY = "DejaVu Sans"
INK = QColor("#000000")
MUTED = QColor("#3d3d3d")
ACCENT = QColor("#0b4f8a")
RULE = QColor("#c8c8c4")
HEADER_FILL = QColor("#eeeeea")
DECISION_FILL = QColor("#eef4fb")
CELL_PAD = 4.0
WRAP = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft) | int(
    Qt.AlignmentFlag.AlignTop)


def ensure_gui() -> QGuiApplication:
    """The application that fonts and painting need. On the command line there is none yet:
    make one that draws off screen, so an export works with no display (over SSH, in CI).
    A widgets application, so a window opened later in the same process can still be made."""
    app = QGuiApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "retro-desk", "-platform",
                            "offscreen"])
    assert isinstance(app, QGuiApplication)
    return app


class QtDrawing:
    """The timeline picture and PDFs, drawn with Qt (off screen when there is no window)."""

    def picture(self, retro: Retro) -> Picture | None:
        if not retro.timeline:
            return None
        ensure_gui()
        from retro_desk.ui.timeline_picture import export_picture

        drawn = export_picture(retro.timeline, retro.session.timezone, retro.session.title)
        return Picture(drawn.png, drawn.svg, drawn.width, drawn.height)

    def pdf(self, document: Document, picture: Picture | None,
            progress: Progress | None = None) -> bytes:
        ensure_gui()
        return _PdfWriter(document, picture, progress).write()


def font(size: float, bold: bool = False, mono: bool = False) -> QFont:
    """A font that draws plain letters: no ligature glyphs, so text extracts and searches as
    typed ("fi" stays two letters)."""
    result = QFont("DejaVu Sans Mono" if mono else FAMILY)
    result.setPointSizeF(size)
    result.setBold(bold)
    for tag in ("liga", "clig", "dlig", "hlig"):
        result.setFeature(QFont.Tag(tag), 0)
    result.setKerning(False)
    return result


@dataclass
class _Fonts:
    body: QFont
    bold: QFont
    small: QFont
    small_bold: QFont
    h1: QFont
    h2: QFont
    h3: QFont


def _plain(text: str) -> str:
    # Tabs would be drawn as a tab stop; a document wants the space they stand for.
    return clean(text).replace("\t", "    ")


def _line_text(line: Line) -> str:
    return "".join(run.text for run in line)


def _simple(line: Line) -> bool:
    """Drawn by QPainter alone: no bold label inside, no link."""
    return all(not run.strong for run in line) and all(
        not run.typed or "://" not in run.text for run in line)


def _labelled(line: Line) -> tuple[str, Line] | None:
    """A bold label and plain text after it (a decision point's answer): drawn as two plain
    pieces, the label on a line of its own, which is far quicker than a rich-text layout."""
    count = 0
    while count < len(line) and line[count].strong:
        count += 1
    rest = line[count:]
    if not count or any(run.strong for run in rest) or not _simple(rest):
        return None
    return "".join(run.text for run in line[:count]), tuple(
        run for run in rest if run.typed or run.text.strip())


def _rich(line: Line, bold_all: bool = False) -> str:
    out = []
    for run in line:
        if run.typed:
            for piece, is_url in split_urls(_plain(run.text)):
                shown = html.escape(piece).replace("\n", "<br>")
                out.append(f'<a href="{html.escape(piece, quote=True)}">{shown}</a>'
                           if is_url else shown)
        else:
            shown = html.escape(run.text)
            out.append(f"<b>{shown}</b>" if run.strong or bold_all else shown)
    return "".join(out)


class _PdfWriter:
    def __init__(self, document: Document, picture: Picture | None,
                 progress: Progress | None) -> None:
        self.document = document
        self.picture = picture
        self.progress = progress
        self.buffer = QBuffer()
        self.buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.writer = QPdfWriter(self.buffer)
        self.writer.setResolution(DPI)
        self.writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        margins = QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.writer.setPageMargins(margins, QPageLayout.Unit.Millimeter)
        self.writer.setTitle(" ".join(clean(document.heading).split()))
        self.writer.setCreator("Retro Desk")
        self.width = float(self.writer.width())
        self.height = float(self.writer.height())
        self.page = 0
        self.y = 0.0
        self.marks: list[Mark] = []
        self.fonts = _Fonts(font(10), font(10, True), font(9), font(9, True), font(17, True),
                            font(13.5, True), font(11, True))
        self.metrics: dict[int, QFontMetricsF] = {}
        self.painter = QPainter()
        self.done = 0
        self.total = sum(
            len(block.rows) if isinstance(block, Table) else 1
            for section in document.sections for block in section.blocks)

    # -- the document ------------------------------------------------------------------

    def write(self) -> bytes:
        painter = self.painter
        painter.begin(self.writer)
        try:
            self._title()
            for section in self.document.sections:
                self._heading(section.title, self.fonts.h2, 2, 14.0)
                for block in section.blocks:
                    self._block(block)
        finally:
            painter.end()
        del self.writer  # the PDF is finished when its writer is gone
        self.buffer.close()
        data = bytes(self.buffer.data().data())
        page_height = QPageSize(QPageSize.PageSizeId.A4).size(QPageSize.Unit.Point).height()
        return finish(data, self.marks, page_height)

    def _tick(self, count: int = 1) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)

    def _metrics(self, qfont: QFont) -> QFontMetricsF:
        key = id(qfont)
        found = self.metrics.get(key)
        if found is None:
            found = self.metrics[key] = QFontMetricsF(qfont, self.writer)
        return found

    def _room(self, height: float) -> bool:
        """Make room for `height`: a new page unless it fits (or the page is still empty)."""
        if self.y + height <= self.height or self.y == 0:
            return False
        self.writer.newPage()
        self.page += 1
        self.y = 0.0
        return True

    def _mark(self, title: str, level: int) -> None:
        top = (self.y + MARGIN_MM * DPI / 25.4) * POINTS_PER_UNIT
        self.marks.append(Mark(title, level, self.page, top))

    def _title(self) -> None:
        self._heading(self.document.heading, self.fonts.h1, 1, 0.0)
        self._fields()

    def _heading(self, title: str, qfont: QFont, level: int, space: float) -> None:
        text = " ".join(_plain(title).split())
        height = self._measure(text, qfont, self.width)
        # Keep a heading with at least a few lines of what follows it.
        self._room(space + height + 60)
        if self.y:
            self.y += space
        self._mark(text, 2 if level == 3 else 1)
        self.painter.setFont(qfont)
        self.painter.setPen(ACCENT if level == 3 else INK)
        self.painter.drawText(QRectF(0, self.y, self.width, height), WRAP, text)
        self.y += height + 6
        if level == 2:
            self.painter.setPen(QPen(RULE, 1.5))
            self.painter.drawLine(QPointF(0, self.y - 3), QPointF(self.width, self.y - 3))
            self.y += 2

    def _measure(self, text: str, qfont: QFont, width: float) -> float:
        metrics = self._metrics(qfont)
        # Most cells (times, names, marks) fit on one line: no wrapping layout needed.
        if "\n" not in text and metrics.horizontalAdvance(text) <= width:
            return metrics.height()
        return metrics.boundingRect(QRectF(0, 0, width, 1e6), WRAP, text).height()

    def _fields(self) -> None:
        label_width = 110.0
        for field in self.document.fields:
            value_width = self.width - label_width
            lines = [field.value] if field.value else []
            lines += [(*_bullet_runs(), *item) for item in field.items]
            heights = [self._line_height(line, self.fonts.body, value_width) for line in lines]
            label = f"{field.label}:"
            total = max([self._measure(label, self.fonts.bold, label_width), *heights, 0.0])
            total = max(total, sum(heights))
            self._room(total)
            self.painter.setFont(self.fonts.bold)
            self.painter.setPen(INK)
            self.painter.drawText(QRectF(0, self.y, label_width, total), WRAP, label)
            y = self.y
            for line, height in zip(lines, heights, strict=True):
                self._draw_line(line, self.fonts.body, QRectF(label_width, y, value_width, height))
                y += height
            self.y += total + 3

    # -- blocks ------------------------------------------------------------------------

    def _block(self, block: Block) -> None:
        if isinstance(block, Heading):
            title = _line_text(block.text)
            self._heading(title, self.fonts.h3, 3, 8.0)
        elif isinstance(block, Paragraph):
            self._paragraph(block.content, MUTED if block.muted else INK)
        elif isinstance(block, Bullets):
            self._bullets(block)
        elif isinstance(block, Table):
            self._table(block)
            return
        elif isinstance(block, Figure):
            self._figure(block)
        self._tick()

    def _paragraph(self, line: Line, colour: QColor, indent: float = 0.0) -> None:
        width = self.width - indent
        height = self._line_height(line, self.fonts.body, width)
        self._room(height)
        self.painter.setPen(colour)
        self._draw_line(line, self.fonts.body, QRectF(indent, self.y, width, height))
        self.y += height + 6

    def _bullets(self, block: Bullets) -> None:
        for index, item in enumerate(block.items):
            marker = "•"
            if block.done is not None:
                marker = "☑" if block.done[index] else "☐"
            width = self.width - 18
            height = self._line_height(item, self.fonts.body, width)
            self._room(height)
            self.painter.setFont(self.fonts.body)
            self.painter.setPen(INK)
            self.painter.drawText(QRectF(4, self.y, 14, height), WRAP, marker)
            self._draw_line(item, self.fonts.body, QRectF(18, self.y, width, height))
            self.y += height + 3
        self.y += 4

    def _figure(self, block: Figure) -> None:
        if self.picture is None:
            return
        image = QImage.fromData(self.picture.png)
        if image.isNull():
            return
        width = self.width
        height = width * self.picture.height / self.picture.width
        if height > self.height * 0.8:
            height = self.height * 0.8
            width = height * self.picture.width / self.picture.height
        caption = block.caption
        caption_height = self._measure(caption, self.fonts.small, self.width)
        self._room(height + caption_height + 8)
        self.painter.drawImage(QRectF(0, self.y, width, height), image)
        self.y += height + 4
        self.painter.setFont(self.fonts.small)
        self.painter.setPen(MUTED)
        self.painter.drawText(QRectF(0, self.y, self.width, caption_height), WRAP, caption)
        self.y += caption_height + 8

    # -- tables, paged by row ----------------------------------------------------------

    def _columns(self, table: Table) -> list[float]:
        count = len(table.header)
        if table.widths and len(table.widths) == count:
            shares = list(table.widths)
            total = sum(shares)
            return [self.width * share / total for share in shares]
        widths = [max(self._metrics(self.fonts.small_bold).horizontalAdvance(h) + 2 * CELL_PAD
                      + 8, 70.0) for h in table.header]
        widths[0] = max(widths[0], 180.0)
        return widths

    def _header_lines(self, text: str, width: float) -> list[str]:
        """A column title in lines broken only between words, never inside one."""
        metrics = self._metrics(self.fonts.small_bold)
        lines: list[str] = []
        for word in text.split():
            if lines and metrics.horizontalAdvance(f"{lines[-1]} {word}") <= width:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        return lines or [""]

    def _table_header(self, table: Table, widths: list[float]) -> None:
        metrics = self._metrics(self.fonts.small_bold)
        cells = [self._header_lines(h, w - 2 * CELL_PAD) for h, w in zip(
            table.header, widths, strict=True)]
        height = max(len(lines) for lines in cells) * metrics.lineSpacing() + 2 * CELL_PAD
        self._room(height + 30)
        painter = self.painter
        x = 0.0
        painter.setFont(self.fonts.small_bold)
        for lines, width, column in zip(cells, widths, range(len(widths)), strict=True):
            rect = QRectF(x, self.y, width, height)
            painter.fillRect(rect, HEADER_FILL)
            painter.setPen(QPen(RULE, 0.75))
            painter.drawRect(rect)
            painter.setPen(INK)
            align = Qt.AlignmentFlag.AlignRight if column in table.numeric else (
                Qt.AlignmentFlag.AlignLeft)
            painter.drawText(rect.adjusted(CELL_PAD, CELL_PAD, -CELL_PAD, -CELL_PAD),
                             int(align | Qt.AlignmentFlag.AlignTop), "\n".join(lines))
            x += width
        self.y += height

    def _table(self, table: Table) -> None:
        widths = self._columns(table)
        self._table_header(table, widths)
        last = len(table.rows) - 1
        for index, row in enumerate(table.rows):
            qfont = self.fonts.small_bold if table.total_row and index == last else (
                self.fonts.small)
            heights = [self._line_height(cell, qfont, width - 2 * CELL_PAD)
                       for cell, width in zip(row, widths, strict=True)]
            height = max(heights) + 2 * CELL_PAD
            if self._room(height):
                self._table_header(table, widths)
            self._row(table, index, row, widths, height, qfont)
            self.y += height
            if index % 50 == 49:
                self._tick(50)
        self._tick(len(table.rows) % 50)
        self.y += 8

    def _row(self, table: Table, index: int, row: tuple[Line, ...], widths: list[float],
             height: float, qfont: QFont) -> None:
        painter = self.painter
        x = 0.0
        for column, (cell, width) in enumerate(zip(row, widths, strict=True)):
            rect = QRectF(x, self.y, width, height)
            if index in table.decision_rows:
                painter.fillRect(rect, DECISION_FILL)
            painter.setPen(QPen(RULE, 0.75))
            painter.drawRect(rect)
            painter.setPen(INK)
            inner = rect.adjusted(CELL_PAD, CELL_PAD, -CELL_PAD, -CELL_PAD)
            if column in table.numeric:
                painter.setFont(qfont)
                painter.drawText(inner, int(Qt.AlignmentFlag.AlignRight
                                            | Qt.AlignmentFlag.AlignTop), _line_text(cell))
            else:
                self._draw_line(cell, qfont, inner)
            x += width

    # -- one line of runs --------------------------------------------------------------

    def _line_height(self, line: Line, qfont: QFont, width: float) -> float:
        if _simple(line):
            text = _plain(_line_text(line))
            if not text:
                return self._metrics(qfont).height()
            return self._measure(text, qfont, width)
        labelled = _labelled(line)
        if labelled is not None:
            label, rest = labelled
            return self._measure(label, self._bold(qfont), width) + self._line_height(
                rest, qfont, width)
        return self._rich_document(line, qfont, width).size().height()

    def _bold(self, qfont: QFont) -> QFont:
        return self.fonts.small_bold if qfont is self.fonts.small else self.fonts.bold

    def _draw_line(self, line: Line, qfont: QFont, rect: QRectF) -> None:
        painter = self.painter
        if _simple(line):
            painter.setFont(qfont)
            painter.drawText(rect, WRAP, _plain(_line_text(line)))
            return
        labelled = _labelled(line)
        if labelled is not None:
            label, rest = labelled
            bold = self._bold(qfont)
            height = self._measure(label, bold, rect.width())
            painter.setFont(bold)
            painter.drawText(QRectF(rect.x(), rect.y(), rect.width(), height), WRAP, label)
            self._draw_line(rest, qfont, rect.adjusted(0, height, 0, 0))
            return
        document = self._rich_document(line, qfont, rect.width())
        painter.save()
        painter.translate(rect.topLeft())
        document.drawContents(painter)
        painter.restore()

    def _rich_document(self, line: Line, qfont: QFont, width: float) -> QTextDocument:
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setDefaultFont(qfont)
        document.setDefaultStyleSheet("a { color: #0b4f8a; }")
        document.setHtml(f'<div style="white-space: pre-wrap">{_rich(line)}</div>')
        document.setPageSize(QSizeF(width, 1e6))
        document.setTextWidth(width)
        return document


def _bullet_runs() -> Line:
    return (Run("• ", typed=False),)
