"""The window shared in the call: phase, prompt, timer and content large; nothing private."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from retro_desk.editor import Change
from retro_desk.feelings_tally import tally
from retro_desk.model import CATEGORY_TITLES, PHASE_TITLES
from retro_desk.questions import phase_prompt, questions_for
from retro_desk.timefmt import format_duration, local_display, sort_key
from retro_desk.ui.opening_page import ground_rules
from retro_desk.ui.theme import current_palette
from retro_desk.ui.timer_widget import TimerWidget

if TYPE_CHECKING:
    from retro_desk.ui.main_window import MainWindow

BODY_PX = 28
TITLE_PX = 44
TIMER_PX = 96
MAX_LINES = 10


def plain_label(parent: QWidget, px: int, bold: bool = False) -> QLabel:
    """A label that shows text exactly as typed: never rich text, never a link."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setProperty("base_px", px)
    font = QFont(label.font())
    font.setPixelSize(px)
    font.setBold(bold)
    label.setFont(font)
    return label


class AudienceWindow(QWidget):
    """A separate top-level window that mirrors the main window's session, read-only."""

    def __init__(self, main: MainWindow) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.main = main
        self.zoom = 1.0
        self.setWindowTitle("Retro Desk — audience")
        self.setAccessibleName("Audience window")
        self.title = plain_label(self, TITLE_PX, bold=True)
        self.timer = TimerWidget(TIMER_PX, parent=self)
        self.prompt = plain_label(self, BODY_PX)
        self.body = plain_label(self, BODY_PX)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.body)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.timer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 28, 40, 28)
        layout.setSpacing(18)
        layout.addLayout(header)
        layout.addWidget(self.prompt)
        layout.addWidget(self.stack, 1)
        for keys, step in (
            (QKeySequence.StandardKey.ZoomIn, 1.15),
            (QKeySequence.StandardKey.ZoomOut, 1 / 1.15),
        ):
            for sequence in QKeySequence.keyBindings(keys):
                QShortcut(sequence, self, lambda s=step: self.set_zoom(self.zoom * s))
        QShortcut(QKeySequence("Ctrl+0"), self, lambda: self.set_zoom(1.0))
        QShortcut(QKeySequence("F11"), self, self.toggle_full_screen)
        self.resize(1280, 720)
        self._apply_sizes()
        self.refresh()

    # -- size ------------------------------------------------------------------------------

    def set_zoom(self, factor: float) -> None:
        self.zoom = min(3.0, max(0.6, factor))
        self._apply_sizes()

    def _apply_sizes(self) -> None:
        for label in (self.title, self.prompt, self.body):
            font = QFont(label.font())
            font.setPixelSize(round(int(label.property("base_px")) * self.zoom))
            label.setFont(font)
        self.timer.set_pixel_size(round(TIMER_PX * self.zoom))

    def toggle_full_screen(self) -> None:
        self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)

    # -- content ---------------------------------------------------------------------------

    def tick(self) -> None:
        timer = self.main.timer
        if timer is None:
            self.timer.set_state("--:--", "normal", False)
            return
        self.timer.set_state(format_duration(timer.remaining()), timer.mode(), timer.running)

    def on_change(self, change: Change) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Rebuild what the room sees from the open retro and the current phase."""
        palette = current_palette()
        self.setStyleSheet(
            f"background: {palette.window.name()}; color: {palette.text.name()};"
        )
        editor, timer = self.main.editor, self.main.timer
        if editor is None or timer is None:
            self.title.setText("Retro Desk")
            self.prompt.setText("")
            self.body.setText("")
            self.tick()
            return
        retro = editor.retro
        phase = timer.item.phase
        self.title.setText(timer.item.title or PHASE_TITLES[phase])
        self.prompt.setText(phase_prompt(phase, retro.session.kind, self.main.context.prompts))
        self.body.setText(self.content(phase))
        self.tick()

    def content(self, phase: str) -> str:
        editor = self.main.editor
        assert editor is not None
        retro = editor.retro
        if phase == "opening":
            lines = [
                line.lstrip("#-* ").strip()
                for line in ground_rules(retro.session.kind).splitlines()
                if line.strip() and not line.startswith("# ")
            ]
            return "\n".join(f"• {line}" for line in lines[:MAX_LINES])
        if phase == "feelings":
            page = self.main.pages["feelings"]
            speaker = getattr(page, "speaker_label", lambda for_audience: "")(True)
            core, blame = tally(retro.feelings, self.main.context.vocabulary)
            parts = [speaker] if speaker else []
            if core:
                parts.append("   ".join(f"{word} {'█' * min(count, 12)} {count}"
                                       for word, count in core[:8]))
            if blame:
                parts.append("Blame feelings:   " + "   ".join(
                    f"{word} {'█' * min(count, 12)} {count}" for word, count in blame[:6]))
            return "\n\n".join(parts) or "No feelings named yet."
        if phase == "timeline":
            events = sorted(retro.timeline, key=lambda e: (sort_key(e.at), e.key))[-MAX_LINES:]
            tz = retro.session.timezone
            lines = []
            for event in events:
                marks = (" ◆" if event.decision_point else "") + (
                    " (learned later)" if event.learned_later else "")
                actor = f"{event.actor}: " if event.actor else ""
                lines.append(f"{local_display(event.at, tz, with_date=False)[:5]}  "
                             f"{actor}{event.description}{marks}")
            return "\n".join(lines) or "No events yet."
        if phase == "rationality":
            page = self.main.pages["rationality"]
            event = getattr(page, "current_event", lambda: None)()
            if event is None:
                return "No decision point selected."
            category = getattr(page, "current_category", lambda: None)()
            text = f"◆ {local_display(event.at, retro.session.timezone, False)[:5]}  " \
                   f"{event.description}"
            if category:
                questions = questions_for(category, retro.session.kind,
                                          self.main.context.questions)
                answer = retro.answers_for(event.key).get(category, "")
                text += f"\n\n{CATEGORY_TITLES[category]}: " + " ".join(questions[:2])
                if answer:
                    text += f"\n\n{answer}"
            return text
        if phase == "learnings":
            return "\n".join(f"• {item.text}" for item in retro.learnings[-MAX_LINES:]) or \
                "No learnings yet."
        if phase == "actions":
            lines = []
            for action in retro.actions[-MAX_LINES:]:
                box = "☑" if action.done else "☐"
                who = f" — {action.owner}" if action.owner else ""
                due = f", due {action.due}" if action.due else ""
                lines.append(f"{box} {action.description}{who}{due}")
            return "\n".join(lines) or "No actions yet."
        votes = retro.closing.roti
        if not votes:
            return "Return on time invested: vote 1 to 5."
        rows = [f"{value}  {'█' * votes.count(value)} {votes.count(value)}"
                for value in range(5, 0, -1)]
        average = sum(votes) / len(votes)
        return f"Return on time invested: {average:.1f} from {len(votes)} votes\n\n" + \
            "\n".join(rows)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.main.audience is self:
            self.main.audience = None
            self.main.actions_by_name["audience"].setChecked(False)
        super().closeEvent(event)
