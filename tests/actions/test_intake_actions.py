"""The intake as the action server runs it, storing into a real SQLite database."""

import asyncio

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from actions.guide_form import ActionAskGuideAnswer, ActionGuideResult, ActionStartIntake, ValidateGuideForm
from bot.intake.questions import CONSENT_RECORD
from bot.intake.store import IntakeStore
from bot.storage.database import engine_for
from tests.actions.conftest import make_tracker, said

AREA = {"area": "kent-and-medway"}


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'intake.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PHB_INTAKE_KEY", Fernet.generate_key().decode())
    store = IntakeStore(url)
    store.migrate()
    yield store
    engine_for(url).dispose()


def run(action, dispatcher, tracker):
    return asyncio.run(action.run(dispatcher, tracker, {}))


def in_intake(text, answers, intent="answer", slots=None):
    tracker = make_tracker(
        (intent, text), slots={**AREA, "intake_answers": answers, "guide": "intake", **(slots or {})}
    )
    tracker.active_loop = {"name": "guide_form"}
    return tracker


def validate(dispatcher, tracker, text):
    return asyncio.run(ValidateGuideForm().validate_guide_answer(text, dispatcher, tracker, {}))


def give(dispatcher, answers, text):
    update = validate(dispatcher, in_intake(text, answers), text)
    assert "intake_answers" in update, (text, said(dispatcher))
    return update["intake_answers"]


FILLED = [
    "Yes, I agree",
    "Me, for myself",
    "Sam Marker",
    "12/03/1950",
    "I don't know",
    "ME14 1XX",
    "Email",
    "sam.marker@example.org",
    "Any time",
    "No, none",
    "No, nothing else",
    "Send my details",
]


def filled(dispatcher):
    answers = {}
    for t in FILLED:
        answers = give(dispatcher, answers, t)
    return answers


def test_start_shows_the_intro_then_the_privacy_notice_before_anything_else(dispatcher):
    tracker = make_tracker(("start_intake", "Leave my details for the team"), slots=AREA)
    events = run(ActionStartIntake(), dispatcher, tracker)
    assert {"event": "slot", "name": "guide", "value": "intake", "timestamp": None} in events
    run(ActionAskGuideAnswer(), dispatcher, in_intake("", {}))
    assert "Before I ask for any details" in said(dispatcher)
    assert [b["title"] for b in dispatcher.messages[-1]["buttons"]] == [
        "Yes, I agree",
        "No, I don't agree",
        "Why do you ask?",
    ]


def test_a_confirmed_intake_is_stored_once_and_the_details_leave_the_slots(dispatcher, database):
    answers = filled(dispatcher)
    slots = {
        "eligibility_result": "right_to_have",
        "eligibility_reasons": ["chc"],
        "money_preferred": "notional",
        "outcomes": ["By June, I will swim once a week."],
    }
    events = run(ActionGuideResult(), dispatcher, in_intake("Send my details", answers, slots=slots))
    values = {e["name"]: e["value"] for e in events}
    assert values["intake_answers"] == {} and values["intake_status"] == "sent"
    reference = values["intake_reference"]
    assert reference in said(dispatcher) and "10 working days" in said(dispatcher)
    record, outbox = database.get(reference)
    assert record.details["name"] == "Sam Marker" and record.details["nhs_number"] == "dont_know"
    assert record.eligibility_result == "right_to_have" and record.money_preferred == "notional"
    assert record.outcomes == ["By June, I will swim once a week."]
    # The same confirmation again (an action retried) stores nothing new.
    run(ActionGuideResult(), dispatcher, in_intake("Send my details", answers, slots=slots))
    assert len(database.find()) == 1


def test_asking_again_after_sending_gives_the_reference_not_a_new_form(dispatcher, database):
    tracker = make_tracker(
        ("start_intake", "leave my details"),
        slots={**AREA, "intake_status": "sent", "intake_reference": "PHB-ACDE-FH34", "intake_answers": {}},
    )
    # It listens next, rather than let the rule start the form on old answers (which asked for consent again).
    assert run(ActionStartIntake(), dispatcher, tracker) == [
        {"event": "followup", "name": "action_listen", "timestamp": None}
    ]
    assert "PHB-ACDE-FH34" in said(dispatcher)


