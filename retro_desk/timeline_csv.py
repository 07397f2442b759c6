"""A timeline from a CSV file: columns found by header or position, every bad row named by line."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from retro_desk.model import Event
from retro_desk.timefmt import TimeInputError, parse_quick_time

MAX_FILE_BYTES = 16 * 1024 * 1024
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
ROLES = ("time", "actor", "description", "source")
REQUIRED_ROLES = ("time", "description")
# Header names, compared without case, spaces, punctuation or a "(UTC)"-style note.
SYNONYMS: dict[str, frozenset[str]] = {
    "time": frozenset({
        "time", "timestamp", "when", "at", "date", "datetime", "dateandtime", "ts", "occurred",
        "occurredat", "created", "createdat", "eventtime", "clock", "timeofday",
    }),
    "actor": frozenset({
        "actor", "who", "by", "person", "user", "username", "author", "name", "responder",
        "from", "sender", "people",
    }),
    "description": frozenset({
        "description", "what", "event", "message", "text", "summary", "details", "detail",
        "note", "notes", "desc", "whathappened", "happened", "content", "body", "action",
    }),
    "source": frozenset({
        "source", "link", "url", "ref", "reference", "evidence", "origin", "permalink",
        "sourcelink", "sourceurl", "where", "channel",
    }),
}
# Without a header, the columns are read by how many there are.
POSITIONAL: dict[int, tuple[str, ...]] = {
    2: ("time", "description"),
    3: ("time", "actor", "description"),
    4: ROLES,
}
SNIFF_BYTES = 64 * 1024
TIME_HELP = "use 2026-11-20T14:32, 2026-11-20 14:32 +01:00, 14:32 or +5m"

_NOTE = re.compile(r"\([^)]*\)|\[[^]]*\]")
_SPACED_OFFSET = re.compile(
    r"^(\d{4}[-/]\d{2}[-/]\d{2}[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)"
    r"\s+(Z|UTC|GMT|[+-]\d{2}:?\d{2})$",
    re.IGNORECASE,
)
_SLASHED_DATE = re.compile(r"^(\d{4})/(\d{2})/(\d{2})")


class CsvError(ValueError):
    """The file as a whole cannot be read as a timeline; the message says why (and where)."""


@dataclass(frozen=True)
class CsvRow:
    """One data row as read, and the event it makes, or what is wrong with it."""

    line: int
    cells: dict[str, str]
    event: Event | None
    problem: str = ""


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class TimelineCsv:
    """What a CSV file holds: how it was read, its rows, and the events of the good ones."""

    delimiter: str
    has_header: bool
    # The role of each column, by position; None for a column that is not read.
    columns: tuple[str | None, ...]
    rows: tuple[CsvRow, ...] = field(default=())
    timezone: str = "UTC"

    @property
    def events(self) -> list[Event]:
        return [row.event for row in self.rows if row.event is not None]

    @property
    def problems(self) -> list[RowProblem]:
        return [RowProblem(row.line, row.problem) for row in self.rows if row.problem]

    @property
    def ok(self) -> bool:
        """Importable: at least one row, and no bad row (nothing is ever half imported)."""
        return bool(self.rows) and not self.problems

    def describe(self) -> str:
        """`12 rows · semicolon-separated · header: time, actor, description` for a preview."""
        count = f"{len(self.rows)} row" + ("" if len(self.rows) == 1 else "s")
        named = ", ".join(role or "(not read)" for role in self.columns)
        how = f"header: {named}" if self.has_header else f"no header; columns read as {named}"
        return f"{count} · {DELIMITER_NAMES[self.delimiter]}-separated · {how}"

    def problem_summary(self, limit: int = 10) -> str:
        """`2 bad rows, nothing imported: line 4: …; line 9: …` on one line."""
        problems = self.problems
        shown = "; ".join(str(problem) for problem in problems[:limit])
        more = f"; and {len(problems) - limit} more" if len(problems) > limit else ""
        noun = "bad row" if len(problems) == 1 else "bad rows"
        return f"{len(problems)} {noun}, nothing imported: {shown}{more}"


def read_file(path: Path, tz_name: str, incident_date: str | None) -> TimelineCsv:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise CsvError(f"{path}: cannot read the file ({error.strerror or error})") from error
    if len(data) > MAX_FILE_BYTES:
        raise CsvError(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; not a timeline")
    try:
        return read_timeline(data, tz_name, incident_date)
    except CsvError as error:
        raise CsvError(f"{path}: {error}") from error


def read_timeline(
    data: bytes | str, tz_name: str, incident_date: str | None, previous: str | None = None
) -> TimelineCsv:
    """Read CSV text as a timeline; times without an offset are read in `tz_name`.

    A clock time alone (14:32) falls on the day of the row before it, or the incident date;
    `previous` is the time that counts as the row before the first one.
    """
    text = decode(data) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    if not text.strip():
        raise CsvError("the file is empty")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CsvError(f"line {line}: holds a NUL character; this is not a CSV text file")
    delimiter = detect_delimiter(text)
    records = [(line, cells) for line, cells in _records(text, delimiter) if any(cells)]
    if not records:
        raise CsvError("the file is empty")
    first_line, first = records[0]
    has_header = _is_header(first, tz_name)
    if has_header:
        columns = _columns_from_header(first, first_line)
        records = records[1:]
        if not records:
            raise CsvError("the file has a header but no rows")
    else:
        width = Counter(_width(cells) for _line, cells in records).most_common(1)[0][0]
        if width < 2:
            raise CsvError(
                "found only one column: separate time and description (and actor, source)"
                " with commas, semicolons or tabs"
            )
        columns = POSITIONAL[min(width, 4)]
    rows: list[CsvRow] = []
    for line, cells in records:
        row = _row(line, cells, columns, tz_name, incident_date, previous)
        if row.event is not None:
            previous = row.event.at
        rows.append(row)
    return TimelineCsv(delimiter, has_header, tuple(columns), tuple(rows), tz_name)


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM), or UTF-16 with its BOM, as spreadsheets write them."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CsvError(
            f"line {line}: not UTF-8 text; save the file as CSV UTF-8 and try again"
        ) from error
    return text


def detect_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that splits the first rows into the same number of
    columns (csv.Sniffer's guess wins a tie, comma if it has none)."""
    sample = text[:SNIFF_BYTES]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = ","
    scores = {delimiter: _consistency(sample, delimiter) for delimiter in DELIMITERS}
    best = max(scores.values())
    # When none splits the rows into columns, reading with the guess reports what is wrong.
    if best == (0.0, 0) or scores.get(sniffed) == best:
        return sniffed
    return next(delimiter for delimiter in DELIMITERS if scores[delimiter] == best)


