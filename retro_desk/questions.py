"""Local-rationality questions per category and the on-screen prompt per phase, from data files."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from retro_desk.datafiles import read_toml
from retro_desk.model import CATEGORIES, KINDS, PHASES
from retro_desk.paths import resource

QUESTIONS_FILE = "questions.toml"
PROMPTS_FILE = "prompts.toml"

# Asking why or who invites justification and blame; the design asks how and what instead.
_REFUSED_OPENINGS = frozenset({"why", "who", "whom", "whose"})
_FIRST_WORD = re.compile(r"\W*(\w+)")


@dataclass(frozen=True)
class CategoryQuestions:
    key: str
    title: str
    own: list[str]
    external: list[str]


@dataclass(frozen=True)
class PhasePrompt:
    phase: str
    own: str
    external: str


def load_questions(path: Path | None = None) -> dict[str, CategoryQuestions]:
    """Every category in the order of `CATEGORIES`; the shipped questions when `path` is None."""
    if path is None:
        # Fresh lists, so a caller's edit cannot leak into the cached copy.
        return {
            key: replace(item, own=list(item.own), external=list(item.external))
            for key, item in _shipped_questions().items()
        }
    return _parse_questions(path)


def questions_for(
    category: str, kind: str, questions: Mapping[str, CategoryQuestions] | None = None
) -> list[str]:
    """The questions of one category, worded for a session of `kind` ("own" or "external")."""
    _check_kind(kind)
    table = _shipped_questions() if questions is None else questions
    if category not in table:
        raise ValueError(
            f"unknown category {category!r}; the categories are {', '.join(CATEGORIES)}"
        )
    item = table[category]
    return list(item.own if kind == "own" else item.external)


def load_prompts(path: Path | None = None) -> dict[str, PhasePrompt]:
    """Every phase in the order of `PHASES`; the shipped prompts when `path` is None."""
    if path is None:
        return dict(_shipped_prompts())
    return _parse_prompts(path)


def phase_prompt(phase: str, kind: str, prompts: Mapping[str, PhasePrompt] | None = None) -> str:
    """The prompt line shown at the top of `phase`, worded for a session of `kind`."""
    _check_kind(kind)
    table = _shipped_prompts() if prompts is None else prompts
    if phase not in table:
        raise ValueError(f"unknown phase {phase!r}; the phases are {', '.join(PHASES)}")
    item = table[phase]
    return item.own if kind == "own" else item.external


@lru_cache(maxsize=1)
def _shipped_questions() -> dict[str, CategoryQuestions]:
    return _parse_questions(resource(QUESTIONS_FILE))


@lru_cache(maxsize=1)
def _shipped_prompts() -> dict[str, PhasePrompt]:
    return _parse_prompts(resource(PROMPTS_FILE))


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown session kind {kind!r}; the kinds are {', '.join(KINDS)}")


def _parse_questions(path: Path) -> dict[str, CategoryQuestions]:
    data = read_toml(path)
    _check_keys(path, data, CATEGORIES, "category")
    result: dict[str, CategoryQuestions] = {}
    for key in CATEGORIES:
        table = _table(path, data, key)
        title = _string(path, table, key, "title")
        wordings = {kind: _question_list(path, table, key, kind) for kind in KINDS}
        result[key] = CategoryQuestions(
            key=key, title=title, own=wordings["own"], external=wordings["external"]
        )
    return result


def _parse_prompts(path: Path) -> dict[str, PhasePrompt]:
    data = read_toml(path)
    _check_keys(path, data, PHASES, "phase")
    result: dict[str, PhasePrompt] = {}
    for phase in PHASES:
        table = _table(path, data, phase)
        result[phase] = PhasePrompt(
            phase=phase,
            own=_string(path, table, phase, "own"),
            external=_string(path, table, phase, "external"),
        )
    return result


def _check_keys(path: Path, data: dict[str, Any], allowed: tuple[str, ...], noun: str) -> None:
    for key in data:
        if key not in allowed:
            raise ValueError(
                f"{path}: unknown {noun} [{key}]; the {noun} keys are {', '.join(allowed)}"
            )
    for key in allowed:
        if key not in data:
            raise ValueError(f"{path}: missing {noun} [{key}]")


def _table(path: Path, data: dict[str, Any], key: str) -> dict[str, Any]:
    table = data[key]
    if not isinstance(table, dict):
        raise ValueError(f"{path}: [{key}] must be a table")
    return table


def _string(path: Path, table: dict[str, Any], key: str, field: str) -> str:
    value = table.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{path}: [{key}] {field} must be a non-empty string")
    return value.strip()


def _question_list(path: Path, table: dict[str, Any], key: str, kind: str) -> list[str]:
    values = table.get(kind)
    if not isinstance(values, list) or not values:
        raise ValueError(f"{path}: [{key}] {kind} must be a non-empty list of questions")
    questions: list[str] = []
    for index, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{path}: [{key}] {kind}[{index}] must be a non-empty string")
        question = value.strip()
        first = _FIRST_WORD.match(question)
        if first and first.group(1).casefold() in _REFUSED_OPENINGS:
            raise ValueError(
                f"{path}: [{key}] {kind}[{index}] starts with {first.group(1)!r}; "
                f"ask how or what instead: {question!r}"
            )
        questions.append(question)
    return questions


