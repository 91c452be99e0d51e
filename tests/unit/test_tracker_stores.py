"""The tracker stores named in endpoints.yml and deploy/endpoints.yml are the ones Rasa loads.

Rasa falls back to its own in-memory store, with only a warning, when a named store cannot be
imported: this fails instead. And our SQL store stores and streams what Rasa's own does.
"""

import asyncio
import pathlib
import time

import pytest

from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import read_endpoint_config

from rasa_plugins import store_guard
from rasa_plugins.memory_tracker_store import ForgetfulMemoryTrackerStore
from rasa_plugins.sql_tracker_store import PhbSQLTrackerStore
from tests.unit.tracker_replay import DOMAIN, Recorder, play, unstamped

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_make_run_loads_the_forgetful_in_memory_store():
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    assert isinstance(TrackerStore.create(config, Domain.empty()), ForgetfulMemoryTrackerStore)


def test_production_loads_our_sql_store(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'conversations.db'}")
    for name in ("ACTION_ENDPOINT_URL", "REDIS_HOST", "REDIS_PORT"):
        monkeypatch.setenv(name, "1")
    config = read_endpoint_config(str(ROOT / "deploy" / "endpoints.yml"), "tracker_store")
    assert type(TrackerStore.create(config, Domain.empty())) is PhbSQLTrackerStore


def test_our_sql_store_stores_and_streams_as_rasas(tmp_path):
    ours, rasas = Recorder(), Recorder()
    seen_ours = play(PhbSQLTrackerStore(DOMAIN, db=str(tmp_path / "ours.db"), event_broker=ours))
    seen_rasas = play(SQLTrackerStore(DOMAIN, db=str(tmp_path / "rasas.db"), event_broker=rasas))
    assert seen_ours == seen_rasas
    assert [unstamped(e) for e in ours.published] == [unstamped(e) for e in rasas.published]
    assert sum(1 for e in ours.published if e.get("event") == "user") == 3


def _tracker(sender="a" * 64, text="Marker Zebedee Quill"):
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    return DialogueStateTracker.from_events(sender, [UserUttered(text)], slots=DOMAIN.slots)


def test_our_sql_store_keeps_nothing_typed_in_clear(tmp_path):
    from sqlalchemy import text

    store = PhbSQLTrackerStore(DOMAIN, db=str(tmp_path / "ours.db"))
    asyncio.run(store.save(_tracker()))
    with store.engine.connect() as connection:
        rows = connection.execute(text("select * from events")).mappings().all()
    assert rows and "Zebedee" not in repr(rows)
    assert {r["intent_name"] for r in rows} == {None} and {r["action_name"] for r in rows} == {None}
    assert asyncio.run(store.retrieve("a" * 64)).latest_message.text == "Marker Zebedee Quill"


def test_a_database_fault_is_noted_by_its_kind_and_never_raised_into_rasa(tmp_path, caplog):
    """Rasa's fail-safe wrapper would log a raised error and move the conversation to an in-memory
    store that never forgets: our store raises nothing, and the channel hears of the fault."""
    from sqlalchemy import text

    store = PhbSQLTrackerStore(DOMAIN, db=str(tmp_path / "ours.db"))
    asyncio.run(store.save(_tracker()))
    with store.engine.begin() as connection:  # the table goes, as in a broken or half-migrated database
        connection.execute(text("DROP TABLE events"))

    async def one_message(do):
        faults = store_guard.watch()
        result = await do()
        return faults, result

    faults, _ = asyncio.run(one_message(lambda: store.save(_tracker())))
    assert faults == ["OperationalError"]
    faults, tracker = asyncio.run(one_message(lambda: store.retrieve("a" * 64)))
    assert faults == ["OperationalError"] and tracker is None
    assert "OperationalError" in caplog.text
    assert "Zebedee" not in caplog.text and "a" * 64 not in caplog.text


def test_after_a_failed_read_nothing_is_saved_for_that_message(tmp_path):
    """Rasa makes a new conversation when the read fails; saving it would add a second start to
    the stored conversation, so the store saves nothing until the next message."""
    store = PhbSQLTrackerStore(DOMAIN, db=str(tmp_path / "ours.db"))
    asyncio.run(store.save(_tracker()))

    async def failed_read_then_save():
        faults = store_guard.watch()
        store_guard.note("OperationalError")
        await store.save(_tracker(text="a new conversation"))
        return faults

    asyncio.run(failed_read_then_save())
    assert asyncio.run(store.retrieve("a" * 64)).latest_message.text == "Marker Zebedee Quill"


