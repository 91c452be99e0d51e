"""Opening hours: is the team open now, and if not, when does it next open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class OpeningHours:
    timezone: str
    # weekday (0 = Monday) -> (opens, closes); a missing day is closed
    weekly: dict[int, tuple[dt.time, dt.time]]
    closed_dates: frozenset[dt.date] = field(default_factory=frozenset)
    example: bool = False


@dataclass(frozen=True)
class Availability:
    open_now: bool
    closes_at: dt.time | None = None
    next_open: dt.datetime | None = None  # local time; None when never open


def parse_opening_hours(raw: dict) -> OpeningHours:
    """Build OpeningHours from an area config block; raise ValueError if malformed."""
    tz = raw.get("timezone", "Europe/London")
    ZoneInfo(tz)  # raises on an unknown zone
    weekly: dict[int, tuple[dt.time, dt.time]] = {}
    for day, span in (raw.get("weekly") or {}).items():
        if day not in DAY_NAMES:
            raise ValueError(f"unknown day {day!r}")
        if span is None:
            continue
        if not (isinstance(span, list) and len(span) == 2):
            raise ValueError(f"{day}: give [opens, closes] as HH:MM")
        opens, closes = (dt.time.fromisoformat(str(v)) for v in span)
        if opens >= closes:
            raise ValueError(f"{day}: opens at {opens} but closes at {closes}")
        weekly[DAY_NAMES.index(day)] = (opens, closes)
    closed = frozenset(dt.date.fromisoformat(str(d)) for d in raw.get("closed_dates") or [])
    return OpeningHours(tz, weekly, closed, bool(raw.get("example", False)))


def availability(hours: OpeningHours, now: dt.datetime) -> Availability:
    """Whether the team is open at `now` (timezone-aware), else when it next opens."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(ZoneInfo(hours.timezone))
    today = local.date()
    span = _span(hours, today)
    if span and span[0] <= local.time().replace(tzinfo=None) < span[1]:
        return Availability(open_now=True, closes_at=span[1])
    # Look ahead two weeks: enough for any weekly pattern plus a run of closed dates.
    for offset in range(0, 15):
        day = today + dt.timedelta(days=offset)
        span = _span(hours, day)
        if not span:
            continue
        start = dt.datetime.combine(day, span[0], tzinfo=ZoneInfo(hours.timezone))
        if start > local:
            return Availability(open_now=False, next_open=start)
    return Availability(open_now=False)


def _span(hours: OpeningHours, day: dt.date) -> tuple[dt.time, dt.time] | None:
    if day in hours.closed_dates:
        return None
    return hours.weekly.get(day.weekday())


def say_time(t: dt.time) -> str:
    """9:00 -> '9am', 17:30 -> '5:30pm', 12:00 -> '12pm' (the way people say it)."""
    hour = t.hour % 12 or 12
    suffix = "am" if t.hour < 12 else "pm"
    return f"{hour}{suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d}{suffix}"


def say_when(moment: dt.datetime, now: dt.datetime) -> str:
    """'today at 9am', 'tomorrow at 9am' or 'on Monday at 9am', in the moment's timezone."""
    local_now = now.astimezone(moment.tzinfo)
    days = (moment.date() - local_now.date()).days
    if days == 0:
        day = "today"
    elif days == 1:
        day = "tomorrow"
    elif days < 7:
        day = "on " + DAY_NAMES[moment.weekday()].capitalize()
    else:
        day = f"on {DAY_NAMES[moment.weekday()].capitalize()} {moment.day} {moment:%B}"
    return f"{day} at {say_time(moment.time())}"


def say_weekly(hours: OpeningHours) -> str:
    """A short summary such as 'Monday to Friday, 9am to 5pm'."""
    if not hours.weekly:
        return ""
    groups: list[tuple[list[int], tuple[dt.time, dt.time]]] = []
    for day in sorted(hours.weekly):
        span = hours.weekly[day]
        if groups and groups[-1][1] == span and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], span))
    parts = []
    for days, (opens, closes) in groups:
        first, last = DAY_NAMES[days[0]].capitalize(), DAY_NAMES[days[-1]].capitalize()
        label = first if len(days) == 1 else f"{first} to {last}"
        parts.append(f"{label}, {say_time(opens)} to {say_time(closes)}")
    return "; ".join(parts)
