"""The guide engine (bot/guides/engine.py) on plain Turn values, with no Rasa: what it says, which
slots it sets and what runs next, for the steps every guide shares."""

import dataclasses

from bot.guides import engine
from bot.guides.eligibility import ANSWERS, ELIGIBILITY, RESULT
from bot.guides.feedback import FEEDBACK
from bot.guides.guide import ANSWER, FORM, GUIDE, TRIES
from bot.guides.intake import INTAKE
from bot.guides.outcomes import OUTCOMES
from bot.guides.turn import Turn
from bot.messages import render

AREA = {"area": "kent-and-medway"}


def turn(text="", intent="nlu_fallback", confidence=0.9, slots=None, form=FORM, client=None, **message):
    metadata = {"client": client} if client else {}
    return Turn(
        message={"text": text, "intent": {"name": intent, "confidence": confidence}, "metadata": metadata, **message},
        slots={**AREA, **(slots or {})},
        active_form=form,
        requested_slot=ANSWER if form else None,
    )


def in_check(answers, **slots):
    return {GUIDE: "eligibility", ANSWERS: answers, **slots}


def test_a_new_check_starts_with_what_the_opening_said_and_clears_an_old_result():
    opening = turn("My mum is 87 and gets continuing healthcare, could she have one?", "check_eligibility", form=None)
    decision = engine.start(ELIGIBILITY, Turn(**{**opening.__dict__, "slots": {**AREA, RESULT: "likely"}}))
    assert decision.slots[GUIDE] == "eligibility" and decision.slots[RESULT] is None
    assert decision.slots[ANSWERS]["who_for"] == "carer" and decision.slots[ANSWERS]["age_group"] == "adult"
    assert len(decision.replies) == 2 and decision.followup is None and not decision.leave_form


def test_an_unfinished_check_is_resumed_not_restarted():
    decision = engine.start(
        ELIGIBILITY, turn("could I get one", "check_eligibility", form=None, slots=in_check({"who_for": "self"}))
    )
    assert decision.slots[GUIDE] == "eligibility" and ANSWERS not in decision.slots
    assert [r.text for r in decision.replies] == [ELIGIBILITY.say("resume").text]


def test_the_question_carries_progress_only_for_the_widget():
    slots = in_check({})
    assert engine.ask(turn(slots=slots, client="phb-chat")).progress is True
    plain = engine.ask(turn(slots=slots))
    assert plain.progress is False and plain.replies[0].buttons  # "Who are you asking for?" with its options


def test_a_button_the_question_offered_is_the_answer_whatever_the_nlu_made_of_it():
    slots = in_check({})
    payload = engine.ask(turn(slots=slots)).replies[0].buttons[0]["payload"]
    assert engine.extract(turn(payload, "start_again", slots=slots)) == {}  # never an answer
    assert engine.extract(turn(payload, "greet", slots=slots)) == {ANSWER: payload}


def test_an_unclear_answer_counts_a_try_and_always_ends_with_999_and_111():
    decision = engine.validate(turn("blorp", slots=in_check({}, **{TRIES: 1})), "blorp")
    assert decision.slots == {ANSWER: None, TRIES: 2}
    assert decision.replies[-1].text.endswith(render("urgent_line"))


def test_an_answer_is_kept_and_the_last_one_finishes_the_guide():
    decision = engine.validate(turn("for my dad", slots=in_check({})), "for my dad")
    assert decision.slots[ANSWERS] == {"who_for": "carer"} and decision.slots[TRIES] == 0
    assert decision.slots[ANSWER] is None  # more to ask


def test_a_question_in_the_middle_is_answered_and_the_guide_asks_again():
    message = {"response_selector": {"faq": {"response": {"utter_action": "utter_faq/what_is_phb"}}}}
    decision = engine.validate(turn("what is a phb?", "faq", slots=in_check({}), **message), "what is a phb?")
    assert [r.response for r in decision.replies] == ["utter_faq/what_is_phb"] and decision.slots == {ANSWER: None}


