"""Leaving details: which question comes next, what each answer means, and the review."""

import datetime as dt

import pytest

from bot.answers import ASKED_WHY, DONT_KNOW, Reading
from bot.intake.questions import REQUIRED
from bot.areas import all_areas
from bot.intake import questions as q
from bot.intake import replies
from bot.intake.readable import Parts

TODAY = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.timezone.utc)
KENT = all_areas()["kent-and-medway"]
PERSONAL = {
    "filled_by",
    "relationship",
    "name",
    "date_of_birth",
    "nhs_number",
    "postcode",
    "contact_method",
    "contact_detail",
    "best_time",
    "communication_needs",
    "language",
    "anything_else",
}


def understand(question, text, answers=None, area_known=True, faq=False):
    return q.understand(question, text, answers or {}, area_known, faq, TODAY)


def answer(answers, text, area_known=True):
    """Give one answer to the next question, as the form does."""
    question = q.next_question(answers, area_known)
    reading = understand(question, text, answers, area_known)
    assert reading.is_answer, (question, text, reading)
    return q.store(answers, question, reading.value, NOW)


def run(texts, area_known=True):
    answers = {}
    for text in texts:
        answers = answer(answers, text, area_known)
    return answers


SELF = [
    "Yes, I agree",
    "Me, for myself",
    "Sam Jones",
    "12/03/1950",
    "943 476 5919",
    "me14 1xx",
    "Phone call",
    "07700 900123",
    "Morning",
    "No, none",
    "No, nothing else",
]


def test_nothing_personal_is_asked_before_consent():
    assert q.next_question({}, area_known=True) == "consent"
    assert q.next_question({}, area_known=False) == "area"
    assert q.questions({}, True) == ["consent"]
    assert not PERSONAL & set(q.questions({"consent": "decline"}, True))


def test_declining_consent_ends_it_with_no_details():
    answers = run(["No, I don't agree"])
    assert answers == {"consent": "decline"}
    assert q.next_question(answers, True) is None


def test_consent_notes_when_and_to_which_notice_and_fixes_the_record_id():
    answers = run(["yes"])
    record = answers[q.CONSENT_RECORD]
    assert record["at"] == "2026-11-25T20:00:00+00:00"
    assert record["notice"] == q.content()["privacy_notice_version"]
    assert len(record["id"]) == 32
    # It comes first, so "go back" (which forgets the last answer) never removes it alone.
    assert list(answers)[0] == q.CONSENT_RECORD


def test_a_whole_intake_for_yourself():
    answers = run(SELF)
    assert q.next_question(answers, True) == "review"
    assert {k: answers[k] for k in PERSONAL & set(answers)} == {
        "filled_by": "self",
        "name": "Sam Jones",
        "date_of_birth": "1950-03-12",
        "nhs_number": "9434765919",
        "postcode": "ME14 1XX",
        "contact_method": "phone",
        "contact_detail": "07700900123",
        "best_time": "morning",
        "communication_needs": "none",
        "anything_else": "",
    }
    answers = answer(answers, "Send my details")
    assert answers["review"] == q.CONFIRM
    assert q.next_question(answers, True) is None


def test_for_someone_else_asks_the_relationship_and_talks_about_them():
    answers = run(["yes", "Family or a carer"])
    assert q.next_question(answers, True) == "relationship"
    answers = answer(answers, "daughter")
    assert replies.question_text("name", answers) == q.spec("name")["text_other"]
    assert "their" in replies.question_text("date_of_birth", answers)


def test_the_area_is_asked_first_when_it_is_not_known_and_somewhere_else_ends_it():
    answers = run(["Kent and Medway"], area_known=False)
    assert answers == {"area": "kent-and-medway"}
    assert q.next_question(answers, False) == "consent"
    assert q.next_question(run(["Somewhere else"], area_known=False), False) is None


