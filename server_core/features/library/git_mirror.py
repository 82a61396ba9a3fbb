"""A library's git mirror: configuring it, pushing the library to it, planning and applying a
pull from it. The library's admins run it (role `manage`).

The SSH key is sealed with the workspace's data key (AES-256-GCM envelope, the key bound to
the library by associated data) and never answered: the mirror shows `hasSshKey`.

Push, plan and apply are async flows: git runs in a worker thread (`git_remote.py`, bounded
by `git_mirror_timeout_seconds`) between transactions of their own, so no transaction waits
on the network. A push reads the live pages in one transaction, commits them on the branch's
head and pushes (409 if the branch moved meanwhile). A plan fetches the branch and compares
it with the library; apply fetches again and goes ahead only if the branch is still at the
plan's commit and the library still at the plan's clock (`git_pull.py`), writing every
change in one transaction.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from functools import partial
from typing import TypeVar

import anyio
import anyio.to_thread
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from dulwich.objects import ObjectID
from dulwich.refs import Ref, check_ref_format
from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.library.access import access_library
from server_core.features.library.errors import (
    GitMirrorNotConfigured,
    GitRemoteUnreachable,
    InvalidGitBranch,
    InvalidSshKey,
)
from server_core.features.library.git_mirror_schemas import (
    ApplyGitPullRequest,
    ConfigureGitMirrorRequest,
    GitMirror,
    GitPullPlan,
    GitPush,
)
from server_core.features.library.git_pull import Target, apply_pull, plan_pull
from server_core.features.library.git_remote import (
    Fetched,
    Remote,
    fetch_branch,
    push_commit,
    remote_kind,
    shown,
)
from server_core.features.library.git_tree import build_commit
from server_core.features.library.revisions import content_of
from server_core.features.library.tables import library_git_mirrors, library_pages
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.events import Event
from server_core.kernel.keyring import Keyring
from server_core.kernel.operations import Created
from server_core.kernel.platform import Platform

T = TypeVar("T")
_UNSAFE_NAME = re.compile(r"[<>\n\r]")


def _bound(library_id: str) -> str:
    return f"library-git-mirror:{library_id}"


def find_mirror(conn: Connection, library_id: str) -> RowMapping | None:
    return (
        conn.execute(
            sa.select(library_git_mirrors).where(library_git_mirrors.c.library_id == library_id)
        )
        .mappings()
        .first()
    )


def mirror_view(row: RowMapping) -> GitMirror:
    return GitMirror.model_validate({**row, "has_ssh_key": row["ssh_key_sealed"] is not None})


def check_branch(branch: str) -> None:
    if not check_ref_format(Ref(b"refs/heads/" + branch.encode())) or branch.startswith("-"):
        raise InvalidGitBranch(f"'{branch}' is not a valid git branch name")


def check_ssh_key(encoded: str) -> str:
    """The key's text, once it decodes and loads as an unencrypted private key."""
    try:
        text = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidSshKey("sshKey is not valid base64") from None
    loaders = (serialization.load_ssh_private_key, serialization.load_pem_private_key)
    for load in loaders:
        try:
            load(text, password=None)
        except TypeError:
            raise InvalidSshKey("The key has a passphrase: give it without one") from None
        except ValueError:
            continue
        return text.decode("ascii", "replace")
    raise InvalidSshKey()


def do_configure_git_mirror(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    keyring: Keyring,
    settings: Settings,
    library_id: str,
    request: ConfigureGitMirrorRequest,
) -> Created[GitMirror]:
    """Create or replace the mirror. `sshKey` left out keeps the stored key (for an ssh
    remote); null removes it. Remotes of other kinds keep no key."""
    access = access_library(conn, caller, library_id, "manage", lock=True)
    kind = remote_kind(request.remote, allow_local=settings.git_mirror_allow_local)
    check_branch(request.branch)
    before = find_mirror(conn, access.id)
    key_id, sealed = (before["ssh_key_id"], before["ssh_key_sealed"]) if before else (None, None)
    if request.ssh_key is not None:
        if kind != "ssh":
            raise InvalidSshKey("An SSH key goes with an ssh remote (ssh:// or user@host:path)")
        key_text = check_ssh_key(request.ssh_key)
        key_id = keyring.current_key_id(conn, access.library["workspace_id"])
        sealed = keyring.seal(conn, key_id, key_text, _bound(access.id))
    elif "ssh_key" in request.model_fields_set or kind != "ssh":
        key_id, sealed = None, None
    now = utcnow()
    values = {
        "remote": request.remote,
        "branch": request.branch,
        "ssh_key_id": key_id,
        "ssh_key_sealed": sealed,
        "updated_by": caller.principal_id,
        "updated_at": now,
    }
    if before is None:
        conn.execute(
            library_git_mirrors.insert().values(library_id=access.id, created_at=now, **values)
        )
    else:
        conn.execute(
            library_git_mirrors.update()
            .where(library_git_mirrors.c.library_id == access.id)
            .values(**values)
        )
    row = find_mirror(conn, access.id)
    assert row is not None
    return Created(mirror_view(row), created=before is None)


