"""Every page of both windows, painted after a live theme switch at zoom 100 % and 150 %:
text keeps its contrast and nothing is clipped (issue 12, points 3, 4 and 7)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from retro_desk.model import PHASES
from retro_desk.storage import Store
from retro_desk.ui.audience.audience_window import AudienceWindow
from retro_desk.ui.main_window import MainWindow
from retro_desk.ui.theme import apply_theme, contrast_ratio, current_palette, current_theme
from tests.fakes import FakeClock
from tests.ui.test_ui_legibility import region
from tests.ui.windows import open_audience, open_window, press, sample_store

MIN_CONTRAST = 4.5


@pytest.fixture
def db_store(tmp_path: Path) -> Store:
    store = sample_store(tmp_path)
    yield store
    store.close()


@pytest.fixture
def windows(qtbot, qapp, db_store: Store, clock: FakeClock, settings: QSettings):
    palette, chosen = QPalette(qapp.palette()), current_theme()
    apply_theme(qapp, "light")
    window = open_window(qtbot, db_store, clock, settings)
    audience = open_audience(qtbot, window)
    yield window, audience
    window.commands.set_zoom(1.0)
    audience.close()
    window.close()
    apply_theme(qapp, chosen)
    qapp.setPalette(palette)


def clipped(widget: QWidget) -> bool:
    """Text that does not fit the widget it is in (cut at the edge, or a line lost)."""
    if isinstance(widget, QLabel):
        if widget.wordWrap():
            return widget.heightForWidth(widget.width()) > widget.height() + 2
        needed = widget.fontMetrics().boundingRect(widget.text()).width()
        return needed > widget.contentsRect().width() + 2
    if isinstance(widget, QAbstractButton):
        return widget.sizeHint().width() > widget.width() + 2
    return False


def text_widgets(root: QWidget) -> list[QWidget]:
    found: list[QWidget] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or widget.width() <= 0:
            continue
        if isinstance(widget, (QLabel, QAbstractButton)) and widget.text().strip():
            found.append(widget)
    return found


def problems(root: QWidget, name: str) -> list[str]:
    image = root.grab().toImage()
    found = []
    for widget in text_widgets(root):
        label = f"{name}: {type(widget).__name__} {widget.text()[:40]!r}"
        if clipped(widget):
            found.append(f"{label} is clipped ({widget.width()}x{widget.height()})")
        # The text's colour against the background as painted around it (the commonest
        # colour of the part on screen: a label half scrolled out shows what is over it).
        seen = widget.visibleRegion().boundingRect()
        if isinstance(widget, QLabel) and not seen.isEmpty():
            area = region(widget, root, seen).intersected(image.rect())
            colours = Counter(image.pixel(x, y)
                              for x in range(area.left(), area.right() + 1, 2)
                              for y in range(area.top(), area.bottom() + 1, 2))
            if colours:
                background = QColor.fromRgb(colours.most_common(1)[0][0])
                text = widget.palette().color(widget.foregroundRole())
                contrast = contrast_ratio(text, background)
                if contrast < MIN_CONTRAST:
                    found.append(f"{label} has contrast {contrast:.1f}")
    return found


@pytest.mark.parametrize("zoom", [1.0, 1.5])
def test_every_page_after_a_live_theme_switch(
    qtbot, windows: tuple[MainWindow, AudienceWindow], zoom: float
) -> None:
    window, audience = windows
    press(qtbot, window, "Ctrl+Shift+T")  # light to dark, live, with both windows open
    qtbot.waitUntil(lambda: audience.palette().window().color() == current_palette().window)
    assert current_palette().name == "dark"
    window.commands.set_zoom(zoom)
    audience.set_zoom(zoom)
    size = window.size()
    found: list[str] = []
    for index, phase in enumerate(PHASES):
        window.go_to_phase(index)
        for _ in range(3):  # layouts settle over a few rounds of events
            QApplication.processEvents()
        assert window.size() == size
        page = window.pages[phase]
        # The page's own background took the new theme (no light panel left in the dark).
        image = page.grab().toImage()
        colours = Counter(image.pixel(x, y) for x in range(0, image.width(), 7)
                          for y in range(0, image.height(), 7))
        background = QColor.fromRgb(colours.most_common(1)[0][0])
        assert background.lightness() < 80, (phase, background.name())
        found += problems(window, f"main {phase} at {zoom:.0%}")
        found += problems(audience, f"audience {phase} at {zoom:.0%}")
    assert not found, "\n".join(found)
