"""Faults injected into the real servers (docs/safety/hazard-log.md): the person is told honestly,
nothing is half-written, and the conversation carries on once the fault is mended.

The servers keep conversations in Rasa's SQL tracker store and intake records in a second
PostgreSQL database, as in production (tests/e2e/conftest.py `sql_stack`).
"""

import contextlib

import requests
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from bot.conversation_ids import stored_id
from bot.intake.models import IntakeRecord, OutboxRow
from tests.e2e.conftest import Chat, buttons_of, payload_of, text_of
from tests.e2e.journeys import intake_up_to_review, reference_in

APOLOGY = "something went wrong on our side"


def test_the_action_server_killed_mid_question_gets_an_apology_and_the_check_carries_on_when_it_returns(sql_stack):
    chat = Chat(sql_stack.url, area="kent-and-medway")
    chat.say("Could I get one?")
    assert "Question 2 of 6" in text_of(chat.say("For someone I care for"))
    sql_stack.stop("actions", kill=True)
    try:
        text = text_of(chat.say("Yes, 18 or over"))
        assert APOLOGY in text and "999" in text and "NHS 111" in text and "option 2" in text
        assert "Samaritans free on 116 123" in text
        # While it is down, every message gets the same honest answer rather than silence.
        assert APOLOGY in text_of(chat.say("what is a personal health budget?"))
    finally:
        sql_stack.start_actions()
    # Back: the same answer again reaches the same question, and the check goes on from there.
    replies = chat.say("Yes, 18 or over")
    assert "Question 3 of 6" in text_of(replies), text_of(replies)


def test_a_rasa_restart_with_the_sql_tracker_store_carries_on_where_the_conversation_was(sql_stack):
    chat = Chat(sql_stack.url, area="kent-and-medway")
    chat.say("Could I get one?")
    chat.say("For someone I care for")
    assert "Question 3 of 6" in text_of(chat.say("Yes, 18 or over"))
    sql_stack.stop("rasa")
    sql_stack.start_rasa()
    # The next answer is taken as the answer to question 3 (NHS Continuing Healthcare), which ends the
    # check; "they" shows the first answer (asking for someone else) was kept across the restart.
    assert "they are likely to have a legal right" in text_of(chat.say("Yes"))
    events = _scalar(
        sql_stack.tracker_url, "select count(*) from events where sender_id = :s", s=stored_id(chat.sender)
    )
    assert events > 10


def test_the_conversation_database_down_mid_conversation_is_told_honestly_logs_nothing_and_carries_on(sql_stack):
    """Issue 22's fault test: PostgreSQL refuses the tracker store mid-conversation. The person is
    told honestly (with the urgent numbers); no log holds what was typed or the conversation id;
    nothing goes to an in-memory store; when the database is back, the conversation carries on
    from where it was."""
    marker = "Faultmarker Quillon"
    chat = Chat(sql_stack.url, area="kent-and-medway")
    chat.say(f"my name is {marker}, could I get one?")
    assert "Question 2 of 6" in text_of(chat.say("For someone I care for"))
    before = _scalar(
        sql_stack.tracker_url, "select count(*) from events where sender_id = :s", s=stored_id(chat.sender)
    )
    with _database_down(sql_stack.server_url, sql_stack.tracker_url):
        for said in (f"Yes, 18 or over, {marker}", "Yes, 18 or over"):
            text = text_of(chat.say(said))
            assert "something went wrong on our side" in text and "Question 3" not in text, text
            assert "999" in text and "NHS 111 and choose option 2" in text and "116 123" in text, text
    # Nothing was added while it was down, and the conversation goes on from question 2.
    assert (
        _scalar(sql_stack.tracker_url, "select count(*) from events where sender_id = :s", s=stored_id(chat.sender))
        == before
    )
    assert "Question 3 of 6" in text_of(chat.say("Yes, 18 or over"))
    logs = sql_stack.log_text()
    assert "OperationalError" in logs  # the fault is logged, by its kind
    for secret in (marker, "Faultmarker", chat.sender, stored_id(chat.sender)):
        assert secret.lower() not in logs.lower(), secret


def test_end_chat_makes_the_server_forget_the_conversation(sql_stack):
    chat = Chat(sql_stack.url, area="kent-and-medway")
    chat.say("Could I get one?")
    assert "Question 2 of 6" in text_of(chat.say("For someone I care for"))
    forget = sql_stack.url + "/webhooks/rest/forget"
    assert requests.post(forget, json={"sender": "default"}, timeout=30).status_code == 400
    answer = requests.post(forget, json={"sender": chat.sender}, timeout=30)
    assert answer.status_code == 200 and answer.json() == {"forgotten": True}
    assert (
        _scalar(sql_stack.tracker_url, "select count(*) from events where sender_id = :s", s=stored_id(chat.sender))
        == 0
    )
    # The same id now starts afresh: "Yes, 18 or over" is no longer an answer to question 2.
    assert "Question 3 of 6" not in text_of(chat.say("Yes, 18 or over"))


def test_the_intake_database_down_at_submission_is_told_honestly_writes_nothing_and_a_retry_succeeds(sql_stack):
    chat = Chat(sql_stack.url, area="kent-and-medway")
    intake_up_to_review(chat)
    before = _records(sql_stack.intake_url)
    with _database_down(sql_stack.server_url, sql_stack.intake_url):
        replies = chat.say("Send my details")
        text = text_of(replies)
        assert "NOT saved" in text and "Nothing has been sent" in text, text
        assert "999" in text and "NHS 111 and choose option 2" in text and "116 123" in text, text
        assert "Try again" in buttons_of(replies)
    assert _records(sql_stack.intake_url) == before, "no partial record"
    replies = chat.say(payload_of(replies, "Try again"))
    if "Send my details" in buttons_of(replies):
        # Trying again shows the answers once more, to be sent when the person is ready.
        replies = chat.say("Send my details")
    assert "Your details are saved" in text_of(replies), text_of(replies)
    reference = reference_in(replies)
    records, outbox = _records(sql_stack.intake_url)
    assert (records, outbox) == (before[0] + 1, before[1] + 1), "one record and one outbox row"
    assert reference in text_of(chat.say("Leave my details for the team")), "a second request gives the reference"
    assert _records(sql_stack.intake_url) == (records, outbox), "no duplicate"


def _scalar(url, sql, **params):
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as c:
            return c.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def _records(url):
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as c:
            return (
                c.execute(select(func.count()).select_from(IntakeRecord)).scalar(),
                c.execute(select(func.count()).select_from(OutboxRow)).scalar(),
            )
    finally:
        engine.dispose()


@contextlib.contextmanager
def _database_down(server_url, database_url):
    """Refuse every connection to one database and drop the open ones, as when it is unreachable,
    while the tracker store's database on the same server stays up."""
    name = database_url.rsplit("/", 1)[1]
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as c:
        c.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        c.execute(text("select pg_terminate_backend(pid) from pg_stat_activity where datname = :n"), {"n": name})
    try:
        yield
    finally:
        with admin.connect() as c:
            c.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
