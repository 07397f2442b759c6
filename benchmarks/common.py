"""Helpers shared by the benchmark scripts: synthetic retros, timing, and a results table."""

from __future__ import annotations

import statistics
import uuid
from datetime import datetime, timedelta, timezone

from retro_desk.agenda import default_agenda
from retro_desk.model import CATEGORIES, Answer, Event, Retro, Session


def synthetic_retro(events: int, title: str = "Synthetic retro") -> Retro:
    """A retro with `events` timeline events, every tenth a decision point with three answers."""
    start = datetime(2026, 11, 20, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    timeline = []
    answers = []
    for n in range(events):
        key = f"e{n + 1}"
        decision = n % 10 == 0
        timeline.append(
            Event(
                key=key,
                at=(start + timedelta(seconds=17 * n)).isoformat(),
                description=f"Step {n}: the on-call engineer checked the graphs | *node-{n % 7}*",
                actor=f"Person {n % 6}",
                source="#incident",
                decision_point=decision,
                learned_later=n % 37 == 0,
            )
        )
        if decision:
            for category in CATEGORIES[:3]:
                answers.append(Answer(key, category, f"They saw alert {n} and knew the runbook."))
    session = Session(uuid=str(uuid.uuid4()), title=title, incident_date="2026-11-20",
                      timezone="Europe/Berlin", status="live")
    return Retro(session=session, agenda=default_agenda(), timeline=timeline, rationality=answers)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values)


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)
