"""The feelings round: who speaks, word chips, a quick-entry line, the tally and the entries."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QAction,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
)
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from retro_desk.editor import Change
from retro_desk.feelings_tally import tally
from retro_desk.language import find_blame
from retro_desk.live import Topic
from retro_desk.model import Feeling
from retro_desk.ui.accessible import describe, tab_order
from retro_desk.ui.fonts import relative_font
from retro_desk.ui.pages.list_page import delete_action
from retro_desk.ui.pages.page import PageContext, PhasePage
from retro_desk.ui.theme import current_palette
from retro_desk.ui.widgets.feelings_tally import BLAME_HEADING, CORE_HEADING, FeelingsTally
from retro_desk.ui.widgets.flow_layout import FlowLayout
from retro_desk.vocabulary import FeelingWord, is_blame_word

# Next and previous speaker: the platform's first Forward and Back keys, Alt+Right and Alt+Left
# on Linux and Windows (Cmd+] and Cmd+[ on macOS, where Alt+arrows move by word). They are free
# in text fields, so the next speaker is one key away while typing. Only the first binding:
# the others include Backspace.
NEXT_SPEAKER = QKeySequence.StandardKey.Forward
PREVIOUS_SPEAKER = QKeySequence.StandardKey.Back
EMPTY_HINT = "Pick or type at least one word, then press Enter."
# An entry's (words line, note), kept apart for the delegate that sets them in two styles.
PARTS_ROLE = Qt.ItemDataRole.UserRole + 1


def split_words(text: str) -> list[str]:
    return [word.strip() for word in text.split(",") if word.strip()]


class _LastWordCompleter(QCompleter):
    """Completes only the word after the last comma, keeping the words before it."""

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt's name
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # noqa: N802
        before, comma, _ = self.completionPrefix().rpartition(",")
        return f"{before}{comma} {index.data()}" if comma else str(index.data())


class WordsLine(QLineEdit):
    """The line where feeling words are typed, separated by commas, with completion."""

    def __init__(self, words: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        completer = _LastWordCompleter(words, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        popup = completer.popup()
        assert popup is not None
        popup.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        # Enter records the entry as typed (a highlighted completion is already in the line).
        # Left to the completer, it would complete once more after the entry was cleared.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.hide_completions()
            self.event(event)
            return True
        return super().eventFilter(watched, event)

    def hide_completions(self) -> None:
        completer = self.completer()
        popup = completer.popup() if completer else None
        if popup is not None:
            popup.hide()


class _EntryDelegate(QStyledItemDelegate):
    """An entry as its words in bold, with the note wrapped beneath."""

    PADDING = 6

    def _parts(self, index: QModelIndex | QPersistentModelIndex) -> tuple[str, str]:
        heading, note = index.data(PARTS_ROLE)
        return str(heading), str(note)

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        return bold, option.font

    def _height(self, text: str, font: QFont, width: int) -> int:
        if not text:
            return 0
        flags = int(Qt.TextFlag.TextWordWrap)
        return QFontMetrics(font).boundingRect(0, 0, width, 100_000, flags, text).height()

    def sizeHint(  # noqa: N802 - Qt's name
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        heading, note = self._parts(index)
        bold, plain = self._fonts(option)
        width = max(option.rect.width() - 2 * self.PADDING, 50)
        height = self._height(heading, bold, width) + self._height(note, plain, width)
        return QSize(width, height + 2 * self.PADDING)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        panel = QStyleOptionViewItem(option)
        self.initStyleOption(panel, index)
        panel.text = ""
        style = panel.widget.style() if panel.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, panel, painter, panel.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        heading, note = self._parts(index)
        bold, plain = self._fonts(option)
        area = option.rect.adjusted(self.PADDING, self.PADDING, -self.PADDING, -self.PADDING)
        flags = int(Qt.TextFlag.TextWordWrap)
        painter.save()
        painter.setPen(option.palette.color(role))
        painter.setFont(bold)
        painter.drawText(area, flags, heading)
        area.setTop(area.top() + self._height(heading, bold, area.width()))
        painter.setFont(plain)
        painter.drawText(area, flags, note)
        painter.restore()


class FeelingsPage(PhasePage):
    """One entry per Enter: picked and typed words, a note, a speaker only when attributed."""

    phase = "feelings"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.live = context.live
        self.live.listen(Topic.SPEAKER, self.show_speaker)
        self._build_speaker_row()
        self._build_chips()
        self._build_entry_row()
        self.tally = FeelingsTally(self)
        self.entries = QListWidget(self)
        describe(self.entries, "Feelings recorded, most recent first",
                 "Every entry of this round; Delete removes the selected one")
        self.entries.setItemDelegate(_EntryDelegate(self.entries))
        self.entries.setWordWrap(True)
        self.entries.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.entries.setAlternatingRowColors(True)
        delete_action(self.entries, self.remove_selected)

        tally_scroll = QScrollArea(self)
        tally_scroll.setWidget(self.tally)
        tally_scroll.setWidgetResizable(True)
        tally_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        describe(tally_scroll, "Feelings tally", "How many times each word was picked")
        right = QWidget(self)
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(tally_scroll, 3)
        right_column.addWidget(self.entries, 2)
        middle = QSplitter(self)
        middle.addWidget(self.chip_area)
        middle.addWidget(right)
        middle.setStretchFactor(0, 3)
        middle.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(self.speaker_row)
        layout.addWidget(middle, 1)
        layout.addLayout(self.entry_row)
        layout.addWidget(self.name_blame, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.hint)
        tab_order(self.chip_area, tally_scroll, self.entries, self.words, self.note, self.attribute)

    # -- construction ----------------------------------------------------------------------

    def _build_speaker_row(self) -> None:
        self.speaker = QLabel(self)
        self.speaker.setTextFormat(Qt.TextFormat.PlainText)
        self.speaker.setWordWrap(True)
        relative_font(self.speaker, 1.3, bold=True)
        self.previous_button = QPushButton("◀ Previous", self)
        self.next_button = QPushButton("Next ▶", self)
        self.speaker_row = QHBoxLayout()
        self.speaker_row.addWidget(self.speaker, 1)
        for button, standard_key, slot, text in (
            (self.previous_button, PREVIOUS_SPEAKER, self.previous_speaker, "Previous speaker"),
            (self.next_button, NEXT_SPEAKER, self.next_speaker, "Next speaker"),
        ):
            keys = QKeySequence(standard_key)
            # Buttons never take the focus: the typing stays in the entry line.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(f"{text} ({keys.toString(QKeySequence.SequenceFormat.NativeText)})")
            button.clicked.connect(slot)
            self.speaker_row.addWidget(button)
            action = QAction(text, self)
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    def _build_chips(self) -> None:
        self.chip_area = QScrollArea(self)
        self.chip_area.setWidgetResizable(True)
        self.chip_area.setFrameShape(QScrollArea.Shape.NoFrame)
        describe(self.chip_area, "Feeling words to pick", "Tab to a word, Space picks it")
        holder = QWidget(self.chip_area)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        self.chips: dict[str, QToolButton] = {}
        for group, heading in (("core", CORE_HEADING), ("blame", BLAME_HEADING)):
            title = QLabel(heading, holder)
            font = title.font()
            font.setBold(True)
            title.setFont(font)
            column.addWidget(title)
            flow = FlowLayout()
            for word in self._words_in(group):
                flow.addWidget(self._chip(word, holder))
            column.addLayout(flow)
        column.addStretch(1)
        self.chip_area.setWidget(holder)
        self._style_chips()

    def _words_in(self, group: str) -> list[FeelingWord]:
        return [word for word in self.context.vocabulary if word.group == group]

    def _chip(self, word: FeelingWord, parent: QWidget) -> QToolButton:
        chip = QToolButton(parent)
        chip.setText(word.word)
        chip.setToolTip(word.description)
        chip.setAccessibleDescription(word.description)
        chip.setCheckable(True)
        chip.setProperty("group", word.group)
        # Reachable with Tab, but a click leaves the focus in the entry line.
        chip.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        chip.toggled.connect(lambda _checked: self.hint.clear())
        self.chips[word.word] = chip
        return chip

    def _style_chips(self) -> None:
        blame = current_palette().blame.name()
        self.chip_area.setStyleSheet(
            "QToolButton { border: 1px solid palette(mid); border-radius: 12px;"
            " padding: 3px 10px; background: palette(base); }"
            "QToolButton:checked { background: palette(highlight);"
            " color: palette(highlighted-text); border-color: palette(highlight); }"
            f"QToolButton[group=\"blame\"] {{ color: {blame}; border-color: {blame}; }}"
            f"QToolButton[group=\"blame\"]:checked {{ background: {blame};"
            " color: palette(base); }"
        )

    def _build_entry_row(self) -> None:
        self.words = WordsLine([word.word for word in self.context.vocabulary], self)
        self.words.setPlaceholderText("Feeling words, separated by commas")
        describe(self.words, "Feeling words", "Words separated by commas; Enter records the entry")
        self.note = QLineEdit(self)
        self.note.setPlaceholderText("Note (optional)")
        describe(self.note, "Note", "Optional words with the feelings; Enter records the entry")
        self.attribute = QCheckBox("&Attribute to speaker", self)
        self.attribute.setToolTip("Store this entry with the speaker's name; off by default")
        self.attribute.toggled.connect(self.live.set_attributed)
        self.hint = QLabel(self)
        self.hint.setAccessibleName("Hint")
        # A blame phrase in the feelings round is welcome: it is offered as a named feeling.
        self.name_blame = QPushButton(self)
        self.name_blame.setVisible(False)
        self.name_blame.clicked.connect(self.record_named_blame)
        self._blame_phrase = ""
        for line in (self.words, self.note):
            self.context.decorate_text(line)
            line.returnPressed.connect(self.record_entry)
            line.textEdited.connect(self.hint.clear)
            line.textChanged.connect(self._offer_named_blame)
        self.entry_row = QHBoxLayout()
        self.entry_row.addWidget(self.words, 2)
        self.entry_row.addWidget(self.note, 3)
        self.entry_row.addWidget(self.attribute)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._style_chips()
        super().changeEvent(event)

    # -- speakers --------------------------------------------------------------------------

    def current_speaker_key(self) -> str | None:
        return self.live.speaker_key()

    def speaker_label(self, for_audience: bool) -> str:
        """The speaker line: named here, a position for the room unless attributed."""
        return self.live.speaker_label(for_audience)

    def next_speaker(self) -> None:
        self.live.move_speaker(1)

    def previous_speaker(self) -> None:
        self.live.move_speaker(-1)

    def show_speaker(self) -> None:
        """Show the live session's speaker and attribution (the live session calls this)."""
        text = self.speaker_label(for_audience=False)
        self.speaker.setText(text or "No participants listed: entries are not attributed.")
        has_people = bool(self.live.participants())
        for control in (self.previous_button, self.next_button, self.attribute):
            control.setEnabled(has_people)
        if self.attribute.isChecked() != self.live.attributed:
            self.attribute.blockSignals(True)
            self.attribute.setChecked(self.live.attributed)
            self.attribute.blockSignals(False)

    # -- entries ---------------------------------------------------------------------------

    def entry_words(self) -> list[str]:
        """Checked chips, then typed words; trimmed, in vocabulary spelling, each word once."""
        spelled = {word.word.casefold(): word.word for word in self.context.vocabulary}
        checked = [word for word, chip in self.chips.items() if chip.isChecked()]
        words: dict[str, str] = {}
        for word in checked + split_words(self.words.text()):
            words.setdefault(word.casefold(), spelled.get(word.casefold(), word))
        return list(words.values())

    def _offer_named_blame(self) -> None:
        findings = find_blame(self.note.text()) or find_blame(self.words.text())
        self._blame_phrase = " ".join(findings[0].phrase.split()) if findings else ""
        self.name_blame.setVisible(bool(findings))
        if findings:
            # "&" would become a mnemonic; the phrase is shown as typed.
            phrase = self._blame_phrase.replace("&", "&&")
            self.name_blame.setText(f"Record “{phrase}” as a named &blame feeling")

    def record_named_blame(self) -> None:
        """Keep the blame phrase as a word of this entry, and the entry as a blame feeling."""
        if self._blame_phrase:
            self.record_entry(extra_word=self._blame_phrase.casefold(), blame=True)

    def record_entry(self, extra_word: str = "", blame: bool = False) -> None:
        words = self.entry_words() + ([extra_word] if extra_word else [])
        editor = self.editor
        if not words:
            self.hint.setText(EMPTY_HINT)
            return
        if editor is None:
            return
        feeling = Feeling(
            words=words,
            note=self.note.text().strip(),
            participant=self.current_speaker_key() if self.attribute.isChecked() else None,
            blame_feeling=blame
            or any(is_blame_word(word, self.context.vocabulary) for word in words),
        )
        if self.context.guard(lambda: editor.add(feeling)) is None:
            return
        self._clear_entry()
        self.next_speaker()
        self.words.setFocus()

    def _clear_entry(self) -> None:
        self.words.hide_completions()
        self.words.clear()
        self.note.clear()
        self.hint.clear()
        self.attribute.setChecked(False)
        for chip in self.chips.values():
            chip.setChecked(False)

    def remove_selected(self) -> None:
        item = self.entries.currentItem()
        editor = self.editor
        if item is None or editor is None or not item.isSelected():
            return
        feeling: Feeling = item.data(Qt.ItemDataRole.UserRole)
        self.context.guard(lambda: editor.delete(feeling))

    def _show_entries(self) -> None:
        retro = self.editor.retro if self.editor else None
        feelings = retro.feelings if retro else []
        row = self.entries.currentRow()
        self.entries.clear()
        for feeling in reversed(feelings):
            heading = ", ".join(feeling.words)
            name = retro.participant_name(feeling.participant) if retro else None
            if name:
                heading = f"{heading} — {name}"
            item = QListWidgetItem(f"{heading}\n{feeling.note}" if feeling.note else heading)
            item.setData(Qt.ItemDataRole.UserRole, feeling)
            item.setData(PARTS_ROLE, (heading, feeling.note))
            self.entries.addItem(item)
        if self.entries.count() and row >= 0:
            self.entries.setCurrentRow(min(row, self.entries.count() - 1))
        self.tally.set_counts(*tally(feelings, self.context.vocabulary))

    # -- PhasePage -------------------------------------------------------------------------

    def reload(self) -> None:
        self._clear_entry()
        self.show_speaker()
        self._show_entries()

    def on_change(self, change: Change) -> None:
        if change.part == "feelings":
            self._show_entries()
        elif change.part == "participants":
            self.show_speaker()
            self._show_entries()

    def focus_entry(self) -> None:
        self.words.setFocus()
