"""The `retro-desk` command: open the window, or list, import and export retros."""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from retro_desk import __version__
from retro_desk.paths import resolve_db_path, user_config_dir
from retro_desk.storage import DuplicateSession, NotFound, StorageError, Store
from retro_desk.storage.errors import OlderDatabase
from retro_desk.storage.lock import InstanceLock

if TYPE_CHECKING:
    from retro_desk.storage.search import RetroMatches

# Each command imports what it needs: opening the window must not wait for the others.

PROG = "retro-desk"
TEXT_FORMATS = ("md", "json", "html")
FORMATS = (*TEXT_FORMATS, "pdf")


class CommandError(Exception):
    """A failure to report as one line and exit status 1."""


class UsageError(CommandError):
    """Wrong usage: exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{PROG} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Run and record blame-aware incident retrospectives.",
        epilog=f"{PROG} [--db PATH] FILE opens a session file in the window, importing it first"
        " unless its retro is already there.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    db_help = "the database file (default: $RETRO_DESK_DB, else the user data folder)"
    parser.add_argument("--db", metavar="PATH", help=db_help)
    parser.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="open the window with the most recent session and exit once it is painted",
    )
    parser.add_argument(
        "--safe",
        action="store_true",
        help="open every retro on its first phase (if one will not open where it was left)",
    )
    parser.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add Retro Desk to this desktop's applications (Linux: launcher entry, icon,"
        " session file type), in the user's data folder",
    )
    parser.add_argument(
        "--uninstall-desktop-entry",
        action="store_true",
        help="remove what --install-desktop-entry added",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--db", metavar="PATH", help=db_help, default=argparse.SUPPRESS)
        return sub

    listing = command("list", "one line per session: ID, date, kind, status, title")
    listing.add_argument("--json", action="store_true", help="print a JSON array instead")

    export = command("export", "export a session as Markdown, JSON, HTML or PDF")
    export.add_argument("id", metavar="ID", help="the session's ID (or UUID)")
    export.add_argument(
        "--format", choices=FORMATS, default="md",
        help="one of %(choices)s (default: %(default)s)",
    )
    export.add_argument(
        "-o", "--output", metavar="FILE",
        help="write to FILE (atomically; Markdown also writes the timeline picture beside it);"
        " '-' or none: standard output",
    )
    export.add_argument("--force", action="store_true",
                        help="replace FILE even if it is read-only (it stays read-only)")

    importing = command(
        "import", "import a session file (prints the new session's ID), or every session"
        " file under a folder (one line per outcome)"
    )
    importing.add_argument("file", metavar="FILE|DIR")
    importing.add_argument(
        "--copy", action="store_true", help="import even if the session is already present"
    )

    searching = command("search", "search the text of every session; matches grouped by session")
    searching.add_argument(
        "query", metavar="QUERY", help='words that must all appear, a "quoted phrase", a prefix*'
    )
    searching.add_argument("--json", action="store_true", help="print JSON instead")
    searching.add_argument(
        "--private", action="store_true", help="search the facilitator's private notes too"
    )

    timeline = command(
        "import-timeline", "add the events of a CSV file (time, actor, description, source)"
        " to a session's timeline; prints how many were added"
    )
    timeline.add_argument("id", metavar="ID", help="the session's ID (or UUID)")
    timeline.add_argument("file", metavar="FILE.csv")
    _archive_commands(command)
    return parser


def _archive_commands(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """The team archive's commands: publish, actions, insights, check."""
    publishing = command(
        "publish", "write every retro (or those named) to a folder: one folder per retro"
        " (session.json, README.md, timeline.svg) and an index README.md"
    )
    publishing.add_argument("folder", metavar="DIR")
    publishing.add_argument("ids", metavar="ID", nargs="*", help="the retros to publish")
    publishing.add_argument(
        "--force", action="store_true",
        help="also replace retros changed in the folder since your last publish or import",
    )
    actions = command("actions", "every action of every retro, overdue first")
    actions.add_argument("--open", action="store_true", help="only actions not yet done")
    actions.add_argument("--owner", metavar="NAME", help="only this person's actions")
    actions.add_argument("--json", action="store_true", help="print a JSON array instead")
    insights = command("insights", "blame language, feelings, local rationality and actions"
                       " across retros, by month")
    insights.add_argument("--json", action="store_true", help="print JSON instead")
    command("check", "read the whole database file and report any damage")


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_streams()
    try:
        parser = build_parser()
        arguments, file = split_file_argument(
            sys.argv[1:] if argv is None else list(argv), _command_names(parser)
        )
        args = parser.parse_args(arguments)
        args.open_file = file
        return _run(args)
    except UsageError as error:
        _fail(str(error))
        return 2
    except (CommandError, StorageError) as error:
        _fail(str(error))
        return 1
    except BrokenPipeError:
        # A reader such as `head` went away; that is not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the contract is: never a traceback
        if _is_file_error(error):
            _fail(str(error))
            return 1
        _fail(f"unexpected problem ({type(error).__name__}: {error}); please report it")
        if os.environ.get("RETRO_DESK_DEBUG"):
            import traceback

            traceback.print_exc()
        return 1


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def split_file_argument(argv: list[str], commands: set[str]) -> tuple[list[str], str | None]:
    """`retro-desk [--db PATH] FILE` opens FILE in the window: the arguments without FILE, and
    FILE. A first word that names a command stays a command."""
    skip = False
    for index, argument in enumerate(argv):
        if skip:
            skip = False
        elif argument == "--db":
            skip = True
        elif argument == "--":
            rest = argv[index + 1:]
            return (argv[:index], rest[0]) if len(rest) == 1 else (argv, None)
        elif not argument.startswith("-") or argument == "-":
            if argument in commands or _mistyped_command(argument):
                return argv, None
            return argv[:index] + argv[index + 1:], argument
    return argv, None