def test_go_back_forgets_the_last_answer_and_reopens_a_finished_guide():
    decision = engine.go_back(
        turn(
            "go back",
            "go_back",
            form=None,
            slots=in_check({"who_for": "self", "age_group": "adult"}, **{RESULT: "likely"}),
        )
    )
    assert decision.slots[ANSWERS] == {"who_for": "self"} and decision.slots[RESULT] is None
    assert decision.followup == FORM


def test_a_name_the_model_alone_read_as_go_back_is_the_answer_in_a_guide_that_owns_the_turn():
    answers = {"consent": "agree", "filled_by": "self"}
    question = INTAKE.next_question(answers, turn(slots={GUIDE: "intake"}))
    assert question == "name"
    decision = engine.go_back(turn("Wei Zhang", "go_back", slots={GUIDE: "intake", "intake_answers": answers}))
    assert decision.slots["intake_answers"]["name"] == "Wei Zhang" and decision.followup is None


def test_a_correction_the_nlu_read_as_small_talk_goes_back_to_the_last_question():
    slots = in_check({"who_for": "carer"})
    assert engine.extract(turn("oops", "bot_challenge", slots=slots)) == {ANSWER: "oops"}
    decision = engine.validate(turn("oops", "bot_challenge", slots=slots), "oops")
    assert decision.slots[ANSWERS] == {} and decision.slots[ANSWER] is None
    assert [r.text for r in decision.replies] == [ELIGIBILITY.say("went_back").text]


def test_a_correction_that_gives_the_answer_changes_the_last_one_and_carries_on():
    slots = in_check({"who_for": "carer"}, **{RESULT: None})
    for text, intent in (("sorry I meant for me", "something_else"), ("actually it's for me", "faq")):
        assert engine.extract(turn(text, intent, slots=slots)) == {ANSWER: text}
        decision = engine.validate(turn(text, intent, slots=slots), text)
        assert decision.slots[ANSWERS] == {"who_for": "self"} and decision.slots[ANSWER] is None
        assert [r.text for r in decision.replies] == [render("answer_changed")]
    # Read as "go back" by the NLU: the same.
    assert engine.go_back(turn("sorry I meant for me", "go_back", slots=slots)).slots[ANSWERS] == {"who_for": "self"}
    # The answer it gives is the one kept: it says so, and the question asked comes again.
    kept = in_check({"who_for": "self"}, **{RESULT: None})
    decision = engine.validate(turn("sorry I meant for me", "something_else", slots=kept), "sorry I meant for me")
    assert ANSWERS not in decision.slots and decision.slots[ANSWER] is None
    assert [r.text for r in decision.replies] == [render("answer_kept")]


def test_a_correction_read_as_a_request_with_its_own_reply_counts_only_when_it_says_what_it_meant():
    slots = in_check({"who_for": "carer"}, **{RESULT: None})
    for intent in ("medical_question", "what_can_you_do"):
        text = "sorry I meant for me"
        assert engine.extract(turn(text, intent, slots=slots)) == {ANSWER: text}
        decision = engine.validate(turn(text, intent, slots=slots), text)
        assert decision.slots[ANSWERS] == {"who_for": "self"} and decision.slots[ANSWER] is None
        # Not said outright, a question, or an answer to nothing here: the request keeps its own rule
        # (the medical advice reply, the menu), and no answer is lost.
        for text in (
            "oops, my leg hurts",
            "oops what can you do",
            "sorry I meant can I take ibuprofen with my tablets",
            "sorry I meant what else can you do",
            "sorry I meant my leg hurts",
        ):
            assert engine.extract(turn(text, intent, slots=slots)) == {}, text
            assert (
                engine.corrected(ELIGIBILITY, {"who_for": "carer"}, "age_group", turn(text, intent, slots=slots))
                is None
            )
    # Where any words are an answer, a medical question is not taken for the kept outcome.
    draft = {GUIDE: "outcomes", "outcomes_answers": {"1:matters": "seeing my grandchildren"}}
    text = "sorry I meant can I take ibuprofen with my tablets"
    assert (
        engine.corrected(OUTCOMES, draft["outcomes_answers"], "2:working", turn(text, "medical_question", slots=draft))
        is None
    )
    # Nor "why do you need it" at the intake for going back.
    answers = {"consent": "agree", "filled_by": "self", "name": "Wei Zhang"}
    asked_why = turn(
        "I meant why do you need it", "what_can_you_do", slots={GUIDE: "intake", "intake_answers": answers}
    )
    assert engine.corrected(INTAKE, answers, "date_of_birth", asked_why) is None


