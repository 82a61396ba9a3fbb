"""`/channels` and `/channels/:cid/messages`: channels, their settings and members, and the
messages in them."""

from __future__ import annotations

from server_core.features.messaging.errors import (
    ChannelArchived,
    ChannelReadOnly,
    ClientIdReused,
    LoopPrevention,
    MessageDeleted,
    NotChannelMember,
    NotYourTurn,
)
from server_core.features.messaging.schemas import (
    AddMemberRequest,
    AddReactionRequest,
    Channel,
    ChannelMember,
    CreateChannelRequest,
    DmRequest,
    EditMessageRequest,
    HistoryQuery,
    MarkReadRequest,
    Message,
    MessageReactions,
    PrincipalSummary,
    ReadPosition,
    ReadReceipt,
    SendMessageRequest,
    SetContextRequest,
    SetCoordinationRequest,
    SharedLink,
    ThreadOwnership,
    TransferThreadRequest,
    UpdateChannelRequest,
    UpdateMemberRequest,
)
from server_core.kernel.errors import (
    AttachmentsUnavailable,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
)
from server_core.kernel.operations import Operation, Operations, PathParam
from server_core.kernel.wire import Page

CHANNEL = PathParam("id", "channel_id", "Channel id")
MEMBER = PathParam("pid", "principal_id", "Principal id of the member")
THREAD = PathParam("mid", "message_id", "The thread's root message id")
IN_CHANNEL = PathParam("cid", "channel_id", "Channel id")
MESSAGE = PathParam("mid", "message_id", "Message id")
EMOJI = PathParam("emoji", "emoji", "The emoji, URL-encoded", max_length=32 * 4)

# Named once: inside the classes, `list` is an operation.
ChannelList = list[Channel]
Members = list[ChannelMember]
Principals = list[PrincipalSummary]
ReadReceipts = list[ReadReceipt]
Links = list[SharedLink]
UnreadCounts = dict[str, int]

# What refuses a member's change to a channel: not a member (403), not allowed (403), no such
# channel (404), archived (409).
CHANGE_REFUSALS = (Forbidden, NotChannelMember, NotFound, ChannelArchived)
READ_REFUSALS = (NotChannelMember, NotFound)


class Channels(Operations):
    """The caller's channels. Everything under one channel is for its members; settings,
    context, coordination and members are changed by its owners and admins."""

    area = "channels"

    create = Operation(
        "POST",
        "/channels",
        body=CreateChannelRequest,
        response=Channel,
        status=201,
        also={200: "The existing DM"},
        errors=[BadRequest, NotFound],
        summary="Create a channel (a dm returns the existing one if there is one)",
    )
    dm = Operation(
        "POST",
        "/channels/dm",
        body=DmRequest,
        response=Channel,
        also={201: "A new DM"},
        idempotent=True,
        errors=[BadRequest, NotFound],
        summary="Get or create the DM with a principal",
    )
    list = Operation("GET", "/channels", response=ChannelList, summary="List your channels")
    unread = Operation(
        "GET",
        "/channels/unread",
        response=UnreadCounts,
        summary="Unread counts: {channelId: count} over your channels that are not archived",
    )
    principals = Operation(
        "GET",
        "/channels/principals",
        response=Principals,
        summary="Active principals of the workspace (to pick DM partners and members)",
    )
    get = Operation(
        "GET",
        "/channels/{id}",
        params=[CHANNEL],
        response=Channel,
        errors=READ_REFUSALS,
        summary="Get a channel (members only)",
    )
    update = Operation(
        "PATCH",
        "/channels/{id}",
        params=[CHANNEL],
        body=UpdateChannelRequest,
        response=Channel,
        idempotent=True,
        errors=[BadRequest, *CHANGE_REFUSALS],
        summary="Update channel settings (owners and admins; archiving: owners)",
    )
    # Not idempotent: each call records a new context version.
    set_context = Operation(
        "PUT",
        "/channels/{id}/context",
        params=[CHANNEL],
        body=SetContextRequest,
        response=Channel,
        idempotent=False,
        errors=CHANGE_REFUSALS,
        summary="Replace the channel context (versioned; owners and admins)",
    )
    # Not idempotent: setting the mode restarts turn-taking, even to the same mode.
    set_coordination = Operation(
        "PUT",
        "/channels/{id}/coordination",
        params=[CHANNEL],
        body=SetCoordinationRequest,
        response=Channel,
        idempotent=False,
        errors=CHANGE_REFUSALS,
        summary="Set the coordination mode and loop prevention (owners and admins)",
    )
    add_member = Operation(
        "POST",
        "/channels/{id}/members",
        params=[CHANNEL],
        body=AddMemberRequest,
        response=ChannelMember,
        status=201,
        errors=[BadRequest, *CHANGE_REFUSALS, Conflict],
        summary="Add a member (owners and admins); posts a system join message",
    )
    members = Operation(
        "GET",
        "/channels/{id}/members",
        params=[CHANNEL],
        response=Members,
        errors=READ_REFUSALS,
        summary="List members",
    )
    update_member = Operation(
        "PATCH",
        "/channels/{id}/members/{pid}",
        params=[CHANNEL, MEMBER],
        body=UpdateMemberRequest,
        response=ChannelMember,
        idempotent=True,
        errors=[Forbidden, NotChannelMember, NotFound, Conflict],
        summary="Update a member: role (owners and admins), muted and participationMode",
    )
    remove_member = Operation(
        "DELETE",
        "/channels/{id}/members/{pid}",
        params=[CHANNEL, MEMBER],
        response=ChannelMember,
        errors=[BadRequest, Forbidden, NotChannelMember, NotFound, Conflict],
        summary="Remove a member, or leave (your own id)",
    )
    read_receipts = Operation(
        "GET",
        "/channels/{id}/read-receipts",
        params=[CHANNEL],
        response=ReadReceipts,
        errors=READ_REFUSALS,
        summary="Members' read positions, with their read-receipt emoji",
    )
    transfer_thread = Operation(
        "POST",
        "/channels/{id}/threads/{mid}/transfer",
        params=[CHANNEL, THREAD],
        body=TransferThreadRequest,
        response=ThreadOwnership,
        idempotent=True,
        errors=[BadRequest, *CHANGE_REFUSALS],
        summary="Hand a thread to another member (its owner, or channel owners and admins)",
    )
    links = Operation(
        "GET",
        "/channels/{id}/links",
        params=[CHANNEL],
        response=Links,
        errors=READ_REFUSALS,
        summary="Links shared in the channel's recent messages (newest first, up to 100)",
    )