def _mistyped_command(argument: str) -> bool:
    """A bare word that is no file ("lis"): argparse names the commands it could be."""
    return not any(char in argument for char in "./\\") and not Path(argument).exists()


def _is_file_error(error: Exception) -> bool:
    """A session file that cannot be read: a message of its own, not an unexpected problem."""
    # Only a command that imported session_file can raise its errors.
    module = sys.modules.get("retro_desk.export.session_file")
    return module is not None and isinstance(error, module.SessionFileError)


def _run(args: argparse.Namespace) -> int:
    db_path = resolve_db_path(args.db)
    if args.command is not None or args.install_desktop_entry or args.uninstall_desktop_entry:
        # `launch.run` paused the garbage collector for the window's start; not needed here.
        gc.enable()
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        if args.command is not None or args.open_file is not None:
            raise UsageError("--install-desktop-entry and --uninstall-desktop-entry stand alone")
        return _desktop_entry(install=args.install_desktop_entry)
    if args.command is None:
        from retro_desk.ui.app import run_app

        # The window loads the rules once it is on screen: nothing before needs them.
        file = Path(args.open_file) if args.open_file is not None else None
        return int(run_app(db_path, exit_when_ready=args.exit_when_ready,
                           configure_language=_configure_language, open_file=file,
                           safe=args.safe))
    if args.command == "list":
        return _list(db_path, args.json)
    if args.command == "export":
        return _export(db_path, args.id, args.format, args.output, args.force)
    if args.command == "import":
        return _import(db_path, Path(args.file), args.copy)
    if args.command == "search":
        return _search(db_path, args.query, args.json, args.private)
    if args.command == "import-timeline":
        return _import_timeline(db_path, args.id, Path(args.file))
    if args.command in ARCHIVE_COMMANDS:
        return _archive_command(db_path, args)
    raise UsageError(f"unknown command {args.command!r}")


def _desktop_entry(install: bool) -> int:
    """Put the launcher entry, icons and session file type in the user's data folder (or take
    them out again): where a freedesktop.org desktop (GNOME, KDE, ...) looks for them."""
    import platformdirs

    from retro_desk import desktop_entry

    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        raise CommandError(
            "desktop entries are for Linux desktops; on macOS and Windows use the bundle"
            " built by 'python3 tasks.py bundle' (see the README's Install section)"
        )
    data_home = Path(platformdirs.user_data_dir())
    try:
        if install:
            written = desktop_entry.install(data_home, desktop_entry.launcher_command())
        else:
            written = desktop_entry.uninstall(data_home)
    except OSError as error:
        where = error.filename or data_home
        raise CommandError(f"cannot write {where}: {error.strerror or error}") from error
    for path in written:
        print(path)
    if install:
        print(f"Retro Desk is in your applications; it opens {desktop_entry.MIME_TYPE} files"
              " (.json session files)", file=sys.stderr)
    else:
        print(f"Removed {len(written)} files", file=sys.stderr)
    return 0


def _configure_language() -> list[str]:
    """Load the user's blame-language rules; a broken file is reported, never fatal."""
    from retro_desk.language import configure, user_rules_path

    warnings = configure(user_rules_path(user_config_dir()))
    for warning in warnings:
        print(f"{PROG}: warning: {' '.join(warning.split())}", file=sys.stderr)
    return warnings


