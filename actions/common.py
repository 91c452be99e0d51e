"""Helpers shared by the actions: reading the area and sending replies."""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.areas import Area, get_area, known_area_id, resolve_area
from bot.replies import Reply

AREA_SLOT = "area"
WIDGET_CLIENT = "phb-chat"  # widget/src/phb-chat.js sends metadata {"client": "phb-chat"}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def area_from_message(tracker: Tracker) -> Area | None:
    """An area the person named in this message, as an entity or in plain words."""
    for value in tracker.get_latest_entity_values("area"):
        area = get_area(value) if known_area_id(value) else resolve_area(value)
        if area:
            return area
    return resolve_area(tracker.latest_message.get("text"))


def stored_area(tracker: Tracker) -> Area | None:
    """The area already known for this conversation (slot, else website metadata)."""
    area_id = known_area_id(tracker.get_slot(AREA_SLOT))
    if area_id is None:
        metadata = tracker.latest_message.get("metadata") or {}
        area_id = known_area_id(metadata.get("area"))
    return get_area(area_id) if area_id else None


def current_area(tracker: Tracker) -> Area | None:
    """The area in use: named by the person, else sent by the website, else unknown."""
    return area_from_message(tracker) or stored_area(tracker)


def from_widget(tracker: Tracker) -> bool:
    """The web widget says so in each message's metadata; it draws question progress as a bar."""
    return (tracker.latest_message.get("metadata") or {}).get("client") == WIDGET_CLIENT


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
