"""Tests for the blame-language matcher: the sentence table, how a sentence is read, prompts,
the noise budget on blameless prose, checkers and user rules."""

from __future__ import annotations

import tomllib
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retro_desk import language
from retro_desk.language import (
    CATEGORIES,
    CATEGORY_TITLES,
    Checker,
    Finding,
    Matcher,
    builtin_rules,
    category_prompt,
    category_title,
    configured,
    current_checker,
    find_blame,
    find_blame_each,
    load_rules,
    load_user_rules,
    user_rules_path,
)
from retro_desk.language import checker as checker_module
from retro_desk.language import matcher as matcher_module
from retro_desk.language import rules as rules_module
from retro_desk.language.keywords import keywords
from retro_desk.paths import resource

DATA = Path(__file__).parent / "data"
TABLE_PATH = DATA / "blame_sentences.toml"
TABLE: dict[str, dict[str, list[str]]] = tomllib.loads(TABLE_PATH.read_text(encoding="utf-8"))
MAX_MISS_RATE = 0.05
MAX_FALSE_ALARM_RATE = 0.05

FLAGGED = [
    (category, sentence)
    for category, section in TABLE.items()
    for sentence in section.get("flag", [])
]
PASSING = [
    (category, sentence)
    for category, section in TABLE.items()
    for sentence in section.get("pass", [])
]


def unmark(sentence: str) -> tuple[str, int, int]:
    """The sentence without its «marks», and the offsets of the marked words."""
    start = sentence.index("«")
    end = sentence.index("»") - 1
    return sentence.replace("«", "").replace("»", ""), start, end


def flags_as(category: str, sentence: str) -> bool:
    text, start, end = unmark(sentence)
    return any(
        finding.category == category and finding.start < end and finding.end > start
        for finding in find_blame(text)
    )


def assert_well_formed(text: str, findings: list[Finding]) -> None:
    previous_end = 0
    for finding in findings:
        assert 0 <= previous_end <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.phrase
        assert finding.category in CATEGORIES
        assert finding.prompt
        previous_end = finding.end


@pytest.fixture(autouse=True)
def builtin_rules_in_use() -> None:
    """No test leaves other rules behind: the ones that change them use configured()."""
    assert current_checker().matcher.rules == builtin_rules()


# --- the sentence table ------------------------------------------------------------------------


def test_table_covers_every_category_broadly() -> None:
    assert set(TABLE) == {*CATEGORIES, "neutral"}
    for category in CATEGORIES:
        assert len(TABLE[category]["flag"]) >= 12, category
        assert len(TABLE[category]["pass"]) >= 10, category
        for sentence in TABLE[category]["flag"]:
            assert sentence.count("«") == sentence.count("»") == 1, sentence


@pytest.mark.parametrize(("category", "sentence"), FLAGGED)
def test_blame_sentence_is_flagged_where_marked(category: str, sentence: str) -> None:
    text, _, _ = unmark(sentence)
    findings = find_blame(text)
    assert_well_formed(text, findings)
    assert flags_as(category, sentence), [(f.category, f.phrase) for f in findings]


@pytest.mark.parametrize(("category", "sentence"), PASSING)
def test_near_miss_is_not_flagged(category: str, sentence: str) -> None:
    assert find_blame(sentence) == []


def test_miss_and_false_alarm_rates_stay_low() -> None:
    misses = sum(not flags_as(category, sentence) for category, sentence in FLAGGED)
    false_alarms = sum(bool(find_blame(sentence)) for _, sentence in PASSING)
    assert misses / len(FLAGGED) <= MAX_MISS_RATE
    assert false_alarms / len(PASSING) <= MAX_FALSE_ALARM_RATE


# --- how a sentence is read ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "the on-call engineer failed to notice the page",
        "she failed to mention it",
        "Bob failed to restart it",
        "they failed to check the lag",
        "our SRE fails to escalate",
        "failing to notice the alert cost us an hour",
        "The person holding the pager that night failed to escalate.",
    ],
)
def test_failed_to_is_blame_when_a_person_is_the_subject(text: str) -> None:
    assert [f.category for f in find_blame(text)] == ["counterfactual"]