def _consistency(sample: str, delimiter: str) -> tuple[float, int]:
    """How well `delimiter` splits the sample: share of rows with the usual width, that width."""
    widths: list[int] = []
    try:
        for _line, cells in _records(sample, delimiter):
            if any(cells):
                widths.append(_width(cells))
            if len(widths) >= 50:
                break
    except CsvError:
        pass  # the sample may end inside a quoted field; the rows before it still count
    if not widths:
        return (0.0, 0)
    width, count = Counter(widths).most_common(1)[0]
    return (count / len(widths), width) if width >= 2 else (0.0, 0)


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted field may span several lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise CsvError(_quoting_problem(start, str(error))) from error
        yield start, [cell.strip() for cell in cells]
        start = reader.line_num + 1


def _quoting_problem(line: int, message: str) -> str:
    if "unexpected end of data" in message:
        return f"line {line}: a quote opened in this row is never closed"
    if "expected after" in message:
        return (
            f"line {line}: text straight after a closing quote; inside a quoted field,"
            ' write a quote twice ("")'
        )
    return f"line {line}: {message}"


def _width(cells: list[str]) -> int:
    """Columns in use: a trailing delimiter (an empty last field) does not add one."""
    width = len(cells)
    while width and not cells[width - 1]:
        width -= 1
    return width


def role_of(name: str) -> str | None:
    """Which column a header name means, if any: `Timestamp (UTC)` is the time."""
    plain = "".join(ch for ch in _NOTE.sub("", name).casefold() if ch.isalnum())
    for role, names in SYNONYMS.items():
        if plain in names:
            return role
    return None


def _is_header(cells: list[str], tz_name: str) -> bool:
    """A header names at least one column and holds no time (data rows always hold one)."""
    if not any(role_of(cell) for cell in cells):
        return False
    return not any(_reads_as_time(cell, tz_name) for cell in cells if cell)


def _reads_as_time(text: str, tz_name: str) -> bool:
    try:
        parse_time(text, tz_name, "2000-01-01", "2000-01-01T00:00:00+00:00")
    except TimeInputError:
        return False
    return True


def _columns_from_header(cells: list[str], line: int) -> tuple[str | None, ...]:
    columns: list[str | None] = []
    for cell in cells:
        role = role_of(cell)
        # A second column of the same meaning is not read: the first one wins.
        columns.append(role if role not in columns else None)
    missing = [role for role in REQUIRED_ROLES if role not in columns]
    if missing:
        named = ", ".join(f"“{cell}”" for cell in cells if cell) or "nothing"
        wanted = " and ".join(missing)
        raise CsvError(
            f"line {line}: the header has no {wanted} column (it names {named}); name them"
            " time, actor, description, source (or timestamp, who, what, link)"
        )
    return tuple(columns)


def _row(
    line: int,
    cells: list[str],
    columns: tuple[str | None, ...],
    tz_name: str,
    incident_date: str | None,
    previous: str | None,
) -> CsvRow:
    values = {role: "" for role in ROLES}
    for role, cell in zip(columns, cells, strict=False):
        if role is not None:
            values[role] = cell
    if _width(cells) > len(columns):
        return CsvRow(
            line, values, None,
            f"{_width(cells)} fields where there are {len(columns)} columns; put quotes around"
            " a field that holds the delimiter",
        )
    if not values["time"]:
        return CsvRow(line, values, None, "no time")
    try:
        at = parse_time(values["time"], tz_name, incident_date, previous)
    except TimeInputError as error:
        return CsvRow(line, values, None, f"{_without_period(str(error))}; {TIME_HELP}")
    if not values["description"]:
        return CsvRow(line, values, None, "no description")
    event = Event(
        key="",
        at=at,
        description=values["description"],
        actor=" ".join(values["actor"].split()),
        source=values["source"],
    )
    return CsvRow(line, values, event)


def parse_time(text: str, tz_name: str, incident_date: str | None, previous: str | None) -> str:
    """The stored form of a time as CSV exports write it: ISO 8601 (`T` or a space, offset
    with or without a space, `Z`/`UTC`), `2026/11/20 …`, or a clock time or `+5m`."""
    raw = " ".join(text.split())
    spaced = _SPACED_OFFSET.match(raw)
    if spaced:
        offset = spaced.group(2).upper()
        raw = spaced.group(1) + ("+00:00" if offset in ("Z", "UTC", "GMT") else offset)
    raw = _SLASHED_DATE.sub(r"\1-\2-\3", raw)
    return parse_quick_time(raw, tz_name, incident_date, previous)


def _without_period(message: str) -> str:
    return message[:-1] if message.endswith(".") else message
