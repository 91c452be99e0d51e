"""bot/expiring_map.py: conversations nobody has used for a while are forgotten, others kept."""

import pytest

from bot.expiring_map import ExpiringMap


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_idle_entries_are_forgotten_and_used_ones_kept():
    clock = Clock()
    kept = ExpiringMap(60, clock=clock)
    kept.put("a", 1)
    kept.put("b", 2)
    clock.now += 40
    assert kept.get("a") == 1  # used: its idle time starts again
    clock.now += 30  # "b" idle for 70 s, "a" for 30 s
    assert kept.get("b") is None
    assert kept.get("a") == 1
    assert list(kept.keys()) == ["a"] and len(kept) == 1
    clock.now += 61
    assert kept.forget_idle() == 1 and len(kept) == 0


def test_an_entry_exactly_at_the_limit_is_kept_and_replacing_renews_it():
    clock = Clock()
    kept = ExpiringMap(60, clock=clock)
    kept.put("a", 1)
    clock.now += 60
    assert "a" in kept
    clock.now += 59
    kept.put("a", 2)
    clock.now += 59
    assert kept.get("a") == 2


def test_the_limit_must_be_positive():
    with pytest.raises(ValueError):
        ExpiringMap(0)


def test_how_long_conversations_are_kept_comes_from_the_variable_then_the_config(monkeypatch):
    from bot.expiring_map import conversation_idle_minutes

    monkeypatch.delenv("PHB_TRACKER_IDLE_MINUTES", raising=False)
    assert conversation_idle_minutes() == 60
    assert conversation_idle_minutes(90) == 90
    monkeypatch.setenv("PHB_TRACKER_IDLE_MINUTES", "1.5")
    assert conversation_idle_minutes(90) == 1.5


def test_the_least_recently_used_entry_can_make_room():
    clock = [0.0]
    kept = ExpiringMap(60, clock=lambda: clock[0], max_entries=2)
    kept.put("a", 1)
    clock[0] = 1
    kept.put("b", 2)
    clock[0] = 2
    assert kept.get("a") == 1  # "b" is now the least recently used
    assert kept.pop_least_recent() == 2
    assert list(kept.keys()) == ["a"]
    assert kept.pop_least_recent() == 1 and kept.pop_least_recent() is None
