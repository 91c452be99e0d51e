"""A real journey through the running assistant for an area whose endpoint asks for FHIR: the relay
posts one valid FHIR R4 Bundle, by the record's idempotency key, through a failed attempt and a
lost reply, and nothing personal reaches a log.

The shipped areas have no endpoint and no areas-directory override exists, so the endpoint and its
format come from the deployment's variables (PHB_INTAKE_ENDPOINTS, PHB_INTAKE_FORMATS), as
docs/intake-formats.md describes.
"""

import datetime as dt
import json
import subprocess

import pytest
from sqlalchemy import select, update

from bot.intake import models
from bot.intake.models import OutboxRow
from bot.intake.store import IntakeStore
from tests.e2e.conftest import RASA, ROOT, Chat, buttons_of, text_of
from tests.intake.receiver import Receiver
from tests.intake.fhir_checks import assert_valid, questionnaire_items, resources

AREA = "kent-and-medway"
# Values no real message contains (and no other test uses), so a search finds only this journey's.
MARKERS = {
    "name": "Ottoline Fhirquist-Marker",
    "email": "ottoline.fhirmarker@example.org",
    "postcode": "ZE1 7QF",
    "nhs": "654 100 3246",
    "note": "quince harpsichord fhirmarker",
    "language": "Fhirmarkerish",
}


@pytest.fixture(autouse=True)
def same_key_as_the_servers(servers, monkeypatch):
    monkeypatch.setenv("PHB_INTAKE_KEY", servers["env"]["PHB_INTAKE_KEY"])


def relay(servers, receiver):
    env = {
        **servers["env"],
        "PHB_INTAKE_ENDPOINTS": json.dumps({AREA: receiver.url}),
        "PHB_INTAKE_FORMATS": json.dumps({AREA: "fhir"}),
    }
    return subprocess.run(
        [str(RASA.parent / "phb-intake"), "relay", "--once"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def due_now(store, record_id):
    with store.session() as s:
        s.execute(
            update(OutboxRow).where(OutboxRow.record_id == record_id).values(next_attempt_at=OutboxRow.created_at)
        )


def leave_details(chat):
    """The check first (so the record carries its result), then every detail, as the person."""
    steps = [
        ("Could I get one?", "Who are you asking for?"),
        ("For me", "18 or over"),
        ("Yes, 18 or over", "Continuing Healthcare"),
        ("Yes", "legal right"),
        ("Leave my details for the team", "Before I ask for any details"),
        # The check was for themselves: that answers "who is filling this in?".
        ("Yes, I agree", "full name"),
        (MARKERS["name"], "date of birth"),
        ("12th March 1950", "NHS number"),
        (MARKERS["nhs"], "postcode"),
        (MARKERS["postcode"], "How would you like the team to contact you?"),
        ("Email", "email address"),
        (MARKERS["email"], "best time"),
        ("Afternoon", "help to talk with the team"),
        ("An interpreter", "Which language"),
        (MARKERS["language"], "anything else"),
        (MARKERS["note"], "check your answers"),
    ]
    for message, expected in steps:
        replies = chat.say(message)
        assert expected in text_of(replies), (message, text_of(replies))
    assert "Send my details" in buttons_of(replies)
    text = text_of(chat.say("Send my details"))
    assert "Your details are saved" in text
    return next(w for w in text.split() if w.startswith("PHB-")).rstrip(".")


def deliver_through_failures(servers, store, key):
    """Relay three times: the endpoint fails once, then keeps the record but its reply is lost, then
    answers. Other tests' records wait meanwhile, so the receiver's plan meets this record."""
    with store.session() as s:
        waiting = (
            s.execute(select(OutboxRow).where(OutboxRow.status == models.PENDING, OutboxRow.record_id != key))
            .scalars()
            .all()
        )
        others = {row.id: row.next_attempt_at for row in waiting}
        for row in waiting:
            row.next_attempt_at = dt.datetime(9999, 1, 1)
    runs = []
    try:
        with Receiver() as receiver:
            receiver.fhir = True
            receiver.plan = [503, "drop"]
            for expected in ("will retry 1", "will retry 1", "delivered 1"):
                runs.append(relay(servers, receiver))
                assert runs[-1].returncode == 0, runs[-1].stderr
                assert expected in runs[-1].stdout, runs[-1].stdout
                due_now(store, key)
    finally:
        with store.session() as s:
            for row_id, when in others.items():
                s.get(OutboxRow, row_id).next_attempt_at = when
    return receiver, runs


def test_a_journey_for_a_fhir_area_arrives_as_one_valid_bundle_once(servers):
    reference = leave_details(Chat(servers["url"], area=AREA))
    store = IntakeStore(servers["database_url"])
    try:
        record, outbox = store.get(reference)
        assert outbox.status == models.PENDING
        key = record.id
        receiver, runs = deliver_through_failures(servers, store, key)
        assert store.get(reference)[1].status == models.DELIVERED
    finally:
        # Other tests in this run count the records in the database: this one leaves none behind.
        assert store.erase(reference)

    assert [k for k, _ in receiver.requests] == [key] * 3
    assert list(receiver.stored) == [key]
    bundle = receiver.stored[key]
    assert_valid(bundle)
    found = resources(bundle)
    patient = found["Patient"]
    assert patient["name"] == [{"text": MARKERS["name"]}]
    assert {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": MARKERS["nhs"].replace(" ", "")} in [
        {k: i[k] for k in ("system", "value")} for i in patient["identifier"]
    ]
    assert patient["telecom"] == [{"system": "email", "value": MARKERS["email"], "rank": 1}]
    assert patient["address"] == [{"postalCode": MARKERS["postcode"]}]
    assert patient["communication"][0]["language"] == {"text": MARKERS["language"]}
    assert reference in [i["value"] for i in found["ServiceRequest"]["identifier"]]
    answers = {
        i["linkId"]: [a["valueString"] for a in i.get("answer", [])]
        for g in found["QuestionnaireResponse"]["item"]
        for i in g["item"]
    }
    assert answers["name"] == [MARKERS["name"]] and answers["anything_else"] == [MARKERS["note"]]
    assert answers["check.who_for"] == ["For me"] and answers["date_of_birth"] == ["12 March 1950"]
    assert set(answers) <= set(questionnaire_items())

    # Nothing personal in the relay's output or the servers' logs.
    logs = "\n".join(path.read_text(errors="replace") for path in servers["logs"])
    logs += "".join(r.stdout + r.stderr for r in runs)
    for marker in [*MARKERS.values(), MARKERS["nhs"].replace(" ", ""), "Fhirquist", "Ottoline", "harpsichord"]:
        assert marker.lower() not in logs.lower(), f"{marker!r} is in a log"
