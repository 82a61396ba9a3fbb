"""Talking to a library's git remote with dulwich: checking a remote's URL, fetching a branch
into memory and pushing one commit to it.

Everything here blocks (sockets, an `ssh` process): `git_mirror.py` runs it in a worker
thread. Remotes:

- `ssh://[user@]host[:port]/path` and scp-style `[user@]host:path`, with the mirror's key in a
  temporary file (0600, in a private directory, deleted after); `ssh` runs in batch mode
  (never prompts), trusts a host on first use (`StrictHostKeyChecking=accept-new`) and gives
  up on a silent connection;
- `https://` and `http://` without a password in the URL, with a socket timeout;
- `file://` URLs and absolute paths, when the server allows local remotes.

A remote that cannot be reached raises `GitRemoteUnreachable`; its message names the remote
without any password and never carries the key.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from dulwich.client import GitClient, TraditionalGitClient, get_transport_and_path
from dulwich.config import ConfigDict
from dulwich.objects import ObjectID
from dulwich.refs import Ref
from dulwich.repo import MemoryRepo

from server_core.features.library.errors import (
    GitPushRejected,
    GitRemoteMoved,
    GitRemoteUnreachable,
    InvalidGitRemote,
)
from server_core.kernel.errors import ApiError

RemoteKind = Literal["ssh", "http", "local"]
_SCP_STYLE = re.compile(r"^(?:[^@/:\s]+@)?[A-Za-z0-9._-]+:(?!//).+$")
_SCHEMES: dict[str, RemoteKind] = {
    "ssh": "ssh",
    "git+ssh": "ssh",
    "https": "http",
    "http": "http",
    "file": "local",
}


def remote_kind(url: str, *, allow_local: bool) -> RemoteKind:
    """What kind of remote `url` names, or 400 saying why it is refused."""
    if any(ord(char) < 32 for char in url):
        raise InvalidGitRemote("A remote may not hold control characters")
    if url.startswith("/"):
        kind: RemoteKind = "local"
    elif "://" in url:
        parts = urlsplit(url)
        found = _SCHEMES.get(parts.scheme.lower())
        if found is None:
            raise InvalidGitRemote(
                f"Remotes are ssh://, https:// or scp-style user@host:path, not {parts.scheme}://"
            )
        if parts.password is not None:
            raise InvalidGitRemote(
                "Put no password in the remote: use an ssh remote with sshKey instead"
            )
        if found != "local" and not parts.hostname:
            raise InvalidGitRemote("The remote names no host")
        if parts.hostname and parts.hostname.startswith("-"):
            raise InvalidGitRemote("A remote's host may not start with '-'")
        kind = found
    elif _SCP_STYLE.match(url):
        kind = "ssh"
        if url.startswith("-"):
            raise InvalidGitRemote("A remote's host may not start with '-'")
    else:
        raise InvalidGitRemote()
    if kind == "local" and not allow_local:
        raise InvalidGitRemote(
            "This server does not mirror to local paths (file:// or /…): use an ssh:// or "
            "https:// remote"
        )
    return kind


def shown(url: str) -> str:
    """The remote as messages name it: without any user information of a URL."""
    if "://" not in url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return parts._replace(netloc=netloc).geturl()


@dataclass(frozen=True)
class Remote:
    url: str
    kind: RemoteKind
    ssh_key: str | None
    timeout: float


@dataclass(frozen=True)
class Fetched:
    """A branch as fetched: its head (None when the remote has no such branch) and a repo in
    memory holding its objects."""

    repo: MemoryRepo
    head: ObjectID | None


def branch_ref(branch: str) -> Ref:
    return Ref(b"refs/heads/" + branch.encode())


@contextlib.contextmanager
def _client(remote: Remote) -> Iterator[tuple[GitClient, str]]:
    config = ConfigDict()
    config.set((b"http",), b"timeout", str(remote.timeout).encode())
    with contextlib.ExitStack() as stack:
        options: dict[str, str] = {}
        if remote.kind == "ssh":
            seconds = max(1, int(remote.timeout))
            options["ssh_command"] = (
                "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new "
                f"-o ConnectTimeout={seconds} -o ServerAliveInterval={max(1, seconds // 4)} "
                "-o ServerAliveCountMax=4"
            )
            if remote.ssh_key is not None:
                options["key_filename"] = stack.enter_context(_key_file(remote.ssh_key))
                options["ssh_command"] += " -o IdentitiesOnly=yes"
        url = remote.url.removeprefix("git+")
        client, path = get_transport_and_path(url, config=config, **options)  # type: ignore[arg-type]
        stack.callback(client.close)
        if isinstance(client, TraditionalGitClient):
            _close_connections_after(client, stack)
        yield client, path


def _close_connections_after(client: TraditionalGitClient, stack: contextlib.ExitStack) -> None:
    """Close every connection the client opens once the operation ends: dulwich leaves the
    `ssh` process of a connection the server hung up on (before the handshake) open."""
    connect = client._connect
    opened: list[Any] = []

    def tracked(*args: Any, **kwargs: Any) -> Any:
        connection = connect(*args, **kwargs)
        opened.append(connection[0])
        return connection

    client._connect = tracked  # type: ignore[method-assign]

    def close_all() -> None:
        for proto in opened:
            with contextlib.suppress(Exception):
                proto.close()

    stack.callback(close_all)


@contextlib.contextmanager
def _key_file(key: str) -> Iterator[str]:
    """The key in a file only this process's user can read, removed afterwards."""
    folder = tempfile.mkdtemp(prefix="sesame-git-")
    try:
        path = os.path.join(folder, "id")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key if key.endswith("\n") else key + "\n")
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _unreachable(remote: Remote) -> Iterator[None]:
    """Transport failures as 422 `git_remote_unreachable` (our own API errors pass)."""
    try:
        yield
    except ApiError:
        raise
    except Exception as error:  # dulwich, urllib3, OS and protocol errors alike
        reason = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
        detail = f"{type(error).__name__}: {reason}" if reason else type(error).__name__
        raise GitRemoteUnreachable(
            f"The git remote {shown(remote.url)} cannot be reached ({detail}); nothing was changed"
        ) from None


def fetch_branch(remote: Remote, branch: str) -> Fetched:
    """Fetch `branch` (its latest commit only) into a repo in memory."""
    repo = MemoryRepo()
    ref = branch_ref(branch)

    def wants(refs: dict[Ref, ObjectID], depth: int | None = None) -> list[ObjectID]:
        sha = refs.get(ref)
        return [sha] if sha else []

    with _unreachable(remote), _client(remote) as (client, path):
        result = client.fetch(path, repo, determine_wants=wants, depth=1)  # type: ignore[arg-type]
    head = result.refs.get(ref)
    return Fetched(repo, head)


def push_commit(remote: Remote, branch: str, fetched: Fetched, commit: ObjectID) -> None:
    """Move `branch` to `commit` (built on `fetched.head`); 409 if it moved meanwhile."""
    ref = branch_ref(branch)

    def update(refs: dict[Ref, ObjectID]) -> dict[Ref, ObjectID]:
        if refs.get(ref) != fetched.head:
            raise GitRemoteMoved(
                f"The branch {branch} of {shown(remote.url)} moved while the push was made: "
                "push again"
            )
        return {ref: commit}

    with _unreachable(remote), _client(remote) as (client, path):
        result = client.send_pack(path, update, fetched.repo.generate_pack_data)  # type: ignore[arg-type]
    refused = (result.ref_status or {}).get(ref)
    if refused:
        raise GitPushRejected(f"{shown(remote.url)} refused the push to {branch}: {refused}")
