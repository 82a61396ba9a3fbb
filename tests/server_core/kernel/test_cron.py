"""Cron on a zone's wall clock: walking a window a UTC day at a time (through the cache)
names exactly the times one continuous walk does, across DST changes in zones that change at
02:00, at midnight and by half an hour."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import takewhile

import pytest

from server_core.kernel import cron

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Atlantic/Azores",  # changes at 00:00 / 01:00 local, on UTC midnight's doorstep
    "America/Havana",  # changes at midnight local
    "Australia/Lord_Howe",  # a 30-minute change
    "UTC",
]
RULES = ["30 2 * * *", "0 0 * * *", "45 23 * * 0", "0 1 1 * *", "0 9-17 * * 1-5"]


def continuous(rule: str, zone: str, start: datetime, end: datetime) -> list[datetime]:
    """One walk from `start` (no rule here fires at :07, so "after" and "from" agree)."""
    return list(takewhile(lambda at: at <= end, cron.occurrences(rule, zone, start)))


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("rule", RULES)
def test_a_year_walked_by_day_matches_one_continuous_walk(rule: str, zone: str) -> None:
    start = datetime(2026, 1, 1, 7, 7, tzinfo=UTC)
    end = datetime(2027, 1, 1, 7, 7, tzinfo=UTC)
    expected = continuous(rule, zone, start, end)
    assert list(cron.between(rule, zone, start, end)) == expected
    assert len(expected) == len(set(expected))


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe"])
def test_every_quarter_hour_across_both_changes(zone: str) -> None:
    for start, end in [
        (datetime(2026, 3, 5, 0, 7, tzinfo=UTC), datetime(2026, 4, 10, tzinfo=UTC)),
        (datetime(2026, 9, 25, 0, 7, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC)),
    ]:
        expected = continuous("*/15 * * * *", zone, start, end)
        assert list(cron.between("*/15 * * * *", zone, start, end)) == expected
