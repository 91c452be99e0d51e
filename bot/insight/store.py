"""Write and read insight events (SQLAlchemy 1.4 in 2.0 style, the intake database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.insight.derive import Fact
from bot.insight.models import InsightEvent
from bot.storage.database import database_url, engine_for


class InsightUnavailable(RuntimeError):
    """The database could not be reached."""


class InsightStore:
    def __init__(self, url: str | None = None, engine: Engine | None = None):
        self.engine = engine or engine_for(url or database_url())

    def add(self, facts: list[Fact]) -> int:
        """Store the facts in one transaction; all or none."""
        if not facts:
            return 0
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(InsightEvent), [asdict(f) for f in facts])
        except SQLAlchemyError as err:
            raise InsightUnavailable(type(err).__name__) from err
        return len(facts)

    def purge(self, before: dt.date) -> int:
        """Delete every fact from days before `before`; returns how many."""
        try:
            with self.engine.begin() as connection:
                return connection.execute(delete(InsightEvent).where(InsightEvent.day < before)).rowcount
        except SQLAlchemyError as err:
            raise InsightUnavailable(type(err).__name__) from err

    def facts(self, start: dt.date | None = None, end: dt.date | None = None) -> list[Fact]:
        """Every fact from start to end (both days included), oldest first."""
        query = select(InsightEvent).order_by(InsightEvent.id)
        if start:
            query = query.where(InsightEvent.day >= start)
        if end:
            query = query.where(InsightEvent.day <= end)
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(query).mappings().all()
        except SQLAlchemyError as err:
            raise InsightUnavailable(type(err).__name__) from err
        return [
            Fact(r["day"], r["conversation"], r["area"], r["kind"], r["detail"], r["value"], r["comment"]) for r in rows
        ]
