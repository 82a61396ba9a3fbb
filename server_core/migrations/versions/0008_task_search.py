"""Full-text search over tasks and their activity, kept by the database itself so that no write
path can forget it.

Weights: a task's title A; its description and its context's background and notes B; its
context's decisions, constraints and acceptance C; an activity entry's message B.

- SQLite: `search_task_documents` holds one row per task and one per activity entry with a
  message, written by triggers on `tasks` and `task_activity`; `search_task_fts` is an FTS5
  index over it (external content, Porter stemming), kept by triggers on the documents.
- PostgreSQL: `search_document` tsvector columns with GIN indexes: on `tasks` set by a trigger
  when the title, description or context is written (not on every status change), on
  `task_activity` a generated column (entries are never edited).

Every object is named `search_…`: the table definitions do not declare them (they differ by
engine) and schema comparison skips them (`kernel.store.tables.declared_here`).

A later migration that rebuilds `tasks` or `task_activity` on SQLite (batch mode copies the
table and drops the old one) drops their triggers with it and must create them again.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    """CREATE TABLE search_task_documents (
        id INTEGER PRIMARY KEY,
        workspace_id VARCHAR(36) NOT NULL,
        task_id VARCHAR(36) NOT NULL,
        activity_id VARCHAR(36),
        title TEXT,
        description TEXT,
        context_b TEXT,
        context_c TEXT,
        message TEXT
    )""",
    # A task's own document has no activity_id; its activity's documents name the task too.
    # The workspace is copied (a task never changes workspace): searches filter on it without
    # reading the task of every match.
    "CREATE UNIQUE INDEX search_task_documents_task ON search_task_documents (task_id) "
    "WHERE activity_id IS NULL",
    "CREATE UNIQUE INDEX search_task_documents_activity ON search_task_documents (activity_id)",
    """CREATE VIRTUAL TABLE search_task_fts USING fts5(
        title, description, context_b, context_c, message,
        content='search_task_documents', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    # The documents feed the index (FTS5's external-content triggers).
    """CREATE TRIGGER search_task_documents_insert AFTER INSERT ON search_task_documents BEGIN
        INSERT INTO search_task_fts (rowid, title, description, context_b, context_c, message)
        VALUES (new.id, new.title, new.description, new.context_b, new.context_c, new.message);
    END""",
    """CREATE TRIGGER search_task_documents_delete AFTER DELETE ON search_task_documents BEGIN
        INSERT INTO search_task_fts
            (search_task_fts, rowid, title, description, context_b, context_c, message)
        VALUES ('delete', old.id, old.title, old.description, old.context_b, old.context_c,
                old.message);
    END""",
    """CREATE TRIGGER search_task_documents_update AFTER UPDATE ON search_task_documents BEGIN
        INSERT INTO search_task_fts
            (search_task_fts, rowid, title, description, context_b, context_c, message)
        VALUES ('delete', old.id, old.title, old.description, old.context_b, old.context_c,
                old.message);
        INSERT INTO search_task_fts (rowid, title, description, context_b, context_c, message)
        VALUES (new.id, new.title, new.description, new.context_b, new.context_c, new.message);
    END""",
    # Tasks and activity feed the documents (deletes that cascade, of a task's subtasks and
    # activity, fire these triggers too). A task's document: title; description; background
    # and notes; decisions, constraints and acceptance, one per line.
    """CREATE TRIGGER search_tasks_insert AFTER INSERT ON tasks BEGIN
        INSERT INTO search_task_documents
            (workspace_id, task_id, title, description, context_b, context_c)
        VALUES (
            new.workspace_id,
            new.id,
            new.title,
            new.description,
            nullif(trim(coalesce(json_extract(new.context, '$.background'), '') || char(10)
                || coalesce(json_extract(new.context, '$.notes'), ''), char(10)), ''),
            (SELECT group_concat(value, char(10)) FROM (
                SELECT value FROM json_each(new.context, '$.decisions') WHERE type = 'text'
                UNION ALL
                SELECT value FROM json_each(new.context, '$.constraints') WHERE type = 'text'
                UNION ALL
                SELECT value FROM json_each(new.context, '$.acceptance') WHERE type = 'text'
            ))
        );
    END""",
    """CREATE TRIGGER search_tasks_update AFTER UPDATE OF title, description, context ON tasks
    BEGIN
        UPDATE search_task_documents SET (title, description, context_b, context_c) = (
            new.title,
            new.description,
            nullif(trim(coalesce(json_extract(new.context, '$.background'), '') || char(10)
                || coalesce(json_extract(new.context, '$.notes'), ''), char(10)), ''),
            (SELECT group_concat(value, char(10)) FROM (
                SELECT value FROM json_each(new.context, '$.decisions') WHERE type = 'text'
                UNION ALL
                SELECT value FROM json_each(new.context, '$.constraints') WHERE type = 'text'
                UNION ALL
                SELECT value FROM json_each(new.context, '$.acceptance') WHERE type = 'text'
            ))
        )
        WHERE task_id = new.id AND activity_id IS NULL;
    END""",
    """CREATE TRIGGER search_tasks_delete AFTER DELETE ON tasks BEGIN
        DELETE FROM search_task_documents WHERE task_id = old.id AND activity_id IS NULL;
    END""",
    """CREATE TRIGGER search_task_activity_insert AFTER INSERT ON task_activity
    WHEN new.message IS NOT NULL BEGIN
        INSERT INTO search_task_documents (workspace_id, task_id, activity_id, message)
        SELECT workspace_id, id, new.id, new.message FROM tasks WHERE id = new.task_id;
    END""",
    """CREATE TRIGGER search_task_activity_update AFTER UPDATE OF message ON task_activity BEGIN
        DELETE FROM search_task_documents WHERE activity_id = old.id;
        INSERT INTO search_task_documents (workspace_id, task_id, activity_id, message)
        SELECT workspace_id, id, new.id, new.message FROM tasks
        WHERE id = new.task_id AND new.message IS NOT NULL;
    END""",
    """CREATE TRIGGER search_task_activity_delete AFTER DELETE ON task_activity BEGIN
        DELETE FROM search_task_documents WHERE activity_id = old.id;
    END""",
    # What exists already: an empty document per task, which the update trigger then fills.
    "INSERT INTO search_task_documents (workspace_id, task_id) SELECT workspace_id, id FROM tasks",
    "UPDATE tasks SET title = title",
    """INSERT INTO search_task_documents (workspace_id, task_id, activity_id, message)
        SELECT tasks.workspace_id, tasks.id, task_activity.id, task_activity.message
        FROM task_activity JOIN tasks ON tasks.id = task_activity.task_id
        WHERE task_activity.message IS NOT NULL""",
]

