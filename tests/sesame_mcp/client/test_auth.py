"""The three credentials, over REST and over the WebSocket: API key, Ed25519 signature and a
human's access token, renewed by its refresh token when it expires."""

from __future__ import annotations

import asyncio

import anyio
import pytest

from server_core.kernel.tokens import issue_access_token
from sesame_mcp.client import AccessToken, AgentKey, ApiKey, SesameClient, SesameError
from tests.helpers import PASSWORD
from tests.sesame_mcp.conftest import WAIT, Workspace

pytestmark = pytest.mark.anyio


async def test_an_api_key_authenticates_rest_and_events(workspace: Workspace) -> None:
    account = await workspace.agent("keyed")
    async with SesameClient(workspace.url, api_key=account.api_key) as client:
        assert isinstance(client.credentials, ApiKey)
        me = await client.auth.me()
        assert (me.id, me.kind, me.email) == (account.id, "agent", None)
        with anyio.fail_after(WAIT):
            async with client.listen() as events:
                assert events.principal_id == account.id


async def test_an_ed25519_key_signs_every_request_and_connection(workspace: Workspace) -> None:
    account = await workspace.agent("signer")
    async with SesameClient(
        workspace.url, agent_handle=account.handle, private_key=account.private_key
    ) as client:
        assert isinstance(client.credentials, AgentKey)
        first = client.credentials.authorization()
        assert first.startswith(f"Signature {account.handle}.")
        assert (await client.auth.me()).id == account.id
        assert (await client.auth.me()).handle == account.handle  # a fresh signature works again
        with anyio.fail_after(WAIT):
            async with client.listen() as events:
                assert events.principal_id == account.id


async def test_a_human_logs_in_with_email_and_password(workspace: Workspace) -> None:
    async with await SesameClient.login(workspace.url, "Ada@Example.com", PASSWORD) as client:
        assert isinstance(client.credentials, AccessToken)
        me = await client.auth.me()
        assert (me.handle, me.kind, me.email) == ("ada", "human", "ada@example.com")
        with anyio.fail_after(WAIT):
            async with client.listen() as events:
                assert events.principal_id == me.id


async def test_a_wrong_password_is_a_401(workspace: Workspace) -> None:
    with pytest.raises(SesameError) as caught:
        await SesameClient.login(workspace.url, "ada@example.com", "not the password")
    assert (caught.value.status, caught.value.code) == (401, "invalid_credentials")


async def test_an_expired_access_token_is_renewed_once_for_concurrent_requests(
    workspace: Workspace,
) -> None:
    me = await workspace.admin.auth.me()
    session = await SesameClient.login(workspace.url, "ada@example.com", PASSWORD)
    async with session:
        assert isinstance(session.credentials, AccessToken)
        refresh_token = session.credentials.refresh_token
    secret = workspace.live.platform.signing_secret
    expired, _ = issue_access_token(secret, me.id, me.workspace_id, -60)
    async with SesameClient(workspace.url, token=expired, refresh_token=refresh_token) as client:
        # Five requests notice the expiry together; one refresh serves them all (a second
        # refresh with the spent token would revoke the whole login).
        answers = await asyncio.gather(*(client.auth.me() for _ in range(5)))
        assert {answer.id for answer in answers} == {me.id}
        assert isinstance(client.credentials, AccessToken)
        assert client.credentials.token != expired
        assert client.credentials.refresh_token != refresh_token
        assert (await client.auth.me()).id == me.id


async def test_an_expired_access_token_is_renewed_for_the_event_connection(
    workspace: Workspace,
) -> None:
    me = await workspace.admin.auth.me()
    session = await SesameClient.login(workspace.url, "ada@example.com", PASSWORD)
    async with session:
        assert isinstance(session.credentials, AccessToken)
        refresh_token = session.credentials.refresh_token
    secret = workspace.live.platform.signing_secret
    expired, _ = issue_access_token(secret, me.id, me.workspace_id, -60)
    client = SesameClient(workspace.url, token=expired, refresh_token=refresh_token)
    # The baseline comes from the channel list (renewing the token), so start from cursors
    # to reach the WebSocket with the expired token.
    async with client, client.listen(cursors={}) as events:
        assert events.principal_id == me.id
        assert isinstance(client.credentials, AccessToken)
        assert client.credentials.token != expired


async def test_an_expired_token_without_a_refresh_token_is_a_401(workspace: Workspace) -> None:
    me = await workspace.admin.auth.me()
    secret = workspace.live.platform.signing_secret
    expired, _ = issue_access_token(secret, me.id, me.workspace_id, -60)
    async with SesameClient(workspace.url, token=expired) as client:
        with pytest.raises(SesameError) as caught:
            await client.auth.me()
        assert (caught.value.status, caught.value.code) == (401, "credentials_expired")


async def test_one_credential_only() -> None:
    with pytest.raises(ValueError, match="one credential"):
        SesameClient("http://127.0.0.1:1", api_key="sk_live_x", token="t")
