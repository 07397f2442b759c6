"""Full-text search across every retro: any typed query made safe, hits with snippets and places."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from retro_desk.model import Session
from retro_desk.textref import Place, text_ref
from retro_desk.timefmt import zone

if TYPE_CHECKING:
    from sqlite_utils import Database

MAX_TERMS = 64
RANK_CAP = 2000
PER_RETRO = 10
DEFAULT_LIMIT = 100
SNIPPET_TOKENS = 14
# Control characters cannot be typed into a text field, so they cannot be mistaken for text.
OPEN, CLOSE, ELLIPSIS = "\x02", "\x03", "…"

# The searchable columns of `sessions`: where each is shown (as reflection.retro_texts names
# it); private notes only when asked for.
SESSION_PLACES: dict[str, Place] = {
    "title": Place("session", "", "title", "", "Title"),
    "summary": Place("session", "", "summary", "opening", "Summary"),
    "closing_notes": Place("closing_notes", "", "notes", "close", "Closing notes"),
    "private_notes": Place("private_notes", "", "notes", "", "Private notes"),
}
SHARED_SESSION_COLUMNS = ("title", "summary", "closing_notes")
SESSION_PARTS = frozenset(place.part for place in SESSION_PLACES.values())
# Hits inside one retro read in meeting order.
_ORDER = {"title": 0, "summary": 1, "feelings": 2, "timeline": 3, "rationality": 4,
          "learnings": 5, "actions": 6, "parking_lot": 7, "closing_notes": 8, "private_notes": 9}
_STEP = 1e12

_TERM = re.compile(r'"([^"]*)"?(\*?)|([^\s"]+)')
_UNTYPABLE = re.compile(r"[\x00-\x1f\x7f]")


# (table, rowid, rank, session id) of matching rows, best first.
Ranked = list[tuple[str, int, float, int]]


class QueryError(ValueError):
    """What a person typed cannot be searched for; the message says what to type instead."""


@dataclass(frozen=True)
class SearchHit:
    """One matching text: where it is in which retro, and a snippet around the match."""

    session_id: int
    place: Place
    snippet: str
    # (start, end) offsets into `snippet` of each matched word or phrase.
    highlights: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class RetroMatches:
    """One retro's hits; `total` counts all its matching texts, shown or not."""

    session: Session
    hits: tuple[SearchHit, ...]
    total: int = 0

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.hits))

    def count_text(self) -> str:
        """`1 match`, `3 matches`, `42 matches, 10 shown`."""
        text = _matches(self.total)
        return f"{text}, {len(self.hits)} shown" if self.more else text


@dataclass(frozen=True)
class SearchResults:
    """Hits grouped by retro, the retro with the best match first."""

    query: str
    groups: tuple[RetroMatches, ...]
    # More texts matched than were returned.
    truncated: bool = False
    # Ranked by relevance; False when so many texts matched that the most recent were taken.
    by_relevance: bool = True

    @property
    def hit_count(self) -> int:
        return sum(len(group.hits) for group in self.groups)

    def summary(self) -> str:
        """One line that says what was found, and how to narrow a search that found too much."""
        retros = len(self.groups)
        where = f"{retros} retro" + ("" if retros == 1 else "s")
        if not self.groups:
            return f"No retro matches “{' '.join(self.query.split())}”."
        if not self.by_relevance:
            return (f"Too many matches to rank; the most recent {self.hit_count}, in {where},"
                    " are shown. Add words to narrow the search.")
        total = sum(group.total for group in self.groups)
        cut = "; the best of each retro are shown" if self.truncated else ""
        return f"{_matches(total)} in {where}{cut}."


def _matches(count: int) -> str:
    return f"{count} match" + ("" if count == 1 else "es")


def fts_query(text: str) -> str:
    """The FTS5 expression for what a person typed.

    Words and "quoted phrases" must all appear; a `*` straight after one makes it a prefix.
    Every term is quoted, so nothing typed (AND, NOT, col:, parentheses, stray quotes) is read
    as FTS syntax.
    """
    cleaned = _UNTYPABLE.sub(" ", text).encode("utf-8", "replace").decode("utf-8")
    terms: list[str] = []
    for match in _TERM.finditer(cleaned):
        phrase, phrase_star, word = match.groups()
        if word is not None:
            term, prefix = word.rstrip("*"), word.endswith("*")
        else:
            term, prefix = phrase, bool(phrase_star)
        if not any(_is_word_character(ch) for ch in term):
            continue
        terms.append(f'"{term}"' + ("*" if prefix else ""))
    if not terms:
        shown = " ".join(cleaned.split())[:40]
        raise QueryError(
            f"Nothing to search for in “{shown}”: type a word, a \"quoted phrase\" or a prefix*."
            if shown else "Type a word to search for."
        )
    if len(terms) > MAX_TERMS:
        raise QueryError(f"Too many words to search for ({len(terms)}); use at most {MAX_TERMS}.")
    return " ".join(terms)


