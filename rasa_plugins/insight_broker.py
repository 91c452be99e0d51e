"""A Rasa event broker that keeps anonymous insight facts (bot/insight/), configured in endpoints.yml.

Rasa publishes every event of every conversation here. The broker keeps only
codes (bot/insight/derive.py) and writes them from a background thread in
batches, so a slow or missing database never slows or breaks a conversation.
If the database is down, facts wait in memory (up to MAX_WAITING) and are
written when it is back; beyond that the oldest are dropped and the count logged.
"""

from __future__ import annotations

import atexit
import collections
import logging
import threading
from asyncio import AbstractEventLoop
from typing import Any, Dict, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.insight.derive import Deriver
from bot.insight.store import InsightStore, InsightUnavailable

logger = logging.getLogger(__name__)
MAX_WAITING = 50_000
BATCH = 500


class InsightBroker(EventBroker):
    def __init__(self, url: str | None = None, flush_seconds: float = 0.5):
        self._deriver = Deriver()
        self._url = url
        self._store: InsightStore | None = None
        self._waiting: collections.deque = collections.deque()
        self._wake = threading.Condition()
        self._flush_seconds = flush_seconds
        self._dropped = 0
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="insight-writer", daemon=True)
        self._thread.start()
        atexit.register(self.flush)

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: Optional[EndpointConfig], event_loop: Optional[AbstractEventLoop] = None
    ) -> "InsightBroker":
        kwargs = (broker_config.kwargs if broker_config else {}) or {}
        return cls(url=kwargs.get("url"), flush_seconds=float(kwargs.get("flush_seconds", 0.5)))

    def publish(self, event: Dict[Text, Any]) -> None:
        try:
            facts = self._deriver.facts(event)
        except Exception:  # noqa: BLE001 (insight must never break a conversation)
            logger.exception("insight: could not read an event of kind %s", event.get("event"))
            return
        if not facts:
            return
        with self._wake:
            self._waiting.extend(facts)
            while len(self._waiting) > MAX_WAITING:
                self._waiting.popleft()
                self._dropped += 1
            # Wake the writer only for a full batch: otherwise it writes every flush_seconds, so
            # facts go in batches rather than one transaction each (measured in docs/benchmarks.md).
            if len(self._waiting) >= BATCH:
                self._wake.notify()

    def _take(self) -> list:
        with self._wake:
            return [self._waiting.popleft() for _ in range(min(BATCH, len(self._waiting)))]

    def _write_some(self) -> bool:
        """Write one batch; False if the database is not there (the batch goes back to wait)."""
        batch = self._take()
        if not batch:
            return True
        try:
            if self._store is None:
                self._store = InsightStore(self._url)
            self._store.add(batch)
            return True
        except InsightUnavailable as err:
            logger.warning("insight: database unavailable (%s); %d facts wait", err, len(batch) + len(self._waiting))
            with self._wake:
                self._waiting.extendleft(reversed(batch))
            return False

    def _run(self) -> None:
        pause = self._flush_seconds
        while not self._stopping:
            with self._wake:
                self._wake.wait(timeout=pause)
            ok = True
            while ok and self._waiting:
                ok = self._write_some()
            pause = self._flush_seconds if ok else min(max(pause * 2, 1.0), 30.0)
            if self._dropped:
                logger.warning("insight: %d facts dropped while the database was unavailable", self._dropped)
                self._dropped = 0

    def flush(self) -> None:
        """Write what is waiting now (on shutdown)."""
        while self._waiting and self._write_some():
            pass

    def is_ready(self) -> bool:
        return self._thread.is_alive()

    async def close(self) -> None:
        self._stopping = True
        with self._wake:
            self._wake.notify()
        self.flush()
