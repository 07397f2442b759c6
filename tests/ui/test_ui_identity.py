"""The app's face on a desktop: its icon on both windows, the id that ties it to its launcher
entry, and a session file given on the command line opened (imported first when new)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from retro_desk.desktop_entry import APP_ID, ICON_SIZES, icon_png, icon_svg
from retro_desk.export import session_file
from retro_desk.paths import resource
from retro_desk.storage import Store
from retro_desk.ui.app import FileProblem, open_or_import
from retro_desk.ui.identity import app_icon, apply_identity
from tests.fakes import FakeClock
from tests.ui.windows import open_audience, open_window, sample_store

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLE = resource("sample_retro.json")


def svg_at(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(icon_svg())).render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def mean_difference(a: QImage, b: QImage) -> float:
    total = 0
    for y in range(a.height()):
        for x in range(a.width()):
            pa, pb = a.pixelColor(x, y), b.pixelColor(x, y)
            total += sum(abs(i - j) for i, j in zip(pa.getRgb(), pb.getRgb(), strict=True))
    return total / (a.width() * a.height() * 4)


@pytest.mark.parametrize("size", [16, 32, 48, 128])
def test_each_png_is_the_svg_drawn_at_its_size(qapp, size: int) -> None:
    png = QImage(str(icon_png(size))).convertToFormat(QImage.Format.Format_ARGB32)
    assert png.size() == QSize(size, size)
    assert png.hasAlphaChannel()
    # Made from the SVG as it is now (tools/make_icons.py): redrawn, it is the same picture.
    assert mean_difference(png, svg_at(size)) < 2


def test_every_size_a_desktop_asks_for_is_there(qapp) -> None:
    assert QSvgRenderer(str(icon_svg())).isValid()
    for size in ICON_SIZES:
        assert QImage(str(icon_png(size))).size() == QSize(size, size), size
    # The corners are clear and the middle is not: a rounded tile, not a square of colour.
    small = QImage(str(icon_png(16)))
    assert small.pixelColor(0, 0).alpha() == 0
    assert small.pixelColor(8, 8).alpha() == 255


def test_both_windows_and_the_application_carry_the_icon_and_id(
    qtbot, tmp_path: Path, clock: FakeClock, settings: QSettings
) -> None:
    app = QGuiApplication.instance()
    assert isinstance(app, QGuiApplication)
    apply_identity(app)
    assert app.desktopFileName() == APP_ID
    assert not app.windowIcon().isNull()
    window = open_window(qtbot, sample_store(tmp_path), clock, settings)
    audience = open_audience(qtbot, window)
    for top in (window, audience):
        sizes = top.windowIcon().availableSizes()
        assert {QSize(16, 16), QSize(512, 512)} <= set(sizes), top
    assert app_icon().pixmap(16, 16).toImage() == QImage(str(icon_png(16))).convertToFormat(
        app_icon().pixmap(16, 16).toImage().format())


def test_a_new_session_file_is_imported_and_a_known_one_opened(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "retros.sqlite3")
    first, said = open_or_import(store, SAMPLE)
    assert said.startswith("Imported 'Checkout payments failing")
    again, said_again = open_or_import(store, SAMPLE)
    assert again == first and "already here" in said_again
    assert len(store.list_sessions()) == 1
    assert store.load_retro(first).session.uuid == session_file.read_file(SAMPLE).session.uuid


def test_a_bad_session_file_is_named_and_nothing_is_stored(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "retros.sqlite3")
    bad = tmp_path / "notes.json"
    bad.write_text('{"format": "someone-else", "version": 1}', encoding="utf-8")
    with pytest.raises(FileProblem, match=r"notes\.json: \$\.format"):
        open_or_import(store, bad)
    with pytest.raises(FileProblem, match="cannot read .*missing.json"):
        open_or_import(store, tmp_path / "missing.json")
    assert store.list_sessions() == []


def test_a_read_only_database_opens_a_known_file_but_cannot_import_a_new_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "retros.sqlite3"
    writable = Store.open(path)
    known, _ = open_or_import(writable, SAMPLE)
    writable.close()
    store = Store.open(path, read_only=True)
    assert open_or_import(store, SAMPLE)[0] == known
    other = tmp_path / "other.json"
    retro = session_file.read_file(SAMPLE)
    retro.session.uuid = "00000000-0000-4000-8000-000000000001"
    other.write_text(session_file.dumps(retro), encoding="utf-8")
    with pytest.raises(FileProblem, match="read-only"):
        open_or_import(store, other)


def run_window(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    return subprocess.run(
        [sys.executable, "-m", "retro_desk", "--db", str(tmp_path / "retros.sqlite3"),
         "--exit-when-ready", *arguments],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )


def last_opened(tmp_path: Path) -> int:
    settings = QSettings(str(tmp_path / "config" / "retro-desk" / "Retro Desk.conf"),
                         QSettings.Format.IniFormat)
    return int(str(settings.value("last_session")))


def test_retro_desk_file_opens_the_window_on_that_retro(tmp_path: Path) -> None:
    store = sample_store(tmp_path)  # one retro already there, the same sample under another id
    store.close()
    result = run_window(tmp_path, str(SAMPLE))
    assert result.returncode == 0, result.stderr
    store = Store.open(tmp_path / "retros.sqlite3")
    ids = [s.id for s in store.list_sessions()]
    # sample_store kept the sample's uuid: the file is the retro already there.
    assert len(ids) == 1 and last_opened(tmp_path) == ids[0]

    other = tmp_path / "other.json"
    retro = session_file.read_file(SAMPLE)
    retro.session.uuid = "00000000-0000-4000-8000-000000000002"
    retro.session.title = "A second retro"
    other.write_text(session_file.dumps(retro), encoding="utf-8")
    result = run_window(tmp_path, str(other))
    assert result.returncode == 0, result.stderr
    [new] = [s for s in store.list_sessions() if s.title == "A second retro"]
    assert last_opened(tmp_path) == new.id
    store.close()


def test_retro_desk_bad_file_says_why_in_one_line_and_stores_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "retro-desk.session", "version": 1', encoding="utf-8")
    result = run_window(tmp_path, str(bad))
    assert result.returncode == 1
    [line] = [line for line in result.stderr.splitlines() if "propagateSizeHints" not in line]
    assert line.startswith(f"retro-desk: error: {bad}: not valid JSON")
    assert "Traceback" not in result.stderr
    store = Store.open(tmp_path / "retros.sqlite3")
    assert store.list_sessions() == []
