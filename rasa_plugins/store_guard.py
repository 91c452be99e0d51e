"""What the tracker stores tell the REST channel: that a store failed during this message, and how
to forget a conversation.

Rasa's Agent wraps every tracker store in a FailSafeTrackerStore. When a store raises, it logs the
error and carries on: a failed read gives a new, empty conversation, and a failed save goes to an
in-memory store that never forgets and that erasure cannot reach. So our stores never raise:
they note the fault here, save nothing more for the message, and the channel
(rasa_plugins/rest_channel.py) answers honestly that the message did not go through.
"""

from __future__ import annotations

import contextvars
from typing import Awaitable, Callable, Optional

# Set by the channel for each message: a list the stores append the fault's kind to. A list, so a
# fault noted in a task that copied the context still reaches the channel.
_faults: contextvars.ContextVar[Optional[list]] = contextvars.ContextVar("phb_store_faults", default=None)
_forget: Optional[Callable[[str], Awaitable[None]]] = None


def watch() -> list:
    """Start watching for store faults during one message; the list they are noted in."""
    faults: list = []
    _faults.set(faults)
    return faults


def note(kind: str) -> None:
    faults = _faults.get()
    if faults is not None:
        faults.append(kind)


def failed() -> bool:
    return bool(_faults.get())


def forget_with(forget: Callable[[str], Awaitable[None]]) -> None:
    """Called by the tracker store this server uses."""
    global _forget
    _forget = forget


async def forget(stored_id: str) -> bool:
    """Delete a conversation from this server's tracker store; False if there is no store to ask."""
    if _forget is None:
        return False
    await _forget(stored_id)
    return True
