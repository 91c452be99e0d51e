"""Ways to manage the money: the comparison, the wheelchair options, the direct payment
guide, and the check that suggests which ways may suit (a guide run by actions/guide_form.py)."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import send
from actions.guide_base import Guide
from bot.money_options import chosen, next_question, show_wheelchair_first, suggest, understand
from bot.openings import money_answers
from bot.money_options_replies import (
    ask,
    comparison,
    direct_payment_guide,
    not_understood,
    result_replies,
    say,
    wheelchair_options,
)

ANSWERS = "money_answers"
SUGGESTED = "money_suggested"
PREFERRED = "money_preferred"
WHEELCHAIR_SHOWN = "money_wheelchair_shown"


def _result(answers: dict, tracker: Tracker) -> tuple:
    return result_replies(answers), {SUGGESTED: list(suggest(answers).ways), PREFERRED: chosen(answers)}


MONEY_OPTIONS = Guide(
    id="money_check",
    answers_slot=ANSWERS,
    result_slots=(SUGGESTED, PREFERRED),
    next_question=lambda answers, tracker: next_question(answers),
    ask=lambda question, answers, tracker: ask(question, answers),
    understand=lambda question, text, answers, tracker, is_question: understand(question, text, is_question),
    not_understood=lambda tries, reading, answers: not_understood(tries),
    say=say,
    result=_result,
    from_opening=money_answers,
)


class ActionMoneyOptions(Action):
    """The three ways side by side; the wheelchair options first when that is the person's need."""

    def name(self) -> Text:
        return "action_money_options"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if show_wheelchair_first(
            tracker.get_slot("eligibility_reasons") or [], bool(tracker.get_slot(WHEELCHAIR_SHOWN))
        ):
            send(dispatcher, wheelchair_options())
            return [SlotSet(WHEELCHAIR_SHOWN, True)]
        send(dispatcher, comparison())
        return []


class ActionWheelchairOptions(Action):
    def name(self) -> Text:
        return "action_wheelchair_options"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        send(dispatcher, wheelchair_options())
        return [SlotSet(WHEELCHAIR_SHOWN, True)]


class ActionDirectPaymentGuide(Action):
    def name(self) -> Text:
        return "action_direct_payment_guide"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        send(dispatcher, direct_payment_guide())
        return []
