"""The scripted Redis lock store (rasa_plugins/redis_lock_store.py) against Rasa's own, on a real
Redis: the same steps leave the same bytes stored and give the same tickets; a stock server and
ours share one lock; and a message's lock is two commands instead of Rasa's seven."""

import asyncio
import secrets
import threading
import time

import pytest
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig, read_endpoint_config

from rasa_plugins.redis_lock_store import PhbRedisLockStore
from tests.conftest import ROOT

DB = 2  # not the cluster's (1)


@pytest.fixture
def stores(redis_server, monkeypatch):
    """Rasa's store and ours, each under its own fresh key prefix, on a clock the test moves."""
    monkeypatch.setenv("PHB_RASA_SPEEDUPS", "on")
    host, port = redis_server
    clock = {"now": 1_800_000_000.125}
    monkeypatch.setattr(time, "time", lambda: clock["now"])
    tag = secrets.token_hex(4)
    rasas = RedisLockStore(host=host, port=port, db=DB, key_prefix=f"rasa{tag}")
    ours = PhbRedisLockStore(host=host, port=port, db=DB, key_prefix=f"ours{tag}")
    yield rasas, ours, clock
    for store in (rasas, ours):
        for key in store.red.scan_iter(store.key_prefix + "*"):
            store.red.delete(key)


def stored(store, conversation):
    return store.red.get(store.key_prefix + conversation)


def both(stores, step):
    """Run one step on each store; their answers and what each left stored must be the same."""
    rasas, ours, _ = stores
    answers = [step(rasas), step(ours)]
    assert answers[0] == answers[1]
    assert stored(rasas, "c1") == stored(ours, "c1")
    return answers[0]


@pytest.fixture
def scripted(redis_server, monkeypatch):
    """Makes our store (the speed-ups on), under a fresh key prefix unless given one."""
    monkeypatch.setenv("PHB_RASA_SPEEDUPS", "on")
    host, port = redis_server
    return lambda prefix=None: PhbRedisLockStore(
        host=host, port=port, db=DB, key_prefix=prefix or f"ours{secrets.token_hex(4)}"
    )


def commands_sent(store, monkeypatch) -> list:
    """The names of the commands `store` sends to Redis from now on."""
    sent = []
    send = store.red.execute_command
    monkeypatch.setattr(store.red, "execute_command", lambda *a, **k: sent.append(a[0]) or send(*a, **k))
    return sent


def one_message(store):
    async def handled():
        async with store.lock("c1"):
            pass

    asyncio.run(handled())


def test_tickets_issued_and_given_back_in_any_order_are_stored_as_rasa_stores_them(stores):
    assert [both(stores, lambda s: s.issue_ticket("c1", 60)) for _ in range(3)] == [0, 1, 2]
    assert b'"tickets": ["{\\"number\\": 0, \\"expires\\": 1800000060.125}"' in stored(stores[1], "c1")
    both(stores, lambda s: s.cleanup("c1", 1))
    assert both(stores, lambda s: s.issue_ticket("c1", 60)) == 3
    both(stores, lambda s: s.cleanup("c1", 0))
    both(stores, lambda s: s.cleanup("c1", 3))
    both(stores, lambda s: s.cleanup("c1", 7))  # a ticket that is not there
    both(stores, lambda s: s.cleanup("c1", 2))
    assert stored(stores[1], "c1") is None  # no one waits: the lock is gone
    both(stores, lambda s: s.cleanup("c1", 0))  # and giving one back again changes nothing


def test_expired_tickets_are_dropped_as_rasa_drops_them(stores):
    _, _, clock = stores
    both(stores, lambda s: s.issue_ticket("c1", 10))
    both(stores, lambda s: s.issue_ticket("c1", 100))
    clock["now"] += 50  # the first has expired, the second not
    assert both(stores, lambda s: s.issue_ticket("c1", 10)) == 2
    clock["now"] += 500  # all have expired: numbering starts again
    assert both(stores, lambda s: s.issue_ticket("c1", 10)) == 0
    clock["now"] += 500
    both(stores, lambda s: s.cleanup("c1", 0))  # its own ticket expired, and no one else waits
    assert stored(stores[1], "c1") is None


def test_a_waiting_message_tidies_the_lock_as_rasa_does(stores):
    _, _, clock = stores
    both(stores, lambda s: s.issue_ticket("c1", 10))
    both(stores, lambda s: s.issue_ticket("c1", 100))
    clock["now"] += 50
    both(stores, lambda s: s.update_lock("c1"))  # the expired first ticket is dropped
    clock["now"] += 500
    both(stores, lambda s: s.update_lock("c1"))  # all expired: an empty lock stays, as Rasa's
    assert b'"tickets": []' in stored(stores[1], "c1")
    both(stores, lambda s: s.update_lock("c2"))  # no lock: nothing is made


