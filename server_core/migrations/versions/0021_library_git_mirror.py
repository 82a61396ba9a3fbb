"""Library git mirrors: remote, branch, the sealed SSH key, the last commits pushed and pulled.

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "library_git_mirrors",
        sa.Column("library_id", sa.String(length=36), nullable=False),
        sa.Column("remote", sa.String(length=2048), nullable=False),
        sa.Column("branch", sa.String(length=255), nullable=False),
        sa.Column("ssh_key_id", sa.String(length=36), nullable=True),
        sa.Column("ssh_key_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("last_push_commit", sa.String(length=40), nullable=True),
        sa.Column("last_pushed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_pull_commit", sa.String(length=40), nullable=True),
        sa.Column("last_pulled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["library_id"],
            ["libraries.id"],
            name=op.f("fk_library_git_mirrors_library_id_libraries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["principals.id"],
            name=op.f("fk_library_git_mirrors_updated_by_principals"),
        ),
        sa.PrimaryKeyConstraint("library_id", name=op.f("pk_library_git_mirrors")),
    )


def downgrade() -> None:
    op.drop_table("library_git_mirrors")