def test_idle_conversations_are_purged_and_end_chat_forgets(tmp_path):
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store = PhbSQLTrackerStore(DOMAIN, db=str(tmp_path / "ours.db"))
    old = time.time() - store.retention_hours * 3600 - 60
    asyncio.run(
        store.save(DialogueStateTracker.from_events("b" * 64, [UserUttered("old", timestamp=old)], slots=DOMAIN.slots))
    )
    asyncio.run(store.save(_tracker("c" * 64)))
    store._next_purge = 0  # the purge runs at most every purge_every_minutes
    asyncio.run(store.save(_tracker("d" * 64)))
    assert set(asyncio.run(store.keys())) == {"c" * 64, "d" * 64}
    asyncio.run(store_guard.forget("c" * 64))
    assert set(asyncio.run(store.keys())) == {"d" * 64}


def test_when_the_memory_store_is_full_a_new_conversation_is_not_kept_or_published():
    broker = Recorder()
    store = ForgetfulMemoryTrackerStore(DOMAIN, event_broker=broker, max_conversations=1)

    async def message(sender):
        faults = store_guard.watch()
        await store.save(_tracker(sender))
        return faults

    assert asyncio.run(message("e" * 64)) == []
    published = len(broker.published)
    assert asyncio.run(message("f" * 64)) == ["Full"]
    assert len(broker.published) == published and asyncio.run(store.retrieve("f" * 64)) is None
    assert asyncio.run(message("e" * 64)) == []  # the kept one goes on
    asyncio.run(store.forget("e" * 64))
    assert asyncio.run(message("f" * 64)) == []


def test_an_intake_database_error_never_carries_the_values(tmp_path):
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from bot.storage.database import engine_for

    engine = engine_for(f"sqlite:///{tmp_path / 'intake.db'}")
    try:
        with engine.begin() as connection:
            connection.execute(text("SELECT * FROM no_such_table WHERE name = :name"), {"name": "Marker Zebedee Quill"})
    except SQLAlchemyError as err:
        assert "no_such_table" in str(err) and "Zebedee" not in str(err)
    else:
        raise AssertionError("the query should have failed")


# Kept conversations (the speed-up in rasa_plugins/sql_tracker_store.py): two servers share one
# database; what each returns is what a server reading every row gives (the speed-up off: Rasa's
# own query and rebuild).


def _read_whole(monkeypatch, db):
    monkeypatch.setenv("PHB_RASA_SPEEDUPS", "off")
    store = PhbSQLTrackerStore(DOMAIN, db=db)
    monkeypatch.delenv("PHB_RASA_SPEEDUPS")
    assert store._kept is None
    return store


def _seen(tracker):
    return None if tracker is None else ([unstamped(e.as_dict()) for e in tracker.events], tracker.get_slot("area"))


def _stores(request, tmp_path, monkeypatch, count):
    """`count` servers' stores on one database (SQLite, or PostgreSQL as in production), and one
    that reads every row each time (the speed-up off)."""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        make = lambda: PhbSQLTrackerStore(DOMAIN, host=url, dialect="postgresql")  # noqa: E731
    else:
        db = str(tmp_path / "shared.db")
        make = lambda: PhbSQLTrackerStore(DOMAIN, db=db)  # noqa: E731
    monkeypatch.delenv("PHB_RASA_SPEEDUPS", raising=False)
    servers = [make() for _ in range(count)]
    monkeypatch.setenv("PHB_RASA_SPEEDUPS", "off")
    whole = make()
    monkeypatch.delenv("PHB_RASA_SPEEDUPS")
    assert whole._kept is None and all(s._kept is not None for s in servers)
    return servers, whole


@pytest.fixture(params=["sqlite", "postgresql"])
def two_servers(request, tmp_path, monkeypatch):
    return _stores(request, tmp_path, monkeypatch, 2)


