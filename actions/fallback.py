"""What to do when the assistant does not understand."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import current_area, send, utc_now
from bot.areas import DEFAULT_AREA_ID, get_area
from bot.dialogue import should_escalate
from bot.replies import chosen_by_place, misunderstanding_replies, topic_answer
from bot.guides.engine import did_you_mean_offers
from bot.guides.guide import GUIDE
from bot.understanding import unsure_outside_guides


class ActionHandleMisunderstanding(Action):
    """Used for out-of-scope messages, low NLU confidence and the core fallback."""

    def name(self) -> Text:
        return "action_handle_misunderstanding"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        intents = [
            ((e.get("parse_data") or {}).get("intent") or {}).get("name") or ""
            for e in tracker.events_after_latest_restart()
            if e.get("event") == "user"
        ]
        area = current_area(tracker) or get_area(DEFAULT_AREA_ID)
        latest = tracker.latest_message or {}
        in_guide = tracker.active_loop_name is not None
        unsure = unsure_outside_guides(latest, in_guide=in_guide)
        replies = misunderstanding_replies(
            escalate=should_escalate(intents),
            out_of_scope=bool(intents) and intents[-1] == "out_of_scope",
            area=area,
            now=utc_now(),
            offers=did_you_mean_offers(latest, tracker.get_slot(GUIDE) if in_guide else None) if unsure else (),
        )
        send(dispatcher, replies)
        return []


class ActionAnswerTopic(Action):
    """A "did you mean" button for an FAQ answer: say that answer (bot/replies.py topic_payload)."""

    def name(self) -> Text:
        return "action_answer_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        topic = next(tracker.get_latest_entity_values("topic"), None)
        if topic is None:  # typed: "the second one"
            topic = chosen_by_place(tracker.latest_message.get("text") or "", offered_buttons(tracker))
        send(dispatcher, topic_answer(topic))
        return []


def offered_buttons(tracker: Tracker) -> list[dict]:
    """The buttons of the assistant's messages since the person last spoke before this message."""
    buttons: list[dict] = []
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                break
            seen_user = True
        elif event.get("event") == "bot" and seen_user:
            buttons = list((event.get("data") or {}).get("buttons") or []) + buttons
    return buttons
