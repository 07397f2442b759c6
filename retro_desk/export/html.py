"""The write-up as one self-contained, printable HTML page in which everything typed is text.

Every typed text goes through `_typed`: html.escape turns & < > " ' into entities, so no
typed text can open an element, an attribute or a comment, wherever it stands. The only
attribute a typed text reaches is the href of an http(s) URL it contains, escaped, so it
links to itself and nothing else (never `javascript:`). The one other URL is the timeline
picture's data: URI, made by this program from its own PNG. Normalisations as in Markdown:
line breaks unified; control characters other than tab and line feed, and unpaired
surrogates, become U+FFFD. A Content-Security-Policy forbids scripts, frames and every load
but data: images and the inline style, so even a mistake here could not run code or reach
the network.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass

from retro_desk.export.document import (
    Block,
    Bullets,
    Document,
    Figure,
    Heading,
    Line,
    Paragraph,
    Table,
    split_urls,
)
from retro_desk.export.markdown import clean

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
a { color: #0b4f8a; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; }
th, td { border: 1px solid #c8c8c4; padding: 0.3rem 0.55rem; text-align: left;
  vertical-align: top; }
th { background: #eeeeea; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; }
tr.decision td { background: #eef4fb; }
.meta dt { font-weight: bold; float: left; clear: left; width: 9rem; }
.meta dd { margin: 0 0 0.3rem 9.5rem; }
.meta ul { margin: 0; padding-left: 1.2rem; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em;
  overflow-wrap: anywhere; }
figure { margin: 0.8rem 0 1rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #d0d0cc; }
figcaption { color: #3d3d3d; font-size: 0.9rem; }
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
class Image:
    """The timeline picture as the page shows it: `src` is a data: URI."""

    src: str
    width: int
    height: int


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def text(value: str) -> str:
    """Typed text as HTML that shows exactly that text; its http(s) URLs link to themselves."""
    out = []
    for piece, is_url in split_urls(clean(value)):
        shown = html.escape(piece, quote=True)
        if is_url:
            shown = f'<a href="{shown}" rel="noopener noreferrer nofollow">{shown}</a>'
        out.append(shown)
    return "".join(out).replace("\n", "<br>")


def render(document: Document, image: Image | None = None) -> str:
    """The document as one HTML page, sections in the document's order."""
    title = html.escape(" ".join(clean(document.heading).split()), quote=True)
    sections = [
        "\n".join([f'<section id="{s.key}">', f"<h2>{html.escape(s.title)}</h2>",
                   *(_block(block, image) for block in s.blocks), "</section>"])
        for s in document.sections
    ]
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="Retro Desk">',
        f"<title>{title}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        f'<h1 class="typed">{title}</h1>',
        _fields(document),
        *sections,
        "</main>",
        "</body>",
        "</html>",
        "",
    ])


def _runs(line: Line) -> str:
    out = []
    for run in line:
        if run.typed:
            out.append(f'<span class="typed">{text(run.text)}</span>')
        elif run.strong:
            out.append(f"<strong>{html.escape(run.text)}</strong>")
        else:
            out.append(html.escape(run.text))
    return "".join(out)


def _fields(document: Document) -> str:
    rows = []
    for field in document.fields:
        value = _runs(field.value)
        if field.items:
            value += _list([_runs(item) for item in field.items])
        rows.append(f"<dt>{html.escape(field.label)}</dt><dd>{value}</dd>")
    return '<dl class="meta">\n' + "\n".join(rows) + "\n</dl>"


def _list(items: list[str], css: str = "") -> str:
    attribute = f' class="{css}"' if css else ""
    return f"<ul{attribute}>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _block(block: Block, image: Image | None) -> str:
    if isinstance(block, Paragraph):
        css = ' class="none"' if block.muted else ""
        return f"<p{css}>{_runs(block.content)}</p>"
    if isinstance(block, Heading):
        return f'<h{block.level} id="{block.key}">{_runs(block.text)}</h{block.level}>'
    if isinstance(block, Bullets):
        items = [_runs(item) for item in block.items]
        if block.done is None:
            return _list(items)
        boxes = ["☑ " if done else "☐ " for done in block.done]
        return _list([box + item for box, item in zip(boxes, items, strict=True)], "tasks")
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        if image is None:
            return ""
        return (
            f'<figure><img src="{html.escape(image.src, quote=True)}"'
            f' alt="{html.escape(block.alt, quote=True)}"'
            f' width="{image.width}" height="{image.height}">'
            f"<figcaption>{html.escape(block.caption)}</figcaption></figure>"
        )
    raise TypeError(f"not a block: {block!r}")


def _table(table: Table) -> str:
    def cell(tag: str, column: int, content: str) -> str:
        css = ' class="number"' if column in table.numeric else ""
        return f"<{tag}{css}>{content}</{tag}>"

    lines = ["<table>", "<thead><tr>"
             + "".join(cell("th", i, html.escape(h)) for i, h in enumerate(table.header))
             + "</tr></thead>", "<tbody>"]
    last = len(table.rows) - 1
    for index, row in enumerate(table.rows):
        css = " total" if table.total_row and index == last else ""
        css += " decision" if index in table.decision_rows else ""
        attribute = f' class="{css.strip()}"' if css else ""
        lines.append(f"<tr{attribute}>"
                     + "".join(cell("td", i, _runs(c)) for i, c in enumerate(row)) + "</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)

