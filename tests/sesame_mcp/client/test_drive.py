"""`client.drive` beyond the declared operations: an upload in one call (from bytes or a
stream), reading a file's bytes back, and the signed links' refusals as `SesameError`s. Against
the real server, whose signed links lead back to it (see the drive toolset's conftest)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sesame_mcp.client import SesameError
from tests.sesame_mcp.conftest import Agent
from tests.sesame_mcp.toolsets.drive.conftest import live as live
from tests.sesame_mcp.toolsets.drive.conftest import port as port
from tests.sesame_mcp.toolsets.drive.conftest import settings_overrides as settings_overrides

pytestmark = pytest.mark.anyio


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_a_stream_is_uploaded_in_one_call_and_read_back(agent: Agent) -> None:
    drive = agent.client.drive
    file = await drive.upload(
        "log.txt", chunks(b"one\n", b"two\n"), content_type="text/plain", size=8
    )
    assert (file.name, file.size, file.uploaded_by) == ("log.txt", 8, agent.account.id)
    assert await drive.read_bytes(file.id) == b"one\ntwo\n"
    with pytest.raises(TypeError, match="size="):
        await drive.upload("log.txt", chunks(b"x"), content_type="text/plain")


async def test_the_signed_links_refusals_are_sesame_errors(agent: Agent) -> None:
    drive = agent.client.drive
    issued = await drive.upload_url("a.txt", "text/plain", 1)
    await drive.put_bytes(issued.upload_url, b"a", content_type="text/plain", size=1)
    with pytest.raises(SesameError) as again:
        await drive.put_bytes(issued.upload_url, b"a", content_type="text/plain", size=1)
    assert (again.value.status, again.value.code) == (409, "already_uploaded")
    file = await drive.register(issued.file_id, issued.s3_key, "a.txt", "text/plain", 1)
    link = (await drive.download_url(file.id)).download_url
    with pytest.raises(SesameError) as tampered:
        async with drive.open_bytes(link.replace("name=a.txt", "name=b.txt")):
            pass
    assert (tampered.value.status, tampered.value.code) == (403, "link_invalid")
    async with drive.open_bytes(link) as response:
        assert [chunk async for chunk in response.aiter_bytes()] == [b"a"]
