"""Answers that depend on the person's area (contacts, hours, local offer)."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import AREA_SLOT, area_from_message, current_area, send, utc_now
from bot.areas import DEFAULT_AREA_ID, get_area
from bot.replies import TOPICS, area_only_replies, say, topic_replies

PENDING_SLOT = "pending_area_topic"


class AreaTopicAction(Action):
    """Answer one topic; when the area is unknown, answer generally and ask for it."""

    topic: str = ""

    def name(self) -> Text:
        return f"action_{self.topic}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        area = current_area(tracker)
        send(dispatcher, topic_replies(self.topic, area, utc_now()))
        if area is None:
            return [SlotSet(PENDING_SLOT, self.topic)]
        return [SlotSet(AREA_SLOT, area.id), SlotSet(PENDING_SLOT, None)]


class ActionTalkToPerson(AreaTopicAction):
    topic = "talk_to_person"


class ActionLocalOffer(AreaTopicAction):
    topic = "local_offer"


class ActionHowToStart(AreaTopicAction):
    topic = "how_to_start"


class ActionArmedForces(AreaTopicAction):
    topic = "armed_forces"


class ActionSetArea(Action):
    """The person told us their area: remember it and finish any answer that waited for it."""

    def name(self) -> Text:
        return "action_set_area"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        area = area_from_message(tracker)
        if area is None:
            replies = [say("area_not_found")]
            area = get_area(DEFAULT_AREA_ID)
        elif area.is_default:
            replies = [say("area_general")]
        else:
            replies = [say("area_set", area_name=area.name)]
        pending = tracker.get_slot(PENDING_SLOT)
        if pending in TOPICS:
            replies += area_only_replies(pending, area, utc_now())
        send(dispatcher, replies)
        return [SlotSet(AREA_SLOT, area.id), SlotSet(PENDING_SLOT, None)]


class ActionSomethingElse(AreaTopicAction):
    """ "Something else" after "did you mean": the team's contacts and the offer to leave details."""

    topic = "something_else"
