"""The tracker stores named in endpoints.yml and deploy/endpoints.yml are the ones Rasa loads.

Rasa falls back to its own in-memory store, with only a warning, when a named store cannot be
imported: this fails instead. And our SQL store stores and streams what Rasa's own does.
"""
import pathlib

from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import read_endpoint_config

from rasa_plugins.memory_tracker_store import ForgetfulMemoryTrackerStore
from rasa_plugins.sql_tracker_store import PhbSQLTrackerStore
from tests.unit.test_memory_tracker_store import DOMAIN, Recorder, play, unstamped

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


def test_a_database_error_in_our_sql_store_never_carries_what_was_typed(tmp_path):
    """Rasa's fail-safe store logs the error it gets: with the values hidden, nothing typed is in it."""
    import asyncio

    import pytest
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    store = PhbSQLTrackerStore(DOMAIN, db=str(tmp_path / "ours.db"))
    with store.engine.begin() as connection:  # the table goes, as in a broken or half-migrated database
        connection.execute(text("DROP TABLE events"))
    tracker = DialogueStateTracker.from_events("sender-marker-quill", [UserUttered("Marker Zebedee Quill")])
    with pytest.raises(SQLAlchemyError) as raised:
        asyncio.run(store.save(tracker))
    assert "events" in str(raised.value)  # the error still says what went wrong
    assert "Zebedee" not in str(raised.value) and "sender-marker-quill" not in str(raised.value)


def test_an_intake_database_error_never_carries_the_values(tmp_path):
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from bot.intake.store import engine_for

    engine = engine_for(f"sqlite:///{tmp_path / 'intake.db'}")
    try:
        with engine.begin() as connection:
            connection.execute(text("SELECT * FROM no_such_table WHERE name = :name"), {"name": "Marker Zebedee Quill"})
    except SQLAlchemyError as err:
        assert "no_such_table" in str(err) and "Zebedee" not in str(err)
    else:
        raise AssertionError("the query should have failed")
