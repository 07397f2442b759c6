"""The archive's commands run as real processes: publish, import DIR, actions, insights, check."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.test_cli import CLI, SAMPLE, SAMPLE_TITLE, assert_one_line_error


@pytest.fixture
def cli(tmp_path: Path) -> CLI:
    return CLI(tmp_path)


def files(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def second_db(cli: CLI, name: str) -> CLI:
    other = CLI(cli.root)
    other.db = cli.root / name
    return other


def test_publish_and_import_dir_round_trip(cli: CLI) -> None:
    cli.import_file(SAMPLE)
    cli.import_file(SAMPLE, "--copy")
    folder = cli.root / "archive"
    result = cli.run("publish", str(folder))
    assert result.returncode == 0, result.stderr
    assert "7 files written" in result.stderr
    assert sorted(result.stdout.split()) == sorted(files(folder))
    assert (folder / "README.md").read_text().count(SAMPLE_TITLE) == 2
    svg = next(folder.glob("*/timeline.svg")).read_text()
    assert svg.startswith("<?xml") and "<svg" in svg
    before = files(folder)
    again = cli.run("publish", str(folder))
    assert (again.returncode, again.stdout) == (0, "")
    assert "nothing changed" in again.stderr
    assert files(folder) == before

    other = second_db(cli, "teammate.sqlite3")
    result = other.run("import", str(folder))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["added", "added"]
    assert result.stderr == "2 added, 0 updated, 0 unchanged, 0 conflicts\n"

    def without_ids(rows: list[dict[str, object]]) -> list[dict[str, object]]:
        return sorted(({k: v for k, v in row.items() if k != "id"} for row in rows),
                      key=lambda row: str(row["uuid"]))

    assert without_ids(other.sessions()) == without_ids(cli.sessions())
    def exported(where: CLI, uuid: str) -> dict[str, object]:
        document: dict[str, object] = json.loads(where.ok("export", uuid, "--format", "json"))
        document.pop("export")  # when and by which version: the moment of each export
        return document

    for row in cli.sessions():
        uuid = str(row["uuid"])
        assert exported(other, uuid) == exported(cli, uuid)
    again = other.run("import", str(folder))
    assert [line.split()[0] for line in again.stdout.splitlines()] == ["unchanged"] * 2


def test_a_conflict_is_reported_and_copy_brings_it_in(cli: CLI) -> None:
    cli.import_file(SAMPLE)
    folder = cli.root / "archive"
    cli.run("publish", str(folder))
    other = second_db(cli, "teammate.sqlite3")
    other.run("import", str(folder))
    # Both change the retro: the teammate publishes, we import.
    [path] = folder.glob("*/session.json")
    theirs = json.loads(path.read_text())
    theirs["learnings"].append({"text": "Theirs"})
    theirs["session"]["updated_at"] = "2099-01-01T00:00:00.000Z"
    path.write_text(json.dumps(theirs))
    connection = sqlite3.connect(cli.db)
    connection.execute("UPDATE learnings SET text = 'Ours, edited' WHERE position = 0")
    connection.commit()
    connection.close()
    result = cli.run("import", str(folder))
    assert result.returncode == 0
    assert result.stdout.startswith("conflict")
    assert "--copy" in result.stdout
    assert "1 conflict" in result.stderr
    assert len(cli.sessions()) == 1
    copied = cli.run("import", str(folder), "--copy")
    assert copied.stdout.startswith("conflict")
    assert len(cli.sessions()) == 2
    texts = {
        learning["text"]
        for row in cli.sessions()
        for learning in json.loads(cli.ok("export", str(row["id"]), "--format", "json"))[
            "learnings"]
    }
    assert {"Theirs", "Ours, edited"} <= texts


def test_import_dir_names_an_unreadable_file_and_brings_the_rest(cli: CLI) -> None:
    folder = cli.root / "team"
    folder.mkdir()
    (folder / "good.json").write_text(SAMPLE.read_text())
    (folder / "bad.json").write_text('{"format": "retro-desk.session", "version": 99}')
    result = cli.run("import", str(folder))
    assert result.returncode == 1
    assert result.stdout.startswith("added")
    assert "unreadable" in result.stderr and "bad.json" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(cli.sessions()) == 1


def test_import_file_prints_the_id_alone(cli: CLI) -> None:
    assert cli.run("import", str(SAMPLE)).stdout == "1\n"


def test_actions_and_insights(cli: CLI) -> None:
    cli.import_file(SAMPLE)
    lines = cli.ok("actions").splitlines()
    assert len(lines) == 5
    states = [line.split()[0] for line in lines]
    assert states == sorted(states, key=("overdue", "open", "done").index)
    assert states[-1] == "done"
    assert all(SAMPLE_TITLE in line for line in lines)
    rows = json.loads(cli.ok("actions", "--open", "--owner", "amara okafor", "--json"))
    assert rows and {row["owner"] for row in rows} == {"Amara Okafor"}
    assert {row["state"] for row in rows} <= {"open", "overdue"}
    assert rows[0]["retro"]["title"] == SAMPLE_TITLE
    text = cli.ok("insights")
    assert text.splitlines()[1].startswith("2026-11")
    assert "Actions: 1 of 5 done (20%)" in text
    found = json.loads(cli.ok("insights", "--json"))
    assert found["months"][0]["month"] == "2026-11"
    assert found["actions"]["completion_rate"] == 0.2


def test_reading_commands_on_a_missing_database_create_nothing(cli: CLI) -> None:
    assert "no database" in cli.fails("actions")
    assert "no database" in cli.fails("insights", "--json")
    assert cli.fails("check").startswith("retro-desk: error:")
    assert cli.fails("publish", str(cli.root / "out")).startswith("retro-desk: error:")
    assert not cli.db.exists()
    assert not (cli.root / "out").exists()


def test_check_reports_a_sound_file_and_publish_refuses_a_file_target(cli: CLI) -> None:
    cli.import_file(SAMPLE)
    assert cli.ok("check") == f"{cli.db}: no problems found\n"
    target = cli.root / "notes.txt"
    target.write_text("keep me")
    message = cli.fails("publish", str(target))
    assert "not a folder" in message
    assert target.read_text() == "keep me"
    assert_one_line_error(cli.run("publish", str(cli.root / "x"), "999").stderr)


def test_import_dir_refuses_while_a_window_has_the_database(cli: CLI) -> None:
    from retro_desk.storage.lock import InstanceLock

    cli.import_file(SAMPLE)
    folder = cli.root / "archive"
    cli.run("publish", str(folder))
    lock = InstanceLock(cli.db)
    assert lock.acquire()
    try:
        message = cli.fails("import", str(folder))
        assert "open in a Retro Desk window" in message
    finally:
        lock.release()
    assert cli.run("import", str(folder)).stdout.startswith("unchanged")


def test_publish_names_what_it_left_alone_and_force_replaces_it(cli: CLI) -> None:
    cli.import_file(SAMPLE)
    folder = cli.root / "archive"
    cli.run("publish", str(folder))
    [path] = folder.glob("*/session.json")
    theirs = json.loads(path.read_text())
    theirs["learnings"].append({"text": "A colleague's"})
    path.write_text(json.dumps(theirs, indent=2))
    result = cli.run("publish", str(folder))
    assert result.returncode == 0
    assert f"skipped {path.parent.name}" in result.stderr
    assert "A colleague's" in path.read_text()
    forced = cli.run("publish", str(folder), "--force")
    assert forced.returncode == 0 and "skipped" not in forced.stderr
    assert "A colleague's" not in path.read_text()
