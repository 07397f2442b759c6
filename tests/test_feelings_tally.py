"""The feelings tally: counts per word, core and blame apart, most frequent first."""

from __future__ import annotations

from retro_desk.export import session_file
from retro_desk.feelings_tally import tally
from retro_desk.model import Feeling
from retro_desk.paths import resource
from retro_desk.vocabulary import FeelingWord, load_vocabulary

VOCABULARY = [
    FeelingWord("anxious", "core", "Worried."),
    FeelingWord("tired", "core", "Drained."),
    FeelingWord("vindicated", "blame", "Proven right."),
    FeelingWord("they had it coming", "blame", "Deserved it."),
]


def test_counts_most_frequent_first_with_ties_alphabetical() -> None:
    feelings = [
        Feeling(words=["tired"]),
        Feeling(words=["anxious", "tired"]),
        Feeling(words=["anxious"]),
        Feeling(words=["tired"]),
    ]
    assert tally(feelings, VOCABULARY) == ([("tired", 3), ("anxious", 2)], [])


def test_blame_words_are_their_own_group() -> None:
    feelings = [
        Feeling(words=["vindicated", "anxious"], blame_feeling=True),
        Feeling(words=["they had it coming"], blame_feeling=True),
        Feeling(words=["vindicated"], blame_feeling=True),
    ]
    core, blame = tally(feelings, VOCABULARY)
    assert core == [("anxious", 1)]
    assert blame == [("vindicated", 2), ("they had it coming", 1)]


def test_case_and_spaces_are_ignored_and_vocabulary_spelling_is_shown() -> None:
    feelings = [Feeling(words=[word]) for word in (" Anxious ", "ANXIOUS", "anxious")]
    assert tally(feelings, VOCABULARY) == ([("anxious", 3)], [])


def test_free_words_count_as_core_in_their_first_spelling() -> None:
    feelings = [Feeling(words=["Hungry"]), Feeling(words=["hungry", "tired"])]
    assert tally(feelings, VOCABULARY) == ([("Hungry", 2), ("tired", 1)], [])


def test_a_word_twice_in_one_entry_counts_once_and_empty_words_not_at_all() -> None:
    feelings = [Feeling(words=["tired", "Tired", "", "  "])]
    assert tally(feelings, VOCABULARY) == ([("tired", 1)], [])


def test_nothing_recorded_gives_two_empty_groups() -> None:
    assert tally([], VOCABULARY) == ([], [])


def test_sample_retro_with_the_shipped_vocabulary() -> None:
    retro = session_file.read_file(resource("sample_retro.json"))
    core, blame = tally(retro.feelings, load_vocabulary())
    assert sum(count for _, count in core) == 9
    assert [word for word, _ in blame] == [
        "blaming",
        "defensive",
        "self-blame",
        "vindicated",
    ]
    assert ("overwhelmed", 1) in core
