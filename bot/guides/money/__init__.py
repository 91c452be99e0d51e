"""The check that suggests which ways to manage the money may suit, as a guide. Its rules are in
bot/money_options.py, its words in bot/money_options_replies.py and content/."""

from __future__ import annotations

from bot.guides.guide import Guide
from bot.guides.turn import Turn
from bot.money_options import chosen, next_question, suggest, understand
from bot.money_options_replies import ask, not_understood, result_replies, say
from bot.openings import money_answers

ANSWERS = "money_answers"
SUGGESTED = "money_suggested"
PREFERRED = "money_preferred"
WHEELCHAIR_SHOWN = "money_wheelchair_shown"


def _result(answers: dict, turn: Turn) -> tuple:
    return result_replies(answers), {SUGGESTED: list(suggest(answers).ways), PREFERRED: chosen(answers)}


MONEY_OPTIONS = Guide(
    id="money_check",
    answers_slot=ANSWERS,
    result_slots=(SUGGESTED, PREFERRED),
    next_question=lambda answers, turn: next_question(answers),
    ask=lambda question, answers, turn: ask(question, answers),
    understand=lambda question, text, answers, turn, is_question: understand(question, text, is_question),
    not_understood=lambda tries, reading, answers: not_understood(tries),
    say=say,
    result=_result,
    from_opening=money_answers,
)
