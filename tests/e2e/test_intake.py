"""Leaving details for the team over HTTP, with the real servers, database and relay.

Marker values go in; afterwards every log and the database file are searched
for them: personal details are never in a log, and only encrypted at rest.
"""

import json
import subprocess

import pytest

from sqlalchemy import update

from bot.intake.models import OutboxRow
from bot.intake.store import IntakeStore
from tests.e2e.conftest import RASA, ROOT, Chat, answered_or_offered_first, buttons_of, direct_payment_answered, text_of
from tests.e2e.journeys import MARKERS, in_clear
from tests.intake.receiver import Receiver


@pytest.fixture(autouse=True)
def same_key_as_the_servers(servers, monkeypatch):
    monkeypatch.setenv("PHB_INTAKE_KEY", servers["env"]["PHB_INTAKE_KEY"])


def cli(servers, *args, extra_env=None):
    return subprocess.run(
        [str(RASA.parent / "phb-intake"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**servers["env"], **(extra_env or {})},
        timeout=120,
    )


def test_a_full_intake_is_stored_encrypted_delivered_once_and_never_logged(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    # The eligibility check first, so the record carries its result.
    chat.say("Could I get one?")
    for answer in ["For someone I care for", "Yes, 18 or over"]:
        chat.say(answer)
    replies = chat.say("Yes")
    assert "legal right" in text_of(replies) and "Leave my details for the team" in buttons_of(replies)

    replies = chat.say("Leave my details for the team")
    text = text_of(replies)
    assert "Before I ask for any details" in text and "Kent and Medway" in text
    assert buttons_of(replies) == ["Yes, I agree", "No, I don't agree", "Why do you ask?"]
    assert "It's the law" in text_of(chat.say("Why do you ask?"))
    # The check was "for someone I care for": that answers "who is filling this in?" (shown at the review).
    replies = chat.say("Yes, I agree")
    assert "relationship" in text_of(replies) and "Who is filling this in?" not in text_of(replies)
    assert "full name of the person" in text_of(chat.say(MARKERS["relationship"]))
    # "I don't know" where a name is needed says why, then asks again.
    assert "needs a name" in text_of(chat.say("I don't know"))
    assert "date of birth" in text_of(chat.say(MARKERS["name"]))
    assert "in the future" in text_of(chat.say("1/1/2031"))
    assert "NHS number" in text_of(chat.say("12th March 1950"))
    assert "doesn't look right" in text_of(chat.say("654 100 3239"))
    # A question in the middle is answered (or offered first), then the same question is asked again.
    replies = chat.say("what is a direct payment?")
    assert "NHS number" in text_of(replies)
    replies = answered_or_offered_first(chat, replies, "Direct payments", direct_payment_answered)
    assert "NHS number" in text_of(replies)
    assert "postcode" in text_of(chat.say(MARKERS["nhs"]))
    assert "How would you like the team to contact you?" in text_of(chat.say(MARKERS["postcode"].lower()))
    assert "email address" in text_of(chat.say("Email"))
    assert "look like an email" in text_of(chat.say("quillon at example"))
    assert "best time" in text_of(chat.say(MARKERS["email"]))
    assert "help to talk with the team" in text_of(chat.say("Afternoon"))
    assert "anything else" in text_of(chat.say("Large print"))
    replies = chat.say(MARKERS["note"])
    text = text_of(replies)
    assert "check your answers" in text
    for shown in (
        MARKERS["name"],
        "12 March 1950",
        MARKERS["nhs"],
        MARKERS["postcode"],
        MARKERS["email"],
        "Large print",
        "Family or a carer",
    ):
        assert shown in text, shown
    assert "Change postcode" in buttons_of(replies)
    # Everything that will be sent, the check's result too, each part removable before sending.
    assert "Your check's result and why" in text and "likely to have a legal right" in text
    assert "Leave out my answers to the check" in buttons_of(replies)
    assert "postcode" in text_of(chat.say("Change postcode"))
    replies = chat.say("ZE2 9QY")
    assert "ZE2 9QY" in text_of(replies) and "Send my details" in buttons_of(replies)
    replies = chat.say("Send my details")
    text = text_of(replies)
    assert "Your details are saved" in text and "10 working days" in text
    reference = next(w for w in text.split() if w.startswith("PHB-")).rstrip(".")

    # Confirming again does not make a second record; asking again gives the reference, and no question.
    again = text_of(chat.say("Leave my details for the team"))
    assert reference in again and "Before I ask for any details" not in again and "choose one" not in again
    assert "amount of NHS money" in text_of(chat.say("what is a personal health budget?"))
    store = IntakeStore(servers["database_url"])
    rows = store.find()
    assert [r.reference for r, _ in rows] == [reference]
    record = rows[0][0]
    assert record.details["name"] == MARKERS["name"] and record.details["postcode"] == "ZE2 9QY"
    assert record.details["relationship"] == MARKERS["relationship"]
    assert record.eligibility_result == "right_to_have" and record.channel == "rest"
    assert record.conversation_hash != chat.sender and len(record.conversation_hash) == 64

    # The relay delivers it, once, with its id as the idempotency key.
    with Receiver() as receiver:
        receiver.plan = [503]
        endpoints = {"PHB_INTAKE_ENDPOINTS": json.dumps({"kent-and-medway": receiver.url})}
        relay = cli(servers, "relay", "--once", extra_env=endpoints)
        assert "will retry 1" in relay.stdout
    # Still pending, to be tried again later; make it due now rather than wait.
    assert store.get(reference)[1].status == "pending"
    with store.session() as s:
        s.execute(update(OutboxRow).values(next_attempt_at=OutboxRow.created_at))
    with Receiver() as receiver:
        relay2 = cli(
            servers,
            "relay",
            "--once",
            extra_env={"PHB_INTAKE_ENDPOINTS": json.dumps({"kent-and-medway": receiver.url})},
        )
        assert "delivered 1" in relay2.stdout
    assert list(receiver.stored) == [record.id]
    assert receiver.stored[record.id]["details"]["name"] == MARKERS["name"]

    # Nothing personal in any log, or in clear in the database file.
    logs = "\n".join(path.read_text(errors="replace") for path in servers["logs"])
    logs += relay.stdout + relay.stderr + relay2.stdout + relay2.stderr
    database = (servers["dir"] / "intake.db").read_bytes()
    for wal in servers["dir"].glob("intake.db-*"):
        database += wal.read_bytes()
    database = in_clear(database.decode("latin-1")).lower()
    for marker in [*MARKERS.values(), "ZE2 9QY", "6541003238", "Zebedee", "kumquat", "quillon"]:
        assert marker.lower() not in logs.lower(), f"{marker!r} is in a log"
        assert marker.lower() not in database, f"{marker!r} is in clear in the database"


def test_declining_consent_stores_nothing_and_gives_the_teams_contacts(servers):
    chat = Chat(servers["url"], area="cornwall-and-isles-of-scilly")
    before = len(IntakeStore(servers["database_url"]).find())
    # Asking to be called gives the contacts and offers to leave details.
    replies = chat.say("can someone call me")
    assert "01726 627659" in text_of(replies) and "Leave my details for the team" in buttons_of(replies)
    chat.say("Leave my details for the team")
    replies = chat.say("No, I don't agree")
    text = text_of(replies)
    assert "haven't kept any details" in text and "01726 627659" in text
    assert len(IntakeStore(servers["database_url"]).find()) == before


def test_stop_in_the_middle_sends_nothing_and_carrying_on_keeps_the_answers(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    chat.say("I want to apply")
    chat.say("yes")
    chat.say("Me, for myself")
    assert "Nothing has been sent" in text_of(chat.say("stop"))
    replies = chat.say("leave my details")
    assert "carry on where we left off" in text_of(replies) and "full name" in text_of(replies)


def test_a_name_the_model_reads_as_go_back_is_still_the_name_and_go_back_still_works(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    chat.say("I want to apply")
    chat.say("yes")
    assert "full name" in text_of(chat.say("Me, for myself"))
    replies = text_of(chat.say("Wei Zhang"))  # the model reads this name as "go back"
    assert "date of birth" in replies and "go back" not in replies.lower()
    replies = text_of(chat.say("oops, go back"))
    assert "full name" in replies
    chat.say("Wei Zhang")
    replies = text_of(chat.say("Sorry I meant Wei Chang"))  # the name changed, as typed
    assert "changed that answer" in replies and "date of birth" in replies
    chat.say("12 March 1950")
    replies = text_of(chat.say("no that's wrong, it's 13 March 1950"))
    assert "changed that answer" in replies and "NHS number" in replies


def test_a_crisis_mid_intake_is_answered_at_once(servers):
    chat = Chat(servers["url"], area="kent-and-medway")
    chat.say("Leave my details for the team")
    chat.say("Yes, I agree")
    text = text_of(chat.say("I want to end my life"))
    assert "999" in text and "111" in text and "Samaritans" in text


def test_without_a_known_area_the_area_is_asked_first(servers):
    chat = Chat(servers["url"])
    replies = chat.say("Leave my details for the team")
    assert "Which area do you live in?" in text_of(replies)
    assert "Somewhere else" in buttons_of(replies)
    assert "Before I ask for any details" in text_of(chat.say("Cornwall and the Isles of Scilly"))
