"""Library search on SQLite: each library's documents in a rowid range of their own

The FTS5 index of 0020 held every library's pages in one rowid sequence, so a search of one
library walked the matches of all of them, and a page's row said nothing about how recent
its text was. Now:

- every library gets a number (`search_library_keys`), and its documents take rowids from
  `number * 2**32` up: a search of one library is a rowid range, which FTS5 seeks directly;
- a page written again gets the next rowid of its library's range, so the highest rowids
  are the most recently written pages (a search that matches very many pages scores the
  most recent of them: `features.library.fulltext`);
- binary pages are no longer indexed (search skipped them already).

Both engines: an index of each library's pages by `updated_at`, which PostgreSQL's search
reads for a library's most recent matches.

Revision ID: 0028
Revises: 0027
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UNINDEX_PAGE = "DELETE FROM search_library_documents WHERE page_id = old.id;"
# A library's rowids: key * 2**32 up to key * 2**32 + 2**32 - 1.
_INDEX_PAGE = """
    INSERT OR IGNORE INTO search_library_keys (library_id) VALUES (new.library_id);
    INSERT INTO search_library_documents (id, page_id, library_id, title, body)
    SELECT coalesce(
            (SELECT d.id + 1 FROM search_library_documents AS d
             WHERE d.id BETWEEN k.key * 4294967296 AND k.key * 4294967296 + 4294967295
             ORDER BY d.id DESC LIMIT 1),
            k.key * 4294967296),
        new.id, new.library_id, new.title, substr(new.body, 1, 100000)
    FROM search_library_keys AS k
    WHERE k.library_id = new.library_id
        AND new.deleted_at IS NULL AND new.binary_file_id IS NULL;"""

_DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS search_library_pages_insert",
    "DROP TRIGGER IF EXISTS search_library_pages_update",
    "DROP TRIGGER IF EXISTS search_library_pages_delete",
    "DROP TRIGGER IF EXISTS search_library_documents_insert",
    "DROP TRIGGER IF EXISTS search_library_documents_delete",
    "DROP TABLE IF EXISTS search_library_fts",
    "DROP TABLE IF EXISTS search_library_documents",
]

_INDEX = [
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
]

SQLITE_UP = [
    *_DROP_TRIGGERS,
    """CREATE TABLE search_library_keys (
        key INTEGER PRIMARY KEY,
        library_id VARCHAR(36) NOT NULL UNIQUE
    )""",
    *_INDEX,
    "CREATE TRIGGER search_library_pages_insert AFTER INSERT ON library_pages BEGIN"
    + _INDEX_PAGE
    + " END",
    "CREATE TRIGGER search_library_pages_update AFTER UPDATE OF title, body, deleted_at, "
    + "binary_file_id ON library_pages BEGIN "
    + _UNINDEX_PAGE
    + _INDEX_PAGE
    + " END",
    """CREATE TRIGGER search_library_pages_delete AFTER DELETE ON library_pages BEGIN
        DELETE FROM search_library_documents WHERE page_id = old.id;
    END""",
    # What exists already, oldest write first in each library's range.
    """INSERT INTO search_library_keys (library_id)
        SELECT DISTINCT library_id FROM library_pages ORDER BY library_id""",
    """INSERT INTO search_library_documents (id, page_id, library_id, title, body)
        SELECT k.key * 4294967296 + row_number() OVER (
                PARTITION BY p.library_id ORDER BY p.updated_at, p.id) - 1,
            p.id, p.library_id, p.title, substr(p.body, 1, 100000)
        FROM library_pages AS p JOIN search_library_keys AS k ON k.library_id = p.library_id
        WHERE p.deleted_at IS NULL AND p.binary_file_id IS NULL""",
]

SQLITE_DOWN = [
    *_DROP_TRIGGERS,
    "DROP TABLE IF EXISTS search_library_keys",
    *_INDEX,
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
    """INSERT INTO search_library_documents (page_id, library_id, title, body)
        SELECT id, library_id, title, substr(body, 1, 100000)
        FROM library_pages WHERE deleted_at IS NULL""",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


_UPDATED = "ix_library_pages_library_id_updated_at"


def upgrade() -> None:
    op.create_index(_UPDATED, "library_pages", ["library_id", "updated_at"])
    if op.get_bind().dialect.name == "sqlite":
        _run(SQLITE_UP)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _run(SQLITE_DOWN)
    op.drop_index(_UPDATED, table_name="library_pages")
