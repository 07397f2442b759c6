"""Blame-language reflection: find phrases that frame an incident as someone's fault."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any, Literal, cast

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

Subject = Literal["any", "person", "not-thing"]
SUBJECTS: tuple[Subject, ...] = ("any", "person", "not-thing")
RULES_FILENAME = "blame_rules.toml"

_RULE_KEYS = frozenset(
    {
        "id",
        "category",
        "pattern",
        "prompt",
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
        quiet_in_questions=quiet,
        unless_preceded_by=_optional_regex(table, "unless_preceded_by", fragments, check_patterns),
        unless_in_sentence=_optional_regex(table, "unless_in_sentence", fragments, check_patterns),
    )
    if not check_patterns:
        return rule
    compiled = _CompiledRule(rule)
    try:
        empty = compiled.regex.match("") is not None
        _ = compiled.unless_preceded_by, compiled.unless_in_sentence
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

    fragments = dict(base_fragments)
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

    subjects = data.get("subjects", {})
    if not isinstance(subjects, dict):
        parsed.problems.append(f"{label}: [subjects] must be a table")
        subjects = {}
    for kind, target in (("people", parsed.people), ("things", parsed.things)):
        words = _string_list(subjects.get(kind, []))
        if words is None:
            parsed.problems.append(f"{label}: subjects.{kind} must be a list of words")
        else:
            target.update(word.lower() for word in words)

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


# --- finding keywords that every match of a pattern must contain ----------------------------
#
# Running ~100 case-insensitive regular expressions over a long text is slow, because Python's
# engine skips ahead quickly only for a case-sensitive literal prefix. So each pattern is read
# once for keywords, words that any match must contain; one pass over a byte copy of the text
# finds where they start a word, and a rule's full pattern is tried only there.

# Rough word frequencies, to choose keywords that occur rarely in ordinary text. A keyword is
# found as the start of a word, so a short one stands for every word beginning with it.
_VERY_COMMON_WORDS = frozenset(
    "the and but for with from are was were been its this that these those there she they you "
    "him her them our your their his have has had does did not would could".split()
)
_COMMON_WORDS = frozenset(
    "being here done all any some one only just then than when what who how why which should "
    "will can may might must up out about into over after before time back get got make made "
    "see know tell think look come take want give use find work call try ask need feel keep let "
    "seem help show hear run move set change follow stop read never because down right good new "
    "first last long same other next able thing things way day people problem error check test "
    "alert team".split()
)
# A keyword that does not start its match costs a search around each occurrence instead of a
# single match attempt there.
_SEARCH_COST = 5
_QUANTIFIER = re.compile(r"\{(\d*)(?:,(\d*))?\}")

# One parsed element of a pattern: its kind (char, gap between words, other, zero-width,
# boundary or group), its content (a lower-cased character, or a group's branches) and whether
# it must occur at least once.
_Item = tuple[str, Any, bool]
_Keywords = frozenset[tuple[str, bool]]


def _group_end(pattern: str, index: int) -> int:
    """Index just past the ')' closing the group whose content starts at index."""
    depth = 1
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    raise ValueError("unbalanced parenthesis")


def _class_end(pattern: str, index: int) -> int:
    index += 1
    if index < len(pattern) and pattern[index] == "^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1
    while index < len(pattern):
        if pattern[index] == "\\":
            index += 2
            continue
        if pattern[index] == "]":
            return index + 1
        index += 1
    raise ValueError("unterminated character class")


def _parse_branches(pattern: str, index: int) -> tuple[list[list[_Item]], int]:
    branches: list[list[_Item]] = []
    items: list[_Item] = []
    while index < len(pattern):
        char = pattern[index]
        if char == ")":
            break
        if char == "|":
            branches.append(items)
            items = []
            index += 1
        elif char == "(":
            item, index = _parse_group(pattern, index)
            items.append(item)
        elif char == "[":
            end = _class_end(pattern, index)
            items.append(_class_item(pattern[index + 1 : end - 1]))
            index = end
        elif char == "\\":
            item, index = _parse_escape(pattern, index)
            items.append(item)
        elif char in "^$":
            items.append(("zero", None, True))
            index += 1
        elif char == ".":
            items.append(("other", None, True))
            index += 1
        elif char in "*+?" or (char == "{" and _QUANTIFIER.match(pattern, index)):
            index = _quantify(pattern, index, items)
        else:
            items.append(_literal(char))
            index += 1
    branches.append(items)
    return branches, index


def _literal(char: str) -> _Item:
    if char.isalnum() or char == "_":
        return ("char", char.lower(), True)
    return ("gap", None, True)


def _class_item(members: str) -> _Item:
    r"""A class of non-word characters only, like [\s-], separates words; any other is opaque."""
    if members.startswith("^"):
        return ("other", None, True)
    index = 0
    while index < len(members):
        if members[index] == "\\":
            escaped = members[index + 1 : index + 2]
            if escaped.isalnum() and escaped not in ("s", "W"):
                return ("other", None, True)
            index += 2
            continue
        if members[index].isalnum() or members[index] == "_":
            return ("other", None, True)
        index += 1
    return ("gap", None, True)


def _parse_group(pattern: str, index: int) -> tuple[_Item, int]:
    end = _group_end(pattern, index + 1)
    if pattern.startswith(("(?=", "(?!", "(?<=", "(?<!", "(?#"), index):
        return ("zero", None, True), end
    body = index + 1
    if pattern.startswith("(?P<", index):
        body = pattern.index(">", index) + 1
    elif pattern.startswith("(?:", index):
        body = index + 3
    elif pattern.startswith("(?", index):
        flags = re.match(r"\(\?([a-zA-Z-]*)([:)])", pattern[index:])
        if flags is None or flags.group(2) == ")" or "x" in flags.group(1):
            # Global flags, verbose groups and conditionals: treat as opaque.
            return ("other", None, True), end
        body = index + flags.end()
    branches, close = _parse_branches(pattern, body)
    if close != end - 1:
        raise ValueError("unbalanced parenthesis")
    return ("group", branches, True), end


def _parse_escape(pattern: str, index: int) -> tuple[_Item, int]:
    if index + 1 >= len(pattern):
        raise ValueError("trailing backslash")
    char = pattern[index + 1]
    if char == "b":
        return ("boundary", None, True), index + 2
    if char in "BAZ":
        return ("zero", None, True), index + 2
    if char in "sW":
        return ("gap", None, True), index + 2
    if char.isdigit():
        end = index + 2
        while end < len(pattern) and pattern[end].isdigit():
            end += 1
        return ("other", None, True), end
    if char.isalnum():
        width = {"x": 2, "u": 4, "U": 8}.get(char, 0)
        if char == "N":
            width = pattern.index("}", index) - index - 1
        return ("other", None, True), index + 2 + width
    return _literal(char), index + 2


def _quantify(pattern: str, index: int, items: list[_Item]) -> int:
    char = pattern[index]
    if char == "{":
        match = _QUANTIFIER.match(pattern, index)
        assert match is not None
        at_least = int(match.group(1) or 0)
        exact = match.group(2) is None and at_least == 1
        index = match.end()
    else:
        at_least = 0 if char in "*?" else 1
        exact = False
        index += 1
    if index < len(pattern) and pattern[index] in "?+":
        index += 1  # lazy or possessive: the same characters are required
    if items and not exact:
        kind, content, _ = items[-1]
        if kind == "char":
            # A repeated or optional character no longer belongs to a fixed run of letters.
            items[-1] = ("other", None, at_least > 0)
        else:
            items[-1] = (kind, content, at_least > 0)
    return index


def _frequency(word: str) -> int:
    if len(word) == 1:
        return 1000
    if len(word) == 2 or word in _VERY_COMMON_WORDS:
        return 200
    return 20 if len(word) == 3 or word in _COMMON_WORDS else 1


def _cost(keywords: _Keywords) -> tuple[int, int]:
    """Estimated work to find candidates with these keywords; lower is better."""
    work = sum(_frequency(word) * (1 if leading else _SEARCH_COST) for word, leading in keywords)
    return work, -min(len(word) for word, _ in keywords)


def _minimal(keywords: _Keywords) -> _Keywords:
    """Drop words that start with another word of the set that finds them just as well."""
    return frozenset(
        (word, lead)
        for word, lead in keywords
        if not any(
            other != word and word.startswith(other) and (lead or not other_lead)
            for other, other_lead in keywords
        )
    )


def _ends_with_gap(branches: list[list[_Item]]) -> bool:
    for items in branches:
        consuming = [item for item in items if item[0] not in ("zero", "boundary")]
        if not consuming or consuming[-1][0] != "gap" or not consuming[-1][2]:
            return False
    return True


def _best_in_branches(
    branches: list[list[_Item]], leading: bool, initial: bool
) -> _Keywords | None:
    found: set[tuple[str, bool]] = set()
    for items in branches:
        best = _best_in_sequence(items, leading, initial)
        if best is None:
            return None
        found |= best
    return _minimal(frozenset(found))


def _best_in_sequence(items: list[_Item], leading: bool, initial: bool) -> _Keywords | None:
    candidates: list[_Keywords] = []
    run = ""
    run_leading = False
    at_start, word_start = leading, initial

    def flush() -> None:
        if run:
            candidates.append(frozenset({(run, run_leading)}))

    for kind, content, required in items:
        if kind == "char":
            # Only a run that begins a word can be found by the word-start trigger pass.
            if run or word_start:
                if not run:
                    run_leading = at_start
                run += content
            at_start = word_start = False
            continue
        flush()
        run = ""
        if kind == "zero":
            continue
        if kind == "boundary":
            word_start = True
            continue
        if kind == "group":
            if required:
                best = _best_in_branches(content, at_start, word_start)
                if best:
                    candidates.append(best)
            # "(?:so\s+)?obvious": whether or not the group is there, a word starts after it.
            word_start = _ends_with_gap(content) and (required or word_start)
        else:
            word_start = required and kind == "gap"
        at_start = False
    flush()
    return min(candidates, key=_cost) if candidates else None


def _keywords(pattern: str) -> _Keywords | None:
    """Lower-case runs of word characters, each starting a word, one of which every match has.

    Each word comes with whether it starts the match. None when no such words are found.
    """
    try:
        branches, end = _parse_branches(pattern, 0)
    except ValueError:
        return None
    if end != len(pattern):
        return None
    return _best_in_branches(branches, True, True)


# --- matching -------------------------------------------------------------------------------

# How far from a keyword that is not its first word a match may begin or end.
_REACH = 60
# How far around a phrase to look for its sentence, and back for its subject or a negation.
_SENTENCE_REACH = 400
_LOOKBACK = 80
_SUBJECT_WORDS = 6


class _Context:
    """The patterns that read the text around a phrase, compiled when first used: this module
    is imported on the way to the window's first paint, which needs none of them."""

    @cached_property
    def sentence_break(self) -> re.Pattern[str]:
        return re.compile(
            r"[.!?…]+[\"'’”)\]]*(?:\s+|\Z)|\n[ \t]*\n\s*|\n(?=[ \t]*(?:[-*•]|\d+[.)])\s)"
        )

    @cached_property
    def question_end(self) -> re.Pattern[str]:
        return re.compile(r"\?[\"'’”)\]]*\s*\Z")

    @cached_property
    def blaming_question(self) -> re.Pattern[str]:
        """Questions that blame rather than ask: why/who, "Shouldn't they…?", "How could…?"."""
        return re.compile(
            r"\W*(?:(?:so|and|but|ok|okay|well|now|then|honestly|seriously|really)\W+)*"
            r"(?:why|who|whose|whom"
            r"|(?:should|could|would|did|was|were|is|are|do|does|had|have|has|wo|ca)n['’]?t"
            r"|how\s+(?:come|on\s+earth"
            r"|could\s+(?:they|he|she|you|anyone|anybody|someone|nobody|no\s*one)))\b",
            re.IGNORECASE,
        )

    @cached_property
    def word(self) -> re.Pattern[str]:
        return re.compile(r"[^\W\d_][\w'’-]*")


