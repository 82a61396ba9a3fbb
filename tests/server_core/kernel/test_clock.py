"""Wire timestamps: milliseconds (truncated) and a Z, whatever zone or precision a value has."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from server_core.kernel.clock import as_utc, to_wire


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (datetime(2026, 3, 14, 12, 0, 0, tzinfo=UTC), "2026-03-14T12:00:00.000Z"),
        (datetime(2026, 3, 14, 12, 0, 0, 999999, tzinfo=UTC), "2026-03-14T12:00:00.999Z"),
        (datetime(2026, 3, 14, 12, 0, 0, 1000), "2026-03-14T12:00:00.001Z"),
        (datetime(2026, 3, 14, 12, 0, 0, 999), "2026-03-14T12:00:00.000Z"),
        (
            datetime(2026, 3, 14, 0, 30, tzinfo=timezone(timedelta(hours=2))),
            "2026-03-13T22:30:00.000Z",
        ),
        (datetime(999, 1, 2, 3, 4, 5, 6000, tzinfo=UTC), "0999-01-02T03:04:05.006Z"),
        (datetime(9999, 12, 31, 23, 59, 59, 123456), "9999-12-31T23:59:59.123Z"),
    ],
)
def test_to_wire(value: datetime, wire: str) -> None:
    assert to_wire(value) == wire


def test_as_utc_reads_naive_values_as_utc_and_converts_others() -> None:
    naive = datetime(2026, 3, 14, 12, 0, 0, 123456)
    assert as_utc(naive) == naive.replace(tzinfo=UTC)
    assert as_utc(naive).tzinfo is UTC
    plus_two = datetime(2026, 3, 14, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    converted = as_utc(plus_two)
    assert (converted.hour, converted.tzinfo) == (12, UTC)
