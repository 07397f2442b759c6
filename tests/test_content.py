"""The shipped content files: sample retro, vocabulary, questions, prompts, ground rules."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from retro_desk.model import (
    CATEGORIES,
    KINDS,
    PHASES,
    ROTI_RANGE,
    STATUSES,
    Action,
    AgendaItem,
    Answer,
    Event,
    Feeling,
    Participant,
)
from retro_desk.paths import resource
from retro_desk.questions import (
    load_prompts,
    load_questions,
    phase_prompt,
    questions_for,
)
from retro_desk.vocabulary import FeelingWord, is_blame_word, load_vocabulary

TOP_LEVEL_KEYS = [
    "format",
    "version",
    "session",
    "participants",
    "agenda",
    "feelings",
    "timeline",
    "rationality",
    "learnings",
    "actions",
    "parking_lot",
    "closing",
]


@pytest.fixture(scope="module")
def sample() -> dict[str, Any]:
    with resource("sample_retro.json").open(encoding="utf-8") as file:
        document: dict[str, Any] = json.load(file)
    return document


def _all_texts(document: dict[str, Any]) -> list[str]:
    texts = [document["session"]["summary"], document["closing"]["notes"]]
    texts += [f["note"] for f in document["feelings"]]
    texts += [e[key] for e in document["timeline"] for key in ("description", "actor", "source")]
    texts += [a["answer"] for a in document["rationality"]]
    texts += [item["text"] for item in document["learnings"] + document["parking_lot"]]
    texts += [a["description"] for a in document["actions"]]
    return texts


# The sample retro


def test_sample_is_a_version_1_session_file(sample: dict[str, Any]) -> None:
    # DESIGN.md's keys in its order, then the one extension this sample uses.
    assert list(sample) == [*TOP_LEVEL_KEYS, "reflection_marks"]
    assert sample["format"] == "retro-desk.session"
    assert sample["version"] == 1
    session = sample["session"]
    assert session["kind"] == "own" and session["kind"] in KINDS
    assert session["status"] == "closed" and session["status"] in STATUSES
    assert session["timezone"] == "Europe/Berlin"
    assert session["source_links"] == []
    date.fromisoformat(session["incident_date"])


def test_sample_items_fit_the_domain_model(sample: dict[str, Any]) -> None:
    # Building the dataclasses fails on any misspelt or missing key.
    for p in sample["participants"]:
        Participant(key=p["id"], name=p["name"], role=p["role"])
    for item in sample["agenda"]:
        AgendaItem(**item)
    for f in sample["feelings"]:
        Feeling(**f)
    for e in sample["timeline"]:
        Event(key=e["id"], **{k: v for k, v in e.items() if k != "id"})
    for a in sample["rationality"]:
        Answer(**a)
    for a in sample["actions"]:
        Action(**a)


def test_sample_participants_and_agenda(sample: dict[str, Any]) -> None:
    keys = [p["id"] for p in sample["participants"]]
    assert 5 <= len(keys) <= 6
    assert len(set(keys)) == len(keys)
    assert all(p["name"] and p["role"] for p in sample["participants"])
    assert [a["phase"] for a in sample["agenda"]] == list(PHASES)
    assert any(a["spent_seconds"] > a["planned_seconds"] for a in sample["agenda"])


def test_sample_timeline_has_30_events_in_order(sample: dict[str, Any]) -> None:
    timeline = sample["timeline"]
    assert [e["id"] for e in timeline] == [f"e{n}" for n in range(1, 31)]
    instants = [datetime.fromisoformat(e["at"]) for e in timeline]
    assert all(at.utcoffset() == timedelta(hours=1) for at in instants)
    assert instants == sorted(instants)
    assert 5 <= sum(e["decision_point"] for e in timeline) <= 6
    assert 2 <= sum(e["learned_later"] for e in timeline) <= 3
    assert all(e["actor"] and e["description"] and e["source"] for e in timeline)


def test_sample_rationality_answers_decision_points(sample: dict[str, Any]) -> None:
    decision_points = {e["id"] for e in sample["timeline"] if e["decision_point"]}
    answered: dict[str, set[str]] = {}
    for answer in sample["rationality"]:
        assert answer["event"] in decision_points
        assert answer["category"] in CATEGORIES
        assert answer["answer"].strip()
        categories = answered.setdefault(answer["event"], set())
        assert answer["category"] not in categories, "one answer per event and category"
        categories.add(answer["category"])
    assert set(answered) == decision_points
    assert all(len(categories) >= 3 for categories in answered.values())


def test_sample_feelings_use_the_vocabulary(sample: dict[str, Any]) -> None:
    vocabulary = load_vocabulary()
    known = {w.word for w in vocabulary}
    participants = {p["id"] for p in sample["participants"]}
    for feeling in sample["feelings"]:
        assert feeling["participant"] is None or feeling["participant"] in participants
        assert feeling["words"] and set(feeling["words"]) <= known
        blame = any(is_blame_word(word, vocabulary) for word in feeling["words"])
        assert feeling["blame_feeling"] == blame
    assert sum(f["participant"] is None for f in sample["feelings"]) > len(sample["feelings"]) / 2


def test_sample_actions_parking_lot_and_closing(sample: dict[str, Any]) -> None:
    actions = sample["actions"]
    assert all(a["owner"] and date.fromisoformat(a["due"]) for a in actions)
    assert sum(a["done"] for a in actions) == 1
    assert len(sample["parking_lot"]) == 3
    assert sample["closing"]["roti"] == [4, 5, 3, 4, 4]
    assert all(vote in ROTI_RANGE for vote in sample["closing"]["roti"])
    assert sample["closing"]["notes"]


def test_sample_exercises_markdown_escaping_and_unicode(sample: dict[str, Any]) -> None:
    texts = _all_texts(sample)
    joined = "\n".join(texts)
    for needed in ("*", "|", "`", "<br>", "https://"):
        assert needed in joined, needed
    assert any(text.startswith("#") for text in texts)
    names = " ".join(p["name"] for p in sample["participants"])
    assert not names.isascii()


# The feelings vocabulary


def test_vocabulary_has_both_groups_and_unique_words() -> None:
    vocabulary = load_vocabulary()
    groups = {w.group for w in vocabulary}
    assert groups == {"core", "blame"}
    folded = [w.word.casefold() for w in vocabulary]
    assert len(set(folded)) == len(folded)
    assert all(w.description and "\n" not in w.description for w in vocabulary)
    assert {"vindicated", "defensive", "they had it coming"} <= {w.word for w in vocabulary}


def test_is_blame_word_ignores_case() -> None:
    vocabulary = load_vocabulary()
    assert is_blame_word("Vindicated", vocabulary)
    assert is_blame_word(" THEY HAD IT COMING ", vocabulary)
    assert not is_blame_word("anxious", vocabulary)
    assert not is_blame_word("not a feeling", vocabulary)


def test_vocabulary_load_returns_a_fresh_list() -> None:
    first = load_vocabulary()
    first.clear()
    assert load_vocabulary()


def test_vocabulary_from_a_user_file(tmp_path: Path) -> None:
    path = tmp_path / "feelings.toml"
    path.write_text('[core]\ncalm = "Settled."\n[blame]\nsmug = "Pleased at a failure."\n')
    assert load_vocabulary(path) == [
        FeelingWord("calm", "core", "Settled."),
        FeelingWord("smug", "blame", "Pleased at a failure."),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[core\n", "not valid TOML"),
        ('[core]\ncalm = "Settled."\n', r"missing \[blame\]"),
        ('[core]\ncalm = "x"\n[blame]\nsmug = "y"\n[joy]\nglad = "z"\n', r"unknown group \[joy\]"),
        ('[core]\ncalm = ""\n[blame]\nsmug = "y"\n', "'calm' needs a description"),
        ('[core]\ncalm = 3\n[blame]\nsmug = "y"\n', "'calm' needs a description"),
        (
            '[core]\ncalm = "x"\n[blame]\nCalm = "y"\n',
            r"'Calm' appears twice, in \[core\] and \[blame\]",
        ),
        ('[core]\ncalm = """two\nlines"""\n[blame]\nsmug = "y"\n', "must be one line"),
    ],
)
def test_malformed_vocabulary_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "feelings.toml"
    path.write_text(content)
    with pytest.raises(ValueError, match=message) as caught:
        load_vocabulary(path)
    assert str(path) in str(caught.value)


# Local-rationality questions


def test_questions_cover_every_category_in_both_wordings() -> None:
    questions = load_questions()
    assert list(questions) == list(CATEGORIES)
    for key, item in questions.items():
        assert item.key == key and item.title
        assert 2 <= len(item.own) <= 3
        assert len(item.external) == len(item.own)


def test_questions_ask_how_and_what() -> None:
    for item in load_questions().values():
        for question in item.own + item.external:
            assert not re.match(r"(why|who)\b", question, re.IGNORECASE), question
            assert question.endswith("?"), question


def test_external_questions_refer_to_the_people_responding() -> None:
    for item in load_questions().values():
        assert not any(re.search(r"\byou", q, re.IGNORECASE) for q in item.external), item.key
        assert any("the people responding" in q for q in item.external), item.key
        assert any(re.search(r"\byou", q, re.IGNORECASE) for q in item.own), item.key


def test_questions_for_picks_the_wording() -> None:
    questions = load_questions()
    assert questions_for("cues", "own") == questions["cues"].own
    assert questions_for("help", "external") == questions["help"].external
    questions_for("cues", "own").clear()
    assert questions_for("cues", "own")
    with pytest.raises(ValueError, match="unknown session kind 'theirs'"):
        questions_for("cues", "theirs")
    with pytest.raises(ValueError, match="unknown category 'blame'"):
        questions_for("blame", "own")


def _questions_toml(**overrides: str) -> str:
    tables = {
        key: f'[{key}]\ntitle = "{key}"\nown = ["What did you see?"]\n'
        'external = ["What did the people responding see?"]\n'
        for key in CATEGORIES
    }
    tables.update(overrides)
    return "\n".join(table for table in tables.values() if table)


def test_questions_from_a_user_file(tmp_path: Path) -> None:
    path = tmp_path / "questions.toml"
    path.write_text(_questions_toml())
    assert questions_for("tools", "external", load_questions(path)) == [
        "What did the people responding see?"
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"help": ""}, r"missing category \[help\]"),
        ({"extra": '[extra]\ntitle = "x"\n'}, r"unknown category \[extra\]"),
        (
            {"cues": '[cues]\ntitle = "Cues"\nown = ["Why did you?"]\nexternal = ["What?"]\n'},
            r"\[cues\] own\[0\] starts with 'Why'",
        ),
        (
            {"help": '[help]\ntitle = "Help"\nown = ["What?"]\nexternal = ["  who knew?"]\n'},
            r"\[help\] external\[0\] starts with 'who'",
        ),
        ({"tools": '[tools]\ntitle = "Tools"\nown = []\nexternal = ["What?"]\n'}, "non-empty list"),
        ({"goals": '[goals]\nown = ["What?"]\nexternal = ["What?"]\n'}, r"\[goals\] title"),
    ],
)
def test_malformed_questions_are_a_clear_error(
    tmp_path: Path, overrides: dict[str, str], message: str
) -> None:
    path = tmp_path / "questions.toml"
    path.write_text(_questions_toml(**overrides))
    with pytest.raises(ValueError, match=message) as caught:
        load_questions(path)
    assert str(path) in str(caught.value)


# Phase prompts and ground rules


def test_every_phase_has_both_prompts() -> None:
    prompts = load_prompts()
    assert list(prompts) == list(PHASES)
    for phase in PHASES:
        for kind in KINDS:
            assert phase_prompt(phase, kind).strip()
    assert "Blame feelings are welcome" in phase_prompt("feelings", "own")
    assert "the people responding" in phase_prompt("rationality", "external")
    with pytest.raises(ValueError, match="unknown phase 'lunch'"):
        phase_prompt("lunch", "own")


def test_malformed_prompts_are_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "prompts.toml"
    path.write_text('[opening]\nown = "Hello"\nexternal = "Hello"\n')
    with pytest.raises(ValueError, match=r"missing phase \[feelings\]"):
        load_prompts(path)
    path.write_text(
        "".join(f'[{phase}]\nown = "Go"\nexternal = "Go"\n' for phase in PHASES if phase != "close")
        + '[close]\nown = "Bye"\n'
    )
    with pytest.raises(ValueError, match=r"\[close\] external must be a non-empty string"):
        load_prompts(path)


@pytest.mark.parametrize("name", ["ground_rules.md", "ground_rules_external.md"])
def test_ground_rules_are_short_and_say_what_matters(name: str) -> None:
    text = resource(name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0].startswith("# ")
    assert 8 <= len(lines) <= 12
    assert sum(line.startswith("- ") for line in lines) >= 5
    lowered = text.lower()
    for phrase in ("how", "what", "blame", "parking lot", "hindsight", "unattributed"):
        assert phrase in lowered, phrase
