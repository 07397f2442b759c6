"""Reading and writing incident times in a session's time zone."""

from __future__ import annotations

import functools
import math
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from retro_desk.model import Event


class TimeInputError(ValueError):
    """A time a person typed or a file holds that cannot be read."""


# The one range of instants the app accepts, at every entry (a JSON or CSV import, the quick-add
# line, an in-place edit, the retro's details): every instant in it can be shown in any time
# zone and have its local day, and the days either side, computed. Python's datetime ends at
# 0001-01-01 and 9999-12-31, and a zone moves an instant by up to a day.
EARLIEST = datetime(1, 1, 3, tzinfo=UTC)
LATEST = datetime(9999, 12, 29, 23, 59, 59, 999999, tzinfo=UTC)
EARLIEST_DAY = EARLIEST.date()
LATEST_DAY = LATEST.date()
RANGE_TEXT = "0001-01-03 to 9999-12-29 (UTC)"


def checked_instant(value: datetime, text: str) -> datetime:
    """`value` (aware) if it lies in the accepted range; TimeInputError naming it if not."""
    offset = value.utcoffset() or timedelta(0)
    try:
        utc = value.replace(tzinfo=None) - offset
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST.replace(tzinfo=None) <= utc <= LATEST.replace(tzinfo=None):
        raise TimeInputError(f"{_shown(text)} is outside the times Retro Desk can show"
                             f" ({RANGE_TEXT})")
    return value


def _shown(text: str) -> str:
    """What a person typed, quoted, cut short if it is long (a 5,000-digit number)."""
    return repr(text if len(text) <= 40 else text[:40] + "…")


def checked_day(day: date, text: str) -> date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise TimeInputError(
            f"{_shown(text)} is outside the dates Retro Desk can show"
            f" ({EARLIEST_DAY} to {LATEST_DAY})"
        )
    return day


@functools.lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise TimeInputError(f"unknown time zone {name!r}") from error


def is_valid_zone(name: str) -> bool:
    try:
        zone(name)
    except TimeInputError:
        return False
    return True


def parse_instant(text: str, tz_name: str) -> datetime:
    """An ISO 8601 date-time; one without an offset is read in `tz_name`."""
    try:
        value = datetime.fromisoformat(text.strip())
    except (ValueError, TypeError) as error:
        raise TimeInputError(f"not an ISO 8601 date-time: {text!r}") from error
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(tz_name))
    return checked_instant(value, text.strip())


