"""5-field cron expressions read on the wall clock of an IANA time zone, as recurring tasks and
schedule events use them.

Occurrences are computed in the zone's local time (cronsim walks wall-clock time, so
`0 9 * * *` in New York is 14:00 UTC in winter and 13:00 UTC in summer) and given in UTC. A
time the clock skips (spring forward) runs at the first minute after the gap; a time it passes
twice (fall back) runs once, the first time. Day of month and day of week, both restricted,
match either (standard cron).

Mistakes raise `CronError` or `ZoneError` (plain `ValueError`s): each feature answers them with
its own error code.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from server_core.kernel.clock import as_utc

FIELDS = 5


class CronError(ValueError):
    """Not a 5-field cron expression, or one that never fires."""


class ZoneError(ValueError):
    """Not an IANA time zone name."""


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # ValueError: a path-like or malformed key ("../x", "a//b").
        raise ZoneError(f"Unknown time zone '{name}': use an IANA name") from None


def check_rule(rule: str) -> None:
    """`rule` is a valid 5-field expression (whether it ever fires is checked by using it)."""
    if len(rule.split()) != FIELDS:
        raise CronError(
            f"'{rule}' is not a 5-field cron expression (minute hour day month weekday)"
        )
    try:
        CronSim(rule, datetime(2000, 1, 1, tzinfo=UTC))
    except CronSimError as error:
        raise CronError(f"'{rule}' is not a valid cron expression: {error}") from None


def occurrences(rule: str, zone: str, after: datetime) -> Iterator[datetime]:
    """The times strictly after `after` that `rule` names on the wall clock of `zone`, in
    UTC, in order."""
    check_rule(rule)
    local = as_utc(after).astimezone(zone_named(zone))
    found = CronSim(rule, local)
    try:
        for step in found:
            at = step.astimezone(UTC)
            # Counting from inside the repeated hour, cronsim may name its first pass again.
            if at > after:
                yield at
    except CronSimError as error:  # raised while iterating, e.g. on an impossible date
        raise CronError(f"'{rule}' is not a valid cron expression: {error}") from None


def next_occurrence(rule: str, zone: str, after: datetime) -> datetime:
    """The first time strictly after `after` that `rule` names in `zone`, in UTC."""
    for at in occurrences(rule, zone, after):
        return at
    raise CronError(f"'{rule}' never fires (checked 50 years ahead)")


def between(rule: str, zone: str, start: datetime, end: datetime) -> Iterator[datetime]:
    """The times in [start, end] that `rule` names in `zone`, in UTC, in order. Walked a UTC
    day at a time through a cache: calendars read the same days again and again, and many
    events share a rule, so a month's view costs a few lookups per event once warm."""
    start, end = as_utc(start), as_utc(end)
    day = start.date()
    while day <= end.date():
        for at in _day(rule, zone, day):
            if at > end:
                return
            if at >= start:
                yield at
        day += ONE_DAY


ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=65_536)
def _day(rule: str, zone: str, day: date) -> tuple[datetime, ...]:
    """The occurrences within one UTC day."""
    start = datetime.combine(day, time.min, UTC)
    found = []
    for at in occurrences(rule, zone, start - timedelta(microseconds=1)):
        if at >= start + ONE_DAY:
            break
        found.append(at)
    return tuple(found)
