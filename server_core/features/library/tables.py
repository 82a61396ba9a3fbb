"""The library's tables (SQLAlchemy Core), in the platform's one metadata."""

from __future__ import annotations

import sqlalchemy as sa

from server_core.kernel.store.tables import Json, id_column, metadata, time_column

# A knowledge base. `clock` counts the library's revisions: every write takes the next value
# while holding this row, which orders (and serialises) the writes of one library. A deleted
# library gives up its slug (set to NULL) so the name can be used again.
libraries = sa.Table(
    "libraries",
    metadata,
    id_column(primary_key=True),
    id_column("workspace_id", sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("slug", sa.String(100), nullable=True),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("icon", sa.String(64), nullable=True),
    sa.Column("color", sa.String(32), nullable=True),
    sa.Column("owner_kind", sa.String(16), nullable=False),
    id_column("owner_id", sa.ForeignKey("principals.id"), nullable=False),
    sa.Column("visibility", sa.String(16), nullable=False),
    sa.Column("settings", Json, nullable=False),
    sa.Column("clock", sa.BigInteger, nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
    time_column("deleted_at", nullable=True),
    sa.UniqueConstraint("workspace_id", "slug"),
)

library_members = sa.Table(
    "library_members",
    metadata,
    id_column("library_id", sa.ForeignKey("libraries.id", ondelete="CASCADE"), primary_key=True),
    id_column("principal_id", sa.ForeignKey("principals.id"), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    id_column("added_by", sa.ForeignKey("principals.id"), nullable=True),
    time_column("created_at"),
    time_column("updated_at"),
    sa.Index(None, "principal_id"),
)

# `schema` maps front matter fields to their types; NULL for a plain folder.
library_collections = sa.Table(
    "library_collections",
    metadata,
    id_column(primary_key=True),
    id_column("library_id", sa.ForeignKey("libraries.id", ondelete="CASCADE"), nullable=False),
    sa.Column("slug", sa.String(100), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("schema", Json, nullable=True),
    sa.Column("views", Json, nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
    time_column("deleted_at", nullable=True),
    sa.UniqueConstraint("library_id", "slug"),
)

# A page's current state. The id is stable across renames; `sha` hashes the page's content
# (front matter and body, see `content.py`), `version` counts its revisions. A deleted page
# keeps its path, so writing that path again brings the same page back. A binary page's content
# is a drive file: `binary_file_id` names it (its body is empty and its sha hashes the file's
# identity, see `binary.py`). No foreign key: adding one would rebuild the table on SQLite.
library_pages = sa.Table(
    "library_pages",
    metadata,
    id_column(primary_key=True),
    id_column("library_id", sa.ForeignKey("libraries.id", ondelete="CASCADE"), nullable=False),
    sa.Column("path", sa.String(1024), nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("collection", sa.String(100), nullable=True),
    sa.Column("frontmatter", Json, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("sha", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("size_bytes", sa.Integer, nullable=False),
    id_column("binary_file_id", nullable=True),
    id_column("created_by", sa.ForeignKey("principals.id"), nullable=False),
    id_column("updated_by", sa.ForeignKey("principals.id"), nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
    time_column("deleted_at", nullable=True),
    sa.UniqueConstraint("library_id", "path"),
    sa.Index(None, "library_id", "collection"),
    sa.Index(None, "library_id", "updated_at"),  # search: a library's most recent matches
)

# Every write of a page, with the content it left: the history, and (by `clock`) the library's
# change feed.
library_page_revisions = sa.Table(
    "library_page_revisions",
    metadata,
    id_column(primary_key=True),
    id_column("library_id", sa.ForeignKey("libraries.id", ondelete="CASCADE"), nullable=False),
    id_column("page_id", sa.ForeignKey("library_pages.id", ondelete="CASCADE"), nullable=False),
    sa.Column("clock", sa.BigInteger, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("sha", sa.String(64), nullable=False),
    sa.Column("parent_sha", sa.String(64), nullable=True),
    sa.Column("operation", sa.String(16), nullable=False),
    sa.Column("path", sa.String(1024), nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("collection", sa.String(100), nullable=True),
    sa.Column("frontmatter", Json, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    id_column("binary_file_id", nullable=True),
    id_column("author_id", sa.ForeignKey("principals.id"), nullable=False),
    time_column("created_at"),
    sa.UniqueConstraint("library_id", "clock"),
    sa.Index(None, "page_id", "version"),
)

# The `[[target]]` wikilinks of each page's body, for backlinks and for rewriting on rename.
library_page_links = sa.Table(
    "library_page_links",
    metadata,
    id_column("page_id", sa.ForeignKey("library_pages.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("target", sa.String(1024), primary_key=True),
    id_column("library_id", sa.ForeignKey("libraries.id", ondelete="CASCADE"), nullable=False),
    sa.Index(None, "library_id", "target"),
)

# A library's conventions: one JSON document, `version` counting its changes. No row until the
# first write (the document is then `{}` at version 0).
library_conventions = sa.Table(
    "library_conventions",
    metadata,
    id_column("library_id", sa.ForeignKey("libraries.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("document", Json, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    id_column("updated_by", sa.ForeignKey("principals.id"), nullable=False),
    time_column("updated_at"),
)

# People, tags, projects… a library's pages speak of. `canonical_key` is the canonical name
# case-folded, for ordering; `aliases` keeps the other names as written.
library_entities = sa.Table(
    "library_entities",
    metadata,
    id_column(primary_key=True),
    id_column("library_id", sa.ForeignKey("libraries.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("canonical_name", sa.String(200), nullable=False),
    sa.Column("canonical_key", sa.String(400), nullable=False),
    sa.Column("aliases", Json, nullable=False),
    id_column("principal_id", sa.ForeignKey("principals.id"), nullable=True),
    sa.Column("handle", sa.String(100), nullable=True),
    sa.Column("metadata", Json, nullable=False),
    id_column("created_by", sa.ForeignKey("principals.id"), nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
    sa.Index(None, "library_id", "canonical_key"),
)

# Every name of every entity (its canonical name and its aliases), case-folded: a name belongs
# to one entity per library, and resolving a term is one lookup.
library_entity_names = sa.Table(
    "library_entity_names",
    metadata,
    id_column("library_id", sa.ForeignKey("libraries.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("name_key", sa.String(400), primary_key=True),
    id_column(
        "entity_id", sa.ForeignKey("library_entities.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Index(None, "entity_id"),
)

# A library's git mirror: where `push` exports its pages and `pull` reads them from. The SSH
# key is sealed with the workspace's data key (bound to the library id); it is never answered.
# The last commits pushed and pulled are kept for the answers.
library_git_mirrors = sa.Table(
    "library_git_mirrors",
    metadata,
    id_column("library_id", sa.ForeignKey("libraries.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("remote", sa.String(2048), nullable=False),
    sa.Column("branch", sa.String(255), nullable=False),
    id_column("ssh_key_id", nullable=True),
    sa.Column("ssh_key_sealed", sa.LargeBinary, nullable=True),
    sa.Column("last_push_commit", sa.String(40), nullable=True),
    time_column("last_pushed_at", nullable=True),
    sa.Column("last_pull_commit", sa.String(40), nullable=True),
    time_column("last_pulled_at", nullable=True),
    id_column("updated_by", sa.ForeignKey("principals.id"), nullable=False),
    time_column("created_at"),
    time_column("updated_at"),
)

# Each live page's embedding for semantic search, written by the embedding pass (see
# `embedding_pass.py`): `sha` is the page's sha it was computed from and `model` the model that
# computed it, so a page edited since or a model changed in the settings is embedded again.
# `vector` holds `dims` float32 values, little-endian.
library_page_embeddings = sa.Table(
    "library_page_embeddings",
    metadata,
    id_column("page_id", sa.ForeignKey("library_pages.id", ondelete="CASCADE"), primary_key=True),
    id_column("library_id", sa.ForeignKey("libraries.id", ondelete="CASCADE"), nullable=False),
    sa.Column("sha", sa.String(64), nullable=False),
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("dims", sa.Integer, nullable=False),
    sa.Column("vector", sa.LargeBinary, nullable=False),
    time_column("updated_at"),
    sa.Index(None, "library_id"),
)