def parse_date(text: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except (ValueError, TypeError) as error:
        raise TimeInputError(f"not a date (YYYY-MM-DD): {text!r}") from error
    return checked_day(day, text.strip())


def normalise_instant(text: str, tz_name: str) -> str:
    """The stored form: ISO 8601 with an explicit offset, the offset the session's zone has then."""
    value = parse_instant(text, tz_name)
    return to_iso(value)


def to_iso(value: datetime) -> str:
    timespec = "seconds" if value.microsecond == 0 else "microseconds"
    return value.isoformat(timespec=timespec)


def sort_key(at: str) -> float:
    """Events sort by the instant they happened, whatever offset they were written with."""
    try:
        return datetime.fromisoformat(at).timestamp()
    except (ValueError, OverflowError):
        # Unreadable, or (stored before the range was checked) past what a timestamp holds.
        return float("inf")


def local_display(at: str, tz_name: str, with_date: bool = True) -> str:
    """`2026-11-20 14:32:00 +01:00` in the session's zone, for tables and exports."""
    # isoformat() is several times faster than strftime, and exports format thousands of these.
    text = parse_instant(at, tz_name).astimezone(zone(tz_name)).isoformat(timespec="seconds")
    day, clock_and_offset = text[:10], text[11:]
    clock, offset = clock_and_offset[:8], clock_and_offset[8:]
    return f"{day} {clock} {offset}" if with_date else f"{clock} {offset}"


UNREADABLE = " (unreadable)"


def shown_instant(at: str, tz_name: str, with_date: bool = True) -> str:
    """local_display for a stored time, which never fails: a time that cannot be read (stored
    by hand, or before the range was checked) is shown as it is stored, to be corrected."""
    try:
        return local_display(at, tz_name, with_date)
    except (ValueError, OverflowError):
        return f"{at}{UNREADABLE}"


def _local_iso(at: str, local_zone: ZoneInfo) -> str:
    """`at` as ISO 8601 in `local_zone`, to the second: what local_display shows, for exports,
    which format thousands. A time stored as the app stores it (in the session's zone, to the
    second) is already that text, so it is only checked, not formatted again."""
    value = datetime.fromisoformat(at.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_zone)
    local = value.astimezone(local_zone)
    if (
        len(at) == 25 and at[10] == "T" and at[13] == at[16] == ":" and at[19] in "+-"
        and local.utcoffset() == value.utcoffset()
    ):
        return at
    return local.isoformat(timespec="seconds")


_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_RELATIVE = re.compile(r"^\+\s*(\d+)\s*([smh]?)$")


def parse_quick_time(
    text: str, tz_name: str, incident_date: str | None, previous: str | None
) -> str:
    """What a facilitator types in the quick-add line: `14:32`, `14:32:10`, `+5m`, or full ISO.

    A clock time lands on the day of the previous event, or the incident date; `+5m` counts
    from the previous event.
    """
    raw = text.strip()
    tz = zone(tz_name)
    relative = _RELATIVE.match(raw)
    if relative:
        if previous is None:
            raise TimeInputError("'+…' needs an earlier event to count from")
        unit = relative.group(2) or "m"
        try:
            amount = int(relative.group(1))
            delta = {"s": timedelta(seconds=amount), "m": timedelta(minutes=amount),
                     "h": timedelta(hours=amount)}[unit]
            later = (parse_instant(previous, tz_name) + delta).astimezone(tz)
        except (OverflowError, ValueError) as error:
            if isinstance(error, TimeInputError):
                raise
            raise TimeInputError(
                f"{_shown(raw)} is outside the times Retro Desk can show ({RANGE_TEXT})"
            ) from error
        return to_iso(checked_instant(later, raw))
    clock = _CLOCK.match(raw)
    if clock:
        hour, minute, second = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise TimeInputError(f"not a time of day: {raw!r}")
        if previous is not None:
            day = parse_instant(previous, tz_name).astimezone(tz).date()
        elif incident_date:
            day = parse_date(incident_date)
        else:
            raise TimeInputError("a time of day needs the incident date or an earlier event")
        local = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tz)
        return to_iso(checked_instant(local, raw))
    return normalise_instant(raw, tz_name)


def format_duration(seconds: float) -> str:
    """`07:42`, or `+01:23` for overtime; hours appear only when needed."""
    # A countdown shows 00:01 until the last second has gone; overtime counts whole seconds.
    sign = "+" if seconds < 0 else ""
    total = math.ceil(seconds) if seconds >= 0 else math.floor(-seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes:02d}:{secs:02d}"


def format_signed_minutes(seconds: int, minus: str = "-") -> str:
    """`+5 min`, `-1 min 30 s`, `0 min`: plan against spent; HTML passes a true minus sign."""
    if seconds > 0:
        return f"+{format_minutes(seconds)}"
    if seconds < 0:
        return f"{minus}{format_minutes(-seconds)}"
    return format_minutes(0)


def format_minutes(seconds: int) -> str:
    """`10 min`, `1 min 30 s`, for plan-versus-spent tables."""
    minutes, secs = divmod(int(seconds), 60)
    if secs == 0:
        return f"{minutes} min"
    if minutes == 0:
        return f"{secs} s"
    return f"{minutes} min {secs} s"


class EventTimes:
    """Events' times in a session's zone, as exports show them: the date is left out of each
    time (and named once, as `day`) when every event falls on one day."""

    def __init__(self, events: list[Event], tz: str) -> None:
        self.tz = tz
        shown: dict[int, str] = {}
        try:
            local_zone: ZoneInfo | None = zone(tz)
        except TimeInputError:
            local_zone = None
        for event in events:
            try:
                if local_zone is None:
                    shown[id(event)] = local_display(event.at, tz)
                    continue
                text = _local_iso(event.at, local_zone)
                shown[id(event)] = f"{text[:10]} {text[11:19]} {text[19:]}"
            except (ValueError, OverflowError):
                continue
        days = {text.split(" ", 1)[0] for text in shown.values()}
        self.day = days.pop() if len(days) == 1 and len(shown) == len(events) else None
        self._shown = {
            key: text.split(" ", 1)[1] if self.day else text for key, text in shown.items()
        }

    def local(self, event: Event) -> str | None:
        """The event's local time, or None when its stored time cannot be read."""
        return self._shown.get(id(event))