class Messages(Operations):
    """Messages of the caller's channels. A channel's `seq` numbers its messages 1, 2, 3…
    without gaps; history pages and the event listener's replay are both keyed by it."""

    area = "messages"

    # The hottest write: concurrent sends share a commit, locking channels in one order.
    send = Operation(
        "POST",
        "/channels/{cid}/messages",
        params=[IN_CHANNEL],
        body=SendMessageRequest,
        response=Message,
        status=201,
        also={
            200: "You sent this message already (same clientGeneratedId, same message): that one"
        },
        errors=[
            AttachmentsUnavailable,
            BadRequest,
            NotChannelMember,
            ChannelReadOnly,
            NotFound,
            ChannelArchived,
            NotYourTurn,
            LoopPrevention,
            ClientIdReused,
        ],
        transaction="combined",
        order_by="cid",
        summary="Send a message",
    )
    history = Operation(
        "GET",
        "/channels/{cid}/messages",
        params=[IN_CHANNEL],
        query=HistoryQuery,
        response=Page[Message],
        errors=READ_REFUSALS,
        summary="Message history, oldest first within a page (cursor = seq)",
    )
    mark_read = Operation(
        "POST",
        "/channels/{cid}/messages/read",
        params=[IN_CHANNEL],
        body=MarkReadRequest,
        response=ReadPosition,
        idempotent=True,
        errors=READ_REFUSALS,
        summary="Mark everything up to and including seq as read",
    )
    edit = Operation(
        "PATCH",
        "/channels/{cid}/messages/{mid}",
        params=[IN_CHANNEL, MESSAGE],
        body=EditMessageRequest,
        response=Message,
        idempotent=True,
        errors=[*CHANGE_REFUSALS, MessageDeleted],
        summary="Edit your message (the previous text is kept as a revision)",
    )
    delete = Operation(
        "DELETE",
        "/channels/{cid}/messages/{mid}",
        params=[IN_CHANNEL, MESSAGE],
        response=Message,
        errors=CHANGE_REFUSALS,
        summary="Delete a message (sender, or channel owners and admins): the text is erased",
    )
    react = Operation(
        "POST",
        "/channels/{cid}/messages/{mid}/reactions",
        params=[IN_CHANNEL, MESSAGE],
        body=AddReactionRequest,
        response=MessageReactions,
        idempotent=True,
        errors=[*CHANGE_REFUSALS, MessageDeleted],
        summary="Add your reaction (idempotent)",
    )
    unreact = Operation(
        "DELETE",
        "/channels/{cid}/messages/{mid}/reactions/{emoji}",
        params=[IN_CHANNEL, MESSAGE, EMOJI],
        response=MessageReactions,
        errors=[NotChannelMember, NotFound, ChannelArchived],
        summary="Remove your reaction (URL-encode the emoji; idempotent)",
    )
