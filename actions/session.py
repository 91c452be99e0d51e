"""Starting and restarting conversations."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, EventType, Restarted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import AREA_SLOT, send
from bot.areas import known_area_id
from bot.replies import Reply, say


class ActionSessionStart(Action):
    """Start a session, taking the area from the website's metadata when it names one we know."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        metadata = tracker.get_slot("session_started_metadata") or {}
        # Metadata comes from the web page, so only a known area id is trusted.
        area_id = known_area_id(metadata.get("area")) or known_area_id(tracker.get_slot(AREA_SLOT))
        if area_id:
            events.append(SlotSet(AREA_SLOT, area_id))
        events.append(ActionExecuted("action_listen"))
        return events


class ActionStartAgain(Action):
    """Forget the conversation so far, but keep the area: the person is still on the same website."""

    def name(self) -> Text:
        return "action_start_again"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        send(dispatcher, [say("start_again"), Reply(response="utter_menu")])
        # Leave any check or form first, so the rules see it end.
        events: List[EventType] = [ActiveLoop(None), Restarted()]
        area_id = known_area_id(tracker.get_slot(AREA_SLOT))
        if area_id:
            events.append(SlotSet(AREA_SLOT, area_id))
        return events
