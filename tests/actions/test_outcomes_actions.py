import asyncio

from actions.guide_form import ActionAskGuideAnswer, ActionGuideResult, ActionStartOutcomes, ValidateGuideForm
from tests.actions.conftest import make_tracker, said

PLANNED = {"1:matters": "my family", "2:working": "lonely", "3:different": "see people"}


def run(action, dispatcher, tracker):
    return asyncio.run(action.run(dispatcher, tracker, {}))


def in_coach(text, answers, intent="answer"):
    tracker = make_tracker((intent, text), slots={"outcomes_answers": answers, "guide": "outcomes"})
    tracker.active_loop = {"name": "guide_form"}
    return tracker


def validate(dispatcher, tracker, text):
    return asyncio.run(ValidateGuideForm().validate_guide_answer(text, dispatcher, tracker, {}))


def test_start_introduces_the_coach(dispatcher):
    events = run(ActionStartOutcomes(), dispatcher, make_tracker(("start_outcomes", "help with my outcomes")))
    assert "outcomes for your care and support plan" in said(dispatcher)
    assert {"event": "slot", "name": "guide", "value": "outcomes", "timestamp": None} in events


def test_a_draft_is_kept_and_the_feedback_comes_with_the_next_question(dispatcher):
    update = validate(dispatcher, in_coach("I want to go swimming", PLANNED), "I want to go swimming")
    assert update["outcomes_answers"]["4:draft"] == "I want to go swimming"
    run(ActionAskGuideAnswer(), dispatcher, in_coach("", update["outcomes_answers"]))
    assert "Say when, or how often" in said(dispatcher)
    assert [b["title"] for b in dispatcher.messages[-1]["buttons"]] == ["Change it", "Keep my words"]


def test_bad_input_says_why_and_keeps_everything(dispatcher):
    update = validate(dispatcher, in_coach("x" * 600, PLANNED), "x" * 600)
    assert update == {"guide_answer": None, "guide_failed_tries": 1}
    assert "500 characters" in said(dispatcher)


def test_a_draft_the_nlu_took_for_an_faq_is_still_the_draft(dispatcher):
    tracker = in_coach("I want to write my care plan with my family every month", PLANNED, intent="faq")
    tracker.latest_message["response_selector"] = {"faq": {"response": {"utter_action": "utter_faq/care_plan"}}}
    update = validate(dispatcher, tracker, "I want to write my care plan with my family every month")
    assert "4:draft" in update["outcomes_answers"] and dispatcher.messages == []


def test_the_result_keeps_the_outcomes_for_the_intake(dispatcher):
    answers = {
        **PLANNED,
        "4:draft": "By June I will swim once a week so that my back hurts less",
        "5:review": "keep",
        "6:next": "finish",
    }
    events = run(ActionGuideResult(), dispatcher, in_coach("", answers))
    assert events == [
        {
            "event": "slot",
            "name": "outcomes",
            "timestamp": None,
            "value": ["By June I will swim once a week so that my back hurts less"],
        }
    ]
    assert "1. By June I will swim" in said(dispatcher)


def test_coming_back_after_finishing_goes_to_the_list(dispatcher):
    answers = {
        **PLANNED,
        "4:draft": "By June I will swim once a week so that my back hurts less",
        "5:review": "keep",
        "6:next": "finish",
    }
    tracker = make_tracker(
        ("start_outcomes", "help with my outcomes"),
        slots={"outcomes_answers": answers, "outcomes": ["By June I will swim"]},
    )
    events = run(ActionStartOutcomes(), dispatcher, tracker)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert "6:next" not in slots["outcomes_answers"] and "5:review" in slots["outcomes_answers"]
    assert slots["outcomes"] is None and "carry on where we left off" in said(dispatcher)


def test_a_long_draft_the_nlu_took_for_starting_the_coach_gets_the_limit(dispatcher):
    tracker = in_coach("I want to go out " * 40, PLANNED, intent="start_outcomes")
    tracker.latest_message["intent"]["confidence"] = 0.55
    events = run(ActionStartOutcomes(), dispatcher, tracker)
    assert events == [{"event": "slot", "name": "guide_failed_tries", "value": 1, "timestamp": None}]
    assert "500 characters" in said(dispatcher)
