"""Blame-language rules: the categories, the rule and finding types, and reading rule files."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast

from retro_desk.language.keywords import trie_pattern
from retro_desk.paths import resource

CATEGORIES: tuple[str, ...] = (
    "counterfactual",
    "hindsight",
    "character",
    "human_error",
    "single_cause",
    "choice",
    "minimising",
    "distancing",
    "retributive",
)
CATEGORY_TITLES: dict[str, str] = {
    "counterfactual": "Counterfactual",
    "hindsight": "Hindsight",
    "character": "Character judgement",
    "human_error": "Human error",
    "single_cause": "Single cause",
    "choice": "Choice framing",
    "minimising": "Minimising",
    "distancing": "Distancing",
    "retributive": "Retribution",
}
_CATEGORY_PROMPTS: dict[str, str] = {
    "counterfactual": (
        "What did they actually do, and how did it make sense to them at that moment?"
    ),
    "hindsight": "What could they see at that moment, before anyone knew how it would end?",
    "character": "What about the situation made that the reasonable thing to do?",
    "human_error": (
        "What in the tools and the situation made this action easy to take and hard to catch?"
    ),
    "single_cause": "What else had to be true for this to happen?",
    "choice": (
        "What did they know, and what were they trying to achieve, when they made that call?"
    ),
    "minimising": "What made it harder at the time than it looks from here?",
    "distancing": "What in our own systems and habits could lead us to something similar?",
    "retributive": (
        "What are you feeling about this, and what would help us learn from it together?"
    ),
}

Subject = Literal["any", "person", "others", "not-thing", "human-act"]
SUBJECTS: tuple[Subject, ...] = ("any", "person", "others", "not-thing", "human-act")
RULES_FILENAME = "blame_rules.toml"

_RULE_KEYS = frozenset(
    {
        "id",
        "category",
        "pattern",
        "prompt",
        "prompt_negated",
        "why",
        "subject",
        "quiet_in_questions",
        "unless_preceded_by",
        "unless_in_sentence",
    }
)
_FILE_KEYS = frozenset({"rule", "silence", "fragments", "subjects"})


def category_title(category: str) -> str:
    return CATEGORY_TITLES[category]


def category_prompt(category: str) -> str:
    """The how/what question to ask instead, for a category as a whole."""
    return _CATEGORY_PROMPTS[category]


def user_rules_path(config_dir: Path) -> Path:
    return config_dir / RULES_FILENAME


@dataclass(frozen=True)
class Finding:
    """A blame phrase: text[start:end] == phrase, and a how/what question to ask instead."""

    start: int
    end: int
    category: str
    phrase: str
    prompt: str
    # Not part of equality: two findings of the same phrase are the same finding to a reader,
    # whichever rule produced them; the id is there so a user can silence the rule.
    rule_id: str = field(default="", compare=False)


@dataclass(frozen=True)
class Rule:
    """One way of talking that frames blame; see resources/blame_rules.toml for the keys."""

    id: str
    category: str
    pattern: str
    prompt: str
    why: str = ""
    subject: Subject = "any"
    prompt_negated: str | None = None
    quiet_in_questions: bool = False
    unless_preceded_by: str | None = None
    unless_in_sentence: str | None = None


@dataclass(frozen=True)
class RuleSet:
    """Rules in order, with the words that tell a person from a thing as a subject."""

    rules: tuple[Rule, ...]
    people: frozenset[str]
    things: frozenset[str]


@dataclass(frozen=True)
class UserRules:
    """What a user's rules file adds to, or silences in, the built-in rules."""

    rules: tuple[Rule, ...] = ()
    silence: tuple[str, ...] = ()
    people: frozenset[str] = frozenset()
    things: frozenset[str] = frozenset()


# --- reading rule files ---------------------------------------------------------------------


class _Problem(ValueError):
    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


@dataclass
class _ParsedFile:
    rules: list[Rule]
    silence: list[str]
    people: set[str]
    things: set[str]
    problems: list[str]


_FRAGMENT_REF = re.compile(r"(?<!\\)\{([a-z_]+)\}")
_RULE_HEADER = re.compile(r"^\s*\[\[\s*rule\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[")