@pytest.mark.parametrize(
    "text",
    [
        "the cron job failed to start",
        "the deploy failed to complete",
        "DNS failed to resolve",
        "the pod fails to schedule on tainted nodes",
        "Redis failed to restart",
        "Prometheus failed to start after the upgrade.",
        "Cargo failed to build on the new runners.",
        "The Auto Scaling Groups failed to come online.",
        "PRs kept failing to merge.",
        "In March the queue failed to drain.",
    ],
)
def test_failed_to_is_a_fact_when_a_machine_or_a_product_is_the_subject(text: str) -> None:
    assert find_blame(text) == []


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("An operator rebooted the servers but forgot to pass the dry-run flag.", "forgot to"),
        ("Priya restarted the worker and then forgot to drain it.", "forgot to"),
        ("Engineers deleted the production database by accident.", "by accident"),
        ("A water treatment plant operator at the utility accidentally raised the dose.",
         "accidentally"),
    ],
)
def test_the_subject_is_found_further_away(text: str, phrase: str) -> None:
    """A verb after "but"/"and" has the sentence's subject; the object of a preposition ("at
    the utility") is not the subject."""
    assert [f.phrase for f in find_blame(text)] == [phrase]


def test_a_machine_after_but_is_still_a_machine() -> None:
    assert find_blame("Sam restarted the job and the job failed to start again.") == []


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("Had Sam paged the database team earlier, we would have saved an hour.", "had-they"),
        ("If Priya had checked the lag, none of this would have happened.", "if-they-had"),
        ("Had the on-call engineer looked, it would have been caught.", "had-they"),
    ],
)
def test_inverted_and_named_conditionals_are_counterfactual(text: str, rule_id: str) -> None:
    assert [f.rule_id for f in find_blame(text)][:1] == [rule_id]


def test_a_negated_inverted_conditional_credits_rather_than_blames() -> None:
    assert find_blame("Had we not been watching, the chain would have stalled.") == []


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("An engineer mistakenly wiped the primary.", "mistakenly"),
        ("The bucket was accidentally deleted during the clean-up.", "accidentally"),
        ("A maintenance script was inadvertently run against production.", "inadvertently"),
        ("It was an honest oversight.", "an honest oversight"),
        ("Our admin made a typo in the zone file.", "made a typo"),
        ("She wrongly assumed the flag was off.", "wrongly assumed"),
        ("The expiry warning was overlooked.", "overlooked"),
        ("We did not catch the breaking change in testing.", "did not catch"),
        ("Ana forgets to renew the certificate every year.", "forgets to"),
        ("Why did the developer forget to check the lag?", "Why did the developer forget"),
    ],
)
def test_hindsight_words_about_what_people_did(text: str, phrase: str) -> None:
    assert [f.phrase for f in find_blame(text)] == [phrase]


@pytest.mark.parametrize(
    "text",
    [
        "This change inadvertently blocked traffic to the admin API.",
        "The job mistakenly targeted the wrong resource group.",
        "The misconfiguration erroneously disabled the redundant links.",
        "Because of a blind spot in our tests, we did not catch it.",
    ],
)
def test_hindsight_words_about_machines_or_with_a_reason_are_facts(text: str) -> None:
    assert find_blame(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "We need to be more careful with config pushes.",
        "- Action: pay more attention to the replication dashboard",
        "Double-check next time before merging.",
        "Everyone should take more care with production credentials.",
        "The release notes need reading more carefully.",
    ],
)
def test_action_items_that_ask_people_to_try_harder(text: str) -> None:
    assert [f.rule_id for f in find_blame(text)] == ["try-harder"]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("The site broke because Will chose to deploy something risky.", "choice"),
        ("We traced it to a mistake by Alex.", "human_error"),
        ("In hindsight the retry storm was predictable.", "hindsight"),
        ("The root cause was the engineer who ran the script.", "single_cause"),
        ("Root cause: human error.", "single_cause"),
        ("The root cause was a misunderstanding of the installer.", "single_cause"),
        ("Sam was the root cause.", "single_cause"),
    ],
)
def test_causal_blame(text: str, category: str) -> None:
    assert [f.category for f in find_blame(text)] == [category]


@pytest.mark.parametrize(
    "text",
    [
        "## Root cause",
        "Root Cause Analysis",
        "14:02 root cause identified",
        "- **14:02 UTC** - Root cause identified: rate limiter sees only the balancer's address",
        "We ran a root cause analysis and the five whys.",
        "The root cause was a race in the lease renewal.",
        "The root cause was DNS.",
        "Several root causes can show the same symptoms.",
        "The real cause was the missing index.",
    ],
)
def test_root_cause_is_blame_only_when_a_person_or_a_human_act_is_the_cause(text: str) -> None:
    assert find_blame(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "'Operator error' is never a root cause.",
        "Human error is never a root cause on its own.",
        "We are adding mechanisms to prevent human error.",
        "The new checks reduce the risk of human error during failover.",
        "No backlog item could have prevented this.",
        'The report calls it "human error" and stops there.',
        "Instead of blaming the operator, we looked at the tool.",
    ],
)
def test_mentioned_not_used(text: str) -> None:
    """Quoted, prevented, negated by "no" or talked about: the phrase is not a claim."""
    assert find_blame(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "We want to clearly state the policy.",
        "The payload was obviously crafted for malicious purposes.",
        "Clearly, we need CI for the CI.",
        "The dashboard clearly showed the problem, but nothing alerted.",
        "The runbook clearly explains the failover.",
    ],
)
def test_clearly_and_obviously_as_emphasis_are_not_hindsight(text: str) -> None:
    assert find_blame(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Obviously nobody read the release notes.",
        "They clearly ignored the queue alarm.",
        "It was obviously a mistake to ship on Friday.",
        "Obviously the on-call engineer should have waited.",
    ],
)
def test_clearly_and_obviously_about_what_people_did_are_hindsight(text: str) -> None:
    assert "hindsight" in {f.category for f in find_blame(text)}


