"""Agenda templates: the two built in, and the checks a saved one must pass."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from retro_desk.agenda import DEFAULT_MINUTES, EXTERNAL_MINUTES, agenda_from_minutes
from retro_desk.model import PHASE_TITLES, PHASES, AgendaItem

MAX_NAME_LENGTH = 80
MIN_PHASE_MINUTES = 1
MAX_PHASE_MINUTES = 240


class TemplateError(ValueError):
    """A template that cannot be saved, used or deleted; the message says why."""


@dataclass(frozen=True)
class TemplatePhase:
    phase: str
    title: str
    planned_seconds: int


@dataclass(frozen=True)
class AgendaTemplate:
    """A named agenda to start a retro from; built-in ones ship with the app and stay."""

    name: str
    phases: tuple[TemplatePhase, ...]
    builtin: bool = False

    @property
    def total_seconds(self) -> int:
        return sum(phase.planned_seconds for phase in self.phases)

    def agenda(self) -> list[AgendaItem]:
        """A fresh agenda for a new retro: nothing spent yet, nothing stored yet."""
        return [AgendaItem(p.phase, p.title, p.planned_seconds) for p in self.phases]

    def describe(self) -> str:
        return plan_summary(self.phases)


def plan_summary(phases: Iterable[TemplatePhase | AgendaItem]) -> str:
    """`60 min: Opening 5, Feelings round 10, …` for a tooltip or a list."""
    phases = list(phases)
    parts = ", ".join(f"{p.title} {p.planned_seconds // 60}" for p in phases)
    return f"{sum(p.planned_seconds for p in phases) // 60} min: {parts}"


def _builtin(name: str, minutes: dict[str, int]) -> AgendaTemplate:
    phases = tuple(
        TemplatePhase(item.phase, item.title, item.planned_seconds)
        for item in agenda_from_minutes(minutes)
    )
    return AgendaTemplate(name, phases, builtin=True)


OWN_REVIEW = _builtin("60-minute incident review", DEFAULT_MINUTES)
EXTERNAL_STUDY = _builtin("30-minute external-incident study", EXTERNAL_MINUTES)
BUILTIN_TEMPLATES: tuple[AgendaTemplate, ...] = (OWN_REVIEW, EXTERNAL_STUDY)
# The template a new retro of each kind starts from.
FOR_KIND: dict[str, AgendaTemplate] = {"own": OWN_REVIEW, "external": EXTERNAL_STUDY}


def clean_name(name: str) -> str:
    """The name as stored: one line, single spaces, checked against the built-in names."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise TemplateError("A template needs a name.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise TemplateError(f"A template name can be at most {MAX_NAME_LENGTH} characters.")
    if is_builtin_name(cleaned):
        raise TemplateError(f"“{cleaned}” is a built-in template; choose another name.")
    return cleaned


def is_builtin_name(name: str) -> bool:
    wanted = " ".join(name.split()).casefold()
    return any(template.name.casefold() == wanted for template in BUILTIN_TEMPLATES)


def template_from_agenda(name: str, agenda: Iterable[AgendaItem]) -> AgendaTemplate:
    """A template of an agenda's plan (not what was spent), in whole minutes."""
    phases = tuple(
        TemplatePhase(
            item.phase,
            " ".join(item.title.split()) or PHASE_TITLES.get(item.phase, item.phase),
            # A rebalanced plan has odd seconds; a template is a plan in minutes.
            max(MIN_PHASE_MINUTES, round(item.planned_seconds / 60)) * 60,
        )
        for item in agenda
    )
    return checked(AgendaTemplate(clean_name(name), phases))


def checked(template: AgendaTemplate) -> AgendaTemplate:
    """The template if its phases make an agenda Retro Desk can run; else TemplateError."""
    if not template.phases:
        raise TemplateError("A template needs at least one phase.")
    seen: set[str] = set()
    for phase in template.phases:
        if phase.phase not in PHASES:
            raise TemplateError(f"“{phase.phase}” is not a phase ({', '.join(PHASES)}).")
        if phase.phase in seen:
            raise TemplateError(f"The phase “{phase.phase}” appears twice.")
        seen.add(phase.phase)
        minutes = phase.planned_seconds / 60
        if not MIN_PHASE_MINUTES <= minutes <= MAX_PHASE_MINUTES:
            raise TemplateError(
                f"“{phase.title}” is planned for {minutes:g} min; a phase takes"
                f" {MIN_PHASE_MINUTES} to {MAX_PHASE_MINUTES} min."
            )
    return template


def to_json(template: AgendaTemplate) -> str:
    return json.dumps(
        [
            {"phase": p.phase, "title": p.title, "planned_seconds": p.planned_seconds}
            for p in template.phases
        ],
        ensure_ascii=False,
    )


def from_json(name: str, text: str) -> AgendaTemplate:
    """A stored template; a damaged one is a TemplateError naming it, never a crash."""
    try:
        rows = json.loads(text)
        if not isinstance(rows, list):
            raise TypeError("not a list of phases")
        phases = tuple(
            TemplatePhase(str(row["phase"]), str(row["title"]), int(row["planned_seconds"]))
            for row in rows
        )
        return checked(AgendaTemplate(name, phases))
    except (ValueError, TypeError, KeyError) as error:
        raise TemplateError(f"The template “{name}” is damaged ({error})") from error


def with_builtins(saved: Iterable[AgendaTemplate]) -> list[AgendaTemplate]:
    """Every template to choose from: the built-in ones first, then the saved ones by name."""
    return [*BUILTIN_TEMPLATES, *sorted(saved, key=lambda t: t.name.casefold())]
