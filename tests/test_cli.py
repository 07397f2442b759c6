"""The `retro-desk` command line, run as a real process: the contract that scripts rely on."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from retro_desk import __version__
from retro_desk.paths import resource

SAMPLE = resource("sample_retro.json")
SAMPLE_UUID = "6f1c2a9e-3b7d-4c59-9a0e-8d2f4b71c3e5"
SAMPLE_TITLE = "Checkout payments failing after a certificate renewal"


class CLI:
    """Runs `python -m retro_desk` with a sandboxed environment (no real home, no RETRO_DESK_DB)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = root / "retros.sqlite3"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key != "RETRO_DESK_DB" and not key.startswith("XDG_")
        }
        self.env.update(
            HOME=str(root / "home"),
            XDG_DATA_HOME=str(root / "xdg-data"),
            XDG_CONFIG_HOME=str(root / "xdg-config"),
            XDG_CACHE_HOME=str(root / "xdg-cache"),
            XDG_STATE_HOME=str(root / "xdg-state"),
            PYTHONIOENCODING="utf-8",
        )
        self.env.pop("RETRO_DESK_DEBUG", None)

    def run(
        self,
        *args: str,
        db: bool = True,
        env: dict[str, str] | None = None,
        preexec: Callable[[], None] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "retro_desk"]
        if db:
            command += ["--db", str(self.db)]
        return subprocess.run(
            [*command, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**self.env, **(env or {})},
            cwd=self.root,
            timeout=120,
            preexec_fn=preexec,
        )

    def ok(self, *args: str, **kwargs: Any) -> str:
        result = self.run(*args, **kwargs)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        return result.stdout

    def fails(self, *args: str, status: int = 1, **kwargs: Any) -> str:
        """Run a command that must fail; returns its one-line error message."""
        result = self.run(*args, **kwargs)
        assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
        assert_one_line_error(result.stderr)
        return result.stderr

    def import_file(self, path: Path, *extra: str, **kwargs: Any) -> int:
        """Import; the new ID alone on standard output, the words on standard error."""
        result = self.run("import", str(path), *extra, **kwargs)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().isdigit() and result.stdout.count("\n") == 1, result.stdout
        assert result.stderr.startswith("Imported "), result.stderr
        return int(result.stdout)

    def sessions(self, **kwargs: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = json.loads(self.ok("list", "--json", **kwargs))
        return rows


def assert_one_line_error(stderr: str) -> None:
    assert "Traceback" not in stderr
    assert stderr.startswith("retro-desk: error: "), stderr
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert len(stderr.strip()) > len("retro-desk: error: ") + 10


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sample_data() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return result


def exported_data(text: str) -> dict[str, Any]:
    """An exported session file without its export stamp (when, by which version)."""
    result: dict[str, Any] = json.loads(text)
    stamp = result.pop("export")
    assert stamp["app_version"] == __version__ and stamp["exported_at"].endswith("+00:00")
    return result


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def cli(tmp_path: Path) -> CLI:
    return CLI(tmp_path)


@pytest.fixture
def imported(cli: CLI) -> int:
    return cli.import_file(SAMPLE)


# -- basics ---------------------------------------------------------------------------------


def test_version(cli: CLI) -> None:
    assert cli.ok("--version", db=False) == f"retro-desk {__version__}\n"


@pytest.mark.parametrize("command", [("list",), ("list", "--json"), ("export", "1"),
                                     ("search", "certificate")])
def test_reading_commands_on_a_missing_database_say_so_and_create_nothing(
    cli: CLI, command: tuple[str, ...]
) -> None:
    message = cli.fails(*command)
    assert f"no database at {cli.db}" in message
    assert not cli.db.exists()
    assert not (cli.root / "xdg-data").exists()


def test_import_prints_the_new_id_alone(cli: CLI) -> None:
    result = cli.run("import", str(SAMPLE))
    assert result.stdout == "1\n"
    assert result.stderr == f"Imported {SAMPLE_TITLE} as session 1\n"
    new_id = int(result.stdout)
    [row] = cli.sessions()
    assert row["id"] == new_id
    assert row["uuid"] == SAMPLE_UUID


def test_import_twice_is_refused_unless_copy(cli: CLI, imported: int) -> None:
    message = cli.fails("import", str(SAMPLE))
    assert "already present" in message and "--copy" in message
    assert len(cli.sessions()) == 1

    copy_id = cli.import_file(SAMPLE, "--copy")
    assert copy_id != imported
    rows = {row["id"]: row for row in cli.sessions()}
    assert set(rows) == {imported, copy_id}
    assert rows[imported]["uuid"] == SAMPLE_UUID
    assert rows[copy_id]["uuid"] != SAMPLE_UUID
    assert rows[copy_id]["title"] == SAMPLE_TITLE
    # The copy has everything the original has.
    copy_data = exported_data(cli.ok("export", str(copy_id), "--format", "json"))
    original = sample_data()
    copy_data["session"]["uuid"] = original["session"]["uuid"]
    assert copy_data == original


def test_list_shows_id_date_kind_status_title(cli: CLI, imported: int, tmp_path: Path) -> None:
    external = sample_data()
    external["session"].update(
        uuid="0c8d7b84-8f55-4bd4-9a3f-0a4a1f6d3b11",
        title="Study of a DNS outage\nat a big provider",
        kind="external",
        status="draft",
        incident_date=None,
    )
    second = cli.import_file(write_json(tmp_path / "external.json", external))
    lines = cli.ok("list").splitlines()
    assert len(lines) == 2
    # Most recently changed first.
    assert lines[0].split()[:4] == [str(second), "----------", "external", "draft"]
    assert lines[0].endswith("Study of a DNS outage at a big provider")
    assert lines[1].split()[:4] == [str(imported), "2026-11-20", "own", "closed"]
    assert lines[1].endswith(SAMPLE_TITLE)


def test_list_json(cli: CLI, imported: int) -> None:
    [row] = cli.sessions()
    assert {"id", "uuid", "title", "incident_date", "kind", "status"} <= row.keys()
    assert row["id"] == imported
    assert (row["title"], row["incident_date"], row["kind"], row["status"]) == (
        SAMPLE_TITLE,
        "2026-11-20",
        "own",
        "closed",
    )


# -- export ---------------------------------------------------------------------------------


def test_export_json_equals_the_imported_file(cli: CLI, imported: int) -> None:
    exported = cli.ok("export", str(imported), "--format", "json")
    assert exported_data(exported) == sample_data()
    # By UUID too.
    assert exported_data(cli.ok("export", SAMPLE_UUID, "--format", "json")) == sample_data()


def test_export_markdown_to_stdout(cli: CLI, imported: int) -> None:
    text = cli.ok("export", str(imported))
    assert SAMPLE_TITLE in text
    assert "Zoë Hartmann" in text  # UTF-8 on stdout, whatever the locale
    assert cli.ok("export", str(imported), "--format", "md") == text
    assert cli.ok("export", str(imported), "--format", "md", "-o", "-") == text
    assert not (cli.root / "-").exists()


def test_export_pdf_to_standard_output(cli: CLI, imported: int) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "retro_desk", "--db", str(cli.db), "export", str(imported),
         "--format", "pdf", "-o", "-"],
        capture_output=True, env=cli.env, cwd=cli.root, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"%PDF-") and result.stdout.rstrip().endswith(b"%%EOF")
    assert not (cli.root / "-").exists()


