"""HTML and PDF exports, and Markdown with its picture: from the window and the command line."""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage

from retro_desk import cli, session_file
from retro_desk.model import Retro
from retro_desk.paths import resource
from retro_desk.storage import Store
from retro_desk.ui import commands as main_window_module
from retro_desk.ui.export_documents import export_document, html_document, pdf_document
from retro_desk.ui.main_window import MainWindow
from tests.fakes import FakeClock
from tests.test_html_export import HOSTILE, SECTIONS, hostile_retro
from tests.ui.windows import open_window, press, sample_store

TITLE = "Checkout payments failing after a certificate renewal"


def sample() -> Retro:
    return session_file.read_file(resource("sample_retro.json"))


def pdf_text(data: bytes) -> str:
    """The PDF's text as a reader would copy it, with runs of white space made one space and
    typographic ligatures (the "fi" in "certificate" is one glyph) as their letters."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return unicodedata.normalize("NFKC", text)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_html_is_one_file_with_the_picture_inside(qapp, tmp_path: Path) -> None:
    target = tmp_path / "retro.html"
    assert export_document(sample(), "html", target) is None
    page = target.read_text(encoding="utf-8")
    sources = re.findall(r'src="([^"]*)"', page)
    assert len(sources) == 1 and sources[0].startswith("data:image/png;base64,")
    picture = QImage.fromData(base64.b64decode(sources[0].split(",", 1)[1]), "PNG")
    assert picture.width() == 2400 and picture.height() > 400
    for section in SECTIONS:
        assert f"<h2>{section}</h2>" in page
    assert export_document(sample(), "html", None) == page


def test_the_pdf_holds_every_section_as_text(qapp, tmp_path: Path) -> None:
    retro = sample()
    target = tmp_path / "retro.pdf"
    export_document(retro, "pdf", target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.metadata.title == f"Retro: {TITLE}"
    assert len(reader.pages) >= 4
    text = pdf_text(data)
    assert f"Retro: {TITLE}" in text
    for section in SECTIONS:
        assert section in text, section
    for expected in ("Ines Vogel", "Zoë Hartmann — Site reliability engineer",
                     "4 of 8 entries named a blame feeling.", "◆ decision point",
                     "Decision point 6", "ROTI (return on time invested, 1–5)",
                     *(action.description for action in retro.actions[:3]),
                     *(flat(item.text) for item in retro.learnings)):
        assert flat(expected) in text, expected


def test_the_pdf_shows_hostile_text_literally(qapp) -> None:
    text = pdf_text(pdf_document(hostile_retro()))
    for hostile in HOSTILE:
        assert hostile in text, hostile


def test_html_of_a_hostile_retro_has_no_markup_of_its_own(qapp) -> None:
    page = html_document(hostile_retro())
    assert "<script" not in page.replace("&lt;script", "")
    assert "onerror=" not in page.replace("onerror=alert(1)&gt;", "")


def test_a_pdf_needs_a_file(qapp) -> None:
    with pytest.raises(ValueError, match="needs a file"):
        export_document(sample(), "pdf", None)


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
    assert f"![Timeline]({stem}-timeline.png)" in text
    png = QImage(str(out / f"{stem}-timeline.png"))
    assert png.width() == 2400
    svg = (out / f"{stem}-timeline.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "decision point" in svg
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
    assert "<h2>Decision points</h2>" in page
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
    assert cli.main(["--db", db, "export", "1", "--format", "pdf"]) == 2
    assert "a PDF needs a file: add -o FILE" in capsys.readouterr().err
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
