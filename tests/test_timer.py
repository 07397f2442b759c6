"""Phase timer, agenda rebalancing and time formatting, on a fake clock: no test waits."""

from __future__ import annotations

import copy
from datetime import datetime

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from retro_desk.agenda import MIN_PHASE_SECONDS, default_agenda, rebalance
from retro_desk.model import PHASES, AgendaItem, Event
from retro_desk.timefmt import (
    EventTimes,
    TimeInputError,
    format_duration,
    format_minutes,
    local_display,
    parse_quick_time,
)
from retro_desk.timer import PhaseTimer, TimerState

WALL_START = 1_795_000_000.0  # an afternoon in November 2026


class FakeClock:
    """Monotonic and wall time that move only when a test says so."""

    def __init__(self, monotonic: float = 1000.0, wall: float = WALL_START) -> None:
        self.mono = monotonic
        self.now = wall

    def monotonic(self) -> float:
        return self.mono

    def wall(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def timer(clock: FakeClock) -> PhaseTimer:
    return PhaseTimer(default_agenda(), TimerState(), clock)


# -- countdown ------------------------------------------------------------------------------


def test_countdown(timer: PhaseTimer, clock: FakeClock) -> None:
    assert timer.item.phase == "opening"
    assert not timer.running
    clock.advance(500)  # not started: nothing counts
    assert timer.remaining() == 300
    timer.start()
    assert timer.running
    clock.advance(42)
    assert timer.remaining() == 258
    assert format_duration(timer.remaining()) == "04:18"
    assert timer.mode() == "normal"
    clock.advance(0.5)
    assert format_duration(timer.remaining()) == "04:18"  # 257.5 s left still shows 04:18


def test_warning_near_the_end_then_overtime(timer: PhaseTimer, clock: FakeClock) -> None:
    timer.start()
    clock.advance(239)
    assert timer.mode() == "normal"  # 61 s left
    clock.advance(1)
    assert timer.mode() == "warning"  # 60 s left
    clock.advance(60)
    assert timer.remaining() == 0
    assert timer.mode() == "warning"
    clock.advance(1)
    assert timer.mode() == "overtime"
    clock.advance(82)
    assert timer.remaining() == -83
    assert timer.mode() == "overtime"
    assert format_duration(timer.remaining()) == "+01:23"
    assert timer.running  # it never stops by itself
    clock.advance(3600)
    assert format_duration(timer.remaining()) == "+1:01:23"


def test_warning_is_a_fifth_of_a_short_phase(clock: FakeClock) -> None:
    agenda = [AgendaItem("close", "Close", 100)]
    timer = PhaseTimer(agenda, TimerState(), clock)
    timer.start()
    clock.advance(79)
    assert timer.mode() == "normal"  # 21 s left of 100: above 20 %
    clock.advance(1)
    assert timer.mode() == "warning"


def test_pause_and_resume_accumulate_spent_time(timer: PhaseTimer, clock: FakeClock) -> None:
    timer.start()
    clock.advance(100)
    timer.pause()
    assert not timer.running
    assert timer.item.spent_seconds == 100
    clock.advance(1000)  # paused: not counted
    assert timer.remaining() == 200
    timer.toggle()
    clock.advance(50)
    assert timer.elapsed() == 150
    assert timer.item.spent_seconds == 100  # folded in only on a stop
    timer.toggle()
    assert timer.item.spent_seconds == 150
    timer.pause()  # pausing twice changes nothing
    assert timer.item.spent_seconds == 150
    timer.start()
    timer.start()  # starting twice does not restart the run
    clock.advance(10)
    assert timer.elapsed() == 160


def test_add_time(timer: PhaseTimer, clock: FakeClock) -> None:
    timer.start()
    clock.advance(290)
    timer.add_time()
    assert timer.item.planned_seconds == 360
    assert timer.remaining() == 70
    assert timer.mode() == "normal"
    timer.add_time(-10_000)
    assert timer.item.planned_seconds == 0
    assert timer.mode() == "overtime"


def test_reset(timer: PhaseTimer, clock: FakeClock) -> None:
    timer.start()
    clock.advance(120)
    timer.reset()
    assert timer.running
    assert timer.item.spent_seconds == 0
    assert timer.remaining() == 300
    clock.advance(5)
    assert timer.remaining() == 295
    timer.pause()
    timer.reset()
    assert not timer.running and timer.remaining() == 300


def test_go_to_keeps_running_and_folds_spent_into_the_phase_left(
    timer: PhaseTimer, clock: FakeClock
) -> None:
    timer.start()
    clock.advance(70)
    timer.go_to(1)
    assert timer.running
    assert timer.current == 1 and timer.item.phase == "feelings"
    assert timer.agenda[0].spent_seconds == 70
    assert timer.elapsed() == 0
    clock.advance(30)
    assert timer.elapsed() == 30
    assert timer.elapsed(0) == 70
    timer.go_to(0)  # going back carries on from what was spent
    clock.advance(5)
    assert timer.elapsed() == 75
    assert timer.agenda[1].spent_seconds == 30

    timer.pause()
    timer.go_to(3)
    assert not timer.running  # paused stays paused
    clock.advance(100)
    assert timer.elapsed() == 0

    timer.go_to(99)
    timer.go_to(-1)
    assert timer.current == 3


def test_state_survives_a_restart_with_a_new_monotonic_clock(clock: FakeClock) -> None:
    agenda = default_agenda()
    timer = PhaseTimer(agenda, TimerState(), clock)
    timer.start()
    clock.advance(200)
    timer.go_to(1)
    clock.advance(100)
    state = timer.state()
    assert state.current_phase == 1
    assert state.started_at == WALL_START + 200
    assert state.meeting_seconds == 3600
    saved_agenda = copy.deepcopy(timer.agenda)  # what the database holds

    # The app crashes; 45 s later it starts again. The monotonic clock starts anew.
    restarted_clock = FakeClock(monotonic=0.0, wall=clock.wall() + 45)
    again = PhaseTimer(saved_agenda, state, restarted_clock)
    assert again.running
    assert again.current == 1
    assert again.agenda[0].spent_seconds == 200
    assert again.elapsed() == 145
    assert again.remaining() == 600 - 145
    restarted_clock.advance(10)
    assert again.remaining() == 600 - 155
    assert again.state() == state  # the run that continues is the same run


def test_paused_state_survives_a_restart(timer: PhaseTimer, clock: FakeClock) -> None:
    timer.start()
    clock.advance(90)
    timer.pause()
    state = timer.state()
    assert state.started_at is None
    again = PhaseTimer(copy.deepcopy(timer.agenda), state, FakeClock(0.0, clock.wall() + 3600))
    assert not again.running
    assert again.remaining() == 210


def test_restart_with_the_wall_clock_set_back(clock: FakeClock) -> None:
    state = TimerState(current_phase=2, started_at=clock.wall() + 500)
    timer = PhaseTimer(default_agenda(), state, clock)
    assert timer.running
    assert timer.elapsed() == 0  # never a negative run


def test_saved_phase_out_of_range_is_clamped(clock: FakeClock) -> None:
    assert PhaseTimer(default_agenda(), TimerState(current_phase=42), clock).current == 6
    assert PhaseTimer(default_agenda(), TimerState(current_phase=-3), clock).current == 0
    with pytest.raises(ValueError):
        PhaseTimer([], TimerState(), clock)


# -- agendas and rebalancing ----------------------------------------------------------------


def test_default_agendas() -> None:
    own = default_agenda()
    external = default_agenda("external")
    assert sum(a.planned_seconds for a in own) == 3600
    assert sum(a.planned_seconds for a in external) == 1800
    for agenda in (own, external):
        assert tuple(a.phase for a in agenda) == PHASES
        assert all(a.spent_seconds == 0 and a.title for a in agenda)
    assert [a.planned_seconds for a in own] == [300, 600, 1200, 900, 300, 180, 120]


def _run_to(timer: PhaseTimer, clock: FakeClock, spent: list[int], elapsed_now: int) -> None:
    """Spend the given seconds in the first phases, then `elapsed_now` in the next one."""
    timer.start()
    for index, seconds in enumerate(spent):
        clock.advance(seconds)
        timer.go_to(index + 1)
    clock.advance(elapsed_now)


def test_rebalance_keeps_the_meeting_end(timer: PhaseTimer, clock: FakeClock) -> None:
    _run_to(timer, clock, [360, 780], 1500)  # every phase so far has overrun
    assert timer.projected_end_offset() == 60 + 180 + 300
    timer.rebalance()
    assert timer.projected_end_offset() == 0
    planned = [a.planned_seconds for a in timer.agenda]
    assert planned[:3] == [300, 600, 1200]  # the past and the current plan are left alone
    future = planned[3:]
    assert sum(future) == 3600 - (360 + 780 + 1500)
    assert all(seconds >= MIN_PHASE_SECONDS for seconds in future)
    # Shared in proportion to the plans: the longest phase keeps the biggest share.
    assert future[0] == max(future) and future == sorted(future, reverse=True)


def test_rebalance_ahead_of_time_ends_early(timer: PhaseTimer, clock: FakeClock) -> None:
    """Issue 12, point 8: ahead of time, rebalancing grew the close to 30:30."""
    _run_to(timer, clock, [120, 300], 0)  # both early phases ran short; now at the timeline
    before = [a.planned_seconds for a in timer.agenda]
    timer.rebalance()
    assert [a.planned_seconds for a in timer.agenda] == before
    assert timer.projected_end_offset() == 120 + 300 - 300 - 600  # eight minutes early


def test_rebalance_with_a_too_large_overrun_shrinks_to_floors(
    timer: PhaseTimer, clock: FakeClock
) -> None:
    _run_to(timer, clock, [300, 600], 2600)
    timer.rebalance()
    assert [a.planned_seconds for a in timer.agenda[3:]] == [MIN_PHASE_SECONDS] * 4
    assert timer.projected_end_offset() == 900 + 2600 + 4 * 60 - 3600


def test_rebalance_floor_is_a_shorter_plan() -> None:
    agenda = [
        AgendaItem("opening", "o", 300, 600),
        AgendaItem("feelings", "f", 30),
        AgendaItem("timeline", "t", 600),
    ]
    # A 30-second phase keeps its 30 seconds and never takes a share of the spare time.
    assert rebalance(agenda, 0, 600, 930) == [300, 30, 300]
    assert rebalance(agenda, 0, 600, 650) == [300, 30, 60]


def test_rebalance_in_the_last_phase_changes_nothing(timer: PhaseTimer, clock: FakeClock) -> None:
    timer.go_to(6)
    timer.start()
    clock.advance(999)
    before = [a.planned_seconds for a in timer.agenda]
    timer.rebalance()
    assert [a.planned_seconds for a in timer.agenda] == before


@st.composite
def overrun_cases(draw: st.DrawFn) -> tuple[list[AgendaItem], int, int, int]:
    n = draw(st.integers(2, 7))
    agenda = [
        AgendaItem(PHASES[i], PHASES[i], draw(st.integers(0, 3600)), draw(st.integers(0, 3600)))
        for i in range(n)
    ]
    current = draw(st.integers(0, n - 2))
    for item in agenda[current:]:
        item.spent_seconds = 0
    elapsed = draw(st.integers(0, 7200))
    meeting = draw(st.integers(0, 4 * 3600))
    return agenda, current, elapsed, meeting


@settings(max_examples=400, deadline=None)
@given(overrun_cases())
def test_rebalance_properties(case: tuple[list[AgendaItem], int, int, int]) -> None:
    agenda, current, elapsed, meeting = case
    future = range(current + 1, len(agenda))
    assume(sum(agenda[i].planned_seconds for i in future) > 0)
    planned = rebalance(agenda, current, elapsed, meeting)
    floors = [min(MIN_PHASE_SECONDS, agenda[i].planned_seconds) for i in future]
    assert planned[: current + 1] == [a.planned_seconds for a in agenda[: current + 1]]
    assert all(planned[i] >= floor for i, floor in zip(future, floors, strict=True))
    used = sum(a.spent_seconds for a in agenda[:current])
    used += max(elapsed, agenda[current].planned_seconds)
    end = used + sum(planned[i] for i in future)
    wanted = sum(agenda[i].planned_seconds for i in future)
    if meeting - used >= wanted:
        # Ahead of time: plans kept, the meeting ends early, never later than planned.
        assert planned == [a.planned_seconds for a in agenda]
        assert end <= meeting
    elif meeting - used >= sum(floors):
        # Exact but for the fraction of a second still running in the current phase.
        assert abs(end - meeting) < 1
    else:
        assert [planned[i] for i in future] == floors


def test_rebalance_keeps_the_end_exactly_when_the_last_phase_is_at_its_floor() -> None:
    agenda = [
        AgendaItem("opening", "o", 100, 0),
        AgendaItem("feelings", "f", 1000),
        AgendaItem("timeline", "t", 1000),
        AgendaItem("rationality", "r", 60),
    ]
    planned = rebalance(agenda, 0, 100, 100 + 3 * 60 + 15)
    assert sum(planned) == 100 + 3 * 60 + 15


# -- time input and display -----------------------------------------------------------------

BERLIN = "Europe/Berlin"


@pytest.mark.parametrize(
    ("typed", "previous", "expected"),
    [
        ("14:32", None, "2026-11-20T14:32:00+01:00"),
        ("14:32:10", None, "2026-11-20T14:32:10+01:00"),
        (" 9:05 ", None, "2026-11-20T09:05:00+01:00"),
        ("14:40", "2026-11-21T08:00:00+01:00", "2026-11-21T14:40:00+01:00"),  # previous's day
        ("+5m", "2026-11-20T14:32:00+01:00", "2026-11-20T14:37:00+01:00"),
        ("+5", "2026-11-20T14:32:00+01:00", "2026-11-20T14:37:00+01:00"),  # minutes by default
        ("+90s", "2026-11-20T14:32:00+01:00", "2026-11-20T14:33:30+01:00"),
        ("+1h", "2026-11-20T23:32:00+01:00", "2026-11-21T00:32:00+01:00"),
        ("+ 2 m", "2026-11-20T14:32:00+01:00", "2026-11-20T14:34:00+01:00"),
        ("2026-11-20T14:32:00+00:00", None, "2026-11-20T14:32:00+00:00"),
        ("2026-11-20T14:32:00", None, "2026-11-20T14:32:00+01:00"),
        ("2026-07-01T14:32", None, "2026-07-01T14:32:00+02:00"),
    ],
)
def test_parse_quick_time(typed: str, previous: str | None, expected: str) -> None:
    assert parse_quick_time(typed, BERLIN, "2026-11-20", previous) == expected


def test_relative_time_is_written_in_the_session_zone() -> None:
    # The previous event was written in UTC; the new one gets the session's offset.
    assert (
        parse_quick_time("+10m", BERLIN, None, "2026-11-20T13:32:00+00:00")
        == "2026-11-20T14:42:00+01:00"
    )


def test_clock_time_lands_on_the_previous_event_local_day() -> None:
    # 23:30 UTC on the 20th is already the 21st in Berlin.
    assert (
        parse_quick_time("00:45", BERLIN, "2026-11-20", "2026-11-20T23:30:00+00:00")
        == "2026-11-21T00:45:00+01:00"
    )


@pytest.mark.parametrize(
    ("typed", "previous", "expected"),
    [
        # Spring forward, 2026-03-29: 02:00 CET becomes 03:00 CEST.
        ("+20m", "2026-03-29T01:50:00+01:00", "2026-03-29T03:10:00+02:00"),
        ("03:10", "2026-03-29T01:50:00+01:00", "2026-03-29T03:10:00+02:00"),
        ("01:55", "2026-03-29T01:50:00+01:00", "2026-03-29T01:55:00+01:00"),
        # Fall back, 2026-10-25: 03:00 CEST becomes 02:00 CET; an hour later reads 02:30 again.
        ("+1h", "2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00"),
        ("+2h", "2026-10-25T01:30:00+02:00", "2026-10-25T02:30:00+01:00"),
        ("04:00", "2026-10-25T02:30:00+02:00", "2026-10-25T04:00:00+01:00"),
    ],
)
def test_quick_time_on_a_dst_changing_day(typed: str, previous: str, expected: str) -> None:
    assert parse_quick_time(typed, BERLIN, None, previous) == expected


@pytest.mark.parametrize(
    ("typed", "previous", "incident_date"),
    [
        ("+5m", None, "2026-11-20"),  # nothing to count from
        ("14:32", None, None),  # no day to put it on
        ("25:00", None, "2026-11-20"),
        ("14:60", None, "2026-11-20"),
        ("14:32:61", None, "2026-11-20"),
        ("soon", None, "2026-11-20"),
        ("", None, "2026-11-20"),
        ("+5d", "2026-11-20T14:32:00+01:00", None),
        ("-5m", "2026-11-20T14:32:00+01:00", None),
        ("2026-02-30T10:00", None, None),
    ],
)
def test_parse_quick_time_refuses_bad_input(
    typed: str, previous: str | None, incident_date: str | None
) -> None:
    with pytest.raises(TimeInputError):
        parse_quick_time(typed, BERLIN, incident_date, previous)


def test_unknown_zone_is_a_time_input_error() -> None:
    with pytest.raises(TimeInputError, match="unknown time zone"):
        parse_quick_time("14:32", "Nowhere/Special", "2026-11-20", None)


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (462, "07:42"),
        (0, "00:00"),
        (0.2, "00:01"),  # the last second shows until it has gone
        (59.5, "01:00"),
        (-83, "+01:23"),
        (-83.7, "+01:23"),  # overtime counts whole seconds
        (3600, "1:00:00"),
        (3725, "1:02:05"),
        (-3725, "+1:02:05"),
        (36000, "10:00:00"),
    ],
)
def test_format_duration(seconds: float, shown: str) -> None:
    assert format_duration(seconds) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"), [(600, "10 min"), (90, "1 min 30 s"), (45, "45 s"), (0, "0 min")]
)
def test_format_minutes(seconds: int, shown: str) -> None:
    assert format_minutes(seconds) == shown


