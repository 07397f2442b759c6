"""The matcher: finds where rules match, then keeps the matches their sentence makes blame."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from functools import cached_property
from itertools import accumulate

from retro_desk.language import context
from retro_desk.language.context import PEOPLE_KINDS, Kind, Subjects
from retro_desk.language.keywords import Keywords, keywords, trie_pattern
from retro_desk.language.rules import Finding, Rule, RuleSet

# How far from a keyword that is not its first word a match may begin or end.
_REACH = 60
_SPACES = re.compile(b" +")
# Judgements remembered at most; a 1 MB note has about 10,000 matches.
_JUDGED_MAX = 50_000
_REMEMBERED_SENTENCE = 2_000
_UNJUDGED = ""
# How far back unless_preceded_by looks: a negation or a "nobody" a few words before.
_PRECEDING = 50
_NEGATED = re.compile(r"n['’]?t\b|\bnot\b", re.IGNORECASE)
# A prompt about "them" turned to the people speaking about themselves.
_OURS = {"they": "we", "them": "us", "their": "our", "theirs": "ours", "themselves": "ourselves"}
_THEY = re.compile(r"\b(?:they|them|their|theirs|themselves)\b", re.IGNORECASE)


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


def _scannable(keywords: Keywords | None) -> list[tuple[bytes, bool]] | None:
    if keywords is None:
        return None
    try:
        return [(word.encode("latin-1"), leading) for word, leading in keywords]
    except UnicodeEncodeError:
        return None


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
    def keywords(self) -> Keywords | None:
        return keywords(self.rule.pattern)

    @cached_property
    def reads_subject(self) -> bool:
        """Whether judging a match needs its subject: to check it, or to word the prompt."""
        rule = self.rule
        return rule.subject != "any" or any(
            _THEY.search(prompt) for prompt in (rule.prompt, rule.prompt_negated) if prompt
        )


class Matcher:
    """Finds blame phrases with one set of rules, compiled once."""

    def __init__(self, rules: RuleSet) -> None:
        self._rules = rules
        self._subjects = Subjects(rules.people, rules.things)
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
        trie = trie_pattern(sorted(word.decode("latin-1") for word in by_word))
        # A look-ahead, so that a keyword of several words ("a mistake") does not hide the
        # keywords that start at the words after its first ("mistake").
        self._trigger = (
            re.compile(b" (?=(" + trie.encode("latin-1") + b"))") if by_word else None
        )
        self._compiled_tries: dict[bytes, tuple[tuple[int, bool, re.Pattern[str]], ...]] = {}
        # What each match was judged, by the match and the text it was judged on.
        self._judged: dict[tuple[int, str, int, int, int], str | None] = {}

    @property
    def rules(self) -> RuleSet:
        return self._rules

    def forget(self) -> None:
        """Judge every match afresh next time (a benchmark's first check)."""
        self._judged.clear()

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
            # Texts are joined by a line break, which the byte copy turns into a space: a
            # keyword found in the joined copy starts a word in exactly one text, at the same
            # offset as in that text alone. Patterns are then tried on that text alone.
            ends = list(accumulate(len(text) + 1 for text in texts))
            tries = self._compiled_tries
            index, low, high = 0, 0, ends[0] if ends else 0
            text = texts[0] if texts else ""
            found: set[tuple[int, int, int]] = set()
            add = found.add
            for match in self._trigger.finditer(_scan_text("\n".join(texts))):
                at = match.start(1) - 1
                if not low <= at < high:
                    if found:
                        spans[index] = found
                    index = bisect_right(ends, at)
                    text, low, high = texts[index], ends[index - 1] if index else 0, ends[index]
                    found = spans.get(index, set())
                    add = found.add
                position = at - low
                word = match.group(1)
                if b"  " in word:
                    word = _SPACES.sub(b" ", word)
                for rule, leading, regex in tries.get(word) or self._tries(word):
                    if leading:
                        matched = regex.match(text, position)
                        if matched is not None:
                            end = matched.end()
                            if end > position:
                                add((position, end, rule))
                    else:
                        window = max(0, position - _REACH), min(len(text), position + _REACH)
                        for start, end in _scan(regex, text, *window):
                            add((start, end, rule))
            if found:
                spans[index] = found
        for rule in self._unanchored:
            regex = self._compiled[rule].regex
            for index, text in enumerate(texts):
                for start, end in _scan(regex, text, 0, len(text)):
                    spans.setdefault(index, set()).add((start, end, rule))
        return spans

    def _tries(self, word: bytes) -> tuple[tuple[int, bool, re.Pattern[str]], ...]:
        """The rules to try where word starts, with their patterns (compiled on first use)."""
        tries = self._compiled_tries.get(word)
        if tries is None:
            tries = tuple(
                (rule, leading, self._compiled[rule].regex) for rule, leading in self._by_word[word]
            )
            self._compiled_tries[word] = tries
        return tries

    def _findings(self, text: str, spans: set[tuple[int, int, int]]) -> list[Finding]:
        """The matches their sentences make blame. Longest first, so where rules overlap the
        most specific phrase wins (ties: the earlier start, then the rule listed first); a match
        inside one already kept is not judged at all."""
        sentences = context.Sentences(text)
        starts: list[int] = []
        kept: list[tuple[int, int, int, str]] = []
        for start, end, index in sorted(spans, key=_priority):
            at = bisect_left(starts, start)
            if at > 0 and kept[at - 1][1] > start:
                continue
            if at < len(kept) and kept[at][0] < end:
                continue
            sentence_start, sentence_end = sentences.around(start, end)
            # A match is judged on its sentence and the few characters before it alone, so
            # the same sentence is judged the same way wherever it is: a check after an edit
            # (the highlighter checks the whole note at every key press) judges only what
            # changed.
            base = max(0, sentence_start - _PRECEDING - 1)
            if sentence_end - base > _REMEMBERED_SENTENCE:
                # A paste with no sentence breaks: not worth a copy per match.
                prompt = self._judge(
                    self._compiled[index], text, start, end, sentence_start, sentence_end
                )
            else:
                key = (index, text[base:sentence_end], start - base, end - base,
                       sentence_start - base)
                prompt = self._judged.get(key, _UNJUDGED)
                if prompt is _UNJUDGED:
                    prompt = self._judge(
                        self._compiled[index], text, start, end, sentence_start, sentence_end
                    )
                    if len(self._judged) >= _JUDGED_MAX:
                        self._judged.clear()
                    self._judged[key] = prompt
            if prompt is not None:
                starts.insert(at, start)
                kept.insert(at, (start, end, index, prompt))
        findings = []
        for start, end, index, prompt in kept:
            rule = self._compiled[index].rule
            findings.append(Finding(start, end, rule.category, text[start:end], prompt, rule.id))
        return findings

    def _judge(
        self,
        compiled: _CompiledRule,
        text: str,
        start: int,
        end: int,
        sentence_start: int,
        sentence_end: int,
    ) -> str | None:
        """The prompt for this match if its sentence makes it blame, else None. The cheap
        questions come first: most matches that are not blame fail one of them."""
        rule = compiled.rule
        if compiled.unless_preceded_by is not None and compiled.unless_preceded_by.search(
            text, max(0, start - _PRECEDING), start
        ):
            return None
        if context.is_heading(text, sentence_start):
            return None
        subject: Kind = "unknown"
        if compiled.reads_subject:
            subject = self._subjects.subject(text, sentence_start, start)
            if (
                subject == "unknown"
                and rule.subject != "human-act"
                and context.opens_sentence(text, sentence_start, start)
            ):
                # "Obviously nobody had tested…", "All Lee needed to do…", "All the script
                # needed to do…": the subject comes after the phrase that opens the sentence.
                # (A human act needs no subject: "The wrong push of a button…".)
                subject = self._subjects.subject_after(text, start, sentence_end)
            if not self._subject_fits(rule, subject, text, sentence_start, start):
                return None
        if rule.quiet_in_questions and context.is_asking(text, sentence_start, sentence_end):
            return None
        if compiled.unless_in_sentence is not None and compiled.unless_in_sentence.search(
            text, sentence_start, sentence_end
        ):
            return None
        if context.is_mentioned(text, sentence_start, sentence_end, start, end):
            return None
        prompt = rule.prompt
        if rule.prompt_negated is not None and _NEGATED.search(text, start, end):
            prompt = rule.prompt_negated
        return _spoken_to(prompt, subject)

    def _subject_fits(
        self, rule: Rule, subject: Kind, text: str, sentence_start: int, start: int
    ) -> bool:
        if rule.subject == "person":
            return subject in PEOPLE_KINDS
        if rule.subject == "others":
            # "They just had to wait" minimises; "we just had to wait" tells what happened.
            return subject in PEOPLE_KINDS and subject not in ("we", "i")
        if rule.subject == "not-thing":
            if rule.category == "character":
                # A trait said of a machine ("the parser is careless about whitespace"), not
                # of an act ("a careless push") or a person ("the contractor who wrote that
                # script was sloppy"): the sentence opens with the machine too.
                return not (
                    subject == "thing"
                    and context.is_passive(text, sentence_start, start)
                    and self._subjects.opening_subject(text, sentence_start, start) == "thing"
                )
            return subject != "thing"
        if rule.subject == "human-act":
            # "Engineers deleted the database by accident": the act's subject opens the sentence.
            return (
                subject != "thing"
                or context.is_passive(text, sentence_start, start)
                or self._subjects.opening_subject(text, sentence_start, start) in PEOPLE_KINDS
            )
        return True


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


def _priority(span: tuple[int, int, int]) -> tuple[int, int, int]:
    start, end, rule = span
    return start - end, start, rule


def _spoken_to(prompt: str, subject: Kind) -> str:
    """A prompt about "they" said to "we" when the sentence is the group's own."""
    if subject != "we":
        return prompt

    def swap(match: re.Match[str]) -> str:
        word = _OURS[match.group().lower()]
        return word.capitalize() if match.group()[0].isupper() else word

    return _THEY.sub(swap, prompt)