def _open_for_reading(db_path: Path) -> Store:
    """The database for a reading command; a missing one is an error, and nothing is created."""
    if not db_path.exists():
        raise CommandError(
            f"no database at {db_path} (nothing was created); give --db PATH or set RETRO_DESK_DB"
        )
    try:
        return Store.open(db_path, read_only=True)
    except OlderDatabase:
        # Updating the schema is one transaction of its own; after it, reading goes on as usual.
        Store.open(db_path).close()
        return Store.open(db_path, read_only=True)


def _list(db_path: Path, as_json: bool) -> int:
    sessions = _open_for_reading(db_path).list_sessions()
    if as_json:
        rows = [
            {
                "id": s.id,
                "uuid": s.uuid,
                "title": s.title,
                "incident_date": s.incident_date,
                "kind": s.kind,
                "status": s.status,
                "updated_at": s.updated_at,
            }
            for s in sessions
        ]
        print(_json(rows))
        return 0
    for s in sessions:
        title = _terminal(s.title)
        print(f"{s.id:>4}  {s.incident_date or '----------'}  {s.kind:<8}  {s.status:<6}  {title}")
    return 0


# Control characters (C0, DEL, C1) and the bidirectional controls could move the cursor, change
# colours, set a window title or reorder what a terminal shows: stored text never carries them
# to a terminal. Line breaks and tabs become spaces.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _terminal(text: str) -> str:
    """Stored text as one line that is safe to print to a terminal."""
    text = " ".join(text.split())
    return _UNSAFE.sub("\ufffd", text) if not text.isprintable() or _UNSAFE.search(text) else text


