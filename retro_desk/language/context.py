"""How a phrase sits in its sentence: who the subject is, whether the phrase is used or only
mentioned, and whether the sentence is a claim at all (a heading is not)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Set
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

# How far back from a phrase to look for its subject.
LOOKBACK = 80
_SUBJECT_WORDS = 9
_OPENING_WORDS = 8

# What a subject is: a person ("we" and "I" kept apart so a prompt can speak to them), a name,
# a thing, or unknown (a common noun or a capitalised word at the start of a sentence, which
# may as well be a product as a person).
Kind = Literal["we", "i", "person", "name", "thing", "unknown"]
PEOPLE_KINDS: frozenset[Kind] = frozenset({"we", "i", "person", "name"})

# Words that say nothing about who or what the subject is.
_FUNCTION_WORDS = frozenset(
    "the a an their his your my its or then also just still again "
    "once twice already later finally eventually never ever not had has have having was were is "
    "are be been being did does do will would could should might may must can shall when while "
    "after before because since so if as at in on of for with by from into during over under "
    "about new old first second last same other both all each every any some many few several "
    "entire whole only even yesterday today tonight tomorrow there here where why how what "
    "however meanwhile instead though although until till too very quite unfortunately sadly "
    "apparently initially later subsequently accidentally mistakenly inadvertently "
    "unintentionally wrongly incorrectly".split()
)
# Words after which a verb has no subject of its own: "rebooted the servers but forgot to".
_SHARED_SUBJECT = frozenset({"but", "and", "yet", "then", "so", "or"})
# "that night", "that week": "that" before these is a determiner, not a clause.
_WHEN_NOUNS = frozenset(
    "night day morning evening afternoon week weekend month year time shift moment hour "
    "quarter sprint release".split()
)
# "that" and "which" also follow the noun they describe.
_RELATIVE = frozenset({"that", "which"})
# Words that open a clause with a subject of its own.
_CLAUSE_OPENERS = frozenset(
    "that which because when while since although though whereas if once until after before "
    "as where".split()
)
_PASSIVE = frozenset({"was", "were", "been", "being", "be", "is", "are", "got", "get", "gets"})
# "This inadvertently blocked…": a demonstrative standing alone stands for a thing.
_DEMONSTRATIVES = frozenset({"this", "that", "these", "those", "which"})
_DETERMINERS = frozenset({"the", "a", "an", "our", "their", "its", "his", "her", "my", "your"})
_PREPOSITIONS = frozenset(
    "at in on of for with by from into onto during over under about across via per than "
    "behind between within without towards toward".split()
)
_PASSIVE_GAP = frozenset(
    "also then just not never therefore thus simply completely initially somehow probably again "
    "all since later apparently".split()
)
# Words that stand for a whole subject, so no noun can follow and be its head.
_PRONOUNS = frozenset(
    "i we you he she they someone somebody anyone anybody nobody noone no-one everyone "
    "everybody whoever".split()
)
_WE = frozenset({"we", "us", "our", "ours", "ourselves"})
_I = frozenset({"i", "me", "my", "mine", "myself"})


class _Patterns:
    """Compiled when first used: this module is imported on the way to the first paint."""

    @cached_property
    def sentence_break(self) -> re.Pattern[str]:
        # A sentence ends at . ! ? …, at a blank line, and before a line that starts a list
        # item, a heading, a table row or a time stamp (a timeline or chat line).
        return re.compile(
            r"[.!?…]+[\"'’”)\]]*(?:\s+|\Z)|\n[ \t]*\n\s*"
            r"|\n(?=[ \t]*(?:[-*•+>|#]|\d+[.)]\s|\[?\d{1,2}:\d{2}|\*\*\d{1,2}:\d{2}))"
        )

    @cached_property
    def break_start(self) -> re.Pattern[str]:
        return re.compile(r"[.!?…\n]")

    @cached_property
    def question_end(self) -> re.Pattern[str]:
        return re.compile(r"\?[\"'’”)\]*_]*\s*\Z")

    @cached_property
    def blaming_question(self) -> re.Pattern[str]:
        """Questions that blame rather than ask: why/who, "Shouldn't they…?", "How could…?"."""
        return re.compile(
            r"\W*(?:(?:so|and|but|ok|okay|well|now|then|honestly|seriously|really|q)\W+)*"
            r"(?:why|who|whose|whom"
            r"|(?:should|could|would|did|was|were|is|are|do|does|had|have|has|wo|ca)n['’]?t"
            r"|how\s+(?:come|on\s+earth"
            r"|could\s+(?:they|he|she|you|anyone|anybody|someone|nobody|no\s*one)))\b",
            re.IGNORECASE,
        )

    @cached_property
    def word(self) -> re.Pattern[str]:
        return re.compile(r"[^\W\d_][\w'’-]*")

    @cached_property
    def mentioned_before(self) -> re.Pattern[str]:
        """The phrase is talked about, not used: "to prevent human error", "no item could have
        prevented", "the term 'root cause'", "instead of blaming"."""
        return re.compile(
            r"(?:\b(?:prevent\w*|avoid\w*|reduc\w*|minimi[sz]\w*|eliminat\w*|mitigat\w*"
            r"|guard\w*\s+against|protect\w*\s+against|safeguard\w*|detect\w*|catch(?:es|ing)?"
            r"|(?:risk|risks|chance|likelihood|odds|source|sources)\s+of|prone\s+to|resilien\w*"
            r"|tolera\w*|forgiving\s+of|instead\s+of|rather\s+than|the\s+(?:term|phrase|words?"
            r"|label|myth|idea|notion|language)|so[-\s]called|blameless|blame-free|no)"
            r"(?:\s+[\w'’-]+){0,3}|[\"“‘«]|(?<!\w)')\s*\Z",
            re.IGNORECASE,
        )

    @cached_property
    def mention_hint(self) -> re.Pattern[str]:
        """A word every mention before a phrase has (see mentioned_before), searched for in the
        lower-cased text: several times cheaper than the whole pattern (and than any pattern
        that ignores case), and most phrases have none of them before."""
        return re.compile(
            r"prevent|avoid|reduc|minimi|eliminat|mitigat|guard|protect|safeguard|detect|catch"
            r"|risk|chance|likelihood|odds|source|prone|resilien|tolera|forgiving|instead|rather"
            r"|term|phrase|word|label|myth|idea|notion|language|so.called|blame|\bno\b"
            r"|[\"“‘«]|(?<!\w)'"
        )

    @cached_property
    def mentioned_after(self) -> re.Pattern[str]:
        """A claim about the phrase itself: "human error is never a root cause". Used with
        match() at the phrase's end."""
        return re.compile(
            r"(?:[\"”’»]|'(?!\w))|\s*[\"”’»]?\s*(?:is|are|was|were)\s+(?:never|not|rarely|seldom|no"
            r"|hardly\s+ever|a\s+(?:symptom|label|myth|starting\s+point)"
            r"|(?:the|a|an|our|their)\s+(?:name|word|term)\s+(?:of|for))\b",
            re.IGNORECASE,
        )


