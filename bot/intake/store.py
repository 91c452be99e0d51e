"""The intake database: submit a record with its outbox row in one transaction,
and the operations staff need. SQLAlchemy 1.4 in 2.0 style; a session per unit of work.

DATABASE_URL chooses the database (PostgreSQL in production); by default a
SQLite file under var/, which git ignores. The schema is made and upgraded only
by Alembic migrations (`phb-intake migrate`, run by `make run`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Text, delete, func, literal, select, type_coerce, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from bot.intake import models
from bot.storage.crypto import KeyMissing
from bot.intake.models import IntakeRecord, OutboxRow
from bot.intake.record import Record, new_reference
from bot.storage import database
from bot.storage.database import database_url, engine_for


class StoreUnavailable(RuntimeError):
    """The record could not be saved or read: the database or the key is not there.
    Nothing was written (the transaction was rolled back)."""


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
        return database.alembic_config(self.url, connection)

    def migrate(self) -> str:
        """Upgrade the schema to the newest migration; returns the revision."""
        return database.migrate(self.url)

    def revision(self) -> str | None:
        return database.revision(self.url)

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
            s.add(
                IntakeRecord(
                    id=record.id,
                    reference=reference,
                    area=record.area,
                    created_at=record.created_at,
                    consent_at=record.consent_at,
                    notice_version=record.notice_version,
                    channel=record.channel,
                    conversation_hash=record.conversation_hash,
                    details=models.bound(record.id, record.details),
                    eligibility_answers=models.bound(record.id, record.eligibility_answers),
                    eligibility_result=record.eligibility_result,
                    eligibility_reasons=record.eligibility_reasons,
                    money_preferred=record.money_preferred,
                    money_suggested=record.money_suggested,
                    outcomes=models.bound(record.id, record.outcomes),
                )
            )
            s.add(
                OutboxRow(
                    record_id=record.id,
                    area=record.area,
                    status=models.PENDING,
                    attempts=0,
                    next_attempt_at=record.created_at,
                    created_at=record.created_at,
                )
            )
        return reference

    # ------------------------------------------------------------- staff

    def find(
        self,
        area: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        status: str | None = None,
    ) -> list[tuple[IntakeRecord, OutboxRow]]:
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
        query = (
            select(IntakeRecord, OutboxRow)
            .join(OutboxRow, OutboxRow.record_id == IntakeRecord.id)
            .where(IntakeRecord.reference == normalise_reference(reference))
        )
        with self.session() as s:
            row = s.execute(query).first()
            return tuple(row) if row else None

    def mark_received(self, reference: str, now: dt.datetime | None = None) -> bool:
        now = now or utc_now()
        with self.session() as s:
            record = s.execute(
                select(IntakeRecord).where(IntakeRecord.reference == normalise_reference(reference))
            ).scalar()
            if record is None:
                return False
            record.received_at = now
            s.execute(
                update(OutboxRow)
                .where(OutboxRow.record_id == record.id)
                .where(OutboxRow.status != models.DELIVERED)
                .values(status=models.RECEIVED)
            )
            return True

    def conversation_of(self, reference: str) -> str | None:
        """The conversation hash of a record (to erase its conversation first), or None if not found."""
        with self.session() as s:
            return s.execute(
                select(IntakeRecord.conversation_hash).where(IntakeRecord.reference == normalise_reference(reference))
            ).scalar()

    def erase(self, reference: str) -> bool:
        """Delete a record and its outbox row (right to erasure); False if not found."""
        with self.session() as s:
            record_id = s.execute(
                select(IntakeRecord.id).where(IntakeRecord.reference == normalise_reference(reference))
            ).scalar()
            if record_id is None:
                return False
            s.execute(delete(OutboxRow).where(OutboxRow.record_id == record_id))
            s.execute(delete(IntakeRecord).where(IntakeRecord.id == record_id))
            return True

    def references_of(self, conversation_hashes: list[str]) -> list[str]:
        """The references of records made in these conversations."""
        with self.session() as s:
            return list(
                s.execute(
                    select(IntakeRecord.reference)
                    .where(IntakeRecord.conversation_hash.in_(conversation_hashes))
                    .order_by(IntakeRecord.reference)
                ).scalars()
            )

    def rekey(self) -> int:
        """Encrypt every record's personal fields again with the first key; the number of records."""
        from bot.storage.crypto import cipher

        keys, done = cipher(), 0
        table = IntakeRecord.__table__
        # Read and written as text, past the column type: the tokens are rotated as they are (the
        # binding to the record stays inside), never decrypted into this process's memory as JSON.
        raw = [type_coerce(table.c[name], Text).label(name) for name in models.SEALED]
        with self.engine.begin() as connection:
            for row in connection.execute(select(table.c.id, *raw)).all():
                values = {
                    name: literal(keys.rotate(getattr(row, name).encode()).decode(), Text)
                    for name in models.SEALED
                    if getattr(row, name) is not None
                }
                if values:
                    connection.execute(update(table).where(table.c.id == row.id).values(**values))
                done += 1
        return done

    def purge(
        self, retention_days: dict[str, int], default_days: int, now: dt.datetime | None = None, dry_run: bool = False
    ) -> dict:
        """Delete records older than their area's retention period that the team has
        (delivered or marked received). Records not yet with the team are never purged;
        they are counted as `kept_not_with_team`."""
        now = now or utc_now()
        purged, kept = [], 0
        with self.session() as s:
            rows = s.execute(
                select(IntakeRecord.id, IntakeRecord.area, IntakeRecord.created_at, OutboxRow.status).join(
                    OutboxRow, OutboxRow.record_id == IntakeRecord.id
                )
            ).all()
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
    """Delete a stored conversation from the SQL tracker store, found by the hash a record keeps of
    its id; the number of events deleted. Raises if the store cannot be reached."""
    from bot import conversation_store
    from bot.storage.crypto import conversation_hash

    with engine_for(tracker_url).begin() as connection:
        return conversation_store.erase(
            connection,
            [
                sender
                for sender in conversation_store.senders(connection)
                if conversation_hash(sender) == conversation_hash_value
            ],
        )