def _json(value: object) -> str:
    """JSON for the terminal: characters JSON leaves raw that a terminal would act on are
    written as \\u escapes (JSON already escapes the C0 controls)."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def _find_session(store: Store, ident: str) -> int:
    if ident.isdigit():
        try:
            store.get_session(int(ident))
            return int(ident)
        except NotFound:
            pass
    found = store.find_by_uuid(ident)
    if found is not None:
        return found
    raise CommandError(
        f"no session with ID {_terminal(ident)!r} in {store.label} (see '{PROG} list')"
    )


def _export(
    db_path: Path, ident: str, fmt: str, output: str | None, force: bool = False
) -> int:
    from retro_desk.export import export

    to_stdout = output in (None, "-")
    if fmt == "pdf" and to_stdout and sys.stdout.isatty():
        raise UsageError("a PDF is not for the terminal: add -o FILE (or pipe it)")
    if not to_stdout:
        from retro_desk.files import UnsafeTarget, check_target

        try:
            # Before anything is read or drawn: a refused target costs the user nothing.
            check_target(Path(str(output)), force=force, protected=[db_path])
        except UnsafeTarget as error:
            hint = " (add --force to replace it; it stays read-only)" if error.forceable else ""
            raise CommandError(f"cannot write {output}: {error.strerror}{hint}") from error
    store = _open_for_reading(db_path)
    retro = store.load_retro(_find_session(store, ident))
    if fmt != "json":
        _configure_language()
    drawing = None
    if fmt in ("html", "pdf") or (fmt == "md" and not to_stdout):
        from retro_desk.ui.pdf import QtDrawing

        drawing = QtDrawing()
    target = sys.stdout.buffer if to_stdout else Path(str(output))
    try:
        sys.stdout.flush()
        export(retro, fmt, target, drawing=drawing, force=force, protected=[db_path])
    except OSError as error:
        if isinstance(error, BrokenPipeError):
            raise
        raise CommandError(f"cannot write {output}: {error.strerror or error}") from error
    return 0


def _import(db_path: Path, file: Path, copy: bool) -> int:
    import uuid

    from retro_desk.export import session_file

    if file.is_dir():
        return _import_folder(db_path, file, copy)

    retro = session_file.read_file(file)
    store = Store.open(db_path)
    existing = store.find_by_uuid(retro.session.uuid)
    if existing is not None:
        if not copy:
            raise CommandError(
                f"{file}: this session is already present as session {existing}; "
                "add --copy to import a second copy"
            )
        retro.session.uuid = str(uuid.uuid4())
    try:
        session_id = store.create_retro(retro)
    except DuplicateSession as error:
        # Another import of the same file finished between the check above and this one.
        raise CommandError(
            f"{file}: {error}; add --copy to import a second copy"
        ) from error
    # The ID alone on standard output, for scripts; the words for people on standard error.
    print(session_id)
    print(f"Imported {_terminal(retro.session.title)} as session {session_id}", file=sys.stderr)
    return 0


def _search(db_path: Path, query: str, as_json: bool, private: bool) -> int:
    from retro_desk.storage.search import QueryError, fts_query

    try:
        fts_query(query)  # a query that cannot be searched is reported even with no database
        store = _open_for_reading(db_path)
        results = store.search(query, include_private=private)
    except QueryError as error:
        raise CommandError(str(error)) from error
    found = 1 if results.groups else 0
    if as_json:
        print(_json(
            {
                "query": query,
                "truncated": results.truncated,
                "by_relevance": results.by_relevance,
                "sessions": [_search_group(group) for group in results.groups],
            },
        ))
        return 1 - found
    for group in results.groups:
        s = group.session
        title = _terminal(s.title)
        print(f"{s.id:>4}  {s.incident_date or '----------'}  {title}  ({group.count_text()})")
        for hit in group.hits:
            snippet = _terminal(_bracketed(hit.snippet, hit.highlights))
            print(f"        {_terminal(hit.place.label)}: {snippet}")
    print(results.summary())
    # Like grep: a script can tell "nothing matched" from the exit status.
    return 1 - found


def _search_group(group: RetroMatches) -> dict[str, object]:
    s = group.session
    return {
        "id": s.id, "uuid": s.uuid, "title": s.title, "incident_date": s.incident_date,
        "kind": s.kind, "status": s.status, "total_matches": group.total,
        "matches": [
            {
                "part": hit.place.part, "ref": hit.place.ref, "field": hit.place.field,
                "phase": hit.place.phase, "label": hit.place.label, "snippet": hit.snippet,
                "highlights": [list(span) for span in hit.highlights],
            }
            for hit in group.hits
        ],
    }


def _bracketed(snippet: str, highlights: tuple[tuple[int, int], ...]) -> str:
    """The snippet with each match in [brackets], for a terminal without colours."""
    out, last = [], 0
    for start, end in highlights:
        out += [snippet[last:start], "[", snippet[start:end], "]"]
        last = end
    out.append(snippet[last:])
    return "".join(out)


def _import_timeline(db_path: Path, ident: str, file: Path) -> int:
    from retro_desk import timeline_csv

    if not db_path.exists():
        raise CommandError(f"no session with ID {ident!r} (see '{PROG} list')")
    # The file is checked before the lock is taken: a refused file gets no .lock beside it.
    store = Store.open(db_path)
    try:
        lock = InstanceLock(db_path, holder="import-timeline")
        try:
            # Another import-timeline holds the lock for a moment only: wait for it.
            locked = lock.acquire(wait_for_commands=30.0)
        except OSError as error:
            raise CommandError(f"{db_path}: cannot lock the file ({error.strerror})") from error
        try:
            if not locked:
                # The window would go on showing a timeline without these events.
                raise CommandError(
                    f"{db_path} is open in a Retro Desk window ({lock.holder()}); import"
                    " there (File ▸ Import timeline CSV…) or close the window first"
                )
            session_id = _find_session(store, ident)
            session = store.get_session(session_id)
            try:
                timeline = timeline_csv.read_file(file, session.timezone, session.incident_date)
            except timeline_csv.CsvError as error:
                raise CommandError(f"{error}; nothing imported") from error
            if not timeline.ok:
                raise CommandError(f"{file}: {timeline.problem_summary()}")
            added = store.add_items(session_id, timeline.events)
        finally:
            lock.release()
    finally:
        store.close()
    noun = "event" if len(added) == 1 else "events"
    print(f"Added {len(added)} {noun} to session {session_id} ({session.title!r})")
    return 0


def _fail(message: str) -> None:
    line = " ".join(message.split())
    print(f"{PROG}: error: {line}", file=sys.stderr)


def _utf8_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


# -- the team archive ----------------------------------------------------------------------

ARCHIVE_COMMANDS = ("publish", "actions", "insights", "check")


def _archive_command(db_path: Path, args: argparse.Namespace) -> int:
    if args.command == "publish":
        return _publish(db_path, Path(args.folder), args.ids, args.force)
    if args.command == "actions":
        return _actions(db_path, args.open, args.owner, args.json)
    if args.command == "insights":
        return _insights(db_path, args.json)
    return _check(db_path)


def _printable(text: str) -> str:
    """Stored text for a terminal: one line, control characters shown as \ufffd."""
    return "".join(c if c.isprintable() else "\ufffd" for c in " ".join(text.split()))


def _publish(db_path: Path, folder: Path, idents: list[str], force: bool) -> int:
    from retro_desk.archive.publish import PublishError, publish
    from retro_desk.ui.widgets.archive_views import timeline_svg

    if not db_path.exists():
        raise CommandError(f"{db_path}: no Retro Desk database there; nothing to publish")
    store = Store.open(db_path)
    try:
        ids = [_find_session(store, ident) for ident in idents] or None
        _configure_language()
        try:
            report = publish(store, folder, ids, timeline_svg, force)
        except PublishError as error:
            raise CommandError(str(error)) from error
    finally:
        store.close()
    for path in report.written:
        print(path.relative_to(folder).as_posix() if path.is_relative_to(folder) else path)
    for name in report.skipped:
        print(f"skipped {_printable(name)}: changed in the folder since your last publish or"
              " import", file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return 0


def _import_folder(db_path: Path, folder: Path, copy: bool) -> int:
    from retro_desk.archive.importing import counts, import_folder

    lock = InstanceLock(db_path)
    try:
        locked = db_path.exists() and lock.acquire()
    except OSError as error:
        raise CommandError(f"{db_path}: cannot lock the file ({error.strerror})") from error
    try:
        if db_path.exists() and not locked:
            # The window would go on editing its copies of retros this replaces.
            raise CommandError(
                f"{db_path} is open in a Retro Desk window; import there (File ▸ Import"
                " folder…) or close the window first"
            )
        store = Store.open(db_path)
        try:
            outcomes = import_folder(store, folder, copy)
        finally:
            store.close()
    finally:
        if locked:
            lock.release()
    for outcome in outcomes:
        stream = sys.stderr if outcome.kind == "unreadable" else sys.stdout
        print(outcome.line(folder), file=stream)
    if not outcomes:
        print(f"{folder}: no session files found", file=sys.stderr)
    else:
        print(counts(outcomes), file=sys.stderr)
    return 1 if any(outcome.kind == "unreadable" for outcome in outcomes) else 0


def _actions(db_path: Path, open_only: bool, owner: str | None, as_json: bool) -> int:
    import datetime as dt

    from retro_desk.archive.actions import list_actions

    store = _open_for_reading(db_path)
    rows = [] if store is None else list_actions(store, dt.date.today(), open_only, owner)
    if as_json:
        print(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        t = row.tracked
        owner_text = _printable(row.owner) or "(no owner)"
        print(f"{row.state:<8} {row.due or '----------'}  {owner_text:<16} {t.session_id:>4}"
              f"  {_printable(t.session_title)}: {_printable(row.description)}")
    return 0


def _insights(db_path: Path, as_json: bool) -> int:
    from retro_desk.archive.insights import Insights, insights

    store = _open_for_reading(db_path)
    if store is not None:
        _configure_language()
    found = Insights() if store is None else insights(store)
    if as_json:
        print(json.dumps(found.as_json(), ensure_ascii=False, indent=2))
        return 0
    print("Month    Retros   Words  Blame/1000 words  Reframed  Named feeling  "
          "Feelings rounds naming blame")
    for m in found.months:
        share = "-" if m.blame_round_share is None else (
            f"{m.blame_rounds} of {m.feelings_rounds} ({m.blame_round_share:.0%})")
        print(f"{m.month:<8} {m.retros:>6} {m.words:>7} {m.findings_per_1000_words:>17.1f}"
              f" {m.reframed:>9} {m.named_feeling:>14}  {share}")
    used = ", ".join(f"{key} {count}" for key, count in found.categories) or "none yet"
    print(f"Local-rationality categories used most: {used}")
    rate, median = found.completion_rate, found.median_days_to_done
    if rate is None:
        print("Actions: none yet")
    else:
        done = f"Actions: {found.actions_done} of {found.actions} done ({rate:.0%})"
        if median is not None:
            done += (f"; median {median:.1f} days from the retro to done"
                     f" ({len(found.days_to_done)} with a known time)")
        print(done)
    return 0


def _check(db_path: Path) -> int:
    store = _open_for_reading(db_path)
    if store is None:
        raise CommandError(f"{db_path}: no Retro Desk database there")
    try:
        problems = store.check()
    finally:
        store.close()
    if problems:
        for problem in problems:
            print(f"{db_path}: {_printable(problem)}")
        raise CommandError(f"{db_path}: the file is damaged; keep a copy before changing it")
    print(f"{db_path}: no problems found")
    return 0
