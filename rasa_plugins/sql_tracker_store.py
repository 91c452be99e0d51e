"""Rasa's SQL tracker store (production, deploy/endpoints.yml), reading the conversation once per save.

With an event broker, Rasa's `save` first reads and rebuilds the whole conversation only to find
which events are new, then counts the stored events to find them again. Both give the same
events: those beyond the ones stored since the session began. Here they are found once, by the
count, stored, and only then passed to the event broker, so the broker never hears of an event
that was not stored.
"""
from __future__ import annotations

import json

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.nlu.constants import INTENT_NAME_KEY


class PhbSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A database error's text then never carries the query's values (what people typed, the
        # sender id), so Rasa's fail-safe store, which logs it, cannot log them (SQLAlchemy reads
        # this attribute when it wraps each error).
        self.engine.hide_parameters = True

    async def save(self, tracker) -> None:
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            for event in new_events:
                data = event.as_dict()
                # The same columns as Rasa's own `save`.
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"), data=json.dumps(data)))
            session.commit()
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
