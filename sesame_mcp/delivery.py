"""Secret values delivered to files instead of the model's context.

A vault tool writes what it decrypted to a JSON file (`{"field": "value", ...}`) of its own,
mode 0600, in a directory only this user can enter (mode 0700): `secrets/` under the server's
data dir, or a fresh temporary directory. The tool result names the file and the fields, so an
agent hands the path to a program (`jq -r .password FILE`) and the values never pass through
its context. A file is removed when its lease ends (its time runs out or it is revoked through
this server), after `REVEAL_TTL` for direct reveals, and when the server stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

REVEAL_TTL = timedelta(minutes=15)
SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class SecretFiles:
    """The secret files of one server process."""

    def __init__(self, data_dir: Path | None = None) -> None:
        if data_dir is not None:
            self.directory = data_dir / "secrets"
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(self.directory, 0o700)  # an existing directory may have been looser
            self._owned = False
        else:
            self.directory = Path(tempfile.mkdtemp(prefix="sesame-mcp-secrets-"))
            self._owned = True
        self._files: dict[str, Path] = {}  # key (lease id, or reveal:<n>) → file
        self._timers: dict[str, asyncio.TimerHandle] = {}

    def write(self, key: str, label: str, fields: dict[str, str], until: datetime | None) -> Path:
        """Write `fields` to a new private file, replacing the one `key` had; remove it at
        `until` (or after REVEAL_TTL when None)."""
        self.discard(key)
        name = f"{SAFE.sub('-', label)[:60]}-{secrets.token_hex(4)}.json"
        target = self.directory / name
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(fields, handle, indent=2)
        self.keep(key, target, until)
        return target

    def private_path(self, label: str) -> Path:
        """A new path in the private directory for a file named after `label` (not created)."""
        return self.directory / f"{secrets.token_hex(4)}-{SAFE.sub('-', label)[:80]}"

    def keep(self, key: str, target: Path, until: datetime | None) -> None:
        """Remove `target` (a file in the private directory) at `until`, after REVEAL_TTL when
        None, or when the server stops, whichever comes first."""
        self._files[key] = target
        expires = until or datetime.now(UTC) + REVEAL_TTL
        delay = max(0.0, (expires - datetime.now(UTC)).total_seconds())
        with contextlib.suppress(RuntimeError):  # no running loop: removed at close only
            loop = asyncio.get_running_loop()
            self._timers[key] = loop.call_later(delay, self.discard, key)

    def discard(self, key: str) -> None:
        """Remove the file of `key`, if it has one."""
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        target = self._files.pop(key, None)
        if target is not None:
            target.unlink(missing_ok=True)

    def close(self) -> None:
        """Remove every file (and the directory, when it was a temporary one)."""
        for key in list(self._files):
            self.discard(key)
        if self._owned:
            shutil.rmtree(self.directory, ignore_errors=True)
