"""Messages: a `clientGeneratedId` is unique per sender within a channel, not per channel, so
one member cannot claim (and so suppress) the keys of another.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_messages_channel_id_client_generated_id"), type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_messages_channel_id_sender_id_client_generated_id"),
            ["channel_id", "sender_id", "client_generated_id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_messages_channel_id_sender_id_client_generated_id"), type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_messages_channel_id_client_generated_id"),
            ["channel_id", "client_generated_id"],
        )
