import asyncio

from actions.guide_form import (
    ActionAskGuideAnswer,
    ActionGuideGoBack,
    ActionGuideResult,
    ActionStartEligibility,
    ActionStopGuide,
    ValidateGuideForm,
)
from tests.actions.conftest import make_tracker, said

CORNWALL = "cornwall-and-isles-of-scilly"


def run(action, dispatcher, tracker):
    return asyncio.run(action.run(dispatcher, tracker, {}))


def validate(dispatcher, tracker, text):
    return asyncio.run(ValidateGuideForm().validate_guide_answer(text, dispatcher, tracker, {}))


def in_form(text, answers, **slots):
    tracker = make_tracker(("answer", text), slots={"eligibility_answers": answers, "guide": "eligibility", **slots})
    tracker.active_loop = {"name": "guide_form"}
    return tracker


def test_start_introduces_the_check_and_clears_an_old_result(dispatcher):
    tracker = make_tracker(
        ("check_eligibility", "am i eligible"),
        slots={"eligibility_answers": {"who_for": "self"}, "eligibility_result": "right_to_have"},
    )
    events = run(ActionStartEligibility(), dispatcher, tracker)
    assert "few short questions" in said(dispatcher)
    assert {"event": "slot", "name": "eligibility_answers", "value": {}, "timestamp": None} in events


def test_start_resumes_an_unfinished_check(dispatcher):
    tracker = make_tracker(("check_eligibility", "carry on"), slots={"eligibility_answers": {"who_for": "self"}})
    events = run(ActionStartEligibility(), dispatcher, tracker)
    assert "carry on where we left off" in said(dispatcher)
    assert not any(e.get("name") == "eligibility_answers" for e in events)


def test_ask_asks_the_next_question_with_progress(dispatcher):
    tracker = in_form("", {"who_for": "carer"}, area=CORNWALL)
    run(ActionAskGuideAnswer(), dispatcher, tracker)
    message = dispatcher.messages[0]
    # Cornwall asks no local-offer question: its long-term-conditions group was an earlier cohort.
    assert message["text"] == "Question 2 of 5.\nAre they 18 or over?"
    assert message["buttons"][-1]["title"] == "I don't know"
    assert not message["custom"], "other channels (the shell) would print it as raw JSON"


def test_the_web_widget_also_gets_progress_as_data(dispatcher):
    tracker = make_tracker(
        ("answer", ""),
        slots={"eligibility_answers": {"who_for": "carer"}, "guide": "eligibility", "area": CORNWALL},
        metadata={"client": "phb-chat"},
    )
    tracker.active_loop = {"name": "guide_form"}
    run(ActionAskGuideAnswer(), dispatcher, tracker)
    assert dispatcher.messages[0]["custom"] == {"progress": {"step": 2, "total": 5}}


def test_a_good_answer_is_kept(dispatcher):
    update = validate(dispatcher, in_form("she is 90", {"who_for": "carer"}, area=CORNWALL), "she is 90")
    assert update["eligibility_answers"] == {"who_for": "carer", "age_group": "adult"}
    assert update["guide_answer"] is None  # more questions to come
    assert dispatcher.messages == []


def test_the_last_answer_finishes_the_form(dispatcher):
    update = validate(dispatcher, in_form("yes", {"who_for": "self", "age_group": "adult"}, area=CORNWALL), "yes")
    assert update["guide_answer"] == "done"
    assert update["eligibility_answers"]["continuing_care"] == "eligible"


def test_not_an_answer_is_re_asked_and_nothing_is_lost(dispatcher):
    answers = {"who_for": "self", "age_group": "adult"}
    update = validate(dispatcher, in_form("banana", answers, area=CORNWALL), "banana")
    assert update == {"guide_answer": None, "guide_failed_tries": 1}
    assert "didn't catch that" in said(dispatcher)