def test_two_servers_keeping_conversations_read_what_a_whole_read_gives(two_servers):
    from tests.unit.tracker_replay import STEPS, turn

    servers, whole = two_servers
    # Rasa's steps (a new session among them), then more turns, each to the other server.
    steps = STEPS + [turn(102 + i, f"more {i}") for i in range(3)]

    async def run():
        caught_up = 0
        for i, events in enumerate(steps):
            server = servers[i % 2]
            tracker = await server.get_or_create_tracker("person")
            for event in events:
                tracker.update(event)
            await server.save(tracker)
            expected = _seen(await whole.retrieve("person"))
            for reader in servers:
                kept = reader._kept.get("person")
                got = await reader.retrieve("person")
                caught_up += kept is not None and got is kept.tracker
                assert _seen(got) == expected, (i, reader is server)
        return caught_up

    # Most reads were of kept conversations, brought up to date with the other server's rows.
    assert asyncio.run(run()) >= len(steps)


def test_a_kept_conversation_is_neither_read_whole_nor_counted(monkeypatch, tmp_path):
    from rasa.shared.core.events import UserUttered
    from sqlalchemy import event

    monkeypatch.delenv("PHB_RASA_SPEEDUPS", raising=False)
    store = PhbSQLTrackerStore(DOMAIN, db=str(tmp_path / "ours.db"))
    asyncio.run(store.save(_tracker()))
    statements = []
    event.listen(store.engine, "before_cursor_execute", lambda c, cur, sql, *rest: statements.append(sql))

    async def message(text):
        tracker = await store.retrieve("a" * 64)
        tracker.update(UserUttered(text))
        await store.save(tracker)
        return tracker

    first = asyncio.run(message("one"))  # read whole (the first save was found by counting)
    statements.clear()
    second = asyncio.run(message("two"))
    assert second is first
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # One statement for the rows from the kept one on (the last kept row found by its sealed data),
    # one for the new rows; no count, and no whole read (Rasa's has the session-start subquery).
    assert len(reads) == 1 and "events.id >= (SELECT max(events.id)" in reads[0]
    assert not any("count(" in s.lower() or "session_start" in s for s in statements)
    assert sum(s.lstrip().upper().startswith("INSERT") for s in statements) == 1
    assert [
        e.text for e in asyncio.run(_read_whole(monkeypatch, store.engine.url.database).retrieve("a" * 64)).events
    ] == [
        "Marker Zebedee Quill",
        "one",
        "two",
    ]


def test_on_postgresql_a_kept_message_goes_straight_to_the_driver(request, tmp_path, monkeypatch):
    """The two statements of a kept message skip SQLAlchemy's expression building on PostgreSQL,
    and give the rows SQLAlchemy's own expression gives."""
    from rasa.shared.core.events import UserUttered
    from sqlalchemy import event, func, select

    request.param = "postgresql"
    (store,), whole = _stores(request, tmp_path, monkeypatch, 1)
    assert whole._driver is None
    asyncio.run(store.save(_tracker()))
    first = asyncio.run(store.retrieve("a" * 64))
    statements = []
    for engine in (store.engine, store._one_statement):
        event.listen(engine, "before_cursor_execute", lambda c, cur, sql, *rest: statements.append(sql))
    sent = []
    for name in ("rows_from", "insert"):
        real = getattr(store._driver, name)
        monkeypatch.setattr(store._driver, name, lambda *a, _real=real, _name=name: sent.append(_name) or _real(*a))

    async def message(text):
        tracker = await store.retrieve("a" * 64)
        tracker.update(UserUttered(text))
        await store.save(tracker)
        return tracker

    assert asyncio.run(message("one")) is first
    assert asyncio.run(message("two")) is first
    assert sent == ["rows_from", "insert", "rows_from", "insert"] and statements == []
    assert [e.text for e in asyncio.run(whole.retrieve("a" * 64)).events] == ["Marker Zebedee Quill", "one", "two"]

    # The same rows as SQLAlchemy's expression, from a row's seal on; found by id, its seal checked.
    table = store.SQLEvent.__table__
    mine = table.c.sender_id == "a" * 64
    with store.engine.connect() as connection:
        stored = connection.execute(select(table.c.id, table.c.data).where(mine).order_by(table.c.id)).all()
        for last_id, last in [*stored, (stored[-1][0] + 1, "gone")]:
            since = select(func.max(table.c.id)).where(mine, table.c.data == last).scalar_subquery()
            expected = [
                tuple(row)
                for row in connection.execute(
                    select(table.c.id, table.c.type_name, table.c.timestamp, table.c.data)
                    .where(mine, table.c.id >= since)
                    .order_by(table.c.id)
                )
            ]
            assert store._driver.rows_from("a" * 64, last) == expected
            assert store._driver.rows_from("a" * 64, last, last_id) == expected
    assert len(store._driver.rows_from("a" * 64, stored[0][1], stored[0][0])) == len(stored)
    # An id whose row is not the one sealed so (gone, or given again): none, so it is read whole.
    assert store._driver.rows_from("a" * 64, stored[-1][1], stored[0][0]) == []
    assert store._kept.get("a" * 64).last_id == stored[-1][0]
    # A whole read is Rasa's own query (compiled once), with this conversation's id.
    columns = (table.c.id, table.c.type_name, table.c.timestamp, table.c.data)
    for sender in ("a" * 64, "b" * 64):
        with whole.session_scope() as session:
            rasas = [tuple(row) for row in whole._event_query(session, sender, False).with_entities(*columns)]
        assert store._driver.last_session(store, sender) == rasas
    assert len(rasas) == 0 and len(store._driver.last_session(store, "a" * 64)) == len(stored)


