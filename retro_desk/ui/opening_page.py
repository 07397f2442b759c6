"""The opening: purpose and ground rules on screen, from an editable file in resources/."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from retro_desk.paths import resource
from retro_desk.ui.accessible import describe
from retro_desk.ui.page import PageContext, PhasePage


def ground_rules(kind: str) -> str:
    name = "ground_rules_external.md" if kind == "external" else "ground_rules.md"
    try:
        return resource(name).read_text(encoding="utf-8")
    except OSError:
        return "# Ground rules\n\n- We name blame when we feel it, then ask how and what."


class OpeningPage(PhasePage):
    phase = "opening"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.rules = QTextBrowser(self)
        self.rules.setOpenLinks(False)
        self.rules.setFrameShape(QTextBrowser.Shape.NoFrame)
        describe(self.rules, "Ground rules", "How this retro runs, read together at the start")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.rules, 1)
        layout.addWidget(self.summary)

    def reload(self) -> None:
        kind = self.editor.retro.session.kind if self.editor else "own"
        # Ground rules are our own shipped text, so rendering them as Markdown is safe.
        self.rules.setMarkdown(ground_rules(kind))
        summary = self.editor.retro.session.summary if self.editor else ""
        self.summary.setText(summary)
        self.summary.setVisible(bool(summary))

    def focus_entry(self) -> None:
        self.rules.setFocus()
