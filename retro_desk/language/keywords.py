"""Keywords of a rule's pattern: words every match must contain, found by one fast pass."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

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
Keywords = frozenset[tuple[str, bool]]


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
    if all(kind in ("zero", "boundary") for items in branches for kind, _, _ in items):
        # "(?:(?<=was )|(?<=is ))": a choice of look-behinds consumes nothing either.
        return ("zero", None, True), end
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
    if " " in word:
        return 1
    if len(word) == 1:
        return 1000
    if len(word) == 2 or word in _VERY_COMMON_WORDS:
        return 200
    return 20 if len(word) == 3 or word in _COMMON_WORDS else 1


def _cost(keywords: Keywords) -> tuple[int, int]:
    """Estimated work to find candidates with these keywords; lower is better."""
    work = sum(_frequency(word) * (1 if leading else _SEARCH_COST) for word, leading in keywords)
    return work, -min(len(word) for word, _ in keywords)


def _minimal(keywords: Keywords) -> Keywords:
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
) -> Keywords | None:
    found: set[tuple[str, bool]] = set()
    for items in branches:
        best = _best_in_sequence(items, leading, initial)
        if best is None:
            return None
        found |= best
    return _minimal(frozenset(found))


def _best_in_sequence(items: list[_Item], leading: bool, initial: bool) -> Keywords | None:
    candidates: list[Keywords] = []
    run = ""
    run_leading = False
    at_start, word_start = leading, initial

    def flush() -> None:
        if run:
            candidates.append(frozenset({(run, run_leading)}))

    spaced = False
    for kind, content, required in items:
        if kind == "char":
            # Only a run that begins a word can be found by the word-start trigger pass.
            if run and spaced:
                run += " "
            elif not run and word_start:
                run_leading = at_start
            if run or word_start:
                run += content
            at_start = word_start = spaced = False
            continue
        flush()
        if kind == "gap" and required and run and not spaced:
            # "about\s+time": the run goes on as "about time", which is far rarer than
            # "about"; the trigger pass finds it with any spaces in between.
            spaced = word_start = True
            at_start = False
            continue
        run = ""
        spaced = False
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


def keywords(pattern: str) -> Keywords | None:
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


def trie_pattern(words: Sequence[str]) -> str:
    """A regex matching the longest of words at a position, with a group per shared prefix. A
    space in a word stands for one or more spaces."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [
            (" +" if char == " " else re.escape(char)) + emit(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return "(?:" + body + ")?"
        return body

    return emit(root)
