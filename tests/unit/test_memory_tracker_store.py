"""rasa_plugins/memory_tracker_store.py gives what Rasa's InMemoryTrackerStore gives, and forgets.

The same conversation (a new one, a second message, then a new session) is saved to both stores;
after each save both return the same events and have passed the same events to the broker.
"""
import asyncio

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

from rasa_plugins.memory_tracker_store import ForgetfulMemoryTrackerStore

DOMAIN = Domain.from_dict({"slots": {"area": {"type": "text", "mappings": [{"type": "custom"}]}},
                           "session_config": {"carry_over_slots_to_new_session": True}})


class Recorder(EventBroker):
    def __init__(self):
        self.published = []

    def publish(self, event):
        self.published.append(event)


def unstamped(event):
    return {k: v for k, v in event.items() if k != "timestamp" or v < 1000}


def session_start(t):
    return [ActionExecuted(ACTION_SESSION_START_NAME, timestamp=t), SessionStarted(timestamp=t + 0.1),
            ActionExecuted(ACTION_LISTEN_NAME, timestamp=t + 0.2)]


def turn(t, text):
    return [UserUttered(text, {"name": "greet"}, timestamp=t), ActionExecuted("utter_greet", timestamp=t + 0.1),
            BotUttered("Hello", timestamp=t + 0.2), ActionExecuted(ACTION_LISTEN_NAME, timestamp=t + 0.3)]


STEPS = [session_start(1), turn(2, "hi") + [SlotSet("area", "kent-and-medway", timestamp=2.5)], turn(3, "again"),
         session_start(100) + [SlotSet("area", "kent-and-medway", timestamp=100.3)], turn(101, "back")]


def play(store):
    """Each step as Rasa's processor does it: fetch (or create), add events, save; what is seen after
    each. Also used by tests/unit/test_tracker_stores.py."""
    async def run():
        seen = []
        for events in STEPS:
            tracker = await store.get_or_create_tracker("person")
            for event in events:
                tracker.update(event)
            await store.save(tracker)
            again = await store.retrieve("person")
            # Events are compared without the one wall-clock stamp (the first `action_listen`).
            seen.append(([unstamped(e.as_dict()) for e in again.events], again.get_slot("area"),
                         list(await store.keys())))
        return seen
    return asyncio.run(run())


def test_the_same_conversation_reads_back_and_streams_as_with_rasas_store():
    ours, rasas = Recorder(), Recorder()
    assert play(ForgetfulMemoryTrackerStore(DOMAIN, ours)) == play(InMemoryTrackerStore(DOMAIN, rasas))
    # The first `action_listen` is stamped with the time it was created; every other event is fixed.
    assert [unstamped(e) for e in ours.published] == [unstamped(e) for e in rasas.published]
    assert sum(1 for e in ours.published if e.get("event") == "user") == 3  # each message once


def test_a_conversation_left_idle_is_forgotten(monkeypatch):
    clock = [0.0]
    monkeypatch.delenv("PHB_TRACKER_IDLE_MINUTES", raising=False)
    store = ForgetfulMemoryTrackerStore(DOMAIN, idle_minutes=2, clock=lambda: clock[0])

    async def run():
        tracker = await store.get_or_create_tracker("idle")
        await store.save(tracker)
        clock[0] = 119
        assert await store.retrieve("idle") is tracker
        clock[0] = 119 + 121
        assert await store.retrieve("idle") is None
        assert await store.keys() == []
    asyncio.run(run())


@pytest.mark.parametrize("setting, seconds", [(None, 3600), ("0.5", 30)])
def test_the_idle_limit_comes_from_endpoints_or_the_variable(monkeypatch, setting, seconds):
    monkeypatch.delenv("PHB_TRACKER_IDLE_MINUTES", raising=False)
    if setting:
        monkeypatch.setenv("PHB_TRACKER_IDLE_MINUTES", setting)
    assert ForgetfulMemoryTrackerStore(DOMAIN)._kept.idle_seconds == seconds
