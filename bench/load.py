"""A closed-loop load generator over Rasa's REST channel: each virtual user plays whole
conversations (a new unguessable id each), sending the next message as soon as the answer comes.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import statistics
import time
from dataclasses import dataclass, field

import aiohttp


@dataclass
class Result:
    concurrency: int
    seconds: float
    latencies: list = field(default_factory=list)  # seconds, per message answered in the window
    errors: int = 0
    conversations: int = 0

    def add(self, other: "Result") -> None:
        """Take in another run's messages, as if measured in one longer window."""
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.errors += other.errors
        self.conversations += other.conversations

    def summary(self) -> dict:
        ms = sorted(x * 1000 for x in self.latencies)
        cuts = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
        return {
            "concurrency": self.concurrency,
            "messages": len(ms),
            "errors": self.errors,
            "conversations": self.conversations,
            "msgs_per_s": round(len(ms) / self.seconds, 1),
            "p50_ms": round(cuts[49], 1),
            "p95_ms": round(cuts[94], 1),
            "p99_ms": round(cuts[98], 1),
        }


async def _user(session, url, journeys, weights, area, rng, window, result, deadline):
    names = list(journeys)
    while time.monotonic() < deadline:
        sender = secrets.token_hex(16)
        for text in journeys[rng.choices(names, [weights[n] for n in names])[0]]:
            if time.monotonic() >= deadline:
                return
            body = {"sender": sender, "message": text, "metadata": {"area": area} if area else {}}
            start = time.monotonic()
            try:
                async with session.post(url, json=body) as response:
                    answer = await response.json(content_type=None)
                    ok = response.status == 200 and bool(answer)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                ok = False
            end = time.monotonic()
            # Counted by when it was sent: counting only messages also answered inside the window
            # would leave out more of the slow ones, the more so the shorter the window.
            if window[0] <= start < window[1]:
                if ok:
                    result.latencies.append(end - start)
                else:
                    result.errors += 1
        result.conversations += 1


async def run(url, journeys, weights, concurrency, seconds, warmup=5.0, area=None, seed=1) -> Result:
    """Load for warmup + seconds; the messages sent in the last `seconds` count (each answered in full)."""
    result = Result(concurrency, seconds)
    now = time.monotonic()
    window = (now + warmup, now + warmup + seconds)
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(
            *(
                _user(
                    session,
                    url + "/webhooks/rest/webhook",
                    journeys,
                    weights,
                    area,
                    random.Random(seed + i),
                    window,
                    result,
                    window[1],
                )
                for i in range(concurrency)
            )
        )
    return result


async def conversations(url, journeys, weights, count, concurrency, area=None, seed=7) -> int:
    """Play `count` whole conversations (for memory batches); returns the number of failed messages."""
    rng = random.Random(seed)
    names = list(journeys)
    queue = asyncio.Queue()
    for _ in range(count):
        queue.put_nowait(journeys[rng.choices(names, [weights[n] for n in names])[0]])
    failures = 0

    async def worker(session):
        nonlocal failures
        while not queue.empty():
            messages = queue.get_nowait()
            sender = secrets.token_hex(16)
            for text in messages:
                body = {"sender": sender, "message": text, "metadata": {"area": area} if area else {}}
                try:
                    async with session.post(url + "/webhooks/rest/webhook", json=body) as response:
                        if response.status != 200 or not await response.json(content_type=None):
                            failures += 1
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                    failures += 1

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    return failures
