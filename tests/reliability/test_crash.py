"""`kill -9` of a real `sesame-server serve` (SQLite data dir) during concurrent writes, two
rounds: acknowledged writes lost 0, `PRAGMA integrity_check` ok after every kill, the first
write after every restart succeeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.crash import crash_rounds

pytestmark = pytest.mark.slow

ROUNDS = 2
SENDERS = 6
WRITES_PER_ROUND = 60


def test_acknowledged_writes_survive_kill_9_rounds(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    database = tmp_path / "sesame.db"
    flags = ["--data-dir", str(data_dir), "--database-url", f"sqlite:///{database}"]
    report = crash_rounds(
        flags, database, tmp_path, rounds=ROUNDS, senders=SENDERS, writes=WRITES_PER_ROUND
    )
    print(f"reliability: kill -9: {report.summary()}")
    assert report.rounds == ROUNDS
    assert len(report.messages) + len(report.items) >= ROUNDS * WRITES_PER_ROUND
    assert report.integrity == ["ok"] * ROUNDS
    assert report.first_writes == [201] * ROUNDS
    assert (report.lost_messages, report.lost_items, report.seq_gaps) == (0, 0, 0)
