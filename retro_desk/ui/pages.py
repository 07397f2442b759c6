"""One page per phase key, built together so the main window can look them up by phase."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from retro_desk.ui.actions_page import ActionsPage
from retro_desk.ui.close_page import ClosePage
from retro_desk.ui.feelings_page import FeelingsPage
from retro_desk.ui.list_page import LearningsPage
from retro_desk.ui.opening_page import OpeningPage
from retro_desk.ui.page import PageContext, PhasePage
from retro_desk.ui.rationality_page import RationalityPage
from retro_desk.ui.timeline_page import TimelinePage

PAGE_TYPES: tuple[type[PhasePage], ...] = (
    OpeningPage,
    FeelingsPage,
    TimelinePage,
    RationalityPage,
    LearningsPage,
    ActionsPage,
    ClosePage,
)


def build_pages(context: PageContext, parent: QWidget) -> dict[str, PhasePage]:
    return {page_type.phase: page_type(context, parent) for page_type in PAGE_TYPES}