PATTERNS = _Patterns()
class Sentences:
    """Where the sentences of one text begin and end, found in one pass when first asked."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._found = False
        self._starts: list[int] = []
        self._ends: list[int] = []

    def _find_breaks(self) -> None:
        # Every break starts with one of a few characters: finding those first and trying the
        # pattern only there is twice as fast as letting the pattern search the whole text.
        text, breaks = self.text, PATTERNS.sentence_break
        starts: list[int] = []
        ends: list[int] = []
        for candidate in PATTERNS.break_start.finditer(text):
            at = candidate.start()
            if ends and at < ends[-1]:
                continue
            found = breaks.match(text, at)
            if found is not None:
                starts.append(at)
                ends.append(found.end())
        self._starts, self._ends, self._found = starts, ends, True

    def around(self, start: int, end: int) -> tuple[int, int]:
        """Start and end of the sentence around text[start:end]."""
        if not self._found:
            self._find_breaks()
        before = bisect_right(self._ends, start) - 1
        sentence_start = self._ends[before] if before >= 0 else 0
        after = bisect_left(self._starts, end)
        sentence_end = self._ends[after] if after < len(self._ends) else len(self.text)
        return sentence_start, sentence_end


def is_asking(text: str, sentence_start: int, sentence_end: int) -> bool:
    """A genuine question (how/what…), as opposed to a statement or a blaming question."""
    if "?" not in text[max(sentence_start, sentence_end - 8) : sentence_end]:
        return False
    sentence_text = text[sentence_start:sentence_end]
    if not PATTERNS.question_end.search(sentence_text):
        return False
    return not PATTERNS.blaming_question.match(sentence_text)


def is_heading(text: str, sentence_start: int) -> bool:
    """A Markdown heading names a topic ("## Root cause"); it claims nothing."""
    return text[sentence_start : sentence_start + 8].lstrip().startswith("#")


def is_mentioned(
    text: str, sentence_start: int, sentence_end: int, start: int, end: int
) -> bool:
    """The phrase is quoted, prevented, negated by "no", or talked about rather than used."""
    # The telling words are at most three words before the phrase.
    before = text[max(sentence_start, start - 45) : start]
    if PATTERNS.mention_hint.search(before.lower()) and PATTERNS.mentioned_before.search(before):
        return True
    return PATTERNS.mentioned_after.match(text, end, min(sentence_end, end + 40)) is not None


@dataclass(frozen=True)
class Subjects:
    """The words that tell a person from a thing (all lower-case)."""

    people: Set[str]
    things: Set[str]

    def kind_of(self, word: str, opens_sentence: bool, next_word: str = "") -> Kind:
        key = _key(word)
        known = self._known(key)
        if known != "unknown":
            return known
        return _capitalised_kind(word, key, opens_sentence, next_word)

    def _known(self, key: str) -> Kind:
        if key in _WE:
            return "we"
        if key in _I:
            return "i"
        if key in self.people:
            return "person"
        if key in self.things:
            return "thing"
        return "unknown"

    def subject_after(self, text: str, start: int, sentence_end: int) -> Kind:
        """The subject of a sentence that a phrase opens ("Obviously nobody read…", "All Lee
        needed to do…"): a pronoun straight after it, else its first run of nouns."""
        tokens = _tokens(text, start, min(sentence_end, start + 60))
        if not tokens or not _skippable(_key(tokens[0][0])):
            # Only an adverb or "all" stands before its subject; after a verb ("Failing to
            # notice the alert…") come its object and the rest.
            return "unknown"
        for index, (word, _) in enumerate(tokens):
            key = _key(word)
            if not word or _skippable(key):
                continue
            if key == "no" and index + 1 < len(tokens) and tokens[index + 1][0].lower() == "one":
                return "person"  # "no one"
            if key in _PRONOUNS:
                return self._known(key)
            break
        # The first run of known words after the phrase; its last is its head ("the retry
        # policy amplified", "the new joiner ran"), and the first unknown word after it is
        # taken for the verb.
        kind: Kind = "unknown"
        for index, (word, _) in enumerate(tokens[1:], start=1):
            key = _key(word)
            if not word or _skippable(key) or key in _SHARED_SUBJECT:
                if kind != "unknown":
                    return kind
                continue
            following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
            known = self.kind_of(word, False, following)
            if known == "unknown" and kind != "unknown":
                return kind
            if known != "unknown":
                kind = known
        # Nothing after the run yet ("Clearly the on-call engineer" typed so far): a subject
        # with no verb claims nothing.
        return "unknown"

    def subject(self, text: str, sentence_start: int, start: int) -> Kind:
        """Who or what does what the phrase at start says, from the nearest telling word before
        it; a verb joined by "but"/"and" takes the subject of the sentence, and the object of a
        preposition ("an operator at OWASA") is passed over. A possessive just before the
        phrase is its owner: "triggered by an engineer's slip"."""
        low = max(sentence_start, start - LOOKBACK)
        tokens = _tokens(text, low, start)
        if tokens and tokens[-1][0] and tokens[-1][1].endswith(("'s", "’s")):
            word = tokens[-1][0]
            owner = self._known(_key(word))
            if owner == "unknown" and word[:1].isupper():
                return "name"
            return owner
        # A capitalised word opens its sentence only if nothing but a bullet or a time is before
        # it; when the window starts inside the sentence, no word in it opens the sentence.
        first = _first_word(tokens) if low == sentence_start else -1
        cut = max(0, len(tokens) - _SUBJECT_WORDS)
        passed_a_noun = False
        for index in range(len(tokens) - 1, cut - 1, -1):
            word = tokens[index][0]
            if not word:
                continue
            key = _key(word)
            if key in _SHARED_SUBJECT:
                return self.opening_subject(text, sentence_start, start)
            if key in _DEMONSTRATIVES and _opens_clause(tokens, index, first):
                return "thing"
            following = tokens[index + 1][0].lower() if index + 1 < len(tokens) else ""
            if passed_a_noun and key in _CLAUSE_OPENERS and following not in _WHEN_NOUNS:
                # "revealed that tasklets were failing": the words passed over were the subject
                # of this clause. But in "the code that creates outputs failed", "that" follows
                # the subject it describes.
                before = tokens[index - 1][0] if index > 0 else ""
                kind = self._known(_key(before)) if before else "unknown"
                return kind if key in _RELATIVE else "unknown"
            if _skippable(key):
                continue
            passed_a_noun = True
            kind = self._known(key)
            if kind == "unknown" and not word.islower():
                following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
                kind = _capitalised_kind(word, key, index == first, following)
            if kind != "unknown" and not _after_governor(tokens, index):
                return kind
        return "unknown"

    def opening_subject(self, text: str, sentence_start: int, before: int) -> Kind:
        """The subject at the start of the sentence: the last word of its first run of nouns
        ("a water treatment plant operator")."""
        tokens = _tokens(text, sentence_start, min(before, sentence_start + 120))
        first = _first_word(tokens)
        kind: Kind = "unknown"
        started = False
        for index in range(max(first, 0), min(len(tokens), first + _OPENING_WORDS)):
            word = tokens[index][0]
            key = _key(word)
            if not word or _skippable(key) or key in _SHARED_SUBJECT or key in _DEMONSTRATIVES:
                if started:
                    break
                continue
            if started and key.endswith("ed"):
                break
            started = True
            following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
            # The last noun of the run is its head: "the customer impact" is an impact.
            kind = self.kind_of(word, index == first, following)
        return kind


def opens_sentence(text: str, sentence_start: int, start: int) -> bool:
    """Nothing but marks, function words and adverbs stands before start in its sentence:
    "Obviously nobody…", "All Lee needed to do…", "- 14:02 who approved…"."""
    for _, raw in _tokens(text, sentence_start, start):
        word = raw.strip(_EDGE)
        if word[:1].isalpha() and not _skippable(_key(word)):
            return False
    return True


def is_passive(text: str, sentence_start: int, start: int) -> bool:
    """The phrase follows "was"/"were"/"been" (adverbs aside): "was accidentally deleted"."""
    before = PATTERNS.word.findall(text, max(sentence_start, start - 30), start)
    for word in reversed(before):
        key = word.lower()
        if key in _PASSIVE:
            return True
        if not (key.endswith("ly") or key in _PASSIVE_GAP):
            return False
    return False


_LEADING = " \t\n-*•>#|[]():0123456789"


def _key(word: str) -> str:
    """The word lower-cased, without a possessive or contraction: "Sam's" is "sam"."""
    key = word.lower()
    for apostrophe in ("'", "’"):
        if apostrophe in key:
            key = key.partition(apostrophe)[0]
    return key


def _capitalised_kind(word: str, key: str, opens_sentence: bool, next_word: str) -> Kind:
    if any(char.isupper() for char in word[1:]):
        return "thing"  # an acronym or a product: DNS, PRs, GitOps
    if word[0].isupper() and not opens_sentence:
        # "the Auto Scaling Groups": a run of capitalised words is a product name.
        if next_word[:1].isupper() or key.endswith("s") and len(key) > 3:
            return "thing"
        return "name"
    return "unknown"


# Stripped from both ends of a token; what is left of a word is letters, digits, ' and -.
_EDGE = "\"'“”‘’()[]{}<>.,;:!?*_`~|#•>-–—/\\"
_CLAUSE_END = (",", ";", ":", "(", "—", "–")

# A token: its word ("" for a bullet, a time or a dash) and the token as written.
_Token = tuple[str, str]


def _tokens(text: str, low: int, high: int) -> list[_Token]:
    """The whitespace-separated tokens of text[low:high]: splitting is several times faster
    than a word pattern, and the subject's words are plain enough for it."""
    tokens = []
    for raw in text[low:high].split():
        word = raw.strip(_EDGE)
        tokens.append((word if word[:1].isalpha() else "", raw))
    return tokens


def _first_word(tokens: list[_Token]) -> int:
    for index, (word, _) in enumerate(tokens):
        if word:
            return index
    return -1


def _opens_clause(tokens: list[_Token], index: int, first: int) -> bool:
    """tokens[index] starts the sentence or a clause ("…, this broke"), so it is a subject."""
    if index == first:
        return True
    word, raw = tokens[index - 1] if index > 0 else ("", "")
    return word.lower() in _SHARED_SUBJECT or raw.endswith(_CLAUSE_END) or tokens[index][
        1
    ].startswith("(")


def _after_governor(tokens: list[_Token], index: int) -> bool:
    """tokens[index] is the object of a preposition ("at OWASA", "on the Teams channel") or of
    a verb in -ing ("holding the pager"), not a subject."""
    before = index - 1
    while before >= 0 and tokens[before][0].lower() in _DETERMINERS:
        before -= 1
    # "At 14:00 Hermes …": a time or a mark in between ends the phrase.
    if before < 0 or not tokens[before][0] or tokens[before][1].endswith(_CLAUSE_END):
        return False
    governor = tokens[before][0].lower()
    if governor in _PREPOSITIONS:
        return True
    # "holding the pager": the object of a verb in -ing.
    return governor.endswith("ing") and tokens[before + 1][0].lower() in _DETERMINERS


def _skippable(key: str) -> bool:
    return key in _FUNCTION_WORDS or key.endswith(("n't", "n’t")) or (
        key.endswith("ly") and len(key) > 4
    )
