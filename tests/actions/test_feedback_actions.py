"""The feedback guide's actions: asked once, then only goodbye; only codes and a masked comment are kept."""

import asyncio

from actions.guide_form import ActionAskGuideAnswer, ActionGuideResult, ActionStartFeedback, ValidateGuideForm
from tests.actions.conftest import make_tracker, said


def run(action, dispatcher, tracker):
    return asyncio.run(action.run(dispatcher, tracker, {}))


def in_feedback(text, answers, intent="answer"):
    tracker = make_tracker(
        (intent, text), slots={"feedback_answers": answers, "guide": "feedback", "requested_slot": "guide_answer"}
    )
    tracker.active_loop = {"name": "guide_form"}
    return tracker


def test_goodbye_asks_once(dispatcher):
    events = run(ActionStartFeedback(), dispatcher, make_tracker(("goodbye", "bye")))
    assert "one quick thing" in said(dispatcher)
    assert {"event": "slot", "name": "guide", "value": "feedback", "timestamp": None} in events


def test_a_second_goodbye_only_says_goodbye_and_listens(dispatcher):
    tracker = make_tracker(("goodbye", "bye"), slots={"feedback_status": "given", "guide": "feedback"})
    events = run(ActionStartFeedback(), dispatcher, tracker)
    assert "Goodbye" in said(dispatcher) and "quick thing" not in said(dispatcher)
    assert events == [{"event": "followup", "name": "action_listen", "timestamp": None}]


def test_the_question_has_buttons_with_no_thanks(dispatcher):
    run(ActionAskGuideAnswer(), dispatcher, in_feedback("", {}))
    message = dispatcher.messages[0]
    assert message["text"] == "Did I help you today?"
    assert [b["title"] for b in message["buttons"]][-1] == "No thanks"


def test_a_typed_no_thanks_the_nlu_reads_as_thanks_is_still_an_answer(dispatcher):
    slots = asyncio.run(ValidateGuideForm().extract_guide_answer(dispatcher, in_feedback("no thanks", {}, "thank"), {}))
    assert slots == {"guide_answer": "no thanks"}


def test_the_comment_is_masked_when_taken_and_the_result_keeps_only_codes_and_it(dispatcher):
    taken = asyncio.run(
        ValidateGuideForm().validate_guide_answer(
            "slow. jo@example.org", dispatcher, in_feedback("slow. jo@example.org", {"helped": "not_helped"}), {}
        )
    )
    assert taken["feedback_answers"] == {"helped": "not_helped", "comment": "slow. [email]"}
    tracker = in_feedback("", taken["feedback_answers"])
    events = run(ActionGuideResult(), dispatcher, tracker)
    values = {e["name"]: e["value"] for e in events}
    assert values == {
        "feedback_status": "given",
        "feedback_score": "not_helped",
        "feedback_comment": "slow. [email]",
        "feedback_answers": {},
    }
    assert "Thank you for telling us" in said(dispatcher)
