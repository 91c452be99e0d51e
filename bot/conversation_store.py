"""The stored conversations (Rasa's SQL `events` table): sealed at rest, purged, erased, rekeyed.

Each event's data (what the person typed, the slots with their answers) is encrypted with the
intake key (bot/storage/crypto.py) before it is stored; the other columns hold only the keyed
hash of the conversation id (bot/conversation_ids.py), the event's kind and its time. Plain
SQLAlchemy on the table, so the staff command line can use it without Rasa.
"""

from __future__ import annotations

import json
import time

from sqlalchemy import MetaData, Table, delete, func, select, update
from sqlalchemy.engine import Connection

from bot.storage.crypto import cipher, decrypt_json

TABLE = "events"


def seal(data: dict) -> str:
    return cipher().encrypt(json.dumps(data, ensure_ascii=False).encode()).decode()


def unseal(token: str) -> dict:
    return decrypt_json(token)


def _events(connection: Connection) -> Table | None:
    if not connection.dialect.has_table(connection, TABLE):
        return None
    return Table(TABLE, MetaData(), autoload_with=connection)


def senders(connection: Connection) -> list[str]:
    """Every stored conversation's id (keyed hashes)."""
    events = _events(connection)
    if events is None:
        return []
    return list(connection.execute(select(events.c.sender_id).distinct()).scalars())


def erase(connection: Connection, stored_ids: list[str]) -> int:
    """Delete every event of these conversations; the number deleted."""
    events = _events(connection)
    if events is None or not stored_ids:
        return 0
    return connection.execute(delete(events).where(events.c.sender_id.in_(stored_ids))).rowcount


def purge(connection: Connection, idle_hours: float, now: float | None = None) -> int:
    """Delete conversations with no event for `idle_hours`; the number of events deleted."""
    events = _events(connection)
    if events is None:
        return 0
    cutoff = (now if now is not None else time.time()) - idle_hours * 3600
    idle = select(events.c.sender_id).group_by(events.c.sender_id).having(func.max(events.c.timestamp) < cutoff)
    return connection.execute(delete(events).where(events.c.sender_id.in_(idle))).rowcount


def rekey(connection: Connection, batch: int = 500) -> int:
    """Encrypt every stored event again with the first key (MultiFernet.rotate): the number done."""
    events = _events(connection)
    if events is None:
        return 0
    keys, done, last = cipher(), 0, -1
    while True:
        rows = connection.execute(
            select(events.c.id, events.c.data).where(events.c.id > last).order_by(events.c.id).limit(batch)
        ).all()
        if not rows:
            return done
        for row_id, data in rows:
            if data is not None:
                connection.execute(
                    update(events).where(events.c.id == row_id).values(data=keys.rotate(data.encode()).decode())
                )
                done += 1
        last = rows[-1][0]
