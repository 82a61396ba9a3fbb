"""Every REST operation of the client against a real server, answers typed with the server's
wire models."""

from __future__ import annotations

import pytest

from server_core.features.messaging.schemas import Channel, ChannelMember, Message
from server_core.kernel.principal_schemas import Principal
from sesame_mcp.client import SesameClient, SesameError, generate_agent_keys
from tests.sesame_mcp.conftest import Workspace

pytestmark = pytest.mark.anyio


async def test_agents_are_provisioned_keyed_listed_edited_and_archived(
    workspace: Workspace,
) -> None:
    admin = workspace.admin
    public, private = generate_agent_keys()
    made = await admin.agents.create("Builder", display_name="The Builder", public_key=public)
    assert isinstance(made, Principal)
    assert (made.handle, made.display_name, made.public_key) == ("builder", "The Builder", public)
    second = await admin.agents.create("second")

    first_page = await admin.agents.list(limit=1)
    assert [agent.id for agent in first_page.items] == [made.id]
    assert first_page.has_more
    assert isinstance(first_page.cursor, str)
    rest = await admin.agents.list(limit=1, cursor=first_page.cursor)
    assert ([agent.id for agent in rest.items], rest.has_more) == ([second.id], False)
    assert (await admin.agents.get(made.id)).id == made.id

    key = await admin.agents.create_api_key(made.id, label="ci")
    assert key.key.startswith("sk_live_")
    listed = await admin.agents.api_keys(made.id)
    assert [(k.id, k.key_prefix, k.label) for k in listed] == [(key.id, key.key[:12], "ci")]

    async with SesameClient(workspace.url, api_key=key.key) as agent:
        renamed = await agent.agents.update(made.id, display_name="Renamed", avatar_url=None)
        assert renamed.display_name == "Renamed"
        status = await agent.agents.set_status(made.id, "working", progress=40, emoji="🔧")
        assert (status.status, status.progress, status.handle) == ("working", 40, "builder")

        new_public, new_private = generate_agent_keys()
        await admin.agents.rotate_key(made.id, new_public)
        async with SesameClient(
            workspace.url, agent_handle="builder", private_key=new_private
        ) as signed:
            assert (await signed.auth.me()).id == made.id
        async with SesameClient(workspace.url, agent_handle="builder", private_key=private) as old:
            with pytest.raises(SesameError) as caught:
                await old.auth.me()
            assert caught.value.code == "invalid_credentials"

        revoked = await admin.agents.revoke_api_key(made.id, key.id)
        assert revoked.revoked_at is not None
        with pytest.raises(SesameError) as caught:
            await agent.auth.me()
        assert caught.value.status == 401

    archived = await admin.agents.archive(second.id)
    assert not archived.is_active
    assert [a.id for a in (await admin.agents.list()).items] == [made.id]
    assert len((await admin.agents.list(include_archived=True)).items) == 2
    back = await admin.agents.update(second.id, is_active=True)
    assert back.is_active


async def test_channels_members_and_their_metadata(workspace: Workspace) -> None:
    admin = workspace.admin
    me = await admin.auth.me()
    one = await workspace.agent("one")
    two = await workspace.agent("two")
    channel = await admin.channels.create(
        "group", name="Plans", description="What next", member_ids=[one.id]
    )
    assert isinstance(channel, Channel)
    assert (channel.name, channel.role, channel.visibility) == ("Plans", "owner", "mixed")
    assert {m.principal_id for m in channel.members or []} == {me.id, one.id}

    dm = await admin.channels.dm(two.id)
    assert dm.kind == "dm"
    assert dm.dm_partner is not None
    assert dm.dm_partner.id == two.id
    assert (await admin.channels.dm(two.id)).id == dm.id
    assert {c.id for c in await admin.channels.list()} == {channel.id, dm.id}
    assert (await admin.channels.get(channel.id)).description == "What next"

    updated = await admin.channels.update(channel.id, name="Plans B", description=None)
    assert (updated.name, updated.description) == ("Plans B", None)
    context = await admin.channels.set_context(channel.id, "Ship on Friday")
    assert context.context == "Ship on Friday"
    assert context.context_version == channel.context_version + 1
    coordinated = await admin.channels.set_coordination(
        channel.id, "round_robin", loop_prevention={"rate_limit": 60}
    )
    assert coordinated.coordination_mode == "round_robin"
    assert coordinated.loop_prevention.rate_limit == 60

    added = await admin.channels.add_member(channel.id, two.id, role="readonly")
    assert isinstance(added, ChannelMember)
    assert (added.principal_id, added.role) == (two.id, "readonly")
    promoted = await admin.channels.update_member(channel.id, two.id, role="member", muted=True)
    assert (promoted.role, promoted.muted) == ("member", True)
    assert {m.principal_id for m in await admin.channels.members(channel.id)} == {
        me.id,
        one.id,
        two.id,
    }
    removed = await admin.channels.remove_member(channel.id, two.id)
    assert removed.principal_id == two.id

    root = await admin.messages.send(channel.id, "see https://example.com/plan")
    transfer = await admin.channels.transfer_thread(channel.id, root.id, one.id)
    assert (transfer.owner_id, transfer.previous_owner_id) == (one.id, me.id)
    links = await admin.channels.links(channel.id)
    assert [(link.url, link.message_id) for link in links] == [
        ("https://example.com/plan", root.id)
    ]
    agent = await workspace.client_for(one)
    unread = await agent.channels.unread()
    assert unread[channel.id] >= 1
    receipts = await admin.channels.read_receipts(channel.id)
    assert {r.principal_id for r in receipts} == {me.id, one.id}
    principals = await admin.channels.principals()
    assert {p.handle for p in principals} == {"ada", "one", "two"}