_CONTEXT = _Context()

# Words that say nothing about who or what the subject is.
_FUNCTION_WORDS = frozenset(
    "the a an this that these those our their his your my and or but then also just still again "
    "once twice already later finally eventually never ever not had has have having was were is "
    "are be been being did does do will would could should might may must can shall when while "
    "after before because since so if as at in on of for with by from into during over under "
    "about new old first second last same other both all each every any some many few several "
    "entire whole only even yesterday today tonight tomorrow there here where why how what "
    "however meanwhile instead though although until till too very quite".split()
)


# Maps each Latin-1 byte to itself if it is a word character, and to a space otherwise.
_SCAN_TABLE = bytes(code if chr(code).isalnum() or code == 0x5F else 0x20 for code in range(256))


def _scan_text(text: str) -> bytes:
    """Text as one byte per character, lower-cased, with a space wherever a word can start.

    Searching bytes for " keyword" lets the regex engine skip ahead at C speed. Offsets are
    those of text plus one: the leading space stands for the start of the text. Letters outside
    Latin-1 become spaces too, which only adds positions that the full patterns then reject.
    """
    lowered = text.lower()
    if len(lowered) != len(text):
        # Only U+0130 (İ) lower-cases to two characters; offsets must stay aligned.
        lowered = text.replace("\u0130", "i").lower()
    return b" " + lowered.encode("latin-1", "replace").translate(_SCAN_TABLE)


