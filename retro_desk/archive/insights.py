"""Insights across retros: how blame language, feelings, local rationality and actions go,
month by month. Counts only: nothing anyone typed is repeated."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from retro_desk.model import CATEGORIES, Retro
from retro_desk.reflection import retro_findings, retro_texts, summarise
from retro_desk.storage.archive import TrackedAction, tracked_actions
from retro_desk.storage.store import Store

_WORD = re.compile(r"\w+")


@dataclass
class Month:
    """One calendar month of retros (by incident date, else the day the retro was made)."""

    month: str
    retros: int = 0
    words: int = 0
    findings: int = 0
    reframed: int = 0
    named_feeling: int = 0
    feelings_rounds: int = 0
    blame_rounds: int = 0

    @property
    def findings_per_1000_words(self) -> float:
        return 1000 * self.findings / self.words if self.words else 0.0

    @property
    def blame_round_share(self) -> float | None:
        return self.blame_rounds / self.feelings_rounds if self.feelings_rounds else None

    def as_json(self) -> dict[str, Any]:
        return {
            "month": self.month, "retros": self.retros, "words": self.words,
            "blame_findings": self.findings,
            "findings_per_1000_words": round(self.findings_per_1000_words, 2),
            "reframed": self.reframed, "named_as_feeling": self.named_feeling,
            "feelings_rounds": self.feelings_rounds,
            "feelings_rounds_naming_blame": self.blame_rounds,
            "blame_feeling_share": None if self.blame_round_share is None
            else round(self.blame_round_share, 3),
        }


@dataclass
class Insights:
    months: list[Month] = field(default_factory=list)
    categories: list[tuple[str, int]] = field(default_factory=list)
    actions: int = 0
    actions_done: int = 0
    days_to_done: list[float] = field(default_factory=list)

    @property
    def completion_rate(self) -> float | None:
        return self.actions_done / self.actions if self.actions else None

    @property
    def median_days_to_done(self) -> float | None:
        return statistics.median(self.days_to_done) if self.days_to_done else None

    def as_json(self) -> dict[str, Any]:
        rate, median = self.completion_rate, self.median_days_to_done
        return {
            "months": [month.as_json() for month in self.months],
            "rationality_categories": [
                {"category": key, "answers": count} for key, count in self.categories],
            "actions": {
                "total": self.actions, "done": self.actions_done,
                "completion_rate": None if rate is None else round(rate, 3),
                "median_days_to_done": None if median is None else round(median, 1),
                "done_with_known_time": len(self.days_to_done),
            },
        }


@dataclass(frozen=True)
class RetroFacts:
    """What one retro adds to the insights: worked out once per version of the retro."""

    month: str
    words: int
    findings: int
    reframed: int
    named_feeling: int
    feelings_round: bool
    blame_round: bool
    categories: tuple[str, ...]


# Facts by session id, with the `updated_at` they were worked out for (a window keeps one,
# so that showing the insights again reads only the retros changed since).
FactsCache = dict[int, tuple[str, RetroFacts]]


def retro_facts(retro: Retro) -> RetroFacts:
    summary = summarise(retro_findings(retro), retro.reflection_marks)
    return RetroFacts(
        month=_month(retro),
        words=sum(len(_WORD.findall(text)) for _, text in retro_texts(retro)),
        findings=summary.total,
        reframed=summary.reframed,
        named_feeling=summary.named,
        feelings_round=bool(retro.feelings),
        blame_round=any(feeling.blame_feeling for feeling in retro.feelings),
        categories=tuple(answer.category for answer in retro.rationality),
    )


def gather(retros: Iterable[Retro], tracked: Iterable[TrackedAction]) -> Insights:
    return combine((retro_facts(retro) for retro in retros), tracked)


def combine(facts: Iterable[RetroFacts], tracked: Iterable[TrackedAction]) -> Insights:
    months: dict[str, Month] = {}
    used: Counter[str] = Counter()
    for fact in facts:
        month = months.setdefault(fact.month, Month(fact.month))
        month.retros += 1
        month.words += fact.words
        month.findings += fact.findings
        month.reframed += fact.reframed
        month.named_feeling += fact.named_feeling
        month.feelings_rounds += fact.feelings_round
        month.blame_rounds += fact.feelings_round and fact.blame_round
        used.update(fact.categories)
    insights = Insights(
        months=[months[key] for key in sorted(months)],
        categories=sorted(((key, used[key]) for key in CATEGORIES if used[key]),
                          key=lambda pair: (-pair[1], CATEGORIES.index(pair[0]))),
    )
    for item in tracked:
        insights.actions += 1
        if item.action.done:
            insights.actions_done += 1
            days = _days_between(item.session_created_at, item.done_at)
            if days is not None:
                insights.days_to_done.append(days)
    return insights


def insights(store: Store, cache: FactsCache | None = None) -> Insights:
    """Every retro in the store, read one at a time (only those changed since, with a cache
    from an earlier call)."""
    cache = {} if cache is None else cache
    facts = []
    sessions = store.list_sessions()
    for session in sessions:
        if session.id is None:
            continue
        known = cache.get(session.id)
        if known is None or known[0] != session.updated_at:
            known = (session.updated_at, retro_facts(store.load_retro(session.id)))
            cache[session.id] = known
        facts.append(known[1])
    for gone in set(cache) - {session.id for session in sessions}:
        del cache[gone]
    return combine(facts, tracked_actions(store))


def _month(retro: Retro) -> str:
    session = retro.session
    day = session.incident_date or session.created_at[:10]
    return day[:7] if len(day) >= 7 else "undated"


def _days_between(start: str, end: str | None) -> float | None:
    if end is None:
        return None
    try:
        begun = _instant(start)
        ended = _instant(end)
    except ValueError:
        return None
    return max(0.0, (ended - begun).total_seconds() / 86400)


def _instant(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
