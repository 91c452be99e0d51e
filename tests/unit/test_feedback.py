"""Asking how it went: what each answer means, and what is kept."""

import pytest

from bot import feedback
from bot.answers import Reading
from bot.feedback import DECLINED, NO_COMMENT, next_question, result, understand


@pytest.mark.parametrize(
    "text, value",
    [
        ("Yes, it helped", "helped"),
        ("yes", "helped"),
        ("Yes it did", "helped"),
        ("yes thanks", "helped"),
        ("very helpful", "helped"),
        ("It helped a bit", "helped_a_bit"),
        ("sort of", "helped_a_bit"),
        ("a little", "helped_a_bit"),
        ("No, it didn't help", "not_helped"),
        ("no", "not_helped"),
        ("not really", "not_helped"),
        ("No thanks", DECLINED),
        ("no thank you", DECLINED),
        ("skip", DECLINED),
        ("stop", DECLINED),
        # Polite words and scores alone are not a "no thanks" (a review, 4 December).
        ("ok", "helped_a_bit"),
        ("okay", "helped_a_bit"),
        ("yes thank you", "helped"),
    ],
)
def test_scores(text, value):
    assert understand("helped", text, False) == Reading.answer(value)


@pytest.mark.parametrize("text", ["banana", "maybe", "the weather"])
def test_unclear_scores_are_asked_again(text):
    assert understand("helped", text, False) == Reading.unclear()


def test_a_question_instead_of_a_score_is_answered_first():
    assert understand("helped", "what is a personal health budget?", True) == Reading.question()


@pytest.mark.parametrize(
    "text",
    [
        "No thanks",
        "no",
        "nothing",
        "That's all",
        "none",
        "",
        "no thanks, stop",
        "Nope, nothing. Bye!",
        "no thank you, bye",
        "thanks",
        "Thank you, bye!",
        "ok",
        "all good thanks",
    ],
)
def test_no_comment(text):
    assert understand("comment", text, False) == Reading.answer(NO_COMMENT)


@pytest.mark.parametrize(
    "text",
    ["no it was great thanks", "nothing worked for me", "stop asking about my mum, it was slow", "ok it was slow"],
)
def test_a_no_with_other_words_is_a_comment(text):
    assert understand("comment", text, False) == Reading.answer(text)


@pytest.mark.parametrize("text", ["no thanks, stop", "skip please, bye", "not now thanks"])
def test_declining_with_polite_words_declines(text):
    assert understand("helped", text, False) == Reading.answer(DECLINED)


def test_a_comment_is_masked_and_a_question_is_answered():
    assert understand("comment", "Good. Ring me on 07700 900123", False) == Reading.answer("Good. Ring me on [phone]")
    assert understand("comment", "how do I apply?", True) == Reading.question()
    # A comment the NLU takes for an FAQ, but which is not a question, is still a comment.
    assert understand("comment", "More examples would help", True) == Reading.answer("More examples would help")


def test_the_questions_in_order():
    assert next_question({}) == "helped"
    assert next_question({"helped": "helped"}) == "comment"
    assert next_question({"helped": DECLINED}) is None
    assert next_question({"helped": "not_helped", "comment": NO_COMMENT}) is None


def test_every_question_offers_no_thanks():
    for question in ("helped", "comment"):
        assert feedback.ask(question)[0].buttons[-1]["title"] == "No thanks"
    assert [b["title"] for b in feedback.ask("helped")[0].buttons] == [
        "Yes, it helped",
        "It helped a bit",
        "No, it didn't help",
        "No thanks",
    ]


def test_the_result_keeps_a_code_and_a_masked_comment_only():
    comment = understand("comment", "jo@example.org said it was slow", False).value
    replies, slots = result({"helped": "helped_a_bit", "comment": comment})
    assert slots == {
        "feedback_status": "given",
        "feedback_score": "helped_a_bit",
        "feedback_comment": "[email] said it was slow",
    }
    assert "Thank you for telling us" in replies[0].text and "Goodbye" in replies[-1].text
    replies, slots = result({"helped": DECLINED})
    assert slots == {"feedback_status": DECLINED} and "Goodbye" in replies[0].text
    _, slots = result({"helped": "helped", "comment": NO_COMMENT})
    assert slots["feedback_comment"] is None


@pytest.mark.parametrize("text", ["thanks", "thank you", "cheers", "bye"])
def test_polite_words_alone_do_not_decline_the_score(text):
    assert understand("helped", text, False) != Reading.answer(DECLINED)
