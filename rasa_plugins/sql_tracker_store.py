"""Rasa's SQL tracker store (production, deploy/endpoints.yml): sealed at rest, purged, fail-honest.

- **Sealed**: each event's data is encrypted with the intake key before it is stored
  (bot/conversation_store.py); the intent and action columns, which nothing reads, stay empty.
  The sender id Rasa gives it is already the keyed hash of the widget's id (bot/conversation_ids.py).
- **Purged**: conversations with no event for `conversation_retention_hours` (content/intake.yml)
  are deleted, checked at most every `purge_every_minutes` by whichever server saves next
  (`phb-intake purge` does it too).
- **Fail-honest**: a database error is reduced to its kind, noted for the channel and never
  raised, so Rasa neither logs its text (with the query's values) nor moves the conversation to
  an in-memory store that never forgets (rasa_plugins/store_guard.py).
- **Read once per save**: with an event broker, Rasa's `save` first reads and rebuilds the whole
  conversation only to find which events are new, then counts the stored events to find them
  again. Both give the same events: those beyond the ones stored since the session began. Here
  they are found once, by the count, stored, and only then passed to the event broker, so the
  broker never hears of an event that was not stored.
- **Kept between messages** (a speed-up, PHB_RASA_SPEEDUPS, rasa_plugins/switch.py): reading a
  conversation whole (every row fetched, decrypted and replayed), counting it again on each save,
  and a transaction of a round trip per row took a third of a cluster server's time at 20
  conversations (docs/benchmarks.md, run O). So each server keeps the conversations it last read
  or saved, as `make run`'s memory store does, marked by the sealed data of the last stored row
  (unique to that row) and, on PostgreSQL, its id. A read is one statement: the rows from that
  one on (by id, the first one's seal checked; else by the seal). If it has gone (the
  conversation was erased, purged or sealed again), or another server started a new session, the
  conversation is read whole as before; rows another server added are decrypted and applied, as
  Rasa's read would (stamped from the session's start). A save stores the events beyond those
  the kept conversation had, without counting; so does the save of a conversation just read as
  new (nothing stored), which under the message's lock no other server can have started. (Every
  save, switch or not, stores its rows in one INSERT on PostgreSQL, all or nothing by itself,
  instead of a transaction.) With the switch on, PostgreSQL's two statements of a kept message
  go straight to psycopg2 (_DriverStatements). A
  conversation changed but not saved (a message that failed half way) no longer matches what
  was kept, so it is read whole. `tests/unit/test_tracker_stores.py` plays the same
  conversations across two servers, on SQLite and PostgreSQL, against a server reading whole.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import time
from dataclasses import dataclass
from typing import Iterable, Optional

import psycopg2
import sqlalchemy as sa
from psycopg2.extras import execute_values
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql.psycopg2 import EXECUTEMANY_VALUES
from sqlalchemy.exc import SQLAlchemyError

from bot import conversation_store
from bot.expiring_map import ExpiringMap, Full, conversation_idle_minutes
from bot.intake.questions import content as intake_content
from bot.storage.crypto import KeyMissing
from rasa_plugins import store_guard
from rasa_plugins.switch import require_checked_rasa, speedups_on

logger = logging.getLogger(__name__)
# What a fault is reduced to: its class name says what happened, and never carries a value.
# psycopg2's own errors come from the statements sent to it directly (_DriverStatements).
FAULTS = (SQLAlchemyError, KeyMissing, OSError, psycopg2.Error)
# At most this many conversations kept per server (the least recently used makes room for a new one,
# and is read whole if it comes back), so memory stays bounded however busy the service is.
KEPT_CONVERSATIONS = 2000
# Stands for a conversation's id while Rasa's read is compiled (_DriverStatements.last_session).
_PLACEHOLDER = "phb-conversation-id-placeholder"
# A save's rows go in one INSERT (one round trip) up to this many; more go in a transaction.
ROWS_IN_ONE_INSERT = 200


@dataclass
class _Kept:
    # None: the conversation was read and nothing is stored yet (see _retrieve).
    tracker: Optional[DialogueStateTracker]
    events: int  # len(tracker.events) when it matched the stored conversation
    # The sealed data of the conversation's last stored row: unique to that row (a fresh
    # encryption each time), so it marks the place even if ids are given again (SQLite can).
    last_data: Optional[str]
    # As Rasa's read: only rows stamped at or after the last session's start are in it.
    session_start: Optional[float]
    # That row's id, where known (PostgreSQL, _DriverStatements): the rows from it on are then
    # found by id, and the seal checked, instead of by comparing every row's sealed data.
    last_id: Optional[int] = None


def _sends_many_rows_as_one_insert(engine) -> bool:
    """psycopg2 under SQLAlchemy 1.4 sends an executemany INSERT as one statement with many
    VALUES (execute_values), up to its page size: all or nothing without a transaction."""
    dialect = engine.dialect
    return (
        dialect.name == "postgresql"
        and dialect.driver == "psycopg2"
        and bool(dialect.executemany_mode & EXECUTEMANY_VALUES)
        and (dialect.executemany_values_page_size or 0) >= ROWS_IN_ONE_INSERT
    )


class _DriverStatements:
    """The two statements of every message (the read of a kept conversation's new rows, and the
    insert of a save's rows), sent straight to psycopg2 on a pooled connection. Built through
    SQLAlchemy, each cost about as much of the server's CPU as the database took to run it: the
    expression made, its cache key worked out and its result wrapped, every time (docs/benchmarks.md,
    run X). The rows are those of the SQLAlchemy expressions used elsewhere
    (tests/unit/test_tracker_stores.py compares them); the speed-up switch off, or another
    database, goes through SQLAlchemy."""

    def __init__(self, engine, table) -> None:
        self._engine = engine
        name = engine.dialect.identifier_preparer.format_table(table)
        columns = f"SELECT id, type_name, timestamp, data FROM {name} WHERE sender_id = %(sender)s AND id >= "
        self._from_data = (
            columns + f"(SELECT max(id) FROM {name} WHERE sender_id = %(sender)s AND data = %(last)s) ORDER BY id"
        )
        self._from_id = columns + "%(id)s ORDER BY id"
        self._insert = f"INSERT INTO {name} (sender_id, type_name, timestamp, data) VALUES %s RETURNING id"
        self._last_session = None  # Rasa's read, compiled on first use (a database may be down at start)

    def last_session(self, store: "PhbSQLTrackerStore", sender_id: str) -> list[tuple]:
        """(id, type_name, timestamp, data) of the rows Rasa's read of the last session gives: its
        own query (SQLTrackerStore._event_query), compiled once, with this conversation's id."""
        if self._last_session is None:
            table = store.SQLEvent.__table__
            with store.session_scope() as session:
                query = store._event_query(session, _PLACEHOLDER, fetch_events_from_all_sessions=False)
                statement = query.with_entities(table.c.id, table.c.type_name, table.c.timestamp, table.c.data)
                compiled = statement.statement.compile(dialect=self._engine.dialect)
            names = [name for name, value in compiled.params.items() if value == _PLACEHOLDER]
            self._last_session = (compiled.string, compiled.params, names)
        sql, params, names = self._last_session
        with self._cursor() as cursor:
            cursor.execute(sql, {**params, **dict.fromkeys(names, sender_id)})
            return cursor.fetchall()

    def rows_from(self, sender_id: str, last_data: str, last_id: Optional[int] = None) -> list[tuple]:
        """(id, type_name, timestamp, data) of the rows from the one sealed as `last_data` on; none
        if it has gone. With its id, the rows are found by id and the first one's seal checked:
        the same rows, without comparing the sealed data of every row of the conversation."""
        with self._cursor() as cursor:
            if last_id is None:
                cursor.execute(self._from_data, {"sender": sender_id, "last": last_data})
                return cursor.fetchall()
            cursor.execute(self._from_id, {"sender": sender_id, "id": last_id})
            rows = cursor.fetchall()
        return rows if rows and rows[0][3] == last_data else []

    def insert(self, rows: list[dict]) -> int:
        """One INSERT statement for all the rows (ROWS_IN_ONE_INSERT at most): all or nothing. The
        last row's id."""
        values = [(row["sender_id"], row["type_name"], row["timestamp"], row["data"]) for row in rows]
        with self._cursor() as cursor:
            ids = execute_values(cursor, self._insert, values, page_size=len(values), fetch=True)
        # PostgreSQL numbers the rows of one INSERT in order (a wrong guess is only a slower read:
        # rows_from checks the seal).
        return max(row[0] for row in ids)

    @contextlib.contextmanager
    def _cursor(self):
        """A cursor on a pooled connection (in autocommit: each statement is all or nothing)."""
        connection = self._engine.raw_connection()
        try:
            with connection.cursor() as cursor:
                yield cursor
        finally:
            connection.close()


def _one_statement_engine(engine):
    """For a single read or insert, which is all or nothing by itself: no BEGIN and COMMIT
    around it, so one round trip. PostgreSQL gets its own pool of such connections (set once,
    when each connects); elsewhere the setting is made for each use."""
    if engine.dialect.name == "postgresql":
        return sa.create_engine(
            engine.url,
            isolation_level="AUTOCOMMIT",
            hide_parameters=True,
            # No transaction is ever left open on these, so none is rolled back as each goes back
            # to the pool (SQLAlchemy's reset, at every statement, otherwise).
            pool_reset_on_return=None,
            **create_engine_kwargs(engine.url),
        )
    return engine.execution_options(isolation_level="AUTOCOMMIT")


class PhbSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args, purge_every_minutes: float = 10, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A database error's text then never carries the query's values (SQLAlchemy reads this
        # attribute when it wraps each error).
        self.engine.hide_parameters = True
        self.retention_hours = float(intake_content()["conversation_retention_hours"])
        self.purge_every = float(purge_every_minutes) * 60
        self._next_purge = 0.0
        self._kept: Optional[ExpiringMap[_Kept]] = None
        if speedups_on():
            require_checked_rasa("Keeping conversations between messages (rasa_plugins/sql_tracker_store.py)")
            self._kept = ExpiringMap(conversation_idle_minutes() * 60, max_entries=KEPT_CONVERSATIONS)
        self._one_statement = _one_statement_engine(self.engine)
        self._one_insert_for_many = _sends_many_rows_as_one_insert(self.engine)
        self._driver = (
            _DriverStatements(self._one_statement, self.SQLEvent.__table__)
            if self._kept is not None and self._one_insert_for_many
            else None
        )
        store_guard.forget_with(self.forget)

    def _fault(self, doing: str, error: Exception) -> None:
        store_guard.note(type(error).__name__)
        # The database may have gone away: both pools' connections may be dead, though none of
        # them failed yet (on PostgreSQL a message uses only the one-statement pool, so "End
        # chat" would otherwise be the first to find Rasa's pool dead). New ones are made when
        # each is next used.
        self._one_statement.dispose()
        self.engine.dispose()
        logger.error("The conversation store could not %s: %s", doing, type(error).__name__)

    def _keep(
        self, sender_id: str, tracker: Optional[DialogueStateTracker], last_data, session_start, last_id=None
    ) -> None:
        """Keeps `tracker`, which matches the stored conversation up to the row sealed as `last_data`
        (or, with no tracker, that nothing is stored)."""
        if self._kept is None:
            return
        kept = _Kept(tracker, len(tracker.events) if tracker is not None else 0, last_data, session_start, last_id)
        try:
            self._kept.put(sender_id, kept)
        except Full:
            # The one used least recently makes room: it will be read whole if it comes back.
            self._kept.pop_least_recent()
            self._kept.put(sender_id, kept)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        kept = self._kept.pop(sender_id) if self._kept is not None else None
        # A kept conversation with nothing stored yet (last_data None) is read whole.
        usable = kept is not None and kept.tracker is not None and kept.last_data is not None
        if usable and len(kept.tracker.events) == kept.events:
            try:
                if self._caught_up(kept, sender_id):
                    self._keep(sender_id, kept.tracker, kept.last_data, kept.session_start, kept.last_id)
                    return kept.tracker
            except FAULTS as error:
                self._fault("read a conversation", error)
                return None
        return await self._retrieve(sender_id, fetch_events_from_all_sessions=False)

    def _caught_up(self, kept: _Kept, sender_id: str) -> bool:
        """Applies the rows stored since `kept` was; False if it must be read whole instead."""
        # Each row: (id, type_name, timestamp, data).
        if self._driver is not None:
            rows = self._driver.rows_from(sender_id, kept.last_data, kept.last_id)
        else:
            table = self.SQLEvent.__table__
            mine = table.c.sender_id == sender_id
            last = select(func.max(table.c.id)).where(mine, table.c.data == kept.last_data).scalar_subquery()
            with self._one_statement.connect() as connection:
                rows = connection.execute(
                    select(table.c.id, table.c.type_name, table.c.timestamp, table.c.data)
                    .where(mine, table.c.id >= last)
                    .order_by(table.c.id)
                ).all()
        if not rows:
            return False  # the kept last row has gone: erased, purged or sealed again since
        if any(type_name == SessionStarted.type_name for _, type_name, _, _ in rows[1:]):
            return False  # a read gives the last session only
        start = kept.session_start
        added = [data for _, _, stamp, data in rows[1:] if start is None or (stamp is not None and stamp >= start)]
        for event in deserialise_events([conversation_store.unseal(data) for data in added]):
            kept.tracker.update(event)
        kept.last_id, _, _, kept.last_data = rows[-1]
        return True

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        # Each row: (id, type_name, timestamp, data).
        try:
            if self._driver is not None and not fetch_events_from_all_sessions:
                rows = self._driver.last_session(self, sender_id)
            else:
                table = self.SQLEvent.__table__
                with self.session_scope() as session:
                    rows = (
                        self._event_query(session, sender_id, fetch_events_from_all_sessions)
                        .with_entities(table.c.id, table.c.type_name, table.c.timestamp, table.c.data)
                        .all()
                    )
            events = [conversation_store.unseal(data) for _, _, _, data in rows]
        except FAULTS as error:
            self._fault("read a conversation", error)
            return None
        if not events:
            if not fetch_events_from_all_sessions:
                # A new conversation: the save that follows under this message's lock (Rasa's
                # create_tracker) stores from the start without counting. Any other read replaces this.
                self._keep(sender_id, None, None, None)
            return None
        if not self.domain:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions:
            starts = [stamp for _, type_name, stamp, _ in rows if type_name == SessionStarted.type_name]
            last_id, _, _, last_data = rows[-1]
            self._keep(sender_id, tracker, last_data, max(starts) if starts else None, last_id)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        kept = self._kept.pop(tracker.sender_id) if self._kept is not None else None
        known_new = kept is not None and kept.tracker is None
        if kept is not None and (kept.tracker is not tracker or len(tracker.events) < kept.events):
            kept = None  # not the conversation it read: found by counting, as Rasa does
        if store_guard.failed():
            # The conversation could not be read for this message: saving what Rasa made
            # instead would add a new conversation's start to the stored one.
            return
        try:
            if kept is not None:
                stored = kept.events
            elif known_new:
                stored = 0  # read just now, under this message's lock, and nothing was stored
            else:
                with self.session_scope() as session:
                    stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
            new_events = list(itertools.islice(tracker.events, stored, None))
            rows = [self._row(tracker.sender_id, event) for event in new_events]
            last_id = self._insert(rows)
        except FAULTS as error:
            self._fault("save a conversation", error)
            return
        # What is stored is known if it was kept, or if nothing was stored before. (Rasa's processor
        # creates a new conversation empty: kept with no last row, its next save need not count.)
        if self._kept is not None and (kept is not None or (stored == 0 and (rows or known_new))):
            if rows:
                last_data = rows[-1]["data"]
            else:  # nothing new: the last stored row is still the one kept (or there is none)
                last_data, last_id = (kept.last_data, kept.last_id) if kept else (None, None)
            self._keep_saved(tracker, new_events, last_data, kept.session_start if kept else None, last_id)
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
        self._purge_now_and_then()

    def _insert(self, rows: list[dict]) -> Optional[int]:
        """Stores the rows all or none: in one INSERT statement where the driver sends them as one
        (psycopg2), otherwise in one transaction. The last row's id, where the driver gives it."""
        if not rows:
            return None
        if len(rows) <= ROWS_IN_ONE_INSERT and self._driver is not None:
            return self._driver.insert(rows)
        if len(rows) <= ROWS_IN_ONE_INSERT and self._one_insert_for_many:
            with self._one_statement.connect() as connection:
                connection.execute(self.SQLEvent.__table__.insert(), rows)
            return None
        with self.engine.begin() as connection:
            connection.execute(self.SQLEvent.__table__.insert(), rows)
        return None

    @staticmethod
    def _row(sender_id: str, event) -> dict:
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "data": conversation_store.seal(data),
        }

    def _keep_saved(
        self, tracker: DialogueStateTracker, new_events: list, last_data: str, session_start, last_id: Optional[int]
    ) -> None:
        """Keeps what a read would now give: if a session began in this save, only the events
        stamped from its start, as Rasa's read picks them."""
        starts = [event.timestamp for event in new_events if isinstance(event, SessionStarted)]
        if starts:
            if not self.domain:
                return
            session_start = max(starts)
            events = [event for event in tracker.events if event.timestamp >= session_start]
            tracker = DialogueStateTracker.from_events(tracker.sender_id, events, slots=self.domain.slots)
        self._keep(tracker.sender_id, tracker, last_data, session_start, last_id)

    async def keys(self) -> Iterable[str]:
        try:
            return await super().keys()
        except FAULTS as error:
            self._fault("list conversations", error)
            return []

    async def forget(self, sender_id: str) -> None:
        """Delete a conversation (the widget's "End chat"); raises if it cannot."""
        if self._kept is not None:
            self._kept.pop(sender_id)
        try:
            with self.engine.begin() as connection:
                conversation_store.erase(connection, [sender_id])
        except FAULTS as error:
            self._fault("forget a conversation", error)
            raise RuntimeError(f"the conversation could not be forgotten: {type(error).__name__}") from None

    def _purge_now_and_then(self) -> None:
        now = time.monotonic()
        if now < self._next_purge:
            return
        self._next_purge = now + self.purge_every
        try:
            with self.engine.begin() as connection:
                conversation_store.purge(connection, self.retention_hours)
        except FAULTS as error:
            logger.error("Old conversations could not be purged: %s", type(error).__name__)
