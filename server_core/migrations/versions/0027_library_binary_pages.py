"""Library binary pages: `binary_file_id` on pages and their revisions, the drive file a binary
page's content is (NULL for a text page).

Plain nullable columns, no foreign key: on SQLite a foreign key would rebuild `library_pages`
and drop its search triggers (0020). The downgrade drops the columns with `ALTER TABLE … DROP
COLUMN` (SQLite 3.35+) for the same reason, not a batch rebuild.

Revision ID: 0027
Revises: 0026
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "library_page_revisions",
        sa.Column("binary_file_id", sa.String(length=36), nullable=True),
    )
    op.add_column(
        "library_pages",
        sa.Column("binary_file_id", sa.String(length=36), nullable=True),
    )


def downgrade() -> None:
    op.execute("ALTER TABLE library_pages DROP COLUMN binary_file_id")
    op.execute("ALTER TABLE library_page_revisions DROP COLUMN binary_file_id")