def test_a_heading_claims_nothing() -> None:
    text = "# Accidentally reverted cluster\n\nThe pipeline reverted the cluster at 02:00."
    assert find_blame(text) == []
    assert [f.phrase for f in find_blame("Someone accidentally reverted the cluster.")] == [
        "accidentally"
    ]


def test_timeline_and_chat_lines_are_sentences_of_their_own() -> None:
    text = (
        "- 14:02 alert fired for checkout\n"
        "- 14:05 Mei forgot to silence the duplicate page\n"
        "[14:07] tomas: the deploy failed to roll out\n"
        "<priya> we should have paged storage earlier"
    )
    assert [f.phrase for f in find_blame(text)] == ["forgot to", "should have paged"]


def test_contractions_inflections_case_and_line_breaks_are_matched() -> None:
    for text, phrase in [
        ("She should have paged.", "should have paged"),
        ("She should've paged.", "should've paged"),
        ("She SHOULD HAVE PAGED.", "SHOULD HAVE PAGED"),
        ("She shouldn’t have paged.", "shouldn’t have paged"),
        ("She should have\n  paged.", "should have\n  paged"),
        ("She should\thave   just paged.", "should\thave   just paged"),
        ("He fails to notice.", "fails to notice"),
        ("By failing to notice, he lost time.", "failing to notice"),
    ]:
        findings = find_blame(text)
        assert [(f.category, f.phrase) for f in findings] == [("counterfactual", phrase)], text
        assert text[findings[0].start : findings[0].end] == phrase


def test_phrases_are_whole_words_only() -> None:
    assert find_blame("The shouldhavebeen flag and the karmic scheduler.") == []
    assert find_blame("preobviously") == []


def test_the_longest_overlapping_phrase_wins() -> None:
    findings = find_blame("It should have been obvious to anyone.")
    assert [(f.category, f.phrase) for f in findings] == [("hindsight", "should have been obvious")]


def test_findings_are_sorted_and_carry_a_how_or_what_prompt() -> None:
    text = "Obviously he was careless, and honestly they deserved it. The root cause was Bob."
    findings = find_blame(text)
    assert [f.category for f in findings] == [
        "hindsight",
        "character",
        "retributive",
        "single_cause",
    ]
    assert_well_formed(text, findings)
    assert all(f.prompt.startswith(("What", "How")) for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "What did you know then that made rollback look right?",
        "What made the rollback look like the obvious choice?",
        "How clearly could you see the queue at 14:05?",
        "What would you have needed to notice it sooner?",
        "Which signs did you see, and what else did they fit?",
        "What would help the people involved do better next time?",
    ],
)
def test_facilitator_questions_are_not_flagged(text: str) -> None:
    assert find_blame(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Why didn't they roll back?", "counterfactual"),
        ("Why did you not load-test the new shard layout?", "counterfactual"),
        ("Shouldn't they have known better?", "counterfactual"),
        ("Who is to blame?", "single_cause"),
        ("What made them so careless?", "character"),
        ("How hard can it be?", "minimising"),
    ],
)
def test_blaming_questions_are_still_flagged(text: str, category: str) -> None:
    assert [f.category for f in find_blame(text)] == [category]


def test_question_quietness_is_per_sentence() -> None:
    text = "What did you see? Obviously she should have paged."
    assert [f.phrase for f in find_blame(text)] == ["Obviously", "should have paged"]


# --- prompts that fit the sentence ---------------------------------------------------------------


def test_a_negated_counterfactual_asks_what_made_going_ahead_reasonable() -> None:
    [plain] = find_blame("They should have waited for the canary.")
    [negated] = find_blame("They shouldn't have rushed the migration.")
    assert plain.prompt == (
        "What did they actually do, and how did it make sense to them at that moment?"
    )
    assert negated.prompt != plain.prompt
    assert "going ahead" in find_blame("The tool shouldn't have been rushed out.")[0].prompt


