"""The git mirror: configure (the key sealed, never answered), push the library to a bare
repository, plan a pull after commits made to it directly, apply the plan in one transaction,
409 once the branch or the library moved, 422 for a remote that cannot be reached."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from server_core.features.library.errors import InvalidGitRemote
from server_core.features.library.git_remote import remote_kind, shown
from server_core.features.library.tables import library_git_mirrors
from server_core.kernel.platform import Platform
from tests.helpers import data, error
from tests.server_core.features.library.git_repos import bare, commit_files, files_of
from tests.server_core.features.library.helpers import get_page, new_library, put_page
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings_overrides(settings_overrides: dict[str, Any]) -> dict[str, Any]:
    return {**settings_overrides, "git_mirror_allow_local": True, "git_mirror_timeout_seconds": 10}


def private_key() -> str:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    return base64.b64encode(pem).decode()


async def configure(
    client: httpx2.AsyncClient, team: Team, lib: str, remote: str, status: int = 201, **body: Any
) -> dict[str, Any]:
    url = f"/library/{lib}/git-mirror"
    answer: dict[str, Any] = data(
        await client.put(url, json={"remote": remote, **body}, headers=team.admin.headers),
        status,
    )
    return answer


async def test_push_then_pull_into_another_library_gives_the_same_pages(
    client: httpx2.AsyncClient, team: Team, tmp_path: Path
) -> None:
    remote = bare(tmp_path)
    first = (await new_library(client, team.admin, "Wiki"))["id"]
    await put_page(client, team.admin, first, "guides/onboarding", body="# Welcome\n\nHi [[faq]]")
    await put_page(
        client, team.admin, first, "faq", title="FAQ",
        frontmatter={"tags": ["help", "ops"], "owner": "ada", "nested": {"a": 1}},
        body="Questions.\n",
    )  # fmt: skip
    await put_page(client, team.admin, first, "gone", body="soon deleted")
    await client.delete(f"/library/{first}/pages/gone", headers=team.admin.headers)
    await configure(client, team, first, remote)

    pushed = data(
        await client.post(f"/library/{first}/git-mirror/push", headers=team.admin.headers)
    )
    assert (pushed["pushed"], pushed["pageCount"], pushed["parentCommit"]) == (True, 2, None)
    files = files_of(remote)
    assert sorted(files) == ["faq.md", "guides/onboarding.md"]
    faq = await get_page(client, team.admin, first, "faq")
    assert files["faq.md"].decode().startswith("---\ntitle: FAQ\n")
    # Nothing changed: no new commit.
    again = data(await client.post(f"/library/{first}/git-mirror/push", headers=team.admin.headers))
    assert (again["pushed"], again["commit"]) == (False, pushed["commit"])

    second = (await new_library(client, team.admin, "Copy"))["id"]
    await configure(client, team, second, f"file://{remote}")
    plan = data(
        await client.post(f"/library/{second}/git-mirror/pull/plan", headers=team.admin.headers)
    )
    assert plan["remoteCommit"] == pushed["commit"]
    assert [c["path"] for c in plan["added"]] == ["faq", "guides/onboarding"]
    assert (plan["modified"], plan["deleted"], plan["unchanged"]) == ([], [], 0)
    applied = data(
        await client.post(
            f"/library/{second}/git-mirror/pull/apply",
            json={"remoteCommit": plan["remoteCommit"], "libraryClock": plan["libraryClock"]},
            headers=team.admin.headers,
        )
    )
    assert applied["libraryClock"] == plan["libraryClock"] + 2
    for path in ("faq", "guides/onboarding"):
        original = await get_page(client, team.admin, first, path)
        copy = await get_page(client, team.admin, second, path)
        for field in ("path", "title", "collection", "frontmatter", "body", "sha"):
            assert copy[field] == original[field], field
    assert faq["frontmatter"] == {"tags": ["help", "ops"], "owner": "ada", "nested": {"a": 1}}
    listed = data(await client.get(f"/library/{second}/pages", headers=team.admin.headers))
    assert [p["path"] for p in listed] == ["faq", "guides/onboarding"]
    mirror = await configure(client, team, second, f"file://{remote}", status=200)
    assert mirror["lastPullCommit"] == pushed["commit"]


@pytest.mark.both_engines
async def test_plan_lists_adds_changes_and_deletes_and_apply_writes_them_at_once(
    client: httpx2.AsyncClient, team: Team, tmp_path: Path
) -> None:
    remote = bare(tmp_path)
    lib = (await new_library(client, team.admin))["id"]
    for path in ("a", "b", "c"):
        await put_page(client, team.admin, lib, path, body=f"page {path}")
    await configure(client, team, lib, remote)
    data(await client.post(f"/library/{lib}/git-mirror/push", headers=team.admin.headers))
    files = files_of(remote)
    files["b.md"] = b"---\ntitle: B edited\nstatus: open\n---\n\nnew body of b\n"
    del files["c.md"]
    files["d/e.md"] = b"# E\n\nfresh"
    files["README.txt"] = b"not a page"
    head = commit_files(remote, files)

    plan = data(
        await client.post(f"/library/{lib}/git-mirror/pull/plan", headers=team.admin.headers)
    )
    assert plan["remoteCommit"] == head
    assert [(c["path"], c["file"]) for c in plan["added"]] == [("d/e", "d/e.md")]
    assert [c["path"] for c in plan["modified"]] == ["b"]
    assert [c["path"] for c in plan["deleted"]] == ["c"]
    assert plan["unchanged"] == 1
    b_before = await get_page(client, team.admin, lib, "b")
    assert plan["modified"][0]["previousSha"] == b_before["sha"]

    body = {"remoteCommit": head, "libraryClock": plan["libraryClock"]}
    applied = data(
        await client.post(
            f"/library/{lib}/git-mirror/pull/apply", json=body, headers=team.admin.headers
        )
    )
    b = await get_page(client, team.admin, lib, "b")
    assert (b["title"], b["frontmatter"], b["body"]) == (
        "B edited",
        {"status": "open"},
        "new body of b\n",
    )
    assert applied["modified"][0]["sha"] == b["sha"]
    assert (await get_page(client, team.admin, lib, "d/e"))["title"] == "E"
    gone = await client.get(f"/library/{lib}/pages/c", headers=team.admin.headers)
    assert gone.status_code == 404
    # A plan applies once: the library has moved since.
    moved = await client.post(
        f"/library/{lib}/git-mirror/pull/apply", json=body, headers=team.admin.headers
    )
    assert error(moved, 409)["code"] == "git_library_changed"
    # Pushing keeps the files that are not pages.
    data(await client.post(f"/library/{lib}/git-mirror/push", headers=team.admin.headers))
    assert files_of(remote)["README.txt"] == b"not a page"


@pytest.mark.both_engines
async def test_apply_after_the_remote_moved_is_refused_and_changes_nothing(
    client: httpx2.AsyncClient, team: Team, tmp_path: Path
) -> None:
    remote = bare(tmp_path)
    lib = (await new_library(client, team.admin))["id"]
    await put_page(client, team.admin, lib, "a", body="one")
    await configure(client, team, lib, remote)
    data(await client.post(f"/library/{lib}/git-mirror/push", headers=team.admin.headers))
    commit_files(remote, {"a.md": b"two"})
    plan = data(
        await client.post(f"/library/{lib}/git-mirror/pull/plan", headers=team.admin.headers)
    )
    moved_to = commit_files(remote, {"a.md": b"three"})
    refused = await client.post(
        f"/library/{lib}/git-mirror/pull/apply",
        json={"remoteCommit": plan["remoteCommit"], "libraryClock": plan["libraryClock"]},
        headers=team.admin.headers,
    )
    body = error(refused, 409)
    assert (body["code"], body["details"]["remoteCommit"]) == ("git_remote_moved", moved_to)
    assert (await get_page(client, team.admin, lib, "a"))["body"] == "one"
    # A page written after the plan also stops it.
    plan = data(
        await client.post(f"/library/{lib}/git-mirror/pull/plan", headers=team.admin.headers)
    )
    await put_page(client, team.admin, lib, "a", body="local edit")
    refused = await client.post(
        f"/library/{lib}/git-mirror/pull/apply",
        json={"remoteCommit": plan["remoteCommit"], "libraryClock": plan["libraryClock"]},
        headers=team.admin.headers,
    )
    assert error(refused, 409)["code"] == "git_library_changed"
    # A branch that moved under a push is refused as well.
    lib_copy = (await new_library(client, team.admin, "Other"))["id"]
    await configure(client, team, lib_copy, remote)
    pushed = data(
        await client.post(f"/library/{lib_copy}/git-mirror/push", headers=team.admin.headers)
    )
    assert pushed["parentCommit"] == moved_to


async def test_an_unreachable_remote_is_a_422_and_changes_nothing(
    client: httpx2.AsyncClient, team: Team, tmp_path: Path
) -> None:
    lib = (await new_library(client, team.admin))["id"]
    await put_page(client, team.admin, lib, "a", body="one")
    await configure(client, team, lib, str(tmp_path / "missing.git"))
    for action in ("push", "pull/plan"):
        refused = await client.post(
            f"/library/{lib}/git-mirror/{action}", headers=team.admin.headers
        )
        assert error(refused, 422)["code"] == "git_remote_unreachable"
    await configure(client, team, lib, "ssh://git@127.0.0.1:1/wiki.git", status=200)
    refused = await client.post(f"/library/{lib}/git-mirror/pull/plan", headers=team.admin.headers)
    body = error(refused, 422)
    assert body["code"] == "git_remote_unreachable"
    assert "127.0.0.1" in body["error"]
    # An empty repository has no branch to pull.
    await configure(client, team, lib, bare(tmp_path), status=200)
    refused = await client.post(f"/library/{lib}/git-mirror/pull/plan", headers=team.admin.headers)
    assert error(refused, 422)["code"] == "git_branch_missing"
    mirror = await configure(client, team, lib, bare(tmp_path, "other.git"), status=200)
    assert mirror["lastPushCommit"] is None


async def test_invalid_files_stop_the_plan_naming_them(
    client: httpx2.AsyncClient, team: Team, tmp_path: Path
) -> None:
    remote = bare(tmp_path)
    lib = (await new_library(client, team.admin))["id"]
    await configure(client, team, lib, remote)
    data(await client.post(f"/library/{lib}/git-mirror/push", headers=team.admin.headers))
    for name, text in [
        ("bad.md", b"---\n: [\n---\nbody"),
        ("logs/history.md", b"reserved path"),
        ("x.md", b"---\ncollection: nowhere\n---\nbody"),
        ("latin.md", "caf\u00e9".encode("latin-1")),
    ]:
        commit_files(remote, {name: text})
        refused = await client.post(
            f"/library/{lib}/git-mirror/pull/plan", headers=team.admin.headers
        )
        body = error(refused, 422)
        assert (body["code"], body["details"]["file"]) == ("git_invalid_file", name)


@pytest.mark.both_engines
async def test_the_key_is_stored_sealed_and_never_answered(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    lib = (await new_library(client, team.admin))["id"]
    key = private_key()
    mirror = await configure(client, team, lib, "git@example.com:team/wiki.git", sshKey=key)
    assert mirror["hasSshKey"] is True
    assert (mirror["remote"], mirror["branch"]) == ("git@example.com:team/wiki.git", "main")
    assert "sshKey" not in mirror
    assert key not in str(mirror)
    pem = base64.b64decode(key)

    def row(conn: sa.Connection) -> Any:
        query = sa.select(library_git_mirrors).where(library_git_mirrors.c.library_id == lib)
        return conn.execute(query).mappings().one()

    stored = await platform.store.read(row)
    assert stored["ssh_key_sealed"] is not None
    assert stored["ssh_key_id"] is not None
    assert pem not in bytes(stored["ssh_key_sealed"])
    assert b"PRIVATE KEY" not in bytes(stored["ssh_key_sealed"])

    # Left out: kept. Null: removed. A remote of another kind keeps none.
    kept = await configure(client, team, lib, "ssh://git@example.com/team/wiki.git", status=200)
    assert kept["hasSshKey"] is True
    removed = await configure(
        client, team, lib, "ssh://git@example.com/team/wiki.git", status=200, sshKey=None
    )
    assert removed["hasSshKey"] is False
    await configure(client, team, lib, "git@example.com:team/wiki.git", status=200, sshKey=key)
    https = await configure(client, team, lib, "https://example.com/wiki.git", status=200)
    assert https["hasSshKey"] is False


async def test_bad_configurations_are_refused(
    client: httpx2.AsyncClient, team: Team, tmp_path: Path
) -> None:
    lib = (await new_library(client, team.admin))["id"]
    url = f"/library/{lib}/git-mirror"
    h = team.admin.headers
    cases = [
        ({"remote": "ftp://example.com/x"}, "invalid_git_remote"),
        ({"remote": "https://me:secret@example.com/x.git"}, "invalid_git_remote"),
        ({"remote": "not a remote"}, "invalid_git_remote"),
        ({"remote": "git@example.com:x.git", "branch": "bad..name"}, "invalid_git_branch"),
        ({"remote": "git@example.com:x.git", "sshKey": "%%%"}, "invalid_ssh_key"),
        (
            {"remote": "git@example.com:x.git", "sshKey": base64.b64encode(b"hi").decode()},
            "invalid_ssh_key",
        ),
        ({"remote": "https://example.com/x.git", "sshKey": private_key()}, "invalid_ssh_key"),
    ]
    for body, code in cases:
        assert error(await client.put(url, json=body, headers=h), 400)["code"] == code, body
    refused = await client.post(f"{url}/push", headers=h)
    assert error(refused, 409)["code"] == "git_mirror_not_configured"


def test_local_remotes_need_the_servers_consent() -> None:
    for local in ("/srv/git/wiki.git", "file:///srv/git/wiki.git"):
        with pytest.raises(InvalidGitRemote):
            remote_kind(local, allow_local=False)
        assert remote_kind(local, allow_local=True) == "local"
    assert remote_kind("git@github.com:team/wiki.git", allow_local=False) == "ssh"
    assert remote_kind("ssh://git@host:2222/wiki.git", allow_local=False) == "ssh"
    assert remote_kind("https://host/wiki.git", allow_local=False) == "http"
    assert shown("https://me@host/wiki.git") == "https://host/wiki.git"


async def test_only_admins_run_the_mirror(
    client: httpx2.AsyncClient, team: Team, tmp_path: Path
) -> None:
    lib = (await new_library(client, team.admin))["id"]
    add = {"principalId": team.human.id, "role": "editor"}
    data(await client.post(f"/library/{lib}/members", json=add, headers=team.admin.headers), 201)
    url = f"/library/{lib}/git-mirror"
    editor = team.human.headers
    put = await client.put(url, json={"remote": bare(tmp_path)}, headers=editor)
    assert error(put, 403)["code"] == "forbidden"
    for action in ("push", "pull/plan"):
        assert (
            error(await client.post(f"{url}/{action}", headers=editor), 403)["code"] == "forbidden"
        )
    body = {"remoteCommit": "0" * 40, "libraryClock": 0}
    applied = await client.post(f"{url}/pull/apply", json=body, headers=editor)
    assert error(applied, 403)["code"] == "forbidden"
    outsider = await client.post(f"{url}/push", headers=team.other_bot.headers)
    assert error(outsider, 404)["code"] == "not_found"
