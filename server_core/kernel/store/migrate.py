"""Alembic, driven from code: `sesame-server migrate` and every server start call this."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

# The platform's schema is every feature's tables: its migrations live beside the features
# (server_core/migrations), and their environment loads the feature inventory.
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_to_head(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


def downgrade_to_base(connection: Connection) -> None:
    command.downgrade(alembic_config(connection), "base")


def downgrade_to(revision: str) -> Callable[[Connection], None]:
    """Work for `Store.migrate` that takes the schema down to `revision`."""

    def downgrade(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), revision)

    return downgrade