def test_export_format_help_shows_choices_and_default(cli: CLI) -> None:
    text = " ".join(cli.ok("export", "--help").split())
    assert "one of md, json, html, pdf (default: md)" in text


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_export_to_a_file(cli: CLI, imported: int, fmt: str) -> None:
    target = cli.root / "out" / f"retro.{fmt}"
    target.parent.mkdir()
    assert cli.ok("export", str(imported), "--format", fmt, "-o", str(target)) == ""

    def same(written: str, printed: str) -> bool:
        if fmt == "json":
            return exported_data(written) == exported_data(printed)
        # Markdown written to a file shows the picture written beside it.
        picture = "![Timeline picture](retro-timeline.png)"
        blocks = [block for block in written.split("\n\n")
                  if not block.startswith((picture, "The incident on a time axis."))]
        return "\n\n".join(blocks) == printed and f"\n{picture}\n" in written

    printed = cli.ok("export", str(imported), "--format", fmt)
    assert same(target.read_text(encoding="utf-8"), printed)
    # An existing file is replaced whole.
    target.write_text("old contents that are longer than nothing " * 1000)
    cli.ok("export", str(imported), "--format", fmt, "--output", str(target))
    assert same(target.read_text(encoding="utf-8"), printed)
    names = sorted(p.name for p in target.parent.iterdir())
    if fmt == "md":
        # As the window does: the timeline picture beside the document.
        assert names == ["retro-timeline.png", "retro-timeline.svg", "retro.md"]
        png = (target.parent / "retro-timeline.png").read_bytes()
        assert png.startswith(b"\x89PNG")
    else:
        assert names == [target.name]