SQLITE_DOWN = [
    *(
        f"DROP TRIGGER IF EXISTS search_{name}"
        for name in (
            "tasks_insert",
            "tasks_update",
            "tasks_delete",
            "task_activity_insert",
            "task_activity_update",
            "task_activity_delete",
            "task_documents_insert",
            "task_documents_update",
            "task_documents_delete",
        )
    ),
    "DROP TABLE IF EXISTS search_task_fts",
    "DROP TABLE IF EXISTS search_task_documents",
]

POSTGRES_UP = [
    "ALTER TABLE tasks ADD COLUMN search_document tsvector",
    # PostgreSQL's parser reads `<` as the start of an HTML tag, and skips all that follows
    # `<script>` or `<style>`: the index reads every `<` as a space.
    r"""CREATE FUNCTION search_tasks_document() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_document :=
            setweight(to_tsvector('english', replace(coalesce(NEW.title, ''), '<', ' ')), 'A')
            || setweight(to_tsvector('english', replace(concat_ws(E'\n', NEW.description,
                   NEW.context ->> 'background', NEW.context ->> 'notes'), '<', ' ')), 'B')
            || setweight(jsonb_to_tsvector('english', replace(jsonb_build_array(
                   NEW.context -> 'decisions', NEW.context -> 'constraints',
                   NEW.context -> 'acceptance')::text, '<', ' ')::jsonb, '["string"]'), 'C');
        RETURN NEW;
    END
    $$""",
    "CREATE TRIGGER search_tasks_document BEFORE INSERT OR UPDATE OF title, description, context "
    "ON tasks FOR EACH ROW EXECUTE FUNCTION search_tasks_document()",
    "UPDATE tasks SET title = title",  # the trigger computes what exists already
    # Without fastupdate: new entries go straight into the index rather than into a pending
    # list that every search reads through until (auto)vacuum merges it.
    "CREATE INDEX search_tasks_document_idx ON tasks USING gin (search_document) "
    "WITH (fastupdate = off)",
    "ALTER TABLE task_activity ADD COLUMN search_document tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('english', replace(coalesce(message, ''), '<', ' ')), 'B')) STORED",
    "CREATE INDEX search_task_activity_document_idx ON task_activity USING gin (search_document) "
    "WITH (fastupdate = off)",
]

POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS search_task_activity_document_idx",
    "ALTER TABLE task_activity DROP COLUMN IF EXISTS search_document",
    "DROP INDEX IF EXISTS search_tasks_document_idx",
    "DROP TRIGGER IF EXISTS search_tasks_document ON tasks",
    "DROP FUNCTION IF EXISTS search_tasks_document()",
    "ALTER TABLE tasks DROP COLUMN IF EXISTS search_document",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _run(SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP)


def downgrade() -> None:
    _run(SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRES_DOWN)
