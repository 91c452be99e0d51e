"""Answers inside the guides that were misread before (issue 21): confirm at "check your answers",
a way to be contacted in plain words or a number typed at once, dates that do not exist, and who the
eligibility check was for carried into the intake."""

import datetime as dt

import pytest

from bot.areas import get_area
from bot.eligibility import RIGHT_TO_HAVE, NOT_IN_KNOWN_GROUPS, assess, next_question
from bot.eligibility_replies import result_replies
from bot.intake import validate
from bot.intake.questions import carry_who_for, parse, store

TODAY = dt.date(2026, 11, 30)
ANSWERS = {
    "consent": "agree",
    "filled_by": "self",
    "name": "Sam Jones",
    "date_of_birth": "1950-03-12",
    "postcode": "ME14 1XX",
    "contact_method": "phone",
    "contact_detail": "07700900123",
}


@pytest.mark.parametrize(
    "text",
    [
        "yes that's correct, send it",
        "Yes, that is all correct",
        "that is correct",
        "looks good send",
        "correct, send it please",
    ],
)
def test_confirming_words_send(text):
    assert parse("review", text, ANSWERS, True, TODAY).value == "confirm"


@pytest.mark.parametrize(
    "text, value", [("correct my postcode", "change:postcode"), ("yes but change my name", "change:name")]
)
def test_naming_an_answer_changes_it(text, value):
    assert parse("review", text, ANSWERS, True, TODAY).value == value


@pytest.mark.parametrize("text", ["no thats not right", "thats wrong", "something is not correct"])
def test_a_no_asks_which_answer_to_change(text):
    assert parse("review", text, ANSWERS, True, TODAY).error == "change_which"


@pytest.mark.parametrize(
    "text, method",
    [("please ring me", "phone"), ("email please", "email"), ("text me", "text"), ("a letter by post", "post")],
)
def test_the_way_to_contact_in_plain_words(text, method):
    assert parse("contact_method", text, ANSWERS, True, TODAY).value == method


@pytest.mark.parametrize(
    "text, method, detail",
    [
        ("07700 900123", "phone", "07700900123"),
        ("call me on 07700 900123", "phone", "07700900123"),
        ("sam@example.org", "email", "sam@example.org"),
    ],
)
def test_a_number_or_address_typed_at_the_contact_question_answers_both(text, method, detail):
    checked = parse("contact_method", text, ANSWERS, True, TODAY)
    stored = store({"consent": "agree"}, "contact_method", checked.value, dt.datetime(2026, 11, 30))
    assert stored["contact_method"] == method and stored["contact_detail"] == detail


@pytest.mark.parametrize("text", ["31/02/1950", "30 February 1950", "31.04.1961", "12/13/1950"])
def test_a_date_that_does_not_exist_says_so(text):
    assert validate.date_of_birth(text, TODAY).error == "date_not_real"


def test_a_date_in_an_unknown_form_is_still_a_format_error():
    assert validate.date_of_birth("the twelfth of never", TODAY).error == "date_format"


@pytest.mark.parametrize(
    "who_for, filled_by", [("self", "self"), ("carer", "family"), ("professional", "professional")]
)
def test_who_the_check_was_for_answers_who_is_filling_in(who_for, filled_by):
    assert carry_who_for("consent", {"consent": "agree"}, who_for)["filled_by"] == filled_by


def test_who_for_is_carried_only_on_agreeing_and_never_over_an_answer():
    assert "filled_by" not in carry_who_for("consent", {"consent": "decline"}, "carer")
    assert "filled_by" not in carry_who_for("name", {"consent": "agree"}, "carer")  # changed at the review
    assert carry_who_for("consent", {"consent": "agree", "filled_by": "self"}, "carer")["filled_by"] == "self"
    assert "filled_by" not in carry_who_for("consent", {"consent": "agree"}, None)


KENT = get_area("kent-and-medway")
S3 = {
    "area": "kent-and-medway",
    "who_for": "self",
    "age_group": "adult",
    "continuing_care": "not_assessed",
    "mha_detained": "yes",
    "mha_section": "s3",
}


def test_section_3_asks_whether_after_care_goes_on():
    assert next_question(S3, KENT) == "s117_current"
    assert assess({**S3, "s117_current": "yes"}, KENT).outcome == RIGHT_TO_HAVE


def test_after_care_that_ended_is_not_a_right_and_says_why():
    answers = {**S3, "s117_current": "no", "wheelchair_service": "no", "local:joint_funded_home_care": "no"}
    result = assess(answers, KENT)
    assert result.outcome == NOT_IN_KNOWN_GROUPS and "s117_ended" in result.reasons
    said = " ".join(
        r.text or "" for r in result_replies(answers, KENT, dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc))
    )
    assert "lasts while Section 117 after-care goes on" in said