def _scannable(keywords: _Keywords | None) -> list[tuple[bytes, bool]] | None:
    if keywords is None:
        return None
    try:
        return [(word.encode("latin-1"), leading) for word, leading in keywords]
    except UnicodeEncodeError:
        return None


def _trie_pattern(words: Sequence[str]) -> str:
    """A regex matching the longest of words at a position, with a group per shared prefix."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return "(?:" + body + ")?"
        return body

    return emit(root)


class _CompiledRule:
    """A rule's patterns, compiled when first needed: most rules never meet their keywords in
    a given text, and compiling all of them up front was a fifth of the app's start-up."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(rf"(?<!\w)(?:{self.rule.pattern})(?!\w)", re.IGNORECASE)

    @cached_property
    def unless_preceded_by(self) -> re.Pattern[str] | None:
        pattern = self.rule.unless_preceded_by
        return re.compile(rf"(?:{pattern})\s*\Z", re.IGNORECASE) if pattern else None

    @cached_property
    def unless_in_sentence(self) -> re.Pattern[str] | None:
        pattern = self.rule.unless_in_sentence
        return re.compile(pattern, re.IGNORECASE) if pattern else None

    @cached_property
    def keywords(self) -> _Keywords | None:
        return _keywords(self.rule.pattern)


class Matcher:
    """Finds blame phrases with one set of rules, compiled once."""

    def __init__(self, rules: RuleSet) -> None:
        self._rules = rules
        self._compiled = [_CompiledRule(rule) for rule in rules.rules]
        by_word: dict[bytes, list[tuple[int, bool]]] = {}
        self._unanchored: list[int] = []
        for index, compiled in enumerate(self._compiled):
            words = _scannable(compiled.keywords)
            if words is None:
                self._unanchored.append(index)
                continue
            for word, leading in words:
                by_word.setdefault(word, []).append((index, leading))
        # The trigger pass reports the longest keyword at a position; every shorter keyword
        # that is a prefix of it occurs there too.
        self._by_word = {
            word: tuple(
                entry
                for length in range(1, len(word) + 1)
                for entry in by_word.get(word[:length], ())
            )
            for word in by_word
        }
        trie = _trie_pattern(sorted(word.decode("latin-1") for word in by_word))
        self._trigger = re.compile(b" (" + trie.encode("latin-1") + b")") if by_word else None

    @property
    def rules(self) -> RuleSet:
        return self._rules

    def find(self, text: str) -> list[Finding]:
        """Blame phrases in text, sorted by start, never overlapping."""
        return self.find_each((text,))[0]

    def find_each(self, texts: Sequence[str]) -> list[list[Finding]]:
        """find() of each text, with one keyword pass over all of them: a retro has thousands
        of short texts, and starting a pass for each took longer than the pass itself."""
        spans = self._spans(texts)
        return [
            self._findings(text, spans[index]) if index in spans else []
            for index, text in enumerate(texts)
        ]

    def _spans(self, texts: Sequence[str]) -> dict[int, set[tuple[int, int, int]]]:
        """For each text with a match, (start, end, rule index) of every match in it, before
        context is considered."""
        spans: dict[int, set[tuple[int, int, int]]] = {}
        if self._trigger is not None:
            by_word, compiled = self._by_word, self._compiled
            # Texts are joined by a line break, which the byte copy turns into a space: a
            # keyword found in the joined copy starts a word in exactly one text, at the same
            # offset as in that text alone. Patterns are then tried on that text alone.
            ends = list(accumulate(len(text) + 1 for text in texts))
            for match in self._trigger.finditer(_scan_text("\n".join(texts))):
                at = match.start(1) - 1
                index = bisect_right(ends, at)
                text = texts[index]
                position = at - ends[index - 1] if index else at
                for rule, leading in by_word[match.group(1)]:
                    regex = compiled[rule].regex
                    if leading:
                        found = regex.match(text, position)
                        if found is not None and found.end() > position:
                            spans.setdefault(index, set()).add((position, found.end(), rule))
                    else:
                        low, high = max(0, position - _REACH), min(len(text), position + _REACH)
                        for start, end in _scan(regex, text, low, high):
                            spans.setdefault(index, set()).add((start, end, rule))
        for rule in self._unanchored:
            regex = self._compiled[rule].regex
            for index, text in enumerate(texts):
                for start, end in _scan(regex, text, 0, len(text)):
                    spans.setdefault(index, set()).add((start, end, rule))
        return spans

    def _findings(self, text: str, spans: set[tuple[int, int, int]]) -> list[Finding]:
        candidates = [
            (start, end, rule)
            for start, end, rule in spans
            if self._applies(self._compiled[rule], text, start, end)
        ]
        return [
            Finding(start, end, rule.category, text[start:end], rule.prompt, rule.id)
            for start, end, rule in self._without_overlaps(candidates)
        ]

    def _applies(self, compiled: _CompiledRule, text: str, start: int, end: int) -> bool:
        rule = compiled.rule
        if compiled.unless_preceded_by is not None and compiled.unless_preceded_by.search(
            text, max(0, start - _LOOKBACK), start
        ):
            return False
        if not (rule.quiet_in_questions or compiled.unless_in_sentence or rule.subject != "any"):
            return True
        sentence_start, sentence_end = _sentence(text, start, end)
        if rule.quiet_in_questions and _is_asking(text[sentence_start:sentence_end]):
            return False
        if compiled.unless_in_sentence is not None and compiled.unless_in_sentence.search(
            text, sentence_start, sentence_end
        ):
            return False
        if rule.subject == "any":
            return True
        subject = self._subject(text[max(sentence_start, start - _LOOKBACK) : start])
        return subject == "person" if rule.subject == "person" else subject != "thing"

    def _subject(self, before: str) -> str:
        """'person', 'thing' or 'unknown', from the nearest telling word before a phrase."""
        for word in reversed(_CONTEXT.word.findall(before)[-_SUBJECT_WORDS:]):
            key = word.lower()
            if key.endswith(("n't", "n’t")) or key.endswith("ly") or key in _FUNCTION_WORDS:
                continue
            key = re.split(r"['’]", key)[0]
            if key in self._rules.people:
                return "person"
            if key in self._rules.things:
                return "thing"
            if word[0].isupper() and not word.isupper():
                return "person"  # a name
        return "unknown"

    def _without_overlaps(
        self, candidates: list[tuple[int, int, int]]
    ) -> Iterator[tuple[int, int, Rule]]:
        # Longest first, so where rules overlap the most specific phrase wins; ties go to the
        # earlier start, then to the rule listed first.
        candidates.sort(key=lambda span: (span[0] - span[1], span[0], span[2]))
        starts: list[int] = []
        kept: list[tuple[int, int, int]] = []
        for start, end, index in candidates:
            at = bisect_left(starts, start)
            if at > 0 and kept[at - 1][1] > start:
                continue
            if at < len(kept) and kept[at][0] < end:
                continue
            starts.insert(at, start)
            kept.insert(at, (start, end, index))
        for start, end, index in kept:
            yield start, end, self._compiled[index].rule


