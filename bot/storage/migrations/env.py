"""Alembic environment for the database (run through bot/storage/database.py)."""

from alembic import context
from sqlalchemy import create_engine

import bot.insight.models  # noqa: F401 - registers its table on Base
import bot.intake.models  # noqa: F401 - registers its tables on Base
from bot.storage.database import Base

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.attributes["url"], future=True, hide_parameters=True)
        with engine.begin() as connection:
            _migrate(connection)
    else:
        _migrate(connection)


def _migrate(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
