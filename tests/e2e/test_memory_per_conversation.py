"""Nothing is kept for good per conversation: once `make run`'s store has forgotten a batch of
conversations, the Rasa side holds no more Python memory than after the batch before.

`make bench` measures the servers' resident memory, but the allocator keeps freed memory and
moves it by a few MiB either way, so a small leak hides in that noise. Here the batches run in
this process, through the trained model, the real action server and make run's tracker store.
After each batch the store forgets it, and three figures are taken: the objects the garbage
collector tracks (every container, every event, every tracker), the entries in all lists, dicts,
sets and deques (a string or number kept in a container that lives on), and Python's allocated
memory blocks (anything at all, but noisy: caches and free lists move it by about a hundred).
"""

import asyncio
import collections
import gc
import secrets
import sys

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bench import journeys
from rasa_plugins.memory_tracker_store import ForgetfulMemoryTrackerStore
from tests.e2e.conftest import on_real_actions

AREA = "kent-and-medway"
IDLE_MINUTES = 60.0
# Each batch plays every bench journey this many times (5 journeys: 40 conversations, 341 messages).
ROUNDS = 8
# The first batch fills what is filled once (caches, TensorFlow's functions); three follow.
BATCHES = 4


@pytest.fixture(scope="module")
def played(trained_agent, tmp_path_factory):
    clock = [0.0]
    store = ForgetfulMemoryTrackerStore(
        trained_agent.processor.domain, idle_minutes=IDLE_MINUTES, clock=lambda: clock[0]
    )

    async def conversation(messages):
        sender = secrets.token_hex(16)
        for text in messages:
            out = CollectingOutputChannel()
            await processor.handle_message(UserMessage(text, out, sender, metadata={"area": AREA}))
            assert out.messages, f"no answer to {text!r}"

    async def batch():
        for _ in range(ROUNDS):
            for messages in journeys.OURS.values():
                await conversation(messages)

    def measure():
        clock[0] += (IDLE_MINUTES + 1) * 60  # every conversation of the batch is now idle too long
        store._kept.forget_idle()
        assert len(store._kept) == 0
        gc.collect()
        tracked = gc.get_objects()
        entries = sum(len(o) for o in tracked if isinstance(o, (dict, list, set, collections.deque)))
        return sys.getallocatedblocks(), len(tracked), entries

    figures = [None] * BATCHES  # filled in place, so that this list does not grow between figures
    loop = asyncio.new_event_loop()
    try:
        with on_real_actions(trained_agent, tmp_path_factory.mktemp("memory"), store) as processor:
            for index in range(BATCHES):
                loop.run_until_complete(batch())
                figures[index] = measure()
    finally:
        loop.close()
    return figures


def test_memory_does_not_grow_from_batch_to_batch_once_conversations_are_forgotten(played):
    conversations = ROUNDS * len(journeys.OURS)
    blocks, objects, entries = zip(*played)
    print(
        f"{conversations} conversations per batch: allocated blocks {blocks}, tracked objects {objects}, "
        f"entries {entries}"
    )
    after_first = slice(1, None)
    # Anything kept per conversation would add at least one object or entry for each: 40 a batch.
    assert max(objects[after_first]) - min(objects[after_first]) < conversations / 10, objects
    assert max(entries[after_first]) - min(entries[after_first]) < conversations / 10, entries
    # A kept conversation is hundreds of blocks; this allows for the caches' noise.
    assert blocks[-1] - blocks[1] < 5 * conversations * (BATCHES - 2), blocks