def test_self_criticism_by_we_gets_we_wording() -> None:
    [finding] = find_blame("We should have paged the storage team.")
    assert finding.prompt == (
        "What did we actually do, and how did it make sense to us at that moment?"
    )
    [theirs] = find_blame("They should have paged the storage team.")
    assert "they" in theirs.prompt and "we" not in theirs.prompt.split()


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("The platform squad dropped the ball on the quota review.", "botched"),
        ("Ingrid bungled the cut-over to the new region.", "botched"),
        ("Zara messed up the cache key migration.", "botched"),
        ("The night shift fumbled the hand-off to the day team.", "botched"),
        ("Honestly the release crew made a mess of the version bump.", "botched"),
        ("Oskar blew it when he restored the wrong snapshot.", "botched"),
    ],
)
def test_idioms_of_personal_failure(text: str, rule_id: str) -> None:
    assert [f.rule_id for f in find_blame(text)] == [rule_id]


@pytest.mark.parametrize(
    "text",
    [
        "The batch importer messed up the currency column.",
        "The storage layer dropped the writes that arrived during the election.",
        "Nobody dropped the ball: the reminder went to a retired mailbox.",
        "We are not here to decide who messed up.",
        "The rollout botched nothing; the data loss came from the driver bug.",
    ],
)
def test_failure_idioms_said_of_machines_or_denied_are_not_blame(text: str) -> None:
    assert find_blame(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Helga was supposed to rotate the API keys but never did.",
        "The DBA was asked to vacuum the table and forgot.",
        "Our contractor was responsible for the renewal and failed to do it.",
        "The release captain was meant to freeze merges but didn't.",
    ],
)
def test_a_duty_not_carried_out_is_counterfactual(text: str) -> None:
    assert [f.rule_id for f in find_blame(text)] == ["supposed-to-but-didnt"]


@pytest.mark.parametrize(
    "text",
    [
        "The sweeper job was supposed to purge old rows but didn't.",
        "Vector was meant to ship the logs but didn't, because its buffer was full.",
        "Helga is supposed to rotate the keys next quarter.",
    ],
)
def test_a_machine_duty_or_a_plan_is_not_a_failed_duty(text: str) -> None:
    assert find_blame(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("It was perfectly obvious that the reindex would starve the replicas.", "hindsight"),
        ("Obviously no one on the rota had read the vendor notice.", "hindsight"),
        ("Predictably, the new joiner ran the script on production.", "hindsight"),
        ("Clearly the schema change was the real cause.", "hindsight"),
        ("All Bjorn needed to do was look at the lag panel.", "minimising"),
        ("They merely had to wait for the lock to clear.", "minimising"),
        ("It would have taken her thirty seconds to check the calendar.", "minimising"),
        ("How hard is it to read a runbook?", "minimising"),
        ("Nobody even bothered to open the dashboard.", "counterfactual"),
        ("Didn't anyone think to snapshot the volume first?", "counterfactual"),
        ("Petra should never have been handed the admin token.", "counterfactual"),
        ("We should have had an alert on the queue age.", "counterfactual"),
        ("Leadership ignored the capacity forecast twice.", "choice"),
        ("The architect brushed aside the SRE's concerns.", "choice"),
        ("Despite the red pipeline, Yusuf merged it anyway.", "choice"),
        ("Who disabled the canary?", "single_cause"),
        ("<kai> so who pushed this on a Friday?", "single_cause"),
        ("Whose idea was it to run the backfill at peak?", "single_cause"),
        ("The blame for this lies with the payments team.", "single_cause"),
        ("The outage came from an admin's slip in the ACL file.", "human_error"),
        ("Real engineers don't need a checklist.", "distancing"),
        ("Someone has to be held accountable for the lost orders.", "retributive"),
    ],
)
def test_shapes_of_blame_found_in_look_alike_writing(text: str, category: str) -> None:
    assert category in [f.category for f in find_blame(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The scheduler clearly preferred the warm nodes.",
        "The edge cache evidently served the old bundle for an hour.",
        "Clearly the backoff policy amplified the retries.",
        "All the sidecar needed to do was forward one header.",
        "The hotfix just had to clear CI before it went out.",
        "We just had to wait for the DNS TTL to run out.",
        "Who was holding the pager on Saturday?",
        "Whose dashboards did the responders have open?",
        "Who needs access to the restore tooling?",
        "Please check who approved the change, as the audit requires.",
        "By 03:10 it was clear that the primary would not come back.",
        "It became obvious at 14:20 that the disk would fill within the hour.",
        "Management joined the bridge at 15:00.",
        "The vendor shipped a patched firmware the same evening.",
        "The engineer responsible for the rollout wrote this review.",
        "The CSV parser is careless about trailing whitespace.",
        "Nobody was careless; the two consoles looked the same.",
        "Karma is the name of our flag service.",
        "The config's error handling swallowed the timeout.",
    ],
)
def test_near_misses_of_those_shapes_stay_quiet(text: str) -> None:
    assert find_blame(text) == []


