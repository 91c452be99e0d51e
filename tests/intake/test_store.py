"""The intake store against real SQLite and real PostgreSQL."""

import datetime as dt
import os
import subprocess
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Text, literal, select, text, type_coerce, update

import bot.insight.models  # noqa: F401 (the insight table shares the database and its migrations)
from bot.intake import models
from bot.storage.crypto import conversation_hash
from bot.intake.models import IntakeRecord, NotThisRecord, OutboxRow
from bot.intake.record import REFERENCE_ALPHABET
from bot.intake.store import IntakeStore, StoreUnavailable, erase_conversation, normalise_reference
from bot.storage.database import Base, engine_for
from tests.conftest import POSTGRES
from tests.intake.factory import NOW, record


def test_the_migrations_make_exactly_the_models_schema(store):
    assert store.revision() == "0003"
    with store.engine.connect() as c:
        assert compare_metadata(MigrationContext.configure(c), Base.metadata) == []


def test_migrating_twice_changes_nothing(store):
    assert store.migrate() == "0003"


def test_records_stored_before_fields_were_bound_are_bound_by_the_migration(tmp_path):
    from alembic import command

    from bot.storage.crypto import encrypt_json

    store = IntakeStore(f"sqlite:///{tmp_path / 'old.db'}")
    with store.engine.begin() as connection:
        command.upgrade(store.alembic_config(connection), "0002")
        connection.execute(
            text(
                "insert into intake_records (id, reference, area, created_at, consent_at, notice_version, channel, "
                "conversation_hash, details, outcomes) values ('r1', 'PHB-AAAA-AAAA', 'kent-and-medway', "
                ":now, :now, 'v1', 'rest', 'h', :details, :outcomes)"
            ),
            {
                "now": NOW.replace(tzinfo=None),
                "details": encrypt_json({"name": "Marker Old"}),
                "outcomes": encrypt_json(["Walk to the shop"]),
            },
        )
        connection.execute(
            text(
                "insert into intake_outbox (record_id, area, status, attempts, next_attempt_at, created_at) "
                "values ('r1', 'kent-and-medway', 'pending', 0, :now, :now)"
            ),
            {"now": NOW.replace(tzinfo=None)},
        )
    assert store.migrate() == "0003"
    stored = store.get("PHB-AAAA-AAAA")[0]
    assert stored.details == {"name": "Marker Old"} and stored.outcomes == ["Walk to the shop"]
    assert stored.eligibility_answers is None


def test_a_record_is_stored_with_its_outbox_row_and_a_clear_reference(store):
    submitted = store.submit(record())
    assert submitted.created
    ref = submitted.reference
    assert ref.startswith("PHB-") and len(ref) == 13
    assert set(ref[4:8] + ref[9:]) <= set(REFERENCE_ALPHABET)
    stored, outbox = store.get(ref)
    assert stored.details["name"] == "Marker Zebedee Quill"
    assert stored.eligibility_result == "right_to_have" and stored.eligibility_reasons == ["chc"]
    assert stored.outcomes == ["By June, I will walk to the shop."]
    assert outbox.status == models.PENDING and outbox.attempts == 0


def test_a_reference_is_found_however_it_is_typed(store):
    ref = store.submit(record()).reference
    assert store.get(" " + ref.lower() + " ")[0].reference == ref
    assert normalise_reference(" phb-ac3d-7fxy ") == "PHB-AC3D-7FXY"


def test_submitting_the_same_record_twice_stores_one(store):
    rec = record()
    first, second = store.submit(rec), store.submit(rec)
    assert (first.created, second.created) == (True, False)
    assert first.reference == second.reference
    assert len(store.find()) == 1


