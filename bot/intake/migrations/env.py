"""Alembic environment for the intake database (run through bot/intake/store.py)."""
from alembic import context
from sqlalchemy import create_engine

from bot.intake.models import Base
import bot.insight.models  # noqa: F401,E402 (registers the insight table on Base)

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
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run()