def _is_word_character(ch: str) -> bool:
    # What the unicode61 tokenizer keeps as part of a word: letters, numbers, private use.
    return unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Co"


def search(
    db: Database,
    text: str,
    sessions: Callable[[list[int]], dict[int, Session]],
    include_private: bool = False,
    limit: int = DEFAULT_LIMIT,
) -> SearchResults:
    """The texts of every retro that match what a person typed, grouped by retro.

    Up to RANK_CAP matching texts are ranked by relevance (bm25), the retro with the best match
    first. A query matching more is too broad for relevance to mean much, and ranking them all
    would be slow: its most recent matches are taken instead, the newest retro first. Each retro
    shows at most PER_RETRO hits, so one long retro cannot hide the others; at most `limit` in
    all. `sessions` loads the retros by id.
    """
    query = fts_query(text)
    columns = list(SESSION_PLACES) if include_private else list(SHARED_SESSION_COLUMNS)
    params = {"query": query, "session_query": "{" + " ".join(columns) + "} : (" + query + ")"}
    try:
        by_relevance = _count_up_to(db, params, RANK_CAP + 1) <= RANK_CAP
        rows = _ranked_rows(db, params) if by_relevance else _recent_rows(db, params, limit)
        chosen, totals = _spread(rows, limit)
        found: list[tuple[float, SearchHit]] = []
        for table, details in _DETAILS.items():
            rowids = [rowid for t, rowid in chosen if t == table]
            if rowids:
                match = params["session_query" if table == "sessions" else "query"]
                found += details(db, match, rowids)
    except sqlite3.OperationalError as error:
        # Quoting makes every query valid; should FTS still refuse one, say so plainly.
        if "fts5" not in str(error) and "syntax" not in str(error):
            raise
        raise QueryError(f"Cannot search for “{text.strip()}”: {error}") from error
    # Retros in the order of their best row; hits inside one in meeting order.
    place_of = {session_id: i for i, session_id in enumerate(dict.fromkeys(
        session_id for _t, _r, _rank, session_id in rows))}
    found.sort(key=lambda item: (place_of[item[1].session_id], item[0]))
    by_retro: dict[int, list[SearchHit]] = {}
    for _order, hit in found:
        by_retro.setdefault(hit.session_id, []).append(hit)
        if hit.place.part in SESSION_PARTS:
            # One row of `sessions` can be several hits (a title and a summary): count each.
            totals[hit.session_id] += 1
    for session_id in by_retro:
        if ("sessions", session_id) in chosen:
            totals[session_id] -= 1  # the row itself, counted above as its hits
    loaded = sessions(list(by_retro))
    groups = tuple(
        RetroMatches(loaded[session_id], tuple(hits), max(totals[session_id], len(hits)))
        for session_id, hits in by_retro.items()
    )
    truncated = len(chosen) < len(rows) or not by_relevance
    return SearchResults(text, groups, truncated, by_relevance)


def _spread(
    rows: Ranked, limit: int
) -> tuple[set[tuple[str, int]], Counter[int]]:
    """The rows to show, best first, at most PER_RETRO of one retro; and rows per retro.

    A match in a retro's title, summary or notes always shows: it says most about the retro.
    """
    totals: Counter[int] = Counter(session_id for _t, _r, _rank, session_id in rows)
    taken: Counter[int] = Counter()
    chosen: set[tuple[str, int]] = set()
    first = [row for row in rows if row[0] == "sessions"]
    for table, rowid, _rank, session_id in first + [row for row in rows if row[0] != "sessions"]:
        if len(chosen) == limit:
            break
        if taken[session_id] < PER_RETRO or table == "sessions":
            taken[session_id] += 1
            chosen.add((table, rowid))
    return chosen, totals


