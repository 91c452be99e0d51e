"""One turn of a conversation, as the guide engine sees it: a plain value, so the engine and every
guide can be tested without Rasa. actions/common.py makes one from a Rasa tracker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from bot.areas import Area, stored_area

# The web widget says so in each message's metadata (widget/src/phb-chat.js); it draws question
# progress as a bar.
WIDGET_CLIENT = "phb-chat"
# The conversation's area (set by the website's metadata, the person, or a guide's area question).
AREA_SLOT = "area"


@dataclass(frozen=True)
class Turn:
    # The latest message as the NLU read it (Rasa's parse: text, intent, intent_ranking, entities,
    # response_selector, crisis_guard, metadata).
    message: Mapping[str, Any]
    # The conversation's slots as they are before this turn's decisions.
    slots: Mapping[str, Any] = field(default_factory=dict)
    # The form that is running (the active loop's name), and the slot it asks for.
    active_form: str | None = None
    requested_slot: str | None = None
    # Whether the form runs straight after the person's message (not on coming back to the form
    # after a rule answered that message).
    new_message: bool = True
    # The assistant's replies to the previous message offered "did you mean" buttons: "not what I
    # meant" then answers that offer, not the guide's question.
    after_did_you_mean: bool = False
    sender_id: str = ""
    channel: str | None = None
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))

    @property
    def text(self) -> str:
        return self.message.get("text") or ""

    @property
    def intent(self) -> str | None:
        return (self.message.get("intent") or {}).get("name")

    @property
    def confidence(self) -> float | None:
        return (self.message.get("intent") or {}).get("confidence")

    @property
    def metadata(self) -> Mapping[str, Any]:
        return self.message.get("metadata") or {}

    def slot(self, name: str) -> Any:
        return self.slots.get(name)

    @property
    def area(self) -> Area | None:
        """The area already known for this conversation (slot, else the website's metadata)."""
        return stored_area(self.slot(AREA_SLOT), self.metadata)

    @property
    def from_widget(self) -> bool:
        return self.metadata.get("client") == WIDGET_CLIENT
