"""Appending under a heading: the heading tree walked with markdown-it, missing headings
created, the block placed at the end of its section; `ifVersionAtLeast`; pages created."""

from __future__ import annotations

import httpx2
import pytest

from server_core.features.library.blocks import append_block
from tests.helpers import data, error
from tests.server_core.features.library.helpers import new_library, put_page
from tests.server_core.features.messaging.team import Team

LOG = """# Daily log

## 2026-04-11

- shipped v2.0

## 2026-04-12

### Updates

- deployed auth

### Blockers

- none

## Notes

```
# not a heading
```
"""


def test_content_goes_at_the_end_of_the_named_section() -> None:
    body = append_block(LOG, ["Daily log", "2026-04-12", "Updates"], "- fixed rate limiting")
    assert "- deployed auth\n- fixed rate limiting\n\n### Blockers" in body
    # Found without the outermost heading too, and case aside.
    again = append_block(LOG, ["2026-04-11"], "- hotfix")
    assert "- shipped v2.0\n- hotfix\n\n## 2026-04-12" in again
    assert append_block(LOG, ["updates"], "- x").count("### Updates") == 1


def test_missing_headings_are_created_at_the_sibling_level() -> None:
    body = append_block(LOG, ["2026-04-13", "Updates"], "- new day")
    assert body.endswith("```\n\n## 2026-04-13\n\n### Updates\n\n- new day\n")
    # A heading inside a code fence is not one.
    fenced = append_block(LOG, ["not a heading"], "text")
    assert fenced.count("# not a heading") == 2
    assert append_block("", ["Today"], "- first") == "# Today\n\n- first\n"
    assert append_block("intro", [], "more") == "intro\n\nmore\n"


def test_paragraphs_are_separated_by_a_blank_line() -> None:
    body = append_block("# A\n\ntext\n\n# B\n", ["A"], "second paragraph")
    assert body == "# A\n\ntext\n\nsecond paragraph\n\n# B\n"


@pytest.mark.anyio
async def test_append_over_rest(client: httpx2.AsyncClient, team: Team) -> None:
    lib = (await new_library(client, team.human))["id"]
    url = f"/library/{lib}/pages/logs/standup/blocks"
    created = data(
        await client.post(
            url, json={"appendUnder": ["2026-04-12"], "content": "- hi"}, headers=team.human.headers
        )
    )
    assert (created["version"], created["body"], created["title"]) == (
        1,
        "# 2026-04-12\n\n- hi\n",
        "standup",
    )
    appended = data(
        await client.post(
            url,
            json={"appendUnder": ["2026-04-12"], "content": "- again", "ifVersionAtLeast": 1},
            headers=team.human.headers,
        )
    )
    assert (appended["version"], appended["body"]) == (2, "# 2026-04-12\n\n- hi\n- again\n")
    behind = await client.post(
        url,
        json={"appendUnder": [], "content": "x", "ifVersionAtLeast": 5},
        headers=team.human.headers,
    )
    assert error(behind, 409, "version_behind")["details"] == {"currentVersion": 2}
    history = data(
        await client.get(f"/library/{lib}/pages/logs/standup/history", headers=team.human.headers)
    )
    assert [r["operation"] for r in history] == ["append", "create"]
    for body in ({"content": ""}, {"appendUnder": ["x"]}, {"content": "x", "appendUnder": [""]}):
        error(await client.post(url, json=body, headers=team.human.headers), 400)
    await put_page(client, team.human, lib, "other", 201, body="x")
    error(
        await client.post(url, json={"content": "x"}, headers=team.bot.headers),
        404,
    )