def test_after_two_failed_tries_the_way_out_is_offered(dispatcher):
    tracker = in_form("banana", {"who_for": "self"}, area=CORNWALL, guide_failed_tries=1)
    update = validate(dispatcher, tracker, "a long story about my week that is not an answer")
    assert update["guide_failed_tries"] == 2
    assert "stop" in said(dispatcher)


def test_the_area_is_asked_when_unknown_and_then_kept(dispatcher):
    update = validate(dispatcher, in_form("kent", {}), "kent")
    assert update["eligibility_answers"] == {"area": "kent-and-medway"}
    assert update["area"] == "kent-and-medway"


def test_result_is_said_and_kept_for_the_intake(dispatcher):
    answers = {
        "who_for": "self",
        "age_group": "adult",
        "continuing_care": "not_eligible",
        "mha_detained": "yes",
        "mha_section": "s37",
        "s117_current": "yes",
    }
    events = run(
        ActionGuideResult(),
        dispatcher,
        make_tracker(slots={"eligibility_answers": answers, "area": CORNWALL, "guide": "eligibility"}),
    )
    slots = {e["name"]: e["value"] for e in events}
    assert slots == {"eligibility_result": "right_to_have", "eligibility_reasons": ["s117"]}
    assert "Section 117" in said(dispatcher) and "01726 627659" in said(dispatcher)


def test_go_back_forgets_the_last_answer(dispatcher):
    tracker = in_form("go back", {"who_for": "self", "age_group": "child"})
    events = run(ActionGuideGoBack(), dispatcher, tracker)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["eligibility_answers"] == {"who_for": "self"}
    assert not any(e["event"] == "followup" for e in events)  # the form is already running


def test_go_back_after_the_result_reopens_the_check(dispatcher):
    tracker = make_tracker(
        ("go_back", "go back"),
        slots={
            "eligibility_answers": {"who_for": "self"},
            "eligibility_result": "not_in_known_groups",
            "guide": "eligibility",
        },
    )
    events = run(ActionGuideGoBack(), dispatcher, tracker)
    assert {"event": "followup", "name": "guide_form", "timestamp": None} in events
    assert {"event": "slot", "name": "eligibility_result", "value": None, "timestamp": None} in events


def test_go_back_with_nothing_to_go_back_to(dispatcher):
    run(ActionGuideGoBack(), dispatcher, in_form("go back", {}))
    assert "no earlier answer" in said(dispatcher)


def test_stop_leaves_the_form_and_keeps_answers(dispatcher):
    events = run(ActionStopGuide(), dispatcher, in_form("stop", {"who_for": "self"}))
    assert events[0] == {"event": "active_loop", "name": None, "timestamp": None}
    assert not any(e.get("name") == "eligibility_answers" for e in events)
    assert "answers so far are saved" in said(dispatcher)


def faq_tracker(text, answers, utter_action):
    tracker = in_form(text, answers, area=CORNWALL)
    tracker.latest_message["intent"] = {"name": "faq", "confidence": 0.9}
    tracker.latest_message["response_selector"] = {"faq": {"response": {"utter_action": utter_action}}}
    return tracker


def test_an_empty_value_is_not_checked(dispatcher):
    assert validate(dispatcher, in_form("", {"who_for": "self"}), None) == {}
    assert dispatcher.messages == []


def test_an_answer_the_nlu_took_for_an_faq_is_still_an_answer(dispatcher):
    text = "they're assessing him at the moment"
    tracker = faq_tracker(text, {"who_for": "carer", "age_group": "adult"}, "utter_faq/disagree_complain")
    update = validate(dispatcher, tracker, text)
    assert update["eligibility_answers"]["continuing_care"] == "being_assessed"
    assert dispatcher.messages == []


def test_a_question_in_the_check_is_answered_then_asked_again(dispatcher):
    text = "what is a notional budget?"
    tracker = faq_tracker(text, {"who_for": "self"}, "utter_faq/notional_budget")
    update = validate(dispatcher, tracker, text)
    assert update == {"guide_answer": None}
    assert dispatcher.messages[0]["response"] == "utter_faq/notional_budget"
