"""The retro-wide language reflection: where findings are, what became of them, the export."""

from __future__ import annotations

from markdown_it import MarkdownIt

from retro_desk.export import markdown_text, session_file
from retro_desk.model import Answer, Event, Feeling, Learning, ParkingItem, Retro, Session
from retro_desk.reflection import retro_findings, summarise


def retro_with_blame() -> Retro:
    retro = Retro(session=Session(uuid="u", title="t", timezone="Europe/Berlin"))
    retro.session.summary = "Obviously the deploy was the problem."
    retro.timeline = [
        Event("e1", "2026-11-20T14:32:00+01:00", "The operator failed to notice the alert.",
              decision_point=True),
        Event("e2", "2026-11-20T14:40:00+01:00", "The cron job failed to start."),
    ]
    retro.rationality = [Answer("e1", "cues", "They should have checked the dashboard.")]
    retro.feelings = [Feeling(["vindicated"], note="Honestly, they had it coming.", id=7)]
    retro.learnings = [Learning("We should add a canary.", id=3)]
    retro.parking_lot = [ParkingItem("Root cause analysis of the cache", id=4)]
    retro.private_notes = "She was careless, obviously."
    return retro


def test_findings_are_located_by_part_and_label() -> None:
    findings = retro_findings(retro_with_blame())
    places = {(f.place.part, f.place.ref, f.finding.category) for f in findings}
    assert ("session", "", "hindsight") in places
    assert ("timeline", "e1", "counterfactual") in places
    assert ("rationality", "e1:cues", "counterfactual") in places
    assert any(part == "feelings" and category == "retributive" for part, _, category in places)
    labels = {f.place.label for f in findings}
    assert "Timeline 14:32" in labels
    assert "Decision 14:32, cues" in labels


def test_plans_machines_and_private_notes_are_not_findings() -> None:
    findings = retro_findings(retro_with_blame())
    parts = {(f.place.part, f.place.ref) for f in findings}
    assert ("timeline", "e2") not in parts  # a job failing to start is a fact
    assert not any(part == "learnings" for part, _ in parts)  # a plan, not a counterfactual
    assert all("careless" not in f.finding.phrase for f in findings)  # private notes stay out


def test_keys_are_stable_and_marks_are_counted() -> None:
    retro = retro_with_blame()
    findings = retro_findings(retro)
    keys = [f.key for f in findings]
    assert len(keys) == len(set(keys))
    retro.timeline[0] = Event("e1", "2026-11-20T14:32:00+01:00",
                              "Later that day the operator failed to notice the alert.")
    assert {f.key for f in retro_findings(retro)} == set(keys)
    marks = {keys[0]: "reframed", keys[1]: "named_feeling", keys[2]: "reframed"}
    summary = summarise(findings, marks)
    assert (summary.total, summary.reframed, summary.named) == (len(findings), 2, 1)


def test_markdown_section_holds_counts_and_no_typed_text() -> None:
    retro = retro_with_blame()
    findings = retro_findings(retro)
    retro.reflection_marks = {findings[0].key: "reframed"}
    document = markdown_text(retro)
    text = document[document.index("## Language reflection\n"):]
    assert "were noticed: 1 reframed as a how/what question, 0 kept" in text
    assert "| Hindsight | 1 |" in text
    assert "they had it coming" not in text and "operator" not in text
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert [t.type for t in tokens if t.type in ("heading_open", "table_open")] == [
        "heading_open", "table_open"]


def test_marks_survive_the_session_file() -> None:
    retro = retro_with_blame()
    retro.reflection_marks = {"timeline:e1:description:counterfactual:failed to notice":
                              "reframed"}
    again = session_file.loads(session_file.dumps(retro))
    assert again.reflection_marks == retro.reflection_marks