@pytest.mark.parametrize(
    "method, text, value",
    [
        ("Phone call", "+44 7700 900123", "07700900123"),
        ("Text message", "07700900123", "07700900123"),
        ("Email", "Sam@Example.org", "Sam@example.org"),
        ("Letter", "12 High Street", "12 High Street"),
    ],
)
def test_the_contact_detail_is_checked_for_the_way_chosen(method, text, value):
    answers = run(SELF[:6] + [method])
    assert q.next_question(answers, True) == "contact_detail"
    assert understand("contact_detail", text, answers) == Reading.answer(value)


def test_a_landline_is_not_accepted_for_texts():
    answers = run(SELF[:6] + ["Text message"])
    assert understand("contact_detail", "01632 960000", answers) == Reading.unclear("mobile")


@pytest.mark.parametrize(
    "text, value",
    [
        ("No, none", "none"),
        ("Large print", "large_print"),
        ("large print and easy read please", "easy_read,large_print"),
        ("I'm deaf, I use BSL", "bsl"),
        ("An interpreter", "interpreter"),
        ("I need a Polish translator", "interpreter"),
        ("my hearing aid needs a quiet room", "other:my hearing aid needs a quiet room"),
    ],
)
def test_communication_needs(text, value):
    assert understand("communication_needs", text) == Reading.answer(value)


def test_an_interpreter_asks_the_language():
    answers = run(SELF[:9] + ["An interpreter"])
    assert q.next_question(answers, True) == "language"
    answers = answer(answers, "Polish")
    assert q.next_question(answers, True) == "anything_else"


@pytest.mark.parametrize(
    "question", ["date_of_birth", "nhs_number", "postcode", "best_time", "anything_else", "communication_needs"]
)
def test_i_dont_know_is_fine_where_a_detail_is_optional(question):
    assert understand(question, "I don't know") == Reading.answer(DONT_KNOW)


@pytest.mark.parametrize("question", ["name", "filled_by", "contact_method", "relationship", "language"])
def test_i_dont_know_where_a_detail_is_needed_says_why_it_is_needed(question):
    answers = run(SELF[:6]) if question == "contact_detail" else {}
    reading = understand(question, "I don't know", answers)
    assert reading == Reading.unclear(REQUIRED, about=question)
    assert replies.not_understood(1, reading, answers).text == " ".join(q.spec(question)["required"].split())


def test_contact_detail_dont_know_says_why_it_is_needed():
    answers = run(SELF[:7])
    assert understand("contact_detail", "I don't know", answers) == Reading.unclear(REQUIRED, about="contact_detail")


@pytest.mark.parametrize("text", ["Why do you ask?", "why do you need that", "what is this for?", "Why?"])
def test_why_we_ask_on_request(text):
    reading = understand("date_of_birth", text)
    assert reading == Reading.unclear(ASKED_WHY, about="date_of_birth")
    assert "same name" in replies.not_understood(1, reading, {}).text


@pytest.mark.parametrize(
    "question, text, error",
    [
        ("nhs_number", "943 476 5910", "nhs_number_check"),
        ("postcode", "12345", "postcode"),
        ("date_of_birth", "1/1/2030", "date_future"),
        ("date_of_birth", "soon", "date_format"),
        ("name", "12345", "name_characters"),
        ("filled_by", "banana", "choose"),
    ],
)
def test_answers_that_cannot_be_right_get_a_clear_reason(question, text, error):
    assert understand(question, text) == Reading.unclear(error)
    assert replies.not_understood(1, Reading.unclear(error), {}).text == " ".join(q.content()["errors"][error].split())


def test_a_question_in_the_middle_is_answered_first():
    assert understand("anything_else", "what is a direct payment?", faq=True) == Reading.question()
    assert understand("name", "what is a personal health budget", faq=True) == Reading.question()
    # A name the NLU took for an FAQ is still a name.
    assert understand("name", "Sam Jones", faq=True) == Reading.answer("Sam Jones")


