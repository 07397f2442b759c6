"""Blame-language reflection: find phrases that frame an incident as someone's fault.

The one face the rest of the app uses: find_blame (and find_blame_each for many texts) with the
rules chosen by configure(), which main() calls once with the user's rules file. Everything
else is a Checker: tests and tools make their own instead of changing the app's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from retro_desk.language.checker import Checker
from retro_desk.language.matcher import Matcher
from retro_desk.language.rules import (
    CATEGORIES,
    CATEGORY_TITLES,
    RULES_FILENAME,
    Finding,
    Rule,
    RuleSet,
    UserRules,
    builtin_rules,
    category_prompt,
    category_title,
    load_rules,
    load_user_rules,
    merge_rules,
    user_rules_path,
)

__all__ = [
    "CATEGORIES",
    "CATEGORY_TITLES",
    "RULES_FILENAME",
    "Checker",
    "Finding",
    "Matcher",
    "Rule",
    "RuleSet",
    "UserRules",
    "builtin_rules",
    "category_prompt",
    "category_title",
    "configure",
    "configured",
    "current_checker",
    "find_blame",
    "find_blame_each",
    "load_rules",
    "load_user_rules",
    "merge_rules",
    "user_rules_path",
]


class _App:
    """The checker find_blame uses: the one place the app's choice of rules is kept."""

    checker = Checker()


def current_checker() -> Checker:
    return _App.checker


def configure(user_file: Path | None) -> list[str]:
    """Make find_blame use the built-in rules adjusted by user_file; return any warnings.

    Called once from main() with user_rules_path(user_config_dir()); None means built-ins only.
    The user's file is read and checked here, so its warnings come at once; the rules are
    compiled when find_blame is first called.
    """
    _App.checker, warnings = Checker.from_user_file(user_file)
    return warnings


@contextmanager
def configured(user_file: Path | None) -> Iterator[list[str]]:
    """configure(user_file) for the length of a with block, then the rules in use before."""
    before = _App.checker
    try:
        yield configure(user_file)
    finally:
        _App.checker = before


def find_blame(text: str) -> list[Finding]:
    """Blame phrases in text, sorted by start and never overlapping."""
    return _App.checker.find(text)


def find_blame_each(texts: Sequence[str]) -> list[list[Finding]]:
    """find_blame of each text, much faster for many short texts; fastest for texts that were
    in the previous call too."""
    return _App.checker.find_each(texts)