def test_a_database_that_is_down_gets_an_honest_answer_and_nothing_is_lost(dispatcher, monkeypatch, tmp_path):
    monkeypatch.setenv("PHB_INTAKE_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://phb@127.0.0.1:9/phb")  # nothing listens there
    answers = filled(dispatcher)
    events = run(ActionGuideResult(), dispatcher, in_intake("Send my details", answers))
    values = {e["name"]: e["value"] for e in events}
    assert "NOT saved" in said(dispatcher)
    assert "intake_status" not in values
    kept = values["intake_answers"]
    assert kept[CONSENT_RECORD] == answers[CONSENT_RECORD] and "review" not in kept
    assert dispatcher.messages[-1]["buttons"][0]["payload"] == "/start_intake"


def test_try_again_goes_back_to_check_your_answers_and_sends(dispatcher, database):
    answers = {k: v for k, v in filled(dispatcher).items() if k != "review"}
    tracker = make_tracker(("start_intake", "/start_intake"), slots={**AREA, "intake_answers": answers})
    run(ActionStartIntake(), dispatcher, tracker)
    run(ActionAskGuideAnswer(), dispatcher, in_intake("", answers))
    assert "Please check your answers" in said(dispatcher)
    answers = give(dispatcher, answers, "Send my details")
    events = run(ActionGuideResult(), dispatcher, in_intake("Send my details", answers))
    assert {e["name"]: e["value"] for e in events}["intake_status"] == "sent"


def test_send_my_details_taken_for_a_request_to_start_is_still_the_confirmation(dispatcher):
    answers = {k: v for k, v in filled(dispatcher).items() if k != "review"}
    tracker = in_intake("Send my details", answers, intent="start_intake")
    tracker.latest_message["intent"]["confidence"] = 0.99
    events = run(ActionStartIntake(), dispatcher, tracker)
    values = {e["name"]: e["value"] for e in events}
    assert values["intake_answers"]["review"] == "confirm" and values["guide_answer"] == "done"


def test_declining_consent_keeps_nothing_and_gives_contacts(dispatcher, database):
    answers = give(dispatcher, {}, "No, I don't agree")
    events = run(ActionGuideResult(), dispatcher, in_intake("No", answers))
    assert {e["name"]: e["value"] for e in events} == {"intake_answers": {}}
    assert "haven't kept any details" in said(dispatcher) and "01632 960000" in said(dispatcher)
    assert database.find() == []


def test_a_wrong_nhs_number_is_explained_and_asked_again(dispatcher):
    answers = {}
    for t in FILLED[:4]:
        answers = give(dispatcher, answers, t)
    update = validate(dispatcher, in_intake("943 476 5910", answers), "943 476 5910")
    assert update == {"guide_answer": None, "guide_failed_tries": 1}
    assert "doesn't look right" in said(dispatcher)


def test_personal_details_are_not_in_the_database_in_clear(dispatcher, database):
    answers = filled(dispatcher)
    run(ActionGuideResult(), dispatcher, in_intake("Send my details", answers))
    with database.engine.connect() as c:
        raw = " ".join(str(v) for row in c.execute(text("select * from intake_records")) for v in row)
    assert "Sam Marker" not in raw and "sam.marker@example.org" not in raw and "ME14 1XX" not in raw


def small_talk(text, intent, answers):
    tracker = in_intake(text, answers, intent=intent)
    tracker.slots["requested_slot"] = "guide_answer"
    tracker.slots["guide_answer"] = None
    return asyncio.run(ValidateGuideForm().extract_guide_answer(None, tracker, {}))


