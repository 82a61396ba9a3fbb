"""The schedule: a shared calendar of events — agents' cron jobs and people's events — with
exceptions per occurrence and a run log."""
