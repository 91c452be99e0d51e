"""What an opening message already says is not asked again (bot/openings.py)."""

import pytest

from bot.areas import get_area
from bot.eligibility import RIGHT_TO_HAVE, assess, next_question
from bot.openings import eligibility_answers, money_answers

KENT = get_area("kent-and-medway")


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "my mum is 87 and gets CHC at home, could she have a personal health budget?",
            {"who_for": "carer", "age_group": "adult", "continuing_care": "eligible"},
        ),
        (
            "could my son get one? he is 12 and has continuing care",
            {"who_for": "carer", "age_group": "child", "continuing_care": "eligible"},
        ),
        (
            "my dad is being assessed for chc can he have a phb",
            {"who_for": "carer", "age_group": "adult", "continuing_care": "being_assessed"},
        ),
        (
            "My mother was turned down for CHC. Can she still get a budget?",
            {"who_for": "carer", "age_group": "adult", "continuing_care": "not_eligible"},
        ),
        (
            "I was sectioned under section 3 last year, am I eligible",
            {"who_for": "self", "mha_detained": "yes", "mha_section": "s3"},
        ),
        ("I'm a social worker, my client gets chc at home", {"who_for": "professional"}),
        ("my daughter uses the wheelchair service", {"who_for": "carer", "wheelchair_service": "yes"}),
    ],
)
def test_plain_facts_in_an_opening_are_taken(text, expected):
    assert eligibility_answers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "can i get one",
        "Check if I could have one",
        "am i eligible",
        "what is chc",
        "information on chc please",
        "she had a checklist done",
        "my son",
        "",
    ],
)
def test_nothing_is_guessed_from_an_opening_that_does_not_say_it(text):
    answers = eligibility_answers(text)
    assert "continuing_care" not in answers


def test_continuing_care_is_taken_only_with_an_age_group_because_it_means_different_care():
    assert eligibility_answers("my son has chc") == {"who_for": "carer"}


def test_an_opening_that_makes_a_right_clear_still_asks_the_area_first_then_gives_the_result():
    answers = eligibility_answers("my mum is 87 and gets chc, could she have a phb")
    assert next_question(answers, None) == "area"
    answers["area"] = "kent-and-medway"
    assert next_question(answers, KENT) is None
    assert assess(answers, KENT).outcome == RIGHT_TO_HAVE


def test_the_money_check_knows_a_wheelchair_opening():
    assert money_answers("which way is best for my wheelchair budget") == {"budget_for": "wheelchair"}
    assert money_answers("which way of managing the money suits me") == {}
