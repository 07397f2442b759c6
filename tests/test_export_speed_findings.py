"""The export's fast blame check (one keyword pass over all texts) finds exactly what checking
each text on its own finds."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retro_desk.export import markdown_text, session_file
from retro_desk.language import (
    Finding,
    Matcher,
    Rule,
    RuleSet,
    builtin_rules,
    configured,
    find_blame,
    find_blame_each,
)
from retro_desk.model import Retro
from retro_desk.paths import resource
from retro_desk.reflection import retro_findings, retro_texts
from tests.test_language import TABLE

SENTENCES = [
    sentence.replace("«", "").replace("»", "")
    for section in TABLE.values()
    for kind in ("flag", "pass")
    for sentence in section.get(kind, [])
]


def sample_retro() -> Retro:
    return session_file.read_file(resource("sample_retro.json"))


def salted(retro: Retro) -> Retro:
    """The retro with every shared text replaced by a sentence from the blame table."""
    salted = copy.deepcopy(retro)
    sentences = iter(SENTENCES * 2)
    salted.session.summary = next(sentences)
    for event in salted.timeline:
        event.description = next(sentences)
    for answer in salted.rationality:
        answer.answer = next(sentences)
    for feeling in salted.feelings:
        feeling.note = next(sentences)
    for items in (salted.learnings, salted.parking_lot):
        for item in items:
            item.text = next(sentences)
    for action in salted.actions:
        action.description = next(sentences)
    salted.closing.notes = next(sentences)
    return salted


def one_by_one(retro: Retro) -> list[tuple[str, str, Finding]]:
    """(label, text, finding) of every finding, checking each text on its own."""
    return [
        (place.label, text, finding)
        for place, text in retro_texts(retro)
        for finding in find_blame(text)
    ]


def at_once(retro: Retro) -> list[tuple[str, str, Finding]]:
    texts = {place: text for place, text in retro_texts(retro)}
    return [(f.place.label, texts[f.place], f.finding) for f in retro_findings(retro)]


@pytest.mark.parametrize(
    "retro", [sample_retro(), salted(sample_retro())], ids=["sample", "salted"]
)
def test_retro_findings_equal_finding_text_by_text(retro: Retro) -> None:
    expected = one_by_one(retro)
    assert at_once(retro) == expected
    # Finding's equality leaves out the rule id, so compare it too.
    assert [f.finding.rule_id for f in retro_findings(retro)] == [f.rule_id for _, _, f in expected]


def test_salted_sample_has_findings_in_many_places() -> None:
    """So the comparison above is not between two empty lists."""
    findings = retro_findings(salted(sample_retro()))
    assert len(findings) > 40
    assert len({f.place.part for f in findings}) >= 5


def test_the_exported_reflection_counts_every_finding() -> None:
    retro = salted(sample_retro())
    retro.session.language_reflection = True
    document = markdown_text(retro)
    total = len(one_by_one(retro))
    assert f"{total} phrases of blame framing were noticed" in document


def test_a_phrase_cut_between_two_texts_is_found_in_neither() -> None:
    texts = ["In hindsight they should", "have known; it was obviously", "wrong and careless"]
    assert [find_blame(text) for text in texts] == find_blame_each(texts)
    assert find_blame(" ".join(texts)) != []
    assert [[f.phrase for f in findings] for findings in find_blame_each(texts)] == [
        [],
        [],
        ["careless"],
    ]
    # Together, the second text's "obviously" is followed by what it calls obvious.
    assert "obviously" in [f.phrase for f in find_blame(" ".join(texts))]


def test_the_next_text_does_not_change_what_ends_a_text() -> None:
    # "human error rates" is a metric, not blame: a rule looks past its phrase, but only
    # within the text the phrase is in.
    texts = ["It was human error", "rates went up"]
    assert find_blame("It was human error\nrates went up") == []
    assert [[f.phrase for f in found] for found in find_blame_each(texts)] == [["human error"], []]


# Texts that are sentences from the blame table, cut at any point, so that a phrase may start in
# one text and end in the next; with empty texts, line breaks and letters outside Latin-1.
CUT_SENTENCES = st.lists(
    st.tuples(st.sampled_from(SENTENCES), st.integers(min_value=0, max_value=200)), max_size=10
).map(lambda pairs: [part for s, cut in pairs for part in (s[:cut], s[cut:])])
TEXTS = st.lists(
    st.one_of(
        st.sampled_from(SENTENCES),
        st.text(max_size=60),
        st.sampled_from(["", "\n", "İİ", "Ω should have known", "ﬁ careless", "e\u0301 lazy"]),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(CUT_SENTENCES, TEXTS, st.tuples(CUT_SENTENCES, TEXTS).map(lambda p: p[0] + p[1])))
def test_finding_in_all_texts_at_once_equals_finding_in_each(texts: list[str]) -> None:
    each = [find_blame(text) for text in texts]
    at_once = find_blame_each(texts)
    assert at_once == each
    assert [[f.rule_id for f in found] for found in at_once] == [
        [f.rule_id for f in found] for found in each
    ]
    for text, findings in zip(texts, at_once, strict=True):
        for finding in findings:
            assert text[finding.start : finding.end] == finding.phrase


@settings(max_examples=100, deadline=None)
@given(st.one_of(CUT_SENTENCES, TEXTS))
def test_rules_without_keywords_are_tried_in_each_text(texts: list[str]) -> None:
    # A user's rule the keyword pass cannot serve ("[a-z]+ful") is tried in every text alone.
    unanchored = Rule("x-ful", "character", r"[a-z]+ful", "What made it hard?")
    base = builtin_rules()
    matcher = Matcher(RuleSet((*base.rules, unanchored), base.people, base.things))
    assert matcher.find_each(texts) == [matcher.find(text) for text in texts]
    assert matcher.find_each(["it was wasteful", "", "useful"]) == [
        matcher.find("it was wasteful"),
        [],
        matcher.find("useful"),
    ]
    assert matcher.find("useful") != []


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(CUT_SENTENCES, TEXTS), min_size=2, max_size=4))
def test_texts_seen_in_the_previous_call_get_the_same_findings(batches: list[list[str]]) -> None:
    for number, texts in enumerate(batches):
        if number:
            texts = batches[number - 1][::2] + texts  # some texts again, some new
        assert find_blame_each(texts) == [find_blame(text) for text in texts]


def test_a_caller_changing_its_findings_changes_nothing_remembered() -> None:
    texts = ["They should have known.", "They should have known."]
    first = find_blame_each(texts)
    first[0].clear()
    assert find_blame_each(texts) == [find_blame(texts[0])] * 2 != [[], []]


def test_configured_rules_forget_findings_made_with_other_rules(tmp_path: Path) -> None:
    texts = ["a yolo push", "the root cause was human error"]
    path = tmp_path / "blame_rules.toml"
    path.write_text(
        'silence = ["root-cause"]\n\n[[rule]]\nid = "yolo"\ncategory = "choice"\n'
        "pattern = 'yolo'\n",
        encoding="utf-8",
    )
    builtin = [[f.rule_id for f in found] for found in find_blame_each(texts)]
    assert builtin == [[], ["root-cause"]]
    with configured(path) as warnings:
        assert warnings == []
        assert [[f.rule_id for f in found] for found in find_blame_each(texts)] == [
            ["yolo"],
            ["human-error"],
        ]
    assert [[f.rule_id for f in found] for found in find_blame_each(texts)] == builtin
