"""The tracker stores named in endpoints.yml and deploy/endpoints.yml are the ones Rasa loads.

Rasa falls back to its own in-memory store, with only a warning, when a named store cannot be
imported: this fails instead. And our SQL store stores and streams what Rasa's own does.
"""

import asyncio
import pathlib
import time

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