def _expand(pattern: str, fragments: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in fragments:
            raise _Problem(f"unknown fragment {{{name}}}", "pattern")
        return fragments[name]

    return _FRAGMENT_REF.sub(replace, pattern)


def _optional_regex(
    table: Mapping[str, Any], key: str, fragments: Mapping[str, str], check_pattern: bool
) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise _Problem(f"{key} must be a non-empty string", key)
    expanded = _expand(value, fragments)
    if check_pattern:
        try:
            re.compile(expanded)
        except re.error as error:
            raise _Problem(f"{key} is not a valid regular expression: {error}", key) from None
    return expanded


def _rule_from_table(
    table: Mapping[str, Any], fragments: Mapping[str, str], check_patterns: bool = True
) -> Rule:
    for key in ("id", "pattern", "category"):
        if key not in table:
            raise _Problem(f"missing key {key!r}")
        if not isinstance(table[key], str) or not table[key]:
            raise _Problem(f"{key} must be a non-empty string", key)
    category = table["category"]
    if category not in CATEGORIES:
        raise _Problem(
            f"unknown category {category!r} (expected one of {', '.join(CATEGORIES)})", "category"
        )
    prompt = table.get("prompt", _CATEGORY_PROMPTS[category])
    why = table.get("why", "")
    subject = table.get("subject", "any")
    quiet = table.get("quiet_in_questions", False)
    if not isinstance(prompt, str) or not prompt:
        raise _Problem("prompt must be a non-empty string", "prompt")
    negated = table.get("prompt_negated")
    if negated is not None and (not isinstance(negated, str) or not negated):
        raise _Problem("prompt_negated must be a non-empty string", "prompt_negated")
    if not isinstance(why, str):
        raise _Problem("why must be a string", "why")
    if subject not in SUBJECTS:
        raise _Problem(f"subject must be one of {', '.join(SUBJECTS)}", "subject")
    if not isinstance(quiet, bool):
        raise _Problem("quiet_in_questions must be true or false", "quiet_in_questions")
    rule = Rule(
        id=table["id"],
        category=category,
        pattern=_expand(table["pattern"], fragments),
        prompt=prompt,
        why=why,
        subject=cast(Subject, subject),
        prompt_negated=negated,
        quiet_in_questions=quiet,
        unless_preceded_by=_optional_regex(table, "unless_preceded_by", fragments, check_patterns),
        unless_in_sentence=_optional_regex(table, "unless_in_sentence", fragments, check_patterns),
    )
    if not check_patterns:
        return rule
    try:
        empty = re.compile(rf"(?:{rule.pattern})", re.IGNORECASE).match("") is not None
    except re.error as error:
        raise _Problem(f"pattern is not a valid regular expression: {error}", "pattern") from None
    if empty:
        raise _Problem("pattern matches empty text", "pattern")
    return rule


def _rule_lines(source: str) -> tuple[list[str], list[int]]:
    """Source lines, and the line number of each [[rule]] header in order."""
    lines = source.splitlines()
    headers = [number for number, line in enumerate(lines, 1) if _RULE_HEADER.match(line)]
    return lines, headers


def _line_of(lines: list[str], header: int | None, key: str | None) -> int | None:
    if header is None:
        return None
    if key is not None:
        key_line = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(header + 1, len(lines) + 1):
            line = lines[number - 1]
            if _TABLE_HEADER.match(line):
                break
            if key_line.match(line):
                return number
    return header


def _top_level_line(lines: list[str], key: str) -> int | None:
    key_line = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number, line in enumerate(lines, 1):
        if _TABLE_HEADER.match(line):
            return None
        if key_line.match(line):
            return number
    return None


def _where(label: str, line: int | None) -> str:
    return f"{label}, line {line}" if line is not None else label


def _string_list(value: object) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return cast(list[str], value)
    return None


def _parse_file(
    data: Mapping[str, Any],
    source: str,
    label: str,
    base_fragments: Mapping[str, str],
    check_patterns: bool = True,
) -> tuple[_ParsedFile, dict[str, str]]:
    lines, headers = _rule_lines(source)
    parsed = _ParsedFile(rules=[], silence=[], people=set(), things=set(), problems=[])
    for key in sorted(set(data) - _FILE_KEYS):
        where = _where(label, _top_level_line(lines, key))
        parsed.problems.append(f"{where}: unknown key {key!r} is ignored")

    subjects = data.get("subjects", {})
    if not isinstance(subjects, dict):
        parsed.problems.append(f"{label}: [subjects] must be a table")
        subjects = {}
    for kind, target in (
        ("people", parsed.people), ("names", parsed.people), ("things", parsed.things)
    ):
        words = _string_list(subjects.get(kind, []))
        if words is None:
            parsed.problems.append(f"{label}: subjects.{kind} must be a list of words")
        else:
            target.update(word.lower() for word in words)

    fragments = dict(base_fragments)
    if "someone" not in fragments and parsed.people:
        # Any word for a person, for patterns like "the root cause was {someone}".
        # A trie, not a list of alternatives: tried at every position of a search, a list of
        # hundreds of words made one rule cost more than all the others together.
        fragments["someone"] = "(?:" + trie_pattern(sorted(parsed.people)) + r")\b"
    raw_fragments = data.get("fragments", {})
    if not isinstance(raw_fragments, dict):
        parsed.problems.append(f"{label}: [fragments] must be a table of strings")
        raw_fragments = {}
    for name, text in raw_fragments.items():
        if not isinstance(text, str) or not re.fullmatch(r"[a-z_]+", name):
            parsed.problems.append(
                f"{label}: fragment {name!r} must be a string named with a-z and _"
            )
            continue
        try:
            fragments[name] = _expand(text, fragments)
        except _Problem as problem:
            parsed.problems.append(f"{label}: fragment {name!r}: {problem}")

    silence = _string_list(data.get("silence", []))
    if silence is None:
        where = _where(label, _top_level_line(lines, "silence"))
        parsed.problems.append(f"{where}: silence must be a list of rule ids")
    else:
        parsed.silence = silence

    tables = data.get("rule", [])
    if not isinstance(tables, list):
        parsed.problems.append(f"{label}: 'rule' must be written as [[rule]] tables")
        tables = []
    seen: set[str] = set()
    for index, table in enumerate(tables):
        header = headers[index] if len(headers) == len(tables) else None
        name = f"rule {index + 1}"
        if isinstance(table, dict) and isinstance(table.get("id"), str):
            name = f"rule {table['id']!r}"
        if not isinstance(table, dict):
            parsed.problems.append(f"{_where(label, header)}: {name} must be a table")
            continue
        try:
            rule = _rule_from_table(table, fragments, check_patterns)
        except _Problem as problem:
            where = _where(label, _line_of(lines, header, problem.key))
            parsed.problems.append(f"{where}: {name}: {problem}; the rule is skipped")
            continue
        if rule.id in seen:
            parsed.problems.append(
                f"{_where(label, header)}: {name} is defined twice; the second one is skipped"
            )
            continue
        seen.add(rule.id)
        for key in sorted(set(table) - _RULE_KEYS):
            where = _where(label, _line_of(lines, header, key))
            parsed.problems.append(f"{where}: {name}: unknown key {key!r} is ignored")
        parsed.rules.append(rule)
    return parsed, fragments


@lru_cache(maxsize=1)
def _builtin_file() -> tuple[RuleSet, Mapping[str, str]]:
    # Imported here and for a user's file only: a start with no user file reads no TOML
    # until the first text is checked, and importing tomllib takes a few milliseconds.
    import tomllib

    path = resource(RULES_FILENAME)
    source = path.read_text(encoding="utf-8")
    # The shipped file is part of the program: a problem in it is a bug, not a user mistake,
    # and its patterns are compiled by the tests, not at every start.
    parsed, fragments = _parse_file(
        tomllib.loads(source), source, str(path), {}, check_patterns=False
    )
    if parsed.problems:
        raise RuntimeError("broken built-in blame rules:\n" + "\n".join(parsed.problems))
    rules = RuleSet(tuple(parsed.rules), frozenset(parsed.people), frozenset(parsed.things))
    return rules, fragments


def builtin_rules() -> RuleSet:
    return _builtin_file()[0]


def load_user_rules(path: Path) -> tuple[UserRules, list[str]]:
    """Rules from a user's file, and a message for each problem in it.

    A missing file is not a problem. Any problem skips only what it concerns: a broken rule is
    left out, a file that is not valid TOML is ignored as a whole.
    """
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return UserRules(), []
    except (OSError, UnicodeDecodeError) as error:
        return UserRules(), [f"{path}: cannot be read ({error}); using the built-in rules only"]
    import tomllib  # see _builtin_file

    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        return UserRules(), [f"{path}: not valid TOML: {error}; using the built-in rules only"]
    parsed, _ = _parse_file(data, source, str(path), _builtin_file()[1])
    user = UserRules(
        rules=tuple(parsed.rules),
        silence=tuple(parsed.silence),
        people=frozenset(parsed.people),
        things=frozenset(parsed.things),
    )
    return user, parsed.problems


def merge_rules(base: RuleSet, user: UserRules) -> tuple[RuleSet, list[str]]:
    """Built-in rules with a user's additions; a user rule with a built-in id replaces it."""
    replacements = {rule.id: rule for rule in user.rules}
    merged = [replacements.pop(rule.id, rule) for rule in base.rules]
    merged.extend(rule for rule in user.rules if rule.id in replacements)
    known = {rule.id for rule in merged}
    warnings = [
        f"silence: there is no rule {rule_id!r}" for rule_id in user.silence if rule_id not in known
    ]
    silenced = set(user.silence)
    rules = tuple(rule for rule in merged if rule.id not in silenced)
    # A word the user lists on one side leaves the other, so a service named like a person
    # ("Hermes") can be declared a thing.
    people = (base.people - user.things) | user.people
    things = (base.things - user.people) | user.things
    return RuleSet(rules, people, things), warnings


def load_rules(user_file: Path | None = None) -> tuple[RuleSet, list[str]]:
    """The built-in rules, adjusted by a user's file if one is given, and any warnings."""
    base = builtin_rules()
    if user_file is None:
        return base, []
    user, warnings = load_user_rules(user_file)
    return _merged(base, user, user_file, warnings)


def _merged(
    base: RuleSet, user: UserRules, user_file: Path, warnings: list[str]
) -> tuple[RuleSet, list[str]]:
    rules, merge_warnings = merge_rules(base, user)
    return rules, warnings + [f"{user_file}: {warning}" for warning in merge_warnings]

