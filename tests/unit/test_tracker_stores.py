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
