"""Timeline CSV: delimiters, headers in any order, quoting, BOMs, time zones, bad rows by line."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retro_desk.timeline_csv import (
    CsvError,
    TimelineCsv,
    detect_delimiter,
    parse_time,
    read_file,
    read_timeline,
    role_of,
)

TZ = "Europe/Berlin"
DAY = "2026-11-20"


def read(text: str | bytes, tz: str = TZ, day: str | None = DAY) -> TimelineCsv:
    return read_timeline(text, tz, day)


def rows_of(result: TimelineCsv) -> list[tuple[str, str, str, str]]:
    return [(e.at, e.actor, e.description, e.source) for e in result.events]


# -- delimiters and headers ------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_each_delimiter_with_a_header(delimiter: str) -> None:
    text = delimiter.join(["time", "actor", "description", "source"]) + "\n"
    text += delimiter.join(["2026-11-20T14:32:00+01:00", "Zoë", "Rolled back", "#inc-42"]) + "\n"
    result = read(text)
    assert result.delimiter == delimiter
    assert result.has_header
    assert result.ok
    assert rows_of(result) == [("2026-11-20T14:32:00+01:00", "Zoë", "Rolled back", "#inc-42")]


def test_header_in_any_order_any_case_with_synonyms_and_extra_columns() -> None:
    text = (
        "Link;WHAT;Severity;Who;Timestamp (UTC)\n"
        "https://chat/1;Paged the on-call;high;PagerBot;2026-11-20 13:32:00Z\n"
    )
    result = read(text)
    assert result.has_header
    assert result.columns == ("source", "description", None, "actor", "time")
    assert rows_of(result) == [
        ("2026-11-20T13:32:00+00:00", "PagerBot", "Paged the on-call", "https://chat/1")
    ]
    assert "header: source, description, (not read), actor, time" in result.describe()


@pytest.mark.parametrize(
    ("name", "role"),
    [("When", "time"), ("date/time", "time"), ("Occurred At", "time"), ("who", "actor"),
     ("By", "actor"), ("What happened", "description"), ("message", "description"),
     ("URL", "source"), ("Reference", "source"), ("Severity", None), ("", None)],
)
def test_header_names(name: str, role: str | None) -> None:
    assert role_of(name) == role


def test_without_a_header_columns_are_read_by_count() -> None:
    two = read("14:32,Restarted the gateway\n14:40,Error rate falls\n")
    assert not two.has_header
    assert two.columns == ("time", "description")
    three = read("14:32,Zoë,Restarted\n")
    assert three.columns == ("time", "actor", "description")
    four = read("14:32,Zoë,Restarted,https://x\n")
    assert rows_of(four) == [("2026-11-20T14:32:00+01:00", "Zoë", "Restarted", "https://x")]
    assert "no header; columns read as time, actor, description, source" in four.describe()


def test_a_header_naming_no_time_or_description_is_refused_by_line() -> None:
    with pytest.raises(CsvError, match=r"line 1: the header has no time column.*“who”"):
        read("who,what\nZoë,restarted\n")
    with pytest.raises(CsvError, match="no description column"):
        read("\n\nwhen,who\n14:32,Zoë\n")


def test_comma_inside_a_semicolon_file_does_not_fool_the_detection() -> None:
    text = "14:32;Zoë;rolled back, then waited;a\n14:40;Sam;ok, fine, done;b\n14:41;Li;x;c\n"
    assert detect_delimiter(text) == ";"
    assert read(text).events[0].description == "rolled back, then waited"


# -- quoting, encodings, line endings --------------------------------------------------------


def test_quoted_fields_hold_delimiters_quotes_and_newlines_and_lines_still_count() -> None:
    text = (
        'time,actor,description\n'
        '14:32,"Hartmann, Zoë","Rolled back.\nThen ""waited"", watching errors"\n'
        'nonsense,Sam,this row is bad\n'
    )
    result = read(text)
    assert result.events[0].actor == "Hartmann, Zoë"
    assert result.events[0].description == 'Rolled back.\nThen "waited", watching errors'
    # The bad row is on line 4: the quoted newline took a line.
    assert [(p.line, "nonsense" in p.message) for p in result.problems] == [(4, True)]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("utf-16"),  # with its BOM, as spreadsheets save "Unicode text"
        lambda text: text.replace("\n", "\r\n").encode("utf-8"),
        lambda text: text.replace("\n", "\r").encode("utf-8"),
    ],
)
def test_bom_encodings_and_line_endings(encode: Callable[[str], bytes]) -> None:
    text = "Time\tWho\tWhat\n14:32\tZoë\tRolled back\n14:40\tŁukasz\tReverted SEC-482\n"
    result = read(encode(text))
    assert result.has_header
    assert [(e.actor, e.description) for e in result.events] == [
        ("Zoë", "Rolled back"), ("Łukasz", "Reverted SEC-482"),
    ]


def test_text_that_is_not_utf8_is_refused_with_its_line() -> None:
    data = b"time,what\n14:32,ok\n" + "14:40,caf\xe9\n".encode("latin-1")
    with pytest.raises(CsvError, match="line 3: not UTF-8"):
        read(data)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("\ufeff \n\n", "empty"),
        (",,,\n , ,\n", "empty"),
        ("time,what\n", "header but no rows"),
        ("just one column\nand another\n", "only one column"),
        ('14:32,"never closed\n14:40,x\n', "line 1: a quote opened in this row is never closed"),
        ('14:32,"quoted"after,x\n', "line 1: text straight after a closing quote"),
        ("14:32,a\x00b\n", "NUL"),
    ],
)
def test_files_that_cannot_be_read_say_why(text: str, message: str) -> None:
    with pytest.raises(CsvError, match=message):
        read(text)


# -- times -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("2026-11-20T14:32:00+01:00", "2026-11-20T14:32:00+01:00"),
        ("2026-11-20T14:32:00-05:00", "2026-11-20T14:32:00-05:00"),
        ("2026-11-20T13:32:00Z", "2026-11-20T13:32:00+00:00"),
        ("2026-11-20 13:32 UTC", "2026-11-20T13:32:00+00:00"),
        ("2026-11-20 14:32:00 +01:00", "2026-11-20T14:32:00+01:00"),
        ("2026-11-20 14:32:00 +0530", "2026-11-20T14:32:00+05:30"),
        ("2026/11/20 14:32", "2026-11-20T14:32:00+01:00"),
        ("2026-11-20 14:32", "2026-11-20T14:32:00+01:00"),  # no offset: the retro's zone
        ("2026-07-20 14:32", "2026-07-20T14:32:00+02:00"),  # summer time in that zone
        ("14:32", "2026-11-20T14:32:00+01:00"),  # a clock time: the incident date
        ("2026-11-20T14:32:05.250", "2026-11-20T14:32:05.250000+01:00"),
    ],
)
def test_times_given_with_offset_or_assumed_in_the_retros_zone(written: str, stored: str) -> None:
    assert parse_time(written, TZ, DAY, None) == stored


def test_clock_times_follow_the_row_before_and_relative_times_count_from_it() -> None:
    result = read("2026-11-21T23:58:00+01:00,late\n23:59,later\n+5m,five minutes on\n")
    assert [e.at for e in result.events] == [
        "2026-11-21T23:58:00+01:00", "2026-11-21T23:59:00+01:00", "2026-11-22T00:04:00+01:00",
    ]


def test_a_clock_time_without_incident_date_or_row_before_is_a_bad_row() -> None:
    result = read("14:32,x\n", day=None)
    [problem] = result.problems
    assert problem.line == 1
    assert "incident date" in problem.message


# -- bad rows --------------------------------------------------------------------------------


def test_every_bad_row_is_reported_by_line_and_nothing_is_importable() -> None:
    text = (
        "time,who,what,link\n"          # 1
        "14:32,Zoë,fine,\n"             # 2
        "\n"                            # 3 (blank: skipped)
        "yesterday,Sam,bad time,\n"     # 4
        "14:40,Sam,,\n"                 # 5 no description
        ",Sam,no time,\n"               # 6
        "14:50,Li,too,many,fields\n"    # 7
        "14:55,Li,fine again,\n"        # 8
    )
    result = read(text)
    assert not result.ok
    assert [p.line for p in result.problems] == [4, 5, 6, 7]
    messages = {p.line: p.message for p in result.problems}
    assert "yesterday" in messages[4] and "14:32" in messages[4]
    assert messages[5] == "no description"
    assert messages[6] == "no time"
    assert "5 fields where there are 4 columns" in messages[7]
    assert len(result.events) == 2
    summary = result.problem_summary()
    assert summary.startswith("4 bad rows, nothing imported: line 4: ")
    assert "line 7: " in summary


def test_the_problem_summary_stays_one_line_when_many_rows_are_bad() -> None:
    text = "".join(f"bad{i},x\n" for i in range(25))
    summary = read(text).problem_summary()
    assert "\n" not in summary
    assert summary.startswith("25 bad rows")
    assert summary.endswith("and 15 more")


def test_trailing_delimiters_and_surrounding_spaces_are_not_columns() -> None:
    result = read("  14:32 ;  Zoë  ;  Rolled back  ;\n14:40;Sam;ok;\n")
    assert result.columns == ("time", "actor", "description")
    assert rows_of(result)[0] == ("2026-11-20T14:32:00+01:00", "Zoë", "Rolled back", "")


def test_read_file_names_the_file_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "timeline.csv"
    path.write_text("who,what\n", encoding="utf-8")
    with pytest.raises(CsvError, match=r"timeline\.csv: line 1"):
        read_file(path, TZ, DAY)
    with pytest.raises(CsvError, match="cannot read"):
        read_file(tmp_path / "missing.csv", TZ, DAY)
    path.write_text("time,what\n14:32,ok\n", encoding="utf-8")
    assert read_file(path, TZ, DAY).ok


# -- odd input, generated --------------------------------------------------------------------

cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"),
    max_size=30,
).map(str.strip)
descriptions = st.lists(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\ufeff"),
        min_size=1, max_size=40,
    ).map(str.strip).filter(bool),
    min_size=1, max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(
    descriptions=descriptions,
    actors=st.lists(cell_text, min_size=8, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    header=st.sampled_from([None, ("time", "actor", "description", "source"),
                            ("When", "Who", "What", "Link"),
                            ("TIMESTAMP", "by", "Message", "url")]),
    bom=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    order=st.permutations(range(4)),
)
def test_what_a_csv_writer_writes_is_read_back(
    descriptions: list[str],
    actors: list[str],
    delimiter: str,
    header: tuple[str, ...] | None,
    bom: bool,
    newline: str,
    order: list[int],
) -> None:
    expected = [
        (f"2026-11-20T14:{i:02d}:00+01:00", " ".join(actors[i].split()), description,
         f"https://example.com/{i}")
        for i, description in enumerate(descriptions)
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    columns = list(order) if header else [0, 1, 2, 3]
    if header:
        writer.writerow([header[c] for c in columns])
    for row in expected:
        writer.writerow([row[c] for c in columns])
    data = buffer.getvalue().encode("utf-8")
    result = read((codecs.BOM_UTF8 if bom else b"") + data)
    assert result.ok, result.problem_summary()
    assert result.delimiter == delimiter
    assert result.has_header == bool(header)
    assert rows_of(result) == expected


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_give_a_result_or_a_clear_error(data: bytes) -> None:
    try:
        result = read(data)
    except CsvError as error:
        assert str(error)
        return
    lines = data.count(b"\n") + data.count(b"\r") + 1
    for problem in result.problems:
        assert 1 <= problem.line <= lines
        assert problem.message
    assert result.ok == (not result.problems)


# -- on the command line ---------------------------------------------------------------------


def _events(cli_db: Path, session_id: int) -> list[tuple[str, str, str, str, str]]:
    from retro_desk.model import Event
    from retro_desk.storage import Store

    store = Store.open(cli_db, read_only=True)
    try:
        return [(e.key, e.at, e.actor, e.description, e.source)
                for e in store.items(session_id, Event)]
    finally:
        store.close()


def test_cli_import_timeline_adds_every_row_in_the_sessions_zone(tmp_path: Path) -> None:
    from tests.test_cli import CLI, SAMPLE

    cli = CLI(tmp_path)
    session_id = cli.import_file(SAMPLE)
    before = _events(cli.db, session_id)
    csv_file = tmp_path / "chat.csv"
    csv_file.write_bytes(codecs.BOM_UTF8 + (
        b"Timestamp;Who;What;Link\n"
        b"2026-11-20 15:30;Pager;\"Ack; escalated\";https://pager/1\n"
        b"2026-11-20T14:31:00Z;Bot;Deploy marker;\n"
    ))
    output = cli.ok("import-timeline", str(session_id), str(csv_file))
    assert output == (
        f"Added 2 events to session {session_id}"
        " ('Checkout payments failing after a certificate renewal')\n"
    )
    after = _events(cli.db, session_id)
    assert after[:len(before)] == before
    new = after[len(before):]
    last_key = max(int(key[1:]) for key, *_rest in before)
    assert new == [
        (f"e{last_key + 1}", "2026-11-20T15:30:00+01:00", "Pager", "Ack; escalated",
         "https://pager/1"),
        (f"e{last_key + 2}", "2026-11-20T14:31:00+00:00", "Bot", "Deploy marker", ""),
    ]
    # The new events are searchable at once.
    assert "escalated" in cli.ok("search", "escalated")


def test_cli_import_timeline_with_bad_rows_imports_nothing(tmp_path: Path) -> None:
    from tests.test_cli import CLI, SAMPLE

    cli = CLI(tmp_path)
    session_id = cli.import_file(SAMPLE)
    before = _events(cli.db, session_id)
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("time,what\n14:32,fine\nlater,bad\n14:40,\n", encoding="utf-8")
    message = cli.fails("import-timeline", str(session_id), str(csv_file))
    assert "bad.csv: 2 bad rows, nothing imported: line 3: " in message
    assert "line 4: no description" in message
    assert _events(cli.db, session_id) == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty; nothing imported"),
        (b"who,what\nx,y\n", "line 1: the header has no time column"),
        ("x,caf\xe9\n".encode("latin-1"), "line 1: not UTF-8"),
    ],
)
def test_cli_import_timeline_unreadable_files(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    from tests.test_cli import CLI, SAMPLE

    cli = CLI(tmp_path)
    session_id = cli.import_file(SAMPLE)
    csv_file = tmp_path / "odd.csv"
    csv_file.write_bytes(content)
    assert expected in cli.fails("import-timeline", str(session_id), str(csv_file))


def test_cli_import_timeline_unknown_session_missing_file_and_usage(tmp_path: Path) -> None:
    from tests.test_cli import CLI, SAMPLE

    cli = CLI(tmp_path)
    csv_file = tmp_path / "t.csv"
    csv_file.write_text("14:32,x\n", encoding="utf-8")
    assert "no session with ID '1'" in cli.fails("import-timeline", "1", str(csv_file))
    assert not cli.db.exists()
    session_id = cli.import_file(SAMPLE)
    assert "no session with ID '99'" in cli.fails("import-timeline", "99", str(csv_file))
    assert "cannot read the file" in cli.fails("import-timeline", str(session_id),
                                               str(tmp_path / "missing.csv"))
    cli.fails("import-timeline", str(session_id), status=2)


def test_cli_import_timeline_refuses_while_a_window_has_the_database(tmp_path: Path) -> None:
    from retro_desk.storage.lock import InstanceLock
    from tests.test_cli import CLI, SAMPLE

    cli = CLI(tmp_path)
    session_id = cli.import_file(SAMPLE)
    csv_file = tmp_path / "t.csv"
    csv_file.write_text("14:32,x\n", encoding="utf-8")
    window = InstanceLock(cli.db)
    assert window.acquire()
    try:
        message = cli.fails("import-timeline", str(session_id), str(csv_file))
    finally:
        window.release()
    assert "open in a Retro Desk window" in message
    cli.ok("import-timeline", str(session_id), str(csv_file))
