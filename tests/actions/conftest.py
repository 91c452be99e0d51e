"""Build trackers the way the Rasa server sends them to the action server."""

import itertools

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

_ids = itertools.count()


def user_event(intent, text="", entities=None, metadata=None):
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": entities or [], "text": text},
        "metadata": metadata or {},
    }


def make_tracker(*user_turns, slots=None, metadata=None, events=None):
    """A tracker whose latest message is the last of `user_turns` ((intent, text[, entities]) tuples)."""
    evs = list(events or [])
    for turn in user_turns:
        intent, text, *rest = turn
        evs.append(user_event(intent, text, rest[0] if rest else None, metadata))
        evs.append({"event": "action", "name": "action_listen"})
    latest = evs[-2] if user_turns else {}
    return Tracker.from_dict(
        {
            "sender_id": f"test-{next(_ids)}",
            "slots": dict(slots or {}),
            "latest_message": {
                "intent": latest.get("parse_data", {}).get("intent", {}),
                "entities": latest.get("parse_data", {}).get("entities", []),
                "text": latest.get("text"),
                "metadata": latest.get("metadata", {}),
            },
            "events": evs,
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture
def dispatcher():
    return CollectingDispatcher()


def said(dispatcher):
    """Everything the action said, as one string (texts and response names)."""
    return "\n".join(m.get("text") or m.get("response") or "" for m in dispatcher.messages)
