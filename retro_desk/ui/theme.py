"""Colours and type for both windows: light, dark (following the system) and high contrast."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark", "high-contrast")
# The platform style draws check box frames 140 % darker than the window colour.
FRAME_LIGHTER = 140


@dataclass(frozen=True)
class Palette:
    name: str
    window: QColor
    base: QColor
    text: QColor
    muted: QColor
    accent: QColor
    warning: QColor
    overtime: QColor
    decision: QColor
    blame: QColor
    highlight_blame: QColor
    # Facts only learned after the incident, in the timeline picture: a hue of their own.
    learned: QColor


# Every text colour keeps at least 7:1 contrast against `window` and `base` (WCAG AAA).
LIGHT = Palette(
    "light", QColor("#f6f6f4"), QColor("#ffffff"), QColor("#1a1a1a"), QColor("#3d3d3d"),
    QColor("#0b4f8a"), QColor("#6b4200"), QColor("#8a1010"), QColor("#0b4f8a"),
    QColor("#5c2d82"), QColor("#fff0b3"), QColor("#8a3b00"),
)
DARK = Palette(
    "dark", QColor("#1c1d20"), QColor("#26282c"), QColor("#f2f2f2"), QColor("#cfcfcf"),
    QColor("#9ccfff"), QColor("#ffd27a"), QColor("#ff9c9c"), QColor("#9ccfff"),
    QColor("#e0c2ff"), QColor("#5a4a10"), QColor("#ffb366"),
)
HIGH_CONTRAST = Palette(
    "high-contrast", QColor("#000000"), QColor("#000000"), QColor("#ffffff"), QColor("#ffffff"),
    QColor("#ffff00"), QColor("#ffff00"), QColor("#ff8080"), QColor("#00ffff"),
    QColor("#ffb0ff"), QColor("#303000"), QColor("#ffb366"),
)

_active: list[Palette] = [LIGHT]
# The theme the person chose, which may be "system": the palette in force follows from it.
_chosen: list[str] = ["system"]
_FOLLOWING = "retro_desk_follows_system"


def current_palette() -> Palette:
    return _active[0]


def current_theme() -> str:
    return _chosen[0]


def resolve(theme: str, scheme: Qt.ColorScheme | None = None) -> Palette:
    """The palette of one of THEMES; "system" goes by `scheme`, else by what the system says."""
    if theme == "dark":
        return DARK
    if theme == "high-contrast":
        return HIGH_CONTRAST
    if theme == "light":
        return LIGHT
    if scheme is None:
        scheme = QGuiApplication.styleHints().colorScheme()
    return DARK if scheme == Qt.ColorScheme.Dark else LIGHT


def apply_theme(app: QApplication, theme: str) -> Palette:
    """Set the application palette from one of THEMES; returns the palette now in force.

    With "system", the palette changes again whenever the system switches light and dark.
    """
    _chosen[0] = theme
    if not app.property(_FOLLOWING):
        app.setProperty(_FOLLOWING, True)
        app.styleHints().colorSchemeChanged.connect(
            lambda scheme: system_scheme_changed(app, scheme)
        )
    return _set_palette(app, resolve(theme))


def system_scheme_changed(app: QApplication, scheme: Qt.ColorScheme) -> None:
    if _chosen[0] == "system":
        _set_palette(app, resolve("system", scheme))


def _set_palette(app: QApplication, palette: Palette) -> Palette:
    _active[0] = palette
    qt = QPalette()
    qt.setColor(QPalette.ColorRole.Window, palette.window)
    qt.setColor(QPalette.ColorRole.Base, palette.base)
    qt.setColor(QPalette.ColorRole.AlternateBase, palette.window)
    qt.setColor(QPalette.ColorRole.Text, palette.text)
    qt.setColor(QPalette.ColorRole.WindowText, palette.text)
    qt.setColor(QPalette.ColorRole.ButtonText, palette.text)
    qt.setColor(QPalette.ColorRole.Button, palette.base)
    qt.setColor(QPalette.ColorRole.ToolTipBase, palette.base)
    qt.setColor(QPalette.ColorRole.ToolTipText, palette.text)
    qt.setColor(QPalette.ColorRole.PlaceholderText, palette.muted)
    qt.setColor(QPalette.ColorRole.Highlight, palette.accent)
    qt.setColor(QPalette.ColorRole.HighlightedText, palette.base)
    qt.setColor(QPalette.ColorRole.Link, palette.accent)
    for group in (QPalette.ColorGroup.Disabled,):
        qt.setColor(group, QPalette.ColorRole.Text, palette.muted)
        qt.setColor(group, QPalette.ColorRole.WindowText, palette.muted)
        qt.setColor(group, QPalette.ColorRole.ButtonText, palette.muted)
    app.setPalette(qt)
    # The platform style frames a check box (and a list) a shade darker than the window
    # colour: in dark that is nearly black on dark grey (1.2:1), and an unchecked box looked
    # empty. Check boxes and lists take a window colour whose shade is the muted text colour.
    framed = QPalette(qt)
    if palette is not HIGH_CONTRAST:
        framed.setColor(QPalette.ColorRole.Window, palette.muted.lighter(FRAME_LIGHTER))
    for kind in ("QCheckBox", "QAbstractItemView"):
        # PySide6 takes the class name as a str, though its stubs say bytes.
        app.setPalette(framed, kind)  # type: ignore[arg-type]
    # On black no shade reads: high contrast draws its boxes and frames with a style sheet.
    sheet = HIGH_CONTRAST_SHEET if palette is HIGH_CONTRAST else ""
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)
    return palette


HIGH_CONTRAST_SHEET = (
    "QCheckBox::indicator, QAbstractItemView::indicator {"
    " width: 16px; height: 16px; border: 2px solid #ffffff; background: #000000; }"
    " QCheckBox::indicator:checked, QAbstractItemView::indicator:checked {"
    " background: #ffff00; border-color: #ffffff; }"
    " QCheckBox::indicator:disabled { border-color: #808080; }"
    # Every field a person types into, and every list, framed in white: black on black, the
    # answer boxes and entry lines could not be told from the page.
    " QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox, QAbstractItemView {"
    " border: 1px solid #ffffff; }"
    " QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QAbstractSpinBox:focus,"
    " QAbstractItemView:focus { border: 2px solid #ffff00; }"
)


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio between two colours."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(colour.redF())
            + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF())
        )

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def refresh_styles() -> None:
    """Make every widget take the palette now in force.

    A widget with a style sheet keeps the colours it was polished with when the application
    palette changes (lists, tables and chips stayed light in dark): its sheet is set again.
    """
    for widget in QApplication.allWidgets():
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet("")
            widget.setStyleSheet(sheet)
        widget.update()
