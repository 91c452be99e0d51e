"""The outcomes coach as a guide. Its rules are in bot/outcomes.py, its words in
bot/outcomes_replies.py and content/."""

from __future__ import annotations

from bot.corrections import Mode
from bot.guides.guide import Guide
from bot.guides.turn import Turn
from bot.outcomes import finished_outcomes, next_question, reopen, understand
from bot.outcomes_replies import ask, not_understood, result_replies, say

ANSWERS = "outcomes_answers"
OUTCOMES_SLOT = "outcomes"


def _result(answers: dict, turn: Turn) -> tuple:
    return result_replies(answers), {OUTCOMES_SLOT: finished_outcomes(answers)}


OUTCOMES = Guide(
    id="outcomes",
    answers_slot=ANSWERS,
    result_slots=(OUTCOMES_SLOT,),
    next_question=lambda answers, turn: next_question(answers),
    ask=lambda step, answers, turn: ask(step, answers),
    understand=lambda step, text, answers, turn, is_question: understand(step, text, answers, is_question),
    not_understood=lambda tries, reading, answers: not_understood(tries, reading.problem, answers),
    say=say,
    result=_result,
    reopen=reopen,
    owns_turn=True,
    corrections=lambda question, answers: Mode.OWN_WORDS,
)
