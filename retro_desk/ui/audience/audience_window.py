"""The window shared in the call: phase, prompt, timer and content, large; nothing private."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import (
    QAction,
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
    QLayout,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from retro_desk.editor import Change
from retro_desk.feelings_tally import Counts, tally
from retro_desk.live import LiveSession, Topic
from retro_desk.model import CATEGORIES, CATEGORY_TITLES, PHASE_TITLES, Action, Event, Retro
from retro_desk.questions import phase_prompt, questions_for
from retro_desk.timefmt import format_duration, format_minutes
from retro_desk.ui.audience.span_strip import SpanStrip
from retro_desk.ui.identity import app_icon
from retro_desk.ui.pages.opening_page import ground_rules
from retro_desk.ui.pages.page import PageContext
from retro_desk.ui.pages.rationality_page import clock
from retro_desk.ui.widgets.feelings_tally import FeelingsTally
from retro_desk.ui.widgets.fitting import fit_text
from retro_desk.ui.widgets.timer_widget import TimerWidget

# Sizes at zoom 1, in pixels: legible in a 1280x720 video call, where a shared screen is
# often shown smaller still. Nothing the room reads is below 24 px.
TITLE_PX = 44
CUE_PX = 30
BODY_PX = 28
PICTURE_PX = 24
TIMER_PX = 96
MIN_ZOOM, MAX_ZOOM, ZOOM_STEP = 0.6, 3.0, 1.15
# The window size the type sizes above are chosen for; a larger window scales them up.
BASE_SIZE = (1280, 720)
_PX = "audience_px"
# The steps a list's type may take down to show every line rather than hide some, never
# below the smallest type a room reads on a shared 1280x720 screen.
SHRINK = (1.0, 0.9, 0.82, 0.75)
MIN_PX = 24
# Between the lines of a list.
SPACING = 12
NO_RETRO = "Waiting for the facilitator to open a retro."


def _layout(widget: QWidget) -> QLayout:
    layout = widget.layout()
    assert layout is not None
    return layout


def sized(widget: QWidget, px: int, bold: bool = False) -> QWidget:
    """Give `widget` a type size that follows the audience window's zoom."""
    widget.setProperty(_PX, px)
    font = QFont(widget.font())
    font.setPixelSize(px)
    font.setBold(bold)
    widget.setFont(font)
    return widget


def set_pixel_size(widget: QWidget, px: int) -> None:
    if widget.font().pixelSize() != px:
        font = QFont(widget.font())
        font.setPixelSize(px)
        widget.setFont(font)


