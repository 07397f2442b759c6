"""The window shared in the call: phase, prompt, timer and content, large; nothing private."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import (
    QCloseEvent,
    QFont,
    QFontMetricsF,
    QKeySequence,
    QPalette,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from retro_desk.editor import Change
from retro_desk.feelings_tally import Counts, tally
from retro_desk.model import CATEGORIES, CATEGORY_TITLES, PHASE_TITLES, Action, Event, Retro
from retro_desk.questions import phase_prompt, questions_for
from retro_desk.timefmt import format_duration, sort_key
from retro_desk.ui.feelings_tally import FeelingsTally
from retro_desk.ui.identity import app_icon
from retro_desk.ui.opening_page import ground_rules
from retro_desk.ui.rationality_page import clock
from retro_desk.ui.timeline_picture import TimelinePicture
from retro_desk.ui.timer_widget import TimerWidget

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLayout

    from retro_desk.ui.feelings_page import FeelingsPage
    from retro_desk.ui.main_window import MainWindow
    from retro_desk.ui.rationality_page import RationalityPage
    from retro_desk.ui.timeline_page import TimelinePage


# The main window's pages by phase, as the types they are (its table holds them as PhasePage).
def _feelings(main: MainWindow) -> FeelingsPage:
    return cast("FeelingsPage", main.pages["feelings"])


def _rationality(main: MainWindow) -> RationalityPage:
    return cast("RationalityPage", main.pages["rationality"])


def _timeline(main: MainWindow) -> TimelinePage:
    return cast("TimelinePage", main.pages["timeline"])


def _layout(widget: QWidget) -> QLayout:
    layout = widget.layout()
    assert layout is not None
    return layout

# Sizes at zoom 1, in pixels: legible in a 1280x720 video call, where a shared screen is
# often shown smaller still. Nothing the room reads is below 24 px.
TITLE_PX = 44
CUE_PX = 30
BODY_PX = 28
PICTURE_PX = 24
TIMER_PX = 96
MIN_ZOOM, MAX_ZOOM, ZOOM_STEP = 0.6, 3.0, 1.15
_PX = "audience_px"
# The main window's commands that also work while the audience window has the focus (a
# facilitator who clicked it to share it can still run the meeting); none clashes with ours.
SHARED_ACTIONS = ("timer_toggle", "timer_add", "next_phase", "previous_phase", "audience",
                  "theme")
NO_RETRO = "Waiting for the facilitator to open a retro."


def sized(widget: QWidget, px: int, bold: bool = False) -> QWidget:
    """Give `widget` a type size that follows the audience window's zoom."""
    widget.setProperty(_PX, px)
    font = QFont(widget.font())
    font.setPixelSize(px)
    font.setBold(bold)
    widget.setFont(font)
    return widget


def plain_label(parent: QWidget, px: int = BODY_PX, bold: bool = False) -> QLabel:
    """A label that shows text exactly as typed: never rich text, never a link."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    sized(label, px, bold)
    return label


def fit_text(label: QLabel, text: str, height: int, keep_end: bool = False) -> None:
    """Show as much of `text` as fits `height` at the label's width, cut at a word with an
    ellipsis: its start, or with `keep_end` its end (the words being typed right now)."""
    label.setText(text)
    width = max(label.width(), 1)
    words = text.split(" ")
    while len(words) > 1 and label.heightForWidth(width) > height:
        words = words[1:] if keep_end else words[:-1]
        shown = " ".join(words)
        label.setText(f"… {shown}" if keep_end else f"{shown} …")


class Page(QWidget):
    """A phase's content. However much there is, it never makes the window taller: the
    window is sized for the call, and each page fits itself to the room it is given."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit()

    def fit(self) -> None:
        """Fit what is shown to the page's size."""


