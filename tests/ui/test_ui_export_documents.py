"""HTML and PDF exports, and Markdown with its picture: from the window and the command line."""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QProgressDialog

from retro_desk import cli
from retro_desk.export import export, session_file
from retro_desk.model import Event, Retro
from retro_desk.paths import resource
from retro_desk.storage import Store
from retro_desk.ui import main_window as main_window_module
from retro_desk.ui.main_window import ExportProgress, MainWindow
from retro_desk.ui.pdf import QtDrawing
from tests.fakes import FakeClock
from tests.test_html_export import HOSTILE, SECTIONS, hostile_retro
from tests.ui.windows import open_window, press, sample_store

TITLE = "Checkout payments failing after a certificate renewal"


def sample() -> Retro:
    return session_file.read_file(resource("sample_retro.json"))


def pdf_text(data: bytes) -> str:
    """The PDF's text as a reader would copy it, with runs of white space made one space."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def raw_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def written(retro: Retro, fmt: str, tmp_path: Path, name: str = "retro") -> bytes:
    target = tmp_path / f"{name}.{fmt}"
    export(retro, fmt, target, drawing=QtDrawing())
    return target.read_bytes()


def outline(data: bytes) -> list[tuple[int, str, int]]:
    """The bookmarks: (depth, title, page number)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def links(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [annotation.get_object()["/A"]["/URI"] for page in reader.pages
            for annotation in page.get("/Annots") or []
            if annotation.get_object().get("/Subtype") == "/Link"]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_html_is_one_file_with_the_picture_inside(qapp, tmp_path: Path) -> None:
    page = written(sample(), "html", tmp_path).decode("utf-8")
    sources = re.findall(r'src="([^"]*)"', page)
    assert len(sources) == 1 and sources[0].startswith("data:image/png;base64,")
    picture = QImage.fromData(base64.b64decode(sources[0].split(",", 1)[1]), "PNG")
    assert picture.width() == 2400 and picture.height() > 400
    for section in SECTIONS:
        assert f"<h2>{section}</h2>" in page
    assert "zoom" not in page.replace(sources[0], "").casefold()
    stream = io.BytesIO()
    export(sample(), "html", stream, drawing=QtDrawing())
    assert stream.getvalue().decode("utf-8") == page


def test_the_pdf_holds_every_section_as_searchable_text(qapp, tmp_path: Path) -> None:
    retro = sample()
    data = written(retro, "pdf", tmp_path)
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.metadata.title == f"Retro: {TITLE}"
    assert len(reader.pages) >= 4
    text = pdf_text(data)
    # Plain letters, no ligature glyphs: a search for the word finds it as it is.
    assert "certificate" in text and "ﬁ" not in text
    # A print picture: it tells no one to zoom.
    assert "zoom" not in text.casefold()
    # Real spaces between words: not one tab in the text a reader copies.
    assert "\t" not in raw_text(data)
    assert f"Retro: {TITLE}" in text
    for section in SECTIONS:
        assert section in text, section
    for expected in ("Ines Vogel", "Zoë Hartmann — Site reliability engineer",
                     "4 of 8 entries named a blame feeling.", "◆ decision point",
                     "Decision point 6", "ROTI (return on time invested, 1–5)",
                     *(action.description for action in retro.actions[:3]),
                     *(flat(item.text) for item in retro.learnings)):
        assert flat(expected) in text, expected


def test_the_pdf_has_a_bookmark_per_section_and_per_decision_point(qapp, tmp_path) -> None:
    marks = outline(written(sample(), "pdf", tmp_path))
    top = [title for depth, title, _ in marks if depth == 0]
    assert top == [f"Retro: {TITLE}", *SECTIONS]
    decisions = [title for depth, title, _ in marks if depth == 1]
    assert decisions == [f"Decision point {n} · {t}" for n, t in enumerate(
        ["09:40", "14:41", "14:46", "15:06", "15:14", "15:33"], start=1)]
    pages = [page for _, _, page in marks]
    assert pages == sorted(pages) and pages[-1] >= 3


def test_typed_http_urls_are_links_to_themselves_in_the_pdf(qapp, tmp_path: Path) -> None:
    retro = sample()
    retro.session.incident_ref = "https://incidents.example.com/1187"
    retro.learnings[0].text = "Read https://wiki.example.com/tls and javascript:alert(1) too."
    found = set(links(written(retro, "pdf", tmp_path)))
    assert found == {"https://incidents.example.com/1187", "https://wiki.example.com/tls",
                     "https://wiki.example.com/platform/ca-migration-g3"}


def test_column_titles_never_break_inside_a_word(qapp, tmp_path: Path) -> None:
    text = raw_text(written(sample(), "pdf", tmp_path))
    assert "Time\n(2026-11-20)" in text or "Time (2026-11-20)" in text
    assert "What happened" in text.replace("What\nhappened", "What happened")
    assert not re.search(r"2026-11-\s+20|Europe/\s+Berlin|happ\s+ened", text)


def test_the_pdf_of_a_long_timeline_pages_by_row_and_reports_progress(qapp, tmp_path) -> None:
    retro = sample()
    retro.timeline = [
        Event(f"x{n}", f"2026-11-20T{10 + n // 60:02d}:{n % 60:02d}:00+01:00",
              f"Row {n} of a long timeline", actor="cert-manager",
              decision_point=n % 100 == 0)
        for n in range(600)
    ]
    retro.rationality = []
    seen: list[tuple[int, int]] = []
    target = tmp_path / "long.pdf"
    export(retro, "pdf", target, drawing=QtDrawing(), progress=lambda d, t: seen.append((d, t)))
    data = target.read_bytes()
    text = pdf_text(data)
    assert "Row 0 of a long timeline" in text and "Row 599 of a long timeline" in text
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) > 15
    totals = {total for _, total in seen}
    assert len(totals) == 1 and totals.pop() >= 600
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[-1] == seen[-1][1]
    # The column titles are repeated at the top of every page the table goes on to.
    for page in pypdf.PdfReader(io.BytesIO(data)).pages[2:6]:
        assert "What happened" in " ".join(page.extract_text().split())


