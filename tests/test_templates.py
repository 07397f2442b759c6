"""Agenda templates: the built-in two, checks on a saved one, and storing them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from retro_desk.agenda import default_agenda
from retro_desk.model import PHASES, AgendaItem
from retro_desk.storage import NotFound, Store
from retro_desk.templates import (
    BUILTIN_TEMPLATES,
    EXTERNAL_STUDY,
    FOR_KIND,
    OWN_REVIEW,
    AgendaTemplate,
    TemplateError,
    TemplatePhase,
    from_json,
    template_from_agenda,
    to_json,
    with_builtins,
)


@pytest.fixture
def store() -> Iterator[Store]:
    store = Store.in_memory()
    yield store
    store.close()


def plan(agenda: list[AgendaItem]) -> list[tuple[str, str, int]]:
    return [(item.phase, item.title, item.planned_seconds) for item in agenda]


def test_the_two_built_in_templates_are_the_default_agendas() -> None:
    assert [t.name for t in BUILTIN_TEMPLATES] == [
        "60-minute incident review", "30-minute external-incident study",
    ]
    assert all(t.builtin for t in BUILTIN_TEMPLATES)
    assert plan(OWN_REVIEW.agenda()) == plan(default_agenda("own"))
    assert plan(EXTERNAL_STUDY.agenda()) == plan(default_agenda("external"))
    assert OWN_REVIEW.total_seconds == 3600
    assert EXTERNAL_STUDY.total_seconds == 1800
    assert FOR_KIND == {"own": OWN_REVIEW, "external": EXTERNAL_STUDY}
    assert EXTERNAL_STUDY.describe().startswith("30 min: Opening 3, Feelings round 5,")


def test_a_template_from_an_agenda_keeps_order_and_rounds_to_minutes() -> None:
    agenda = default_agenda("own")
    agenda[0], agenda[1] = agenda[1], agenda[0]
    agenda[2].planned_seconds = 1230  # rebalanced mid-meeting: 20.5 min
    agenda[2].spent_seconds = 2000
    template = template_from_agenda("  Short   review ", agenda)
    assert template.name == "Short review"
    assert not template.builtin
    assert [p.phase for p in template.phases][:2] == ["feelings", "opening"]
    assert template.phases[2].planned_seconds == 1200  # the plan, to the nearest minute
    fresh = template.agenda()
    assert all(item.spent_seconds == 0 and item.id is None for item in fresh)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "needs a name"),
        ("   ", "needs a name"),
        ("x" * 81, "at most 80"),
        ("60-minute incident review", "built-in"),
        ("  30-MINUTE external-incident   STUDY ", "built-in"),
    ],
)
def test_names_that_cannot_be_used(name: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        template_from_agenda(name, default_agenda())


@pytest.mark.parametrize(
    ("phases", "message"),
    [
        ((), "at least one phase"),
        ((TemplatePhase("standup", "Standup", 600),), "not a phase"),
        ((TemplatePhase("opening", "Opening", 300),) * 2, "appears twice"),
        ((TemplatePhase("opening", "Opening", 30),), "1 to 240 min"),
        ((TemplatePhase("opening", "Opening", 241 * 60),), "1 to 240 min"),
    ],
)
def test_agendas_that_cannot_be_run(phases: tuple[TemplatePhase, ...], message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        from_json("Odd", to_json(AgendaTemplate("Odd", phases)))


@pytest.mark.parametrize("stored", ["", "{", "{}", "[1]", '[{"phase": "opening"}]', "null",
                                    '[{"phase": "opening", "title": "O", "planned_seconds": "x"}]'])
def test_a_damaged_stored_template_is_an_error_naming_it(stored: str) -> None:
    with pytest.raises(TemplateError, match="“Team”"):
        from_json("Team", stored)


def test_json_round_trip() -> None:
    template = template_from_agenda("Team", default_agenda("external"))
    assert from_json("Team", to_json(template)) == template


def test_built_ins_come_first_then_saved_ones_by_name() -> None:
    b = template_from_agenda("beta", default_agenda())
    a = template_from_agenda("Alpha", default_agenda())
    assert [t.name for t in with_builtins([b, a])] == [
        OWN_REVIEW.name, EXTERNAL_STUDY.name, "Alpha", "beta",
    ]


# -- stored ----------------------------------------------------------------------------------


def test_templates_are_saved_listed_replaced_and_deleted(store: Store) -> None:
    assert store.agenda_templates() == []
    agenda = default_agenda()
    agenda[2].planned_seconds = 40 * 60
    store.save_agenda_template(template_from_agenda("Long timeline", agenda))
    store.save_agenda_template(template_from_agenda("a quick one", default_agenda("external")))
    assert [t.name for t in store.agenda_templates()] == ["a quick one", "Long timeline"]
    [_quick, long] = store.agenda_templates()
    assert long.phases[2].planned_seconds == 2400
    assert plan(long.agenda()) == plan(agenda)
    row = store.db.execute("SELECT items FROM agenda_templates WHERE name = ?",
                           ["Long timeline"]).fetchone()
    assert '"phase": "timeline"' in row[0]

    # The same name in another case replaces it, rather than making a near-twin.
    store.save_agenda_template(template_from_agenda("LONG TIMELINE", default_agenda()))
    assert [t.name for t in store.agenda_templates()] == ["a quick one", "LONG TIMELINE"]

    store.delete_agenda_template("a quick one")
    assert [t.name for t in store.agenda_templates()] == ["LONG TIMELINE"]
    with pytest.raises(NotFound):
        store.delete_agenda_template("a quick one")


def test_built_in_templates_cannot_be_saved_over_or_deleted(store: Store) -> None:
    with pytest.raises(TemplateError, match="built in"):
        store.delete_agenda_template(OWN_REVIEW.name)
    with pytest.raises(TemplateError, match="built-in"):
        store.save_agenda_template(AgendaTemplate(EXTERNAL_STUDY.name, EXTERNAL_STUDY.phases))
    assert store.agenda_templates() == []


def test_a_damaged_row_does_not_hide_the_others(store: Store) -> None:
    store.save_agenda_template(template_from_agenda("Good", default_agenda()))
    store.db.execute("INSERT INTO agenda_templates (name, items) VALUES ('Bad', '[oops')")
    assert [t.name for t in store.agenda_templates()] == ["Good"]


def test_every_phase_order_is_kept(store: Store) -> None:
    agenda = list(reversed(default_agenda()))
    store.save_agenda_template(template_from_agenda("Backwards", agenda))
    [stored] = store.agenda_templates()
    assert [p.phase for p in stored.phases] == list(reversed(PHASES))
