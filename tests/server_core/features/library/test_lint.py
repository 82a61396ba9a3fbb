"""Lint: the spec's example (tag case fixed, an entity alias reported, not fixed), the
conventions-driven rules and their fixes, code left alone, batch lint of a collection or of
paths, the health of the whole library, and lint during a strict push."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.library.helpers import new_library, put_page
from tests.server_core.features.messaging.team import Member, Team

pytestmark = pytest.mark.anyio

CONVENTIONS = {
    "dateFormat": "YYYY-MM-DD",
    "tagCase": "lowercase",
    "headingStyle": "atx",
    "personLinkFormat": "[[people/{handle}]]",
    "requiredFrontmatter": ["title", "tags"],
    "maxTitleLength": 20,
    "listStyle": "dash",
}


async def lint(client: httpx2.AsyncClient, who: Member, lib: str, **body: Any) -> dict[str, Any]:
    answer: dict[str, Any] = data(
        await client.post(f"/library/{lib}/lint", json=body, headers=who.headers)
    )
    return answer


async def library_with_conventions(client: httpx2.AsyncClient, who: Member) -> str:
    lib: str = (await new_library(client, who, defaults=True))["id"]
    body = {"conventions": CONVENTIONS}
    data(await client.put(f"/library/{lib}/conventions", json=body, headers=who.headers))
    entity = {"kind": "person", "canonicalName": "Jesse Genet", "aliases": ["Jesse"]}
    data(
        await client.post(
            f"/library/{lib}/entities",
            json={**entity, "handle": "jesse-genet"},
            headers=who.headers,
        ),
        201,
    )
    return lib


async def test_the_spec_example_fixes_the_tag_and_reports_the_alias(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = await library_with_conventions(client, team.human)
    body = "# My Page\n\nSome content with [[Jesse]] and #Auth tag"
    answer = await lint(client, team.human, lib, body=body, autoFix=True)
    by_rule = {f["rule"]: f for f in answer["findings"]}
    assert by_rule["tag-case"] == {
        "rule": "tag-case",
        "severity": "warning",
        "message": "Tag '#Auth' should be '#auth' per conventions (tagCase: lowercase)",
        "line": 3,
        "fix": {"old": "#Auth", "new": "#auth"},
    }
    assert by_rule["entity-alias"]["severity"] == "info"
    assert by_rule["entity-alias"]["message"] == (
        "[[Jesse]] resolves to canonical entity [[people/jesse-genet]]"
    )
    assert by_rule["entity-alias"]["line"] == 3
    assert by_rule["missing-frontmatter"]["severity"] == "error"
    assert answer["fixedBody"] == "# My Page\n\nSome content with [[Jesse]] and #auth tag"
    plain = await lint(client, team.human, lib, body=body)
    assert plain["fixedBody"] is None


async def test_conventions_rules_and_their_fixes(client: httpx2.AsyncClient, team: Team) -> None:
    lib = await library_with_conventions(client, team.human)
    await put_page(client, team.human, lib, "guides/setup", 201, body="setup")
    text = (
        "---\ntitle: A title much longer than twenty\ntags: [Auth]\ndue: 04/12/2026\n"
        "release: 1.2.3\n---\n"
        "Overview\n========\n\n* one\n* two\n\nSee [[guides/setup]], [[Setup]] and [[nowhere]].\n"
        "\n```\n#NotATag [[nowhere-in-code]]\n```\n\nInline `#Code` stays; #BigIdea moves.\n"
    )
    answer = await lint(client, team.human, lib, body=text, autoFix=True)
    found = {(f["rule"], f["line"]) for f in answer["findings"]}
    assert found == {
        ("max-title-length", None),
        ("tag-case", None),  # the front matter's tags
        ("date-format", None),
        ("heading-style", 7),
        ("list-style", 10),
        ("broken-link", 13),
        ("tag-case", 19),
    }
    assert answer["fixedBody"] == (
        "---\ntitle: A title much longer than twenty\ntags: [Auth]\ndue: 04/12/2026\n"
        "release: 1.2.3\n---\n"
        "# Overview\n\n- one\n- two\n\nSee [[guides/setup]], [[Setup]] and [[nowhere]].\n"
        "\n```\n#NotATag [[nowhere-in-code]]\n```\n\nInline `#Code` stays; #bigidea moves.\n"
    )


async def test_a_page_is_linted_by_path_and_bad_requests_are_refused(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = await library_with_conventions(client, team.human)
    await put_page(
        client, team.human, lib, "notes/a", 201, frontmatter={"tags": ["auth"]}, body="Hi #Ops"
    )
    answer = await lint(client, team.human, lib, path="notes/a", autoFix=True)
    assert answer["path"] == "notes/a"
    assert answer["pageId"]
    assert [(f["rule"], f["line"]) for f in answer["findings"]] == [("tag-case", 1)]
    assert answer["fixedBody"] == "Hi #ops"
    url = f"/library/{lib}/lint"
    error(await client.post(url, json={}, headers=team.human.headers), 400, "invalid_lint_request")
    both = {"path": "notes/a", "body": "x"}
    error(
        await client.post(url, json=both, headers=team.human.headers), 400, "invalid_lint_request"
    )
    missing = await client.post(url, json={"path": "notes/none"}, headers=team.human.headers)
    error(missing, 404)
    broken = await lint(client, team.human, lib, body="---\n[unclosed\n---\nbody")
    assert broken["findings"][0]["rule"] == "invalid-frontmatter"


async def test_batch_lint_and_health(client: httpx2.AsyncClient, team: Team) -> None:
    lib = await library_with_conventions(client, team.human)
    for n in range(3):
        await put_page(
            client, team.human, lib, f"decisions/{n}", 201, collection="decisions",
            frontmatter={"tags": ["x"], "status": "proposed"},
            body=f"About #Auth and [[Jesse]] {n}",
        )  # fmt: skip
    await put_page(client, team.human, lib, "misc/loose", 201, body="no tags")
    url = f"/library/{lib}/lint/batch"
    first = data(
        await client.post(
            url, json={"collection": "decisions", "limit": 2}, headers=team.human.headers
        )
    )
    assert [r["path"] for r in first["results"]] == ["decisions/0", "decisions/1"]
    assert first["hasMore"]
    assert first["totals"] == {"error": 0, "warning": 2, "info": 2}
    rest = data(
        await client.post(
            url,
            json={"collection": "decisions", "cursor": first["cursor"]},
            headers=team.human.headers,
        )
    )
    assert [r["path"] for r in rest["results"]] == ["decisions/2"]
    assert not rest["hasMore"]
    by_paths = data(
        await client.post(
            url, json={"paths": ["misc/loose", "misc/none"]}, headers=team.human.headers
        )
    )
    assert by_paths["missing"] == ["misc/none"]
    assert [f["rule"] for f in by_paths["results"][0]["findings"]] == ["missing-frontmatter"]
    error(await client.post(url, json={}, headers=team.human.headers), 400, "invalid_lint_request")
    health = data(await client.get(f"/library/{lib}/lint/health", headers=team.human.headers))
    assert health == {
        "byRule": {
            "entity-alias": {"info": 3},
            "missing-frontmatter": {"error": 1},
            "tag-case": {"warning": 3},
        },
        "totals": {"error": 1, "warning": 3, "info": 3},
        "pageCount": 4,
    }


async def test_a_strict_push_refuses_pages_with_lint_errors(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = await library_with_conventions(client, team.human)
    good = "---\ntitle: Fine\ntags: [ok]\n---\n\nText #Loud\n"
    bad = "---\ntitle: No tags\n---\n\nText\n"
    ops = [
        {"kind": "upsert", "path": "a", "raw": good, "clientOpId": "good"},
        {"kind": "upsert", "path": "b", "raw": bad, "clientOpId": "bad"},
    ]
    url = f"/library/{lib}/sync/push"
    strict = data(
        await client.post(
            url, json={"operations": ops, "lintMode": "strict"}, headers=team.human.headers
        )
    )
    assert [(r["status"], r["code"]) for r in strict["results"]] == [
        ("ok", None),
        ("error", "lint_failed"),
    ]
    assert [f["rule"] for f in strict["results"][0]["findings"]] == ["tag-case"]
    report = data(
        await client.post(
            url, json={"operations": ops[1:], "lintMode": "report"}, headers=team.human.headers
        )
    )
    assert report["results"][0]["status"] == "ok"
    assert [f["rule"] for f in report["results"][0]["findings"]] == ["missing-frontmatter"]