def test_they_just_had_to_wait_minimises_but_we_just_had_to_wait_reports() -> None:
    assert [f.rule_id for f in find_blame("They just had to wait a minute.")] == [
        "just-had-to-wait"
    ]
    assert find_blame("We just had to wait a minute for the lease to expire.") == []


def test_an_opening_adverb_waits_for_the_verb_of_its_subject() -> None:
    """Typed so far, "Clearly the on-call engineer" claims nothing; a verb phrase that opens a
    sentence ("Failing to notice…") has no subject after it, only an object."""
    assert find_blame("Clearly the on-call engineer") == []
    assert [f.rule_id for f in find_blame("Failing to notice the page cost an hour.")] == [
        "failed-to-notice"
    ]


def test_the_subject_after_an_opening_phrase_words_the_prompt() -> None:
    assert "hindsight" in [
        f.category for f in find_blame("Obviously we never tested the restore path.")
    ]
    assert find_blame("Obviously the CDN never cached the error page.") == []
    [theirs] = find_blame("We really should have had paging on the disk.")
    assert "we" in theirs.prompt.split() and "they" not in theirs.prompt.split()


def test_a_possessive_just_before_the_phrase_is_its_owner() -> None:
    assert [f.rule_id for f in find_blame("It came down to Omar's mistake.")] == [
        "someones-mistake"
    ]
    assert find_blame("The parser's error was swallowed by the retry wrapper.") == []


def test_an_assumption_gets_an_assumption_prompt() -> None:
    for text in ("Responders wrongly assumed the cache was warm.",
                 "Responders assumed the cache was warm, which was wrong."):
        [finding] = find_blame(text)
        assert "assumption" in finding.prompt, text


def test_every_prompt_is_a_how_or_what_question() -> None:
    texts = [unmark(s)[0] for _, s in FLAGGED]
    prompts = {f.prompt for text in texts for f in find_blame(text)}
    assert len(prompts) > 20
    assert all(p.startswith(("What", "How")) and p.endswith("?") for p in prompts)


# --- the noise budget -----------------------------------------------------------------------------


def test_long_blameless_prose_stays_within_the_noise_budget() -> None:
    """At most one flag per 2,000 words on realistic blameless write-ups (our own writing)."""
    text = (DATA / "blameless_writeups.md").read_text(encoding="utf-8")
    words = len(text.split())
    assert words >= 3000
    findings = find_blame(text)
    assert len(findings) <= words / 2000, [f.phrase for f in findings]


# --- robustness --------------------------------------------------------------------------------

WORDS = st.sampled_from(
    """should have been obvious failed to she job root cause just had karma serves them right not
    we would never İstanbul naïve 日本 — ? ! . ' ’ fault Bob's if only careless clearly labelled
    decided ignore human error deserved it is blame nobody all they do was at the""".split()
)
SEPARATORS = st.sampled_from([" ", "  ", "\n", ", ", ". ", "? ", "\n\n- ", "\t"])
PHRASE_TEXTS = st.lists(st.tuples(WORDS, SEPARATORS), max_size=60).map(
    lambda pairs: "".join(word + separator for word, separator in pairs)
)
TABLE_TEXTS_SOURCE = [unmark(s)[0] for _, s in FLAGGED] + [s for _, s in PASSING]
TABLE_TEXTS = st.lists(
    st.sampled_from([unmark(s)[0] for _, s in FLAGGED] + [s for _, s in PASSING]), max_size=8
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=400), PHRASE_TEXTS, TABLE_TEXTS))
def test_findings_are_always_well_formed(text: str) -> None:
    assert_well_formed(text, find_blame(text))


@pytest.fixture(scope="module")
def warm_matcher() -> Matcher:
    """One matcher for a whole module's examples, so it judges each text after many others."""
    return Matcher(builtin_rules())


@pytest.fixture(scope="module")
def exhaustive_matcher() -> Matcher:
    """The built-in rules with each pattern tried everywhere instead of only near keywords."""
    with mock.patch.object(matcher_module, "keywords", return_value=None):
        return Matcher(builtin_rules())


