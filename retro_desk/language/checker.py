"""A checker: one set of rules, its matcher (built when first needed) and what it has found."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from retro_desk.language.matcher import Matcher
from retro_desk.language.rules import (
    Finding,
    RuleSet,
    UserRules,
    builtin_rules,
    load_user_rules,
    merge_rules,
)


@lru_cache(maxsize=1)
def builtin_matcher() -> Matcher:
    """The matcher of the built-in rules, shared by every checker that uses them unchanged."""
    return Matcher(builtin_rules())


class Checker:
    """Finds blame phrases with the built-in rules, or with rules adjusted by a user's file.

    Building a matcher reads every pattern for keywords and compiles the keyword pass; that waits
    for the first text to check, so making a checker stays cheap on the way to the first paint.
    """

    def __init__(self, rules: RuleSet | None = None) -> None:
        self._rules = rules
        self._matcher: Matcher | None = None
        # The findings of the texts find_each was last given. The reflection panel checks the
        # whole retro again after each edit, and an export checks what the panel has just
        # checked: only texts that changed need the matcher.
        self._remembered: dict[str, list[Finding]] = {}

    @classmethod
    def from_user_file(cls, user_file: Path | None) -> tuple[Checker, list[str]]:
        """A checker with the built-in rules adjusted by user_file (None: built-ins only), and
        a message for each problem in the file. A file that changes nothing keeps the shared
        built-in matcher."""
        if user_file is None:
            return cls(), []
        user, warnings = load_user_rules(user_file)
        if user == UserRules():
            return cls(), warnings
        rules, merge_warnings = merge_rules(builtin_rules(), user)
        return cls(rules), warnings + [f"{user_file}: {warning}" for warning in merge_warnings]

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            self._matcher = builtin_matcher() if self._rules is None else Matcher(self._rules)
        return self._matcher

    def find(self, text: str) -> list[Finding]:
        """Blame phrases in text, sorted by start and never overlapping."""
        return self.matcher.find(text)

    def find_each(self, texts: Sequence[str]) -> list[list[Finding]]:
        """find() of each text, much faster for many short texts; fastest for texts that were
        in the previous call too."""
        known = {text: self._remembered[text] for text in texts if text in self._remembered}
        new = [text for text in dict.fromkeys(texts) if text not in known]
        known.update(zip(new, self.matcher.find_each(new), strict=True))
        self._remembered = known
        # Copies, so that a caller changing its list cannot change what is remembered.
        return [list(known[text]) for text in texts]

    def forget(self) -> None:
        """Check every text afresh next time (a benchmark's first export)."""
        self._remembered = {}
        self.matcher.forget()
