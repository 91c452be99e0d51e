"""The insight table and the event broker, against real SQLite and real PostgreSQL (same database as intakes)."""

import asyncio
import datetime as dt
import time

from sqlalchemy import text

from bot.insight.derive import Fact
from bot.insight.store import InsightStore
from rasa_plugins.insight_broker import InsightBroker
from tests.waiting import wait_for

DAY = dt.date(2026, 11, 25)
STAMP = dt.datetime(2026, 11, 25, 21, 30, tzinfo=dt.timezone.utc).timestamp()


def test_facts_are_stored_and_read_back_by_day(store):
    insight = InsightStore(engine=store.engine)
    facts = [
        Fact(DAY, "c1", "kent-and-medway", "message"),
        Fact(DAY, "c1", None, "topic", "faq/what_is_phb"),
        Fact(DAY + dt.timedelta(days=3), "c2", "kent-and-medway", "outcomes_drafted", value=3),
        Fact(DAY, "c2", None, "comment", comment="slow, ring [phone]"),
    ]
    assert insight.add(facts) == 4
    assert insight.facts() == facts
    assert insight.facts(start=DAY + dt.timedelta(days=1)) == [facts[2]]
    assert insight.facts(end=DAY) == [facts[0], facts[1], facts[3]]
    assert insight.purge(before=DAY + dt.timedelta(days=1)) == 3
    assert insight.facts() == [facts[2]]


def test_the_broker_writes_codes_from_rasas_events_and_no_text(store):
    broker = InsightBroker(url=str(store.engine.url.render_as_string(hide_password=False)), flush_seconds=0.05)
    sender = "f" * 32
    broker.publish(
        {
            "sender_id": sender,
            "event": "user",
            "text": "my name is Quillon Marker, what is a PHB?",
            "timestamp": STAMP,
            "metadata": {"area": "kent-and-medway"},
            "parse_data": {
                "intent": {"name": "faq"},
                "response_selector": {"faq": {"response": {"intent_response_key": "faq/what_is"}}},
            },
        }
    )
    broker.publish({"sender_id": sender, "event": "bot", "text": "Quillon Marker", "timestamp": STAMP})
    broker.publish(
        {
            "sender_id": sender,
            "event": "slot",
            "name": "feedback_comment",
            "value": "ask Quillon on 07700 900123",
            "timestamp": STAMP,
        }
    )
    broker.publish({"weird": object()})  # never breaks the conversation
    insight = InsightStore(engine=store.engine)
    assert wait_for(lambda: len(insight.facts()) == 3)
    with store.engine.connect() as c:
        dump = " ".join(str(row) for row in c.execute(text("SELECT * FROM insight_events")))
    assert "Quillon Marker" not in dump and sender not in dump and "07700" not in dump
    assert [(f.kind, f.detail) for f in insight.facts()] == [
        ("message", None),
        ("topic", "faq/what_is"),
        ("comment", None),
    ]
    asyncio.run(broker.close())


def test_the_broker_keeps_facts_while_the_database_is_down_and_writes_them_later(tmp_path):
    url = f"sqlite:///{tmp_path / 'later.db'}"
    broker = InsightBroker(url=url, flush_seconds=0.05)
    broker.publish({"sender_id": "a" * 32, "event": "action", "name": "action_start_intake", "timestamp": STAMP})
    time.sleep(0.5)  # no table yet: the write fails and the fact waits
    assert broker._waiting
    from bot.intake.store import IntakeStore

    IntakeStore(url).migrate()
    broker.flush()
    assert [(f.kind, f.detail) for f in InsightStore(url).facts()] == [("started", "intake")]
    asyncio.run(broker.close())
