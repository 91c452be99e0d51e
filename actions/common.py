"""What the actions share: a Rasa tracker as the guide engine's Turn, the engine's Decision as
Rasa events, reading the area and sending replies."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, List

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.areas import Area, get_area, known_area_id, resolve_area, stored_area
from bot.guides.decision import Decision
from bot.guides.guide import FORM
from bot.guides.turn import AREA_SLOT, Turn
from bot.replies import SOMETHING_ELSE, Reply

# The form's own step; any other action since the person's message means a rule answered it.
_FORM_STEPS = ("action_listen", "action_extract_slots", FORM)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _new_message(tracker: Tracker) -> bool:
    """Whether the form runs straight after the person's message (not on coming back to the form
    after a rule answered that message)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in _FORM_STEPS:
            return False
    return False


def _after_did_you_mean(tracker: Tracker) -> bool:
    """Whether the replies to the previous message offered "did you mean" buttons (they end with
    "Something else")."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                return False
        elif users == 1 and event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            if any(b.get("payload") == SOMETHING_ELSE for b in buttons):
                return True
    return False


def turn_from(tracker: Tracker) -> Turn:
    """The tracker as the guide engine sees it (bot/guides/turn.py)."""
    return Turn(
        message=tracker.latest_message or {},
        slots=dict(tracker.slots),
        active_form=(tracker.active_loop or {}).get("name"),
        requested_slot=tracker.get_slot("requested_slot"),
        new_message=_new_message(tracker),
        after_did_you_mean=_after_did_you_mean(tracker),
        sender_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel(),
        now=utc_now(),
    )


def apply(decision: Decision, dispatcher: CollectingDispatcher) -> List[EventType]:
    """Say what the engine decided, and return its slots and next step as Rasa events."""
    send(dispatcher, decision.replies, with_progress=decision.progress)
    events: List[EventType] = [SlotSet(name, value) for name, value in decision.slots.items()]
    if decision.leave_form:
        events += [ActiveLoop(None), SlotSet("requested_slot", None)]
    if decision.followup:
        events.append(FollowupAction(decision.followup))
    return events


def area_from_message(tracker: Tracker) -> Area | None:
    """An area the person named in this message, as an entity or in plain words."""
    for value in tracker.get_latest_entity_values("area"):
        area = get_area(value) if known_area_id(value) else resolve_area(value)
        if area:
            return area
    return resolve_area(tracker.latest_message.get("text"))


def current_area(tracker: Tracker) -> Area | None:
    """The area in use: named by the person, else known for the conversation (slot, else website)."""
    return area_from_message(tracker) or stored_area(
        tracker.get_slot(AREA_SLOT), tracker.latest_message.get("metadata")
    )


def send(dispatcher: CollectingDispatcher, replies: Iterable[Reply], with_progress: bool = False) -> None:
    """Send each reply. With progress (the widget), a question also carries {"progress": …}, and
    the message that ends a conversation {"new_conversation": true}, so the widget starts a new id
    and asks the server to forget the old one (other channels, such as the shell, would print
    these as raw JSON)."""
    for reply in replies:
        custom = {}
        if with_progress and reply.progress:
            custom["progress"] = {"step": reply.progress[0], "total": reply.progress[1]}
        if with_progress and reply.new_conversation:
            custom["new_conversation"] = True
        custom = custom or None
        dispatcher.utter_message(
            text=reply.text, response=reply.response, buttons=list(reply.buttons), json_message=custom
        )
