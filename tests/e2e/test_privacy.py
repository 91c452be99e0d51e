"""A whole journey with marker values through production's storage (PostgreSQL for conversations
and intake records), then a search of every log and every stored row for the markers; then
erasure, after which no marker is stored anywhere."""

import subprocess

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from bot.conversation_ids import stored_id
from tests.e2e.conftest import RASA, ROOT, Chat, text_of
from tests.e2e.journeys import PRIVATE_MARKERS, in_clear, intake_up_to_review, marker_forms, reference_in

# Markers no other test uses: the stores searched here are shared with tests/e2e/test_faults.py.
MARKER_FORMS = marker_forms(PRIVATE_MARKERS)


def test_markers_are_in_no_log_and_erasure_leaves_none_in_any_store(sql_stack):
    chat = Chat(sql_stack.url, area="kent-and-medway")
    chat.say("Could I get one?")
    intake_up_to_review(chat, PRIVATE_MARKERS)
    reference = reference_in(chat.say("Send my details"))
    # Feedback on the way out: its comment is kept (masked) for the ICB's insight report.
    chat.say("bye")
    chat.say("Yes")
    chat.say(f"my email is {PRIVATE_MARKERS['email']} and I am {PRIVATE_MARKERS['name']}, thanks")

    logs = sql_stack.log_text().lower()
    for marker in MARKER_FORMS:
        assert marker.lower() not in logs, f"{marker!r} is in a server log"
    # The intake database holds personal fields encrypted only, and the insight table masked text only.
    intake_rows = _every_row(sql_stack.intake_url)
    assert reference.lower() in intake_rows
    for marker in MARKER_FORMS:
        assert marker.lower() not in intake_rows, f"{marker!r} is in clear in the intake database"
    # The stored conversation is there, sealed (docs/privacy.md): no marker, and not the id, in clear...
    stored = _every_row(sql_stack.tracker_url)
    assert stored_id(chat.sender) in stored and chat.sender not in stored
    assert "[sealed]" in stored
    for marker in MARKER_FORMS:
        assert marker.lower() not in stored, f"{marker!r} is in clear in the tracker store"

    env = dict(sql_stack.env, DATABASE_URL=sql_stack.intake_url)
    erased = subprocess.run(
        [str(RASA.parent / "phb-intake"), "erase", reference, "--tracker-db", sql_stack.tracker_url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert erased.returncode == 0, erased.stderr
    assert "erased" in erased.stdout
    for marker in MARKER_FORMS:
        assert marker.lower() not in erased.stdout.lower() + erased.stderr.lower()

    # ...and after erasure nothing is left: not the record, its outbox row or the conversation.
    intake_rows = _every_row(sql_stack.intake_url)
    assert reference.lower() not in intake_rows
    assert _count(sql_stack.intake_url, "intake_records") == _count(sql_stack.intake_url, "intake_outbox")
    stored = _every_row(sql_stack.tracker_url)
    assert stored_id(chat.sender) not in stored
    for marker in MARKER_FORMS:
        assert marker.lower() not in stored, f"{marker!r} is still in the tracker store"
    # A new message starts a new, empty conversation with the same id: nothing comes back.
    assert "quaxley" not in text_of(chat.say("check my answers")).lower()


def _every_row(url):
    """Every row of every table, as text, lower case, with sealed values blanked (see in_clear)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as c:
            tables = inspect(c).get_table_names()
            return in_clear(
                "\n".join(
                    str(row[0]) for table in tables for row in c.execute(text(f'select t::text from "{table}" t'))
                )
            ).lower()
    finally:
        engine.dispose()


def _count(url, table):
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as c:
            return c.execute(text(f'select count(*) from "{table}"')).scalar()
    finally:
        engine.dispose()
