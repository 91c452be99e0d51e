"""The eligibility check as a guide. Its rules are in bot/eligibility.py, its words in
bot/eligibility_replies.py and content/."""

from __future__ import annotations

from bot.eligibility import area_for, assess, next_question, understand
from bot.eligibility_replies import ask, not_understood, result_replies, say
from bot.guides.guide import Guide
from bot.guides.turn import AREA_SLOT, Turn
from bot.openings import eligibility_answers

ANSWERS = "eligibility_answers"
RESULT = "eligibility_result"
REASONS = "eligibility_reasons"


def _area(answers: dict, turn: Turn):
    return area_for(answers, turn.area)


def _result(answers: dict, turn: Turn) -> tuple:
    area = _area(answers, turn)
    result = assess(answers, area)
    slots = {RESULT: result.outcome, REASONS: [*result.reasons, *result.to_settle]}
    return result_replies(answers, area, turn.now), slots


ELIGIBILITY = Guide(
    id="eligibility",
    answers_slot=ANSWERS,
    result_slots=(RESULT, REASONS),
    next_question=lambda answers, turn: next_question(answers, _area(answers, turn)),
    ask=lambda question, answers, turn: [ask(question, answers, _area(answers, turn))],
    understand=lambda question, text, answers, turn, is_question: understand(
        question, text, _area(answers, turn), is_question
    ),
    not_understood=lambda tries, reading, answers: not_understood(tries),
    say=say,
    result=_result,
    # The area question sets the conversation's area; going back past it forgets it.
    answer_slots=lambda question, value: {AREA_SLOT: value} if question == "area" else {},
    from_opening=eligibility_answers,
)