def test_details_inside_a_sentence_are_found():
    assert understand("postcode", "it's me14 1xx") == Reading.answer("ME14 1XX")
    assert understand("nhs_number", "my nhs number is 943 476 5919") == Reading.answer("9434765919")


def test_a_long_story_is_not_taken_as_an_answer():
    assert understand("name", "x " * 400).is_unclear


def test_every_change_button_at_the_review_changes_its_own_answer():
    answers = run(
        [
            "yes",
            "Family or a carer",
            "son",
            "Sam Jones",
            "12/03/1950",
            "I don't know",
            "ME14 1XX",
            "Email",
            "sam@example.org",
            "Any time",
            "An interpreter",
            "Urdu",
            "No",
        ],
        area_known=True,
    )
    review = replies.review(answers)[0]
    titles = [b["title"] for b in review.buttons]
    assert titles[0] == "Send my details"
    changes = titles[1:]
    asked = [field for field, _, _ in q.summary(answers)]
    assert len(changes) == len(asked)
    for title, field in zip(changes, asked):
        assert understand("review", title, answers) == Reading.answer(q.CHANGE_PREFIX + field), title


def test_changing_an_answer_asks_it_again_then_returns_to_the_review():
    answers = run(SELF)
    answers = answer(answers, "Change postcode")
    assert q.next_question(answers, True) == "postcode"
    answers = answer(answers, "ME15 6XX")
    assert q.next_question(answers, True) == "review"
    assert answers["postcode"] == "ME15 6XX"


def test_changing_the_way_to_contact_asks_for_the_new_detail_too():
    answers = answer(run(SELF), "change how to contact you")
    assert q.next_question(answers, True) == "contact_method"
    answers = answer(answers, "Email")
    assert q.next_question(answers, True) == "contact_detail"
    answers = answer(answers, "sam@example.org")
    assert q.next_question(answers, True) == "review"


def test_change_without_saying_what_asks_which():
    assert understand("review", "I want to change something", run(SELF)) == Reading.unclear("change_which")


def test_the_review_shows_every_answer_as_written():
    answers = run(SELF)
    text = replies.review(answers)[0].text
    for shown in (
        "Sam Jones",
        "12 March 1950",
        "943 476 5919",
        "ME14 1XX",
        "Phone call",
        "07700 900123",
        "Morning",
        "No, none",
        "None",
    ):
        assert shown in text, shown


def test_the_privacy_notice_names_the_team_and_how_long_details_are_kept():
    text = replies.ask("consent", {}, KENT, True)[0].text
    assert KENT.team_name in text and "180 days" in text
    assert "change your mind" in text


def test_progress_counts_only_the_questions_about_the_person():
    answers = run(["yes"])
    assert q.progress(answers, True) == (1, 10)
    answers = answer(answers, "For a family member or carer" if False else "Family or a carer")
    assert q.progress(answers, True) == (2, 11)
    question = q.next_question(answers, True)
    asked = replies.ask(question, answers, KENT, True)[-1]
    assert asked.progress == (2, 11) and asked.text.startswith("Question 2 of 11.")  # the widget's bar


def test_the_result_messages_use_the_areas_facts():
    sent = replies.sent(KENT, "PHB-ACDE-FH34", NOW)
    assert "PHB-ACDE-FH34" in sent[0].text and KENT.response_time in sent[0].text
    assert any("example" in r.text for r in sent[1:] if r.text)  # Kent's response time is an example
    failed = replies.not_saved(KENT, NOW)
    assert "NOT saved" in failed[0].text
    urgent = "\n".join(r.text or "" for r in failed)
    assert "999" in urgent and "choose option 2" in urgent and "116 123" in urgent  # a failure still gives help
    assert failed[-1].buttons[0]["payload"] == "/start_intake"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Morning", Reading.answer("morning")),
        ("any time is fine", Reading.answer("any")),
        ("after 3pm", Reading.answer("after 3pm")),
        ("Tuesdays before 10", Reading.answer("Tuesdays before 10")),
        ("hello", Reading.unclear("best_time")),
        ("my dog is called Rex", Reading.unclear("best_time")),
    ],
)
def test_the_best_time_is_an_option_or_a_time_in_words(text, expected):
    assert understand("best_time", text) == expected


