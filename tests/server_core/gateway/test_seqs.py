"""The per-connection record of sent seqs that keeps live delivery and replay from repeating."""

from __future__ import annotations

from server_core.gateway.seqs import MAX_HOLES, SeqTracker


def test_live_messages_are_sent_once() -> None:
    seqs = SeqTracker()
    assert [seqs.take("c", seq) for seq in (5, 6, 6, 7, 5)] == [True, True, False, True, False]
    assert seqs.covers("c", 6)
    assert not seqs.covers("c", 4)
    assert not seqs.covers("other", 6)


def test_a_message_that_was_overtaken_is_still_sent() -> None:
    seqs = SeqTracker()
    assert seqs.take("c", 10)
    assert seqs.take("c", 12)  # 11 is late
    assert not seqs.covers("c", 11)
    assert seqs.take("c", 11)
    assert not seqs.take("c", 11)
    assert seqs.take("c", 8)  # older than anything sent
    assert seqs.take("c", 9)
    assert not seqs.take("c", 8)


def test_after_a_replay_everything_up_to_its_end_is_covered() -> None:
    seqs = SeqTracker()
    seqs.take("c", 20)  # live before the replay
    seqs.take("c", 23)  # 21 and 22 still on their way
    seqs.replayed("c", 21)  # the client had ≤ 3, the replay read up to 21
    assert all(seqs.covers("c", seq) for seq in (1, 3, 15, 20, 21, 23))
    assert not seqs.covers("c", 22)
    assert seqs.take("c", 22)
    assert not seqs.take("c", 21)
    assert seqs.take("c", 24)

    fresh = SeqTracker()
    fresh.replayed("c", 0)  # nothing there yet
    assert fresh.take("c", 1)
    fresh.replayed("d", 7)
    assert not fresh.take("d", 7)
    assert fresh.take("d", 8)


def test_a_wide_gap_restarts_the_range() -> None:
    seqs = SeqTracker()
    seqs.take("c", 1)
    assert seqs.take("c", MAX_HOLES + 10)
    assert seqs.take("c", 2)  # not tracked as a hole, still sent
    assert not seqs.take("c", MAX_HOLES + 10)
    seqs.forget("c")
    assert seqs.take("c", MAX_HOLES + 10)
