"""The local-rationality phase: each decision point, its ten question cards, and the answers."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPalette, QResizeEvent, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from retro_desk.editor import Change, SessionEditor
from retro_desk.model import CATEGORIES, Event
from retro_desk.questions import questions_for
from retro_desk.textref import Place
from retro_desk.timefmt import local_display, sort_key
from retro_desk.ui.accessible import describe
from retro_desk.ui.fonts import relative_font
from retro_desk.ui.pages.page import PageContext, PhasePage
from retro_desk.ui.save_timer import SaveTimer
from retro_desk.ui.widgets.fitting import fit_text

EMPTY_HINT = "Mark decision points in the timeline (Ctrl+D) to discuss them here."
EXTERNAL_NOTE = (
    "Another organisation's incident: the questions are about the people responding,"
    " as their report shows them."
)
IDLE_COMMIT_MS = 800
LIST_DESCRIPTION_LENGTH = 90
NEXT_KEYS = "Ctrl+Down"
PREVIOUS_KEYS = "Ctrl+Up"
EVENT_LINES = 3
KEYS_HINT = "Ctrl+Down / Ctrl+Up: next or previous decision point\nTab: next question card"


def clock(at: str, tz_name: str) -> str:
    """`14:41` (seconds only when they are not zero), in the session's zone."""
    shown = local_display(at, tz_name, with_date=False).split(" ")[0]
    return shown[:-3] if shown.endswith(":00") else shown