@settings(max_examples=300, deadline=None)
@given(st.one_of(PHRASE_TEXTS, TABLE_TEXTS))
def test_keyword_search_finds_what_trying_everywhere_finds(
    exhaustive_matcher: Matcher, text: str
) -> None:
    expected = exhaustive_matcher.find(text)
    assert find_blame(text) == expected
    assert [f.rule_id for f in find_blame(text)] == [f.rule_id for f in expected]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=80), PHRASE_TEXTS, TABLE_TEXTS), max_size=12))
def test_finding_in_many_texts_at_once_equals_finding_in_each(texts: list[str]) -> None:
    assert find_blame_each(texts) == [find_blame(text) for text in texts]


def test_offsets_survive_characters_that_change_length_when_lower_cased() -> None:
    text = "İİİ: honestly, İstanbul's ops team deserved it."
    findings = find_blame(text)
    assert [f.phrase for f in findings] == ["deserved it"]
    assert_well_formed(text, findings)


def test_empty_and_blank_text() -> None:
    assert find_blame("") == []
    assert find_blame(" \n\t ") == []


# --- the rules file and the category API --------------------------------------------------------


def test_categories_titles_and_default_prompts() -> None:
    assert CATEGORIES == (
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
    assert set(CATEGORY_TITLES) == set(CATEGORIES)
    for category in CATEGORIES:
        assert category_title(category)
        assert category_prompt(category).startswith(("What", "How"))
        assert category_prompt(category).endswith("?")


def test_builtin_rules_are_complete_and_ask_how_or_what() -> None:
    rules = builtin_rules().rules
    assert len({rule.id for rule in rules}) == len(rules)
    assert {rule.category for rule in rules} == set(CATEGORIES)
    for rule in rules:
        assert rule.prompt.startswith(("What", "How")) and rule.prompt.endswith("?"), rule.id
        assert not rule.prompt.lower().startswith(("why", "who")), rule.id
        assert rule.why, rule.id


def test_every_builtin_pattern_compiles_and_needs_some_text() -> None:
    """The shipped rules are not checked at start-up (it costs time), so they are checked here."""
    source = resource(language.RULES_FILENAME).read_text(encoding="utf-8")
    parsed, _ = rules_module._parse_file(tomllib.loads(source), source, "built-in", {})
    assert parsed.problems == []
    assert [rule.id for rule in parsed.rules] == [rule.id for rule in builtin_rules().rules]


def test_every_builtin_rule_can_be_found_by_keyword() -> None:
    """Without keywords a rule is tried at every position, which is too slow for a long text."""
    assert [
        rule.id for rule in builtin_rules().rules if keywords(rule.pattern) is None
    ] == []


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"should\s+have", {("should have", True)}),
        (r"(?:is|was)\s+at\s+fault", {("at fault", False)}),
        (r"(?:so\s+)?obvious(?:ly)?", {("obvious", False)}),
        (r"careless(?:ly|ness)?|reckless", {("careless", True), ("reckless", True)}),
        (r"no[\s-]brainer", {("no brainer", True)}),
        (r"no[\s-]*brainer", {("no", True)}),
        (r"a+b|c", None),
        (r"[a-z]+ing", None),
    ],
)
def test_keywords_are_words_every_match_contains(
    pattern: str, expected: set[tuple[str, bool]] | None
) -> None:
    assert keywords(pattern) == (None if expected is None else frozenset(expected))


# --- user rules --------------------------------------------------------------------------------

USER_RULES = """\
silence = ["root-cause"]

[subjects]
things = ["juno"]

[[rule]]
id = "yolo"
category = "choice"
pattern = '''yolo(?:[\\s-]+(?:deploy|merge|push))?'''
prompt = "What made the fast route look safe enough?"
why = "Frames a judgement call as recklessness."
"""


def write(tmp_path: Path, source: str) -> Path:
    path = user_rules_path(tmp_path)
    path.write_text(source, encoding="utf-8")
    return path


def test_user_file_adds_and_silences_rules(tmp_path: Path) -> None:
    rules, warnings = load_rules(write(tmp_path, USER_RULES))
    assert warnings == []
    text = "That was a YOLO deploy. The root cause was Bob. At 14:00 Juno forgot to rotate logs."
    matcher = Matcher(rules)
    assert "root-cause" not in {rule.id for rule in matcher.rules.rules}
    findings = matcher.find(text)
    assert [(f.category, f.phrase, f.rule_id) for f in findings] == [
        ("choice", "YOLO deploy", "yolo")
    ]
    assert findings[0].prompt == "What made the fast route look safe enough?"
    # Without the user file the same text is flagged by the built-in rules: "Juno" reads as
    # a name until the user says it is a service.
    assert [f.rule_id for f in find_blame(text)] == ["root-cause", "forgot-to"]


