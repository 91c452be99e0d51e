"""Which messages may reuse an earlier NLU result, and a small store for those results.

Under load, understanding each message (spaCy and two TensorFlow models) was 44% of the Rasa
server's CPU (docs/benchmarks.md). Most messages inside a guide are button presses, and a button
sends its own label, so the same few hundred texts are understood again and again. Our NLU
pipeline looks only at the text (no component reads the conversation or the metadata), so the
same text always gets the same result from the same model.

Only two kinds of text are kept, so the cache never holds what a person typed about themselves:
- a button the assistant offered in its last turn (its payload is our own content);
- a bare intent payload such as "/greet" (the widget sends it on opening).
"""

from __future__ import annotations

import copy
import re
from collections import OrderedDict
from typing import Iterable, Optional

BARE_INTENT = re.compile(r"/[a-z_]{1,64}")
# Button labels across every area and guide number a few hundred; this leaves room for more.
MAX_ENTRIES = 2048


def cache_key(text: str, offered: Iterable[str]) -> Optional[str]:
    """The key to keep this message's result under, or None when it must be understood afresh."""
    if not isinstance(text, str) or not text:
        return None
    if BARE_INTENT.fullmatch(text):
        return text
    return text if text in set(offered) else None


class ParseCache:
    """The NLU results of offered texts, most recently used kept, at most `max_entries`."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._results: OrderedDict[str, dict] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Optional[dict]:
        """A copy of the result kept for `key` (callers may change it), or None."""
        result = self._results.get(key)
        if result is None:
            self.misses += 1
            return None
        self._results.move_to_end(key)
        self.hits += 1
        return copy.deepcopy(result)

    def put(self, key: str, result: dict) -> None:
        self._results[key] = copy.deepcopy(result)
        self._results.move_to_end(key)
        while len(self._results) > self.max_entries:
            self._results.popitem(last=False)

    def __len__(self) -> int:
        return len(self._results)
