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
"""

from __future__ import annotations

import logging
import time
from typing import Iterable, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import SQLAlchemyError

from bot import conversation_store
from bot.storage.crypto import KeyMissing
from bot.intake.questions import content as intake_content
from rasa_plugins import store_guard

logger = logging.getLogger(__name__)
# What a fault is reduced to: its class name says what happened, and never carries a value.
FAULTS = (SQLAlchemyError, KeyMissing, OSError)


class PhbSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args, purge_every_minutes: float = 10, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A database error's text then never carries the query's values (SQLAlchemy reads this
        # attribute when it wraps each error).
        self.engine.hide_parameters = True
        self.retention_hours = float(intake_content()["conversation_retention_hours"])
        self.purge_every = float(purge_every_minutes) * 60
        self._next_purge = 0.0
        store_guard.forget_with(self.forget)

    def _fault(self, doing: str, error: Exception) -> None:
        store_guard.note(type(error).__name__)
        logger.error("The conversation store could not %s: %s", doing, type(error).__name__)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        try:
            with self.session_scope() as session:
                rows = self._event_query(session, sender_id, fetch_events_from_all_sessions).all()
                events = [conversation_store.unseal(row.data) for row in rows]
        except FAULTS as error:
            self._fault("read a conversation", error)
            return None
        if not events or not self.domain:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if store_guard.failed():
            # The conversation could not be read for this message: saving what Rasa made
            # instead would add a new conversation's start to the stored one.
            return
        try:
            with self.session_scope() as session:
                new_events = list(self._additional_events(session, tracker))
                for event in new_events:
                    data = event.as_dict()
                    session.add(
                        self.SQLEvent(
                            sender_id=tracker.sender_id,
                            type_name=event.type_name,
                            timestamp=data.get("timestamp"),
                            data=conversation_store.seal(data),
                        )
                    )
                session.commit()
        except FAULTS as error:
            self._fault("save a conversation", error)
            return
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
        self._purge_now_and_then()

    async def keys(self) -> Iterable[str]:
        try:
            return await super().keys()
        except FAULTS as error:
            self._fault("list conversations", error)
            return []

    async def forget(self, sender_id: str) -> None:
        """Delete a conversation (the widget's "End chat"); raises if it cannot."""
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
