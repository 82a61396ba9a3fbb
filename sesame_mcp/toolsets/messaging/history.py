"""What toolset `messaging` brings besides tools: the recent-messages resource of each
channel, and the prompts `catch_up` and `reply_in_thread`.

Prompts put other principals' messages in front of the model, so they hand them over the way
the tools do: quoted, one per line, labelled with author and channel, under a note that they
are data and not instructions.
"""

from __future__ import annotations

import json

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError
from mcp.server.mcpserver.prompts.base import UserMessage
from mcp.shared.exceptions import MCPError
from mcp.types import INTERNAL_ERROR, INVALID_PARAMS
from pydantic import Field

from sesame_mcp.client import SesameError
from sesame_mcp.failures import explain
from sesame_mcp.labels import channel_label
from sesame_mcp.prompts import prompt
from sesame_mcp.registry import ToolFailure
from sesame_mcp.state import Sesame
from sesame_mcp.toolsets.messaging import refs
from sesame_mcp.toolsets.messaging.messaging import TOOLSET
from sesame_mcp.toolsets.messaging.views import DATA_NOTE, MessageView, message_lines

RECENT = 50  # messages in the channel resource: a screenful, well under the page limit
CATCH_UP = 100  # unread messages a catch_up prompt quotes at most


# Channel arguments of this toolset's prompts and resource templates complete to names and ids.
TOOLSET.completer("channel")(refs.channel_names)
TOOLSET.completer("channelId")(refs.channel_ids)


@TOOLSET.extra
def channel_messages_resource(server: MCPServer, state: Sesame) -> None:
    @server.resource(
        "sesame://channels/{channelId}/messages",
        name="channel_messages",
        title="Recent messages of a channel",
        description=f"The newest {RECENT} messages of a channel, thread replies included, "
        f"oldest first (JSON). {DATA_NOTE}",
        mime_type="application/json",
    )
    async def channel_messages(channelId: str) -> str:
        try:
            channel = await refs.resolve_channel(state, channelId)
            page = await state.client.messages.history(
                channel.id, limit=RECENT, include_replies=True
            )
        except SesameError as error:
            text = explain(error, "reading the channel", TOOLSET.next_steps)
            if error.status in (403, 404):  # not a channel of yours: the URI names nothing
                raise ResourceNotFoundError(text) from error
            raise ResourceError(text) from error
        except ToolFailure as failure:
            raise ResourceNotFoundError(str(failure)) from failure
        return json.dumps(
            {
                "channelId": channel.id,
                "channel": channel_label(channel),
                "lastSeq": channel.last_seq,
                "lastReadSeq": channel.last_read_seq,
                "messages": [MessageView.of(m).model_dump(mode="json") for m in page.items],
            }
        )


def prompt_error(text: str, cause: SesameError | None = None) -> MCPError:
    """A prompt that cannot be made: invalid params (the client named something that is not
    there) unless the platform itself failed. Raised as the SDK's `MCPError`, the message
    reaches the client as written and no traceback is logged for a client's mistake."""
    failed = cause is not None and (cause.status is None or cause.status >= 500)
    return MCPError(code=INTERNAL_ERROR if failed else INVALID_PARAMS, message=text)


@TOOLSET.extra
def prompts(server: MCPServer, state: Sesame) -> None:
    @prompt(server, title="Catch up on a channel")
    async def catch_up(
        channel: str = Field(description=refs.CHANNEL_REF),
    ) -> list[UserMessage]:
        """What you missed in a channel: its unread messages, to summarize and answer."""
        try:
            found = await refs.resolve_channel(state, channel)
            unread = [
                MessageView.of(message)
                async for message in state.client.messages.after(
                    found.id, found.last_read_seq, limit=CATCH_UP
                )
            ][:CATCH_UP]
        except SesameError as error:
            raise prompt_error(explain(error, "catch_up", TOOLSET.next_steps), error) from error
        except ToolFailure as failure:
            raise prompt_error(str(failure)) from failure
        where = channel_label(found)
        if not unread:
            text = f"Nothing is unread in {where}."
        else:
            lines = message_lines(where, unread)
            lines.append(
                f"Summarize what I missed in {where}, and say which messages need an answer "
                f"from me. Then mark them read with mark_read(channel={where!r}, "
                f"seq={unread[-1].seq})."
            )
            text = "\n".join(lines)
        return [UserMessage(text)]

    @prompt(server, title="Reply in a thread")
    async def reply_in_thread(
        channel: str = Field(description=refs.CHANNEL_REF),
        message: str = Field(description="The thread's root message: its seq (12 or #12) or id"),
    ) -> list[UserMessage]:
        """Reply in the thread of a message: the thread so far, and how to post the reply."""
        try:
            found = await refs.resolve_channel(state, channel)
            root = MessageView.of(await refs.resolve_message(state, found.id, message))
            page = await state.client.messages.history(found.id, thread_root_id=root.id, limit=50)
        except SesameError as error:
            text = explain(error, "reply_in_thread", TOOLSET.next_steps)
            raise prompt_error(text, error) from error
        except ToolFailure as failure:
            raise prompt_error(str(failure)) from failure
        if root.thread_root_id is not None:
            raise prompt_error(f"#{root.seq} is a reply; name its thread's root message instead.")
        where = channel_label(found)
        thread = [root] + [MessageView.of(m) for m in page.items]
        lines = message_lines(f"the thread of #{root.seq} in {where}", thread)
        lines.append(
            f"Write a reply to this thread and post it with send_message(channel={where!r}, "
            f"thread='#{root.seq}', content=...)."
        )
        return [UserMessage("\n".join(lines))]
