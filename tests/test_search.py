"""Search across retros: safe queries, every text found, the index right after every edit."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from retro_desk.editor import SessionEditor
from retro_desk.export import session_file
from retro_desk.model import (
    Action,
    AgendaItem,
    Answer,
    Closing,
    Event,
    Feeling,
    Learning,
    ParkingItem,
    Retro,
    Session,
)
from retro_desk.paths import resource
from retro_desk.reflection import retro_texts
from retro_desk.storage import StorageError, Store
from retro_desk.storage.schema import migrations
from retro_desk.storage.search import (
    PER_RETRO,
    QueryError,
    SearchResults,
    fts_query,
    parse_snippet,
)
from retro_desk.storage.version import SCHEMA_VERSION
from retro_desk.textref import Place

# One store serves every generated example; each example leaves it as it found it.
SHARED_STORE = [HealthCheck.function_scoped_fixture]
FTS_TABLES = ("sessions", "events", "answers", "learnings", "actions", "parking_lot", "feelings")


@pytest.fixture
def store() -> Iterator[Store]:
    store = Store.in_memory()
    yield store
    store.close()


def index_is_right(store: Store) -> None:
    """FTS5 compares every index entry with the rows it was made from (rank 1: content too)."""
    for table in FTS_TABLES:
        store.db.execute(
            f"INSERT INTO {table}_fts ({table}_fts, rank) VALUES ('integrity-check', 1)"
        )


def found(store: Store, query: str, include_private: bool = False) -> set[tuple[int, str, str]]:
    """(session id, part, field) of every hit."""
    results = store.search(query, include_private=include_private)
    return {(hit.session_id, hit.place.part, hit.place.field)
            for group in results.groups for hit in group.hits}


def marked_retro(uuid: str = "u-marked", title: str = "Marked retro") -> Retro:
    """A retro with one distinct made-up word in every searchable text."""
    return Retro(
        session=Session(uuid=uuid, title=f"{title} titleword", summary="A summaryword here",
                        timezone="Europe/Berlin", incident_date="2026-11-20"),
        agenda=[AgendaItem("timeline", "Timeline", 600)],
        feelings=[Feeling(words=["anxious"], note="a feelingword note")],
        timeline=[
            Event("e1", "2026-11-20T14:32:00+01:00", "the eventword happened", actor="Actorword",
                  source="https://example.com/sourceword", decision_point=True),
            Event("e2", "2026-11-20T14:40:00+01:00", "later on"),
        ],
        rationality=[Answer("e1", "knowledge", "they knew answerword")],
        learnings=[Learning("first"), Learning("the learningword")],
        actions=[Action("do the actionword", owner="Ownerword")],
        parking_lot=[ParkingItem("a parkingword")],
        closing=Closing(notes="closingword at the end"),
        private_notes="secretword only for me",
    )


# -- making what a person typed safe ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("dns", '"dns"'),
        ("DNS outage", '"DNS" "outage"'),
        ('"rolled back" config', '"rolled back" "config"'),
        ("cert*", '"cert"*'),
        ('"roll ba"*', '"roll ba"*'),
        ("dns AND NOT bgp OR", '"dns" "AND" "NOT" "bgp" "OR"'),
        ("title:dns", '"title:dns"'),
        ("(dns)", '"(dns)"'),
        ('unclosed "phrase here', '"unclosed" "phrase here"'),
        ("NEAR(a b)", '"NEAR(a" "b)"'),
        ("a\x00b\tc", '"a" "b" "c"'),
        ("-dns +bgp ^x", '"-dns" "+bgp" "^x"'),
        ("*** dns", '"dns"'),
        ("Zoë", '"Zoë"'),
    ],
)
def test_typed_text_becomes_quoted_terms(typed: str, expected: str) -> None:
    assert fts_query(typed) == expected


@pytest.mark.parametrize("typed", ["", "   ", "!!!", '""', "* ** ***", '"" "" -', "\x00\x01"])
def test_nothing_searchable_is_a_clear_message(typed: str) -> None:
    with pytest.raises(QueryError) as error:
        fts_query(typed)
    message = str(error.value)
    assert "word" in message
    assert "\x00" not in message


def test_too_many_words_is_a_clear_message() -> None:
    with pytest.raises(QueryError, match="at most 64"):
        fts_query(" ".join(f"w{i}" for i in range(65)))


def test_snippet_markers_become_highlight_spans() -> None:
    assert parse_snippet("…the \x02DNS\x03 change \x02failed\x03") == (
        "…the DNS change failed", ((5, 8), (16, 22)),
    )
    # Stray markers (a document that held them itself) never break the text.
    text, spans = parse_snippet("a\x03b\x02c")
    assert text == "abc"
    assert all(0 <= start < end <= len(text) for start, end in spans)


@settings(max_examples=300, deadline=None, suppress_health_check=SHARED_STORE)
@given(typed=st.text(max_size=60))
def test_any_typed_text_searches_or_says_why(store: Store, typed: str) -> None:
    if not store.list_sessions():
        store.create_retro(session_file.read_file(resource("sample_retro.json")))
    try:
        results = store.search(typed, include_private=True)
    except QueryError as error:
        assert str(error)
        return
    assert isinstance(results, SearchResults)
    for group in results.groups:
        for hit in group.hits:
            for start, end in hit.highlights:
                assert 0 <= start < end <= len(hit.snippet)


@settings(max_examples=100, deadline=None, suppress_health_check=SHARED_STORE)
@given(
    word=st.text(
        alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=3, max_size=12
    ),
    noise=st.text(max_size=30),
)
def test_any_stored_word_is_found_again(store: Store, word: str, noise: str) -> None:
    retro = Retro(session=Session(uuid=f"u-{len(store.list_sessions())}", title="Plain"),
                  learnings=[Learning(f"{noise} {word} {noise}")])
    session_id = store.create_retro(retro)
    hits = found(store, word)
    assert (session_id, "learnings", "text") in hits
    store.delete_session(session_id)


# -- what is searched, and where a hit points ------------------------------------------------


@pytest.mark.parametrize(
    ("word", "part", "field", "phase"),
    [
        ("titleword", "session", "title", ""),
        ("summaryword", "session", "summary", "opening"),
        ("feelingword", "feelings", "note", "feelings"),
        ("eventword", "timeline", "description", "timeline"),
        ("actorword", "timeline", "actor", "timeline"),
        ("sourceword", "timeline", "source", "timeline"),
        ("answerword", "rationality", "answer", "rationality"),
        ("learningword", "learnings", "text", "learnings"),
        ("actionword", "actions", "description", "actions"),
        ("ownerword", "actions", "owner", "actions"),
        ("parkingword", "parking_lot", "text", ""),
        ("closingword", "closing_notes", "notes", "close"),
    ],
)
def test_every_shared_text_is_searched_and_points_to_its_place(
    store: Store, word: str, part: str, field: str, phase: str
) -> None:
    retro = marked_retro()
    session_id = store.create_retro(retro)
    results = store.search(word)
    [group] = results.groups
    assert group.session.id == session_id
    assert group.session.title == "Marked retro titleword"
    [hit] = group.hits
    assert (hit.place.part, hit.place.field, hit.place.phase) == (part, field, phase)
    start, end = hit.highlights[0]
    assert hit.snippet[start:end].casefold() == word
    # The same places the language reflection uses, so the window's reveal() finds the item.
    shared = {place.ref for place, _text in retro_texts(store.load_retro(session_id))
              if place.part == part}
    if part not in ("session", "closing_notes"):
        assert hit.place.ref in shared


def test_hit_labels_name_the_item_as_a_person_would(store: Store) -> None:
    store.create_retro(marked_retro())
    by_word = {word: store.search(word).groups[0].hits[0].place for word in
               ("eventword", "answerword", "learningword", "ownerword", "parkingword")}
    assert by_word["eventword"] == Place("timeline", "e1", "description", "timeline",
                                         "Timeline 14:32")
    assert by_word["answerword"] == Place("rationality", "e1:knowledge", "answer", "rationality",
                                          "Decision 14:32, knowledge")
    assert by_word["learningword"].label == "Learning 2"
    assert by_word["ownerword"].label == "Action 1, owner"
    assert by_word["parkingword"].label == "Parking lot 1"


def test_a_name_hit_shows_what_happened_beside_it(store: Store) -> None:
    store.create_retro(marked_retro())
    [hit] = store.search("actorword").groups[0].hits
    assert hit.snippet.startswith("Actorword · ")
    assert "eventword happened" in hit.snippet


def test_private_notes_only_when_asked(store: Store) -> None:
    session_id = store.create_retro(marked_retro())
    assert store.search("secretword").groups == ()
    assert found(store, "secretword", include_private=True) == {
        (session_id, "private_notes", "notes")
    }
    # A word in both shared and private texts: the private hit stays out unless asked for.
    store.update_session(session_id, private_notes="summaryword too")
    assert found(store, "summaryword") == {(session_id, "session", "summary")}
    assert found(store, "summaryword", include_private=True) == {
        (session_id, "session", "summary"), (session_id, "private_notes", "notes")
    }


def test_hits_grouped_by_retro_best_first_in_meeting_order(store: Store) -> None:
    weak = store.create_retro(Retro(
        session=Session(uuid="weak", title="Billing study"),
        learnings=[Learning("a long learning text that mentions dns only once among many"
                            " other words about billing and invoices and customers")],
    ))
    strong = store.create_retro(Retro(
        session=Session(uuid="strong", title="DNS outage", summary="DNS failed; DNS is hard"),
        timeline=[Event("e1", "2026-11-20T15:00:00+00:00", "dns resolver restarted"),
                  Event("e2", "2026-11-20T14:00:00+00:00", "dns queries time out")],
        parking_lot=[ParkingItem("dns caching")],
    ))
    results = store.search("dns")
    assert [group.session.id for group in results.groups] == [strong, weak]
    labels = [hit.place.label for hit in results.groups[0].hits]
    assert labels == ["Title", "Summary", "Timeline 14:00", "Timeline 15:00", "Parking lot 1"]
    assert results.hit_count == 6
    assert not results.truncated


def test_prefix_phrase_diacritics_and_word_forms(store: Store) -> None:
    session_id = store.create_retro(session_file.read_file(resource("sample_retro.json")))
    assert (session_id, "timeline", "actor") in found(store, "zoe")
    assert (session_id, "timeline", "actor") in found(store, "ZOË")
    assert found(store, "certif*")
    assert found(store, '"payment step"')
    assert not found(store, '"step payment"')
    # Porter stemming: another form of the word finds it.
    assert found(store, "renewals") >= found(store, "renewal")


def test_few_hits_of_one_retro_and_at_most_the_limit_in_all(store: Store) -> None:
    long = store.create_retro(Retro(
        session=Session(uuid="long", title="Long"),
        learnings=[Learning(f"common word number {i}") for i in range(PER_RETRO + 10)],
    ))
    for n in range(3):
        store.create_retro(Retro(session=Session(uuid=f"short{n}", title=f"Short {n}"),
                                 learnings=[Learning(f"common {i}") for i in range(5)]))
    results = store.search("common")
    [first] = [group for group in results.groups if group.session.id == long]
    assert (len(first.hits), first.total, first.more) == (PER_RETRO, PER_RETRO + 10, 10)
    assert [len(group.hits) for group in results.groups if group.session.id != long] == [5] * 3
    assert results.truncated and results.by_relevance
    capped = store.search("common", limit=PER_RETRO + 2)
    assert capped.hit_count == PER_RETRO + 2 and capped.truncated
    assert not store.search('"common 4"').truncated


def test_a_query_matching_too_much_to_rank_shows_the_newest(store: Store, monkeypatch) -> None:
    from retro_desk.storage import search as search_module

    ids = [store.create_retro(Retro(session=Session(uuid=f"u{n}", title=f"Retro {n}"),
                                    learnings=[Learning(f"shared word {i}") for i in range(4)]))
           for n in range(3)]
    monkeypatch.setattr(search_module, "RANK_CAP", 5)
    results = store.search("shared")
    assert not results.by_relevance
    assert results.truncated
    assert [group.session.id for group in results.groups] == list(reversed(ids))
    assert [hit.place.label for hit in results.groups[0].hits] == [
        "Learning 1", "Learning 2", "Learning 3", "Learning 4",
    ]


def test_search_works_on_a_read_only_database(tmp_path: Path) -> None:
    path = tmp_path / "retros.sqlite3"
    writable = Store.open(path)
    writable.create_retro(marked_retro())
    writable.close()
    reader = Store.open(path, read_only=True)
    try:
        assert reader.search("eventword").hit_count == 1
    finally:
        reader.close()


# -- the index stays right -------------------------------------------------------------------


def test_index_follows_edits_undo_and_redo(store: Store) -> None:
    session_id = store.create_retro(marked_retro())
    editor = SessionEditor(store, session_id)
    added = editor.add(Learning("a freshword learning"))
    assert (session_id, "learnings", "text") in found(store, "freshword")
    index_is_right(store)

    editor.update(added, text="a renamedword learning")
    assert not found(store, "freshword")
    assert found(store, "renamedword")
    index_is_right(store)

    editor.undo_stack.undo()  # the edit
    assert found(store, "freshword") and not found(store, "renamedword")
    editor.undo_stack.undo()  # the add
    assert not found(store, "freshword")
    index_is_right(store)
    editor.undo_stack.redo()
    assert found(store, "freshword")
    index_is_right(store)

    event = editor.retro.timeline[0]
    editor.delete(event)  # takes its rationality answers with it
    assert not found(store, "eventword") and not found(store, "answerword")
    index_is_right(store)
    editor.undo_stack.undo()
    assert found(store, "eventword") and found(store, "answerword")
    index_is_right(store)

    editor.set_answer("e1", "knowledge", "")
    assert not found(store, "answerword")
    editor.set_answer("e1", "goals", "a goalword")
    assert (session_id, "rationality", "answer") in found(store, "goalword")
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    assert found(store, "answerword") and not found(store, "goalword")
    index_is_right(store)


def test_index_follows_session_fields_and_notes(store: Store) -> None:
    session_id = store.create_retro(marked_retro())
    editor = SessionEditor(store, session_id)
    editor.update_session(title="Renamed newtitle", summary="other")
    editor.set_closing_notes("newclosing")
    editor.set_private_notes("newsecret")
    assert found(store, "newtitle") == {(session_id, "session", "title")}
    assert not found(store, "titleword") and not found(store, "summaryword")
    assert found(store, "newclosing") and not found(store, "closingword")
    assert found(store, "newsecret", include_private=True)
    index_is_right(store)
    for _ in range(3):
        editor.undo_stack.undo()
    assert found(store, "titleword") and found(store, "closingword")
    index_is_right(store)


def test_moves_and_touches_do_not_rewrite_the_index(store: Store) -> None:
    session_id = store.create_retro(marked_retro())
    editor = SessionEditor(store, session_id)
    conn = store.db.conn
    before = conn.total_changes
    store.move_item(editor.retro.learnings[0], 5.0)
    # The move, and the trigger marking the retro as worked on: no index rows rewritten.
    assert conn.total_changes - before == 2
    before = conn.total_changes
    editor.update(editor.retro.learnings[0], text="a changedword")
    assert conn.total_changes - before > 2
    index_is_right(store)
    assert found(store, "changedword")


def test_deleting_a_retro_removes_it_from_the_index(store: Store) -> None:
    keep = store.create_retro(marked_retro("u-keep", "Kept"))
    gone = store.create_retro(marked_retro("u-gone", "Gone"))
    assert {sid for sid, _part, _field in found(store, "eventword")} == {keep, gone}
    store.delete_session(gone)
    assert {sid for sid, _part, _field in found(store, "eventword")} == {keep}
    for table in FTS_TABLES:
        rows = store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        indexed = store.db.execute(f"SELECT count(*) FROM {table}_fts_docsize").fetchone()[0]
        assert indexed == rows, table
    index_is_right(store)


def test_imported_files_and_timelines_are_searchable_and_undo_takes_them_out(
    store: Store,
) -> None:
    session_id = store.create_retro(session_file.read_file(resource("sample_retro.json")))
    assert found(store, "certificate")
    editor = SessionEditor(store, session_id)
    editor.import_events([
        Event("", "2026-11-20T16:00:00+01:00", "importedword one", actor="Pager"),
        Event("", "2026-11-20T16:05:00+01:00", "importedword two"),
    ])
    assert len(store.search("importedword").groups[0].hits) == 2
    index_is_right(store)
    editor.undo_stack.undo()
    assert not found(store, "importedword")
    index_is_right(store)
    editor.undo_stack.redo()
    assert len(store.search("importedword").groups[0].hits) == 2
    index_is_right(store)


def test_a_failed_write_leaves_the_index_as_the_rows_are(store: Store) -> None:
    session_id = store.create_retro(marked_retro())
    events = [Event("", "2026-11-20T16:00:00+01:00", "halfword"), Event("e1", "bad", "dup key")]
    with pytest.raises(StorageError):  # e1 is taken: the UNIQUE key refuses the second row
        store.add_items(session_id, events)
    assert not found(store, "halfword")
    index_is_right(store)


def test_a_database_of_the_previous_schema_gets_its_index(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    old = Database(conn)
    migrations.apply(old, stop_before="m003_archive")
    assert old.execute("PRAGMA user_version").fetchone()[0] == 2
    old["sessions"].insert({"id": 1, "uuid": "u1", "title": "Old DNS retro", "kind": "own"})
    old["learnings"].insert({"session_id": 1, "position": 0, "text": "legacyword kept"})
    conn.commit()
    conn.close()
    store = Store.open(path)
    try:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert found(store, "legacyword") == {(1, "learnings", "text")}
        assert found(store, "dns") == {(1, "session", "title")}
        assert "agenda_templates" in store.db.table_names()
        index_is_right(store)
    finally:
        store.close()


# -- on the command line ---------------------------------------------------------------------


def test_cli_search_groups_matches_by_session(tmp_path: Path) -> None:
    from tests.test_cli import CLI, SAMPLE

    cli = CLI(tmp_path)
    session_id = cli.import_file(SAMPLE)
    output = cli.ok("search", "certificate renewal")
    lines = output.splitlines()
    assert lines[0].split()[:2] == [str(session_id), "2026-11-20"]
    assert lines[0].endswith("Checkout payments failing after a certificate renewal  (7 matches)")
    assert lines[1].strip() == (
        "Title: Checkout payments failing after a [certificate] [renewal]"
    )
    assert all(line.startswith("        ") for line in lines[1:-1])
    assert lines[-1] == "7 matches in 1 retro."

    document = json.loads(cli.ok("search", "zoe", "--json"))
    assert document["query"] == "zoe" and document["truncated"] is False
    [session] = document["sessions"]
    assert session["id"] == session_id
    assert {"uuid", "title", "incident_date", "kind", "status"} <= session.keys()
    assert session["total_matches"] == 6 and len(session["matches"]) == 6
    assert document["by_relevance"] is True
    first = session["matches"][0]
    assert first["part"] == "timeline" and first["field"] == "actor"
    start, end = first["highlights"][0]
    assert first["snippet"][start:end] == "Zoë"


def test_cli_search_keeps_private_notes_out_unless_asked(tmp_path: Path) -> None:
    from tests.test_cli import CLI

    cli = CLI(tmp_path)
    store = Store.open(cli.db)
    store.create_retro(marked_retro())
    store.close()
    nothing = cli.run("search", "secretword")
    # Like grep: nothing found is exit status 1, and says so.
    assert (nothing.returncode, nothing.stdout, nothing.stderr) == (
        1, "No retro matches “secretword”.\n", "")
    assert "Private notes: [secretword] only for me" in cli.ok("search", "secretword",
                                                               "--private")


@pytest.mark.parametrize("query", ["!!!", '""', "   "])
def test_cli_search_bad_query_is_one_line_error(tmp_path: Path, query: str) -> None:
    from tests.test_cli import CLI, SAMPLE

    cli = CLI(tmp_path)
    cli.import_file(SAMPLE)
    assert "type a word" in cli.fails("search", query).lower()


def test_cli_search_odd_but_searchable_queries_never_fail(tmp_path: Path) -> None:
    from tests.test_cli import CLI, SAMPLE

    cli = CLI(tmp_path)
    cli.import_file(SAMPLE)
    for query in ('AND OR NOT', 'title:"cert', "((dns", "NEAR(a,b)", "c++*", "Zoë's \"roll"):
        result = cli.run("search", "--", query)
        assert result.returncode in (0, 1) and result.stderr == "", result.stderr
        assert (result.returncode == 1) == ("No retro matches" in result.stdout)


def test_cli_search_on_a_missing_database_says_so_and_creates_nothing(
    tmp_path: Path,
) -> None:
    from tests.test_cli import CLI

    cli = CLI(tmp_path)
    assert "no database at" in cli.fails("search", "dns", "--json")
    assert not cli.db.exists()


def test_cli_search_and_list_never_print_control_characters(tmp_path: Path) -> None:
    from tests.test_cli import CLI

    cli = CLI(tmp_path)
    retro = marked_retro()
    retro.session.title = "Evil \x1b]0;owned\x07 title \x1b[2J\x9b31m done \u202egnp.exe"
    retro.learnings[0].text = "dnsword with \x1b[31mred\x1b[0m and a bell\x07"
    store = Store.open(cli.db)
    store.create_retro(retro)
    store.close()
    for output in (cli.ok("list"), cli.ok("search", "dnsword"), cli.ok("list", "--json"),
                   cli.ok("search", "dnsword", "--json")):
        assert not any(ord(c) < 32 and c != "\n" for c in output), output
        assert not any(0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in output), output
    listing = cli.ok("list")
    assert "Evil \ufffd]0;owned\ufffd title \ufffd[2J\ufffd31m done \ufffdgnp.exe" in listing
    [row] = json.loads(cli.ok("list", "--json"))
    assert row["title"] == retro.session.title  # JSON keeps the text, escaped