def test_a_wrong_detail_the_nlu_took_for_an_faq_gets_its_own_reason():
    assert understand("date_of_birth", "1/1/2031", faq=True) == Reading.unclear("date_future")
    assert understand("nhs_number", "943 476 5910", faq=True) == Reading.unclear("nhs_number_check")


def test_anything_else_takes_their_own_words_or_no():
    assert understand("anything_else", "She prefers calls after lunch") == Reading.answer(
        "She prefers calls after lunch"
    )
    assert understand("anything_else", "No, nothing else") == Reading.answer("")


@pytest.mark.parametrize(
    "answers, default, ending",
    [
        ({"consent": "agree"}, False, "send"),
        ({"consent": "decline"}, False, "declined"),
        ({"area": "default"}, True, "no_team"),
        ({"consent": "agree"}, True, "no_team"),
    ],
)
def test_how_a_finished_intake_ends(answers, default, ending):
    assert q.ending(answers, default) == ending


PARTS = Parts(
    eligibility_answers={"who_for": "carer", "age_group": "adult", "continuing_care": "dont_know"},
    eligibility_result="not_in_known_groups",
    eligibility_reasons=["cc_dont_know"],
    money_preferred="third_party",
    money_suggested=["notional", "third_party"],
    outcomes=["By June, I will walk to the shop.", "I will see my friends every week."],
)


def test_the_review_shows_everything_that_will_be_sent_grouped_in_plain_words():
    review = replies.review(run(SELF), PARTS, "kent-and-medway")[0]
    text = review.text
    for shown in (
        "About you",
        "How to contact you",
        "Your check's result and why",
        "How you'd like to manage the money",
        "Your outcomes",
        "Who are you asking for?: For someone I care for",
        "Are they 18 or over?: Yes, 18 or over",
        "Continuing Healthcare?: Not sure",
        "Ask their care team if a Continuing Healthcare checklist",
        "Your choice for now: Third party budget",
        "Ways that may suit: Notional budget, Third party budget",
        "Outcome 1: By June, I will walk to the shop.",
        "Outcome 2: I will see my friends every week.",
    ):
        assert shown in text, shown
    for code in ("dont_know", "third_party", "not_in_known_groups", "cc_dont_know", "carer"):
        assert code not in text, code
    titles = [b["title"] for b in review.buttons]
    assert titles[-3:] == [
        "Leave out my answers to the check",
        "Leave out my choice about the money",
        "Leave out my outcomes",
    ]


def test_each_part_can_be_left_out_and_put_back_before_sending():
    answers = run(SELF)
    for part, title in zip(
        ("check", "money", "outcomes"), [b["title"] for b in replies.review(answers, PARTS)[0].buttons][-3:]
    ):
        left = answer(answers, title)
        assert q.next_question(left, True) == "review" and left[q.LEFT_OUT] == [part]
        review = replies.review(left, PARTS)[0]
        assert "You chose not to send this." in review.text
        put_back = next(b["title"] for b in review.buttons if b["title"].startswith("Put back"))
        back = answer(left, put_back)
        assert q.LEFT_OUT not in back and "You chose not to send this." not in replies.review(back, PARTS)[0].text
    assert PARTS.without(["outcomes", "check"]) == Parts(
        money_preferred="third_party", money_suggested=["notional", "third_party"]
    )
    # Typed in their own words; "leave out" alone asks which part.
    assert understand("review", "please don't send my outcomes", answers) == Reading.answer("leave_out:outcomes")
    assert understand("review", "send it without the money bit", answers) == Reading.answer("leave_out:money")
    assert understand("review", "can I leave out part of it", answers) == Reading.unclear("which_part")


