"""The timeline picture widget: what it draws, zoom and scroll, clicks, and SVG and PNG export."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFont, QImage

from retro_desk.editor import SessionEditor
from retro_desk.export import session_file
from retro_desk.model import Event, Retro
from retro_desk.paths import resource
from retro_desk.ui.page import PageContext
from retro_desk.ui.theme import LIGHT, contrast_ratio, current_palette
from retro_desk.ui.timeline_page import TimelinePage
from retro_desk.ui.timeline_picture import TimelinePicture, export_picture

SVG = "{http://www.w3.org/2000/svg}"


def sample() -> Retro:
    return session_file.read_file(resource("sample_retro.json"))


@pytest.fixture
def picture(qtbot) -> TimelinePicture:
    retro = sample()
    widget = TimelinePicture()
    qtbot.addWidget(widget)
    # A type size of its own, whatever zoom or theme earlier tests left the application in.
    font = QFont(widget.font())
    font.setPixelSize(14)
    widget.setFont(font)
    widget.resize(1100, 420)
    widget.set_events(retro.timeline, retro.session.timezone)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def close(a: QColor, b: QColor) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) < 40


def test_it_shows_every_event_with_a_legend(picture: TimelinePicture) -> None:
    layout = picture.picture_layout()
    assert len(layout.markers) == 30
    texts = picture.shown_texts()
    assert {"event", "decision point", "learned later", "Europe/Berlin time"} <= set(texts)
    assert any(text.startswith("09:40 · Łukasz") for text in texts)
    assert layout.groups, "the dense half hour after 14:30 is grouped at this width"
    labelled = len(layout.labels) + sum(len(g.keys) for g in layout.groups)
    assert labelled == 30
    assert "30 events" in picture.accessibleDescription()


def test_decisions_and_learned_later_facts_differ_in_shape_and_colour(qtbot) -> None:
    widget = TimelinePicture()
    qtbot.addWidget(widget)
    widget.resize(900, 300)
    widget.set_events([
        Event(key="a", at="2026-11-20T14:00:00+01:00", description="Pages the on-call"),
        Event(key="b", at="2026-11-20T15:00:00+01:00", description="Rolls back",
              decision_point=True),
        Event(key="c", at="2026-11-20T16:00:00+01:00", description="The bundle was stale",
              learned_later=True),
    ], "Europe/Berlin")
    widget.show()
    image = widget.canvas.grab().toImage()
    layout = widget.picture_layout()
    y = round(layout.axis_y)
    reach = round(layout.marker_size * 0.7)
    seen = {}
    for marker in layout.markers:
        x = round(marker.x)
        around = [image.pixelColor(x + dx, y + dy) for dx in range(-reach, reach + 1)
                  for dy in range(-reach, reach + 1)]
        seen[marker.key] = (image.pixelColor(x, y), around)
    theme = current_palette()
    assert close(seen["a"][0], theme.muted)
    assert close(seen["b"][0], theme.decision)
    # The triangle is open: its middle is background, its outline the learned colour.
    assert not close(seen["c"][0], theme.learned)
    assert any(close(colour, theme.learned) for colour in seen["c"][1])
    assert not any(close(colour, theme.learned) for colour in seen["b"][1])
    assert not close(theme.decision, theme.learned)


def test_zoom_and_scroll_with_keys(qtbot, picture: TimelinePicture) -> None:
    picture.setFocus()
    before = picture.picture_layout()
    qtbot.keyClick(picture, Qt.Key.Key_Plus)
    qtbot.keyClick(picture, Qt.Key.Key_Plus)
    assert picture.zoom() == pytest.approx(2.25)
    assert picture.picture_layout().width == pytest.approx(before.width * 2.25)
    for _ in range(3):
        qtbot.keyClick(picture, Qt.Key.Key_Plus)
    after = picture.picture_layout()
    assert len(after.labels) > len(before.labels)
    grouped = sum(len(group.keys) for group in after.groups)
    assert grouped < sum(len(group.keys) for group in before.groups)
    bar = picture.horizontalScrollBar()
    with qtbot.waitSignal(picture.view_changed):
        qtbot.keyClick(picture, Qt.Key.Key_End)
    assert bar.value() == bar.maximum() > 0
    assert picture.scroll_fraction() == 1.0
    qtbot.keyClick(picture, Qt.Key.Key_Minus)
    assert picture.zoom() == pytest.approx(1.5 ** 4)
    qtbot.keyClick(picture, Qt.Key.Key_0)
    assert picture.zoom() == 1.0
    assert bar.maximum() == 0


def test_a_follower_shows_the_same_stretch(qtbot, picture: TimelinePicture) -> None:
    follower = TimelinePicture()
    qtbot.addWidget(follower)
    follower.resize(1600, 500)
    follower.set_events(sample().timeline, "Europe/Berlin")
    follower.show()
    picture.view_changed.connect(follower.show_view)
    picture.set_zoom(4)
    picture.horizontalScrollBar().setValue(picture.horizontalScrollBar().maximum() // 2)
    assert follower.zoom() == 4
    assert follower.scroll_fraction() == pytest.approx(picture.scroll_fraction(), abs=0.01)


def test_a_larger_font_gives_larger_labels(picture: TimelinePicture) -> None:
    before = picture.picture_layout().labels[0].box.height
    font = QFont(picture.font())
    font.setPixelSize(30)
    picture.setFont(font)
    assert picture.picture_layout().labels[0].box.height > before * 1.3


def test_tooltips_show_typed_text_as_text(qtbot) -> None:
    widget = TimelinePicture()
    qtbot.addWidget(widget)
    widget.resize(800, 300)
    widget.set_events([Event(key="e1", at="2026-11-20T14:00:00+01:00",
                             description="<b>bold</b> <script>x</script>")], "Europe/Berlin")
    label = widget.picture_layout().labels[0]
    tip = widget.describe_at(label.box.x + 2, label.box.y + 2)
    assert "&lt;b&gt;bold&lt;/b&gt; &lt;script&gt;" in tip
    assert "<b>" not in tip


def test_the_timeline_page_shows_the_picture_and_follows_edits(
    qtbot, sample_editor: SessionEditor
) -> None:
    page = TimelinePage(PageContext())
    qtbot.addWidget(page)
    sample_editor.listeners.append(page.on_change)
    page.set_editor(sample_editor)
    page.resize(1000, 700)
    page.show()
    qtbot.waitExposed(page)
    assert len(page.picture.picture_layout().markers) == 30
    page.focus_entry()
    qtbot.keyClicks(page.entry, "17:20 Ines: closes the incident channel")
    qtbot.mouseClick(page.decision_box, Qt.MouseButton.LeftButton)
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)
    stored = sample_editor.store.load_retro(sample_editor.session_id).timeline
    assert stored[-1].description == "closes the incident channel"
    assert stored[-1].decision_point
    # The picture follows a moment later, once typing pauses.
    qtbot.waitUntil(lambda: len(page.picture.picture_layout().markers) == 31)
    layout = page.picture.picture_layout()
    newest = next(m for m in layout.markers if m.key == stored[-1].key)
    assert newest.decision
    # A click on a label selects its event in the table.
    label = layout.labels[0]
    qtbot.mouseClick(page.picture.canvas, Qt.MouseButton.LeftButton,
                     pos=QPoint(round(label.box.x + 4), round(label.box.y + 4)))
    row = page.table.currentIndex().row()
    assert page.model.event_at(row).key == label.key


def test_exported_picture_svg_and_png(qapp) -> None:
    retro = sample()
    retro.timeline[0].description = '<script>alert("x")</script> & "quotes"'
    picture = export_picture(retro.timeline, retro.session.timezone, retro.session.title)
    image = QImage.fromData(picture.png, "PNG")
    assert image.width() == picture.width * 2 and image.height() == picture.height * 2
    # Light colours whatever the theme: paper is white.
    assert image.pixelColor(image.width() - 2, image.height() - 2) == LIGHT.base
    root = ElementTree.fromstring(picture.svg)
    assert root.tag == f"{SVG}svg"
    assert not list(root.iter(f"{SVG}script"))
    for element in root.iter():
        assert not any(name.lower().startswith("on") for name in element.attrib)
    texts = " ".join(" ".join(element.itertext()) for element in root.iter(f"{SVG}text"))
    assert "decision point" in texts and "learned later" in texts
    assert '<script>alert("x")' in texts
    assert root.findtext(f"{SVG}title") == retro.session.title
    assert contrast_ratio(LIGHT.learned, LIGHT.base) >= 7


def test_a_burst_of_resizes_is_laid_out_once_and_painted_up_to_date(
    qtbot, picture: TimelinePicture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retro_desk.ui import timeline_picture

    calls: list[float] = []
    real = timeline_picture.layout_timeline

    def counting(events, tz, width, *args, **kwargs):
        calls.append(width)
        return real(events, tz, width, *args, **kwargs)

    monkeypatch.setattr(timeline_picture, "layout_timeline", counting)
    # Showing a window sends several resizes; each used to lay out 2,000 events anew.
    for width in (700, 800, 900, 1000):
        picture.resize(width, 420)
    picture.set_events(sample().timeline, "Europe/Berlin")
    assert calls == []
    qtbot.waitUntil(lambda: bool(calls) and not picture._due.isActive())
    # Once for the burst, and once more at most if the new layout shows or hides the scroll
    # bar (the view's width changes); not once per resize as before.
    assert 1 <= len(calls) <= 2, calls
    assert calls[-1] == picture.viewport().width()
    assert picture.shown_layout().width == pytest.approx(picture.viewport().width())
    # Asking for the layout while one is due lays it out at once, for the present size.
    before = len(calls)
    picture.resize(600, 420)
    assert picture.picture_layout().width == pytest.approx(picture.viewport().width())
    assert len(calls) == before + 1