def _scan(regex: re.Pattern[str], text: str, low: int, high: int) -> Iterator[tuple[int, int]]:
    position = low
    while position < high:
        found = regex.search(text, position, high)
        if found is None:
            return
        start = found.start()
        # The window's end can cut a match short; match again against the whole text.
        whole = regex.match(text, start)
        if whole is not None and whole.end() > start:
            yield start, whole.end()
        position = start + 1


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    sentence_start = max(0, start - _SENTENCE_REACH)
    for found in _CONTEXT.sentence_break.finditer(text, sentence_start, start):
        sentence_start = found.end()
    after = _CONTEXT.sentence_break.search(text, end, end + _SENTENCE_REACH)
    return sentence_start, after.end() if after else min(len(text), end + _SENTENCE_REACH)


def _is_asking(sentence: str) -> bool:
    """A genuine question (how/what…), as opposed to a statement or a blaming question."""
    if not _CONTEXT.question_end.search(sentence):
        return False
    return not _CONTEXT.blaming_question.match(sentence)


# --- the matcher behind find_blame -------------------------------------------------------------

# What configure() chose (None: the built-in rules), and its matcher once one is needed.
# Building a matcher reads every pattern for keywords and compiles the keyword pass; that
# waits for the first text to check, so configure() stays cheap on the way to the first paint.
_configured_rules: RuleSet | None = None
_matcher: Matcher | None = None
# The findings of the texts find_blame_each was last given. The reflection panel checks the
# whole retro again after each edit, and an export checks what the panel has just checked:
# only texts that changed need the matcher.
_remembered: dict[str, list[Finding]] = {}