def test_any_conversation_id_is_stored_as_rasa_stores_it(stores):
    rasas, ours, _ = stores
    for store in (rasas, ours):
        store.issue_ticket('a/b \u00dcn\u00ef "q"', 60)
    assert stored(rasas, 'a/b \u00dcn\u00ef "q"') == stored(ours, 'a/b \u00dcn\u00ef "q"')


def test_a_stock_server_and_ours_share_one_lock(redis_server, scripted):
    host, port = redis_server
    prefix = f"shared{secrets.token_hex(4)}"
    rasas = RedisLockStore(host=host, port=port, db=DB, key_prefix=prefix)
    ours = scripted(prefix)
    assert [rasas.issue_ticket("c1", 60), ours.issue_ticket("c1", 60), rasas.issue_ticket("c1", 60)] == [0, 1, 2]
    ours.cleanup("c1", 0)
    assert rasas.get_lock("c1").now_serving == 1
    rasas.cleanup("c1", 1)
    ours.cleanup("c1", 2)
    assert stored(rasas, "c1") is None


def test_messages_for_one_conversation_are_served_one_at_a_time_in_order(scripted):
    store = scripted()
    events = []

    async def message(n):
        async with store.lock("c1", wait_time_in_seconds=0.01) as held:
            events.append(("in", n, held.now_serving))
            await asyncio.sleep(0.02)
            events.append(("out", n, None))

    async def three():
        await asyncio.gather(message(0), message(1), message(2))

    asyncio.run(three())
    assert events == [("in", 0, 0), ("out", 0, None), ("in", 1, 1), ("out", 1, None), ("in", 2, 2), ("out", 2, None)]
    assert stored(store, "c1") is None


def test_tickets_taken_at_once_by_many_servers_are_never_lost(scripted):
    """Rasa's read-then-write can hand two servers the same ticket; each script runs whole."""
    prefix = f"race{secrets.token_hex(4)}"
    servers = [scripted(prefix) for _ in range(4)]
    numbers = []

    def take(store):
        numbers.extend(store.issue_ticket("c1", 600) for _ in range(50))

    threads = [threading.Thread(target=take, args=(s,)) for s in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(numbers) == list(range(200))
    assert len(servers[0].get_lock("c1").tickets) == 200
    servers[0].red.delete(servers[0].key_prefix + "c1")


def test_a_message_takes_two_redis_commands_where_rasa_takes_seven(redis_server, monkeypatch):
    host, port = redis_server
    sent = {}
    for switch in ("off", "on"):
        monkeypatch.setenv("PHB_RASA_SPEEDUPS", switch)
        store = PhbRedisLockStore(host=host, port=port, db=DB, key_prefix=f"count{secrets.token_hex(4)}")
        one_message(store)  # the first loads the scripts into Redis
        sent[switch] = commands_sent(store, monkeypatch)
        one_message(store)
    assert sent["off"] == ["GET", "SET", "GET", "GET", "SET", "GET", "DEL"]
    assert sent["on"] == ["EVALSHA", "EVALSHA"]


def test_tidying_between_tries_is_one_atomic_command(scripted, monkeypatch):
    """Rasa's update_lock reads, then writes back: a ticket issued in between by another server was
    lost, and two messages of one conversation could then run at once."""
    store = scripted()
    store.issue_ticket("c1", 60)
    commands = commands_sent(store, monkeypatch)
    store.update_lock("c1")
    assert commands in (["EVALSHA"], ["EVALSHA", "SCRIPT LOAD", "EVALSHA"])
    store.cleanup("c1", 0)


def test_switched_off_it_is_rasas_store(redis_server, monkeypatch):
    monkeypatch.setenv("PHB_RASA_SPEEDUPS", "off")
    host, port = redis_server
    assert not PhbRedisLockStore(host=host, port=port, db=DB).scripted


def test_production_loads_it_from_endpoints_yml(monkeypatch, redis_server):
    host, port = redis_server
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:1/webhook")
    monkeypatch.setenv("TRACKER_STORE_URL", "sqlite://")
    monkeypatch.setenv("REDIS_HOST", host)
    monkeypatch.setenv("REDIS_PORT", str(port))
    config = read_endpoint_config(str(ROOT / "deploy" / "endpoints.yml"), "lock_store")
    store = LockStore.create(config)
    assert type(store) is PhbRedisLockStore
    assert store.key_prefix == "phb:lock:"
    kwargs = store.red.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"]) == (host, port, 1)


def test_a_redis_that_is_down_is_a_lock_error(monkeypatch):
    from rasa.core.lock_store import LockError

    monkeypatch.setenv("PHB_RASA_SPEEDUPS", "on")
    store = PhbRedisLockStore(EndpointConfig(url="127.0.0.1", port=1, db=DB))
    with pytest.raises(LockError):
        one_message(store)