def test_a_correction_that_is_a_question_is_answered_as_one():
    slots = in_check({"who_for": "carer", "age_group": "adult"})
    assert (
        engine.corrected(
            ELIGIBILITY, slots[ANSWERS], "continuing_care", turn("oops what is a direct payment", "faq", slots=slots)
        )
        is None
    )


def test_a_correction_giving_the_answer_kept_may_answer_the_question_asked():
    # "Do they need a new wheelchair?" just after "yes" to the wheelchair service: "oops, yes" is
    # the answer to the question asked, not "nothing has changed".
    answers = {"who_for": "self", "age_group": "adult", "continuing_care": "not_eligible", "mha_detained": "no"}
    slots = in_check({**answers, "wheelchair_service": "yes"})
    assert ELIGIBILITY.next_question(slots[ANSWERS], turn(slots=slots)) == "wheelchair_new"
    decision = engine.validate(turn("oops, yes", "affirm", slots=slots), "oops, yes")
    assert decision.slots[ANSWERS]["wheelchair_new"] == "yes" and decision.replies == []


def test_a_correction_of_a_question_left_out_by_the_opening_answers_it_without_saying_changed():
    # The opening gave the wheelchair service, so the Mental Health Act question came after it:
    # "sorry I meant yes" there answers it; no answer the person gave has changed, and it is not
    # "nothing has changed" either.
    answers = {"who_for": "carer", "age_group": "adult", "continuing_care": "not_eligible", "wheelchair_service": "yes"}
    slots = in_check(answers)
    assert ELIGIBILITY.next_question(answers, turn(slots=slots)) == "mha_detained"
    decision = engine.validate(turn("sorry I meant yes", "affirm", slots=slots), "sorry I meant yes")
    assert decision.slots[ANSWERS]["mha_detained"] == "yes" and decision.replies == []


def test_a_correction_giving_the_answer_kept_is_never_taken_as_words_for_the_next_question():
    # Where any words are an answer they would always seem to answer the question asked: the
    # communication needs would become "other: morning", the comment "it helped a bit".
    intake = {"consent": "agree", "filled_by": "self", "name": "Wei Zhang", "date_of_birth": "1950-01-01"}
    intake.update({"nhs_number": "dont_know", "postcode": "ME1 1AA", "contact_method": "phone"})
    intake.update({"contact_detail": "07700900123", "best_time": "morning"})
    slots = {GUIDE: "intake", "intake_answers": intake}
    question = INTAKE.next_question(intake, turn(slots=slots))
    assert question == "communication_needs"
    decision = engine.corrected(INTAKE, intake, question, turn("oops, I meant morning", slots=slots))
    assert "intake_answers" not in decision.slots and [r.text for r in decision.replies] == [render("answer_kept")]
    at_comment = {GUIDE: "feedback", "feedback_answers": {"helped": "helped_a_bit"}}
    text = "sorry, I meant it helped a bit"
    decision = engine.validate(turn(text, "something_else", slots=at_comment), text)
    assert "feedback_answers" not in decision.slots and [r.text for r in decision.replies] == [render("answer_kept")]


def test_actually_with_an_answer_to_the_question_asked_answers_it():
    slots = in_check({"who_for": "carer"})
    assert engine.extract(turn("actually yes", "affirm", slots=slots)) == {}  # the form's own mapping takes it
    decision = engine.validate(turn("actually yes", "affirm", slots=slots), "actually yes")
    assert decision.slots[ANSWERS] == {"who_for": "carer", "age_group": "adult"} and decision.replies == []


