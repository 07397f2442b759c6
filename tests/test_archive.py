"""The team archive: publish to a folder, import a folder back, actions and insights across
retros. Storage and domain only (the picture maker is a stand-in: drawing needs Qt)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from retro_desk.archive.actions import list_actions
from retro_desk.archive.importing import import_folder
from retro_desk.archive.insights import insights
from retro_desk.archive.publish import PublishError, folder_name, publish
from retro_desk.editor import SessionEditor
from retro_desk.export import session_file
from retro_desk.model import Action, Feeling, Learning, Retro, Session
from retro_desk.paths import resource
from retro_desk.storage import Store
from retro_desk.storage.archive import done_times

SECRET = "Facilitator-only: Priya seemed upset, follow up privately"


def fake_svg(retro: Retro) -> bytes:
    return f"<svg><title>{len(retro.timeline)} events</title></svg>\n".encode()


def sample(title: str | None = None, uuid: str | None = None) -> Retro:
    retro = session_file.read_file(resource("sample_retro.json"))
    if title is not None:
        retro.session.title = title
    if uuid is not None:
        retro.session.uuid = uuid
    retro.private_notes = SECRET
    return retro


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "ours.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def other(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "theirs.sqlite3")
    yield opened
    opened.close()


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time (in nanoseconds)."""
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


def three(store: Store) -> list[int]:
    ids = [store.create_retro(sample()), store.create_retro(sample("DNS study", "u-dns"))]
    third = Retro(Session(uuid="u-bare", title="Quiet night", incident_date="2026-10-02"))
    ids.append(store.create_retro(third))
    return ids


def exported(store: Store) -> dict[str, str]:
    """Each retro's JSON export, by uuid (local ids are not in it)."""
    return {
        s.uuid: session_file.dumps(store.load_retro(s.id))
        for s in store.list_sessions() if s.id is not None
    }


def listed(store: Store) -> list[tuple[object, ...]]:
    return sorted(
        (s.uuid, s.title, s.incident_date, s.kind, s.status, s.updated_at, s.created_at)
        for s in store.list_sessions()
    )


def test_publish_then_import_into_an_empty_database_reproduces_every_retro(
    store: Store, other: Store, tmp_path: Path
) -> None:
    three(store)
    folder = tmp_path / "archive"
    report = publish(store, folder, picture=fake_svg)
    assert report.retros == 3
    outcomes = import_folder(other, folder)
    assert sorted(o.kind for o in outcomes) == ["added"] * 3
    assert exported(other) == exported(store)
    assert listed(other) == listed(store)


def test_the_folder_holds_a_folder_per_retro_and_an_index(store: Store, tmp_path: Path) -> None:
    three(store)
    folder = tmp_path / "archive"
    publish(store, folder, picture=fake_svg)
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["2026-10-02-quiet-night",
                     "2026-11-20-checkout-payments-failing-after-a-certificate",
                     "2026-11-20-dns-study", "README.md"]
    checkout = folder / names[1]
    assert sorted(p.name for p in checkout.iterdir()) == ["README.md", "session.json",
                                                         "timeline.svg"]
    assert "](timeline.svg)" in (checkout / "README.md").read_text()
    # A retro with no events has no picture, and its write-up points at none.
    quiet = folder / names[0]
    assert sorted(p.name for p in quiet.iterdir()) == ["README.md", "session.json"]
    index = (folder / "README.md").read_text()
    assert "| 2026-11-20 | [DNS study](2026-11-20-dns-study/) | own | closed | 4 |" in index
    rows = [line for line in index.splitlines() if line.startswith("| 20")]
    assert [row.split("|")[1].strip() for row in rows] == ["2026-11-20", "2026-11-20",
                                                           "2026-10-02"]


def test_the_session_file_is_canonical(store: Store, tmp_path: Path) -> None:
    store.create_retro(sample())
    publish(store, tmp_path / "a", picture=fake_svg)
    [path] = (tmp_path / "a").glob("*/session.json")
    text = path.read_text()
    document = json.loads(text)
    assert text == json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    assert list(document) == list(session_file.to_document(sample()))
    assert list(document["session"])[-2:] == ["created_at", "updated_at"]
    # Any other reader of the format takes it as an ordinary session file.
    assert session_file.to_document(session_file.read_file(path)) == session_file.to_document(
        sample())