def test_export_to_an_unwritable_path(cli: CLI, imported: int) -> None:
    blocker = cli.root / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    message = cli.fails("export", str(imported), "-o", str(blocker / "retro.md"))
    assert "cannot write" in message and str(blocker / "retro.md") in message
    assert blocker.read_text() == "a file where a folder should be"


def _limit_file_size(limit: int) -> Callable[[], None]:
    def preexec() -> None:
        import resource as rlimit

        rlimit.setrlimit(rlimit.RLIMIT_FSIZE, (limit, limit))

    return preexec


@pytest.mark.skipif(os.name != "posix", reason="uses RLIMIT_FSIZE; works as root too")
def test_failed_export_does_not_damage_an_existing_file(cli: CLI, tmp_path: Path) -> None:
    # An export far larger than the file-size limit the process gets, so writing it fails
    # halfway (EFBIG), like a full disk; the database's own files stay well under the limit.
    big = sample_data()
    big["session"]["summary"] = "A very long summary. " * 5000
    session_id = cli.import_file(write_json(tmp_path / "big.json", big))
    target = tmp_path / "exports" / "retro.md"
    target.parent.mkdir()
    target.write_text("the previous export, which must survive\n")
    before = sha256(target)
    for fmt in ("md", "json"):
        message = cli.fails(
            "export", str(session_id), "--format", fmt, "-o", str(target),
            preexec=_limit_file_size(48 * 1024),
        )
        assert "cannot write" in message
        assert sha256(target) == before
        # No temporary file is left (the timeline pictures may be written beside it).
        assert not [p.name for p in target.parent.iterdir() if p.name.startswith(".")]


def test_unknown_format_is_a_usage_error(cli: CLI, imported: int) -> None:
    message = cli.fails("export", str(imported), "--format", "docx", status=2)
    assert "docx" in message


@pytest.mark.parametrize(
    "args",
    [
        ("export",),  # no ID
        ("frobnicate",),
        ("list", "--colour"),
        ("import",),
    ],
    ids=["export-no-id", "unknown-command", "unknown-option", "import-no-file"],
)
def test_wrong_usage(cli: CLI, args: tuple[str, ...]) -> None:
    cli.fails(*args, status=2)


@pytest.mark.parametrize("ident", ["99", "0", "not-a-uuid", "-1"])
def test_export_unknown_id(cli: CLI, imported: int, ident: str) -> None:
    result = cli.run("export", ident, "--format", "json")
    assert result.returncode in (1, 2)  # "-1" looks like an option to argparse
    assert_one_line_error(result.stderr)
    assert result.stdout == ""
    if ident != "-1":
        assert result.returncode == 1
        assert "no session" in result.stderr


def test_export_from_a_missing_database(cli: CLI) -> None:
    assert "no database" in cli.fails("export", "1")
    assert not cli.db.exists()


# -- bad input files and databases ----------------------------------------------------------


def _not_json(path: Path) -> None:
    path.write_text('{"format": "retro-desk.session", "version": 1,\n  "session": {"title": }')


def _wrong_format(path: Path) -> None:
    data = sample_data()
    data["format"] = "some-other-tool.export"
    write_json(path, data)


def _newer_version(path: Path) -> None:
    data = sample_data()
    data["version"] = 2
    write_json(path, data)


def _late_error(path: Path) -> None:
    data = sample_data()
    data["closing"]["roti"] = [4, 5, 9]  # everything before this point was fine
    write_json(path, data)


def _not_utf8(path: Path) -> None:
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("latin-1", errors="replace"))


def _binary(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 10)


BAD_FILES: dict[str, tuple[Callable[[Path], None], str]] = {
    "not-json": (_not_json, "not valid JSON"),
    "wrong-format": (_wrong_format, "$.format"),
    "newer-version": (_newer_version, "$.version"),
    "late-error": (_late_error, "$.closing.roti[2]"),
    "not-utf8": (_not_utf8, "UTF-8"),
    "binary": (_binary, "UTF-8"),
}


