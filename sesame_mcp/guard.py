"""The outbound guard: secret values this server revealed never leave it again as text.

Every value a vault tool decrypts (reveal, lease use, TOTP) is remembered for the life of the
process, and a tool that writes to the platform refuses arguments that contain one: a message,
a channel's context or description, a status, a profile. The check covers every string
argument of every tool that writes, so a new tool is covered without doing anything; tools
whose purpose is to store secrets in the vault (creating and updating items) are exempt.

Values too short to be told apart from ordinary words (under MIN_LENGTH characters) and
values whose hint marks them as identifiers (usernames, emails, URLs) are not remembered:
blocking every message that says "admin" would make the guard useless, not safer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MIN_LENGTH = 6
NOT_SECRET_HINTS = frozenset({"username", "email", "url"})


class SecretGuard:
    """The secret values revealed so far, and the check of outgoing text against them."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}  # value → a name for it (item and field)

    def remember(
        self, item: str, fields: Mapping[str, str], hints: Mapping[str, str] | None = None
    ) -> None:
        """Values just revealed: `fields` is field key → value, `hints` field key → hint."""
        for key, value in fields.items():
            hint = (hints or {}).get(key)
            if len(value.strip()) >= MIN_LENGTH and hint not in NOT_SECRET_HINTS:
                self._values[value.strip()] = f"field {key!r} of {item}"

    def leak(self, arguments: Mapping[str, Any]) -> str | None:
        """The name of the first remembered secret found in the string arguments (nested
        lists and objects included); None when there is none."""
        if not self._values:
            return None
        for text in _strings(arguments.values()):
            for value, name in self._values.items():
                if value in text:
                    return name
        return None


def _strings(values: Iterable[Any]) -> Iterable[str]:
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, Mapping):
            yield from _strings(value.keys())
            yield from _strings(value.values())
        elif isinstance(value, list | tuple | set):
            yield from _strings(value)
