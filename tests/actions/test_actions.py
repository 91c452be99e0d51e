import asyncio

import pytest

from actions.common import turn_from
from actions.area_answers import ActionHowToStart, ActionLocalOffer, ActionSetArea, ActionTalkToPerson
from actions.fallback import ActionHandleMisunderstanding
from actions.session import ActionSessionStart, ActionStartAgain
from bot.replies import SOMETHING_ELSE
from tests.actions.conftest import make_tracker, said, user_event

CORNWALL = "cornwall-and-isles-of-scilly"


def run(action, dispatcher, tracker):
    return asyncio.run(action.run(dispatcher, tracker, {}))


def slots_set(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_session_start_takes_a_known_area_from_metadata(dispatcher):
    tracker = make_tracker(slots={"session_started_metadata": {"area": "kent-and-medway"}})
    events = run(ActionSessionStart(), dispatcher, tracker)
    assert events[0]["event"] == "session_started"
    assert slots_set(events) == {"area": "kent-and-medway"}
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")


@pytest.mark.parametrize("metadata", [{"area": "atlantis"}, {"area": {"x": 1}}, {}, None])
def test_session_start_ignores_unknown_or_missing_area(dispatcher, metadata):
    tracker = make_tracker(slots={"session_started_metadata": metadata})
    assert slots_set(run(ActionSessionStart(), dispatcher, tracker)) == {}


def test_session_start_keeps_the_area_from_the_last_session(dispatcher):
    tracker = make_tracker(slots={"area": CORNWALL, "session_started_metadata": None})
    assert slots_set(run(ActionSessionStart(), dispatcher, tracker)) == {"area": CORNWALL}


def test_talk_to_person_uses_the_area_slot(dispatcher):
    tracker = make_tracker(("talk_to_person", "can i speak to someone"), slots={"area": CORNWALL})
    events = run(ActionTalkToPerson(), dispatcher, tracker)
    assert "01726 627659" in said(dispatcher)
    assert slots_set(events) == {"area": CORNWALL, "pending_area_topic": None}


def test_area_from_message_metadata_when_no_slot(dispatcher):
    tracker = make_tracker(("talk_to_person", "phone number?"), metadata={"area": CORNWALL})
    run(ActionTalkToPerson(), dispatcher, tracker)
    assert "01726 627659" in said(dispatcher)


def test_area_named_in_the_question_wins(dispatcher):
    tracker = make_tracker(("ask_local_offer", "what's on offer in cornwall"), slots={"area": "kent-and-medway"})
    events = run(ActionLocalOffer(), dispatcher, tracker)
    assert "Cornwall" in said(dispatcher)
    assert slots_set(events)["area"] == CORNWALL


def test_unknown_area_answers_generally_then_asks(dispatcher):
    tracker = make_tracker(("ask_how_to_start", "how do i apply"))
    events = run(ActionHowToStart(), dispatcher, tracker)
    last = dispatcher.messages[-1]
    assert [b["title"] for b in last["buttons"]][-1] == "Somewhere else"
    assert slots_set(events) == {"pending_area_topic": "how_to_start"}
    assert "01726" not in said(dispatcher)


def test_set_area_finishes_the_pending_answer(dispatcher):
    tracker = make_tracker(
        ("inform_area", "cornwall", [{"entity": "area", "value": "cornwall"}]),
        slots={"pending_area_topic": "talk_to_person"},
    )
    events = run(ActionSetArea(), dispatcher, tracker)
    text = said(dispatcher)
    assert "Cornwall and the Isles of Scilly" in text and "01726 627659" in text
    assert slots_set(events) == {"area": CORNWALL, "pending_area_topic": None}


def test_set_area_from_a_button_payload(dispatcher):
    tracker = make_tracker(
        ("inform_area", '/inform_area{"area": "kent-and-medway"}', [{"entity": "area", "value": "kent-and-medway"}])
    )
    events = run(ActionSetArea(), dispatcher, tracker)
    assert slots_set(events)["area"] == "kent-and-medway"


def test_set_area_somewhere_else(dispatcher):
    tracker = make_tracker(("inform_area", "somewhere else"), slots={"pending_area_topic": "local_offer"})
    events = run(ActionSetArea(), dispatcher, tracker)
    assert slots_set(events)["area"] == "default"
    assert "local offer" in said(dispatcher).lower()


def test_set_area_with_an_area_we_do_not_know(dispatcher):
    tracker = make_tracker(("inform_area", "i live in leeds"))
    events = run(ActionSetArea(), dispatcher, tracker)
    assert "don't have details for that area" in said(dispatcher)
    assert slots_set(events)["area"] == "default"


def test_start_again_keeps_the_area(dispatcher):
    tracker = make_tracker(("start_again", "start again"), slots={"area": CORNWALL})
    events = run(ActionStartAgain(), dispatcher, tracker)
    assert [e["event"] for e in events] == ["active_loop", "restart", "slot"]
    assert slots_set(events) == {"area": CORNWALL}
    assert dispatcher.messages[-1]["response"] == "utter_menu"


def test_first_misunderstanding_asks_again(dispatcher):
    tracker = make_tracker(("greet", "hi"), ("nlu_fallback", "blorp"))
    run(ActionHandleMisunderstanding(), dispatcher, tracker)
    assert "didn't understand" in said(dispatcher)
    assert not any(m.get("response") == "utter_menu" for m in dispatcher.messages)


def test_a_question_read_as_a_guide_answer_outside_a_guide_gets_did_you_mean(dispatcher):
    tracker = make_tracker(("answer", "How will I be assessed for reablement at home?"))
    run(ActionHandleMisunderstanding(), dispatcher, tracker)
    buttons = [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]
    assert any("faq/leaving_hospital" in p for p in buttons) and SOMETHING_ELSE in buttons


def test_a_bare_guide_answer_outside_a_guide_is_not_understood(dispatcher):
    tracker = make_tracker(("answer", "reablement at home"))
    run(ActionHandleMisunderstanding(), dispatcher, tracker)
    assert "didn't understand" in said(dispatcher)
    assert not any(m.get("buttons") for m in dispatcher.messages)


def test_out_of_scope_says_what_it_can_do(dispatcher):
    tracker = make_tracker(("out_of_scope", "tell me a joke"))
    run(ActionHandleMisunderstanding(), dispatcher, tracker)
    assert "only help with questions about personal health budgets" in said(dispatcher)


def test_second_misunderstanding_in_a_row_gives_menu_and_contacts(dispatcher):
    tracker = make_tracker(("nlu_fallback", "blorp"), ("out_of_scope", "weather"), slots={"area": CORNWALL})
    run(ActionHandleMisunderstanding(), dispatcher, tracker)
    assert any(m.get("response") == "utter_menu" for m in dispatcher.messages)
    assert "01726 627659" in said(dispatcher)


def test_misunderstanding_count_restarts_after_start_again(dispatcher):
    tracker = make_tracker(
        ("nlu_fallback", "blorp"),
        events=[],
    )
    tracker.events.insert(0, {"event": "restart"})
    tracker.events.insert(0, {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}})
    run(ActionHandleMisunderstanding(), dispatcher, tracker)
    assert "didn't understand" in said(dispatcher)


def test_the_turn_says_whether_the_last_replies_offered_did_you_mean():
    offer = {"event": "bot", "text": "Did you mean:", "data": {"buttons": [{"title": "x", "payload": SOMETHING_ELSE}]}}
    question = {
        "event": "bot",
        "text": "Are they 18 or over?",
        "data": {"buttons": [{"title": "Yes", "payload": "Yes"}]},
    }
    earlier = [user_event("nlu_fallback", "what about my benefits")]
    assert turn_from(
        make_tracker(("something_else", "not what I meant"), events=[*earlier, offer, question])
    ).after_did_you_mean
    assert not turn_from(
        make_tracker(("something_else", "not what I meant"), events=[*earlier, question])
    ).after_did_you_mean
    # An offer two messages back does not count.
    older = [user_event("nlu_fallback", "benefits?"), offer, user_event("affirm", "yes"), question]
    assert not turn_from(make_tracker(("something_else", "not what I meant"), events=older)).after_did_you_mean