def test_configured_switches_find_blame_to_user_rules_and_back(tmp_path: Path) -> None:
    with configured(write(tmp_path, USER_RULES)) as warnings:
        assert warnings == []
        assert [f.rule_id for f in find_blame("a yolo push")] == ["yolo"]
        assert find_blame("the root cause was Bob") == []
    assert find_blame("a yolo push") == []
    assert [f.rule_id for f in find_blame("the root cause was Bob")] == ["root-cause"]


def test_configure_leaves_compiling_to_the_first_find(tmp_path: Path) -> None:
    """configure() runs on the way to the first paint: it checks the user's file but builds
    no matcher; the first find_blame does, once."""
    path = write(tmp_path, USER_RULES + "colour = 'blue'\n")
    with mock.patch.object(checker_module, "Matcher", wraps=Matcher) as built:
        with configured(path) as warnings:
            assert len(warnings) == 1 and "'colour'" in warnings[0]
            assert built.call_count == 0
            assert [f.rule_id for f in find_blame("a yolo push")] == ["yolo"]
            assert find_blame("the root cause was Bob") == []
            assert built.call_count == 1


def test_configure_with_a_file_that_changes_nothing_keeps_the_builtin_rules(
    tmp_path: Path,
) -> None:
    for path in (write(tmp_path, "[fragments]\nmine = 'x'\n"), tmp_path / "nowhere" / "x.toml"):
        with configured(path) as warnings:
            assert warnings == []
            assert current_checker().matcher is Checker().matcher
            assert [f.rule_id for f in find_blame("the root cause was Bob")] == ["root-cause"]


def test_checkers_keep_their_own_rules(tmp_path: Path) -> None:
    """A checker owns its rules, matcher and memory: making one changes nothing elsewhere."""
    mine, warnings = Checker.from_user_file(write(tmp_path, USER_RULES))
    assert warnings == []
    texts = ["a yolo push", "the root cause was Bob"]
    assert [[f.rule_id for f in found] for found in mine.find_each(texts)] == [["yolo"], []]
    assert [[f.rule_id for f in found] for found in find_blame_each(texts)] == [
        [],
        ["root-cause"],
    ]
    assert [f.rule_id for f in Checker().find("a yolo push")] == []
    assert [[f.rule_id for f in found] for found in mine.find_each(texts)] == [["yolo"], []]


def test_user_rule_with_a_builtin_id_replaces_it(tmp_path: Path) -> None:
    source = """\
[[rule]]
id = "karma"
category = "retributive"
pattern = 'karma'
"""
    rules, warnings = load_rules(write(tmp_path, source))
    assert warnings == []
    assert [rule.id for rule in rules.rules].count("karma") == 1
    findings = Matcher(rules).find("The karma test runner hung.")
    assert [(f.rule_id, f.prompt) for f in findings] == [("karma", category_prompt("retributive"))]


def test_missing_user_file_is_not_a_problem(tmp_path: Path) -> None:
    rules, warnings = load_rules(user_rules_path(tmp_path))
    assert warnings == []
    assert rules == builtin_rules()


def test_invalid_toml_names_the_line_and_keeps_builtins(tmp_path: Path) -> None:
    path = write(tmp_path, 'silence = ["karma"]\n\n[[rule]]\nid = "x"\npattern = \n')
    with configured(path) as configure_warnings:
        assert configure_warnings != []
        assert [f.category for f in find_blame("That's karma.")] == ["retributive"]
    user, warnings = load_user_rules(path)
    assert user.rules == ()
    assert len(warnings) == 1 and "line 5" in warnings[0] and str(path) in warnings[0]
    assert [f.category for f in find_blame("That's karma.")] == ["retributive"]


@pytest.mark.parametrize(
    ("keys", "line", "words"),
    [
        (["id = 'bad-regex'", "category = 'choice'", "pattern = 'yolo(('"], 6, ["'bad-regex'"]),
        (["id = 'bad-category'", "category = 'blame'", "pattern = 'yolo'"], 5, ["'blame'"]),
        (["id = 'no-pattern'", "category = 'choice'"], 3, ["'no-pattern'", "'pattern'"]),
        (["id = 'subject'", "category = 'choice'", "pattern = 'yolo'", "subject = 'cat'"], 7, []),
        (["id = 'empty'", "category = 'choice'", "pattern = 'x?'"], 6, ["empty text"]),
        (["id = 'fragment'", "category = 'choice'", "pattern = '{nope} yolo'"], 6, ["{nope}"]),
    ],
)
def test_a_broken_rule_is_named_with_its_line_and_skipped(
    tmp_path: Path, keys: list[str], line: int, words: list[str]
) -> None:
    broken = "\n".join(keys)
    ok = "id = 'ok'\ncategory = 'choice'\npattern = 'yolo'"
    source = f"# my rules\n\n[[rule]]\n{broken}\n\n[[rule]]\n{ok}\n"
    rules, warnings = load_rules(write(tmp_path, source))
    assert len(warnings) == 1, warnings
    assert f"line {line}:" in warnings[0]
    for word in words:
        assert word in warnings[0]
    matcher = Matcher(rules)
    assert [f.rule_id for f in matcher.find("a yolo change; they deserved it")] == [
        "ok",
        "deserved-it",
    ]