def test_on_postgresql_a_lost_connection_is_noted_by_its_kind_and_the_next_message_reconnects(
    request, tmp_path, monkeypatch, caplog
):
    """psycopg2's own errors, from the statements sent to it directly, are faults like SQLAlchemy's."""
    from rasa.shared.core.events import UserUttered
    from sqlalchemy import text

    request.param = "postgresql"
    (store,), whole = _stores(request, tmp_path, monkeypatch, 1)
    asyncio.run(store.save(_tracker()))
    assert asyncio.run(store.retrieve("a" * 64)) is not None  # kept, with pooled connections open
    with whole.engine.connect() as connection:  # the database drops every other connection
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )

    async def one_message(do):
        faults = store_guard.watch()
        return faults, await do()

    faults, tracker = asyncio.run(one_message(lambda: store.retrieve("a" * 64)))
    assert tracker is None and len(faults) == 1 and faults[0] in {"OperationalError", "InterfaceError"}
    assert "Zebedee" not in caplog.text and "a" * 64 not in caplog.text
    # Rasa's own pool, which a message on PostgreSQL no longer uses, is renewed too: "End chat" works.
    asyncio.run(store.forget("b" * 64))
    faults, tracker = asyncio.run(one_message(lambda: store.retrieve("a" * 64)))
    assert faults == [] and [e.text for e in tracker.events] == ["Marker Zebedee Quill"]
    tracker.update(UserUttered("after"))
    asyncio.run(store.save(tracker))
    assert [e.text for e in asyncio.run(whole.retrieve("a" * 64)).events] == ["Marker Zebedee Quill", "after"]


@pytest.mark.parametrize("listening", [False, True], ids=["as Rasa's processor creates it", "with a first listen"])
def test_a_new_conversation_is_stored_without_counting(monkeypatch, tmp_path, listening):
    from rasa.shared.core.events import UserUttered
    from sqlalchemy import event

    monkeypatch.delenv("PHB_RASA_SPEEDUPS", raising=False)
    store = PhbSQLTrackerStore(DOMAIN, db=str(tmp_path / "ours.db"))
    statements = []
    event.listen(store.engine, "before_cursor_execute", lambda c, cur, sql, *rest: statements.append(sql))

    async def first_message():
        # Read, found nothing, created and saved (empty, as the processor asks, or with a listen).
        tracker = await store.get_or_create_tracker("n" * 64, append_action_listen=listening)
        tracker.update(UserUttered("hello"))
        await store.save(tracker)
        return tracker

    tracker = asyncio.run(first_message())
    assert not any("count(" in s.lower() for s in statements)
    assert sum(s.lstrip().upper().startswith("INSERT") for s in statements) == (2 if listening else 1)
    whole = asyncio.run(_read_whole(monkeypatch, store.engine.url.database).retrieve("n" * 64))
    assert _seen(whole) == _seen(tracker)


