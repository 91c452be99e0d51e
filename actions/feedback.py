"""Asking how it went, as a guide run by actions/guide_form.py. Its rules are in bot/feedback.py."""

from __future__ import annotations

from actions.guide_base import Guide
from bot import feedback

ANSWERS = "feedback_answers"
STATUS = "feedback_status"


def _result(answers: dict, tracker) -> tuple:
    replies, slots = feedback.result(answers)
    # The raw answers leave the slots; only the score code and the masked comment stay.
    return replies, {**slots, ANSWERS: {}}


def _finished(tracker):
    # Asked once per conversation: a second goodbye just gets goodbye.
    return [feedback.say("goodbye")]


FEEDBACK = Guide(
    id="feedback",
    answers_slot=ANSWERS,
    result_slots=(STATUS,),
    next_question=lambda answers, tracker: feedback.next_question(answers),
    ask=lambda question, answers, tracker: feedback.ask(question),
    understand=lambda question, text, answers, tracker, is_question: feedback.understand(question, text, is_question),
    not_understood=lambda tries, reading, answers: feedback.not_understood(tries),
    say=feedback.say,
    result=_result,
    finished=_finished,
    # "Yes thanks" (thank), "no thanks, bye" (goodbye) and the like still answer the question.
    answers_despite=frozenset(
        {
            "greet",
            "goodbye",
            "thank",
            "affirm",
            "deny",
            "what_can_you_do",
            "bot_challenge",
            "out_of_scope",
            "talk_to_person",
            "medical_question",
        }
    ),
    # A comment is taken whatever the NLU made of it (a crisis aside): it is the person's own words.
    strict=lambda question, answers: question == "comment",
)
