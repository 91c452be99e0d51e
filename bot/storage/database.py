"""The database's engines, declarative Base and schema migrations (Alembic, migrations/).

Intake records (bot/intake/) and insight events (bot/insight/) are kept in the same database,
named by DATABASE_URL: SQLite under var/ by default (`make run`), PostgreSQL in production.
"""

from __future__ import annotations

import functools
import os
import pathlib

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import declarative_base
from sqlalchemy.pool import QueuePool

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_URL = f"sqlite:///{ROOT / 'var' / 'intake.db'}"
MIGRATIONS = pathlib.Path(__file__).resolve().parent / "migrations"

Base = declarative_base()


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


@functools.lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine (and connection pool) per database per process, made on first use."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
        # A pool of open connections: SQLAlchemy 1.4 opens a new SQLite connection for every
        # transaction by default, and setting the pragmas below each time was 9% of the Rasa
        # server's CPU under load (the insight broker writes here; docs/benchmarks.md).
        pool = {} if path in ("", ":memory:") else {"poolclass": QueuePool}
        engine = create_engine(
            url, future=True, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True, **pool
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # Foreign keys (so erasing a record erases its outbox row) and a
            # write-ahead log, so the relay reads while the action server writes.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    # hide_parameters: a database error's text never carries the values (a name, an NHS number),
    # so whatever logs it cannot log them.
    return create_engine(
        url, future=True, pool_pre_ping=True, connect_args={"connect_timeout": 5}, hide_parameters=True
    )


def alembic_config(url: str, connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["url"] = url
    cfg.attributes["connection"] = connection
    return cfg


def migrate(url: str) -> str:
    """Upgrade the schema to the newest migration; returns the revision."""
    from alembic import command

    with engine_for(url).begin() as connection:
        command.upgrade(alembic_config(url, connection), "head")
    return revision(url) or ""


def revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine_for(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
