"""What an opening message already says is not asked again (bot/openings.py)."""

import pytest

from bot.areas import get_area
from bot.eligibility import RIGHT_TO_HAVE, assess, next_question
from bot import openings
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


@pytest.mark.parametrize(
    "text",
    [
        "my son is 10 with complex health needs, can he have one?",
        "My mum gets CHC at home. Could she still get one?",
        "I have COPD and a carer twice a day, would I be able to get a personal health budget?",
        "my dad has dementia, is he eligible?",
        "Am I entitled to one?",
        "my husband was detained under section 3, does he get aftercare please",
    ],
)
def test_a_message_ending_by_asking_whether_someone_could_have_one_starts_the_check(text):
    assert openings.asks_for_one(text)
    assert openings.starts_the_check(text, "faq", "who_can_have", 0.9)
    assert openings.starts_the_check(text, "faq", "pay_family", 0.2)  # a topic the model is unsure of


@pytest.mark.parametrize(
    "text",
    [
        "can I get one if I have savings",  # the question is about savings
        "what can a phb pay for",
        "I want to be able to get one",
        "could I get a direct payment",
        "do I get aftercare",  # no section told: the FAQ answer
        "can a 10 year old have one",  # about children in general
        "How do I get a personal budget",  # how to start
        "where can i get one",
    ],
)
def test_other_questions_keep_their_own_answer(text):
    assert not openings.asks_for_one(text)


def test_the_model_keeps_a_confident_other_topic_and_anything_that_must_win():
    text = "if my mum moves to a care home can she still get one"
    assert openings.asks_for_one(text)
    assert not openings.starts_the_check(text, "faq", "care_homes", 0.7)
    assert openings.starts_the_check(text, "faq", "care_homes", 0.3)
    # The topic counts only for an FAQ reading: for other intents the server never ranks topics.
    assert openings.starts_the_check(text, "answer", "care_homes", 0.7)
    for intent in ("crisis", "stop", "go_back", "start_intake"):
        assert not openings.starts_the_check("can he have one", intent, None, 0.0)