@lru_cache(maxsize=1)
def _builtin_matcher() -> Matcher:
    return Matcher(builtin_rules())


def configure(user_file: Path | None) -> list[str]:
    """Make find_blame use the built-in rules adjusted by user_file; return any warnings.

    Called once from main() with user_rules_path(user_config_dir()); None means built-ins only.
    The user's file is read and checked here, so its warnings come at once; the rules are
    compiled when find_blame is first called.
    """
    global _configured_rules, _matcher, _remembered
    warnings: list[str] = []
    rules: RuleSet | None = None
    if user_file is not None:
        user, warnings = load_user_rules(user_file)
        if user != UserRules():
            rules, warnings = _merged(builtin_rules(), user, user_file, warnings)
    _configured_rules, _matcher, _remembered = rules, None, {}
    return warnings


def _current_matcher() -> Matcher:
    global _matcher
    if _matcher is None:
        _matcher = _builtin_matcher() if _configured_rules is None else Matcher(_configured_rules)
    return _matcher


def find_blame(text: str) -> list[Finding]:
    """Blame phrases in text, sorted by start and never overlapping."""
    return _current_matcher().find(text)


def find_blame_each(texts: Sequence[str]) -> list[list[Finding]]:
    """find_blame of each text, much faster for many short texts; fastest for texts that were
    in the previous call too."""
    global _remembered
    known = {text: _remembered[text] for text in texts if text in _remembered}
    new = [text for text in dict.fromkeys(texts) if text not in known]
    known.update(zip(new, _current_matcher().find_each(new), strict=True))
    _remembered = known
    # Copies, so that a caller changing its list cannot change what is remembered.
    return [list(known[text]) for text in texts]
