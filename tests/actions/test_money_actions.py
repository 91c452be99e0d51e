import asyncio

from actions.guide_form import (
    ActionAskGuideAnswer,
    ActionGuideGoBack,
    ActionGuideResult,
    ActionStartEligibility,
    ActionStartMoneyCheck,
    ValidateGuideForm,
)
from actions.money_options import ActionDirectPaymentGuide, ActionMoneyOptions, ActionWheelchairOptions
from tests.actions.conftest import make_tracker, said


def run(action, dispatcher, tracker):
    return asyncio.run(action.run(dispatcher, tracker, {}))


def slots_of(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def in_check(text, answers, intent="answer", **slots):
    tracker = make_tracker((intent, text), slots={"money_answers": answers, "guide": "money_check", **slots})
    tracker.active_loop = {"name": "guide_form"}
    return tracker


def validate(dispatcher, tracker, text):
    return asyncio.run(ValidateGuideForm().validate_guide_answer(text, dispatcher, tracker, {}))


def test_start_introduces_the_check_and_switches_the_form_to_it(dispatcher):
    tracker = make_tracker(("choose_money_option", "help me choose"), slots={"guide": "eligibility"})
    tracker.active_loop = {"name": "guide_form"}  # in the middle of the eligibility check
    events = run(ActionStartMoneyCheck(), dispatcher, tracker)
    assert "few short questions" in said(dispatcher)
    assert slots_of(events)["guide"] == "money_check"
    assert slots_of(events)["money_answers"] == {}


def test_start_resumes_an_unfinished_check_and_keeps_the_eligibility_answers(dispatcher):
    tracker = make_tracker(
        ("choose_money_option", "help me choose"),
        slots={"money_answers": {"budget_for": "care"}, "eligibility_answers": {"who_for": "self"}},
    )
    events = run(ActionStartMoneyCheck(), dispatcher, tracker)
    assert "carry on where we left off" in said(dispatcher)
    assert "money_answers" not in slots_of(events) and "eligibility_answers" not in slots_of(events)


def test_after_a_result_the_check_starts_afresh(dispatcher):
    tracker = make_tracker(
        ("choose_money_option", "help me choose"),
        slots={"money_answers": {"budget_for": "care"}, "money_preferred": "undecided"},
    )
    events = run(ActionStartMoneyCheck(), dispatcher, tracker)
    assert slots_of(events)["money_answers"] == {} and slots_of(events)["money_preferred"] is None


def test_ask_asks_the_next_question(dispatcher):
    run(ActionAskGuideAnswer(), dispatcher, in_check("", {}))
    assert dispatcher.messages[0]["text"] == "Question 1 of 6.\nWhat is the budget for?"


def test_an_answer_is_kept(dispatcher):
    update = validate(dispatcher, in_check("it's for a wheelchair", {}), "it's for a wheelchair")
    assert update["money_answers"] == {"budget_for": "wheelchair"}
    assert update["guide_answer"] is None


def test_a_question_about_the_ways_is_answered_then_the_question_asked_again(dispatcher):
    tracker = in_check("what are the ways to manage it?", {"budget_for": "care"}, intent="ask_money_options")
    update = validate(dispatcher, tracker, "what are the ways to manage it?")
    assert update == {"guide_answer": None}
    assert "Notional budget" in said(dispatcher) and "Direct payment" in said(dispatcher)
    assert not dispatcher.messages[-1].get("buttons")  # the guide's question comes next, not a menu


def test_an_answer_the_nlu_took_for_a_request_is_still_an_answer(dispatcher):
    tracker = in_check("a wheelchair", {}, intent="ask_wheelchair_budget")
    update = validate(dispatcher, tracker, "a wheelchair")
    assert update["money_answers"] == {"budget_for": "wheelchair"}
    assert dispatcher.messages == []


def test_the_last_answer_finishes_and_the_result_is_kept_for_the_intake(dispatcher):
    answers = {
        "budget_for": "care",
        "arrange_self": "yes",
        "employ_pa": "yes",
        "trusted_holder": "nobody",
        "records": "fine",
    }
    update = validate(dispatcher, in_check("Direct payment", answers), "Direct payment")
    assert update["guide_answer"] == "done"
    events = run(ActionGuideResult(), dispatcher, in_check("", update["money_answers"]))
    assert slots_of(events) == {"money_suggested": ["direct_payment"], "money_preferred": "direct_payment"}
    assert "your choice: Direct payment" in said(dispatcher)


def test_go_back_from_the_result_reopens_the_check_at_the_choice(dispatcher):
    answers = {"budget_for": "wheelchair", "wc_nhs_range": "yes", "wc_own_repairs": "no", "wc_preferred": "wc_notional"}
    tracker = make_tracker(
        ("go_back", "go back"),
        slots={"money_answers": answers, "guide": "money_check", "money_preferred": "wc_notional"},
    )
    events = run(ActionGuideGoBack(), dispatcher, tracker)
    assert "wc_preferred" not in slots_of(events)["money_answers"]
    assert slots_of(events)["money_preferred"] is None
    assert {"event": "followup", "name": "guide_form", "timestamp": None} in events


def test_go_back_before_any_guide_says_so(dispatcher):
    events = run(ActionGuideGoBack(), dispatcher, make_tracker(("go_back", "go back")))
    assert events == [] and "nothing to go back to" in said(dispatcher).lower()


def test_ways_to_manage_shows_the_three_ways(dispatcher):
    run(ActionMoneyOptions(), dispatcher, make_tracker(("ask_money_options", "ways to manage the money")))
    assert "Third party budget" in said(dispatcher)
    assert [b["title"] for b in dispatcher.messages[-1]["buttons"]][0] == "Help me choose"


def test_after_a_wheelchair_result_ways_to_manage_shows_the_wheelchair_options_once(dispatcher):
    tracker = make_tracker(
        ("ask_money_options", "Ways to manage the money"), slots={"eligibility_reasons": ["wheelchair"]}
    )
    events = run(ActionMoneyOptions(), dispatcher, tracker)
    assert "Who owns the chair" in said(dispatcher)
    assert slots_of(events) == {"money_wheelchair_shown": True}
    again = make_tracker(
        ("ask_money_options", "Other ways to manage the money"),
        slots={"eligibility_reasons": ["wheelchair"], "money_wheelchair_shown": True},
    )
    dispatcher.messages.clear()
    run(ActionMoneyOptions(), dispatcher, again)
    assert "Third party budget" in said(dispatcher) and "Who owns the chair" not in said(dispatcher)


def test_wheelchair_options_and_direct_payment_guide(dispatcher):
    run(ActionWheelchairOptions(), dispatcher, make_tracker(("ask_wheelchair_budget", "wheelchair budget")))
    assert "NHS chair with a top-up" in said(dispatcher)
    dispatcher.messages.clear()
    run(ActionDirectPaymentGuide(), dispatcher, make_tracker(("ask_direct_payment_details", "more")))
    assert "employer's liability insurance" in said(dispatcher) and "nominee" in said(dispatcher)


def test_an_answer_the_nlu_was_unsure_about_is_still_an_answer(dispatcher):
    tracker = in_check("yes i think so", {"budget_for": "care", "arrange_self": "no"}, intent="check_eligibility")
    tracker.latest_message["intent"]["confidence"] = 0.68
    events = run(ActionStartEligibility(), dispatcher, tracker)
    assert slots_of(events)["money_answers"] == {"budget_for": "care", "arrange_self": "no", "employ_pa": "yes"}
    assert "guide" not in slots_of(events) and dispatcher.messages == []


def test_an_unsure_request_for_the_other_guide_is_an_unclear_answer(dispatcher):
    tracker = in_check(
        "yes i think so",
        {"budget_for": "care", "arrange_self": "no", "employ_pa": "no", "nhs_arrange": "no"},
        intent="check_eligibility",
    )
    tracker.latest_message["intent"]["confidence"] = 0.68
    events = run(ActionStartEligibility(), dispatcher, tracker)
    assert slots_of(events) == {"guide_failed_tries": 1}  # no switch; the form asks its question again
    assert "didn't catch that" in said(dispatcher)


def test_asking_for_the_other_guide_switches_to_it(dispatcher):
    tracker = in_check("Could I get one?", {"budget_for": "care"}, intent="check_eligibility")
    tracker.latest_message["intent"]["confidence"] = 0.999
    events = run(ActionStartEligibility(), dispatcher, tracker)
    assert slots_of(events)["guide"] == "eligibility"
    assert "few short questions" in said(dispatcher)


def test_a_sure_request_wins_over_a_stray_word_that_looks_like_an_answer(dispatcher):
    # "help me choose" holds "me", a word for "For me" in the eligibility check.
    tracker = make_tracker(
        ("choose_money_option", "help me choose"),
        slots={"guide": "eligibility", "money_answers": {"budget_for": "care"}},
    )
    tracker.active_loop = {"name": "guide_form"}
    tracker.latest_message["intent"]["confidence"] = 0.996
    events = run(ActionStartMoneyCheck(), dispatcher, tracker)
    assert slots_of(events)["guide"] == "money_check" and "eligibility_answers" not in slots_of(events)