class FeelingsView(Page):
    """The tally of the round, the most named words as bars; words that do not fit the
    height are listed after it, so every word named is on screen."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName("Feelings round")
        self.tally = FeelingsTally(self)
        sized(self.tally, BODY_PX)
        self.rest = plain_label(self)
        self._counts: tuple[Counts, Counts] = ([], [])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.tally)
        layout.addWidget(self.rest)
        layout.addStretch(1)

    def set_counts(self, core: Counts, blame: Counts) -> None:
        self._counts = (list(core), list(blame))
        self.fit()

    def fit(self) -> None:
        core, blame = self._counts
        metrics = QFontMetricsF(self.tally.font())
        # As FeelingsTally lays out: a row and a half per line, one em between the groups.
        row, em = metrics.height() * 1.5, metrics.horizontalAdvance("M")
        spacing = _layout(self).spacing()

        def height(shown_core: int, shown_blame: int, rest: list[str]) -> float:
            groups = (shown_core > 0) + (shown_blame > 0)
            bars = (shown_core + shown_blame + groups) * row + max(groups - 1, 0) * em
            self.rest.setText("Also named: " + " · ".join(rest) if rest else "")
            words = self.rest.heightForWidth(max(self.width(), 1)) + spacing if rest else 0
            return bars + words

        shown_core, shown_blame = len(core), len(blame)
        while True:
            rest = [f"{w} {c}" for w, c in core[shown_core:] + blame[shown_blame:]]
            if height(shown_core, shown_blame, rest) <= self.height():
                break
            # The longer group gives up its least named word; each group keeps one bar.
            if shown_core >= shown_blame and shown_core > 1:
                shown_core -= 1
            elif shown_blame > 1:
                shown_blame -= 1
            else:
                break
        self.tally.set_counts(core[:shown_core], blame[:shown_blame])
        self.rest.setHidden(not self.rest.text())


class ItemList(Page):
    """Lines of text, as many as fit: the newest (or, with `newest=False`, the first), and a
    note saying how many more there are."""

    def __init__(self, parent: QWidget, nouns: tuple[str, str], newest: bool = True) -> None:
        super().__init__(parent)
        self.setAccessibleName(nouns[1].capitalize())
        self.nouns = nouns
        self.newest = newest
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(12)
        self.more = plain_label(self)
        self.more.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._labels: list[QLabel] = []

    def set_items(self, texts: list[str], empty: str) -> None:
        texts = texts or [empty]
        while len(self._labels) < len(texts):
            self._labels.append(plain_label(self))
        for label in self._labels[len(texts):]:
            label.deleteLater()
        self._labels = self._labels[: len(texts)]
        for label, text in zip(self._labels, texts, strict=True):
            label.setText(text)
        for index in reversed(range(self._layout.count())):
            self._layout.takeAt(index)
        if self.newest:
            self._layout.addWidget(self.more)
        for label in self._labels:
            self._layout.addWidget(label)
        if not self.newest:
            self._layout.addWidget(self.more)
        self._layout.addStretch(1)
        self.fit()

    def texts(self) -> list[str]:
        """The lines the room can see now."""
        return [label.text() for label in self.shown_labels()] + (
            [self.more.text()] if not self.more.isHidden() else [])

    def shown_labels(self) -> list[QLabel]:
        return [label for label in self._labels if not label.isHidden()]

    def fit(self) -> None:
        """Show the lines that fit the height, and say how many more there are."""
        width = max(self.width(), 1)
        spacing = self._layout.spacing()
        line = self.more.fontMetrics().lineSpacing()
        room = self.height()
        ordered = list(reversed(self._labels)) if self.newest else list(self._labels)
        shown = 0
        used = 0
        for index, label in enumerate(ordered):
            needed = label.heightForWidth(width) + spacing
            # The note about the rest needs a line too, unless this is the last item.
            reserve = 0 if index == len(ordered) - 1 else line + spacing
            if shown and used + needed + reserve > room:
                break
            used += needed
            shown += 1
        hidden = len(ordered) - shown
        for index, label in enumerate(ordered):
            label.setHidden(index >= shown)
        noun = self.nouns[hidden != 1]
        which = "earlier" if self.newest else "more"
        self.more.setText(f"… and {hidden} {which} {noun}, not shown" if hidden else "")
        self.more.setHidden(not hidden)


class RotiView(Page):
    """The close: how the room rated the hour, as counts per score."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName("Return on time invested")
        self.summary = plain_label(self)
        self.rows = plain_label(self)
        self.notes = plain_label(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        layout.addWidget(self.summary)
        layout.addWidget(self.rows)
        layout.addWidget(self.notes)
        layout.addStretch(1)

    def show_votes(self, votes: list[int]) -> None:
        if not votes:
            self.summary.setText("Return on time invested: vote 1 (a waste) to 5 (well spent).")
            self.rows.setText("")
            return
        average = sum(votes) / len(votes)
        noun = "vote" if len(votes) == 1 else "votes"
        self.summary.setText(f"Return on time invested: {average:.1f} from {len(votes)} {noun}")
        counts = {score: votes.count(score) for score in range(5, 0, -1)}
        self.rows.setText("\n".join(
            f"{score}:   {'■' * count}  {count} {'vote' if count == 1 else 'votes'}"
            for score, count in counts.items()
        ))


class TimelineView(Page):
    """The picture of the timeline, and the newest event in words under it."""

    LATEST_LINES = 2

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName("Timeline")
        self.picture = TimelinePicture(self)
        sized(self.picture, PICTURE_PX)
        self.picture.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.latest = plain_label(self)
        self._latest = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.latest)

    def set_latest(self, text: str) -> None:
        self._latest = text
        self.fit()

    def fit(self) -> None:
        line = self.latest.fontMetrics().lineSpacing()
        fit_text(self.latest, self._latest, line * self.LATEST_LINES)