def test_after_a_failed_try_a_correction_is_tried_on_the_question_asked_first():
    answers = {"consent": "agree", "filled_by": "self", "name": "Wei Zhang"}
    slots = {GUIDE: "intake", "intake_answers": answers}
    # Just after the name: the date corrects the last answer? No: it is not a name, so it answers the date.
    decision = engine.validate(turn("sorry I meant 12/03/1950", slots={**slots, TRIES: 1}), "sorry I meant 12/03/1950")
    assert (
        decision.slots["intake_answers"]["name"] == "Wei Zhang" and "date_of_birth" in decision.slots["intake_answers"]
    )
    # A name after it: changes the name, as typed.
    decision = engine.validate(turn("Sorry I meant Wei Chang", slots=slots), "Sorry I meant Wei Chang")
    assert decision.slots["intake_answers"]["name"] == "Wei Chang"


def test_holding_an_answer_back_asks_again_without_counting_a_try():
    slots = in_check({"who_for": "carer"}, **{TRIES: 1})
    decision = engine.validate(turn("no wait", "deny", slots=slots), "no wait")
    assert decision.slots == {ANSWER: None} and [r.text for r in decision.replies] == [render("take_your_time")]


def test_where_any_words_may_be_the_answer_only_a_message_that_starts_by_correcting_is_a_correction():
    answers = {"consent": "agree", "filled_by": "family", "relationship": "daughter", "name": "Wei Zhang"}
    slots = {GUIDE: "intake", "intake_answers": answers}
    text = "I pressed the wrong button on the lift"  # anything else the team should know
    assert engine.corrected(INTAKE, answers, "anything_else", turn(text, slots=slots)) is None
    decision = engine.corrected(INTAKE, answers, "anything_else", turn("oops", slots=slots))
    assert decision.slots["intake_answers"] == {k: v for k, v in answers.items() if k != "name"}
    # At a date, a slip is a slip: nothing after it is taken for the name.
    at_the_date = engine.corrected(INTAKE, answers, "date_of_birth", turn("I pressed the wrong button", slots=slots))
    assert "name" not in at_the_date.slots["intake_answers"]


def test_a_correction_never_hides_a_crisis_stop_or_a_request_for_a_person():
    draft = {GUIDE: "outcomes", "outcomes_answers": {"1:matters": "seeing my grandchildren"}}
    text = "Sorry I meant nothing is working and I feel so low"
    model_only = turn(text, "crisis", slots=draft, crisis_guard={"kind": "general"})
    assert engine.corrected(OUTCOMES, draft["outcomes_answers"], "2:working", model_only) is None
    assert engine.validate(model_only, text).replies[-1].text == render("urgent_line")
    at_the_date = {GUIDE: "intake", "intake_answers": {"consent": "agree", "filled_by": "self", "name": "Wei Zhang"}}
    assert engine.extract(turn("oops stop", "stop", slots=at_the_date)) == {}  # the stop rule answers
    person = "sorry, I meant I'd rather talk to a person"
    assert engine.extract(turn(person, "talk_to_person", slots=in_check({"who_for": "carer"}))) == {}


def test_not_what_i_meant_after_a_did_you_mean_answers_that_offer():
    after_offer = turn("not what I meant", "something_else", slots=in_check({"who_for": "carer"}))
    assert engine.extract(dataclasses.replace(after_offer, after_did_you_mean=True)) == {}
    assert engine.extract(after_offer) == {ANSWER: "not what I meant"}  # otherwise: the last answer was wrong


def test_the_intake_review_and_a_feedback_comment_read_their_own_words():
    answers = {"consent": "agree", "filled_by": "self", "name": "Wei Zhang", "anything_else": "She has dementia"}
    assert engine.corrected(INTAKE, answers, "review", turn("no that's wrong", "deny")) is None
    comment = turn("It gave me the wrong information", "something_else", slots={GUIDE: "feedback"})
    assert engine.corrected(FEEDBACK, {"helped": "not_helped"}, "comment", comment) is None