# --- the flows: git between transactions ---------------------------------------------------


def _target(
    conn: Connection, *, caller: Caller, keyring: Keyring, settings: Settings, library_id: str
) -> Target:
    access = access_library(conn, caller, library_id, "manage")
    row = find_mirror(conn, access.id)
    if row is None:
        raise GitMirrorNotConfigured()
    key = None
    if row["ssh_key_sealed"] is not None:
        key = keyring.open(conn, row["ssh_key_id"], row["ssh_key_sealed"], _bound(access.id))
    kind = remote_kind(row["remote"], allow_local=settings.git_mirror_allow_local)
    remote = Remote(row["remote"], kind, key, settings.git_mirror_timeout_seconds)
    return Target(access.id, access.library["slug"], access.library["clock"], remote, row["branch"])


async def _off_loop(target: Target, work: Callable[[], T]) -> T:
    """Run blocking git work in a worker thread; past the timeout the request stops waiting
    for it (the transports' own timeouts end the thread)."""
    try:
        with anyio.fail_after(target.remote.timeout + 5):
            return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
    except TimeoutError:
        raise GitRemoteUnreachable(
            f"The git remote {shown(target.remote.url)} did not answer within "
            f"{target.remote.timeout:g} seconds; nothing was changed"
        ) from None


def _export(conn: Connection, target: Target) -> dict[str, str]:
    """The live text pages of the library as files' text, by path (binary pages are left out:
    their bytes stay in the drive)."""
    rows = conn.execute(
        sa.select(library_pages)
        .where(
            library_pages.c.library_id == target.library_id,
            library_pages.c.deleted_at.is_(None),
            library_pages.c.binary_file_id.is_(None),
        )
        .order_by(library_pages.c.path)
    ).mappings()
    return {row["path"]: content_of(row).raw() for row in rows}


def _author(caller: Caller) -> str:
    name = _UNSAFE_NAME.sub("", caller.display_name).strip() or caller.handle
    return f"{name} <{_UNSAFE_NAME.sub('', caller.handle)}@sesame.local>"


async def do_push_git_mirror(platform: Platform, *, caller: Caller, library_id: str) -> GitPush:
    """Commit the library's live pages on the branch and push it."""
    keyring, settings = platform.keyring, platform.settings

    def read(conn: Connection) -> tuple[Target, dict[str, str]]:
        target = _target(
            conn, caller=caller, keyring=keyring, settings=settings, library_id=library_id
        )
        return target, _export(conn, target)

    target, pages = await platform.store.read(read)
    message = f"Library {target.slug}: {len(pages)} pages at clock {target.clock}\n"

    def push() -> tuple[Fetched, ObjectID | None]:
        fetched = fetch_branch(target.remote, target.branch)
        commit = build_commit(
            fetched.repo, fetched.head, pages, author=_author(caller), message=message
        )
        if commit is not None:
            push_commit(target.remote, target.branch, fetched, commit)
        return fetched, commit

    fetched, commit = await _off_loop(target, push)
    head = commit or fetched.head
    if commit is not None:
        async with platform.store.transaction() as tx:
            await tx.run(partial(_record, library_id=target.library_id, push=commit.decode()))
    return GitPush(
        remote=shown(target.remote.url),
        branch=target.branch,
        commit=head.decode() if head else "",
        parent_commit=fetched.head.decode() if fetched.head else None,
        pushed=commit is not None,
        page_count=len(pages),
        library_clock=target.clock,
    )


def _record(
    conn: Connection, library_id: str, *, push: str | None = None, pull: str | None = None
) -> None:
    values = (
        {"last_push_commit": push, "last_pushed_at": utcnow()}
        if push is not None
        else {"last_pull_commit": pull, "last_pulled_at": utcnow()}
    )
    conn.execute(
        library_git_mirrors.update()
        .where(library_git_mirrors.c.library_id == library_id)
        .values(**values)
    )


async def _fetch(platform: Platform, caller: Caller, library_id: str) -> tuple[Target, Fetched]:
    keyring, settings = platform.keyring, platform.settings
    target = await platform.store.read(
        partial(_target, caller=caller, keyring=keyring, settings=settings, library_id=library_id)
    )
    fetched = await _off_loop(target, partial(fetch_branch, target.remote, target.branch))
    return target, fetched


async def plan_git_pull(platform: Platform, *, caller: Caller, library_id: str) -> GitPullPlan:
    """What a pull of the branch would change in the library, nothing written."""
    target, fetched = await _fetch(platform, caller, library_id)
    return await platform.store.read(partial(plan_pull, target=target, fetched=fetched))


async def do_apply_git_pull(
    platform: Platform, *, caller: Caller, library_id: str, request: ApplyGitPullRequest
) -> GitPullPlan:
    """Apply a plan: only while the branch is at its commit and the library at its clock."""
    target, fetched = await _fetch(platform, caller, library_id)
    async with platform.store.transaction() as tx:
        applied = await tx.unit(
            partial(apply_pull, caller=caller, target=target, fetched=fetched, request=request)
        )
        await tx.run(partial(_record, library_id=target.library_id, pull=applied.remote_commit))
    return applied
