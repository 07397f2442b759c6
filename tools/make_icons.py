"""Render resources/icons/retro-desk.svg to the PNG sizes desktops ask for, beside it.

Run after editing the SVG: `.venv/bin/python tools/make_icons.py`. Qt draws the SVG (QtSvg ships
with PySide6-Essentials), so the PNGs match what the app shows where it uses the SVG.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from retro_desk.desktop_entry import ICON_SIZES, icon_png, icon_svg  # noqa: E402


def render(svg: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: Qt cannot read this SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def main() -> int:
    QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    for size in ICON_SIZES:
        target = icon_png(size)
        if not render(icon_svg(), size).save(str(target), "PNG"):
            raise SystemExit(f"cannot write {target}")
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
