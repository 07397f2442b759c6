"""The session file format v1: lossless round trip, and a clear error naming the JSON path."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retro_desk import __version__
from retro_desk.export import session_file
from retro_desk.export.session_file import SessionFileError
from retro_desk.model import (
    CATEGORIES,
    KINDS,
    PHASES,
    STATUSES,
    Action,
    AgendaItem,
    Answer,
    Closing,
    Event,
    Feeling,
    Learning,
    ParkingItem,
    Participant,
    Retro,
    Session,
)
from retro_desk.paths import resource
from retro_desk.timefmt import EARLIEST_DAY, LATEST_DAY

SAMPLE = resource("sample_retro.json")


def sample_document() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return result


def error_for(document: Any) -> SessionFileError:
    with pytest.raises(SessionFileError) as raised:
        session_file.loads(json.dumps(document).encode("utf-8"))
    return raised.value


# -- round trip -----------------------------------------------------------------------------


def test_sample_imports_and_exports_to_the_same_json() -> None:
    retro = session_file.read_file(SAMPLE)
    exported = json.loads(session_file.dumps(retro))
    assert exported.pop("export")["app"] == "Retro Desk"
    assert exported == sample_document()
    assert session_file.to_document(retro) == sample_document()


def test_an_export_says_when_and_by_which_version() -> None:
    moment = datetime(2026, 12, 3, 19, 5, 7, tzinfo=timezone(timedelta(hours=1)))
    document = json.loads(session_file.dumps(session_file.read_file(SAMPLE), now=moment))
    assert document["export"] == {"exported_at": "2026-12-03T18:05:07+00:00",
                                  "app": "Retro Desk", "app_version": __version__}
    # Reading it back ignores the stamp: it describes the file, not the retro.
    assert session_file.to_document(session_file.from_document(document)) == sample_document()


WRITE_UP = {
    "severity": "SEV-1", "incident_ref": "INC-1187", "services": ["checkout", "payments"],
    "impact": "2,100 failed payments", "detected_at": "2026-11-20T14:36:00+01:00",
    "mitigated_at": "2026-11-20T15:21:00+01:00", "resolved_at": "2026-11-20T16:30:00+01:00",
    "retro_date": "2026-11-25", "owner": "Priya Raman", "export_feeling_notes": True,
}


def test_the_write_up_fields_go_out_and_come_back() -> None:
    document = sample_document()
    document["session"].update(WRITE_UP)
    retro = session_file.from_document(document)
    assert (retro.session.severity, retro.session.services, retro.session.retro_date) == (
        "SEV-1", ["checkout", "payments"], "2026-11-25")
    assert retro.session.export_feeling_notes is True
    assert session_file.to_document(retro) == document


def test_a_key_time_without_an_offset_is_read_in_the_session_zone() -> None:
    document = sample_document()
    document["session"]["detected_at"] = "2026-11-20T14:36"
    retro = session_file.from_document(document)
    assert retro.session.detected_at == "2026-11-20T14:36:00+01:00"


@pytest.mark.parametrize(("key", "value", "path"), [
    ("services", "checkout", "$.session.services"),
    ("services", ["ok", 3], "$.session.services[1]"),
    ("detected_at", "soon", "$.session.detected_at"),
    ("retro_date", "next week", "$.session.retro_date"),
    ("export_feeling_notes", "yes", "$.session.export_feeling_notes"),
    ("severity", 1, "$.session.severity"),
])
def test_a_bad_write_up_field_names_its_path(key: str, value: object, path: str) -> None:
    document = sample_document()
    document["session"][key] = value
    with pytest.raises(session_file.SessionFileError) as raised:
        session_file.from_document(document)
    assert raised.value.path == path


def test_unknown_fields_anywhere_are_ignored_never_fatal() -> None:
    document = sample_document()
    document["written_by_a_newer_tool"] = {"x": 1}
    document["session"]["team"] = "payments"
    document["timeline"][0]["severity"] = "high"
    document["participants"][0]["pronouns"] = "she/her"
    retro = session_file.from_document(document)
    assert session_file.to_document(retro) == sample_document()


def test_dumps_is_readable_utf8_json() -> None:
    text = session_file.dumps(session_file.read_file(SAMPLE))
    assert "Zoë Hartmann" in text and "Łukasz" in text  # not \u-escaped
    assert text.endswith("}\n")


def test_private_notes_never_leave_the_database() -> None:
    retro = session_file.read_file(SAMPLE)
    retro.private_notes = "facilitator only"
    assert "facilitator only" not in session_file.dumps(retro)


def test_utf8_bom_is_accepted() -> None:
    retro = session_file.loads(b"\xef\xbb\xbf" + SAMPLE.read_bytes())
    assert session_file.to_document(retro) == sample_document()


def test_unknown_extra_keys_are_ignored() -> None:
    document = sample_document()
    document["exported_by"] = {"app": "something else", "nested": [1, [2, [3]]]}
    document["session"]["colour"] = "teal"
    document["participants"][0]["pronouns"] = "she/her"
    document["timeline"][3]["severity"] = 2
    document["rationality"][0]["votes"] = None
    document["closing"]["mood"] = "good"
    retro = session_file.from_document(document)
    assert session_file.to_document(retro) == sample_document()


def test_optional_sections_may_be_missing() -> None:
    retro = session_file.loads(
        json.dumps(
            {"format": "retro-desk.session", "version": 1, "session": {"title": "Minimal"}}
        )
    )
    assert retro.session.title == "Minimal"
    assert retro.session.kind == "own" and retro.session.status == "draft"
    assert retro.session.timezone == "UTC"
    assert len(retro.session.uuid) == 36  # a fresh one
    assert retro.timeline == [] and retro.closing == Closing()


# -- errors name the JSON path --------------------------------------------------------------


Edit = Callable[[dict[str, Any]], None]


def _delete(*keys: Any) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        target: Any = document
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return edit


def _set(value: Any, *keys: Any) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        target: Any = document
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return edit


MISSING = {
    "format": (_delete("format"), "$.format"),
    "version": (_delete("version"), "$.version"),
    "session": (_delete("session"), "$.session"),
    "title": (_delete("session", "title"), "$.session.title"),
    "participant name": (_delete("participants", 2, "name"), "$.participants[2].name"),
    "participant id": (_delete("participants", 0, "id"), "$.participants[0].id"),
    "agenda phase": (_delete("agenda", 1, "phase"), "$.agenda[1].phase"),
    "planned_seconds": (_delete("agenda", 3, "planned_seconds"), "$.agenda[3].planned_seconds"),
    "event at": (_delete("timeline", 4, "at"), "$.timeline[4].at"),
    "event id": (_delete("timeline", 0, "id"), "$.timeline[0].id"),
    "event description": (_delete("timeline", 7, "description"), "$.timeline[7].description"),
    "answer": (_delete("rationality", 1, "answer"), "$.rationality[1].answer"),
    "category": (_delete("rationality", 2, "category"), "$.rationality[2].category"),
    "learning text": (_delete("learnings", 0, "text"), "$.learnings[0].text"),
    "action description": (_delete("actions", 1, "description"), "$.actions[1].description"),
    "parking text": (_delete("parking_lot", 2, "text"), "$.parking_lot[2].text"),
}


@pytest.mark.parametrize(("edit", "path"), MISSING.values(), ids=MISSING.keys())
def test_missing_required_key(edit: Edit, path: str) -> None:
    document = sample_document()
    edit(document)
    error = error_for(document)
    assert error.path == path
    assert str(error).startswith(f"{path}: ")
    assert "missing" in str(error)


WRONG_TYPE: dict[str, tuple[Edit, str, Any]] = {
    "root is a list": (lambda d: None, "$", []),
    "session is a string": (_set("x", "session"), "$.session", None),
    "title is a number": (_set(42, "session", "title"), "$.session.title", None),
    "title is null": (_set(None, "session", "title"), "$.session.title", None),
    "version is a string": (_set("1", "version"), "$.version", None),
    "version is a float": (_set(1.0, "version"), "$.version", None),
    "version is a bool": (_set(True, "version"), "$.version", None),
    "planned is a bool": (_set(True, "agenda", 1, "planned_seconds"),
                          "$.agenda[1].planned_seconds", None),
    "spent is a string": (_set("540", "agenda", 1, "spent_seconds"),
                          "$.agenda[1].spent_seconds", None),
    "decision_point is an int": (_set(1, "timeline", 2, "decision_point"),
                                 "$.timeline[2].decision_point", None),
    "learned_later is a string": (_set("false", "timeline", 2, "learned_later"),
                                  "$.timeline[2].learned_later", None),
    "done is 0": (_set(0, "actions", 0, "done"), "$.actions[0].done", None),
    "blame_feeling is 1": (_set(1, "feelings", 1, "blame_feeling"),
                           "$.feelings[1].blame_feeling", None),
    "language_reflection is 1": (_set(1, "session", "language_reflection"),
                                 "$.session.language_reflection", None),
    "timeline is an object": (_set({}, "timeline"), "$.timeline", None),
    "event is a string": (_set("e1", "timeline", 3), "$.timeline[3]", None),
    "source link is a number": (_set([1], "session", "source_links"),
                                "$.session.source_links[0]", None),
    "feeling word is a list": (_set(["ok", ["x"]], "feelings", 0, "words"),
                               "$.feelings[0].words[1]", None),
    "feeling participant is a number": (_set(1, "feelings", 0, "participant"),
                                        "$.feelings[0].participant", None),
    "roti vote is a bool": (_set([4, True], "closing", "roti"), "$.closing.roti[1]", None),
    "roti vote is a float": (_set([4.0], "closing", "roti"), "$.closing.roti[0]", None),
    "roti vote out of range": (_set([4, 6], "closing", "roti"), "$.closing.roti[1]", None),
    "closing notes is a list": (_set(["x"], "closing", "notes"), "$.closing.notes", None),
    "negative planned": (_set(-60, "agenda", 0, "planned_seconds"),
                         "$.agenda[0].planned_seconds", None),
}


@pytest.mark.parametrize(("edit", "path", "replacement"), WRONG_TYPE.values(),
                         ids=WRONG_TYPE.keys())
def test_wrong_type(edit: Edit, path: str, replacement: Any) -> None:
    document: Any = sample_document()
    edit(document)
    if replacement is not None:
        document = replacement
    error = error_for(document)
    assert error.path == path
    assert str(error).startswith(f"{path}: ")


def test_wrong_type_messages_say_what_was_expected_and_found() -> None:
    document = sample_document()
    document["agenda"][0]["planned_seconds"] = True
    assert str(error_for(document)) == (
        "$.agenda[0].planned_seconds: expected a whole number, found true/false"
    )
    document = sample_document()
    document["timeline"][0]["decision_point"] = 1
    assert str(error_for(document)) == (
        "$.timeline[0].decision_point: expected true or false, found a number"
    )


@pytest.mark.parametrize("value", [[], 0, "", False], ids=["list", "zero", "empty", "false"])
def test_closing_of_the_wrong_type(value: Any) -> None:
    document = sample_document()
    document["closing"] = value
    assert error_for(document).path == "$.closing"


def test_closing_of_the_wrong_truthy_type() -> None:
    document = sample_document()
    document["closing"] = [1]
    assert error_for(document).path == "$.closing"


UNREADABLE_TIME = {
    "words": "yesterday afternoon",
    "month 13": "2026-13-01T10:00:00+01:00",
    "bare clock": "14:32",
    "empty": "",
    "offset garbage": "2026-11-20T14:32:00+25:00",
}


@pytest.mark.parametrize("value", UNREADABLE_TIME.values(), ids=UNREADABLE_TIME.keys())
def test_unreadable_time(value: str) -> None:
    document = sample_document()
    document["timeline"][5]["at"] = value
    error = error_for(document)
    assert error.path == "$.timeline[5].at"
    assert "ISO 8601" in str(error)


@pytest.mark.parametrize(
    ("keys", "path"),
    [
        (("actions", 2, "due"), "$.actions[2].due"),
        (("session", "incident_date"), "$.session.incident_date"),
    ],
)
def test_unreadable_date(keys: tuple[Any, ...], path: str) -> None:
    document = sample_document()
    _set("next Friday", *keys)(document)
    error = error_for(document)
    assert error.path == path and "YYYY-MM-DD" in str(error)


def test_unknown_time_zone() -> None:
    document = sample_document()
    document["session"]["timezone"] = "Mars/Olympus_Mons"
    assert error_for(document).path == "$.session.timezone"


OUTSIDE_LIST = {
    "kind": (("session", "kind"), "internal", "$.session.kind"),
    "status": (("session", "status"), "done", "$.session.status"),
    "phase": (("agenda", 2, "phase"), "coffee", "$.agenda[2].phase"),
    "category": (("rationality", 4, "category"), "why", "$.rationality[4].category"),
    "kind case": (("session", "kind"), "Own", "$.session.kind"),
}


@pytest.mark.parametrize(("keys", "value", "path"), OUTSIDE_LIST.values(), ids=OUTSIDE_LIST.keys())
def test_key_outside_its_list(keys: tuple[Any, ...], value: str, path: str) -> None:
    document = sample_document()
    _set(value, *keys)(document)
    error = error_for(document)
    assert error.path == path
    assert repr(value) in str(error)
    assert "is not one of" in str(error)


def test_wrong_format_key() -> None:
    document = sample_document()
    document["format"] = "retro-desk.template"
    error = error_for(document)
    assert error.path == "$.format" and "retro-desk.session" in str(error)


def test_newer_version() -> None:
    document = sample_document()
    document["version"] = 2
    error = error_for(document)
    assert error.path == "$.version"
    assert "newer" in str(error) and "update Retro Desk" in str(error)


def test_version_zero() -> None:
    document = sample_document()
    document["version"] = 0
    assert error_for(document).path == "$.version"


def test_not_json() -> None:
    with pytest.raises(SessionFileError, match="not valid JSON: .* line 2, column"):
        session_file.loads(b'{"format": "retro-desk.session",\n oops}')
    with pytest.raises(SessionFileError, match="not valid JSON"):
        session_file.loads(b"")


def test_not_utf8() -> None:
    with pytest.raises(SessionFileError, match=r"not UTF-8 text \(byte 12\)"):
        session_file.loads(b'{"format": "\xff"}')
    with pytest.raises(SessionFileError, match="not UTF-8"):
        session_file.loads(SAMPLE.read_text(encoding="utf-8").encode("utf-16"))


def test_deeply_nested() -> None:
    with pytest.raises(SessionFileError, match="nested too deeply"):
        session_file.loads(b"[" * 200_000 + b"]" * 200_000)
    hidden = b'{"format": "retro-desk.session", "version": 1, "x": ' + b"[" * 200_000
    with pytest.raises(SessionFileError, match="not valid JSON"):
        session_file.loads(hidden + b"]" * 200_000 + b"}")


def test_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_file, "MAX_FILE_BYTES", 1024)
    big = tmp_path / "big.json"
    big.write_bytes(SAMPLE.read_bytes())
    with pytest.raises(SessionFileError, match="the limit is 1,024"):
        session_file.read_file(big)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(SessionFileError, match="cannot read"):
        session_file.read_file(tmp_path / "missing.json")
    with pytest.raises(SessionFileError, match="cannot read"):
        session_file.read_file(tmp_path)


DUPLICATES = {
    "participant id": (("participants", 3, "id"), "p1", "$.participants[3].id"),
    "event id": (("timeline", 5, "id"), "e2", "$.timeline[5].id"),
    "agenda phase": (("agenda", 6, "phase"), "opening", "$.agenda[6].phase"),
}


@pytest.mark.parametrize(("keys", "value", "path"), DUPLICATES.values(), ids=DUPLICATES.keys())
def test_duplicate_ids(keys: tuple[Any, ...], value: str, path: str) -> None:
    document = sample_document()
    _set(value, *keys)(document)
    error = error_for(document)
    assert error.path == path
    assert "appears twice" in str(error) and repr(value) in str(error)


def test_duplicate_answer() -> None:
    document = sample_document()
    document["rationality"].append(copy.deepcopy(document["rationality"][0]))
    index = len(document["rationality"]) - 1
    error = error_for(document)
    assert error.path == f"$.rationality[{index}]"
    assert "second answer" in str(error)


def test_dangling_references() -> None:
    document = sample_document()
    document["feelings"][2]["participant"] = "p99"
    error = error_for(document)
    assert error.path == "$.feelings[2].participant" and "'p99'" in str(error)

    document = sample_document()
    document["rationality"][3]["event"] = "e99"
    error = error_for(document)
    assert error.path == "$.rationality[3].event" and "'e99'" in str(error)


def test_event_ids_are_case_sensitive_references() -> None:
    document = sample_document()
    document["rationality"][0]["event"] = document["rationality"][0]["event"].upper()
    assert error_for(document).path == "$.rationality[0].event"


# -- times without an offset ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "stored"),
    [
        ("2026-01-15T14:32:00", "2026-01-15T14:32:00+01:00"),  # winter: CET
        ("2026-07-15T14:32:00", "2026-07-15T14:32:00+02:00"),  # summer: CEST
        ("2026-03-29T01:59:59", "2026-03-29T01:59:59+01:00"),  # just before the spring change
        ("2026-03-29T03:00:00", "2026-03-29T03:00:00+02:00"),  # just after it
        ("2026-11-20T14:32:00.250000", "2026-11-20T14:32:00.250000+01:00"),
        ("2026-07-15T14:32:00+00:00", "2026-07-15T14:32:00+00:00"),  # an offset is kept
    ],
)
def test_time_without_offset_is_read_in_the_session_zone(at: str, stored: str) -> None:
    document = sample_document()
    assert document["session"]["timezone"] == "Europe/Berlin"
    document["timeline"][0]["at"] = at
    retro = session_file.from_document(document)
    assert retro.timeline[0].at == stored


def test_time_without_offset_in_another_zone() -> None:
    document = sample_document()
    document["session"]["timezone"] = "America/New_York"
    document["timeline"][0]["at"] = "2026-01-15T09:00:00"
    assert session_file.from_document(document).timeline[0].at == "2026-01-15T09:00:00-05:00"


# -- property: any valid retro survives the trip --------------------------------------------

text = st.text(st.characters(codec="utf-8"), max_size=40)
short_keys = st.text(st.characters(codec="utf-8"), min_size=1, max_size=6)
# Every date the app accepts (issue 14: the range in which every zone can show a day).
iso_dates = st.dates(min_value=EARLIEST_DAY, max_value=LATEST_DAY).map(lambda d: d.isoformat())
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
         "Pacific/Chatham")


@st.composite
def instants(draw: st.DrawFn) -> str:
    naive = draw(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1)))
    minutes = draw(st.integers(-14 * 60, 14 * 60))
    value = naive.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    return value.isoformat(timespec="seconds" if value.microsecond == 0 else "microseconds")


@st.composite
def retros(draw: st.DrawFn) -> Retro:
    session = Session(
        uuid=str(draw(st.uuids())),
        title=draw(text),
        kind=draw(st.sampled_from(KINDS)),
        incident_date=draw(st.none() | iso_dates),
        timezone=draw(st.sampled_from(ZONES)),
        facilitator=draw(text),
        summary=draw(text),
        status=draw(st.sampled_from(STATUSES)),
        source_links=draw(st.lists(text, max_size=3)),
        language_reflection=draw(st.booleans()),
    )
    participant_keys = draw(st.lists(short_keys, unique=True, max_size=4))
    participants = [Participant(key=k, name=draw(text), role=draw(text)) for k in participant_keys]
    phases = draw(st.lists(st.sampled_from(PHASES), unique=True, max_size=len(PHASES)))
    agenda = [
        AgendaItem(
            phase=phase,
            title=draw(text),
            planned_seconds=draw(st.integers(0, 10**7)),
            spent_seconds=draw(st.integers(0, 10**7)),
        )
        for phase in phases
    ]
    feelings = draw(
        st.lists(
            st.builds(
                Feeling,
                words=st.lists(text, max_size=4),
                note=text,
                participant=st.none() | st.sampled_from(participant_keys)
                if participant_keys else st.none(),
                blame_feeling=st.booleans(),
            ),
            max_size=4,
        )
    )
    event_keys = draw(st.lists(short_keys, unique=True, max_size=5))
    timeline = [
        Event(
            key=k,
            at=draw(instants()),
            description=draw(text),
            actor=draw(text),
            source=draw(text),
            decision_point=draw(st.booleans()),
            learned_later=draw(st.booleans()),
        )
        for k in event_keys
    ]
    pairs = (
        draw(st.lists(st.tuples(st.sampled_from(event_keys), st.sampled_from(CATEGORIES)),
                      unique=True, max_size=6))
        if event_keys else []
    )
    rationality = [Answer(event=e, category=c, answer=draw(text)) for e, c in pairs]
    return Retro(
        session=session,
        participants=participants,
        agenda=agenda,
        feelings=feelings,
        timeline=timeline,
        rationality=rationality,
        learnings=draw(st.lists(st.builds(Learning, text=text), max_size=3)),
        actions=draw(
            st.lists(
                st.builds(Action, description=text, owner=text, due=st.none() | iso_dates,
                          done=st.booleans()),
                max_size=3,
            )
        ),
        parking_lot=draw(st.lists(st.builds(ParkingItem, text=text), max_size=3)),
        closing=Closing(roti=draw(st.lists(st.integers(1, 5), max_size=8)), notes=draw(text)),
    )


@settings(max_examples=300, deadline=None)
@given(retros())
def test_any_valid_retro_survives_the_round_trip(retro: Retro) -> None:
    document = session_file.to_document(retro)
    raw = json.dumps(document, ensure_ascii=False).encode("utf-8")
    assert session_file.to_document(session_file.loads(raw)) == document
    # The pretty form that `export --format json` writes reads back the same too.
    again = session_file.loads(session_file.dumps(retro).encode("utf-8"))
    assert session_file.to_document(again) == document


def test_empty_agenda_title_survives_the_round_trip() -> None:
    retro = Retro(
        session=Session(uuid="u", title="t"),
        agenda=[AgendaItem(phase="opening", title="", planned_seconds=60)],
    )
    document = session_file.to_document(retro)
    assert session_file.to_document(session_file.loads(json.dumps(document))) == document