def parse_snippet(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Plain text and highlight spans from FTS5's snippet with OPEN/CLOSE markers."""
    first, *marked_pieces = marked.split(OPEN)
    # A stray marker (one the text itself held) is dropped, never taken for a highlight.
    text = [first.replace(CLOSE, "")]
    length = len(text[0])
    spans: list[tuple[int, int]] = []
    for piece in marked_pieces:
        inside, closed, after = piece.partition(CLOSE)
        if closed and inside:
            spans.append((length, length + len(inside)))
        after = after.replace(CLOSE, "")
        text += [inside, after]
        length += len(inside) + len(after)
    return "".join(text), tuple(spans)


# -- queries --------------------------------------------------------------------------------


def _match(table: str) -> str:
    return f"{table}_fts MATCH " + (":session_query" if table == "sessions" else ":query")


def _owner(table: str) -> str:
    """The id of the retro a row of `table` belongs to, in a query on `table`_fts."""
    if table == "sessions":
        return "sessions_fts.rowid"
    return f"(SELECT session_id FROM {table} WHERE id = {table}_fts.rowid)"


def _count_up_to(db: Database, params: dict[str, str], most: int) -> int:
    """How many texts match, counting no further than `most` in each table (so it stays fast)."""
    parts = " UNION ALL ".join(
        f"SELECT * FROM (SELECT 1 FROM {table}_fts WHERE {_match(table)} LIMIT {most})"
        for table in _DETAILS
    )
    return int(db.execute(f"SELECT count(*) FROM ({parts})", params).fetchone()[0])


def _ranked_rows(db: Database, params: dict[str, str]) -> Ranked:
    """Every match (there are at most RANK_CAP), most relevant first."""
    sql = " UNION ALL ".join(
        f"SELECT '{table}', rowid, rank, {_owner(table)} FROM {table}_fts WHERE {_match(table)}"
        for table in _DETAILS
    )
    # Sorted here: an ORDER BY on the compound select has SQLite work out bm25 twice a row.
    return sorted(db.execute(sql, params), key=lambda row: float(row[2]))


def _recent_rows(db: Database, params: dict[str, str], limit: int) -> Ranked:
    """The newest `limit` matches of each table, the newest retro's first."""
    rows: Ranked = []
    for table in _DETAILS:
        sql = (f"SELECT rowid, {_owner(table)} FROM {table}_fts WHERE {_match(table)}"
               f" ORDER BY rowid DESC LIMIT {int(limit)}")
        rows += [(table, int(rowid), 0.0, int(owner)) for rowid, owner in db.execute(sql, params)]
    rows.sort(key=lambda row: row[3], reverse=True)
    return rows


def _snippets(table: str, count: int) -> str:
    return ", ".join(
        f"snippet({table}_fts, {column}, '{OPEN}', '{CLOSE}', '{ELLIPSIS}', {SNIPPET_TOKENS})"
        for column in range(count)
    )


def _matching(table: str, rowids: list[int]) -> str:
    """Only the chosen rows. FTS5 evaluates the query afresh for each rowid in an IN list, so
    the index walks the rowid range once instead; the `+` keeps the list out of its hands."""
    # The ids come from the index itself, never from input, so they are written in directly.
    ids = ", ".join(map(str, rowids))
    return (f" WHERE {table}_fts MATCH ? AND {table}_fts.rowid BETWEEN {min(rowids)}"
            f" AND {max(rowids)} AND +{table}_fts.rowid IN ({ids})")


# (order within its retro, hit).
Details = list[tuple[float, SearchHit]]


def _session_details(db: Database, match: str, rowids: list[int]) -> Details:
    columns = list(SESSION_PLACES)
    sql = f"SELECT rowid, {_snippets('sessions', len(columns))} FROM sessions_fts"
    details: Details = []
    for rowid, *snippets in db.execute(sql + _matching("sessions", rowids), [match]):
        for column, marked in zip(columns, snippets, strict=True):
            # Each matching column is a hit of its own: a title and a summary are two places.
            if marked and OPEN in marked:
                hit = _hit(int(rowid), SESSION_PLACES[column], marked)
                details.append((_ORDER[column] * _STEP, hit))
    return details


def _event_details(db: Database, match: str, rowids: list[int]) -> Details:
    sql = (
        f"SELECT e.id, e.session_id, e.key, e.at, s.timezone, {_snippets('events', 3)}"
        " FROM events_fts JOIN events e ON e.id = events_fts.rowid"
        " JOIN sessions s ON s.id = e.session_id"
    )
    details: Details = []
    for _row, session_id, key, at, tz, *snippets in db.execute(
        sql + _matching("events", rowids), [match]
    ):
        column, marked = _matched_column(("description", "actor", "source"), snippets)
        if column != "description":
            # A name or a link alone says little; what happened follows it.
            marked = f"{marked} · {snippets[0] or ''}"
        instant, clock = _when(at, tz)
        place = Place("timeline", key, column, "timeline", f"Timeline {clock}")
        order = _ORDER["timeline"] * _STEP + instant
        details.append((order, _hit(int(session_id), place, marked)))
    return details


def _answer_details(db: Database, match: str, rowids: list[int]) -> Details:
    sql = (
        f"SELECT a.id, a.session_id, a.event, a.category, e.at, s.timezone,"
        f" {_snippets('answers', 1)}"
        " FROM answers_fts JOIN answers a ON a.id = answers_fts.rowid"
        " JOIN sessions s ON s.id = a.session_id"
        " LEFT JOIN events e ON e.session_id = a.session_id AND e.key = a.event"
    )
    details: Details = []
    for _row, session_id, event, category, at, tz, marked in db.execute(
        sql + _matching("answers", rowids), [match]
    ):
        instant, when = _when(at, tz) if at else (0.0, event)
        label = f"Decision {when}, {category.replace('_', ' ')}"
        place = Place("rationality", f"{event}:{category}", "answer", "rationality", label)
        order = _ORDER["rationality"] * _STEP + instant
        details.append((order, _hit(int(session_id), place, marked)))
    return details


def _list_details(
    table: str, columns: tuple[str, ...], phase: str, noun: str
) -> Callable[[Database, str, list[int]], Details]:
    """Items without keys are named by their text and their number, as retro_texts names them."""
    part = table
    ordinal = (
        f"(SELECT count(*) FROM {table} o WHERE o.session_id = t.session_id"
        " AND (o.position < t.position OR (o.position = t.position AND o.id <= t.id)))"
    )
    sql = (
        f"SELECT t.id, t.session_id, t.{columns[0]}, {ordinal}, {_snippets(table, len(columns))}"
        f" FROM {table}_fts JOIN {table} t ON t.id = {table}_fts.rowid"
    )

    def details(db: Database, match: str, rowids: list[int]) -> Details:
        found: Details = []
        for _row, session_id, text, number, *snippets in db.execute(
            sql + _matching(table, rowids), [match]
        ):
            column, marked = _matched_column(columns, snippets)
            label = f"{noun} {number}" + ("" if column == columns[0] else f", {column}")
            place = Place(part, text_ref(text), column, phase, label)
            order = _ORDER[part] * _STEP + number
            found.append((order, _hit(int(session_id), place, marked)))
        return found

    return details


_DETAILS: dict[str, Callable[[Database, str, list[int]], Details]] = {
    "sessions": _session_details,
    "feelings": _list_details("feelings", ("note",), "feelings", "Feeling"),
    "events": _event_details,
    "answers": _answer_details,
    "learnings": _list_details("learnings", ("text",), "learnings", "Learning"),
    "actions": _list_details("actions", ("description", "owner"), "actions", "Action"),
    "parking_lot": _list_details("parking_lot", ("text",), "", "Parking lot"),
}


def _matched_column(columns: tuple[str, ...], snippets: list[str | None]) -> tuple[str, str]:
    for column, marked in zip(columns, snippets, strict=True):
        if marked and OPEN in marked:
            return column, marked
    return columns[0], snippets[0] or ""


def _hit(session_id: int, place: Place, marked: str) -> SearchHit:
    # A snippet is one line in a list of results, whatever line breaks the text had.
    text, spans = parse_snippet(" ".join(marked.split()))
    return SearchHit(session_id, place, text, spans)


def _when(at: str, tz: str) -> tuple[float, str]:
    """When an event happened, to sort by, and its clock time in the retro's zone, to show."""
    try:
        value = datetime.fromisoformat(at)
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone(tz))
        return value.timestamp(), value.astimezone(zone(tz)).strftime("%H:%M")
    except (ValueError, OverflowError):
        # An unreadable time (or one stored before its range was checked) sorts last among
        # the timeline's hits, and shows as it is.
        return _STEP / 10, at
