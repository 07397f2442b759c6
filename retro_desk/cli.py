"""The `retro-desk` command: open the window, or list, import and export retros."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from retro_desk import __version__
from retro_desk.paths import resolve_db_path, user_config_dir
from retro_desk.storage import DuplicateSession, NotFound, StorageError, Store
from retro_desk.storage.errors import OlderDatabase
from retro_desk.storage.lock import InstanceLock

if TYPE_CHECKING:
    from retro_desk.model import Retro
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
    export.add_argument("--format", choices=FORMATS, default="md")
    export.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE (atomically); - is standard output")
    export.add_argument("--force", action="store_true",
                        help="replace FILE even if it is read-only (it stays read-only)")

    importing = command("import", "import a session file; prints the new session's ID")
    importing.add_argument("file", metavar="FILE")
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
    return parser


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
    module = sys.modules.get("retro_desk.session_file")
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


def _open_for_reading(db_path: Path) -> Store | None:
    if not db_path.exists():
        return None
    try:
        return Store.open(db_path, read_only=True)
    except OlderDatabase:
        # Updating the schema is one transaction of its own; after it, reading goes on as usual.
        Store.open(db_path).close()
        return Store.open(db_path, read_only=True)


def _list(db_path: Path, as_json: bool) -> int:
    store = _open_for_reading(db_path)
    sessions = [] if store is None else store.list_sessions()
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
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for s in sessions:
        title = " ".join(s.title.split())
        print(f"{s.id:>4}  {s.incident_date or '----------'}  {s.kind:<8}  {s.status:<6}  {title}")
    return 0


def _find_session(store: Store | None, ident: str) -> int:
    if store is not None:
        if ident.isdigit():
            try:
                store.get_session(int(ident))
                return int(ident)
            except NotFound:
                pass
        found = store.find_by_uuid(ident)
        if found is not None:
            return found
    raise CommandError(f"no session with ID {ident!r} (see '{PROG} list')")


def _export(
    db_path: Path, ident: str, fmt: str, output: str | None, force: bool = False
) -> int:
    if output == "-":
        output = None
    if fmt == "pdf" and output is None:
        raise UsageError("a PDF needs a file: add -o FILE")
    if output is not None:
        from retro_desk.files import UnsafeTarget, check_target

        try:
            # Before anything is read or drawn: a refused target costs the user nothing.
            check_target(Path(output), force=force, protected=[db_path])
        except UnsafeTarget as error:
            hint = " (add --force to replace it; it stays read-only)" if error.forceable else ""
            raise CommandError(f"cannot write {output}: {error.strerror}{hint}") from error
    store = _open_for_reading(db_path)
    session_id = _find_session(store, ident)
    assert store is not None
    retro = store.load_retro(session_id)
    if fmt != "json":
        _configure_language()
    if fmt in ("html", "pdf"):
        from retro_desk.ui.export_documents import export_document

        target = Path(output) if output else None
        try:
            text = export_document(retro, fmt, target, force=force)
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror or error}") from error
        if text is not None:
            sys.stdout.write(text)
        return 0
    text = render(retro, fmt)
    if output is None:
        sys.stdout.write(text)
        return 0
    from retro_desk.files import write_atomic

    try:
        write_atomic(Path(output), text.encode("utf-8"), force=force, protected=[db_path])
    except OSError as error:
        raise CommandError(f"cannot write {output}: {error.strerror or error}") from error
    return 0


def render(retro: Retro, fmt: str) -> str:
    if fmt == "json":
        from retro_desk import session_file

        return session_file.dumps(retro)
    from retro_desk.export import markdown_document

    return markdown_document(retro)


def _import(db_path: Path, file: Path, copy: bool) -> int:
    import uuid

    from retro_desk import session_file

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
    print(f"Imported {retro.session.title!r} as session {session_id}")
    return 0


def _search(db_path: Path, query: str, as_json: bool, private: bool) -> int:
    from retro_desk.storage.search import QueryError, SearchResults, fts_query

    store = _open_for_reading(db_path)
    try:
        fts_query(query)  # a query that cannot be searched is reported even with no database
        nothing = SearchResults(query, ())
        results = store.search(query, include_private=private) if store else nothing
    except QueryError as error:
        raise CommandError(str(error)) from error
    if as_json:
        print(json.dumps(
            {
                "query": query,
                "truncated": results.truncated,
                "by_relevance": results.by_relevance,
                "sessions": [_search_group(group) for group in results.groups],
            },
            ensure_ascii=False,
            indent=2,
        ))
        return 0
    for group in results.groups:
        s = group.session
        title = " ".join(s.title.split())
        print(f"{s.id:>4}  {s.incident_date or '----------'}  {title}  ({group.count_text()})")
        for hit in group.hits:
            print(f"        {hit.place.label}: {_bracketed(hit.snippet, hit.highlights)}")
    print(results.summary())
    return 0


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