def test_local_display_uses_the_session_zone() -> None:
    assert local_display("2026-11-20T13:32:00+00:00", BERLIN) == "2026-11-20 14:32:00 +01:00"
    assert local_display("2026-07-20T12:32:00Z", BERLIN, with_date=False) == "14:32:00 +02:00"


EXPORT_TIMES = [
    "2026-11-20T09:00:00+01:00",  # as the app stores it: shown as it is
    "2026-11-20T08:00:00+00:00",  # another offset: converted
    "2026-03-29T01:59:59+01:00",  # the last second before summer time in Berlin
    "2026-03-29T03:00:00+02:00",
    "2026-03-29T02:30:00+01:00",  # an offset Berlin never had then: converted
    "2026-11-20T09:00+01:00:00",  # 25 characters, but not the stored shape
    "2026-11-20T09:00:00.250000+01:00",
    "2026-11-20T09:00:00Z",
    "2026-11-20 09:00:00+01:00",
    "2026-11-20T09:00:00",  # no offset: read in the session's zone
    " 2026-11-20T09:00:00+01:00 ",
]


@pytest.mark.parametrize("tz", ["Europe/Berlin", "Asia/Kathmandu", "UTC", "America/St_Johns"])
def test_export_times_equal_local_display_for_every_shape_of_time(tz: str) -> None:
    events = [Event(key=f"e{n}", at=at, description="x") for n, at in enumerate(EXPORT_TIMES)]
    times = EventTimes(events, tz)
    assert times.day is None  # two days among them: each time keeps its date
    for event in events:
        assert times.local(event) == local_display(event.at, tz), event.at


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1),
                    timezones=st.timezones()),
       st.sampled_from(["Europe/Berlin", "Asia/Kathmandu", "UTC", "Australia/Lord_Howe"]))
@settings(max_examples=300, deadline=None)
def test_export_times_equal_local_display_for_any_instant(moment: datetime, tz: str) -> None:
    at = moment.isoformat(timespec="seconds")
    event = Event(key="e1", at=at, description="x")
    times = EventTimes([event], tz)
    expected = local_display(at, tz)
    assert times.day == expected.split(" ")[0]
    assert times.local(event) == expected.split(" ", 1)[1]
