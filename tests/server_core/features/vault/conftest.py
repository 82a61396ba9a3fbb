"""Vault tests: a workspace with two humans and an agent for every vault role, plus an
outsider agent, and a vault owned by the `owner` agent with each role granted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2
import pytest

from tests.helpers import api_key_for, bearer, data, provision_agent, register

ROLES = ("owner", "admin", "editor", "viewer", "use_only")


@dataclass(frozen=True)
class Who:
    id: str
    handle: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Crew:
    ada: Who  # the first human, workspace admin
    grace: Who  # a second human
    agents: dict[str, Who]  # one per vault role, plus "outsider"
    vault_id: str

    def __getitem__(self, name: str) -> Who:
        if name == "human":
            return self.grace
        return self.agents[name]


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Open registration, so a second human can sign up."""
    return {"open_registration": True}


@pytest.fixture
async def crew(client: httpx2.AsyncClient) -> Crew:
    ada = await register(client)
    token = ada["accessToken"]
    grace = await register(client, "grace@example.com", "grace", "Grace")
    agents: dict[str, Who] = {}
    for name in (*ROLES, "outsider"):
        agent = await provision_agent(client, token, name.replace("_", "-") + "-bot")
        key = await api_key_for(client, token, agent["id"])
        agents[name] = Who(agent["id"], agent["handle"], bearer(key))
    vault = data(
        await client.post(
            "/vault/vaults", json={"name": "Production"}, headers=agents["owner"].headers
        ),
        201,
    )
    for role in ROLES[1:]:
        data(
            await client.post(
                f"/vault/vaults/{vault['id']}/members",
                json={"principalId": agents[role].id, "role": role},
                headers=agents["owner"].headers,
            ),
            201,
        )
    return Crew(
        ada=Who(ada["principal"]["id"], "ada", bearer(token)),
        grace=Who(grace["principal"]["id"], "grace", bearer(grace["accessToken"])),
        agents=agents,
        vault_id=vault["id"],
    )


async def create_item(
    client: httpx2.AsyncClient, crew: Crew, who: str = "owner", **body: Any
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "vaultId": crew.vault_id,
        "name": "DB Password",
        "type": "login",
        "fields": {"username": "admin", "password": "s3cret-canary"},
        **body,
    }
    detail: dict[str, Any] = data(
        await client.post("/vault/items", json=payload, headers=crew[who].headers), 201
    )
    return detail
