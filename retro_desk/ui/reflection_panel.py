"""The side panel's list of the retro's blame-language findings: jump to one, mark it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from retro_desk.editor import Change, SessionEditor
from retro_desk.ui.accessible import describe
from retro_desk.ui.page import PageContext

if TYPE_CHECKING:
    from retro_desk.reflection import LocatedFinding
    from retro_desk.textref import Place

# Findings are recomputed for the whole retro, so a burst of typing is matched once.
REFRESH_MS = 400
# Plain letters while the list has the focus (it takes no typing): R, N, O.
MARK_KEYS = {"R": "reframed", "N": "named_feeling", "O": "open"}


class ReflectionPanel(QWidget):
    """`jump_requested` carries the Place of the finding to show."""

    jump_requested = Signal(object)

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.editor: SessionEditor | None = None
        self.findings: list[LocatedFinding] = []
        self.list = QListWidget(self)
        describe(self.list, "Language reflection findings", "Blame phrases found in this retro;"
                 " Enter shows one where it was typed, R, N and O mark it")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._jump)
        self.setFocusProxy(self.list)  # Alt+L lands in the findings
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.reframed = QPushButton("&Reframed", self)
        self.named = QPushButton("Named &feeling", self)
        self.reopen = QPushButton("Re&open", self)
        self.reframed.setToolTip("The group asked the how/what question instead (R in the list)")
        self.named.setToolTip("Kept as a named feeling, said out loud (N in the list)")
        self.reopen.setToolTip("Not settled after all (O in the list)")
        self.reframed.clicked.connect(lambda: self.mark("reframed"))
        self.named.clicked.connect(lambda: self.mark("named_feeling"))
        self.reopen.clicked.connect(lambda: self.mark("open"))
        self.list.installEventFilter(self)
        self.in_export = QCheckBox("In the &export", self)
        self.in_export.setToolTip("Add a short Language reflection section to exported documents")
        self.in_export.toggled.connect(self._export_toggled)
        # Two rows, so the panel stays narrow enough for a 1280-pixel-wide shared screen.
        buttons = QGridLayout()
        for button in (self.reframed, self.named, self.reopen):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        buttons.addWidget(self.reframed, 0, 0)
        buttons.addWidget(self.named, 0, 1)
        buttons.addWidget(self.reopen, 1, 0)
        buttons.addWidget(self.in_export, 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh_now)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        # Keys on the list itself, so marking works wherever the list has the focus.
        if watched is self.list and isinstance(event, QKeyEvent) and (
            event.type() == QEvent.Type.KeyPress
        ):
            pressed = QKeySequence(event.keyCombination())
            for keys, state in MARK_KEYS.items():
                if pressed.matches(QKeySequence(keys)) == QKeySequence.SequenceMatch.ExactMatch:
                    self.mark(state)
                    return True
        return super().eventFilter(watched, event)

    def set_editor(self, editor: SessionEditor | None) -> None:
        self.editor = editor
        self.setEnabled(editor is not None)
        if editor is not None:
            self.summary.setText("Reading the retro for blame language…")
        self._show_export_choice()
        # Matching a whole retro takes a moment: at start-up it waits for the first paint.
        self.context.later(self.refresh_now)

    def on_change(self, change: Change) -> None:
        if change.part in ("private_notes", "roti"):
            return
        if change.part == "reflection_marks":
            self.refresh_now()
        else:
            self._timer.start()

    def refresh_now(self) -> None:
        # Imported here: the matching is not needed before the window has been painted.
        from retro_desk.language import category_title
        from retro_desk.reflection import STATE_LABELS, retro_findings
        from retro_desk.ui.blame_highlight import tooltip_text

        self._timer.stop()
        editor = self.editor
        row = self.list.currentRow()
        self.list.clear()
        self.findings = retro_findings(editor.retro) if editor else []
        marks = editor.retro.reflection_marks if editor else {}
        for located in self.findings:
            state = marks.get(located.key, "open")
            finding = located.finding
            text = (
                f"{located.place.label} · {category_title(finding.category)}: "
                f"“{' '.join(finding.phrase.split())}”"
            )
            if state != "open":
                text += f" — {STATE_LABELS[state]}"
            item = QListWidgetItem(text)
            item.setToolTip(tooltip_text(finding))
            item.setData(Qt.ItemDataRole.UserRole, located)
            font = item.font()
            font.setStrikeOut(state == "reframed")
            item.setFont(font)
            self.list.addItem(item)
        if self.findings:
            self.list.setCurrentRow(min(max(row, 0), len(self.findings) - 1))
        open_count = sum(1 for f in self.findings if marks.get(f.key, "open") == "open")
        self.summary.setText(
            f"{len(self.findings)} noticed, {open_count} open" if self.findings
            else "Nothing noticed yet. Blame, hindsight and counterfactual phrases show up here."
        )
        self._show_export_choice()

    def _show_export_choice(self) -> None:
        editor = self.editor
        self.in_export.blockSignals(True)
        self.in_export.setChecked(bool(editor and editor.retro.session.language_reflection))
        self.in_export.blockSignals(False)

    def current(self) -> LocatedFinding | None:
        item = self.list.currentItem()
        if item is None:
            return None
        located: LocatedFinding = item.data(Qt.ItemDataRole.UserRole)
        return located

    def mark(self, state: str) -> None:
        located, editor = self.current(), self.editor
        if located is None or editor is None:
            return
        self.context.guard(lambda: editor.mark_finding(located.key, state))

    def _jump(self, item: QListWidgetItem) -> None:
        located: LocatedFinding = item.data(Qt.ItemDataRole.UserRole)
        place: Place = located.place
        self.jump_requested.emit(place)

    def _export_toggled(self, checked: bool) -> None:
        editor = self.editor
        if editor is not None:
            self.context.guard(lambda: editor.update_session(language_reflection=checked))
