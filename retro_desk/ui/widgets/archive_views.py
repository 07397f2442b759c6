"""The team archive in the window: the Actions and Insights tabs beside Retros and Search,
and File ▸ Publish to folder… and Import folder…"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from retro_desk.editor import SessionEditor
from retro_desk.model import Retro
from retro_desk.storage import StorageError, Store

if TYPE_CHECKING:
    from retro_desk.archive.importing import Outcome
    from retro_desk.ui.widgets.actions_view import ActionsView
    from retro_desk.ui.widgets.insights_page import InsightsPage

PUBLISH_FOLDER_KEY = "archive/publish_folder"


class ArchiveTabs:
    """The Actions and Insights tabs beside Retros and Search, each built (and its module
    imported) on first show: the window's start does not wait for them."""

    def __init__(
        self,
        tabs: QTabWidget,
        store: Store,
        editor_for: Callable[[int], SessionEditor],
        report_error: Callable[[StorageError], None],
        open_retro: Callable[[int], None],
    ) -> None:
        self.store = store
        self.editor_for = editor_for
        self.report_error = report_error
        self.open_retro = open_retro
        self.actions_tab = _holder(tabs)
        self.insights_tab = _holder(tabs)
        tabs.addTab(self.actions_tab, "Actions")
        tabs.setTabToolTip(tabs.indexOf(self.actions_tab), "Every action of every retro")
        tabs.addTab(self.insights_tab, "Insights")
        tabs.setTabToolTip(tabs.indexOf(self.insights_tab), "How retros go, month by month")
        # The tabs run down the panel's side; with very large type they shorten their names
        # rather than hide some behind scroll arrows.
        tabs.setUsesScrollButtons(False)
        tabs.setElideMode(Qt.TextElideMode.ElideRight)
        self.tabs = tabs
        self._actions: ActionsView | None = None
        self._insights: InsightsPage | None = None

    def is_wide(self, tab: QWidget | None) -> bool:
        """Whether `tab` is a table of every retro, which needs more than the list's width."""
        return tab is not None and tab in (self.actions_tab, self.insights_tab)

    @property
    def actions(self) -> ActionsView:
        if self._actions is None:
            from retro_desk.ui.widgets.actions_view import ActionsView

            self._actions = ActionsView(self.store, self.editor_for, self.report_error,
                                        parent=self.actions_tab, open_retro=self.open_retro)
            _place(self.actions_tab, self._actions)
        return self._actions

    @property
    def insights(self) -> InsightsPage:
        if self._insights is None:
            from retro_desk.ui.widgets.insights_page import InsightsPage

            self._insights = InsightsPage(self.store, self.report_error, self.insights_tab)
            _place(self.insights_tab, self._insights)
        return self._insights

    def shown(self, widget: QWidget | None) -> None:
        """A tab came to the front: show it up to date."""
        if widget is self.actions_tab:
            self.actions.refresh()
        elif widget is self.insights_tab:
            self.insights.refresh()


def _holder(parent: QWidget) -> QWidget:
    holder = QWidget(parent)
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    return holder


def _place(holder: QWidget, widget: QWidget) -> None:
    layout = holder.layout()
    assert layout is not None
    layout.addWidget(widget)
    holder.setFocusProxy(widget)


def timeline_svg(retro: Retro) -> bytes | None:
    """The retro's timeline picture as SVG (None: no events), as the Markdown export draws it;
    what `publish` is given to draw with, from the window and the command line alike."""
    if not retro.timeline:
        return None
    from retro_desk.ui.pdf import ensure_gui
    from retro_desk.ui.widgets.timeline_picture import export_svg

    ensure_gui()
    svg: bytes = export_svg(retro.timeline, retro.session.timezone, retro.session.title)
    return svg


def ask_folder(parent: QWidget, title: str, start: str) -> str | None:
    """The folder to publish to (None: cancelled); tests replace this."""
    from PySide6.QtWidgets import QFileDialog

    return QFileDialog.getExistingDirectory(parent, title, start) or None


def publish_to_folder(
    parent: QWidget, store: Store, settings: QSettings, status: Callable[[str], None],
    message: Callable[[str, str], None],
) -> Path | None:
    """File ▸ Publish to folder…: every retro to the folder chosen (the last one offered
    first). Returns the folder, or None when nothing was published."""
    from retro_desk.archive.publish import PublishError, publish

    start = str(settings.value(PUBLISH_FOLDER_KEY, "") or "")
    chosen = ask_folder(parent, "Publish retros to folder", start)
    if not chosen:
        return None
    folder = Path(chosen)
    settings.setValue(PUBLISH_FOLDER_KEY, str(folder))

    try:
        report = publish(store, folder, picture=timeline_svg)
    except (PublishError, StorageError) as error:
        message("Not published", str(error))
        return None
    status(report.summary())
    if report.skipped:
        message("Some retros were left as they were",
                "These changed in the folder since you last published or imported them;"
                " File ▸ Import folder… brings those changes in first:\n\n"
                + "\n".join(report.skipped))
    return folder


def import_folder_into(
    parent: QWidget, store: Store, settings: QSettings, message: Callable[[str, str], None],
) -> list[Outcome] | None:
    """File ▸ Import folder…: every session file under the folder chosen (the publish folder
    offered first), one transaction per retro; a summary says what happened to each. Returns
    the outcomes (None: cancelled or failed)."""
    from retro_desk.archive.importing import counts, import_folder

    start = str(settings.value(PUBLISH_FOLDER_KEY, "") or "")
    chosen = ask_folder(parent, "Import retros from folder", start)
    if not chosen:
        return None
    folder = Path(chosen)
    try:
        outcomes = import_folder(store, folder)
    except StorageError as error:
        message("Not imported", str(error))
        return None
    notable = [o.line(folder) for o in outcomes if o.kind in ("conflict", "unreadable")]
    text = counts(outcomes) if outcomes else f"No session files under {folder}."
    if notable:
        message("Imported, with conflicts or unreadable files",
                text + ".\n\n" + "\n".join(notable[:20])
                + ("\n…" if len(notable) > 20 else "")
                + "\n\nNothing was lost: your copies are kept. `retro-desk import DIR --copy`"
                " brings the folder's copies in beside them.")
    else:
        message("Imported", text)
    return outcomes