def test_publishing_again_writes_nothing(store: Store, tmp_path: Path) -> None:
    three(store)
    folder = tmp_path / "archive"
    publish(store, folder, picture=fake_svg)
    before = snapshot(folder)
    again = publish(store, folder, picture=fake_svg)
    assert again.written == []
    assert snapshot(folder) == before


def test_one_changed_retro_changes_its_folder_and_the_index_only(
    store: Store, tmp_path: Path
) -> None:
    ids = three(store)
    folder = tmp_path / "archive"
    publish(store, folder, picture=fake_svg)
    before = snapshot(folder)
    editor = SessionEditor(store, ids[1])
    editor.add(Learning("Resolvers cache negative answers"))
    report = publish(store, folder, picture=fake_svg)
    after = snapshot(folder)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"2026-11-20-dns-study/session.json", "2026-11-20-dns-study/README.md"}
    # The index changes only when what it lists changes: closing an action does that.
    editor.update(editor.retro.actions[0], done=True)
    publish(store, folder, picture=fake_svg)
    latest = snapshot(folder)
    changed = {name for name in latest if latest[name] != after[name]}
    assert changed == {"README.md", "2026-11-20-dns-study/session.json",
                       "2026-11-20-dns-study/README.md"}
    assert report.changed_retros == ["2026-11-20-dns-study"]


def test_private_notes_appear_in_no_published_file(store: Store, tmp_path: Path) -> None:
    three(store)
    folder = tmp_path / "archive"
    publish(store, folder, picture=fake_svg)
    for path in folder.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    # Nor does importing take them anywhere: the notes stay in the database they were typed in.
    session_id = store.find_by_uuid("u-dns")
    assert session_id is not None
    assert store.session_text(session_id, "private_notes") == SECRET


def test_publishing_named_retros_keeps_the_others_in_the_index(
    store: Store, tmp_path: Path
) -> None:
    ids = three(store)
    folder = tmp_path / "archive"
    publish(store, folder, [ids[2]], picture=fake_svg)
    assert sorted(p.name for p in folder.iterdir()) == ["2026-10-02-quiet-night", "README.md"]
    publish(store, folder, [ids[0]], picture=fake_svg)
    index = (folder / "README.md").read_text()
    assert "Quiet night" in index and "Checkout payments" in index


def test_folder_names_are_stable_and_unique(store: Store, tmp_path: Path) -> None:
    first = store.create_retro(sample("Same day, same title", "aaaaaaaa-1"))
    second = store.create_retro(sample("Same day, same title", "bbbbbbbb-2"))
    folder = tmp_path / "archive"
    publish(store, folder, picture=fake_svg)
    names = sorted(p.name for p in folder.iterdir() if p.is_dir())
    assert names == ["2026-11-20-same-day-same-title", "2026-11-20-same-day-same-title-bbbbbbbb"]
    # A renamed retro stays in the folder it was published to.
    SessionEditor(store, first).update_session(title="Renamed later")
    publish(store, folder, picture=fake_svg)
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == names
    assert second
    assert folder_name(sample("Ünïcode — and / slashes?")) == "2026-11-20-unicode-and-slashes"


def test_a_file_where_the_folder_should_be_is_an_error(store: Store, tmp_path: Path) -> None:
    store.create_retro(sample())
    target = tmp_path / "archive"
    target.write_text("not a folder")
    with pytest.raises(PublishError, match="not a folder"):
        publish(store, target, picture=fake_svg)
    assert target.read_text() == "not a folder"


# -- importing a folder ----------------------------------------------------------------------


def published_pair(store: Store, other: Store, tmp_path: Path) -> tuple[Path, int, int]:
    """One retro published here and imported there; its ids in both databases."""
    ours = store.create_retro(sample())
    folder = tmp_path / "archive"
    publish(store, folder, picture=fake_svg)
    [outcome] = import_folder(other, folder)
    assert outcome.session_id is not None
    return folder, ours, outcome.session_id


def test_a_retro_changed_in_the_folder_only_is_updated(
    store: Store, other: Store, tmp_path: Path
) -> None:
    folder, ours, theirs = published_pair(store, other, tmp_path)
    SessionEditor(other, theirs).set_private_notes("their own notes")
    SessionEditor(other, theirs).add(Learning("Pin bundles in one place"))
    publish(other, folder, picture=fake_svg)
    SessionEditor(store, ours).set_private_notes("my own notes")
    [outcome] = import_folder(store, folder)
    assert (outcome.kind, outcome.session_id) == ("updated", ours)
    assert [item.text for item in store.load_retro(ours).learnings][-1] == (
        "Pin bundles in one place")
    # An update keeps the local id and private notes.
    assert store.session_text(ours, "private_notes") == "my own notes"
    assert exported(store) == exported(other)
    [again] = import_folder(store, folder)
    assert again.kind == "unchanged"