def test_an_answer_the_nlu_took_for_small_talk_is_still_taken(dispatcher):
    answers = {}
    for t in FILLED[:8]:
        answers = give(dispatcher, answers, t)
    # At "best time to contact": "Morning" looks like a greeting.
    assert small_talk("Morning", "greet", answers) == {"guide_answer": "Morning"}
    # "Why do you ask?" looks like "what can you do".
    assert small_talk("Why do you ask?", "what_can_you_do", answers) == {"guide_answer": "Why do you ask?"}
    # Real small talk, or a request rules must handle, is left to the rules.
    assert small_talk("hello", "greet", answers) == {}
    assert small_talk("can I speak to someone", "talk_to_person", answers) == {}
    assert small_talk("I want to end my life", "crisis", answers) == {}


def test_a_name_that_looks_like_a_goodbye_is_taken_as_the_name(dispatcher):
    answers = give(dispatcher, give(dispatcher, {}, "yes"), "Me, for myself")
    assert small_talk("Chloe Bye", "goodbye", answers) == {"guide_answer": "Chloe Bye"}
    assert small_talk("bye for now", "goodbye", answers) == {}


def test_a_button_of_the_question_asked_is_an_answer_whatever_the_nlu_made_of_it(dispatcher):
    answers = {}
    for t in FILLED[:6]:
        answers = give(dispatcher, answers, t)
    # At "how would you like the team to contact you?"
    assert small_talk("Phone call", "talk_to_person", answers) == {"guide_answer": "Phone call"}
    # Typed, it is still the answer: the intake owns the turn (issue 21: "please ring me").
    assert small_talk("Phone call please", "talk_to_person", answers) == {"guide_answer": "Phone call please"}
    assert small_talk("can i talk to a person?", "talk_to_person", answers) == {}  # a question: the rules answer it
    assert small_talk("Phone call", "crisis", answers) == {}
    assert small_talk("Phone call", "stop", answers) == {}


def test_coming_back_to_the_form_after_a_rule_does_not_take_the_old_message(dispatcher):
    answers = {}
    for t in FILLED[:8]:
        answers = give(dispatcher, answers, t)
    tracker = in_intake("Morning", answers, intent="greet")
    tracker.slots.update(requested_slot="guide_answer", guide_answer=None)
    tracker.events += [{"event": "action", "name": "utter_greet"}, {"event": "action", "name": "guide_form"}]
    assert asyncio.run(ValidateGuideForm().extract_guide_answer(None, tracker, {})) == {}


def test_an_email_address_the_nlu_read_as_stop_is_still_the_email_address(dispatcher):
    answers = {}
    for t in FILLED[:7]:
        answers = give(dispatcher, answers, t)
    assert small_talk("quillon.marker@example.org", "stop", answers) == {"guide_answer": "quillon.marker@example.org"}
    assert small_talk("stop", "stop", answers) == {}
    assert small_talk("quillon.marker@example.org", "crisis", answers) == {}


FOUND = {
    "eligibility_answers": {"who_for": "self", "age_group": "adult", "continuing_care": "eligible"},
    "eligibility_result": "right_to_have",
    "eligibility_reasons": ["chc"],
    "money_preferred": "direct_payment",
    "money_suggested": ["direct_payment"],
    "outcomes": ["By June, I will walk to the shop."],
}


def test_check_your_answers_shows_what_other_guides_found_and_a_part_left_out_is_not_sent(dispatcher, database):
    answers = {k: v for k, v in filled(dispatcher).items() if k != "review"}
    run(ActionAskGuideAnswer(), dispatcher, in_intake("", answers, slots=FOUND))
    shown = said(dispatcher)
    for words in (
        "Your check's result and why",
        "likely to have a legal right",
        "Your choice for now: Direct payment",
        "Outcome 1: By June, I will walk to the shop.",
    ):
        assert words in shown, words
    answers = give(dispatcher, answers, "Leave out my outcomes")
    assert "review" not in answers
    answers = give(dispatcher, answers, "Send my details")
    run(ActionGuideResult(), dispatcher, in_intake("Send my details", answers, slots=FOUND))
    [(record, _)] = database.find()
    assert record.outcomes == [] and record.money_preferred == "direct_payment"
    assert record.eligibility_result == "right_to_have" and record.eligibility_reasons == ["chc"]
