"""The left of the main window: the retros (with their filter) and, on a second tab, search
inside every retro, built the first time it is shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from retro_desk.ui.widgets.session_list import SessionList

if TYPE_CHECKING:
    from retro_desk.textref import Place
    from retro_desk.ui.widgets.search_panel import Search, SearchPanel


class RetroPanel(QTabWidget):
    """Retros and Search. `open_hit` is called with a search result's retro and place."""

    def __init__(self, search: Search,
                 open_hit: Callable[[int, Place | None], None], parent: QWidget) -> None:
        super().__init__(parent)
        self._search_function = search
        self._open_hit = open_hit
        self.sessions = SessionList(self)
        self._search: SearchPanel | None = None
        self.search_tab = QWidget(self)
        QVBoxLayout(self.search_tab).setContentsMargins(0, 0, 0, 0)
        self.setTabPosition(QTabWidget.TabPosition.West)
        self.addTab(self.sessions, "Retros")
        self.addTab(self.search_tab, "Search")
        self.setTabToolTip(1, "Search inside every retro (Ctrl+Shift+F)")
        self.setTabToolTip(0, "Every retro; Ctrl+F filters them")
        # Called once the search panel exists (the window puts it in its Tab order).
        self.search_built: Callable[[], None] = lambda: None
        # Results shown again after edits elsewhere, rather than re-searched on every keystroke.
        self.currentChanged.connect(self._tab_changed)

    def built_search(self) -> SearchPanel | None:
        return self._search

    @property
    def search(self) -> SearchPanel:
        """The Search tab's panel, built (and its module imported) on first use."""
        if self._search is None:
            from retro_desk.ui.widgets.search_panel import SearchPanel

            self._search = SearchPanel(self._search_function, self.search_tab)
            self._search.hit_chosen.connect(self._open_hit)
            layout = self.search_tab.layout()
            assert layout is not None
            layout.addWidget(self._search)
            self.search_tab.setFocusProxy(self._search)
            self.search_built()
        return self._search

    def _tab_changed(self, index: int) -> None:
        if self.widget(index) is self.search_tab:
            self.search.refresh()

    def search_all(self, text: str | None = None) -> None:
        """Search inside every retro (for `text`, when the filter box passes it on)."""
        search = self.search
        self.setCurrentWidget(self.search_tab)
        if text:
            search.search_for(text)
        else:
            search.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
            search.query.selectAll()