def test_the_pdf_shows_hostile_text_literally(qapp, tmp_path: Path) -> None:
    text = pdf_text(written(hostile_retro(), "pdf", tmp_path))
    for hostile in HOSTILE:
        if "://" in hostile:
            # A link is a text run of its own; a reader may put a space at its ends.
            assert re.sub(r"\s", "", hostile) in re.sub(r"\s", "", text), hostile
        else:
            assert hostile in text, hostile


def test_html_of_a_hostile_retro_has_no_markup_of_its_own(qapp, tmp_path: Path) -> None:
    page = written(hostile_retro(), "html", tmp_path).decode("utf-8")
    assert "<script" not in page.replace("&lt;script", "")
    assert "onerror=" not in page.replace("onerror=alert(1)&gt;", "")


def test_a_pdf_needs_a_drawing(qapp, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="drawing"):
        export(sample(), "pdf", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_a_long_export_shows_its_progress_in_the_window(qtbot, qapp) -> None:
    parent = QProgressDialog()  # any widget will do as the parent
    qtbot.addWidget(parent)
    progress = ExportProgress(parent)
    progress.update(10, 100)
    assert progress.dialog is None  # a short export finishes before a dialog would show
    progress.update(0, 2000)
    assert progress.dialog is not None
    assert (progress.dialog.maximum(), progress.dialog.value()) == (2000, 0)
    progress.update(1500, 2000)
    assert progress.dialog.value() == 1500
    progress.close()
    assert progress.dialog is None


# -- from the window ---------------------------------------------------------------------


@pytest.fixture
def window(qtbot, tmp_path: Path, clock: FakeClock, settings: QSettings) -> MainWindow:
    store: Store = sample_store(tmp_path)
    window = open_window(qtbot, store, clock, settings)
    yield window
    store.close()


def test_the_window_exports_markdown_with_its_picture(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(main_window_module, "ask_save_path",
                        lambda parent, title, name, filters: str(out / name))
    press(qtbot, window, "Ctrl+E")
    markdown = out / "Checkout-payments-failing-after-a-certificate-renewal.md"
    stem = markdown.stem
    text = markdown.read_text(encoding="utf-8")
    assert f"![Timeline picture]({stem}-timeline.png)" in text
    png = QImage(str(out / f"{stem}-timeline.png"))
    assert png.width() == 2400
    svg = (out / f"{stem}-timeline.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "decision point" in svg
    assert "listed in the table" in svg and "zoom" not in svg
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [markdown.name, f"{stem}-timeline.png", f"{stem}-timeline.svg"])
    assert f"Exported to {markdown}" in window.status.text()


def test_the_window_exports_html_and_pdf(qtbot, window: MainWindow, tmp_path: Path,
                                         monkeypatch) -> None:
    monkeypatch.setattr(main_window_module, "ask_save_path",
                        lambda parent, title, name, filters: str(tmp_path / name))
    press(qtbot, window, "Ctrl+Alt+E")
    press(qtbot, window, "Ctrl+Alt+P")
    stem = "Checkout-payments-failing-after-a-certificate-renewal"
    page = (tmp_path / f"{stem}.html").read_text(encoding="utf-8")
    assert "<h2>Timeline</h2>" in page and '<h3 id="decision-1">' in page
    assert f"Retro: {TITLE}" in pdf_text((tmp_path / f"{stem}.pdf").read_bytes())
    menu = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "Export &HTML…" in menu and "Export &PDF…" in menu


def test_a_failed_export_leaves_the_old_file_and_says_why(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    shown = []
    monkeypatch.setattr(window, "show_message", lambda title, text: shown.append(text))
    missing = tmp_path / "no such folder" / "retro.pdf"
    monkeypatch.setattr(main_window_module, "ask_save_path",
                        lambda parent, title, name, filters: str(missing))
    press(qtbot, window, "Ctrl+Alt+P")
    assert shown and "Cannot write" in shown[0]
    assert not missing.parent.exists()
    old = tmp_path / "retro.html"
    old.write_text("the old export", encoding="utf-8")
    monkeypatch.setattr(main_window_module, "ask_save_path",
                        lambda parent, title, name, filters: str(old))
    press(qtbot, window, "Ctrl+Alt+E")
    assert old.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# -- from the command line ---------------------------------------------------------------


def test_cli_html_goes_to_stdout(qapp, tmp_path: Path, capsys) -> None:
    store = sample_store(tmp_path)
    store.close()
    db = str(tmp_path / "retros.sqlite3")
    assert cli.main(["--db", db, "export", "1", "--format", "html"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<!DOCTYPE html>") and "<h2>Closing</h2>" in out
    unwritable = tmp_path / "missing" / "x.pdf"
    assert cli.main(["--db", db, "export", "1", "--format", "pdf", "-o", str(unwritable)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("retro-desk: error: cannot write") and "Traceback" not in error


def test_cli_pdf_needs_no_display(tmp_path: Path) -> None:
    """A real process with no display and no Qt platform chosen: it draws off screen."""
    store = sample_store(tmp_path)
    store.close()
    env = {key: value for key, value in os.environ.items()
           if key not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    target = tmp_path / "retro.pdf"
    run = subprocess.run(
        [sys.executable, "-m", "retro_desk", "--db", str(tmp_path / "retros.sqlite3"), "export",
         "1", "--format", "pdf", "-o", str(target)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
    assert "Closing" in pdf_text(target.read_bytes())
