"""Tools for webhook subscriptions (none yet)."""
