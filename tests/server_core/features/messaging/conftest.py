"""Messaging tests run with open registration, so a second human can sign up, and share a
`team` (see `team.py`)."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.helpers import api_key_for, bearer, provision_agent, register
from tests.server_core.features.messaging.team import Member, Team


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"open_registration": True}


@pytest.fixture
async def team(client: httpx2.AsyncClient) -> Team:
    admin = await register(client)
    token = admin["accessToken"]
    human = await register(client, "grace@example.com", "grace", "Grace")
    bot = await provision_agent(client, token, "bot")
    other = await provision_agent(client, token, "other-bot")
    return Team(
        admin=Member(admin["principal"]["id"], "ada", bearer(token)),
        human=Member(human["principal"]["id"], "grace", bearer(human["accessToken"])),
        bot=Member(bot["id"], "bot", bearer(await api_key_for(client, token, bot["id"]))),
        other_bot=Member(
            other["id"], "other-bot", bearer(await api_key_for(client, token, other["id"]))
        ),
    )
