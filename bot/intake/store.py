"""The intake database: submit a record with its outbox row in one transaction,
and the operations staff need. SQLAlchemy 1.4 in 2.0 style; a session per unit of work.

DATABASE_URL chooses the database (PostgreSQL in production); by default a
SQLite file under var/, which git ignores. The schema is made and upgraded only
by Alembic migrations (`phb-intake migrate`, run by `make run`).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import pathlib
from dataclasses import dataclass

from sqlalchemy import create_engine, delete, event, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from bot.intake import models
from bot.intake.crypto import KeyMissing
from bot.intake.models import IntakeRecord, OutboxRow
from bot.intake.record import Record, new_reference

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_URL = f"sqlite:///{ROOT / 'var' / 'intake.db'}"
MIGRATIONS = pathlib.Path(__file__).resolve().parent / "migrations"


class StoreUnavailable(RuntimeError):
    """The record could not be saved or read: the database or the key is not there.
    Nothing was written (the transaction was rolled back)."""


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
        engine = create_engine(url, future=True, connect_args={"timeout": 30, "check_same_thread": False},
                               hide_parameters=True, **pool)

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
    return create_engine(url, future=True, pool_pre_ping=True, connect_args={"connect_timeout": 5},
                         hide_parameters=True)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class Submitted:
    reference: str
    created: bool  # False when this record had been submitted before


class IntakeStore:
    def __init__(self, url: str | None = None):
        self.url = url or database_url()

    @property
    def engine(self) -> Engine:
        return engine_for(self.url)

    @contextlib.contextmanager
    def session(self):
        """A unit of work: committed at the end, rolled back on any error."""
        with Session(self.engine, future=True, expire_on_commit=False) as session:
            with session.begin():
                yield session

    # ------------------------------------------------------------- schema

    def alembic_config(self, connection=None):
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["url"] = self.url
        cfg.attributes["connection"] = connection
        return cfg

    def migrate(self) -> str:
        """Upgrade the schema to the newest migration; returns the revision."""
        from alembic import command

        with self.engine.begin() as connection:
            command.upgrade(self.alembic_config(connection), "head")
        return self.revision() or ""

    def revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    # ------------------------------------------------------------- submit

    def submit(self, record: Record) -> Submitted:
        """Store the record and its outbox row in one transaction.

        Idempotent: the record's id is fixed when consent is given, so the same
        conversation confirming twice, or an action retried, stores one record.
        Raises StoreUnavailable when nothing could be saved.
        """
        try:
            existing = self._reference_of(record.id)
            if existing:
                return Submitted(existing, created=False)
            for _ in range(5):
                try:
                    return Submitted(self._insert(record, new_reference()), created=True)
                except IntegrityError:
                    # Another attempt with the same id won the race, or (very rarely)
                    # the reference was taken: look again, then try a new reference.
                    existing = self._reference_of(record.id)
                    if existing:
                        return Submitted(existing, created=False)
            raise StoreUnavailable("no free reference after 5 tries")
        except (SQLAlchemyError, KeyMissing, OSError) as err:
            raise StoreUnavailable(type(err).__name__) from err

    def _reference_of(self, record_id: str) -> str | None:
        with self.session() as s:
            return s.execute(select(IntakeRecord.reference).where(IntakeRecord.id == record_id)).scalar()

    def _insert(self, record: Record, reference: str) -> str:
        with self.session() as s:
            s.add(IntakeRecord(
                id=record.id, reference=reference, area=record.area, created_at=record.created_at,
                consent_at=record.consent_at, notice_version=record.notice_version, channel=record.channel,
                conversation_hash=record.conversation_hash, details=record.details,
                eligibility_answers=record.eligibility_answers, eligibility_result=record.eligibility_result,
                eligibility_reasons=record.eligibility_reasons, money_preferred=record.money_preferred,
                money_suggested=record.money_suggested, outcomes=record.outcomes,
            ))
            s.add(OutboxRow(record_id=record.id, area=record.area, status=models.PENDING, attempts=0,
                            next_attempt_at=record.created_at, created_at=record.created_at))
        return reference

    # ------------------------------------------------------------- staff

    def find(self, area: str | None = None, since: dt.datetime | None = None, until: dt.datetime | None = None,
             status: str | None = None) -> list[tuple[IntakeRecord, OutboxRow]]:
        """Records (with their outbox rows) by area, created in [since, until), and outbox status."""
        query = select(IntakeRecord, OutboxRow).join(OutboxRow, OutboxRow.record_id == IntakeRecord.id)
        if area:
            query = query.where(IntakeRecord.area == area)
        if since:
            query = query.where(IntakeRecord.created_at >= since)
        if until:
            query = query.where(IntakeRecord.created_at < until)
        if status:
            query = query.where(OutboxRow.status == status)
        with self.session() as s:
            return [tuple(row) for row in s.execute(query.order_by(IntakeRecord.created_at))]

    def get(self, reference: str) -> tuple[IntakeRecord, OutboxRow] | None:
        query = (select(IntakeRecord, OutboxRow).join(OutboxRow, OutboxRow.record_id == IntakeRecord.id)
                 .where(IntakeRecord.reference == normalise_reference(reference)))
        with self.session() as s:
            row = s.execute(query).first()
            return tuple(row) if row else None

    def mark_received(self, reference: str, now: dt.datetime | None = None) -> bool:
        now = now or utc_now()
        with self.session() as s:
            record = s.execute(select(IntakeRecord).where(
                IntakeRecord.reference == normalise_reference(reference))).scalar()
            if record is None:
                return False
            record.received_at = now
            s.execute(update(OutboxRow).where(OutboxRow.record_id == record.id)
                      .where(OutboxRow.status != models.DELIVERED).values(status=models.RECEIVED))
            return True

    def erase(self, reference: str) -> str | None:
        """Delete a record and its outbox row (right to erasure). Returns the record's
        conversation hash, so the stored conversation can be erased too, or None if not found."""
        with self.session() as s:
            record = s.execute(select(IntakeRecord.id, IntakeRecord.conversation_hash).where(
                IntakeRecord.reference == normalise_reference(reference))).first()
            if record is None:
                return None
            s.execute(delete(OutboxRow).where(OutboxRow.record_id == record.id))
            s.execute(delete(IntakeRecord).where(IntakeRecord.id == record.id))
            return record.conversation_hash

    def purge(self, retention_days: dict[str, int], default_days: int, now: dt.datetime | None = None,
              dry_run: bool = False) -> dict:
        """Delete records older than their area's retention period that the team has
        (delivered or marked received). Records not yet with the team are never purged;
        they are counted as `kept_not_with_team`."""
        now = now or utc_now()
        purged, kept = [], 0
        with self.session() as s:
            rows = s.execute(select(IntakeRecord.id, IntakeRecord.area, IntakeRecord.created_at, OutboxRow.status)
                             .join(OutboxRow, OutboxRow.record_id == IntakeRecord.id)).all()
            for record_id, area, created_at, status in rows:
                days = retention_days.get(area, default_days)
                if created_at > now - dt.timedelta(days=days):
                    continue
                if status in (models.DELIVERED, models.RECEIVED):
                    purged.append(record_id)
                else:
                    kept += 1
            if purged and not dry_run:
                s.execute(delete(OutboxRow).where(OutboxRow.record_id.in_(purged)))
                s.execute(delete(IntakeRecord).where(IntakeRecord.id.in_(purged)))
        return {"purged": len(purged), "kept_not_with_team": kept}

    def counts(self) -> dict[str, int]:
        with self.session() as s:
            return dict(s.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status)).all())


def normalise_reference(reference: str) -> str:
    return "".join((reference or "").upper().split())


def erase_conversation(tracker_url: str, conversation_hash_value: str) -> int:
    """Delete a stored conversation from Rasa's SQL tracker store (its `events` table),
    found by the hash of its id. Returns the number of events deleted."""
    from sqlalchemy import MetaData, Table

    from bot.intake.crypto import conversation_hash

    engine = engine_for(tracker_url)
    with engine.begin() as connection:
        events = Table("events", MetaData(), autoload_with=connection)
        senders = connection.execute(select(events.c.sender_id).distinct()).scalars().all()
        matches = [s for s in senders if conversation_hash(s) == conversation_hash_value]
        if not matches:
            return 0
        return connection.execute(delete(events).where(events.c.sender_id.in_(matches))).rowcount
