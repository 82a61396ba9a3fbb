"""Agent sessions: runs of an agent with a history channel, lineage and file reservations."""