def test_unknown_keys_and_silenced_ids_are_reported(tmp_path: Path) -> None:
    source = """\
silence = ["no-such-rule"]
colour = "blue"

[[rule]]
id = "yolo"
category = "choice"
pattern = 'yolo'
promt = "What made it look safe?"
"""
    rules, warnings = load_rules(write(tmp_path, source))
    assert len(warnings) == 3
    assert any("line 2" in w and "'colour'" in w for w in warnings)
    assert any("line 8" in w and "'promt'" in w for w in warnings)
    assert any("'no-such-rule'" in w for w in warnings)
    assert "yolo" in {rule.id for rule in rules.rules}


def test_user_rules_can_use_builtin_fragments(tmp_path: Path) -> None:
    source = """\
[[rule]]
id = "must-have"
category = "counterfactual"
pattern = 'must\\s+have\\s+{participle}'
subject = "person"
"""
    rules, warnings = load_rules(write(tmp_path, source))
    assert warnings == []
    matcher = Matcher(rules)
    assert [f.phrase for f in matcher.find("She must have checked.")] == ["must have checked"]
    assert matcher.find("The job must have checked.") == []


def test_user_rules_can_use_the_new_rule_keys(tmp_path: Path) -> None:
    source = """\
[[rule]]
id = "botched"
category = "character"
pattern = 'botched|(?:did|didn.t)\\s+not\\s+botch'
subject = "human-act"
prompt = "What made the change look ready at the time?"
prompt_negated = "What went right, and what made it go right?"

[[rule]]
id = "bad"
category = "choice"
pattern = 'nope'
prompt_negated = ""
"""
    rules, warnings = load_rules(write(tmp_path, source))
    assert len(warnings) == 1 and "prompt_negated" in warnings[0]
    matcher = Matcher(rules)
    assert [f.phrase for f in matcher.find("Sam botched the rollout.")] == ["botched"]
    assert [f.phrase for f in matcher.find("The rollout was botched.")] == ["botched"]
    assert matcher.find("The script botched the rollout.") == []


def test_people_and_names_of_the_builtin_rules_make_the_someone_fragment() -> None:
    rules = builtin_rules()
    assert {"operator", "technician", "priya"} <= rules.people
    assert {"prometheus", "cargo"}.isdisjoint(rules.people)


# --- judgements remembered between checks ---------------------------------------------------------


def test_a_sentence_is_judged_once_wherever_it_stands() -> None:
    """The highlighter checks the whole note at every key press; only what changed is judged."""
    matcher = Matcher(builtin_rules())
    lines = [unmark(s)[0] for _, s in FLAGGED[:40]]
    note = "\n".join(lines)
    first = matcher.find(note)
    assert len(first) >= 40
    inserted = "A new line about the deploy.\n"
    at = len("\n".join(lines[:20])) + 1
    with mock.patch.object(matcher, "_judge", wraps=matcher._judge) as judge:
        again = matcher.find(note[:at] + inserted + note[at:])
    # Only the line after the new one is judged again: what precedes its phrases changed.
    assert judge.call_count <= 2
    moved = [
        (f.start + len(inserted), f.end + len(inserted)) if f.start >= at else (f.start, f.end)
        for f in first
    ]
    assert [(f.start, f.end) for f in again] == moved
    assert [(f.rule_id, f.prompt) for f in again] == [(f.rule_id, f.prompt) for f in first]


NEIGHBOURS = st.sampled_from(
    ["", "Nobody ", "No ", "We ", "The job ", "## ", "- 14:02 ", "'", "\n\n", "Why ", "What "]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(NEIGHBOURS, st.sampled_from(TABLE_TEXTS_SOURCE)), max_size=6))
def test_remembered_judgements_give_what_a_fresh_matcher_gives(
    warm_matcher: Matcher, parts: list[tuple[str, str]]
) -> None:
    text = " ".join(before + sentence for before, sentence in parts)
    assert warm_matcher.find(text) == Matcher(builtin_rules()).find(text)
    assert [f.prompt for f in warm_matcher.find(text)] == [
        f.prompt for f in Matcher(builtin_rules()).find(text)
    ]
