"""The eligibility check, as a guide run by actions/guide_form.py. Its rules are in bot/eligibility.py."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.common import AREA_SLOT, stored_area, utc_now
from actions.guide_base import Guide
from bot.eligibility import area_for, assess, next_question, understand
from bot.eligibility_replies import ask, not_understood, result_replies, say
from bot.openings import eligibility_answers

ANSWERS = "eligibility_answers"
RESULT = "eligibility_result"
REASONS = "eligibility_reasons"


def _area(answers: dict, tracker: Tracker):
    return area_for(answers, stored_area(tracker))


def _result(answers: dict, tracker: Tracker) -> tuple:
    area = _area(answers, tracker)
    result = assess(answers, area)
    slots = {RESULT: result.outcome, REASONS: [*result.reasons, *result.to_settle]}
    return result_replies(answers, area, utc_now()), slots


ELIGIBILITY = Guide(
    id="eligibility",
    answers_slot=ANSWERS,
    result_slots=(RESULT, REASONS),
    next_question=lambda answers, tracker: next_question(answers, _area(answers, tracker)),
    ask=lambda question, answers, tracker: [ask(question, answers, _area(answers, tracker))],
    understand=lambda question, text, answers, tracker, is_question: understand(
        question, text, _area(answers, tracker), is_question
    ),
    not_understood=lambda tries, reading, answers: not_understood(tries),
    say=say,
    result=_result,
    # The area question sets the conversation's area; going back past it forgets it.
    answer_slots=lambda question, value: {AREA_SLOT: value} if question == "area" else {},
    from_opening=eligibility_answers,
)