def test_a_retro_changed_here_only_is_kept(
    store: Store, other: Store, tmp_path: Path
) -> None:
    folder, ours, _ = published_pair(store, other, tmp_path)
    SessionEditor(store, ours).add(Learning("Only here so far"))
    [outcome] = import_folder(store, folder)
    assert outcome.kind == "unchanged"
    assert "publish" in outcome.detail
    assert store.load_retro(ours).learnings[-1].text == "Only here so far"


def test_a_conflict_keeps_this_copy_and_loses_nothing(
    store: Store, other: Store, tmp_path: Path
) -> None:
    folder, ours, theirs = published_pair(store, other, tmp_path)
    SessionEditor(other, theirs).add(Learning("Their learning"))
    publish(other, folder, picture=fake_svg)
    SessionEditor(store, ours).add(Learning("Our learning"))
    folder_before = snapshot(folder)
    [outcome] = import_folder(store, folder)
    assert (outcome.kind, outcome.session_id) == ("conflict", ours)
    assert "--copy" in outcome.detail
    assert store.load_retro(ours).learnings[-1].text == "Our learning"
    assert len(store.list_sessions()) == 1
    assert snapshot(folder) == folder_before
    # With copy, the folder's version comes in beside ours as a retro of its own.
    [copied] = import_folder(store, folder, copy=True)
    assert copied.kind == "conflict"
    sessions = store.list_sessions()
    assert len(sessions) == 2
    copy_id = next(s.id for s in sessions if s.id != ours)
    assert copy_id is not None
    assert store.load_retro(copy_id).learnings[-1].text == "Their learning"
    assert store.load_retro(ours).learnings[-1].text == "Our learning"
    assert f"retro {copy_id}" in copied.detail
    # Asked again, the same folder copy is not brought in a second time.
    [again] = import_folder(store, folder, copy=True)
    assert again.kind == "conflict" and f"retro {copy_id}" in again.detail
    assert len(store.list_sessions()) == 2


def test_a_folder_copy_older_than_ours_is_not_taken(
    store: Store, other: Store, tmp_path: Path
) -> None:
    folder, ours, _ = published_pair(store, other, tmp_path)
    [path] = folder.glob("*/session.json")
    document = json.loads(path.read_text())
    document["session"]["summary"] = "reverted in git to an old wording"
    document["session"]["updated_at"] = "2000-01-01T00:00:00.000Z"
    path.write_text(json.dumps(document))
    [outcome] = import_folder(store, folder)
    assert outcome.kind == "unchanged"
    assert store.load_retro(ours).session.summary != "reverted in git to an old wording"