@pytest.mark.parametrize(
    "text, meant",
    [
        # Negations are never read backwards, and never as "send it all".
        ("I don't want to send my outcomes", "leave_out:outcomes"),
        ("send everything except my outcomes", "leave_out:outcomes"),
        ("send it all but not the money bit", "leave_out:money"),
        ("don't include my outcomes", "leave_out:outcomes"),
        ("don't leave out my outcomes", "put_back:outcomes"),
        ("please don't remove my goals", "put_back:outcomes"),
        # Removing a detail is a change of that detail; the way to contact is not the money.
        ("remove my phone number", "change:contact_detail"),
        ("delete my postcode", "change:postcode"),
        ("remove the way to contact me", "change:contact_method"),
        # Plain confirmations stay confirmations.
        ("send it without changes", "confirm"),
        ("yes include everything", "confirm"),
        ("no problem, send it", "confirm"),
        ("that's right", "confirm"),
    ],
)
def test_typed_replies_at_the_review_mean_what_they_say(text, meant):
    assert understand("review", text, run(SELF)) == Reading.answer(meant)


@pytest.mark.parametrize("text", ["please don't send it", "do not send my details"])
def test_dont_send_is_never_a_confirmation_and_says_how_to_stop(text):
    assert understand("review", text, run(SELF)) == Reading.unclear("dont_send")
    assert "Nothing has been sent yet" in replies.not_understood(1, Reading.unclear("dont_send"), run(SELF)).text


def test_going_back_after_leaving_a_part_out_keeps_it_out():
    answers = answer(run(SELF), "Leave out my outcomes")
    assert list(answers)[0] == q.LEFT_OUT  # "go back" takes the last answer away, never this


def test_an_unfinished_check_is_neither_shown_nor_sent():
    half = Parts(eligibility_answers={"who_for": "carer"}, eligibility_result=None)
    assert half.present() == () and half.without(()).eligibility_answers is None
    assert "Your check's result" not in replies.review(run(SELF), half, "kent-and-medway")[0].text


def test_the_area_is_always_shown_and_a_carers_details_are_about_the_other_person():
    text = replies.review(run(SELF), PARTS, "kent-and-medway")[0].text
    assert "Area: Kent and Medway" in text and "About you" in text
    family = run(
        [
            "Yes, I agree",
            "Family or a carer",
            "son",
            "Sam Jones",
            "12/03/1950",
            "I don't know",
            "ME14 1XX",
            "Email",
            "sam@example.org",
            "Any time",
            "No, none",
            "No",
        ]
    )
    assert "About the person the budget is for" in replies.review(family, PARTS, "kent-and-medway")[0].text


def test_a_check_done_for_another_area_or_a_local_question_since_removed_never_breaks_the_review():
    kent = Parts(
        eligibility_answers={
            "who_for": "self",
            "age_group": "adult",
            "continuing_care": "no",
            "local:joint_funded_home_care": "yes",
        },
        eligibility_result="local_offer",
    )
    gone = Parts(
        eligibility_answers={
            "who_for": "self",
            "age_group": "adult",
            "continuing_care": "no",
            "local:no_such_group": "yes",
        },
        eligibility_result="not_in_known_groups",
    )
    for area in ("cornwall-and-isles-of-scilly", "kent-and-medway", None):
        text = replies.review(run(SELF), kent, area)[0].text
        assert "Result: From your answers, you may be able to have one under" in text, text
        text = replies.review(run(SELF), gone, area)[0].text
        assert "A question about the area's local offer: Yes" in text, text


def test_with_nothing_from_other_guides_the_review_offers_nothing_to_leave_out():
    titles = [b["title"] for b in replies.review(run(SELF))[0].buttons]
    assert not any(t.startswith(("Leave out", "Put back")) for t in titles)
