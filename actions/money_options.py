"""Ways to manage the money: the comparison, the wheelchair options and the direct payment guide.
The check that suggests which ways may suit is a guide (bot/guides/money/)."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import send
from bot.guides.money import WHEELCHAIR_SHOWN
from bot.money_options import show_wheelchair_first
from bot.money_options_replies import comparison, direct_payment_guide, wheelchair_options


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