def plain_label(parent: QWidget, px: int = BODY_PX, bold: bool = False) -> QLabel:
    """A label that shows text exactly as typed: never rich text, never a link."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    sized(label, px, bold)
    return label


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
        if self.rest.text():
            room = self.height() - self.tally.sizeHint().height() - spacing
            fit_text(self.rest, self.rest.text(), max(room, round(metrics.height())))
        self.rest.setHidden(not self.rest.text())


class ItemList(Page):
    """Lines of text, as many as fit: the newest (or, with `newest=False`, the first), and a
    note saying how many more there are."""

    def __init__(self, parent: QWidget, nouns: tuple[str, str], newest: bool = True) -> None:
        super().__init__(parent)
        self.setAccessibleName(nouns[1].capitalize())
        self.nouns = nouns
        self.newest = newest
        # No layout: `fit` places the lines itself, so a line's new text (an event added)
        # never makes the whole window lay itself out again.
        self.more = plain_label(self)
        self.more.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._labels: list[QLabel] = []
        self._texts: list[str] = []
        self._left_out = 0
        self._heights: dict[QLabel, tuple[str, int]] = {}
        # The list's own type size follows the window's zoom; its lines take it (or less).
        sized(self, BODY_PX)

    def set_items(self, texts: list[str], empty: str, left_out: int = 0) -> None:
        """Show `texts`; `left_out` more (before them, or after) were not even passed in."""
        self._left_out = left_out if texts else 0
        texts = texts or [empty]
        while len(self._labels) < len(texts):
            label = plain_label(self)
            label.setHidden(True)
            self._labels.append(label)
        for label in self._labels[len(texts):]:
            label.deleteLater()
        self._labels = self._labels[: len(texts)]
        self._texts = list(texts)
        self.fit()

    def texts(self) -> list[str]:
        """The lines the room can see now."""
        return [label.text() for label in self.shown_labels()] + (
            [self.more.text()] if not self.more.isHidden() else [])

    def shown_labels(self) -> list[QLabel]:
        return [label for label in self._labels if not label.isHidden()]

    def fit(self) -> None:
        """Show the lines that fit the height, and say how many more there are. When not all
        of them fit, the type steps down (`SHRINK`, never below `MIN_PX`) and the size that
        shows the most lines is kept (the larger of two that show as many)."""
        ordered = list(reversed(self._labels)) if self.newest else list(self._labels)
        texts = list(reversed(self._texts)) if self.newest else list(self._texts)
        for index, label in enumerate(ordered):
            label.setText(texts[index])
        # Lines left out beforehand (the newest events of a long timeline) cannot all show:
        # those keep the full size.
        steps = SHRINK if not self._left_out else SHRINK[:1]
        placed = {shrink: self._place(ordered, shrink) for shrink in steps}
        best = max(steps, key=lambda shrink: (placed[shrink][0], shrink))
        if best != steps[-1]:
            # The labels are at the last size tried: back to the best one.
            self._place(ordered, best)
        shown, used, reserve = placed[best]
        hidden = len(ordered) - shown + self._left_out
        for index, label in enumerate(ordered):
            label.setHidden(index >= shown)
        self.more.setText(self._note(hidden))
        self.more.setHidden(not hidden)
        room = self.height()
        if ordered and used + (reserve if hidden else 0) > room:
            # Not even one item fits whole (large type, little room): the one shown is cut
            # at a word, and the note about the rest keeps its lines.
            line = self.more.fontMetrics().lineSpacing()
            fit_text(ordered[0], texts[0], max(room - (reserve if hidden else 0) - SPACING, line))
        self._arrange(ordered[:shown])

    def _arrange(self, shown: list[QLabel]) -> None:
        """Stack the note and the shown lines from the top, in reading order."""
        lines = list(reversed(shown)) if self.newest else shown
        stack = ([self.more] if self.newest else []) + lines + ([] if self.newest else [self.more])
        width, top = max(self.width(), 1), 0
        for label in stack:
            if label.isHidden():
                continue
            # The lines were measured as they were fitted (and the text has not changed).
            known = self._heights.get(label)
            height = known[1] if known and known[0] == label.text() else \
                label.heightForWidth(width)
            label.setGeometry(0, top, width, height)
            top += height + SPACING

    def _note(self, hidden: int) -> str:
        which = "earlier" if self.newest else "more"
        return f"… and {hidden} {which} {self.nouns[hidden != 1]}, not shown" if hidden else ""

    def _place(self, ordered: list[QLabel], shrink: float) -> tuple[int, int, int]:
        """At `shrink` times the page's type size: how many lines fit, the height they take,
        and the height the note about the rest needs."""
        full = self.font().pixelSize()
        px = max(round(full * shrink), min(MIN_PX, full))
        width, spacing, room = max(self.width(), 1), SPACING, self.height()
        set_pixel_size(self.more, px)
        # The note is as tall as its longest form (it may wrap at large type).
        self.more.setText(self._note(len(ordered) + self._left_out))
        reserve = self.more.heightForWidth(width) + spacing
        shown = used = 0
        self._heights.clear()
        for index, label in enumerate(ordered):
            set_pixel_size(label, px)
            height = label.heightForWidth(width)
            self._heights[label] = (label.text(), height)
            needed = height + spacing
            rest = len(ordered) - index - 1 + self._left_out
            if shown and used + needed + (reserve if rest else 0) > room:
                break
            used += needed
            shown += 1
        return shown, used, reserve


class RotiView(Page):
    """The close: how the room rated the hour, a bar per score, and the closing words."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName("Return on time invested")
        self.summary = plain_label(self)
        self.bars = FeelingsTally(self, heading="Votes")
        sized(self.bars, BODY_PX)
        self.bars.setAccessibleName("Return on time invested, votes per score")
        self.notes = plain_label(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        layout.addWidget(self.summary)
        layout.addWidget(self.bars)
        layout.addWidget(self.notes)
        layout.addStretch(1)
        self._notes = ""

    def show_notes(self, text: str) -> None:
        self._notes = text
        self.fit()

    def fit(self) -> None:
        spacing = 16  # as the layout's
        width = max(self.width(), 1)
        used = self.summary.heightForWidth(width) + spacing
        if not self.bars.isHidden():
            used += self.bars.sizeHint().height() + spacing
        line = self.notes.fontMetrics().lineSpacing()
        fit_text(self.notes, self._notes, max(self.height() - used, line))

    def show_votes(self, votes: list[int]) -> None:
        self.bars.setHidden(not votes)
        if not votes:
            self.summary.setText("Return on time invested: vote 1 (a waste) to 5 (well spent).")
            self.bars.set_counts([], [])
            return
        average = sum(votes) / len(votes)
        noun = "vote" if len(votes) == 1 else "votes"
        self.summary.setText(f"Return on time invested: {average:.1f} from {len(votes)} {noun}")
        self.bars.set_counts([(ROTI_NAMES[score], votes.count(score)) for score in range(5, 0, -1)],
                             [])


ROTI_NAMES = {5: "5 well spent", 4: "4", 3: "3 break-even", 2: "2", 1: "1 a waste"}


class OpeningView(Page):
    """The opening: the retro's title and summary, the ground rules, and the agenda."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName("Opening")
        self.heading = plain_label(self, CUE_PX, bold=True)
        self.summary = plain_label(self)
        self.rules = ItemList(self, ("rule", "rules"), newest=False)
        self.agenda = ItemList(self, ("phase", "phases"), newest=False)
        self._summary = ""
        columns = QHBoxLayout()
        columns.setSpacing(48)
        columns.addWidget(self.rules, 2)
        columns.addWidget(self.agenda, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addLayout(columns, 1)

    def show_retro(self, retro: Retro, rules: list[str]) -> None:
        self.heading.setText(" ".join(retro.session.title.split()))
        self._summary = " ".join(retro.session.summary.split())
        self.summary.setHidden(not self._summary)
        self.fit()
        self.rules.set_items(rules, "")
        self.agenda.set_items(
            [f"{item.title or PHASE_TITLES.get(item.phase, item.phase)} · "
             f"{format_minutes(item.planned_seconds)}" for item in retro.agenda], "")

    def fit(self) -> None:
        # The summary takes at most three lines, fewer as the page gets short: the ground
        # rules come first (all six show at 1280x720, with one line of summary). The lists
        # fit themselves below it.
        line = self.summary.fontMetrics().lineSpacing()
        lines = 3 if self.height() >= line * 16 else 2 if self.height() >= line * 15 else 1
        # (A label's lines take a pixel or two more than their spacing.)
        room = line * lines + line // 3
        fit_text(self.summary, self._summary, max(min(room, self.height() // 4), line))


class TimelineView(Page):
    """The newest events as large wrapped lines, beside the whole span of the timeline."""

    RECENT = 12

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName("Timeline")
        self.picture = SpanStrip(self)
        sized(self.picture, PICTURE_PX)
        self.recent = ItemList(self, ("event", "events"))
        self.latest = self.recent.more
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(40)
        layout.addWidget(self.recent, 3)
        layout.addWidget(self.picture, 2)

    def show_events(self, events: list[Event], tz: str) -> None:
        self.picture.set_events(events, tz)
        self.show_recent(len(events))

    def add_event(self, event: Event, total: int) -> None:
        self.picture.add_event(event)
        self.show_recent(total)

    def show_recent(self, total: int) -> None:
        ordered = self.picture.newest(self.RECENT)
        tz = self.picture.timezone()
        self.recent.set_items([event_line(event, tz) for event in ordered], "No events yet.",
                              left_out=total - len(ordered))


class RationalityView(Page):
    """A decision point: what happened, the question being asked, the answer so far, and
    the answers already given to the other questions."""

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
        line = self.answer.fontMetrics().lineSpacing()
        for label, text in zip(self.labels(), self._texts, strict=True):
            label.setText(text)
            label.setHidden(not text)
        # The event and the question take at most a quarter each, the answers given before
        # a third; the answer being given has the rest.
        fit_text(self.event_text, self._texts[0], max(self.height() // 4, line))
        fit_text(self.question, self._texts[1], max(self.height() // 4, line))
        fit_text(self.answered, self._texts[3], max(self.height() // 3, line))
        others = sum(label.heightForWidth(width) + spacing
                     for label in self.labels() if label is not self.answer and text_of(label))
        room = max(self.height() - others - spacing, line)
        # The answer takes the room the others leave, showing its newest words.
        fit_text(self.answer, self._texts[2], room, keep_end=True)


class AudienceWindow(QWidget):
    """A separate top-level window that shows the live session to the room, read-only.

    It listens to the live session (retro, phase, speaker, decision point, clock) and reads
    only what the whole room may see; private notes and the side panel have no way in.
    """

    closed = Signal()

    def __init__(self, live: LiveSession, context: PageContext,
                 shared_actions: list[QAction] | None = None) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.live = live
        self.context = context
        self._shared = list(shared_actions or [])
        self.zoom = 1.0
        self._applied_scale = 1.0
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
        self.timer.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.prompt = plain_label(self)
        self.cue = plain_label(self, CUE_PX, bold=True)
        self.cue.setForegroundRole(QPalette.ColorRole.Link)

        self.empty = plain_label(self)
        self.empty.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self.opening = OpeningView(self)
        self.rules = self.opening.rules
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
        parking = QVBoxLayout()
        # Its own spacing: a nested layout would take the columns' 48 px between the
        # heading and its list.
        parking.setSpacing(12)
        parking.addWidget(self.parking_heading)
        parking.addWidget(self.parking, 1)
        actions_layout = QHBoxLayout(actions)
        actions_layout.setContentsMargins(0, 0, 0, 0)
        actions_layout.setSpacing(48)
        # The actions are what the room commits to: two thirds of the width.
        actions_layout.addWidget(self.action_list, 2)
        actions_layout.addLayout(parking, 1)
        self.roti = RotiView(self)

        self.stack = QStackedWidget(self)
        self.pages: dict[str, QWidget] = {
            "": self.empty,
            "opening": self.opening,
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
        header.addWidget(self.timer, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.setSpacing(14)
        layout.addLayout(header)
        layout.addWidget(self.prompt)
        layout.addWidget(self.cue)
        layout.addSpacing(8)
        layout.addWidget(self.stack, 1)
        # However large the text, the window keeps the size the facilitator gave it.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)

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
        for action in self._shared:
            self.addAction(action)
        self.live.listen(Topic.RETRO, self.refresh)
        self.live.listen(Topic.PHASE, self.refresh)
        self.live.listen(Topic.EDIT, self.on_change)
        self.live.listen(Topic.DECISION, self._decision_moved)
        self.live.listen(Topic.SPEAKER, self.show_cue)
        self.live.listen(Topic.TICK, self.tick)

    def _disconnect(self) -> None:
        for listener in (self.refresh, self.on_change, self._decision_moved, self.show_cue,
                         self.tick):
            self.live.forget(listener)

    # -- size ------------------------------------------------------------------------------

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / ZOOM_STEP)

    def zoom_reset(self) -> None:
        self.set_zoom(1.0)

    def set_zoom(self, factor: float) -> None:
        self.zoom = min(MAX_ZOOM, max(MIN_ZOOM, round(factor, 2)))
        self._apply_type_size()

    def type_scale(self) -> float:
        """The type size over its size at zoom 1 in a 1280x720 window: the zoom, times how
        much larger than that the window is (a 1920x1080 screen gets type half as large
        again, so the room reads it from as far away)."""
        screen = min(self.width() / BASE_SIZE[0], self.height() / BASE_SIZE[1])
        return self.zoom * max(1.0, round(screen, 2))

    def _apply_type_size(self) -> None:
        scale = self.type_scale()
        if scale == self._applied_scale:
            return
        self._applied_scale = scale
        for widget in self.findChildren(QWidget):
            px = widget.property(_PX)
            if isinstance(px, int):
                font = QFont(widget.font())
                font.setPixelSize(round(px * scale))
                widget.setFont(font)
        self.timer.set_pixel_size(round(TIMER_PX * scale))
        # Each page fits itself again to the new type size.
        for page in self.findChildren(Page):
            page.fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._apply_type_size()

    def toggle_full_screen(self) -> None:
        self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)

    def leave_full_screen(self) -> None:
        if self.isFullScreen():
            self.toggle_full_screen()

    # -- content ---------------------------------------------------------------------------

    def tick(self) -> None:
        timer = self.live.timer
        if timer is None:
            self.timer.set_state("--:--", "normal", False)
            return
        self.timer.set_state(format_duration(timer.remaining()), timer.mode(), timer.running)

    def on_change(self, change: Change) -> None:
        # The facilitator's notes are never shown here, so typing them changes nothing.
        if change.part == "private_notes":
            return
        editor = self.live.editor
        if (change.part == "timeline" and change.op == "insert" and editor is not None
                and self.live.phase == "timeline"):
            # The quick-add line: one event more, nothing else read again.
            self.timeline.add_event(change.item, len(editor.retro.timeline))
            return
        self.refresh()

    def refresh(self) -> None:
        """Rebuild what the room sees from the open retro and the current phase."""
        editor, timer = self.live.editor, self.live.timer
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
        self.prompt.setText(phase_prompt(phase, retro.session.kind, self.context.prompts))
        self.stack.setCurrentWidget(self.pages.get(phase, self.empty))
        self._show_phase(phase, retro)
        self.show_cue()
        self.tick()

    def _show_phase(self, phase: str, retro: Retro) -> None:
        if phase == "opening":
            self.opening.show_retro(retro, rule_lines(ground_rules(retro.session.kind)))
        elif phase == "feelings":
            self.feelings.set_counts(*tally(retro.feelings, self.context.vocabulary))
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
            self.roti.show_notes(retro.closing.notes)
        else:
            self.empty.setText("")

    def _show_timeline(self, retro: Retro) -> None:
        self.timeline.show_events(retro.timeline, retro.session.timezone)

    def _decision_moved(self) -> None:
        if self.live.phase == "rationality" and self.live.editor is not None:
            self._show_decision(self.live.editor.retro)
            self.show_cue()

    def _show_decision(self, retro: Retro) -> None:
        event = self.live.decision()
        if event is None:
            self.decision.show_decision("No decision points yet: mark them in the timeline."
                                        if not retro.decision_points() else "")
            return
        category = self.live.category
        answers = retro.answers_for(event.key)
        question = answer = ""
        if category in CATEGORIES:
            questions = questions_for(category, retro.session.kind, self.context.questions)
            question = f"{CATEGORY_TITLES[category]}: {' '.join(questions[:2])}"
            answer = answers.get(category, "")
        given = [c for c in CATEGORIES if c != category and answers.get(c, "").strip()]
        answered = "\n".join(
            ["Answered so far: " + ", ".join(CATEGORY_TITLES[c] for c in given)]
            + [f"{CATEGORY_TITLES[c]}: {' '.join(answers[c].split())}" for c in given]
        ) if given else ""
        self.decision.show_decision(event.description, question, answer, answered)

    def show_cue(self) -> None:
        """The line under the prompt: who speaks in the feelings round, or which decision."""
        self.cue.setText(self.cue_text())
        self.cue.setHidden(not self.cue.text())

    def cue_text(self) -> str:
        phase = self.live.phase
        if phase == "feelings":
            # A name only when the facilitator chose to attribute; otherwise a position.
            return self.live.speaker_label(for_audience=True)
        if phase == "rationality":
            event = self.live.decision()
            editor = self.live.editor
            if event is None or editor is None:
                return ""
            number, count = self.live.decision_number()
            parts = [f"Decision point {number} of {count}",
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
        for action in self._shared:
            self.removeAction(action)
        super().closeEvent(event)
        self.closed.emit()


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
