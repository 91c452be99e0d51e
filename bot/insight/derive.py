"""Turn Rasa's events into anonymous facts: codes, counts and dates only.

A fact never holds message text (except a feedback comment, masked) or the
conversation id: conversations are told apart by a hash of their id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import OrderedDict
from dataclasses import dataclass

from bot.areas import DEFAULT_AREA_ID, known_area_id
from bot.privacy import mask

# Intents that are a topic someone asked about (an FAQ's topic comes from the response selector).
TOPIC_INTENTS = frozenset(
    {
        "ask_local_offer",
        "ask_how_to_start",
        "ask_armed_forces",
        "ask_money_options",
        "ask_direct_payment_details",
        "ask_wheelchair_budget",
        "talk_to_person",
        "medical_question",
        "out_of_scope",
        "crisis",
        "check_eligibility",
        "start_outcomes",
        "start_intake",
    }
)
STARTS = {
    "action_start_eligibility": "eligibility",
    "action_start_money_check": "money",
    "action_start_outcomes": "outcomes",
    "action_start_intake": "intake",
    "action_start_feedback": "feedback",
}
FALLBACK_ACTIONS = frozenset({"action_handle_misunderstanding", "action_default_fallback"})
# Eligibility reason codes (bot/eligibility.py) to the cohorts of national reporting.
COHORT_OF_REASON = {
    "chc": "chc",
    "ccc": "childrens_continuing_care",
    "s117": "section_117",
    "s117_cto": "section_117",
    "wheelchair": "wheelchair",
}


@dataclass(frozen=True)
class Fact:
    day: dt.date
    conversation: str
    area: str | None
    kind: str
    detail: str | None = None
    value: int | None = None
    comment: str | None = None


def conversation_key(sender_id: str) -> str:
    """Not the intake record's hash of the same id, so the two tables cannot be joined on it."""
    return hashlib.sha256(b"phb-insight:" + sender_id.encode()).hexdigest()


class Deriver:
    """Facts from one server's stream of events. It remembers each conversation's area (a bounded map):
    a website sends it with each message, or the person names it."""

    def __init__(self, max_conversations: int = 10_000):
        self._areas: OrderedDict[str, str] = OrderedDict()
        self._max = max_conversations

    def _area(self, key: str, area: object = None) -> str | None:
        area_id = known_area_id(area)
        if area_id and area_id != DEFAULT_AREA_ID:
            self._areas[key] = area_id
        if key in self._areas:
            self._areas.move_to_end(key)
            while len(self._areas) > self._max:
                self._areas.popitem(last=False)
        return self._areas.get(key)

    def facts(self, event: dict) -> list[Fact]:
        sender = event.get("sender_id")
        if not isinstance(sender, str) or not sender:
            return []
        key = conversation_key(sender)
        stamp = event.get("timestamp")
        day = (
            dt.datetime.fromtimestamp(stamp, dt.timezone.utc)
            if isinstance(stamp, (int, float))
            else dt.datetime.now(dt.timezone.utc)
        ).date()
        kind = event.get("event")
        if kind == "user":
            return self._user(event, key, day)
        if kind == "action":
            return self._action(event.get("name"), key, day)
        if kind == "slot":
            return self._slot(event.get("name"), event.get("value"), key, day)
        return []

    def _fact(self, key, day, kind, detail=None, value=None, comment=None) -> Fact:
        return Fact(day, key, self._area(key), kind, detail, value, comment)

    def _user(self, event: dict, key: str, day: dt.date) -> list[Fact]:
        self._area(key, (event.get("metadata") or {}).get("area"))
        parse = event.get("parse_data") or {}
        intent = (parse.get("intent") or {}).get("name")
        facts = [self._fact(key, day, "message")]
        if intent == "faq":
            selected = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
            topic = selected.get("intent_response_key")
            if isinstance(topic, str):
                facts.append(self._fact(key, day, "topic", topic[:100]))
        elif intent in TOPIC_INTENTS:
            facts.append(self._fact(key, day, "topic", intent))
        if intent == "talk_to_person":
            facts.append(self._fact(key, day, "handoff"))
        # Questions it could not answer, as codes: unsure ("did you mean"), and none of its offers fitted.
        if intent == "nlu_fallback":
            facts.append(self._fact(key, day, "unsure"))
        elif intent == "something_else":
            facts.append(self._fact(key, day, "unanswered"))
        elif intent == "choose_topic":
            topic = next((e.get("value") for e in parse.get("entities") or [] if e.get("entity") == "topic"), None)
            if isinstance(topic, str) and topic.startswith("faq/"):
                facts.append(self._fact(key, day, "topic", topic[:100]))
        return facts

    def _action(self, name: object, key: str, day: dt.date) -> list[Fact]:
        if name in STARTS:
            return [self._fact(key, day, "started", STARTS[name])]
        if name in FALLBACK_ACTIONS:
            return [self._fact(key, day, "fallback")]
        return []

    def _slot(self, name: object, value: object, key: str, day: dt.date) -> list[Fact]:
        if name == "area":
            self._area(key, value)
            return []
        if name == "money_suggested" and isinstance(value, list):
            # An empty list is a result too: no way stood out.
            return [self._fact(key, day, "finished", "money")] + [
                self._fact(key, day, "suggested", str(way)[:100]) for way in value
            ]
        if value in (None, "", [], {}):
            return []
        if name == "eligibility_result" and isinstance(value, str):
            return [self._fact(key, day, "finished", "eligibility"), self._fact(key, day, "result", value)]
        if name == "eligibility_reasons" and isinstance(value, list):
            cohorts = {COHORT_OF_REASON[r] for r in value if r in COHORT_OF_REASON}
            if any(isinstance(r, str) and r.startswith("local:") for r in value):
                cohorts.add("local_offer")
            return [self._fact(key, day, "cohort", c) for c in sorted(cohorts)]
        if name == "money_preferred" and isinstance(value, str):
            return [self._fact(key, day, "preferred", value[:100])]
        if name == "outcomes" and isinstance(value, list):
            return [self._fact(key, day, "outcomes_drafted", value=len(value))]
        if name == "intake_reference":
            return [self._fact(key, day, "finished", "intake")]
        if name == "feedback_score" and isinstance(value, str):
            return [self._fact(key, day, "feedback", value[:32])]
        if name == "feedback_comment" and isinstance(value, str):
            return [self._fact(key, day, "comment", comment=mask(value))]
        return []
