"""Library search index, conventions and entities

Full-text search over the live pages of libraries, kept by the database itself so that no
write path can forget it (the approach of 0008_task_search). A page's title weighs A, the
first 100,000 characters of its
body B (PostgreSQL refuses a tsvector over 1 MiB).

- SQLite: `search_library_documents` holds one row per live page, written by triggers on
  `library_pages` (a deleted page's row goes); `search_library_fts` is an FTS5 index over it
  (external content, Porter stemming), kept by triggers on the documents.
- PostgreSQL: a generated `search_document` tsvector column on `library_pages` with a GIN
  index.

Every object is named `search_…`: the table definitions do not declare them (they differ by
engine) and schema comparison skips them.

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SQLITE_UP = [
    """CREATE TABLE search_library_documents (
        id INTEGER PRIMARY KEY,
        page_id VARCHAR(36) NOT NULL UNIQUE,
        library_id VARCHAR(36) NOT NULL,
        title TEXT,
        body TEXT
    )""",
    "CREATE INDEX search_library_documents_library ON search_library_documents (library_id)",
    """CREATE VIRTUAL TABLE search_library_fts USING fts5(
        title, body,
        content='search_library_documents', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER search_library_documents_insert AFTER INSERT ON search_library_documents
    BEGIN
        INSERT INTO search_library_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER search_library_documents_delete AFTER DELETE ON search_library_documents
    BEGIN
        INSERT INTO search_library_fts (search_library_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    # Pages feed the documents: a live page has one, a deleted page none.
    """CREATE TRIGGER search_library_pages_insert AFTER INSERT ON library_pages
    WHEN new.deleted_at IS NULL BEGIN
        INSERT INTO search_library_documents (page_id, library_id, title, body)
        VALUES (new.id, new.library_id, new.title, substr(new.body, 1, 100000));
    END""",
    """CREATE TRIGGER search_library_pages_update
    AFTER UPDATE OF title, body, deleted_at ON library_pages BEGIN
        DELETE FROM search_library_documents WHERE page_id = old.id;
        INSERT INTO search_library_documents (page_id, library_id, title, body)
        SELECT new.id, new.library_id, new.title, substr(new.body, 1, 100000)
        WHERE new.deleted_at IS NULL;
    END""",
    """CREATE TRIGGER search_library_pages_delete AFTER DELETE ON library_pages BEGIN
        DELETE FROM search_library_documents WHERE page_id = old.id;
    END""",
    # What exists already.
    """INSERT INTO search_library_documents (page_id, library_id, title, body)
        SELECT id, library_id, title, substr(body, 1, 100000)
        FROM library_pages WHERE deleted_at IS NULL""",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_library_pages_insert",
    "DROP TRIGGER IF EXISTS search_library_pages_update",
    "DROP TRIGGER IF EXISTS search_library_pages_delete",
    "DROP TRIGGER IF EXISTS search_library_documents_insert",
    "DROP TRIGGER IF EXISTS search_library_documents_delete",
    "DROP TABLE IF EXISTS search_library_fts",
    "DROP TABLE IF EXISTS search_library_documents",
]

# `<` reads as a space (PostgreSQL's parser takes it for the start of an HTML tag).
POSTGRES_UP = [
    "ALTER TABLE library_pages ADD COLUMN search_document tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', replace(title, '<', ' ')), 'A') || "
    "setweight(to_tsvector('english', "
    "replace(left(body, 100000), '<', ' ')), 'B')) STORED",
    "CREATE INDEX search_library_pages_document_idx ON library_pages "
    "USING gin (search_document) WITH (fastupdate = off)",
]

POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS search_library_pages_document_idx",
    "ALTER TABLE library_pages DROP COLUMN IF EXISTS search_document",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _run(SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP)
    op.create_table(
        "library_conventions",
        sa.Column("library_id", sa.String(length=36), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=36), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["library_id"],
            ["libraries.id"],
            name=op.f("fk_library_conventions_library_id_libraries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["principals.id"],
            name=op.f("fk_library_conventions_updated_by_principals"),
        ),
        sa.PrimaryKeyConstraint("library_id", name=op.f("pk_library_conventions")),
    )
    op.create_table(
        "library_entities",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("library_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("canonical_name", sa.String(length=200), nullable=False),
        sa.Column("canonical_key", sa.String(length=400), nullable=False),
        sa.Column(
            "aliases",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("principal_id", sa.String(length=36), nullable=True),
        sa.Column("handle", sa.String(length=100), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["principals.id"],
            name=op.f("fk_library_entities_created_by_principals"),
        ),
        sa.ForeignKeyConstraint(
            ["library_id"],
            ["libraries.id"],
            name=op.f("fk_library_entities_library_id_libraries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["principal_id"],
            ["principals.id"],
            name=op.f("fk_library_entities_principal_id_principals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_entities")),
    )
    op.create_index(
        op.f("ix_library_entities_library_id_canonical_key"),
        "library_entities",
        ["library_id", "canonical_key"],
        unique=False,
    )
    op.create_table(
        "library_entity_names",
        sa.Column("library_id", sa.String(length=36), nullable=False),
        sa.Column("name_key", sa.String(length=400), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["library_entities.id"],
            name=op.f("fk_library_entity_names_entity_id_library_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["library_id"],
            ["libraries.id"],
            name=op.f("fk_library_entity_names_library_id_libraries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("library_id", "name_key", name=op.f("pk_library_entity_names")),
    )
    op.create_index(
        op.f("ix_library_entity_names_entity_id"),
        "library_entity_names",
        ["entity_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("library_entity_names")
    op.drop_table("library_entities")
    op.drop_table("library_conventions")
    _run(SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRES_DOWN)
