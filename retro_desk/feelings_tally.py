"""Counting the words of a feelings round, core and blame apart, most frequent first."""

from __future__ import annotations

from collections.abc import Iterable

from retro_desk.model import Feeling
from retro_desk.vocabulary import FeelingWord

Counts = list[tuple[str, int]]


def tally(feelings: Iterable[Feeling], vocabulary: Iterable[FeelingWord]) -> tuple[Counts, Counts]:
    """(core, blame) word counts; free words count as core, ties in alphabetical order.

    Words are compared without regard to case or surrounding spaces, and shown as the
    vocabulary spells them (a free word as it was first typed).
    """
    known = {word.word.casefold(): word for word in vocabulary}
    spelling: dict[str, str] = {}
    counts: dict[str, int] = {}
    for feeling in feelings:
        # A word picked twice in one entry is one person's feeling, counted once.
        for folded, shown in {w.strip().casefold(): w.strip() for w in feeling.words}.items():
            if not folded:
                continue
            spelling.setdefault(folded, known[folded].word if folded in known else shown)
            counts[folded] = counts.get(folded, 0) + 1
    ordered = sorted(counts, key=lambda folded: (-counts[folded], folded))
    core = [(spelling[f], counts[f]) for f in ordered if not _is_blame(f, known)]
    blame = [(spelling[f], counts[f]) for f in ordered if _is_blame(f, known)]
    return core, blame


def _is_blame(folded: str, known: dict[str, FeelingWord]) -> bool:
    return folded in known and known[folded].group == "blame"
