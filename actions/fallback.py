"""What to do when the assistant does not understand."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import current_area, send, utc_now
from bot.areas import DEFAULT_AREA_ID, get_area
from bot.dialogue import should_escalate
from bot.replies import misunderstanding_replies


class ActionHandleMisunderstanding(Action):
    """Used for out-of-scope messages, low NLU confidence and the core fallback."""

    def name(self) -> Text:
        return "action_handle_misunderstanding"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        intents = [
            ((e.get("parse_data") or {}).get("intent") or {}).get("name") or ""
            for e in tracker.events_after_latest_restart()
            if e.get("event") == "user"
        ]
        area = current_area(tracker) or get_area(DEFAULT_AREA_ID)
        replies = misunderstanding_replies(
            escalate=should_escalate(intents),
            out_of_scope=bool(intents) and intents[-1] == "out_of_scope",
            area=area,
            now=utc_now(),
        )
        send(dispatcher, replies)
        return []
