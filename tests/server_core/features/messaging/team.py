"""A small team for messaging tests: an admin, a second human and two agents with API keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2

from tests.helpers import data

OPEN_LIMITS = {"cooldownMs": 0, "maxConsecutive": 100_000, "rateLimit": 100_000}


@dataclass(frozen=True)
class Member:
    id: str
    handle: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Team:
    admin: Member
    human: Member
    bot: Member
    other_bot: Member

    @property
    def everyone(self) -> tuple[Member, ...]:
        return (self.admin, self.human, self.bot, self.other_bot)

    async def channel(
        self,
        client: httpx2.AsyncClient,
        owner: Member | None = None,
        members: tuple[Member, ...] | None = None,
        **body: Any,
    ) -> dict[str, Any]:
        """A group channel owned by `owner` (default: the admin) with `members` (default: the
        whole team)."""
        owner = owner or self.admin
        others = [m.id for m in (members or self.everyone) if m != owner]
        payload = {"kind": "group", "name": "general", "memberIds": others, **body}
        channel: dict[str, Any] = data(
            await client.post("/channels", json=payload, headers=owner.headers), 201
        )
        return channel


async def send(
    client: httpx2.AsyncClient, channel_id: str, who: Member, content: str = "hi", **body: Any
) -> httpx2.Response:
    return await client.post(
        f"/channels/{channel_id}/messages", json={"content": content, **body}, headers=who.headers
    )


async def coordinate(
    client: httpx2.AsyncClient, channel_id: str, owner: Member, mode: str, **limits: int
) -> dict[str, Any]:
    """Set the channel's coordination mode and (some of) its loop-prevention limits."""
    channel: dict[str, Any] = data(
        await client.put(
            f"/channels/{channel_id}/coordination",
            json={"mode": mode, "loopPrevention": limits},
            headers=owner.headers,
        )
    )
    return channel


async def open_limits(client: httpx2.AsyncClient, channel_id: str, owner: Member) -> None:
    await coordinate(client, channel_id, owner, "free", **OPEN_LIMITS)
