"""Every menu command and its shortcut, declared in one table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QKeySequence

from retro_desk.ui.commands import Commands

Key = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    """A command: `slot` is the Commands method it calls; `keys` its shortcuts."""

    name: str
    menu: str
    text: str
    slot: Callable[[Commands], None]
    keys: tuple[Key | str, ...] = ()
    needs_session: bool = True
    checkable: bool = False


MENUS = ("&File", "&Edit", "&Session", "&View", "&Help")

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new_retro", "&File", "&New retro…", Commands.new_retro, (Key.New,), False),
    ActionSpec(
        "import_file", "&File", "&Import session file…", Commands.import_file, ("Ctrl+I",), False
    ),
    ActionSpec(
        "import_timeline",
        "&File",
        "Import &timeline CSV…",
        Commands.import_timeline_csv,
        ("Ctrl+Shift+I",),
    ),
    ActionSpec(
        "export_markdown", "&File", "&Export Markdown…", Commands.export_markdown, ("Ctrl+E",)
    ),
    ActionSpec("export_json", "&File", "Export &JSON…", Commands.export_json, ("Ctrl+Shift+E",)),
    ActionSpec("export_html", "&File", "Export &HTML…", Commands.export_html, ("Ctrl+Alt+E",)),
    ActionSpec("export_pdf", "&File", "Export &PDF…", Commands.export_pdf, ("Ctrl+Alt+P",)),
    ActionSpec("publish", "&File", "P&ublish to folder…", Commands.publish_to_folder, (), False),
    ActionSpec("import_folder", "&File", "Import &folder…", Commands.import_folder, (), False),
    ActionSpec("close_retro", "&File", "Mark retro &closed", Commands.mark_closed, ()),
    ActionSpec("delete_retro", "&File", "&Delete retro…", Commands.delete_retro, ()),
    ActionSpec("quit", "&File", "&Quit", Commands.quit, (Key.Quit, "Ctrl+Q"), False),
    ActionSpec("undo", "&Edit", "&Undo", Commands.undo, (Key.Undo,)),
    ActionSpec("redo", "&Edit", "&Redo", Commands.redo, (Key.Redo, "Ctrl+Y")),
    ActionSpec("find", "&Edit", "&Find retro", Commands.focus_filter, (Key.Find,), False),
    ActionSpec(
        "search_all", "&Edit", "&Search all retros", Commands.search_all, ("Ctrl+Shift+F",), False
    ),
    ActionSpec("details", "&Edit", "Retro &details…", Commands.edit_details, ("Ctrl+Shift+D",)),
    ActionSpec("focus_entry", "&Edit", "Go to &entry line", Commands.focus_entry, ("Ctrl+L",)),
    ActionSpec("timer_toggle", "&Session", "&Start or pause timer", Commands.toggle_timer, ("F5",)),
    ActionSpec("timer_add", "&Session", "&Add one minute", Commands.add_minute, ("F6",)),
    ActionSpec(
        "timer_reset", "&Session", "&Reset phase timer", Commands.reset_timer, ("Ctrl+Shift+R",)
    ),
    ActionSpec(
        "rebalance",
        "&Session",
        "Re&balance remaining phases",
        Commands.rebalance,
        ("Ctrl+Shift+B",),
    ),
    ActionSpec(
        "previous_phase", "&Session", "&Previous phase", Commands.previous_phase, ("Ctrl+PgUp",)
    ),
    ActionSpec("next_phase", "&Session", "&Next phase", Commands.next_phase, ("Ctrl+PgDown",)),
    ActionSpec(
        "save_template", "&Session", "Save agenda as &template…", Commands.save_agenda_template, ()
    ),
    ActionSpec(
        "audience", "&View", "&Audience window", Commands.toggle_audience, ("F9",), False, True
    ),
    ActionSpec("zoom_in", "&View", "Zoom &in", Commands.zoom_in, (Key.ZoomIn, "Ctrl+="), False),
    ActionSpec("zoom_out", "&View", "Zoom &out", Commands.zoom_out, (Key.ZoomOut,), False),
    ActionSpec("zoom_reset", "&View", "&Reset zoom", Commands.zoom_reset, ("Ctrl+0",), False),
    ActionSpec(
        "full_screen",
        "&View",
        "&Full screen",
        Commands.toggle_full_screen,
        (Key.FullScreen, "F11"),
        False,
        True,
    ),
    ActionSpec(
        "retro_list", "&View", "Retro &list", Commands.toggle_retro_list, ("F7",), False, True
    ),
    ActionSpec(
        "side_panel", "&View", "&Side panel", Commands.toggle_side_panel, ("F8",), False, True
    ),
    ActionSpec("theme", "&View", "&Dark or light", Commands.toggle_dark, ("Ctrl+Shift+T",), False),
    ActionSpec(
        "theme_system", "&View", "Theme: follow the &system", Commands.theme_system, (), False, True
    ),
    ActionSpec("theme_light", "&View", "Theme: &light", Commands.theme_light, (), False, True),
    ActionSpec("theme_dark", "&View", "Theme: d&ark", Commands.theme_dark, (), False, True),
    ActionSpec(
        "theme_high-contrast",
        "&View",
        "Theme: &high contrast",
        Commands.theme_high_contrast,
        (),
        False,
        True,
    ),
    ActionSpec(
        "shortcuts",
        "&Help",
        "&Keyboard shortcuts",
        Commands.show_shortcuts,
        (Key.HelpContents, "F1"),
        False,
    ),
)

PHASE_SHORTCUT_PREFIX = "Ctrl+"  # Ctrl+1 … Ctrl+9 jump to that phase of the agenda.


def key_sequences(spec: ActionSpec) -> list[QKeySequence]:
    """The shortcuts of an action, without duplicates (a standard key may equal a literal one)."""
    sequences: list[QKeySequence] = []
    for key in spec.keys:
        found = QKeySequence.keyBindings(key) if isinstance(key, Key) else [QKeySequence(key)]
        for sequence in found:
            if not sequence.isEmpty() and sequence not in sequences:
                sequences.append(sequence)
    return sequences


# Keys that work inside one page or panel (its own widgets handle them), for the help list.
PAGE_KEYS: tuple[tuple[str, str, str], ...] = (
    ("Feelings", "Enter", "record the words and note as one entry"),
    ("Feelings", "Alt+Right / Alt+Left", "next / previous speaker"),
    ("Feelings", "Alt+A", "attribute this entry to the speaker"),
    ("Feelings", "Alt+B", "record a blame phrase as a named blame feeling"),
    ("Timeline", "Enter", "add the event typed: 14:32 Name: what happened"),
    ("Timeline", "Ctrl+D", "decision point (entry line or selected row)"),
    ("Timeline", "Ctrl+Shift+L", "learned later (entry line or selected row)"),
    ("Timeline", "F2, Delete", "edit or delete the selected event"),
    ("Local rationality", "Ctrl+Down / Ctrl+Up", "next / previous decision point"),
    ("Local rationality", "Tab", "next question card"),
    ("Actions", "Space", "mark the selected action done"),
    ("Close", "1 … 5", "a ROTI vote (while the votes have the focus)"),
    ("Close", "Alt+C", "closing notes"),
    ("Language reflection", "R / N / O", "reframed / named feeling / reopen the selected one"),
)
