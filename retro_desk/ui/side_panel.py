"""The panel on the right in every phase: parking lot, private notes, language reflection."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QSplitter, QVBoxLayout, QWidget

from retro_desk.editor import Change, SessionEditor
from retro_desk.model import ParkingItem
from retro_desk.ui.accessible import describe
from retro_desk.ui.list_page import TextListPanel
from retro_desk.ui.page import PageContext
from retro_desk.ui.reflection_panel import ReflectionPanel
from retro_desk.ui.save_timer import SaveTimer

IDLE_SAVE_MS = 800


def section(title: str, body: QWidget, parent: QWidget, buddy: QWidget | None = None) -> QWidget:
    box = QWidget(parent)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 4, 0, 0)
    label = QLabel(title, box)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    # Qt's mnemonic focuses a buddy only if the buddy itself takes focus: a panel that hands
    # its focus on (to an entry line, a list) would be passed over, so point at that widget.
    label.setBuddy(buddy or body.focusProxy() or body)
    layout.addWidget(label)
    layout.addWidget(body, 1)
    return box


class PrivateNotes(QPlainTextEdit):
    """The facilitator's own notes: saved as typed, never shown on the audience window."""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.editor: SessionEditor | None = None
        self.setPlaceholderText("Only you see these notes.")
        describe(self, "Private notes", "Only you see these; never shown on the audience window")
        self.setTabChangesFocus(True)
        self._idle = SaveTimer(self, IDLE_SAVE_MS)  # and at most 2 s apart while typing
        self._idle.timeout.connect(self.commit_pending)
        self.textChanged.connect(self._typed)
        self._loading = False
        context.decorate_text(self)

    def set_editor(self, editor: SessionEditor | None) -> None:
        self.commit_pending()
        self.editor = editor
        self.setEnabled(editor is not None)
        self._show(editor.retro.private_notes if editor else "")

    def _show(self, text: str) -> None:
        self._loading = True
        self.setPlainText(text)
        self._loading = False

    def _typed(self) -> None:
        if not self._loading:
            self._idle.start()

    def commit_pending(self) -> None:
        self._idle.stop()
        editor = self.editor
        if editor is None:
            return
        text = self.toPlainText()
        if text != editor.retro.private_notes:
            self.context.guard(lambda: editor.set_private_notes(text))

    def on_change(self, change: Change) -> None:
        if change.part == "private_notes" and self.editor and not self.hasFocus():
            self._show(self.editor.retro.private_notes)

    def focusOutEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        self.commit_pending()
        super().focusOutEvent(event)  # type: ignore[arg-type]


class SidePanel(QWidget):
    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.parking = TextListPanel(context, ParkingItem, "parking_lot", "Park a topic…", self)
        self.notes = PrivateNotes(context, self)
        self.reflection = ReflectionPanel(context, self)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(section("&Parking lot", self.parking, splitter, self.parking.entry))
        splitter.addWidget(section("Private &notes (not shared)", self.notes, splitter))
        splitter.addWidget(section("&Language reflection", self.reflection, splitter))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def set_editor(self, editor: SessionEditor | None) -> None:
        self.parking.set_editor(editor)
        self.notes.set_editor(editor)
        self.reflection.set_editor(editor)

    def on_change(self, change: Change) -> None:
        self.parking.on_change(change)
        self.notes.on_change(change)
        self.reflection.on_change(change)

    def commit_pending(self) -> None:
        self.notes.commit_pending()
