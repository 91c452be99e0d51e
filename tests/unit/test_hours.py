import datetime as dt

import pytest

from bot.hours import availability, parse_opening_hours, say_time, say_weekly, say_when

UTC = dt.timezone.utc
WEEKDAYS = {d: ["09:00", "17:00"] for d in ("monday", "tuesday", "wednesday", "thursday", "friday")}
HOURS = parse_opening_hours({"timezone": "Europe/London", "weekly": WEEKDAYS, "closed_dates": ["2026-12-25"]})


@pytest.mark.parametrize(
    "now, open_now, closes, next_open",
    [
        # Wednesday 25 Nov 2026, 10:00 UTC = 10:00 GMT: open until 5pm
        (dt.datetime(2026, 11, 25, 10, 0, tzinfo=UTC), True, dt.time(17, 0), None),
        # 08:59: not open yet, opens today at 9
        (dt.datetime(2026, 11, 25, 8, 59, tzinfo=UTC), False, None, dt.datetime(2026, 11, 25, 9, 0)),
        # 17:00 exactly: closed, opens tomorrow
        (dt.datetime(2026, 11, 25, 17, 0, tzinfo=UTC), False, None, dt.datetime(2026, 11, 26, 9, 0)),
        # Friday evening: next Monday
        (dt.datetime(2026, 11, 27, 20, 0, tzinfo=UTC), False, None, dt.datetime(2026, 11, 30, 9, 0)),
        # Saturday: next Monday
        (dt.datetime(2026, 11, 28, 12, 0, tzinfo=UTC), False, None, dt.datetime(2026, 11, 30, 9, 0)),
        # Christmas Day is a closed date: opens on the 28th (26th, 27th are a weekend)
        (dt.datetime(2026, 12, 25, 10, 0, tzinfo=UTC), False, None, dt.datetime(2026, 12, 28, 9, 0)),
        # British Summer Time: 08:30 UTC is 09:30 BST, so open
        (dt.datetime(2026, 7, 1, 8, 30, tzinfo=UTC), True, dt.time(17, 0), None),
    ],
)
def test_availability(now, open_now, closes, next_open):
    status = availability(HOURS, now)
    assert status.open_now is open_now
    assert status.closes_at == closes
    if next_open is None:
        assert status.next_open is None
    else:
        assert status.next_open.replace(tzinfo=None) == next_open


def test_never_open():
    hours = parse_opening_hours({"weekly": {}})
    assert availability(hours, dt.datetime(2026, 1, 1, tzinfo=UTC)).next_open is None


def test_naive_time_is_refused():
    with pytest.raises(ValueError):
        availability(HOURS, dt.datetime(2026, 1, 1))


@pytest.mark.parametrize(
    "raw",
    [
        {"weekly": {"funday": ["09:00", "17:00"]}},
        {"weekly": {"monday": ["17:00", "09:00"]}},
        {"weekly": {"monday": ["09:00"]}},
        {"weekly": {"monday": ["nine", "five"]}},
        {"timezone": "Mars/Olympus", "weekly": {}},
    ],
)
def test_bad_hours_are_rejected(raw):
    with pytest.raises(Exception):
        parse_opening_hours(raw)


@pytest.mark.parametrize(
    "t, said", [(dt.time(9), "9am"), (dt.time(17, 30), "5:30pm"), (dt.time(12), "12pm"), (dt.time(0, 15), "12:15am")]
)
def test_say_time(t, said):
    assert say_time(t) == said


def test_say_when():
    now = dt.datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
    tz = HOURS.timezone
    from zoneinfo import ZoneInfo

    at = lambda *a: dt.datetime(*a, tzinfo=ZoneInfo(tz))  # noqa: E731
    assert say_when(at(2026, 11, 25, 21, 0), now) == "today at 9pm"
    assert say_when(at(2026, 11, 26, 9, 0), now) == "tomorrow at 9am"
    assert say_when(at(2026, 11, 30, 9, 0), now) == "on Monday at 9am"
    assert say_when(at(2026, 12, 7, 9, 0), now) == "on Monday 7 December at 9am"


def test_say_weekly_groups_days():
    raw = dict(WEEKDAYS, friday=["09:00", "16:30"], saturday=["10:00", "12:00"])
    assert say_weekly(parse_opening_hours({"weekly": raw})) == (
        "Monday to Thursday, 9am to 5pm; Friday, 9am to 4:30pm; Saturday, 10am to 12pm"
    )
