"""A map that forgets entries nobody has used for a while: the in-memory conversations.

`make run` keeps conversations in memory. Rasa's own in-memory store keeps every conversation
until the server stops, so memory grows with every visitor and old conversations stay readable.
Here a conversation left alone for `idle_seconds` is forgotten; a person who comes back after
that starts afresh, as they would after Rasa's session expiry. Entries are kept in order of last
use, so forgetting looks only at the oldest ones.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from typing import Callable, Generic, Iterator, Optional, TypeVar

V = TypeVar("V")

# How long `make run` keeps an idle conversation: `idle_minutes` of the tracker store in
# endpoints.yml, unless this variable says otherwise (rasa_plugins/memory_tracker_store.py).
DEFAULT_IDLE_MINUTES = 60.0
IDLE_MINUTES_VARIABLE = "PHB_TRACKER_IDLE_MINUTES"


def conversation_idle_minutes(configured: Optional[float] = None) -> float:
    return float(os.environ.get(IDLE_MINUTES_VARIABLE) or configured or DEFAULT_IDLE_MINUTES)


class Full(Exception):
    """The map holds as many entries as it may: a new one is refused, never an old one dropped."""


class ExpiringMap(Generic[V]):
    def __init__(
        self, idle_seconds: float, clock: Callable[[], float] = time.monotonic, max_entries: Optional[int] = None
    ) -> None:
        if idle_seconds <= 0:
            raise ValueError("idle_seconds must be more than 0")
        if max_entries is not None and max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.idle_seconds = idle_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, V]] = OrderedDict()

    def get(self, key: str) -> Optional[V]:
        """The value, marked as used now; None if there is none or it was forgotten."""
        self.forget_idle()
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries[key] = (self._clock(), entry[1])
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: str, value: V) -> None:
        """Keeps the value; raises Full for a new key when `max_entries` are kept (dropping a live
        conversation to make room would lose what someone is in the middle of)."""
        self.forget_idle()
        if self.max_entries is not None and key not in self._entries and len(self._entries) >= self.max_entries:
            raise Full(f"{self.max_entries} entries are kept")
        self._entries[key] = (self._clock(), value)
        self._entries.move_to_end(key)

    def forget_idle(self) -> int:
        """Forgets every entry idle for longer than `idle_seconds`; says how many."""
        oldest_kept = self._clock() - self.idle_seconds
        forgotten = 0
        while self._entries:
            key, (used, _) = next(iter(self._entries.items()))
            if used >= oldest_kept:
                break
            del self._entries[key]
            forgotten += 1
        return forgotten

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        return len(self._entries)

    def pop(self, key: str) -> Optional[V]:
        entry = self._entries.pop(key, None)
        return None if entry is None else entry[1]

    def pop_least_recent(self) -> Optional[V]:
        """Forgets the entry used least recently: for a cache, where dropping one costs only time."""
        if not self._entries:
            return None
        return self._entries.popitem(last=False)[1][1]

    def keys(self) -> Iterator[str]:
        self.forget_idle()
        return iter(list(self._entries))
