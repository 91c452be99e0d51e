"""rasa_plugins/memory_tracker_store.py gives what Rasa's InMemoryTrackerStore gives, and forgets.

The same conversation (a new one, a second message, then a new session) is saved to both stores;
after each save both return the same events and have passed the same events to the broker.
"""

import asyncio

import pytest
from rasa.core.tracker_store import InMemoryTrackerStore

from rasa_plugins.memory_tracker_store import ForgetfulMemoryTrackerStore
from tests.unit.tracker_replay import DOMAIN, Recorder, play, unstamped


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
