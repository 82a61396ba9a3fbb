"""The messaging feature: which service answers each operation of channels and messages, the
events it publishes, its errors and its background work."""

from __future__ import annotations

from server_core.features.messaging import (
    auto_archive,
    channel_settings,
    channels,
    members,
    messages,
    reads,
)
from server_core.features.messaging.errors import (
    ChannelArchived,
    ChannelReadOnly,
    ClientIdReused,
    LoopPrevention,
    NotChannelMember,
    NotYourTurn,
)
from server_core.features.messaging.errors import MessageDeleted as MessageWasDeleted
from server_core.features.messaging.events import (
    ChannelUpdated,
    Membership,
    MessageCreated,
    MessageDeleted,
    MessageEdited,
    ReactionChanged,
    ReadReceiptEvent,
    Typing,
)
from server_core.features.messaging.operations import Channels, Messages
from server_core.kernel.feature import Feature, Worker

FEATURE = Feature(
    "messaging",
    serves={
        Channels.create: channels.do_create_channel,
        Channels.dm: channels.do_open_dm,
        Channels.list: channels.list_channels,
        Channels.unread: reads.unread,
        Channels.principals: channels.list_principals,
        Channels.get: channels.get_channel,
        Channels.update: channel_settings.do_update_channel,
        Channels.set_context: channel_settings.do_set_context,
        Channels.set_coordination: channel_settings.do_set_coordination,
        Channels.add_member: members.do_add_member,
        Channels.members: members.list_members,
        Channels.update_member: members.do_update_member,
        Channels.remove_member: members.do_remove_member,
        Channels.read_receipts: reads.read_receipts,
        Channels.transfer_thread: members.do_transfer_thread,
        Channels.links: channels.shared_links,
        Messages.send: messages.do_send,
        Messages.history: messages.history,
        Messages.mark_read: reads.do_mark_read,
        Messages.edit: messages.do_edit,
        Messages.delete: messages.do_delete,
        Messages.react: messages.do_react,
        Messages.unreact: messages.do_unreact,
    },
    events=[
        ChannelUpdated,
        Membership,
        ReadReceiptEvent,
        Typing,
        MessageCreated,
        MessageEdited,
        MessageDeleted,
        ReactionChanged,
    ],
    errors=[
        NotChannelMember,
        ChannelReadOnly,
        ChannelArchived,
        NotYourTurn,
        MessageWasDeleted,
        LoopPrevention,
        ClientIdReused,
    ],
    workers=[
        Worker(
            "auto-archived channels",
            auto_archive.run_once,
            lambda settings: settings.auto_archive_interval_seconds,
        )
    ],
)