@pytest.mark.parametrize(("make", "expected"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_import_files_import_nothing(
    cli: CLI, imported: int, tmp_path: Path, make: Callable[[Path], None], expected: str
) -> None:
    before = cli.sessions()
    bad = tmp_path / "bad.json"
    make(bad)
    message = cli.fails("import", str(bad))
    assert expected in message
    assert cli.sessions() == before


def test_bad_import_into_a_new_database_creates_nothing(cli: CLI, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    _newer_version(bad)
    assert "newer" in cli.fails("import", str(bad))
    assert not cli.db.exists()


def test_import_of_a_missing_file(cli: CLI, tmp_path: Path) -> None:
    assert "cannot read" in cli.fails("import", str(tmp_path / "nope.json"))


def test_corrupt_database_is_refused_and_left_alone(cli: CLI, tmp_path: Path) -> None:
    cli.db.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    before = sha256(cli.db)
    for args in (
        ("list",),
        ("list", "--json"),
        ("export", "1"),
        ("import", str(SAMPLE)),
        ("import", str(SAMPLE), "--copy"),
    ):
        message = cli.fails(*args)
        assert str(cli.db) in message, args
        assert sha256(cli.db) == before, args
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("shopping list\n")
    message = cli.fails("--db", str(not_sqlite), "import", str(SAMPLE), db=False)
    assert "not a Retro Desk database" in message
    assert not_sqlite.read_text() == "shopping list\n"


def test_newer_database_is_refused(cli: CLI, imported: int) -> None:
    import sqlite3

    conn = sqlite3.connect(cli.db)
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    before = sha256(cli.db)
    assert "newer Retro Desk" in cli.fails("list")
    assert "newer Retro Desk" in cli.fails("import", str(SAMPLE), "--copy")
    assert sha256(cli.db) == before


# -- where the database is ------------------------------------------------------------------


def test_db_option_after_the_subcommand(cli: CLI) -> None:
    elsewhere = cli.root / "elsewhere.sqlite3"
    new_id = str(cli.import_file(SAMPLE, "--db", str(elsewhere), db=False))
    assert elsewhere.exists() and not cli.db.exists()
    rows = json.loads(cli.ok("list", "--json", "--db", str(elsewhere), db=False))
    assert [str(row["id"]) for row in rows] == [new_id]
    assert SAMPLE_TITLE in cli.ok("export", new_id, "--db", str(elsewhere), db=False)
    # After the subcommand wins over before it.
    assert cli.ok("--db", str(cli.db), "list", "--db", str(elsewhere), db=False) != ""


def test_retro_desk_db_environment_variable(cli: CLI) -> None:
    from_env = cli.root / "from-env.sqlite3"
    env = {"RETRO_DESK_DB": str(from_env)}
    session_id = cli.import_file(SAMPLE, db=False, env=env)
    assert from_env.exists()
    assert [row["id"] for row in cli.sessions(db=False, env=env)] == [session_id]
    # --db wins over the variable.
    assert "no database" in cli.fails("list", env=env)
    assert not (cli.root / "xdg-data").exists()


def test_default_database_is_in_the_user_data_folder(cli: CLI) -> None:
    session_id = cli.import_file(SAMPLE, db=False)
    expected = cli.root / "xdg-data" / "retro-desk" / "retro-desk.sqlite3"
    assert expected.exists()
    assert [row["id"] for row in cli.sessions(db=False)] == [session_id]
    assert not (cli.root / "home").exists()


def test_reading_a_database_of_an_older_schema_updates_it_first(cli: CLI) -> None:
    import sqlite3

    from sqlite_utils import Database

    from retro_desk.storage.schema import SCHEMA_VERSION, migrations

    connection = sqlite3.connect(cli.db)
    migrations.apply(Database(connection), stop_before="m002_reflection_marks")
    connection.execute(
        "INSERT INTO sessions (uuid, title, kind) VALUES ('u-old', 'From the first release', 'own')"
    )
    connection.commit()
    connection.close()
    [row] = cli.sessions()
    assert row["title"] == "From the first release"
    with sqlite3.connect(cli.db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    connection.close()