def shortened(text: str, length: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"


class _AnswerCard(QFrame):
    """One question category: its title, its questions, and the answer field.

    Only the card being discussed is open, showing its questions; the others are folded
    to their title and answer, so more of the ten show at once on a small screen."""

    edited = Signal()

    def __init__(self, category: str, title: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.category = category
        # Typed here and not stored yet: stored text must not overwrite it.
        self.dirty = False
        self._loading = False
        self.is_open = True
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(title, self)
        self.questions = QLabel(self)
        self.questions.setWordWrap(True)
        self.questions.setTextFormat(Qt.TextFormat.PlainText)
        self.answer = QPlainTextEdit(self)
        self.answer.setTabChangesFocus(True)
        describe(self.answer, f"{title} answer", f"The group's answer to the {title.lower()}"
                 " questions for this decision point")
        self.answer.setPlaceholderText("Answer in the group's own words…")
        self.answer.textChanged.connect(self._text_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(6)
        self._layout = layout
        layout.addWidget(self.title)
        layout.addWidget(self.questions)
        layout.addWidget(self.answer)
        relative_font(self.title, 1.1, bold=True)
        self._fit_answer()

    def set_questions(self, questions: list[str]) -> None:
        self.questions.setText("\n".join(f"• {question}" for question in questions))
        self.title.setToolTip(self.questions.text())

    def set_open(self, is_open: bool) -> None:
        """Open (questions shown, three lines of answer) or folded (title and answer)."""
        if is_open == self.is_open:
            return
        self.is_open = is_open
        self.questions.setVisible(is_open)
        self._fit_questions()
        self._fit_answer()

    def load(self, text: str) -> None:
        """Show the stored answer of a newly chosen decision point, dropping any typing."""
        self.dirty = False
        self.show_stored(text)

    def show_stored(self, text: str) -> None:
        """Show a stored answer, unless the person has typed something not stored yet."""
        if self.dirty or text == self.answer.toPlainText():
            return
        self._loading = True
        self.answer.setPlainText(text)
        self.answer.moveCursor(QTextCursor.MoveOperation.End)
        self._loading = False
        self._fit_answer()

    def _text_changed(self) -> None:
        if not self._loading:
            self.dirty = True
            self.edited.emit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_answer()
            self._fit_questions()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_questions()

    def _fit_questions(self) -> None:
        # In a scroll area a wrapped label is not asked how tall it must be: say so, or a
        # zoomed-in question loses its last lines.
        # The card's width tells the label's: a folded card's hidden label keeps a stale one.
        margins = self.contentsMargins() + self._layout.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        if width > 0 and self.is_open:
            self.questions.setMinimumHeight(self.questions.heightForWidth(width))

    def _fit_answer(self) -> None:
        # Three lines of answer are visible at once; more scroll inside the field. A folded
        # card with no answer yet keeps one line, enough for its hint.
        count = 3 if self.is_open or self.answer.document().characterCount() > 1 else 1
        lines = self.answer.fontMetrics().lineSpacing() * count
        self.answer.setFixedHeight(lines + 2 * self.answer.frameWidth() + 12)


class RationalityPage(PhasePage):
    """Decision points on the left; the chosen one's event and question cards on the right."""

    phase = "rationality"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._event: Event | None = None
        self._category: str | None = None
        self._idle = SaveTimer(self, IDLE_COMMIT_MS)  # and at most 2 s apart while typing
        self._idle.timeout.connect(self.commit_pending)

        self.empty = QLabel(EMPTY_HINT, self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.decisions = QListWidget(self)
        describe(self.decisions, "Decision points", "The decision points of the timeline;"
                 " choose one to answer its questions")
        self.decisions.setWordWrap(True)
        self.decisions.setSpacing(4)
        self.decisions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.keys_hint = QLabel(KEYS_HINT, self)
        self.keys_hint.setWordWrap(True)
        self.keys_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.event_heading = QLabel(self)
        self.event_heading.setTextFormat(Qt.TextFormat.PlainText)
        self.event_text = QLabel(self)
        self.event_text.setWordWrap(True)
        self.event_text.setTextFormat(Qt.TextFormat.PlainText)
        self.event_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.event_text.setAccessibleDescription("The decision point's event, as recorded")
        self._event_width = -1
        self.event_text.installEventFilter(self)
        self.external_note = QLabel(EXTERNAL_NOTE, self)
        self.external_note.setWordWrap(True)
        self.external_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.cards: dict[str, _AnswerCard] = {}
        cards_holder = QWidget(self)
        cards_layout = QVBoxLayout(cards_holder)
        cards_layout.setContentsMargins(0, 0, 8, 0)
        cards_layout.setSpacing(12)
        for category in CATEGORIES:
            card = _AnswerCard(category, context.questions[category].title, cards_holder)
            context.decorate_text(card.answer)
            card.edited.connect(self._idle.start)
            card.answer.installEventFilter(self)
            cards_layout.addWidget(card)
            self.cards[category] = card
        cards_layout.addStretch(1)
        self.cards_scroll = QScrollArea(self)
        self.cards_scroll.setWidget(cards_holder)
        self.cards_scroll.setWidgetResizable(True)
        self.cards_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.cards_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cards_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        right = QVBoxLayout()
        right.setSpacing(8)
        right.addWidget(self.event_heading)
        right.addWidget(self.event_text)
        right.addWidget(self.external_note)
        right.addSpacing(8)
        right.addWidget(self.cards_scroll, 1)
        content = QWidget(self)
        columns = QHBoxLayout(content)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(20)
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(self.decisions, 1)
        left.addWidget(self.keys_hint)
        columns.addLayout(left, 1)
        columns.addLayout(right, 2)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addWidget(self.stack)
        # The event under discussion is what the room reads, so it is the largest text here.
        relative_font(self.event_heading, 1.0, bold=True)
        relative_font(self.event_text, 1.3)
        relative_font(self.empty, 1.3)

        self.decisions.currentItemChanged.connect(self._chosen)
        for keys, step in ((NEXT_KEYS, 1), (PREVIOUS_KEYS, -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(partial(self.step, step))

    # -- PhasePage -------------------------------------------------------------------------

    def set_editor(self, editor: SessionEditor | None) -> None:
        # Typing not stored yet belongs to the retro that was open, so it goes there first.
        self.commit_pending()
        super().set_editor(editor)

    def reload(self) -> None:
        kind = self.editor.retro.session.kind if self.editor else "own"
        for category, card in self.cards.items():
            card.set_questions(questions_for(category, kind, self.context.questions))
        self.external_note.setVisible(kind == "external")
        self._event = None
        self._category = None
        self._open_current()
        self._fill_list(None)

    def on_change(self, change: Change) -> None:
        if change.part == "timeline":
            # Only decision points are listed; edits to other events leave the list alone.
            touched = [event for event in (change.item, change.old) if event is not None]
            if change.op == "reset" or any(event.decision_point for event in touched):
                self._fill_list(self._event.key if self._event else None)
        elif change.part == "rationality" and self._event and self.editor:
            event_key, category = change.item
            if event_key == self._event.key:
                answers = self.editor.retro.answers_for(event_key)
                self.cards[category].show_stored(answers.get(category, ""))
        elif change.part == "session" and "kind" in change.item:
            self.commit_pending()
            self.reload()
        elif change.part == "session" and "timezone" in change.item:
            self._fill_list(self._event.key if self._event else None)

    def focus_entry(self) -> None:
        if self._event is None:
            self.decisions.setFocus()
            return
        self.cards[CATEGORIES[0]].answer.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- for the audience window -----------------------------------------------------------

    def current_event(self) -> Event | None:
        return self._event

    def current_category(self) -> str | None:
        """The category of the card last typed in or moved to, for the current decision point."""
        return self._category

    # -- actions ---------------------------------------------------------------------------

    def commit_pending(self) -> None:
        """Store every answer typed but not stored yet (idle typing and leaving a field do this)."""
        self._idle.stop()
        editor, event = self.editor, self._event
        if editor is None or event is None:
            return
        if not any(shown.key == event.key for shown in editor.retro.timeline):
            return  # deleted meanwhile: its answers went with it, and undo brings them back
        for card in self.cards.values():
            if not card.dirty:
                continue
            text = card.answer.toPlainText()
            answer = text if text.strip() else ""
            store = partial(editor.set_answer, event.key, card.category, answer)
            # True once stored; a refused store keeps the field dirty, to be tried again.
            if self.context.guard(lambda store=store: store() or True):  # type: ignore[misc]
                card.dirty = False

    def reveal(self, place: Place) -> None:
        """Show the decision point and the answer a language-reflection finding is in."""
        event_key, _, category = place.ref.partition(":")
        for row in range(self.decisions.count()):
            if self.decisions.item(row).data(Qt.ItemDataRole.UserRole) == event_key:
                self.decisions.setCurrentRow(row)
                break
        card = self.cards.get(category)
        if card is not None:
            card.answer.setFocus(Qt.FocusReason.OtherFocusReason)

    def step(self, offset: int) -> None:
        """Go to the next (1) or previous (-1) decision point, storing typed answers first."""
        row = self.decisions.currentRow() + offset
        if 0 <= row < self.decisions.count():
            self.decisions.setCurrentRow(row)

    # -- showing ---------------------------------------------------------------------------

    def _fill_list(self, keep: str | None) -> None:
        """List the decision points in time order, keeping `keep` chosen if it is still one."""
        retro = self.editor.retro if self.editor else None
        points = sorted(retro.decision_points(), key=lambda e: sort_key(e.at)) if retro else []
        keys = [event.key for event in points]
        if keep in keys:
            row = keys.index(keep)
        else:
            # The chosen one left the list: its neighbour takes its place.
            row = min(max(self.decisions.currentRow(), 0), len(keys) - 1)
        tz = retro.session.timezone if retro else "UTC"
        self.decisions.blockSignals(True)
        self.decisions.clear()
        for event in points:
            heading = " · ".join(part for part in (clock(event.at, tz), event.actor) if part)
            summary = shortened(event.description, LIST_DESCRIPTION_LENGTH)
            item = QListWidgetItem(f"{heading}\n{summary}")
            item.setData(Qt.ItemDataRole.UserRole, event.key)
            item.setToolTip(event.description)
            self.decisions.addItem(item)
        self.decisions.setCurrentRow(row)
        self.decisions.blockSignals(False)
        self.stack.setCurrentIndex(1 if points else 0)
        self._show(points[row] if points else None)

    def _chosen(self, item: QListWidgetItem | None) -> None:
        if self.editor is None or item is None:
            return
        key = item.data(Qt.ItemDataRole.UserRole)
        self._show(next(e for e in self.editor.retro.timeline if e.key == key))

    def _show(self, event: Event | None) -> None:
        """Show `event`'s details; its answers are loaded only when it is a different one."""
        switching = (event.key if event else None) != (self._event.key if self._event else None)
        if switching:
            self.commit_pending()
        self._event = event
        if event is None or self.editor is None:
            self.event_heading.clear()
            self.event_text.clear()
        else:
            tz = self.editor.retro.session.timezone
            place = f"Decision point {self.decisions.currentRow() + 1} of {self.decisions.count()}"
            parts = (place, clock(event.at, tz), event.actor)
            self.event_heading.setText(" · ".join(part for part in parts if part))
            self.event_text.setToolTip(event.description)
            self._fit_event()
        if switching:
            answers = self.editor.retro.answers_for(event.key) if self.editor and event else {}
            for category, card in self.cards.items():
                card.load(answers.get(category, ""))
            self.cards_scroll.verticalScrollBar().setValue(0)
            self._tell_live()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_event()

    def _fit_event(self) -> None:
        # A long description keeps the cards in view: three lines at most (less on a short
        # page), whole in its tooltip. Fitted again whenever the label's width changes.
        if self._event is not None:
            self._event_width = self.event_text.width()
            lines = EVENT_LINES * self.event_text.fontMetrics().lineSpacing()
            fit_text(self.event_text, self._event.description,
                     max(min(self.height() // 4, lines), 1))

    def _open_current(self) -> None:
        """The card being discussed shows its questions; the others fold."""
        current = self._category or CATEGORIES[0]
        for category, card in self.cards.items():
            card.set_open(category == current)

    def _show_card(self, card: _AnswerCard) -> None:
        # Folding moved the cards: let the cards, their holder and the scroll area lay
        # themselves out first, or the scroll aims at where the card was.
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.cards_scroll.ensureWidgetVisible(card, 0, 12)

    def _tell_live(self) -> None:
        """The room follows the decision point and card shown here."""
        self.context.live.discuss(self._event.key if self._event else None, self._category)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.event_text:
            if event.type() == QEvent.Type.Resize and self.event_text.width() != self._event_width:
                self._fit_event()
            return False
        card = watched.parent()
        if isinstance(card, _AnswerCard):
            if event.type() == QEvent.Type.FocusIn:
                if card.category != self._category:
                    self._category = card.category
                    self._open_current()
                    self._tell_live()
                # After the key's own handling: the scroll area then shows only the answer
                # field (50 px around it), which hides the card's title and questions.
                QTimer.singleShot(0, card, lambda: self._show_card(card))
            elif event.type() == QEvent.Type.FocusOut:
                self.commit_pending()
        return super().eventFilter(watched, event)
