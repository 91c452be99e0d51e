"""The intake database: one row per record, one outbox row per record.

Times are naive UTC. Columns marked EncryptedJSON hold personal or health
details and are encrypted at rest (bot/storage/crypto.py); the rest are codes
and dates that staff reports need and that name no one.

Each encrypted field is bound to its record: what is encrypted is {"record": id,
"value": ...}, and loading a record checks the id. A field copied from one row to
another (by someone with database access but not the key) is refused, not read
as the other person's details.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import relationship
from sqlalchemy.orm.attributes import set_committed_value

from bot.storage.crypto import EncryptedJSON, KeyMissing
from bot.storage.database import Base

# Outbox states
PENDING = "pending"  # the relay will post it (again) at next_attempt_at
DELIVERED = "delivered"  # the area's endpoint accepted it
DEAD = "dead"  # the endpoint refused it (4xx): staff must look
AWAITING_EXPORT = "awaiting_export"  # the area has no endpoint: staff export it
RECEIVED = "received"  # staff marked it as received
STATES = (PENDING, DELIVERED, DEAD, AWAITING_EXPORT, RECEIVED)


class IntakeRecord(Base):
    __tablename__ = "intake_records"

    id = Column(String(32), primary_key=True)  # fixed at consent: the idempotency key
    reference = Column(String(16), nullable=False, unique=True)
    area = Column(String(64), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, index=True)
    consent_at = Column(DateTime, nullable=False)
    notice_version = Column(String(32), nullable=False)
    channel = Column(String(32), nullable=False)
    conversation_hash = Column(String(64), nullable=False, index=True)
    details = Column(EncryptedJSON, nullable=False)
    eligibility_answers = Column(EncryptedJSON)
    eligibility_result = Column(String(32))
    eligibility_reasons = Column(JSON)
    money_preferred = Column(String(32))
    money_suggested = Column(JSON)
    outcomes = Column(EncryptedJSON)
    received_at = Column(DateTime)

    outbox = relationship(
        "OutboxRow", back_populates="record", uselist=False, cascade="all, delete-orphan", passive_deletes=True
    )


class OutboxRow(Base):
    __tablename__ = "intake_outbox"

    id = Column(Integer, primary_key=True, autoincrement=True)
    record_id = Column(String(32), ForeignKey("intake_records.id", ondelete="CASCADE"), nullable=False, unique=True)
    area = Column(String(64), nullable=False)
    status = Column(String(20), nullable=False, index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, index=True)
    lease_until = Column(DateTime)
    # Why the last attempt failed: an HTTP status or an exception's class name, never a body.
    last_error = Column(Text)
    created_at = Column(DateTime, nullable=False)
    delivered_at = Column(DateTime)

    record = relationship("IntakeRecord", back_populates="outbox")


# The encrypted fields of a record, each bound to the record's id.
SEALED = tuple(c.name for c in IntakeRecord.__table__.columns if isinstance(c.type, EncryptedJSON))


class NotThisRecord(KeyMissing):
    """An encrypted field was made for another record (or before fields were bound)."""


def bound(record_id: str, value):
    """What an encrypted field of record `record_id` holds."""
    return None if value is None else {"record": record_id, "value": value}


def unbound(record_id: str, stored):
    if stored is None:
        return None
    if not isinstance(stored, dict) or stored.get("record") != record_id or "value" not in stored:
        raise NotThisRecord("an encrypted field does not belong to its record")
    return stored["value"]


@event.listens_for(IntakeRecord, "load")
def _check_bound(record: IntakeRecord, _context) -> None:
    for name in SEALED:
        if name in record.__dict__:
            set_committed_value(record, name, unbound(record.id, record.__dict__[name]))


@event.listens_for(IntakeRecord, "refresh")
def _check_bound_again(record: IntakeRecord, _context, attributes) -> None:
    for name in SEALED:
        if name in record.__dict__ and (attributes is None or name in attributes):
            set_committed_value(record, name, unbound(record.id, record.__dict__[name]))
