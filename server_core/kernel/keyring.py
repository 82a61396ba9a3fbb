"""Encryption at rest: AES-256-GCM envelopes.

    master keys ──wrap──▶ data keys (one per workspace, table `data_keys`) ──seal──▶ ciphertext

- Master keys come from `SESAME_MASTER_KEY` or from a key file created in the data dir (mode
  0600) on first start. Each has an id; the first listed is current.
- A data key is 32 random bytes, stored only wrapped by a master key, together with that
  master key's id. `sesame-server keys rotate` adds a master key and rewraps every data key, so
  nothing sealed before has to be re-encrypted.
- A sealed value is `nonce ‖ ciphertext ‖ tag`, stored next to the id of its data key and bound
  to its row by associated data (a ciphertext copied to another row does not open).

Unwrapped data keys are cached for the life of the process.

Features that keep a data key per value (vault fields) wrap and unwrap their keys with
`wrap_key` / `unwrap_key`, binding each wrap to its owner by associated data.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.engine import Connection

from server_core.kernel.clock import utcnow
from server_core.kernel.ids import new_id
from server_core.kernel.store import Store
from server_core.kernel.store.tables import data_keys, workspaces

MASTER_KEY_FILE = "master-keys.json"
NONCE_BYTES = 12


class KeyringError(Exception):
    """A key is missing or a ciphertext does not open: configuration or data corruption."""


def _b64decode(text: str) -> bytes:
    text = text.strip()
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise KeyringError("master key is not valid base64") from exc


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _check_key(key_id: str, key: bytes) -> bytes:
    if len(key) != 32:
        raise KeyringError(f"master key '{key_id}' must be 32 bytes, got {len(key)}")
    return key


@dataclass(frozen=True)
class MasterKeys:
    """The master keys known to this process; `current_id` wraps new data keys."""

    current_id: str
    keys: dict[str, bytes]
    # The key file they came from; None when they came from the environment.
    path: Path | None = None

    @staticmethod
    def parse(spec: str) -> MasterKeys:
        """`base64` or `id:base64,id:base64` (first is current)."""
        keys: dict[str, bytes] = {}
        for part in (p.strip() for p in spec.split(",") if p.strip()):
            key_id, sep, encoded = part.rpartition(":")
            if not sep:
                encoded = part
            key = _b64decode(encoded)
            key_id = key_id or "env-" + hashlib.sha256(key).hexdigest()[:12]
            keys[key_id] = _check_key(key_id, key)
        if not keys:
            raise KeyringError("SESAME_MASTER_KEY is empty")
        return MasterKeys(next(iter(keys)), keys)

    @staticmethod
    def from_file(path: Path) -> MasterKeys:
        """Read the key file, creating it (mode 0600, atomically) with one key if missing."""
        if not path.exists():
            key_id = f"mk-{utcnow():%Y%m%d}-{secrets.token_hex(4)}"
            fresh = MasterKeys(key_id, {key_id: AESGCM.generate_key(bit_length=256)}, path)
            fresh._write(exclusive=True)
        try:
            doc = json.loads(path.read_text())
            keys = {kid: _check_key(kid, _b64decode(k)) for kid, k in doc["keys"].items()}
            return MasterKeys(doc["current"], keys, path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise KeyringError(f"cannot read master key file {path}: {exc}") from exc

    def with_new_key(self) -> MasterKeys:
        """A new current key added to the file (old keys stay, so old wraps still open)."""
        if self.path is None:
            raise KeyringError(
                "master keys come from SESAME_MASTER_KEY: put the new key first in that list, "
                "then run `keys rotate` to rewrap the data keys under it"
            )
        key_id = f"mk-{utcnow():%Y%m%d}-{secrets.token_hex(4)}"
        rotated = MasterKeys(
            key_id, {key_id: AESGCM.generate_key(bit_length=256), **self.keys}, self.path
        )
        rotated._write(exclusive=False)
        return rotated

    def _write(self, *, exclusive: bool) -> None:
        assert self.path is not None
        doc = {"current": self.current_id, "keys": {k: _b64encode(v) for k, v in self.keys.items()}}
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(doc, handle, indent=2)
        try:
            if exclusive:
                # Two processes starting at once: the first file wins, the other reads it.
                with contextlib.suppress(FileExistsError):
                    os.link(temp, self.path)
            else:
                os.replace(temp, self.path)
        finally:
            temp.unlink(missing_ok=True)


def load_master_keys(master_key: str | None, data_dir: Path) -> MasterKeys:
    if master_key:
        return MasterKeys.parse(master_key)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return MasterKeys.from_file(data_dir / MASTER_KEY_FILE)


def _wrap_aad(data_key_id: str) -> bytes:
    return f"data-key:{data_key_id}".encode()


class Keyring:
    """Seals and opens values with per-workspace data keys."""

    def __init__(self, masters: MasterKeys) -> None:
        self._masters = masters
        self._ciphers: dict[str, AESGCM] = {}
        self._current: dict[str, str] = {}

    @property
    def masters(self) -> MasterKeys:
        return self._masters

    # -- data keys ---------------------------------------------------------------------------

    def create_data_key(self, conn: Connection, workspace_id: str) -> str:
        """Add a data key for a workspace (in the caller's transaction, e.g. the one creating
        the workspace); return its id."""
        raw = AESGCM.generate_key(bit_length=256)
        data_key_id = new_id()
        master_id = self._masters.current_id
        conn.execute(
            sa.insert(data_keys).values(
                id=data_key_id,
                workspace_id=workspace_id,
                master_key_id=master_id,
                wrapped_key=self._wrap(master_id, data_key_id, raw),
                created_at=utcnow(),
            )
        )
        self._ciphers[data_key_id] = AESGCM(raw)
        return data_key_id

    def current_key_id(self, conn: Connection, workspace_id: str) -> str:
        """The workspace's newest data key (cached). Keys are created only with their
        workspace or at start, so what this reads is always committed."""
        key_id = self._current.get(workspace_id)
        if key_id is not None:
            return key_id
        row = conn.execute(
            sa.select(data_keys.c.id)
            .where(data_keys.c.workspace_id == workspace_id)
            .order_by(data_keys.c.created_at.desc(), data_keys.c.id.desc())
            .limit(1)
        ).first()
        if row is None:
            # Workspaces get their key when created, older ones at start (`backfill`).
            raise KeyringError(f"workspace {workspace_id} has no data key")
        self._current[workspace_id] = row.id
        return str(row.id)

    async def backfill(self, store: Store) -> int:
        """Give every workspace without a data key one (at start); return how many."""

        def backfill(conn: Connection) -> int:
            missing = conn.execute(
                sa.select(workspaces.c.id).where(
                    ~sa.exists().where(data_keys.c.workspace_id == workspaces.c.id)
                )
            ).scalars()
            count = 0
            for workspace_id in missing.all():
                self.create_data_key(conn, workspace_id)
                count += 1
            return count

        return await store.run_sync(backfill)

    def cipher(self, conn: Connection, data_key_id: str) -> AESGCM:
        """The AES-GCM cipher of a data key, unwrapping (and caching) it on first use."""
        cipher = self._ciphers.get(data_key_id)
        if cipher is not None:
            return cipher
        row = conn.execute(
            sa.select(data_keys.c.master_key_id, data_keys.c.wrapped_key).where(
                data_keys.c.id == data_key_id
            )
        ).first()
        if row is None:
            raise KeyringError(f"data key {data_key_id} does not exist")
        cipher = AESGCM(self._unwrap(row.master_key_id, data_key_id, row.wrapped_key))
        self._ciphers[data_key_id] = cipher
        return cipher

    def rewrap_all(self, conn: Connection) -> int:
        """Rewrap every data key under the current master key; return how many changed."""
        changed = 0
        rows = conn.execute(sa.select(data_keys)).mappings().all()
        current = self._masters.current_id
        for row in rows:
            if row["master_key_id"] == current:
                continue
            raw = self._unwrap(row["master_key_id"], row["id"], row["wrapped_key"])
            conn.execute(
                sa.update(data_keys)
                .where(data_keys.c.id == row["id"])
                .values(master_key_id=current, wrapped_key=self._wrap(current, row["id"], raw))
            )
            changed += 1
        return changed

    def _wrap(self, master_id: str, data_key_id: str, raw: bytes) -> bytes:
        return self._wrap_bound(master_id, raw, _wrap_aad(data_key_id))

    def _unwrap(self, master_id: str, data_key_id: str, wrapped: bytes) -> bytes:
        try:
            return self._unwrap_bound(master_id, wrapped, _wrap_aad(data_key_id))
        except InvalidTag as exc:
            raise KeyringError(f"data key {data_key_id} does not open with '{master_id}'") from exc

    def _wrap_bound(self, master_id: str, raw: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        master = AESGCM(self._masters.keys[master_id])
        return nonce + master.encrypt(nonce, raw, aad)

    def _unwrap_bound(self, master_id: str, wrapped: bytes, aad: bytes) -> bytes:
        if master_id not in self._masters.keys and self._masters.path is not None:
            # Rotated by another process since this one started: read the file again.
            self._masters = MasterKeys.from_file(self._masters.path)
        key = self._masters.keys.get(master_id)
        if key is None:
            raise KeyringError(f"master key '{master_id}' is not configured")
        return AESGCM(key).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], aad)

    # -- keys wrapped for other owners (vault fields) ----------------------------------------

    def wrap_key(self, raw: bytes, aad: bytes) -> tuple[str, bytes]:
        """Wrap a data key under the current master key, bound to `aad`; return the master
        key's id and the wrapped key (`nonce ‖ ciphertext ‖ tag`)."""
        master_id = self._masters.current_id
        return master_id, self._wrap_bound(master_id, raw, aad)

    def unwrap_key(self, master_id: str, wrapped: bytes, aad: bytes) -> bytes:
        """Open a key wrapped by `wrap_key` with the same `aad`; KeyringError if it does not."""
        try:
            return self._unwrap_bound(master_id, wrapped, aad)
        except InvalidTag as exc:
            raise KeyringError(f"wrapped key does not open with '{master_id}'") from exc

    # -- values ------------------------------------------------------------------------------

    def seal(self, conn: Connection, data_key_id: str, plaintext: str, bound_to: str) -> bytes:
        """Encrypt `plaintext`; `bound_to` names the row it belongs to (associated data)."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.cipher(conn, data_key_id).encrypt(
            nonce, plaintext.encode(), bound_to.encode()
        )
        return nonce + sealed

    def open(self, conn: Connection, data_key_id: str, sealed: bytes, bound_to: str) -> str:
        try:
            raw = self.cipher(conn, data_key_id).decrypt(
                sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], bound_to.encode()
            )
        except InvalidTag as exc:
            raise KeyringError(f"ciphertext of {bound_to} does not open") from exc
        return raw.decode()