class RationalityView(Page):
    """A decision point: what happened, the question being asked, and the answer so far."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName("Decision point")
        self.event_text = plain_label(self)
        self.question = plain_label(self, BODY_PX, bold=True)
        self.question.setForegroundRole(QPalette.ColorRole.Link)
        self.answer = plain_label(self)
        # Indented under its question, so the room tells what was asked from what was said.
        self.answer.setContentsMargins(BODY_PX, 0, 0, 0)
        self.answered = plain_label(self)
        self.answered.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._texts = ("", "", "", "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        for label in self.labels():
            layout.addWidget(label)
        layout.addStretch(1)

    def labels(self) -> tuple[QLabel, QLabel, QLabel, QLabel]:
        return self.event_text, self.question, self.answer, self.answered

    def show_decision(self, event: str, question: str = "", answer: str = "",
                      answered: str = "") -> None:
        self._texts = (event, question, answer, answered)
        self.fit()

    def fit(self) -> None:
        width = max(self.width(), 1)
        spacing = _layout(self).spacing()
        for label, text in zip(self.labels(), self._texts, strict=True):
            label.setText(text)
            label.setHidden(not text)
        # The answer takes the room the others leave, showing its newest words.
        others = sum(label.heightForWidth(width) + spacing
                     for label in self.labels() if label is not self.answer and text_of(label))
        room = max(self.height() - others - spacing, self.answer.fontMetrics().lineSpacing())
        fit_text(self.answer, self._texts[2], room, keep_end=True)


class AudienceWindow(QWidget):
    """A separate top-level window that mirrors the main window's session, read-only.

    It reads only what the whole room may see; private notes and the side panel have no way
    in. Each phase has its own page; `refresh` rebuilds what is shown from the open retro.
    """

    def __init__(self, main: MainWindow) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.main = main
        self.zoom = 1.0
        self.setWindowTitle("Retro Desk — audience")
        self.setWindowIcon(app_icon())
        self.setAccessibleName("Audience window")
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.setAutoFillBackground(True)
        self._build()
        self._connect()
        self.resize(1280, 720)
        self.refresh()

    # -- construction ----------------------------------------------------------------------

    def _build(self) -> None:
        self.title = plain_label(self, TITLE_PX, bold=True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        self.timer = TimerWidget(TIMER_PX, parent=self)
        self.prompt = plain_label(self)
        self.cue = plain_label(self, CUE_PX, bold=True)
        self.cue.setForegroundRole(QPalette.ColorRole.Link)

        self.empty = plain_label(self)
        self.empty.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self.rules = ItemList(self, ("rule", "rules"), newest=False)
        self.feelings = FeelingsView(self)
        self.tally = self.feelings.tally
        self.timeline = TimelineView(self)
        self.picture = self.timeline.picture
        self.latest = self.timeline.latest
        self.decision = RationalityView(self)
        self.learnings = ItemList(self, ("learning", "learnings"))
        actions = Page(self)
        actions.setAccessibleName("Actions and parking lot")
        self.action_list = ItemList(actions, ("action", "actions"))
        self.parking = ItemList(actions, ("topic", "topics"))
        self.parking_heading = plain_label(actions, BODY_PX, bold=True)
        self.parking_heading.setText("Parking lot")
        actions_layout = QVBoxLayout(actions)
        actions_layout.setContentsMargins(0, 0, 0, 0)
        actions_layout.addWidget(self.action_list, 3)
        actions_layout.addWidget(self.parking_heading)
        actions_layout.addWidget(self.parking, 1)
        self.roti = RotiView(self)

        self.stack = QStackedWidget(self)
        self.pages: dict[str, QWidget] = {
            "": self.empty,
            "opening": self.rules,
            "feelings": self.feelings,
            "timeline": self.timeline,
            "rationality": self.decision,
            "learnings": self.learnings,
            "actions": actions,
            "close": self.roti,
        }
        for page in self.pages.values():
            self.stack.addWidget(page)

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.timer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.setSpacing(14)
        layout.addLayout(header)
        layout.addWidget(self.prompt)
        layout.addWidget(self.cue)
        layout.addSpacing(8)
        layout.addWidget(self.stack, 1)

    def _connect(self) -> None:
        zoom_keys = (
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
        )
        for standard, slot in zoom_keys:
            for sequence in QKeySequence.keyBindings(standard):
                QShortcut(sequence, self, slot)
        # As in the main window: Ctrl+= for keyboards where + needs Shift.
        QShortcut(QKeySequence("Ctrl+="), self, self.zoom_in)
        QShortcut(QKeySequence("Ctrl+0"), self, self.zoom_reset)
        for sequence in {*QKeySequence.keyBindings(QKeySequence.StandardKey.FullScreen),
                         QKeySequence("F11")}:
            QShortcut(sequence, self, self.toggle_full_screen)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.leave_full_screen)
        for name in SHARED_ACTIONS:
            self.addAction(self.main.actions_by_name[name])
        _feelings(self.main).speaker_changed.connect(self.show_cue)
        _rationality(self.main).currentChanged.connect(self.refresh)
        _timeline(self.main).picture.view_changed.connect(self.picture.show_view)

    def _disconnect(self) -> None:
        _feelings(self.main).speaker_changed.disconnect(self.show_cue)
        _rationality(self.main).currentChanged.disconnect(self.refresh)
        _timeline(self.main).picture.view_changed.disconnect(self.picture.show_view)

    # -- size ------------------------------------------------------------------------------

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / ZOOM_STEP)

    def zoom_reset(self) -> None:
        self.set_zoom(1.0)

    def set_zoom(self, factor: float) -> None:
        self.zoom = min(MAX_ZOOM, max(MIN_ZOOM, round(factor, 2)))
        for widget in self.findChildren(QWidget):
            px = widget.property(_PX)
            if isinstance(px, int):
                font = QFont(widget.font())
                font.setPixelSize(round(px * self.zoom))
                widget.setFont(font)
        self.timer.set_pixel_size(round(TIMER_PX * self.zoom))

    def toggle_full_screen(self) -> None:
        self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)

    def leave_full_screen(self) -> None:
        if self.isFullScreen():
            self.toggle_full_screen()

    # -- content ---------------------------------------------------------------------------

    def tick(self) -> None:
        timer = self.main.timer
        if timer is None:
            self.timer.set_state("--:--", "normal", False)
            return
        self.timer.set_state(format_duration(timer.remaining()), timer.mode(), timer.running)

    def on_change(self, change: Change) -> None:
        # The facilitator's notes are never shown here, so typing them changes nothing.
        if change.part != "private_notes":
            self.refresh()

    def refresh(self) -> None:
        """Rebuild what the room sees from the open retro and the current phase."""
        editor, timer = self.main.editor, self.main.timer
        if editor is None or timer is None:
            self.setWindowTitle("Retro Desk — audience")
            self.title.setText("Retro Desk")
            self.prompt.setText("")
            self.empty.setText(NO_RETRO)
            self.stack.setCurrentWidget(self.empty)
            self.show_cue()
            self.tick()
            return
        retro = editor.retro
        phase = timer.item.phase
        self.setWindowTitle(f"{' '.join(retro.session.title.split())} — Retro Desk audience")
        self.title.setText(timer.item.title or PHASE_TITLES.get(phase, phase))
        self.prompt.setText(phase_prompt(phase, retro.session.kind, self.main.context.prompts))
        self.stack.setCurrentWidget(self.pages.get(phase, self.empty))
        self._show_phase(phase, retro)
        self.show_cue()
        self.tick()

    def _show_phase(self, phase: str, retro: Retro) -> None:
        if phase == "opening":
            self.rules.set_items(rule_lines(ground_rules(retro.session.kind)), "")
        elif phase == "feelings":
            self.feelings.set_counts(*tally(retro.feelings, self.main.context.vocabulary))
        elif phase == "timeline":
            self._show_timeline(retro)
        elif phase == "rationality":
            self._show_decision(retro)
        elif phase == "learnings":
            self.learnings.set_items([f"• {item.text}" for item in retro.learnings if
                                      item.text.strip()], "No learnings yet.")
        elif phase == "actions":
            self.action_list.set_items([action_line(a) for a in retro.actions], "No actions yet.")
            self.parking.set_items([f"• {item.text}" for item in retro.parking_lot if
                                    item.text.strip()], "Nothing parked.")
        elif phase == "close":
            self.roti.show_votes(retro.closing.roti)
            self.roti.notes.setText(retro.closing.notes)
        else:
            self.empty.setText("")

    def _show_timeline(self, retro: Retro) -> None:
        tz = retro.session.timezone
        self.picture.set_events(retro.timeline, tz)
        # The newest entry: the picture can only show the start of each text.
        newest = f"Latest: {event_line(retro.timeline[-1], tz)}" if retro.timeline else ""
        self.timeline.set_latest(newest or "No events yet.")

    def _show_decision(self, retro: Retro) -> None:
        page = _rationality(self.main)
        event: Event | None = page.current_event()
        if event is None:
            self.decision.show_decision("No decision points yet: mark them in the timeline.")
            return
        category = page.current_category()
        answers = retro.answers_for(event.key)
        question = answer = ""
        if category in CATEGORIES:
            questions = questions_for(category, retro.session.kind, self.main.context.questions)
            question = f"{CATEGORY_TITLES[category]}: {' '.join(questions[:2])}"
            answer = answers.get(category, "")
        given = [CATEGORY_TITLES[c] for c in CATEGORIES if answers.get(c, "").strip()]
        answered = "Answered so far: " + ", ".join(given) if given else ""
        self.decision.show_decision(event.description, question, answer, answered)

    def show_cue(self) -> None:
        """The line under the prompt: who speaks in the feelings round, or which decision."""
        self.cue.setText(self.cue_text())
        self.cue.setHidden(not self.cue.text())

    def cue_text(self) -> str:
        editor, timer = self.main.editor, self.main.timer
        if editor is None or timer is None:
            return ""
        phase = timer.item.phase
        if phase == "feelings":
            page = _feelings(self.main)
            # A name only when the facilitator chose to attribute; otherwise a position.
            return str(page.speaker_label(for_audience=not page.attribute.isChecked()))
        if phase == "rationality":
            event = _rationality(self.main).current_event()
            if event is None:
                return ""
            points = sorted(editor.retro.decision_points(), key=lambda e: sort_key(e.at))
            keys = [point.key for point in points]
            number = keys.index(event.key) + 1 if event.key in keys else 0
            parts = [f"Decision point {number} of {len(points)}",
                     clock(event.at, editor.retro.session.timezone), event.actor.strip()]
            return " · ".join(part for part in parts if part)
        return ""

    def shown_texts(self) -> list[str]:
        """Every text the room can see now, painted or not (what tests check for privacy)."""
        texts = [self.windowTitle(), self.timer.text()]
        for widget in self.findChildren(QWidget):
            if not widget.isVisibleTo(self):
                continue
            if isinstance(widget, QLabel):
                texts.append(widget.text())
            texts += [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription()]
        texts += self.picture.shown_texts()
        return [text for text in texts if text]

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._disconnect()
        for name in SHARED_ACTIONS:
            self.removeAction(self.main.actions_by_name[name])
        if self.main.audience is self:
            self.main.audience = None
            self.main.actions_by_name["audience"].setChecked(False)
        super().closeEvent(event)


def text_of(label: QLabel) -> str:
    return label.text() if not label.isHidden() else ""


def rule_lines(markdown: str) -> list[str]:
    """The ground rules, one bullet each (the purpose above them is the phase's prompt)."""
    return [
        "• " + line.strip().lstrip("-* ").replace("**", "").replace("*", "")
        for line in markdown.splitlines()
        if line.strip()[:2] in ("- ", "* ")
    ]


def action_line(action: Action) -> str:
    box = "☑" if action.done else "☐"
    who = f" — {action.owner}" if action.owner.strip() else " — no owner yet"
    due = f", due {action.due}" if action.due else ""
    return f"{box} {action.description}{who}{due}"


def event_line(event: Event, tz: str) -> str:
    actor = f"{event.actor}: " if event.actor.strip() else ""
    marks = " ◆ decision point" * event.decision_point + " △ learned later" * event.learned_later
    return f"{clock(event.at, tz)} {actor}{event.description}{marks}"
