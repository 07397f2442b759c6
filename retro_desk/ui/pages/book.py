"""The phase pages by phase key, each built (and its module imported) the first time it is needed.

Building all seven pages up front cost most of the start-up time and about 14 MiB; a retro
opens on one phase, and the others are built when the facilitator first goes there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module

from retro_desk.ui.pages.page import PhasePage

# Phase key -> (module, class). Modules are imported only when their page is first built.
PAGE_CLASSES: dict[str, tuple[str, str]] = {
    "opening": ("retro_desk.ui.pages.opening_page", "OpeningPage"),
    "feelings": ("retro_desk.ui.pages.feelings_page", "FeelingsPage"),
    "timeline": ("retro_desk.ui.pages.timeline_page", "TimelinePage"),
    "rationality": ("retro_desk.ui.pages.rationality_page", "RationalityPage"),
    "learnings": ("retro_desk.ui.pages.list_page", "LearningsPage"),
    "actions": ("retro_desk.ui.pages.actions_page", "ActionsPage"),
    "close": ("retro_desk.ui.pages.close_page", "ClosePage"),
}


def page_type(phase: str) -> type[PhasePage]:
    module, name = PAGE_CLASSES[phase]
    cls: type[PhasePage] = getattr(import_module(module), name)
    return cls


class PageBook(Mapping[str, PhasePage]):
    """A mapping of every phase key to its page; looking a page up builds it if need be.

    `build(phase)` makes the page (the window adds it to its stack and gives it the open
    retro). Code that only passes news on to pages uses `built()`, so it builds nothing.
    """

    def __init__(self, build: Callable[[str], PhasePage]) -> None:
        self._build = build
        self._pages: dict[str, PhasePage] = {}

    def __getitem__(self, phase: str) -> PhasePage:
        page = self._pages.get(phase)
        if page is None:
            if phase not in PAGE_CLASSES:
                raise KeyError(phase)
            page = self._build(phase)
            self._pages[phase] = page
        return page

    def __iter__(self) -> Iterator[str]:
        return iter(PAGE_CLASSES)

    def __len__(self) -> int:
        return len(PAGE_CLASSES)

    def built(self) -> list[PhasePage]:
        """The pages made so far, in phase order."""
        return [self._pages[phase] for phase in PAGE_CLASSES if phase in self._pages]
