"""Reliability checks: concurrent sends, crashes, idempotent retries, reconnects, authorization,
secrets at rest and in logs, and the API fuzz with every credential. Each check is a function
that returns its counts (shared with `bench/reliability.py`, which runs them at full size)."""
