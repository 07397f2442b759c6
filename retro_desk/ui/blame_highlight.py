"""Blame language highlighted as you type; a tooltip names the pattern and a better question."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from itertools import islice

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtGui import (
    QHelpEvent,
    QInputMethodEvent,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from retro_desk.language import Finding, category_title, find_blame
from retro_desk.ui.theme import current_palette

Finder = Callable[[str], list[Finding]]


def tooltip_text(finding: Finding) -> str:
    return (
        f"{category_title(finding.category)}: “{finding.phrase}”\n"
        f"Try asking instead: {finding.prompt}"
    )


def blame_format() -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(current_palette().highlight_blame)
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
    fmt.setUnderlineColor(current_palette().blame)
    return fmt


def finding_at(findings: list[Finding], position: int) -> Finding | None:
    for finding in findings:
        if finding.start <= position < finding.end:
            return finding
    return None


class BlameHighlighter(QSyntaxHighlighter):
    """Marks findings in a document. The whole text is matched once per edit, so a phrase broken
    across lines is found too; each block then paints its share of the findings."""

    def __init__(self, document: QTextDocument, find: Finder = find_blame) -> None:
        self._find = find
        self._stale = True
        self.findings: list[Finding] = []
        self._ends: list[int] = []
        # The edits since the findings were made, to tell a moved finding from a new one.
        self._edits: list[tuple[int, int, int]] = []
        # The document comes after the change notice, so the notice runs before Qt's own
        # handler, which highlights the changed blocks at once and must see new findings.
        super().__init__(None)  # type: ignore[call-overload]  # Qt takes a null parent
        self.setParent(document)
        document.contentsChange.connect(self._changed)
        self.setDocument(document)

    def _changed(self, position: int, removed: int, added: int) -> None:
        if not self._stale:
            self._edits.clear()
        self._stale = True
        self._edits.append((position, removed, added))

    def _refresh(self) -> None:
        # Once per edit, not per block: reading the whole text for every block of a 1 MB
        # paste took over a minute.
        if self._stale:
            self._stale = False
            edited = [(position, position + added) for position, _, added in self._edits]
            before = self._moved_by_edits(self.findings)
            self.findings = self._find(self.document().toPlainText())
            self._ends = [finding.end for finding in self.findings]
            # A finding can come or go away from the edit: "Clearly …" becomes hindsight once
            # the next line says what was clear. Qt repaints the edited blocks itself.
            changed = {
                span
                for span in before ^ {(finding.start, finding.end) for finding in self.findings}
                if not any(low <= span[0] and span[1] <= high for low, high in edited)
            }
            if changed:
                QTimer.singleShot(0, self, lambda: self._repaint(changed))

    def _moved_by_edits(self, findings: list[Finding]) -> set[tuple[int, int]]:
        """Where the findings of the text before the edits are in the text after them."""
        spans = {(finding.start, finding.end) for finding in findings}
        for position, removed, added in self._edits:
            shift = added - removed
            spans = {
                (start + shift, end + shift) if start >= position + removed else (start, end)
                for start, end in spans
                if not (start < position + removed and end > position)
            }
        self._edits.clear()
        return spans

    def _repaint(self, spans: set[tuple[int, int]]) -> None:
        document = self.document()
        if document is None:
            return
        size = document.characterCount()
        blocks = {document.findBlock(min(point, size - 1)).blockNumber()
                  for start, end in spans for point in (start, max(start, end - 1))}
        for number in sorted(blocks):
            block = document.findBlockByNumber(number)
            if block.isValid():
                self.rehighlightBlock(block)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._refresh()
        block: QTextBlock = self.currentBlock()
        start, end = block.position(), block.position() + len(text)
        # Findings are sorted and never overlap, so their ends are in order too.
        fmt: QTextCharFormat | None = None
        for finding in islice(self.findings, bisect_right(self._ends, start), None):
            if finding.start >= end:
                break
            fmt = fmt or blame_format()
            left = max(finding.start, start) - start
            right = min(finding.end, end) - start
            self.setFormat(left, right - left, fmt)

    def finding_at(self, position: int) -> Finding | None:
        self._refresh()
        return finding_at(self.findings, position)


class _DocumentTooltips(QObject):
    def __init__(self, editor: QPlainTextEdit | QTextEdit, highlighter: BlameHighlighter) -> None:
        super().__init__(editor)
        self.editor = editor
        self.highlighter = highlighter

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            position = self.editor.cursorForPosition(event.pos()).position()
            finding = self.highlighter.finding_at(position)
            if finding is not None:
                QToolTip.showText(event.globalPos(), tooltip_text(finding), self.editor)
                return True
        return False


class LineHighlighter(QObject):
    """QLineEdit has no document to highlight, but it paints input-method formats; findings are
    handed to it as such, which changes how the text looks and nothing else."""

    def __init__(self, line: QLineEdit, find: Finder = find_blame) -> None:
        super().__init__(line)
        self.line = line
        self._find = find
        self.findings: list[Finding] = []
        line.textChanged.connect(self.refresh)
        line.installEventFilter(self)

    def refresh(self) -> None:
        self.findings = self._find(self.line.text())
        cursor = self.line.cursorPosition()
        fmt = blame_format()
        attributes = [
            QInputMethodEvent.Attribute(
                QInputMethodEvent.AttributeType.TextFormat,
                finding.start - cursor,
                finding.end - finding.start,
                fmt,
            )
            for finding in self.findings
        ]
        QCoreApplication.sendEvent(self.line, QInputMethodEvent("", attributes))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            finding = finding_at(self.findings, self.line.cursorPositionAt(event.pos()))
            if finding is not None:
                QToolTip.showText(event.globalPos(), tooltip_text(finding), self.line)
                return True
        return False


def attach(widget: QWidget, find: Finder = find_blame) -> QObject | None:
    """Highlight blame language in any text field; returns the helper (kept alive by `widget`)."""
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        highlighter = BlameHighlighter(widget.document(), find)
        widget.viewport().installEventFilter(_DocumentTooltips(widget, highlighter))
        widget.setProperty("blame_highlighter", True)
        return highlighter
    if isinstance(widget, QLineEdit):
        widget.setProperty("blame_highlighter", True)
        return LineHighlighter(widget, find)
    return None