def test_a_conversation_read_as_new_and_then_started_elsewhere_is_read_whole(monkeypatch, tmp_path):
    """A read that found nothing speaks only for the save under the same message's lock: if that
    message failed and another server started the conversation, the next read reads it whole."""
    from rasa.shared.core.events import UserUttered

    monkeypatch.delenv("PHB_RASA_SPEEDUPS", raising=False)
    db = str(tmp_path / "shared.db")
    here, there = PhbSQLTrackerStore(DOMAIN, db=db), PhbSQLTrackerStore(DOMAIN, db=db)

    async def run():
        assert await here.retrieve("m" * 64) is None  # and the message fails before any save
        started = await there.get_or_create_tracker("m" * 64)
        started.update(UserUttered("from the other server"))
        await there.save(started)
        again = await here.get_or_create_tracker("m" * 64)
        again.update(UserUttered("next"))
        await here.save(again)
        return await _read_whole(monkeypatch, db).retrieve("m" * 64)

    assert [e.text for e in asyncio.run(run()).events if isinstance(e, UserUttered)] == [
        "from the other server",
        "next",
    ]


def test_a_conversation_erased_on_another_server_is_not_given_back_from_memory(monkeypatch, tmp_path):
    monkeypatch.delenv("PHB_RASA_SPEEDUPS", raising=False)
    db = str(tmp_path / "shared.db")
    keeper, other = PhbSQLTrackerStore(DOMAIN, db=db), PhbSQLTrackerStore(DOMAIN, db=db)
    asyncio.run(keeper.save(_tracker()))
    assert asyncio.run(keeper.retrieve("a" * 64)) is not None and keeper._kept.get("a" * 64)
    asyncio.run(other.forget("a" * 64))  # "End chat", or erasure, answered by the other server
    assert asyncio.run(keeper.retrieve("a" * 64)) is None
    # Forgotten, then started again under the same id on the other server: not mixed with the old.
    asyncio.run(keeper.retrieve("a" * 64) if asyncio.run(keeper.save(_tracker())) is None else None)
    assert keeper._kept.get("a" * 64)
    asyncio.run(other.forget("a" * 64))
    asyncio.run(other.save(_tracker(text="a new start")))
    assert [e.text for e in asyncio.run(keeper.retrieve("a" * 64)).events] == ["a new start"]


def test_a_message_that_failed_half_way_is_not_kept(monkeypatch, tmp_path):
    from rasa.shared.core.events import UserUttered

    monkeypatch.delenv("PHB_RASA_SPEEDUPS", raising=False)
    store = PhbSQLTrackerStore(DOMAIN, db=str(tmp_path / "ours.db"))
    asyncio.run(store.save(_tracker()))
    tracker = asyncio.run(store.retrieve("a" * 64))
    tracker.update(UserUttered("never saved"))  # the message failed before Rasa saved it
    again = asyncio.run(store.retrieve("a" * 64))
    assert again is not tracker and [e.text for e in again.events] == ["Marker Zebedee Quill"]


def test_a_failed_save_forgets_the_kept_conversation(monkeypatch, tmp_path):
    from rasa.shared.core.events import UserUttered
    from sqlalchemy import text

    monkeypatch.delenv("PHB_RASA_SPEEDUPS", raising=False)
    store = PhbSQLTrackerStore(DOMAIN, db=str(tmp_path / "ours.db"))
    asyncio.run(store.save(_tracker()))
    tracker = asyncio.run(store.retrieve("a" * 64))
    tracker.update(UserUttered("not stored"))
    with store.engine.begin() as connection:
        connection.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'no'); END"))

    async def save():
        faults = store_guard.watch()
        await store.save(tracker)
        return faults

    assert asyncio.run(save()) == ["IntegrityError"]
    assert store._kept.get("a" * 64) is None
    with store.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER refuse"))
    assert [e.text for e in asyncio.run(store.retrieve("a" * 64)).events] == ["Marker Zebedee Quill"]


def test_with_the_speed_ups_off_nothing_is_kept(monkeypatch, tmp_path):
    store = _read_whole(monkeypatch, str(tmp_path / "ours.db"))
    asyncio.run(store.save(_tracker()))
    assert asyncio.run(store.retrieve("a" * 64)) is not asyncio.run(store.retrieve("a" * 64))