def test_at_the_feedback_comment_go_back_and_start_again_do_what_they_say_and_stop_keeps_the_score():
    at_comment = {GUIDE: "feedback", "feedback_answers": {"helped": "not_helped"}}
    for text, intent in [("go back", "go_back"), ("start again", "start_again"), ("Start over", "start_again")]:
        assert engine.extract(turn(text, intent, slots=at_comment)) == {}, text  # the rules do them
    went_back = engine.go_back(turn("go back", "go_back", slots=at_comment))
    assert went_back.slots["feedback_answers"] == {} and went_back.replies == [FEEDBACK.say("went_back")]
    # "Stop" and "cancel" end it with no comment: the score given is kept, and it is not asked again.
    for text in ("stop", "cancel", "Stop please", "no thanks, stop", "Nope, stop. Bye"):
        assert engine.extract(turn(text, "stop", slots=at_comment)) == {ANSWER: text}
        decision = engine.validate(turn(text, "stop", slots=at_comment), text)
        assert decision.slots["feedback_answers"] == {"helped": "not_helped", "comment": "none"}, text
        assert decision.slots[ANSWER] == "done"
    # Other words are the comment, whatever the NLU made of them; and "No thanks" is always no comment.
    for text, intent in [
        ("It gave me the wrong information", "something_else"),
        ("wrong answer about CHC, my mum was refused", "go_back"),
        ("It kept making me start again", "start_again"),
        ("Stop asking me the same question over and over", "stop"),
        ("No thanks", "go_back"),
    ]:
        assert engine.extract(turn(text, intent, slots=at_comment)) == {ANSWER: text}, text
        comment = engine.validate(turn(text, intent, slots=at_comment), text).slots["feedback_answers"]["comment"]
        assert comment == ("none" if text == "No thanks" else text), text


def test_ordinary_answers_with_correcting_words_stay_answers():
    slots = in_check({"who_for": "carer", "age_group": "adult"})
    decision = engine.validate(turn("wrong, they said no", "deny", slots=slots), "wrong, they said no")
    assert decision.slots[ANSWERS] == {"who_for": "carer", "age_group": "adult", "continuing_care": "not_eligible"}
    intake = {"consent": "agree", "filled_by": "self", "name": "Wei Zhang", "communication_needs": "none"}
    said = "Wrong address on her GP record"  # anything else the team should know
    assert engine.corrected(INTAKE, intake, "anything_else", turn(said, slots={GUIDE: "intake"})) is None


def test_oops_with_words_that_are_not_a_name_goes_back_rather_than_changing_the_name():
    answers = {"consent": "agree", "filled_by": "family", "relationship": "son", "name": "Wei Zhang"}
    decision = engine.corrected(INTAKE, answers, "date_of_birth", turn("oops, she's his wife", slots={GUIDE: "intake"}))
    assert "name" not in decision.slots["intake_answers"] and decision.replies[0].text == INTAKE.say("went_back").text


def test_stop_leaves_the_form_and_keeps_the_answers():
    decision = engine.leave(turn("stop", "stop", slots=in_check({"who_for": "self"})), "stopped")
    assert decision.leave_form and decision.slots == {} and decision.replies == [ELIGIBILITY.say("stopped")]


def test_an_outcome_draft_is_the_guides_whatever_intent_the_model_gave_it():
    slots = {GUIDE: "outcomes", "outcomes_answers": {}}
    question = OUTCOMES.next_question({}, turn(slots=slots))
    assert question is not None
    draft = "I want to get out to the shops on my own"
    assert engine.extract(turn(draft, "ask_money_options", slots=slots)) == {ANSWER: draft}


def test_a_did_you_mean_button_pressed_in_a_guide_gives_the_answer_and_is_never_kept_as_an_answer():
    payload = '/choose_topic{"topic": "faq/direct_payment"}'
    entities = [{"entity": "topic", "value": "faq/direct_payment"}]
    intake = {"consent": "agree", "filled_by": "self", "name": "Wei Zhang", "date_of_birth": "1950-03-12"}
    at_the_end = {**intake, "nhs_number": "dont_know", "postcode": "ME1 1AA", "contact_method": "phone"}
    at_the_end.update({"contact_detail": "07700900123", "best_time": "morning", "communication_needs": "none"})
    places = [
        # A checked detail: its check said "An NHS number has only digits".
        ("intake", "intake_answers", intake, INTAKE, "nhs_number"),
        # Own words: the payload was kept as what the team should know, an outcome or the comment.
        ("intake", "intake_answers", at_the_end, INTAKE, "anything_else"),
        ("outcomes", "outcomes_answers", {}, OUTCOMES, None),
        ("feedback", "feedback_answers", {"helped": "helped_a_bit"}, FEEDBACK, "comment"),
    ]
    for name, slot, answers, guide, question in places:
        slots = {GUIDE: name, slot: answers}
        asked = guide.next_question(answers, turn(slots=slots))
        assert question is None or asked == question, (name, asked)
        decision = engine.validate(turn(payload, "choose_topic", slots=slots, entities=entities), payload)
        assert decision.slots == {ANSWER: None}, name
        assert [r.response for r in decision.replies] == ["utter_faq/direct_payment"], name