async def test_messages_are_sent_paged_edited_reacted_read_and_deleted(
    workspace: Workspace,
) -> None:
    admin = workspace.admin
    reader_account = await workspace.agent("reader")
    reader = await workspace.client_for(reader_account)
    channel = await workspace.group("talk", reader_account)
    base = (await admin.channels.get(channel)).last_seq

    sent = [await admin.messages.send(channel, f"m{n}") for n in range(5)]
    assert isinstance(sent[0], Message)
    assert [m.seq for m in sent] == list(range(base + 1, base + 6))
    again = await admin.messages.send(channel, "m-retry", client_generated_id="once")
    assert (await admin.messages.send(channel, "m-retry", client_generated_id="once")).id == (
        again.id
    )
    reply = await admin.messages.send(channel, "in thread", thread_root_id=sent[0].id)

    newest = await admin.messages.history(channel, limit=2)
    assert [m.plaintext for m in newest.items] == ["m4", "m-retry"]
    assert newest.has_more
    older = await admin.messages.history(channel, limit=2, cursor=newest.cursor)
    assert [m.plaintext for m in older.items] == ["m2", "m3"]
    forward = await admin.messages.history(channel, cursor=base, direction="after", limit=3)
    assert [m.plaintext for m in forward.items] == ["m0", "m1", "m2"]
    thread = await admin.messages.history(channel, thread_root_id=sent[0].id)
    assert [m.id for m in thread.items] == [reply.id]
    everything = [m async for m in admin.messages.after(channel, base, limit=2)]
    assert [m.seq for m in everything] == list(range(base + 1, base + 8))
    top_level = [m async for m in admin.messages.after(channel, base, include_replies=False)]
    assert reply.id not in {m.id for m in top_level}

    edited = await admin.messages.edit(channel, sent[1].id, "m1, edited")
    assert (edited.plaintext, edited.is_edited) == ("m1, edited", True)
    reacted = await reader.messages.react(channel, sent[1].id, "🎉")
    assert [(r.emoji, r.count, r.has_reacted) for r in reacted.reactions] == [("🎉", 1, True)]
    unreacted = await reader.messages.unreact(channel, sent[1].id, "🎉")
    assert unreacted.reactions == []

    position = await reader.messages.mark_read(channel, sent[2].seq)
    assert (position.last_read_seq, position.channel_id) == (sent[2].seq, channel)
    assert (await reader.channels.unread())[channel] == position.unread_count

    deleted = await admin.messages.delete(channel, sent[3].id)
    assert (deleted.is_deleted, deleted.plaintext) == (True, None)


async def test_a_profile_is_updated(workspace: Workspace) -> None:
    me = await workspace.admin.auth.update_profile(
        display_name="Ada L.", profile={"readReceiptEmoji": "👀"}, avatar_url="https://a.example/x"
    )
    assert (me.display_name, me.profile, me.avatar_url) == (
        "Ada L.",
        {"readReceiptEmoji": "👀"},
        "https://a.example/x",
    )
    cleared = await workspace.admin.auth.update_profile(avatar_url=None)
    assert (cleared.display_name, cleared.avatar_url) == ("Ada L.", None)
