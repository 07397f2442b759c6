"""Crash-trial child: a scripted stream of edits to a retro, each reported after its commit.

    python benchmarks/crash_child.py --db PATH --seed N [--edits N]

Opens the one retro in PATH through the storage layer (Store and SessionEditor), prints
`ready`, then makes edits until it is killed (or has made --edits of them). Line `N what` is
written only after edit N's commit has returned. The stream depends only on the seed and on
the retro's contents, so crash_trials.py can replay it on a copy to know what must be stored.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from retro_desk.editor import SessionEditor  # noqa: E402
from retro_desk.export import session_file  # noqa: E402
from retro_desk.model import CATEGORIES, Action, Event, Learning, ParkingItem  # noqa: E402
from retro_desk.storage import Store  # noqa: E402
from retro_desk.timer import TimerState  # noqa: E402

WORDS = (
    "the gateway returned 502 while cached sessions kept working and on-call compared "
    "the renewed chain with the pinned bundle Zoë Łukasz 証明書 ✓ | * _ ` # [link](x)"
).split()
# A paste is the largest edit: many pages in one commit, so a kill can land in the middle of one.
PASTE_WORDS = (2_000, 40_000)


def text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def snapshot(store: Store, session_id: int) -> dict[str, Any]:
    """Everything stored about a retro that an edit can change, minus ids and timestamps."""
    retro = store.load_retro(session_id)
    document = session_file.to_document(retro)
    document["private_notes"] = retro.private_notes
    document["timer"] = list(dataclasses.astuple(store.timer_state(session_id)))
    return document


def restore(store: Store, document: dict[str, Any]) -> int:
    """Store a snapshot as a new retro, so an edit stream can be replayed from it."""
    retro = session_file.from_document(document)
    retro.private_notes = document["private_notes"]
    session_id = store.create_retro(retro)
    agenda = store.load_retro(session_id).agenda
    store.save_timer(session_id, TimerState(*document["timer"]), agenda)
    return session_id


def edit_stream(editor: SessionEditor, rng: random.Random) -> Iterator[str]:
    """Make one edit per step and yield what it was, after the store has committed it."""
    weights = [weight for weight, _ in EDITS]
    kinds = [edit for _, edit in EDITS]
    for n in itertools.count(1):
        yield rng.choices(kinds, weights)[0](editor, rng, n)


def add_event(editor: SessionEditor, rng: random.Random, n: int) -> str:
    event = Event(
        key="",
        at=f"2026-11-20T{rng.randrange(8, 20):02d}:{rng.randrange(60):02d}:00+01:00",
        description=f"{n} {text(rng, 1, 40)}",
        actor=rng.choice(["", "Zoë", "Łukasz", "Amara"]),
        decision_point=rng.random() < 0.3,
        learned_later=rng.random() < 0.1,
    )
    added = editor.add(event)
    return f"add event {added.key}"


def update_event(editor: SessionEditor, rng: random.Random, n: int) -> str:
    timeline = editor.retro.timeline
    if not timeline:
        return add_event(editor, rng, n)
    event = rng.choice(timeline)
    changes = rng.choice(
        [
            {"description": f"{n} {text(rng, 1, 40)}"},
            {"decision_point": not event.decision_point},
            {"actor": rng.choice(["Zoë", "Priya", ""]), "learned_later": not event.learned_later},
        ]
    )
    editor.update(event, **changes)
    return f"update event {event.key} {sorted(changes)}"


def delete_event(editor: SessionEditor, rng: random.Random, n: int) -> str:
    timeline = editor.retro.timeline
    if len(timeline) < 5:
        return add_event(editor, rng, n)
    event = rng.choice(timeline)
    editor.delete(event)
    return f"delete event {event.key}"


def answer(editor: SessionEditor, rng: random.Random, n: int) -> str:
    points = editor.retro.decision_points() or editor.retro.timeline
    if not points:
        return add_event(editor, rng, n)
    event = rng.choice(points)
    category = rng.choice(CATEGORIES)
    value = "" if rng.random() < 0.15 else f"{n} {text(rng, 1, 60)}"
    editor.set_answer(event.key, category, value)
    return f"answer {event.key} {category} ({len(value)} chars)"


def update_learning(editor: SessionEditor, rng: random.Random, n: int) -> str:
    if not editor.retro.learnings:
        return f"add learning {editor.add(Learning(f'{n} first')).id}"
    learning = rng.choice(editor.retro.learnings)
    editor.update(learning, text=f"{n} {text(rng, 1, 30)}")
    return f"update learning {learning.id}"


def delete_parking(editor: SessionEditor, rng: random.Random, n: int) -> str:
    if not editor.retro.parking_lot:
        return f"add parking {editor.add(ParkingItem('refilled')).id}"
    item = rng.choice(editor.retro.parking_lot)
    editor.delete(item)
    return f"delete parking {item.id}"


def add_action(editor: SessionEditor, rng: random.Random, n: int) -> str:
    if editor.retro.actions and rng.random() < 0.4:
        action = rng.choice(editor.retro.actions)
        editor.update(action, done=not action.done)
        return f"toggle action {action.id}"
    added = editor.add(Action(f"{n} {text(rng, 1, 15)}", owner="Amara", due="2026-12-01"))
    return f"add action {added.id}"


def type_notes(editor: SessionEditor, rng: random.Random, n: int) -> str:
    value = f"{editor.retro.private_notes[-2000:]}\n{n} {text(rng, 1, 20)}"
    editor.set_private_notes(value)
    return f"type private notes ({len(value)} chars)"


def paste_notes(editor: SessionEditor, rng: random.Random, n: int) -> str:
    value = f"{n} " + text(rng, *PASTE_WORDS)
    editor.set_private_notes(value)
    return f"paste private notes ({len(value)} chars)"


def closing(editor: SessionEditor, rng: random.Random, n: int) -> str:
    editor.set_closing_notes(f"{n} {text(rng, 0, 50)}")
    return "closing notes"


def roti(editor: SessionEditor, rng: random.Random, n: int) -> str:
    if len(editor.retro.closing.roti) > 8:
        editor.set_roti([])
        return "roti cleared"
    editor.add_roti_vote(rng.randint(1, 5))
    return "roti vote"


def summary(editor: SessionEditor, rng: random.Random, n: int) -> str:
    editor.update_session(summary=f"{n} {text(rng, 5, 80)}", status=rng.choice(["live", "draft"]))
    return "summary"


def mark(editor: SessionEditor, rng: random.Random, n: int) -> str:
    key = f"timeline:e{rng.randrange(1, 40)}:description:hindsight:obviously"
    state = rng.choice(["reframed", "named_feeling", "open"])
    editor.mark_finding(key, state)
    return f"mark {key} {state}"


def timer(editor: SessionEditor, rng: random.Random, n: int) -> str:
    agenda = editor.retro.agenda
    for item in agenda:
        item.spent_seconds = rng.randrange(0, 1800)
    state = TimerState(rng.randrange(len(agenda)), rng.choice([None, 1_795_000_000.5]),
                       rng.choice([None, 3600]))
    editor.store.save_timer(editor.session_id, state, agenda)
    return f"timer phase {state.current_phase}"


def undo(editor: SessionEditor, rng: random.Random, n: int) -> str:
    label = editor.undo_stack.undo_label()
    editor.undo_stack.undo()
    return f"undo {label or '(nothing)'}"


def redo(editor: SessionEditor, rng: random.Random, n: int) -> str:
    label = editor.undo_stack.redo_label()
    editor.undo_stack.redo()
    return f"redo {label or '(nothing)'}"


def add_learning(editor: SessionEditor, rng: random.Random, n: int) -> str:
    return f"add learning {editor.add(Learning(f'{n} {text(rng, 1, 30)}')).id}"


def add_parking(editor: SessionEditor, rng: random.Random, n: int) -> str:
    return f"add parking {editor.add(ParkingItem(f'{n} {text(rng, 1, 12)}')).id}"


Edit = Callable[[SessionEditor, random.Random, int], str]
# How often each kind of edit comes up, roughly as often as in a live retro; undo included.
EDITS: tuple[tuple[int, Edit], ...] = (
    (20, add_event),
    (10, update_event),
    (4, delete_event),
    (12, answer),
    (6, add_learning),
    (3, update_learning),
    (5, add_parking),
    (3, delete_parking),
    (4, add_action),
    (4, type_notes),
    (3, paste_notes),
    (2, closing),
    (3, roti),
    (2, summary),
    (2, mark),
    (4, timer),
    (6, undo),
    (3, redo),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--edits", type=int, help="stop after this many (default: never)")
    args = parser.parse_args(argv)
    store = Store.open(args.db)
    [session] = store.list_sessions()  # a trial database holds one retro
    assert session.id is not None
    editor = SessionEditor(store, session.id)
    print("ready", flush=True)
    stream = edit_stream(editor, random.Random(args.seed))
    for n, made in enumerate(itertools.islice(stream, args.edits), start=1):
        # One short write per line: a pipe delivers it whole or not at all.
        sys.stdout.write(f"{n} {made}\n")
        sys.stdout.flush()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
