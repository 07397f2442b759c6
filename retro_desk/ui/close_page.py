"""The close: ROTI votes, closing notes, and the retro as Markdown, previewed and exported."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QFocusEvent,
    QFontDatabase,
    QKeySequence,
    QShortcut,
    QShowEvent,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from retro_desk.editor import Change, SessionEditor
from retro_desk.export import export, markdown_text
from retro_desk.model import ROTI_RANGE
from retro_desk.ui.accessible import describe, tab_order
from retro_desk.ui.fonts import relative_font
from retro_desk.ui.page import PageContext, PhasePage
from retro_desk.ui.save_timer import SaveTimer
from retro_desk.ui.theme import current_palette

IDLE_SAVE_MS = 800


def suggested_file_name(title: str) -> str:
    """A file name from the retro's title: letters, digits and dashes, never empty."""
    stem = re.sub(r"[^\w\- ]+", "", title).strip().replace(" ", "-")
    return f"{stem[:60] or 'retro'}.md"


def ask_markdown_path(parent: QWidget, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Export Markdown", suggested, "Markdown (*.md)")
    return path or None


def roti_summary(votes: list[int]) -> str:
    if not votes:
        return "No votes yet"
    noun = "vote" if len(votes) == 1 else "votes"
    return f"Average {sum(votes) / len(votes):.1f} from {len(votes)} {noun}"


class RotiPanel(QWidget):
    """Five vote buttons with the count under each; keys 1–5 vote while the panel has focus."""

    def __init__(self, vote: Callable[[int], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setObjectName("roti")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        describe(self, "ROTI vote: keys 1 to 5", "Return on time invested: each key from 1 to 5"
                 " records a vote")
        grid = QGridLayout(self)
        self.buttons: dict[int, QPushButton] = {}
        self.counts: dict[int, QLabel] = {}
        for column, value in enumerate(ROTI_RANGE):
            button = QPushButton(str(value), self)
            relative_font(button, 1.6, bold=True)
            button.setMinimumSize(56, 48)
            button.setToolTip(f"Record a vote of {value} (key {value})")
            # Focus stays on the panel, where the number keys vote.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _checked=False, value=value: vote(value))
            count = QLabel(self)
            count.setAlignment(Qt.AlignmentFlag.AlignCenter)
            count.setAccessibleName(f"Votes of {value}")
            grid.addWidget(button, 0, column)
            grid.addWidget(count, 1, column)
            shortcut = QShortcut(QKeySequence(str(value)), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda value=value: vote(value))
            self.buttons[value] = button
            self.counts[value] = count

    def show_votes(self, votes: list[int]) -> None:
        for value, label in self.counts.items():
            label.setText(f"× {votes.count(value)}")

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        # The frame of a focused panel tells the facilitator that 1–5 will vote now.
        accent = current_palette().accent.name()
        self.setStyleSheet(f"#roti {{ border: 2px solid {accent}; border-radius: 6px; }}")
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        self.setStyleSheet("")
        super().focusOutEvent(event)


class ClosePage(PhasePage):
    """ROTI and closing notes on the left, the Markdown document on the right."""

    phase = "close"
    # Replaceable in tests: asks where to export, given the suggested file name.
    ask_export_path: Callable[[QWidget, str], str | None] = ask_markdown_path

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.roti = RotiPanel(self.vote, self)
        self.average = QLabel(self)
        self.average.setAccessibleName("ROTI average")
        self.remove_vote_button = QPushButton("Remove last vote", self)
        self.remove_vote_button.clicked.connect(self.remove_last_vote)
        self.remove_vote_button.setAccessibleDescription("Takes back the vote recorded last")
        self.notes = QPlainTextEdit(self)
        self.notes.setPlaceholderText("Closing words, and anything to follow up…")
        describe(self.notes, "Closing notes", "Closing words, and anything to follow up")
        self.notes.setTabChangesFocus(True)
        self.notes.installEventFilter(self)
        self.notes.textChanged.connect(self._typed)
        context.decorate_text(self.notes)
        self._idle = SaveTimer(self, IDLE_SAVE_MS)  # and at most 2 s apart while typing
        self._idle.timeout.connect(self.commit_pending)
        self._loading = False

        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        describe(self.preview, "Markdown preview", "The retro as its Markdown export will read")
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._preview_stale = True
        self.export_button = QPushButton("Export Markdown…", self)
        self.export_button.clicked.connect(self.export_markdown)
        self.export_button.setAccessibleDescription("Writes the Markdown document to a file")
        self.export_message = QLabel(self)
        self.export_message.setWordWrap(True)
        self.export_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        describe(self.export_message, "Export result", "Where the last export was written")

        left = QWidget(self)
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self._heading("Return on time invested (1–5)", left))
        left_column.addWidget(self.roti)
        votes_row = QHBoxLayout()
        votes_row.addWidget(self.average, 1)
        votes_row.addWidget(self.remove_vote_button)
        left_column.addLayout(votes_row)
        notes_heading = self._heading("&Closing notes", left)
        notes_heading.setBuddy(self.notes)
        left_column.addWidget(notes_heading)
        left_column.addWidget(self.notes, 1)
        right = QWidget(self)
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self._heading("Markdown preview", right))
        right_column.addWidget(self.preview, 1)
        export_row = QHBoxLayout()
        export_row.addWidget(self.export_message, 1)
        export_row.addWidget(self.export_button)
        right_column.addLayout(export_row)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        tab_order(self.roti, self.remove_vote_button, self.notes, self.preview, self.export_button)

    @staticmethod
    def _heading(text: str, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    # -- ROTI ------------------------------------------------------------------------------

    def vote(self, value: int) -> None:
        editor = self.editor
        if editor is not None:
            self.context.guard(lambda: editor.add_roti_vote(value))

    def remove_last_vote(self) -> None:
        editor = self.editor
        if editor is not None and editor.retro.closing.roti:
            votes = editor.retro.closing.roti[:-1]
            self.context.guard(lambda: editor.set_roti(votes))

    def _show_votes(self) -> None:
        votes = self.editor.retro.closing.roti if self.editor else []
        self.roti.show_votes(votes)
        self.average.setText(roti_summary(votes))
        self.remove_vote_button.setEnabled(bool(votes))

    # -- closing notes ---------------------------------------------------------------------

    def _typed(self) -> None:
        if not self._loading:
            self._idle.start()

    def commit_pending(self) -> None:
        """Store the closing notes as typed, if they differ from what is stored."""
        self._idle.stop()
        editor = self.editor
        text = self.notes.toPlainText()
        if editor is not None and text != editor.retro.closing.notes:
            self.context.guard(lambda: editor.set_closing_notes(text))

    def _show_notes(self) -> None:
        self._loading = True
        self.notes.setPlainText(self.editor.retro.closing.notes if self.editor else "")
        # Closing words are usually added to: the cursor waits at the end.
        self.notes.moveCursor(QTextCursor.MoveOperation.End)
        self._loading = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.notes and event.type() == QEvent.Type.FocusOut:
            self.commit_pending()
        return super().eventFilter(watched, event)

    # -- Markdown --------------------------------------------------------------------------

    def _refresh_preview(self) -> None:
        # Rendering the whole document on every keystroke elsewhere is wasted while hidden.
        if not self.isVisible():
            self._preview_stale = True
            return
        self._preview_stale = False
        text = markdown_text(self.editor.retro) if self.editor else ""
        if text != self.preview.toPlainText():
            scroll = self.preview.verticalScrollBar().value()
            self.preview.setPlainText(text)
            self.preview.verticalScrollBar().setValue(scroll)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._preview_stale:
            self._refresh_preview()

    def export_markdown(self) -> None:
        editor = self.editor
        if editor is None:
            return
        self.commit_pending()
        path = type(self).ask_export_path(self, suggested_file_name(editor.retro.session.title))
        if not path:
            return
        try:
            from retro_desk.ui.pdf import QtDrawing

            # As the File menu does: the timeline picture goes beside the document.
            export(editor.retro, "md", Path(path), drawing=QtDrawing())
        except OSError as error:
            self._show_export_result(
                f"Could not export to {path}: {error.strerror or error}. Nothing was written.",
                problem=True,
            )
            return
        self._show_export_result(f"Exported to {path}", problem=False)

    def _show_export_result(self, text: str, problem: bool) -> None:
        colour = current_palette().warning.name() if problem else ""
        self.export_message.setStyleSheet(f"color: {colour}" if colour else "")
        self.export_message.setText(text)

    # -- PhasePage -------------------------------------------------------------------------

    def set_editor(self, editor: SessionEditor | None) -> None:
        # Notes typed into the previous retro belong to it.
        self.commit_pending()
        super().set_editor(editor)

    def reload(self) -> None:
        self._show_votes()
        self._show_notes()
        self.export_message.clear()
        self._refresh_preview()

    def on_change(self, change: Change) -> None:
        if change.part == "roti":
            self._show_votes()
        elif change.part == "closing_notes" and not self.notes.hasFocus():
            self._show_notes()
        self._refresh_preview()

    def focus_entry(self) -> None:
        self.roti.setFocus()
