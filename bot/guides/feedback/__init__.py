"""Asking how it went, as a guide. Its rules and words are in bot/feedback.py."""

from __future__ import annotations

from bot import feedback
from bot.answers import Reading
from bot.corrections import Mode
from bot.guides.guide import COMMANDS, Guide
from bot.guides.turn import Turn

ANSWERS = "feedback_answers"
STATUS = "feedback_status"


def _result(answers: dict, turn: Turn) -> tuple:
    replies, slots = feedback.result(answers)
    # The raw answers leave the slots; only the score code and the masked comment stay.
    return replies, {**slots, ANSWERS: {}}


def _understand(question: str, text: str, answers: dict, turn: Turn, is_question: bool) -> Reading:
    # A comment is taken whatever the NLU made of it (strict, below), but a plain "go back" or
    # "start again" is what it says, not a comment: the rules do it.
    if question == "comment" and turn.intent in COMMANDS and feedback.is_command(text, turn.intent):
        return Reading.unclear()
    return feedback.understand(question, text, is_question)


def _finished(turn: Turn):
    # Asked once per conversation: a second goodbye just gets goodbye.
    return [feedback.say("goodbye")]


FEEDBACK = Guide(
    id="feedback",
    answers_slot=ANSWERS,
    result_slots=(STATUS,),
    next_question=lambda answers, turn: feedback.next_question(answers),
    ask=lambda question, answers, turn: feedback.ask(question),
    understand=_understand,
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
    # A comment is taken whatever the NLU made of it (a crisis, and a plain "go back" or "start
    # again", aside): it is the person's own words. "Stop" there is "no comment".
    strict=lambda question, answers: question == "comment",
    corrections=lambda question, answers: Mode.OWN_WORDS if question == "comment" else Mode.CHOICE,
)
