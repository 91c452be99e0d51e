"""The in-memory tracker store for `make run`: fast, and forgets idle conversations.

Rasa's InMemoryTrackerStore keeps each conversation as JSON and rebuilds it, event by event,
every time it is read; with an event broker it rebuilds it once more on every save, to find the
new events. That was 10% of the server's CPU at 20 conversations (docs/benchmarks.md). It also
keeps every conversation until the server stops.

This store keeps what Rasa's `retrieve` would return (the tracker of the last session) as the
object itself, counts the events it has passed to the event broker, and forgets a conversation
idle for `idle_minutes` (bot/expiring_map.py). It keeps at most `max_conversations`: when that
many are live, a new one is not started (the channel answers 503, busy) rather than memory
running out or a live one being dropped. Like the SQL store, it never raises into Rasa's
fail-safe wrapper (rasa_plugins/store_guard.py). Rasa's lock store lets only one message of a
conversation be handled at a time, so handing out the kept object is safe on one server. `make
run` with several Rasa servers keeps each conversation on one of them (processes/conversation_router.py);
servers that share conversations (deploy/) use the SQL tracker store.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Iterable, Optional

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions

from bot.expiring_map import DEFAULT_IDLE_MINUTES, ExpiringMap, Full, conversation_idle_minutes
from rasa_plugins import store_guard

# A cap, so a flood of new ids cannot take all the memory; more than `make run` serves at once.
DEFAULT_MAX_CONVERSATIONS = 10000


@dataclass
class _Kept:
    tracker: DialogueStateTracker
    published: int  # events already passed to the event broker


def _starts_a_later_session(tracker: DialogueStateTracker) -> bool:
    """True if a session starts after the first event (Rasa then keeps only the last session)."""
    # One pass over the deque (indexing a deque in the middle is not constant time).
    return any(
        isinstance(event, ActionExecuted) and event.action_name == ACTION_SESSION_START_NAME
        for event in itertools.islice(tracker.events, 1, None)
    )


class ForgetfulMemoryTrackerStore(TrackerStore):
    def __init__(
        self,
        domain,
        event_broker=None,
        idle_minutes: float = DEFAULT_IDLE_MINUTES,
        clock=time.monotonic,
        max_conversations: int = DEFAULT_MAX_CONVERSATIONS,
        **kwargs,
    ) -> None:
        minutes = conversation_idle_minutes(idle_minutes)
        self._kept: ExpiringMap[_Kept] = ExpiringMap(minutes * 60, clock=clock, max_entries=int(max_conversations))
        super().__init__(domain, event_broker, **kwargs)
        store_guard.forget_with(self.forget)

    async def save(self, tracker: DialogueStateTracker) -> None:
        kept = self._kept.get(tracker.sender_id)
        if kept is None and self._kept.max_entries is not None and len(self._kept) >= self._kept.max_entries:
            # Full: note it before anything is published, so nothing is half-kept.
            store_guard.note(Full.__name__)
            return
        if self.event_broker is not None:
            # As Rasa's stores do: the events beyond those of the tracker last saved.
            start = kept.published if kept else 0
            new_events = list(itertools.islice(tracker.events, start, None))
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
        if _starts_a_later_session(tracker):
            tracker = get_trackers_for_conversation_sessions(tracker)[-1]
        # Cannot be full: a new conversation was refused above, before anything was published.
        self._kept.put(tracker.sender_id, _Kept(tracker, len(tracker.events)))

    async def forget(self, sender_id: str) -> None:
        self._kept.pop(sender_id)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        kept = self._kept.get(sender_id)
        return kept.tracker if kept else None

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        # Earlier sessions are not kept: the last session is the whole of what is known.
        return await self.retrieve(sender_id)

    async def keys(self) -> Iterable[str]:
        return list(self._kept.keys())