def test_a_button_naming_an_intent_is_never_kept_or_checked_as_an_answer():
    # "Did you mean" offers guides and requests too ("/talk_to_person"), and always "Something else":
    # pressed at a question that takes any words, the payload used to be kept as the note, the
    # outcome or the comment, and at the NHS number it failed the check.
    intake = {"consent": "agree", "filled_by": "self", "name": "Wei Zhang", "date_of_birth": "1950-03-12"}
    at_the_end = {**intake, "nhs_number": "dont_know", "postcode": "ME1 1AA", "contact_method": "phone"}
    at_the_end.update({"contact_detail": "07700900123", "best_time": "morning", "communication_needs": "none"})
    places = [
        ("intake", "intake_answers", intake),
        ("intake", "intake_answers", at_the_end),
        ("outcomes", "outcomes_answers", {}),
        ("feedback", "feedback_answers", {"helped": "helped_a_bit"}),
    ]
    payloads = [
        ("/talk_to_person", "talk_to_person"),
        ("/check_eligibility", "check_eligibility"),
        ("/medical_question", "medical_question"),
        ("/what_can_you_do", "what_can_you_do"),
        ("/something_else", "something_else"),
        ("/ask_money_options", "ask_money_options"),
    ]
    for name, slot, answers in places:
        slots = {GUIDE: name, slot: answers}
        for payload, intent in payloads:
            assert engine.extract(turn(payload, intent, slots=slots)) == {}, (name, payload)
            decision = engine.validate(turn(payload, intent, slots=slots), payload)
            assert decision.slots == {ANSWER: None}, (name, payload)  # no answer kept, no failed try
    # "Something else" gets the team's contacts (with 999 and 111), and the question comes again.
    for name, slot, answers in places:
        decision = engine.validate(
            turn("/something_else", "something_else", slots={GUIDE: name, slot: answers}), "/something_else"
        )
        said = " ".join(r.text or "" for r in decision.replies)
        assert "The NHS team can help" in said and "999" in said and "111" in said, name
    # Information asked for by a button is given, and the question comes again.
    decision = engine.validate(turn("/ask_money_options", "ask_money_options", slots=slots), "/ask_money_options")
    assert decision.replies and "three ways" in decision.replies[0].text


def test_what_reads_as_a_button_naming_an_intent():
    assert engine.is_intent_payload('/choose_topic{"topic": "faq/cost"}') and engine.is_intent_payload("/affirm")
    assert not engine.is_intent_payload("Send my details") and not engine.is_intent_payload("/ not a payload")
    assert not engine.is_intent_payload("I want to walk to the shop / post office")


def test_inside_a_guide_did_you_mean_never_offers_the_guide_itself():
    from bot.guides.registry import GUIDES
    from bot.understanding import is_offerable

    assert set(engine.STARTED_BY) <= set(GUIDES) and all(is_offerable(v) for v in engine.STARTED_BY.values())
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "start_outcomes", "confidence": 0.3}]
    question = turn("what goals should I set?", "nlu_fallback", slots={GUIDE: "outcomes"}, intent_ranking=ranking)
    replies = engine.question_replies(question)
    payloads = [b["payload"] for r in replies or [] for b in r.buttons]
    assert "/start_outcomes" not in payloads
    outside = turn("what goals should I set?", "nlu_fallback", slots={GUIDE: "eligibility"}, intent_ranking=ranking)
    assert "/start_outcomes" in [b["payload"] for r in engine.question_replies(outside) for b in r.buttons]