def test_session_files_are_found_at_any_depth_and_bad_ones_named(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "team"
    (folder / "2026" / "nov").mkdir(parents=True)
    (folder / ".git").mkdir()
    (folder / "2026" / "nov" / "checkout.json").write_text(session_file.dumps(sample()))
    (folder / "package.json").write_text('{"name": "not a retro"}')
    (folder / ".git" / "x.json").write_text(session_file.dumps(sample("hidden", "u-hidden")))
    broken = session_file.to_document(sample("broken", "u-broken"))
    broken["session"]["kind"] = "sideways"
    (folder / "broken.json").write_text(json.dumps(broken))
    outcomes = import_folder(store, folder)
    assert [(o.kind, o.path.name) for o in outcomes] == [
        ("unreadable", "broken.json"), ("added", "checkout.json")]
    assert "$.session.kind" in outcomes[0].detail
    assert [s.title for s in store.list_sessions()] == [sample().session.title]


def test_a_retro_imported_with_import_file_and_changed_in_the_folder_is_a_conflict(
    store: Store, tmp_path: Path
) -> None:
    # Never published nor imported from a folder: nobody knows which copy changed.
    store.create_retro(sample())
    folder = tmp_path / "team"
    folder.mkdir()
    changed = sample()
    changed.session.summary = "a newer summary"
    (folder / "x.json").write_text(session_file.dumps(changed))
    [outcome] = import_folder(store, folder)
    assert outcome.kind == "conflict"


# -- actions across retros -------------------------------------------------------------------


def test_actions_list_every_retro_overdue_first(store: Store) -> None:
    three(store)
    rows = list_actions(store, dt.date(2026, 12, 5))
    states = [row.state for row in rows]
    assert states == sorted(states, key=("overdue", "open", "done").index)
    assert states.count("overdue") == 4  # due 2026-12-01 and 12-02 in both sample retros
    assert {row.tracked.session_title for row in rows} == {sample().session.title, "DNS study"}
    overdue = [row.due for row in rows if row.state == "overdue"]
    assert overdue == sorted(overdue)
    mine = list_actions(store, dt.date(2026, 12, 5), open_only=True, owner="  amara OKAFOR ")
    assert {row.owner for row in mine} == {"Amara Okafor"}
    assert all(row.state != "done" for row in mine)


def test_marking_an_action_done_records_when_and_undo_forgets_it(store: Store) -> None:
    session_id = store.create_retro(sample())
    editor = SessionEditor(store, session_id)
    first = editor.retro.actions[0]
    assert not first.done
    editor.update(first, done=True)
    when = done_times(store, session_id)[0]
    assert when is not None and when.startswith(str(dt.date.today().year))
    editor.undo_stack.undo()
    assert done_times(store, session_id)[0] is None
    assert not store.load_retro(session_id).actions[0].done


def test_done_times_travel_through_the_folder(
    store: Store, other: Store, tmp_path: Path
) -> None:
    session_id = store.create_retro(sample())
    editor = SessionEditor(store, session_id)
    editor.update(editor.retro.actions[0], done=True)
    publish(store, tmp_path / "a", picture=fake_svg)
    [outcome] = import_folder(other, tmp_path / "a")
    assert outcome.session_id is not None
    assert done_times(other, outcome.session_id) == done_times(store, session_id)


# -- insights --------------------------------------------------------------------------------


def test_insights_count_by_month(store: Store) -> None:
    three(store)
    blamey = Retro(
        Session(uuid="u-blame", title="Blame", incident_date="2026-10-15"),
        feelings=[Feeling(["angry"], blame_feeling=True), Feeling(["calm"])],
        learnings=[Learning("They should have known better; it was human error.")],
        actions=[Action("Write it down", done=True)],
    )
    store.create_retro(blamey)
    found = insights(store)
    months = {m.month: m for m in found.months}
    assert set(months) == {"2026-10", "2026-11"}
    october = months["2026-10"]
    assert october.retros == 2
    assert october.findings >= 2
    assert october.words > 0
    assert october.findings_per_1000_words == pytest.approx(
        1000 * october.findings / october.words)
    assert (october.feelings_rounds, october.blame_rounds) == (1, 1)
    assert months["2026-11"].feelings_rounds == 2
    assert found.categories[0][1] >= found.categories[-1][1]
    assert found.actions == 11 and found.actions_done == 3
    assert found.completion_rate == pytest.approx(3 / 11)
    document = found.as_json()
    assert document["actions"]["total"] == 11
    assert document["months"][0]["month"] == "2026-10"


def test_median_time_to_done_uses_known_times(store: Store) -> None:
    session_id = store.create_retro(sample())
    store.conn.execute("UPDATE sessions SET created_at = '2026-11-21T10:00:00.000Z'")
    store.conn.execute("UPDATE actions SET done = 1 WHERE position < 2")
    store.conn.execute(
        "UPDATE actions SET done_at = CASE position WHEN 0"
        " THEN '2026-11-23T10:00:00.000Z' ELSE '2026-11-25T10:00:00.000Z' END"
        " WHERE position < 2")
    store.conn.commit()
    found = insights(store)
    assert found.median_days_to_done == pytest.approx(3.0)
    assert session_id


def test_a_cheap_open_still_refuses_a_truncated_file(tmp_path: Path) -> None:
    path = tmp_path / "cut.sqlite3"
    store = Store.open(path)
    for number in range(20):
        store.create_retro(sample(f"retro {number}", f"u{number}"))
    store.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3 // 4096 * 4096])
    with pytest.raises(Exception, match="damaged|not a database|malformed"):
        Store.open(path)


def test_the_full_check_finds_damage_inside_a_page(tmp_path: Path) -> None:
    path = tmp_path / "hurt.sqlite3"
    store = Store.open(path)
    for number in range(20):
        store.create_retro(sample(f"retro {number}", f"u{number}"))
    assert store.check() == []
    root = store.conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'events'").fetchone()[0]
    page_size = store.conn.execute("PRAGMA page_size").fetchone()[0]
    store.close()
    with open(path, "r+b") as handle:
        # The events table's first page gets a header no b-tree page has; the file's size
        # and its own header stay as they were, so the cheap check at open cannot see it.
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * 64)
    opened = Store.open(path, read_only=True)
    try:
        problems = opened.check()
        assert problems and all(isinstance(problem, str) for problem in problems)
    finally:
        opened.close()