def test_two_submissions_of_one_record_at_the_same_time_store_one(store):
    rec = record()
    results, errors = [], []

    def submit():
        try:
            results.append(store.submit(rec))
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({r.reference for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert len(store.find()) == 1


def test_personal_fields_are_encrypted_at_rest(store):
    store.submit(record())
    with store.engine.connect() as c:
        raw = " ".join(str(v) for row in c.execute(text("select * from intake_records")) for v in row)
        raw += " ".join(str(v) for row in c.execute(text("select * from intake_outbox")) for v in row)
    for marker in (
        "Marker Zebedee Quill",
        "Zebedee",
        "9434765919",
        "ME14 1XX",
        "07700900123",
        "xylophone",
        "1950-03-12",
        "daughter",
        "walk to the shop",
        "continuing_care",
    ):
        assert marker not in raw
    assert "kent-and-medway" in raw  # the area is a code, kept in clear for reports


def test_without_the_key_nothing_is_saved_and_the_reason_is_clear(store, monkeypatch):
    monkeypatch.delenv("PHB_INTAKE_KEY")
    with pytest.raises(StoreUnavailable):
        store.submit(record())
    monkeypatch.setenv("PHB_INTAKE_KEY", "not-a-key")
    with pytest.raises(StoreUnavailable):
        store.submit(record())
    with store.engine.connect() as c:
        assert c.execute(text("select count(*) from intake_records")).scalar() == 0
        assert c.execute(text("select count(*) from intake_outbox")).scalar() == 0


def test_a_database_that_cannot_be_reached_raises_store_unavailable(tmp_path):
    store = IntakeStore(f"sqlite:///{tmp_path / 'no-such-dir' / 'deeper'}/../../missing/intake.db")
    with pytest.raises(StoreUnavailable):
        store.submit(record())
    dead = IntakeStore("postgresql+psycopg2://phb@127.0.0.1:9/phb")  # nothing listens on port 9
    with pytest.raises(StoreUnavailable):
        dead.submit(record())


def test_postgres_down_at_submission_saves_nothing_and_a_later_retry_succeeds(postgres_url):
    store = IntakeStore(postgres_url)
    store.migrate()
    rec = record()
    subprocess.run([str(POSTGRES), "stop"], check=True, timeout=120)
    try:
        engine_for(postgres_url).dispose()
        with pytest.raises(StoreUnavailable):
            store.submit(rec)
    finally:
        subprocess.run([str(POSTGRES), "start"], check=True, timeout=120, capture_output=True)
    engine_for(postgres_url).dispose()
    assert store.find() == []
    assert store.submit(rec).created
    assert len(store.find()) == 1


def test_find_filters_by_area_dates_and_status(store):
    store.submit(record(now=NOW))
    store.submit(record(now=NOW + dt.timedelta(days=3)))
    store.submit(record(area="cornwall-and-isles-of-scilly", now=NOW))
    assert len(store.find()) == 3
    assert len(store.find(area="kent-and-medway")) == 2
    start = dt.datetime(2026, 11, 26)
    assert len(store.find(since=start)) == 1
    assert len(store.find(until=start)) == 2
    assert len(store.find(status=models.PENDING)) == 3
    assert store.find(status=models.DELIVERED) == []


def test_mark_received(store):
    ref = store.submit(record()).reference
    assert store.mark_received(ref)
    stored, outbox = store.get(ref)
    assert stored.received_at is not None and outbox.status == models.RECEIVED
    assert not store.mark_received("PHB-XXXX-XXXX")


def test_erase_removes_the_record_and_its_outbox_row(store):
    keep = store.submit(record()).reference
    ref = store.submit(record(conversation_id="conversation-to-erase")).reference
    assert store.conversation_of(ref) == conversation_hash("conversation-to-erase")
    assert store.references_of([conversation_hash("conversation-to-erase")]) == [ref]
    assert store.erase(ref) is True
    assert store.get(ref) is None
    with store.session() as s:
        assert s.execute(select(OutboxRow)).scalars().all()[0].record.reference == keep
        assert len(s.execute(select(IntakeRecord)).all()) == 1
    assert store.erase(ref) is False
    assert store.conversation_of(ref) is None


def test_each_encrypted_field_is_bound_to_its_record(store):
    """A field copied from one record's row to another's is refused, not read as the other's."""
    first = store.submit(record()).reference
    second = store.submit(record(conversation_id="another")).reference
    table = IntakeRecord.__table__
    with store.engine.begin() as c:
        token = c.execute(select(type_coerce(table.c.details, Text)).where(table.c.reference == first)).scalar()
        c.execute(update(table).where(table.c.reference == second).values(details=literal(token, Text)))
    assert store.get(first)[0].details == record().details
    with pytest.raises(NotThisRecord):
        store.get(second)


def test_rekey_moves_every_record_to_the_first_key(store, monkeypatch):
    from cryptography.fernet import Fernet

    from bot.storage.crypto import KEY_VARIABLE, new_key

    ref = store.submit(record()).reference
    old = os.environ[KEY_VARIABLE]
    new = new_key()
    monkeypatch.setenv(KEY_VARIABLE, f"{new},{old}")
    assert store.rekey() == 1
    monkeypatch.setenv(KEY_VARIABLE, new)
    stored = store.get(ref)[0]
    assert stored.details == record().details and stored.outcomes == record().outcomes
    table = IntakeRecord.__table__
    with store.engine.connect() as c:
        token = c.execute(select(type_coerce(table.c.details, Text))).scalar()
    Fernet(new.encode()).decrypt(token.encode())  # readable with the new key alone


def test_purge_deletes_only_records_past_retention_that_the_team_has(store):
    old = NOW - dt.timedelta(days=200)
    delivered = store.submit(record(now=old)).reference
    received = store.submit(record(now=old)).reference
    waiting = store.submit(record(now=old)).reference
    recent = store.submit(record(now=NOW)).reference
    with store.session() as s:
        s.execute(
            OutboxRow.__table__.update()
            .where(OutboxRow.record_id == store.get(delivered)[0].id)
            .values(status=models.DELIVERED)
        )
    store.mark_received(received)
    store.mark_received(recent)
    now = NOW.replace(tzinfo=None)
    assert store.purge({}, 180, now=now, dry_run=True) == {"purged": 2, "kept_not_with_team": 1}
    assert len(store.find()) == 4
    assert store.purge({}, 180, now=now) == {"purged": 2, "kept_not_with_team": 1}
    assert {r.reference for r, _ in store.find()} == {waiting, recent}
    # An area's own, longer retention keeps its records.
    store.mark_received(waiting)
    assert store.purge({"kent-and-medway": 365}, 180, now=now) == {"purged": 0, "kept_not_with_team": 0}


def test_erasing_the_stored_conversation_in_rasas_sql_tracker_store(tmp_path):
    """Rasa's own SQLTrackerStore writes the events; erase_conversation deletes one conversation's."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    import asyncio

    db = tmp_path / "tracker.db"
    tracker_store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    for sender in ("erase-me-0123456789abcdef", "keep-me-0123456789abcdef"):
        tracker = DialogueStateTracker(sender, slots=[])
        tracker.update(UserUttered("my name is Marker Zebedee Quill"))
        asyncio.run(tracker_store.save(tracker))
    from bot.storage.crypto import conversation_hash

    url = f"sqlite:///{db}"
    assert erase_conversation(url, conversation_hash("erase-me-0123456789abcdef")) >= 1
    with engine_for(url).connect() as c:
        senders = set(c.execute(text("select distinct sender_id from events")).scalars())
    assert senders == {"keep-me-0123456789abcdef"}
    assert erase_conversation(url, conversation_hash("nobody")) == 0
