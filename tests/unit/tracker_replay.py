"""One conversation played into a tracker store as Rasa's processor plays it, for comparing our
stores with Rasa's (tests/unit/test_memory_tracker_store.py, tests/unit/test_tracker_stores.py)."""

import asyncio

from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

DOMAIN = Domain.from_dict(
    {
        "slots": {"area": {"type": "text", "mappings": [{"type": "custom"}]}},
        "session_config": {"carry_over_slots_to_new_session": True},
    }
)


class Recorder(EventBroker):
    def __init__(self):
        self.published = []

    def publish(self, event):
        self.published.append(event)


def unstamped(event):
    return {k: v for k, v in event.items() if k != "timestamp" or v < 1000}


def session_start(t):
    return [
        ActionExecuted(ACTION_SESSION_START_NAME, timestamp=t),
        SessionStarted(timestamp=t + 0.1),
        ActionExecuted(ACTION_LISTEN_NAME, timestamp=t + 0.2),
    ]


def turn(t, text):
    return [
        UserUttered(text, {"name": "greet"}, timestamp=t),
        ActionExecuted("utter_greet", timestamp=t + 0.1),
        BotUttered("Hello", timestamp=t + 0.2),
        ActionExecuted(ACTION_LISTEN_NAME, timestamp=t + 0.3),
    ]


STEPS = [
    session_start(1),
    turn(2, "hi") + [SlotSet("area", "kent-and-medway", timestamp=2.5)],
    turn(3, "again"),
    session_start(100) + [SlotSet("area", "kent-and-medway", timestamp=100.3)],
    turn(101, "back"),
]


def play(store):
    """Each step as Rasa's processor does it: fetch (or create), add events, save; what is seen after
    each."""

    async def run():
        seen = []
        for events in STEPS:
            tracker = await store.get_or_create_tracker("person")
            for event in events:
                tracker.update(event)
            await store.save(tracker)
            again = await store.retrieve("person")
            # Events are compared without the one wall-clock stamp (the first `action_listen`).
            seen.append(
                ([unstamped(e.as_dict()) for e in again.events], again.get_slot("area"), list(await store.keys()))
            )
        return seen

    return asyncio.run(run())