def test_insights_with_a_cache_read_again_only_what_changed(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retro_desk.archive import insights as module

    ids = three(store)
    cache: module.FactsCache = {}
    first = module.insights(store, cache)
    assert set(cache) == set(ids)
    SessionEditor(store, ids[1]).add(Learning("They should have known better"))
    read: list[int] = []
    load = store.load_retro
    monkeypatch.setattr(store, "load_retro", lambda i: read.append(i) or load(i))
    again = module.insights(store, cache)
    assert read == [ids[1]]
    november = {m.month: m for m in again.months}["2026-11"]
    before = {m.month: m for m in first.months}["2026-11"]
    assert november.findings > before.findings
    assert again.as_json() == module.insights(store).as_json()
    store.delete_session(ids[0])
    module.insights(store, cache)
    assert set(cache) == set(ids[1:])


def test_publish_leaves_a_colleagues_newer_copy_alone_unless_forced(
    store: Store, other: Store, tmp_path: Path
) -> None:
    folder, ours, theirs = published_pair(store, other, tmp_path)
    SessionEditor(other, theirs).add(Learning("Published by a colleague"))
    publish(other, folder, picture=fake_svg)
    [path] = folder.glob("*/session.json")
    colleagues = path.read_bytes()
    # We publish without importing first: their work stays, and the report says so.
    report = publish(store, folder, picture=fake_svg)
    assert report.skipped == [path.parent.name]
    assert path.read_bytes() == colleagues
    assert "import the folder first" in report.summary()
    # Once imported (it is updated here), publishing goes on as usual.
    [outcome] = import_folder(store, folder)
    assert outcome.kind == "updated"
    SessionEditor(store, ours).add(Learning("Ours, after theirs"))
    report = publish(store, folder, picture=fake_svg)
    assert report.skipped == []
    assert b"Ours, after theirs" in path.read_bytes()
    assert b"Published by a colleague" in path.read_bytes()


def test_after_a_conflict_force_publishes_the_merged_copy(
    store: Store, other: Store, tmp_path: Path
) -> None:
    folder, ours, theirs = published_pair(store, other, tmp_path)
    SessionEditor(other, theirs).add(Learning("Theirs"))
    publish(other, folder, picture=fake_svg)
    SessionEditor(store, ours).add(Learning("Ours"))
    [outcome] = import_folder(store, folder)
    assert outcome.kind == "conflict"
    # Merged by hand here; the folder's copy is replaced only when asked to.
    SessionEditor(store, ours).add(Learning("Theirs"))
    assert publish(store, folder, picture=fake_svg).skipped
    report = publish(store, folder, picture=fake_svg, force=True)
    assert report.skipped == []
    [path] = folder.glob("*/session.json")
    texts = [item["text"] for item in json.loads(path.read_text())["learnings"]]
    assert texts[-2:] == ["Ours", "Theirs"]
    [again] = import_folder(other, folder)
    assert again.kind == "updated"


def test_an_unchanged_retro_keeps_its_write_up_and_a_missing_one_is_written(
    store: Store, tmp_path: Path
) -> None:
    store.create_retro(sample())
    folder = tmp_path / "archive"
    publish(store, folder, picture=fake_svg)
    [write_up] = folder.glob("*/README.md")
    # As a colleague's machine drew it: other fonts, other blame-language rules.
    write_up.write_text(write_up.read_text() + "\nDrawn elsewhere.\n")
    assert publish(store, folder, picture=fake_svg).written == []
    assert write_up.read_text().endswith("Drawn elsewhere.\n")
    picture = write_up.parent / "timeline.svg"
    picture.unlink()
    report = publish(store, folder, picture=fake_svg)
    assert picture in report.written and picture.is_file()
