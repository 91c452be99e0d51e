"""Small rules about the shape of a conversation."""

from __future__ import annotations

from typing import Iterable

# Intents that mean "the assistant did not understand" or "not something it does".
MISUNDERSTOOD_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})

# After this many misunderstandings in a row the person gets the menu and a human contact.
ESCALATE_AFTER = 2


def misunderstandings_in_a_row(user_intents: Iterable[str]) -> int:
    """Count the trailing run of misunderstood messages (oldest first in the input)."""
    count = 0
    for intent in reversed(list(user_intents)):
        if intent not in MISUNDERSTOOD_INTENTS:
            break
        count += 1
    return count


def should_escalate(user_intents: Iterable[str]) -> bool:
    """The menu and contacts on the second miss in a row, then on every second one after
    (not on every message: seven messages each time would bury the conversation)."""
    misses = misunderstandings_in_a_row(user_intents)
    return misses >= ESCALATE_AFTER and misses % ESCALATE_AFTER == 0


# In the middle of one guide, a message the NLU takes for a request to start the other
# switches guides only when the NLU is this sure. Below it ("yes I think so" was taken
# for "check if I could get one" at 0.68), the message is treated as an unclear answer
# and the question is asked again: losing a switch costs one more message, a wrong
# switch loses the person's place.
SWITCH_GUIDE_CONFIDENCE = 0.9


def should_switch_guide(confidence: float | None) -> bool:
    return (confidence or 0.0) >= SWITCH_GUIDE_CONFIDENCE
