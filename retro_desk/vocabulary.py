"""The feelings vocabulary: the words people pick from in the feelings round, core and blame."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from retro_desk.datafiles import read_toml
from retro_desk.paths import resource

GROUPS: tuple[str, ...] = ("core", "blame")
VOCABULARY_FILE = "feelings.toml"


@dataclass(frozen=True)
class FeelingWord:
    word: str
    group: str
    description: str


def load_vocabulary(path: Path | None = None) -> list[FeelingWord]:
    """Every word in file order, core group first; the shipped vocabulary when `path` is None."""
    if path is None:
        return list(_shipped_vocabulary())
    return list(_parse(path))


def is_blame_word(word: str, vocabulary: Iterable[FeelingWord]) -> bool:
    """Whether `word` is in the blame group, ignoring case and surrounding spaces."""
    wanted = word.strip().casefold()
    return any(w.group == "blame" and w.word.casefold() == wanted for w in vocabulary)


@lru_cache(maxsize=1)
def _shipped_vocabulary() -> tuple[FeelingWord, ...]:
    # A tuple, so the cached copy cannot be changed by a caller.
    return _parse(resource(VOCABULARY_FILE))


def _parse(path: Path) -> tuple[FeelingWord, ...]:
    data = read_toml(path)
    unknown = [key for key in data if key not in GROUPS]
    if unknown:
        raise ValueError(
            f"{path}: unknown group [{unknown[0]}]; the groups are {', '.join(GROUPS)}"
        )
    words: list[FeelingWord] = []
    group_of: dict[str, str] = {}
    for group in GROUPS:
        table = data.get(group)
        if not isinstance(table, dict) or not table:
            raise ValueError(f"{path}: missing [{group}] table of words and descriptions")
        for raw_word, description in table.items():
            word = raw_word.strip()
            if not word:
                raise ValueError(f"{path}: [{group}] has an empty word")
            if not isinstance(description, str) or not description.strip():
                raise ValueError(f"{path}: [{group}] {word!r} needs a description string")
            if "\n" in description.strip():
                raise ValueError(f"{path}: [{group}] {word!r}: the description must be one line")
            folded = word.casefold()
            if folded in group_of:
                raise ValueError(
                    f"{path}: {word!r} appears twice, in [{group_of[folded]}] and [{group}]"
                )
            group_of[folded] = group
            words.append(FeelingWord(word=word, group=group, description=description.strip()))
    return tuple(words)