def test_a_row_stamped_before_the_session_began_is_left_out_as_rasas_read_does(monkeypatch, tmp_path):
    """Rasa reads the rows stamped at or after the last session's start; a server whose clock is
    behind may store one stamped earlier. The kept conversation leaves it out too."""
    from rasa.shared.core.events import UserUttered

    from tests.unit.tracker_replay import session_start, turn

    monkeypatch.delenv("PHB_RASA_SPEEDUPS", raising=False)
    db = str(tmp_path / "shared.db")
    keeper, behind = PhbSQLTrackerStore(DOMAIN, db=db), PhbSQLTrackerStore(DOMAIN, db=db)
    whole = _read_whole(monkeypatch, db)

    async def run():
        tracker = await keeper.get_or_create_tracker("person")
        for event in session_start(100) + turn(101, "hi"):
            tracker.update(event)
        await keeper.save(tracker)
        kept = await keeper.retrieve("person")
        assert keeper._kept.get("person").tracker is kept
        late = await behind.retrieve("person")
        late.update(UserUttered("stamped early", timestamp=50))
        late.update(UserUttered("stamped later", timestamp=102))
        await behind.save(late)
        return await keeper.retrieve("person"), await whole.retrieve("person")

    got, expected = asyncio.run(run())
    assert _seen(got) == _seen(expected)
    assert [e.text for e in got.events if isinstance(e, UserUttered)] == ["hi", "stamped later"]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_save_is_stored_whole_or_not_at_all(dialect, request, tmp_path, monkeypatch):
    """One save's rows go in one statement (PostgreSQL) or one transaction: a row the database
    refuses leaves none of that save's rows, and the conversation reads as before it."""
    from rasa.shared.core.events import BotUttered, UserUttered
    from sqlalchemy import text

    request.param = dialect
    (store,), whole = _stores(request, tmp_path, monkeypatch, 1)
    asyncio.run(store.save(_tracker()))
    tracker = asyncio.run(store.retrieve("a" * 64))
    tracker.update(UserUttered("first of two"))
    tracker.update(BotUttered("refused"))
    refuse = {
        "sqlite": [
            "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.type_name = 'bot' "
            "BEGIN SELECT RAISE(ABORT, 'no'); END"
        ],
        "postgresql": [
            "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN IF NEW.type_name = 'bot' THEN "
            "RAISE EXCEPTION 'no'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse()",
        ],
    }[dialect]
    with store.engine.begin() as connection:
        for statement in refuse:
            connection.execute(text(statement))

    async def save():
        faults = store_guard.watch()
        await store.save(tracker)
        return faults

    assert len(asyncio.run(save())) == 1
    assert [e.text for e in asyncio.run(whole.retrieve("a" * 64)).events] == ["Marker Zebedee Quill"]
    assert [e.text for e in asyncio.run(store.retrieve("a" * 64)).events] == ["Marker Zebedee Quill"]


def test_a_full_server_keeps_the_newest_and_reads_the_one_it_dropped_whole(monkeypatch, tmp_path):
    from rasa.shared.core.events import UserUttered

    from rasa_plugins import sql_tracker_store

    monkeypatch.delenv("PHB_RASA_SPEEDUPS", raising=False)
    monkeypatch.setattr(sql_tracker_store, "KEPT_CONVERSATIONS", 2)
    store = PhbSQLTrackerStore(DOMAIN, db=str(tmp_path / "ours.db"))

    async def message(sender, text):
        tracker = await store.get_or_create_tracker(sender)
        tracker.update(UserUttered(text))
        await store.save(tracker)

    async def run():
        for sender in ("1" * 64, "2" * 64, "3" * 64):
            await message(sender, "first")
            await message(sender, "second")
        assert list(store._kept.keys()) == ["2" * 64, "3" * 64]  # the least recent made room
        await message("1" * 64, "third")  # read whole, then kept again
        return [e.text for e in (await store.retrieve("1" * 64)).events if isinstance(e, UserUttered)]

    assert asyncio.run(run()) == ["first", "second", "third"]
    assert len(store._kept) == 2
